/*
 * transport.c — the virtio-PCI register windows in BAR4: common configuration (features, status,
 * queue setup), ISR, the virtio-gpu device configuration and the notification doorbells.
 * Semantics follow VIRTIO 1.2 §4.1.4 and QEMU's virtio-pci; see sim.h for where the model is
 * stricter than QEMU.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim_internal.h"
#include "../core/virtio/virtio_pci_regs.h"

#define ISR_QEMU_CONFIG 0x3u   /* QEMU sets both ISR bits for a configuration change */

bool sim_has_feature(const struct sim *sim, unsigned bit)
{
    return (sim->negotiated >> bit) & 1u;
}

static struct sim_queue *selected_queue(struct sim *sim)
{
    unsigned q = sim->queue_select;

    if (q >= SIM_NUM_QUEUES || q >= sim->cfg.num_queues || sim->vq[q].max_size == 0)
        return NULL;
    return &sim->vq[q];
}

/* Natural width of each common-config field (0: no field starts here). */
static unsigned common_field_width(uint32_t off)
{
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: case VIRTIO_COMMON_DF:
    case VIRTIO_COMMON_GFSELECT: case VIRTIO_COMMON_GF:
    case VIRTIO_COMMON_Q_DESCLO: case VIRTIO_COMMON_Q_DESCHI:
    case VIRTIO_COMMON_Q_AVAILLO: case VIRTIO_COMMON_Q_AVAILHI:
    case VIRTIO_COMMON_Q_USEDLO: case VIRTIO_COMMON_Q_USEDHI:
        return 4;
    case VIRTIO_COMMON_STATUS: case VIRTIO_COMMON_CFGGEN:
        return 1;
    case VIRTIO_COMMON_MSIX: case VIRTIO_COMMON_NUMQ: case VIRTIO_COMMON_Q_SELECT:
    case VIRTIO_COMMON_Q_SIZE: case VIRTIO_COMMON_Q_MSIX: case VIRTIO_COMMON_Q_ENABLE:
    case VIRTIO_COMMON_Q_NOFF:
        return 2;
    default:
        return 0;
    }
}

static uint32_t read_queue_field(const struct sim_queue *q, uint32_t off)
{
    switch (off) {
    case VIRTIO_COMMON_Q_SIZE:    return q ? q->size : 0;
    case VIRTIO_COMMON_Q_MSIX:    return q ? q->msix_vector : VIRTIO_MSI_NO_VECTOR;
    case VIRTIO_COMMON_Q_ENABLE:  return q ? q->enabled : 0;
    case VIRTIO_COMMON_Q_DESCLO:  return q ? (uint32_t)q->desc : 0;
    case VIRTIO_COMMON_Q_DESCHI:  return q ? (uint32_t)(q->desc >> 32) : 0;
    case VIRTIO_COMMON_Q_AVAILLO: return q ? (uint32_t)q->avail : 0;
    case VIRTIO_COMMON_Q_AVAILHI: return q ? (uint32_t)(q->avail >> 32) : 0;
    case VIRTIO_COMMON_Q_USEDLO:  return q ? (uint32_t)q->used : 0;
    case VIRTIO_COMMON_Q_USEDHI:  return q ? (uint32_t)(q->used >> 32) : 0;
    default:                      return 0;
    }
}

uint32_t sim_common_read(struct sim *sim, uint32_t off, unsigned width)
{
    if (common_field_width(off) != width)
        sim_driver_error(sim, "common cfg read of %u bytes at 0x%x", width, off);
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: return sim->dfselect;
    case VIRTIO_COMMON_DF:
        return sim->dfselect < 2 ? (uint32_t)(sim->cfg.features >> (32 * sim->dfselect)) : 0;
    case VIRTIO_COMMON_GFSELECT: return sim->gfselect;
    case VIRTIO_COMMON_GF: return sim->gfselect < 2 ? sim->driver_features[sim->gfselect] : 0;
    case VIRTIO_COMMON_MSIX: return sim->config_vector;
    case VIRTIO_COMMON_NUMQ: return sim->cfg.num_queues;
    case VIRTIO_COMMON_STATUS: return sim->status;
    case VIRTIO_COMMON_CFGGEN: return sim->config_generation;
    case VIRTIO_COMMON_Q_SELECT: return sim->queue_select;
    case VIRTIO_COMMON_Q_NOFF: return sim->queue_select;  /* notify_off = queue index */
    default: return read_queue_field(selected_queue(sim), off);
    }
}

/* ---- Status and reset ---- */

static void device_reset(struct sim *sim)
{
    sim->status = 0;
    sim->dfselect = sim->gfselect = 0;
    sim->driver_features[0] = sim->driver_features[1] = 0;
    sim->negotiated = 0;
    sim->config_vector = VIRTIO_MSI_NO_VECTOR;
    sim->queue_select = 0;
    sim->isr = 0;
    sim->msix_pending = 0;
    sim->broken = false;
    for (unsigned q = 0; q < SIM_NUM_QUEUES; q++)
        sim_vq_reset(sim, q);
    sim_gpu_reset(sim);   /* events_read is deliberately kept: QEMU latches it across resets */
    sim->stats.resets++;
}

