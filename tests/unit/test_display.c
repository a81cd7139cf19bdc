/*
 * test_display.c — what the core learns about the displays: display info, EDID, the mode list
 * and preferred mode, several scanouts, and display-change events in each interrupt mode.
 */
#include <string.h>

#include "harness.h"

struct size { uint32_t w, h; };

static const struct vgpu_mode *find_mode(const struct vgpu_mode *m, size_t n, uint32_t w, uint32_t h)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].width == w && m[i].height == h)
            return &m[i];
    return NULL;
}

static void expect_edid_for(struct t *t, unsigned scanout, uint32_t w, uint32_t h)
{
    uint8_t want[256];
    uint32_t len = 0;
    const uint8_t *edid = vgpu_scanout_edid(t_dev(t), scanout, &len);
    struct vgpu_scanout_info info;

    assert_int_equal(sim_edid_generate(want, sizeof(want), w, h, 1), 256);
    assert_non_null(edid);
    assert_true(len >= 256 && len <= VGPU_EDID_MAX);   /* base block + one CTA extension */
    assert_memory_equal(edid, want, sizeof(want));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), scanout, &info));
    assert_int_equal(info.edid_len, len);
}

static void display_info_reaches_the_core(struct t *t)
{
    struct vgpu_scanout_info info;

    t_boot(t);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_true(info.enabled);
    assert_int_equal(info.host_width, 1280);
    assert_int_equal(info.host_height, 800);
    assert_false(info.active);
    expect_edid_for(t, 0, 1280, 800);
}

/* The generator lists 1280x800 (detailed), 1280x720 (standard), 1024x768, 800x600, 640x480. */
static void mode_list_has_host_and_edid_modes(struct t *t)
{
    static const struct size edid_sizes[] = { { 1280, 800 }, { 1280, 720 }, { 1024, 768 },
                                              { 800, 600 }, { 640, 480 } };
    struct vgpu_mode modes[128], pref;
    size_t n;
    unsigned preferred = 0;

    t_boot(t);
    n = vgpu_mode_list(t_dev(t), 0, modes, 128);
    assert_in_range(n, 5, 128);
    for (size_t i = 0; i < sizeof(edid_sizes) / sizeof(edid_sizes[0]); i++) {
        const struct vgpu_mode *m = find_mode(modes, n, edid_sizes[i].w, edid_sizes[i].h);

        if (!m)
            fail_msg("EDID mode %ux%u missing", edid_sizes[i].w, edid_sizes[i].h);
        assert_true(m->flags & VGPU_MODE_EDID);
    }
    for (size_t i = 0; i < n; i++) {
        preferred += (modes[i].flags & VGPU_MODE_PREFERRED) != 0;
        assert_null(find_mode(modes + i + 1, n - i - 1, modes[i].width, modes[i].height));
        if (i)
            assert_true((uint64_t)modes[i - 1].width * modes[i - 1].height >=
                        (uint64_t)modes[i].width * modes[i].height);
    }
    assert_int_equal(preferred, 1);
    assert_vgpu_ok(vgpu_preferred_mode(t_dev(t), 0, &pref));
    assert_int_equal(pref.width, 1280);
    assert_int_equal(pref.height, 800);
    assert_true(pref.flags & VGPU_MODE_HOST);
    assert_in_range(pref.refresh_mhz, 59000, 61000);
}

static void several_scanouts(struct t *t)
{
    static const struct sim_display shown[4] = {
        { 1024, 768, true }, { 800, 600, true }, { 0, 0, false }, { 1920, 1080, true } };
    struct vgpu_scanout_info info;
    struct vgpu_mode pref;

    t->cfg.num_scanouts = 4;
    memcpy(t->cfg.display, shown, sizeof(shown));
    t_boot(t);
    assert_int_equal(vgpu_scanout_count(t_dev(t)), 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_vgpu_ok(vgpu_scanout_info(t_dev(t), i, &info));
        assert_int_equal(info.enabled, shown[i].enabled);
        assert_int_equal(info.host_width, shown[i].width);
        assert_int_equal(info.host_height, shown[i].height);
        if (shown[i].enabled) {
            expect_edid_for(t, i, shown[i].width, shown[i].height);
            assert_vgpu_ok(vgpu_preferred_mode(t_dev(t), i, &pref));
            assert_int_equal(pref.width, shown[i].width);
            assert_int_equal(pref.height, shown[i].height);
        }
    }
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_GET_EDID), 4);
}

