/*
 * vring.h — split virtqueue memory layout (VIRTIO 1.2 §2.7).  Shared by the driver's virtqueue
 * code and the software device model, which sit on opposite sides of the same memory.
 */
#ifndef VRING_H
#define VRING_H

#include <stdint.h>

#define VRING_DESC_F_NEXT      1u
#define VRING_DESC_F_WRITE     2u
#define VRING_DESC_F_INDIRECT  4u
#define VRING_AVAIL_F_NO_INTERRUPT 1u
#define VRING_USED_F_NO_NOTIFY     1u
#define VRING_MAX_SIZE         32768u

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc layout");
_Static_assert(sizeof(struct vring_used_elem) == 8, "vring_used_elem layout");

/* Byte sizes and offsets of the three parts for a queue of `n` entries, with event-index words. */
#define VRING_DESC_BYTES(n)   ((uint32_t)(n) * 16u)
#define VRING_AVAIL_BYTES(n)  (6u + 2u * (uint32_t)(n))   /* flags, idx, ring[n], used_event */
#define VRING_USED_BYTES(n)   (6u + 8u * (uint32_t)(n))   /* flags, idx, ring[n], avail_event */
#define VRING_AVAIL_RING(i)   (4u + 2u * (uint32_t)(i))
#define VRING_AVAIL_USED_EVENT(n) (4u + 2u * (uint32_t)(n))
#define VRING_USED_RING(i)    (4u + 8u * (uint32_t)(i))
#define VRING_USED_AVAIL_EVENT(n) (4u + 8u * (uint32_t)(n))

/*
 * Event-index rule (§2.7.7.2 / §2.7.10): notify when the other side's event index lies in
 * [old, new) modulo 2^16.
 */
static inline int vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

#endif /* VRING_H */