static bool features_acceptable(struct sim *sim, uint64_t drv)
{
    if (drv & ~sim->cfg.features) {
        sim_driver_error(sim, "driver accepted unoffered features 0x%llx",
                         (unsigned long long)(drv & ~sim->cfg.features));
        return false;
    }
    if (!(drv & (1ull << VIRTIO_F_VERSION_1))) {
        sim_driver_error(sim, "driver did not accept VERSION_1");
        return false;
    }
    return true;
}

static void check_status_order(struct sim *sim, uint8_t old, uint8_t val)
{
    if ((old & val & 0x3fu) != (old & 0x3fu))
        sim_driver_error(sim, "status write 0x%02x clears bits of 0x%02x", val, old);
    if ((val & VIRTIO_STATUS_DRIVER) && !(val & VIRTIO_STATUS_ACKNOWLEDGE))
        sim_driver_error(sim, "DRIVER without ACKNOWLEDGE");
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(val & VIRTIO_STATUS_DRIVER))
        sim_driver_error(sim, "FEATURES_OK without DRIVER");
    if ((val & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
        sim_driver_error(sim, "DRIVER_OK without FEATURES_OK");
}

static void status_write(struct sim *sim, uint8_t val)
{
    uint8_t old = sim->status;

    if (val == 0) {
        if (sim->fault.stuck_reset)
            return;   /* a hung device: status keeps reading non-zero */
        device_reset(sim);
        return;
    }
    check_status_order(sim, old, val);
    if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t drv = sim->driver_features[0] | (uint64_t)sim->driver_features[1] << 32;

        if (features_acceptable(sim, drv))
            sim->negotiated = drv;
        else
            val &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    }
    sim->status = (uint8_t)(val | (old & VIRTIO_STATUS_NEEDS_RESET));
}

/* ---- Queue setup ---- */

static uint16_t checked_vector(struct sim *sim, uint32_t val)
{
    /* QEMU reads back NO_VECTOR when the vector does not exist, so drivers can detect it. */
    return val < sim->cfg.msix_vectors ? (uint16_t)val : VIRTIO_MSI_NO_VECTOR;
}

static void queue_enable(struct sim *sim, struct sim_queue *q)
{
    uint16_t n = q->size;

    if (!(sim->status & VIRTIO_STATUS_FEATURES_OK) || (sim->status & VIRTIO_STATUS_DRIVER_OK))
        sim_driver_error(sim, "queue enabled in status 0x%02x", sim->status);
    if (q->desc % 16 || q->avail % 2 || q->used % 4)
        sim_driver_error(sim, "misaligned ring addresses");
    if (!sim_map(sim, q->desc, SPEC_DESC_TABLE_BYTES(n)) ||
        !sim_map(sim, q->avail, SPEC_AVAIL_BYTES(n)) ||
        !sim_map(sim, q->used, SPEC_USED_BYTES(n)))
        sim_driver_error(sim, "queue %u rings are not mapped", sim->queue_select);
    q->enabled = true;
}

static void set_addr_half(struct sim *sim, struct sim_queue *q, uint64_t *field, bool high,
                          uint32_t val)
{
    if (q->enabled) {
        sim_driver_error(sim, "ring address changed on an enabled queue");
        return;
    }
    if (high)
        *field = (*field & 0xffffffffull) | (uint64_t)val << 32;
    else
        *field = (*field & ~0xffffffffull) | val;
}

static void queue_size_write(struct sim *sim, struct sim_queue *q, uint32_t val)
{
    if (q->enabled || val == 0 || val > q->max_size || (val & (val - 1))) {
        sim_driver_error(sim, "queue size %u refused (max %u)", val, q->max_size);
        return;
    }
    q->size = (uint16_t)val;
}

static void queue_write(struct sim *sim, uint32_t off, uint32_t val)
{
    struct sim_queue *q = selected_queue(sim);

    if (!q) {
        sim_driver_error(sim, "write 0x%x to absent queue %u", off, sim->queue_select);
        return;
    }
    switch (off) {
    case VIRTIO_COMMON_Q_SIZE: queue_size_write(sim, q, val); break;
    case VIRTIO_COMMON_Q_MSIX: q->msix_vector = checked_vector(sim, val); break;
    case VIRTIO_COMMON_Q_ENABLE:
        if (val == 1)
            queue_enable(sim, q);
        else
            sim_driver_error(sim, "queue_enable written with %u", val);
        break;
    case VIRTIO_COMMON_Q_DESCLO: set_addr_half(sim, q, &q->desc, false, val); break;
    case VIRTIO_COMMON_Q_DESCHI: set_addr_half(sim, q, &q->desc, true, val); break;
    case VIRTIO_COMMON_Q_AVAILLO: set_addr_half(sim, q, &q->avail, false, val); break;
    case VIRTIO_COMMON_Q_AVAILHI: set_addr_half(sim, q, &q->avail, true, val); break;
    case VIRTIO_COMMON_Q_USEDLO: set_addr_half(sim, q, &q->used, false, val); break;
    case VIRTIO_COMMON_Q_USEDHI: set_addr_half(sim, q, &q->used, true, val); break;
    default: sim_driver_error(sim, "write to read-only common cfg 0x%x", off); break;
    }
}

