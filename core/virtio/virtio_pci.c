/* virtio_pci.c — modern virtio-PCI transport.  Spec references are to VIRTIO 1.2 §4.1. */
#include "virtio/virtio_pci.h"

#include "base/log.h"
#include "vgpu_os.h"
#include "virtio/virtio_pci_regs.h"

#define CAP_WALK_LIMIT   48u     /* 192 bytes of capability space hold at most 48 capabilities */
#define PCI_CFG_SPACE    256u
#define MAX_BARS         6u
#define GEN_RETRIES      8u

/* ---- capability walk ---- */

static bool window_fits(void *os, uint8_t bar, uint32_t off, uint32_t len)
{
    uint64_t size;
    if (bar >= MAX_BARS || len == 0)
        return false;
    size = vgpu_os_bar_size(os, bar);
    /* Register offsets are 32-bit: a window past 4 GiB would wrap onto other registers. */
    return (uint64_t)off + len <= size && (uint64_t)off + len <= (1ull << 32);
}

/* The smallest length each structure must have for the fields the core uses. */
static uint32_t min_window_len(uint8_t type)
{
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON_CFG: return VIRTIO_COMMON_MIN_SIZE;
    case VIRTIO_PCI_CAP_NOTIFY_CFG: return 2;
    case VIRTIO_PCI_CAP_ISR_CFG:    return 1;
    default:                        return 4;
    }
}

static struct vpci_window *window_for_type(struct vpci *t, uint8_t type)
{
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON_CFG: return &t->common;
    case VIRTIO_PCI_CAP_NOTIFY_CFG: return &t->notify;
    case VIRTIO_PCI_CAP_ISR_CFG:    return &t->isr;
    case VIRTIO_PCI_CAP_DEVICE_CFG: return &t->device;
    default:                        return NULL;
    }
}

/* Record one vendor capability; the first usable one of each type wins (§4.1.4). */
static void take_vendor_cap(struct vpci *t, uint8_t pos)
{
    void *os = t->os;
    uint8_t cap_len, type, bar;
    struct vpci_window *w;
    uint32_t off, len;

    /* A capability too close to the end cannot hold the fields: read nothing past 256 bytes. */
    if ((uint32_t)pos + VIRTIO_PCI_CAP_SIZE > PCI_CFG_SPACE)
        return;
    cap_len = vgpu_os_pci_read8(os, pos + VIRTIO_PCI_CAP_LEN);
    type = vgpu_os_pci_read8(os, pos + VIRTIO_PCI_CAP_CFG_TYPE);
    bar = vgpu_os_pci_read8(os, pos + VIRTIO_PCI_CAP_BAR);
    w = window_for_type(t, type);
    if (!w || w->len || cap_len < VIRTIO_PCI_CAP_SIZE || (uint32_t)pos + cap_len > PCI_CFG_SPACE)
        return;
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && cap_len < VIRTIO_PCI_NOTIFY_CAP_SIZE)
        return;
    off = vgpu_os_pci_read32(os, pos + VIRTIO_PCI_CAP_OFFSET);
    len = vgpu_os_pci_read32(os, pos + VIRTIO_PCI_CAP_LENGTH);
    if (len < min_window_len(type) || !window_fits(os, bar, off, len)) {
        vgpu_warn(os, "capability type %u at 0x%x: window bar %u off 0x%x len 0x%x unusable",
                  type, pos, bar, off, len);
        return;
    }
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
        uint32_t mult = vgpu_os_pci_read32(os, pos + VIRTIO_PCI_NOTIFY_CAP_MULT);
        /* §4.1.4.4: 0 or an even power of two; anything else would misalign the doorbells. */
        if (mult == 1 || (mult & (mult - 1)) != 0) {
            vgpu_warn(os, "notify capability at 0x%x: bad multiplier %u", pos, mult);
            return;
        }
        t->notify_mult = mult;
    }
    w->bar = bar;
    w->off = off;
    w->len = len;
}

/* The capability list, bounded: 0 ends it (no list, a pointer into the header, or too long). */
static uint8_t first_cap(void *os)
{
    if (!(vgpu_os_pci_read16(os, PCI_CFG_STATUS) & PCI_STATUS_CAP_LIST))
        return 0;
    return vgpu_os_pci_read8(os, PCI_CFG_CAP_PTR) & 0xfc;
}

