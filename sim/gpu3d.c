/*
 * gpu3d.c — the smallest 3D (virgl) side that lets the core's 3D path be tested: capsets,
 * contexts and their attachments, 3D resources (kept as plain images), transfers of 2D textures
 * to and from the backing, and SUBMIT_3D accepted and counted.  No rendering.  The error codes
 * follow QEMU 7.2's virtio-gpu-virgl.c where it has one; the injected faults of gpu.c apply to
 * every command here as to the 2D ones.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "../core/base/le.h"

#define DEFAULT_CAPSET_SIZE 1024u
#define TEXEL_BYTES         4u      /* every non-buffer 3D resource is kept as 32-bit texels */
#define TARGET_BUFFER       0u
#define TARGET_2D           2u

static void put32(uint8_t *b, uint32_t off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        b[off + i] = (uint8_t)(v >> (8 * i));
}

/* Offsets of virglrenderer's struct virgl_caps_v2 (virgl_hw.h): facts, not a parser. */
static void default_capset(struct sim_capset_slot *c)
{
    *c = (struct sim_capset_slot){ SPEC_GPU_CAPSET_VIRGL2, 2, DEFAULT_CAPSET_SIZE, DEFAULT_CAPSET_SIZE, { 0 } };
    put32(c->data, 0, 2);             /* max_version */
    put32(c->data, 4, 1u << 1);       /* sampler formats: B8G8R8A8_UNORM (1) */
    put32(c->data, 68, 1u << 1);      /* render formats: the same */
    put32(c->data, 264, 330);         /* glsl level */
    put32(c->data, 268, 256);         /* array layers */
    put32(c->data, 280, 4);           /* render targets */
    put32(c->data, 284, 4);           /* samples */
    put32(c->data, 300, 1);           /* viewports */
    put32(c->data, 484, 8192);        /* max 2D texture size */
    put32(c->data, 488, 256);         /* 3D */
    put32(c->data, 492, 8192);        /* cube */
    memcpy(c->data + 696, "simvirgl", 8);
}

static const struct sim_capset_slot *capset_at(struct sim *sim, uint32_t index)
{
    struct sim_gpu3d *g = &sim->gpu3d;

    if (index >= SIM_MAX_CAPSETS)
        return NULL;
    if (!g->custom_capsets && index == 0 && g->capset[0].id == 0)
        default_capset(&g->capset[0]);
    return g->capset[index].id || g->custom_capsets ? &g->capset[index] : NULL;
}

void sim_set_capset(struct sim *sim, unsigned index, uint32_t id, uint32_t max_version,
                    uint32_t max_size, const void *data, uint32_t len)
{
    struct sim_gpu3d *g = &sim->gpu3d;

    if (!g->custom_capsets)
        memset(g->capset, 0, sizeof(g->capset));
    g->custom_capsets = true;
    if (index >= SIM_MAX_CAPSETS)
        return;
    len = len < SIM_CAPSET_BYTES ? len : SIM_CAPSET_BYTES;
    g->capset[index] = (struct sim_capset_slot){ id, max_version, max_size, len, { 0 } };
    if (data)
        memcpy(g->capset[index].data, data, len);
}

bool sim_is_3d_cmd(const struct sim *sim, uint32_t type)
{
    return sim->cfg.virgl && (type == SPEC_GPU_CMD_GET_CAPSET_INFO || type == SPEC_GPU_CMD_GET_CAPSET ||
                              (type >= SPEC_GPU_CMD_CTX_CREATE && type <= SPEC_GPU_CMD_SUBMIT_3D));
}

/* ---- capsets ---- */

