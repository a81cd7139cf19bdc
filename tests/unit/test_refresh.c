/*
 * test_refresh.c — the refresh engine (core/refresh/refresh.h) with the real core against the software
 * device: every change reaches the device, nothing unchanged is sent, backpressure keeps damage,
 * OS-provided rectangles skip the scan, idle probes; and the adaptive-rate state machine.
 *
 * The OS's view of the framebuffer (`os`, linear, what the engine scans) and the memory the device
 * reads (`fb`, scattered segments) are the same picture kept in two places: every drawing goes to
 * both.  A "poisoned" pixel is written to the device-side copy only; it shows on the device exactly
 * when the engine transferred its tile, which makes "nothing unchanged is sent" observable.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../core/refresh/refresh.h"

#define POISON 0x00ff00ffu
#define MS     1000000ull

struct rig {
    struct t *t;
    uint32_t w, h;
    struct host_fb *fb;     /* device-visible memory */
    uint32_t *os;           /* the OS's linear view, same picture */
    struct vgpu_refresh r;
};

static uint64_t cmds(struct rig *g, uint32_t type)
{
    return sim_cmd_count(g->t->sim, type);
}

static uint64_t transfers(struct rig *g)
{
    return cmds(g, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
}

/* The device shows exactly the OS's picture. */
static void expect_device_shows_os(struct rig *g)
{
    struct sim_scanout_view v;

    assert_true(sim_scanout(g->t->sim, 0, &v));
    assert_true(v.active);
    for (uint32_t y = 0; y < g->h; y++)
        for (uint32_t x = 0; x < g->w; x++)
            if (v.pixels[(size_t)y * g->w + x] != g->os[(size_t)y * g->w + x])
                fail_msg("device pixel (%u,%u) is 0x%08x, the OS drew 0x%08x", x, y,
                         v.pixels[(size_t)y * g->w + x], g->os[(size_t)y * g->w + x]);
}

static void put(struct rig *g, uint32_t x, uint32_t y, uint32_t px)
{
    g->os[(size_t)y * g->w + x] = px;
    host_fb_put(g->fb, x, y, px);
}

static void draw(struct rig *g, const struct vgpu_rect *r, uint32_t color)
{
    for (uint32_t y = r->y; y < r->y + r->height; y++)
        for (uint32_t x = r->x; x < r->x + r->width; x++)
            put(g, x, y, color);
}

/* Only the device-side copy changes: the engine cannot see it. */
static void poison(struct rig *g, uint32_t x, uint32_t y)
{
    host_fb_put(g->fb, x, y, POISON);
}

static uint32_t device_pixel(struct rig *g, uint32_t x, uint32_t y)
{
    return sim_pixel(g->t->sim, 0, x, y);
}

/* One tick at the current (virtual) time, then let every queued command finish. */
static int tick(struct rig *g)
{
    int rc = vgpu_refresh_tick(&g->r, host_now(g->t->h));

    assert_vgpu_ok(vgpu_wait_idle(t_dev(g->t)));
    return rc;
}

/* Boot, set a w x h mode, start the engine; its first tick shows the whole frame. */
static void rig_open(struct t *t, struct rig *g, uint32_t w, uint32_t h)
{
    *g = (struct rig){ .t = t, .w = w, .h = h };
    t_boot(t);
    g->fb = t_fb(t, w, h, 1);
    g->os = malloc((size_t)w * h * 4);
    assert_non_null(g->os);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            g->os[(size_t)y * w + x] = pattern(x, y, 1);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &g->fb->fb));
    /* Drawn after the mode set, in black: a shadow starting all zero would not see it. */
    draw(g, &(struct vgpu_rect){ 0, 0, w, h * 3 / 4 }, 0);
    assert_vgpu_ok(vgpu_refresh_init(&g->r, t->d, t_dev(t), 0, g->os, w, h, host_now(t->h)));
    uint64_t before = transfers(g);
    assert_vgpu_ok(tick(g));
    assert_int_equal(transfers(g) - before, 1);                 /* one full-frame rectangle */
    assert_int_equal(g->r.stats.full, 1);
    expect_device_shows_os(g);
}

static void rig_close(struct rig *g)
{
    vgpu_refresh_fini(&g->r);
    free(g->os);
}

/* ---- every change arrives, nothing else is sent ---- */

/* Change one byte of (x, y), poison a pixel in another tile, tick: exactly one rectangle goes out,
 * the change shows, the poison does not. */
