/* gpu2d.c — virtio-gpu 2D and cursor commands, one small function each. */
#include "gpu/gpu2d.h"

#include "base/le.h"
#include "base/util.h"
#include "gpu/cmd.h"

/* A memory entry's length is 32-bit: longer segments go out as several entries. */
#define MAX_ENTRY_LEN 0x80000000u

static void init_hdr(struct virtio_gpu_ctrl_hdr *h, uint32_t type)
{
    h->type = vgpu_le32(type);
}

static void put_rect(struct virtio_gpu_rect *dst, const struct vgpu_rect *r)
{
    dst->x = vgpu_le32(r->x);
    dst->y = vgpu_le32(r->y);
    dst->width = vgpu_le32(r->width);
    dst->height = vgpu_le32(r->height);
}

static int run_nodata(struct vgpu_dev *dev, const void *req, uint32_t len)
{
    struct gpu_cmd c = { req, len, NULL, NULL, 0, VIRTIO_GPU_RESP_OK_NODATA };
    return cmd_run(dev, &c);
}

int gpu_get_display_info(struct vgpu_dev *dev, struct virtio_gpu_resp_display_info *out)
{
    struct virtio_gpu_ctrl_hdr req = { 0 };
    struct gpu_cmd c = { &req, sizeof(req), NULL, out, sizeof(*out), VIRTIO_GPU_RESP_OK_DISPLAY_INFO };

    init_hdr(&req, VIRTIO_GPU_CMD_GET_DISPLAY_INFO);
    return cmd_run(dev, &c);
}

int gpu_get_edid(struct vgpu_dev *dev, uint32_t scanout, struct virtio_gpu_resp_edid *out)
{
    struct virtio_gpu_get_edid req = { 0 };
    struct gpu_cmd c = { &req, sizeof(req), NULL, out, sizeof(*out), VIRTIO_GPU_RESP_OK_EDID };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_GET_EDID);
    req.scanout = vgpu_le32(scanout);
    return cmd_run(dev, &c);
}

int gpu_resource_create_2d(struct vgpu_dev *dev, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
    struct virtio_gpu_resource_create_2d req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);
    req.resource_id = vgpu_le32(id);
    req.format = vgpu_le32(format);
    req.width = vgpu_le32(w);
    req.height = vgpu_le32(h);
    return run_nodata(dev, &req, sizeof(req));
}

int gpu_resource_unref(struct vgpu_dev *dev, uint32_t id)
{
    struct virtio_gpu_resource_unref req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_RESOURCE_UNREF);
    req.resource_id = vgpu_le32(id);
    return run_nodata(dev, &req, sizeof(req));
}

static uint32_t count_entries(const struct vgpu_dma_seg *segs, uint32_t nsegs)
{
    uint64_t n = 0;
    uint32_t i;
    for (i = 0; i < nsegs; i++)
        n += (segs[i].len + MAX_ENTRY_LEN - 1) / MAX_ENTRY_LEN;
    return n > UINT32_MAX ? 0 : (uint32_t)n;
}

static void fill_entries(struct virtio_gpu_mem_entry *e, const struct vgpu_dma_seg *segs, uint32_t nsegs)
{
    uint32_t i;
    for (i = 0; i < nsegs; i++) {
        uint64_t addr = segs[i].addr, left = segs[i].len;
        while (left) {
            uint32_t len = (uint32_t)VGPU_MIN(left, (uint64_t)MAX_ENTRY_LEN);
            e->addr = vgpu_le64(addr);
            e->length = vgpu_le32(len);
            e->padding = 0;
            e++;
            addr += len;
            left -= len;
        }
    }
}

/*
 * The entries go in a DMA block of their own, as a second device-readable buffer: a large
 * framebuffer has thousands of pages, far more than a command slot holds.
 */
