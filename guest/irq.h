/*
 * irq.h — routing the GPU's interrupts to the CPU and into the core.
 *
 * MSI-X: table entries 0..n-1 send vector VEC_MSIX_BASE+i to this CPU's LAPIC (entry 0 =
 * configuration change, 1 = queues, as vgpu_open() programs the device with msix_vectors=2;
 * a device with a single vector gets msix_vectors=1 and everything on entry 0).
 * INTx: the function's pin (config 0x3D) goes through the q35 ICH9 PIRQ routing to an
 * IO-APIC pin (GSI 16..23), level-triggered, to VEC_INTX.
 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include <stdbool.h>

#include "gpu.h"
#include "idt.h"

#define GPU_MSIX_VECTORS 2      /* at most; fewer if the table is smaller */

/* Route and unmask for the mode; false with *why set when this mode cannot be used. */
bool irq_enable(struct guest_gpu *gpu, enum vgpu_irq_mode mode, const char **why);
/* Mask and unroute whatever irq_enable() set up. */
void irq_disable(struct guest_gpu *gpu);
/* Program up to `want` MSI-X entries of a virtio function (fewer if its table is smaller; the
 * count lands in msix_vectors) to vectors base.. on this CPU, each handled by handler(vector,
 * ctx), and turn INTx off; false with *why set when impossible.  The console uses it too. */
bool irq_msix_route(struct guest_gpu *gpu, unsigned base, unsigned want, irq_handler handler, void *ctx,
                    const char **why);
/* Disable MSI-X on the function and drop the handlers irq_msix_route() installed. */
void irq_msix_unroute(struct guest_gpu *gpu, unsigned base);
/* The IO-APIC pin q35 connects this function's INTx pin to; false if unknown. */
bool irq_intx_gsi(const struct guest_gpu *gpu, unsigned *gsi);

#endif /* GUEST_IRQ_H */
