/*
 * dev_transport.c — the virtio-PCI register windows (VIRTIO 1.2 §4.1.4): common configuration,
 * ISR, the virtio-gpu device configuration and the doorbells, with the creation-time decisions
 * of FZ_SCRIPT_TRANSPORT (offered features, reset and status quirks, queue counts and sizes,
 * notify offsets, MSI-X vectors, scanouts, pending events, display sizes).
 *
 * A register access the driver gets wrong (width, read-only field, order) is a finding, except
 * when the configuration space is scripted: then the driver may legitimately be looking at
 * the wrong place.
 */
#include <string.h>

#include "dev_internal.h"
#include "../../core/virtio/virtio_pci_regs.h"

#define QEMU_FEATURES ((1ull << SPEC_GPU_F_EDID) | (1ull << VIRTIO_F_INDIRECT_DESC) | \
                       (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VIRTIO_F_VERSION_1) | (1ull << 40))
#define RESET_NEVER 255u

static uint8_t stale_status;   /* what status reads while a reset is still "in progress" */

/* ---- creation-time decisions ---- */

static uint64_t knob(uint64_t value, uint64_t tape_xor)
{
    if (tape_xor)
        dev_deviate();
    return value ^ tape_xor;
}

static void read_quirks(void)
{
    uint8_t q = tape_u8();

    dev.quirk.refuse_features = q & 0x01;
    dev.quirk.reset_reads = (q & 0x02) ? tape_u8() : 0;
    dev.quirk.needs_reset_at_ok = q & 0x04;
    dev.quirk.refuse_vectors = q & 0x08;
    dev.quirk.cfggen_unstable = (q & 0x10) ? tape_u8() : 0;
    dev.quirk.events_stuck = q & 0x20;
    if (q)
        dev_deviate();
}

static void read_knobs(void)
{
    read_quirks();
    dev.features = knob(dev.features, tape_u64());
    dev.numq = (uint16_t)knob(dev.numq, tape_u16());
    for (unsigned q = 0; q < DEV_NQ; q++) {
        dev.vq[q].max = (uint16_t)knob(dev.vq[q].max, tape_u16());
        dev.vq[q].noff = (uint16_t)knob(dev.vq[q].noff, tape_u16());
    }
    dev.nvec = (uint16_t)knob(dev.nvec, tape_u8());
    dev.num_scanouts = (uint32_t)knob(dev.num_scanouts, tape_u32());
    dev.events = (uint32_t)knob(dev.events, tape_u32());
    for (unsigned i = 0; i < 4 && i < dev.num_scanouts; i++) {
        dev.disp[i].w = (uint32_t)knob(dev.disp[i].w, tape_u16());
        dev.disp[i].h = (uint32_t)knob(dev.disp[i].h, tape_u16());
        dev.disp[i].enabled = knob(dev.disp[i].enabled, tape_u8() & 1) != 0;
    }
}

void dev_transport_init(void)
{
    stale_status = 0;
    dev.features = QEMU_FEATURES;
    dev.numq = DEV_NQ;
    dev.vq[0] = (struct dev_queue){ .max = 64, .noff = 0 };
    dev.vq[1] = (struct dev_queue){ .max = 16, .noff = 1 };
    dev.nvec = 3;
    dev.num_scanouts = 1;
    dev.disp[0] = (struct dev_display){ 1024, 768, true };
    if (dev_has(FZ_SCRIPT_TRANSPORT))
        read_knobs();
    dev_reset();
}

/* ---- helpers ---- */

static void driver_bug(const char *what, uint32_t a)
{
    if (!dev_has(FZ_SCRIPT_PCI))
        fz_finding("driver register access: %s (0x%x)", what, a);
}

bool dev_negotiated(unsigned bit)
{
    return (dev.negotiated >> bit) & 1u;
}

void dev_signal(uint16_t vector, uint8_t isr_bits)
{
    dev.isr |= isr_bits;
    if (vector < 32 && vector < dev.nvec)
        dev.msix_pending |= 1u << vector;
}

