/*
 * host_internal.h — the test platform's shared state (host_os.c, host_mem.c, host_fb.c).
 */
#ifndef HOST_INTERNAL_H
#define HOST_INTERNAL_H

#include "host_os.h"

#define HOST_MAX_DEVS 4
#define HOST_MSG 200

enum region_kind { REGION_DMA, REGION_FB };

/* A range of device address space and the host memory behind it. */
struct region {
    uint64_t addr, len;
    uint8_t *cpu;
    enum region_kind kind;
};

struct alloc_rec {
    void *ptr;
    size_t size;
};

struct host {
    uint64_t now;
    uint64_t next_addr;

    struct region *regions;        /* sorted by addr */
    size_t nregions, cap_regions;

    struct alloc_rec *allocs;
    size_t nallocs, cap_allocs;
    size_t live_dma;
    struct host_mem_stats mem;
    uint64_t fail_at;              /* absolute attempt number to fail, 0 = none */
    bool fail_all;

    unsigned violations;
    char last_violation[HOST_MSG];

    char **log;
    size_t nlog, cap_log;

    struct host_dev *devs[HOST_MAX_DEVS];
};

struct host_dev {
    struct host *host;
    struct sim *sim;
    struct vgpu_dev *dev;          /* set once vgpu_open() returned */
    enum vgpu_irq_mode irq_mode;
    int lock_depth;
    bool woken;
    bool run_in_wait;
    uint64_t latency_ns;
    uint64_t pending_since;
    bool was_pending;
    uint64_t irqs, spurious, waits;
    unsigned events[3];
    void (*on_wait)(struct host_dev *, void *);
    void *on_wait_ctx;
};

void host_violation(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Register host memory at a fresh device address (with a guard gap after it). */
uint64_t host_region_add(struct host *h, uint8_t *cpu, uint64_t len, enum region_kind kind);
void host_region_remove(struct host *h, uint64_t addr);
/* Accounting: true when this attempt must fail (failure injection). */
bool host_attempt_fails(struct host *h);
unsigned host_check_leaks(struct host *h);

#endif /* HOST_INTERNAL_H */
