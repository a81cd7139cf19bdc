/* irq.c — MSI-X table programming, IO-APIC routing for INTx, and the two interrupt handlers. */
#include "irq.h"

#include "idt.h"
#include "ioapic.h"
#include "lapic.h"
#include "virtio/virtio_pci_regs.h"

#define MSIX_CTRL          2          /* message control, from the capability start */
#define MSIX_TABLE         4          /* BIR (bits 2:0) and offset */
#define MSIX_CTRL_ENABLE   0x8000u
#define MSIX_CTRL_MASKALL  0x4000u
#define MSIX_ENTRY_SIZE    16u
#define MSIX_VECTOR_CTRL   12u
#define MSI_ADDR_BASE      0xFEE00000u
#define PCI_INT_PIN        0x3D
#define Q35_FIRST_PIRQ_GSI 16
#define Q35_CC_SLOT_FIRST  25          /* slots 25..31 route by chipset registers (D25IR..) */

/* MSI-X vector i: ask the core what it means, act on it, and end any wait. */
static void msix_handler(unsigned vector, void *ctx)
{
    struct guest_gpu *gpu = ctx;
    gpu->device_irqs++;
    if (gpu->dev) {
        uint32_t causes = vgpu_msix_causes(gpu->dev, vector - VEC_MSIX_BASE);
        if (causes)
            vgpu_handle_interrupt(gpu->dev, causes);
    } else {
        gpu->early_irqs++;
    }
    gpu->woken = true;
}

/* Level-triggered: reading the ISR deasserts the line, so it is read even before the core
 * can take it (vgpu_open() still running); the core polls its rings after every wait anyway. */
static void intx_handler(unsigned vector, void *ctx)
{
    (void)vector;
    struct guest_gpu *gpu = ctx;
    if (gpu->dev) {
        uint32_t causes = vgpu_intx_status(gpu->dev);
        if (!causes)
            return;                        /* not ours (shared line) */
        gpu->device_irqs++;
        vgpu_handle_interrupt(gpu->dev, causes);
    } else if (gpu_read_isr(gpu)) {
        gpu->device_irqs++;
        gpu->early_irqs++;
    }
    gpu->woken = true;
}

static void set_command_bits(struct guest_gpu *gpu, uint16_t set, uint16_t clear)
{
    uint16_t cmd = pci_read16(gpu->bdf, PCI_CFG_COMMAND);
    pci_write16(gpu->bdf, PCI_CFG_COMMAND, (uint16_t)((cmd | set) & ~clear));
}

bool irq_msix_route(struct guest_gpu *gpu, unsigned base, unsigned want, irq_handler handler, void *ctx,
                    const char **why)
{
    uint8_t cap = pci_find_cap(gpu->bdf, PCI_CAP_ID_MSIX);
    if (!cap) {
        *why = "no MSI-X capability";
        return false;
    }
    uint16_t ctrl = pci_read16(gpu->bdf, cap + MSIX_CTRL);
    uint32_t table = pci_read32(gpu->bdf, cap + MSIX_TABLE);
    uint8_t bir = table & 7;
    uint64_t off = table & ~7u, entries = (ctrl & 0x7FFu) + 1u;
    unsigned used = entries < want ? (unsigned)entries : want;
    if (bir >= PCI_NUM_BARS || !gpu->bar_mapped[bir] || off + entries * MSIX_ENTRY_SIZE > gpu->bars[bir].size) {
        *why = "MSI-X table outside its BAR";
        return false;
    }
    pci_write16(gpu->bdf, cap + MSIX_CTRL, (uint16_t)(ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL));
    for (unsigned i = 0; i < used; i++) {
        volatile uint32_t *e = gpu_bar_ptr(gpu, bir, (uint32_t)(off + i * MSIX_ENTRY_SIZE));
        irq_set_handler(base + i, handler, ctx);
        e[0] = MSI_ADDR_BASE | lapic_id() << 12;    /* physical destination, this CPU */
        e[1] = 0;
        e[2] = base + i;                            /* fixed delivery, edge */
        e[MSIX_VECTOR_CTRL / 4] = 0;                /* unmask the entry */
    }
    pci_write16(gpu->bdf, cap + MSIX_CTRL, (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL));
    set_command_bits(gpu, PCI_COMMAND_INTX_DISABLE, 0);
    gpu->msix_vectors = used;                        /* one vector: the core puts all causes on it */
    return true;
}

