/*
 * pci.c — the device's PCI face: configuration space with QEMU 7.2's capability chain, BAR
 * decoding, and interrupt signalling (INTx level, MSI-X vectors).
 */
#include <string.h>

#include "sim_internal.h"
#include "../core/virtio/virtio_pci_regs.h"

#define CAP_COMMON  0x40u
#define CAP_ISR     0x50u
#define CAP_DEVICE  0x60u
#define CAP_NOTIFY  0x70u
#define CAP_PCICFG  0x84u
#define MSIX_CTRL   (SIM_MSIX_CAP + 2u)
#define MSIX_ENABLE 0x8000u
#define MSIX_MASKALL 0x4000u

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

static void put_vendor_cap(struct sim *sim, uint8_t at, uint8_t next, uint8_t len, uint8_t type,
                           uint8_t bar, uint32_t off, uint32_t length)
{
    uint8_t *c = &sim->pci[at];

    c[VIRTIO_PCI_CAP_VNDR] = PCI_CAP_ID_VENDOR;
    c[VIRTIO_PCI_CAP_NEXT] = next;
    c[VIRTIO_PCI_CAP_LEN] = len;
    c[VIRTIO_PCI_CAP_CFG_TYPE] = type;
    c[VIRTIO_PCI_CAP_BAR] = bar;
    put32(c + VIRTIO_PCI_CAP_OFFSET, off);
    put32(c + VIRTIO_PCI_CAP_LENGTH, length);
}

static void init_header(struct sim *sim)
{
    uint8_t *p = sim->pci;
    uint32_t faults = sim->cfg.layout_faults;

    put16(p + PCI_CFG_VENDOR_ID, VIRTIO_PCI_VENDOR_ID);
    put16(p + PCI_CFG_DEVICE_ID, (faults & SIM_LAYOUT_WRONG_DEVICE_ID) ? 0x1041 : VIRTIO_PCI_DEVICE_GPU);
    /* SeaBIOS leaves I/O + memory decode and SERR on, bus mastering off. */
    put16(p + PCI_CFG_COMMAND, 0x0103);
    put16(p + PCI_CFG_STATUS, (faults & SIM_LAYOUT_NO_CAP_LIST) ? 0 : PCI_STATUS_CAP_LIST);
    p[0x08] = 1;                       /* revision */
    p[0x0a] = 0x80;                    /* display controller, other */
    p[0x0b] = 0x03;
    put32(p + 0x14, 0xfebfe000u);      /* BAR1: 32-bit memory, MSI-X */
    put32(p + 0x20, 0xfebf8000u | 0xc);/* BAR4: 64-bit prefetchable memory */
    put32(p + 0x24, 0);
    put16(p + 0x2c, VIRTIO_PCI_VENDOR_ID);
    put16(p + 0x2e, 0x1100);
    p[PCI_CFG_CAP_PTR] = SIM_MSIX_CAP;
    p[0x3c] = 11;                      /* interrupt line */
    p[0x3d] = 1;                       /* INTA# */
}

/* QEMU adds common, isr, device, notify, pci-cfg, then MSI-X; each new cap heads the list. */
static void init_caps(struct sim *sim)
{
    uint32_t f = sim->cfg.layout_faults;
    uint8_t *p = sim->pci;

    put_vendor_cap(sim, CAP_COMMON, 0, 16,
                   VIRTIO_PCI_CAP_COMMON_CFG, SIM_BAR_VIRTIO, SIM_COMMON_OFF,
                   (f & SIM_LAYOUT_SHORT_COMMON) ? 0x20 : SIM_REGION_SIZE);
    put_vendor_cap(sim, CAP_ISR, (f & SIM_LAYOUT_NO_COMMON_CAP) ? 0 : CAP_COMMON, 16,
                   VIRTIO_PCI_CAP_ISR_CFG, SIM_BAR_VIRTIO, SIM_ISR_OFF, SIM_REGION_SIZE);
    put_vendor_cap(sim, CAP_DEVICE, CAP_ISR, 16, VIRTIO_PCI_CAP_DEVICE_CFG,
                   (f & SIM_LAYOUT_CAP_BAD_BAR) ? 7 : SIM_BAR_VIRTIO, SIM_DEVICE_OFF,
                   SIM_REGION_SIZE);
    put_vendor_cap(sim, CAP_NOTIFY, (f & SIM_LAYOUT_CAP_LOOP) ? CAP_NOTIFY : CAP_DEVICE,
                   VIRTIO_PCI_NOTIFY_CAP_SIZE,
                   VIRTIO_PCI_CAP_NOTIFY_CFG, SIM_BAR_VIRTIO, SIM_NOTIFY_OFF,
                   (f & SIM_LAYOUT_CAP_OUTSIDE_BAR) ? 2 * SIM_REGION_SIZE : SIM_REGION_SIZE);
    put32(p + CAP_NOTIFY + VIRTIO_PCI_NOTIFY_CAP_MULT, sim_notify_multiplier(sim));
    put_vendor_cap(sim, CAP_PCICFG, CAP_NOTIFY, VIRTIO_PCI_CAP_SIZE + 4,
                   VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0);
    p[SIM_MSIX_CAP] = PCI_CAP_ID_MSIX;
    p[SIM_MSIX_CAP + 1] = CAP_PCICFG;
    put16(p + MSIX_CTRL, (uint16_t)((sim->cfg.msix_vectors ? sim->cfg.msix_vectors : 1) - 1));
    put32(p + SIM_MSIX_CAP + 4, 0x000u | SIM_BAR_MSIX);   /* table at BAR1 + 0 */
    put32(p + SIM_MSIX_CAP + 8, 0x800u | SIM_BAR_MSIX);   /* PBA at BAR1 + 0x800 */
}

