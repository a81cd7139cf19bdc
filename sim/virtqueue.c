/*
 * virtqueue.c — the software device's use of the shared split-ring code (sim/virtio/vdev_ring.c):
 * chains come off the ring into heap elements (a held command outlives the call), completions
 * carry the injected used-ring faults, and interrupts follow NO_INTERRUPT / used_event unless
 * a test asked to lose them.
 *
 * A ring the driver corrupted makes the device "broken" (transport.c): DEVICE_NEEDS_RESET plus
 * a configuration interrupt, and no further queue processing until reset (QEMU's virtio_error).
 */
#include <stdlib.h>

#include "sim_internal.h"
#include "../core/virtio/virtio_pci_regs.h"

struct vdev_elem *sim_vq_pop(struct sim *sim, unsigned q)
{
    struct vdev_elem *e;
    uint32_t buffers;

    if (!vdev_ring_live(&sim->vd, q))
        return NULL;
    e = calloc(1, sizeof(*e));
    if (!e)
        abort();
    if (!vdev_ring_pop(&sim->vd, q, e)) {
        free(e);
        return NULL;
    }
    buffers = e->out_num + e->in_num;
    if (buffers > sim->stats.max_chain)
        sim->stats.max_chain = buffers;
    if (e->table.len)
        sim->stats.indirect_elems++;
    return e;
}

static void interrupt_driver(struct sim *sim, unsigned q)
{
    if (!vdev_ring_should_interrupt(&sim->vd, q)) {
        sim->stats.interrupts_suppressed++;
        return;
    }
    if (sim->fault.lose_interrupts) {
        if (sim->fault.lose_interrupts != UINT32_MAX)
            sim->fault.lose_interrupts--;
        sim->stats.interrupts_lost++;
        return;
    }
    sim->stats.interrupts++;
    sim_signal_vector(sim, sim->vd.vq[q].msix_vector, VIRTIO_ISR_QUEUE);
}

static void put_used(struct sim *sim, unsigned q, uint32_t id, uint32_t len)
{
    if (vdev_ring_put_used(&sim->vd, q, id, len))
        sim->stats.completions[q]++;
}

void sim_vq_push(struct sim *sim, struct vdev_elem *e, uint32_t len)
{
    unsigned q = e->queue;
    uint16_t size = sim->vd.vq[q].size;
    enum sim_used_fault fault = q == 0 ? sim->fault.used : SIM_USED_OK;
    uint32_t id = e->head;

    if (!vdev_ring_live(&sim->vd, q))
        return;
    if (fault != SIM_USED_OK)
        sim->fault.used = SIM_USED_OK;
    if (fault == SIM_USED_BAD_ID)
        id = size + 3u;
    else if (fault == SIM_USED_WRONG_ID)
        id = (e->head + 1u) % size;
    else if (fault == SIM_USED_BIG_LEN)
        len = e->in_bytes + 64u;
    put_used(sim, q, id, len);
    if (fault == SIM_USED_DUP_ID)
        put_used(sim, q, id, len);
    interrupt_driver(sim, q);
}
