/*
 * test_open.c — bring-up and teardown seen from the device: status, negotiated features,
 * queues, broken device layouts, odd display reports and allocation failures.
 */
#include "harness.h"

#define F(bit) (1ull << (bit))
#define CORE_FEATURES (F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_INDIRECT_DESC) | F(VIRTIO_F_EVENT_IDX) | \
                       F(VIRTIO_GPU_F_EDID))

static bool power_of_two(unsigned v) { return v && !(v & (v - 1)); }

static void open_negotiates_expected_features(struct t *t)
{
    t_boot(t);
    expect_status_ok(t);
    /* QEMU 7.2 offers RING_RESET (bit 40) too; the core implements only these four. */
    assert_int_equal(sim_negotiated_features(t->sim), CORE_FEATURES);
    assert_int_equal(vgpu_features(t_dev(t)), CORE_FEATURES);
    assert_true(sim_pci_command(t->sim) & PCI_COMMAND_MASTER);
    assert_true(sim_pci_command(t->sim) & PCI_COMMAND_MEMORY);
    assert_true(power_of_two(sim_queue_size(t->sim, 0)) && sim_queue_size(t->sim, 0) <= 64);
    assert_true(power_of_two(sim_queue_size(t->sim, 1)) && sim_queue_size(t->sim, 1) <= 16);
    assert_int_equal(vgpu_scanout_count(t_dev(t)), 1);
    /* Bring-up asked for the display layout (and the EDID, which is offered). */
    assert_true(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO) >= 1);
    assert_true(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_GET_EDID) >= 1);
}

static void open_accepts_only_what_is_offered(struct t *t)
{
    t->cfg.features = F(VIRTIO_F_VERSION_1);
    t_boot(t);
    expect_status_ok(t);
    assert_int_equal(sim_negotiated_features(t->sim), F(VIRTIO_F_VERSION_1));
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_GET_EDID), 0);
}

static void open_refuses_unimplemented_offers(struct t *t)
{
    /* virgl, ACCESS_PLATFORM, RING_PACKED, IN_ORDER, RING_RESET: none is implemented. */
    t->cfg.features |= F(0) | F(33) | F(34) | F(35) | F(40);
    t_boot(t);
    expect_status_ok(t);
    assert_int_equal(sim_negotiated_features(t->sim), CORE_FEATURES);
}

static void open_fails_without_version_1(struct t *t)
{
    struct host_mem_stats m;

    t->cfg.features = F(VIRTIO_GPU_F_EDID) | F(VIRTIO_F_INDIRECT_DESC);
    assert_int_equal(t_boot_mode(t, VGPU_IRQ_POLL, 0), VGPU_E_NODEV);
    assert_null(t_dev(t));
    assert_false(sim_device_status(t->sim) & VIRTIO_STATUS_DRIVER_OK);
    host_mem_stats(t->h, &m);
    assert_int_equal(m.live_allocs, 0);
    assert_int_equal(m.live_dma, 0);
}

/* Open a fresh device with one broken layout; the open must fail and leave nothing behind. */
static void expect_layout_refused(struct t *t, uint32_t fault)
{
    struct sim_config cfg = t->cfg;
    struct host_dev *d;
    struct host_mem_stats m;
    int rc;

    cfg.layout_faults = fault;
    d = host_dev_new(t->h, &cfg);
    rc = host_dev_open(d, VGPU_IRQ_POLL, 0);
    if (rc != VGPU_E_NODEV)
        fail_msg("layout fault 0x%x: vgpu_open gave %s, expected NODEV", fault, vgpu_status_name(rc));
    assert_false(sim_device_status(host_sim(d)) & VIRTIO_STATUS_DRIVER_OK);
    host_mem_stats(t->h, &m);
    assert_int_equal(m.live_allocs, 0);
    assert_int_equal(m.live_dma, 0);
    host_dev_free(d);
}

static void open_refuses_broken_layouts(struct t *t)
{
    static const uint32_t faults[] = {
        SIM_LAYOUT_NO_COMMON_CAP, SIM_LAYOUT_CAP_OUTSIDE_BAR, SIM_LAYOUT_BAR_SIZE_ZERO,
        SIM_LAYOUT_CAP_LOOP, SIM_LAYOUT_NO_CAP_LIST, SIM_LAYOUT_WRONG_DEVICE_ID,
        SIM_LAYOUT_NOTIFY_MULT_ODD, SIM_LAYOUT_SHORT_COMMON, SIM_LAYOUT_CAP_BAD_BAR,
    };

    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
        expect_layout_refused(t, faults[i]);
}

static void open_refuses_missing_queues(struct t *t)
{
    t->cfg.num_queues = 1;
    expect_layout_refused(t, 0);
    t->cfg.num_queues = 2;
    t->cfg.queue_size[1] = 0;
    expect_layout_refused(t, 0);
}

static void open_refuses_zero_scanouts(struct t *t)
{
    t->cfg.num_scanouts = 0;
    expect_layout_refused(t, 0);
}

