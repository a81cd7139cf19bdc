/*
 * hash.c — two per-tile signatures, as fast as plain C and one CPU instruction make them:
 *  - mul64: four independent multiply-rotate lanes over 64-bit words (the structure of the fast
 *    non-cryptographic hashes), folded into 64 bits;
 *  - crc32c: the SSE4.2 crc32 instruction on four interleaved lanes (128-bit signature), the
 *    fastest checksum an x86 has without vector code.
 * Each reads the frame once (half the bytes a compare reads) but does more work per byte.
 */
#include "hash.h"

#include <stdlib.h>

#include "clock.h"
#include "refresh/damage.h"
#include "scene.h"

#define PRIME_A 0x9E3779B185EBCA87ull
#define PRIME_B 0xC2B2AE3D27D4EB4Full

typedef uint64_t word64 __attribute__((may_alias));              /* read pixels two at a time */
typedef unsigned long long crc_word __attribute__((may_alias));

typedef uint64_t (*tile_hash_fn)(const uint32_t *fb, uint32_t width, uint32_t x, uint32_t y,
                                 uint32_t w, uint32_t h);

static uint64_t rotl(uint64_t v, unsigned r)
{
    return v << r | v >> (64 - r);
}

static uint64_t mul64_tile(const uint32_t *fb, uint32_t width, uint32_t x, uint32_t y,
                           uint32_t w, uint32_t h)
{
    uint64_t l0 = PRIME_A, l1 = PRIME_B, l2 = 1, l3 = 2;

    for (uint32_t row = y; row < y + h; row++) {
        const word64 *p = (const word64 *)(fb + (size_t)row * width + x);
        for (uint32_t i = 0; i + 4 <= w / 2; i += 4) {
            l0 = rotl(l0 + p[i] * PRIME_B, 31) * PRIME_A;
            l1 = rotl(l1 + p[i + 1] * PRIME_B, 31) * PRIME_A;
            l2 = rotl(l2 + p[i + 2] * PRIME_B, 31) * PRIME_A;
            l3 = rotl(l3 + p[i + 3] * PRIME_B, 31) * PRIME_A;
        }
    }
    return rotl(l0, 1) + rotl(l1, 7) + rotl(l2, 12) + rotl(l3, 18);
}

__attribute__((target("sse4.2")))
static uint64_t crc32c_tile(const uint32_t *fb, uint32_t width, uint32_t x, uint32_t y,
                            uint32_t w, uint32_t h)
{
    unsigned long long c0 = ~0u, c1 = ~0u, c2 = ~0u, c3 = ~0u;

    for (uint32_t row = y; row < y + h; row++) {
        const crc_word *p = (const crc_word *)(fb + (size_t)row * width + x);
        for (uint32_t i = 0; i + 4 <= w / 2; i += 4) {
            c0 = __builtin_ia32_crc32di(c0, p[i]);
            c1 = __builtin_ia32_crc32di(c1, p[i + 1]);
            c2 = __builtin_ia32_crc32di(c2, p[i + 2]);
            c3 = __builtin_ia32_crc32di(c3, p[i + 3]);
        }
    }
    return (c0 ^ c2) << 32 | (c1 ^ c3);   /* only for the sink: the cost is the loop */
}

struct hash_ctx {
    tile_hash_fn fn;
    const uint32_t *fb;
    uint32_t stride;     /* pixels per framebuffer row */
    uint32_t w, h;       /* the part hashed: whole tiles only */
    uint64_t *sigs;
};

static void hash_frame(void *p, unsigned round)
{
    struct hash_ctx *k = p;
    size_t t = 0;
    (void)round;

    for (uint32_t y = 0; y < k->h; y += VGPU_DAMAGE_TILE_H)
        for (uint32_t x = 0; x < k->w; x += VGPU_DAMAGE_TILE_W)
            k->sigs[t++] = k->fn(k->fb, k->stride, x, y, VGPU_DAMAGE_TILE_W, VGPU_DAMAGE_TILE_H);
}

static double time_hash(tile_hash_fn fn, const uint32_t *fb, uint32_t width, uint32_t height,
                        unsigned rounds)
{
    /* Whole tiles only: the frame is cut to a multiple of the tile size. */
    uint32_t w = width / VGPU_DAMAGE_TILE_W * VGPU_DAMAGE_TILE_W;
    uint32_t h = height / VGPU_DAMAGE_TILE_H * VGPU_DAMAGE_TILE_H;
    uint64_t *sigs = malloc(sizeof(uint64_t) * (w / VGPU_DAMAGE_TILE_W) * (h / VGPU_DAMAGE_TILE_H));
    struct hash_ctx ctx = { fn, fb, width, w, h, sigs };
    struct bench_step step = { NULL, hash_frame, &ctx, 0 };

    bench_run(&step, 1, rounds);
    free(sigs);
    /* Scale to the full frame so it compares with a whole-frame compare. */
    return step.best_ms * ((double)width * height) / ((double)w * h);
}

unsigned hash_measure(uint32_t width, uint32_t height, unsigned rounds, struct hash_result *out,
                      unsigned max)
{
    uint32_t *fb = scene_frame_new(width, height);
    unsigned n = 0;

    if (n < max)
        out[n++] = (struct hash_result){ "mul64", time_hash(mul64_tile, fb, width, height, rounds), 64 };
    __builtin_cpu_init();
    if (n < max && __builtin_cpu_supports("sse4.2"))
        out[n++] = (struct hash_result){ "crc32c-x4", time_hash(crc32c_tile, fb, width, height, rounds), 128 };
    free(fb);
    return n;
}