static bool msix_enable(struct guest_gpu *gpu, const char **why)
{
    return irq_msix_route(gpu, VEC_MSIX_BASE, GPU_MSIX_VECTORS, msix_handler, gpu, why);
}

void irq_msix_unroute(struct guest_gpu *gpu, unsigned base)
{
    uint8_t cap = pci_find_cap(gpu->bdf, PCI_CAP_ID_MSIX);
    if (cap)
        pci_write16(gpu->bdf, cap + MSIX_CTRL,
                    (uint16_t)(pci_read16(gpu->bdf, cap + MSIX_CTRL) & ~MSIX_CTRL_ENABLE));
    for (unsigned i = 0; i < gpu->msix_vectors; i++)
        irq_set_handler(base + i, NULL, NULL);
    gpu->msix_vectors = 0;
}

static void msix_disable(struct guest_gpu *gpu)
{
    irq_msix_unroute(gpu, VEC_MSIX_BASE);
}

/*
 * QEMU's ICH9 model (hw/isa/lpc_ich9.c) wires INTA..INTD of a root-bus device in slot s
 * (other than 25..31) to PIRQ ((s + pin) mod 4) + 4, i.e. PIRQ E..H, and in APIC mode PIRQ n
 * drives GSI 16 + n.  Verified on QEMU 7.2 for slots 1, 2 and 5 (see guest/README.md).
 */
bool irq_intx_gsi(const struct guest_gpu *gpu, unsigned *gsi)
{
    unsigned pin = pci_read8(gpu->bdf, PCI_INT_PIN), slot = gpu->bdf >> 3 & 31;
    if (!pci_host_is_q35() || pin < 1 || pin > 4 || (gpu->bdf >> 8) != 0 || slot >= Q35_CC_SLOT_FIRST)
        return false;
    *gsi = Q35_FIRST_PIRQ_GSI + 4 + (slot + pin - 1) % 4;
    return *gsi < ioapic_pins();
}

static bool intx_enable(struct guest_gpu *gpu, const char **why)
{
    if (!irq_intx_gsi(gpu, &gpu->intx_gsi)) {
        *why = "INTx routing known only for q35 root-bus devices below slot 25 with an INTx pin";
        return false;
    }
    irq_set_handler(VEC_INTX, intx_handler, gpu);
    /* PCI INTx is level-triggered, active-low at the IO-APIC (ACPI _PRT), as on real q35. */
    ioapic_route(gpu->intx_gsi, &(struct ioapic_route){ VEC_INTX, true, true, (uint8_t)lapic_id() });
    set_command_bits(gpu, 0, PCI_COMMAND_INTX_DISABLE);
    return true;
}

bool irq_enable(struct guest_gpu *gpu, enum vgpu_irq_mode mode, const char **why)
{
    gpu->irq_mode = mode;
    if (mode == VGPU_IRQ_MSIX)
        return msix_enable(gpu, why);
    if (mode == VGPU_IRQ_INTX)
        return intx_enable(gpu, why);
    set_command_bits(gpu, PCI_COMMAND_INTX_DISABLE, 0);   /* poll: keep the line quiet */
    return true;
}

void irq_disable(struct guest_gpu *gpu)
{
    if (gpu->irq_mode == VGPU_IRQ_MSIX)
        msix_disable(gpu);
    if (gpu->irq_mode == VGPU_IRQ_INTX) {
        ioapic_mask(gpu->intx_gsi);
        irq_set_handler(VEC_INTX, NULL, NULL);
    }
    gpu->irq_mode = VGPU_IRQ_POLL;
}
