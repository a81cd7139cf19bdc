/* ctx3d.c — 3D contexts: ids, attachments, command submission and per-context fences. */
#include "base/log.h"
#include "base/util.h"
#include "gpu/cmd.h"
#include "gpu3d/gpu3d.h"
#include "gpu3d/obj3d.h"

#define FENCE_WAIT_DESTROY_MS 5000u

static struct ctx3d *free_ctx_record(struct obj3d *objs)
{
    uint32_t i;

    for (i = 0; i < VGPU3D_MAX_CONTEXTS; i++)
        if (objs->ctx[i].id == 0)
            return &objs->ctx[i];
    return NULL;
}

int vgpu3d_ctx_create(struct vgpu_dev *dev, const char *name, uint32_t *ctx_out)
{
    struct ctx3d *c;
    uint32_t id;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if (!ctx_out)
        return VGPU_E_INVAL;
    if (!(c = free_ctx_record(objs)) || (id = idalloc_get(&objs->ctx_ids)) == 0)
        return VGPU_E_NOMEM;
    rc = gpu_ctx_create(dev, id, name);
    if (rc != VGPU_OK) {
        idalloc_put(&objs->ctx_ids, id);
        return rc;
    }
    vgpu_zero(c, sizeof(*c));
    c->id = id;
    objs->stats.live_contexts++;
    *ctx_out = id;
    return VGPU_OK;
}

/* Look a context up; every 3D call with a context id starts here. */
static struct ctx3d *live_ctx(struct vgpu_dev *dev, uint32_t ctx, int *rc)
{
    struct obj3d *objs = obj3d_get(dev, rc);
    struct ctx3d *c;

    if (!objs)
        return NULL;
    if (!(c = obj3d_find_ctx(objs, ctx)))
        *rc = VGPU_E_INVAL;
    return c;
}

/*
 * The record goes even if the device refuses: after a destroy the id must not be used again,
 * and a device that refuses to destroy a context it created is reset sooner or later anyway.
 * `drain` waits for the context's queued work first; at close the reset that follows stops
 * the device instead, so a stuck fence cannot hold up shutdown.
 */
static int destroy_ctx(struct vgpu_dev *dev, struct obj3d *objs, struct ctx3d *c, bool drain)
{
    uint32_t id = c->id;
    int rc = VGPU_OK;

    if (drain && c->last_fence)
        cmd_wait_fence(dev, c->last_fence, (uint64_t)FENCE_WAIT_DESTROY_MS * 1000000u);
    if (!dev->broken)
        rc = gpu_ctx_destroy(dev, id);
    objs->stats.live_attachments -= c->nattached;
    vgpu_zero(c, sizeof(*c));
    idalloc_put(&objs->ctx_ids, id);
    objs->stats.live_contexts--;
    return rc;
}

int vgpu3d_ctx_destroy(struct vgpu_dev *dev, uint32_t ctx)
{
    int rc;
    struct ctx3d *c = live_ctx(dev, ctx, &rc);

    return c ? destroy_ctx(dev, dev->objs, c, true) : rc;
}

void ctx3d_destroy_all(struct vgpu_dev *dev, struct obj3d *objs)
{
    uint32_t i;

    for (i = 0; i < VGPU3D_MAX_CONTEXTS; i++) {
        uint32_t id = objs->ctx[i].id;
        if (id && destroy_ctx(dev, objs, &objs->ctx[i], false) != VGPU_OK)
            vgpu_warn(dev->os, "3D: context %u: destroy failed at close", id);
    }
}

int vgpu3d_ctx_attach(struct vgpu_dev *dev, uint32_t ctx, uint32_t res)
{
    int rc;
    struct ctx3d *c = live_ctx(dev, ctx, &rc);

    if (!c)
        return rc;
    if (!obj3d_find_res(dev->objs, res) || obj3d_is_attached(c, res))
        return VGPU_E_INVAL;
    if ((rc = gpu_ctx_attach_resource(dev, ctx, res)) == VGPU_OK)
        obj3d_set_attached(dev->objs, c, res, true);
    return rc;
}

int vgpu3d_ctx_detach(struct vgpu_dev *dev, uint32_t ctx, uint32_t res)
{
    int rc;
    struct ctx3d *c = live_ctx(dev, ctx, &rc);

    if (!c)
        return rc;
    if (!obj3d_is_attached(c, res))
        return VGPU_E_INVAL;
    rc = gpu_ctx_detach_resource(dev, ctx, res);
    obj3d_set_attached(dev->objs, c, res, false);
    return rc;
}