static void check_one_change(struct rig *g, uint32_t x, uint32_t y, unsigned byte,
                             uint32_t px, uint32_t py)
{
    uint32_t v = g->os[(size_t)y * g->w + x] ^ (0x80u << (8 * byte));
    uint32_t before_poison = device_pixel(g, px, py);
    uint64_t t0 = transfers(g), f0 = cmds(g, VIRTIO_GPU_CMD_RESOURCE_FLUSH);

    put(g, x, y, v);
    poison(g, px, py);
    assert_vgpu_ok(tick(g));
    assert_int_equal(transfers(g) - t0, 1);
    assert_int_equal(cmds(g, VIRTIO_GPU_CMD_RESOURCE_FLUSH) - f0, 1);
    assert_int_equal(device_pixel(g, x, y), v);
    assert_int_equal(device_pixel(g, px, py), before_poison);
    host_fb_put(g->fb, px, py, g->os[(size_t)py * g->w + px]);   /* heal the poison */
}

static void pixel_anywhere_reaches_device(struct t *t)
{
    struct rig g;
    rig_open(t, &g, 1366, 200);    /* partial last column (22 px) and row (8 px) of tiles */
    for (uint32_t ty = 0; ty < g.h; ty += VGPU_DAMAGE_TILE_H)
        for (uint32_t tx = 0; tx < g.w; tx += VGPU_DAMAGE_TILE_W) {
            uint32_t x1 = tx + VGPU_DAMAGE_TILE_W > g.w ? g.w - 1 : tx + VGPU_DAMAGE_TILE_W - 1;
            uint32_t y1 = ty + VGPU_DAMAGE_TILE_H > g.h ? g.h - 1 : ty + VGPU_DAMAGE_TILE_H - 1;
            /* the poison sits in the next tile over (wrapping to the first) */
            uint32_t px = (x1 + 1) % g.w, py = ty;
            check_one_change(&g, tx, ty, 0, px, py);
            check_one_change(&g, x1, y1, 3, px, py);   /* last byte of a tile row */
            check_one_change(&g, tx, y1, 1, px, py);
            check_one_change(&g, x1, ty, 2, px, py);
        }
    check_one_change(&g, g.w - 1, g.h - 1, 3, 0, 0);   /* last byte of the frame */
    expect_device_shows_os(&g);
    rig_close(&g);
}

static void unchanged_frame_sends_nothing(struct t *t)
{
    struct rig g;
    rig_open(t, &g, 640, 480);
    uint64_t before = sim_stats(t->sim)->commands, notifies = sim_stats(t->sim)->notifies[0];
    for (int i = 0; i < 5; i++) {
        host_advance(t->h, VGPU_REFRESH_ACTIVE_NS);
        assert_vgpu_ok(tick(&g));
    }
    assert_int_equal(sim_stats(t->sim)->commands, before);
    assert_int_equal(sim_stats(t->sim)->notifies[0], notifies);
    rig_close(&g);
}

static void two_changes_two_rects_in_one_batch(struct t *t)
{
    struct rig g;
    rig_open(t, &g, 800, 600);
    uint64_t t0 = transfers(&g), n0 = sim_stats(t->sim)->notifies[0];
    draw(&g, &(struct vgpu_rect){ 10, 10, 30, 30 }, 0xabcdef);        /* tile (0,0) */
    draw(&g, &(struct vgpu_rect){ 700, 500, 20, 5 }, 0x0f0f0f);       /* tile (10,7) */
    poison(&g, 100, 10);                                             /* tile (1,0): clean */
    poison(&g, 630, 500);                                            /* tile (9,7): clean */
    assert_vgpu_ok(tick(&g));
    assert_int_equal(transfers(&g) - t0, 2);
    assert_int_equal(sim_stats(t->sim)->notifies[0] - n0, 1);        /* one doorbell per batch */
    expect_device_shows_os(&g);                                      /* and no poison */
    rig_close(&g);
}

static void mostly_changed_frame_goes_as_one_rect(struct t *t)
{
    struct rig g;
    rig_open(t, &g, 640, 480);
    uint64_t t0 = transfers(&g);
    draw(&g, &(struct vgpu_rect){ 0, 0, 640, 300 }, 0x445566);       /* 62% of the frame */
    poison(&g, 639, 479);                                            /* outside the change */
    assert_vgpu_ok(tick(&g));
    assert_int_equal(transfers(&g) - t0, 1);
    assert_int_equal(g.r.stats.full, 2);
    assert_int_equal(device_pixel(&g, 639, 479), POISON);            /* the whole frame went */
    rig_close(&g);
}

/* ---- backpressure ---- */

