/* vcon_bufq.c — virtqueues with a private buffer pool for the console's ports and control. */
#include "console/vcon_bufq.h"

#include "base/util.h"

int vcon_bufq_create(struct vcon_bufq *q, struct vpci *pci, uint16_t index, uint16_t max_size,
                     bool receive, bool event_idx, uint16_t msix_vector)
{
    uint16_t size = VGPU_MIN(vpci_queue_max(pci, index), max_size);
    int rc;

    vgpu_zero(q, sizeof(*q));
    q->pci = pci;
    q->receive = receive;
    if (size == 0)
        return VGPU_E_NODEV;
    rc = vq_create(&q->vq, pci->os, index, size, event_idx, false);
    if (rc == VGPU_OK)
        rc = vpci_queue_enable(pci, index, size, q->vq.mem.addr, q->vq.avail_addr, q->vq.used_addr,
                               msix_vector, &q->vq.notify_off);
    if (rc != VGPU_OK) {
        vq_destroy(&q->vq);
        return rc;
    }
    q->enabled = true;
    return VGPU_OK;
}

static uint64_t buf_addr(const struct vcon_bufq *q, uint16_t i)
{
    return q->mem.addr + (uint64_t)i * q->buf_size;
}

static uint8_t *buf_cpu(const struct vcon_bufq *q, uint16_t i)
{
    return (uint8_t *)q->mem.cpu + (size_t)i * q->buf_size;
}

/* A receive buffer goes (back) to the device; its token is its CPU address. */
static void post(struct vcon_bufq *q, uint16_t i)
{
    struct vq_buf b = { buf_addr(q, i), q->buf_size, true };
    (void)vq_add(&q->vq, &b, 1, buf_cpu(q, i), NULL);   /* cannot fail: one slot per buffer */
}

int vcon_bufq_alloc(struct vcon_bufq *q, uint16_t nbufs, uint32_t buf_size)
{
    void *os = q->pci->os;
    uint16_t i;

    if (!q->enabled || q->mem.cpu || nbufs == 0 || buf_size == 0)
        return VGPU_E_INVAL;
    q->nbufs = VGPU_MIN(nbufs, q->vq.size);
    q->buf_size = buf_size;
    q->slots = vgpu_os_zalloc(os, sizeof(uint16_t) * q->nbufs);
    q->filled = vgpu_os_zalloc(os, sizeof(uint32_t) * q->nbufs);
    if (!q->slots || !q->filled || !vgpu_os_dma_alloc(os, (size_t)q->nbufs * buf_size, &q->mem)) {
        vcon_bufq_destroy(q);
        return VGPU_E_NOMEM;
    }
    for (i = 0; i < q->nbufs; i++) {
        if (q->receive)
            post(q, i);
        else
            q->slots[q->count++] = i;
    }
    return VGPU_OK;
}

void vcon_bufq_destroy(struct vcon_bufq *q)
{
    void *os = q->pci ? q->pci->os : NULL;

    if (q->mem.cpu)
        vgpu_os_dma_free(os, &q->mem);
    if (q->slots)
        vgpu_os_free(os, q->slots, sizeof(uint16_t) * q->nbufs);
    if (q->filled)
        vgpu_os_free(os, q->filled, sizeof(uint32_t) * q->nbufs);
    if (q->enabled)
        vq_destroy(&q->vq);
    q->mem.cpu = NULL;
    q->slots = NULL;
    q->filled = NULL;
    q->enabled = false;
    q->count = q->head = 0;
    q->head_off = 0;
}

bool vcon_bufq_has_buffers(const struct vcon_bufq *q)
{
    return q->mem.cpu != NULL;
}

/* The buffer a token names; tokens are our own CPU addresses, never device data. */
static uint16_t token_index(const struct vcon_bufq *q, const void *token)
{
    return (uint16_t)(((const uint8_t *)token - (const uint8_t *)q->mem.cpu) / q->buf_size);
}

int vcon_bufq_harvest(struct vcon_bufq *q)
{
    void *token;
    uint32_t len;
    int n = 0, rc;

    if (!q->enabled || !q->mem.cpu)
        return 0;
    while ((rc = vq_next_used(&q->vq, &token, &len)) == 1) {
        uint16_t i = token_index(q, token);
        if (q->receive) {
            q->filled[i] = len;
            q->slots[(uint16_t)((q->head + q->count) % q->nbufs)] = i;
        } else {
            q->slots[q->count] = i;
        }
        q->count++;
        n++;
    }
    vq_arm_interrupt(&q->vq);
    return rc < 0 ? rc : n;
}

void vcon_bufq_kick(struct vcon_bufq *q)
{
    if (!q->enabled || q->vq.broken)
        return;
    if (vq_publish(&q->vq)) {
        q->notifies++;
        vpci_notify(q->pci, q->vq.notify_off, q->vq.index);
    }
}

uint32_t vcon_bufq_pending(const struct vcon_bufq *q)
{
    uint32_t total = 0;
    uint16_t k;

    for (k = 0; q->receive && k < q->count; k++)
        total += q->filled[q->slots[(uint16_t)((q->head + k) % q->nbufs)]];
    return total - (q->count ? q->head_off : 0);
}

bool vcon_bufq_peek(const struct vcon_bufq *q, const uint8_t **data, uint32_t *len)
{
    if (!q->receive || q->count == 0)
        return false;
    *data = buf_cpu(q, q->slots[q->head]);
    *len = q->filled[q->slots[q->head]];
    return true;
}

void vcon_bufq_repost_head(struct vcon_bufq *q)
{
    if (!q->receive || q->count == 0)
        return;
    post(q, q->slots[q->head]);
    q->head = (uint16_t)((q->head + 1) % q->nbufs);
    q->count--;
    q->head_off = 0;
}

size_t vcon_bufq_read(struct vcon_bufq *q, uint8_t *dst, size_t max)
{
    size_t done = 0;
    const uint8_t *data;
    uint32_t len;

    while (done < max && vcon_bufq_peek(q, &data, &len)) {
        size_t take = VGPU_MIN((size_t)(len - q->head_off), max - done);
        vgpu_copy(dst + done, data + q->head_off, take);
        done += take;
        q->head_off += (uint32_t)take;
        if (q->head_off == len)
            vcon_bufq_repost_head(q);
    }
    return done;
}

int vcon_bufq_send(struct vcon_bufq *q, const void *data, uint32_t len)
{
    struct vq_buf b;
    uint16_t i;
    int rc;

    if (q->receive || !q->mem.cpu || len == 0 || len > q->buf_size)
        return VGPU_E_INVAL;
    if (q->vq.broken)
        return VGPU_E_BROKEN;
    if (q->count == 0)
        return VGPU_E_BUSY;
    i = q->slots[q->count - 1];
    vgpu_copy(buf_cpu(q, i), data, len);
    b = (struct vq_buf){ buf_addr(q, i), len, false };
    rc = vq_add(&q->vq, &b, 1, buf_cpu(q, i), NULL);
    if (rc == VGPU_OK)
        q->count--;
    return rc;
}

uint16_t vcon_bufq_free_count(const struct vcon_bufq *q)
{
    return q->receive ? 0 : q->count;
}
