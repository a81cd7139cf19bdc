/*
 * scene3d.h — the guest's one 3D scene, driven by the `gl` commands (cmd3d.c): a context, a
 * render target with scattered-page backing, the objects a flat-colour triangle needs, and a
 * scattered-page command buffer.  Everything goes through the core's vgpu3d.h API.
 */
#ifndef GUEST_SCENE3D_H
#define GUEST_SCENE3D_H

#include <stdbool.h>
#include <stdint.h>

#include "fb.h"
#include "gpu3d/vgpu3d.h"
#include "virgl_enc.h"

struct scene3d {
    struct vgpu_dev *dev;
    uint32_t ctx;                  /* 0: none yet */
    uint32_t rt, vb;               /* resource ids, 0: none */
    uint32_t width, height, format;
    struct guest_fb rt_mem, vb_mem, cmd_mem;
    bool surface_made, pipeline_made;
    uint32_t split;                /* submit the stream in pieces of this many bytes (0: pages) */
    uint32_t last_pieces;          /* buffers the last submit's stream took */
    uint32_t scanout;              /* scanout showing the target + 1, 0: none */
};

/* The encoder over the command buffer (allocated on first use). */
int  scene_begin(struct scene3d *sc, struct virgl_enc *e);
/* Submit what `e` holds; fence NULL waits for the device. */
int  scene_submit(struct scene3d *sc, const struct virgl_enc *e, uint64_t *fence);
int  scene_target(struct scene3d *sc, uint32_t w, uint32_t h, uint32_t format);
int  scene_clear(struct scene3d *sc, const uint32_t rgba[4]);
int  scene_triangle(struct scene3d *sc, const uint32_t xy[6], const uint32_t rgba[4]);
/* Read the box back into the target's backing (poisoned first); pixels then at sc->rt_mem. */
int  scene_read(struct scene3d *sc, const struct vgpu_rect *r);
int  scene_show(struct scene3d *sc, unsigned scanout, bool on);
/* Destroy every object, resource and the context; the memory goes too. */
void scene_free(struct scene3d *sc);
/* IEEE-754 single bits of a small unsigned integer (exact below 2^24), without the FPU. */
uint32_t scene_float_bits(uint32_t u);

#endif /* GUEST_SCENE3D_H */
