/*
 * vdev_ring.c — the device side of a split virtqueue (VIRTIO 1.2 §2.7): take chains off the
 * available ring with QEMU's validity checks (index jump, head range, loops, readable after
 * writable, zero length, unmapped buffers, indirect tables), write used entries, and decide
 * about notifications in both directions (flags and event indices).
 *
 * A ring the driver corrupted is a VDEV_RING complaint and the chain is not taken.
 */
#include <string.h>

#include "vdev.h"
#include "../spec_wire.h"
#include "../../core/virtio/virtio_pci_regs.h"

struct ring_view {
    uint8_t *desc, *avail, *used;
};

static struct spec_desc load_desc(const uint8_t *table, uint32_t i)
{
    const uint8_t *p = table + sizeof(struct spec_desc) * i;

    return (struct spec_desc){ .addr = vdev_ld32(p) | (uint64_t)vdev_ld32(p + 4) << 32,
                               .len = vdev_ld32(p + 8), .flags = vdev_ld16(p + 12),
                               .next = vdev_ld16(p + 14) };
}

bool vdev_ring_live(const struct vdev *vd, unsigned q)
{
    return q < VDEV_NUM_QUEUES && vd->vq[q].enabled && !vd->broken;
}

static bool map_rings(struct vdev *vd, unsigned qi, struct ring_view *v)
{
    struct vdev_queue *q = &vd->vq[qi];

    if (!vdev_ring_live(vd, qi))
        return false;
    v->desc = vd->ops->map(vd->ctx, q->desc, SPEC_DESC_TABLE_BYTES(q->size));
    v->avail = vd->ops->map(vd->ctx, q->avail, SPEC_AVAIL_BYTES(q->size));
    v->used = vd->ops->map(vd->ctx, q->used, SPEC_USED_BYTES(q->size));
    if (v->desc && v->avail && v->used)
        return true;
    vdev_complain(vd, VDEV_RING, "queue %u: ring memory is not mapped", qi);
    return false;
}

static bool add_buffer(struct vdev *vd, struct vdev_elem *e, const struct spec_desc *d,
                       uint16_t index)
{
    uint8_t *p;

    if (d->len == 0) {
        vdev_complain(vd, VDEV_RING, "zero sized buffers are not allowed");
        return false;
    }
    p = vd->ops->map(vd->ctx, d->addr, d->len);
    if (!p) {
        vdev_complain(vd, VDEV_RING, "descriptor address 0x%llx+%u is not mapped",
                      (unsigned long long)d->addr, d->len);
        return false;
    }
    if (!(d->flags & SPEC_DESC_WRITE) && e->in_num) {
        vdev_complain(vd, VDEV_RING, "incorrect order for descriptors (readable after writable)");
        return false;
    }
    e->sg[e->out_num + e->in_num] = (struct vdev_iov){ d->addr, p, d->len, index };
    if (d->flags & SPEC_DESC_WRITE) {
        e->in_num++;
        e->in_bytes += d->len;
    } else {
        e->out_num++;
        e->out_bytes += d->len;
    }
    return true;
}

/* Switch from the ring's descriptor table to the indirect table the head names (§2.7.5.3). */
static bool enter_indirect(struct vdev *vd, struct vdev_elem *e, const struct spec_desc *head,
                           const uint8_t **table, uint32_t *max)
{
    if (!vdev_has_feature(vd, VIRTIO_F_INDIRECT_DESC)) {
        vdev_complain(vd, VDEV_RING, "indirect descriptor without INDIRECT_DESC");
        return false;
    }
    if (head->flags & SPEC_DESC_NEXT) {
        vdev_complain(vd, VDEV_RING, "indirect descriptor with NEXT set");
        return false;
    }
    if (head->len == 0 || head->len % sizeof(struct spec_desc)) {
        vdev_complain(vd, VDEV_RING, "invalid size for indirect buffer table: %u", head->len);
        return false;
    }
    *table = vd->ops->map(vd->ctx, head->addr, head->len);
    if (!*table) {
        vdev_complain(vd, VDEV_RING, "cannot map indirect buffer table");
        return false;
    }
    e->table = (struct vdev_iov){ head->addr, (uint8_t *)*table, head->len, e->head };
    *max = head->len / sizeof(struct spec_desc);
    return true;
}

static bool read_chain(struct vdev *vd, const struct vdev_queue *q, const struct ring_view *v,
                       struct vdev_elem *e)
{
    const uint8_t *table = v->desc;
    uint32_t max = q->size, i = e->head, limit = vd->max_chain;
    struct spec_desc d = load_desc(table, i);

