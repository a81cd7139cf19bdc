/*
 * vcon_bufq.h — a virtqueue with its own pool of equal-sized DMA buffers, one descriptor each.
 *
 * A receive queue keeps every buffer posted to the device except those holding bytes the reader
 * has not taken yet; those wait in arrival (used-ring) order, so a byte stream comes out in the
 * order the device wrote it.  A transmit queue hands out free buffers, each sent as one chain.
 * The ring exists from bring-up (the device learns every queue before DRIVER_OK); the buffers
 * are allocated only when a port is opened.
 */
#ifndef VCON_BUFQ_H
#define VCON_BUFQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/virtio_pci.h"
#include "virtio/virtqueue.h"

struct vcon_bufq {
    struct virtqueue vq;
    struct vpci *pci;
    bool     enabled;         /* the ring exists and the device knows it */
    bool     receive;
    struct vgpu_dma mem;      /* nbufs * buf_size bytes; cpu is NULL until vcon_bufq_alloc() */
    uint32_t buf_size;
    uint16_t nbufs;
    uint16_t *slots;          /* receive: filled buffers in arrival order (a ring of nbufs);
                                 transmit: a stack of free buffers */
    uint32_t *filled;         /* receive: bytes the device wrote into each buffer */
    uint16_t count;           /* receive: filled buffers waiting; transmit: free buffers */
    uint16_t head;            /* receive: slot of the oldest filled buffer */
    uint32_t head_off;        /* receive: bytes of that buffer already read */
    uint64_t notifies;        /* doorbells rung */
};

/* The ring for queue `index` (at most `max_size` entries), enabled with the device. */
int  vcon_bufq_create(struct vcon_bufq *q, struct vpci *pci, uint16_t index, uint16_t max_size,
                      bool receive, bool event_idx, uint16_t msix_vector);
/* The buffers (at most the ring size); a receive queue posts them all.  Once per queue. */
int  vcon_bufq_alloc(struct vcon_bufq *q, uint16_t nbufs, uint32_t buf_size);
/* Free ring and buffers: only after a device reset, when the device can no longer touch them. */
void vcon_bufq_destroy(struct vcon_bufq *q);
bool vcon_bufq_has_buffers(const struct vcon_bufq *q);

/* Take every completion; returns how many, or VGPU_E_PROTO when the device broke the ring. */
int  vcon_bufq_harvest(struct vcon_bufq *q);
/* Publish what was added and ring the doorbell if the device wants it. */
void vcon_bufq_kick(struct vcon_bufq *q);

/* Receive: bytes waiting in filled buffers. */
uint32_t vcon_bufq_pending(const struct vcon_bufq *q);
/* Receive: copy up to `max` waiting bytes, reposting every buffer emptied; returns the count. */
size_t vcon_bufq_read(struct vcon_bufq *q, uint8_t *dst, size_t max);
/* Receive, one message per buffer (control): the oldest filled buffer, then give it back. */
bool vcon_bufq_peek(const struct vcon_bufq *q, const uint8_t **data, uint32_t *len);
void vcon_bufq_repost_head(struct vcon_bufq *q);

/* Transmit: copy `len` (1..buf_size) bytes into a free buffer and queue it; VGPU_E_BUSY if none. */
int  vcon_bufq_send(struct vcon_bufq *q, const void *data, uint32_t len);
uint16_t vcon_bufq_free_count(const struct vcon_bufq *q);

#endif /* VCON_BUFQ_H */
