/*
 * test_modes.c — core/gpu/modes.c: merging host size, EDID modes and the common-size table, the
 * limits, the one preferred mode, the refresh rule and the order.  EDID input is built here as
 * struct vgpu_edid_info, so these tests do not depend on the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/gpu/modes.h"

#define NSTANDARD 17
#define CAP 128
#define H VGPU_MODE_HOST
#define E VGPU_MODE_EDID
#define S VGPU_MODE_STANDARD
#define P VGPU_MODE_PREFERRED

/* The common sizes, largest pixel count first, worked out by hand (1600x1200 = 1.92 Mpx comes
 * before 1680x1050 = 1.76 Mpx; 1280x1024 = 1.31 Mpx before 1440x900 = 1.30 Mpx). */
static const uint32_t standard_sorted[NSTANDARD][2] = {
    { 3840, 2160 }, { 2880, 1800 }, { 2560, 1600 }, { 2560, 1440 }, { 1920, 1200 },
    { 1920, 1080 }, { 1600, 1200 }, { 1680, 1050 }, { 1600, 900 }, { 1280, 1024 },
    { 1440, 900 },  { 1366, 768 },  { 1280, 800 },  { 1280, 720 },  { 1024, 768 },
    { 800, 600 },   { 640, 480 },
};

static size_t build(uint32_t hw, uint32_t hh, const struct vgpu_edid_info *edid, uint32_t mw,
                    uint32_t mh, struct vgpu_mode *out)
{
    memset(out, 0xCC, CAP * sizeof(*out));
    return vgpu_modes_build(hw, hh, edid, mw, mh, out, CAP);
}

static const struct vgpu_mode *find(const struct vgpu_mode *m, size_t n, uint32_t w, uint32_t h)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].width == w && m[i].height == h)
            return &m[i];
    return NULL;
}

static void expect(const struct vgpu_mode *m, size_t n, uint32_t w, uint32_t h, uint32_t mhz,
                   uint32_t flags)
{
    const struct vgpu_mode *f = find(m, n, w, h);
    if (!f)
        fail_msg("%ux%u missing", (unsigned)w, (unsigned)h);
    assert_int_equal(f->refresh_mhz, mhz);
    assert_int_equal(f->flags, flags);
}

/* Invariants of every list: one preferred, unique sizes, strictly largest first. */
static void check_invariants(const struct vgpu_mode *m, size_t n)
{
    size_t preferred = 0;
    for (size_t i = 0; i < n; i++) {
        preferred += (m[i].flags & P) != 0;
        if (i == 0)
            continue;
        uint64_t a = (uint64_t)m[i - 1].width * m[i - 1].height;
        uint64_t b = (uint64_t)m[i].width * m[i].height;
        assert_true(a > b || (a == b && m[i - 1].width > m[i].width));
    }
    assert_int_equal(preferred, n ? 1 : 0);
}

static void edid_add(struct vgpu_edid_info *e, uint32_t w, uint32_t h, uint32_t mhz, bool pref)
{
    e->valid = true;
    e->modes[e->nmodes++] = (struct vgpu_edid_mode){ w, h, mhz, pref };
}

/* ---- without EDID ---- */

static void standard_table_alone_largest_first(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(0, 0, NULL, 0, 0, m);
    (void)state;
    assert_int_equal(n, NSTANDARD);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m[i].width, standard_sorted[i][0]);
        assert_int_equal(m[i].height, standard_sorted[i][1]);
        assert_int_equal(m[i].refresh_mhz, 0);
        bool fallback = m[i].width == 1024 && m[i].height == 768;
        assert_int_equal(m[i].flags, S | (fallback ? P : 0));
    }
    check_invariants(m, n);
}

static void host_size_is_added_and_preferred(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(1234, 567, NULL, 0, 0, m);
    (void)state;
    assert_int_equal(n, NSTANDARD + 1);
    expect(m, n, 1234, 567, 0, H | P);
    expect(m, n, 1024, 768, 0, S);
    check_invariants(m, n);
    /* 1234*567 = 699678 px: after 1024x768 (786432), before 800x600 */
    assert_int_equal(m[15].width, 1234);
}

static void host_size_merges_with_common_size(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(1920, 1080, NULL, 0, 0, m);
    (void)state;
    assert_int_equal(n, NSTANDARD);
    expect(m, n, 1920, 1080, 0, H | S | P);
    check_invariants(m, n);
}

