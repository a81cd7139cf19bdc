/* vconsole.c — virtio-console bring-up, interrupts, control messages and teardown. */
#include "console/vconsole.h"

#include "base/log.h"
#include "base/util.h"
#include "console/vcon_dev.h"
#include "console/virtio_console_proto.h"
#include "virtio/virtio_pci_regs.h"

#define DEFAULT_TIMEOUT_MS 5000u
#define RESET_TIMEOUT_MS   1000u
#define CTRL_RING          32u     /* QEMU posts every PORT_ADD at once: up to 31 at DEVICE_READY */
#define CTRL_BUF           4096u   /* a PORT_NAME must fit whole: a device never truncates it */
#define POLL_SLICE_IRQ_NS  (20u * 1000u * 1000u)
#define POLL_SLICE_POLL_NS (1000u * 1000u)

#define WANTED_FEATURES ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) | \
                         (1ull << VIRTIO_CONSOLE_F_MULTIPORT))

/* No vgpu_os_event here: a host's event handler may be the GPU's; hosts ask vcon_needs_reset(). */
void vcon_mark_broken(struct vcon_dev *dev, const char *why)
{
    if (!dev->broken)
        vgpu_err(dev->os, "console disabled until reopened: %s", VGPU_STR(why));
    dev->broken = true;
    vgpu_os_wake(dev->os);
}

/* ---- control messages ---- */

static void take_ctrl_message(struct vcon_dev *dev, const uint8_t *buf, uint32_t len)
{
    struct vcon_ctrl_msg m;
    int rc = vcon_ctrl_parse(&dev->ports, buf, len, &m);

    if (rc == VCON_CTRL_OK)
        rc = vcon_ctrl_apply(&dev->ports, &m);
    dev->stats.ctrl_msgs++;
    if (rc != VCON_CTRL_OK) {
        dev->stats.ctrl_errors++;
        vgpu_warn(dev->os, "console: control message (id %u event %u value %u, %u bytes) ignored: %s",
                  m.id, m.event, m.value, len, VGPU_STR(vcon_ctrl_error_name(rc)));
        return;
    }
    if (m.event == VIRTIO_CONSOLE_PORT_REMOVE)
        dev->q[m.id].guest_open = false;
    if (m.event == VIRTIO_CONSOLE_PORT_NAME)
        vgpu_info(dev->os, "console: port %u is \"%s\"", m.id, VGPU_STR(dev->ports.port[m.id].name));
}

static unsigned take_ctrl(struct vcon_dev *dev)
{
    const uint8_t *data;
    uint32_t len;
    unsigned n = 0;

    while (vcon_bufq_peek(&dev->ctrl_rx, &data, &len)) {
        take_ctrl_message(dev, data, len);
        vcon_bufq_repost_head(&dev->ctrl_rx);
        n++;
    }
    vcon_bufq_kick(&dev->ctrl_rx);
    return n;
}

/*
 * PORT_READY makes the device answer at once with up to three messages (CONSOLE_PORT, PORT_NAME,
 * PORT_OPEN) and it drops any it has no buffer for, so replies go one at a time: the single
 * control transmit buffer is free again only after the device took the previous one.
 */
static void send_ready_replies(struct vcon_dev *dev)
{
    uint8_t msg[VIRTIO_CONSOLE_CTRL_SIZE];
    uint32_t i;

    for (i = 0; i < dev->ports.nports && vcon_bufq_free_count(&dev->ctrl_tx); i++) {
        if (!dev->ports.port[i].ready_due)
            continue;
        vcon_ctrl_build(msg, i, VIRTIO_CONSOLE_PORT_READY, 1);
        if (vcon_bufq_send(&dev->ctrl_tx, msg, sizeof msg) == VGPU_OK)
            dev->ports.port[i].ready_due = false;
    }
    vcon_bufq_kick(&dev->ctrl_tx);
}

/* ---- harvesting ---- */

