/*
 * virtio_console_proto.h — virtio-console wire format (VIRTIO 1.2 §5.3): feature bits, the
 * device configuration layout, queue numbering and the multiport control messages.
 */
#ifndef VIRTIO_CONSOLE_PROTO_H
#define VIRTIO_CONSOLE_PROTO_H

#include <stdint.h>

#define VIRTIO_PCI_DEVICE_CONSOLE      0x1043u  /* 0x1040 + device type 3 */
/* A transitional device (QEMU's virtio-serial-pci on a conventional or root bus, unless
 * disable-legacy=on) has the legacy id but the same modern capabilities (§4.1.2.1). */
#define VIRTIO_PCI_DEVICE_CONSOLE_TRANSITIONAL 0x1003u

/* Feature bits (§5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE          0u
#define VIRTIO_CONSOLE_F_MULTIPORT     1u
#define VIRTIO_CONSOLE_F_EMERG_WRITE   2u

/* Device configuration (§5.3.4): le16 cols, le16 rows, le32 max_nr_ports, le32 emerg_wr. */
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 4u

/* Queues (§5.3.2): port 0 uses 0/1, the control queues are 2/3, port n >= 1 uses 2n+2/2n+3. */
#define VIRTIO_CONSOLE_QUEUE_CTRL_RX   2u
#define VIRTIO_CONSOLE_QUEUE_CTRL_TX   3u

static inline uint16_t virtio_console_rx_queue(uint32_t port)
{
    return (uint16_t)(port == 0 ? 0u : 2u * port + 2u);
}

static inline uint16_t virtio_console_tx_queue(uint32_t port)
{
    return (uint16_t)(virtio_console_rx_queue(port) + 1u);
}

/* struct virtio_console_control (§5.3.6.2): le32 id, le16 event, le16 value; extra bytes follow
 * for PORT_NAME (the name) and RESIZE (le16 cols, le16 rows). */
#define VIRTIO_CONSOLE_CTRL_SIZE       8u
#define VIRTIO_CONSOLE_RESIZE_SIZE     4u

#define VIRTIO_CONSOLE_DEVICE_READY    0u   /* driver -> device */
#define VIRTIO_CONSOLE_PORT_ADD        1u   /* device -> driver (the spec's DEVICE_ADD) */
#define VIRTIO_CONSOLE_PORT_REMOVE     2u   /* device -> driver (DEVICE_REMOVE) */
#define VIRTIO_CONSOLE_PORT_READY      3u   /* driver -> device */
#define VIRTIO_CONSOLE_CONSOLE_PORT    4u   /* device -> driver */
#define VIRTIO_CONSOLE_RESIZE          5u   /* device -> driver */
#define VIRTIO_CONSOLE_PORT_OPEN       6u   /* both directions */
#define VIRTIO_CONSOLE_PORT_NAME       7u   /* device -> driver */

#endif /* VIRTIO_CONSOLE_PROTO_H */
