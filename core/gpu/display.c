/* display.c — display info, EDID, mode sets and rectangle updates. */
#include "gpu/display.h"

#include "base/le.h"
#include "base/log.h"
#include "base/util.h"
#include "gpu/cmd.h"
#include "gpu/gpu2d.h"
#include "gpu/modes.h"
#include "gpu/resource.h"

static struct vgpu_scanout *scanout_of(struct vgpu_dev *dev, unsigned idx)
{
    return idx < dev->num_scanouts ? &dev->scanouts[idx] : NULL;
}

/* ---- what the host reports ---- */

/* A host size is used only when both sides are in 1..VGPU_MAX_DIMENSION. */
static void take_display_one(struct vgpu_dev *dev, unsigned i, const struct virtio_gpu_display_one *d)
{
    struct vgpu_scanout *so = &dev->scanouts[i];
    uint32_t w = vgpu_from_le32(d->r.width), h = vgpu_from_le32(d->r.height);

    so->enabled = vgpu_from_le32(d->enabled) != 0;
    so->host_w = so->host_h = 0;
    if (!so->enabled)
        return;
    if (w == 0 || h == 0 || w > VGPU_MAX_DIMENSION || h > VGPU_MAX_DIMENSION) {
        vgpu_warn(dev->os, "scanout %u: ignoring host size %ux%u", i, w, h);
        return;
    }
    so->host_w = w;
    so->host_h = h;
}

/* The EDID is advice from the host: a malformed one is dropped, never half-used. */
static void read_edid(struct vgpu_dev *dev, unsigned i)
{
    struct vgpu_scanout *so = &dev->scanouts[i];
    struct virtio_gpu_resp_edid *r = &dev->edid_resp;
    uint32_t size;

    so->edid_len = 0;
    vgpu_zero(&so->edid_info, sizeof(so->edid_info));
    if (gpu_get_edid(dev, i, r) != VGPU_OK)
        return;
    size = vgpu_from_le32(r->size);
    if (size == 0 || size > sizeof(r->edid)) {
        vgpu_warn(dev->os, "scanout %u: EDID size %u ignored", i, size);
        return;
    }
    if (vgpu_edid_parse(r->edid, size, &so->edid_info) != VGPU_OK) {
        vgpu_warn(dev->os, "scanout %u: malformed EDID ignored", i);
        vgpu_zero(&so->edid_info, sizeof(so->edid_info));
        return;
    }
    vgpu_copy(so->edid, r->edid, size);
    so->edid_len = size;
}

int vgpu_query_displays(struct vgpu_dev *dev)
{
    struct virtio_gpu_resp_display_info info;
    unsigned i;
    int rc;

    dev->display_event = false;   /* an event arriving from here on stays pending */
    rc = gpu_get_display_info(dev, &info);
    if (rc != VGPU_OK) {
        dev->display_event = true;   /* not answered: the host must ask again */
        return rc;
    }
    for (i = 0; i < dev->num_scanouts; i++) {
        take_display_one(dev, i, &info.pmodes[i]);
        if (vgpu_has_feature(dev, VIRTIO_GPU_F_EDID))
            read_edid(dev, i);
        if (dev->broken)
            return VGPU_E_BROKEN;
    }
    return VGPU_OK;
}

bool vgpu_display_event_pending(const struct vgpu_dev *dev)
{
    return dev->display_event;
}

int vgpu_scanout_info(const struct vgpu_dev *dev, unsigned idx, struct vgpu_scanout_info *out)
{
    const struct vgpu_scanout *so;

    if (idx >= dev->num_scanouts || !out)
        return VGPU_E_INVAL;
    so = &dev->scanouts[idx];
    out->enabled = so->enabled;
    out->host_width = so->host_w;
    out->host_height = so->host_h;
    out->edid_len = so->edid_len;
    out->active = so->res_id != 0;
    out->width = so->res_id ? so->fb.width : 0;
    out->height = so->res_id ? so->fb.height : 0;
    return VGPU_OK;
}

const uint8_t *vgpu_scanout_edid(const struct vgpu_dev *dev, unsigned idx, uint32_t *len)
{
    if (idx >= dev->num_scanouts || dev->scanouts[idx].edid_len == 0)
        return NULL;
    if (len)
        *len = dev->scanouts[idx].edid_len;
    return dev->scanouts[idx].edid;
}

size_t vgpu_mode_list(const struct vgpu_dev *dev, unsigned idx, struct vgpu_mode *modes, size_t max)
{
    const struct vgpu_scanout *so;

    if (idx >= dev->num_scanouts)
        return 0;
    so = &dev->scanouts[idx];
    return vgpu_modes_build(so->host_w, so->host_h, so->edid_len ? &so->edid_info : NULL,
                            VGPU_MAX_DIMENSION, VGPU_MAX_DIMENSION, modes, max);
}

