/* pci.c — ECAM or port I/O configuration cycles, bus scan, BAR sizing. */
#include "pci.h"

#include "arch.h"
#include "paging.h"

#define CFG_ADDR        0xCF8
#define CFG_DATA        0xCFC
#define MCH_BDF         PCI_BDF(0, 0, 0)
#define MCH_Q35_ID      0x29C08086u
#define MCH_PCIEXBAR    0x60
#define PCIEXBAR_EN     0x1u
#define ECAM_BUSES      256u
#define REG_ID          0x00
#define REG_COMMAND     0x04
#define REG_STATUS      0x06
#define REG_HEADER      0x0E
#define REG_BAR0        0x10
#define REG_SECONDARY   0x19
#define REG_CAP_PTR     0x34
#define CMD_DECODE      0x0003u
#define STATUS_CAPS     0x0010u
#define BAR_IO          0x1u
#define BAR_64          0x4u
#define BAR_PREFETCH    0x8u

static uintptr_t ecam;           /* 0: use port I/O */
static bool q35;

static uint32_t port_read32(uint32_t bdf, uint16_t off)
{
    outl(CFG_ADDR, 0x80000000u | bdf << 8 | (off & 0xFC));
    return inl(CFG_DATA);
}

static void port_write32(uint32_t bdf, uint16_t off, uint32_t v)
{
    outl(CFG_ADDR, 0x80000000u | bdf << 8 | (off & 0xFC));
    outl(CFG_DATA, v);
}

static volatile void *ecam_at(uint32_t bdf, uint16_t off) { return (volatile void *)(ecam + ((uintptr_t)bdf << 12) + off); }

void pci_init(void)
{
    q35 = port_read32(MCH_BDF, REG_ID) == MCH_Q35_ID;
    if (!q35)
        return;
    uint32_t bar = port_read32(MCH_BDF, MCH_PCIEXBAR);
    uint64_t base = ((uint64_t)port_read32(MCH_BDF, MCH_PCIEXBAR + 4) << 32) | (bar & 0xF0000000u);
    if ((bar & PCIEXBAR_EN) && paging_map_mmio(base, ECAM_BUSES << 20))
        ecam = (uintptr_t)base;
}

bool pci_has_ecam(void) { return ecam != 0; }

bool pci_host_is_q35(void) { return q35; }

uint32_t pci_read32(uint32_t bdf, uint16_t off)
{
    if (ecam)
        return *(volatile uint32_t *)ecam_at(bdf, off & 0xFFC);
    return off < 256 ? port_read32(bdf, off) : 0xFFFFFFFFu;
}

