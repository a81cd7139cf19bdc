/*
 * dev_res.c — what the scripted device keeps of the driver's 2D commands (resources, backing,
 * scanouts, cursor) and the judgement of each command.  While the device has told no lie, a
 * command that QEMU would refuse is a driver bug and a finding; after a lie the driver may be
 * confused, and the device answers like QEMU (an error response) instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dev_internal.h"
#include "../../core/base/le.h"

#define MAX_DIM 16384u

void res_driver_bug(const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    if (!dev_truthful())
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fz_finding("invalid command from the driver: %s", msg);
}

void res_reset(void)
{
    dev.nres = 0;
    memset(dev.scanout_res, 0, sizeof(dev.scanout_res));
    res3d_reset();
}

struct dev_res *res_find(uint32_t id)
{
    for (unsigned i = 0; i < dev.nres; i++)
        if (dev.res[i].id == id)
            return &dev.res[i];
    return NULL;
}

static void drop(struct dev_res *r)
{
    for (unsigned s = 0; s < DEV_SCANOUTS; s++)
        if (dev.scanout_res[s] == r->id)
            dev.scanout_res[s] = 0;
    res3d_forget(r->id);
    *r = dev.res[--dev.nres];
}

/* false: the table is full (a driver bug while the device is truthful; refused either way) */
bool res_room(void)
{
    if (dev.nres < DEV_MAX_RES)
        return true;
    res_driver_bug("the driver holds more than %u resources", DEV_MAX_RES);
    return false;
}

void res_add(uint32_t id, uint32_t w, uint32_t h, bool is3d)
{
    dev.res[dev.nres++] = (struct dev_res){ id, w, h, false, false, is3d };
}

static unsigned scanout_limit(void)
{
    return dev.num_scanouts < DEV_SCANOUTS ? dev.num_scanouts : DEV_SCANOUTS;
}

/* The request struct, whole: the core never sends a short one. */
void res_read_req(const struct dev_elem *e, void *req, size_t size, uint32_t type)
{
    if (vdev_elem_read(&e->chain, 0, req, size) != size)
        fz_finding("command 0x%x of %u bytes, shorter than its %zu-byte struct", type,
                   e->chain.out_bytes, size);
}

static bool rect_inside(const struct spec_gpu_rect *r, const struct dev_res *res)
{
    uint32_t x = vgpu_from_le32(r->x), y = vgpu_from_le32(r->y);
    uint32_t w = vgpu_from_le32(r->width), h = vgpu_from_le32(r->height);

    return w && h && (uint64_t)x + w <= res->w && (uint64_t)y + h <= res->h;
}

