/*
 * test_faults.c — injected device faults: error responses, held commands (timeouts), corrupted
 * used entries, DEVICE_NEEDS_RESET, unmapped memory.  Each must end in a clean error status, no
 * leak on either side, and a device that vgpu_recover() brings back with the same picture.
 */
#include <string.h>

#include "harness.h"

#define W 320
#define H 200
#define TIMEOUT_MS 100u

static uint32_t cursor_img[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE];

/* Boot (short command timeout), show pattern(seed) and a cursor. */
static struct host_fb *boot_showing(struct t *t, enum vgpu_irq_mode mode, uint32_t seed)
{
    struct vgpu_params p = { .irq_mode = mode, .msix_vectors = 2, .cmd_timeout_ms = TIMEOUT_MS };
    struct host_fb *fb = t_fb(t, W, H, seed);
    struct vgpu_rect all = { 0, 0, W, H };

    for (uint32_t i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
        cursor_img[i] = 0x80000000u | pattern(i % 64, i / 64, seed + 100);
    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    assert_vgpu_ok(host_dev_open_params(t->d, &p));
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &all));
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, cursor_img, 2, 3, 40, 50));
    return fb;
}

static void expect_cursor_shown(struct t *t)
{
    struct sim_cursor_view c;

    assert_true(sim_cursor(t->sim, 0, &c));
    assert_true(c.defined && c.visible);
    assert_int_equal(c.hot_x, 2);
    assert_int_equal(c.x, 40);
    assert_memory_equal(c.image, cursor_img, sizeof(cursor_img));
}

/* After recovery the device shows the framebuffer, the cursor, and nothing leaked. */
static void recover_and_check(struct t *t, struct host_fb *fb)
{
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_vgpu_ok(vgpu_recover(t_dev(t)));
    assert_false(vgpu_needs_reset(t_dev(t)));
    expect_status_ok(t);
    expect_scanout_equals_fb(t, 0, fb);
    expect_cursor_shown(t);
    assert_int_equal(sim_stats(t->sim)->live_resources, 2);   /* framebuffer + cursor */
}

static void error_responses_during_mode_set(struct t *t)
{
    static const uint32_t types[] = { VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
                                      VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
                                      VIRTIO_GPU_CMD_SET_SCANOUT };
    struct host_fb *next = t_fb(t, 400, 300, 2);

    boot_showing(t, VGPU_IRQ_POLL, 1);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint64_t seen = sim_cmd_count(t->sim, types[i]);

        sim_fault_error_next(t->sim, types[i], VIRTIO_GPU_RESP_ERR_UNSPEC);
        if (vgpu_set_mode(t_dev(t), 0, &next->fb) != VGPU_E_DEVICE)
            fail_msg("error response to 0x%x: set_mode did not report VGPU_E_DEVICE", types[i]);
        assert_true(sim_cmd_count(t->sim, types[i]) > seen);   /* the fault fired */
        expect_scanout_pattern(t, 0, W, H, 1);
        assert_int_equal(sim_stats(t->sim)->live_resources, 2);
        assert_false(vgpu_needs_reset(t_dev(t)));
    }
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &next->fb));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &(struct vgpu_rect){ 0, 0, 400, 300 }));
    expect_scanout_pattern(t, 0, 400, 300, 2);
    assert_int_equal(sim_stats(t->sim)->live_resources, 2);
}

static void error_responses_during_update(struct t *t)
{
    static const uint32_t types[] = { VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
                                      VIRTIO_GPU_CMD_RESOURCE_FLUSH };
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_POLL, 3);
    struct vgpu_rect r = { 8, 8, 40, 40 };

    fb_draw_rect(fb, &r, 0x00abcdefu);
    for (size_t i = 0; i < 2; i++) {
        sim_fault_error_next(t->sim, types[i], VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
        assert_int_equal(vgpu_flush_rect(t_dev(t), 0, &r), VGPU_E_DEVICE);
        assert_int_equal(sim_pixel(t->sim, 0, 10, 10), pattern(10, 10, 3));
        assert_false(vgpu_needs_reset(t_dev(t)));
    }
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &r));
    expect_scanout_equals_fb(t, 0, fb);
}