unsigned sim_notify_multiplier(const struct sim *sim)
{
    return (sim->cfg.layout_faults & SIM_LAYOUT_NOTIFY_MULT_ODD) ? 3 : SIM_NOTIFY_MULT;
}

void sim_pci_init(struct sim *sim)
{
    memset(sim->pci, 0, sizeof(sim->pci));
    init_header(sim);
    init_caps(sim);
}

static bool access_ok(uint32_t off, unsigned width, uint32_t limit)
{
    return (width == 1 || width == 2 || width == 4) && off % width == 0 && off + width <= limit;
}

uint32_t sim_pci_read(struct sim *sim, uint16_t off, unsigned width)
{
    if (!access_ok(off, width, SIM_PCI_CFG_SIZE)) {
        sim_driver_error(sim, "PCI config read %u bytes at 0x%x", width, off);
        return 0xffffffffu;
    }
    if (width == 1)
        return sim->pci[off];
    if (width == 2)
        return get16(&sim->pci[off]);
    return get32(&sim->pci[off]);
}

/* Only the command register and MSI-X control are writable in this model. */
void sim_pci_write(struct sim *sim, uint16_t off, unsigned width, uint32_t val)
{
    if (!access_ok(off, width, SIM_PCI_CFG_SIZE) || width != 2) {
        sim_driver_error(sim, "PCI config write %u bytes at 0x%x", width, off);
        return;
    }
    if (off == PCI_CFG_COMMAND) {
        put16(&sim->pci[off], (uint16_t)(val & 0x0547u));
    } else if (off == MSIX_CTRL) {
        uint16_t keep = get16(&sim->pci[off]) & 0x07ffu;

        put16(&sim->pci[off], (uint16_t)(keep | (val & (MSIX_ENABLE | MSIX_MASKALL))));
    }
}

uint16_t sim_pci_command(const struct sim *sim)
{
    return get16(&sim->pci[PCI_CFG_COMMAND]);
}

uint64_t sim_bar_size(const struct sim *sim, uint8_t bar)
{
    if (bar == SIM_BAR_MSIX)
        return SIM_BAR_MSIX_SIZE;
    if (bar == SIM_BAR_VIRTIO)
        return (sim->cfg.layout_faults & SIM_LAYOUT_BAR_SIZE_ZERO) ? 0 : SIM_BAR_VIRTIO_SIZE;
    return 0;
}

static bool mmio_ok(struct sim *sim, uint8_t bar, uint32_t off, unsigned width)
{
    if (bar != SIM_BAR_VIRTIO || sim_bar_size(sim, bar) == 0 ||
        !access_ok(off, width, SIM_BAR_VIRTIO_SIZE)) {
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
    switch (off / SIM_REGION_SIZE) {
    case 0: return sim_common_read(sim, off, width);
    case 1: return off == SIM_ISR_OFF ? sim_isr_read(sim) : 0;
    case 2: return sim_devcfg_read(sim, off - SIM_DEVICE_OFF, width);
    default: return 0;   /* notify region reads are meaningless */
    }
}

void sim_mmio_write(struct sim *sim, uint8_t bar, uint32_t off, unsigned width, uint32_t val)
{
    if (!mmio_ok(sim, bar, off, width))
        return;
    switch (off / SIM_REGION_SIZE) {
    case 0: sim_common_write(sim, off, width, val); break;
    case 1: sim_driver_error(sim, "write to the ISR"); break;
    case 2: sim_devcfg_write(sim, off - SIM_DEVICE_OFF, width, val); break;
    default: sim_notify_write(sim, off - SIM_NOTIFY_OFF, width, val); break;
    }
}

/* ---- Interrupts ---- */

bool sim_msix_enabled(const struct sim *sim)
{
    return (get16(&sim->pci[MSIX_CTRL]) & MSIX_ENABLE) != 0;
}

bool sim_intx_level(const struct sim *sim)
{
    return !sim_msix_enabled(sim) && sim->isr != 0 &&
           !(sim_pci_command(sim) & PCI_COMMAND_INTX_DISABLE);
}

void sim_signal_vector(struct sim *sim, uint16_t vector)
{
    if (!sim_msix_enabled(sim) || vector == VIRTIO_MSI_NO_VECTOR || vector >= sim->cfg.msix_vectors)
        return;
    sim->msix_pending |= 1u << vector;
}

int sim_next_msix(struct sim *sim)
{
    if (!sim_msix_enabled(sim) || (get16(&sim->pci[MSIX_CTRL]) & MSIX_MASKALL))
        return -1;
    for (int v = 0; v < 32; v++) {
        if (sim->msix_pending & (1u << v)) {
            sim->msix_pending &= ~(1u << v);
            return v;
        }
    }
    return -1;
}
