#ifndef WHICHTOK_CPREFETCH_SHIM_H
#define WHICHTOK_CPREFETCH_SHIM_H

#include <stdint.h>

/* A software prefetch hint (read, keep in all cache levels). Swift has no such intrinsic; Leiden's
   local moving uses it to fetch the rows and labels of the nodes next in its queue. Harmless on any
   address: a prefetch never faults. */
static inline void whichtok_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/* The few atomic accesses Leiden's pipelined local moving needs (one thread commits moves while
   another evaluates the nodes ahead in the queue): acquire/release counters that publish progress, and
   relaxed loads and stores of the labels and queue entries both threads touch. On x86-64 and arm64
   these are plain loads and stores; they only tell the compiler and the memory model what is shared. */
static inline int64_t whichtok_load_acquire(const int64_t *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

static inline void whichtok_store_release(int64_t *address, int64_t value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}

static inline uint32_t whichtok_load_relaxed(const uint32_t *address) {
    return __atomic_load_n(address, __ATOMIC_RELAXED);
}

static inline void whichtok_store_relaxed(uint32_t *address, uint32_t value) {
    __atomic_store_n(address, value, __ATOMIC_RELAXED);
}

/* A spin-wait hint: lets the other hardware thread of the core run while this one waits. */
static inline void whichtok_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
