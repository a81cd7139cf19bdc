/*
 * sim.h — a software virtio-gpu device (modern virtio-PCI transport, split virtqueues, the 2D
 * command set) for host unit tests.
 *
 * The model follows QEMU 7.2's virtio-gpu-pci: the same PCI identity and capability layout, the
 * same command checks and error codes.  Where QEMU is lenient about a driver mistake (a short
 * request, a misordered status write) the model still behaves like QEMU towards the driver but
 * also counts the mistake in stats.driver_errors, so tests can demand a clean driver.
 *
 * Device memory accesses go through a map callback supplied by the host platform: device
 * addresses are never host pointers, and an unmapped range is a detectable error.
 *
 * The model is single-threaded: the host calls into it (config/MMIO accesses, sim_run) and
 * polls it for interrupts (sim_intx_level, sim_next_msix).
 */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/vdev.h"

#define SIM_MAX_SCANOUTS  16   /* QEMU's max_outputs limit; num_scanouts may claim more */
#define SIM_CURSOR_SIZE   64
/* Queues and the BAR layout are the shared layer's: VDEV_* in sim/virtio/vdev.h. */

/* Broken layouts for vgpu_open() negative tests (sim_config.layout_faults). */
enum sim_layout_fault {
    SIM_LAYOUT_NO_COMMON_CAP   = 1u << 0,  /* the common cfg capability is absent */
    SIM_LAYOUT_CAP_OUTSIDE_BAR = 1u << 1,  /* the notify window runs past the end of BAR4 */
    SIM_LAYOUT_BAR_SIZE_ZERO   = 1u << 2,  /* BAR4 reads as size 0 (unmapped) */
    SIM_LAYOUT_CAP_LOOP        = 1u << 3,  /* notify cap points at itself: common cfg unreachable */
    SIM_LAYOUT_NO_CAP_LIST     = 1u << 4,  /* status register lacks the capability-list bit */
    SIM_LAYOUT_WRONG_DEVICE_ID = 1u << 5,  /* device id 0x1041 (a network device) */
    SIM_LAYOUT_NOTIFY_MULT_ODD = 1u << 6,  /* notify_off_multiplier 3: not a multiple of 2 */
    SIM_LAYOUT_SHORT_COMMON    = 1u << 7,  /* common cfg window shorter than the fields */
    SIM_LAYOUT_CAP_BAD_BAR     = 1u << 8,  /* the device cfg capability names BAR 7 */
};

struct sim_display {
    uint32_t width, height;   /* the size the host asks for (GET_DISPLAY_INFO, EDID) */
    bool enabled;
};

struct sim_config {
    uint64_t features;                 /* offered; default QEMU 7.2's 0x10130000002 */
    uint32_t num_scanouts;             /* reported in device config; default 1 */
    struct sim_display display[SIM_MAX_SCANOUTS];
    uint16_t num_queues;               /* reported; default 2 */
    uint16_t queue_size[VDEV_NUM_QUEUES];  /* maximum sizes; default 64 and 16 */
    uint16_t msix_vectors;             /* MSI-X table size; default 3 */
    uint64_t max_hostmem;              /* resource memory limit; default 256 MiB */
    uint32_t edid_extensions;          /* CTA-861 blocks after the base block (0 or 1) */
    uint32_t layout_faults;            /* enum sim_layout_fault bits */
    bool     virgl;                    /* offer VIRTIO_GPU_F_VIRGL and the 3D commands (gpu3d.c) */
    uint32_t num_capsets;              /* reported in device config when virgl; default 0 */
};
void sim_default_config(struct sim_config *cfg);

/* Resolve a device address range to a host pointer, or NULL when any byte is unmapped. */
typedef void *(*sim_map_fn)(void *ctx, uint64_t addr, uint64_t len);

struct sim;
struct sim *sim_create(const struct sim_config *cfg, sim_map_fn map, void *map_ctx);
void sim_destroy(struct sim *sim);

/* ---- Bus side: what the host platform routes here ---- */
uint32_t sim_pci_read(struct sim *sim, uint16_t off, unsigned width);
void     sim_pci_write(struct sim *sim, uint16_t off, unsigned width, uint32_t val);
uint64_t sim_bar_size(const struct sim *sim, uint8_t bar);
uint32_t sim_mmio_read(struct sim *sim, uint8_t bar, uint32_t off, unsigned width);
void     sim_mmio_write(struct sim *sim, uint8_t bar, uint32_t off, unsigned width, uint32_t val);

