/*
 * gpu_resource.c — 2D resources: create, unref, backing attach/detach and transfer to host,
 * with QEMU 7.2's checks and error codes (hw/display/virtio-gpu.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "../core/base/le.h"

#define MAX_BACKING_ENTRIES 16384u   /* QEMU's limit on nr_entries */
#define BYTES_PER_PIXEL 4u

struct sim_resource *sim_res_find(const struct sim *sim, uint32_t id)
{
    for (struct sim_resource *r = sim->resources; r; r = r->next)
        if (r->id == id)
            return r;
    return NULL;
}

static bool format_supported(uint32_t f)
{
    switch (f) {
    case SPEC_GPU_FORMAT_B8G8R8A8_UNORM: case SPEC_GPU_FORMAT_B8G8R8X8_UNORM:
    case SPEC_GPU_FORMAT_A8R8G8B8_UNORM: case SPEC_GPU_FORMAT_X8R8G8B8_UNORM:
    case SPEC_GPU_FORMAT_R8G8B8A8_UNORM: case SPEC_GPU_FORMAT_X8B8G8R8_UNORM:
    case SPEC_GPU_FORMAT_A8B8G8R8_UNORM: case SPEC_GPU_FORMAT_R8G8B8X8_UNORM:
        return true;
    default:
        return false;
    }
}

static void drop_backing(struct sim_resource *res)
{
    free(res->ent_addr);
    free(res->ent_len);
    free(res->ent_start);
    res->ent_addr = NULL;
    res->ent_len = NULL;
    res->ent_start = NULL;
    res->nents = 0;
    res->backing_bytes = 0;
}

void sim_res_destroy(struct sim *sim, struct sim_resource *res)
{
    struct sim_resource **pp = &sim->resources;

    for (unsigned i = 0; i < SIM_MAX_SCANOUTS; i++)
        if (res->scanout_mask & (1u << i))
            sim_scanout_disable(sim, i);
    while (*pp != res)
        pp = &(*pp)->next;
    *pp = res->next;
    sim->stats.hostmem -= res->hostmem;
    sim->stats.live_resources--;
    drop_backing(res);
    free(res->image);
    free(res);
}

