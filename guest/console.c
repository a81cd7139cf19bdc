/* console.c — discovery, interrupts and bring-up of the virtio-console function. */
#include "console.h"

#include "arch.h"
#include "irq.h"
#include "pci.h"
#include "console/virtio_console_proto.h"
#include "virtio/virtio_pci_regs.h"

/* MSI-X entry i: ask the core what it stands for; before vcon_open() returned, only wake. */
static void console_msix(unsigned vector, void *ctx)
{
    struct guest_console *c = ctx;
    c->fn.device_irqs++;
    if (c->dev)
        vcon_handle_interrupt(c->dev, vcon_msix_causes(c->dev, vector - VEC_CON_MSIX_BASE));
    else
        c->fn.early_irqs++;
    c->fn.woken = true;
}

static bool route(struct guest_console *c, enum vgpu_irq_mode mode, const char **why)
{
    uint16_t cmd = pci_read16(c->fn.bdf, PCI_CFG_COMMAND);

    c->fn.irq_mode = mode;
    if (mode == VGPU_IRQ_MSIX)
        return irq_msix_route(&c->fn, VEC_CON_MSIX_BASE, CONSOLE_MSIX_VECTORS, console_msix, c, why);
    if (mode == VGPU_IRQ_INTX) {
        *why = "the guest routes INTx for the GPU only (its GSI may be shared)";
        return false;
    }
    pci_write16(c->fn.bdf, PCI_CFG_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);   /* poll: quiet line */
    return true;
}

int console_open(struct guest_console *c, enum vgpu_irq_mode mode, uint32_t timeout_ms, const char **why)
{
    if (c->dev) {
        *why = "already open (clip close first)";
        return VGPU_E_INVAL;
    }
    if (!c->found && !(c->found = gpu_discover_function(&c->fn, VIRTIO_PCI_DEVICE_CONSOLE) ||
                       gpu_discover_function(&c->fn, VIRTIO_PCI_DEVICE_CONSOLE_TRANSITIONAL))) {
        *why = "no virtio-console (1af4:1043 or transitional 1af4:1003) on the PCI bus";
        return VGPU_E_NODEV;
    }
    pci_write16(c->fn.bdf, PCI_CFG_COMMAND,
                pci_read16(c->fn.bdf, PCI_CFG_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    if (!route(c, mode, why))
        return VGPU_E_UNSUPPORTED;
    struct vcon_params p = { mode, (uint16_t)c->fn.msix_vectors, timeout_ms };
    struct vcon_dev *dev = NULL;
    int st = vcon_open(&c->fn, &p, &dev);
    if (st != VGPU_OK) {
        irq_msix_unroute(&c->fn, VEC_CON_MSIX_BASE);
        *why = "vcon_open failed";
        return st;
    }
    uint64_t f = save_flags_cli();
    c->dev = dev;
    restore_flags(f);
    return VGPU_OK;
}

void console_close(struct guest_console *c)
{
    struct vcon_dev *dev = c->dev;
    uint64_t f = save_flags_cli();
    c->dev = NULL;                     /* interrupts from here on only wake */
    restore_flags(f);
    vcon_close(dev);
    if (c->fn.irq_mode == VGPU_IRQ_MSIX)
        irq_msix_unroute(&c->fn, VEC_CON_MSIX_BASE);
    c->fn.irq_mode = VGPU_IRQ_POLL;
}
