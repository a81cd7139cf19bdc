/*
 * test_fault_stall.c — a device that stops answering, and interrupts that never arrive.
 * Every wait is bounded by the command timeout (100 ms here, virtual time), ends in a clean
 * VGPU_E_TIMEOUT with the device latched broken and NEEDS_RESET raised once; nothing the device
 * might still read is freed before the reset; after vgpu_recover() the scene is back and the
 * device holds only what the core counts.  A lost interrupt costs one poll slice, no more.
 */
#include "fault_util.h"

#define W 80
#define H 48
#define POLL_SLICE_NS 20000000ull     /* core/gpu/cmd.c: how long a waiter sleeps before polling */

static uint64_t elapsed_since(struct t *t, uint64_t start)
{
    return host_now(t->h) - start;
}

static void expect_broken_once(struct t *t)
{
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET), 1);
}

/*
 * ATTACH_BACKING never completes: its memory entries live in a DMA block the device may read
 * at any time until the reset.  Here the device reads them late; the block must still be there.
 */
static void held_attach_keeps_its_entries_until_reset(struct t *t)
{
    struct fault_scene sc;
    struct host_fb *next = t_fb_segs(t, W, H, 11, 1);
    uint64_t start;

    fault_boot(t, VGPU_IRQ_INTX, 1);
    fault_show(t, &sc, W, H, 10);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
    start = host_now(t->h);
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &next->fb), VGPU_E_TIMEOUT);
    assert_in_range(elapsed_since(t, start), FAULT_TIMEOUT_NS, 2 * FAULT_TIMEOUT_NS);
    expect_broken_once(t);
    assert_int_equal(sim_release_held(t->sim), 1);   /* reads the entries now */
    assert_int_equal(sim_stats(t->sim)->dma_faults, 0);
    fault_recover(t, &sc);
}

/* The queues go quiet for good: the first wait that times out must declare the device broken,
 * so no later call waits again. */
static void cursor_queue_that_never_completes(struct t *t)
{
    struct fault_scene sc;
    uint64_t start;
    int rc = VGPU_OK;
    unsigned moves = 0;

    fault_boot(t, VGPU_IRQ_MSIX, 1);
    fault_show(t, &sc, W, H, 12);
    host_dev_device_latency(t->d, false, 0);          /* work queues up; nothing runs it */
    start = host_now(t->h);
    while (rc == VGPU_OK && moves < 100) {
        moves++;
        rc = vgpu_cursor_move(t_dev(t), 0, moves, 2 * moves);
    }
    assert_int_equal(rc, VGPU_E_TIMEOUT);
    assert_in_range(elapsed_since(t, start), FAULT_TIMEOUT_NS, 2 * FAULT_TIMEOUT_NS);
    expect_broken_once(t);
    start = host_now(t->h);
    assert_int_equal(vgpu_cursor_move(t_dev(t), 0, 1, 1), VGPU_E_BROKEN);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 0, &(struct vgpu_rect){ 0, 0, 8, 8 }), VGPU_E_BROKEN);
    assert_true(elapsed_since(t, start) < FAULT_TIMEOUT_NS);
    sim_set_deferred(t->sim, false);                   /* the device comes back */
    sc.x = 1;                                          /* the last position asked for */
    sc.y = 1;
    fault_recover(t, &sc);
}

static void wait_idle_with_a_fence_that_never_completes(struct t *t)
{
    struct fault_scene sc;
    struct vgpu_rect r[2] = { { 0, 0, 10, 10 }, { 20, 20, 5, 5 } };
    uint64_t start;

    fault_boot(t, VGPU_IRQ_POLL, 1);
    fault_show(t, &sc, W, H, 14);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, r, 2));
    start = host_now(t->h);
    assert_int_equal(vgpu_wait_idle(t_dev(t)), VGPU_E_TIMEOUT);
    assert_in_range(elapsed_since(t, start), FAULT_TIMEOUT_NS, 2 * FAULT_TIMEOUT_NS);
    expect_broken_once(t);
    fault_recover(t, &sc);
    assert_int_equal(sim_held_count(t->sim), 0);
}

