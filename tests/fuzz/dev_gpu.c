/*
 * dev_gpu.c — the device's answers: run a control command (dev_res.c, dev_res3d.c), build the
 * response QEMU would send (echoing the fence; display info; an EDID from the software device's
 * generator; capset info and bytes from dev_caps3d.c), then let FZ_SCRIPT_RESP bend it.
 * Cursor-queue commands get no response.
 */
#include <string.h>

#include "dev_internal.h"
#include "../../core/base/le.h"
#include "../../sim/sim.h"

#define HDR_LEN sizeof(struct spec_gpu_ctrl_hdr)

union response {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_resp_display_info info;
    struct spec_gpu_resp_edid edid;
    struct spec_gpu_resp_capset_info capset_info;
    uint8_t capset[HDR_LEN + DEV_CAPSET_MAX];
};

static size_t display_info(union response *r)
{
    for (unsigned i = 0; i < dev.num_scanouts && i < DEV_SCANOUTS; i++) {
        struct spec_gpu_display_one *d = &r->info.pmodes[i];
        if (!dev.disp[i].enabled)
            continue;
        d->enabled = vgpu_le32(1);
        d->r.width = vgpu_le32(dev.disp[i].w);
        d->r.height = vgpu_le32(dev.disp[i].h);
    }
    return sizeof(r->info);
}

/* QEMU fills the whole 1024-byte buffer and reports that size. */
static size_t edid(const struct dev_elem *e, union response *r)
{
    struct spec_gpu_get_edid g;
    uint32_t s, w, h;

    vdev_elem_read(&e->chain, 0, &g, sizeof(g));
    s = vgpu_from_le32(g.scanout) % DEV_SCANOUTS;
    w = dev.disp[s].w && dev.disp[s].w <= 16384 ? dev.disp[s].w : 1024;
    h = dev.disp[s].h && dev.disp[s].h <= 16384 ? dev.disp[s].h : 768;
    sim_edid_generate(r->edid.edid, sizeof(r->edid.edid), w, h, 1);
    r->edid.size = vgpu_le32(sizeof(r->edid.edid));
    return sizeof(r->edid);
}

static size_t honest(const struct dev_elem *e, const struct spec_gpu_ctrl_hdr *req, uint32_t type,
                     union response *r)
{
    size_t len = HDR_LEN;

    memset(r, 0, sizeof(*r));
    if (type == SPEC_GPU_RESP_OK_DISPLAY_INFO)
        len = display_info(r);
    else if (type == SPEC_GPU_RESP_OK_EDID)
        len = edid(e, r);
    else if (type == SPEC_GPU_RESP_OK_CAPSET_INFO)
        len = caps3d_info(e, &r->capset_info);
    else if (type == SPEC_GPU_RESP_OK_CAPSET)
        len = HDR_LEN + caps3d_bytes(e, r->capset + HDR_LEN);
    r->hdr.type = vgpu_le32(type);
    if (vgpu_from_le32(req->flags) & SPEC_GPU_FLAG_FENCE) {
        r->hdr.flags = vgpu_le32(SPEC_GPU_FLAG_FENCE);
        r->hdr.fence_id = req->fence_id;
        r->hdr.ctx_id = req->ctx_id;
    }
    return len;
}

static uint32_t error_type(void)
{
    return SPEC_GPU_RESP_ERR_UNSPEC + tape_u8() % 6u;
}

/* Data the host may legitimately send: any display layout, any EDID or capset bytes (a capset's
 * id, version or size that its next answer contradicts is a lie, in dev_caps3d.c). */
static void custom_payload(union response *r, size_t len)
{
    switch (vgpu_from_le32(r->hdr.type)) {
    case SPEC_GPU_RESP_OK_DISPLAY_INFO: tape_fill(r->info.pmodes, sizeof(r->info.pmodes)); break;
    case SPEC_GPU_RESP_OK_EDID:
        r->edid.size = vgpu_le32(tape_u16());
        tape_fill(r->edid.edid, sizeof(r->edid.edid));
        break;
    case SPEC_GPU_RESP_OK_CAPSET_INFO:  caps3d_custom_info(&r->capset_info); break;
    case SPEC_GPU_RESP_OK_CAPSET:       tape_fill(r->capset + HDR_LEN, len - HDR_LEN); break;
    default: break;
    }
}

/*
 * FZ_SCRIPT_RESP, one decision per response: 0 honest; 1 honest error (not performed); 2 error
 * although performed; 3 random type; 4 the OK type of another command; 5 short; 6 wrong fence;
 * 7 custom display info / EDID; 8 an error type nobody defined (not performed).
 */
static size_t bend(uint8_t action, union response *r, size_t len)
{
    uint32_t fenced = vgpu_from_le32(r->hdr.flags) & SPEC_GPU_FLAG_FENCE;

    switch (action) {
    case 1: r->hdr.type = vgpu_le32(error_type()); return HDR_LEN;
    case 2: r->hdr.type = vgpu_le32(error_type()); return HDR_LEN;
    case 3: r->hdr.type = vgpu_le32(tape_u32()); return len;
    case 4:
        r->hdr.type = vgpu_le32(len == HDR_LEN ? SPEC_GPU_RESP_OK_DISPLAY_INFO : SPEC_GPU_RESP_OK_NODATA);
        return len;
    case 5: return tape_u16() % len;
    case 6:
        r->hdr.flags = vgpu_le32(fenced ? (tape_u8() & 1 ? 0 : SPEC_GPU_FLAG_FENCE) : SPEC_GPU_FLAG_FENCE);
        r->hdr.fence_id = vgpu_le64(vgpu_from_le64(r->hdr.fence_id) + 1u + tape_u8());
        return len;
    case 7: custom_payload(r, len); return len;
    case 8: r->hdr.type = vgpu_le32(0x1206u + tape_u8()); return HDR_LEN;
    default: return len;
    }
}

uint32_t gpu_control(struct dev_elem *e)
{
    static union response r;
    struct spec_gpu_ctrl_hdr req;
    uint8_t action = dev_has(FZ_SCRIPT_RESP) ? tape_u8() % 9 : 0;
    bool perform = action != 1 && action != 8;
    size_t len, written;

    if (vdev_elem_read(&e->chain, 0, &req, sizeof(req)) != sizeof(req))
        fz_finding("control request of %u bytes, shorter than a header", e->chain.out_bytes);
    len = honest(e, &req, res_command(e, vgpu_from_le32(req.type), perform), &r);
    if (action == 1 || action == 7 || action == 8)
        dev_deviate();
    else if (action)
        dev_lie();
    len = bend(action, &r, len);
    written = vdev_elem_write(&e->chain, 0, &r, len);
    if (written < len && dev_truthful())   /* after a lied capset size, QEMU truncates too */
        fz_finding("response buffer of %u bytes for a %zu-byte response", e->chain.in_bytes, len);
    return (uint32_t)written;
}

void gpu_cursor(struct dev_elem *e)
{
    if (e->chain.in_num)
        fz_finding("cursor command with a writable buffer");
    res_cursor(e);
}
