/* virtqueue.c — split virtqueue, driver side. */
#include "virtio/virtqueue.h"

#include "base/le.h"
#include "base/log.h"
#include "base/status.h"
#include "base/util.h"
#include "virtio/vring.h"

static uint32_t used_offset(uint16_t size)
{
    return (VRING_DESC_BYTES(size) + VRING_AVAIL_BYTES(size) + 3u) & ~3u;  /* used ring: 4-aligned */
}

static void put16(uint8_t *base, uint32_t off, uint16_t v)
{
    *(volatile uint16_t *)(void *)(base + off) = vgpu_le16(v);
}

static uint16_t get16(const uint8_t *base, uint32_t off)
{
    return vgpu_from_le16(*(const volatile uint16_t *)(const void *)(base + off));
}

static uint32_t get32(const uint8_t *base, uint32_t off)
{
    return vgpu_from_le32(*(const volatile uint32_t *)(const void *)(base + off));
}

static void write_desc(struct vring_desc *d, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    d->addr = vgpu_le64(addr);
    d->len = vgpu_le32(len);
    d->flags = vgpu_le16(flags);
    d->next = vgpu_le16(next);
}

static void init_free_list(struct virtqueue *vq)
{
    uint16_t i;
    for (i = 0; i < vq->size; i++)
        vq->next[i] = (uint16_t)(i + 1);
    vq->free_head = 0;
    vq->num_free = vq->size;
}

int vq_create(struct virtqueue *vq, void *os, uint16_t index, uint16_t size,
              bool event_idx, bool indirect)
{
    size_t bytes = used_offset(size) + VRING_USED_BYTES(size);

    vgpu_zero(vq, sizeof(*vq));
    vq->os = os;
    vq->index = index;
    vq->size = size;
    vq->event_idx = event_idx;
    vq->indirect = indirect;
    if (size == 0 || size > VRING_MAX_SIZE)
        return VGPU_E_NODEV;
    vq->next = vgpu_os_zalloc(os, sizeof(uint16_t) * size);
    vq->heads = vgpu_os_zalloc(os, sizeof(struct vq_head_state) * size);
    if (!vq->next || !vq->heads || !vgpu_os_dma_alloc(os, bytes, &vq->mem)) {
        vq_destroy(vq);
        return VGPU_E_NOMEM;
    }
    vq->avail = (uint8_t *)vq->mem.cpu + VRING_DESC_BYTES(size);
    vq->used = (uint8_t *)vq->mem.cpu + used_offset(size);
    vq->avail_addr = vq->mem.addr + VRING_DESC_BYTES(size);
    vq->used_addr = vq->mem.addr + used_offset(size);
    init_free_list(vq);
    return VGPU_OK;
}

void vq_destroy(struct virtqueue *vq)
{
    if (vq->mem.cpu)
        vgpu_os_dma_free(vq->os, &vq->mem);
    if (vq->heads)
        vgpu_os_free(vq->os, vq->heads, sizeof(struct vq_head_state) * vq->size);
    if (vq->next)
        vgpu_os_free(vq->os, vq->next, sizeof(uint16_t) * vq->size);
    vq->mem.cpu = NULL;
    vq->heads = NULL;
    vq->next = NULL;
}

/* Readable buffers first, then writable ones (§2.7.4.2); returns the writable byte count. */
static int check_bufs(const struct vq_buf *bufs, unsigned n, uint32_t *in_len)
{
    uint64_t in = 0;
    bool seen_writable = false;
    unsigned i;

    if (n == 0)
        return VGPU_E_INVAL;
    for (i = 0; i < n; i++) {
        if (bufs[i].len == 0 || (seen_writable && !bufs[i].writable))
            return VGPU_E_INVAL;
        if (bufs[i].writable) {
            seen_writable = true;
            in += bufs[i].len;
        }
    }
    if (in > UINT32_MAX)
        return VGPU_E_INVAL;
    *in_len = (uint32_t)in;
    return VGPU_OK;
}

static uint16_t buf_flags(const struct vq_buf *b, bool more)
{
    return (uint16_t)((b->writable ? VRING_DESC_F_WRITE : 0) | (more ? VRING_DESC_F_NEXT : 0));
}

/* Take `n` descriptors off the free list and link them as one chain; returns the head. */
static uint16_t take_chain(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, bool indirect,
                           const struct vq_indirect *ind)
{
    struct vring_desc *table = vq->mem.cpu;
    uint16_t head = vq->free_head, cur = head;
    unsigned i;

    if (indirect) {
        write_desc(&table[head], ind->addr, (uint32_t)(n * sizeof(struct vring_desc)),
                   VRING_DESC_F_INDIRECT, 0);
        vq->free_head = vq->next[head];
        vq->num_free--;
        return head;
    }
    for (i = 0; i < n; i++) {
        uint16_t nxt = vq->next[cur];
        write_desc(&table[cur], bufs[i].addr, bufs[i].len, buf_flags(&bufs[i], i + 1 < n),
                   i + 1 < n ? nxt : 0);
        if (i + 1 < n)
            cur = nxt;
    }
    vq->free_head = vq->next[cur];
    vq->num_free = (uint16_t)(vq->num_free - n);
    return head;
}