static void zero_or_absurd_host_sizes_are_ignored(void **state)
{
    static const uint32_t bad[][2] = {
        { 0, 0 }, { 0, 600 }, { 800, 0 }, { 16385, 768 }, { 1024, 16385 }, { UINT32_MAX, UINT32_MAX },
    };
    struct vgpu_mode m[CAP];
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = build(bad[i][0], bad[i][1], NULL, 0, 0, m);
        assert_int_equal(n, NSTANDARD);
        expect(m, n, 1024, 768, 0, S | P);
        check_invariants(m, n);
    }
}

static void largest_host_size_is_accepted(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(16384, 16384, NULL, 0, 0, m);
    (void)state;
    assert_int_equal(n, NSTANDARD + 1);
    assert_int_equal(m[0].width, 16384);
    assert_int_equal(m[0].flags, H | P);
}

/* ---- limits ---- */

static void limits_drop_larger_modes(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(2560, 1600, NULL, 1920, 1200, m);
    (void)state;
    /* within 1920x1200: the table less 3840x2160, 2880x1800, 2560x1600, 2560x1440 */
    assert_int_equal(n, NSTANDARD - 4);
    assert_int_equal(m[0].width, 1920);
    assert_int_equal(m[0].height, 1200);
    assert_null(find(m, n, 2560, 1600));
    expect(m, n, 1024, 768, 0, S | P);   /* the host size does not fit: fall back */
    check_invariants(m, n);
    n = build(0, 0, NULL, 1680, 0, m);   /* width limit only: 1600x1200 stays, 1920x* go */
    assert_int_equal(n, 11);
    assert_non_null(find(m, n, 1600, 1200));
    assert_null(find(m, n, 1920, 1080));
}

static void below_fallback_size_prefers_largest(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(0, 0, NULL, 800, 600, m);
    (void)state;
    assert_int_equal(n, 2);
    assert_int_equal(m[0].width, 800);
    assert_int_equal(m[0].flags, S | P);
    assert_int_equal(m[1].flags, S);
}

static void nothing_fits_gives_empty_list(void **state)
{
    struct vgpu_mode m[CAP];
    size_t n = build(0, 0, NULL, 320, 200, m);
    (void)state;
    assert_int_equal(n, 0);
    assert_int_equal(m[0].width, 0xCCCCCCCCu);   /* untouched */
}

static void returns_total_but_fills_only_max(void **state)
{
    struct vgpu_mode m[CAP];
    (void)state;
    memset(m, 0xCC, sizeof(m));
    assert_int_equal(vgpu_modes_build(0, 0, NULL, 0, 0, m, 5), NSTANDARD);
    assert_int_equal(m[0].width, 3840);
    assert_int_equal(m[4].width, 1920);
    assert_int_equal(m[5].width, 0xCCCCCCCCu);
    assert_int_equal(vgpu_modes_build(0, 0, NULL, 0, 0, NULL, 0), NSTANDARD);
}

/* ---- with EDID ---- */

static void edid_preferred_wins_and_keeps_its_refresh(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    edid_add(&e, 1280, 800, 74993, true);
    edid_add(&e, 1280, 800, 60000, false);
    edid_add(&e, 2048, 1152, 60000, false);
    edid_add(&e, 640, 480, 75000, false);
    edid_add(&e, 640, 480, 59940, false);
    n = build(1920, 1080, &e, 0, 0, m);
    assert_int_equal(n, NSTANDARD + 1);
    expect(m, n, 1280, 800, 74993, E | S | P);   /* preferred timing beats the nearer 60 Hz */
    expect(m, n, 2048, 1152, 60000, E);
    expect(m, n, 640, 480, 59940, E | S);
    expect(m, n, 1920, 1080, 0, H | S);
    check_invariants(m, n);
}

static void refresh_nearest_60hz_wins(void **state)
{
    static const struct { uint32_t a, b, want; } cases[] = {
        { 75000, 59940, 59940 }, { 59940, 75000, 59940 }, { 50000, 75000, 50000 },
        { 59000, 61000, 61000 }, { 61000, 59000, 61000 }, { 0, 85000, 85000 }, { 85000, 0, 85000 },
    };
    struct vgpu_mode m[CAP];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vgpu_edid_info e = { 0 };
        edid_add(&e, 1000, 700, cases[i].a, false);
        edid_add(&e, 1000, 700, cases[i].b, false);
        size_t n = build(0, 0, &e, 0, 0, m);
        expect(m, n, 1000, 700, cases[i].want, E);
    }
}

