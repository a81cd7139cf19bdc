/*
 * vdev_regs.c — the virtio-PCI register windows in BAR4 (VIRTIO 1.2 §4.1.4): common configuration
 * (features, status and reset, queue setup, vectors), ISR (read clears), the virtio-gpu device
 * configuration and the doorbells.  Every driver mistake is complained about; the device decides
 * what a complaint costs.
 */
#include <stdarg.h>
#include <stdio.h>

#include "vdev.h"
#include "../spec_wire.h"
#include "../../core/virtio/virtio_pci_regs.h"

void vdev_complain(struct vdev *vd, enum vdev_complaint what, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vd->ops->complain(vd->ctx, what, msg);
}

bool vdev_has_feature(const struct vdev *vd, unsigned bit)
{
    return (vd->negotiated >> bit) & 1u;
}

void vdev_interrupt(struct vdev *vd, uint16_t vector, uint8_t isr_bits)
{
    vd->isr |= isr_bits;
    if (vector < vd->msix_vectors && vector < 32)
        vd->msix_pending |= 1u << vector;
}

int vdev_take_msix(struct vdev *vd)
{
    for (int v = 0; v < 32; v++) {
        if (vd->msix_pending & (1u << v)) {
            vd->msix_pending &= ~(1u << v);
            return v;
        }
    }
    return -1;
}

void vdev_needs_reset(struct vdev *vd)
{
    vd->broken = true;
    vd->status |= VIRTIO_STATUS_NEEDS_RESET;
}

static struct vdev_queue *selected_queue(struct vdev *vd)
{
    unsigned q = vd->queue_select;

    if (q >= VDEV_NUM_QUEUES || q >= vd->num_queues || vd->vq[q].max_size == 0)
        return NULL;
    return &vd->vq[q];
}

/* Natural width of each common-config field (0: no field starts here). */
static unsigned common_field_width(uint32_t off)
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

static uint32_t read_queue_field(const struct vdev_queue *q, uint32_t off)
{
    switch (off) {
    case VIRTIO_COMMON_Q_SIZE:    return q ? q->size : 0;
    case VIRTIO_COMMON_Q_MSIX:    return q ? q->msix_vector : VIRTIO_MSI_NO_VECTOR;
    case VIRTIO_COMMON_Q_ENABLE:  return q ? q->enabled : 0;
    case VIRTIO_COMMON_Q_NOFF:    return q ? q->notify_off : 0;
    case VIRTIO_COMMON_Q_DESCLO:  return q ? (uint32_t)q->desc : 0;
    case VIRTIO_COMMON_Q_DESCHI:  return q ? (uint32_t)(q->desc >> 32) : 0;
    case VIRTIO_COMMON_Q_AVAILLO: return q ? (uint32_t)q->avail : 0;
    case VIRTIO_COMMON_Q_AVAILHI: return q ? (uint32_t)(q->avail >> 32) : 0;
    case VIRTIO_COMMON_Q_USEDLO:  return q ? (uint32_t)q->used : 0;
    case VIRTIO_COMMON_Q_USEDHI:  return q ? (uint32_t)(q->used >> 32) : 0;
    default:                      return 0;
    }
}

static uint32_t common_read(struct vdev *vd, uint32_t off, unsigned width)
{
    if (common_field_width(off) != width)
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "common cfg read of %u bytes at 0x%x", width, off);
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: return vd->dfselect;
    case VIRTIO_COMMON_DF:
        return vd->dfselect < 2 ? (uint32_t)(vd->offered >> (32 * vd->dfselect)) : 0;
    case VIRTIO_COMMON_GFSELECT: return vd->gfselect;
    case VIRTIO_COMMON_GF:       return vd->gfselect < 2 ? vd->driver_features[vd->gfselect] : 0;
    case VIRTIO_COMMON_MSIX:     return vd->config_vector;
    case VIRTIO_COMMON_NUMQ:     return vd->num_queues;
    case VIRTIO_COMMON_STATUS:   return vd->status;
    case VIRTIO_COMMON_CFGGEN:   return vd->config_generation;
    case VIRTIO_COMMON_Q_SELECT: return vd->queue_select;
    default:                     return read_queue_field(selected_queue(vd), off);
    }
}

/* ---- Status and reset ---- */

/* Everything the driver set goes back to power-on (the device's own part is its reset hook). */
void vdev_regs_reset(struct vdev *vd)
{
    vd->status = 0;
    vd->dfselect = vd->gfselect = 0;
    vd->driver_features[0] = vd->driver_features[1] = 0;
    vd->negotiated = 0;
    vd->config_vector = VIRTIO_MSI_NO_VECTOR;
    vd->queue_select = 0;
    vd->isr = 0;
    vd->msix_pending = 0;
    vd->broken = false;
    for (unsigned i = 0; i < VDEV_NUM_QUEUES; i++) {
        struct vdev_queue *q = &vd->vq[i];

        *q = (struct vdev_queue){ .max_size = q->max_size, .size = q->max_size,
                                  .notify_off = q->notify_off,
                                  .msix_vector = VIRTIO_MSI_NO_VECTOR };
    }
}

