/*
 * vconsole.h — the public interface of the virtio-console driver core (VIRTIO 1.2 §5.3, modern
 * PCI 1AF4:1043, multiport only): named ports as byte streams.
 *
 * vcon_open() brings the device up the way vgpu_open() does (same transport, same vgpu_os_*
 * host functions, its own `os` context) and tells it the driver is ready; the device then
 * announces its ports on the control queue.  A port is found by name (vcon_find_port), opened
 * (receive buffers posted, PORT_OPEN 1 sent), then read without blocking and written with a
 * bounded wait.  Receive buffers stay posted, so the device can always deliver.
 *
 * Callers serialise calls into one device; only vcon_intx_status() may run concurrently from a
 * primary interrupt handler.  Statuses are enum vgpu_status (vgpu.h).  The console never calls
 * vgpu_os_event() (a host's handler may be the GPU's): a device that broke a ring or asked for a
 * reset makes calls fail with VGPU_E_BROKEN and vcon_needs_reset() true.
 */
#ifndef VCONSOLE_H
#define VCONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "console/vcon_ctrl.h"
#include "virtio/virtio_irq.h"

struct vcon_params {
    enum vgpu_irq_mode irq_mode;   /* MSI-X: vector 0 = configuration, 1 = queues (or all on 0) */
    uint16_t msix_vectors;         /* vectors the host enabled (MSI-X only) */
    uint32_t timeout_ms;           /* bound on each wait inside a call; 0 selects 5000 */
};

struct vcon_dev;

int  vcon_open(void *os, const struct vcon_params *params, struct vcon_dev **out);
/* Close open ports (best effort), reset the device, free everything. */
void vcon_close(struct vcon_dev *dev);

/* ---- Interrupts (VGPU_CAUSE_QUEUE / VGPU_CAUSE_CONFIG, as for the GPU) ---- */
uint32_t vcon_intx_status(struct vcon_dev *dev);
uint32_t vcon_msix_causes(const struct vcon_dev *dev, unsigned vector);
void vcon_handle_interrupt(struct vcon_dev *dev, uint32_t causes);
/* Take completions and control messages without an interrupt. */
void vcon_poll(struct vcon_dev *dev);
/* True once the device broke a ring or asked for a reset: close and open again. */
bool vcon_needs_reset(const struct vcon_dev *dev);

/* ---- Ports ---- */
struct vcon_port_info {
    bool present;              /* announced (PORT_ADD) and not removed */
    bool console;              /* the device calls it a console port */
    bool host_open;            /* the host side is connected (PORT_OPEN from the device) */
    bool guest_open;           /* we opened it */
    uint32_t rx_pending;       /* received bytes not yet read */
    char name[VCON_NAME_MAX + 1];   /* "" until PORT_NAME */
};
/* Ports the driver serves: ids 0 .. count-1. */
uint32_t vcon_port_count(const struct vcon_dev *dev);
int  vcon_port_info(const struct vcon_dev *dev, uint32_t id, struct vcon_port_info *out);
/* Wait up to `timeout_ms` until a port named `name` is announced; VGPU_E_TIMEOUT otherwise. */
int  vcon_find_port(struct vcon_dev *dev, const char *name, uint32_t timeout_ms, uint32_t *id);
/* Post receive buffers, then send PORT_OPEN 1.  Opening an open port is an error. */
int  vcon_port_open(struct vcon_dev *dev, uint32_t id);
/* Send PORT_OPEN 0; received bytes not yet read are dropped. */
int  vcon_port_close(struct vcon_dev *dev, uint32_t id);
/* Copy up to `max` received bytes into `buf`; *got = 0 when none are waiting.  Never blocks. */
int  vcon_read(struct vcon_dev *dev, uint32_t id, void *buf, size_t max, size_t *got);
/* Queue `len` bytes for the host; waits for transmit buffers, at most the timeout per buffer. */
int  vcon_write(struct vcon_dev *dev, uint32_t id, const void *buf, size_t len);
/* Sleep until the device signals something or `deadline_ns` (vgpu_os_now_ns clock), then poll. */
int  vcon_wait(struct vcon_dev *dev, uint64_t deadline_ns);

struct vcon_stats {
    uint64_t ctrl_msgs;        /* control messages received */
    uint64_t ctrl_errors;      /* ... of which were rejected (logged with the reason) */
    uint64_t rx_bytes, tx_bytes;
    uint64_t notifies;         /* doorbells rung */
    uint64_t interrupts;       /* vcon_handle_interrupt calls with a cause */
    uint64_t polled;           /* completions found by polling rather than by interrupt */
};
void vcon_get_stats(const struct vcon_dev *dev, struct vcon_stats *out);

#endif /* VCONSOLE_H */
