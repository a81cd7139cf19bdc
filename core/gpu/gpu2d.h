/*
 * gpu2d.h — one function per virtio-gpu 2D and cursor command (VIRTIO 1.2 §5.7.6).  Each fills
 * its request, sends it through cmd.c and returns the checked status; none keeps state.
 */
#ifndef VGPU_GPU2D_H
#define VGPU_GPU2D_H

#include <stdint.h>

#include "gpu/dev.h"

int gpu_get_display_info(struct vgpu_dev *dev, struct virtio_gpu_resp_display_info *out);
int gpu_get_edid(struct vgpu_dev *dev, uint32_t scanout, struct virtio_gpu_resp_edid *out);
int gpu_resource_create_2d(struct vgpu_dev *dev, uint32_t id, uint32_t format, uint32_t w, uint32_t h);
int gpu_resource_unref(struct vgpu_dev *dev, uint32_t id);
int gpu_attach_backing(struct vgpu_dev *dev, uint32_t id, const struct vgpu_dma_seg *segs, uint32_t nsegs);
int gpu_detach_backing(struct vgpu_dev *dev, uint32_t id);
int gpu_set_scanout(struct vgpu_dev *dev, uint32_t scanout, uint32_t id, const struct vgpu_rect *r);
int gpu_transfer_to_host_2d(struct vgpu_dev *dev, uint32_t id, const struct vgpu_rect *r,
                            uint64_t offset, bool fenced);
int gpu_resource_flush(struct vgpu_dev *dev, uint32_t id, const struct vgpu_rect *r, bool fenced);
int gpu_update_cursor(struct vgpu_dev *dev, uint32_t scanout, uint32_t id, uint32_t hot_x,
                      uint32_t hot_y, uint32_t x, uint32_t y);
int gpu_move_cursor(struct vgpu_dev *dev, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y);

#endif /* VGPU_GPU2D_H */
