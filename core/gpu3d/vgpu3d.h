/*
 * vgpu3d.h — the public 3D (virgl) interface of the driver core, beside the 2D one in vgpu.h.
 *
 * Open the device with vgpu3d_open() instead of vgpu_open(): VIRTIO_GPU_F_VIRGL is negotiated only
 * then, and only if the device offers it (vgpu3d_available()); the 2D API works either way.  The core keeps the 3D objects it hands out
 * — context ids, 3D resource ids, which resources each context has attached — and checks every
 * argument against them, so a user client can pass user-space requests straight through after
 * its own copy-in.  Every call returns VGPU_OK or a negative enum vgpu_status, as in vgpu.h.
 *
 * A device reset (vgpu_recover) destroys every context and 3D resource on the host: the core
 * forgets them too, and later calls with their ids fail with VGPU_E_INVAL.  vgpu_close()
 * destroys whatever is still live.
 */
#ifndef VGPU3D_H
#define VGPU3D_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpu/vgpu.h"
#include "gpu3d/virgl_caps.h"

#define VGPU3D_MAX_CONTEXTS    64u        /* live contexts at once */
#define VGPU3D_MAX_RESOURCES   1024u      /* live 3D resources at once */
#define VGPU3D_MAX_CAPSETS     16u        /* capability sets looked at */
#define VGPU3D_CAPSET_MAX_SIZE 65536u     /* larger capsets reported by a device are refused */
#define VGPU3D_MAX_SUBMIT      (16u << 20) /* bytes of command stream in one SUBMIT_3D */
#define VGPU3D_NAME_MAX        63u        /* context debug name */

/* vgpu_open() that also asks for VIRTIO_GPU_F_VIRGL (kept across vgpu_recover()). */
int  vgpu3d_open(void *os, const struct vgpu_params *params, struct vgpu_dev **out);
bool vgpu3d_available(const struct vgpu_dev *dev);

/* ---- Capability sets ---- */
struct vgpu3d_capset_info {
    uint32_t id;             /* VIRTIO_GPU_CAPSET_VIRGL (1) or VIRGL2 (2), others as reported */
    uint32_t max_version;
    uint32_t max_size;       /* bytes; 1..VGPU3D_CAPSET_MAX_SIZE */
};
unsigned vgpu3d_capset_count(struct vgpu_dev *dev);
int vgpu3d_capset_info(struct vgpu_dev *dev, unsigned index, struct vgpu3d_capset_info *out);
/* Raw capset bytes (what Mesa's virgl winsys wants); `len` = the capset's max_size, `out` at
 * least that long.  Capsets of id VIRGL/VIRGL2 are also parsed and kept for vgpu3d_caps(). */
int vgpu3d_get_capset(struct vgpu_dev *dev, uint32_t id, uint32_t version, void *out, uint32_t out_len,
                      uint32_t *len);
/* Read the best virgl capset (VIRGL2 before VIRGL), parse it, keep it; copy the result out. */
int vgpu3d_load_caps(struct vgpu_dev *dev, struct virgl_caps *out);

/* ---- Contexts ---- */
/* `name` may be NULL; at most VGPU3D_NAME_MAX bytes of it are sent. */
int vgpu3d_ctx_create(struct vgpu_dev *dev, const char *name, uint32_t *ctx_out);
/* Waits for the context's fences first; its attachments go with it. */
int vgpu3d_ctx_destroy(struct vgpu_dev *dev, uint32_t ctx);
int vgpu3d_ctx_attach(struct vgpu_dev *dev, uint32_t ctx, uint32_t res);
int vgpu3d_ctx_detach(struct vgpu_dev *dev, uint32_t ctx, uint32_t res);

/* ---- 3D resources (gallium targets, virgl formats and bind flags) ---- */
enum vgpu3d_target {
    VGPU3D_TARGET_BUFFER = 0, VGPU3D_TARGET_1D = 1, VGPU3D_TARGET_2D = 2, VGPU3D_TARGET_3D = 3,
    VGPU3D_TARGET_CUBE = 4, VGPU3D_TARGET_RECT = 5, VGPU3D_TARGET_1D_ARRAY = 6,
    VGPU3D_TARGET_2D_ARRAY = 7, VGPU3D_TARGET_CUBE_ARRAY = 8,
};
struct vgpu3d_resource_desc {
    uint32_t target;         /* enum vgpu3d_target */
    uint32_t format;         /* VIRGL_FORMAT_* (virgl_caps.h lists the ones the core knows) */
    uint32_t bind;           /* VIRGL_BIND_* bits */
    uint32_t width, height, depth;
    uint32_t array_size;     /* layers; 6 for a cube, 6*n for a cube array */
    uint32_t last_level;     /* mip levels - 1 */
    uint32_t nr_samples;     /* 0 or 1: single-sampled */
    uint32_t flags;          /* VIRGL_RESOURCE_Y_0_TOP only */
};
/*
 * Create a 3D resource; with nsegs > 0 the segments are attached as its guest backing (what
 * transfers read and write).  The backing memory is the caller's and must stay valid until the
 * resource is destroyed.  Checked against the loaded caps (formats, sizes, layers, samples).
 */
