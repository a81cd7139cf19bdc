/*
 * test_modeset.c — mode sets and updates, judged by the pixels the device shows: scattered
 * framebuffers, partial and asynchronous flushes, mode changes, disabling, bad arguments and
 * failed mode sets that must leave the old mode on screen.
 */
#include "harness.h"

#define RED   0x00ff0000u
#define GREEN 0x0000ff00u

static void set_and_flush(struct t *t, unsigned scanout, struct host_fb *fb)
{
    struct vgpu_rect all = { 0, 0, fb->fb.width, fb->fb.height };

    assert_vgpu_ok(vgpu_set_mode(t_dev(t), scanout, &fb->fb));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), scanout, &all));
}

static void mode_set_shows_drawn_pixels(struct t *t)
{
    struct host_fb *fb = t_fb(t, 640, 480, 1);
    struct vgpu_scanout_info info;
    struct sim_scanout_view v;

    t_boot(t);
    set_and_flush(t, 0, fb);
    expect_scanout_pattern(t, 0, 640, 480, 1);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_true(info.active);
    assert_int_equal(info.width, 640);
    assert_int_equal(info.height, 480);
    expect_live_resources(t, 1);
    assert_true(sim_scanout(t->sim, 0, &v));
    /* Every scattered segment reached the device as a backing entry. */
    assert_true(sim_resource_backing_entries(t->sim, v.resource_id) >= fb->nsegs);
    assert_int_equal(sim_stats(t->sim)->error_responses, 0);
}

static void page_sized_segments(struct t *t)
{
    struct host_fb *fb = t_fb_segs(t, 1024, 768, 2, 1);   /* 768 separate 4 KiB pages */

    assert_int_equal(fb->nsegs, 768);
    t_boot(t);
    set_and_flush(t, 0, fb);
    expect_scanout_pattern(t, 0, 1024, 768, 2);
}

static void only_flushed_rects_change(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 240, 3);
    struct vgpu_rect a = { 10, 20, 50, 30 }, b = { 200, 100, 40, 40 };

    t_boot(t);
    set_and_flush(t, 0, fb);
    fb_draw_rect(fb, &a, RED);
    fb_draw_rect(fb, &b, GREEN);
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &a));
    expect_scanout_rect_color(t, 0, &a, RED);
    /* b was drawn but not flushed: the monitor still shows the old pixels there. */
    for (uint32_t y = b.y; y < b.y + b.height; y++)
        for (uint32_t x = b.x; x < b.x + b.width; x++)
            assert_int_equal(sim_pixel(t->sim, 0, x, y), pattern(x, y, 3));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &b));
    expect_scanout_equals_fb(t, 0, fb);
}

static void async_flush_completes_on_wait_idle(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 240, 4);
    struct vgpu_rect r[3] = { { 0, 0, 16, 16 }, { 100, 50, 30, 60 }, { 300, 220, 20, 20 } };
    uint64_t kicks;

    t_boot(t);
    set_and_flush(t, 0, fb);
    for (int i = 0; i < 3; i++)
        fb_draw_rect(fb, &r[i], RED + (uint32_t)i);
    host_dev_device_latency(t->d, false, 0);     /* the device runs only when told */
    kicks = sim_stats(t->sim)->notifies[0];
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, r, 3));
    assert_int_equal(sim_stats(t->sim)->notifies[0], kicks + 1);   /* one doorbell */
    assert_int_equal(sim_pixel(t->sim, 0, 5, 5), pattern(5, 5, 4)); /* nothing ran yet */
    assert_true(sim_run(t->sim) >= 6);                               /* transfer + flush each */
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    expect_scanout_equals_fb(t, 0, fb);
    assert_int_equal(sim_stats(t->sim)->error_responses, 0);
}

static void mode_change_replaces_resource(struct t *t)
{
    struct host_fb *a = t_fb(t, 640, 480, 5), *b = t_fb(t, 800, 600, 6);
    struct vgpu_scanout_info info;

    t_boot(t);
    set_and_flush(t, 0, a);
    set_and_flush(t, 0, b);
    expect_scanout_pattern(t, 0, 800, 600, 6);
    expect_live_resources(t, 1);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.width, 800);
    set_and_flush(t, 0, a);                        /* and back */
    expect_scanout_pattern(t, 0, 640, 480, 5);
    expect_live_resources(t, 1);
}

