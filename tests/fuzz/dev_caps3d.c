/*
 * dev_caps3d.c — the scripted device's virgl offer (FZ_SCRIPT_3D): SPEC_GPU_F_VIRGL, the number of
 * capsets, and each capset's info and bytes.  Honest default: what QEMU 7.2 with virgl lists —
 * VIRGL v1 (308 bytes) and VIRGL2 v2 (1376 bytes) — holding a small plausible set of caps.
 *
 * Creation-time decisions (each nonzero one an honest deviation: another device may offer this):
 * u8 xor on num_capsets, then u8 xor on VIRGL2's max_version, u16 xor on its max_size.
 * Per-response bends (contents, ids, sizes) are dev_gpu.c's.
 */
#include <string.h>

#include "dev_internal.h"
#include "../../core/base/le.h"

#define VIRGL_V1_SIZE 308u
#define VIRGL2_SIZE   1376u

static uint32_t xor_knob(uint32_t value, uint32_t tape_xor)
{
    if (tape_xor)
        dev_deviate();
    return value ^ tape_xor;
}

void caps3d_init(void)
{
    if (!dev_has(FZ_SCRIPT_3D))
        return;
    dev.vd.offered |= 1ull << SPEC_GPU_F_VIRGL;
    dev.capset[0] = (struct dev_capset){ SPEC_GPU_CAPSET_VIRGL, 1, VIRGL_V1_SIZE };
    dev.capset[1] = (struct dev_capset){ SPEC_GPU_CAPSET_VIRGL2, 2, VIRGL2_SIZE };
    dev.num_capsets = xor_knob(DEV_MAX_CAPSETS, tape_u8());
    dev.capset[1].max_version = xor_knob(dev.capset[1].max_version, tape_u8());
    dev.capset[1].max_size = xor_knob(dev.capset[1].max_size, tape_u16());
    if (dev.capset[1].max_size > DEV_CAPSET_MAX)
        dev.capset[1].max_size = DEV_CAPSET_MAX;
}

/* QEMU answers an index past its list with zeros, not an error. */
size_t caps3d_info(const struct dev_elem *e, struct spec_gpu_resp_capset_info *r)
{
    struct spec_gpu_get_capset_info q;
    uint32_t i;

    res_read_req(e, &q, sizeof(q), SPEC_GPU_CMD_GET_CAPSET_INFO);
    i = vgpu_from_le32(q.capset_index);
    if (i < dev.num_capsets && i < DEV_MAX_CAPSETS) {
        r->capset_id = vgpu_le32(dev.capset[i].id);
        r->capset_max_version = vgpu_le32(dev.capset[i].max_version);
        r->capset_max_size = vgpu_le32(dev.capset[i].max_size);
    }
    return sizeof(*r);
}

static void put32(uint8_t *b, uint32_t off, uint32_t v, uint32_t size)
{
    for (unsigned i = 0; i < 4 && off + i < size; i++)
        b[off + i] = (uint8_t)(v >> (8 * i));
}

/* Offsets of virglrenderer's struct virgl_caps_v2 (facts); a v1 capset is its first 308 bytes. */
static void plausible_caps(uint8_t *d, const struct dev_capset *c)
{
    memset(d, 0, c->max_size);
    put32(d, 0, c->max_version, c->max_size);
    put32(d, 4, 1u << 1, c->max_size);       /* sampler formats: B8G8R8A8_UNORM */
    put32(d, 68, 1u << 1, c->max_size);      /* render formats */
    put32(d, 264, 330, c->max_size);         /* glsl level */
    put32(d, 268, 256, c->max_size);         /* array layers */
    put32(d, 280, 4, c->max_size);           /* render targets */
    put32(d, 284, 4, c->max_size);           /* samples */
    put32(d, 300, 1, c->max_size);           /* viewports */
    put32(d, 484, 8192, c->max_size);        /* max 2D texture size */
    put32(d, 488, 256, c->max_size);         /* 3D */
    put32(d, 492, 8192, c->max_size);        /* cube */
}

/* The listed capset a GET_CAPSET asks for, at a version it has; NULL: QEMU refuses. */
const struct dev_capset *caps3d_find(const struct dev_elem *e)
{
    struct spec_gpu_get_capset q;
    uint32_t id, version;

    res_read_req(e, &q, sizeof(q), SPEC_GPU_CMD_GET_CAPSET);
    id = vgpu_from_le32(q.capset_id);
    version = vgpu_from_le32(q.capset_version);
    for (uint32_t i = 0; i < dev.num_capsets && i < DEV_MAX_CAPSETS; i++)
        if (dev.capset[i].id == id && version && version <= dev.capset[i].max_version)
            return &dev.capset[i];
    return NULL;
}

/* The capset's max_size bytes (after the response header). */
size_t caps3d_bytes(const struct dev_elem *e, uint8_t *data)
{
    const struct dev_capset *c = caps3d_find(e);

    if (!c)
        return 0;
    plausible_caps(data, c);
    return c->max_size;
}

/* A bent info: any id, version and size (the capset that follows keeps the table's size). */
void caps3d_custom_info(struct spec_gpu_resp_capset_info *r)
{
    tape_fill(&r->capset_id, 3 * sizeof(uint32_t));
    dev_lie();
}
