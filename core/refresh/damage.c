/*
 * damage.c — tile damage against an exact shadow copy (see damage.h for the contract).
 *
 * Speed: a scan walks both buffers strictly in address order, one whole line at a time, so the
 * hardware prefetchers stream them; an equal line (the common case) costs one compare loop and
 * nothing else.  Only a line that differs is looked at tile by tile, while it is still in L1.
 * The loops use 64-bit words with four independent accumulators and no early exit: plain C, no
 * intrinsics, that a compiler may vectorize where vector registers are allowed and that runs two
 * loads per cycle where they are not (the kext's -mkernel forbids implicit SSE); both builds scan
 * at memcmp speed (bench/README.md), the limit being memory bandwidth, not instructions.
 */
#include "refresh/damage.h"

#include "base/util.h"
#include "vgpu_os.h"

#define MAX_SIDE 32768u   /* larger than any virtio-gpu scanout; keeps x + width within 32 bits */
/* Software prefetch distance.  Scalar 8-byte loads keep too few cache misses in flight to stream
 * from DRAM at full speed (measured: a 3840x2160 compare took 1.1-1.4x memcmp without, 1.00x with);
 * 4 KiB ahead is where the gain levelled off (bench/README.md). */
#define PREFETCH_AHEAD 4096u

/* Two pixels.  A row starts at y*width*4 bytes, so with an odd width every other row is only
 * 4-byte aligned: the type says so, and may alias the uint32_t pixels it is read from. */
typedef uint64_t pixel_pair __attribute__((aligned(4), may_alias));

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Prefetches never fault, so asking past the end of a buffer is harmless; addresses are formed
 * as integers for the same reason. */
static inline void prefetch_at(const void *p, size_t offset)
{
    __builtin_prefetch((const void *)((uintptr_t)p + offset));
}

/* Compare n pixels.  `stream`: the caller reads on from here, so fetch PREFETCH_AHEAD bytes ahead;
 * otherwise the caller prefetched what it needs (see vgpu_damage_probe). */
__attribute__((always_inline))
static inline bool pixels_equal_ex(const uint32_t *a, const uint32_t *b, uint32_t n, bool stream)
{
    const pixel_pair *pa = (const pixel_pair *)a, *pb = (const pixel_pair *)b;
    uint32_t pairs = n / 2, i = 0;
    uint64_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;

    for (; i + 8 <= pairs; i += 8) {   /* one 64-byte cache line of each buffer */
        if (stream) {
            prefetch_at(pa + i, PREFETCH_AHEAD);
            prefetch_at(pb + i, PREFETCH_AHEAD);
        }
        d0 |= (pa[i] ^ pb[i]) | (pa[i + 4] ^ pb[i + 4]);
        d1 |= (pa[i + 1] ^ pb[i + 1]) | (pa[i + 5] ^ pb[i + 5]);
        d2 |= (pa[i + 2] ^ pb[i + 2]) | (pa[i + 6] ^ pb[i + 6]);
        d3 |= (pa[i + 3] ^ pb[i + 3]) | (pa[i + 7] ^ pb[i + 7]);
    }
    for (; i < pairs; i++)
        d0 |= pa[i] ^ pb[i];
    if (n & 1)
        d0 |= a[n - 1] ^ b[n - 1];
    return (d0 | d1 | d2 | d3) == 0;
}

static bool pixels_equal(const uint32_t *a, const uint32_t *b, uint32_t n)
{
    return pixels_equal_ex(a, b, n, true);
}

static void pixels_copy(uint32_t *dst, const uint32_t *src, uint32_t n)
{
    pixel_pair *pd = (pixel_pair *)dst;
    const pixel_pair *ps = (const pixel_pair *)src;
    uint32_t pairs = n / 2;

    for (uint32_t i = 0; i < pairs; i++)
        pd[i] = ps[i];
    if (n & 1)
        dst[n - 1] = src[n - 1];
}

static uint32_t div_up(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a + b - 1) / b);
}

int vgpu_damage_init(struct vgpu_damage *d, void *os, uint32_t width, uint32_t height,
                     uint32_t tile_w, uint32_t tile_h)
{
    *d = (struct vgpu_damage){ .os = os };
    if (width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE ||
        tile_w == 0 || tile_h == 0)
        return VGPU_E_INVAL;
    d->width = width;
    d->height = height;
    d->tile_w = min_u32(tile_w, width);
    d->tile_h = min_u32(tile_h, height);
    d->cols = div_up(width, d->tile_w);
    d->rows = div_up(height, d->tile_h);
    d->shadow = vgpu_os_zalloc(os, (size_t)width * height * sizeof(uint32_t));
    d->dirty = vgpu_os_zalloc(os, (size_t)d->cols * d->rows);
    if (d->shadow == NULL || d->dirty == NULL) {
        vgpu_damage_fini(d);
        return VGPU_E_NOMEM;
    }
    return VGPU_OK;
}

