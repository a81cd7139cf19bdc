/* cmd.c — the single send path for control and cursor commands. */
#include "gpu/cmd.h"

#include "base/le.h"
#include "base/log.h"
#include "base/util.h"
#include "virtio/virtio_pci_regs.h"

/* Control slots: room for a 4-entry indirect table, the largest request and response we send. */
#define CTRL_INDIRECT_BUFS 4u
#define CTRL_REQ_OFF       64u
#define CTRL_REQ_MAX       448u
#define CTRL_RESP_OFF      512u
#define CTRL_RESP_MAX      1536u
#define CTRL_SLOT_SIZE     2048u
#define CURSOR_SLOT_SIZE   64u
#define MAX_SLOTS          64u
/* Chains up to this many buffers are described on the stack; longer ones (a 3D command stream
 * in many segments) in a temporary array. */
#define CHAIN_STACK_BUFS   6u

/* How long a waiter sleeps before polling the rings itself (bounds lost-interrupt latency). */
#define POLL_SLICE_IRQ_NS  (20u * 1000u * 1000u)
#define POLL_SLICE_POLL_NS (50u * 1000u)

#define RESP_ERR_FIRST 0x1200u
#define RESP_ERR_LAST  0x12ffu

/* ---- a device that broke the protocol ---- */

void cmd_mark_broken(struct vgpu_dev *dev, const char *why)
{
    if (!dev->broken)
        vgpu_err(dev->os, "device disabled until reset: %s", VGPU_STR(why));
    dev->broken = true;
    if (!dev->reset_reported) {
        dev->reset_reported = true;
        vgpu_os_event(dev->os, VGPU_OS_EVENT_NEEDS_RESET);
    }
    vgpu_os_wake(dev->os);
}

/* ---- queue setup ---- */

static void layout_slots(struct gpu_queue *q, bool cursor)
{
    if (cursor) {
        q->slot_size = CURSOR_SLOT_SIZE;
        q->req_off = 0;
        q->req_max = CURSOR_SLOT_SIZE;
        q->resp_off = q->resp_max = 0;
    } else {
        q->slot_size = CTRL_SLOT_SIZE;
        q->req_off = CTRL_REQ_OFF;
        q->req_max = CTRL_REQ_MAX;
        q->resp_off = CTRL_RESP_OFF;
        q->resp_max = CTRL_RESP_MAX;
    }
}

static int alloc_slots(struct vgpu_dev *dev, struct gpu_queue *q)
{
    uint16_t i;

    q->slots = vgpu_os_zalloc(dev->os, sizeof(struct gpu_slot) * q->nslots);
    if (!q->slots || !vgpu_os_dma_alloc(dev->os, (size_t)q->slot_size * q->nslots, &q->mem))
        return VGPU_E_NOMEM;
    for (i = 0; i < q->nslots; i++) {
        q->slots[i].cpu = (uint8_t *)q->mem.cpu + (size_t)i * q->slot_size;
        q->slots[i].addr = q->mem.addr + (uint64_t)i * q->slot_size;
    }
    return VGPU_OK;
}

int gpu_queue_setup(struct vgpu_dev *dev, struct gpu_queue *q, uint16_t index, bool cursor)
{
    uint16_t size = vpci_queue_max(&dev->pci, index);
    int rc;

    if (size == 0) {
        vgpu_err(dev->os, "queue %u is not available", index);
        return VGPU_E_NODEV;
    }
    size = VGPU_MIN(size, 256u);   /* more would only cost memory: commands are few and quick */
    layout_slots(q, cursor);
    q->nslots = (uint16_t)VGPU_MIN(size, MAX_SLOTS);
    rc = vq_create(&q->vq, dev->os, index, size, vgpu_has_feature(dev, VIRTIO_F_EVENT_IDX),
                   vgpu_has_feature(dev, VIRTIO_F_INDIRECT_DESC));
    if (rc == VGPU_OK)
        rc = alloc_slots(dev, q);
    if (rc == VGPU_OK)
        rc = vpci_queue_enable(&dev->pci, index, size, q->vq.mem.addr, q->vq.avail_addr,
                               q->vq.used_addr, q->msix_vector, &q->vq.notify_off);
    if (rc != VGPU_OK)
        gpu_queue_teardown(dev, q);
    return rc;
}

