/*
 * console.h — the virtio-console PCI function (1af4:1043) in the test guest.  Its `struct
 * guest_gpu` is the `os` context the core gets for this device (os_glue.c serves both devices:
 * PCI, BARs, memory accounting and the wake flag are per context).
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdbool.h>

#include "gpu.h"
#include "console/vconsole.h"

#define CONSOLE_MSIX_VECTORS 2

struct guest_console {
    struct guest_gpu fn;            /* the PCI function; &fn is the core's os pointer */
    bool found;                     /* discovered and its BARs mapped */
    struct vcon_dev *dev;           /* NULL until vcon_open() returned */
};

/* Find the device (once), route interrupts (msix or poll) and vcon_open(); *why on refusal. */
int  console_open(struct guest_console *c, enum vgpu_irq_mode mode, uint32_t timeout_ms, const char **why);
/* vcon_close(), interrupts off; the core's memory counters show what it still holds. */
void console_close(struct guest_console *c);

#endif /* GUEST_CONSOLE_H */