void vgpu_damage_fini(struct vgpu_damage *d)
{
    if (d->shadow != NULL)
        vgpu_os_free(d->os, d->shadow, (size_t)d->width * d->height * sizeof(uint32_t));
    if (d->dirty != NULL)
        vgpu_os_free(d->os, d->dirty, (size_t)d->cols * d->rows);
    *d = (struct vgpu_damage){ .os = d->os };
}

/* One line that differs somewhere: tile by tile, copy what differs (or is dirty already). */
static uint32_t scan_changed_line(const struct vgpu_damage *d, const uint32_t *line,
                                  uint32_t *shadow, uint8_t *marks)
{
    uint32_t found = 0;

    for (uint32_t c = 0, x = 0; c < d->cols; c++, x += d->tile_w) {
        uint32_t n = min_u32(d->tile_w, d->width - x);
        if (!marks[c]) {
            if (pixels_equal(line + x, shadow + x, n))
                continue;
            marks[c] = 1;
            found++;
        }
        pixels_copy(shadow + x, line + x, n);
    }
    return found;
}

uint32_t vgpu_damage_scan(struct vgpu_damage *d, const uint32_t *fb)
{
    uint32_t found = 0;

    for (uint32_t y = 0; y < d->height; y++) {
        size_t at = (size_t)y * d->width;
        if (pixels_equal(fb + at, d->shadow + at, d->width))
            continue;
        found += scan_changed_line(d, fb + at, d->shadow + at,
                                   d->dirty + (size_t)(y / d->tile_h) * d->cols);
    }
    d->dirty_tiles += found;
    return found;
}

/* A probe reads rows far apart: streaming prefetch would fetch the rows it skips, while the start
 * of each row it does read waits for memory.  So it prefetches the head of the next row it will
 * read and lets the hardware stream the rest (measured from cold memory: 7-9% faster). */
static void prefetch_row_head(const uint32_t *row, uint32_t width)
{
    size_t bytes = VGPU_MIN((size_t)width * sizeof(uint32_t), (size_t)PREFETCH_AHEAD);

    for (size_t off = 0; off < bytes; off += 64)
        prefetch_at(row, off);
}

bool vgpu_damage_probe(const struct vgpu_damage *d, const uint32_t *fb, uint32_t stride,
                       uint32_t phase)
{
    if (stride == 0)
        stride = 1;
    for (uint32_t y = phase % stride; y < d->height; y += stride) {
        size_t at = (size_t)y * d->width, next = at + (size_t)stride * d->width;
        if (y + stride < d->height) {
            prefetch_row_head(fb + next, d->width);
            prefetch_row_head(d->shadow + next, d->width);
        }
        if (!pixels_equal_ex(fb + at, d->shadow + at, d->width, false))
            return true;
    }
    return false;
}

/* Mark tiles [c0, c1) of tile row `row`, counting the ones that were clean. */
static void mark_tiles(struct vgpu_damage *d, uint32_t row, uint32_t c0, uint32_t c1)
{
    uint8_t *marks = d->dirty + (size_t)row * d->cols;

    for (uint32_t c = c0; c < c1; c++) {
        d->dirty_tiles += marks[c] == 0;
        marks[c] = 1;
    }
}

void vgpu_damage_add_rect(struct vgpu_damage *d, const uint32_t *fb, const struct vgpu_rect *rect)
{
    if (rect->x >= d->width || rect->y >= d->height || rect->width == 0 || rect->height == 0)
        return;
    uint32_t x1 = rect->x + min_u32(rect->width, d->width - rect->x);
    uint32_t y1 = rect->y + min_u32(rect->height, d->height - rect->y);
    uint32_t c0 = rect->x / d->tile_w, c1 = div_up(x1, d->tile_w);
    uint32_t r0 = rect->y / d->tile_h, r1 = div_up(y1, d->tile_h);
    /* Whole tiles go into the shadow: whole tiles are what will be sent. */
    uint32_t tx = c0 * d->tile_w, tw = min_u32(c1 * d->tile_w, d->width) - tx;
    uint32_t ty1 = min_u32(r1 * d->tile_h, d->height);

    for (uint32_t y = r0 * d->tile_h; y < ty1; y++) {
        size_t at = (size_t)y * d->width + tx;
        pixels_copy(d->shadow + at, fb + at, tw);
    }
    for (uint32_t row = r0; row < r1; row++)
        mark_tiles(d, row, c0, c1);
}

/* ---- Merging dirty tiles into rectangles ---- */

