/* obj3d.c — the 3D object records: allocation, lookups, lifetime across open, close and reset. */
#include "gpu3d/obj3d.h"

#include "base/log.h"
#include "base/util.h"

static void obj3d_on_lifetime(struct vgpu_dev *dev, enum vgpu_lifetime_event what);

int vgpu3d_open(void *os, const struct vgpu_params *params, struct vgpu_dev **out)
{
    return vgpu_open_with(os, params, 1ull << VIRTIO_GPU_F_VIRGL, out);
}

struct obj3d *obj3d_get(struct vgpu_dev *dev, int *rc)
{
    if (!vgpu3d_available(dev)) {
        *rc = VGPU_E_UNSUPPORTED;
        return NULL;
    }
    if (!dev->objs) {
        dev->objs = vgpu_os_zalloc(dev->os, sizeof(*dev->objs));
        if (!dev->objs) {
            *rc = VGPU_E_NOMEM;
            return NULL;
        }
        idalloc_init(&dev->objs->ctx_ids);
        dev->on_lifetime = obj3d_on_lifetime;
    }
    *rc = VGPU_OK;
    return dev->objs;
}

struct ctx3d *obj3d_find_ctx(struct obj3d *objs, uint32_t id)
{
    uint32_t i;

    for (i = 0; id != 0 && i < VGPU3D_MAX_CONTEXTS; i++)
        if (objs->ctx[i].id == id)
            return &objs->ctx[i];
    return NULL;
}

struct res3d *obj3d_find_res(struct obj3d *objs, uint32_t id)
{
    uint32_t i;

    for (i = 0; id != 0 && i < VGPU3D_MAX_RESOURCES; i++)
        if (objs->res[i].id == id)
            return &objs->res[i];
    return NULL;
}

bool obj3d_is_attached(const struct ctx3d *c, uint32_t res)
{
    return res < IDALLOC_CAPACITY && (c->attached[res / 32u] >> (res % 32u)) & 1u;
}

void obj3d_set_attached(struct obj3d *objs, struct ctx3d *c, uint32_t res, bool on)
{
    uint32_t bit = 1u << (res % 32u);

    if (res >= IDALLOC_CAPACITY || obj3d_is_attached(c, res) == on)
        return;
    if (on) {
        c->attached[res / 32u] |= bit;
        c->nattached++;
        objs->stats.live_attachments++;
    } else {
        c->attached[res / 32u] &= ~bit;
        c->nattached--;
        objs->stats.live_attachments--;
    }
}

static void obj3d_close(struct vgpu_dev *dev)
{
    struct obj3d *objs = dev->objs;

    ctx3d_destroy_all(dev, objs);
    res3d_destroy_all(dev, objs);
    vgpu_os_free(dev->os, objs, sizeof(*objs));
    dev->objs = NULL;
    dev->on_lifetime = NULL;
}

/*
 * The reset took every host context and resource with it, and device setup re-initialises the
 * resource id allocator, so only our records go.  Context ids are put back (their allocator is
 * next-fit: a lost id is not handed out again soon, so a late caller gets "no such context").
 */
static void obj3d_forget(struct vgpu_dev *dev)
{
    struct obj3d *objs = dev->objs;
    uint32_t i, lost = 0;

    for (i = 0; i < VGPU3D_MAX_CONTEXTS; i++) {
        if (objs->ctx[i].id == 0)
            continue;
        idalloc_put(&objs->ctx_ids, objs->ctx[i].id);
        lost++;
    }
    objs->stats.lost_on_reset += lost;
    vgpu_zero(objs->ctx, sizeof(objs->ctx));
    vgpu_zero(objs->res, sizeof(objs->res));
    vgpu_zero(objs->scanout_res, sizeof(objs->scanout_res));
    objs->stats.live_contexts = objs->stats.live_resources = objs->stats.live_attachments = 0;
    vgpu_info(dev->os, "3D: device reset, %u contexts lost", lost);
}

static void obj3d_on_lifetime(struct vgpu_dev *dev, enum vgpu_lifetime_event what)
{
    if (what == VGPU_LIFETIME_CLOSE)
        obj3d_close(dev);
    else
        obj3d_forget(dev);
}

void vgpu3d_get_stats(const struct vgpu_dev *dev, struct vgpu3d_stats *out)
{
    if (!dev->objs) {
        vgpu_zero(out, sizeof(*out));
        return;
    }
    *out = dev->objs->stats;
    out->ctx_ids_live = dev->objs->ctx_ids.live;
}
