/*
 * test_fault_reset.c — DEVICE_NEEDS_RESET in the middle of every kind of command, and used
 * entries corrupted while many commands are in flight, on a device with two scanouts and a
 * cursor.  Whatever the call in progress returns, vgpu_recover() must bring back every scanout's
 * current framebuffer pixel for pixel and the cursor the host last asked for, with the device
 * holding exactly the resources the core counts.
 */
#include <string.h>

#include "fault_util.h"

#define W 64
#define H 48

static const uint32_t reset_on[] = {
    VIRTIO_GPU_CMD_GET_DISPLAY_INFO,    VIRTIO_GPU_CMD_GET_EDID,
    VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,  VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
    VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, VIRTIO_GPU_CMD_SET_SCANOUT,
    VIRTIO_GPU_CMD_RESOURCE_FLUSH,      VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
    VIRTIO_GPU_CMD_RESOURCE_UNREF,      VIRTIO_GPU_CMD_UPDATE_CURSOR,
    VIRTIO_GPU_CMD_MOVE_CURSOR,
};

/* The cursor calls store what the host asked for unless the device was already broken. */
static void cursor_round(struct t *t, struct fault_scene *sc, uint32_t seed)
{
    if (!vgpu_needs_reset(t_dev(t))) {
        for (uint32_t i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
            sc->cursor[i] = 0xff000000u | pattern(i % 64, i / 64, seed);
        sc->hot_x = seed % 64;
        sc->x = seed;
        vgpu_cursor_set(t_dev(t), 0, sc->cursor, sc->hot_x, sc->hot_y, sc->x, sc->y);
    }
    if (!vgpu_needs_reset(t_dev(t))) {
        sc->y = seed + 1;
        vgpu_cursor_move(t_dev(t), 0, sc->x, sc->y);
    }
}

/* A host's round that sends every command type; the scene follows what succeeded. */
static void host_round(struct t *t, struct fault_scene *sc, struct host_fb *next, uint32_t seed)
{
    struct vgpu_rect r = { 10, 5, 20, 12 };

    vgpu_query_displays(t_dev(t));
    if (vgpu_set_mode(t_dev(t), 1, &next->fb) == VGPU_OK)
        sc->fb[1] = next;
    fb_draw_rect(sc->fb[0], &r, pattern(seed, 0, seed));
    vgpu_flush_rect(t_dev(t), 0, &r);
    cursor_round(t, sc, seed);
}

static void needs_reset_during_each_command(struct t *t, enum vgpu_irq_mode mode)
{
    struct fault_scene sc;
    struct host_fb *other[2] = { t_fb_segs(t, W, H, 5, 2), t_fb_segs(t, W, H, 6, 4) };

    fault_boot(t, mode, 2);
    fault_show(t, &sc, W, H, 1);
    for (size_t i = 0; i < sizeof(reset_on) / sizeof(reset_on[0]); i++) {
        unsigned before = host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET);

        sim_fault_needs_reset_on(t->sim, reset_on[i]);
        host_round(t, &sc, other[i % 2], 20 + (uint32_t)i);
        vgpu_poll(t_dev(t));   /* the cursor queue has no response: notice it here */
        if (!vgpu_needs_reset(t_dev(t)))
            fail_msg("NEEDS_RESET on command 0x%x went unnoticed", reset_on[i]);
        assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_NEEDS_RESET), before + 1);
        fault_recover(t, &sc);
    }
}

static void needs_reset_each_command_intx(struct t *t) { needs_reset_during_each_command(t, VGPU_IRQ_INTX); }
static void needs_reset_each_command_poll(struct t *t) { needs_reset_during_each_command(t, VGPU_IRQ_POLL); }

/* The device breaks from the interrupt side while the core waits inside a mode set. */
static void raise_reset_once(struct host_dev *d, void *ctx)
{
    bool *armed = ctx;

    if (*armed) {
        *armed = false;
        sim_raise_needs_reset(host_sim(d));
    }
}

static void needs_reset_while_a_mode_set_waits(struct t *t)
{
    struct fault_scene sc;
    struct host_fb *next = t_fb(t, W + 8, H + 8, 9);
    bool armed = true;

    fault_boot(t, VGPU_IRQ_MSIX, 2);
    fault_show(t, &sc, W, H, 2);
    host_dev_device_latency(t->d, true, 5000);
    host_dev_on_wait(t->d, raise_reset_once, &armed);
    assert_int_equal(vgpu_set_mode(t_dev(t), 0, &next->fb), VGPU_E_BROKEN);
    host_dev_on_wait(t->d, NULL, NULL);
    assert_false(armed);
    fault_recover(t, &sc);   /* the old mode: the new one never made it */
}

/* Corrupted used entries while a whole batch is in flight. */
static void used_faults_with_many_in_flight(struct t *t)
{
    static const enum sim_used_fault faults[] = { SIM_USED_WRONG_ID, SIM_USED_DUP_ID,
                                                  SIM_USED_BAD_ID, SIM_USED_BIG_LEN };
    struct vgpu_rect rects[4] = { { 0, 0, 8, 8 }, { 8, 8, 8, 8 }, { 30, 20, 9, 9 }, { 50, 40, 14, 8 } };
    struct fault_scene sc;

    fault_boot(t, VGPU_IRQ_INTX, 2);
    fault_show(t, &sc, W, H, 3);
    host_dev_device_latency(t->d, true, 2000);
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        fb_draw_rect(sc.fb[0], &rects[i], pattern((uint32_t)i, 1, 2));
        sim_fault_used(t->sim, faults[i]);
        vgpu_flush_rects_async(t_dev(t), 0, rects, 4);
        vgpu_wait_idle(t_dev(t));
        vgpu_poll(t_dev(t));
        if (faults[i] != SIM_USED_WRONG_ID && !vgpu_needs_reset(t_dev(t)))
            fail_msg("used fault %d with a batch in flight went unnoticed", (int)faults[i]);
        fault_recover(t, &sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(needs_reset_each_command_intx),
        UNIT_TEST(needs_reset_each_command_poll),
        UNIT_TEST(needs_reset_while_a_mode_set_waits),
        UNIT_TEST(used_faults_with_many_in_flight),
    };

    return RUN_UNIT_TESTS("fault_reset", tests);
}
