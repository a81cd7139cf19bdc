/*
 * virtio_pci.h — the modern virtio-PCI transport (VIRTIO 1.2 §4.1): finding the configuration
 * structures through the vendor capabilities, the status handshake, feature negotiation, queue
 * registers and doorbells.  Every window the device advertises is checked against its BAR.
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "virtio/virtio_irq.h"

/* A structure's place: BAR index, offset and length, all checked against the BAR's size. */
struct vpci_window {
    uint8_t  bar;
    uint32_t off;
    uint32_t len;     /* 0 = not found */
};

struct vpci {
    void *os;
    struct vpci_window common, notify, isr, device;
    uint32_t notify_mult;      /* notify_off_multiplier */
    bool     master_cut;       /* bus mastering turned off because a reset never finished */
};

/* Whether the function is 1AF4:device_id and modern (a virtio common-configuration capability),
 * from configuration space alone: no BAR is mapped or touched, so a driver's probe may ask. */
bool vpci_identify(void *os, uint16_t device_id);
/* Check the PCI identity (1AF4:device_id, modern) and find the configuration structures. */
int  vpci_probe(struct vpci *t, void *os, uint16_t device_id);
int  vpci_reset(struct vpci *t, uint32_t timeout_ms);
uint8_t vpci_status(struct vpci *t);
void vpci_add_status(struct vpci *t, uint8_t bits);
int  vpci_negotiate(struct vpci *t, uint64_t wanted, uint64_t *accepted);
uint16_t vpci_num_queues(struct vpci *t);

/* Queue setup: returns the device's maximum size for `q` (0 = queue unavailable). */
uint16_t vpci_queue_max(struct vpci *t, uint16_t q);
int  vpci_queue_enable(struct vpci *t, uint16_t q, uint16_t size, uint64_t desc,
                       uint64_t avail, uint64_t used, uint16_t msix_vector, uint32_t *notify_off);
int  vpci_set_config_vector(struct vpci *t, uint16_t vector);
void vpci_notify(struct vpci *t, uint32_t notify_off, uint16_t q);

uint8_t  vpci_isr_read(struct vpci *t);

/*
 * Interrupt routing shared by every virtio driver in the core: with MSI-X, configuration
 * changes go to vector 0 and queues to vector 1, or everything to vector 0 when the host has
 * only one.  Causes are VGPU_CAUSE_* bits.
 */
void     vpci_pick_vectors(enum vgpu_irq_mode mode, uint16_t nvectors, uint16_t *config, uint16_t *queues);
uint32_t vpci_msix_causes(enum vgpu_irq_mode mode, uint16_t nvectors, unsigned vector);
/* INTx: read and clear the ISR, as VGPU_CAUSE_* bits (0: not this device). */
uint32_t vpci_intx_causes(struct vpci *t);
/* Device-specific configuration: a consistent 32-bit read (config_generation checked). */
int      vpci_device_read32(struct vpci *t, uint32_t off, uint32_t *val);
void     vpci_device_write32(struct vpci *t, uint32_t off, uint32_t val);

#endif /* VIRTIO_PCI_H */