static uint16_t checked_vector(uint32_t v)
{
    return !dev.quirk.refuse_vectors && v < dev.nvec && v < 32 ? (uint16_t)v : VIRTIO_MSI_NO_VECTOR;
}

static struct dev_queue *selected(void)
{
    if (dev.qsel >= DEV_NQ || dev.qsel >= dev.numq || dev.vq[dev.qsel].max == 0)
        return NULL;
    return &dev.vq[dev.qsel];
}

/* Everything but the latched events and the host's display layout goes back to power-on. */
void dev_reset(void)
{
    ring_reset();
    res_reset();
    dev.status = 0;
    dev.dfsel = dev.gfsel = dev.drv_feat[0] = dev.drv_feat[1] = 0;
    dev.negotiated = 0;
    dev.config_msix = VIRTIO_MSI_NO_VECTOR;
    dev.qsel = 0;
    dev.isr = 0;
    dev.msix_pending = 0;
    dev.broken = false;
    for (unsigned q = 0; q < DEV_NQ; q++) {
        struct dev_queue *vq = &dev.vq[q];
        *vq = (struct dev_queue){ .max = vq->max, .size = vq->max, .noff = vq->noff,
                                  .msix = VIRTIO_MSI_NO_VECTOR };
    }
}

/* ---- common configuration ---- */

static unsigned field_width(uint32_t off)
{
    switch (off) {
    case VIRTIO_COMMON_STATUS: case VIRTIO_COMMON_CFGGEN:
        return 1;
    case VIRTIO_COMMON_MSIX: case VIRTIO_COMMON_NUMQ: case VIRTIO_COMMON_Q_SELECT:
    case VIRTIO_COMMON_Q_SIZE: case VIRTIO_COMMON_Q_MSIX: case VIRTIO_COMMON_Q_ENABLE:
    case VIRTIO_COMMON_Q_NOFF:
        return 2;
    default:
        return off < VIRTIO_COMMON_MIN_SIZE && off % 4 == 0 ? 4 : 0;
    }
}

static uint8_t status_read(void)
{
    if (dev.reset_reads_left) {
        if (dev.quirk.reset_reads != RESET_NEVER)
            dev.reset_reads_left--;
        return stale_status;
    }
    return dev.status;
}

static uint32_t queue_read(const struct dev_queue *q, uint32_t off)
{
    switch (off) {
    case VIRTIO_COMMON_Q_SIZE:    return q ? q->size : 0;
    case VIRTIO_COMMON_Q_MSIX:    return q ? q->msix : VIRTIO_MSI_NO_VECTOR;
    case VIRTIO_COMMON_Q_ENABLE:  return q ? q->enabled : 0;
    case VIRTIO_COMMON_Q_NOFF:    return q ? q->noff : 0;
    case VIRTIO_COMMON_Q_DESCLO:  return q ? (uint32_t)q->desc : 0;
    case VIRTIO_COMMON_Q_DESCHI:  return q ? (uint32_t)(q->desc >> 32) : 0;
    case VIRTIO_COMMON_Q_AVAILLO: return q ? (uint32_t)q->avail : 0;
    case VIRTIO_COMMON_Q_AVAILHI: return q ? (uint32_t)(q->avail >> 32) : 0;
    case VIRTIO_COMMON_Q_USEDLO:  return q ? (uint32_t)q->used : 0;
    case VIRTIO_COMMON_Q_USEDHI:  return q ? (uint32_t)(q->used >> 32) : 0;
    default:                      return 0;
    }
}

static uint32_t common_read(uint32_t off, unsigned width)
{
    if (field_width(off) != width)
        driver_bug("common cfg read of the wrong width at", off);
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: return dev.dfsel;
    case VIRTIO_COMMON_DF:
        return dev.dfsel < 2 ? (uint32_t)(dev.features >> (32 * dev.dfsel)) : 0;
    case VIRTIO_COMMON_GFSELECT: return dev.gfsel;
    case VIRTIO_COMMON_GF:       return dev.gfsel < 2 ? dev.drv_feat[dev.gfsel] : 0;
    case VIRTIO_COMMON_MSIX:     return dev.config_msix;
    case VIRTIO_COMMON_NUMQ:     return dev.numq;
    case VIRTIO_COMMON_STATUS:   return status_read();
    case VIRTIO_COMMON_CFGGEN:
        if (dev.quirk.cfggen_unstable) {
            dev.quirk.cfggen_unstable--;
            dev.cfggen++;
        }
        return dev.cfggen;
    case VIRTIO_COMMON_Q_SELECT: return dev.qsel;
    default:                     return queue_read(selected(), off);
    }
}