static void fill_indirect(const struct vq_indirect *ind, const struct vq_buf *bufs, unsigned n)
{
    struct vring_desc *t = ind->cpu;
    unsigned i;
    for (i = 0; i < n; i++)
        write_desc(&t[i], bufs[i].addr, bufs[i].len, buf_flags(&bufs[i], i + 1 < n),
                   (uint16_t)(i + 1 < n ? i + 1 : 0));
}

int vq_add(struct virtqueue *vq, const struct vq_buf *bufs, unsigned n, void *token,
           const struct vq_indirect *ind)
{
    bool use_indirect = vq->indirect && ind && n > 1 && n <= ind->max_bufs;
    unsigned need = use_indirect ? 1 : n;
    uint32_t in_len;
    uint16_t head;
    int rc;

    if (vq->broken)
        return VGPU_E_BROKEN;
    if (!token || (rc = check_bufs(bufs, n, &in_len)) != VGPU_OK)
        return VGPU_E_INVAL;
    if (need > vq->size)
        return VGPU_E_INVAL;
    if (need > vq->num_free)
        return VGPU_E_BUSY;
    if (use_indirect)
        fill_indirect(ind, bufs, n);
    head = take_chain(vq, bufs, n, use_indirect, ind);
    vq->heads[head].token = token;
    vq->heads[head].in_len = in_len;
    vq->heads[head].ndesc = (uint16_t)need;
    put16(vq->avail, VRING_AVAIL_RING(vq->avail_idx % vq->size), head);
    vq->avail_idx++;
    return VGPU_OK;
}

/*
 * The ring entries must be visible before the index that exposes them (wmb), and the index
 * must be visible before we read the device's suppression hint, or a device going idle at that
 * moment could miss our update while we skip the doorbell (mb) — §2.7.13.
 */
bool vq_publish(struct virtqueue *vq)
{
    uint16_t old = vq->kicked_idx, now = vq->avail_idx;

    vgpu_os_wmb(vq->os);
    put16(vq->avail, 2, now);
    vgpu_os_mb(vq->os);
    vq->kicked_idx = now;
    if (old == now)
        return false;
    if (vq->event_idx)
        return vring_need_event(get16(vq->used, VRING_USED_AVAIL_EVENT(vq->size)), now, old);
    return !(get16(vq->used, 0) & VRING_USED_F_NO_NOTIFY);
}

static int fail(struct virtqueue *vq, const char *what, uint32_t a, uint32_t b)
{
    vq->broken = true;
    vgpu_err(vq->os, "queue %u: %s (%u, %u); queue disabled until reset", vq->index, VGPU_STR(what), a, b);
    return VGPU_E_PROTO;
}

static void release_chain(struct virtqueue *vq, uint16_t head)
{
    uint16_t last = head, n = vq->heads[head].ndesc;
    while (--n)
        last = vq->next[last];
    vq->next[last] = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + vq->heads[head].ndesc);
    vq->heads[head].token = NULL;
}

int vq_next_used(struct virtqueue *vq, void **token, uint32_t *len)
{
    uint16_t used_idx, pending;
    uint32_t id, ulen, slot;

    if (vq->broken)
        return VGPU_E_BROKEN;
    used_idx = get16(vq->used, 2);
    pending = (uint16_t)(used_idx - vq->last_used);
    if (pending == 0)
        return 0;
    if (pending > vq_in_flight(vq))
        return fail(vq, "device reports more completions than chains in flight", pending,
                    vq_in_flight(vq));
    vgpu_os_rmb(vq->os);   /* read the entry only after the index that covers it */
    slot = vq->last_used % vq->size;
    id = get32(vq->used, VRING_USED_RING(slot));
    ulen = get32(vq->used, VRING_USED_RING(slot) + 4);
    if (id >= vq->size || !vq->heads[id].token)
        return fail(vq, "used id is not a chain in flight", id, vq->size);
    if (ulen > vq->heads[id].in_len)
        return fail(vq, "used length exceeds the writable buffer", ulen, vq->heads[id].in_len);
    *token = vq->heads[id].token;
    *len = ulen;
    release_chain(vq, (uint16_t)id);
    vq->last_used++;
    return 1;
}

void vq_arm_interrupt(struct virtqueue *vq)
{
    if (vq->event_idx && !vq->broken) {
        put16(vq->avail, VRING_AVAIL_USED_EVENT(vq->size), vq->last_used);
        vgpu_os_mb(vq->os);
    }
}

uint16_t vq_in_flight(const struct virtqueue *vq)
{
    return (uint16_t)(vq->size - vq->num_free);
}
