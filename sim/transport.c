/*
 * transport.c — the software device's part of the shared register file (sim/virtio/vdev_regs.c):
 * complaints become driver errors (counted, the driver keeps going) or a broken device, doorbells
 * run or defer queue work, a reset clears the GPU state, the device config shows the scanouts
 * and capsets.  The one thing done around the shared code: a stuck reset (fault injection).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim_internal.h"
#include "../core/virtio/virtio_pci_regs.h"

#define ISR_QEMU_CONFIG 0x3u   /* QEMU sets both ISR bits for a configuration change */

static void complain(void *ctx, enum vdev_complaint what, const char *msg)
{
    if (what == VDEV_RING)
        sim_device_error(ctx, "%s", msg);
    else
        sim_driver_error(ctx, "%s", msg);
}

static void *map(void *ctx, uint64_t addr, uint64_t len)
{
    return sim_map(ctx, addr, len);
}

/* events_read is deliberately kept: QEMU latches it across resets. */
static void reset(void *ctx)
{
    struct sim *sim = ctx;

    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++)
        sim->notified[q] = false;
    sim_gpu_reset(sim);
    sim->stats.resets++;
}

static void notify(void *ctx, unsigned q)
{
    struct sim *sim = ctx;

    sim->stats.notifies[q]++;
    if (!vdev_ring_live(&sim->vd, q))
        return;
    if (sim->deferred) {
        sim->notified[q] = true;
        vdev_ring_set_notification(&sim->vd, q, false);   /* busy: further kicks are unnecessary */
        return;
    }
    sim_gpu_process_queue(sim, q);
}

static void gpu_config(void *ctx, struct vdev_gpu_config *out)
{
    const struct sim *sim = ctx;

    *out = (struct vdev_gpu_config){ sim->events_read, sim->cfg.num_scanouts,
                                     sim->cfg.virgl ? sim->cfg.num_capsets : 0 };
}

static void events_clear(void *ctx, uint32_t bits)
{
    ((struct sim *)ctx)->events_read &= ~bits;
}

static const struct vdev_ops sim_vdev_ops = {
    complain, map, reset, notify, gpu_config, events_clear,
};

void sim_transport_init(struct sim *sim)
{
    struct vdev *vd = &sim->vd;

    vd->ops = &sim_vdev_ops;
    vd->ctx = sim;
    vd->offered = sim->cfg.features;
    vd->num_queues = sim->cfg.num_queues;
    vd->msix_vectors = sim->cfg.msix_vectors;
    vd->notify_mult = (sim->cfg.layout_faults & SIM_LAYOUT_NOTIFY_MULT_ODD) ? 3 : VDEV_NOTIFY_MULT;
    vd->max_chain = VDEV_MAX_SG;
    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++)
        vd->vq[q] = (struct vdev_queue){ .max_size = sim->cfg.queue_size[q],
                                         .notify_off = (uint16_t)q };   /* QEMU: queue index */
    vdev_regs_reset(vd);
}

/* A hung device: while stuck, writes of 0 to device_status do not reset it. */
void sim_transport_write(struct sim *sim, uint32_t off, unsigned width, uint32_t val)
{
    if (off == VDEV_COMMON_OFF + VIRTIO_COMMON_STATUS && (uint8_t)val == 0 &&
        sim->fault.stuck_reset)
        return;
    vdev_regs_write(&sim->vd, off, width, val);
}

void sim_notify_config(struct sim *sim)
{
    sim->vd.config_generation++;
    sim->stats.interrupts++;
    sim->stats.config_interrupts++;
    sim_signal_vector(sim, sim->vd.config_vector, ISR_QEMU_CONFIG);
}

/* A device-side error (bad ring, injected fault): latch broken and ask for a reset. */
void sim_device_error(struct sim *sim, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sim->ring_error, sizeof(sim->ring_error), fmt, ap);
    va_end(ap);
    if (getenv("SIM_TRACE"))
        fprintf(stderr, "sim: device error: %s\n", sim->ring_error);
    sim->stats.ring_errors++;
    vdev_needs_reset(&sim->vd);
    sim_notify_config(sim);
}
