/* gpu3d.c — virtio-gpu 3D commands, one small function each. */
#include "gpu3d/gpu3d.h"

#include "base/le.h"
#include "base/util.h"
#include "gpu/cmd.h"

static void init_hdr(struct virtio_gpu_ctrl_hdr *h, uint32_t type, uint32_t ctx)
{
    h->type = vgpu_le32(type);
    h->ctx_id = vgpu_le32(ctx);
}

static int run_nodata(struct vgpu_dev *dev, const void *req, uint32_t len)
{
    struct gpu_cmd c = { req, len, NULL, NULL, 0, VIRTIO_GPU_RESP_OK_NODATA };
    return cmd_run(dev, &c);
}

/* Unfenced: wait for the answer; fenced: queue and hand back the fence. */
static int run_maybe_fenced(struct vgpu_dev *dev, const struct gpu_cmd_chain *c, uint64_t *fence)
{
    return fence ? cmd_send_fenced(dev, c, fence) : cmd_run_chain(dev, c);
}

int gpu_get_capset_info(struct vgpu_dev *dev, uint32_t index, struct virtio_gpu_resp_capset_info *out)
{
    struct virtio_gpu_get_capset_info req = { 0 };
    struct gpu_cmd c = { &req, sizeof(req), NULL, out, sizeof(*out), VIRTIO_GPU_RESP_OK_CAPSET_INFO };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_GET_CAPSET_INFO, 0);
    req.capset_index = vgpu_le32(index);
    return cmd_run(dev, &c);
}

int gpu_get_capset(struct vgpu_dev *dev, uint32_t id, uint32_t version, const struct vq_buf *data)
{
    struct virtio_gpu_get_capset req = { 0 };
    struct virtio_gpu_ctrl_hdr resp;
    struct gpu_cmd_chain c = { { &req, sizeof(req), NULL, &resp, sizeof(resp), VIRTIO_GPU_RESP_OK_CAPSET },
                               0, data };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_GET_CAPSET, 0);
    req.capset_id = vgpu_le32(id);
    req.capset_version = vgpu_le32(version);
    return cmd_run_chain(dev, &c);
}

int gpu_ctx_create(struct vgpu_dev *dev, uint32_t ctx, const char *name)
{
    struct virtio_gpu_ctx_create req = { 0 };
    uint32_t n = 0;

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_CTX_CREATE, ctx);
    while (name && name[n] && n < sizeof(req.debug_name) - 1u) {
        req.debug_name[n] = name[n];
        n++;
    }
    req.nlen = vgpu_le32(n);
    return run_nodata(dev, &req, sizeof(req));
}

int gpu_ctx_destroy(struct vgpu_dev *dev, uint32_t ctx)
{
    struct virtio_gpu_ctx_destroy req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_CTX_DESTROY, ctx);
    return run_nodata(dev, &req, sizeof(req));
}

static int ctx_resource(struct vgpu_dev *dev, uint32_t type, uint32_t ctx, uint32_t res)
{
    struct virtio_gpu_ctx_resource req = { 0 };

    init_hdr(&req.hdr, type, ctx);
    req.resource_id = vgpu_le32(res);
    return run_nodata(dev, &req, sizeof(req));
}

int gpu_ctx_attach_resource(struct vgpu_dev *dev, uint32_t ctx, uint32_t res)
{
    return ctx_resource(dev, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, ctx, res);
}

int gpu_ctx_detach_resource(struct vgpu_dev *dev, uint32_t ctx, uint32_t res)
{
    return ctx_resource(dev, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, ctx, res);
}

int gpu_resource_create_3d(struct vgpu_dev *dev, uint32_t id, const struct vgpu3d_resource_desc *d)
{
    struct virtio_gpu_resource_create_3d req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, 0);
    req.resource_id = vgpu_le32(id);
    req.target = vgpu_le32(d->target);
    req.format = vgpu_le32(d->format);
    req.bind = vgpu_le32(d->bind);
    req.width = vgpu_le32(d->width);
    req.height = vgpu_le32(d->height);
    req.depth = vgpu_le32(d->depth);
    req.array_size = vgpu_le32(d->array_size);
    req.last_level = vgpu_le32(d->last_level);
    req.nr_samples = vgpu_le32(d->nr_samples);
    req.flags = vgpu_le32(d->flags);
    return run_nodata(dev, &req, sizeof(req));
}

int gpu_transfer_3d(struct vgpu_dev *dev, uint32_t type, uint32_t ctx, uint32_t res,
                    const struct vgpu3d_transfer *t, uint64_t *fence)
{
    struct virtio_gpu_transfer_host_3d req = { 0 };
    struct gpu_cmd_chain c = { { &req, sizeof(req), NULL, NULL, 0, VIRTIO_GPU_RESP_OK_NODATA }, 0, NULL };

    init_hdr(&req.hdr, type, ctx);
    req.box = (struct virtio_gpu_box){ vgpu_le32(t->x), vgpu_le32(t->y), vgpu_le32(t->z),
                                       vgpu_le32(t->w), vgpu_le32(t->h), vgpu_le32(t->d) };
    req.offset = vgpu_le64(t->offset);
    req.resource_id = vgpu_le32(res);
    req.level = vgpu_le32(t->level);
    req.stride = vgpu_le32(t->stride);
    req.layer_stride = vgpu_le32(t->layer_stride);
    return run_maybe_fenced(dev, &c, fence);
}

int gpu_submit_3d(struct vgpu_dev *dev, uint32_t ctx, const struct vq_buf *segs, uint32_t nsegs,
                  uint32_t size, uint64_t *fence)
{
    struct virtio_gpu_cmd_submit req = { 0 };
    struct gpu_cmd_chain c = { { &req, sizeof(req), segs, NULL, 0, VIRTIO_GPU_RESP_OK_NODATA }, nsegs, NULL };

    if (nsegs == 0)
        return VGPU_E_INVAL;
    init_hdr(&req.hdr, VIRTIO_GPU_CMD_SUBMIT_3D, ctx);
    req.size = vgpu_le32(size);
    return run_maybe_fenced(dev, &c, fence);
}
