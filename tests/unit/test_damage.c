/*
 * test_damage.c — the damage engine (core/refresh/damage.h): every changed byte is found, in every tile
 * position and at the last byte of every row and of the frame; nothing unchanged is reported;
 * merged rectangles cover exactly the damaged tiles; OS-provided rectangles; idle probes.
 *
 * Expectations are computed here from the pixels the test changed (which tile holds them, which
 * pixels a set of tiles covers), never read back from the engine's own tile map.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../core/refresh/damage.h"

/* A framebuffer, its damage tracker, and an expected-coverage map (one byte per pixel). */
struct frame {
    uint32_t w, h, tw, th;
    uint32_t *fb;
    uint8_t *expect;   /* 1 = pixel lies in a tile the test damaged */
    struct vgpu_damage d;
};

/* The platform's allocator needs a device context; the damage engine never touches the device,
 * so it is created but not opened. */
static void *os_of(struct t *t)
{
    if (!t->d) {
        t->d = host_dev_new(t->h, &t->cfg);
        t->sim = host_sim(t->d);
    }
    return t->d;
}

/* A frame filled with a pattern and already in sync: scanned once and cleared. */
static void frame_open(struct t *t, struct frame *f, uint32_t w, uint32_t h, uint32_t tw,
                       uint32_t th)
{
    *f = (struct frame){ .w = w, .h = h, .tw = tw, .th = th };
    f->fb = malloc((size_t)w * h * 4);
    f->expect = calloc((size_t)w * h, 1);
    assert_non_null(f->fb);
    assert_non_null(f->expect);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            f->fb[(size_t)y * w + x] = pattern(x, y, 1);
    assert_int_equal(vgpu_damage_init(&f->d, os_of(t), w, h, tw, th), VGPU_OK);
    assert_true(vgpu_damage_scan(&f->d, f->fb) > 0);
    vgpu_damage_clear(&f->d);
    assert_int_equal(vgpu_damage_scan(&f->d, f->fb), 0);
}

static void frame_close(struct frame *f)
{
    vgpu_damage_fini(&f->d);
    free(f->fb);
    free(f->expect);
}

/* The tile holding (x, y), clipped to the frame, from the tile size alone. */
static struct vgpu_rect tile_of(const struct frame *f, uint32_t x, uint32_t y)
{
    uint32_t tx = x / f->tw * f->tw, ty = y / f->th * f->th;
    uint32_t tw = tx + f->tw > f->w ? f->w - tx : f->tw;
    uint32_t th = ty + f->th > f->h ? f->h - ty : f->th;
    return (struct vgpu_rect){ tx, ty, tw, th };
}

static void expect_rect(struct frame *f, const struct vgpu_rect *r)
{
    for (uint32_t y = r->y; y < r->y + r->height; y++)
        memset(f->expect + (size_t)y * f->w + r->x, 1, r->width);
}

/* Flip one byte of pixel (x, y) and record its tile as expected damage. */
static void poke_byte(struct frame *f, uint32_t x, uint32_t y, unsigned byte)
{
    uint8_t *p = (uint8_t *)&f->fb[(size_t)y * f->w + x];
    struct vgpu_rect t = tile_of(f, x, y);

    p[byte] ^= 0x80;
    expect_rect(f, &t);
}

/* Rectangles from the engine: inside the frame, not overlapping, covering exactly `expect`. */
static void assert_exact_cover(struct frame *f, const struct vgpu_rect *r, size_t n)
{
    uint8_t *seen = calloc((size_t)f->w * f->h, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(r[i].width > 0 && r[i].height > 0);
        assert_true(r[i].x + r[i].width <= f->w && r[i].y + r[i].height <= f->h);
        for (uint32_t y = r[i].y; y < r[i].y + r[i].height; y++)
            for (uint32_t x = r[i].x; x < r[i].x + r[i].width; x++) {
                size_t at = (size_t)y * f->w + x;
                assert_int_equal(seen[at], 0);          /* no pixel sent twice */
                assert_int_equal(f->expect[at], 1);     /* nothing undamaged sent */
                seen[at] = 1;
            }
    }
    assert_memory_equal(seen, f->expect, (size_t)f->w * f->h);   /* all damage sent */
    free(seen);
}

