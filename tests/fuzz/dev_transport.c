/*
 * dev_transport.c — the scripted device's part of the shared register file
 * (sim/virtio/vdev_regs.c): the creation-time decisions of FZ_SCRIPT_TRANSPORT (offered features,
 * reset and status quirks, queue counts and sizes, notify offsets, MSI-X vectors, scanouts,
 * pending events, display sizes), the quirks played around the shared registers, and the hooks.
 *
 * A register access the driver gets wrong (width, read-only field, order) is a finding, except
 * when the configuration space is scripted: then the driver may legitimately be looking at
 * the wrong place.  A ring the driver corrupted, or features it should not accept, always are.
 */
#include "dev_internal.h"
#include "../../core/virtio/virtio_pci_regs.h"

#define QEMU_FEATURES ((1ull << SPEC_GPU_F_EDID) | (1ull << VIRTIO_F_INDIRECT_DESC) | \
                       (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VIRTIO_F_VERSION_1) | (1ull << 40))
#define RESET_NEVER 255u
#define STATUS_REG  (VDEV_COMMON_OFF + VIRTIO_COMMON_STATUS)
#define CFGGEN_REG  (VDEV_COMMON_OFF + VIRTIO_COMMON_CFGGEN)

static uint8_t stale_status;   /* what status reads while a reset is still "in progress" */

/* ---- hooks ---- */

static void complain(void *ctx, enum vdev_complaint what, const char *msg)
{
    (void)ctx;
    if (what != VDEV_DRIVER_ACCESS)
        fz_finding("%s", msg);
    if (!dev_has(FZ_SCRIPT_PCI))
        fz_finding("driver register access: %s", msg);
}

static void *map(void *ctx, uint64_t addr, uint64_t len)
{
    (void)ctx;
    return fz_map(addr, len);
}

/* Everything but the latched events and the host's display layout goes back to power-on. */
static void reset(void *ctx)
{
    (void)ctx;
    ring_reset();
    res_reset();
}

static void notify(void *ctx, unsigned q)
{
    (void)ctx;
    if (vdev_ring_live(&dev.vd, q))
        ring_kick(q);
}

static void gpu_config(void *ctx, struct vdev_gpu_config *out)
{
    (void)ctx;
    *out = (struct vdev_gpu_config){ dev.events, dev.num_scanouts, dev.num_capsets };
}

static void events_clear(void *ctx, uint32_t bits)
{
    (void)ctx;
    if (!dev.quirk.events_stuck)
        dev.events &= ~bits;
}

static const struct vdev_ops fuzz_vdev_ops = {
    complain, map, reset, notify, gpu_config, events_clear,
};

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

    dev.vd.refuse_features = q & 0x01;
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
    struct vdev *vd = &dev.vd;

    read_quirks();
    vd->offered = knob(vd->offered, tape_u64());
    vd->num_queues = (uint16_t)knob(vd->num_queues, tape_u16());
    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++) {
        vd->vq[q].max_size = (uint16_t)knob(vd->vq[q].max_size, tape_u16());
        vd->vq[q].notify_off = (uint16_t)knob(vd->vq[q].notify_off, tape_u16());
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
    struct vdev *vd = &dev.vd;

    stale_status = 0;
    *vd = (struct vdev){ .ops = &fuzz_vdev_ops, .offered = QEMU_FEATURES, .num_queues = VDEV_NUM_QUEUES,
                         .notify_mult = VDEV_NOTIFY_MULT, .max_chain = DEV_MAX_CHAIN };
    vd->vq[0] = (struct vdev_queue){ .max_size = 64, .notify_off = 0 };
    vd->vq[1] = (struct vdev_queue){ .max_size = 16, .notify_off = 1 };
    dev.nvec = 3;
    dev.num_scanouts = 1;
    dev.disp[0] = (struct dev_display){ 1024, 768, true };
    if (dev_has(FZ_SCRIPT_TRANSPORT))
        read_knobs();
    vd->msix_vectors = dev.quirk.refuse_vectors ? 0 : dev.nvec;
    vdev_regs_reset(vd);
}

/* ---- the quirks around the shared registers ---- */

static void status_write(unsigned width, uint32_t val)
{
    uint8_t old = dev.vd.status;

    if ((uint8_t)val == 0)
        stale_status = old;
    vdev_regs_write(&dev.vd, STATUS_REG, width, val);
    dev.reset_reads_left = (uint8_t)val == 0 ? dev.quirk.reset_reads : 0;
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK) &&
        dev.quirk.needs_reset_at_ok)
        dev_raise_needs_reset();
}

uint32_t dev_mmio_read(uint8_t bar, uint32_t off, unsigned width)
{
    uint32_t v;

    (void)bar;   /* every BAR decodes the same map: a scripted capability may name any of them */
    if (off == CFGGEN_REG && dev.quirk.cfggen_unstable) {
        dev.quirk.cfggen_unstable--;
        dev.vd.config_generation++;
    }
    v = vdev_regs_read(&dev.vd, off, width);
    if (off == STATUS_REG && dev.reset_reads_left) {
        if (dev.quirk.reset_reads != RESET_NEVER)
            dev.reset_reads_left--;
        return stale_status;   /* the reset is still "in progress" */
    }
    return v;
}

void dev_mmio_write(uint8_t bar, uint32_t off, unsigned width, uint32_t val)
{
    (void)bar;
    if (off == STATUS_REG)
        status_write(width, val);
    else
        vdev_regs_write(&dev.vd, off, width, val);
}