static unsigned harvest_queue(struct vcon_dev *dev, struct vcon_bufq *q)
{
    int n = vcon_bufq_harvest(q);
    if (n < 0) {
        vcon_mark_broken(dev, "bad used ring entry");
        return 0;
    }
    return (unsigned)n;
}

void vcon_harvest(struct vcon_dev *dev, bool polled)
{
    unsigned n, i;

    if (dev->broken)
        return;
    n = harvest_queue(dev, &dev->ctrl_rx) + harvest_queue(dev, &dev->ctrl_tx);
    for (i = 0; i < dev->ports.nports; i++)
        n += harvest_queue(dev, &dev->q[i].rx) + harvest_queue(dev, &dev->q[i].tx);
    if (dev->broken)
        return;
    take_ctrl(dev);
    send_ready_replies(dev);
    if (polled)
        dev->stats.polled += n;
    if (n)
        vgpu_os_wake(dev->os);
}

static void take_config_change(struct vcon_dev *dev)
{
    /* The console configuration holds only the geometry; a reset request is what matters. */
    if (vpci_status(&dev->pci) & VIRTIO_STATUS_NEEDS_RESET)
        vcon_mark_broken(dev, "device asked for a reset");
}

/* ---- waiting and sending ---- */

int vcon_wait_slice(struct vcon_dev *dev, uint64_t deadline)
{
    uint64_t slice = dev->params.irq_mode == VGPU_IRQ_POLL ? POLL_SLICE_POLL_NS : POLL_SLICE_IRQ_NS;
    uint64_t now = vgpu_os_now_ns(dev->os);

    if (now < deadline)
        vgpu_os_wait(dev->os, VGPU_MIN(deadline, now + slice));
    vgpu_os_lock(dev->os);
    vcon_harvest(dev, true);
    vgpu_os_unlock(dev->os);
    return dev->broken ? VGPU_E_BROKEN : VGPU_OK;
}

int vcon_send_ctrl(struct vcon_dev *dev, uint32_t id, uint16_t event, uint16_t value)
{
    uint64_t deadline = vgpu_os_now_ns(dev->os) + dev->timeout_ns;
    uint8_t msg[VIRTIO_CONSOLE_CTRL_SIZE];
    int rc;

    vcon_ctrl_build(msg, id, event, value);
    for (;;) {
        vgpu_os_lock(dev->os);
        vcon_harvest(dev, true);
        rc = dev->broken ? VGPU_E_BROKEN : vcon_bufq_send(&dev->ctrl_tx, msg, sizeof msg);
        vcon_bufq_kick(&dev->ctrl_tx);
        vgpu_os_unlock(dev->os);
        if (rc != VGPU_E_BUSY)
            return rc;
        if (vgpu_os_now_ns(dev->os) >= deadline)
            return VGPU_E_TIMEOUT;
        if ((rc = vcon_wait_slice(dev, deadline)) != VGPU_OK)
            return rc;
    }
}

/* ---- bring-up ---- */

/* Ports we serve: what the device offers, capped by our table and by the queues it has. */
static int read_port_count(struct vcon_dev *dev)
{
    uint16_t nq = vpci_num_queues(&dev->pci);
    uint32_t max_ports, n;
    int rc = vpci_device_read32(&dev->pci, VIRTIO_CONSOLE_CFG_MAX_NR_PORTS, &max_ports);

    if (rc != VGPU_OK)
        return rc;
    if (max_ports == 0 || nq < 4) {
        vgpu_err(dev->os, "console: %u ports, %u queues: nothing to serve", max_ports, nq);
        return VGPU_E_NODEV;
    }
    n = VGPU_MIN(VGPU_MIN(max_ports, VCON_MAX_PORTS), (uint32_t)nq / 2u - 1u);
    if (n < max_ports)
        vgpu_warn(dev->os, "console: serving ports 0..%u of the %u the device has", n - 1, max_ports);
    vcon_ports_init(&dev->ports, n);
    return VGPU_OK;
}