static uint32_t cmd_capset_info(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_get_capset_info q;
    struct spec_gpu_resp_capset_info r = { .hdr.type = vgpu_le32(SPEC_GPU_RESP_OK_CAPSET_INFO) };
    const struct sim_capset_slot *c;

    if (!sim_read_cmd(sim, e, &q, sizeof(q)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    if ((c = capset_at(sim, vgpu_from_le32(q.capset_index))) != NULL) {   /* QEMU: zeros otherwise */
        r.capset_id = vgpu_le32(c->id);
        r.capset_max_version = vgpu_le32(c->max_version);
        r.capset_max_size = vgpu_le32(c->max_size);
    }
    sim_gpu_respond(sim, e, &r, sizeof(r));
    return SIM_RESP_SENT;
}

static const struct sim_capset_slot *capset_by_id(struct sim *sim, uint32_t id)
{
    for (uint32_t i = 0; i < SIM_MAX_CAPSETS; i++) {
        const struct sim_capset_slot *c = capset_at(sim, i);
        if (c && c->id == id)
            return c;
    }
    return NULL;
}

/* Header, then the capset bytes (only `len` of them: a shorter capset is a truncated answer). */
static uint32_t cmd_capset(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_get_capset q;
    const struct sim_capset_slot *c;
    uint8_t *resp;
    size_t n;

    if (!sim_read_cmd(sim, e, &q, sizeof(q)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    c = capset_by_id(sim, vgpu_from_le32(q.capset_id));
    if (!c || vgpu_from_le32(q.capset_version) == 0 || vgpu_from_le32(q.capset_version) > c->max_version)
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    n = sizeof(struct spec_gpu_ctrl_hdr) + (c->len < c->max_size ? c->len : c->max_size);
    if (!(resp = calloc(1, n)))
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    ((struct spec_gpu_ctrl_hdr *)resp)->type = vgpu_le32(SPEC_GPU_RESP_OK_CAPSET);
    memcpy(resp + sizeof(struct spec_gpu_ctrl_hdr), c->data, n - sizeof(struct spec_gpu_ctrl_hdr));
    sim_gpu_respond(sim, e, resp, n);
    free(resp);
    return SIM_RESP_SENT;
}

/* ---- contexts and attachments ---- */

static int ctx_index(const struct sim *sim, uint32_t id)
{
    for (uint32_t i = 0; i < SIM_MAX_CTX; i++)
        if (sim->gpu3d.ctx[i] == id)
            return (int)i;
    return -1;
}

static uint32_t *ctx_slot(struct sim *sim, uint32_t id)
{
    int i = ctx_index(sim, id);

    return i < 0 ? NULL : &sim->gpu3d.ctx[i];
}

/* An attachment whose resource was unreferenced is gone too (virglrenderer drops it). */
static int attachment(struct sim *sim, uint32_t ctx, uint32_t res)
{
    struct sim_gpu3d *g = &sim->gpu3d;
    int found = -1;

    for (uint32_t i = 0; i < SIM_MAX_ATTACH; i++) {
        if (g->attached[i].ctx && !sim_res_find(sim, g->attached[i].res))
            g->attached[i].ctx = 0;
        if (g->attached[i].ctx == ctx && g->attached[i].res == res && ctx)
            found = (int)i;
    }
    return found;
}

static void drop_ctx_attachments(struct sim *sim, uint32_t ctx)
{
    for (uint32_t i = 0; i < SIM_MAX_ATTACH; i++)
        if (sim->gpu3d.attached[i].ctx == ctx)
            sim->gpu3d.attached[i].ctx = 0;
}

static uint32_t cmd_ctx_create(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_ctx_create c;
    uint32_t id, nlen;
    int at;

    if (!sim_read_cmd(sim, e, &c, sizeof(c)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    id = vgpu_from_le32(c.hdr.ctx_id);
    nlen = vgpu_from_le32(c.nlen);
    if (nlen > sizeof(c.debug_name)) {
        sim_driver_error(sim, "ctx_create: name length %u", nlen);
        nlen = sizeof(c.debug_name);
    }
    if (id == 0 || ctx_slot(sim, id))
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    if ((at = ctx_index(sim, 0)) < 0)
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    sim->gpu3d.ctx[at] = id;
    memcpy(sim->gpu3d.ctx_name[at], c.debug_name, nlen);
    sim->gpu3d.ctx_name[at][nlen] = '\0';
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_ctx_destroy(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_ctx_destroy c;
    uint32_t *slot;

    if (!sim_read_cmd(sim, e, &c, sizeof(c)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    if (!(slot = ctx_slot(sim, vgpu_from_le32(c.hdr.ctx_id))) || *slot == 0)
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    drop_ctx_attachments(sim, *slot);
    *slot = 0;
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t cmd_ctx_resource(struct sim *sim, struct vdev_elem *e, bool attach)
{
    struct spec_gpu_resource_ref c;
    uint32_t ctx, res;
    int at;

    if (!sim_read_cmd(sim, e, &c, sizeof(c)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    ctx = vgpu_from_le32(c.hdr.ctx_id);
    res = vgpu_from_le32(c.resource_id);
    if (ctx == 0 || !ctx_slot(sim, ctx))
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    if (!sim_res_find(sim, res))
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    at = attachment(sim, ctx, res);
    if (!attach) {
        if (at < 0)
            return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        sim->gpu3d.attached[at].ctx = 0;
        return SPEC_GPU_RESP_OK_NODATA;
    }
    if (at >= 0)
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    for (uint32_t i = 0; i < SIM_MAX_ATTACH && at < 0; i++)
        at = sim->gpu3d.attached[i].ctx == 0 ? (int)i : -1;
    if (at < 0)
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    sim->gpu3d.attached[at].ctx = ctx;
    sim->gpu3d.attached[at].res = res;
    return SPEC_GPU_RESP_OK_NODATA;
}

/* ---- resources ---- */

static uint64_t res_bytes(const struct spec_gpu_resource_create_3d *c)
{
    uint64_t layers = (uint64_t)(c->depth ? c->depth : 1) * (c->array_size ? c->array_size : 1);

    if (c->target == TARGET_BUFFER)
        return c->width;
    return (uint64_t)c->width * TEXEL_BYTES * c->height * layers;
}

static void res3d_from_le(struct spec_gpu_resource_create_3d *c)
{
    uint32_t *w = &c->resource_id;

    for (unsigned i = 0; i < 11; i++)
        w[i] = vgpu_from_le32(w[i]);
}

static uint32_t cmd_create_3d(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_resource_create_3d c;
    struct sim_resource *res;
    uint64_t bytes;

    if (!sim_read_cmd(sim, e, &c, sizeof(c)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    res3d_from_le(&c);
    if (c.resource_id == 0 || sim_res_find(sim, c.resource_id))
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    bytes = res_bytes(&c);
    if (c.width == 0 || c.height == 0 || bytes + sim->stats.hostmem >= sim->cfg.max_hostmem)
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    if (!(res = calloc(1, sizeof(*res))) || !(res->image = calloc(1, bytes ? bytes : 1))) {
        free(res);
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
    res->id = c.resource_id;
    res->format = c.target == TARGET_2D ? c.format : 0;   /* 0: not a 2D texture, never copied */
    res->width = c.width;
    res->height = c.height;
    res->hostmem = bytes;
    res->is3d = true;
    res->next = sim->resources;
    sim->resources = res;
    sim->stats.hostmem += bytes;
    sim->stats.live_resources++;
    return SPEC_GPU_RESP_OK_NODATA;
}

/* ---- transfers ---- */

/* Copy between the image and the backing at byte `off` of the backing; false: not all mapped. */
static bool backing_copy(struct sim *sim, const struct sim_resource *res, uint64_t off, uint8_t *img,
                         uint64_t len, bool to_backing)
{
    for (uint32_t i = 0; i < res->nents && len; i++) {
        uint64_t start = res->ent_start[i], end = start + res->ent_len[i], n;
        uint8_t *mem;

        if (off >= end || off < start)
            continue;
        n = end - off < len ? end - off : len;
        if (!(mem = sim_map(sim, res->ent_addr[i] + (off - start), n)))
            return false;
        memcpy(to_backing ? mem : img, to_backing ? img : mem, n);
        img += n;
        off += n;
        len -= n;
    }
    return len == 0;
}

static bool box_in_2d(const struct spec_gpu_box *b, const struct sim_resource *res)
{
    return b->z == 0 && b->d == 1 && b->w && b->h && (uint64_t)b->x + b->w <= res->width &&
           (uint64_t)b->y + b->h <= res->height;
}

static uint32_t copy_box(struct sim *sim, struct sim_resource *res, const struct spec_gpu_transfer_host_3d *t,
                         bool to_host)
{
    struct spec_gpu_box b = t->box;
    uint64_t row = (uint64_t)b.w * TEXEL_BYTES, stride = t->stride ? t->stride : row;

    if (!box_in_2d(&b, res) || t->level != 0 || stride < row)
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    for (uint32_t y = 0; y < b.h; y++) {
        uint8_t *img = res->image + ((uint64_t)(b.y + y) * res->width + b.x) * TEXEL_BYTES;
        if (!backing_copy(sim, res, t->offset + stride * y, img, row, !to_host)) {
            sim_driver_error(sim, "transfer_3d: resource %u row %u outside its backing", res->id, y);
            return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
        }
    }
    return SPEC_GPU_RESP_OK_NODATA;
}

static void transfer_from_le(struct spec_gpu_transfer_host_3d *t)
{
    t->box = (struct spec_gpu_box){ vgpu_from_le32(t->box.x), vgpu_from_le32(t->box.y),
                                      vgpu_from_le32(t->box.z), vgpu_from_le32(t->box.w),
                                      vgpu_from_le32(t->box.h), vgpu_from_le32(t->box.d) };
    t->offset = vgpu_from_le64(t->offset);
    t->resource_id = vgpu_from_le32(t->resource_id);
    t->level = vgpu_from_le32(t->level);
    t->stride = vgpu_from_le32(t->stride);
    t->layer_stride = vgpu_from_le32(t->layer_stride);
}

static uint32_t cmd_transfer_3d(struct sim *sim, struct vdev_elem *e, bool to_host)
{
    struct spec_gpu_transfer_host_3d t;
    struct sim_resource *res;
    uint32_t ctx;

    if (!sim_read_cmd(sim, e, &t, sizeof(t)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    transfer_from_le(&t);
    ctx = vgpu_from_le32(t.hdr.ctx_id);
    if (!(res = sim_res_find(sim, t.resource_id)))
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (ctx == 0 || !ctx_slot(sim, ctx) || attachment(sim, ctx, t.resource_id) < 0)
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    if (!res->nents)
        return SPEC_GPU_RESP_ERR_UNSPEC;
    if (to_host)
        sim->gpu3d.counts.transfers_to++;
    else
        sim->gpu3d.counts.transfers_from++;
    return res->format ? copy_box(sim, res, &t, to_host) : SPEC_GPU_RESP_OK_NODATA;
}

/* ---- submission ---- */

static uint32_t cmd_submit(struct sim *sim, struct vdev_elem *e)
{
    struct spec_gpu_cmd_submit s;
    uint32_t size, ctx;

    if (!sim_read_cmd(sim, e, &s, sizeof(s)))
        return SPEC_GPU_RESP_ERR_UNSPEC;
    size = vgpu_from_le32(s.size);
    ctx = vgpu_from_le32(s.hdr.ctx_id);
    if (ctx == 0 || !ctx_slot(sim, ctx))
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    if ((uint64_t)e->out_bytes < sizeof(s) + (uint64_t)size) {
        sim_driver_error(sim, "submit_3d: %u stream bytes claimed, %u sent", size,
                         e->out_bytes - (uint32_t)sizeof(s));
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    sim->gpu3d.counts.submits++;
    sim->gpu3d.counts.submit_bytes += size;
    sim->gpu3d.submit_size = size;
    vdev_elem_read(e, sizeof(s), sim->gpu3d.submit_head, size < SIM_SUBMIT_KEPT ? size : SIM_SUBMIT_KEPT);
    return SPEC_GPU_RESP_OK_NODATA;
}

uint32_t sim_cmd_3d(struct sim *sim, struct vdev_elem *e, uint32_t type)
{
    switch (type) {
    case SPEC_GPU_CMD_GET_CAPSET_INFO:        return cmd_capset_info(sim, e);
    case SPEC_GPU_CMD_GET_CAPSET:             return cmd_capset(sim, e);
    case SPEC_GPU_CMD_CTX_CREATE:             return cmd_ctx_create(sim, e);
    case SPEC_GPU_CMD_CTX_DESTROY:            return cmd_ctx_destroy(sim, e);
    case SPEC_GPU_CMD_CTX_ATTACH_RESOURCE:    return cmd_ctx_resource(sim, e, true);
    case SPEC_GPU_CMD_CTX_DETACH_RESOURCE:    return cmd_ctx_resource(sim, e, false);
    case SPEC_GPU_CMD_RESOURCE_CREATE_3D:     return cmd_create_3d(sim, e);
    case SPEC_GPU_CMD_TRANSFER_TO_HOST_3D:    return cmd_transfer_3d(sim, e, true);
    case SPEC_GPU_CMD_TRANSFER_FROM_HOST_3D:  return cmd_transfer_3d(sim, e, false);
    default:                                    return cmd_submit(sim, e);
    }
}

/* A device reset destroys every context (3D resources go with the 2D ones in gpu.c). */
void sim_gpu3d_reset(struct sim *sim)
{
    memset(sim->gpu3d.ctx, 0, sizeof(sim->gpu3d.ctx));
    memset(sim->gpu3d.ctx_name, 0, sizeof(sim->gpu3d.ctx_name));
    memset(sim->gpu3d.attached, 0, sizeof(sim->gpu3d.attached));
}

void sim_3d(const struct sim *sim, struct sim_3d_view *out)
{
    *out = sim->gpu3d.counts;
    out->contexts = out->attachments = out->resources = 0;
    for (const struct sim_resource *res = sim->resources; res; res = res->next)
        out->resources += res->is3d;
    for (uint32_t i = 0; i < SIM_MAX_CTX; i++)
        out->contexts += sim->gpu3d.ctx[i] != 0;
    for (uint32_t i = 0; i < SIM_MAX_ATTACH; i++)
        out->attachments += sim->gpu3d.attached[i].ctx && sim_res_find(sim, sim->gpu3d.attached[i].res);
}

const char *sim_3d_ctx_name(const struct sim *sim, uint32_t ctx)
{
    int i = ctx ? ctx_index(sim, ctx) : -1;

    return i < 0 ? NULL : sim->gpu3d.ctx_name[i];
}

bool sim_3d_attached(const struct sim *sim, uint32_t ctx, uint32_t res)
{
    for (uint32_t i = 0; i < SIM_MAX_ATTACH; i++)
        if (ctx && sim->gpu3d.attached[i].ctx == ctx && sim->gpu3d.attached[i].res == res)
            return sim_res_find(sim, res) != NULL;
    return false;
}

uint32_t sim_3d_last_submit(const struct sim *sim, void *out, uint32_t cap)
{
    uint32_t kept = sim->gpu3d.submit_size < SIM_SUBMIT_KEPT ? sim->gpu3d.submit_size : SIM_SUBMIT_KEPT;

    memcpy(out, sim->gpu3d.submit_head, cap < kept ? cap : kept);
    return sim->gpu3d.submit_size;
}