void gpu_queue_teardown(struct vgpu_dev *dev, struct gpu_queue *q)
{
    if (q->mem.cpu)
        vgpu_os_dma_free(dev->os, &q->mem);
    if (q->slots)
        vgpu_os_free(dev->os, q->slots, sizeof(struct gpu_slot) * q->nslots);
    vq_destroy(&q->vq);
    q->mem.cpu = NULL;
    q->slots = NULL;
    q->busy_slots = 0;
}

/* ---- completion ---- */

static const char *error_name(uint32_t type)
{
    switch (type) {
    case VIRTIO_GPU_RESP_ERR_UNSPEC:              return "ERR_UNSPEC";
    case VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY:       return "ERR_OUT_OF_MEMORY";
    case VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID:  return "ERR_INVALID_SCANOUT_ID";
    case VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID: return "ERR_INVALID_RESOURCE_ID";
    case VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID:  return "ERR_INVALID_CONTEXT_ID";
    case VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER:   return "ERR_INVALID_PARAMETER";
    default:                                      return "ERR_(unknown)";
    }
}

/*
 * Judge a completed control command: the response must be at least a header, echo our fence,
 * and either be the OK type we expect at its full size or an ERR_* type.
 */
static int check_response(struct vgpu_dev *dev, const struct gpu_queue *q, const struct gpu_slot *s,
                          uint32_t req_type)
{
    const struct virtio_gpu_ctrl_hdr *h = (const void *)(s->cpu + q->resp_off);
    uint32_t type;

    if (s->used_len < sizeof(*h)) {
        vgpu_err(dev->os, "command 0x%x: response of %u bytes is shorter than a header", req_type, s->used_len);
        return VGPU_E_PROTO;
    }
    type = vgpu_from_le32(h->type);
    if (s->fence_id && (!(vgpu_from_le32(h->flags) & VIRTIO_GPU_FLAG_FENCE) ||
                        vgpu_from_le64(h->fence_id) != s->fence_id)) {
        vgpu_err(dev->os, "command 0x%x: response does not carry fence %u", req_type, s->fence_id);
        return VGPU_E_PROTO;
    }
    if (type >= RESP_ERR_FIRST && type <= RESP_ERR_LAST) {
        dev->stats.errors++;
        vgpu_warn(dev->os, "command 0x%x failed: %s (0x%x)", req_type, VGPU_STR(error_name(type)), type);
        return VGPU_E_DEVICE;
    }
    if (type != s->expect_type || s->used_len < s->resp_len) {
        vgpu_err(dev->os, "command 0x%x: unexpected response 0x%x of %u bytes (wanted 0x%x, %u)",
                 req_type, type, s->used_len, s->expect_type, s->resp_len);
        return VGPU_E_PROTO;
    }
    return VGPU_OK;
}

static uint32_t req_type_of(const struct gpu_queue *q, const struct gpu_slot *s)
{
    const struct virtio_gpu_ctrl_hdr *h = (const void *)(s->cpu + q->req_off);
    return vgpu_from_le32(h->type);
}

static void free_slot(struct gpu_queue *q, struct gpu_slot *s)
{
    s->busy = s->done = s->waited = false;
    q->busy_slots--;
}

/* Nobody waits for fenced commands: judge them here; a protocol violation breaks the device. */
static void finish_unwaited(struct vgpu_dev *dev, struct gpu_queue *q, struct gpu_slot *s)
{
    if (q->resp_max) {
        int rc = check_response(dev, q, s, req_type_of(q, s));
        if (rc == VGPU_E_DEVICE)
            dev->stats.async_errors++;
        else if (rc != VGPU_OK)
            cmd_mark_broken(dev, "bad response to a fenced command");
    }
    free_slot(q, s);
}