/* ---- Interrupts, polled by the host ---- */
bool sim_intx_level(const struct sim *sim);    /* INTx line asserted */
bool sim_msix_enabled(const struct sim *sim);
int  sim_next_msix(struct sim *sim);           /* a pending MSI-X vector (now taken), or -1 */

/* ---- Work scheduling ---- */
/* Deferred: notifications only queue work; it runs in sim_run().  Default: run at once. */
void     sim_set_deferred(struct sim *sim, bool deferred);
bool     sim_work_pending(const struct sim *sim);
unsigned sim_run(struct sim *sim);             /* returns elements completed */

/* ---- Host-side events ---- */
void sim_display_change(struct sim *sim, unsigned scanout, uint32_t width, uint32_t height,
                        bool enabled);
void sim_raise_needs_reset(struct sim *sim);  /* device error: NEEDS_RESET + config irq */

/* ---- Fault injection ---- */
#define SIM_ANY_CMD 0xffffffffu
/* The next command of `cmd_type` is not executed; the response is `resp_type`. */
void sim_fault_error_next(struct sim *sim, uint32_t cmd_type, uint32_t resp_type);
/* The next command of `cmd_type` is taken off the ring and never completed. */
void sim_fault_hold_next(struct sim *sim, uint32_t cmd_type);
/* Execute and complete every held command now. */
unsigned sim_release_held(struct sim *sim);
unsigned sim_held_count(const struct sim *sim);
/* Complete the next `count` elements without raising an interrupt (UINT32_MAX: forever). */
void sim_fault_lose_interrupts(struct sim *sim, uint32_t count);
enum sim_used_fault {
    SIM_USED_OK = 0,
    SIM_USED_BAD_ID,     /* the used id is beyond the ring */
    SIM_USED_DUP_ID,     /* the entry is published twice */
    SIM_USED_BIG_LEN,    /* len exceeds the element's writable bytes */
    SIM_USED_WRONG_ID,   /* the id names a different descriptor than the completed head */
};
/* Corrupt the used entry of the next control-queue completion. */
void sim_fault_used(struct sim *sim, enum sim_used_fault fault);
/* The next reply to a fenced request echoes the fence id plus one. */
void sim_fault_wrong_fence_next(struct sim *sim);
/* Raise DEVICE_NEEDS_RESET when the next command of `cmd_type` arrives (it is not executed). */
void sim_fault_needs_reset_on(struct sim *sim, uint32_t cmd_type);
/* While `stuck`, the device ignores resets: device_status never reads back 0. */
void sim_fault_stuck_reset(struct sim *sim, bool stuck);

/* ---- 3D side (cfg.virgl) ---- */
#define SIM_MAX_CAPSETS  2
#define SIM_CAPSET_BYTES 8192u   /* room for a capset answered out of line by IOKit (> 4096) */
/*
 * Replace capset `index` (until then: one VIRGL2 capset of 1024 bytes, version 2, format
 * B8G8R8A8 renderable and sampleable).  GET_CAPSET_INFO reports id/max_version/max_size;
 * GET_CAPSET answers with the header and `len` bytes of `data` (len < max_size: truncated).
 */
void sim_set_capset(struct sim *sim, unsigned index, uint32_t id, uint32_t max_version,
                    uint32_t max_size, const void *data, uint32_t len);
struct sim_3d_view {
    uint32_t contexts;         /* live contexts */
    uint32_t attachments;      /* (context, live resource) pairs */
    uint32_t resources;        /* live resources made by RESOURCE_CREATE_3D */
    uint64_t submits, submit_bytes;
    uint64_t transfers_to, transfers_from;
};
void sim_3d(const struct sim *sim, struct sim_3d_view *out);
/* The debug name a live context was created with (at most 64 bytes, terminated); NULL: no such context. */
const char *sim_3d_ctx_name(const struct sim *sim, uint32_t ctx);
bool sim_3d_attached(const struct sim *sim, uint32_t ctx, uint32_t res);
/* The last SUBMIT_3D's stream: its first `cap` bytes (at most SIM_SUBMIT_KEPT) go to `out`;
 * returns the stream's size (0: none yet). */
