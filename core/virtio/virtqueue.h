/*
 * virtqueue.h — the driver side of a split virtqueue (VIRTIO 1.2 §2.7).
 *
 * What the device writes (the used ring) is input: ids are checked against the chains we have
 * in flight, lengths against what each chain let the device write.  The descriptor table's links
 * and our indices live in shadows we never read back from shared memory.  Any violation latches
 * the queue broken; every later call fails until the device is reset and the queue rebuilt.
 */
#ifndef VIRTQUEUE_H
#define VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "vgpu_os.h"

struct vq_buf {
    uint64_t addr;
    uint32_t len;
    bool     writable;     /* device writes it (must follow every readable buffer) */
};

/* Optional room for an indirect table: at least 16 bytes per buffer of the chain. */
struct vq_indirect {
    void    *cpu;
    uint64_t addr;
    uint32_t max_bufs;
};

struct vq_head_state {
    void    *token;        /* non-NULL exactly while this descriptor heads a chain in flight */
    uint32_t in_len;       /* bytes the device may write into the chain */
    uint16_t ndesc;        /* descriptors the chain takes in the table */
};

struct virtqueue {
    void    *os;
    uint16_t index;
    uint16_t size;               /* power of two not required; 1..32768 */
    bool     event_idx;          /* VIRTIO_F_EVENT_IDX negotiated */
    bool     indirect;           /* VIRTIO_F_INDIRECT_DESC negotiated */
    bool     broken;
    struct vgpu_dma mem;         /* descriptor table, then avail ring, then used ring */
    uint8_t *avail, *used;       /* views into mem */
    uint64_t avail_addr, used_addr;
    uint16_t *next;              /* shadow links: free list and chains */
    struct vq_head_state *heads;
    uint16_t free_head;
    uint16_t num_free;
    uint16_t avail_idx;          /* the index we last published */
    uint16_t kicked_idx;         /* avail_idx when we last decided about a doorbell */
    uint16_t last_used;          /* the next used entry we will consume */
    uint32_t notify_off;         /* doorbell offset in the notify BAR */
};

int  vq_create(struct virtqueue *vq, void *os, uint16_t index, uint16_t size,
               bool event_idx, bool indirect);
void vq_destroy(struct virtqueue *vq);

/* Queue one chain; VGPU_E_BUSY when the table has no room.  Not visible until vq_publish(). */
int  vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *token,
            const struct vq_indirect *ind);
/* Make added chains visible; true when the device wants a doorbell for them. */
bool vq_publish(struct virtqueue *vq);
/* Take one completion: 1 with token/len, 0 when none, VGPU_E_PROTO when the device lied. */
int  vq_next_used(struct virtqueue *vq, void **token, uint32_t *len);
/* Ask for an interrupt at the next completion (event index), after consuming completions. */
void vq_arm_interrupt(struct virtqueue *vq);
uint16_t vq_in_flight(const struct virtqueue *vq);

#endif /* VIRTQUEUE_H */