int vgpu_preferred_mode(const struct vgpu_dev *dev, unsigned idx, struct vgpu_mode *out)
{
    struct vgpu_mode modes[VGPU_MODES_MAX];
    size_t i, n = vgpu_mode_list(dev, idx, modes, VGPU_ARRAY_SIZE(modes));

    for (i = 0; i < VGPU_MIN(n, VGPU_ARRAY_SIZE(modes)); i++) {
        if (modes[i].flags & VGPU_MODE_PREFERRED) {
            *out = modes[i];
            return VGPU_OK;
        }
    }
    return idx < dev->num_scanouts ? VGPU_E_UNSUPPORTED : VGPU_E_INVAL;
}

/* ---- framebuffer resources ---- */

static uint64_t fb_bytes(uint32_t w, uint32_t h)
{
    return (uint64_t)w * h * VGPU_BYTES_PER_PIXEL;
}

/* Sizes in range, segments present, non-empty, and together large enough for the frame. */
static int check_framebuffer(const struct vgpu_framebuffer *fb)
{
    uint64_t total = 0;
    uint32_t i;

    if (!fb || fb->width == 0 || fb->height == 0 || fb->width > VGPU_MAX_DIMENSION ||
        fb->height > VGPU_MAX_DIMENSION || fb->nsegs == 0 || !fb->segs)
        return VGPU_E_INVAL;
    for (i = 0; i < fb->nsegs; i++) {
        if (fb->segs[i].len == 0 || fb->segs[i].addr + fb->segs[i].len < fb->segs[i].addr)
            return VGPU_E_INVAL;
        total += fb->segs[i].len;
    }
    return total >= fb_bytes(fb->width, fb->height) ? VGPU_OK : VGPU_E_INVAL;
}

/* Create a resource for `fb`, attach its memory and upload the whole frame. */
static int build_resource(struct vgpu_dev *dev, const struct vgpu_framebuffer *fb, uint32_t *id_out)
{
    struct vgpu_rect all = { 0, 0, fb->width, fb->height };
    int rc = resource_create_backed(dev, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, fb->width, fb->height,
                                    fb->segs, fb->nsegs, id_out);

    if (rc == VGPU_OK && (rc = gpu_transfer_to_host_2d(dev, *id_out, &all, 0, false)) != VGPU_OK)
        resource_destroy(dev, *id_out);
    return rc;
}

/* Point the scanout at the resource and flush the whole frame. */
static int show_resource(struct vgpu_dev *dev, unsigned idx, uint32_t id, uint32_t w, uint32_t h)
{
    struct vgpu_rect all = { 0, 0, w, h };
    int rc = gpu_set_scanout(dev, idx, id, &all);
    return rc == VGPU_OK ? gpu_resource_flush(dev, id, &all, false) : rc;
}

/*
 * Transactional: the new resource is complete and on screen before the old one goes.  Any
 * failure before that leaves the old resource, its memory and the scanout as they were.
 */
int vgpu_set_mode(struct vgpu_dev *dev, unsigned idx, const struct vgpu_framebuffer *fb)
{
    struct vgpu_scanout *so = scanout_of(dev, idx);
    uint32_t id, old;
    int rc;

    if (!so || check_framebuffer(fb) != VGPU_OK)
        return VGPU_E_INVAL;
    if (dev->broken)
        return VGPU_E_BROKEN;
    rc = build_resource(dev, fb, &id);
    if (rc != VGPU_OK)
        return rc;
    rc = show_resource(dev, idx, id, fb->width, fb->height);
    if (rc != VGPU_OK) {
        if (so->res_id && !dev->broken)   /* a failed flush may have switched already */
            show_resource(dev, idx, so->res_id, so->fb.width, so->fb.height);
        resource_destroy(dev, id);
        return rc;
    }
    old = so->res_id;
    so->res_id = id;
    so->fb = *fb;
    if (old)
        resource_destroy(dev, old);
    vgpu_info(dev->os, "scanout %u: mode %ux%u, %u segments", idx, fb->width, fb->height, fb->nsegs);
    return VGPU_OK;
}

int vgpu_disable_scanout(struct vgpu_dev *dev, unsigned idx)
{
    struct vgpu_scanout *so = scanout_of(dev, idx);
    struct vgpu_rect none = { 0, 0, 0, 0 };
    int rc;

    if (!so)
        return VGPU_E_INVAL;
    if (dev->broken)
        return VGPU_E_BROKEN;
    rc = gpu_set_scanout(dev, idx, 0, &none);
    if (rc != VGPU_OK)
        return rc;
    if (so->res_id)
        resource_destroy(dev, so->res_id);
    so->res_id = 0;
    vgpu_zero(&so->fb, sizeof(so->fb));
    return VGPU_OK;
}

/* ---- updates ---- */