/* ---- submission ---- */

/*
 * The stream as readable buffers of exactly `size` bytes: the last segment is cut to fit, empty
 * ones are skipped, a range that wraps is refused.  (size < 4 GiB, so every piece fits one
 * descriptor.)  The chain also carries the request and the response: it must fit the ring.
 */
static int stream_bufs(struct vgpu_dev *dev, const struct vgpu_dma_seg *segs, uint32_t nsegs,
                       uint32_t size, struct vq_buf *bufs, uint32_t *n)
{
    uint32_t i, count = 0, max = dev->ctrl.vq.size > 2u ? dev->ctrl.vq.size - 2u : 0u;
    uint64_t left = size;

    for (i = 0; i < nsegs && left; i++) {
        uint64_t len = VGPU_MIN(segs[i].len, left);
        if (len == 0)
            continue;
        if (segs[i].addr > UINT64_MAX - len || count == max)
            return VGPU_E_INVAL;
        if (bufs)
            bufs[count] = (struct vq_buf){ segs[i].addr, (uint32_t)len, false };
        count++;
        left -= len;
    }
    if (left)
        return VGPU_E_INVAL;
    *n = count;
    return VGPU_OK;
}

static int check_submit(const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t size)
{
    if (!segs || nsegs == 0 || size < 4u || size % 4u || size > VGPU3D_MAX_SUBMIT)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

static int submit_bufs(struct vgpu_dev *dev, struct ctx3d *c, const struct vq_buf *bufs, uint32_t n,
                       uint32_t size, uint64_t *fence)
{
    struct obj3d *objs = dev->objs;
    int rc = gpu_submit_3d(dev, c->id, bufs, n, size, fence);

    if (rc != VGPU_OK)
        return rc;
    objs->stats.submits++;
    objs->stats.submit_bytes += size;
    if (fence) {
        c->last_fence = *fence;
        objs->stats.fenced++;
    }
    return VGPU_OK;
}

int vgpu3d_submit(struct vgpu_dev *dev, uint32_t ctx, const struct vgpu_dma_seg *segs, uint32_t nsegs,
                  uint32_t size, uint64_t *fence)
{
    struct vq_buf *bufs;
    uint32_t n;
    int rc;
    struct ctx3d *c = live_ctx(dev, ctx, &rc);

    if (!c)
        return rc;
    if ((rc = check_submit(segs, nsegs, size)) != VGPU_OK ||
        (rc = stream_bufs(dev, segs, nsegs, size, NULL, &n)) != VGPU_OK)
        return rc;
    if (!(bufs = vgpu_os_zalloc(dev->os, sizeof(*bufs) * n)))
        return VGPU_E_NOMEM;
    stream_bufs(dev, segs, nsegs, size, bufs, &n);
    rc = submit_bufs(dev, c, bufs, n, size, fence);
    vgpu_os_free(dev->os, bufs, sizeof(*bufs) * n);
    return rc;
}

/* ---- fences ---- */

int vgpu3d_fence_wait(struct vgpu_dev *dev, uint32_t ctx, uint64_t fence, uint32_t timeout_ms)
{
    int rc;
    struct ctx3d *c = live_ctx(dev, ctx, &rc);

    if (!c)
        return rc;
    if (fence == 0 || fence > c->last_fence)
        return VGPU_E_INVAL;   /* not a fence this context was given */
    return cmd_wait_fence(dev, fence, (uint64_t)timeout_ms * 1000000u);
}

int vgpu3d_ctx_fences(struct vgpu_dev *dev, uint32_t ctx, uint64_t *submitted, uint64_t *completed)
{
    uint64_t oldest;
    int rc;
    struct ctx3d *c = live_ctx(dev, ctx, &rc);

    if (!c)
        return rc;
    if (!submitted || !completed)
        return VGPU_E_INVAL;
    vgpu_poll(dev);
    vgpu_os_lock(dev->os);
    oldest = cmd_oldest_fence(dev, ctx);
    vgpu_os_unlock(dev->os);
    *submitted = c->last_fence;
    *completed = oldest ? oldest - 1u : c->last_fence;
    return VGPU_OK;
}
