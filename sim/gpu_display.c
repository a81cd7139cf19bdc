/*
 * gpu_display.c — what the "monitors" show: display info, EDID, scanouts, flushes and the
 * cursor queue.  Each scanout keeps its own pixel buffer, filled when a resource is put on it
 * and updated only by RESOURCE_FLUSH, so a missing flush stays visible to tests.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "../core/base/le.h"

#define MIN_SCANOUT_SIZE 16u          /* QEMU 7.2 refuses smaller scanout rectangles */
#define EDID_FALLBACK_W  1024u        /* preferred size for a display without a size */
#define EDID_FALLBACK_H  768u

uint32_t sim_cmd_display_info(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resp_display_info r;

    memset(&r, 0, sizeof(r));
    r.hdr.type = vgpu_le32(SPEC_GPU_RESP_OK_DISPLAY_INFO);
    for (unsigned i = 0; i < sim_scanout_limit(sim); i++) {
        if (!sim->cfg.display[i].enabled)
            continue;
        r.pmodes[i].enabled = vgpu_le32(1);
        r.pmodes[i].r.width = vgpu_le32(sim->cfg.display[i].width);
        r.pmodes[i].r.height = vgpu_le32(sim->cfg.display[i].height);
    }
    sim_gpu_respond(sim, e, &r, sizeof(r));
    return SIM_RESP_SENT;
}

