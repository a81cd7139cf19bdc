/* resource.c — creating and destroying backed resources. */
#include "gpu/resource.h"

#include "base/log.h"
#include "gpu/gpu2d.h"

int resource_create_backed(struct vgpu_dev *dev, uint32_t format, uint32_t w, uint32_t h,
                           const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t *id_out)
{
    uint32_t id = idalloc_get(&dev->ids);
    int rc;

    if (id == 0)
        return VGPU_E_NOMEM;
    rc = gpu_resource_create_2d(dev, id, format, w, h);
    if (rc != VGPU_OK) {
        idalloc_put(&dev->ids, id);
        return rc;
    }
    rc = gpu_attach_backing(dev, id, segs, nsegs);
    if (rc != VGPU_OK) {
        if (!dev->broken)
            gpu_resource_unref(dev, id);
        idalloc_put(&dev->ids, id);
        return rc;
    }
    *id_out = id;
    return VGPU_OK;
}

/*
 * A broken device is about to be reset, which takes every host resource with it.  Otherwise
 * UNREF goes out even when DETACH failed: it drops the backing too, and skipping it would leave
 * the host holding the resource (and a mapping of the caller's memory) until the next reset.
 */
void resource_destroy(struct vgpu_dev *dev, uint32_t id)
{
    int detached = dev->broken ? VGPU_OK : gpu_detach_backing(dev, id);
    int unrefed = dev->broken ? VGPU_OK : gpu_resource_unref(dev, id);

    if (detached != VGPU_OK || unrefed != VGPU_OK)
        vgpu_warn(dev->os, "resource %u: release failed", id);
    /* A refused UNREF may leave the id alive on the host: keep it out of use until a reset
     * (which re-initialises the allocator) rather than hand it out again. */
    if (unrefed == VGPU_OK)
        idalloc_put(&dev->ids, id);
}