static void no_edid_without_the_feature(struct t *t)
{
    struct vgpu_mode pref;
    uint32_t len = 123;

    t->cfg.features &= ~(1ull << VIRTIO_GPU_F_EDID);
    t_boot(t);
    assert_null(vgpu_scanout_edid(t_dev(t), 0, &len));
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_GET_EDID), 0);
    assert_vgpu_ok(vgpu_preferred_mode(t_dev(t), 0, &pref));
    assert_int_equal(pref.width, 1280);
    assert_int_equal(pref.height, 800);
    assert_true(pref.flags & VGPU_MODE_HOST);
}

static void expect_display_change(struct t *t, uint32_t w, uint32_t h)
{
    struct vgpu_scanout_info info;

    assert_true(vgpu_display_event_pending(t_dev(t)));
    assert_int_equal(host_dev_events(t->d, VGPU_OS_EVENT_DISPLAY_CHANGED), 1);
    assert_int_equal(sim_events_read(t->sim), 0);   /* acknowledged with events_clear */
    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
    assert_false(vgpu_display_event_pending(t_dev(t)));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, w);
    assert_int_equal(info.host_height, h);
    expect_edid_for(t, 0, w, h);
}

static void display_change_by_intx(struct t *t)
{
    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_INTX, 0));
    assert_false(vgpu_display_event_pending(t_dev(t)));
    sim_display_change(t->sim, 0, 1024, 768, true);
    assert_true(host_dev_pump(t->d));
    expect_display_change(t, 1024, 768);
}

static void display_change_by_msix(struct t *t)
{
    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_MSIX, 2));
    sim_display_change(t->sim, 0, 1600, 900, true);
    assert_true(host_dev_pump(t->d));
    expect_display_change(t, 1600, 900);
}

static void display_change_by_polling(struct t *t)
{
    t_boot(t);
    sim_display_change(t->sim, 0, 800, 600, true);
    assert_false(host_dev_pump(t->d));   /* no interrupt in polling mode */
    vgpu_poll(t_dev(t));
    expect_display_change(t, 800, 600);
}

/* QEMU latches an event that arrives before the driver; bring-up must pick up the new size. */
static void display_change_before_open(struct t *t)
{
    struct vgpu_scanout_info info;

    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    sim_display_change(t->sim, 0, 800, 600, true);
    assert_vgpu_ok(host_dev_open(t->d, VGPU_IRQ_POLL, 0));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_int_equal(info.host_width, 800);
    assert_int_equal(info.host_height, 600);
    assert_int_equal(sim_events_read(t->sim), 0);
}

static void display_unplugged(struct t *t)
{
    struct vgpu_scanout_info info;

    assert_vgpu_ok(t_boot_mode(t, VGPU_IRQ_INTX, 0));
    sim_display_change(t->sim, 0, 0, 0, false);
    host_dev_pump(t->d);
    assert_true(vgpu_display_event_pending(t_dev(t)));
    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_false(info.enabled);
    assert_int_equal(info.host_width, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(display_info_reaches_the_core),
        UNIT_TEST(mode_list_has_host_and_edid_modes),
        UNIT_TEST(several_scanouts),
        UNIT_TEST(no_edid_without_the_feature),
        UNIT_TEST(display_change_by_intx),
        UNIT_TEST(display_change_by_msix),
        UNIT_TEST(display_change_by_polling),
        UNIT_TEST(display_change_before_open),
        UNIT_TEST(display_unplugged),
    };

    return RUN_UNIT_TESTS("display", tests);
}
