/*
 * pci.c — the device's PCI face: QEMU 7.2's configuration space (sim/virtio/vdev_pci.c) with the
 * broken layouts a test asks for, BAR decoding, and interrupt signalling (INTx level, MSI-X).
 */
#include "sim_internal.h"
#include "../core/virtio/virtio_pci_regs.h"

/* Each broken layout is a patch to QEMU's honest image. */
static void break_layout(uint8_t *p, uint32_t f)
{
    if (f & SIM_LAYOUT_WRONG_DEVICE_ID)
        vdev_st16(p + PCI_CFG_DEVICE_ID, 0x1041);   /* a network device */
    if (f & SIM_LAYOUT_NO_CAP_LIST)
        vdev_st16(p + PCI_CFG_STATUS, 0);
    if (f & SIM_LAYOUT_SHORT_COMMON)
        vdev_st32(p + VDEV_CAP_COMMON + VIRTIO_PCI_CAP_LENGTH, 0x20);
    if (f & SIM_LAYOUT_NO_COMMON_CAP)
        p[VDEV_CAP_ISR + VIRTIO_PCI_CAP_NEXT] = 0;
    if (f & SIM_LAYOUT_CAP_BAD_BAR)
        p[VDEV_CAP_DEVICE + VIRTIO_PCI_CAP_BAR] = 7;
    if (f & SIM_LAYOUT_CAP_LOOP)
        p[VDEV_CAP_NOTIFY + VIRTIO_PCI_CAP_NEXT] = VDEV_CAP_NOTIFY;
    if (f & SIM_LAYOUT_CAP_OUTSIDE_BAR)
        vdev_st32(p + VDEV_CAP_NOTIFY + VIRTIO_PCI_CAP_LENGTH, 2 * VDEV_WINDOW);
}

void sim_pci_init(struct sim *sim)
{
    struct vdev_pci_setup setup = {
        .command = 0x0103,   /* SeaBIOS leaves I/O + memory decode and SERR on, bus mastering off */
        .bar4 = 0xfebf8000u | 0xc,
        .msix_vectors = sim->cfg.msix_vectors ? sim->cfg.msix_vectors : 1,
        .notify_mult = sim->vd.notify_mult,
    };

    vdev_pci_image(sim->pci, &setup);
    break_layout(sim->pci, sim->cfg.layout_faults);
}

static bool access_ok(uint32_t off, unsigned width, uint32_t limit)
{
    return (width == 1 || width == 2 || width == 4) && off % width == 0 && off + width <= limit;
}

uint32_t sim_pci_read(struct sim *sim, uint16_t off, unsigned width)
{
    if (!access_ok(off, width, VDEV_PCI_CFG_SIZE)) {
        sim_driver_error(sim, "PCI config read %u bytes at 0x%x", width, off);
        return 0xffffffffu;
    }
    return vdev_pci_read(sim->pci, off, width);
}

void sim_pci_write(struct sim *sim, uint16_t off, unsigned width, uint32_t val)
{
    if (!access_ok(off, width, VDEV_PCI_CFG_SIZE) || width != 2) {
        sim_driver_error(sim, "PCI config write %u bytes at 0x%x", width, off);
        return;
    }
    vdev_pci_write(sim->pci, off, width, val);
}

uint16_t sim_pci_command(const struct sim *sim)
{
    return vdev_pci_command(sim->pci);
}

uint64_t sim_bar_size(const struct sim *sim, uint8_t bar)
{
    if (bar == VDEV_BAR_MSIX)
        return VDEV_BAR_MSIX_SIZE;
    if (bar == VDEV_BAR_VIRTIO)
        return (sim->cfg.layout_faults & SIM_LAYOUT_BAR_SIZE_ZERO) ? 0 : VDEV_BAR_SIZE;
    return 0;
}

static bool mmio_ok(struct sim *sim, uint8_t bar, uint32_t off, unsigned width)
{
    if (bar != VDEV_BAR_VIRTIO || sim_bar_size(sim, bar) == 0 ||
        !access_ok(off, width, VDEV_BAR_SIZE)) {
        sim_driver_error(sim, "MMIO %u bytes at bar %u + 0x%x", width, bar, off);
        return false;
    }
    if (!(sim_pci_command(sim) & PCI_COMMAND_MEMORY)) {
        sim_driver_error(sim, "MMIO with memory decoding off");
        return false;
    }
    return true;
}

uint32_t sim_mmio_read(struct sim *sim, uint8_t bar, uint32_t off, unsigned width)
{
    if (!mmio_ok(sim, bar, off, width))
        return 0xffffffffu;
    return vdev_regs_read(&sim->vd, off, width);
}

void sim_mmio_write(struct sim *sim, uint8_t bar, uint32_t off, unsigned width, uint32_t val)
{
    if (mmio_ok(sim, bar, off, width))
        sim_transport_write(sim, off, width, val);
}

/* ---- Interrupts ---- */

bool sim_msix_enabled(const struct sim *sim)
{
    return vdev_pci_msix_enabled(sim->pci);
}

bool sim_intx_level(const struct sim *sim)
{
    return !sim_msix_enabled(sim) && sim->vd.isr != 0 &&
           !(sim_pci_command(sim) & PCI_COMMAND_INTX_DISABLE);
}

/* ISR bits for INTx; the vector only while MSI-X is on. */
void sim_signal_vector(struct sim *sim, uint16_t vector, uint8_t isr_bits)
{
    vdev_interrupt(&sim->vd, sim_msix_enabled(sim) ? vector : VIRTIO_MSI_NO_VECTOR, isr_bits);
}

int sim_next_msix(struct sim *sim)
{
    if (!sim_msix_enabled(sim) || (vdev_pci_read(sim->pci, VDEV_MSIX_CTRL, 2) & VDEV_MSIX_MASKALL))
        return -1;
    return vdev_take_msix(&sim->vd);
}
