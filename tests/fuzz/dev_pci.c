/*
 * dev_pci.c — the device's PCI face: QEMU 7.2's virtio-gpu-pci configuration space
 * (sim/virtio/vdev_pci.c) and BAR sizes, or both taken raw from the tape (FZ_SCRIPT_PCI).
 */
#include <string.h>

#include "dev_internal.h"
#include "../../core/virtio/virtio_pci_regs.h"

/* Header as SeaBIOS and the host leave it: decoding, bus mastering and MSI-X on, BARs assigned. */
static void default_image(void)
{
    struct vdev_pci_setup setup = {
        .command = 0x0107, .bar4 = 0xfe00000cu, .msix_vectors = dev.nvec,
        .msix_control = VDEV_MSIX_ENABLE, .notify_mult = VDEV_NOTIFY_MULT,
    };

    vdev_pci_image(dev.pci, &setup);
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
        memcmp(before + VDEV_CAP_COMMON, dev.pci + VDEV_CAP_COMMON,
               sizeof(before) - VDEV_CAP_COMMON) != 0)
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
    dev.bar_size[VDEV_BAR_MSIX] = VDEV_BAR_MSIX_SIZE;
    dev.bar_size[VDEV_BAR_VIRTIO] = VDEV_BAR_SIZE;
    if (dev_has(FZ_SCRIPT_PCI))
        scripted_image();
}

uint32_t dev_pci_read(uint16_t off, unsigned width)
{
    return vdev_pci_read(dev.pci, off, width);
}

void dev_pci_write(uint16_t off, unsigned width, uint32_t val)
{
    vdev_pci_write(dev.pci, off, width, val);
}

uint64_t dev_bar_size(uint8_t bar)
{
    return bar < 6 ? dev.bar_size[bar] : 0;
}
