/*
 * resource.h — host resources with guest memory behind them: the one place that pairs
 * create/attach with detach/unref, and resource ids with their release.
 */
#ifndef VGPU_RESOURCE_H
#define VGPU_RESOURCE_H

#include "gpu/dev.h"

/* Create a 2D resource and attach `segs` as its backing; on failure nothing is left behind. */
int  resource_create_backed(struct vgpu_dev *dev, uint32_t format, uint32_t w, uint32_t h,
                            const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t *id_out);
/* Detach and drop a resource; the id is retired even if the device complains. */
void resource_destroy(struct vgpu_dev *dev, uint32_t id);

#endif /* VGPU_RESOURCE_H */