static int setup_port_rings(struct vcon_dev *dev, uint32_t port)
{
    bool ev = (dev->features >> VIRTIO_F_EVENT_IDX) & 1u;
    struct vcon_port_queues *pq = &dev->q[port];
    int rc = vcon_bufq_create(&pq->rx, &dev->pci, virtio_console_rx_queue(port), VCON_DATA_RING,
                              true, ev, dev->queue_vector);

    if (rc == VGPU_OK)
        rc = vcon_bufq_create(&pq->tx, &dev->pci, virtio_console_tx_queue(port), VCON_DATA_RING,
                              false, ev, dev->queue_vector);
    if (rc == VGPU_E_NODEV) {      /* the device has no such queue: that port stays unusable */
        vgpu_debug(dev->os, "console: port %u has no queues", port);
        return VGPU_OK;
    }
    return rc;
}

static int setup_queues(struct vcon_dev *dev)
{
    bool ev = (dev->features >> VIRTIO_F_EVENT_IDX) & 1u;
    uint16_t config_vec;
    uint32_t i;
    int rc = VGPU_OK;

    vpci_pick_vectors(dev->params.irq_mode, dev->params.msix_vectors, &config_vec, &dev->queue_vector);
    if (config_vec != VIRTIO_MSI_NO_VECTOR)
        rc = vpci_set_config_vector(&dev->pci, config_vec);
    if (rc == VGPU_OK)
        rc = vcon_bufq_create(&dev->ctrl_rx, &dev->pci, VIRTIO_CONSOLE_QUEUE_CTRL_RX, CTRL_RING, true, ev,
                              dev->queue_vector);
    if (rc == VGPU_OK)
        rc = vcon_bufq_create(&dev->ctrl_tx, &dev->pci, VIRTIO_CONSOLE_QUEUE_CTRL_TX, CTRL_RING, false, ev,
                              dev->queue_vector);
    if (rc == VGPU_OK)
        rc = vcon_bufq_alloc(&dev->ctrl_rx, CTRL_RING, CTRL_BUF);
    if (rc == VGPU_OK)
        rc = vcon_bufq_alloc(&dev->ctrl_tx, 1, VIRTIO_CONSOLE_CTRL_SIZE);
    for (i = 0; rc == VGPU_OK && i < dev->ports.nports; i++)
        rc = setup_port_rings(dev, i);
    return rc;
}

static void device_teardown(struct vcon_dev *dev)
{
    uint32_t i;

    vpci_reset(&dev->pci, RESET_TIMEOUT_MS);
    vcon_bufq_destroy(&dev->ctrl_rx);
    vcon_bufq_destroy(&dev->ctrl_tx);
    for (i = 0; i < VCON_MAX_PORTS; i++) {
        vcon_bufq_destroy(&dev->q[i].rx);
        vcon_bufq_destroy(&dev->q[i].tx);
    }
}