uint32_t sim_cmd_get_edid(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_get_edid g;
    struct spec_gpu_resp_edid *r;
    uint32_t s, w, h;

    if (!sim_read_cmd(sim, e, &g, sizeof(g)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    s = vgpu_from_le32(g.scanout);
    if (s >= sim_scanout_limit(sim))
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    r = calloc(1, sizeof(*r));
    if (!r)
        return SPEC_GPU_RESP_ERR_UNSPEC;
    w = sim->cfg.display[s].width ? sim->cfg.display[s].width : EDID_FALLBACK_W;
    h = sim->cfg.display[s].height ? sim->cfg.display[s].height : EDID_FALLBACK_H;
    r->hdr.type = vgpu_le32(SPEC_GPU_RESP_OK_EDID);
    sim_edid_generate(r->edid, sizeof(r->edid), w, h, sim->cfg.edid_extensions);
    r->size = vgpu_le32(sizeof(r->edid));   /* QEMU reports the whole 1024-byte buffer */
    sim_gpu_respond(sim, e, r, sizeof(*r));
    free(r);
    return SIM_RESP_SENT;
}

void sim_scanout_disable(struct sim *sim, unsigned id)
{
    struct sim_scanout *s = &sim->scanout[id];
    struct sim_resource *res;

    if (s->resource_id == 0)
        return;
    res = sim_res_find(sim, s->resource_id);
    if (res)
        res->scanout_mask &= ~(1u << id);
    free(s->pixels);
    s->pixels = NULL;
    s->resource_id = 0;
    s->x = s->y = s->width = s->height = 0;
}

/* Copy a rectangle of the resource (resource coordinates) to the scanout's pixels. */
static void show_rect(struct sim_scanout *s, const struct sim_resource *res, uint32_t x,
                      uint32_t y, uint32_t w, uint32_t h)
{
    for (uint32_t row = y; row < y + h; row++)
        memcpy(&s->pixels[(size_t)(row - s->y) * s->width + (x - s->x)],
               res->image + ((size_t)row * res->width + x) * 4u, (size_t)w * 4u);
}

static uint32_t bind_scanout(struct sim *sim, unsigned id, struct sim_resource *res,
                             const struct spec_gpu_rect *r)
{
    struct sim_scanout *s = &sim->scanout[id];
    struct sim_resource *old;
    uint32_t *px;

    if (s->resource_id == res->id && s->x == r->x && s->y == r->y && s->width == r->width &&
        s->height == r->height)
        return SPEC_GPU_RESP_OK_NODATA;   /* same surface: nothing is redrawn */
    px = malloc((size_t)r->width * r->height * 4u);
    if (!px)
        return SPEC_GPU_RESP_ERR_UNSPEC;
    old = sim_res_find(sim, s->resource_id);
    if (old)
        old->scanout_mask &= ~(1u << id);
    free(s->pixels);
    s->pixels = px;
    s->resource_id = res->id;
    s->x = r->x;
    s->y = r->y;
    s->width = r->width;
    s->height = r->height;
    res->scanout_mask |= 1u << id;
    show_rect(s, res, r->x, r->y, r->width, r->height);   /* a new surface shows the resource */
    return SPEC_GPU_RESP_OK_NODATA;
}

uint32_t sim_cmd_set_scanout(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_set_scanout ss;
    struct sim_resource *res;
    uint32_t id;

    if (!sim_read_cmd(sim, e, &ss, sizeof(ss)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    sim_rect_from_le(&ss.r);
    id = vgpu_from_le32(ss.scanout_id);
    if (id >= sim_scanout_limit(sim))
        return SPEC_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    if (ss.resource_id == 0) {
        sim_scanout_disable(sim, id);
        return SPEC_GPU_RESP_OK_NODATA;
    }
    res = sim_res_find(sim, vgpu_from_le32(ss.resource_id));
    if (!res)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!res->nents)
        return SPEC_GPU_RESP_ERR_UNSPEC;
    if (!sim_rect_in_resource(&ss.r, res) || ss.r.width < MIN_SCANOUT_SIZE ||
        ss.r.height < MIN_SCANOUT_SIZE)
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    return bind_scanout(sim, id, res, &ss.r);
}

uint32_t sim_cmd_flush(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resource_flush rf;
    struct sim_resource *res;

    if (!sim_read_cmd(sim, e, &rf, sizeof(rf)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    sim_rect_from_le(&rf.r);
    res = sim_res_find(sim, vgpu_from_le32(rf.resource_id));
    if (!res)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!sim_rect_in_resource(&rf.r, res))
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    for (unsigned i = 0; i < SIM_MAX_SCANOUTS; i++) {
        struct sim_scanout *s = &sim->scanout[i];
        uint32_t x0, y0, x1, y1;

        if (!(res->scanout_mask & (1u << i)))
            continue;
        x0 = rf.r.x > s->x ? rf.r.x : s->x;
        y0 = rf.r.y > s->y ? rf.r.y : s->y;
        x1 = rf.r.x + rf.r.width < s->x + s->width ? rf.r.x + rf.r.width : s->x + s->width;
        y1 = rf.r.y + rf.r.height < s->y + s->height ? rf.r.y + rf.r.height : s->y + s->height;
        if (x0 < x1 && y0 < y1)
            show_rect(s, res, x0, y0, x1 - x0, y1 - y0);
    }
    return SPEC_GPU_RESP_OK_NODATA;
}

/* QEMU's update_cursor: the image is copied from a 64x64 resource at update time. */
static void cursor_update(struct sim *sim, struct sim_scanout *s,
                          const struct spec_gpu_update_cursor *c)
{
    uint32_t rid = vgpu_from_le32(c->resource_id);
    const struct sim_resource *res = rid ? sim_res_find(sim, rid) : NULL;

    s->cursor.defined = true;
    s->cursor.hot_x = vgpu_from_le32(c->hot_x);
    s->cursor.hot_y = vgpu_from_le32(c->hot_y);
    s->cursor.resource_id = rid;
    if (res && res->width == SIM_CURSOR_SIZE && res->height == SIM_CURSOR_SIZE)
        memcpy(s->cursor_image, res->image, sizeof(s->cursor_image));
    else if (rid)
        sim_driver_error(sim, "cursor resource %u is missing or not 64x64", rid);
}

void sim_cursor_command(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_update_cursor c;
    struct sim_scanout *s;
    uint32_t type, id;

    if (vdev_elem_read(e, 0, &c, sizeof(c)) != sizeof(c)) {
        sim_driver_error(sim, "cursor command of %u bytes", e->out_bytes);
        return;
    }
    type = vgpu_from_le32(c.hdr.type);
    id = vgpu_from_le32(c.pos.scanout_id);
    if (id >= sim_scanout_limit(sim))
        return;   /* QEMU ignores it silently */
    s = &sim->scanout[id];
    if (type != SPEC_GPU_CMD_MOVE_CURSOR) {
        if (type != SPEC_GPU_CMD_UPDATE_CURSOR)
            sim_driver_error(sim, "cursor queue command 0x%x treated as an update", type);
        cursor_update(sim, s, &c);
    }
    s->cursor.x = vgpu_from_le32(c.pos.x);
    s->cursor.y = vgpu_from_le32(c.pos.y);
    /* QEMU shows the cursor iff this command (update or move) names a resource. */
    s->cursor.visible = c.resource_id != 0;
}