static void open_clamps_many_scanouts(struct t *t)
{
    t->cfg.num_scanouts = 17;     /* the spec allows at most 16 */
    for (int i = 0; i < SIM_MAX_SCANOUTS; i++)
        t->cfg.display[i] = (struct sim_display){ 640 + 16u * i, 480, true };
    t_boot(t);
    assert_int_equal(vgpu_scanout_count(t_dev(t)), 16);
    for (unsigned i = 0; i < 16; i++) {
        struct vgpu_scanout_info info;

        assert_vgpu_ok(vgpu_scanout_info(t_dev(t), i, &info));
        assert_true(info.enabled);
        assert_int_equal(info.host_width, 640 + 16u * i);
    }
    assert_int_not_equal(vgpu_scanout_info(t_dev(t), 16, &(struct vgpu_scanout_info){ 0 }), VGPU_OK);
}

static void expect_sane_modes(struct t *t, unsigned scanout)
{
    struct vgpu_mode modes[64];
    size_t n = vgpu_mode_list(t_dev(t), scanout, modes, 64);

    for (size_t i = 0; i < n && i < 64; i++) {
        assert_in_range(modes[i].width, 1, VGPU_MAX_DIMENSION);
        assert_in_range(modes[i].height, 1, VGPU_MAX_DIMENSION);
    }
}

static void open_ignores_zero_and_absurd_sizes(struct t *t)
{
    struct vgpu_scanout_info info;

    t->cfg.num_scanouts = 3;
    t->cfg.display[0] = (struct sim_display){ 0, 0, true };
    t->cfg.display[1] = (struct sim_display){ 100000, 100000, true };
    t->cfg.display[2] = (struct sim_display){ 0xffffffffu, 16, true };
    t_boot(t);
    for (unsigned i = 0; i < 3; i++) {
        assert_vgpu_ok(vgpu_scanout_info(t_dev(t), i, &info));
        assert_int_equal(info.host_width, 0);
        assert_int_equal(info.host_height, 0);
        expect_sane_modes(t, i);
    }
}

/* Open once per allocation, failing that one: NOMEM (or success without it) and no leak. */
static bool open_failing_nth(struct t *t, uint64_t n)
{
    struct host_dev *d = host_dev_new(t->h, &t->cfg);
    struct host_mem_stats before, after;
    int rc;

    host_mem_stats(t->h, &before);
    host_fail_nth_alloc(t->h, n);
    rc = host_dev_open(d, VGPU_IRQ_POLL, 0);
    host_fail_nth_alloc(t->h, 0);
    host_mem_stats(t->h, &after);
    if (rc != VGPU_OK && rc != VGPU_E_NOMEM)
        fail_msg("allocation %llu failed: vgpu_open gave %s", (unsigned long long)n,
                 vgpu_status_name(rc));
    if (after.failed == before.failed && rc != VGPU_OK)
        fail_msg("vgpu_open failed (%s) without an injected failure", vgpu_status_name(rc));
    host_dev_close(d);
    host_mem_stats(t->h, &after);
    assert_int_equal(after.live_allocs, 0);
    assert_int_equal(after.live_dma, 0);
    host_dev_free(d);
    return after.failed > before.failed;
}

static void open_survives_every_allocation_failure(struct t *t)
{
    uint64_t n = 1;

    while (n < 500 && open_failing_nth(t, n))
        n++;
    assert_true(n > 2);      /* bring-up allocates something */
    assert_true(n < 500);    /* and the sweep reached the end */
}

static void close_resets_and_frees(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 200, 1);
    struct host_mem_stats m;

    t_boot(t);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    host_dev_close(t->d);
    assert_int_equal(sim_device_status(t->sim), 0);
    assert_int_equal(sim_stats(t->sim)->live_resources, 0);
    /* The framebuffer resource was released by the driver before the reset. */
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_UNREF),
                     sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D));
    host_mem_stats(t->h, &m);
    assert_int_equal(m.live_allocs, 0);
    assert_int_equal(m.live_dma, 0);
}

static void open_rejects_bad_params(struct t *t)
{
    assert_int_equal(t_boot_mode(t, VGPU_IRQ_MSIX, 0), VGPU_E_INVAL);
    assert_null(t_dev(t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(open_negotiates_expected_features),
        UNIT_TEST(open_accepts_only_what_is_offered),
        UNIT_TEST(open_refuses_unimplemented_offers),
        UNIT_TEST(open_fails_without_version_1),
        UNIT_TEST(open_refuses_broken_layouts),
        UNIT_TEST(open_refuses_missing_queues),
        UNIT_TEST(open_refuses_zero_scanouts),
        UNIT_TEST(open_clamps_many_scanouts),
        UNIT_TEST(open_ignores_zero_and_absurd_sizes),
        UNIT_TEST(open_survives_every_allocation_failure),
        UNIT_TEST(close_resets_and_frees),
        UNIT_TEST(open_rejects_bad_params),
    };

    return RUN_UNIT_TESTS("open", tests);
}
