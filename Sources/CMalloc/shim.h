#ifndef WHICHTOK_CMALLOC_SHIM_H
#define WHICHTOK_CMALLOC_SHIM_H

/* Hands the pages of freed memory back to the system. glibc keeps what a program frees in its
   arenas for reuse; where a build frees one large thing while it fills another (a store's partial
   stores as their rows become observations) the freed pages would otherwise stay resident.
   Elsewhere a no-op. `__GLIBC__` comes from a libc header (features.h), so one is included first:
   tested before any, it was never defined and the call was always the no-op. */
#include <stdlib.h>
#include <stdint.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Buffers from this size on ask for huge pages (`whichtok_advise_huge_pages`). */
#define WHICHTOK_HUGE_PAGES_FROM ((size_t)4 << 20)

/* Asks the system to back the 2 MiB-aligned part of [start, start + bytes) with huge pages once it
   is touched (Linux transparent huge pages, in their default `madvise` mode): one page fault per
   2 MiB instead of per 4 KiB, for the large buffers an import fills once and reads once (entry
   buffers, parse trees, sort scratch). Only for buffers of `WHICHTOK_HUGE_PAGES_FROM` bytes or
   more, and only a hint: where huge pages are off or the range holds no aligned 2 MiB, nothing
   changes. Elsewhere a no-op. */
static inline void whichtok_advise_huge_pages(void *start, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes < WHICHTOK_HUGE_PAGES_FROM) { return; }
    const uintptr_t huge = (uintptr_t)2 << 20;
    const uintptr_t first = ((uintptr_t)start + huge - 1) & ~(huge - 1);
    const uintptr_t end = ((uintptr_t)start + bytes) & ~(huge - 1);
    if (bytes > 0 && end > first) { (void)madvise((void *)first, end - first, MADV_HUGEPAGE); }
#else
    (void)start;
    (void)bytes;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
static inline void whichtok_release_free_memory(void) { (void)malloc_trim(0); }
/* Keeps freed memory in the heap for the next allocation instead of returning it to the system at
   each free: blocks below 32 MiB (the most glibc allows) come from the heap rather than from a
   mapping of their own, and the heap's top is not trimmed after each free. A program that frees
   and allocates large buffers in turn (an import: entry buffers, parse trees, batches) then does
   not fault the same pages in again and again; whichtok_release_free_memory still hands the free
   pages back where a step ends. */
static inline void whichtok_keep_freed_memory(void) {
    (void)mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    (void)mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
}
#else
static inline void whichtok_release_free_memory(void) {}
static inline void whichtok_keep_freed_memory(void) {}
#endif

#endif
