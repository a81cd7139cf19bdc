/*
 * dev_res3d.c — what the scripted device keeps of the driver's 3D commands (contexts, which
 * resources each has attached, 3D resources in the same table as the 2D ones) and the judgement
 * of each: while the device has told no lie, a command QEMU 7.2 + virglrenderer would refuse is
 * a finding (res_driver_bug); the answer is QEMU's error either way.
 */
#include "dev_internal.h"
#include "../../core/base/le.h"

#define CTX_NAME_MAX 64u

bool res3d_is_3d(uint32_t type)
{
    return vdev_has_feature(&dev.vd, SPEC_GPU_F_VIRGL) &&
           (type == SPEC_GPU_CMD_GET_CAPSET_INFO || type == SPEC_GPU_CMD_GET_CAPSET ||
            (type >= SPEC_GPU_CMD_CTX_CREATE && type <= SPEC_GPU_CMD_SUBMIT_3D));
}

void res3d_reset(void)
{
    dev.nctx = dev.nattached = 0;
}

static struct dev_ctx *ctx_find(uint32_t id)
{
    for (unsigned i = 0; i < dev.nctx; i++)
        if (dev.ctx[i].id == id)
            return &dev.ctx[i];
    return NULL;
}

static int attachment(uint32_t ctx, uint32_t res)
{
    for (unsigned i = 0; i < dev.nattached; i++)
        if (dev.attached[i].ctx == ctx && dev.attached[i].res == res)
            return (int)i;
    return -1;
}

static void drop_attachments(uint32_t ctx, uint32_t res)
{
    for (unsigned i = dev.nattached; i-- > 0;)
        if ((ctx && dev.attached[i].ctx == ctx) || (res && dev.attached[i].res == res))
            dev.attached[i] = dev.attached[--dev.nattached];
}

void res3d_forget(uint32_t res_id)
{
    drop_attachments(0, res_id);
}

static uint32_t capset_info(const struct dev_elem *e)
{
    struct spec_gpu_get_capset_info q;

    res_read_req(e, &q, sizeof(q), SPEC_GPU_CMD_GET_CAPSET_INFO);
    if (vgpu_from_le32(q.capset_index) >= dev.num_capsets)
        res_driver_bug("GET_CAPSET_INFO index %u of %u", vgpu_from_le32(q.capset_index), dev.num_capsets);
    return SPEC_GPU_RESP_OK_CAPSET_INFO;
}

static uint32_t capset(const struct dev_elem *e)
{
    if (caps3d_find(e))
        return SPEC_GPU_RESP_OK_CAPSET;
    res_driver_bug("GET_CAPSET of a capset or version not listed");
    return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
}

