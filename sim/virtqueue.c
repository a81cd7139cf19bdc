/*
 * virtqueue.c — the device side of a split virtqueue (VIRTIO 1.2 §2.7): take chains off the
 * available ring with QEMU's validity checks, publish used entries, and decide about
 * notifications in both directions (flags and event indices).
 *
 * Any ring the driver corrupts makes the device "broken": DEVICE_NEEDS_RESET plus a
 * configuration interrupt, and no further queue processing until reset (QEMU's virtio_error).
 */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "../core/base/le.h"
#include "../core/virtio/virtio_pci_regs.h"

struct ring_view {
    uint8_t *desc, *avail, *used;
};

static uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return vgpu_from_le16(v); }
static void st16(uint8_t *p, uint16_t v) { v = vgpu_le16(v); memcpy(p, &v, 2); }
static void st32(uint8_t *p, uint32_t v) { v = vgpu_le32(v); memcpy(p, &v, 4); }

static struct spec_desc load_desc(const uint8_t *table, uint32_t i)
{
    struct spec_desc d;

    memcpy(&d, table + 16u * i, sizeof(d));
    d.addr = vgpu_from_le64(d.addr);
    d.len = vgpu_from_le32(d.len);
    d.flags = vgpu_from_le16(d.flags);
    d.next = vgpu_from_le16(d.next);
    return d;
}

static bool map_rings(struct sim *sim, unsigned qi, struct ring_view *v)
{
    struct sim_queue *q = &sim->vq[qi];

    v->desc = sim_map(sim, q->desc, SPEC_DESC_TABLE_BYTES(q->size));
    v->avail = sim_map(sim, q->avail, SPEC_AVAIL_BYTES(q->size));
    v->used = sim_map(sim, q->used, SPEC_USED_BYTES(q->size));
    if (v->desc && v->avail && v->used)
        return true;
    sim_device_error(sim, "queue %u: ring memory is not mapped", qi);
    return false;
}

void sim_vq_reset(struct sim *sim, unsigned qi)
{
    struct sim_queue *q = &sim->vq[qi];
    uint16_t max = q->max_size;

    *q = (struct sim_queue){ .max_size = max, .size = max, .msix_vector = VIRTIO_MSI_NO_VECTOR };
}

static bool add_buffer(struct sim *sim, struct sim_elem *e, const struct spec_desc *d)
{
    uint8_t *p;

    if (d->len == 0) {
        sim_device_error(sim, "zero sized buffers are not allowed");
        return false;
    }
    p = sim_map(sim, d->addr, d->len);
    if (!p) {
        sim_device_error(sim, "descriptor address 0x%llx+%u is not mapped",
                         (unsigned long long)d->addr, d->len);
        return false;
    }
    if (d->flags & SPEC_DESC_WRITE) {
        e->in[e->in_num++] = (struct sim_iov){ p, d->len };
        e->in_bytes += d->len;
    } else if (e->in_num) {
        sim_device_error(sim, "incorrect order for descriptors (readable after writable)");
        return false;
    } else {
        e->out[e->out_num++] = (struct sim_iov){ p, d->len };
        e->out_bytes += d->len;
    }
    return true;
}

/* Switch from the ring's descriptor table to the indirect table the head names. */
static bool enter_indirect(struct sim *sim, const struct spec_desc *head, const uint8_t **table,
                           uint32_t *max)
{
    if (!sim_has_feature(sim, VIRTIO_F_INDIRECT_DESC)) {
        sim_device_error(sim, "indirect descriptor without INDIRECT_DESC");
        return false;
    }
    if (head->flags & SPEC_DESC_NEXT) {
        sim_device_error(sim, "indirect descriptor with NEXT set");
        return false;
    }
    if (head->len == 0 || head->len % sizeof(struct spec_desc)) {
        sim_device_error(sim, "invalid size for indirect buffer table: %u", head->len);
        return false;
    }
    *table = sim_map(sim, head->addr, head->len);
    if (!*table) {
        sim_device_error(sim, "cannot map indirect buffer table");
        return false;
    }
    *max = head->len / sizeof(struct spec_desc);
    return true;
}

static bool read_chain(struct sim *sim, unsigned qi, const struct ring_view *v, uint16_t head,
                       struct sim_elem *e)
{
    const uint8_t *table = v->desc;
    uint32_t max = sim->vq[qi].size, i = head, seen = 0;
    struct spec_desc d = load_desc(table, i);

    if (d.flags & SPEC_DESC_INDIRECT) {
        if (!enter_indirect(sim, &d, &table, &max))
            return false;
        i = 0;
        d = load_desc(table, 0);
        sim->stats.indirect_elems++;
    }
    for (;;) {
        if (++seen > max || seen > SIM_MAX_SG) {
            sim_device_error(sim, "looped descriptor chain");
            return false;
        }
        if (d.flags & SPEC_DESC_INDIRECT) {
            sim_device_error(sim, "nested indirect descriptor");
            return false;
        }
        if (!add_buffer(sim, e, &d))
            return false;
        if (!(d.flags & SPEC_DESC_NEXT)) {
            if (seen > sim->stats.max_chain)
                sim->stats.max_chain = seen;
            return true;
        }
        i = d.next;
        if (i >= max) {
            sim_device_error(sim, "descriptor next %u is beyond %u", i, max);
            return false;
        }
        d = load_desc(table, i);
    }
}

struct sim_elem *sim_vq_pop(struct sim *sim, unsigned qi)
{
    struct sim_queue *q = &sim->vq[qi];
    struct ring_view v;
    struct sim_elem *e;
    uint16_t avail, head;