static uint32_t create_2d(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_resource_create_2d c;
    uint32_t id, fmt, w, h;

    res_read_req(e, &c, sizeof(c), SPEC_GPU_CMD_RESOURCE_CREATE_2D);
    id = vgpu_from_le32(c.resource_id);
    fmt = vgpu_from_le32(c.format);
    w = vgpu_from_le32(c.width);
    h = vgpu_from_le32(c.height);
    if (id == 0 || res_find(id)) {
        res_driver_bug("CREATE_2D of resource %u, which is 0 or live", id);
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if ((fmt != SPEC_GPU_FORMAT_B8G8R8X8_UNORM && fmt != SPEC_GPU_FORMAT_B8G8R8A8_UNORM) ||
        w == 0 || h == 0 || w > MAX_DIM || h > MAX_DIM) {
        res_driver_bug("CREATE_2D format %u size %ux%u", fmt, w, h);
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (!res_room())
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    if (perform)
        res_add(id, w, h, false);
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t unref(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_resource_ref u;
    struct dev_res *r;

    res_read_req(e, &u, sizeof(u), SPEC_GPU_CMD_RESOURCE_UNREF);
    r = res_find(vgpu_from_le32(u.resource_id));
    if (!r) {
        res_driver_bug("UNREF of unknown resource %u", vgpu_from_le32(u.resource_id));
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    r->unref_seen = true;
    if (perform)
        drop(r);
    return SPEC_GPU_RESP_OK_NODATA;
}

/* Every entry must be memory the driver owns, together covering the whole resource (a 3D
 * resource's size depends on its format and levels: there, some memory). */
static bool entries_cover(const struct dev_elem *e, uint32_t n, const struct dev_res *r)
{
    uint64_t total = 0;

    if ((uint64_t)e->chain.out_bytes != sizeof(struct spec_gpu_resource_attach_backing) + 16ull * n)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        struct spec_gpu_mem_entry m;
        vdev_elem_read(&e->chain, sizeof(struct spec_gpu_resource_attach_backing) + 16u * i, &m,
                       sizeof(m));
        if (!fz_map(vgpu_from_le64(m.addr), vgpu_from_le32(m.length)))
            return false;
        total += vgpu_from_le32(m.length);
    }
    return r->is3d ? total > 0 : total >= (uint64_t)r->w * r->h * 4u;
}

static uint32_t attach(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_resource_attach_backing a;
    struct dev_res *r;
    uint32_t n;

    res_read_req(e, &a, sizeof(a), SPEC_GPU_CMD_RESOURCE_ATTACH_BACKING);
    r = res_find(vgpu_from_le32(a.resource_id));
    n = vgpu_from_le32(a.nr_entries);
    if (!r || r->backed || n == 0 || !entries_cover(e, n, r)) {
        res_driver_bug("ATTACH_BACKING to resource %u (%s) with %u entries",
                       vgpu_from_le32(a.resource_id), r ? "live" : "unknown", n);
        return r ? SPEC_GPU_RESP_ERR_UNSPEC : SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (perform)
        r->backed = true;
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t detach(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_resource_ref d;
    struct dev_res *r;

    res_read_req(e, &d, sizeof(d), SPEC_GPU_CMD_RESOURCE_DETACH_BACKING);
    r = res_find(vgpu_from_le32(d.resource_id));
    if (!r || !r->backed) {
        res_driver_bug("DETACH_BACKING of resource %u without backing", vgpu_from_le32(d.resource_id));
        return r ? SPEC_GPU_RESP_ERR_UNSPEC : SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (perform)
        r->backed = false;
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t set_scanout(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_set_scanout s;
    uint32_t sid, id;
    struct dev_res *r;

    res_read_req(e, &s, sizeof(s), SPEC_GPU_CMD_SET_SCANOUT);
    sid = vgpu_from_le32(s.scanout_id);
    id = vgpu_from_le32(s.resource_id);
    if (sid >= scanout_limit()) {
        res_driver_bug("SET_SCANOUT on scanout %u of %u", sid, scanout_limit());
        return SPEC_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
    r = id ? res_find(id) : NULL;
    if (id && (!r || !r->backed || !rect_inside(&s.r, r))) {
        res_driver_bug("SET_SCANOUT %u to resource %u (missing, unbacked or rect outside)", sid, id);
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (perform)
        dev.scanout_res[sid] = id;
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t flush(const struct dev_elem *e)
{
    struct spec_gpu_resource_flush f;
    struct dev_res *r;

    res_read_req(e, &f, sizeof(f), SPEC_GPU_CMD_RESOURCE_FLUSH);
    r = res_find(vgpu_from_le32(f.resource_id));
    if (!r || !rect_inside(&f.r, r)) {
        res_driver_bug("RESOURCE_FLUSH of resource %u (missing or rect outside)", vgpu_from_le32(f.resource_id));
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    return SPEC_GPU_RESP_OK_NODATA;
}

/* QEMU reads row i of the rect at offset + i * stride: all of it must lie inside the backing. */
static uint32_t transfer(const struct dev_elem *e)
{
    struct spec_gpu_transfer_to_host_2d t;
    uint64_t stride, end;
    struct dev_res *r;

    res_read_req(e, &t, sizeof(t), SPEC_GPU_CMD_TRANSFER_TO_HOST_2D);
    r = res_find(vgpu_from_le32(t.resource_id));
    if (!r || !r->backed || !rect_inside(&t.r, r)) {
        res_driver_bug("TRANSFER_TO_HOST_2D to resource %u (missing, unbacked or rect outside)",
                       vgpu_from_le32(t.resource_id));
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    stride = (uint64_t)r->w * 4u;
    end = vgpu_from_le64(t.offset) + stride * (vgpu_from_le32(t.r.height) - 1u) +
          4ull * vgpu_from_le32(t.r.width);
    if (end > stride * r->h || end < vgpu_from_le64(t.offset))
        res_driver_bug("TRANSFER_TO_HOST_2D reads past the backing (offset 0x%llx)",
                       (unsigned long long)vgpu_from_le64(t.offset));
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t get_edid(const struct dev_elem *e)
{
    struct spec_gpu_get_edid g;

    res_read_req(e, &g, sizeof(g), SPEC_GPU_CMD_GET_EDID);
    if (!vdev_has_feature(&dev.vd, SPEC_GPU_F_EDID) || vgpu_from_le32(g.scanout) >= scanout_limit()) {
        res_driver_bug("GET_EDID for scanout %u (EDID feature %u)", vgpu_from_le32(g.scanout),
                       vdev_has_feature(&dev.vd, SPEC_GPU_F_EDID));
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    return SPEC_GPU_RESP_OK_EDID;
}

uint32_t res_command(struct dev_elem *e, uint32_t type, bool perform)
{
    switch (type) {
    case SPEC_GPU_CMD_GET_DISPLAY_INFO:        return SPEC_GPU_RESP_OK_DISPLAY_INFO;
    case SPEC_GPU_CMD_GET_EDID:                return get_edid(e);
    case SPEC_GPU_CMD_RESOURCE_CREATE_2D:      return create_2d(e, perform);
    case SPEC_GPU_CMD_RESOURCE_UNREF:          return unref(e, perform);
    case SPEC_GPU_CMD_RESOURCE_ATTACH_BACKING: return attach(e, perform);
    case SPEC_GPU_CMD_RESOURCE_DETACH_BACKING: return detach(e, perform);
    case SPEC_GPU_CMD_SET_SCANOUT:             return set_scanout(e, perform);
    case SPEC_GPU_CMD_RESOURCE_FLUSH:          return flush(e);
    case SPEC_GPU_CMD_TRANSFER_TO_HOST_2D:     return transfer(e);
    default:
        if (res3d_is_3d(type))
            return res3d_command(e, type, perform);
        res_driver_bug("unknown control command 0x%x", type);
        return SPEC_GPU_RESP_ERR_UNSPEC;
    }
}

void res_cursor(struct dev_elem *e)
{
    struct spec_gpu_update_cursor c;
    uint32_t type, id;
    struct dev_res *r;

    res_read_req(e, &c, sizeof(c), SPEC_GPU_CMD_UPDATE_CURSOR);
    type = vgpu_from_le32(c.hdr.type);
    id = vgpu_from_le32(c.resource_id);
    if (type != SPEC_GPU_CMD_UPDATE_CURSOR && type != SPEC_GPU_CMD_MOVE_CURSOR)
        res_driver_bug("cursor queue command 0x%x", type);
    if (vgpu_from_le32(c.pos.scanout_id) >= scanout_limit())
        res_driver_bug("cursor command for scanout %u of %u", vgpu_from_le32(c.pos.scanout_id),
                       scanout_limit());
    r = id ? res_find(id) : NULL;
    if (type == SPEC_GPU_CMD_UPDATE_CURSOR && id && (!r || r->w != 64 || r->h != 64))
        res_driver_bug("UPDATE_CURSOR names resource %u, not a live 64x64 one", id);
    if (type == SPEC_GPU_CMD_UPDATE_CURSOR)
        dev.cursor = (struct dev_cursor_update){ dev.cursor.seq + 1, vgpu_from_le32(c.pos.scanout_id),
                                                 vgpu_from_le32(c.hot_x), vgpu_from_le32(c.hot_y),
                                                 vgpu_from_le32(c.pos.x), vgpu_from_le32(c.pos.y) };
}

struct dev_cursor_update dev_last_cursor_update(void) { return dev.cursor; }
