/*
 * engine.c — damage engine cost per frame: draw (untimed), then scan + rects + clear (timed).
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "clock.h"
#include "platform.h"
#include "refresh/refresh.h"

struct case_ctx {
    const struct damage_api *api;
    struct vgpu_damage *d;
    uint32_t *fb;
    enum scene_case c;
    struct case_result *res;
};

static void case_draw(void *p, unsigned round)
{
    struct case_ctx *k = p;
    struct vgpu_rect r = scene_rect(k->c, k->d->width, k->d->height, round);

    if (r.width != 0)
        scene_fill(k->fb, k->d->width, &r, round * SCENE_COUNT + k->c);
}

static void case_refresh(void *p, unsigned round)
{
    struct case_ctx *k = p;
    struct vgpu_rect rects[VGPU_DAMAGE_MAX_RECTS];
    size_t n;
    (void)round;

    k->api->scan(k->d, k->fb);
    n = k->api->rects(k->d, rects, VGPU_DAMAGE_MAX_RECTS);
    k->api->clear(k->d);
    uint64_t pixels = 0;
    for (size_t i = 0; i < n; i++)
        pixels += (uint64_t)rects[i].width * rects[i].height;
    case_result_add(k->res, n, pixels);
}

void case_result_add(struct case_result *r, uint64_t rects, uint64_t pixels)
{
    r->rect_sum += rects;
    r->pixel_sum += pixels;
    r->frames++;
    r->rects = (double)r->rect_sum / (double)r->frames;
    r->pixels = (double)r->pixel_sum / (double)r->frames;
}

/* A damage tracker in sync with a fresh frame. */
static uint32_t *synced_frame(const struct damage_api *api, struct vgpu_damage *d, uint32_t width,
                              uint32_t height, uint32_t tile_w, uint32_t tile_h)
{
    uint32_t *fb = scene_frame_new(width, height);

    if (api->init(d, bench_os(), width, height, tile_w, tile_h) != VGPU_OK)
        abort();
    api->scan(d, fb);
    api->clear(d);
    return fb;
}

void measure_beside_baseline(struct bench_step steps[2 + SCENE_COUNT], unsigned rounds,
                             struct frame_result *out)
{
    struct baseline bl;

    baseline_open(&bl, out->width, out->height);
    baseline_steps(&bl, steps);
    bench_run(steps, 2 + SCENE_COUNT, rounds);
    out->memcmp_ms = steps[0].best_ms;
    out->memcpy_ms = steps[1].best_ms;
    for (int c = 0; c < SCENE_COUNT; c++)
        out->cases[c].ms = steps[2 + c].best_ms;
    baseline_close(&bl);
}

void engine_measure(const struct damage_api *api, uint32_t width, uint32_t height,
                    uint32_t tile_w, uint32_t tile_h, unsigned rounds, struct frame_result *out)
{
    struct vgpu_damage d;
    struct case_ctx ctx[SCENE_COUNT];
    struct bench_step steps[2 + SCENE_COUNT];
    uint32_t *fb = synced_frame(api, &d, width, height, tile_w, tile_h);

    *out = (struct frame_result){ .width = width, .height = height,
                                  .tile_w = tile_w, .tile_h = tile_h };
    for (int c = 0; c < SCENE_COUNT; c++) {
        ctx[c] = (struct case_ctx){ api, &d, fb, (enum scene_case)c, &out->cases[c] };
        steps[2 + c] = (struct bench_step){ case_draw, case_refresh, &ctx[c], 0 };
    }
    measure_beside_baseline(steps, rounds, out);
    api->fini(&d);
    free(fb);
}

#define EVICT_BYTES (128u << 20)

struct idle_ctx {
    const struct damage_api *api;
    struct vgpu_damage *d;
    const uint32_t *fb;
    uint8_t *junk;
    bool full_scan;
};

static volatile int idle_sink;

/* Read (not write) the junk: the caches end up full of clean lines, so the timed tick neither
 * finds the frame cached nor pays for writing someone else's data back. */
static void idle_evict(void *p, unsigned round)
{
    struct idle_ctx *k = p;
    uint64_t sum = round;

    for (size_t i = 0; i < EVICT_BYTES; i += 64)
        sum += k->junk[i];
    idle_sink += (int)sum;
}

static void idle_tick(void *p, unsigned round)
{
    struct idle_ctx *k = p;

    if (k->full_scan)
        idle_sink += (int)k->api->scan(k->d, k->fb);
    else
        idle_sink += k->api->probe(k->d, k->fb, vgpu_refresh_probe_stride(k->d->height),
                                   round % vgpu_refresh_probe_stride(k->d->height));
}

void engine_idle(const struct damage_api *api, uint32_t width, uint32_t height, unsigned rounds,
                 struct idle_result *out)
{
    struct vgpu_damage d;
    uint32_t *fb = synced_frame(api, &d, width, height, VGPU_DAMAGE_TILE_W, VGPU_DAMAGE_TILE_H);
    struct idle_ctx probe = { api, &d, fb, malloc(EVICT_BYTES), false }, scan = probe;
    struct bench_step steps[2] = { { idle_evict, idle_tick, &probe, 0 },
                                   { idle_evict, idle_tick, &scan, 0 } };

    if (probe.junk == NULL)
        abort();
    memset(probe.junk, 1, EVICT_BYTES);
    scan.full_scan = true;
    bench_run(steps, 2, rounds);
    *out = (struct idle_result){ width, height, steps[0].best_ms, steps[1].best_ms };
    free(probe.junk);
    api->fini(&d);
    free(fb);
}