    if (!q->enabled || sim->broken || !map_rings(sim, qi, &v))
        return NULL;
    avail = ld16(v.avail + 2);
    if ((uint16_t)(avail - q->last_avail) > q->size) {
        sim_device_error(sim, "guest moved avail index from %u to %u", q->last_avail, avail);
        return NULL;
    }
    if (avail == q->last_avail)
        return NULL;
    head = ld16(v.avail + SPEC_AVAIL_SLOT(q->last_avail % q->size));
    if (head >= q->size) {
        sim_device_error(sim, "guest says index %u is available", head);
        return NULL;
    }
    e = calloc(1, sizeof(*e));
    if (!e)
        abort();
    e->queue = qi;
    e->head = head;
    if (!read_chain(sim, qi, &v, head, e)) {
        free(e);
        return NULL;
    }
    q->last_avail++;
    if (sim_has_feature(sim, VIRTIO_F_EVENT_IDX))
        st16(v.used + SPEC_USED_AVAIL_EVENT(q->size), q->last_avail);
    return e;
}

void sim_vq_set_notification(struct sim *sim, unsigned qi, bool enable)
{
    struct sim_queue *q = &sim->vq[qi];
    struct ring_view v;
    uint16_t flags;

    if (!q->enabled || sim->broken || !map_rings(sim, qi, &v))
        return;
    if (sim_has_feature(sim, VIRTIO_F_EVENT_IDX)) {
        if (enable)
            st16(v.used + SPEC_USED_AVAIL_EVENT(q->size), ld16(v.avail + 2));
        return;
    }
    flags = ld16(v.used);
    flags = enable ? (uint16_t)(flags & ~SPEC_USED_NO_NOTIFY) : (flags | SPEC_USED_NO_NOTIFY);
    st16(v.used, flags);
}

/* QEMU's virtio_should_notify for split rings. */
static bool should_interrupt(struct sim *sim, unsigned qi, const struct ring_view *v)
{
    struct sim_queue *q = &sim->vq[qi];
    uint16_t old = q->signalled_used;
    bool valid = q->signalled_valid;

    if (!sim_has_feature(sim, VIRTIO_F_EVENT_IDX))
        return !(ld16(v->avail) & SPEC_AVAIL_NO_INTERRUPT);
    q->signalled_valid = true;
    q->signalled_used = q->used_idx;
    return !valid || spec_event_due(ld16(v->avail + SPEC_AVAIL_USED_EVENT(q->size)),
                                      q->used_idx, old);
}

static void interrupt_driver(struct sim *sim, unsigned qi, const struct ring_view *v)
{
    if (!should_interrupt(sim, qi, v)) {
        sim->stats.interrupts_suppressed++;
        return;
    }
    if (sim->fault.lose_interrupts) {
        if (sim->fault.lose_interrupts != UINT32_MAX)
            sim->fault.lose_interrupts--;
        sim->stats.interrupts_lost++;
        return;
    }
    sim->isr |= VIRTIO_ISR_QUEUE;
    sim->stats.interrupts++;
    sim_signal_vector(sim, sim->vq[qi].msix_vector);
}

static void write_used(struct sim *sim, unsigned qi, const struct ring_view *v, uint32_t id,
                       uint32_t len)
{
    struct sim_queue *q = &sim->vq[qi];
    uint8_t *slot = v->used + SPEC_USED_SLOT(q->used_idx % q->size);

    st32(slot, id);
    st32(slot + 4, len);
    q->used_idx++;
    __atomic_thread_fence(__ATOMIC_RELEASE);   /* entry before index, as a device must */
    st16(v->used + 2, q->used_idx);
    sim->stats.completions[qi]++;
}

void sim_vq_push(struct sim *sim, struct sim_elem *e, uint32_t len)
{
    unsigned qi = e->queue;
    struct sim_queue *q = &sim->vq[qi];
    enum sim_used_fault fault = qi == 0 ? sim->fault.used : SIM_USED_OK;
    uint32_t id = e->head;
    struct ring_view v;

    if (!q->enabled || sim->broken || !map_rings(sim, qi, &v))
        return;
    if (fault != SIM_USED_OK)
        sim->fault.used = SIM_USED_OK;
    if (fault == SIM_USED_BAD_ID)
        id = q->size + 3u;
    else if (fault == SIM_USED_WRONG_ID)
        id = (e->head + 1u) % q->size;
    else if (fault == SIM_USED_BIG_LEN)
        len = e->in_bytes + 64u;
    write_used(sim, qi, &v, id, len);
    if (fault == SIM_USED_DUP_ID)
        write_used(sim, qi, &v, id, len);
    interrupt_driver(sim, qi, &v);
}

size_t sim_elem_read(const struct sim_elem *e, size_t off, void *buf, size_t len)
{
    size_t done = 0;

    for (uint32_t i = 0; i < e->out_num && done < len; i++) {
        const struct sim_iov *v = &e->out[i];
        size_t n;

        if (off >= v->len) {
            off -= v->len;
            continue;
        }
        n = v->len - off < len - done ? v->len - off : len - done;
        memcpy((uint8_t *)buf + done, v->ptr + off, n);
        done += n;
        off = 0;
    }
    return done;
}

size_t sim_elem_write(struct sim_elem *e, size_t off, const void *buf, size_t len)
{
    size_t done = 0;

    for (uint32_t i = 0; i < e->in_num && done < len; i++) {
        struct sim_iov *v = &e->in[i];
        size_t n;

        if (off >= v->len) {
            off -= v->len;
            continue;
        }
        n = v->len - off < len - done ? v->len - off : len - done;
        memcpy(v->ptr + off, (const uint8_t *)buf + done, n);
        done += n;
        off = 0;
    }
    return done;
}
