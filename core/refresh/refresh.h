/*
 * refresh.h — the display refresh engine for a framebuffer the OS draws into without telling us.
 *
 * The host calls vgpu_refresh_tick() from a timer; the engine finds what changed (core/refresh/damage.h),
 * queues it to the device with vgpu_flush_rects_async() (fenced, one notification per batch, no
 * waiting for the host), and says when the next tick is due: 60 Hz while the screen changes,
 * backing off to 10 Hz when it has been still for a while, and back to 60 Hz on the first change.
 * When the ring is full (VGPU_E_BUSY) the damage stays marked and goes out on a later tick.
 *
 * One engine per scanout and framebuffer: after a mode set, vgpu_refresh_fini the old engine and
 * vgpu_refresh_init a new one on the new framebuffer.  Calls into one engine are serialised by the
 * caller, like every call into the core (core/gpu/vgpu.h).
 *
 * Idle cost: an idle tick compares one framebuffer row in 8 (1 in 16 from 2160 rows up, see
 * vgpu_refresh_probe_stride) against the shadow, a different set each tick, so every row is
 * looked at within 8 (16) idle ticks.  Measured by `make bench` on the 2-core Xeon test host with
 * the frame gone cold from the caches: a probe of 1920x1080 costs 0.19 ms, so 10 a second are
 * 0.19% of one core (a full scan at 5 Hz would be 0.55%); 3840x2160: 0.39 ms, 0.39% (full scan at
 * 5 Hz: 2.4%).  A change at least 8 (16) rows tall shows on the next idle tick (<= 100 ms), any
 * change within 0.8 s (1.6 s).
 */
#ifndef VGPU_REFRESH_H
#define VGPU_REFRESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpu/vgpu.h"
#include "refresh/damage.h"

/* ---- Adaptive refresh rate: a pure state machine over (changed?, clock) ---- */
#define VGPU_REFRESH_ACTIVE_NS     16666667ull   /* 60 Hz while the screen changes */
#define VGPU_REFRESH_IDLE_NS      100000000ull   /* 10 Hz floor once the screen is still */
#define VGPU_REFRESH_IDLE_AFTER_NS 500000000ull  /* still this long before backing off */
#define VGPU_REFRESH_PROBE_STRIDE  8u            /* idle ticks compare every 8th row ... */
#define VGPU_REFRESH_PROBE_ROWS    1080u         /* ... per 1080 rows of height */

struct vgpu_refresh_rate {
    uint64_t last_change_ns;  /* clock of the last tick that saw a change (or of init/kick) */
    uint64_t interval_ns;     /* the interval returned last; ACTIVE..IDLE */
};

void vgpu_refresh_rate_init(struct vgpu_refresh_rate *rate, uint64_t now_ns);
/*
 * Record one tick's outcome and return the interval to the next tick:
 * changed, or unchanged for less than IDLE_AFTER  -> ACTIVE (60 Hz);
 * otherwise the interval doubles on every tick until it reaches IDLE
 * (33 ms, 67 ms, 100 ms: the floor is reached about 0.62 s after the last change).
 */
uint64_t vgpu_refresh_rate_next(struct vgpu_refresh_rate *rate, bool changed, uint64_t now_ns);
/* True once the floor is reached: ticks may then probe instead of scanning everything. */
bool vgpu_refresh_rate_idle(const struct vgpu_refresh_rate *rate);
/* Rows between two probed rows for a frame `height` rows high: 8, times height / 1080 rounded
 * down.  UI elements grow with HiDPI scaling, so what one row in 8 catches at 1080p one in 16
 * catches at 2160p, for about the same cost per tick. */
uint32_t vgpu_refresh_probe_stride(uint32_t height);

/* ---- The engine for one scanout ---- */
struct vgpu_refresh_stats {
    uint64_t ticks;    /* vgpu_refresh_tick calls */
    uint64_t probes;   /* idle ticks that compared a subset of rows */
    uint64_t scans;    /* full scans */
    uint64_t batches;  /* vgpu_flush_rects_async calls that succeeded */
    uint64_t rects;    /* rectangles in those batches */
    uint64_t pixels;   /* pixels in those rectangles */
    uint64_t full;     /* batches sent as one full-frame rectangle */
    uint64_t busy;     /* batches refused with VGPU_E_BUSY (damage kept) */
    uint64_t errors;   /* batches refused with another status (damage kept) */
};

struct vgpu_refresh {
    struct vgpu_dev *dev;
    unsigned scanout;
    const uint32_t *fb;              /* CPU view of the scanout's framebuffer, rows packed */
    struct vgpu_damage damage;       /* shadow + dirty tiles of fb */
    struct vgpu_refresh_rate rate;
    uint32_t probe_stride;           /* vgpu_refresh_probe_stride(height) */
    uint32_t probe_phase;            /* which row of each probe_stride the next probe compares */
    uint64_t deadline_ns;            /* when the next tick is due */
    struct vgpu_refresh_stats stats;
};

/* Start refreshing a scanout whose mode is set on fb (width x height).  The whole frame starts
 * out dirty, so the first tick sends it once whatever happened before. */
int  vgpu_refresh_init(struct vgpu_refresh *r, void *os, struct vgpu_dev *dev, unsigned scanout,
                       const uint32_t *fb, uint32_t width, uint32_t height, uint64_t now_ns);
void vgpu_refresh_fini(struct vgpu_refresh *r);

/* One tick: find damage (a probe while idle, else a scan) and queue it.  Returns VGPU_OK, or the
 * status of vgpu_flush_rects_async (VGPU_E_BUSY etc.), in which case the damage is kept. */
int  vgpu_refresh_tick(struct vgpu_refresh *r, uint64_t now_ns);

/* The same tick in two halves, for hosts that must not hold their device lock during the scan:
 * vgpu_refresh_scan reads only the framebuffer and the engine (no device access) and says whether
 * anything changed; vgpu_refresh_submit queues what was found and schedules the next tick.  Both
 * are serialised with every other call into this engine; only submit needs the device's turn. */
bool vgpu_refresh_scan(struct vgpu_refresh *r);
int  vgpu_refresh_submit(struct vgpu_refresh *r, bool changed, uint64_t now_ns);
/* Damage the OS knows about (a blit it did, a cursor it drew): queue it now without a scan and go
 * back to 60 Hz.  Rectangles are clipped to the frame.  Returns as vgpu_refresh_tick. */
int  vgpu_refresh_damage(struct vgpu_refresh *r, const struct vgpu_rect *rects, size_t n,
                         uint64_t now_ns);

/* When the host's timer should call vgpu_refresh_tick next (monotonic ns). */
static inline uint64_t vgpu_refresh_deadline(const struct vgpu_refresh *r)
{
    return r->deadline_ns;
}

#endif /* VGPU_REFRESH_H */