int gpu_attach_backing(struct vgpu_dev *dev, uint32_t id, const struct vgpu_dma_seg *segs, uint32_t nsegs)
{
    struct virtio_gpu_resource_attach_backing req = { 0 };
    uint32_t n = count_entries(segs, nsegs);
    struct vgpu_dma ents;
    struct vq_buf data;
    struct gpu_cmd c = { &req, sizeof(req), &data, NULL, 0, VIRTIO_GPU_RESP_OK_NODATA };
    int rc;

    if (n == 0 || (uint64_t)n * sizeof(struct virtio_gpu_mem_entry) > UINT32_MAX)
        return VGPU_E_INVAL;
    if (!vgpu_os_dma_alloc(dev->os, (size_t)n * sizeof(struct virtio_gpu_mem_entry), &ents))
        return VGPU_E_NOMEM;
    fill_entries(ents.cpu, segs, nsegs);
    data = (struct vq_buf){ ents.addr, (uint32_t)(n * sizeof(struct virtio_gpu_mem_entry)), false };
    init_hdr(&req.hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
    req.resource_id = vgpu_le32(id);
    req.nr_entries = vgpu_le32(n);
    rc = cmd_run(dev, &c);
    /* A command that never completed may still be read by the device: free it after the reset.
     * Only one can be outstanding, since the first timeout latches the device broken. */
    if ((rc == VGPU_E_TIMEOUT || rc == VGPU_E_BROKEN) && !dev->orphan.cpu)
        dev->orphan = ents;
    else
        vgpu_os_dma_free(dev->os, &ents);
    return rc;
}

int gpu_detach_backing(struct vgpu_dev *dev, uint32_t id)
{
    struct virtio_gpu_resource_detach_backing req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING);
    req.resource_id = vgpu_le32(id);
    return run_nodata(dev, &req, sizeof(req));
}

int gpu_set_scanout(struct vgpu_dev *dev, uint32_t scanout, uint32_t id, const struct vgpu_rect *r)
{
    struct virtio_gpu_set_scanout req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_SET_SCANOUT);
    put_rect(&req.r, r);
    req.scanout_id = vgpu_le32(scanout);
    req.resource_id = vgpu_le32(id);
    return run_nodata(dev, &req, sizeof(req));
}

int gpu_transfer_to_host_2d(struct vgpu_dev *dev, uint32_t id, const struct vgpu_rect *r,
                            uint64_t offset, bool fenced)
{
    struct virtio_gpu_transfer_to_host_2d req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);
    put_rect(&req.r, r);
    req.offset = vgpu_le64(offset);
    req.resource_id = vgpu_le32(id);
    return fenced ? cmd_queue_fenced(dev, &req, sizeof(req)) : run_nodata(dev, &req, sizeof(req));
}

int gpu_resource_flush(struct vgpu_dev *dev, uint32_t id, const struct vgpu_rect *r, bool fenced)
{
    struct virtio_gpu_resource_flush req = { 0 };

    init_hdr(&req.hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH);
    put_rect(&req.r, r);
    req.resource_id = vgpu_le32(id);
    return fenced ? cmd_queue_fenced(dev, &req, sizeof(req)) : run_nodata(dev, &req, sizeof(req));
}

static int send_cursor(struct vgpu_dev *dev, uint32_t type, uint32_t scanout, uint32_t id,
                       uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y)
{
    struct virtio_gpu_update_cursor req = { 0 };

    init_hdr(&req.hdr, type);
    req.pos.scanout_id = vgpu_le32(scanout);
    req.pos.x = vgpu_le32(x);
    req.pos.y = vgpu_le32(y);
    req.resource_id = vgpu_le32(id);
    req.hot_x = vgpu_le32(hot_x);
    req.hot_y = vgpu_le32(hot_y);
    return cmd_cursor(dev, &req, sizeof(req));
}

int gpu_update_cursor(struct vgpu_dev *dev, uint32_t scanout, uint32_t id, uint32_t hot_x,
                      uint32_t hot_y, uint32_t x, uint32_t y)
{
    return send_cursor(dev, VIRTIO_GPU_CMD_UPDATE_CURSOR, scanout, id, hot_x, hot_y, x, y);
}

/*
 * MOVE_CURSOR changes only the position, but QEMU decides visibility from the resource id of
 * every cursor command, so a move must name the cursor's resource or it hides the pointer.
 */
int gpu_move_cursor(struct vgpu_dev *dev, uint32_t scanout, uint32_t id, uint32_t x, uint32_t y)
{
    return send_cursor(dev, VIRTIO_GPU_CMD_MOVE_CURSOR, scanout, id, 0, 0, x, y);
}
