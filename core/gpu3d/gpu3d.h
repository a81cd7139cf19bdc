/*
 * gpu3d.h — one function per virtio-gpu 3D command (VIRTIO 1.2 §5.7.6.8).  Each fills its
 * request, sends it through cmd.c and returns the checked status; none keeps state and none
 * judges its arguments beyond what the wire can carry (ctx3d.c does that).
 */
#ifndef VGPU_GPU3D_H
#define VGPU_GPU3D_H

#include <stdint.h>

#include "gpu/dev.h"
#include "gpu3d/vgpu3d.h"
#include "gpu3d/virtio_gpu_proto3d.h"

int gpu_get_capset_info(struct vgpu_dev *dev, uint32_t index, struct virtio_gpu_resp_capset_info *out);
/* The capset bytes land in `data` (device-writable, exactly the capset's max_size long). */
int gpu_get_capset(struct vgpu_dev *dev, uint32_t id, uint32_t version, const struct vq_buf *data);
int gpu_ctx_create(struct vgpu_dev *dev, uint32_t ctx, const char *name);
int gpu_ctx_destroy(struct vgpu_dev *dev, uint32_t ctx);
int gpu_ctx_attach_resource(struct vgpu_dev *dev, uint32_t ctx, uint32_t res);
int gpu_ctx_detach_resource(struct vgpu_dev *dev, uint32_t ctx, uint32_t res);
int gpu_resource_create_3d(struct vgpu_dev *dev, uint32_t id, const struct vgpu3d_resource_desc *d);
/* type: VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D or _FROM_HOST_3D; fence NULL waits for the answer. */
int gpu_transfer_3d(struct vgpu_dev *dev, uint32_t type, uint32_t ctx, uint32_t res,
                    const struct vgpu3d_transfer *t, uint64_t *fence);
/* `size` bytes of command stream in the readable buffers `segs` (their lengths add up to size). */
int gpu_submit_3d(struct vgpu_dev *dev, uint32_t ctx, const struct vq_buf *segs, uint32_t nsegs,
                  uint32_t size, uint64_t *fence);

#endif /* VGPU_GPU3D_H */