/* FEATURES_OK: only offered features, and VERSION_1 among them. */
static bool features_accepted(struct vdev *vd)
{
    uint64_t drv = vd->driver_features[0] | (uint64_t)vd->driver_features[1] << 32;

    if (drv & ~vd->offered) {
        vdev_complain(vd, VDEV_DRIVER_FEATURES, "driver accepted unoffered features 0x%llx",
                      (unsigned long long)(drv & ~vd->offered));
        return false;
    }
    if (!(drv & (1ull << VIRTIO_F_VERSION_1))) {
        vdev_complain(vd, VDEV_DRIVER_FEATURES, "driver did not accept VERSION_1");
        return false;
    }
    if (vd->refuse_features)
        return false;
    vd->negotiated = drv;
    return true;
}

static void check_status_order(struct vdev *vd, uint8_t old, uint8_t val)
{
    if ((old & val & 0x3fu) != (old & 0x3fu))
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "status write 0x%02x clears bits of 0x%02x", val,
                      old);
    if ((val & VIRTIO_STATUS_DRIVER) && !(val & VIRTIO_STATUS_ACKNOWLEDGE))
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "DRIVER without ACKNOWLEDGE");
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(val & VIRTIO_STATUS_DRIVER))
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "FEATURES_OK without DRIVER");
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "DRIVER_OK without FEATURES_OK");
}

static void status_write(struct vdev *vd, uint8_t val)
{
    uint8_t old = vd->status;

    if (val == 0) {
        vdev_regs_reset(vd);
        vd->ops->reset(vd->ctx);
        return;
    }
    check_status_order(vd, old, val);
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
        !features_accepted(vd))
        val &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    vd->status = (uint8_t)(val | (old & VIRTIO_STATUS_NEEDS_RESET));
}

/* ---- Queue setup ---- */

static uint16_t checked_vector(const struct vdev *vd, uint32_t val)
{
    /* QEMU reads back NO_VECTOR when the vector does not exist, so drivers can detect it. */
    return val < vd->msix_vectors && val < 32 ? (uint16_t)val : VIRTIO_MSI_NO_VECTOR;
}

/* A queue whose rings the device cannot reach, or reach aligned, stays off. */
static void queue_enable(struct vdev *vd, struct vdev_queue *q)
{
    uint16_t n = q->size;

    if (q->desc % 16 || q->avail % 2 || q->used % 4) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "queue %u rings misaligned", vd->queue_select);
        return;
    }
    if (!vd->ops->map(vd->ctx, q->desc, SPEC_DESC_TABLE_BYTES(n)) ||
        !vd->ops->map(vd->ctx, q->avail, SPEC_AVAIL_BYTES(n)) ||
        !vd->ops->map(vd->ctx, q->used, SPEC_USED_BYTES(n))) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "queue %u rings are not mapped", vd->queue_select);
        return;
    }
    if (!(vd->status & VIRTIO_STATUS_FEATURES_OK) || (vd->status & VIRTIO_STATUS_DRIVER_OK))
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "queue enabled in status 0x%02x", vd->status);
    q->enabled = true;
}

static void set_addr_half(struct vdev *vd, struct vdev_queue *q, uint64_t *field, bool high,
                          uint32_t val)
{
    if (q->enabled) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "ring address changed on an enabled queue");
        return;
    }
    if (high)
        *field = (*field & 0xffffffffull) | (uint64_t)val << 32;
    else
        *field = (*field & ~0xffffffffull) | val;
}

/* Split rings are a power of two long (§2.7); the device's own maximum is taken as offered. */
static void queue_size_write(struct vdev *vd, struct vdev_queue *q, uint32_t val)
{
    bool power_of_two = (val & (val - 1)) == 0;

    if (q->enabled || val == 0 || val > q->max_size || (!power_of_two && val != q->max_size)) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "queue size %u refused (max %u)", val, q->max_size);
        return;
    }
    q->size = (uint16_t)val;
}

static void queue_write(struct vdev *vd, uint32_t off, uint32_t val)
{
    struct vdev_queue *q = selected_queue(vd);

    if (!q) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "write 0x%x to absent queue %u", off,
                      vd->queue_select);
        return;
    }
    switch (off) {
    case VIRTIO_COMMON_Q_SIZE: queue_size_write(vd, q, val); break;
    case VIRTIO_COMMON_Q_MSIX: q->msix_vector = checked_vector(vd, val); break;
    case VIRTIO_COMMON_Q_ENABLE:
        if (val == 1)
            queue_enable(vd, q);
        else
            vdev_complain(vd, VDEV_DRIVER_ACCESS, "queue_enable written with %u", val);
        break;
    case VIRTIO_COMMON_Q_DESCLO: set_addr_half(vd, q, &q->desc, false, val); break;
    case VIRTIO_COMMON_Q_DESCHI: set_addr_half(vd, q, &q->desc, true, val); break;
    case VIRTIO_COMMON_Q_AVAILLO: set_addr_half(vd, q, &q->avail, false, val); break;
    case VIRTIO_COMMON_Q_AVAILHI: set_addr_half(vd, q, &q->avail, true, val); break;
    case VIRTIO_COMMON_Q_USEDLO: set_addr_half(vd, q, &q->used, false, val); break;
    case VIRTIO_COMMON_Q_USEDHI: set_addr_half(vd, q, &q->used, true, val); break;
    default:
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "write to read-only common cfg 0x%x", off);
        break;
    }
}

