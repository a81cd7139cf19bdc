/*
 * obj3d.h — the core's record of the 3D objects it handed out (not part of the public API).
 *
 * Every id a caller passes to vgpu3d_* is looked up here before anything goes to the device:
 * contexts by id, 3D resources by id, attachments in a per-context bitmap over resource ids.
 * The state is allocated on first use and lives until vgpu_close().
 */
#ifndef VGPU_OBJ3D_H
#define VGPU_OBJ3D_H

#include <stdbool.h>
#include <stdint.h>

#include "base/idalloc.h"
#include "gpu/dev.h"
#include "gpu3d/vgpu3d.h"

#define OBJ3D_RES_WORDS (IDALLOC_CAPACITY / 32u)

struct ctx3d {
    uint32_t id;                        /* 0: record free */
    uint64_t last_fence;                /* highest fence queued for this context, 0: none */
    uint32_t nattached;                 /* bits set in `attached` */
    uint32_t attached[OBJ3D_RES_WORDS];  /* bit n: resource n is attached to this context */
};

struct res3d {
    uint32_t id;                        /* 0: record free */
    struct vgpu3d_resource_desc desc;   /* as checked at creation */
    uint64_t backing;                   /* bytes of guest memory attached, 0: none */
};

struct obj3d {
    bool     caps_loaded;
    struct virgl_caps caps;             /* the best capset read, parsed */
    struct idalloc ctx_ids;             /* context ids: next-fit, so a dead id is not soon reused */
    struct ctx3d ctx[VGPU3D_MAX_CONTEXTS];
    struct res3d res[VGPU3D_MAX_RESOURCES];
    uint32_t scanout_res[VGPU_MAX_SCANOUTS];   /* 3D resource shown on each scanout, 0: none */
    struct vgpu3d_stats stats;
};

/* The state, allocated on first use; NULL (and *rc set) when 3D is off or memory is short. */
struct obj3d *obj3d_get(struct vgpu_dev *dev, int *rc);
struct ctx3d *obj3d_find_ctx(struct obj3d *objs, uint32_t id);
struct res3d *obj3d_find_res(struct obj3d *objs, uint32_t id);
bool obj3d_is_attached(const struct ctx3d *c, uint32_t res);
void obj3d_set_attached(struct obj3d *objs, struct ctx3d *c, uint32_t res, bool on);

/* Internal steps shared by the modules.  ctx3d_destroy_all() is for close: it does not wait for
 * queued work, since the device is reset right after. */
void ctx3d_destroy_all(struct vgpu_dev *dev, struct obj3d *objs);
void res3d_destroy_all(struct vgpu_dev *dev, struct obj3d *objs);

#endif /* VGPU_OBJ3D_H */