uint32_t sim_cmd_create_2d(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resource_create_2d c;
    struct sim_resource *res;
    uint64_t hostmem;

    if (!sim_read_cmd(sim, e, &c, sizeof(c)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    c.resource_id = vgpu_from_le32(c.resource_id);
    c.format = vgpu_from_le32(c.format);
    c.width = vgpu_from_le32(c.width);
    c.height = vgpu_from_le32(c.height);
    if (c.resource_id == 0 || sim_res_find(sim, c.resource_id))
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!format_supported(c.format))
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    hostmem = (uint64_t)c.width * BYTES_PER_PIXEL * c.height;
    if (hostmem + sim->stats.hostmem >= sim->cfg.max_hostmem)
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    res = calloc(1, sizeof(*res));
    if (!res || !(res->image = calloc(1, hostmem ? hostmem : 1))) {
        free(res);
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    *res = (struct sim_resource){ .id = c.resource_id, .format = c.format, .width = c.width,
                                  .height = c.height, .hostmem = hostmem, .image = res->image,
                                  .next = sim->resources };
    sim->resources = res;
    sim->stats.hostmem += hostmem;
    sim->stats.live_resources++;
    return SPEC_GPU_RESP_OK_NODATA;
}

uint32_t sim_cmd_unref(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resource_ref u;
    struct sim_resource *res;

    if (!sim_read_cmd(sim, e, &u, sizeof(u)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    res = sim_res_find(sim, vgpu_from_le32(u.resource_id));
    if (!res)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    sim_res_destroy(sim, res);
    return SPEC_GPU_RESP_OK_NODATA;
}

/* Read the mem_entry array that follows the request and check every range maps. */
static bool load_entries(struct sim *sim, struct vdev_elem *e, struct sim_resource *res, uint32_t n)
{
    struct spec_gpu_mem_entry *ents = malloc((size_t)n * sizeof(*ents) + 1);
    uint64_t start = 0;
    bool ok = ents != NULL;

    if (ok && vdev_elem_read(e, sizeof(struct spec_gpu_resource_attach_backing), ents,
                            (size_t)n * sizeof(*ents)) != (size_t)n * sizeof(*ents)) {
        sim_driver_error(sim, "attach_backing: entry array shorter than %u entries", n);
        ok = false;
    }
    res->ent_addr = calloc(n + 1u, sizeof(uint64_t));
    res->ent_len = calloc(n + 1u, sizeof(uint32_t));
    res->ent_start = calloc(n + 1u, sizeof(uint64_t));
    ok = ok && res->ent_addr && res->ent_len && res->ent_start;
    for (uint32_t i = 0; ok && i < n; i++) {
        res->ent_addr[i] = vgpu_from_le64(ents[i].addr);
        res->ent_len[i] = vgpu_from_le32(ents[i].length);
        res->ent_start[i] = start;
        start += res->ent_len[i];
        ok = sim_map(sim, res->ent_addr[i], res->ent_len[i]) != NULL;
    }
    free(ents);
    res->nents = n;
    res->backing_bytes = start;
    if (!ok)
        drop_backing(res);
    return ok;
}

uint32_t sim_cmd_attach_backing(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resource_attach_backing ab;
    struct sim_resource *res;
    uint32_t n;

    if (!sim_read_cmd(sim, e, &ab, sizeof(ab)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    res = sim_res_find(sim, vgpu_from_le32(ab.resource_id));
    if (!res)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    n = vgpu_from_le32(ab.nr_entries);
    if (res->nents || n > MAX_BACKING_ENTRIES || !load_entries(sim, e, res, n))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    /* QEMU accepts a short backing and copies less later; a correct driver never sends one. */
    if (res->backing_bytes < res->hostmem)
        sim_driver_error(sim, "backing of %llu bytes for a %llu-byte resource",
                         (unsigned long long)res->backing_bytes, (unsigned long long)res->hostmem);
    return SPEC_GPU_RESP_OK_NODATA;
}

uint32_t sim_cmd_detach_backing(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resource_ref d;
    struct sim_resource *res;

    if (!sim_read_cmd(sim, e, &d, sizeof(d)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    res = sim_res_find(sim, vgpu_from_le32(d.resource_id));
    if (!res)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!res->nents)
        return SPEC_GPU_RESP_ERR_UNSPEC;
    drop_backing(res);
    return SPEC_GPU_RESP_OK_NODATA;
}

/* Index of the entry holding byte `off` of the backing (binary search over ent_start). */
static uint32_t entry_at(const struct sim_resource *res, uint64_t off)
{
    uint32_t lo = 0, hi = res->nents;

    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (res->ent_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* QEMU's iov_to_buf over the backing; the memory is mapped again at every use. */
static void backing_read(struct sim *sim, const struct sim_resource *res, uint64_t off,
                         uint8_t *dst, uint64_t len)
{
    uint32_t i = off < res->backing_bytes ? entry_at(res, off) : res->nents;

    while (len && i < res->nents) {
        uint64_t in = off - res->ent_start[i];
        uint64_t n = res->ent_len[i] - in < len ? res->ent_len[i] - in : len;
        const uint8_t *src = n ? sim_map(sim, res->ent_addr[i] + in, n) : NULL;

        if (n && !src)
            sim_driver_error(sim, "resource %u backing entry %u is no longer mapped", res->id, i);
        else if (n)
            memcpy(dst, src, n);
        dst += n;
        off += n;
        len -= n;
        i++;
    }
    if (len)
        sim_driver_error(sim, "transfer reads %llu bytes beyond the backing of resource %u",
                         (unsigned long long)len, res->id);
}

static bool rect_inside(const struct spec_gpu_rect *r, uint32_t w, uint32_t h)
{
    return r->x <= w && r->y <= h && r->width <= w && r->height <= h &&
           (uint64_t)r->x + r->width <= w && (uint64_t)r->y + r->height <= h;
}

void sim_rect_from_le(struct spec_gpu_rect *r)
{
    r->x = vgpu_from_le32(r->x);
    r->y = vgpu_from_le32(r->y);
    r->width = vgpu_from_le32(r->width);
    r->height = vgpu_from_le32(r->height);
}

bool sim_rect_in_resource(const struct spec_gpu_rect *r, const struct sim_resource *res)
{
    return rect_inside(r, res->width, res->height);
}

uint32_t sim_cmd_transfer_2d(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_transfer_to_host_2d t;
    struct sim_resource *res;
    uint64_t stride, offset;

    if (!sim_read_cmd(sim, e, &t, sizeof(t)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    sim_rect_from_le(&t.r);
    offset = vgpu_from_le64(t.offset);
    res = sim_res_find(sim, vgpu_from_le32(t.resource_id));
    if (!res)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!res->nents)
        return SPEC_GPU_RESP_ERR_UNSPEC;
    if (!sim_rect_in_resource(&t.r, res))
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    stride = (uint64_t)res->width * BYTES_PER_PIXEL;
    if (offset || t.r.x || t.r.y || t.r.width != res->width) {
        /* Source rows start at offset + stride*h: the offset locates the rect's first pixel. */
        for (uint32_t h = 0; h < t.r.height; h++)
            backing_read(sim, res, offset + stride * h,
                         res->image + (t.r.y + h) * stride + (uint64_t)t.r.x * BYTES_PER_PIXEL,
                         (uint64_t)t.r.width * BYTES_PER_PIXEL);
    } else {
        /* QEMU's fast path copies the whole image, whatever the rect's height. */
        backing_read(sim, res, 0, res->image, stride * res->height);
    }
    return SPEC_GPU_RESP_OK_NODATA;
}
