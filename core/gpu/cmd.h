/*
 * cmd.h — sending virtio-gpu commands and collecting their responses.
 *
 * One send path for every command, as the spec's request/response model suggests: the request
 * is copied into a slot, the response lands in the same slot, and the response's type, length
 * and fence are checked before anyone reads it.  Synchronous commands wait with a deadline;
 * asynchronous (fenced) ones are checked when their completion is harvested.
 */
#ifndef VGPU_CMD_H
#define VGPU_CMD_H

#include <stdint.h>

#include "gpu/dev.h"

struct gpu_cmd {
    const void *req;            /* starts with struct virtio_gpu_ctrl_hdr; type already set */
    uint32_t    req_len;
    const struct vq_buf *data;  /* optional extra device-readable buffer (e.g. memory entries) */
    void       *resp;           /* where the checked response is copied; NULL for OK_NODATA */
    uint32_t    resp_len;       /* the exact size of the expected response (its slot part) */
    uint32_t    resp_type;      /* the OK response type expected */
};

/* A command whose chain has more buffers: a 3D command stream, a response that outgrows a slot. */
struct gpu_cmd_chain {
    struct gpu_cmd cmd;         /* cmd.data points to `ndata` device-readable buffers */
    uint32_t ndata;             /* 0 means one when cmd.data is set */
    const struct vq_buf *resp_tail;  /* optional device-writable buffer the response continues
                                        into (capability sets); it must be filled completely, the
                                        caller reads it after success */
};

/* Latch the device broken (a bad response, a timeout, a reset request) and tell the host once;
 * every command then fails with VGPU_E_BROKEN until vgpu_recover(). */
void cmd_mark_broken(struct vgpu_dev *dev, const char *why);

int  gpu_queue_setup(struct vgpu_dev *dev, struct gpu_queue *q, uint16_t index, bool cursor);
void gpu_queue_teardown(struct vgpu_dev *dev, struct gpu_queue *q);

/* Control queue: send and wait for the checked response. */
int  cmd_run(struct vgpu_dev *dev, const struct gpu_cmd *c);
int  cmd_run_chain(struct vgpu_dev *dev, const struct gpu_cmd_chain *c);
/* Control queue: queue with a fence, no doorbell yet (batches end with cmd_kick()); VGPU_E_BUSY
 * when the queue is full right now. */
int  cmd_queue_fenced(struct vgpu_dev *dev, const void *req, uint32_t req_len);
/*
 * Control queue: send `c` (OK_NODATA expected, no resp/resp_tail) with a fence, waiting for a
 * slot and ring space if needed, ring the doorbell, and return the fence id at once.  The data
 * buffers must stay valid until that fence completes or the device is reset.
 */
int  cmd_send_fenced(struct vgpu_dev *dev, const struct gpu_cmd_chain *c, uint64_t *fence);
/* True while a fenced command with a fence id in 1..`fence` is still in flight. */
bool cmd_fence_pending(struct vgpu_dev *dev, uint64_t fence);
/* The oldest fence still in flight on commands for context `ctx_id` (0: none in flight). */
uint64_t cmd_oldest_fence(struct vgpu_dev *dev, uint32_t ctx_id);
/* Wait until no fence in 1..`fence` is in flight, at most `timeout_ns`; a timeout is only
 * reported (VGPU_E_TIMEOUT), the device is not declared broken for it. */
int  cmd_wait_fence(struct vgpu_dev *dev, uint64_t fence, uint64_t timeout_ns);
/* Cursor queue: send (no response exists) and return once queued. */
int  cmd_cursor(struct vgpu_dev *dev, const void *req, uint32_t req_len);
/*
 * How many fenced one-response commands (cmd_queue_fenced) the control queue takes right now
 * without waiting (`now`), or at most when idle (`!now`).  Collects completions first.
 */
uint32_t cmd_fenced_room(struct vgpu_dev *dev, bool now);
/* Ring the control queue's doorbell if the device wants one. */
void cmd_kick(struct vgpu_dev *dev);
/* Wait until no command is in flight on either queue. */
int  cmd_wait_idle(struct vgpu_dev *dev);
/* Collect every completion on both queues (caller holds the lock). */
void cmd_harvest(struct vgpu_dev *dev, bool polled);

#endif /* VGPU_CMD_H */