static void common_write(struct vdev *vd, uint32_t off, unsigned width, uint32_t val)
{
    if (common_field_width(off) != width)
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "common cfg write of %u bytes at 0x%x", width, off);
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: vd->dfselect = val; break;
    case VIRTIO_COMMON_GFSELECT: vd->gfselect = val; break;
    case VIRTIO_COMMON_GF:
        if (vd->status & VIRTIO_STATUS_FEATURES_OK)
            vdev_complain(vd, VDEV_DRIVER_ACCESS, "driver features written after FEATURES_OK");
        else if (vd->gfselect < 2)
            vd->driver_features[vd->gfselect] = val;
        break;
    case VIRTIO_COMMON_MSIX: vd->config_vector = checked_vector(vd, val); break;
    case VIRTIO_COMMON_STATUS: status_write(vd, (uint8_t)val); break;
    case VIRTIO_COMMON_Q_SELECT: vd->queue_select = (uint16_t)val; break;
    case VIRTIO_COMMON_DF: case VIRTIO_COMMON_NUMQ: case VIRTIO_COMMON_CFGGEN:
    case VIRTIO_COMMON_Q_NOFF:
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "write to read-only common cfg 0x%x", off);
        break;
    default: queue_write(vd, off, val); break;
    }
}

/* ---- ISR, device configuration, doorbells ---- */

static uint8_t isr_read(struct vdev *vd)
{
    uint8_t v = vd->isr;

    vd->isr = 0;   /* reading acknowledges and drops the INTx line */
    return v;
}

/* Like QEMU, a read past the end of the configuration reads all ones. */
static uint32_t devcfg_read(struct vdev *vd, uint32_t off, unsigned width)
{
    struct vdev_gpu_config c = { 0 };
    uint32_t words[4], v = 0;

    if (off + width > SPEC_GPU_CFG_SIZE) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "device cfg read past the end at 0x%x", off);
        return 0xffffffffu;
    }
    vd->ops->gpu_config(vd->ctx, &c);
    words[0] = c.events_read;
    words[1] = 0;   /* events_clear reads as 0 */
    words[2] = c.num_scanouts;
    words[3] = c.num_capsets;
    for (unsigned i = 0; i < width; i++)
        v |= ((words[(off + i) / 4] >> (8 * ((off + i) % 4))) & 0xffu) << (8 * i);
    return v;
}

static void devcfg_write(struct vdev *vd, uint32_t off, unsigned width, uint32_t val)
{
    if (off != SPEC_GPU_CFG_EVENTS_CLEAR || width != 4) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "device cfg write of %u bytes at 0x%x", width, off);
        return;
    }
    vd->ops->events_clear(vd->ctx, val);   /* write 1 to clear */
}

/* The value written names the queue (no NOTIFICATION_DATA); the offset must be its doorbell. */
static void notify_write(struct vdev *vd, uint32_t off, unsigned width, uint32_t val)
{
    if (width != 2 || val >= VDEV_NUM_QUEUES) {
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "doorbell write %u bytes 0x%x at +0x%x", width,
                      val, off);
        return;
    }
    if (off != (uint32_t)vd->vq[val].notify_off * vd->notify_mult)
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "doorbell for queue %u rung at +0x%x", val, off);
    if (!(vd->status & VIRTIO_STATUS_DRIVER_OK))
        vdev_complain(vd, VDEV_DRIVER_ACCESS, "doorbell before DRIVER_OK");
    vd->ops->notify(vd->ctx, val);
}

uint32_t vdev_regs_read(struct vdev *vd, uint32_t off, unsigned width)
{
    switch (off / VDEV_WINDOW) {
    case 0: return common_read(vd, off - VDEV_COMMON_OFF, width);
    case 1: return off == VDEV_ISR_OFF ? isr_read(vd) : 0;
    case 2: return devcfg_read(vd, off - VDEV_DEVICE_OFF, width);
    default: return 0;   /* doorbell reads are meaningless */
    }
}

void vdev_regs_write(struct vdev *vd, uint32_t off, unsigned width, uint32_t val)
{
    switch (off / VDEV_WINDOW) {
    case 0: common_write(vd, off - VDEV_COMMON_OFF, width, val); break;
    case 1: vdev_complain(vd, VDEV_DRIVER_ACCESS, "write to the ISR"); break;
    case 2: devcfg_write(vd, off - VDEV_DEVICE_OFF, width, val); break;
    case 3: notify_write(vd, off - VDEV_NOTIFY_OFF, width, val); break;
    default: vdev_complain(vd, VDEV_DRIVER_ACCESS, "write past BAR4 at 0x%x", off); break;
    }
}