/* FEATURES_OK: the driver may accept only what was offered, and must accept VERSION_1. */
static uint8_t features_ok(uint8_t val)
{
    uint64_t drv = dev.drv_feat[0] | (uint64_t)dev.drv_feat[1] << 32;

    if (drv & ~dev.features)
        fz_finding("driver accepted features 0x%llx that were not offered",
                   (unsigned long long)(drv & ~dev.features));
    if (!(drv & (1ull << VIRTIO_F_VERSION_1)))
        fz_finding("driver set FEATURES_OK without VERSION_1");
    if (dev.quirk.refuse_features)
        return (uint8_t)(val & ~VIRTIO_STATUS_FEATURES_OK);
    dev.negotiated = drv;
    return val;
}

static void status_write(uint8_t val)
{
    uint8_t old = dev.status;

    if (val == 0) {
        stale_status = old;
        dev_reset();
        dev.reset_reads_left = dev.quirk.reset_reads;
        return;
    }
    dev.reset_reads_left = 0;
    if ((old & ~val) & 0x3fu)
        driver_bug("status write clears bits", val);
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK))
        val = features_ok(val);
    dev.status = (uint8_t)(val | (old & VIRTIO_STATUS_NEEDS_RESET));
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
        dev.quirk.needs_reset_at_ok)
        dev_raise_needs_reset();
}

/* Enabling a queue: its rings must be mapped and aligned (§2.7). */
static void queue_enable(struct dev_queue *q)
{
    uint32_t n = q->size;

    if (q->desc % 16 || q->avail % 2 || q->used % 4) {
        driver_bug("queue rings misaligned", dev.qsel);
        return;
    }
    if (!fz_map(q->desc, 16u * n) || !fz_map(q->avail, 6u + 2u * n) || !fz_map(q->used, 6u + 8u * n)) {
        driver_bug("queue rings are not mapped DMA memory", dev.qsel);
        return;
    }
    if (!(dev.status & VIRTIO_STATUS_FEATURES_OK) || (dev.status & VIRTIO_STATUS_DRIVER_OK))
        driver_bug("queue enabled in status", dev.status);
    q->enabled = true;
}

static void set_half(struct dev_queue *q, uint64_t *field, bool high, uint32_t val)
{
    if (q->enabled)
        driver_bug("ring address written on an enabled queue", dev.qsel);
    *field = high ? (*field & 0xffffffffull) | (uint64_t)val << 32 : (*field & ~0xffffffffull) | val;
}

static void queue_write(uint32_t off, uint32_t val)
{
    struct dev_queue *q = selected();

    if (!q) {
        driver_bug("queue register written for an absent queue", dev.qsel);
        return;
    }
    switch (off) {
    case VIRTIO_COMMON_Q_SIZE:
        if (q->enabled || val == 0 || val > q->max)
            driver_bug("queue size refused", val);
        else
            q->size = (uint16_t)val;
        break;
    case VIRTIO_COMMON_Q_MSIX:    q->msix = checked_vector(val); break;
    case VIRTIO_COMMON_Q_ENABLE:  if (val == 1) queue_enable(q); break;
    case VIRTIO_COMMON_Q_DESCLO:  set_half(q, &q->desc, false, val); break;
    case VIRTIO_COMMON_Q_DESCHI:  set_half(q, &q->desc, true, val); break;
    case VIRTIO_COMMON_Q_AVAILLO: set_half(q, &q->avail, false, val); break;
    case VIRTIO_COMMON_Q_AVAILHI: set_half(q, &q->avail, true, val); break;
    case VIRTIO_COMMON_Q_USEDLO:  set_half(q, &q->used, false, val); break;
    case VIRTIO_COMMON_Q_USEDHI:  set_half(q, &q->used, true, val); break;
    default:                      driver_bug("write to a read-only register", off); break;
    }
}

