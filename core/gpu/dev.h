/*
 * dev.h — the device object shared by the core's modules (not part of the public API).
 */
#ifndef VGPU_DEV_H
#define VGPU_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/idalloc.h"
#include "gpu/edid.h"
#include "gpu/vgpu.h"
#include "gpu/virtio_gpu_proto.h"
#include "vgpu_os.h"
#include "virtio/virtio_pci.h"
#include "virtio/virtqueue.h"

struct obj3d;

/* What happens to the device that a layer above the 2D core must act on. */
enum vgpu_lifetime_event {
    VGPU_LIFETIME_CLOSE,         /* vgpu_close(): free everything */
    VGPU_LIFETIME_RESET,         /* vgpu_recover() reset the device: the host forgot every object */
};

/*
 * A command slot: one request/response buffer pair in DMA memory, owned by at most one command.
 * Layout inside the slot: [indirect table][request][response].
 */
struct gpu_slot {
    uint8_t *cpu;
    uint64_t addr;
    bool     busy;          /* handed to the device, or completed and not yet claimed */
    bool     done;          /* the device returned it (used_len valid) */
    bool     waited;        /* a caller will claim it; otherwise it is checked and freed on completion */
    uint32_t used_len;
    uint32_t resp_len;      /* bytes of response buffer offered to the device */
    uint32_t expect_type;   /* the OK response type that counts as success */
    uint64_t fence_id;      /* non-zero when sent with VIRTIO_GPU_FLAG_FENCE */
};

struct gpu_queue {
    struct virtqueue vq;
    struct vgpu_dma  mem;        /* every slot's buffers, back to back */
    struct gpu_slot *slots;
    uint16_t nslots;
    uint16_t busy_slots;
    uint32_t slot_size, req_off, req_max, resp_off, resp_max;
    uint16_t msix_vector;
};

struct vgpu_cursor {
    struct vgpu_dma image;       /* 64x64 B8G8R8A8 backing of the cursor resource */
    uint32_t res_id;             /* 0 until the first image */
    uint32_t hot_x, hot_y, x, y;
    bool     visible;
};

struct vgpu_scanout {
    bool     enabled;            /* from display info */
    uint32_t host_w, host_h;     /* 0x0 when the host gave no usable size */
    uint8_t  edid[VGPU_EDID_MAX];
    uint32_t edid_len;           /* 0 when absent or invalid */
    struct vgpu_edid_info edid_info;
    uint32_t res_id;             /* the live framebuffer resource, 0 when inactive */
    struct vgpu_framebuffer fb;  /* the caller's memory behind res_id */
    struct vgpu_cursor cursor;
};

struct vgpu_dev {
    void    *os;
    struct vgpu_params params;
    uint64_t timeout_ns;
    struct vpci pci;
    uint64_t features;
    struct gpu_queue ctrl, cursorq;
    uint32_t num_scanouts;
    struct vgpu_scanout scanouts[VGPU_MAX_SCANOUTS];
    struct idalloc ids;
    uint64_t last_fence;
    bool     broken;             /* the device misbehaved or asked for reset; latched until recover */
    bool     reset_reported;     /* VGPU_OS_EVENT_NEEDS_RESET already raised for this breakage */
    bool     display_event;      /* EVENT_DISPLAY seen, not yet answered by vgpu_query_displays */
    struct vgpu_dma orphan;      /* memory entries a timed-out command may still read; freed after reset */
    struct vgpu_stats stats;
    struct virtio_gpu_resp_edid edid_resp;   /* scratch: too big for a kernel stack */
    uint64_t extra_features;     /* asked for beyond the 2D set (vgpu3d_open: VIRTIO_GPU_F_VIRGL) */
    struct obj3d *objs;          /* the 3D layer's records (gpu3d/obj3d.h); NULL until its first call */
    /* The one way the 2D core reaches the 3D layer: its part in close and reset, installed with
     * its records, NULL without them. */
    void (*on_lifetime)(struct vgpu_dev *dev, enum vgpu_lifetime_event what);
};

static inline bool vgpu_has_feature(const struct vgpu_dev *dev, unsigned bit)
{
    return (dev->features >> bit) & 1u;
}

/* vgpu_open() with features asked for beyond the 2D set (the 3D layer's vgpu3d_open()). */
int vgpu_open_with(void *os, const struct vgpu_params *params, uint64_t extra_features,
                   struct vgpu_dev **out);

#endif /* VGPU_DEV_H */
