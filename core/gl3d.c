/* gl3d.c — the 3D object records: allocation, lookups, lifetime across close and reset. */
#include "gl3d.h"

#include "log.h"
#include "util.h"

struct gl3d *gl3d_get(struct vgpu_dev *dev, int *rc)
{
    if (!vgpu3d_available(dev)) {
        *rc = VGPU_E_UNSUPPORTED;
        return NULL;
    }
    if (!dev->gl) {
        dev->gl = vgpu_os_zalloc(dev->os, sizeof(*dev->gl));
        if (!dev->gl) {
            *rc = VGPU_E_NOMEM;
            return NULL;
        }
        idalloc_init(&dev->gl->ctx_ids);
    }
    *rc = VGPU_OK;
    return dev->gl;
}

struct ctx3d *gl3d_find_ctx(struct gl3d *gl, uint32_t id)
{
    uint32_t i;

    for (i = 0; id != 0 && i < VGPU3D_MAX_CONTEXTS; i++)
        if (gl->ctx[i].id == id)
            return &gl->ctx[i];
    return NULL;
}

struct res3d *gl3d_find_res(struct gl3d *gl, uint32_t id)
{
    uint32_t i;

    for (i = 0; id != 0 && i < VGPU3D_MAX_RESOURCES; i++)
        if (gl->res[i].id == id)
            return &gl->res[i];
    return NULL;
}

bool gl3d_is_attached(const struct ctx3d *c, uint32_t res)
{
    return res < IDALLOC_CAPACITY && (c->attached[res / 32u] >> (res % 32u)) & 1u;
}

void gl3d_set_attached(struct gl3d *gl, struct ctx3d *c, uint32_t res, bool on)
{
    uint32_t bit = 1u << (res % 32u);

    if (res >= IDALLOC_CAPACITY || gl3d_is_attached(c, res) == on)
        return;
    if (on) {
        c->attached[res / 32u] |= bit;
        c->nattached++;
        gl->stats.live_attachments++;
    } else {
        c->attached[res / 32u] &= ~bit;
        c->nattached--;
        gl->stats.live_attachments--;
    }
}

void gl3d_close(struct vgpu_dev *dev)
{
    struct gl3d *gl = dev->gl;

    if (!gl)
        return;
    ctx3d_destroy_all(dev, gl);
    res3d_destroy_all(dev, gl);
    vgpu_os_free(dev->os, gl, sizeof(*gl));
    dev->gl = NULL;
}

/*
 * The reset took every host context and resource with it, and device setup re-initialises the
 * resource id allocator, so only our records go.  Context ids are put back (their allocator is
 * next-fit: a lost id is not handed out again soon, so a late caller gets "no such context").
 */
void gl3d_forget(struct vgpu_dev *dev)
{
    struct gl3d *gl = dev->gl;
    uint32_t i, lost = 0;

    if (!gl)
        return;
    for (i = 0; i < VGPU3D_MAX_CONTEXTS; i++) {
        if (gl->ctx[i].id == 0)
            continue;
        idalloc_put(&gl->ctx_ids, gl->ctx[i].id);
        lost++;
    }
    gl->stats.lost_on_reset += lost;
    vgpu_zero(gl->ctx, sizeof(gl->ctx));
    vgpu_zero(gl->res, sizeof(gl->res));
    vgpu_zero(gl->scanout_res, sizeof(gl->scanout_res));
    gl->stats.live_contexts = gl->stats.live_resources = gl->stats.live_attachments = 0;
    vgpu_info(dev->os, "3D: device reset, %u contexts lost", lost);
}

void vgpu3d_get_stats(const struct vgpu_dev *dev, struct vgpu3d_stats *out)
{
    if (!dev->gl) {
        vgpu_zero(out, sizeof(*out));
        return;
    }
    *out = dev->gl->stats;
    out->ctx_ids_live = dev->gl->ctx_ids.live;
}