    if (d.flags & SPEC_DESC_INDIRECT) {
        if (!enter_indirect(vd, e, &d, &table, &max))
            return false;
        i = 0;
        d = load_desc(table, 0);
    }
    for (uint32_t seen = 1;; seen++) {
        if (seen > max || seen > limit || seen > VDEV_MAX_SG) {
            vdev_complain(vd, VDEV_RING, "looped descriptor chain (over %u buffers)",
                          max < limit ? max : limit);
            return false;
        }
        if (d.flags & SPEC_DESC_INDIRECT) {
            vdev_complain(vd, VDEV_RING, "nested indirect descriptor");
            return false;
        }
        if (!add_buffer(vd, e, &d, (uint16_t)i))
            return false;
        if (!(d.flags & SPEC_DESC_NEXT))
            return true;
        i = d.next;
        if (i >= max) {
            vdev_complain(vd, VDEV_RING, "descriptor next %u is beyond %u", i, max);
            return false;
        }
        d = load_desc(table, i);
    }
}

bool vdev_ring_pop(struct vdev *vd, unsigned qi, struct vdev_elem *e)
{
    struct vdev_queue *q = &vd->vq[qi];
    struct ring_view v;
    uint16_t avail;

    if (!map_rings(vd, qi, &v))
        return false;
    avail = vdev_ld16(v.avail + 2);
    if ((uint16_t)(avail - q->last_avail) > q->size) {
        vdev_complain(vd, VDEV_RING, "guest moved avail index from %u to %u", q->last_avail, avail);
        return false;
    }
    if (avail == q->last_avail)
        return false;
    e->queue = qi;
    e->head = vdev_ld16(v.avail + SPEC_AVAIL_SLOT(q->last_avail % q->size));
    if (e->head >= q->size) {
        vdev_complain(vd, VDEV_RING, "guest says index %u is available", e->head);
        return false;
    }
    if (!read_chain(vd, q, &v, e))
        return false;
    q->last_avail++;
    if (vdev_has_feature(vd, VIRTIO_F_EVENT_IDX))
        vdev_st16(v.used + SPEC_USED_AVAIL_EVENT(q->size), q->last_avail);
    return true;
}

bool vdev_ring_uses_desc(const struct vdev_elem *e, uint16_t index)
{
    if (e->table.len)
        return index == e->head;   /* the rest of the chain lives in its own table */
    for (uint32_t i = 0; i < e->out_num + e->in_num; i++)
        if (e->sg[i].index == index)
            return true;
    return false;
}

/* ---- completion ---- */

bool vdev_ring_put_used(struct vdev *vd, unsigned qi, uint32_t id, uint32_t len)
{
    struct vdev_queue *q = &vd->vq[qi];
    struct ring_view v;
    uint8_t *slot;

    if (!map_rings(vd, qi, &v))
        return false;
    slot = v.used + SPEC_USED_SLOT(q->used_idx % q->size);
    vdev_st32(slot, id);
    vdev_st32(slot + 4, len);
    q->used_idx++;
    __atomic_thread_fence(__ATOMIC_RELEASE);   /* entry before index, as a device must */
    vdev_st16(v.used + 2, q->used_idx);
    return true;
}

void vdev_ring_publish_used_idx(struct vdev *vd, unsigned qi, uint16_t idx)
{
    struct ring_view v;

    if (map_rings(vd, qi, &v))
        vdev_st16(v.used + 2, idx);
}

/* QEMU's virtio_should_notify for split rings. */
bool vdev_ring_should_interrupt(struct vdev *vd, unsigned qi)
{
    struct vdev_queue *q = &vd->vq[qi];
    uint16_t old = q->signalled_used;
    bool valid = q->signalled_valid;
    struct ring_view v;

    if (!map_rings(vd, qi, &v))
        return false;
    if (!vdev_has_feature(vd, VIRTIO_F_EVENT_IDX))
        return !(vdev_ld16(v.avail) & SPEC_AVAIL_NO_INTERRUPT);
    q->signalled_valid = true;
    q->signalled_used = q->used_idx;
    return !valid || spec_event_due(vdev_ld16(v.avail + SPEC_AVAIL_USED_EVENT(q->size)),
                                      q->used_idx, old);
}

void vdev_ring_set_notification(struct vdev *vd, unsigned qi, bool enable)
{
    struct vdev_queue *q = &vd->vq[qi];
    struct ring_view v;
    uint16_t flags;

    if (!map_rings(vd, qi, &v))
        return;
    if (vdev_has_feature(vd, VIRTIO_F_EVENT_IDX)) {
        if (enable)
            vdev_st16(v.used + SPEC_USED_AVAIL_EVENT(q->size), vdev_ld16(v.avail + 2));
        return;
    }
    flags = vdev_ld16(v.used);
    flags = enable ? (uint16_t)(flags & ~SPEC_USED_NO_NOTIFY) : (flags | SPEC_USED_NO_NOTIFY);
    vdev_st16(v.used, flags);
}