static bool token_is_slot(const struct gpu_queue *q, const void *token)
{
    const struct gpu_slot *s = token;
    return s >= q->slots && s < q->slots + q->nslots && s->busy && !s->done;
}

static unsigned harvest_queue(struct vgpu_dev *dev, struct gpu_queue *q)
{
    unsigned n = 0;
    void *token;
    uint32_t len;
    int rc;

    while (q->slots && (rc = vq_next_used(&q->vq, &token, &len)) == 1) {
        struct gpu_slot *s = token;
        if (!token_is_slot(q, token)) {   /* our own bookkeeping, never device data */
            cmd_mark_broken(dev, "completion for a slot not in flight");
            return n;
        }
        s->used_len = len;
        s->done = true;
        n++;
        if (!s->waited)
            finish_unwaited(dev, q, s);
    }
    if (q->slots && q->vq.broken)
        cmd_mark_broken(dev, "bad used ring entry");
    if (q->slots)
        vq_arm_interrupt(&q->vq);
    return n;
}

void cmd_harvest(struct vgpu_dev *dev, bool polled)
{
    unsigned n = harvest_queue(dev, &dev->ctrl) + harvest_queue(dev, &dev->cursorq);
    if (polled)
        dev->stats.polled_completions += n;
    if (n)
        vgpu_os_wake(dev->os);
}

/* ---- waiting ---- */

typedef bool (*wait_cond)(struct vgpu_dev *dev, const void *arg);

/* Without interrupts no configuration change arrives: look at the status ourselves, so a
 * device that asks for a reset mid-command is noticed within a poll slice, not a timeout. */
static void poll_device_status(struct vgpu_dev *dev)
{
    if (dev->params.irq_mode == VGPU_IRQ_POLL && !dev->broken &&
        (vpci_status(&dev->pci) & VIRTIO_STATUS_NEEDS_RESET))
        cmd_mark_broken(dev, "device asked for a reset");
}

/*
 * Sleep until `cond` holds, polling the rings after every wake-up so that a lost interrupt
 * only costs one poll slice.  Fails on the deadline or when the device breaks meanwhile.
 */
static int wait_until(struct vgpu_dev *dev, wait_cond cond, const void *arg, uint64_t deadline)
{
    uint64_t slice = dev->params.irq_mode == VGPU_IRQ_POLL ? POLL_SLICE_POLL_NS : POLL_SLICE_IRQ_NS;

    for (;;) {
        uint64_t now;
        bool met;

        vgpu_os_lock(dev->os);
        cmd_harvest(dev, true);
        met = cond(dev, arg);
        if (!met)
            poll_device_status(dev);
        vgpu_os_unlock(dev->os);
        if (met)
            return VGPU_OK;
        if (dev->broken)
            return VGPU_E_BROKEN;
        now = vgpu_os_now_ns(dev->os);
        if (now >= deadline)
            return VGPU_E_TIMEOUT;
        vgpu_os_wait(dev->os, VGPU_MIN(deadline, now + slice));
    }
}

static uint64_t deadline_from_now(struct vgpu_dev *dev)
{
    return vgpu_os_now_ns(dev->os) + dev->timeout_ns;
}

static bool has_free_slot(struct vgpu_dev *dev, const void *arg)
{
    const struct gpu_queue *q = arg;
    (void)dev;
    return q->busy_slots < q->nslots;
}

static bool slot_done(struct vgpu_dev *dev, const void *arg)
{
    (void)dev;
    return ((const struct gpu_slot *)arg)->done;
}

static bool queues_idle(struct vgpu_dev *dev, const void *arg)
{
    (void)arg;
    return dev->ctrl.busy_slots == 0 && dev->cursorq.busy_slots == 0;
}

/* ---- submission ---- */

/*
 * Slots and descriptors come back only as commands complete.  When none completes for a whole
 * timeout the device has stopped, like a command that times out: latch it broken, or every
 * later call would wait that long again.
 */