/* VIRTIO 1.2 §3.1.1, then §5.3.6.1: DEVICE_READY once the driver can take port messages. */
static int device_setup(struct vcon_dev *dev)
{
    int rc = vpci_reset(&dev->pci, RESET_TIMEOUT_MS);

    if (rc != VGPU_OK)
        return rc;
    vpci_add_status(&dev->pci, VIRTIO_STATUS_ACKNOWLEDGE);
    vpci_add_status(&dev->pci, VIRTIO_STATUS_DRIVER);
    rc = vpci_negotiate(&dev->pci, WANTED_FEATURES, &dev->features);
    if (rc == VGPU_OK && !((dev->features >> VIRTIO_CONSOLE_F_MULTIPORT) & 1u)) {
        vgpu_err(dev->os, "console: no multiport support, so no named ports");
        rc = VGPU_E_UNSUPPORTED;
    }
    if (rc == VGPU_OK)
        rc = read_port_count(dev);
    if (rc == VGPU_OK)
        rc = setup_queues(dev);
    if (rc != VGPU_OK) {
        vpci_add_status(&dev->pci, VIRTIO_STATUS_FAILED);
        return rc;
    }
    (void)vq_publish(&dev->ctrl_rx.vq);   /* buffers visible; no doorbell before DRIVER_OK */
    vpci_add_status(&dev->pci, VIRTIO_STATUS_DRIVER_OK);
    return vcon_send_ctrl(dev, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
}

/* The modern id, or the transitional one: both reach the modern interface (VERSION_1 is
 * still required by vpci_negotiate, so a legacy-only device is refused). */
static uint16_t console_device_id(void *os)
{
    uint16_t id = vgpu_os_pci_read16(os, PCI_CFG_DEVICE_ID);
    return id == VIRTIO_PCI_DEVICE_CONSOLE_TRANSITIONAL ? id : VIRTIO_PCI_DEVICE_CONSOLE;
}

int vcon_open(void *os, const struct vcon_params *params, struct vcon_dev **out)
{
    struct vcon_dev *dev;
    int rc;

    if (!params || !out || (params->irq_mode == VGPU_IRQ_MSIX && params->msix_vectors == 0))
        return VGPU_E_INVAL;
    dev = vgpu_os_zalloc(os, sizeof(*dev));
    if (!dev)
        return VGPU_E_NOMEM;
    dev->os = os;
    dev->params = *params;
    dev->timeout_ns = (uint64_t)(params->timeout_ms ? params->timeout_ms : DEFAULT_TIMEOUT_MS) * 1000000u;
    rc = vpci_probe(&dev->pci, os, console_device_id(os));
    if (rc == VGPU_OK)
        rc = device_setup(dev);
    if (rc != VGPU_OK) {
        vgpu_err(os, "console bring-up failed: %s", VGPU_STR(vgpu_status_name(rc)));
        if (dev->pci.common.len)
            device_teardown(dev);
        vgpu_os_free(os, dev, sizeof(*dev));
        return rc;
    }
    vgpu_info(os, "console ready: features 0x%x, %u ports", dev->features, dev->ports.nports);
    *out = dev;
    return VGPU_OK;
}

void vcon_close(struct vcon_dev *dev)
{
    uint32_t i;

    if (!dev)
        return;
    for (i = 0; i < dev->ports.nports && !dev->broken; i++)
        if (dev->q[i].guest_open && dev->ports.port[i].present)
            (void)vcon_send_ctrl(dev, i, VIRTIO_CONSOLE_PORT_OPEN, 0);
    device_teardown(dev);
    vgpu_os_free(dev->os, dev, sizeof(*dev));
}

/* ---- interrupts ---- */

uint32_t vcon_intx_status(struct vcon_dev *dev)
{
    return vpci_intx_causes(&dev->pci);
}

uint32_t vcon_msix_causes(const struct vcon_dev *dev, unsigned vector)
{
    return vpci_msix_causes(dev->params.irq_mode, dev->params.msix_vectors, vector);
}

void vcon_handle_interrupt(struct vcon_dev *dev, uint32_t causes)
{
    if (!causes)
        return;
    dev->stats.interrupts++;
    vgpu_os_lock(dev->os);
    if (causes & VGPU_CAUSE_QUEUE)
        vcon_harvest(dev, false);
    if (causes & VGPU_CAUSE_CONFIG)
        take_config_change(dev);
    vgpu_os_unlock(dev->os);
}

void vcon_poll(struct vcon_dev *dev)
{
    vgpu_os_lock(dev->os);
    vcon_harvest(dev, true);
    take_config_change(dev);
    vgpu_os_unlock(dev->os);
}

bool vcon_needs_reset(const struct vcon_dev *dev)
{
    return dev->broken;
}

void vcon_get_stats(const struct vcon_dev *dev, struct vcon_stats *out)
{
    uint32_t i;

    *out = dev->stats;
    out->notifies = dev->ctrl_rx.notifies + dev->ctrl_tx.notifies;
    for (i = 0; i < VCON_MAX_PORTS; i++)
        out->notifies += dev->q[i].rx.notifies + dev->q[i].tx.notifies;
}