static void common_write(uint32_t off, unsigned width, uint32_t val)
{
    if (field_width(off) != width)
        driver_bug("common cfg write of the wrong width at", off);
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: dev.dfsel = val; break;
    case VIRTIO_COMMON_GFSELECT: dev.gfsel = val; break;
    case VIRTIO_COMMON_GF:
        if (dev.status & VIRTIO_STATUS_FEATURES_OK)
            driver_bug("features written after FEATURES_OK", val);
        else if (dev.gfsel < 2)
            dev.drv_feat[dev.gfsel] = val;
        break;
    case VIRTIO_COMMON_MSIX:     dev.config_msix = checked_vector(val); break;
    case VIRTIO_COMMON_STATUS:   status_write((uint8_t)val); break;
    case VIRTIO_COMMON_Q_SELECT: dev.qsel = (uint16_t)val; break;
    case VIRTIO_COMMON_DF: case VIRTIO_COMMON_NUMQ: case VIRTIO_COMMON_CFGGEN:
        driver_bug("write to a read-only register", off);
        break;
    default:                     queue_write(off, val); break;
    }
}

/* ---- ISR, device configuration, doorbells ---- */

static uint32_t devcfg_read(uint32_t off, unsigned width)
{
    uint32_t words[4] = { dev.events, 0, dev.num_scanouts, dev.num_capsets };
    uint32_t v = 0;

    for (unsigned i = 0; i < width; i++)
        if (off + i < SPEC_GPU_CFG_SIZE)
            v |= ((words[(off + i) / 4] >> (8 * ((off + i) % 4))) & 0xffu) << (8 * i);
    return v;
}

static void devcfg_write(uint32_t off, unsigned width, uint32_t val)
{
    if (off != SPEC_GPU_CFG_EVENTS_CLEAR || width != 4) {
        driver_bug("device cfg write outside events_clear", off);
        return;
    }
    if (!dev.quirk.events_stuck)
        dev.events &= ~val;
}

/* The value written names the queue; its offset must be that queue's doorbell. */
static void notify_write(uint32_t off, unsigned width, uint32_t val)
{
    if (width != 2 || val >= DEV_NQ) {
        driver_bug("doorbell write of the wrong width or queue", val);
        return;
    }
    if (off != (uint32_t)dev.vq[val].noff * DEV_NOTIFY_MULT)
        driver_bug("doorbell rung at the wrong offset", off);
    if (!(dev.status & VIRTIO_STATUS_DRIVER_OK))
        driver_bug("doorbell before DRIVER_OK", val);
    if (dev.vq[val].enabled && !dev.broken)
        ring_kick(val);
}

uint32_t dev_mmio_read(uint8_t bar, uint32_t off, unsigned width)
{
    (void)bar;   /* every BAR decodes the same map: a scripted capability may name any of them */
    if (off < DEV_ISR)
        return common_read(off - DEV_COMMON, width);
    if (off < DEV_DEVCFG) {
        uint8_t v = off == DEV_ISR ? dev.isr : 0;
        if (off == DEV_ISR)
            dev.isr = 0;   /* reading acknowledges */
        return v;
    }
    if (off < DEV_NOTIFY)
        return devcfg_read(off - DEV_DEVCFG, width);
    return 0;
}

void dev_mmio_write(uint8_t bar, uint32_t off, unsigned width, uint32_t val)
{
    (void)bar;
    if (off < DEV_ISR)
        common_write(off - DEV_COMMON, width, val);
    else if (off >= DEV_DEVCFG && off < DEV_NOTIFY)
        devcfg_write(off - DEV_DEVCFG, width, val);
    else if (off >= DEV_NOTIFY && off < DEV_NOTIFY + DEV_WINDOW)
        notify_write(off - DEV_NOTIFY, width, val);
    else
        driver_bug("write to a register that does not exist", off);
}