static int wait_for_room(struct vgpu_dev *dev, wait_cond cond, const void *arg)
{
    int rc = wait_until(dev, cond, arg, deadline_from_now(dev));

    if (rc == VGPU_E_TIMEOUT)
        cmd_mark_broken(dev, "no command completed for a whole timeout");
    return rc;
}

/* A free slot, waiting for one when `block`; otherwise VGPU_E_BUSY when all are in flight. */
static struct gpu_slot *grab_slot(struct vgpu_dev *dev, struct gpu_queue *q, bool block, int *rc)
{
    uint16_t i;

    *rc = block ? wait_for_room(dev, has_free_slot, q) : wait_until(dev, has_free_slot, q, 0);
    if (*rc == VGPU_E_TIMEOUT && !block)
        *rc = VGPU_E_BUSY;
    if (*rc != VGPU_OK)
        return NULL;
    for (i = 0; i < q->nslots; i++) {
        if (!q->slots[i].busy) {
            q->slots[i].busy = true;
            q->slots[i].done = false;
            q->busy_slots++;
            return &q->slots[i];
        }
    }
    *rc = VGPU_E_PROTO;   /* unreachable: busy_slots says one is free */
    return NULL;
}

struct ring_need {
    const struct gpu_queue *q;
    unsigned descs;
};

static bool ring_has_room(struct vgpu_dev *dev, const void *arg)
{
    const struct ring_need *need = arg;
    (void)dev;
    return need->q->vq.num_free >= need->descs;
}

/* Descriptors a chain of n buffers takes: one when it fits the slot's indirect table (vq_add's rule). */
static unsigned descs_needed(const struct gpu_queue *q, const struct vq_indirect *ind, unsigned n)
{
    return q->vq.indirect && n > 1 && n <= ind->max_bufs ? 1u : n;
}

/* Put the slot's buffers on the ring, waiting for descriptors when the ring is full and `block`. */
static int submit(struct vgpu_dev *dev, struct gpu_queue *q, struct gpu_slot *s,
                  const struct vq_buf *bufs, unsigned n, bool block)
{
    struct vq_indirect ind = { s->cpu, s->addr, q->resp_max ? CTRL_INDIRECT_BUFS : 0 };
    struct ring_need need = { q, descs_needed(q, &ind, n) };
    int rc;

    for (;;) {
        vgpu_os_lock(dev->os);
        rc = dev->broken ? VGPU_E_BROKEN : vq_add(&q->vq, bufs, n, s, &ind);
        vgpu_os_unlock(dev->os);
        if (rc != VGPU_E_BUSY || !block)
            return rc;
        rc = wait_for_room(dev, ring_has_room, &need);
        if (rc != VGPU_OK)
            return rc;
    }
}

static void kick_queue(struct vgpu_dev *dev, struct gpu_queue *q)
{
    bool notify;

    if (!q->slots)   /* torn down by a failed recovery: its ring memory is gone */
        return;
    vgpu_os_lock(dev->os);
    notify = vq_publish(&q->vq);
    vgpu_os_unlock(dev->os);
    if (notify) {
        dev->stats.notifies++;
        vpci_notify(&dev->pci, q->vq.notify_off, q->vq.index);
    } else {
        dev->stats.notifies_skipped++;
    }
}

/*
 * A waiter gives up on its slot: the device still owns it (only a reset gets it back), unless it
 * completed after the last look, which an interrupt on another CPU may have just harvested.
 */
static void abandon_slot(struct vgpu_dev *dev, struct gpu_queue *q, struct gpu_slot *s)
{
    vgpu_os_lock(dev->os);
    s->waited = false;
    if (s->done)
        free_slot(q, s);
    vgpu_os_unlock(dev->os);
}

static void release_slot(struct vgpu_dev *dev, struct gpu_queue *q, struct gpu_slot *s)
{
    vgpu_os_lock(dev->os);
    free_slot(q, s);
    vgpu_os_unlock(dev->os);
}

/*
 * Queue the slot's buffers and ring the doorbell (unless batching); frees the slot on failure.
 * Only waited commands block for ring space: fire-and-forget ones report VGPU_E_BUSY instead.
 */
