/*
 * dev_pci.c — the device's PCI face: QEMU 7.2's virtio-gpu-pci configuration space (vendor
 * capabilities for the common, ISR, device and notify windows in BAR4, the PCI-config access
 * capability, MSI-X in BAR1) and BAR sizes, or both taken raw from the tape (FZ_SCRIPT_PCI).
 */
#include <string.h>

#include "dev_internal.h"
#include "../../core/virtio/virtio_pci_regs.h"

#define CAP_COMMON 0x40u
#define CAP_ISR    0x50u
#define CAP_DEVICE 0x60u
#define CAP_NOTIFY 0x70u
#define CAP_PCICFG 0x84u
#define CAP_MSIX   0x98u

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }

static void vendor_cap(uint8_t at, uint8_t next, uint8_t len, uint8_t type, uint32_t off)
{
    uint8_t *c = &dev.pci[at];

    c[VIRTIO_PCI_CAP_VNDR] = PCI_CAP_ID_VENDOR;
    c[VIRTIO_PCI_CAP_NEXT] = next;
    c[VIRTIO_PCI_CAP_LEN] = len;
    c[VIRTIO_PCI_CAP_CFG_TYPE] = type;
    c[VIRTIO_PCI_CAP_BAR] = type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : DEV_BAR_VIRTIO;
    put32(c + VIRTIO_PCI_CAP_OFFSET, type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : off);
    put32(c + VIRTIO_PCI_CAP_LENGTH, type == VIRTIO_PCI_CAP_PCI_CFG ? 0 : DEV_WINDOW);
}

/* Header as SeaBIOS and the host leave it: decoding and bus mastering on, BARs assigned. */
static void default_image(void)
{
    uint8_t *p = dev.pci;

    memset(p, 0, sizeof(dev.pci));
    put16(p + PCI_CFG_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
    put16(p + PCI_CFG_DEVICE_ID, VIRTIO_PCI_DEVICE_GPU);
    put16(p + PCI_CFG_COMMAND, 0x0107);
    put16(p + PCI_CFG_STATUS, PCI_STATUS_CAP_LIST);
    p[0x08] = 0x01;
    p[0x0a] = 0x80;
    p[0x0b] = 0x03;
    put32(p + 0x14, 0xfebfe000u);
    put32(p + 0x20, 0xfe00000cu);
    put16(p + 0x2c, VIRTIO_PCI_VENDOR_ID);
    put16(p + 0x2e, 0x1100);
    p[PCI_CFG_CAP_PTR] = CAP_MSIX;
    p[0x3c] = 11;
    p[0x3d] = 1;
    vendor_cap(CAP_COMMON, 0, VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_COMMON_CFG, DEV_COMMON);
    vendor_cap(CAP_ISR, CAP_COMMON, VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_ISR_CFG, DEV_ISR);
    vendor_cap(CAP_DEVICE, CAP_ISR, VIRTIO_PCI_CAP_SIZE, VIRTIO_PCI_CAP_DEVICE_CFG, DEV_DEVCFG);
    vendor_cap(CAP_NOTIFY, CAP_DEVICE, VIRTIO_PCI_NOTIFY_CAP_SIZE, VIRTIO_PCI_CAP_NOTIFY_CFG, DEV_NOTIFY);
    put32(p + CAP_NOTIFY + VIRTIO_PCI_NOTIFY_CAP_MULT, DEV_NOTIFY_MULT);
    vendor_cap(CAP_PCICFG, CAP_NOTIFY, VIRTIO_PCI_CAP_SIZE + 4, VIRTIO_PCI_CAP_PCI_CFG, 0);
    p[CAP_MSIX] = PCI_CAP_ID_MSIX;
    p[CAP_MSIX + 1] = CAP_PCICFG;
    put16(p + CAP_MSIX + 2, 0x8000u | (uint16_t)(dev.nvec ? dev.nvec - 1 : 0));
    put32(p + CAP_MSIX + 4, 1);            /* table: BAR1 + 0 */
    put32(p + CAP_MSIX + 8, 0x800u | 1);   /* PBA: BAR1 + 0x800 */
}

/* Tape: 256 bytes of configuration space, then one byte per BAR (0 keeps the default size;
 * otherwise bit 6 removes the BAR and bits 5-0 give log2 of its size). */
static void scripted_image(void)
{
    uint8_t before[256];

    memcpy(before, dev.pci, sizeof(before));
    tape_fill(dev.pci, sizeof(dev.pci));
    /* The registers stay where QEMU has them, so a changed capability (a moved window) shows
     * the driver other registers than the device means: its word is not to be trusted then.
     * Other header bytes (BAR addresses, IRQ line) change nothing the driver reads. */
    if (before[PCI_CFG_CAP_PTR] != dev.pci[PCI_CFG_CAP_PTR] ||
        memcmp(before + CAP_COMMON, dev.pci + CAP_COMMON, sizeof(before) - CAP_COMMON) != 0)
        dev_lie();
    else if (memcmp(before, dev.pci, sizeof(before)) != 0)
        dev_deviate();
    for (unsigned bar = 0; bar < 6; bar++) {
        uint8_t b = tape_u8(), log2 = b & 0x3f;

        if (!b)
            continue;
        dev.bar_size[bar] = (b & 0x40) || log2 > 40 ? 0 : 1ull << log2;
        dev_deviate();
    }
}

void dev_pci_init(void)
{
    default_image();
    memset(dev.bar_size, 0, sizeof(dev.bar_size));
    dev.bar_size[1] = 0x1000;
    dev.bar_size[DEV_BAR_VIRTIO] = 0x4000;
    if (dev_has(FZ_SCRIPT_PCI))
        scripted_image();
}

uint32_t dev_pci_read(uint16_t off, unsigned width)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < width && off + i < sizeof(dev.pci); i++)
        v |= (uint32_t)dev.pci[off + i] << (8 * i);
    return v;
}

/* Only the command register and MSI-X control are writable. */
void dev_pci_write(uint16_t off, unsigned width, uint32_t val)
{
    if (width == 2 && (off == PCI_CFG_COMMAND || off == CAP_MSIX + 2))
        put16(&dev.pci[off], val);
}

uint64_t dev_bar_size(uint8_t bar)
{
    return bar < 6 ? dev.bar_size[bar] : 0;
}
