/*
 * dev_internal.h — the scripted device's state, shared by its parts (dev_pci.c, dev_transport.c,
 * dev_ring.c, dev_gpu.c, dev_res.c).  Targets use fuzz_dev.h.
 */
#ifndef DEV_INTERNAL_H
#define DEV_INTERNAL_H

#include "fuzz_dev.h"
#include "fuzz_os.h"
#include "fuzz_tape.h"
#include "../../sim/spec_wire.h"
#include "../../sim/virtio/vdev.h"

#define DEV_MAX_CHAIN   72       /* buffers in one chain: 3 for 2D, SUBMIT_3D 2 + its stream segments */
#define DEV_MAX_PENDING 1024
#define DEV_MAX_RES     64
#define DEV_SCANOUTS    16
#define DEV_MAX_CTX     16
#define DEV_MAX_ATTACH  64
#define DEV_MAX_CAPSETS 2
#define DEV_CAPSET_MAX  65536u   /* the largest capset the response buffer holds */

/* A chain taken off the available ring (sim/virtio/vdev_ring.c) and not yet completed. */
struct dev_elem {
    struct vdev_elem chain;
    uint32_t written;               /* response bytes, the used length an honest device reports */
    int delay;                      /* ticks until completion; -1: never (until reset) */
    bool lose_irq;
};

struct dev_pending {
    struct dev_elem *elem[DEV_MAX_PENDING];
    unsigned n;
};

struct dev_display { uint32_t w, h; bool enabled; };
struct dev_res { uint32_t id, w, h; bool backed, unref_seen, is3d; };
struct dev_ctx { uint32_t id; bool destroy_seen; };
struct dev_attach { uint32_t ctx, res; };
struct dev_capset { uint32_t id, max_version, max_size; };

struct dev_quirks {
    unsigned reset_reads;           /* status reads before a reset shows 0 (255: never) */
    bool needs_reset_at_ok;         /* NEEDS_RESET as soon as DRIVER_OK is written */
    bool refuse_vectors;            /* every MSI-X vector reads back as NO_VECTOR */
    unsigned cfggen_unstable;       /* config_generation moves on this many reads */
    bool events_stuck;              /* events_clear is ignored */
};

struct dev {
    unsigned script;
    bool deviated, lied;
    struct vdev vd;                 /* registers and rings: sim/virtio/ */
    uint8_t pci[VDEV_PCI_CFG_SIZE];
    uint64_t bar_size[6];
    unsigned reset_reads_left;
    uint16_t nvec;                  /* MSI-X table size */
    struct dev_quirks quirk;
    uint32_t num_scanouts, events;
    struct dev_display disp[DEV_SCANOUTS];
    struct dev_pending pending[VDEV_NUM_QUEUES];
    struct dev_res res[DEV_MAX_RES];
    unsigned nres;
    uint32_t scanout_res[DEV_SCANOUTS];
    uint32_t num_capsets;
    struct dev_capset capset[DEV_MAX_CAPSETS];
    struct dev_ctx ctx[DEV_MAX_CTX];
    unsigned nctx;
    struct dev_attach attached[DEV_MAX_ATTACH];
    unsigned nattached;
    struct dev_cursor_update cursor;   /* the last UPDATE_CURSOR, as this device decoded it */
};

extern struct dev dev;

/* dev_pci.c */
void dev_pci_init(void);
bool dev_has(unsigned script);

/* dev_transport.c */
void dev_transport_init(void);

/* dev_ring.c */
void ring_kick(unsigned q);
void ring_reset(void);

/* dev_gpu.c: run a control command, write its response; returns the used length */
uint32_t gpu_control(struct dev_elem *e);
void gpu_cursor(struct dev_elem *e);

/* dev_res.c: honest semantics of the 2D commands; return the response type */
void     res_reset(void);
uint32_t res_command(struct dev_elem *e, uint32_t type, bool perform);
void     res_cursor(struct dev_elem *e);
void     res_driver_bug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dev_caps3d.c: VIRGL, the capset table (FZ_SCRIPT_3D) and the capset responses */
void   caps3d_init(void);
size_t caps3d_info(const struct dev_elem *e, struct spec_gpu_resp_capset_info *r);
const struct dev_capset *caps3d_find(const struct dev_elem *e);
size_t caps3d_bytes(const struct dev_elem *e, uint8_t *data);   /* bytes after the header */
void   caps3d_custom_info(struct spec_gpu_resp_capset_info *r);

/* dev_res3d.c: honest semantics of the 3D commands, the contexts and attachments kept */
bool     res3d_is_3d(uint32_t type);
uint32_t res3d_command(const struct dev_elem *e, uint32_t type, bool perform);
void     res3d_forget(uint32_t res_id);   /* an UNREF performed: attachments go with it */
void     res3d_reset(void);
struct dev_res *res_find(uint32_t id);
bool     res_room(void);
void     res_add(uint32_t id, uint32_t w, uint32_t h, bool is3d);
void     res_read_req(const struct dev_elem *e, void *req, size_t size, uint32_t type);

#endif /* DEV_INTERNAL_H */