static void async_error_is_counted(struct t *t)
{
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_INTX, 4);
    struct vgpu_rect r = { 0, 0, 16, 16 };
    struct vgpu_stats st;

    fb_draw_rect(fb, &r, 0x00111111u);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, &r, 1));
    vgpu_wait_idle(t_dev(t));
    vgpu_get_stats(t_dev(t), &st);
    assert_int_equal(st.async_errors, 1);
    assert_false(vgpu_needs_reset(t_dev(t)));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &r));
    expect_scanout_rect_color(t, 0, &r, 0x00111111u);
}

static void edid_error_is_not_fatal(struct t *t)
{
    struct vgpu_mode pref;

    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_GET_EDID, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_vgpu_ok(host_dev_open(t->d, VGPU_IRQ_POLL, 0));
    assert_null(vgpu_scanout_edid(t_dev(t), 0, NULL));
    assert_vgpu_ok(vgpu_preferred_mode(t_dev(t), 0, &pref));
    assert_int_equal(pref.width, 1280);
}

static void display_info_error_fails_open_cleanly(struct t *t)
{
    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(host_dev_open(t->d, VGPU_IRQ_POLL, 0), VGPU_E_DEVICE);
    assert_null(t_dev(t));
}

/* An OK of the wrong kind (24-byte NODATA for display info) is a protocol break, not data. */
static void wrong_response_type_breaks_the_device(struct t *t)
{
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_POLL, 13);
    struct vgpu_scanout_info info;

    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(vgpu_query_displays(t_dev(t)), VGPU_E_PROTO);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, 1280);        /* nothing half-read from the bad answer */
    recover_and_check(t, fb);
}

static void held_command_times_out_then_recovers(struct t *t)
{
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_INTX, 5);
    struct vgpu_rect r = { 100, 100, 50, 50 };
    uint64_t start = host_now(t->h), cmds;

    fb_draw_rect(fb, &r, 0x00fedcbau);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 0, &r), VGPU_E_TIMEOUT);
    assert_in_range(host_now(t->h) - start, TIMEOUT_MS * 1000000ull, 10ull * TIMEOUT_MS * 1000000ull);
    assert_int_equal(sim_held_count(t->sim), 1);
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET), 1);
    cmds = sim_stats(t->sim)->commands;
    assert_int_equal(vgpu_flush_rect(t_dev(t), 0, &r), VGPU_E_BROKEN);   /* latched */
    assert_int_equal(sim_stats(t->sim)->commands, cmds);
    recover_and_check(t, fb);
    assert_int_equal(sim_held_count(t->sim), 0);                         /* reset dropped it */
}

/* The device completes the abandoned command after the driver gave up on it. */
static void late_completion_after_timeout(struct t *t)
{
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_INTX, 6);
    struct vgpu_rect r = { 0, 0, 10, 10 };

    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 0, &r), VGPU_E_TIMEOUT);
    assert_int_equal(sim_release_held(t->sim), 1);
    host_dev_pump(t->d);
    vgpu_poll(t_dev(t));
    recover_and_check(t, fb);
}

static void corrupted_used_entries(struct t *t)
{
    static const enum sim_used_fault faults[] = { SIM_USED_BAD_ID, SIM_USED_DUP_ID,
                                                  SIM_USED_BIG_LEN, SIM_USED_WRONG_ID };
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_MSIX, 7);
    struct vgpu_rect r = { 20, 20, 30, 30 };

    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        int rc;

        fb_draw_rect(fb, &r, 0x00010203u * (uint32_t)(i + 1));
        sim_fault_used(t->sim, faults[i]);
        rc = vgpu_flush_rect(t_dev(t), 0, &r);
        vgpu_poll(t_dev(t));   /* a duplicate may only be seen on the next harvest */
        if (!vgpu_needs_reset(t_dev(t)))
            fail_msg("used fault %d not detected (flush gave %s)", (int)faults[i], vgpu_status_name(rc));
        if (faults[i] != SIM_USED_DUP_ID && rc == VGPU_OK)
            fail_msg("used fault %d: flush_rect reported success", (int)faults[i]);
        recover_and_check(t, fb);
    }
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET), 4);
}

static void needs_reset_on_a_command(struct t *t)
{
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_INTX, 8);
    struct vgpu_rect r = { 0, 0, W, 10 };

    fb_draw_rect(fb, &r, 0x00aa5500u);
    sim_fault_needs_reset_on(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    assert_int_not_equal(vgpu_flush_rect(t_dev(t), 0, &r), VGPU_OK);
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET), 1);
    recover_and_check(t, fb);
}