static void busy_ring_keeps_damage(struct t *t)
{
    struct rig g;
    rig_open(t, &g, 1024, 768);
    host_dev_device_latency(t->d, false, 0);        /* the device only runs in sim_run() */
    int rc = VGPU_OK;
    uint32_t i = 0;
    while (rc == VGPU_OK && i < 1000) {             /* fill the ring with one change per tick */
        draw(&g, &(struct vgpu_rect){ (i % 16) * 64, (i / 16 % 12) * 64, 8, 8 }, 0x010101 * i);
        uint64_t waits = host_dev_waits(t->d);
        rc = vgpu_refresh_tick(&g.r, host_now(t->h));
        assert_int_equal(host_dev_waits(t->d), waits);   /* drawing never waits for the host */
        i++;
    }
    assert_int_equal(rc, VGPU_E_BUSY);
    assert_true(vgpu_damage_pending(&g.r.damage));
    assert_true(g.r.stats.busy >= 1);
    draw(&g, &(struct vgpu_rect){ 1000, 700, 24, 68 }, 0x777777);  /* more damage meanwhile */
    assert_int_equal(vgpu_refresh_tick(&g.r, host_now(t->h)), VGPU_E_BUSY);
    host_advance(t->h, 600 * MS);                  /* nothing new, but damage still waits: */
    assert_int_equal(vgpu_refresh_tick(&g.r, host_now(t->h)), VGPU_E_BUSY);
    assert_int_equal(g.r.rate.interval_ns, VGPU_REFRESH_ACTIVE_NS);  /* retry at 60 Hz */
    sim_run(t->sim);                                 /* the host catches up */
    assert_vgpu_ok(vgpu_refresh_tick(&g.r, host_now(t->h)));
    assert_false(vgpu_damage_pending(&g.r.damage));
    sim_run(t->sim);
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    expect_device_shows_os(&g);
    rig_close(&g);
}

/* ---- OS-provided damage ---- */

static void os_rect_goes_out_without_scan(struct t *t)
{
    struct rig g;
    rig_open(t, &g, 800, 600);
    uint64_t scans = g.r.stats.scans, t0 = transfers(&g);
    draw(&g, &(struct vgpu_rect){ 100, 100, 64, 64 }, 0x00aa55);    /* a cursor the OS drew */
    poison(&g, 300, 300);
    assert_vgpu_ok(vgpu_refresh_damage(&g.r, &(struct vgpu_rect){ 100, 100, 64, 64 }, 1,
                                       host_now(t->h)));
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    assert_int_equal(g.r.stats.scans, scans);
    assert_int_equal(transfers(&g) - t0, 1);
    assert_int_equal(device_pixel(&g, 300, 300), g.os[300 * 800 + 300]);
    host_fb_put(g.fb, 300, 300, g.os[300 * 800 + 300]);
    expect_device_shows_os(&g);
    assert_vgpu_ok(tick(&g));                        /* the scan finds nothing left to send */
    assert_int_equal(transfers(&g) - t0, 1);
    rig_close(&g);
}

/* ---- idle ---- */

/* Tick with no change until the engine is idle (probing). */
static void go_idle(struct rig *g)
{
    for (int i = 0; i < 100 && !vgpu_refresh_rate_idle(&g->r.rate); i++) {
        host_advance(g->t->h, vgpu_refresh_deadline(&g->r) - host_now(g->t->h));
        assert_vgpu_ok(tick(g));
    }
    assert_true(vgpu_refresh_rate_idle(&g->r.rate));
}

/* Ticks until the change shows; returns how many it took. */
static unsigned ticks_until_shown(struct rig *g, uint32_t x, uint32_t y, uint32_t v)
{
    unsigned n = 0;
    while (device_pixel(g, x, y) != v && n < 100) {
        host_advance(g->t->h, vgpu_refresh_deadline(&g->r) - host_now(g->t->h));
        assert_vgpu_ok(tick(g));
        n++;
    }
    return n;
}

/* Every row of one probe period, changed alone, shows within `stride` idle ticks. */
static void check_idle_detection(struct t *t, uint32_t w, uint32_t h, uint32_t stride)
{
    struct rig g;
    rig_open(t, &g, w, h);
    assert_int_equal(g.r.probe_stride, stride);
    for (uint32_t y = 100; y < 100 + stride; y++) {
        go_idle(&g);
        uint64_t scans = g.r.stats.scans;
        put(&g, w / 2, y, 0x00c0ffee);
        unsigned n = ticks_until_shown(&g, w / 2, y, 0x00c0ffee);
        assert_true(n >= 1 && n <= stride);
        assert_int_equal(g.r.stats.scans - scans, 1);      /* probes until the hit, one scan */
        assert_int_equal(g.r.rate.interval_ns, VGPU_REFRESH_ACTIVE_NS);   /* back to 60 Hz */
    }
    go_idle(&g);
    draw(&g, &(struct vgpu_rect){ 5, 5, 3, stride }, 0x00beef);   /* as tall as the stride */
    assert_int_equal(ticks_until_shown(&g, 7, 4 + stride, 0x00beef), 1);
    expect_device_shows_os(&g);
    rig_close(&g);
}

