/*
 * sim_internal.h — state shared by the software device's parts.  Not for tests: they use sim.h.
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "sim.h"
#include "spec_wire.h"
#include "virtio/vdev.h"

#define SIM_MAX_HELD       64u
#define SIM_ERRMSG         160u
#define SIM_CMD_SLOTS      16u     /* per-type counters: 0x100..0x10f control, 0x300.. cursor */

struct sim_resource {
    uint32_t id;
    uint32_t format;
    uint32_t width, height;
    uint64_t hostmem;
    uint8_t *image;          /* width*4*height bytes */
    uint32_t nents;          /* backing entries (0 = no backing) */
    uint64_t *ent_addr;      /* device addresses, re-mapped at every use */
    uint32_t *ent_len;
    uint64_t *ent_start;     /* byte offset of each entry inside the backing */
    uint64_t backing_bytes;
    uint32_t scanout_mask;
    bool     is3d;           /* made by RESOURCE_CREATE_3D */
    struct sim_resource *next;
};

struct sim_scanout {
    uint32_t resource_id;    /* 0 = disabled */
    uint32_t x, y, width, height;
    uint32_t *pixels;        /* width*height words shown on the "monitor" */
    struct sim_cursor_view cursor;
    uint32_t cursor_image[SIM_CURSOR_SIZE * SIM_CURSOR_SIZE];
};

struct sim_faults {
    uint32_t error_cmd, error_resp;     /* SIM_ANY_CMD-style type, 0 = none armed */
    bool     error_armed;
    uint32_t hold_cmd;
    bool     hold_armed;
    uint32_t reset_cmd;
    bool     reset_armed;
    uint32_t lose_interrupts;
    enum sim_used_fault used;
    bool     stuck_reset;                /* writes of 0 to device_status do not reset */
    bool     wrong_fence;                /* the next fenced reply echoes fence + 1 */
};

#define SIM_MAX_CTX    64u
#define SIM_MAX_ATTACH 256u

struct sim_capset_slot {
    uint32_t id, max_version, max_size, len;
    uint8_t  data[SIM_CAPSET_BYTES];
};

/* The 3D side (gpu3d.c): capsets, live contexts, attachments, counters. */
struct sim_gpu3d {
    bool     custom_capsets;            /* sim_set_capset was called: no default capset */
    struct sim_capset_slot capset[SIM_MAX_CAPSETS];
    uint32_t ctx[SIM_MAX_CTX];          /* 0: free */
    char     ctx_name[SIM_MAX_CTX][65]; /* the debug name, terminated */
    struct { uint32_t ctx, res; } attached[SIM_MAX_ATTACH];   /* ctx 0: free */
    struct sim_3d_view counts;
    uint8_t  submit_head[SIM_SUBMIT_KEPT];   /* the start of the last SUBMIT_3D's stream */
    uint32_t submit_size;
};

struct sim {
    struct sim_config cfg;
    sim_map_fn map;
    void *map_ctx;

    uint8_t  pci[VDEV_PCI_CFG_SIZE];
    struct vdev vd;                     /* the register file and rings (sim/virtio/) */
    bool     notified[VDEV_NUM_QUEUES];  /* a doorbell arrived and its work has not run yet */
    bool     deferred;

    /* device config */
    uint32_t events_read;

    /* gpu state */
    struct sim_resource *resources;
    struct sim_scanout scanout[SIM_MAX_SCANOUTS];
    struct vdev_elem *held[SIM_MAX_HELD];
    unsigned nheld;

    struct sim_gpu3d gpu3d;

    struct sim_faults fault;
    struct sim_stats stats;
    uint64_t cmd_counts[3][SIM_CMD_SLOTS];
    uint32_t last_response;
    char driver_error[SIM_ERRMSG];
    char ring_error[SIM_ERRMSG];
};

/* sim.c */
void sim_driver_error(struct sim *sim, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void *sim_map(struct sim *sim, uint64_t addr, uint64_t len);
unsigned sim_scanout_limit(const struct sim *sim);

/* pci.c */
void sim_pci_init(struct sim *sim);
void sim_signal_vector(struct sim *sim, uint16_t vector, uint8_t isr_bits);

/* transport.c: the device's part of the shared register file */
void sim_transport_init(struct sim *sim);
void sim_transport_write(struct sim *sim, uint32_t off, unsigned width, uint32_t val);
void sim_notify_config(struct sim *sim);
void sim_device_error(struct sim *sim, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* virtqueue.c */
struct vdev_elem *sim_vq_pop(struct sim *sim, unsigned q);
void sim_vq_push(struct sim *sim, struct vdev_elem *elem, uint32_t len);

/* gpu.c: command dispatch */
bool sim_read_cmd(struct sim *sim, const struct vdev_elem *e, void *cmd, size_t size);
void sim_gpu_process_queue(struct sim *sim, unsigned q);
void sim_gpu_reset(struct sim *sim);
void sim_gpu_complete(struct sim *sim, struct vdev_elem *elem);
bool sim_gpu_apply_faults(struct sim *sim, struct vdev_elem *elem, uint32_t type);

/* gpu_resource.c */
struct sim_resource *sim_res_find(const struct sim *sim, uint32_t id);
void sim_res_destroy(struct sim *sim, struct sim_resource *res);
uint32_t sim_cmd_create_2d(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_unref(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_attach_backing(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_detach_backing(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_transfer_2d(struct sim *sim, struct vdev_elem *e);
void sim_rect_from_le(struct spec_gpu_rect *r);
bool sim_rect_in_resource(const struct spec_gpu_rect *r, const struct sim_resource *res);

/* gpu3d.c */
bool     sim_is_3d_cmd(const struct sim *sim, uint32_t type);
uint32_t sim_cmd_3d(struct sim *sim, struct vdev_elem *e, uint32_t type);
void     sim_gpu3d_reset(struct sim *sim);

/* gpu_display.c */
void sim_scanout_disable(struct sim *sim, unsigned id);
uint32_t sim_cmd_display_info(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_get_edid(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_set_scanout(struct sim *sim, struct vdev_elem *e);
uint32_t sim_cmd_flush(struct sim *sim, struct vdev_elem *e);
void sim_cursor_command(struct sim *sim, struct vdev_elem *e);

/* Response sentinel: the command wrote its own (data) response. */
#define SIM_RESP_SENT 0u

/* Writes the response header (echoing the fence) and `len` bytes in total; completes elem. */
void sim_gpu_respond(struct sim *sim, struct vdev_elem *e, void *resp, size_t len);

#endif /* SIM_INTERNAL_H */
