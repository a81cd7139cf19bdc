/*
 * test_async_batch.c — vgpu_flush_rects_async queues a batch whole or not at all: a batch larger
 * than the control queue can ever hold goes out as its bounding rectangle, and a batch that does
 * not fit right now is refused with VGPU_E_BUSY without sending anything.
 */
#include "harness.h"

#define RED 0x00ff0000u

static void set_and_flush(struct t *t, struct host_fb *fb)
{
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
}

/* 40 rectangles need 80 fenced commands; the 64-entry queue never holds them at once. */
static void oversized_batch_goes_out_as_bounding_rect(struct t *t)
{
    struct host_fb *fb = t_fb(t, 640, 480, 2);
    struct vgpu_rect r[40];
    uint64_t flushes;

    t_boot(t);
    set_and_flush(t, fb);
    for (int i = 0; i < 40; i++) {
        r[i] = (struct vgpu_rect){ 10u + 12u * (uint32_t)i, 20u + 5u * (uint32_t)i, 8, 8 };
        fb_draw_rect(fb, &r[i], RED);
    }
    flushes = sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, r, 40));
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH), flushes + 1);
    expect_scanout_equals_fb(t, 0, fb);
}

/* With the device stalled, a batch that does not fit the free room is refused whole. */
static void batch_that_does_not_fit_now_sends_nothing(struct t *t)
{
    struct host_fb *fb = t_fb(t, 640, 480, 3);
    struct vgpu_rect one = { 0, 0, 4, 4 }, r[20];
    uint64_t kicks;
    int i;

    t_boot(t);
    set_and_flush(t, fb);
    for (i = 0; i < 20; i++)
        r[i] = (struct vgpu_rect){ 30u * (uint32_t)i, 100, 10, 10 };
    host_dev_device_latency(t->d, false, 0);           /* the device runs only when told */
    for (i = 0; i < 10; i++)                           /* fill 20 of the 64 entries... */
        assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, &one, 1));
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, r, 20));   /* ...then 40 more */
    kicks = sim_stats(t->sim)->notifies[0];
    assert_int_equal(vgpu_flush_rects_async(t_dev(t), 0, r, 20), VGPU_E_BUSY);
    assert_int_equal(sim_stats(t->sim)->notifies[0], kicks);   /* nothing went out */
    sim_run(t->sim);
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, r, 20));  /* fits once drained */
    sim_run(t->sim);
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    assert_int_equal(sim_stats(t->sim)->error_responses, 0);
}

/*
 * The largest batch sent rect by rect is what the 64-entry queue holds as fenced pairs: a fenced
 * command takes one descriptor with an indirect table and two without, so 32 rects with indirect
 * descriptors and 16 without; one more goes out as the bounding rectangle (one flush).
 */
static uint64_t flushes_for_batch(struct t *t, struct host_fb *fb, size_t n)
{
    struct vgpu_rect r[33];
    uint64_t before = sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH);

    for (size_t i = 0; i < n; i++)
        r[i] = (struct vgpu_rect){ 8u * (uint32_t)i, 8u * (uint32_t)(i % 4), 4, 4 };
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, r, n));
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    expect_scanout_equals_fb(t, 0, fb);
    return sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_FLUSH) - before;
}

static void queue_room_with_indirect_descriptors(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 40, 5);

    t_boot(t);
    set_and_flush(t, fb);
    assert_int_equal(sim_queue_size(t->sim, 0), 64);
    assert_int_equal(flushes_for_batch(t, fb, 32), 32);
    assert_int_equal(flushes_for_batch(t, fb, 33), 1);
    assert_true(sim_stats(t->sim)->indirect_elems > 0);
}

static void queue_room_without_indirect_descriptors(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 40, 6);

    t->cfg.features &= ~(1ull << VIRTIO_F_INDIRECT_DESC);
    t_boot(t);
    set_and_flush(t, fb);
    assert_int_equal(sim_queue_size(t->sim, 0), 64);
    assert_int_equal(flushes_for_batch(t, fb, 16), 16);
    assert_int_equal(flushes_for_batch(t, fb, 17), 1);
    assert_int_equal(sim_stats(t->sim)->indirect_elems, 0);
    assert_int_equal(sim_stats(t->sim)->ring_errors, 0);
}

static void empty_or_out_of_bounds_batch_is_refused(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 200, 4);
    struct vgpu_rect outside = { 300, 190, 40, 40 };

    t_boot(t);
    set_and_flush(t, fb);
    assert_int_equal(vgpu_flush_rects_async(t_dev(t), 0, &outside, 1), VGPU_E_INVAL);
    assert_int_equal(vgpu_flush_rects_async(t_dev(t), 0, NULL, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_flush_rects_async(t_dev(t), 1, &outside, 1), VGPU_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(oversized_batch_goes_out_as_bounding_rect),
        UNIT_TEST(batch_that_does_not_fit_now_sends_nothing),
        UNIT_TEST(empty_or_out_of_bounds_batch_is_refused),
        UNIT_TEST(queue_room_with_indirect_descriptors),
        UNIT_TEST(queue_room_without_indirect_descriptors),
    };
    return RUN_UNIT_TESTS("async_batch", tests);
}
