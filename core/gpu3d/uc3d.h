/*
 * uc3d.h — the per-client bookkeeping of a 3D user client, shared by every front end that lets an
 * untrusted program reach core/gpu3d/vgpu3d.h: the macOS kext's IOUserClient (macos/VirtioGPUUserClient*)
 * and the test guest's vtest server (guest/vtestsrv.c).  Portable C11, no OS calls.
 *
 * A client may only name the contexts and resources it created (the tables below), within fixed
 * limits; every argument is checked here before the core sees it.  The device's reset count (the
 * epoch) is remembered: after a reset every id the client held is gone, and the first call that
 * notices drops them all and, if there were any, tells the program (VGPU_E_STALE).
 *
 * The front end owns the memory behind a resource (a DMA block, guest pages); the table keeps only
 * an opaque pointer to it, handed back when the resource goes (uc3d_drop_fn).
 */
#ifndef UC3D_H
#define UC3D_H

#include <stdbool.h>
#include <stdint.h>

#include "gpu3d/vgpu3d.h"

#define UC3D_MAX_CONTEXTS    16u           /* per client */
#define UC3D_MAX_RESOURCES   256u          /* per client */
#define UC3D_MAX_BACKING     (256u << 20)  /* one resource's backing, bytes */
#define UC3D_MAX_WAIT_MS     10000u        /* one fence wait; draining at close */
#define UC3D_SUBMIT_FENCED   1u            /* submit flag */
#define UC3D_TO_HOST         1u            /* transfer directions */
#define UC3D_FROM_HOST       2u

/* A call from an older epoch whose client held objects: they are gone, the call did not run. */
#define UC3D_STALE           (-100)

struct uc3d_res {
    uint32_t id;                 /* 0: slot free */
    uint64_t backing_bytes;      /* what the front end charged for it */
    void    *backing;            /* the front end's record of the memory, NULL: none */
};

struct uc3d_client {
    uint32_t epoch;              /* the device reset count our ids belong to */
    uint32_t ctx[UC3D_MAX_CONTEXTS];      /* ids this client created, 0: free */
    struct uc3d_res res[UC3D_MAX_RESOURCES];
};

void uc3d_init(struct uc3d_client *c, uint32_t epoch);

/* ---- ownership ---- */
bool uc3d_owns_ctx(const struct uc3d_client *c, uint32_t ctx);
struct uc3d_res *uc3d_find_res(struct uc3d_client *c, uint32_t res);
bool uc3d_holds_objects(const struct uc3d_client *c);
/* A free context / resource slot, or -1 (VGPU_E_NOMEM for the caller: the client's limit). */
int  uc3d_free_ctx_slot(const struct uc3d_client *c);
int  uc3d_free_res_slot(const struct uc3d_client *c);
void uc3d_forget_ctx(struct uc3d_client *c, uint32_t ctx);
uint32_t uc3d_live_contexts(const struct uc3d_client *c);
uint32_t uc3d_live_resources(const struct uc3d_client *c);
uint64_t uc3d_backing_bytes(const struct uc3d_client *c);

/*
 * The memory of a resource slot goes back to the front end.  device_done false: the device may
 * still write it (an unanswered release), so the front end must keep it until a reset.
 */
typedef void (*uc3d_drop_fn)(void *arg, struct uc3d_res *r, bool device_done);
void uc3d_drop_res(struct uc3d_res *r, bool device_done, uc3d_drop_fn drop, void *arg);

/* A release the device answered, never saw, or that a reset overtook: it holds none of our memory. */
bool uc3d_settled(int status);

/*
 * The device was reset since c->epoch (the core said so): every id is gone, every backing free.
 * Returns true when the client held something (the caller answers UC3D_STALE and does not rerun
 * the call), false when it held nothing (the call may run again in the new epoch).
 */
bool uc3d_reset_seen(struct uc3d_client *c, uint32_t new_epoch, uc3d_drop_fn drop, void *arg);

/* ---- argument checks (VGPU_OK or VGPU_E_INVAL), before anything reaches the core ---- */
/* [offset, offset + size) of a command buffer of cmd_bytes; size 4.., multiples of 4; flags. */
int uc3d_check_submit(uint64_t cmd_bytes, uint64_t offset, uint64_t size, uint64_t flags);
int uc3d_check_transfer(const struct uc3d_client *c, uint32_t ctx, uint32_t res, uint32_t direction,
                        uint32_t fenced, uint32_t pad);
int uc3d_check_wait(const struct uc3d_client *c, uint32_t ctx, uint64_t timeout_ms);
int uc3d_check_backing(uint64_t bytes);
int uc3d_check_name_len(uint64_t len);

#endif /* UC3D_H */