uint16_t pci_read16(uint32_t bdf, uint16_t off)
{
    if (ecam)
        return *(volatile uint16_t *)ecam_at(bdf, off & 0xFFE);
    return (uint16_t)(pci_read32(bdf, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(uint32_t bdf, uint16_t off)
{
    if (ecam)
        return *(volatile uint8_t *)ecam_at(bdf, off & 0xFFF);
    return (uint8_t)(pci_read32(bdf, off) >> ((off & 3) * 8));
}

void pci_write32(uint32_t bdf, uint16_t off, uint32_t v)
{
    if (ecam)
        *(volatile uint32_t *)ecam_at(bdf, off & 0xFFC) = v;
    else if (off < 256)
        port_write32(bdf, off, v);
}

/* Port I/O can only write whole dwords: merge into the other half (fine for the registers
 * the guest writes, none of which has write-1-to-clear bits in the other half that matter). */
void pci_write16(uint32_t bdf, uint16_t off, uint16_t v)
{
    if (ecam) {
        *(volatile uint16_t *)ecam_at(bdf, off & 0xFFE) = v;
        return;
    }
    unsigned shift = (off & 2) * 8;
    uint32_t old = pci_read32(bdf, off);
    pci_write32(bdf, off, (old & ~(0xFFFFu << shift)) | (uint32_t)v << shift);
}

static bool scan_bus(unsigned bus, uint32_t want, uint32_t *found, unsigned depth);

static bool scan_function(uint32_t bdf, uint32_t want, uint32_t *found, unsigned depth)
{
    if (pci_read32(bdf, REG_ID) == want) {
        *found = bdf;
        return true;
    }
    unsigned secondary = pci_read8(bdf, REG_SECONDARY);
    if ((pci_read8(bdf, REG_HEADER) & 0x7F) == 1 && secondary > (bdf >> 8) && depth < 8)
        return scan_bus(secondary, want, found, depth + 1);
    return false;
}

static bool scan_bus(unsigned bus, uint32_t want, uint32_t *found, unsigned depth)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        if (pci_read16(PCI_BDF(bus, dev, 0), REG_ID) == 0xFFFF)
            continue;
        unsigned nfunc = pci_read8(PCI_BDF(bus, dev, 0), REG_HEADER) & 0x80 ? 8 : 1;
        for (unsigned fn = 0; fn < nfunc; fn++)
            if (pci_read16(PCI_BDF(bus, dev, fn), REG_ID) != 0xFFFF &&
                scan_function(PCI_BDF(bus, dev, fn), want, found, depth))
                return true;
    }
    return false;
}

bool pci_find(uint16_t vendor, uint16_t device, uint32_t *bdf)
{
    return scan_bus(0, (uint32_t)device << 16 | vendor, bdf, 0);
}

/* Size one BAR register (decoding must be off); returns how many registers it used. */
static unsigned size_bar(uint32_t bdf, unsigned i, struct pci_bar *b)
{
    uint16_t reg = REG_BAR0 + 4 * i;
    uint32_t lo = pci_read32(bdf, reg);
    pci_write32(bdf, reg, 0xFFFFFFFFu);
    uint32_t mlo = pci_read32(bdf, reg);
    pci_write32(bdf, reg, lo);
    b->io = lo & BAR_IO;
    b->is64 = !b->io && (lo & 6) == BAR_64 && i + 1 < PCI_NUM_BARS;
    b->prefetch = !b->io && (lo & BAR_PREFETCH);
    uint64_t base = lo & (b->io ? ~3u : ~15u), mask = mlo & (b->io ? ~3u : ~15u);
    if (b->is64) {
        uint32_t hi = pci_read32(bdf, reg + 4);
        pci_write32(bdf, reg + 4, 0xFFFFFFFFu);
        mask |= (uint64_t)pci_read32(bdf, reg + 4) << 32;
        pci_write32(bdf, reg + 4, hi);
        base |= (uint64_t)hi << 32;
    } else {
        mask |= b->io ? 0xFFFFFFFFFFFF0000ull : 0xFFFFFFFF00000000ull;
    }
    b->base = base;
    b->size = mask == 0 || mlo == 0 ? 0 : ~mask + 1;
    return b->is64 ? 2 : 1;
}

void pci_probe_bars(uint32_t bdf, struct pci_bar bars[PCI_NUM_BARS])
{
    uint16_t cmd = pci_read16(bdf, REG_COMMAND);
    pci_write16(bdf, REG_COMMAND, cmd & ~CMD_DECODE);
    for (unsigned i = 0; i < PCI_NUM_BARS; i++)
        bars[i] = (struct pci_bar){ 0 };
    for (unsigned i = 0; i < PCI_NUM_BARS; i += size_bar(bdf, i, &bars[i]))
        ;
    pci_write16(bdf, REG_COMMAND, cmd);
}

uint8_t pci_find_cap(uint32_t bdf, uint8_t id)
{
    if (!(pci_read16(bdf, REG_STATUS) & STATUS_CAPS))
        return 0;
    uint8_t off = pci_read8(bdf, REG_CAP_PTR) & 0xFC;
    for (unsigned guard = 0; off && guard < 48; guard++) {
        if (pci_read8(bdf, off) == id)
            return off;
        off = pci_read8(bdf, off + 1) & 0xFC;
    }
    return 0;
}