/* Rectangles that must include every expected pixel (after rule 3 they may include more). */
static void assert_covers(const struct frame *f, const struct vgpu_rect *r, size_t n)
{
    for (uint32_t y = 0; y < f->h; y++)
        for (uint32_t x = 0; x < f->w; x++) {
            if (!f->expect[(size_t)y * f->w + x])
                continue;
            size_t i = 0;
            while (i < n && !(x >= r[i].x && x < r[i].x + r[i].width &&
                              y >= r[i].y && y < r[i].y + r[i].height))
                i++;
            assert_true(i < n);
        }
}

/* Take the damage: check it is exactly `expect`, then forget it and check the shadow is in sync. */
static void take_exact(struct frame *f)
{
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS];
    size_t n = vgpu_damage_rects(&f->d, r, VGPU_DAMAGE_MAX_RECTS);

    assert_exact_cover(f, r, n);
    vgpu_damage_clear(&f->d);
    assert_false(vgpu_damage_pending(&f->d));
    assert_int_equal(vgpu_damage_scan(&f->d, f->fb), 0);
    memset(f->expect, 0, (size_t)f->w * f->h);
}

/* One changed byte at (x, y): exactly its tile is reported, and the shadow then has it. */
static void check_one_byte(struct frame *f, uint32_t x, uint32_t y, unsigned byte)
{
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS], t = tile_of(f, x, y);

    ((uint8_t *)&f->fb[(size_t)y * f->w + x])[byte] ^= 0x80;
    assert_int_equal(vgpu_damage_scan(&f->d, f->fb), 1);
    assert_int_equal(vgpu_damage_rects(&f->d, r, VGPU_DAMAGE_MAX_RECTS), 1);
    assert_memory_equal(&r[0], &t, sizeof(t));
    vgpu_damage_clear(&f->d);
    assert_int_equal(vgpu_damage_scan(&f->d, f->fb), 0);
}

static void test_every_pixel_small_odd_frame(struct t *t)
{
    struct frame f;
    frame_open(t, &f, 131, 77, 16, 16);     /* odd width: half the rows are only 4-byte aligned */
    for (uint32_t y = 0; y < f.h; y++)
        for (uint32_t x = 0; x < f.w; x++)
            check_one_byte(&f, x, y, (x + y) % 4);
    frame_close(&f);
}

static void test_every_tile_corner_1366_wide(struct t *t)
{
    struct frame f;
    frame_open(t, &f, 1366, 200, VGPU_DAMAGE_TILE_W, VGPU_DAMAGE_TILE_H);   /* partial last tiles */
    for (uint32_t ty = 0; ty < f.h; ty += f.th)
        for (uint32_t tx = 0; tx < f.w; tx += f.tw) {
            struct vgpu_rect t = tile_of(&f, tx, ty);
            uint32_t x1 = t.x + t.width - 1, y1 = t.y + t.height - 1;
            check_one_byte(&f, t.x, t.y, 0);
            check_one_byte(&f, x1, t.y, 3);
            check_one_byte(&f, t.x, y1, 1);
            check_one_byte(&f, x1, y1, 2);
        }
    frame_close(&f);
}

static void test_last_byte_of_every_row_and_frame(struct t *t)
{
    static const uint32_t widths[] = { 1366, 1365, 1920, 7 };
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        struct frame f;
        frame_open(t, &f, widths[i], 133, VGPU_DAMAGE_TILE_W, VGPU_DAMAGE_TILE_H);
        for (uint32_t y = 0; y < f.h; y++)
            check_one_byte(&f, f.w - 1, y, 3);
        /* The very last byte of the frame, found by address rather than by coordinates. */
        uint8_t *last = (uint8_t *)f.fb + (size_t)f.w * f.h * 4 - 1;
        struct vgpu_rect t = tile_of(&f, f.w - 1, f.h - 1);
        *last ^= 1;
        expect_rect(&f, &t);
        assert_int_equal(vgpu_damage_scan(&f.d, f.fb), 1);
        take_exact(&f);
        frame_close(&f);
    }
}

