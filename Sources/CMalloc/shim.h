#ifndef WHICHTOK_CMALLOC_SHIM_H
#define WHICHTOK_CMALLOC_SHIM_H

/* Hands the pages of freed memory back to the system. glibc keeps what a program frees in its
   arenas for reuse; where a build frees one large thing while it fills another (a store's partial
   stores as their rows become observations) the freed pages would otherwise stay resident.
   Elsewhere a no-op. `__GLIBC__` comes from a libc header (features.h), so one is included first:
   tested before any, it was never defined and the call was always the no-op. */
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
static inline void whichtok_release_free_memory(void) { (void)malloc_trim(0); }
#else
static inline void whichtok_release_free_memory(void) {}
#endif

#endif
