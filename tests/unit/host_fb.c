/*
 * host_fb.c — caller-owned framebuffers split into many scattered segments, like a pageable
 * buffer wired down by an OS: each segment is separate host memory at its own device address,
 * addresses are handed out in shuffled order with unmapped gaps, so a core that assumes
 * contiguity draws the wrong pixels or reads unmapped memory.
 */
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p)
        abort();
    return p;
}

/* Split `bytes` into segments of 1..max_pages pages; returns the count, fills lengths. */
static uint32_t split(uint64_t bytes, uint32_t max_pages, uint32_t *seed, uint64_t *lens)
{
    uint32_t n = 0;

    while (bytes) {
        uint64_t len = (uint64_t)(1 + xorshift(seed) % max_pages) * HOST_PAGE;

        lens[n++] = len < bytes ? len : bytes;
        bytes -= lens[n - 1];
    }
    return n;
}

struct host_fb *host_fb_new(struct host *h, uint32_t width, uint32_t height, uint32_t max_pages,
                            uint32_t seed)
{
    uint64_t bytes = (uint64_t)width * height * 4u;
    uint64_t max_segs = bytes / HOST_PAGE + 1;
    uint64_t *lens = xcalloc(max_segs, sizeof(*lens));
    struct host_fb *fb = xcalloc(1, sizeof(*fb));
    uint32_t *order;

    fb->nsegs = split(bytes, max_pages ? max_pages : 1, &seed, lens);
    fb->segs = xcalloc(fb->nsegs, sizeof(*fb->segs));
    fb->cpu = xcalloc(fb->nsegs, sizeof(*fb->cpu));
    fb->start = xcalloc(fb->nsegs, sizeof(*fb->start));
    order = xcalloc(fb->nsegs, sizeof(*order));
    for (uint32_t i = 0; i < fb->nsegs; i++) {
        order[i] = i;
        fb->start[i] = i ? fb->start[i - 1] + lens[i - 1] : 0;
        fb->cpu[i] = xcalloc(1, lens[i]);
        fb->segs[i].len = lens[i];
    }
    for (uint32_t i = fb->nsegs; i > 1; i--) {   /* Fisher-Yates */
        uint32_t j = xorshift(&seed) % i, t = order[i - 1];

        order[i - 1] = order[j];
        order[j] = t;
    }
    for (uint32_t i = 0; i < fb->nsegs; i++)
        fb->segs[order[i]].addr = host_region_add(h, fb->cpu[order[i]], lens[order[i]], REGION_FB);
    fb->fb = (struct vgpu_framebuffer){ width, height, fb->nsegs, fb->segs };
    free(order);
    free(lens);
    return fb;
}

void host_fb_free(struct host *h, struct host_fb *fb)
{
    if (!fb)
        return;
    for (uint32_t i = 0; i < fb->nsegs; i++) {
        host_region_remove(h, fb->segs[i].addr);
        free(fb->cpu[i]);
    }
    free(fb->segs);
    free(fb->cpu);
    free(fb->start);
    free(fb);
}

static uint32_t seg_at(const struct host_fb *fb, uint64_t off)
{
    uint32_t lo = 0, hi = fb->nsegs;

    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (fb->start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Pixels never straddle segments: every length is a multiple of 4 bytes. */
static uint8_t *pixel_ptr(const struct host_fb *fb, uint32_t x, uint32_t y)
{
    uint64_t off = ((uint64_t)y * fb->fb.width + x) * 4u;
    uint32_t s = seg_at(fb, off);

    return fb->cpu[s] + (off - fb->start[s]);
}

void host_fb_put(struct host_fb *fb, uint32_t x, uint32_t y, uint32_t px)
{
    memcpy(pixel_ptr(fb, x, y), &px, 4);
}

uint32_t host_fb_get(const struct host_fb *fb, uint32_t x, uint32_t y)
{
    uint32_t px;

    memcpy(&px, pixel_ptr(fb, x, y), 4);
    return px;
}

void host_fb_load(struct host_fb *fb, const uint32_t *image)
{
    const uint8_t *src = (const uint8_t *)image;

    for (uint32_t i = 0; i < fb->nsegs; i++)
        memcpy(fb->cpu[i], src + fb->start[i], fb->segs[i].len);
}
