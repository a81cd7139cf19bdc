/*
 * dev_ring.c — the scripted device's use of the shared split-ring code (sim/virtio/vdev_ring.c,
 * which judges every descriptor the driver wrote): run chains in ring order, as QEMU does, then
 * publish their used entries when FZ_SCRIPT_TIMING says (later, out of order, or never) and as
 * FZ_SCRIPT_USED says (honest or not).
 */
#include <stdlib.h>

#include "dev_internal.h"
#include "../../core/virtio/virtio_pci_regs.h"

/* While the device has told no lie, the driver cannot think a descriptor it holds is free. */
static void check_not_held(const struct dev_pending *p, const struct vdev_elem *e)
{
    uint32_t n = e->table.len ? 1 : e->out_num + e->in_num;   /* ring entries it occupies */

    for (unsigned i = 0; i < p->n; i++)
        for (uint32_t b = 0; b < n; b++) {
            uint16_t d = b == 0 ? e->head : e->sg[b].index;

            if (vdev_ring_uses_desc(&p->elem[i]->chain, d))
                fz_finding("driver reused descriptor %u while the device holds it", d);
        }
}

static struct dev_elem *pop(unsigned qi)
{
    struct dev_elem *e = calloc(1, sizeof(*e));

    if (!e)
        abort();
    if (!vdev_ring_pop(&dev.vd, qi, &e->chain)) {
        free(e);
        return NULL;
    }
    if (dev_truthful())
        check_not_held(&dev.pending[qi], &e->chain);
    return e;
}

/* ---- completion ---- */

static uint16_t other_pending_head(const struct dev_pending *p, const struct dev_elem *e,
                                   uint16_t size)
{
    for (unsigned i = 0; i < p->n; i++)
        if (p->elem[i] != e && p->elem[i]->chain.head != e->chain.head)
            return p->elem[i]->chain.head;
    return (uint16_t)((e->chain.head + 1u) % size);
}

/* FZ_SCRIPT_USED: 0 honest; 1 random id; 2 another chain's id; 3 the entry twice; 4 random
 * length; 5 length past the writable bytes; 6 skip entries; 7 publish a stale index. */
static void push_used(unsigned qi, struct dev_elem *e, uint32_t len)
{
    struct vdev_queue *q = &dev.vd.vq[qi];
    uint8_t action = dev_has(FZ_SCRIPT_USED) ? tape_u8() % 8 : 0;
    uint32_t id = e->chain.head;

    switch (action) {
    case 1: id = tape_u16(); break;
    case 2: id = other_pending_head(&dev.pending[qi], e, q->size); break;
    case 4: len = tape_u32(); break;
    case 5: len = e->chain.in_bytes + 1u + tape_u8(); break;
    case 6: q->used_idx = (uint16_t)(q->used_idx + 1u + tape_u8() % 4u); break;
    default: break;
    }
    if (action)
        dev_lie();
    vdev_ring_put_used(&dev.vd, qi, id, len);
    if (action == 3)
        vdev_ring_put_used(&dev.vd, qi, id, len);
    if (action == 7)
        vdev_ring_publish_used_idx(&dev.vd, qi, (uint16_t)(q->used_idx - 1u - tape_u8() % 2u));
}

/* A hostile device interrupts after every completion, whatever the driver's flags say. */
static void complete(unsigned qi, struct dev_elem *e)
{
    push_used(qi, e, e->written);
    if (e->lose_irq)
        dev_deviate();
    else
        vdev_interrupt(&dev.vd, dev.vd.vq[qi].msix_vector, VIRTIO_ISR_QUEUE);
    free(e);
}

/*
 * Commands run the moment they are taken, in ring order; only their completion is scheduled.
 * FZ_SCRIPT_TIMING: bits 0-2 ticks of delay, bits 4-6 all set = never, bit 7 lose the interrupt.
 */
static void run_and_schedule(unsigned qi, struct dev_elem *e)
{
    struct dev_pending *p = &dev.pending[qi];
    uint8_t t;

    if (qi == 0)
        e->written = gpu_control(e);
    else
        gpu_cursor(e);
    t = dev_has(FZ_SCRIPT_TIMING) ? tape_u8() : 0;
    e->delay = (t & 0x70) == 0x70 ? -1 : (int)(t & 0x7);
    e->lose_irq = (t & 0x80) != 0;
    if (t)
        dev_deviate();
    if (e->delay == 0 || p->n == DEV_MAX_PENDING)
        complete(qi, e);
    else
        p->elem[p->n++] = e;
}

void ring_kick(unsigned qi)
{
    struct dev_elem *e;

    while (vdev_ring_live(&dev.vd, qi) && (e = pop(qi)) != NULL)
        run_and_schedule(qi, e);
}

static bool tick_queue(unsigned qi)
{
    struct dev_pending *p = &dev.pending[qi];
    bool any = false;

    for (unsigned i = 0; i < p->n && vdev_ring_live(&dev.vd, qi);) {
        struct dev_elem *e = p->elem[i];
        if (e->delay > 0 && --e->delay == 0) {
            p->elem[i] = p->elem[--p->n];
            complete(qi, e);
            any = true;
        } else {
            i++;
        }
    }
    return any;
}

bool dev_tick(void)
{
    bool any = false;

    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++)
        any |= tick_queue(q);
    return any;
}

bool dev_busy(void)
{
    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++)
        for (unsigned i = 0; i < dev.pending[q].n && !dev.vd.broken; i++)
            if (dev.pending[q].elem[i]->delay > 0)
                return true;
    return false;
}

void ring_reset(void)
{
    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++) {
        for (unsigned i = 0; i < dev.pending[q].n; i++)
            free(dev.pending[q].elem[i]);
        dev.pending[q].n = 0;
    }
}
