/*
 * fuzz_os.h — the fuzz host: every vgpu_os_* function of core/vgpu_os.h, with the scripted device
 * (fuzz_dev.h) behind the bus accessors.
 *
 * One input is one life of the host: fz_host_begin() starts clean, fz_host_end() aborts if the core
 * left anything behind (a heap block, a DMA block, a held lock).  Device addresses are fake
 * (from FZ_DMA_BASE, with unmapped gaps), never host pointers; the device reaches memory only
 * through fz_map().  Time is virtual: a wait lets the device progress one tick and delivers its
 * interrupts, or jumps straight to the deadline, so every timeout costs nothing.
 *
 * Anything the core does wrong is a finding: fz_finding() prints it and aborts, which libFuzzer
 * records as a crash with the input that caused it.
 */
#ifndef FUZZ_OS_H
#define FUZZ_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/gpu/vgpu.h"
#include "../../core/vgpu_os.h"

#define FZ_DMA_BASE      0x200000000ull
#define FZ_FB_MAX_SEGS   8
#define FZ_WAIT_STEP_NS  10000u       /* what a wait costs when the device did something */

__attribute__((noreturn, format(printf, 1, 2))) void fz_finding(const char *fmt, ...);
/* A line on stderr when FUZZ_LOG is set (with the core's log): what the session did. */
__attribute__((format(printf, 1, 2))) void fz_trace(const char *fmt, ...);

void  fz_host_begin(void);
void  fz_host_end(void);
void *fz_os(void);

/* ---- memory: accounting, failure injection, the device address space ---- */
struct fz_mem_stats { size_t live_allocs, live_dma; uint64_t attempts, failed; };
void  fz_mem_stats(struct fz_mem_stats *out);
void  fz_fail_alloc_at(uint32_t n);              /* fail the n-th attempt from now (0: none) */
void *fz_map(uint64_t addr, uint64_t len);       /* NULL unless every byte is mapped */
void  fz_mem_reset(void);
void  fz_mem_check_clean(void);

/* A caller-owned framebuffer in 1..FZ_FB_MAX_SEGS scattered segments, filled with `seed`. */
struct fz_fb {
    struct vgpu_framebuffer fb;
    struct vgpu_dma_seg segs[FZ_FB_MAX_SEGS];
    uint8_t *cpu[FZ_FB_MAX_SEGS];
};
struct fz_fb *fz_fb_new(uint32_t width, uint32_t height, unsigned nsegs, uint8_t seed);
void fz_fb_free(struct fz_fb *fb);

/* ---- time, interrupts, events ---- */
uint64_t fz_now(void);
/* The host's interrupt handler: mode and the device it serves (NULL while vgpu_open runs). */
void fz_irq_setup(enum vgpu_irq_mode mode, struct vgpu_dev *dev);
/* Also deliver pending interrupts whenever the core drops its lock (an interrupt "between" steps). */
void fz_irq_async(bool on);
bool fz_irq_deliver(void);
unsigned fz_events(enum vgpu_os_event ev);
void fz_events_clear(void);

#endif /* FUZZ_OS_H */