static uint8_t next_cap(void *os, uint8_t pos)
{
    return vgpu_os_pci_read8(os, pos + VIRTIO_PCI_CAP_NEXT) & 0xfc;
}

static int walk_capabilities(struct vpci *t)
{
    void *os = t->os;
    uint8_t pos = first_cap(os);
    unsigned n;

    if (!pos)
        return VGPU_E_NODEV;
    for (n = 0; pos >= 0x40 && n < CAP_WALK_LIMIT; n++, pos = next_cap(os, pos))
        if (vgpu_os_pci_read8(os, pos) == PCI_CAP_ID_VENDOR)
            take_vendor_cap(t, pos);
    return VGPU_OK;
}

bool vpci_identify(void *os, uint16_t device_id)
{
    uint8_t pos;
    unsigned n;

    if (vgpu_os_pci_read16(os, PCI_CFG_VENDOR_ID) != VIRTIO_PCI_VENDOR_ID ||
        vgpu_os_pci_read16(os, PCI_CFG_DEVICE_ID) != device_id)
        return false;
    pos = first_cap(os);
    for (n = 0; pos >= 0x40 && n < CAP_WALK_LIMIT; n++, pos = next_cap(os, pos))
        if (vgpu_os_pci_read8(os, pos) == PCI_CAP_ID_VENDOR &&
            (uint32_t)pos + VIRTIO_PCI_CAP_SIZE <= PCI_CFG_SPACE &&
            vgpu_os_pci_read8(os, pos + VIRTIO_PCI_CAP_CFG_TYPE) == VIRTIO_PCI_CAP_COMMON_CFG)
            return true;
    return false;
}

int vpci_probe(struct vpci *t, void *os, uint16_t device_id)
{
    int rc;

    t->os = os;
    if (vgpu_os_pci_read16(os, PCI_CFG_VENDOR_ID) != VIRTIO_PCI_VENDOR_ID ||
        vgpu_os_pci_read16(os, PCI_CFG_DEVICE_ID) != device_id) {
        vgpu_err(os, "not a modern virtio function 1af4:%x", device_id);
        return VGPU_E_NODEV;
    }
    rc = walk_capabilities(t);
    if (rc == VGPU_OK && (!t->common.len || !t->notify.len || !t->isr.len || !t->device.len)) {
        vgpu_err(os, "missing virtio structures: common %u notify %u isr %u device %u",
                 t->common.len, t->notify.len, t->isr.len, t->device.len);
        rc = VGPU_E_NODEV;
    }
    return rc;
}

/* ---- common configuration ---- */

static uint8_t common_read8(struct vpci *t, uint32_t off)
{
    return vgpu_os_mmio_read8(t->os, t->common.bar, t->common.off + off);
}

static uint16_t common_read16(struct vpci *t, uint32_t off)
{
    return vgpu_os_mmio_read16(t->os, t->common.bar, t->common.off + off);
}

static uint32_t common_read32(struct vpci *t, uint32_t off)
{
    return vgpu_os_mmio_read32(t->os, t->common.bar, t->common.off + off);
}

static void common_write8(struct vpci *t, uint32_t off, uint8_t v)
{
    vgpu_os_mmio_write8(t->os, t->common.bar, t->common.off + off, v);
}

static void common_write16(struct vpci *t, uint32_t off, uint16_t v)
{
    vgpu_os_mmio_write16(t->os, t->common.bar, t->common.off + off, v);
}

static void common_write32(struct vpci *t, uint32_t off, uint32_t v)
{
    vgpu_os_mmio_write32(t->os, t->common.bar, t->common.off + off, v);
}

static void common_write64(struct vpci *t, uint32_t off, uint64_t v)
{
    common_write32(t, off, (uint32_t)v);
    common_write32(t, off + 4, (uint32_t)(v >> 32));
}

uint8_t vpci_status(struct vpci *t)
{
    return common_read8(t, VIRTIO_COMMON_STATUS);
}

void vpci_add_status(struct vpci *t, uint8_t bits)
{
    common_write8(t, VIRTIO_COMMON_STATUS, (uint8_t)(vpci_status(t) | bits));
}