static void open_with_display_info_never_answered(struct t *t)
{
    struct vgpu_params p = { .irq_mode = VGPU_IRQ_MSIX, .msix_vectors = 2, .cmd_timeout_ms = FAULT_TIMEOUT_MS };
    struct host_mem_stats m;
    uint64_t start;

    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    start = host_now(t->h);
    assert_int_equal(host_dev_open_params(t->d, &p), VGPU_E_TIMEOUT);
    assert_true(elapsed_since(t, start) < 2 * FAULT_TIMEOUT_NS + 2000000000ull);
    assert_null(t_dev(t));
    assert_int_equal(sim_device_status(t->sim), 0);     /* left reset: the device lets go */
    host_mem_stats(t->h, &m);
    assert_int_equal(m.live_allocs, 0);
    assert_int_equal(m.live_dma, 0);
    assert_vgpu_ok(host_dev_open_params(t->d, &p));     /* and it can be opened again */
}

/* Closing a device that timed out must not wait for it again, nor leak anything. */
static void close_after_a_timeout_without_recovery(struct t *t)
{
    struct fault_scene sc;
    struct host_mem_stats m;
    uint64_t start;

    fault_boot(t, VGPU_IRQ_INTX, 2);
    fault_show(t, &sc, W, H, 16);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 1, &(struct vgpu_rect){ 0, 0, 4, 4 }), VGPU_E_TIMEOUT);
    start = host_now(t->h);
    host_dev_close(t->d);
    assert_true(elapsed_since(t, start) < FAULT_TIMEOUT_NS);
    assert_int_equal(sim_device_status(t->sim), 0);
    assert_int_equal(sim_stats(t->sim)->live_resources, 0);
    host_mem_stats(t->h, &m);
    assert_int_equal(m.live_allocs, 0);
    assert_int_equal(m.live_dma, 0);
}

/* One completion without its interrupt: found by the waiter's own poll after one slice. */
static void one_lost_queue_interrupt_costs_one_poll_slice(struct t *t)
{
    struct fault_scene sc;
    struct vgpu_stats before, after;
    uint64_t start;

    fault_boot(t, VGPU_IRQ_MSIX, 1);
    fault_show(t, &sc, W, H, 18);
    host_dev_pump(t->d);                               /* nothing stale left to wake the waiter */
    host_dev_device_latency(t->d, true, 1000);       /* completions arrive while the core sleeps */
    vgpu_get_stats(t_dev(t), &before);
    sim_fault_lose_interrupts(t->sim, 1);
    start = host_now(t->h);
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &(struct vgpu_rect){ 0, 0, W, H }));
    assert_in_range(elapsed_since(t, start), POLL_SLICE_NS, 2 * POLL_SLICE_NS);
    vgpu_get_stats(t_dev(t), &after);
    assert_int_equal(after.polled_completions, before.polled_completions + 1);
    assert_int_equal(sim_stats(t->sim)->interrupts_lost, 1);
    assert_false(vgpu_needs_reset(t_dev(t)));
    fault_expect_scene(t, &sc);
}

/* A display change whose configuration interrupt is lost: vgpu_poll(), the host's safety net,
 * still finds it. */
static void lost_config_interrupt_found_by_poll(struct t *t)
{
    struct vgpu_scanout_info info;
    unsigned changes;

    fault_boot(t, VGPU_IRQ_MSIX, 1);
    host_dev_pump(t->d);
    changes = host_dev_events(t->d, VGPU_OS_EVENT_DISPLAY_CHANGED);
    sim_display_change(t->sim, 0, 1600, 900, true);
    while (sim_next_msix(t->sim) >= 0)
        ;                                              /* the message never reaches the CPU */
    assert_false(host_dev_pump(t->d));
    assert_false(vgpu_display_event_pending(t_dev(t)));
    vgpu_poll(t_dev(t));
    assert_true(vgpu_display_event_pending(t_dev(t)));
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_DISPLAY_CHANGED), changes + 1);
    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, 1600);
    assert_int_equal(info.host_height, 900);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(held_attach_keeps_its_entries_until_reset),
        UNIT_TEST(cursor_queue_that_never_completes),
        UNIT_TEST(wait_idle_with_a_fence_that_never_completes),
        UNIT_TEST(open_with_display_info_never_answered),
        UNIT_TEST(close_after_a_timeout_without_recovery),
        UNIT_TEST(one_lost_queue_interrupt_costs_one_poll_slice),
        UNIT_TEST(lost_config_interrupt_found_by_poll),
    };

    return RUN_UNIT_TESTS("fault_stall", tests);
}
