/*
 * vdev.h — the device side of virtio-PCI for virtio-gpu, written once for both software devices:
 * the honest one (sim/) and the hostile scripted one (tests/fuzz/dev*.c).
 *
 * It holds QEMU 7.2's configuration-space image, the register file in BAR4 (common config, ISR,
 * device config, doorbells) and the split-ring walk (take a chain off the available ring with
 * every check QEMU makes, write used entries, decide about notifications).  A device owns a
 * struct vdev, fills the knobs, and answers the hooks in struct vdev_ops; whatever it wants to do
 * differently (refuse, lie, corrupt) it does around these calls, with the values it passes in.
 * Wire layouts come from spec_wire.h, never from the driver's headers.
 */
#ifndef VDEV_H
#define VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* QEMU 7.2's virtio-gpu-pci: MSI-X in BAR1, four 4 KiB virtio windows in BAR4. */
#define VDEV_BAR_MSIX      1
#define VDEV_BAR_VIRTIO    4
#define VDEV_BAR_MSIX_SIZE 0x1000u
#define VDEV_BAR_SIZE      0x4000u
#define VDEV_COMMON_OFF    0x0000u
#define VDEV_ISR_OFF       0x1000u
#define VDEV_DEVICE_OFF    0x2000u
#define VDEV_NOTIFY_OFF    0x3000u
#define VDEV_WINDOW        0x1000u
#define VDEV_NOTIFY_MULT   4u
#define VDEV_PCI_CFG_SIZE  256u

/* Where QEMU puts each capability (each new one heads the list: MSI-X first). */
#define VDEV_CAP_COMMON 0x40u
#define VDEV_CAP_ISR    0x50u
#define VDEV_CAP_DEVICE 0x60u
#define VDEV_CAP_NOTIFY 0x70u
#define VDEV_CAP_PCICFG 0x84u
#define VDEV_CAP_MSIX   0x98u
#define VDEV_MSIX_CTRL  (VDEV_CAP_MSIX + 2u)
#define VDEV_MSIX_ENABLE  0x8000u
#define VDEV_MSIX_MASKALL 0x4000u

#define VDEV_NUM_QUEUES 2       /* control, cursor */
#define VDEV_MAX_SG     1024u   /* QEMU's VIRTQUEUE_MAX_SIZE: buffers in one chain */

/* Little-endian bytes in device-visible memory and registers. */
static inline uint16_t vdev_ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t vdev_ld32(const uint8_t *p)
{
    return vdev_ld16(p) | (uint32_t)vdev_ld16(p + 2) << 16;
}
static inline void vdev_st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void vdev_st32(uint8_t *p, uint32_t v)
{
    vdev_st16(p, v);
    vdev_st16(p + 2, v >> 16);
}

/* ---- configuration space ---- */

/* What differs between the machines the two devices model (the rest is QEMU's layout). */
struct vdev_pci_setup {
    uint16_t command;           /* as the firmware left it */
    uint32_t bar4;              /* BAR4's low dword (64-bit prefetchable memory) */
    uint16_t msix_vectors;      /* MSI-X table size */
    uint16_t msix_control;      /* initial enable/mask bits */
    uint32_t notify_mult;
};
void     vdev_pci_image(uint8_t cfg[VDEV_PCI_CFG_SIZE], const struct vdev_pci_setup *setup);
uint32_t vdev_pci_read(const uint8_t cfg[VDEV_PCI_CFG_SIZE], uint32_t off, unsigned width);
/* Only the command register and the MSI-X enable/mask bits take writes (QEMU's write mask). */
void     vdev_pci_write(uint8_t cfg[VDEV_PCI_CFG_SIZE], uint32_t off, unsigned width, uint32_t val);
uint16_t vdev_pci_command(const uint8_t cfg[VDEV_PCI_CFG_SIZE]);
bool     vdev_pci_msix_enabled(const uint8_t cfg[VDEV_PCI_CFG_SIZE]);

/* ---- the register file and the rings ---- */

enum vdev_complaint {
    VDEV_DRIVER_ACCESS,     /* a register access or setup step the driver got wrong */
    VDEV_DRIVER_FEATURES,   /* FEATURES_OK with unoffered features or without VERSION_1 */
    VDEV_RING,              /* a ring the driver corrupted: the device must stop until reset */
};

/* The virtio-gpu configuration the device window shows (VIRTIO 1.2 §5.7.4). */
struct vdev_gpu_config {
    uint32_t events_read, num_scanouts, num_capsets;
};

struct vdev_ops {
    void  (*complain)(void *ctx, enum vdev_complaint what, const char *msg);
    void *(*map)(void *ctx, uint64_t addr, uint64_t len);   /* NULL unless every byte is mapped */
    void  (*reset)(void *ctx);                 /* a driver reset: the device's own state */
    void  (*notify)(void *ctx, unsigned queue);  /* a well-formed doorbell (queue may be off) */
    void  (*gpu_config)(void *ctx, struct vdev_gpu_config *out);
    void  (*events_clear)(void *ctx, uint32_t bits);
};