static void set_bus_master(struct vpci *t, bool on)
{
    uint16_t cmd = vgpu_os_pci_read16(t->os, PCI_CFG_COMMAND);
    cmd = on ? (uint16_t)(cmd | PCI_COMMAND_MASTER) : (uint16_t)(cmd & ~PCI_COMMAND_MASTER);
    vgpu_os_pci_write16(t->os, PCI_CFG_COMMAND, cmd);
    t->master_cut = !on;
}

/*
 * Writing 0 resets; the reset is complete only once status reads back 0 (§4.1.4.3.2).  A device
 * that never gets there may still be using our rings, which the caller is about to free: cut its
 * bus mastering so it cannot, and give it back after a later reset succeeds.
 */
int vpci_reset(struct vpci *t, uint32_t timeout_ms)
{
    uint64_t deadline = vgpu_os_now_ns(t->os) + (uint64_t)timeout_ms * 1000000u;

    common_write8(t, VIRTIO_COMMON_STATUS, 0);
    while (vpci_status(t) != 0) {
        if (vgpu_os_now_ns(t->os) >= deadline) {
            vgpu_err(t->os, "device did not finish reset; bus mastering turned off");
            set_bus_master(t, false);
            return VGPU_E_TIMEOUT;
        }
        vgpu_os_wait(t->os, vgpu_os_now_ns(t->os) + 100000u);
    }
    if (t->master_cut)
        set_bus_master(t, true);
    return VGPU_OK;
}

static uint64_t read_device_features(struct vpci *t)
{
    uint64_t lo, hi;
    common_write32(t, VIRTIO_COMMON_DFSELECT, 0);
    lo = common_read32(t, VIRTIO_COMMON_DF);
    common_write32(t, VIRTIO_COMMON_DFSELECT, 1);
    hi = common_read32(t, VIRTIO_COMMON_DF);
    return lo | hi << 32;
}

static void write_driver_features(struct vpci *t, uint64_t f)
{
    common_write32(t, VIRTIO_COMMON_GFSELECT, 0);
    common_write32(t, VIRTIO_COMMON_GF, (uint32_t)f);
    common_write32(t, VIRTIO_COMMON_GFSELECT, 1);
    common_write32(t, VIRTIO_COMMON_GF, (uint32_t)(f >> 32));
}

/*
 * Accept only features both sides know (§3.1.1 steps 4–6).  VERSION_1 is mandatory: this is a
 * modern-only driver, and without it the device would expect the legacy layout.
 */
int vpci_negotiate(struct vpci *t, uint64_t wanted, uint64_t *accepted)
{
    uint64_t offered = read_device_features(t);
    uint64_t take = offered & wanted;

    if (!(take & (1ull << VIRTIO_F_VERSION_1))) {
        vgpu_err(t->os, "device does not offer VIRTIO_F_VERSION_1 (features 0x%x)", offered);
        return VGPU_E_NODEV;
    }
    write_driver_features(t, take);
    vpci_add_status(t, VIRTIO_STATUS_FEATURES_OK);
    if (!(vpci_status(t) & VIRTIO_STATUS_FEATURES_OK)) {
        vgpu_err(t->os, "device refused features 0x%x", take);
        return VGPU_E_NODEV;
    }
    *accepted = take;
    return VGPU_OK;
}

uint16_t vpci_num_queues(struct vpci *t)
{
    return common_read16(t, VIRTIO_COMMON_NUMQ);
}

uint16_t vpci_queue_max(struct vpci *t, uint16_t q)
{
    common_write16(t, VIRTIO_COMMON_Q_SELECT, q);
    return common_read16(t, VIRTIO_COMMON_Q_SIZE);
}

