/*
 * sim.c — the software device's life cycle, its work loop, host-side events and observation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "../core/virtio/virtio_pci_regs.h"

void sim_default_config(struct sim_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    /* QEMU 7.2 default: EDID, INDIRECT_DESC, EVENT_IDX, VERSION_1, RING_RESET. */
    cfg->features = (1ull << SPEC_GPU_F_EDID) | (1ull << VIRTIO_F_INDIRECT_DESC) |
                    (1ull << VIRTIO_F_EVENT_IDX) | (1ull << VIRTIO_F_VERSION_1) | (1ull << 40);
    cfg->num_scanouts = 1;
    cfg->display[0] = (struct sim_display){ 1280, 800, true };
    cfg->num_queues = VDEV_NUM_QUEUES;
    cfg->queue_size[0] = 64;
    cfg->queue_size[1] = 16;
    cfg->msix_vectors = 3;
    cfg->max_hostmem = 256ull << 20;
    cfg->edid_extensions = 1;
}

struct sim *sim_create(const struct sim_config *cfg, sim_map_fn map, void *map_ctx)
{
    struct sim *sim = calloc(1, sizeof(*sim));

    if (!sim)
        return NULL;
    sim->cfg = *cfg;
    if (sim->cfg.msix_vectors > 32)
        sim->cfg.msix_vectors = 32;   /* pending vectors live in one 32-bit mask */
    if (sim->cfg.virgl)
        sim->cfg.features |= 1ull << SPEC_GPU_F_VIRGL;
    sim->map = map;
    sim->map_ctx = map_ctx;
    sim_transport_init(sim);
    sim_pci_init(sim);
    return sim;
}

void sim_destroy(struct sim *sim)
{
    if (!sim)
        return;
    sim_gpu_reset(sim);
    free(sim);
}

void sim_driver_error(struct sim *sim, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sim->driver_error, sizeof(sim->driver_error), fmt, ap);
    va_end(ap);
    sim->stats.driver_errors++;
    if (getenv("SIM_TRACE"))
        fprintf(stderr, "sim: driver error: %s\n", sim->driver_error);
}

/* Device DMA: bus mastering must be on and every byte must be mapped. */
void *sim_map(struct sim *sim, uint64_t addr, uint64_t len)
{
    void *p;

    if (!(sim_pci_command(sim) & PCI_COMMAND_MASTER)) {
        sim->stats.dma_faults++;
        sim_driver_error(sim, "DMA at 0x%llx with bus mastering off", (unsigned long long)addr);
        return NULL;
    }
    if (len == 0 || addr + len < addr) {
        sim->stats.dma_faults++;
        return NULL;
    }
    p = sim->map(sim->map_ctx, addr, len);
    if (!p)
        sim->stats.dma_faults++;
    return p;
}

unsigned sim_scanout_limit(const struct sim *sim)
{
    return sim->cfg.num_scanouts < SIM_MAX_SCANOUTS ? sim->cfg.num_scanouts : SIM_MAX_SCANOUTS;
}

/* ---- Work scheduling ---- */

void sim_set_deferred(struct sim *sim, bool deferred)
{
    sim->deferred = deferred;
}

bool sim_work_pending(const struct sim *sim)
{
    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++)
        if (sim->notified[q])
            return true;
    return false;
}

unsigned sim_run(struct sim *sim)
{
    uint64_t before = sim->stats.completions[0] + sim->stats.completions[1];

    for (unsigned q = 0; q < VDEV_NUM_QUEUES; q++) {
        if (!sim->notified[q])
            continue;
        sim->notified[q] = false;
        sim_gpu_process_queue(sim, q);
    }
    return (unsigned)(sim->stats.completions[0] + sim->stats.completions[1] - before);
}

/* ---- Host-side events ---- */

void sim_display_change(struct sim *sim, unsigned scanout, uint32_t width, uint32_t height,
                        bool enabled)
{
    if (scanout >= SIM_MAX_SCANOUTS)
        return;
    sim->cfg.display[scanout] = (struct sim_display){ width, height, enabled };
    sim->events_read |= SPEC_GPU_EVENT_DISPLAY;
    sim_notify_config(sim);
}

