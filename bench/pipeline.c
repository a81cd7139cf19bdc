/*
 * pipeline.c — refresh engine + core + sim.  The OS draws into a linear view; the device reads
 * scattered segments (as under macOS and in the test guest).  For cost only the view matters, so
 * the benchmark draws into the view and leaves the segments alone.
 */
#include "pipeline.h"

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "host_os.h"
#include "refresh/refresh.h"

struct rig {
    struct host *h;
    struct host_dev *d;
    struct host_fb *fb;
    uint32_t *view;
    uint32_t width, height;
    struct vgpu_refresh r;
};

static void check(int rc, const char *what)
{
    if (rc != VGPU_OK) {
        fprintf(stderr, "bench: %s: %s\n", what, vgpu_status_name(rc));
        exit(1);
    }
}

/* Let the device finish everything queued and the core collect the completions. */
static void settle(struct rig *g)
{
    check(vgpu_wait_idle(host_vgpu(g->d)), "vgpu_wait_idle");
}

static void rig_open(struct rig *g, uint32_t width, uint32_t height)
{
    struct sim_config cfg;

    sim_default_config(&cfg);
    *g = (struct rig){ .h = host_new(), .width = width, .height = height };
    g->d = host_dev_new(g->h, &cfg);
    check(host_dev_open(g->d, VGPU_IRQ_POLL, 0), "vgpu_open");
    g->view = scene_frame_new(width, height);
    g->fb = host_fb_new(g->h, width, height, 4, 1);
    host_fb_load(g->fb, g->view);
    check(vgpu_set_mode(host_vgpu(g->d), 0, &g->fb->fb), "vgpu_set_mode");
    host_dev_device_latency(g->d, true, 0);   /* the device runs only while the core waits */
    check(vgpu_refresh_init(&g->r, g->d, host_vgpu(g->d), 0, g->view, width, height,
                            host_now(g->h)), "vgpu_refresh_init");
    check(vgpu_refresh_tick(&g->r, host_now(g->h)), "first tick");
    settle(g);
}

static void rig_close(struct rig *g)
{
    vgpu_refresh_fini(&g->r);
    host_dev_close(g->d);
    host_fb_free(g->h, g->fb);
    free(g->view);
    if (host_free(g->h) != 0)
        fprintf(stderr, "bench: the platform reported problems (see above)\n");
}

struct tick_ctx {
    struct rig *g;
    enum scene_case c;
    struct case_result *res;
};

static volatile uint32_t warm_sink;

/*
 * The device's work for the previous frame (the sim copying what was sent into its resource)
 * ran on this core and pushed the shadow out of the caches, leaving dirty lines behind; on a real
 * host it runs on another core.  Reading the shadow once puts the driver's memory back where
 * memcmp's and memcpy's is when they are timed, so the comparison stays like for like.
 */
static void warm_shadow(const struct vgpu_damage *d)
{
    size_t words = (size_t)d->width * d->height;
    uint32_t sum = 0;

    for (size_t i = 0; i < words; i += 16)
        sum += d->shadow[i];
    warm_sink += sum;
}

static void tick_prepare(void *p, unsigned round)
{
    struct tick_ctx *k = p;
    struct vgpu_rect r = scene_rect(k->c, k->g->width, k->g->height, round);

    settle(k->g);
    warm_shadow(&k->g->r.damage);
    if (r.width != 0)
        scene_fill(k->g->view, k->g->width, &r, round * SCENE_COUNT + k->c);
}

static void tick_run(void *p, unsigned round)
{
    struct tick_ctx *k = p;
    struct vgpu_refresh_stats before = k->g->r.stats;
    (void)round;

    check(vgpu_refresh_tick(&k->g->r, host_now(k->g->h)), "vgpu_refresh_tick");
    case_result_add(k->res, k->g->r.stats.rects - before.rects,
                    k->g->r.stats.pixels - before.pixels);
}

void pipeline_measure(uint32_t width, uint32_t height, unsigned rounds, struct frame_result *out)
{
    struct rig g;
    struct tick_ctx ctx[SCENE_COUNT];
    struct bench_step steps[2 + SCENE_COUNT];

    rig_open(&g, width, height);
    *out = (struct frame_result){ .width = width, .height = height,
                                  .tile_w = VGPU_DAMAGE_TILE_W, .tile_h = VGPU_DAMAGE_TILE_H };
    for (int c = 0; c < SCENE_COUNT; c++) {
        ctx[c] = (struct tick_ctx){ &g, (enum scene_case)c, &out->cases[c] };
        steps[2 + c] = (struct bench_step){ tick_prepare, tick_run, &ctx[c], 0 };
    }
    measure_beside_baseline(steps, rounds, out);
    rig_close(&g);
}
