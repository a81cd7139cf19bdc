/*
 * gpu.h — the virtio-gpu PCI function as the guest platform holds it.  A `struct guest_gpu *`
 * is the `os` context the core passes back to every vgpu_os_* call (os_glue.c).
 */
#ifndef GUEST_GPU_H
#define GUEST_GPU_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"
#include "gpu/vgpu.h"

struct virtio_window { uint8_t bar; uint32_t off; bool found; };

struct guest_gpu {
    uint32_t bdf;
    struct pci_bar bars[PCI_NUM_BARS];
    bool bar_mapped[PCI_NUM_BARS];       /* identity-mapped uncached; bar_size() reports 0 if not */
    struct virtio_window common, isr;    /* found by the guest itself, for `reset` and early INTx */
    struct vgpu_dev *dev;                /* NULL until vgpu_open() returned */
    enum vgpu_irq_mode irq_mode;
    unsigned intx_gsi;                   /* IO-APIC pin, INTx mode */
    unsigned msix_vectors;               /* enabled table entries, MSI-X mode */
    volatile bool woken;                 /* vgpu_os_wake() or any device interrupt since wait began */
    volatile bool display_event;         /* VGPU_OS_EVENT_DISPLAY_CHANGED latched */
    volatile bool needs_reset;           /* VGPU_OS_EVENT_NEEDS_RESET latched */
    volatile uint64_t device_irqs;       /* device interrupts taken (MSI-X or INTx) */
    volatile uint64_t early_irqs;        /* ...of which arrived before vgpu_open() returned */
    uint64_t core_heap_bytes, core_dma_bytes;   /* live allocations the core holds */
};

/* Find the first virtio-gpu function, size and map its memory BARs, locate common/ISR cfg. */
bool gpu_discover(struct guest_gpu *gpu);
/* The same for the first modern virtio function 1af4:device_id (the console is one too). */
bool gpu_discover_function(struct guest_gpu *gpu, uint16_t device_id);
/* device_status (common cfg offset 20), written and read behind the core's back. */
void    gpu_write_status(struct guest_gpu *gpu, uint8_t status);
uint8_t gpu_read_status(struct guest_gpu *gpu);
/* Read-to-clear ISR byte: deasserts INTx when the core cannot take the interrupt yet. */
uint8_t gpu_read_isr(struct guest_gpu *gpu);
volatile void *gpu_bar_ptr(const struct guest_gpu *gpu, uint8_t bar, uint32_t off);

#endif /* GUEST_GPU_H */
