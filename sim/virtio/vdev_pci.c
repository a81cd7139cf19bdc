/*
 * vdev_pci.c — QEMU 7.2's virtio-gpu-pci configuration space: identity, BARs, the capability
 * chain MSI-X 0x98 → pci-cfg 0x84 → notify 0x70 → device 0x60 → isr 0x50 → common 0x40, and
 * the write mask (only the command register and MSI-X enable/mask).
 */
#include <string.h>

#include "vdev.h"
#include "../../core/virtio/virtio_pci_regs.h"

static void vendor_cap(uint8_t *cfg, uint8_t at, uint8_t next, uint8_t len, uint8_t type,
                       uint32_t off)
{
    uint8_t *c = &cfg[at];
    bool in_bar = type != VIRTIO_PCI_CAP_PCI_CFG;

    c[VIRTIO_PCI_CAP_VNDR] = PCI_CAP_ID_VENDOR;
    c[VIRTIO_PCI_CAP_NEXT] = next;
    c[VIRTIO_PCI_CAP_LEN] = len;
    c[VIRTIO_PCI_CAP_CFG_TYPE] = type;
    c[VIRTIO_PCI_CAP_BAR] = in_bar ? VDEV_BAR_VIRTIO : 0;
    vdev_st32(c + VIRTIO_PCI_CAP_OFFSET, in_bar ? off : 0);
    vdev_st32(c + VIRTIO_PCI_CAP_LENGTH, in_bar ? VDEV_WINDOW : 0);
}

static void header(uint8_t *p, const struct vdev_pci_setup *s)
{
    vdev_st16(p + PCI_CFG_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
    vdev_st16(p + PCI_CFG_DEVICE_ID, VIRTIO_PCI_DEVICE_GPU);
    vdev_st16(p + PCI_CFG_COMMAND, s->command);
    vdev_st16(p + PCI_CFG_STATUS, PCI_STATUS_CAP_LIST);
    p[0x08] = 1;                              /* revision */
    p[0x0a] = 0x80;                           /* display controller, other */
    p[0x0b] = 0x03;
    vdev_st32(p + 0x14, 0xfebfe000u);             /* BAR1: 32-bit memory, MSI-X */
    vdev_st32(p + 0x20, s->bar4);                 /* BAR4: 64-bit prefetchable memory */
    vdev_st16(p + 0x2c, VIRTIO_PCI_VENDOR_ID);    /* subsystem 1AF4:1100 */
    vdev_st16(p + 0x2e, 0x1100);
    p[PCI_CFG_CAP_PTR] = VDEV_CAP_MSIX;
    p[0x3c] = 11;                             /* interrupt line */
    p[0x3d] = 1;                              /* INTA# */
}

void vdev_pci_image(uint8_t cfg[VDEV_PCI_CFG_SIZE], const struct vdev_pci_setup *s)
{
    memset(cfg, 0, VDEV_PCI_CFG_SIZE);
    header(cfg, s);
    vendor_cap(cfg, VDEV_CAP_COMMON, 0, VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_COMMON_CFG,
               VDEV_COMMON_OFF);
    vendor_cap(cfg, VDEV_CAP_ISR, VDEV_CAP_COMMON, VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_ISR_CFG,
               VDEV_ISR_OFF);
    vendor_cap(cfg, VDEV_CAP_DEVICE, VDEV_CAP_ISR, VIRTIO_PCI_CAP_SIZE,
               VIRTIO_PCI_CAP_DEVICE_CFG, VDEV_DEVICE_OFF);
    vendor_cap(cfg, VDEV_CAP_NOTIFY, VDEV_CAP_DEVICE, VIRTIO_PCI_NOTIFY_CAP_SIZE,
               VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_NOTIFY_OFF);
    vdev_st32(cfg + VDEV_CAP_NOTIFY + VIRTIO_PCI_NOTIFY_CAP_MULT, s->notify_mult);
    vendor_cap(cfg, VDEV_CAP_PCICFG, VDEV_CAP_NOTIFY, VIRTIO_PCI_CAP_SIZE + 4,
               VIRTIO_PCI_CAP_PCI_CFG, 0);
    cfg[VDEV_CAP_MSIX] = PCI_CAP_ID_MSIX;
    cfg[VDEV_CAP_MSIX + 1] = VDEV_CAP_PCICFG;
    vdev_st16(cfg + VDEV_MSIX_CTRL,
          s->msix_control | (uint16_t)(s->msix_vectors ? s->msix_vectors - 1u : 0));
    vdev_st32(cfg + VDEV_CAP_MSIX + 4, 0x000u | VDEV_BAR_MSIX);   /* table at BAR1 + 0 */
    vdev_st32(cfg + VDEV_CAP_MSIX + 8, 0x800u | VDEV_BAR_MSIX);   /* PBA at BAR1 + 0x800 */
}

/* Little-endian bytes from `off`; bytes past the end read as 0. */
uint32_t vdev_pci_read(const uint8_t cfg[VDEV_PCI_CFG_SIZE], uint32_t off, unsigned width)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < width && i < 4 && off + i < VDEV_PCI_CFG_SIZE; i++)
        v |= (uint32_t)cfg[off + i] << (8 * i);
    return v;
}

void vdev_pci_write(uint8_t cfg[VDEV_PCI_CFG_SIZE], uint32_t off, unsigned width, uint32_t val)
{
    if (width != 2)
        return;
    if (off == PCI_CFG_COMMAND) {
        vdev_st16(&cfg[off], val & 0x0547u);
    } else if (off == VDEV_MSIX_CTRL) {
        uint32_t table_size = vdev_pci_read(cfg, off, 2) & 0x07ffu;

        vdev_st16(&cfg[off], table_size | (val & (VDEV_MSIX_ENABLE | VDEV_MSIX_MASKALL)));
    }
}

uint16_t vdev_pci_command(const uint8_t cfg[VDEV_PCI_CFG_SIZE])
{
    return (uint16_t)vdev_pci_read(cfg, PCI_CFG_COMMAND, 2);
}

bool vdev_pci_msix_enabled(const uint8_t cfg[VDEV_PCI_CFG_SIZE])
{
    return (vdev_pci_read(cfg, VDEV_MSIX_CTRL, 2) & VDEV_MSIX_ENABLE) != 0;
}
