/*
 * virtio_irq.h — how a virtio device of the core interrupts: the mode the host set up, and the
 * causes an interrupt stands for.  The GPU and the console share both.
 */
#ifndef VGPU_VIRTIO_IRQ_H
#define VGPU_VIRTIO_IRQ_H

enum vgpu_irq_mode {
    VGPU_IRQ_POLL = 0,  /* no interrupts: completions are found by polling while waiting */
    VGPU_IRQ_INTX = 1,  /* legacy line interrupt: read the ISR with vgpu_intx_status() */
    VGPU_IRQ_MSIX = 2,  /* MSI-X: vector 0 = configuration change, vector 1 = queues (or all on 0) */
};

#define VGPU_CAUSE_QUEUE  0x1u   /* a used ring advanced */
#define VGPU_CAUSE_CONFIG 0x2u   /* device configuration changed (display event, needs-reset) */

#endif /* VGPU_VIRTIO_IRQ_H */