static void disable_scanout(struct t *t)
{
    struct host_fb *fb = t_fb(t, 640, 480, 7);
    struct sim_scanout_view v;
    struct vgpu_scanout_info info;

    t_boot(t);
    set_and_flush(t, 0, fb);
    assert_vgpu_ok(vgpu_disable_scanout(t_dev(t), 0));
    assert_true(sim_scanout(t->sim, 0, &v));
    assert_false(v.active);
    expect_live_resources(t, 0);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_false(info.active);
    set_and_flush(t, 0, fb);                       /* usable again */
    expect_scanout_pattern(t, 0, 640, 480, 7);
}

/* max_hostmem allows either mode alone but not both: the new one cannot be built. */
static void failed_mode_set_keeps_old_mode(struct t *t)
{
    struct host_fb *old = t_fb(t, 640, 480, 8), *big = t_fb(t, 1280, 800, 9);
    struct host_fb *small = t_fb(t, 320, 200, 10);
    struct vgpu_scanout_info info;
    struct vgpu_rect r = { 0, 0, 32, 32 };

    t->cfg.max_hostmem = 4u << 20;
    t_boot(t);
    set_and_flush(t, 0, old);
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &big->fb), VGPU_E_DEVICE);
    assert_int_equal(sim_last_response(t->sim), VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    expect_scanout_pattern(t, 0, 640, 480, 8);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.width, 640);
    expect_live_resources(t, 1);
    assert_false(vgpu_needs_reset(t_dev(t)));
    fb_draw_rect(old, &r, GREEN);                  /* the old mode still updates */
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &r));
    expect_scanout_rect_color(t, 0, &r, GREEN);
    set_and_flush(t, 0, small);                    /* and a mode that fits still works */
    expect_scanout_pattern(t, 0, 320, 200, 10);
    expect_live_resources(t, 1);
}

static void bad_arguments_touch_nothing(struct t *t)
{
    struct host_fb *fb = t_fb(t, 64, 64, 11);
    struct vgpu_framebuffer bad = fb->fb;
    struct vgpu_dma_seg short_seg = { fb->segs[0].addr, 64 * 64 * 4 - 4 };
    struct vgpu_rect outside = { 60, 0, 8, 8 };
    uint64_t cmds;

    t_boot(t);
    cmds = sim_stats(t->sim)->commands;
    assert_int_equal(vgpu_set_mode(t_dev(t), 1, &fb->fb), VGPU_E_INVAL);   /* one scanout */
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, NULL), VGPU_E_INVAL);
    bad.width = 0;
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &bad), VGPU_E_INVAL);
    bad = fb->fb;
    bad.width = VGPU_MAX_DIMENSION + 1;
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &bad), VGPU_E_INVAL);
    bad = fb->fb;
    bad.nsegs = 0;
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &bad), VGPU_E_INVAL);
    bad = (struct vgpu_framebuffer){ 64, 64, 1, &short_seg };             /* 4 bytes short */
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &bad), VGPU_E_INVAL);
    assert_int_not_equal(vgpu_flush_rect(t_dev(t), 0, &outside), VGPU_OK); /* no mode yet */
    assert_int_equal(sim_stats(t->sim)->commands, cmds);
    set_and_flush(t, 0, fb);
    cmds = sim_stats(t->sim)->commands;
    assert_int_equal(vgpu_flush_rect(t_dev(t), 0, &outside), VGPU_E_INVAL);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 0, NULL), VGPU_E_INVAL);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 3, &outside), VGPU_E_INVAL);
    assert_int_equal(sim_stats(t->sim)->commands, cmds);
}

static bool set_mode_failing_nth(struct t *t, struct host_fb *next, uint64_t n)
{
    struct host_mem_stats before, after;
    int rc;

    host_mem_stats(t->h, &before);
    host_fail_nth_alloc(t->h, n);
    rc = vgpu_set_mode(t_dev(t), 0, &next->fb);
    host_fail_nth_alloc(t->h, 0);
    host_mem_stats(t->h, &after);
    if (after.failed == before.failed) {
        assert_vgpu_ok(rc);
        return false;
    }
    if (rc != VGPU_OK && rc != VGPU_E_NOMEM)
        fail_msg("allocation %llu failed: set_mode gave %s", (unsigned long long)n, vgpu_status_name(rc));
    if (rc == VGPU_E_NOMEM)
        expect_scanout_pattern(t, 0, 320, 200, 12);      /* old mode intact */
    else
        assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &t->fbs[0]->fb));   /* back to the old one */
    expect_live_resources(t, 1);
    assert_int_equal(after.live_allocs, before.live_allocs);
    assert_int_equal(after.live_dma, before.live_dma);
    return true;
}

