/*
 * test_fault_errors.c — an error response (ERR_*) to each command type, wherever a host's normal
 * work sends it.  An error is an answer, not a broken device: the call reports VGPU_E_DEVICE (or
 * succeeds when the command was only cleanup), nothing leaks, the device holds no resource the
 * core forgot, and the next mode set shows the right picture.  What test_faults.c already covers
 * is listed in fault_util.h.
 */
#include "fault_util.h"

#define W 96
#define H 64

static const uint32_t command_types[] = {
    VIRTIO_GPU_CMD_GET_DISPLAY_INFO,       VIRTIO_GPU_CMD_GET_EDID,
    VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,     VIRTIO_GPU_CMD_RESOURCE_UNREF,
    VIRTIO_GPU_CMD_SET_SCANOUT,            VIRTIO_GPU_CMD_RESOURCE_FLUSH,
    VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,    VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
    VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
};

static bool ok_or_device_error(int rc)
{
    return rc == VGPU_OK || rc == VGPU_E_DEVICE;
}

/* A host's round of work that sends every command type at least once. */
static void host_round(struct t *t, struct host_fb *next)
{
    struct vgpu_rect r = { 3, 4, 20, 10 }, rects[2] = { { 0, 0, 8, 8 }, { 40, 30, 9, 9 } };
    int rc[6];

    rc[0] = vgpu_query_displays(t_dev(t));
    rc[1] = vgpu_set_mode(t_dev(t), 0, &next->fb);
    rc[2] = vgpu_flush_rect(t_dev(t), 0, &r);
    rc[3] = vgpu_flush_rects_async(t_dev(t), 0, rects, 2);
    rc[4] = vgpu_wait_idle(t_dev(t));
    rc[5] = vgpu_disable_scanout(t_dev(t), 1);
    for (unsigned i = 0; i < 6; i++)
        if (!ok_or_device_error(rc[i]))
            fail_msg("step %u of the round gave %s", i, vgpu_status_name(rc[i]));
}

/* Scanout 0 shows `fb` after a fresh mode set; scanout 1 can be set again. */
static void expect_healthy(struct t *t, struct host_fb *fb0, struct host_fb *fb1)
{
    struct vgpu_rect all = { 0, 0, fb0->fb.width, fb0->fb.height };

    assert_false(vgpu_needs_reset(t_dev(t)));
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb0->fb));
    assert_vgpu_ok(vgpu_flush_rect(t_dev(t), 0, &all));
    expect_scanout_equals_fb(t, 0, fb0);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 1, &fb1->fb));
    expect_scanout_equals_fb(t, 1, fb1);
}

static void error_response_to_each_command_type(struct t *t)
{
    struct fault_scene sc;
    struct host_fb *next = t_fb_segs(t, W, H, 40, 2), *back = t_fb_segs(t, W, H, 41, 5);

    fault_boot(t, VGPU_IRQ_MSIX, 2);
    fault_show(t, &sc, W, H, 30);
    for (size_t i = 0; i < sizeof(command_types) / sizeof(command_types[0]); i++) {
        uint32_t type = command_types[i];
        uint64_t sent = sim_cmd_count(t->sim, type), errors = sim_stats(t->sim)->error_responses;
        struct vgpu_stats st;

        sim_fault_error_next(t->sim, type, VIRTIO_GPU_RESP_ERR_UNSPEC + (uint32_t)i % 6);
        host_round(t, next);
        if (sim_cmd_count(t->sim, type) == sent || sim_stats(t->sim)->error_responses != errors + 1)
            fail_msg("command 0x%x: the round never drew the injected error", type);
        vgpu_get_stats(t_dev(t), &st);
        /* A refused UNREF leaves that resource on the device until a reset, and the core keeps
         * its id out of use meanwhile: both sides count the same resources. */
        assert_int_equal(sim_stats(t->sim)->live_resources, st.live_resources);
        expect_healthy(t, back, sc.fb[1]);
    }
    sc.fb[0] = back;   /* what expect_healthy() left on scanout 0 */
    fault_recover(t, &sc);
}

/* b803d57: an error to DETACH_BACKING must not keep UNREF from going out. */
static void detach_error_still_unrefs(struct t *t)
{
    struct fault_scene sc;
    struct host_fb *next = t_fb(t, W, H, 60);
    uint64_t unrefs;

    fault_boot(t, VGPU_IRQ_INTX, 1);
    fault_show(t, &sc, W, H, 61);
    unrefs = sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_UNREF);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &next->fb));   /* the new mode is on screen */
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_UNREF), unrefs + 1);
    fault_expect_accounted(t);
    assert_int_equal(sim_stats(t->sim)->live_resources, 2);   /* new framebuffer + cursor */
}

/* Errors while the cursor resource is built: the call fails, a retry shows the cursor. */
static void cursor_upload_errors(struct t *t)
{
    static const uint32_t types[] = { VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
                                      VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
                                      VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D };
    struct sim_cursor_view c;
    uint32_t img[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE];

    for (unsigned i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
        img[i] = 0xff000000u | pattern(i % 64, i / 64, 70);
    fault_boot(t, VGPU_IRQ_POLL, 1);
    for (size_t i = 0; i < 3; i++) {
        sim_fault_error_next(t->sim, types[i], VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
        assert_int_equal(vgpu_cursor_set(t_dev(t), 0, img, 1, 1, 10, 10), VGPU_E_DEVICE);
        assert_false(vgpu_needs_reset(t_dev(t)));
        fault_expect_accounted(t);
    }
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, img, 1, 1, 10, 10));
    assert_true(sim_cursor(t->sim, 0, &c));
    assert_true(c.visible);
    assert_memory_equal(c.image, img, sizeof(img));
    assert_int_equal(sim_stats(t->sim)->live_resources, 1);
}

/* A failed re-query keeps the layout the core had; a retry reads the new one. */
static void query_errors_keep_the_last_layout(struct t *t)
{
    struct vgpu_scanout_info info;
    struct vgpu_mode pref;

    fault_boot(t, VGPU_IRQ_MSIX, 1);
    sim_display_change(t->sim, 0, 1024, 768, true);
    host_dev_pump(t->d);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(vgpu_query_displays(t_dev(t)), VGPU_E_DEVICE);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, 1280);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_GET_EDID, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, 1024);
    assert_int_equal(info.edid_len, 0);                        /* that EDID was refused */
    assert_vgpu_ok(vgpu_preferred_mode(t_dev(t), 0, &pref));
    assert_int_equal(pref.width, 1024);                        /* from display info alone */
    assert_false(vgpu_needs_reset(t_dev(t)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(error_response_to_each_command_type),
        UNIT_TEST(detach_error_still_unrefs),
        UNIT_TEST(cursor_upload_errors),
        UNIT_TEST(query_errors_keep_the_last_layout),
    };

    return RUN_UNIT_TESTS("fault_errors", tests);
}