/* Program one queue and check that its doorbell lies inside the notify window (§4.1.4.4). */
int vpci_queue_enable(struct vpci *t, uint16_t q, uint16_t size, uint64_t desc,
                      uint64_t avail, uint64_t used, uint16_t msix_vector, uint32_t *notify_off)
{
    uint64_t off;

    common_write16(t, VIRTIO_COMMON_Q_SELECT, q);
    common_write16(t, VIRTIO_COMMON_Q_SIZE, size);
    off = (uint64_t)common_read16(t, VIRTIO_COMMON_Q_NOFF) * t->notify_mult;
    if (off + 2 > t->notify.len) {
        vgpu_err(t->os, "queue %u doorbell 0x%x outside notify window (0x%x)", q, off, t->notify.len);
        return VGPU_E_NODEV;
    }
    common_write64(t, VIRTIO_COMMON_Q_DESCLO, desc);
    common_write64(t, VIRTIO_COMMON_Q_AVAILLO, avail);
    common_write64(t, VIRTIO_COMMON_Q_USEDLO, used);
    /* Without MSI-X the write of NO_VECTOR is harmless; with it, a refused vector reads back
     * as NO_VECTOR (§4.1.5.1.2) and interrupts would silently never come. */
    common_write16(t, VIRTIO_COMMON_Q_MSIX, msix_vector);
    if (common_read16(t, VIRTIO_COMMON_Q_MSIX) != msix_vector) {
        vgpu_err(t->os, "queue %u refused MSI-X vector %u", q, msix_vector);
        return VGPU_E_NODEV;
    }
    common_write16(t, VIRTIO_COMMON_Q_ENABLE, 1);
    *notify_off = t->notify.off + (uint32_t)off;
    return VGPU_OK;
}

int vpci_set_config_vector(struct vpci *t, uint16_t vector)
{
    common_write16(t, VIRTIO_COMMON_MSIX, vector);
    if (common_read16(t, VIRTIO_COMMON_MSIX) != vector) {
        vgpu_err(t->os, "device refused config MSI-X vector %u", vector);
        return VGPU_E_NODEV;
    }
    return VGPU_OK;
}

void vpci_notify(struct vpci *t, uint32_t notify_off, uint16_t q)
{
    vgpu_os_mmio_write16(t->os, t->notify.bar, notify_off, q);
}

uint8_t vpci_isr_read(struct vpci *t)
{
    return vgpu_os_mmio_read8(t->os, t->isr.bar, t->isr.off);
}

void vpci_pick_vectors(enum vgpu_irq_mode mode, uint16_t nvectors, uint16_t *config, uint16_t *queues)
{
    *config = *queues = VIRTIO_MSI_NO_VECTOR;
    if (mode != VGPU_IRQ_MSIX)
        return;
    *config = 0;
    *queues = nvectors >= 2 ? 1 : 0;
}

uint32_t vpci_msix_causes(enum vgpu_irq_mode mode, uint16_t nvectors, unsigned vector)
{
    if (mode != VGPU_IRQ_MSIX)
        return 0;
    if (nvectors < 2)
        return vector == 0 ? VGPU_CAUSE_QUEUE | VGPU_CAUSE_CONFIG : 0;
    return vector == 0 ? VGPU_CAUSE_CONFIG : vector == 1 ? VGPU_CAUSE_QUEUE : 0;
}

/* The ISR's bit 0 (queue) and bit 1 (configuration) are VGPU_CAUSE_QUEUE and _CONFIG. */
uint32_t vpci_intx_causes(struct vpci *t)
{
    return vpci_isr_read(t) & (VGPU_CAUSE_QUEUE | VGPU_CAUSE_CONFIG);
}

/*
 * A device may change its configuration while we read it; config_generation tells us, and we
 * retry a bounded number of times (§4.1.4.3.1) rather than loop on a device that keeps changing.
 */
int vpci_device_read32(struct vpci *t, uint32_t off, uint32_t *val)
{
    unsigned i;

    if ((uint64_t)off + 4 > t->device.len)
        return VGPU_E_INVAL;
    for (i = 0; i < GEN_RETRIES; i++) {
        uint8_t gen = common_read8(t, VIRTIO_COMMON_CFGGEN);
        *val = vgpu_os_mmio_read32(t->os, t->device.bar, t->device.off + off);
        if (common_read8(t, VIRTIO_COMMON_CFGGEN) == gen)
            return VGPU_OK;
    }
    vgpu_err(t->os, "device configuration keeps changing");
    return VGPU_E_PROTO;
}

void vpci_device_write32(struct vpci *t, uint32_t off, uint32_t val)
{
    if ((uint64_t)off + 4 <= t->device.len)
        vgpu_os_mmio_write32(t->os, t->device.bar, t->device.off + off, val);
}
