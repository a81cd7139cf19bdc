/* vcon_port.c — console ports: finding one by name, opening it, reading and writing bytes. */
#include "console/vconsole.h"

#include "base/log.h"
#include "base/util.h"
#include "console/vcon_dev.h"
#include "console/virtio_console_proto.h"

uint32_t vcon_port_count(const struct vcon_dev *dev)
{
    return dev->ports.nports;
}

int vcon_port_info(const struct vcon_dev *dev, uint32_t id, struct vcon_port_info *out)
{
    const struct vcon_port_state *s;

    if (id >= dev->ports.nports)
        return VGPU_E_INVAL;
    s = &dev->ports.port[id];
    vgpu_zero(out, sizeof(*out));
    out->present = s->present;
    out->console = s->console;
    out->host_open = s->host_open;
    out->guest_open = dev->q[id].guest_open;
    out->rx_pending = vcon_bufq_pending(&dev->q[id].rx);
    vgpu_copy(out->name, s->name, s->name_len + 1);
    return VGPU_OK;
}

int vcon_wait(struct vcon_dev *dev, uint64_t deadline_ns)
{
    return vcon_wait_slice(dev, deadline_ns);
}

static bool find_locked(struct vcon_dev *dev, const char *name, uint32_t *id)
{
    bool found;

    vgpu_os_lock(dev->os);
    vcon_harvest(dev, true);
    found = vcon_ports_find(&dev->ports, name, id);
    vgpu_os_unlock(dev->os);
    return found;
}

int vcon_find_port(struct vcon_dev *dev, const char *name, uint32_t timeout_ms, uint32_t *id)
{
    uint64_t deadline = vgpu_os_now_ns(dev->os) + (uint64_t)timeout_ms * 1000000u;
    int rc;

    if (!name || !*name)
        return VGPU_E_INVAL;
    for (;;) {
        if (dev->broken)
            return VGPU_E_BROKEN;
        if (find_locked(dev, name, id))
            return VGPU_OK;
        if (vgpu_os_now_ns(dev->os) >= deadline)
            return VGPU_E_TIMEOUT;
        if ((rc = vcon_wait_slice(dev, deadline)) != VGPU_OK)
            return rc;
    }
}

/* A port we may use: announced, with queues the device has. */
static int usable(const struct vcon_dev *dev, uint32_t id)
{
    if (dev->broken)
        return VGPU_E_BROKEN;
    if (id >= dev->ports.nports || !dev->ports.port[id].present)
        return VGPU_E_INVAL;
    if (!dev->q[id].rx.enabled || !dev->q[id].tx.enabled)
        return VGPU_E_UNSUPPORTED;
    return VGPU_OK;
}

/* Receive buffers go first: the host may send the moment it learns the port is open. */
static int give_buffers(struct vcon_dev *dev, struct vcon_port_queues *pq)
{
    int rc = VGPU_OK;

    if (!vcon_bufq_has_buffers(&pq->rx))
        rc = vcon_bufq_alloc(&pq->rx, VCON_DATA_RING, VCON_DATA_BUF);
    if (rc == VGPU_OK && !vcon_bufq_has_buffers(&pq->tx))
        rc = vcon_bufq_alloc(&pq->tx, VCON_DATA_RING, VCON_DATA_BUF);
    if (rc == VGPU_OK) {
        vgpu_os_lock(dev->os);
        vcon_bufq_kick(&pq->rx);
        vgpu_os_unlock(dev->os);
    }
    return rc;
}

int vcon_port_open(struct vcon_dev *dev, uint32_t id)
{
    int rc = usable(dev, id);

    if (rc != VGPU_OK)
        return rc;
    if (dev->q[id].guest_open)
        return VGPU_E_INVAL;
    if ((rc = give_buffers(dev, &dev->q[id])) != VGPU_OK)
        return rc;
    rc = vcon_send_ctrl(dev, id, VIRTIO_CONSOLE_PORT_OPEN, 1);
    if (rc == VGPU_OK)
        dev->q[id].guest_open = true;
    return rc;
}

/* Drop what the reader never took: the next opener starts from fresh bytes. */
static void discard_pending(struct vcon_dev *dev, struct vcon_bufq *rx)
{
    uint8_t sink[256];

    vgpu_os_lock(dev->os);
    while (vcon_bufq_read(rx, sink, sizeof sink) > 0)
        ;
    vcon_bufq_kick(rx);
    vgpu_os_unlock(dev->os);
}

int vcon_port_close(struct vcon_dev *dev, uint32_t id)
{
    int rc = usable(dev, id);

    if (rc != VGPU_OK)
        return rc;
    if (!dev->q[id].guest_open)
        return VGPU_E_INVAL;
    dev->q[id].guest_open = false;
    rc = vcon_send_ctrl(dev, id, VIRTIO_CONSOLE_PORT_OPEN, 0);
    discard_pending(dev, &dev->q[id].rx);
    return rc;
}

static int open_port(const struct vcon_dev *dev, uint32_t id)
{
    int rc = usable(dev, id);
    return rc == VGPU_OK && !dev->q[id].guest_open ? VGPU_E_INVAL : rc;
}

int vcon_read(struct vcon_dev *dev, uint32_t id, void *buf, size_t max, size_t *got)
{
    int rc = open_port(dev, id);

    *got = 0;
    if (rc != VGPU_OK)
        return rc;
    vgpu_os_lock(dev->os);
    vcon_harvest(dev, true);
    *got = vcon_bufq_read(&dev->q[id].rx, buf, max);
    vcon_bufq_kick(&dev->q[id].rx);
    dev->stats.rx_bytes += *got;
    vgpu_os_unlock(dev->os);
    return dev->broken ? VGPU_E_BROKEN : VGPU_OK;
}

/* One buffer's worth; VGPU_E_BUSY while every transmit buffer is with the device. */
static int send_piece(struct vcon_dev *dev, struct vcon_bufq *tx, const uint8_t *data, uint32_t len)
{
    int rc;

    vgpu_os_lock(dev->os);
    vcon_harvest(dev, true);
    rc = dev->broken ? VGPU_E_BROKEN : vcon_bufq_send(tx, data, len);
    if (rc != VGPU_OK)
        vcon_bufq_kick(tx);   /* full: make sure the device sees what is queued */
    vgpu_os_unlock(dev->os);
    return rc;
}

int vcon_write(struct vcon_dev *dev, uint32_t id, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint64_t deadline = 0;
    struct vcon_bufq *tx;
    int rc = open_port(dev, id);

    if (rc != VGPU_OK)
        return rc;
    tx = &dev->q[id].tx;
    while (rc == VGPU_OK && len > 0) {
        uint32_t piece = (uint32_t)VGPU_MIN(len, (size_t)VCON_DATA_BUF);
        rc = send_piece(dev, tx, p, piece);
        if (rc == VGPU_OK) {
            p += piece;
            len -= piece;
            dev->stats.tx_bytes += piece;
            deadline = 0;
        } else if (rc == VGPU_E_BUSY) {
            if (!deadline)
                deadline = vgpu_os_now_ns(dev->os) + dev->timeout_ns;
            rc = vgpu_os_now_ns(dev->os) >= deadline ? VGPU_E_TIMEOUT : vcon_wait_slice(dev, deadline);
        }
    }
    vgpu_os_lock(dev->os);
    vcon_bufq_kick(tx);
    vgpu_os_unlock(dev->os);
    return rc;
}
