/*
 * test_irq.c — completion in every interrupt mode (polling, INTx, MSI-X with 1..3 vectors) on a
 * device that answers only later, vector programming as the device reads it back, and lost
 * interrupts (latency, never failure).
 */
#include "harness.h"

#define DEVICE_LATENCY_NS 50000u   /* the device answers 50 us after the doorbell */

/* Mode set, updates and a cursor on a slow device; returns the interrupts delivered. */
static uint64_t exercise(struct t *t)
{
    struct host_fb *fb = t_fb(t, 320, 200, 1);
    struct vgpu_rect all = { 0, 0, 320, 200 }, r = { 10, 10, 20, 20 };
    static uint32_t cursor[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE];

    host_dev_device_latency(t->d, true, DEVICE_LATENCY_NS);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &all));
    for (int i = 0; i < 20; i++) {
        fb_draw_rect(fb, &r, 0x00102030u + (uint32_t)i);
        assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &r));
    }
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, cursor, 0, 0, 5, 5));
    expect_scanout_equals_fb(t, 0, fb);
    return host_dev_irqs_delivered(t->d);
}

static void polling_mode(struct t *t)
{
    t_boot(t);
    assert_int_equal(exercise(t), 0);
    assert_int_equal(sim_config_vector(t->sim), VIRTIO_MSI_NO_VECTOR);
    assert_true(sim_pci_command(t->sim) & PCI_COMMAND_MASTER);
}

static void intx_mode(struct t *t)
{
    struct vgpu_stats st;

    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_INTX, 0));
    assert_true(exercise(t) > 0);
    vgpu_get_stats(t_dev(t), &st);
    assert_true(st.interrupts > 0);
    assert_false(sim_pci_command(t->sim) & PCI_COMMAND_INTX_DISABLE);
}

static void msix_mode(struct t *t, uint16_t vectors, uint16_t want_config, uint16_t want_queue)
{
    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_MSIX, vectors));
    assert_int_equal(sim_config_vector(t->sim), want_config);
    assert_int_equal(sim_queue_vector(t->sim, 0), want_queue);
    assert_int_equal(sim_queue_vector(t->sim, 1), want_queue);
    assert_true(exercise(t) > 0);
    assert_false(sim_intx_level(t->sim));
}

static void msix_one_vector(struct t *t)
{
    msix_mode(t, 1, 0, 0);
    assert_int_equal(vgpu_msix_causes(t_dev(t), 0), VGPU_CAUSE_QUEUE | VGPU_CAUSE_CONFIG);
}

static void msix_two_vectors(struct t *t)
{
    msix_mode(t, 2, 0, 1);
    assert_int_equal(vgpu_msix_causes(t_dev(t), 0), VGPU_CAUSE_CONFIG);
    assert_int_equal(vgpu_msix_causes(t_dev(t), 1), VGPU_CAUSE_QUEUE);
    assert_int_equal(vgpu_msix_causes(t_dev(t), 2), 0);
}

static void msix_three_vectors(struct t *t)
{
    msix_mode(t, 3, 0, 1);
}

/* Interrupts that never arrive cost time, not correctness: polling after each wait finds work. */
static void lost_interrupts_still_complete(struct t *t)
{
    struct vgpu_stats st;
    uint64_t start, delivered;

    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_INTX, 0));
    host_dev_pump(t->d);                 /* take what bring-up left pending */
    delivered = host_dev_irqs_delivered(t->d);
    sim_fault_lose_interrupts(t->sim, UINT32_MAX);
    start = host_now(t->h);
    assert_int_equal(exercise(t), delivered);
    vgpu_get_stats(t_dev(t), &st);
    assert_true(st.polled_completions > 0);
    assert_true(sim_stats(t->sim)->interrupts_lost > 0);
    assert_false(vgpu_needs_reset(t_dev(t)));
    /* Bounded cost: less than one default command timeout for the whole exercise. */
    assert_true(host_now(t->h) - start < 5000000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(polling_mode),
        UNIT_TEST(intx_mode),
        UNIT_TEST(msix_one_vector),
        UNIT_TEST(msix_two_vectors),
        UNIT_TEST(msix_three_vectors),
        UNIT_TEST(lost_interrupts_still_complete),
    };

    return RUN_UNIT_TESTS("irq", tests);
}