static int check_rect(const struct vgpu_scanout *so, const struct vgpu_rect *r)
{
    if (!so || !so->res_id || !r)
        return VGPU_E_INVAL;
    if (r->width == 0 || r->height == 0 || r->x >= so->fb.width || r->y >= so->fb.height ||
        r->width > so->fb.width - r->x || r->height > so->fb.height - r->y)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

/* The device reads row y of the rectangle at offset + y * width * 4 (rows are packed). */
static uint64_t rect_offset(const struct vgpu_scanout *so, const struct vgpu_rect *r)
{
    return ((uint64_t)r->y * so->fb.width + r->x) * VGPU_BYTES_PER_PIXEL;
}

int vgpu_flush_rect(struct vgpu_dev *dev, unsigned idx, const struct vgpu_rect *r)
{
    struct vgpu_scanout *so = scanout_of(dev, idx);
    int rc;

    if (check_rect(so, r) != VGPU_OK)
        return VGPU_E_INVAL;
    rc = gpu_transfer_to_host_2d(dev, so->res_id, r, rect_offset(so, r), false);
    return rc == VGPU_OK ? gpu_resource_flush(dev, so->res_id, r, false) : rc;
}

/* The smallest rectangle holding all of `rects`. */
static struct vgpu_rect bounding_rect(const struct vgpu_rect *rects, size_t n)
{
    uint32_t x0 = rects[0].x, y0 = rects[0].y;
    uint32_t x1 = rects[0].x + rects[0].width, y1 = rects[0].y + rects[0].height;
    size_t i;

    for (i = 1; i < n; i++) {
        x0 = VGPU_MIN(x0, rects[i].x);
        y0 = VGPU_MIN(y0, rects[i].y);
        x1 = rects[i].x + rects[i].width > x1 ? rects[i].x + rects[i].width : x1;
        y1 = rects[i].y + rects[i].height > y1 ? rects[i].y + rects[i].height : y1;
    }
    return (struct vgpu_rect){ x0, y0, x1 - x0, y1 - y0 };
}

/*
 * All or nothing: a batch is queued whole or not at all, so VGPU_E_BUSY always means "nothing
 * sent, try again after completions".  A batch larger than the queue could ever hold goes out as
 * its bounding rectangle, which covers the same pixels.
 */
int vgpu_flush_rects_async(struct vgpu_dev *dev, unsigned idx, const struct vgpu_rect *rects, size_t n)
{
    struct vgpu_scanout *so = scanout_of(dev, idx);
    struct vgpu_rect whole;
    size_t i;
    int rc = VGPU_OK;

    if (!rects || n == 0)
        return VGPU_E_INVAL;
    for (i = 0; i < n; i++)
        if (check_rect(so, &rects[i]) != VGPU_OK)
            return VGPU_E_INVAL;
    if (dev->broken)
        return VGPU_E_BROKEN;
    if (n > cmd_fenced_room(dev, false) / 2) {
        whole = bounding_rect(rects, n);
        rects = &whole;
        n = 1;
    }
    if (n > cmd_fenced_room(dev, true) / 2)
        return VGPU_E_BUSY;
    for (i = 0; i < n && rc == VGPU_OK; i++) {
        rc = gpu_transfer_to_host_2d(dev, so->res_id, &rects[i], rect_offset(so, &rects[i]), true);
        if (rc == VGPU_OK)
            rc = gpu_resource_flush(dev, so->res_id, &rects[i], true);
    }
    cmd_kick(dev);   /* one doorbell for the whole batch */
    return rc;
}

int vgpu_wait_idle(struct vgpu_dev *dev)
{
    return cmd_wait_idle(dev);
}

/* ---- reset and close ---- */

int display_restore(struct vgpu_dev *dev)
{
    unsigned i;

    for (i = 0; i < dev->num_scanouts; i++)
        dev->scanouts[i].res_id = 0;   /* the reset destroyed them; fb still says what to show */
    for (i = 0; i < dev->num_scanouts; i++) {
        struct vgpu_scanout *so = &dev->scanouts[i];
        uint32_t id;
        int rc;

        if (!so->fb.nsegs)
            continue;
        rc = build_resource(dev, &so->fb, &id);
        if (rc == VGPU_OK && (rc = show_resource(dev, i, id, so->fb.width, so->fb.height)) != VGPU_OK)
            resource_destroy(dev, id);
        if (rc != VGPU_OK)
            return rc;
        so->res_id = id;
    }
    return VGPU_OK;
}

void display_release_all(struct vgpu_dev *dev)
{
    unsigned i;

    for (i = 0; i < dev->num_scanouts; i++) {
        struct vgpu_scanout *so = &dev->scanouts[i];
        if (so->res_id && vgpu_disable_scanout(dev, i) != VGPU_OK) {
            idalloc_put(&dev->ids, so->res_id);
            so->res_id = 0;
            vgpu_zero(&so->fb, sizeof(so->fb));
        }
    }
}
