/*
 * dev_ring.c — the device side of the split virtqueues (VIRTIO 1.2 §2.7): take chains off the
 * available ring, judging every descriptor the driver wrote, run them in that order, as QEMU
 * does, then publish their used entries when FZ_SCRIPT_TIMING says (later, out of order, or
 * never) and as FZ_SCRIPT_USED says (honest or not).
 */
#include <stdlib.h>
#include <string.h>

#include "dev_internal.h"
#include "../../core/virtio/virtio_pci_regs.h"

struct rings { uint8_t *desc, *avail, *used; };

static uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void st32(uint8_t *p, uint32_t v) { st16(p, (uint16_t)v); st16(p + 2, (uint16_t)(v >> 16)); }

static struct spec_desc load_desc(const uint8_t *table, uint32_t i)
{
    struct spec_desc d;
    const uint8_t *p = table + 16u * i;

    d.addr = (uint64_t)(ld16(p) | ld16(p + 2) << 16) | (uint64_t)(ld16(p + 4) | ld16(p + 6) << 16) << 32;
    d.len = (uint32_t)(ld16(p + 8) | ld16(p + 10) << 16);
    d.flags = ld16(p + 12);
    d.next = ld16(p + 14);
    return d;
}

/* The rings of an enabled queue are mapped: fuzz_mem.c refuses to unmap them. */
static void map_rings(const struct dev_queue *q, struct rings *r)
{
    r->desc = fz_map(q->desc, 16u * q->size);
    r->avail = fz_map(q->avail, 6u + 2u * q->size);
    r->used = fz_map(q->used, 6u + 8u * q->size);
    if (!r->desc || !r->avail || !r->used)
        fz_finding("queue rings unmapped while the queue is enabled");
}

static void add_buffer(struct dev_elem *e, const struct spec_desc *d)
{
    uint8_t *p = d->len ? fz_map(d->addr, d->len) : NULL;

    if (!p)
        fz_finding("descriptor buffer 0x%llx+%u is empty or not mapped", (unsigned long long)d->addr, d->len);
    if (d->flags & SPEC_DESC_WRITE) {
        e->in[e->nin++] = (struct dev_iov){ d->addr, p, d->len };
        e->in_len += d->len;
    } else {
        if (e->nin)
            fz_finding("readable buffer after a writable one");
        e->out[e->nout++] = (struct dev_iov){ d->addr, p, d->len };
        e->out_len += d->len;
    }
}

/* Switch to the indirect table the head names (§2.7.5.3). */
static const uint8_t *enter_indirect(struct dev_elem *e, const struct spec_desc *d, uint32_t *max)
{
    const uint8_t *table;

    if (!dev_negotiated(VIRTIO_F_INDIRECT_DESC))
        fz_finding("indirect descriptor without VIRTIO_F_INDIRECT_DESC");
    if ((d->flags & SPEC_DESC_NEXT) || d->len == 0 || d->len % 16)
        fz_finding("malformed indirect descriptor (flags 0x%x, len %u)", d->flags, d->len);
    table = fz_map(d->addr, d->len);
    if (!table)
        fz_finding("indirect table is not mapped");
    e->table = (struct dev_iov){ d->addr, (uint8_t *)table, d->len };
    *max = d->len / 16;
    return table;
}

static void read_chain(const struct dev_queue *q, const struct rings *r, struct dev_elem *e)
{
    const uint8_t *table = r->desc;
    uint32_t max = q->size;
    struct spec_desc d = load_desc(table, e->head);

    e->desc[e->ndesc++] = e->head;
    if (d.flags & SPEC_DESC_INDIRECT) {
        table = enter_indirect(e, &d, &max);
        d = load_desc(table, 0);
    }
    for (unsigned seen = 1;; seen++) {
        if (seen > max || seen > DEV_MAX_IOV)
            fz_finding("descriptor chain longer than %u buffers (a loop?)", DEV_MAX_IOV);
        if (d.flags & SPEC_DESC_INDIRECT)
            fz_finding("nested indirect descriptor");
        add_buffer(e, &d);
        if (!(d.flags & SPEC_DESC_NEXT))
            return;
        if (d.next >= max)
            fz_finding("descriptor next %u beyond %u", d.next, max);
        if (seen == DEV_MAX_IOV)
            fz_finding("descriptor chain longer than %u buffers (a loop?)", DEV_MAX_IOV);
        if (!e->table.len)
            e->desc[e->ndesc++] = d.next;
        d = load_desc(table, d.next);
    }
}

/* While the device has told no lie, the driver cannot think a descriptor it holds is free. */
static void check_not_held(const struct dev_queue *q, const struct dev_elem *e)
{
    for (unsigned i = 0; i < q->npending; i++)
        for (unsigned a = 0; a < q->pending[i]->ndesc; a++)
            for (unsigned b = 0; b < e->ndesc; b++)
                if (q->pending[i]->desc[a] == e->desc[b])
                    fz_finding("driver reused descriptor %u while the device holds it", e->desc[b]);
}

