/*
 * dev.c — the scripted device's life cycle, the events a session injects, and the oracles the
 * session asks about (has the device deviated or lied; what does it still hold).
 */
#include <stdlib.h>
#include <string.h>

#include "dev_internal.h"

struct dev dev;

bool dev_has(unsigned script)
{
    return (dev.script & script) != 0;
}

void dev_create(unsigned script)
{
    memset(&dev, 0, sizeof(dev));
    dev.script = script;
    dev_transport_init();
    caps3d_init();
    dev_pci_init();
}

void dev_destroy(void)
{
    ring_reset();
    res_reset();
}

void dev_deviate(void) { dev.deviated = true; }
void dev_lie(void) { dev.deviated = dev.lied = true; }
bool dev_pristine(void) { return !dev.deviated; }
bool dev_truthful(void) { return !dev.lied; }
uint32_t dev_num_scanouts(void) { return dev.num_scanouts; }
uint8_t dev_status(void) { return dev.vd.status; }

/* Not something an honest device does: the driver's view and the device's part ways. */
void dev_set_num_scanouts(uint32_t n)
{
    dev.num_scanouts = n;
    dev_lie();
}

void dev_display_change(unsigned scanout, uint32_t width, uint32_t height, bool enabled)
{
    if (scanout >= DEV_SCANOUTS)
        return;
    dev.disp[scanout] = (struct dev_display){ width, height, enabled };
    dev.events |= SPEC_GPU_EVENT_DISPLAY;
    dev.vd.config_generation++;
    dev_deviate();
    /* QEMU sets both ISR bits for a config change */
    vdev_interrupt(&dev.vd, dev.vd.config_vector, 0x3);
}

/* QEMU's virtio_error: stop processing, ask for a reset, tell the driver. */
void dev_raise_needs_reset(void)
{
    vdev_needs_reset(&dev.vd);
    dev_deviate();
    vdev_interrupt(&dev.vd, dev.vd.config_vector, 0x3);
}

void dev_config_interrupt(void)
{
    dev_deviate();
    vdev_interrupt(&dev.vd, dev.vd.config_vector, 0x3);
}

bool dev_intx_pending(void)
{
    return dev.vd.isr != 0;
}

int dev_next_msix(void)
{
    return vdev_take_msix(&dev.vd);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static bool elem_touches(const struct vdev_elem *e, uint64_t addr, uint64_t len)
{
    if (e->table.len && overlaps(addr, len, e->table.addr, e->table.len))
        return true;
    for (uint32_t i = 0; i < e->out_num + e->in_num; i++)
        if (overlaps(addr, len, e->sg[i].addr, e->sg[i].len))
            return true;
    return false;
}

/* After a reset (status 0) the device touches nothing. */
bool dev_touches(uint64_t addr, uint64_t len)
{
    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++) {
        const struct vdev_queue *vq = &dev.vd.vq[q];
        if (!vq->enabled)
            continue;
        if (overlaps(addr, len, vq->desc, SPEC_DESC_TABLE_BYTES(vq->size)) ||
            overlaps(addr, len, vq->avail, SPEC_AVAIL_BYTES(vq->size)) ||
            overlaps(addr, len, vq->used, SPEC_USED_BYTES(vq->size)))
            return true;
        for (unsigned i = 0; i < dev.pending[q].n; i++)
            if (elem_touches(&dev.pending[q].elem[i]->chain, addr, len))
                return true;
    }
    return false;
}

unsigned dev_live_resources(void)
{
    return dev.nres;
}

unsigned dev_unreleased(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < dev.nres; i++)
        n += !dev.res[i].unref_seen;
    return n;
}