struct vdev_queue {
    uint16_t max_size;          /* queue_size before the driver changes it; 0: no such queue */
    uint16_t size;
    uint16_t msix_vector;
    uint16_t notify_off;        /* doorbell at notify window + notify_off * multiplier */
    bool     enabled;
    uint64_t desc, avail, used; /* device addresses */
    uint16_t last_avail;        /* next available entry to take */
    uint16_t used_idx;          /* next used entry to fill */
    uint16_t signalled_used;    /* used_idx when an interrupt was last decided about */
    bool     signalled_valid;
};

struct vdev {
    const struct vdev_ops *ops;
    void *ctx;
    /* knobs: set by the device before use (a hostile one may set odd values) */
    uint64_t offered;           /* device features */
    uint16_t num_queues;        /* what num_queues reads */
    uint16_t msix_vectors;      /* vectors accepted (others read back NO_VECTOR); at most 32 */
    uint32_t notify_mult;
    uint32_t max_chain;         /* buffers one chain may hold, at most VDEV_MAX_SG */
    bool     refuse_features;   /* FEATURES_OK never sticks */
    /* driver-visible state */
    uint32_t dfselect, gfselect;
    uint32_t driver_features[2];
    uint64_t negotiated;        /* latched at FEATURES_OK */
    uint8_t  status;
    uint8_t  config_generation;
    uint8_t  isr;
    uint16_t config_vector;
    uint16_t queue_select;
    uint32_t msix_pending;      /* bit per vector */
    bool     broken;            /* needs a reset: queues are left alone until then */
    struct vdev_queue vq[VDEV_NUM_QUEUES];
};

/* vdev_regs.c: BAR4 offsets below VDEV_BAR_SIZE (the device checks the BAR and decoding). */
uint32_t vdev_regs_read(struct vdev *vd, uint32_t off, unsigned width);
void     vdev_regs_write(struct vdev *vd, uint32_t off, unsigned width, uint32_t val);
void     vdev_regs_reset(struct vdev *vd);    /* power-on state of the registers and queues */
bool     vdev_has_feature(const struct vdev *vd, unsigned bit);
/* ISR bits for INTx and, for an accepted vector, a pending MSI-X message. */
void     vdev_interrupt(struct vdev *vd, uint16_t vector, uint8_t isr_bits);
int      vdev_take_msix(struct vdev *vd);   /* the lowest pending vector (now taken), or -1 */
void     vdev_needs_reset(struct vdev *vd);   /* DEVICE_NEEDS_RESET; the device tells the driver */
void     vdev_complain(struct vdev *vd, enum vdev_complaint what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One buffer of a chain: its device address and where it is mapped. */
struct vdev_iov {
    uint64_t addr;
    uint8_t *ptr;
    uint32_t len;
    uint16_t index;             /* descriptor index in the table it came from */
};

/* A chain taken off the available ring: readable buffers first, then writable ones. */
struct vdev_elem {
    unsigned queue;
    uint16_t head;
    uint32_t out_num, in_num;   /* sg[0 .. out_num) readable, the next in_num writable */
    uint32_t out_bytes, in_bytes;
    struct vdev_iov table;      /* the indirect table the chain lives in (len 0: none) */
    struct vdev_iov sg[VDEV_MAX_SG];
};

/* vdev_ring.c */
bool vdev_ring_live(const struct vdev *vd, unsigned q);   /* enabled and not broken */
/* Fills a zeroed elem with the next chain; false when none, or on a bad ring (complained). */
bool vdev_ring_pop(struct vdev *vd, unsigned q, struct vdev_elem *e);
/* Writes one used entry as given (a hostile device passes any id and length) and publishes it. */
bool vdev_ring_put_used(struct vdev *vd, unsigned q, uint32_t id, uint32_t len);
void vdev_ring_publish_used_idx(struct vdev *vd, unsigned q, uint16_t idx);
bool vdev_ring_should_interrupt(struct vdev *vd, unsigned q);   /* NO_INTERRUPT / used_event */
void vdev_ring_set_notification(struct vdev *vd, unsigned q, bool enable);
bool vdev_ring_uses_desc(const struct vdev_elem *e, uint16_t index);   /* ring entries it holds */

/* vdev_elem.c: copy out of the readable, into the writable buffers; returns bytes copied. */
size_t vdev_elem_read(const struct vdev_elem *e, size_t off, void *buf, size_t len);
size_t vdev_elem_write(struct vdev_elem *e, size_t off, const void *buf, size_t len);

#endif /* VDEV_H */