static struct dev_elem *pop(unsigned qi, const struct rings *r)
{
    struct dev_queue *q = &dev.vq[qi];
    uint16_t avail = ld16(r->avail + 2), ahead = (uint16_t)(avail - q->last_avail);
    struct dev_elem *e;

    if (ahead > q->size)
        fz_finding("avail index moved %u entries ahead on a ring of %u", ahead, q->size);
    if (ahead == 0)
        return NULL;
    e = calloc(1, sizeof(*e));
    if (!e)
        abort();
    e->q = qi;
    e->head = ld16(r->avail + SPEC_AVAIL_SLOT(q->last_avail % q->size));
    if (e->head >= q->size)
        fz_finding("avail ring names descriptor %u of %u", e->head, q->size);
    read_chain(q, r, e);
    if (dev_truthful())
        check_not_held(q, e);
    q->last_avail++;
    if (dev_negotiated(VIRTIO_F_EVENT_IDX))
        st16(r->used + SPEC_USED_AVAIL_EVENT(q->size), q->last_avail);
    return e;
}

/* ---- completion ---- */

static void write_entry(struct dev_queue *q, const struct rings *r, uint32_t id, uint32_t len)
{
    uint8_t *slot = r->used + SPEC_USED_SLOT(q->used_idx % q->size);

    st32(slot, id);
    st32(slot + 4, len);
    q->used_idx++;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    st16(r->used + 2, q->used_idx);
}

static uint16_t other_pending_head(const struct dev_queue *q, const struct dev_elem *e)
{
    for (unsigned i = 0; i < q->npending; i++)
        if (q->pending[i] != e && q->pending[i]->head != e->head)
            return q->pending[i]->head;
    return (uint16_t)((e->head + 1u) % q->size);
}

/* FZ_SCRIPT_USED: 0 honest; 1 random id; 2 another chain's id; 3 the entry twice; 4 random
 * length; 5 length past the writable bytes; 6 skip entries; 7 publish a stale index. */
static void push_used(struct dev_queue *q, const struct rings *r, struct dev_elem *e, uint32_t len)
{
    uint8_t action = dev_has(FZ_SCRIPT_USED) ? tape_u8() % 8 : 0;
    uint32_t id = e->head;

    switch (action) {
    case 1: id = tape_u16(); break;
    case 2: id = other_pending_head(q, e); break;
    case 4: len = tape_u32(); break;
    case 5: len = e->in_len + 1u + tape_u8(); break;
    case 6: q->used_idx = (uint16_t)(q->used_idx + 1u + tape_u8() % 4u); break;
    default: break;
    }
    if (action)
        dev_lie();
    write_entry(q, r, id, len);
    if (action == 3)
        write_entry(q, r, id, len);
    if (action == 7)
        st16(r->used + 2, (uint16_t)(q->used_idx - 1u - tape_u8() % 2u));
}

static void complete(unsigned qi, struct dev_elem *e)
{
    struct dev_queue *q = &dev.vq[qi];
    struct rings r;

    map_rings(q, &r);
    push_used(q, &r, e, e->written);
    if (e->lose_irq)
        dev_deviate();
    else
        dev_signal(q->msix, 0x1);
    free(e);
}

/*
 * Commands run the moment they are taken, in ring order; only their completion is scheduled.
 * FZ_SCRIPT_TIMING: bits 0-2 ticks of delay, bits 4-6 all set = never, bit 7 lose the interrupt.
 */
static void run_and_schedule(unsigned qi, struct dev_elem *e)
{
    struct dev_queue *q = &dev.vq[qi];
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
    if (e->delay == 0 || q->npending == DEV_MAX_PENDING)
        complete(qi, e);
    else
        q->pending[q->npending++] = e;
}

void ring_kick(unsigned qi)
{
    struct dev_queue *q = &dev.vq[qi];
    struct dev_elem *e;
    struct rings r;

    map_rings(q, &r);
    while (q->enabled && !dev.broken && (e = pop(qi, &r)) != NULL)
        run_and_schedule(qi, e);
}

static bool tick_queue(unsigned qi)
{
    struct dev_queue *q = &dev.vq[qi];
    bool any = false;

    for (unsigned i = 0; i < q->npending && q->enabled && !dev.broken;) {
        struct dev_elem *e = q->pending[i];
        if (e->delay > 0 && --e->delay == 0) {
            q->pending[i] = q->pending[--q->npending];
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

    for (unsigned q = 0; q < DEV_NQ; q++)
        any |= tick_queue(q);
    return any;
}

bool dev_busy(void)
{
    for (unsigned q = 0; q < DEV_NQ; q++)
        for (unsigned i = 0; i < dev.vq[q].npending && !dev.broken; i++)
            if (dev.vq[q].pending[i]->delay > 0)
                return true;
    return false;
}

void ring_reset(void)
{
    for (unsigned q = 0; q < DEV_NQ; q++) {
        for (unsigned i = 0; i < dev.vq[q].npending; i++)
            free(dev.vq[q].pending[i]);
        dev.vq[q].npending = 0;
    }
}
