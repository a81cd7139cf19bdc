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

#include "dev.h"

struct gpu_cmd {
    const void *req;            /* starts with struct virtio_gpu_ctrl_hdr; type already set */
    uint32_t    req_len;
    const struct vq_buf *data;  /* optional extra device-readable buffer (e.g. memory entries) */
    void       *resp;           /* where the checked response is copied; NULL for OK_NODATA */
    uint32_t    resp_len;       /* the exact size of the expected response */
    uint32_t    resp_type;      /* the OK response type expected */
};

int  gpu_queue_setup(struct vgpu_dev *dev, struct gpu_queue *q, uint16_t index, bool cursor);
void gpu_queue_teardown(struct vgpu_dev *dev, struct gpu_queue *q);

/* Control queue: send and wait for the checked response. */
int  cmd_run(struct vgpu_dev *dev, const struct gpu_cmd *c);
/* Control queue: send with a fence and return once queued; `kick` rings the doorbell. */
int  cmd_queue_fenced(struct vgpu_dev *dev, const void *req, uint32_t req_len, bool kick);
/* Cursor queue: send (no response exists) and return once queued. */
int  cmd_cursor(struct vgpu_dev *dev, const void *req, uint32_t req_len);
/* Ring the control queue's doorbell if the device wants one. */
void cmd_kick(struct vgpu_dev *dev);
/* Wait until no command is in flight on either queue. */
int  cmd_wait_idle(struct vgpu_dev *dev);
/* Collect every completion on both queues (caller holds the lock). */
void cmd_harvest(struct vgpu_dev *dev, bool polled);

#endif /* VGPU_CMD_H */