static void idle_probe_finds_any_change_within_stride(struct t *t)
{
    check_idle_detection(t, 640, 480, 8);     /* up to 2159 rows: one row in 8 */
}

static void idle_probe_stride_grows_with_height(struct t *t)
{
    check_idle_detection(t, 40, 2160, 16);    /* 2160 rows (4K): one row in 16 */
}

static void init_checks_and_out_of_memory(struct t *t)
{
    struct vgpu_refresh r;
    uint32_t px[16] = { 0 };
    t_boot(t);
    assert_int_equal(vgpu_refresh_init(&r, t->d, NULL, 0, px, 4, 4, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_refresh_init(&r, t->d, t_dev(t), 0, NULL, 4, 4, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_refresh_init(&r, t->d, t_dev(t), 0, px, 0, 4, 0), VGPU_E_INVAL);
    host_fail_nth_alloc(t->h, 1);
    assert_int_equal(vgpu_refresh_init(&r, t->d, t_dev(t), 0, px, 4, 4, 0), VGPU_E_NOMEM);
}

/* ---- the adaptive-rate state machine (pure) ---- */

static void rate_stays_at_60hz_while_changing(struct t *t)
{
    struct vgpu_refresh_rate rate;
    (void)t;
    vgpu_refresh_rate_init(&rate, 1000 * MS);
    for (uint64_t now = 1000 * MS; now < 3000 * MS; now += 17 * MS)
        assert_int_equal(vgpu_refresh_rate_next(&rate, true, now), 16666667);
    assert_false(vgpu_refresh_rate_idle(&rate));
}

static void rate_backs_off_then_snaps_back(struct t *t)
{
    struct vgpu_refresh_rate rate;
    uint64_t now = 5000 * MS;
    (void)t;
    vgpu_refresh_rate_init(&rate, now);
    assert_int_equal(vgpu_refresh_rate_next(&rate, true, now), 16666667);
    /* still for less than 500 ms: 60 Hz */
    for (now += 16 * MS; now < 5000 * MS + 500 * MS; now += 16 * MS)
        assert_int_equal(vgpu_refresh_rate_next(&rate, false, now), 16666667);
    /* then doubling up to the 100 ms (10 Hz) floor, which holds */
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, now), 33333334);
    assert_false(vgpu_refresh_rate_idle(&rate));
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, now += 33 * MS), 66666668);
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, now += 67 * MS), 100000000);
    assert_true(vgpu_refresh_rate_idle(&rate));
    for (int i = 0; i < 50; i++)
        assert_int_equal(vgpu_refresh_rate_next(&rate, false, now += 100 * MS), 100000000);
    /* the first change: 60 Hz at once, and the 500 ms of grace start again */
    assert_int_equal(vgpu_refresh_rate_next(&rate, true, now += 100 * MS), 16666667);
    assert_false(vgpu_refresh_rate_idle(&rate));
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, now + 400 * MS), 16666667);
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, now + 501 * MS), 33333334);
}

static void rate_clock_going_backwards_stays_responsive(struct t *t)
{
    struct vgpu_refresh_rate rate;
    (void)t;
    vgpu_refresh_rate_init(&rate, 10000 * MS);
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, 9000 * MS), 16666667);
    assert_int_equal(vgpu_refresh_rate_next(&rate, false, 10600 * MS), 33333334);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(pixel_anywhere_reaches_device),
        UNIT_TEST(unchanged_frame_sends_nothing),
        UNIT_TEST(two_changes_two_rects_in_one_batch),
        UNIT_TEST(mostly_changed_frame_goes_as_one_rect),
        UNIT_TEST(busy_ring_keeps_damage),
        UNIT_TEST(os_rect_goes_out_without_scan),
        UNIT_TEST(idle_probe_finds_any_change_within_stride),
        UNIT_TEST(idle_probe_stride_grows_with_height),
        UNIT_TEST(init_checks_and_out_of_memory),
        UNIT_TEST(rate_stays_at_60hz_while_changing),
        UNIT_TEST(rate_backs_off_then_snaps_back),
        UNIT_TEST(rate_clock_going_backwards_stays_responsive),
    };
    return RUN_UNIT_TESTS("refresh", tests);
}