static void test_unchanged_frame_reports_nothing(struct t *t)
{
    struct frame f;
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS];
    frame_open(t, &f, 640, 480, VGPU_DAMAGE_TILE_W, VGPU_DAMAGE_TILE_H);
    for (int i = 0; i < 3; i++)
        assert_int_equal(vgpu_damage_scan(&f.d, f.fb), 0);
    assert_false(vgpu_damage_pending(&f.d));
    assert_int_equal(vgpu_damage_rects(&f.d, r, VGPU_DAMAGE_MAX_RECTS), 0);
    frame_close(&f);
}

/* Fill a block of tiles (in tile units) with new values and expect exactly those tiles. */
static void damage_tiles(struct frame *f, uint32_t c0, uint32_t r0, uint32_t cols, uint32_t rows)
{
    for (uint32_t y = r0 * f->th; y < (r0 + rows) * f->th && y < f->h; y++)
        for (uint32_t x = c0 * f->tw; x < (c0 + cols) * f->tw && x < f->w; x++)
            poke_byte(f, x, y, 0);
}

static size_t take_rects(struct frame *f, struct vgpu_rect *r, size_t max)
{
    vgpu_damage_scan(&f->d, f->fb);
    return vgpu_damage_rects(&f->d, r, max);
}

static void test_merge_block_and_l_shape(struct t *t)
{
    struct frame f;
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS];
    frame_open(t, &f, 1000, 700, 64, 64);
    damage_tiles(&f, 2, 3, 3, 2);                  /* a 3x2 block: one rectangle */
    assert_int_equal(take_rects(&f, r, VGPU_DAMAGE_MAX_RECTS), 1);
    assert_int_equal(r[0].x, 128);
    assert_int_equal(r[0].y, 192);
    assert_int_equal(r[0].width, 192);
    assert_int_equal(r[0].height, 128);
    take_exact(&f);

    damage_tiles(&f, 0, 0, 2, 1);                  /* an L: two rows of different widths */
    damage_tiles(&f, 0, 1, 1, 2);
    assert_int_equal(take_rects(&f, r, VGPU_DAMAGE_MAX_RECTS), 2);
    take_exact(&f);

    damage_tiles(&f, 15, 10, 1, 1);               /* the clipped corner tile: 1000-960 x 700-640 */
    assert_int_equal(take_rects(&f, r, VGPU_DAMAGE_MAX_RECTS), 1);
    assert_int_equal(r[0].x, 960);
    assert_int_equal(r[0].y, 640);
    assert_int_equal(r[0].width, 40);
    assert_int_equal(r[0].height, 60);
    take_exact(&f);
    frame_close(&f);
}

static void test_merge_up_to_max_is_exact(struct t *t)
{
    struct frame f;
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS];
    frame_open(t, &f, 1920, 1080, 64, 64);
    for (uint32_t i = 0; i < VGPU_DAMAGE_MAX_RECTS; i++)   /* separate spots, two tiles apart */
        damage_tiles(&f, 3 * i, 2 * i, 1 + i % 2, 1 + i % 3);
    assert_int_equal(take_rects(&f, r, VGPU_DAMAGE_MAX_RECTS), VGPU_DAMAGE_MAX_RECTS);
    take_exact(&f);
    frame_close(&f);
}

