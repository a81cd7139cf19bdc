/*
 * hash.h — the road not taken: per-tile hashes instead of a shadow compare, measured so the
 * choice rests on numbers.  Bench-only code; the driver uses the exact shadow compare.
 */
#ifndef BENCH_HASH_H
#define BENCH_HASH_H

#include <stdint.h>

struct hash_result {
    const char *name;
    double ms;          /* best time to hash every 64x64 tile of an unchanged frame */
    unsigned bits;      /* signature bits per tile */
};

/* Fills up to `max` results (the CRC32C one only when the CPU has SSE4.2); returns how many. */
unsigned hash_measure(uint32_t width, uint32_t height, unsigned rounds, struct hash_result *out,
                      unsigned max);

#endif /* BENCH_HASH_H */
