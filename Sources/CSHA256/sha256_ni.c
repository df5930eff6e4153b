// SHA-256 compression with the SHA-NI instructions. See include/CSHA256.h.
//
// The state is kept as the two vectors the instructions work on, ABEF and CDGH. Each group of
// four rounds adds the round constants to four message words, runs two rounds with
// sha256rnds2, moves the other two words down and runs two more; the message schedule for later
// groups is computed alongside with sha256msg1/sha256msg2.

#include "CSHA256.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

int csha256_accelerated(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) { return 0; }
    const int ssse3 = (ecx >> 9) & 1;
    const int sse41 = (ecx >> 19) & 1;
    if (__get_cpuid_max(0, 0) < 7) { return 0; }
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

#define CSHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

// Four rounds on message words `m` (already scheduled) starting at round `r`.
#define CSHA_ROUNDS(m, r)                                                                     \
    do {                                                                                      \
        __m128i k = _mm_add_epi32((m), _mm_loadu_si128((const __m128i *)&round_constants[r])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);                                          \
        k = _mm_shuffle_epi32(k, 0x0E);                                                       \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, k);                                          \
    } while (0)

// The next four message words into `next` (from `next`, `previous`, `current`).
#define CSHA_SCHEDULE(next, previous, current)                          \
    do {                                                                \
        (next) = _mm_add_epi32((next), _mm_alignr_epi8((current), (previous), 4)); \
        (next) = _mm_sha256msg2_epu32((next), (current));               \
    } while (0)

CSHA_TARGET
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    // state[0..3] = a b c d, state[4..7] = e f g h  →  abef = (a b e f), cdgh = (c d g h),
    // most significant word first as the instructions want them.
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    while (blocks > 0) {
        const __m128i abef_start = abef;
        const __m128i cdgh_start = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), byteswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), byteswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), byteswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), byteswap);

        CSHA_ROUNDS(m0, 0);
        CSHA_ROUNDS(m1, 4);
        m0 = _mm_sha256msg1_epu32(m0, m1);
        CSHA_ROUNDS(m2, 8);
        m1 = _mm_sha256msg1_epu32(m1, m2);
        CSHA_ROUNDS(m3, 12);
        CSHA_SCHEDULE(m0, m2, m3);
        m2 = _mm_sha256msg1_epu32(m2, m3);
        // Rounds 16…47: three times the same four groups, the registers taking turns.
        for (int group = 4; group < 12; group += 4) {
            CSHA_ROUNDS(m0, group * 4);
            CSHA_SCHEDULE(m1, m3, m0);
            m3 = _mm_sha256msg1_epu32(m3, m0);
            CSHA_ROUNDS(m1, group * 4 + 4);
            CSHA_SCHEDULE(m2, m0, m1);
            m0 = _mm_sha256msg1_epu32(m0, m1);
            CSHA_ROUNDS(m2, group * 4 + 8);
            CSHA_SCHEDULE(m3, m1, m2);
            m1 = _mm_sha256msg1_epu32(m1, m2);
            CSHA_ROUNDS(m3, group * 4 + 12);
            CSHA_SCHEDULE(m0, m2, m3);
            m2 = _mm_sha256msg1_epu32(m2, m3);
        }
        // Rounds 48…63: the last words need no more first-step scheduling.
        CSHA_ROUNDS(m0, 48);
        CSHA_SCHEDULE(m1, m3, m0);
        m3 = _mm_sha256msg1_epu32(m3, m0);
        CSHA_ROUNDS(m1, 52);
        CSHA_SCHEDULE(m2, m0, m1);
        CSHA_ROUNDS(m2, 56);
        CSHA_SCHEDULE(m3, m1, m2);
        CSHA_ROUNDS(m3, 60);

        abef = _mm_add_epi32(abef, abef_start);
        cdgh = _mm_add_epi32(cdgh, cdgh_start);
        data += 64;
        blocks -= 1;
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)&state[0], dcba);
    _mm_storeu_si128((__m128i *)&state[4], hgfe);
}

#else

int csha256_accelerated(void) { return 0; }

void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    (void)state;
    (void)data;
    (void)blocks;
}

#endif