static uint32_t ctx_create(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_ctx_create c;
    uint32_t id;

    res_read_req(e, &c, sizeof(c), SPEC_GPU_CMD_CTX_CREATE);
    id = vgpu_from_le32(c.hdr.ctx_id);
    if (vgpu_from_le32(c.nlen) > CTX_NAME_MAX)
        res_driver_bug("CTX_CREATE name length %u", vgpu_from_le32(c.nlen));
    if (id == 0 || ctx_find(id) || dev.nctx == DEV_MAX_CTX) {
        res_driver_bug("CTX_CREATE of context %u (0, live, or the %u-th)", id, dev.nctx + 1);
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    }
    if (perform)
        dev.ctx[dev.nctx++] = (struct dev_ctx){ id, false };
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t ctx_destroy(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_ctx_destroy c;
    struct dev_ctx *x;

    res_read_req(e, &c, sizeof(c), SPEC_GPU_CMD_CTX_DESTROY);
    if (!(x = ctx_find(vgpu_from_le32(c.hdr.ctx_id)))) {
        res_driver_bug("CTX_DESTROY of unknown context %u", vgpu_from_le32(c.hdr.ctx_id));
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    }
    x->destroy_seen = true;
    if (perform) {
        drop_attachments(x->id, 0);
        *x = dev.ctx[--dev.nctx];
    }
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t ctx_resource(const struct dev_elem *e, uint32_t type, bool perform)
{
    struct spec_gpu_resource_ref c;
    uint32_t ctx, res;
    int at;

    res_read_req(e, &c, sizeof(c), type);
    ctx = vgpu_from_le32(c.hdr.ctx_id);
    res = vgpu_from_le32(c.resource_id);
    at = attachment(ctx, res);
    if (!ctx_find(ctx) || !res_find(res)) {
        res_driver_bug("context 0x%x: context %u or resource %u unknown", type, ctx, res);
        return ctx_find(ctx) ? SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID : SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    }
    if ((type == SPEC_GPU_CMD_CTX_ATTACH_RESOURCE) == (at >= 0) || dev.nattached == DEV_MAX_ATTACH) {
        res_driver_bug("0x%x: resource %u is %sattached to context %u", type, res, at >= 0 ? "" : "not ", ctx);
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (perform && at >= 0)
        dev.attached[at] = dev.attached[--dev.nattached];
    else if (perform)
        dev.attached[dev.nattached++] = (struct dev_attach){ ctx, res };
    return SPEC_GPU_RESP_OK_NODATA;
}

static uint32_t create_3d(const struct dev_elem *e, bool perform)
{
    struct spec_gpu_resource_create_3d c;
    uint32_t id, w, h;

    res_read_req(e, &c, sizeof(c), SPEC_GPU_CMD_RESOURCE_CREATE_3D);
    id = vgpu_from_le32(c.resource_id);
    w = vgpu_from_le32(c.width);
    h = vgpu_from_le32(c.height);
    if (id == 0 || res_find(id)) {
        res_driver_bug("RESOURCE_CREATE_3D of resource %u, which is 0 or live", id);
        return SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (w == 0 || h == 0 || vgpu_from_le32(c.depth) == 0) {
        res_driver_bug("RESOURCE_CREATE_3D size %ux%ux%u", w, h, vgpu_from_le32(c.depth));
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    if (!res_room())
        return SPEC_GPU_RESP_ERR_OUT_OF_MEMORY;
    if (perform)
        res_add(id, w, h, true);
    return SPEC_GPU_RESP_OK_NODATA;
}

/* A live, backed 3D resource the (live) context has attached, and a box with something in it. */
static uint32_t transfer_3d(const struct dev_elem *e, uint32_t type)
{
    struct spec_gpu_transfer_host_3d t;
    uint32_t ctx, id;
    struct dev_res *r;

    res_read_req(e, &t, sizeof(t), type);
    ctx = vgpu_from_le32(t.hdr.ctx_id);
    id = vgpu_from_le32(t.resource_id);
    r = res_find(id);
    if (!r || !r->is3d || !r->backed || !ctx_find(ctx) || attachment(ctx, id) < 0) {
        res_driver_bug("0x%x of resource %u in context %u (missing, 2D, unbacked or unattached)", type, id, ctx);
        return r ? SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID : SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    if (!t.box.w || !t.box.h || !t.box.d)
        res_driver_bug("0x%x of an empty box (%ux%ux%u)", type, vgpu_from_le32(t.box.w), vgpu_from_le32(t.box.h),
                       vgpu_from_le32(t.box.d));
    return SPEC_GPU_RESP_OK_NODATA;
}

/* The stream follows the header in the same chain: exactly `size` bytes, whole dwords. */
static uint32_t submit(const struct dev_elem *e)
{
    struct spec_gpu_cmd_submit s;
    uint32_t ctx, size;

    res_read_req(e, &s, sizeof(s), SPEC_GPU_CMD_SUBMIT_3D);
    ctx = vgpu_from_le32(s.hdr.ctx_id);
    size = vgpu_from_le32(s.size);
    if (!ctx_find(ctx)) {
        res_driver_bug("SUBMIT_3D to unknown context %u", ctx);
        return SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID;
    }
    if (size == 0 || size % 4 || (uint64_t)e->chain.out_bytes != sizeof(s) + (uint64_t)size) {
        res_driver_bug("SUBMIT_3D of %u stream bytes in a %u-byte chain", size, e->chain.out_bytes);
        return SPEC_GPU_RESP_ERR_INVALID_PARAMETER;
    }
    return SPEC_GPU_RESP_OK_NODATA;
}

uint32_t res3d_command(const struct dev_elem *e, uint32_t type, bool perform)
{
    switch (type) {
    case SPEC_GPU_CMD_GET_CAPSET_INFO:        return capset_info(e);
    case SPEC_GPU_CMD_GET_CAPSET:             return capset(e);
    case SPEC_GPU_CMD_CTX_CREATE:             return ctx_create(e, perform);
    case SPEC_GPU_CMD_CTX_DESTROY:            return ctx_destroy(e, perform);
    case SPEC_GPU_CMD_CTX_ATTACH_RESOURCE:
    case SPEC_GPU_CMD_CTX_DETACH_RESOURCE:    return ctx_resource(e, type, perform);
    case SPEC_GPU_CMD_RESOURCE_CREATE_3D:     return create_3d(e, perform);
    case SPEC_GPU_CMD_TRANSFER_TO_HOST_3D:
    case SPEC_GPU_CMD_TRANSFER_FROM_HOST_3D:  return transfer_3d(e, type);
    default:                                    return submit(e);
    }
}

unsigned dev_unreleased_contexts(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < dev.nctx; i++)
        n += !dev.ctx[i].destroy_seen;
    return n;
}