struct rect_set {
    struct vgpu_rect r[VGPU_DAMAGE_MAX_RECTS + 1];  /* one spare: a new run before a merge */
    size_t n, max;
};

static uint64_t area(const struct vgpu_rect *r)
{
    return (uint64_t)r->width * r->height;
}

static struct vgpu_rect bounding_box(const struct vgpu_rect *a, const struct vgpu_rect *b)
{
    uint32_t x0 = min_u32(a->x, b->x), y0 = min_u32(a->y, b->y);
    uint32_t ax1 = a->x + a->width, bx1 = b->x + b->width;
    uint32_t ay1 = a->y + a->height, by1 = b->y + b->height;
    uint32_t x1 = ax1 > bx1 ? ax1 : bx1, y1 = ay1 > by1 ? ay1 : by1;

    return (struct vgpu_rect){ x0, y0, x1 - x0, y1 - y0 };
}

static bool contains(const struct vgpu_rect *outer, const struct vgpu_rect *inner)
{
    return inner->x >= outer->x && inner->y >= outer->y &&
           inner->x + inner->width <= outer->x + outer->width &&
           inner->y + inner->height <= outer->y + outer->height;
}

/* Clean pixels a bounding box of a and b would add (negative when they overlap). */
static int64_t merge_waste(const struct vgpu_rect *a, const struct vgpu_rect *b)
{
    struct vgpu_rect box = bounding_box(a, b);
    return (int64_t)area(&box) - (int64_t)area(a) - (int64_t)area(b);
}

/* Rule 3: replace the cheapest pair by its bounding box, dropping what the box swallows. */
static void merge_cheapest_pair(struct rect_set *s)
{
    size_t bi = 0, bj = 1;
    int64_t best = INT64_MAX;

    for (size_t i = 0; i + 1 < s->n; i++)
        for (size_t j = i + 1; j < s->n; j++) {
            int64_t waste = merge_waste(&s->r[i], &s->r[j]);
            if (waste < best) {
                best = waste;
                bi = i;
                bj = j;
            }
        }
    struct vgpu_rect box = bounding_box(&s->r[bi], &s->r[bj]);
    size_t kept = 0;
    for (size_t k = 0; k < s->n; k++)
        if (!contains(&box, &s->r[k]))
            s->r[kept++] = s->r[k];
    s->r[kept++] = box;
    s->n = kept;
}

/* Rules 2 and 3 for one run of dirty tiles (a run a merged box already covers adds nothing). */
static void add_run(struct rect_set *s, struct vgpu_rect run)
{
    for (size_t i = 0; i < s->n; i++) {
        struct vgpu_rect *r = &s->r[i];
        if (r->x == run.x && r->width == run.width && r->y + r->height == run.y) {
            r->height += run.height;
            return;
        }
        if (contains(r, &run))
            return;
    }
    s->r[s->n++] = run;
    if (s->n > s->max)
        merge_cheapest_pair(s);
}

/* Tiles [c0, c1) of tile row `row` in pixels, clipped to the frame. */
static struct vgpu_rect tiles_rect(const struct vgpu_damage *d, uint32_t row, uint32_t c0,
                                   uint32_t c1)
{
    uint32_t x = c0 * d->tile_w, y = row * d->tile_h;

    return (struct vgpu_rect){ x, y, min_u32(c1 * d->tile_w, d->width) - x,
                               min_u32(d->tile_h, d->height - y) };
}

static void add_row_runs(const struct vgpu_damage *d, uint32_t row, struct rect_set *s)
{
    const uint8_t *marks = d->dirty + (size_t)row * d->cols;

    for (uint32_t c = 0; c < d->cols;) {
        if (!marks[c]) {
            c++;
            continue;
        }
        uint32_t start = c;
        while (c < d->cols && marks[c])
            c++;
        add_run(s, tiles_rect(d, row, start, c));
    }
}

size_t vgpu_damage_rects(const struct vgpu_damage *d, struct vgpu_rect *out, size_t max)
{
    struct rect_set s = { .n = 0, .max = VGPU_MIN(max, (size_t)VGPU_DAMAGE_MAX_RECTS) };

    if (s.max == 0 || d->dirty_tiles == 0)
        return 0;
    for (uint32_t row = 0; row < d->rows; row++)
        add_row_runs(d, row, &s);
    for (size_t i = 0; i < s.n; i++)
        out[i] = s.r[i];
    return s.n;
}

void vgpu_damage_clear(struct vgpu_damage *d)
{
    size_t tiles = (size_t)d->cols * d->rows;

    for (size_t i = 0; i < tiles; i++)
        d->dirty[i] = 0;
    d->dirty_tiles = 0;
}