static void mode_set_survives_allocation_failures(struct t *t)
{
    struct host_fb *old = t_fb(t, 320, 200, 12), *next = t_fb(t, 400, 300, 13);
    uint64_t n = 1;

    t_boot(t);
    set_and_flush(t, 0, old);
    while (n < 200 && set_mode_failing_nth(t, next, n))
        n++;
    assert_true(n < 200);
    set_and_flush(t, 0, next);
    expect_scanout_pattern(t, 0, 400, 300, 13);
}

static void two_scanouts_independent(struct t *t)
{
    struct host_fb *a = t_fb(t, 640, 480, 14), *b = t_fb(t, 800, 600, 15);

    t->cfg.num_scanouts = 2;
    t->cfg.display[1] = (struct sim_display){ 800, 600, true };
    t_boot(t);
    set_and_flush(t, 0, a);
    set_and_flush(t, 1, b);
    expect_scanout_pattern(t, 0, 640, 480, 14);
    expect_scanout_pattern(t, 1, 800, 600, 15);
    expect_live_resources(t, 2);
    assert_vgpu_ok(vgpu_disable_scanout(t_dev(t), 0));
    expect_scanout_pattern(t, 1, 800, 600, 15);
    expect_live_resources(t, 1);
}

/* 1366*4 bytes per row: rows straddle page-sized segments at a different place every line. */
static void odd_width_partial_updates(struct t *t)
{
    struct host_fb *fb = t_fb_segs(t, 1366, 768, 16, 1);
    struct vgpu_rect rects[] = { { 1, 1, 1, 1 }, { 1000, 3, 366, 200 }, { 0, 700, 1366, 68 },
                                 { 683, 384, 17, 31 }, { 1365, 767, 1, 1 } };

    t_boot(t);
    set_and_flush(t, 0, fb);
    for (size_t i = 0; i < sizeof(rects) / sizeof(rects[0]); i++) {
        fb_draw_rect(fb, &rects[i], 0x00400000u + (uint32_t)i);
        assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &rects[i]));
    }
    expect_scanout_equals_fb(t, 0, fb);
}

/* Two devices on one host: separate rings, resources, interrupts and pictures. */
static void two_devices_one_host(struct t *t)
{
    struct host_fb *a = t_fb(t, 640, 480, 17), *b = t_fb(t, 800, 600, 18);
    struct host_dev *second = host_dev_new(t->h, &t->cfg);
    struct vgpu_rect all = { 0, 0, 800, 600 };
    struct sim_scanout_view v;

    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_INTX, 0));
    assert_vgpu_ok(host_dev_open(second, VGPU_IRQ_MSIX, 2));
    host_dev_device_latency(t->d, true, 10000);
    host_dev_device_latency(second, true, 30000);
    set_and_flush(t, 0, a);
    assert_vgpu_ok(vgpu_set_mode(host_vgpu(second), 0, &b->fb));
    assert_vgpu_ok(vgpu_flush_rect(host_vgpu(second), 0, &all));
    expect_scanout_pattern(t, 0, 640, 480, 17);
    assert_true(sim_scanout(host_sim(second), 0, &v));
    assert_int_equal(v.width, 800);
    for (uint32_t y = 0; y < 600; y += 37)
        for (uint32_t x = 0; x < 800; x += 41)
            assert_int_equal(v.pixels[y * 800 + x], pattern(x, y, 18));
    assert_int_equal(sim_stats(host_sim(second))->live_resources, 1);
    assert_int_equal(sim_stats(host_sim(second))->driver_errors, 0);
    assert_true(host_dev_irqs_delivered(t->d) > 0);
    assert_true(host_dev_irqs_delivered(second) > 0);
    host_dev_free(second);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(mode_set_shows_drawn_pixels),
        UNIT_TEST(page_sized_segments),
        UNIT_TEST(only_flushed_rects_change),
        UNIT_TEST(async_flush_completes_on_wait_idle),
        UNIT_TEST(mode_change_replaces_resource),
        UNIT_TEST(disable_scanout),
        UNIT_TEST(failed_mode_set_keeps_old_mode),
        UNIT_TEST(bad_arguments_touch_nothing),
        UNIT_TEST(mode_set_survives_allocation_failures),
        UNIT_TEST(two_scanouts_independent),
        UNIT_TEST(odd_width_partial_updates),
        UNIT_TEST(two_devices_one_host),
    };

    return RUN_UNIT_TESTS("modeset", tests);
}
