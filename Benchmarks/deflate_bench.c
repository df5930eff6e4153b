/* Inflates every raw deflate stream of a blob three ways and prints the best-of-N time of each.
 *
 * Built and run by Benchmarks/deflate_bench.py (gcc -O2 ... -lz -ldeflate). Usage:
 *   deflate_bench BLOB INDEX REPEAT
 * INDEX has one line per stream: "offset compressed_size uncompressed_size crc32" (decimal).
 * Methods:
 *   zlib-whole      inflateInit2(-15) once, inflateReset per entry, one inflate(Z_FINISH) into a
 *                   buffer of the known size (what a reader that reads an entry whole would do);
 *   libdeflate      libdeflate_deflate_decompress into a buffer of the known size;
 *   zlib-64k        inflate into a 64 KiB buffer reused until the stream ends (a streaming reader);
 *   zlib-256k       the same with 256 KiB, the buffer libarchive's zip reader inflates into (its
 *                   archive_read_data then copies from there into the caller's buffer);
 *   zlib-crc32, libdeflate-crc32   CRC-32 of each entry's size (no inflation).
 * Every method is first run once with CRC-32 verification of each entry against the index; the timed
 * runs do not compute CRCs. Times are the thread's CPU time (the machine is shared), the least of
 * REPEAT rounds, each round running the three methods in turn. Output, one line per method: "NAME SECONDS BYTES" or "NAME FAILED ENTRY".
 */
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

typedef struct {
    uint64_t offset, csize, usize;
    uint32_t crc;
} Entry;

static unsigned char *blob;
static Entry *entries;
static size_t count;
static unsigned char *out;
static struct libdeflate_decompressor *ld;
static z_stream zs;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Each returns the index of the first failing entry, or -1. */
static long zlib_whole(int verify) {
    for (size_t i = 0; i < count; i++) {
        Entry *e = &entries[i];
        inflateReset(&zs);
        zs.next_in = blob + e->offset;
        zs.avail_in = (uInt)e->csize;
        zs.next_out = out;
        zs.avail_out = (uInt)e->usize;
        if (inflate(&zs, Z_FINISH) != Z_STREAM_END || zs.total_out != e->usize) return (long)i;
        if (verify && crc32(0, out, (uInt)e->usize) != e->crc) return (long)i;
    }
    return -1;
}

static long with_libdeflate(int verify) {
    for (size_t i = 0; i < count; i++) {
        Entry *e = &entries[i];
        size_t got = 0;
        if (libdeflate_deflate_decompress(ld, blob + e->offset, e->csize, out, e->usize, &got) !=
                LIBDEFLATE_SUCCESS ||
            got != e->usize)
            return (long)i;
        if (verify && libdeflate_crc32(0, out, got) != e->crc) return (long)i;
    }
    return -1;
}

enum { CHUNK = 64 * 1024, LIBARCHIVE_CHUNK = 256 * 1024 };

static long zlib_chunks(int verify, uInt chunk) {
    for (size_t i = 0; i < count; i++) {
        Entry *e = &entries[i];
        uLong crc = 0;
        int rc;
        inflateReset(&zs);
        zs.next_in = blob + e->offset;
        zs.avail_in = (uInt)e->csize;
        do {
            zs.next_out = out;
            zs.avail_out = chunk;
            rc = inflate(&zs, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END) return (long)i;
            if (verify) crc = crc32(crc, out, (uInt)(chunk - zs.avail_out));
        } while (rc != Z_STREAM_END);
        if (zs.total_out != e->usize) return (long)i;
        if (verify && crc != e->crc) return (long)i;
    }
    return -1;
}

static long zlib_64k(int verify) { return zlib_chunks(verify, CHUNK); }
static long zlib_256k(int verify) { return zlib_chunks(verify, LIBARCHIVE_CHUNK); }

/* CRC-32 of every entry's size over the output buffer (libarchive checks each zip entry's CRC with
 * zlib's crc32; the speed does not depend on the bytes, and the buffer is in cache as after inflating). */
static volatile uint32_t crc_sink;

static long zlib_crc(int verify) {
    (void)verify;
    for (size_t i = 0; i < count; i++) crc_sink ^= (uint32_t)crc32(0, out, (uInt)entries[i].usize);
    return -1;
}

static long libdeflate_crc(int verify) {
    (void)verify;
    for (size_t i = 0; i < count; i++) crc_sink ^= libdeflate_crc32(0, out, entries[i].usize);
    return -1;
}

typedef struct {
    const char *name;
    long (*method)(int);
    double best;
} Method;

/* Rounds interleave the methods so that a burst of load on a shared machine hits all of them alike. */
static int run(Method *methods, int n, int repeat, uint64_t total) {
    for (int m = 0; m < n; m++) {
        long bad = methods[m].method(1);
        if (bad >= 0) {
            printf("%s FAILED %ld\n", methods[m].name, bad);
            return 1;
        }
        methods[m].best = 1e30;
    }
    for (int r = 0; r < repeat; r++) {
        for (int m = 0; m < n; m++) {
            double start = now();
            long bad = methods[m].method(0);
            double took = now() - start;
            if (bad >= 0) {
                printf("%s FAILED %ld\n", methods[m].name, bad);
                return 1;
            }
            if (took < methods[m].best) methods[m].best = took;
        }
    }
    for (int m = 0; m < n; m++) printf("%s %.6f %llu\n", methods[m].name, methods[m].best, (unsigned long long)total);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s BLOB INDEX REPEAT\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) return perror(argv[1]), 1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    blob = malloc((size_t)size + 1);
    if (!blob || fread(blob, 1, (size_t)size, f) != (size_t)size) return perror(argv[1]), 1;
    fclose(f);

    FILE *ix = fopen(argv[2], "r");
    if (!ix) return perror(argv[2]), 1;
    size_t capacity = 1024;
    entries = malloc(capacity * sizeof(Entry));
    unsigned long long o, c, u;
    unsigned long crc;
    uint64_t total = 0, largest = LIBARCHIVE_CHUNK;
    while (fscanf(ix, "%llu %llu %llu %lu", &o, &c, &u, &crc) == 4) {
        if (o + c > (unsigned long long)size || u > 0xFFFFFFFFull || c > 0xFFFFFFFFull) {
            fprintf(stderr, "%s: entry %zu lies outside the blob or is too large\n", argv[2], count);
            return 1;
        }
        if (count == capacity) entries = realloc(entries, (capacity *= 2) * sizeof(Entry));
        entries[count++] = (Entry){o, c, u, (uint32_t)crc};
        total += u;
        if (u > largest) largest = u;
    }
    fclose(ix);
    out = malloc(largest);
    ld = libdeflate_alloc_decompressor();
    memset(&zs, 0, sizeof zs);
    if (!out || !ld || inflateInit2(&zs, -15) != Z_OK) return fprintf(stderr, "out of memory\n"), 1;
    /* Touch the output buffer once so that no method pays its first page faults. */
    memset(out, 0, largest);

    int repeat = atoi(argv[3]);
    Method methods[] = {
        {"zlib-whole", zlib_whole, 0},
        {"libdeflate", with_libdeflate, 0},
        {"zlib-64k", zlib_64k, 0},
        {"zlib-256k", zlib_256k, 0},
        {"zlib-crc32", zlib_crc, 0},
        {"libdeflate-crc32", libdeflate_crc, 0},
    };
    int failed = run(methods, 6, repeat, total);
    printf("versions zlib %s\n", zlibVersion());
    return failed;
}