static void needs_reset_while_idle(struct t *t, enum vgpu_irq_mode mode)
{
    struct host_fb *fb = boot_showing(t, mode, 9);

    sim_raise_needs_reset(t->sim);
    if (mode == VGPU_IRQ_POLL)
        vgpu_poll(t_dev(t));
    else
        assert_true(host_dev_pump(t->d));
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET), 1);
    recover_and_check(t, fb);
}

static void needs_reset_idle_intx(struct t *t) { needs_reset_while_idle(t, VGPU_IRQ_INTX); }
static void needs_reset_idle_msix(struct t *t) { needs_reset_while_idle(t, VGPU_IRQ_MSIX); }
static void needs_reset_idle_poll(struct t *t) { needs_reset_while_idle(t, VGPU_IRQ_POLL); }

static void unmapped_framebuffer_memory(struct t *t)
{
    struct host_fb *bad = t_fb(t, 400, 300, 10);
    struct vgpu_dma_seg segs[64];
    struct vgpu_framebuffer fb = bad->fb;
    uint64_t errors;

    boot_showing(t, VGPU_IRQ_POLL, 11);
    errors = sim_stats(t->sim)->error_responses;
    assert_true(bad->nsegs <= 64);
    memcpy(segs, bad->segs, bad->nsegs * sizeof(segs[0]));
    segs[bad->nsegs / 2].addr = 0xdead00000ull;          /* nothing is mapped there */
    fb.segs = segs;
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &fb), VGPU_E_DEVICE);
    assert_int_equal(sim_stats(t->sim)->error_responses, errors + 1);   /* attach: ERR_UNSPEC */
    assert_true(sim_stats(t->sim)->dma_faults > 0);
    expect_scanout_pattern(t, 0, W, H, 11);
    assert_int_equal(sim_stats(t->sim)->live_resources, 2);
}

static bool recover_failing_nth(struct t *t, uint64_t n)
{
    struct host_mem_stats before, after;
    int rc;

    host_mem_stats(t->h, &before);
    host_fail_nth_alloc(t->h, n);
    rc = vgpu_recover(t_dev(t));
    host_fail_nth_alloc(t->h, 0);
    host_mem_stats(t->h, &after);
    if (after.failed == before.failed) {
        assert_vgpu_ok(rc);
        return false;
    }
    if (rc == VGPU_OK)
        fail_msg("allocation %llu failed but vgpu_recover reported success", (unsigned long long)n);
    assert_int_equal(rc, VGPU_E_NOMEM);
    assert_true(vgpu_needs_reset(t_dev(t)));
    return true;
}

static void recovery_survives_allocation_failures(struct t *t)
{
    struct host_fb *fb = boot_showing(t, VGPU_IRQ_POLL, 12);
    struct host_mem_stats m;
    uint64_t n = 1;

    sim_raise_needs_reset(t->sim);
    vgpu_poll(t_dev(t));
    while (n < 200 && recover_failing_nth(t, n))
        n++;
    assert_in_range(n, 2, 199);
    assert_false(vgpu_needs_reset(t_dev(t)));
    expect_scanout_equals_fb(t, 0, fb);
    expect_cursor_shown(t);
    host_dev_close(t->d);
    host_mem_stats(t->h, &m);
    assert_int_equal(m.live_allocs, 0);
    assert_int_equal(m.live_dma, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(error_responses_during_mode_set),
        UNIT_TEST(error_responses_during_update),
        UNIT_TEST(async_error_is_counted),
        UNIT_TEST(edid_error_is_not_fatal),
        UNIT_TEST(display_info_error_fails_open_cleanly),
        UNIT_TEST(wrong_response_type_breaks_the_device),
        UNIT_TEST(held_command_times_out_then_recovers),
        UNIT_TEST(late_completion_after_timeout),
        UNIT_TEST(corrupted_used_entries),
        UNIT_TEST(needs_reset_on_a_command),
        UNIT_TEST(needs_reset_idle_intx),
        UNIT_TEST(needs_reset_idle_msix),
        UNIT_TEST(needs_reset_idle_poll),
        UNIT_TEST(unmapped_framebuffer_memory),
        UNIT_TEST(recovery_survives_allocation_failures),
    };

    return RUN_UNIT_TESTS("faults", tests);
}
