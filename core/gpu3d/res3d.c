/* res3d.c — 3D resources: creation with backing, transfers, scanout, destruction. */
#include "base/log.h"
#include "base/util.h"
#include "gpu/gpu2d.h"
#include "gpu3d/gpu3d.h"
#include "gpu3d/obj3d.h"
#include "gpu3d/res3d_check.h"
#include "gpu3d/virgl_proto.h"

static struct res3d *free_res_record(struct obj3d *objs)
{
    uint32_t i;

    for (i = 0; i < VGPU3D_MAX_RESOURCES; i++)
        if (objs->res[i].id == 0)
            return &objs->res[i];
    return NULL;
}

/* Total backing bytes; every segment non-empty and not wrapping. */
static int backing_bytes(const struct vgpu_dma_seg *segs, uint32_t nsegs, uint64_t *total)
{
    uint64_t sum = 0;
    uint32_t i;

    if (nsegs && !segs)
        return VGPU_E_INVAL;
    for (i = 0; i < nsegs; i++) {
        if (segs[i].len == 0 || segs[i].addr > UINT64_MAX - segs[i].len || segs[i].len > UINT64_MAX - sum)
            return VGPU_E_INVAL;
        sum += segs[i].len;
    }
    *total = sum;
    return VGPU_OK;
}

/* Create on the host and attach the backing; on failure nothing is left behind. */
static int create_on_host(struct vgpu_dev *dev, uint32_t id, const struct vgpu3d_resource_desc *d,
                          const struct vgpu_dma_seg *segs, uint32_t nsegs)
{
    int rc = gpu_resource_create_3d(dev, id, d);

    if (rc != VGPU_OK || nsegs == 0)
        return rc;
    rc = gpu_attach_backing(dev, id, segs, nsegs);
    if (rc != VGPU_OK && !dev->broken)
        gpu_resource_unref(dev, id);
    return rc;
}

/* want 0: the next free id; otherwise exactly that one (VGPU_E_BUSY when it is live). */
static int create(struct vgpu_dev *dev, const struct vgpu3d_resource_desc *desc,
                  const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t want, uint32_t *id_out)
{
    struct res3d *r;
    uint64_t backing;
    uint32_t id;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if (!id_out || (rc = res3d_check_desc(objs->caps_loaded ? &objs->caps : NULL, desc)) != VGPU_OK ||
        (rc = backing_bytes(segs, nsegs, &backing)) != VGPU_OK)
        return id_out ? rc : VGPU_E_INVAL;
    if (!(r = free_res_record(objs)))
        return VGPU_E_NOMEM;
    if (want && want >= IDALLOC_CAPACITY)
        return VGPU_E_INVAL;
    if (want && !idalloc_take(&dev->ids, want))
        return VGPU_E_BUSY;
    if (!(id = want ? want : idalloc_get(&dev->ids)))
        return VGPU_E_NOMEM;
    if ((rc = create_on_host(dev, id, desc, segs, nsegs)) != VGPU_OK) {
        idalloc_put(&dev->ids, id);
        return rc;
    }
    *r = (struct res3d){ id, *desc, backing };
    objs->stats.live_resources++;
    *id_out = id;
    return VGPU_OK;
}

int vgpu3d_resource_create(struct vgpu_dev *dev, const struct vgpu3d_resource_desc *desc,
                           const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t *id_out)
{
    return create(dev, desc, segs, nsegs, 0, id_out);
}

int vgpu3d_resource_create_as(struct vgpu_dev *dev, const struct vgpu3d_resource_desc *desc,
                              const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t id)
{
    uint32_t got;
    return id ? create(dev, desc, segs, nsegs, id, &got) : VGPU_E_INVAL;
}

/* UNREF goes out even when DETACH failed (it drops the backing too), as in resource_destroy(). */
static void release_on_host(struct vgpu_dev *dev, const struct res3d *r)
{
    int detached = dev->broken || !r->backing ? VGPU_OK : gpu_detach_backing(dev, r->id);
    int unrefed = dev->broken ? VGPU_OK : gpu_resource_unref(dev, r->id);

    if (detached != VGPU_OK || unrefed != VGPU_OK)
        vgpu_warn(dev->os, "3D resource %u: release failed", r->id);
}

