/*
 * vcon_dev.h — the console device object shared by vconsole.c and vcon_port.c (not public).
 */
#ifndef VCON_DEV_H
#define VCON_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "console/vcon_bufq.h"
#include "console/vcon_ctrl.h"
#include "console/vconsole.h"
#include "virtio/virtio_pci.h"

#define VCON_DATA_RING    16u      /* entries of each port queue */
#define VCON_DATA_BUF     4096u    /* bytes of each port buffer */

struct vcon_port_queues {
    struct vcon_bufq rx, tx;
    bool guest_open;               /* we sent PORT_OPEN 1 and not 0 since */
};

struct vcon_dev {
    void    *os;
    struct vcon_params params;
    uint64_t timeout_ns;
    struct vpci pci;
    uint64_t features;
    uint16_t queue_vector;
    struct vcon_bufq ctrl_rx, ctrl_tx;
    struct vcon_port_queues q[VCON_MAX_PORTS];
    struct vcon_ports ports;       /* what the device announced (vcon_ctrl.h) */
    bool     broken;               /* latched until close */
    struct vcon_stats stats;
};

/* Collect every completion and control message (lock held); wakes waiters when anything came. */
void vcon_harvest(struct vcon_dev *dev, bool polled);
/* Send one control message, waiting (bounded) for the control transmit buffer. */
int  vcon_send_ctrl(struct vcon_dev *dev, uint32_t id, uint16_t event, uint16_t value);
void vcon_mark_broken(struct vcon_dev *dev, const char *why);
/* Poll, then sleep at most one poll slice or until `deadline`. */
int  vcon_wait_slice(struct vcon_dev *dev, uint64_t deadline);

#endif /* VCON_DEV_H */
