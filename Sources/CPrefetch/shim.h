#ifndef WHICHTOK_CPREFETCH_SHIM_H
#define WHICHTOK_CPREFETCH_SHIM_H

/* A software prefetch hint (read, keep in all cache levels). Swift has no such intrinsic; Leiden's
   local moving uses it to fetch the rows and labels of the nodes next in its queue. Harmless on any
   address: a prefetch never faults. */
static inline void whichtok_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