static void test_merge_over_max_joins_closest_pair(struct t *t)
{
    struct frame f;
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS];
    frame_open(t, &f, 1920, 1080, 64, 64);
    /* MAX-1 lone tiles 5 tiles apart (joining two of them adds >= 4 clean tiles) ... */
    for (uint32_t i = 0; i + 1 < VGPU_DAMAGE_MAX_RECTS; i++)
        damage_tiles(&f, 5 * (i % 4), 5 * (i / 4), 1, 1);
    /* ... and two diagonal neighbours (joining them adds 2): one too many, the pair is joined. */
    damage_tiles(&f, 26, 14, 1, 1);
    damage_tiles(&f, 27, 15, 1, 1);
    size_t n = take_rects(&f, r, VGPU_DAMAGE_MAX_RECTS);
    assert_int_equal(n, VGPU_DAMAGE_MAX_RECTS);
    assert_covers(&f, r, n);
    uint64_t area = 0;
    bool joined = false;
    for (size_t i = 0; i < n; i++) {
        area += (uint64_t)r[i].width * r[i].height;
        joined |= r[i].x == 26 * 64 && r[i].y == 14 * 64 && r[i].width == 128 && r[i].height == 128;
    }
    assert_true(joined);
    assert_int_equal(area, (VGPU_DAMAGE_MAX_RECTS + 1 + 2) * 64 * 64);
    frame_close(&f);
}

/* Random damage, random limits: always inside the frame, within the limit, covering everything. */
static void test_merge_random_cover_and_limit(struct t *t)
{
    uint32_t seed = 12345;
    for (int round = 0; round < 40; round++) {
        struct frame f;
        struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS];
        frame_open(t, &f, 301 + round, 203, 16, 16);
        for (int k = 0; k < 1 + round % 12; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t x = (seed >> 8) % f.w, y = (seed >> 20) % f.h;
            poke_byte(&f, x, y, seed % 4);
        }
        size_t max = 1 + round % VGPU_DAMAGE_MAX_RECTS;
        size_t n = take_rects(&f, r, max);
        assert_true(n >= 1 && n <= max);
        for (size_t i = 0; i < n; i++)
            assert_true(r[i].x + r[i].width <= f.w && r[i].y + r[i].height <= f.h);
        assert_covers(&f, r, n);
        frame_close(&f);
    }
}

static void test_os_rect_marks_tiles_without_scan(struct t *t)
{
    struct frame f;
    frame_open(t, &f, 1366, 768, 64, 64);
    /* The OS drew a 64x64 cursor at an unaligned spot and says so. */
    for (uint32_t y = 100; y < 164; y++)
        for (uint32_t x = 1000; x < 1064; x++)
            f.fb[(size_t)y * f.w + x] ^= 0xffffff;
    struct vgpu_rect cursor = { 1000, 100, 64, 64 };
    struct vgpu_rect tiles = { 960, 64, 128, 128 };   /* the four tiles it touches */
    vgpu_damage_add_rect(&f.d, f.fb, &cursor);
    expect_rect(&f, &tiles);
    assert_int_equal(f.d.dirty_tiles, 4);
    take_exact(&f);             /* includes: the next scan finds nothing, the shadow has it */

    struct vgpu_rect edge = { 1300, 700, 500, 500 };  /* runs off the frame: clipped */
    struct vgpu_rect edge_tiles = { 1280, 640, 86, 128 };
    vgpu_damage_add_rect(&f.d, f.fb, &edge);
    expect_rect(&f, &edge_tiles);
    take_exact(&f);

    struct vgpu_rect outside = { 1366, 0, 10, 10 }, empty = { 10, 10, 0, 5 };
    vgpu_damage_add_rect(&f.d, f.fb, &outside);
    vgpu_damage_add_rect(&f.d, f.fb, &empty);
    assert_false(vgpu_damage_pending(&f.d));
    frame_close(&f);
}

static void test_marks_accumulate_and_dirty_tiles_stay_in_sync(struct t *t)
{
    struct frame f;
    frame_open(t, &f, 800, 600, 64, 64);
    poke_byte(&f, 700, 500, 1);
    assert_int_equal(vgpu_damage_scan(&f.d, f.fb), 1);
    poke_byte(&f, 701, 501, 2);                    /* the same tile again: not new ... */
    poke_byte(&f, 400, 300, 3);
    assert_int_equal(vgpu_damage_scan(&f.d, f.fb), 1);
    poke_byte(&f, 702, 502, 0);                    /* ... but its newest pixels reach the shadow */
    assert_int_equal(vgpu_damage_scan(&f.d, f.fb), 0);
    take_exact(&f);                                /* union of all three scans, then in sync */
    frame_close(&f);
}