static void host_preferred_when_edid_has_no_preferred_mode(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    /* QEMU 7.2 at 3840x2160: the base block has standard/established timings only */
    edid_add(&e, 2048, 1152, 60000, false);
    edid_add(&e, 1920, 1080, 60000, false);
    n = build(3840, 2160, &e, 0, 0, m);
    expect(m, n, 3840, 2160, 0, H | S | P);
    expect(m, n, 1920, 1080, 60000, E | S);
    check_invariants(m, n);
}

static void edid_preferred_too_large_falls_back_to_host(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    edid_add(&e, 2560, 1440, 59951, true);
    n = build(1600, 900, &e, 1920, 1200, m);
    assert_null(find(m, n, 2560, 1440));
    expect(m, n, 1600, 900, 0, H | S | P);
    check_invariants(m, n);
}

static void invalid_edid_is_ignored(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    edid_add(&e, 1000, 700, 60000, true);
    e.valid = false;
    n = build(1280, 800, &e, 0, 0, m);
    assert_int_equal(n, NSTANDARD);
    assert_null(find(m, n, 1000, 700));
    expect(m, n, 1280, 800, 0, H | S | P);
}

/* The list must hold every candidate: 48 distinct EDID sizes + host + the table. */
static void full_edid_list_fits(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    for (uint32_t i = 0; i < VGPU_EDID_MAX_MODES; i++)
        edid_add(&e, 4000 + i, 100 + i, 60000, i == 0);
    n = build(333, 222, &e, 0, 0, m);
    assert_int_equal(n, VGPU_EDID_MAX_MODES + 1 + NSTANDARD);
    assert_int_equal(n, VGPU_MODES_MAX);
    expect(m, n, 4000, 100, 60000, E | P);
    expect(m, n, 333, 222, 0, H);
    check_invariants(m, n);
}

/* A corrupt nmodes must not read past modes[]: ASan watches. */
static void oversized_nmodes_is_clamped(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    edid_add(&e, 1000, 700, 60000, false);
    e.nmodes = UINT32_MAX;
    n = build(0, 0, &e, 0, 0, m);
    expect(m, n, 1000, 700, 60000, E);
    check_invariants(m, n);
}

static void equal_pixel_counts_sort_by_width(void **state)
{
    struct vgpu_edid_info e = { 0 };
    struct vgpu_mode m[CAP];
    size_t n;
    (void)state;
    edid_add(&e, 1200, 1200, 60000, false);   /* 1.44 Mpx, same as 1600x900 */
    edid_add(&e, 2400, 960, 60000, false);    /* 2.304 Mpx, same as 1920x1200 */
    n = build(0, 0, &e, 0, 0, m);
    const struct vgpu_mode *a = find(m, n, 1600, 900), *b = find(m, n, 1200, 1200);
    const struct vgpu_mode *c = find(m, n, 2400, 960), *d = find(m, n, 1920, 1200);
    assert_true(a && b && c && d);
    assert_true(b == a + 1);
    assert_true(d == c + 1);
    check_invariants(m, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standard_table_alone_largest_first),
        cmocka_unit_test(host_size_is_added_and_preferred),
        cmocka_unit_test(host_size_merges_with_common_size),
        cmocka_unit_test(zero_or_absurd_host_sizes_are_ignored),
        cmocka_unit_test(largest_host_size_is_accepted),
        cmocka_unit_test(limits_drop_larger_modes),
        cmocka_unit_test(below_fallback_size_prefers_largest),
        cmocka_unit_test(nothing_fits_gives_empty_list),
        cmocka_unit_test(returns_total_but_fills_only_max),
        cmocka_unit_test(edid_preferred_wins_and_keeps_its_refresh),
        cmocka_unit_test(refresh_nearest_60hz_wins),
        cmocka_unit_test(host_preferred_when_edid_has_no_preferred_mode),
        cmocka_unit_test(edid_preferred_too_large_falls_back_to_host),
        cmocka_unit_test(invalid_edid_is_ignored),
        cmocka_unit_test(full_edid_list_fits),
        cmocka_unit_test(oversized_nmodes_is_clamped),
        cmocka_unit_test(equal_pixel_counts_sort_by_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
