#ifndef WHICHTOK_CSHA256_H
#define WHICHTOK_CSHA256_H
/*
 * SHA-256 block compression with the x86 SHA extensions (SHA-NI), for the importer's input
 * digests. The portable implementation stays in Swift (WhichtokImport's SHA256); it calls this
 * only when csha256_accelerated() says the CPU has SHA-NI, SSSE3 and SSE4.1. Elsewhere
 * csha256_accelerated() returns 0 and csha256_blocks must not be called.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** 1 when csha256_blocks may be called on this CPU, else 0. */
int csha256_accelerated(void);

/**
 * Compresses `blocks` consecutive 64-byte blocks at `data` into `state` (the eight working
 * variables a…h, native-endian words), exactly as FIPS 180-4, section 6.2.2, does.
 */
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#ifdef __cplusplus
}
#endif

#endif