static void test_probe_sees_only_its_rows(struct t *t)
{
    struct frame f;
    frame_open(t, &f, 333, 100, 64, 64);
    poke_byte(&f, 332, 42, 3);                     /* row 42: phase 2 of stride 8 */
    for (uint32_t phase = 0; phase < 8; phase++)
        assert_int_equal(vgpu_damage_probe(&f.d, f.fb, 8, phase), phase == 2);
    assert_true(vgpu_damage_probe(&f.d, f.fb, 1, 0));
    assert_false(vgpu_damage_pending(&f.d));       /* a probe marks nothing ... */
    assert_int_equal(vgpu_damage_scan(&f.d, f.fb), 1);   /* ... and copies nothing */
    take_exact(&f);
    frame_close(&f);
}

static void test_band_and_oversized_tiles(struct t *t)
{
    struct frame f;
    frame_open(t, &f, 250, 90, 100000, 16);          /* full-row bands */
    check_one_byte(&f, 249, 89, 3);
    check_one_byte(&f, 0, 17, 0);
    frame_close(&f);
    frame_open(t, &f, 5, 3, 64, 64);                 /* one tile bigger than the frame */
    check_one_byte(&f, 4, 2, 3);
    frame_close(&f);
}

static void test_init_rejects_bad_sizes(struct t *t)
{
    struct vgpu_damage d;
    assert_int_equal(vgpu_damage_init(&d, os_of(t), 0, 10, 64, 64), VGPU_E_INVAL);
    assert_int_equal(vgpu_damage_init(&d, os_of(t), 10, 0, 64, 64), VGPU_E_INVAL);
    assert_int_equal(vgpu_damage_init(&d, os_of(t), 10, 10, 0, 64), VGPU_E_INVAL);
    assert_int_equal(vgpu_damage_init(&d, os_of(t), 10, 10, 64, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_damage_init(&d, os_of(t), 40000, 10, 64, 64), VGPU_E_INVAL);
    assert_null(d.shadow);
    vgpu_damage_fini(&d);                          /* harmless after a failed init */
}

static void test_init_out_of_memory_leaves_nothing(struct t *t)
{
    struct vgpu_damage d;
    void *os = os_of(t);

    host_fail_nth_alloc(t->h, 1);                  /* the shadow */
    assert_int_equal(vgpu_damage_init(&d, os, 640, 480, 64, 64), VGPU_E_NOMEM);
    host_fail_nth_alloc(t->h, 2);                  /* the tile map, after the shadow */
    assert_int_equal(vgpu_damage_init(&d, os, 640, 480, 64, 64), VGPU_E_NOMEM);
    assert_null(d.shadow);
    assert_null(d.dirty);                          /* the fixture reports any leaked block */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_every_pixel_small_odd_frame),
        UNIT_TEST(test_every_tile_corner_1366_wide),
        UNIT_TEST(test_last_byte_of_every_row_and_frame),
        UNIT_TEST(test_unchanged_frame_reports_nothing),
        UNIT_TEST(test_merge_block_and_l_shape),
        UNIT_TEST(test_merge_up_to_max_is_exact),
        UNIT_TEST(test_merge_over_max_joins_closest_pair),
        UNIT_TEST(test_merge_random_cover_and_limit),
        UNIT_TEST(test_os_rect_marks_tiles_without_scan),
        UNIT_TEST(test_marks_accumulate_and_dirty_tiles_stay_in_sync),
        UNIT_TEST(test_probe_sees_only_its_rows),
        UNIT_TEST(test_band_and_oversized_tiles),
        UNIT_TEST(test_init_rejects_bad_sizes),
        UNIT_TEST(test_init_out_of_memory_leaves_nothing),
    };
    return RUN_UNIT_TESTS("damage", tests);
}
