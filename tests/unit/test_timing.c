/*
 * test_timing.c — CVT reduced-blanking timings against the VESA DMT table, whose reduced-blanking
 * entries are CVT-RB results published by VESA (pixel clock, total width and height).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/gpu/timing.h"

struct dmt_rb { uint32_t w, h; uint64_t clock_hz; uint32_t h_total, v_total, vsync; };

/* VESA DMT v1.0 rev 13, reduced-blanking 60 Hz entries. */
static const struct dmt_rb dmt[] = {
    { 1280,  800,  71000000, 1440,  823, 6 },
    { 1440,  900,  88750000, 1600,  926, 6 },
    { 1680, 1050, 119000000, 1840, 1080, 6 },
    { 1920, 1080, 138500000, 2080, 1111, 5 },
    { 1920, 1200, 154000000, 2080, 1235, 6 },
    { 2560, 1600, 268500000, 2720, 1646, 6 },
    { 3840, 2160, 533250000, 4000, 2222, 5 },
};

static void matches_vesa_reduced_blanking_table(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(dmt) / sizeof(dmt[0]); i++) {
        struct vgpu_mode m = { dmt[i].w, dmt[i].h, 60000, 0 };
        struct vgpu_timing t;
        assert_int_equal(vgpu_mode_timing(&m, &t), VGPU_OK);
        assert_int_equal(t.pixel_clock_hz, dmt[i].clock_hz);
        assert_int_equal(t.h_active + t.h_blank, dmt[i].h_total);
        assert_int_equal(t.v_active + t.v_blank, dmt[i].v_total);
        assert_int_equal(t.v_sync_width, dmt[i].vsync);
        assert_true(t.h_sync_positive);
        assert_false(t.v_sync_positive);
    }
}

static void zero_refresh_means_60hz(void **state)
{
    struct vgpu_mode m60 = { 1920, 1080, 60000, 0 }, m0 = { 1920, 1080, 0, 0 };
    struct vgpu_timing a, b;
    (void)state;
    assert_int_equal(vgpu_mode_timing(&m60, &a), VGPU_OK);
    assert_int_equal(vgpu_mode_timing(&m0, &b), VGPU_OK);
    assert_int_equal(a.pixel_clock_hz, b.pixel_clock_hz);
    assert_int_equal(a.v_blank, b.v_blank);
}

static void rejects_empty_and_absurd_modes(void **state)
{
    struct vgpu_mode zero_w = { 0, 600, 60000, 0 }, zero_h = { 800, 0, 60000, 0 };
    struct vgpu_mode huge = { 70000, 600, 60000, 0 }, fast = { 800, 600, 3000000, 0 };
    struct vgpu_timing t;
    (void)state;
    assert_int_equal(vgpu_mode_timing(&zero_w, &t), VGPU_E_INVAL);
    assert_int_equal(vgpu_mode_timing(&zero_h, &t), VGPU_E_INVAL);
    assert_int_equal(vgpu_mode_timing(&huge, &t), VGPU_E_INVAL);
    assert_int_equal(vgpu_mode_timing(&fast, &t), VGPU_E_INVAL);
    assert_int_equal(vgpu_mode_timing(NULL, &t), VGPU_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_vesa_reduced_blanking_table),
        cmocka_unit_test(zero_refresh_means_60hz),
        cmocka_unit_test(rejects_empty_and_absurd_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
