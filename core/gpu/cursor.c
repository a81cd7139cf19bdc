/* cursor.c — cursor image upload and position updates (VIRTIO 1.2 §5.7.6.10). */
#include "gpu/cursor.h"

#include "base/le.h"
#include "base/util.h"
#include "gpu/gpu2d.h"
#include "gpu/resource.h"

#define CURSOR_BYTES (VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE * 4u)

static struct vgpu_cursor *cursor_of(struct vgpu_dev *dev, unsigned idx)
{
    return idx < dev->num_scanouts ? &dev->scanouts[idx].cursor : NULL;
}

/* ARGB words become B8G8R8A8 bytes, the format the cursor resource is created with. */
static void store_image(struct vgpu_cursor *c, const uint32_t *argb)
{
    uint32_t *dst = c->image.cpu;
    unsigned i;
    for (i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
        dst[i] = vgpu_le32(argb[i]);
}

/* The cursor resource is made once per scanout; later images only transfer new pixels. */
static int ensure_resource(struct vgpu_dev *dev, struct vgpu_cursor *c)
{
    struct vgpu_dma_seg seg = { c->image.addr, CURSOR_BYTES };

    if (c->res_id)
        return VGPU_OK;
    return resource_create_backed(dev, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, VGPU_CURSOR_SIZE,
                                  VGPU_CURSOR_SIZE, &seg, 1, &c->res_id);
}

static int upload_and_show(struct vgpu_dev *dev, unsigned idx, struct vgpu_cursor *c)
{
    struct vgpu_rect all = { 0, 0, VGPU_CURSOR_SIZE, VGPU_CURSOR_SIZE };
    int rc = ensure_resource(dev, c);

    if (rc == VGPU_OK)
        rc = gpu_transfer_to_host_2d(dev, c->res_id, &all, 0, false);
    if (rc == VGPU_OK)
        rc = gpu_update_cursor(dev, idx, c->res_id, c->hot_x, c->hot_y, c->x, c->y);
    return rc;
}

int vgpu_cursor_set(struct vgpu_dev *dev, unsigned idx, const uint32_t *argb,
                    uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y)
{
    struct vgpu_cursor *c = cursor_of(dev, idx);

    if (!c || !argb || hot_x >= VGPU_CURSOR_SIZE || hot_y >= VGPU_CURSOR_SIZE)
        return VGPU_E_INVAL;
    if (dev->broken)
        return VGPU_E_BROKEN;
    if (!c->image.cpu && !vgpu_os_dma_alloc(dev->os, CURSOR_BYTES, &c->image))
        return VGPU_E_NOMEM;
    store_image(c, argb);
    c->hot_x = hot_x;
    c->hot_y = hot_y;
    c->x = x;
    c->y = y;
    c->visible = true;   /* what the host wants shown; a recovery shows it again */
    return upload_and_show(dev, idx, c);
}

int vgpu_cursor_move(struct vgpu_dev *dev, unsigned idx, uint32_t x, uint32_t y)
{
    struct vgpu_cursor *c = cursor_of(dev, idx);

    if (!c || !c->visible)
        return VGPU_E_INVAL;
    c->x = x;
    c->y = y;
    return gpu_move_cursor(dev, idx, c->res_id, x, y);
}

/* An UPDATE_CURSOR naming resource 0 hides the cursor; the resource stays for the next show. */
int vgpu_cursor_hide(struct vgpu_dev *dev, unsigned idx)
{
    struct vgpu_cursor *c = cursor_of(dev, idx);
    int rc;

    if (!c)
        return VGPU_E_INVAL;
    rc = gpu_update_cursor(dev, idx, 0, 0, 0, c->x, c->y);
    if (rc == VGPU_OK)
        c->visible = false;
    return rc;
}

int cursor_restore(struct vgpu_dev *dev)
{
    unsigned i;

    for (i = 0; i < dev->num_scanouts; i++) {
        struct vgpu_cursor *c = &dev->scanouts[i].cursor;
        int rc;

        c->res_id = 0;   /* the reset destroyed it; the id was released with the others */
        if (!c->visible)
            continue;
        rc = upload_and_show(dev, i, c);
        if (rc != VGPU_OK)
            return rc;
    }
    return VGPU_OK;
}

void cursor_release_all(struct vgpu_dev *dev)
{
    unsigned i;

    for (i = 0; i < dev->num_scanouts; i++) {
        struct vgpu_cursor *c = &dev->scanouts[i].cursor;
        if (c->visible && !dev->broken)
            vgpu_cursor_hide(dev, i);
        if (c->res_id)
            resource_destroy(dev, c->res_id);
        c->res_id = 0;
        if (c->image.cpu)
            vgpu_os_dma_free(dev->os, &c->image);
        c->image.cpu = NULL;
        c->visible = false;
    }
}