#define SIM_SUBMIT_KEPT 256u
uint32_t sim_3d_last_submit(const struct sim *sim, void *out, uint32_t cap);

/* ---- Observation ---- */
struct sim_scanout_view {
    bool active;               /* a resource is on the scanout */
    uint32_t resource_id;
    uint32_t x, y;             /* scanout origin inside the resource */
    uint32_t width, height;
    const uint32_t *pixels;    /* width*height words, as last flushed (or set) */
};
bool     sim_scanout(const struct sim *sim, unsigned scanout, struct sim_scanout_view *out);
uint32_t sim_pixel(const struct sim *sim, unsigned scanout, uint32_t x, uint32_t y);

struct sim_cursor_view {
    bool defined;              /* an UPDATE_CURSOR was seen */
    bool visible;              /* last update/move carried a non-zero resource */
    uint32_t resource_id;
    uint32_t hot_x, hot_y;
    uint32_t x, y;
    const uint32_t *image;     /* 64x64 words copied at update time */
};
bool sim_cursor(const struct sim *sim, unsigned scanout, struct sim_cursor_view *out);

struct sim_stats {
    uint64_t notifies[VDEV_NUM_QUEUES];     /* doorbell writes per queue */
    uint64_t completions[VDEV_NUM_QUEUES];  /* used entries published */
    uint64_t interrupts;                   /* interrupts signalled (queue + config) */
    uint64_t config_interrupts;
    uint64_t interrupts_lost;              /* suppressed by sim_fault_lose_interrupts */
    uint64_t interrupts_suppressed;        /* not needed: NO_INTERRUPT / used_event */
    uint64_t commands;                     /* control commands executed */
    uint64_t error_responses;              /* ERR_* responses sent */
    uint64_t driver_errors;                /* driver protocol mistakes seen */
    uint64_t ring_errors;                  /* bad rings that made the device need a reset */
    uint64_t resets;                       /* device resets by the driver */
    uint64_t dma_faults;                   /* accesses to unmapped device addresses */
    uint64_t indirect_elems;               /* elements that used an indirect table */
    uint64_t fenced;                       /* replies to requests that asked for a fence */
    uint64_t last_fence;                   /* the fence id of the last of them */
    uint32_t max_chain;                    /* most buffers seen in one element */
    uint32_t live_resources;
    uint64_t hostmem;
};
const struct sim_stats *sim_stats(const struct sim *sim);
uint64_t sim_cmd_count(const struct sim *sim, uint32_t cmd_type);  /* commands seen by type */
uint32_t sim_last_response(const struct sim *sim);                 /* type of the last response */
const char *sim_last_driver_error(const struct sim *sim);          /* "" when none */
const char *sim_last_ring_error(const struct sim *sim);
uint8_t  sim_device_status(const struct sim *sim);
uint64_t sim_negotiated_features(const struct sim *sim);           /* as accepted at FEATURES_OK */
uint16_t sim_pci_command(const struct sim *sim);
bool     sim_resource_exists(const struct sim *sim, uint32_t resource_id);
uint32_t sim_resource_backing_entries(const struct sim *sim, uint32_t resource_id);
/* Backing entry `i` as the device holds it (a device address and length); false past the last. */
bool     sim_resource_backing_entry(const struct sim *sim, uint32_t resource_id, uint32_t i, uint64_t *addr,
                                    uint32_t *len);
/* The resource's image as the device keeps it: width*height 32-bit texels, rows packed; NULL: none
 * (or a 3D resource that is not a 2D texture). */
const uint32_t *sim_resource_texels(const struct sim *sim, uint32_t resource_id, uint32_t *width,
                                    uint32_t *height);
uint16_t sim_queue_size(const struct sim *sim, unsigned queue);    /* as enabled by the driver */
uint32_t sim_events_read(const struct sim *sim);
uint16_t sim_config_vector(const struct sim *sim);                 /* MSI-X vector read-back */
uint16_t sim_queue_vector(const struct sim *sim, unsigned queue);

/* ---- EDID generator (also used by tests to state expectations) ---- */
#define SIM_EDID_BLOCK 128
/* Writes the base block (+ extensions) for a preferred size; returns the bytes written. */
size_t sim_edid_generate(uint8_t *out, size_t cap, uint32_t width, uint32_t height,
                         uint32_t extensions);

#endif /* SIM_H */
