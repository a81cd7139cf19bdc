/*
 * test_rings.c — the split rings under load, judged on the device side: wrap-around, small
 * rings, indirect and direct descriptors, doorbell suppression (event index and NO_NOTIFY), and
 * a full ring.
 */
#include "harness.h"

#define F(bit) (1ull << (bit))

static struct host_fb *boot_with_mode(struct t *t, uint32_t seed)
{
    struct host_fb *fb = t_fb(t, 256, 128, seed);
    struct vgpu_rect all = { 0, 0, 256, 128 };

    t_boot(t);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &all));
    return fb;
}

/* Many more synchronous updates than ring entries; every one must land. */
static void many_updates(struct t *t, struct host_fb *fb, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct vgpu_rect r = { (i * 13u) % 240u, (i * 7u) % 112u, 16, 16 };

        fb_draw_rect(fb, &r, 0x00010101u * (i & 0xffu));
        assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &r));
        expect_scanout_rect_color(t, 0, &r, 0x00010101u * (i & 0xffu));
    }
    expect_scanout_equals_fb(t, 0, fb);
}

static void control_ring_wraps_around(struct t *t)
{
    struct host_fb *fb = boot_with_mode(t, 1);

    many_updates(t, fb, 300);                      /* >= 600 commands through 64 entries */
    assert_true(sim_stats(t->sim)->completions[0] >= 600);
    assert_int_equal(sim_stats(t->sim)->ring_errors, 0);
    assert_false(vgpu_needs_reset(t_dev(t)));
}

/* Past 65535: the 16-bit avail and used indices wrap to 0 (every ring size divides 65536, so the
 * slot follows); a driver that compares or masks the indices wrongly stalls or rejects here. */
static void indices_wrap_at_65536(struct t *t)
{
    struct host_fb *fb = boot_with_mode(t, 4);
    uint32_t before = sim_stats(t->sim)->completions[0];

    for (unsigned i = 0; i < 33000; i++) {        /* two commands each: 66,000 > 65,536 */
        struct vgpu_rect r = { i % 256u, (i / 256u) % 128u, 1, 1 };
        assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &r));
    }
    assert_true(sim_stats(t->sim)->completions[0] - before >= 66000);
    many_updates(t, fb, 40);                       /* and it still draws right afterwards */
    assert_int_equal(sim_stats(t->sim)->ring_errors, 0);
    assert_false(vgpu_needs_reset(t_dev(t)));
}

static void tiny_rings(struct t *t)
{
    struct host_fb *fb;

    t->cfg.queue_size[0] = 4;
    t->cfg.queue_size[1] = 2;
    fb = boot_with_mode(t, 2);
    assert_true(sim_queue_size(t->sim, 0) <= 4);
    many_updates(t, fb, 50);
}

static void indirect_descriptors_when_offered(struct t *t)
{
    struct host_fb *fb = boot_with_mode(t, 3);

    many_updates(t, fb, 20);
    assert_true(sim_negotiated_features(t->sim) & F(VIRTIO_F_INDIRECT_DESC));
    assert_true(sim_stats(t->sim)->indirect_elems > 0);
}

static void direct_descriptors_without_indirect(struct t *t)
{
    struct host_fb *fb;

    t->cfg.features &= ~F(VIRTIO_F_INDIRECT_DESC);
    fb = boot_with_mode(t, 4);                     /* the sim breaks on any indirect use */
    many_updates(t, fb, 100);
    assert_int_equal(sim_stats(t->sim)->indirect_elems, 0);
    assert_int_equal(sim_stats(t->sim)->ring_errors, 0);
}

/* Three async submissions while the device sits on the first doorbell. */
static uint64_t doorbells_for_three_batches(struct t *t)
{
    struct vgpu_rect r = { 0, 0, 8, 8 };
    uint64_t before = sim_stats(t->sim)->notifies[0];

    for (int i = 0; i < 3; i++)
        assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, &r, 1));
    sim_run(t->sim);
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    return sim_stats(t->sim)->notifies[0] - before;
}

static void event_index_suppresses_doorbells(struct t *t)
{
    struct vgpu_stats st;

    boot_with_mode(t, 5);
    host_dev_device_latency(t->d, false, 0);
    assert_int_equal(doorbells_for_three_batches(t), 1);
    vgpu_get_stats(t_dev(t), &st);
    assert_true(st.notifies_skipped >= 2);
}

static void no_notify_flag_suppresses_doorbells(struct t *t)
{
    t->cfg.features &= ~F(VIRTIO_F_EVENT_IDX);
    boot_with_mode(t, 6);
    host_dev_device_latency(t->d, false, 0);       /* busy device sets VRING_USED_F_NO_NOTIFY */
    assert_int_equal(doorbells_for_three_batches(t), 1);
}

static void every_batch_rings_without_suppression(struct t *t)
{
    t->cfg.features &= ~F(VIRTIO_F_EVENT_IDX);
    boot_with_mode(t, 7);
    sim_set_deferred(t->sim, false);               /* an idle device wants every doorbell */
    assert_int_equal(doorbells_for_three_batches(t), 3);
}

/* With the device stalled, queued work must stop at a full ring with BUSY, never corrupt it. */
static void full_ring_reports_busy(struct t *t)
{
    struct host_fb *fb = boot_with_mode(t, 8);
    struct vgpu_rect r = { 0, 0, 32, 32 };
    int rc = VGPU_OK;
    unsigned submitted = 0;

    host_dev_device_latency(t->d, false, 0);
    fb_draw_rect(fb, &r, 0x00123456u);
    while (submitted < 200 && (rc = vgpu_flush_rects_async(t_dev(t), 0, &r, 1)) == VGPU_OK)
        submitted++;
    assert_int_equal(rc, VGPU_E_BUSY);
    assert_in_range(submitted, 1, 64);
    assert_false(vgpu_needs_reset(t_dev(t)));
    sim_run(t->sim);
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    expect_scanout_rect_color(t, 0, &r, 0x00123456u);
    assert_int_equal(sim_stats(t->sim)->ring_errors, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(control_ring_wraps_around),
        UNIT_TEST(indices_wrap_at_65536),
        UNIT_TEST(tiny_rings),
        UNIT_TEST(indirect_descriptors_when_offered),
        UNIT_TEST(direct_descriptors_without_indirect),
        UNIT_TEST(event_index_suppresses_doorbells),
        UNIT_TEST(no_notify_flag_suppresses_doorbells),
        UNIT_TEST(every_batch_rings_without_suppression),
        UNIT_TEST(full_ring_reports_busy),
    };

    return RUN_UNIT_TESTS("rings", tests);
}
