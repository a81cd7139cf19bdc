/*
 * test_fault_transport.c — transport-level faults: a device that never finishes a reset loses
 * bus mastering before the core frees the rings it could still write, and gets it back once a
 * later reset succeeds; a display query the device fails leaves the display event pending so the
 * host asks again; in polling mode a device that asks for a reset mid-command is noticed at the
 * next poll, not at the command timeout.
 */
#include "fault_util.h"

static bool bus_master_on(struct t *t)
{
    return (sim_pci_read(t->sim, PCI_CFG_COMMAND, 2) & PCI_COMMAND_MASTER) != 0;
}

static void hung_reset_cuts_bus_mastering_until_a_reset_succeeds(struct t *t)
{
    struct fault_scene sc;

    fault_boot(t, VGPU_IRQ_MSIX, 1);
    fault_show(t, &sc, 640, 480, 20);
    assert_true(bus_master_on(t));
    sim_fault_stuck_reset(t->sim, true);
    sim_raise_needs_reset(t->sim);
    assert_int_equal(vgpu_recover(t_dev(t)), VGPU_E_TIMEOUT);
    assert_false(bus_master_on(t));            /* the freed rings are out of the device's reach */
    assert_true(vgpu_needs_reset(t_dev(t)));
    sim_fault_stuck_reset(t->sim, false);
    fault_recover(t, &sc);                     /* the scene comes back... */
    assert_true(bus_master_on(t));             /* ...with bus mastering given back */
}

static void failed_display_query_keeps_the_event_pending(struct t *t)
{
    struct vgpu_scanout_info info;

    t_boot(t);
    sim_display_change(t->sim, 0, 1024, 768, true);
    vgpu_poll(t_dev(t));
    assert_true(vgpu_display_event_pending(t_dev(t)));
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(vgpu_query_displays(t_dev(t)), VGPU_E_DEVICE);
    assert_true(vgpu_display_event_pending(t_dev(t)));   /* not answered yet */
    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
    assert_false(vgpu_display_event_pending(t_dev(t)));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, 1024);
    assert_int_equal(info.host_height, 768);
}

static void polling_notices_needs_reset_before_the_timeout(struct t *t)
{
    uint64_t start;

    fault_boot(t, VGPU_IRQ_POLL, 1);
    sim_fault_needs_reset_on(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);   /* never answered */
    start = host_now(t->h);
    assert_int_equal(vgpu_query_displays(t_dev(t)), VGPU_E_BROKEN);
    assert_true(host_now(t->h) - start < FAULT_TIMEOUT_NS / 10);
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_vgpu_ok(vgpu_recover(t_dev(t)));
    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(hung_reset_cuts_bus_mastering_until_a_reset_succeeds),
        UNIT_TEST(failed_display_query_keeps_the_event_pending),
        UNIT_TEST(polling_notices_needs_reset_before_the_timeout),
    };
    return RUN_UNIT_TESTS("fault_transport", tests);
}