static int send(struct vgpu_dev *dev, struct gpu_queue *q, struct gpu_slot *s,
                const struct vq_buf *bufs, unsigned n, bool kick)
{
    int rc = submit(dev, q, s, bufs, n, s->waited);
    if (rc != VGPU_OK) {
        release_slot(dev, q, s);
        return rc;
    }
    if (q == &dev->ctrl)
        dev->stats.commands++;
    if (kick)
        kick_queue(dev, q);
    return VGPU_OK;
}

/* A fenced command is request + response: one descriptor with an indirect table, else two. */
uint32_t cmd_fenced_room(struct vgpu_dev *dev, bool now)
{
    struct gpu_queue *q = &dev->ctrl;
    uint32_t per_cmd = q->vq.indirect ? 1u : 2u, slots, descs;

    if (!q->slots)
        return 0;
    vgpu_os_lock(dev->os);
    cmd_harvest(dev, true);
    slots = now ? (uint32_t)(q->nslots - q->busy_slots) : q->nslots;
    descs = now ? q->vq.num_free : q->vq.size;
    vgpu_os_unlock(dev->os);
    return VGPU_MIN(slots, descs / per_cmd);
}

void cmd_kick(struct vgpu_dev *dev)
{
    kick_queue(dev, &dev->ctrl);
}

/* Copy the request into the slot and describe request + response as buffers. */
static unsigned prepare(struct gpu_queue *q, struct gpu_slot *s, const void *req, uint32_t req_len,
                        uint32_t resp_len, struct vq_buf *bufs)
{
    unsigned n = 0;

    vgpu_copy(s->cpu + q->req_off, req, req_len);
    bufs[n++] = (struct vq_buf){ s->addr + q->req_off, req_len, false };
    if (resp_len)
        bufs[n++] = (struct vq_buf){ s->addr + q->resp_off, resp_len, true };
    s->resp_len = resp_len;
    return n;
}

/* ---- chains with several data buffers and a response tail (3D) ---- */

struct chain {
    struct vq_buf stack[CHAIN_STACK_BUFS];
    struct vq_buf *bufs;      /* `stack`, or a temporary array for long chains */
    unsigned n, cap;
};

static unsigned data_count(const struct gpu_cmd_chain *c)
{
    return !c->cmd.data ? 0u : c->ndata ? c->ndata : 1u;
}

static int chain_alloc(struct vgpu_dev *dev, const struct gpu_cmd_chain *c, struct chain *ch)
{
    ch->cap = 3u + data_count(c);
    ch->n = 0;
    ch->bufs = ch->stack;
    if (ch->cap <= CHAIN_STACK_BUFS)
        return VGPU_OK;
    ch->bufs = vgpu_os_zalloc(dev->os, sizeof(struct vq_buf) * ch->cap);
    return ch->bufs ? VGPU_OK : VGPU_E_NOMEM;
}

static void chain_free(struct vgpu_dev *dev, struct chain *ch)
{
    if (ch->bufs != ch->stack)
        vgpu_os_free(dev->os, ch->bufs, sizeof(struct vq_buf) * ch->cap);
    ch->bufs = ch->stack;
}

/* Like prepare(), for any number of data buffers and an optional response tail. */
static void prepare_chain(struct gpu_queue *q, struct gpu_slot *s, const struct gpu_cmd_chain *c,
                          uint32_t resp_len, struct chain *ch)
{
    unsigned i, nd = data_count(c);

    ch->n = prepare(q, s, c->cmd.req, c->cmd.req_len, 0, ch->bufs);
    for (i = 0; i < nd; i++)
        ch->bufs[ch->n++] = c->cmd.data[i];
    ch->bufs[ch->n++] = (struct vq_buf){ s->addr + q->resp_off, resp_len, true };
    s->resp_len = resp_len;
    if (c->resp_tail) {
        ch->bufs[ch->n++] = *c->resp_tail;
        s->resp_len += c->resp_tail->len;
    }
}

