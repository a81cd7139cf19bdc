/* caps3d.c — capability sets: how many, what each is, the bytes, and the parsed virgl caps. */
#include "base/le.h"
#include "base/log.h"
#include "base/util.h"
#include "gpu3d/gpu3d.h"
#include "gpu3d/obj3d.h"

bool vgpu3d_available(const struct vgpu_dev *dev)
{
    return vgpu_has_feature(dev, VIRTIO_GPU_F_VIRGL);
}

unsigned vgpu3d_capset_count(struct vgpu_dev *dev)
{
    uint32_t n = 0;

    if (!vgpu3d_available(dev) || vpci_device_read32(&dev->pci, VIRTIO_GPU_CFG_NUM_CAPSETS, &n) != VGPU_OK)
        return 0;
    return VGPU_MIN(n, VGPU3D_MAX_CAPSETS);
}

/* What the device says about a capset is checked like any device data. */
static int check_info(struct vgpu_dev *dev, unsigned index, const struct vgpu3d_capset_info *ci)
{
    if (ci->id == 0 || ci->max_version == 0 || ci->max_size == 0 || ci->max_size > VGPU3D_CAPSET_MAX_SIZE) {
        vgpu_err(dev->os, "capset %u: unusable info (id %u, version %u, size %u)", index, ci->id,
                 ci->max_version, ci->max_size);
        return VGPU_E_PROTO;
    }
    return VGPU_OK;
}

int vgpu3d_capset_info(struct vgpu_dev *dev, unsigned index, struct vgpu3d_capset_info *out)
{
    struct virtio_gpu_resp_capset_info resp;
    int rc;

    if (!vgpu3d_available(dev))
        return VGPU_E_UNSUPPORTED;
    if (!out || index >= vgpu3d_capset_count(dev))
        return VGPU_E_INVAL;
    if ((rc = gpu_get_capset_info(dev, index, &resp)) != VGPU_OK)
        return rc;
    out->id = vgpu_from_le32(resp.capset_id);
    out->max_version = vgpu_from_le32(resp.capset_max_version);
    out->max_size = vgpu_from_le32(resp.capset_max_size);
    return check_info(dev, index, out);
}

/* The capset's size as the device reported it; the id must be one the device lists. */
static int find_capset(struct vgpu_dev *dev, uint32_t id, struct vgpu3d_capset_info *ci)
{
    unsigned i, n = vgpu3d_capset_count(dev);
    int rc;

    for (i = 0; i < n; i++) {
        if ((rc = vgpu3d_capset_info(dev, i, ci)) != VGPU_OK)
            return rc;
        if (ci->id == id)
            return VGPU_OK;
    }
    return VGPU_E_INVAL;
}

/* A timed-out command may still write the buffer: keep it until the reset, like gpu2d.c does. */
static void release_dma(struct vgpu_dev *dev, struct vgpu_dma *dma, int rc)
{
    if ((rc == VGPU_E_TIMEOUT || rc == VGPU_E_BROKEN) && !dev->orphan.cpu)
        dev->orphan = *dma;
    else
        vgpu_os_dma_free(dev->os, dma);
}

static void keep_parsed(struct vgpu_dev *dev, uint32_t id, const uint8_t *bytes, uint32_t len)
{
    struct virgl_caps caps;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs || virgl_caps_parse(bytes, len, id, &caps) != VGPU_OK)
        return;
    if (objs->caps_loaded && objs->caps.capset_id > caps.capset_id)
        return;   /* VIRGL2 says more than VIRGL: keep it */
    objs->caps = caps;
    objs->caps_loaded = true;
    if (caps.clamped)
        vgpu_warn(dev->os, "capset %u: %u fields out of range, clamped", id, caps.clamped);
}

int vgpu3d_get_capset(struct vgpu_dev *dev, uint32_t id, uint32_t version, void *out, uint32_t out_len,
                      uint32_t *len)
{
    struct vgpu3d_capset_info ci;
    struct vgpu_dma dma;
    struct vq_buf data;
    int rc;

    if (!vgpu3d_available(dev))
        return VGPU_E_UNSUPPORTED;
    if (!out || !len)
        return VGPU_E_INVAL;
    if ((rc = find_capset(dev, id, &ci)) != VGPU_OK)
        return rc;
    if (version == 0 || version > ci.max_version || out_len < ci.max_size)
        return VGPU_E_INVAL;
    if (!vgpu_os_dma_alloc(dev->os, ci.max_size, &dma))
        return VGPU_E_NOMEM;
    data = (struct vq_buf){ dma.addr, ci.max_size, true };
    rc = gpu_get_capset(dev, id, version, &data);
    if (rc == VGPU_OK) {
        vgpu_copy(out, dma.cpu, ci.max_size);
        *len = ci.max_size;
        keep_parsed(dev, id, out, ci.max_size);
    }
    release_dma(dev, &dma, rc);
    return rc;
}

/* VIRGL2 if the device has it (a superset of VIRGL), at the newest version it offers. */
static int pick_capset(struct vgpu_dev *dev, struct vgpu3d_capset_info *best)
{
    struct vgpu3d_capset_info ci;
    unsigned i, n = vgpu3d_capset_count(dev);
    int rc;

    best->id = 0;
    for (i = 0; i < n; i++) {
        if ((rc = vgpu3d_capset_info(dev, i, &ci)) != VGPU_OK)
            return rc;
        if ((ci.id == VIRTIO_GPU_CAPSET_VIRGL || ci.id == VIRTIO_GPU_CAPSET_VIRGL2) && ci.id > best->id)
            *best = ci;
    }
    return best->id ? VGPU_OK : VGPU_E_UNSUPPORTED;
}

int vgpu3d_load_caps(struct vgpu_dev *dev, struct virgl_caps *out)
{
    struct vgpu3d_capset_info ci;
    uint32_t len;
    uint8_t *bytes;
    int rc;
    struct obj3d *objs = obj3d_get(dev, &rc);

    if (!objs)
        return rc;
    if ((rc = pick_capset(dev, &ci)) != VGPU_OK)
        return rc;
    if (!(bytes = vgpu_os_zalloc(dev->os, ci.max_size)))
        return VGPU_E_NOMEM;
    rc = vgpu3d_get_capset(dev, ci.id, ci.max_version, bytes, ci.max_size, &len);
    if (rc == VGPU_OK && !objs->caps_loaded) {
        vgpu_err(dev->os, "capset %u: not a usable virgl capset", ci.id);
        rc = VGPU_E_PROTO;
    }
    vgpu_os_free(dev->os, bytes, ci.max_size);
    if (rc == VGPU_OK && out)
        *out = objs->caps;
    return rc;
}
