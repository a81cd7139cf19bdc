/*
 * damage.h — finding what changed in a framebuffer that the OS draws into without telling us.
 *
 * The framebuffer is cut into tiles.  A shadow copy holds, for every pixel, the value the driver
 * has already accounted for (sent, in flight, or marked to be sent).  A scan compares the
 * framebuffer with the shadow row by row and, in the same pass, copies every changed tile into the
 * shadow and marks it dirty; so an unchanged frame costs one compare, a fully changed one about one
 * compare plus one copy.  The shadow is exact (a hash could miss a change for good: a tile whose
 * hash collides stays stale on screen until it changes again).
 *
 * Invariant: each tile is either dirty (its current content still has to reach the device) or its
 * shadow equals what was last handed to the device for it.  The shadow is updated *before* the
 * transfer is queued, so drawing that lands after the scan differs from the shadow and is found by
 * the next scan: damage is never lost, at worst sent twice.
 *
 * Memory: the shadow is width*height*4 bytes from vgpu_os_zalloc (8 MiB at 1920x1080).
 * Framebuffer rows are packed at width*4 bytes (core/gpu/vgpu.h), 4-byte aligned.
 */
#ifndef VGPU_DAMAGE_H
#define VGPU_DAMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpu/vgpu.h"

/* Tile size chosen by `make bench` (bench/README.md): every candidate from 16x16 to full-row bands
 * scans an unchanged frame at memcmp speed, and 64-pixel-wide tiles copy a changed one as fast as
 * 64x64; only 16 rows high, a text line, caret or cursor sends 1.5-2.7x fewer pixels than with
 * 64x64 tiles. */
#define VGPU_DAMAGE_TILE_W    64
#define VGPU_DAMAGE_TILE_H    16
/* At most this many rectangles per batch: each costs the device two commands (transfer + flush),
 * and QEMU's control queue holds only 64 descriptors. */
#define VGPU_DAMAGE_MAX_RECTS 8

struct vgpu_damage {
    void     *os;            /* for vgpu_os_zalloc/free */
    uint32_t  width, height; /* framebuffer size in pixels, both > 0 */
    uint32_t  tile_w, tile_h;/* tile size; the last column and row of tiles may be narrower */
    uint32_t  cols, rows;    /* tiles across and down */
    uint32_t *shadow;        /* width*height pixels, see the invariant above */
    uint8_t  *dirty;         /* cols*rows flags, row-major: 1 = tile must still be sent */
    uint32_t  dirty_tiles;   /* how many flags are set */
};

/* Allocate the shadow (all zero: the first scan reports every non-black tile) and the tile map. */
int  vgpu_damage_init(struct vgpu_damage *d, void *os, uint32_t width, uint32_t height,
                      uint32_t tile_w, uint32_t tile_h);
void vgpu_damage_fini(struct vgpu_damage *d);

/* Compare fb with the shadow; copy changed tiles into it and mark them.  Returns the number of
 * tiles that became dirty in this scan. */
uint32_t vgpu_damage_scan(struct vgpu_damage *d, const uint32_t *fb);

/* Cheap idle check: compare only rows y with y % stride == phase, copy and mark nothing.
 * True when one of them differs (then a full scan is due). */
bool vgpu_damage_probe(const struct vgpu_damage *d, const uint32_t *fb, uint32_t stride,
                       uint32_t phase);

/* Damage the OS reported itself (a blit it did, a cursor it drew): mark the tiles the rectangle
 * touches and bring them into the shadow, so no scan is needed to find it and the next scan does
 * not report it again.  The rectangle is clipped to the frame; an empty one is ignored. */
void vgpu_damage_add_rect(struct vgpu_damage *d, const uint32_t *fb, const struct vgpu_rect *rect);

/*
 * The dirty tiles as at most `max` rectangles (1..VGPU_DAMAGE_MAX_RECTS), clipped to the frame.
 * Merge rule, in one top-to-bottom pass over the rows of tiles:
 *  1. each run of adjacent dirty tiles in a row of tiles is a rectangle;
 *  2. a run with exactly the columns of a rectangle that ends just above it extends that
 *     rectangle downwards;
 *  3. when a new run would make more than `max`, the two rectangles whose bounding box adds the
 *     fewest clean pixels are first replaced by that box (and rectangles inside it dropped).
 * While rule 3 never fires the rectangles cover exactly the dirty tiles, without overlap.
 * Returns how many were written; 0 when nothing is dirty.  Marks stay until vgpu_damage_clear.
 */
size_t vgpu_damage_rects(const struct vgpu_damage *d, struct vgpu_rect *out, size_t max);

/* Forget every mark: call once the rectangles from vgpu_damage_rects were queued to the device. */
void vgpu_damage_clear(struct vgpu_damage *d);

static inline bool vgpu_damage_pending(const struct vgpu_damage *d)
{
    return d->dirty_tiles != 0;
}

#endif /* VGPU_DAMAGE_H */