static void set_fence(struct vgpu_dev *dev, struct gpu_queue *q, struct gpu_slot *s)
{
    struct virtio_gpu_ctrl_hdr *h = (void *)(s->cpu + q->req_off);
    s->fence_id = ++dev->last_fence;
    h->flags = vgpu_le32(vgpu_from_le32(h->flags) | VIRTIO_GPU_FLAG_FENCE);
    h->fence_id = vgpu_le64(s->fence_id);
}

static int check_lengths(const struct gpu_queue *q, uint32_t req_len, uint32_t resp_len)
{
    if (req_len < sizeof(struct virtio_gpu_ctrl_hdr) || req_len > q->req_max || resp_len > q->resp_max)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

/* A response tail must be writable and, with the slot part, fit the 32-bit used length. */
static int check_tail(const struct gpu_cmd_chain *c, uint32_t resp_len)
{
    if (!c->resp_tail)
        return VGPU_OK;
    if (!c->resp_tail->writable || c->resp_tail->len == 0 ||
        c->resp_tail->len > UINT32_MAX - resp_len)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

/* Grab a slot, describe the chain and put it on the ring (doorbell rung); frees on failure. */
static int send_cmd(struct vgpu_dev *dev, const struct gpu_cmd_chain *c, uint32_t resp_len, bool waited,
                    struct gpu_slot **out)
{
    struct gpu_queue *q = &dev->ctrl;
    struct chain ch;
    struct gpu_slot *s;
    int rc;

    if ((rc = chain_alloc(dev, c, &ch)) != VGPU_OK)
        return rc;
    if (!(s = grab_slot(dev, q, true, &rc))) {
        chain_free(dev, &ch);
        return rc;
    }
    s->waited = waited;
    s->fence_id = 0;
    s->expect_type = c->cmd.resp_type;
    prepare_chain(q, s, c, resp_len, &ch);
    if (!waited)
        set_fence(dev, q, s);
    rc = send(dev, q, s, ch.bufs, ch.n, true);
    chain_free(dev, &ch);
    *out = s;
    return rc;
}

int cmd_run(struct vgpu_dev *dev, const struct gpu_cmd *c)
{
    struct gpu_cmd_chain chain = { *c, 0, NULL };
    return cmd_run_chain(dev, &chain);
}

int cmd_run_chain(struct vgpu_dev *dev, const struct gpu_cmd_chain *cc)
{
    struct gpu_queue *q = &dev->ctrl;
    const struct gpu_cmd *c = &cc->cmd;
    uint32_t resp_len = c->resp_len ? c->resp_len : sizeof(struct virtio_gpu_ctrl_hdr);
    struct gpu_slot *s;
    int rc;

    if (dev->broken)
        return VGPU_E_BROKEN;
    if ((rc = check_lengths(q, c->req_len, resp_len)) != VGPU_OK || (rc = check_tail(cc, resp_len)) != VGPU_OK)
        return rc;
    if ((rc = send_cmd(dev, cc, resp_len, true, &s)) != VGPU_OK)
        return rc;
    rc = wait_until(dev, slot_done, s, deadline_from_now(dev));
    if (rc != VGPU_OK) {
        abandon_slot(dev, q, s);
        if (rc == VGPU_E_TIMEOUT)
            cmd_mark_broken(dev, "command timed out");
        return rc;
    }
    rc = check_response(dev, q, s, req_type_of(q, s));
    if (rc == VGPU_OK && c->resp)
        vgpu_copy(c->resp, s->cpu + q->resp_off, c->resp_len);
    if (rc == VGPU_E_PROTO)
        cmd_mark_broken(dev, "bad response");
    release_slot(dev, q, s);
    return rc;
}

int cmd_queue_fenced(struct vgpu_dev *dev, const void *req, uint32_t req_len)
{
    struct gpu_queue *q = &dev->ctrl;
    struct vq_buf bufs[2];
    struct gpu_slot *s;
    int rc;

    if (dev->broken)
        return VGPU_E_BROKEN;
    if ((rc = check_lengths(q, req_len, sizeof(struct virtio_gpu_ctrl_hdr))) != VGPU_OK)
        return rc;
    if (!(s = grab_slot(dev, q, false, &rc)))
        return rc;
    s->waited = false;
    s->expect_type = VIRTIO_GPU_RESP_OK_NODATA;
    prepare(q, s, req, req_len, sizeof(struct virtio_gpu_ctrl_hdr), bufs);
    set_fence(dev, q, s);
    return send(dev, q, s, bufs, 2, false);
}

int cmd_send_fenced(struct vgpu_dev *dev, const struct gpu_cmd_chain *c, uint64_t *fence)
{
    uint32_t resp_len = sizeof(struct virtio_gpu_ctrl_hdr);
    struct gpu_slot *s;
    int rc;

    if (dev->broken)
        return VGPU_E_BROKEN;
    if (c->cmd.resp || c->resp_tail || c->cmd.resp_type != VIRTIO_GPU_RESP_OK_NODATA)
        return VGPU_E_INVAL;
    if ((rc = check_lengths(&dev->ctrl, c->cmd.req_len, resp_len)) != VGPU_OK)
        return rc;
    rc = send_cmd(dev, c, resp_len, false, &s);
    if (rc == VGPU_OK)
        *fence = s->fence_id;
    return rc;
}

static uint32_t ctx_of(const struct gpu_queue *q, const struct gpu_slot *s)
{
    const struct virtio_gpu_ctrl_hdr *h = (const void *)(s->cpu + q->req_off);
    return vgpu_from_le32(h->ctx_id);
}

/* A slot holds an unfinished fenced command while busy and not yet returned by the device. */
static bool fence_in_flight(const struct gpu_slot *s)
{
    return s->busy && !s->done && s->fence_id != 0;
}

bool cmd_fence_pending(struct vgpu_dev *dev, uint64_t fence)
{
    const struct gpu_queue *q = &dev->ctrl;
    uint16_t i;

    for (i = 0; q->slots && i < q->nslots; i++)
        if (fence_in_flight(&q->slots[i]) && q->slots[i].fence_id <= fence)
            return true;
    return false;
}

uint64_t cmd_oldest_fence(struct vgpu_dev *dev, uint32_t ctx_id)
{
    const struct gpu_queue *q = &dev->ctrl;
    uint64_t oldest = 0;
    uint16_t i;

    for (i = 0; q->slots && i < q->nslots; i++) {
        const struct gpu_slot *s = &q->slots[i];
        if (fence_in_flight(s) && ctx_of(q, s) == ctx_id && (oldest == 0 || s->fence_id < oldest))
            oldest = s->fence_id;
    }
    return oldest;
}

static bool fence_done(struct vgpu_dev *dev, const void *arg)
{
    return !cmd_fence_pending(dev, *(const uint64_t *)arg);
}

int cmd_wait_fence(struct vgpu_dev *dev, uint64_t fence, uint64_t timeout_ns)
{
    uint64_t now = vgpu_os_now_ns(dev->os);
    uint64_t deadline = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
    return wait_until(dev, fence_done, &fence, deadline);
}

int cmd_cursor(struct vgpu_dev *dev, const void *req, uint32_t req_len)
{
    struct gpu_queue *q = &dev->cursorq;
    struct vq_buf buf;
    struct gpu_slot *s;
    int rc;

    if (dev->broken)
        return VGPU_E_BROKEN;
    if (req_len > q->req_max)
        return VGPU_E_INVAL;
    if (!(s = grab_slot(dev, q, true, &rc)))
        return rc;
    s->waited = false;
    s->fence_id = 0;
    prepare(q, s, req, req_len, 0, &buf);
    return send(dev, q, s, &buf, 1, true);
}

int cmd_wait_idle(struct vgpu_dev *dev)
{
    int rc = wait_until(dev, queues_idle, NULL, deadline_from_now(dev));
    if (rc == VGPU_E_TIMEOUT)
        cmd_mark_broken(dev, "queued commands never completed");
    return rc;
}