int vgpu3d_resource_create(struct vgpu_dev *dev, const struct vgpu3d_resource_desc *desc,
                           const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t *id_out);
/*
 * The same with the id the caller names (1..4095): for a client protocol in which the program
 * picks its resource ids (vtest).  VGPU_E_BUSY when that id is live (2D resources share the space).
 */
int vgpu3d_resource_create_as(struct vgpu_dev *dev, const struct vgpu3d_resource_desc *desc,
                              const struct vgpu_dma_seg *segs, uint32_t nsegs, uint32_t id);
/* Detaches it from every context and from any 3D scanout, drops backing and host resource. */
int vgpu3d_resource_destroy(struct vgpu_dev *dev, uint32_t res);

/*
 * A box of one mip level, and where it lies in the backing.  Stride 0 means the whole level's row
 * (level width x pixel size) and layer_stride 0 a whole level image (stride x level height), as
 * virglrenderer reads them; with a format whose pixel size the core does not know both must be given.
 */
struct vgpu3d_transfer {
    uint32_t x, y, z, w, h, d;
    uint32_t level;
    uint32_t stride, layer_stride;
    uint64_t offset;
};
/* fence NULL: wait for the device's answer; otherwise queue fenced and return the fence id. */
int vgpu3d_transfer_to_host(struct vgpu_dev *dev, uint32_t ctx, uint32_t res,
                            const struct vgpu3d_transfer *t, uint64_t *fence);
int vgpu3d_transfer_from_host(struct vgpu_dev *dev, uint32_t ctx, uint32_t res,
                              const struct vgpu3d_transfer *t, uint64_t *fence);

/* ---- Command submission and fences ---- */
/*
 * Submit `size` bytes (a multiple of 4, 4..VGPU3D_MAX_SUBMIT) of virgl command stream held in
 * device-address segments; they go to the device as a chain of readable buffers, so the stream
 * may be split anywhere.  fence NULL: wait for the device's answer.  Otherwise return at once
 * with the fence id; the segments must stay valid until that fence completed.
 */
int vgpu3d_submit(struct vgpu_dev *dev, uint32_t ctx, const struct vgpu_dma_seg *segs, uint32_t nsegs,
                  uint32_t size, uint64_t *fence);
/* Wait until `fence` (a fence of this context) completed, at most timeout_ms; VGPU_E_TIMEOUT
 * leaves the device usable. */
int vgpu3d_fence_wait(struct vgpu_dev *dev, uint32_t ctx, uint64_t fence, uint32_t timeout_ms);
/* The context's last submitted fence and the highest fence up to which all of its work is done. */
int vgpu3d_ctx_fences(struct vgpu_dev *dev, uint32_t ctx, uint64_t *submitted, uint64_t *completed);

/* ---- Scanout of a 3D resource (a 2D texture with VIRGL_BIND_SCANOUT) ---- */
/* The scanout must not hold a 2D mode (vgpu_disable_scanout first).  res 0 turns it off. */
int vgpu3d_set_scanout(struct vgpu_dev *dev, unsigned scanout, uint32_t res, const struct vgpu_rect *r);
int vgpu3d_flush(struct vgpu_dev *dev, uint32_t res, const struct vgpu_rect *r);

/* ---- Introspection ---- */
struct vgpu3d_stats {
    uint32_t live_contexts;
    uint32_t live_resources;      /* 3D resources */
    uint32_t live_attachments;
    uint64_t submits;
    uint64_t submit_bytes;
    uint64_t fenced;              /* fenced commands queued (submits and transfers) */
    uint32_t ctx_ids_live;        /* the context id allocator's count (must equal live_contexts) */
    uint32_t lost_on_reset;       /* contexts forgotten at device resets */
};
void vgpu3d_get_stats(const struct vgpu_dev *dev, struct vgpu3d_stats *out);

#endif /* VGPU3D_H */
