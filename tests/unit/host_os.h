/*
 * host_os.h — the unit-test platform: every vgpu_os_* function of core/vgpu_os.h, on top of the
 * software device in sim/.
 *
 * One `struct host` per test holds what the devices share: a virtual clock, the fake device
 * address space, allocation accounting with failure injection, the log and the event record.
 * Each `struct host_dev` is one device and is the `os` pointer the core receives.
 *
 * Device addresses start at 0x1_0000_0000 and never equal host pointers; the sim reaches memory
 * only through host_map().  Time is virtual: vgpu_os_wait() lets the device progress, delivers
 * its interrupts to the core, and jumps the clock straight to the deadline when nothing can
 * happen, so timeouts cost no real time.
 */
#ifndef HOST_OS_H
#define HOST_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/gpu/vgpu.h"
#include "../../core/vgpu_os.h"
#include "../../sim/sim.h"

#define HOST_DMA_BASE   0x100000000ull
#define HOST_PAGE       4096u
#define HOST_WAIT_STEP_NS 1000u   /* time a wait costs when something happened */

struct host;
struct host_dev;

struct host *host_new(void);
/* Frees the host; returns the number of problems (leaks, contract violations) it reports. */
unsigned host_free(struct host *h);
/* Problems found so far (leaked blocks are only counted by host_free). */
unsigned host_violations(const struct host *h);
const char *host_last_violation(const struct host *h);

/* ---- Devices ---- */
struct host_dev *host_dev_new(struct host *h, const struct sim_config *cfg);
void host_dev_free(struct host_dev *d);     /* closes the core's device if still open */
struct sim *host_sim(struct host_dev *d);
struct vgpu_dev *host_vgpu(struct host_dev *d);
/* Configure interrupts like the OS would (MSI-X enable) and call vgpu_open(). */
int  host_dev_open(struct host_dev *d, enum vgpu_irq_mode mode, uint16_t msix_vectors);
int  host_dev_open_params(struct host_dev *d, const struct vgpu_params *params);
void host_dev_close(struct host_dev *d);
/* Deferred device: work runs only in wait() after `latency_ns` (auto) or in sim_run(). */
void host_dev_device_latency(struct host_dev *d, bool run_in_wait, uint64_t latency_ns);
/* Let the device run and deliver pending interrupts now (outside any core call). */
bool host_dev_pump(struct host_dev *d);
uint64_t host_dev_irqs_delivered(const struct host_dev *d);
uint64_t host_dev_spurious_intx(const struct host_dev *d);
unsigned host_dev_events(const struct host_dev *d, enum vgpu_os_event ev);
uint64_t host_dev_waits(const struct host_dev *d);
/* Called at the start of every wait (tests use it to act "while the core waits"). */
void host_dev_on_wait(struct host_dev *d, void (*fn)(struct host_dev *, void *), void *ctx);

/* ---- Clock ---- */
uint64_t host_now(const struct host *h);
void host_advance(struct host *h, uint64_t ns);

/* ---- Allocation accounting and failure injection ---- */
struct host_mem_stats {
    size_t   live_allocs, live_dma;      /* blocks not yet returned */
    uint64_t alloc_calls, dma_calls;     /* attempts, including failed ones */
    uint64_t failed;                     /* attempts failed on purpose */
};
void host_mem_stats(const struct host *h, struct host_mem_stats *out);
/* Fail the n-th allocation attempt from now on (zalloc and dma_alloc counted together, 1-based). */
void host_fail_nth_alloc(struct host *h, uint64_t n);
/* Fail every allocation attempt from now on (until host_fail_nth_alloc(h, 0)). */
void host_fail_all_allocs(struct host *h, bool on);

/* ---- Device address space ---- */
void *host_map(void *host, uint64_t addr, uint64_t len);   /* the sim's map callback */

/* ---- Framebuffers: caller-owned memory as scattered segments ---- */
struct host_fb {
    struct vgpu_framebuffer fb;       /* what the core gets */
    uint32_t nsegs;
    struct vgpu_dma_seg *segs;
    uint8_t **cpu;                    /* each segment's CPU view */
    uint64_t *start;                  /* framebuffer offset of each segment */
};
/* Segments are 1..max_pages pages long (seeded), addresses shuffled with gaps between them. */
struct host_fb *host_fb_new(struct host *h, uint32_t width, uint32_t height, uint32_t max_pages,
                            uint32_t seed);
void host_fb_free(struct host *h, struct host_fb *fb);
void host_fb_put(struct host_fb *fb, uint32_t x, uint32_t y, uint32_t px);
uint32_t host_fb_get(const struct host_fb *fb, uint32_t x, uint32_t y);
/* Copy a packed width*height image into the segments. */
void host_fb_load(struct host_fb *fb, const uint32_t *image);

/* ---- Log ---- */
bool host_log_contains(const struct host *h, const char *needle);
void host_log_dump(const struct host *h);
size_t host_log_lines(const struct host *h);

#endif /* HOST_OS_H */