void sim_common_write(struct sim *sim, uint32_t off, unsigned width, uint32_t val)
{
    if (common_field_width(off) != width)
        sim_driver_error(sim, "common cfg write of %u bytes at 0x%x", width, off);
    switch (off) {
    case VIRTIO_COMMON_DFSELECT: sim->dfselect = val; break;
    case VIRTIO_COMMON_GFSELECT: sim->gfselect = val; break;
    case VIRTIO_COMMON_GF:
        if (sim->status & VIRTIO_STATUS_FEATURES_OK)
            sim_driver_error(sim, "driver features written after FEATURES_OK");
        else if (sim->gfselect < 2)
            sim->driver_features[sim->gfselect] = val;
        break;
    case VIRTIO_COMMON_MSIX: sim->config_vector = checked_vector(sim, val); break;
    case VIRTIO_COMMON_STATUS: status_write(sim, (uint8_t)val); break;
    case VIRTIO_COMMON_Q_SELECT: sim->queue_select = (uint16_t)val; break;
    case VIRTIO_COMMON_DF: case VIRTIO_COMMON_NUMQ: case VIRTIO_COMMON_CFGGEN:
    case VIRTIO_COMMON_Q_NOFF:
        sim_driver_error(sim, "write to read-only common cfg 0x%x", off);
        break;
    default: queue_write(sim, off, val); break;
    }
}

/* ---- ISR, device configuration, doorbells ---- */

uint8_t sim_isr_read(struct sim *sim)
{
    uint8_t v = sim->isr;

    sim->isr = 0;   /* reading acknowledges and drops the INTx line */
    return v;
}

uint32_t sim_devcfg_read(struct sim *sim, uint32_t off, unsigned width)
{
    uint32_t words[4] = { sim->events_read, 0, sim->cfg.num_scanouts,
                          sim->cfg.virgl ? sim->cfg.num_capsets : 0 };
    uint32_t v = 0;

    if (off + width > SPEC_GPU_CFG_SIZE) {
        sim_driver_error(sim, "device cfg read past the end at 0x%x", off);
        return 0xffffffffu;
    }
    for (unsigned i = 0; i < width; i++)
        v |= ((words[(off + i) / 4] >> (8 * ((off + i) % 4))) & 0xffu) << (8 * i);
    return v;
}

void sim_devcfg_write(struct sim *sim, uint32_t off, unsigned width, uint32_t val)
{
    if (off != SPEC_GPU_CFG_EVENTS_CLEAR || width != 4) {
        sim_driver_error(sim, "device cfg write of %u bytes at 0x%x", width, off);
        return;
    }
    sim->events_read &= ~val;   /* write 1 to clear */
}

void sim_notify_write(struct sim *sim, uint32_t off, unsigned width, uint32_t val)
{
    unsigned mult = sim_notify_multiplier(sim);
    unsigned q = off / mult;

    if (width != 2 || off % mult || q >= SIM_NUM_QUEUES || val != q) {
        sim_driver_error(sim, "doorbell write %u bytes 0x%x at +0x%x", width, val, off);
        if (q >= SIM_NUM_QUEUES)
            return;
    }
    sim->stats.notifies[q]++;
    if (!(sim->status & VIRTIO_STATUS_DRIVER_OK))
        sim_driver_error(sim, "doorbell before DRIVER_OK");
    if (!sim->vq[q].enabled || sim->broken)
        return;
    if (sim->deferred) {
        sim->vq[q].notified = true;
        sim_vq_set_notification(sim, q, false);   /* busy: further kicks are unnecessary */
        return;
    }
    sim_gpu_process_queue(sim, q);
}

void sim_notify_config(struct sim *sim)
{
    sim->config_generation++;
    sim->isr |= ISR_QEMU_CONFIG;
    sim->stats.interrupts++;
    sim->stats.config_interrupts++;
    sim_signal_vector(sim, sim->config_vector);
}

/* A device-side error (bad ring, injected fault): latch broken and ask for a reset. */
void sim_device_error(struct sim *sim, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sim->ring_error, sizeof(sim->ring_error), fmt, ap);
    va_end(ap);
    if (getenv("SIM_TRACE"))
        fprintf(stderr, "sim: device error: %s\n", sim->ring_error);
    sim->stats.ring_errors++;
    sim->broken = true;
    sim->status |= VIRTIO_STATUS_NEEDS_RESET;
    sim_notify_config(sim);
}