/* No context keeps it, no scanout shows it: then the host copy and its id can go. */
static void release_res(struct vgpu_dev *dev, struct obj3d *objs, struct res3d *r)
{
    uint32_t i;

    for (i = 0; i < VGPU3D_MAX_CONTEXTS; i++) {
        if (!objs->ctx[i].id || !obj3d_is_attached(&objs->ctx[i], r->id))
            continue;
        if (!dev->broken)
            gpu_ctx_detach_resource(dev, objs->ctx[i].id, r->id);
        obj3d_set_attached(objs, &objs->ctx[i], r->id, false);
    }
    for (i = 0; i < VGPU_MAX_SCANOUTS; i++) {
        if (objs->scanout_res[i] != r->id)
            continue;
        if (!dev->broken && dev->scanouts[i].res_id == 0)   /* 2D may have taken it over since */
            gpu_set_scanout(dev, i, 0, &(struct vgpu_rect){ 0, 0, 0, 0 });
        objs->scanout_res[i] = 0;
    }
    release_on_host(dev, r);
    idalloc_put(&dev->ids, r->id);
    vgpu_zero(r, sizeof(*r));
    objs->stats.live_resources--;
}

int vgpu3d_resource_destroy(struct vgpu_dev *dev, uint32_t res)
{
    struct res3d *r;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if (!(r = obj3d_find_res(objs, res)))
        return VGPU_E_INVAL;
    release_res(dev, objs, r);
    return dev->broken ? VGPU_E_BROKEN : VGPU_OK;
}

void res3d_destroy_all(struct vgpu_dev *dev, struct obj3d *objs)
{
    uint32_t i;

    for (i = 0; i < VGPU3D_MAX_RESOURCES; i++)
        if (objs->res[i].id)
            release_res(dev, objs, &objs->res[i]);
}

/* ---- transfers ---- */

/* A transfer names a live context that has the resource attached, and a box the backing holds. */
static int transfer(struct vgpu_dev *dev, uint32_t type, uint32_t ctx, uint32_t res,
                    const struct vgpu3d_transfer *t, uint64_t *fence)
{
    struct ctx3d *c;
    struct res3d *r;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if (!(c = obj3d_find_ctx(objs, ctx)) || !(r = obj3d_find_res(objs, res)) || !obj3d_is_attached(c, res))
        return VGPU_E_INVAL;
    if ((rc = res3d_check_transfer(&r->desc, r->backing, t)) != VGPU_OK)
        return rc;
    rc = gpu_transfer_3d(dev, type, ctx, res, t, fence);
    if (rc == VGPU_OK && fence) {
        c->last_fence = *fence;
        objs->stats.fenced++;
    }
    return rc;
}

int vgpu3d_transfer_to_host(struct vgpu_dev *dev, uint32_t ctx, uint32_t res,
                            const struct vgpu3d_transfer *t, uint64_t *fence)
{
    return transfer(dev, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, ctx, res, t, fence);
}

int vgpu3d_transfer_from_host(struct vgpu_dev *dev, uint32_t ctx, uint32_t res,
                              const struct vgpu3d_transfer *t, uint64_t *fence)
{
    return transfer(dev, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, ctx, res, t, fence);
}

/* ---- scanout ---- */

static bool fits(const struct res3d *r, const struct vgpu_rect *rc)
{
    return rc->width && rc->height && (uint64_t)rc->x + rc->width <= r->desc.width &&
           (uint64_t)rc->y + rc->height <= r->desc.height;
}

static bool showable(const struct res3d *r)
{
    return r->desc.target == VGPU3D_TARGET_2D && r->desc.array_size == 1 &&
           (r->desc.bind & (VIRGL_BIND_SCANOUT | VIRGL_BIND_DISPLAY_TARGET));
}

int vgpu3d_set_scanout(struct vgpu_dev *dev, unsigned scanout, uint32_t res, const struct vgpu_rect *r)
{
    struct res3d *rec = NULL;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if (scanout >= dev->num_scanouts || !r)
        return VGPU_E_INVAL;
    if (dev->scanouts[scanout].res_id)
        return VGPU_E_BUSY;   /* a 2D mode owns it */
    if (res && (!(rec = obj3d_find_res(objs, res)) || !showable(rec) || !fits(rec, r)))
        return VGPU_E_INVAL;
    rc = gpu_set_scanout(dev, scanout, res, res ? r : &(struct vgpu_rect){ 0, 0, 0, 0 });
    if (rc == VGPU_OK)
        objs->scanout_res[scanout] = res;
    return rc;
}

int vgpu3d_flush(struct vgpu_dev *dev, uint32_t res, const struct vgpu_rect *r)
{
    struct res3d *rec;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if (!r || !(rec = obj3d_find_res(objs, res)) || !fits(rec, r))
        return VGPU_E_INVAL;
    return gpu_resource_flush(dev, res, r, false);
}