void sim_raise_needs_reset(struct sim *sim)
{
    sim_device_error(sim, "injected device error");
}

/* ---- Observation ---- */

bool sim_scanout(const struct sim *sim, unsigned scanout, struct sim_scanout_view *out)
{
    const struct sim_scanout *s;

    if (scanout >= SIM_MAX_SCANOUTS)
        return false;
    s = &sim->scanout[scanout];
    *out = (struct sim_scanout_view){
        .active = s->resource_id != 0, .resource_id = s->resource_id,
        .x = s->x, .y = s->y, .width = s->width, .height = s->height, .pixels = s->pixels,
    };
    return true;
}

uint32_t sim_pixel(const struct sim *sim, unsigned scanout, uint32_t x, uint32_t y)
{
    const struct sim_scanout *s;

    if (scanout >= SIM_MAX_SCANOUTS)
        return 0xdeadbeefu;
    s = &sim->scanout[scanout];
    if (!s->pixels || x >= s->width || y >= s->height)
        return 0xdeadbeefu;
    return s->pixels[(size_t)y * s->width + x];
}

bool sim_cursor(const struct sim *sim, unsigned scanout, struct sim_cursor_view *out)
{
    if (scanout >= SIM_MAX_SCANOUTS)
        return false;
    *out = sim->scanout[scanout].cursor;
    out->image = sim->scanout[scanout].cursor_image;
    return true;
}

const struct sim_stats *sim_stats(const struct sim *sim)
{
    return &sim->stats;
}

uint64_t sim_cmd_count(const struct sim *sim, uint32_t type)
{
    unsigned group = type >> 8, slot = type & 0xffu;

    if (slot >= SIM_CMD_SLOTS)
        return 0;
    if (group == 1)
        return sim->cmd_counts[0][slot];
    if (group == 3)
        return sim->cmd_counts[1][slot];
    return 0;
}

uint32_t sim_last_response(const struct sim *sim) { return sim->last_response; }
const char *sim_last_driver_error(const struct sim *sim) { return sim->driver_error; }
const char *sim_last_ring_error(const struct sim *sim) { return sim->ring_error; }
uint8_t sim_device_status(const struct sim *sim) { return sim->vd.status; }
uint64_t sim_negotiated_features(const struct sim *sim) { return sim->vd.negotiated; }
uint32_t sim_events_read(const struct sim *sim) { return sim->events_read; }

bool sim_resource_exists(const struct sim *sim, uint32_t id)
{
    return sim_res_find(sim, id) != NULL;
}

uint32_t sim_resource_backing_entries(const struct sim *sim, uint32_t id)
{
    const struct sim_resource *res = sim_res_find(sim, id);

    return res ? res->nents : 0;
}

bool sim_resource_backing_entry(const struct sim *sim, uint32_t id, uint32_t i, uint64_t *addr, uint32_t *len)
{
    const struct sim_resource *res = sim_res_find(sim, id);

    if (!res || i >= res->nents)
        return false;
    *addr = res->ent_addr[i];
    *len = res->ent_len[i];
    return true;
}

const uint32_t *sim_resource_texels(const struct sim *sim, uint32_t id, uint32_t *width, uint32_t *height)
{
    const struct sim_resource *res = sim_res_find(sim, id);

    if (!res || !res->format)
        return NULL;
    *width = res->width;
    *height = res->height;
    return (const uint32_t *)(const void *)res->image;
}

uint16_t sim_queue_size(const struct sim *sim, unsigned queue)
{
    if (queue >= VDEV_NUM_QUEUES || !sim->vd.vq[queue].enabled)
        return 0;
    return sim->vd.vq[queue].size;
}

uint16_t sim_config_vector(const struct sim *sim)
{
    return sim->vd.config_vector;
}

uint16_t sim_queue_vector(const struct sim *sim, unsigned queue)
{
    return queue < VDEV_NUM_QUEUES ? sim->vd.vq[queue].msix_vector : VIRTIO_MSI_NO_VECTOR;
}
