/*
 * benchcmd.c — `bench`: N updates drawn by the "OS" (solid fills through the CPU mapping) and
 * submitted the naive way (whole frame), through the refresh engine's scan, or as damage the OS
 * names itself; `idle`: an idle desktop.  Timed with the guest clock.  Every sleep halts until
 * the LAPIC timer or an interrupt (vgpu_os_wait); nothing busy-waits.
 */
#include "benchcmd.h"

#include "clock.h"
#include "libc.h"
#include "refresh/refresh.h"
#include "vgpu_os.h"

#define MAX_UPDATES     1000000u
#define MAX_HZ          1000u
#define MAX_IDLE_MS     600000u
#define NAIVE_PERIOD_NS 16666667ull     /* the naive driver refreshes everything at 60 Hz */

enum bench_mode { MODE_NAIVE, MODE_REFRESH, MODE_DAMAGE, MODE_NONE, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = { "naive", "refresh", "damage", "none" };
#define BENCH_MODES (1u << MODE_NAIVE | 1u << MODE_REFRESH | 1u << MODE_DAMAGE | 1u << MODE_NONE)
#define IDLE_MODES  (1u << MODE_NAIVE | 1u << MODE_REFRESH)

/* Scanout i's engine: made by the first bench/idle on a framebuffer, dropped with it. */
static struct vgpu_refresh engines[VGPU_MAX_SCANOUTS];
static bool engine_live[VGPU_MAX_SCANOUTS];

struct run {
    struct session *s;
    unsigned scanout;
    enum bench_mode mode;
    struct vgpu_refresh *engine;     /* NULL for naive and none */
    struct vgpu_rect rect, whole;
    uint64_t busy;                   /* VGPU_E_BUSY returns */
    uint64_t rects, pixels;          /* queued by naive submissions (the engine counts its own) */
};

void benchcmd_drop(unsigned scanout)
{
    if (scanout < VGPU_MAX_SCANOUTS && engine_live[scanout]) {
        vgpu_refresh_fini(&engines[scanout]);
        engine_live[scanout] = false;
    }
}

static bool parse_mode(struct session *s, const char *arg, unsigned allowed, enum bench_mode *out)
{
    for (unsigned m = 0; m < MODE_COUNT; m++)
        if (allowed >> m & 1 && strlen(arg) == strlen(mode_names[m]) &&
            !strncmp(arg, mode_names[m], strlen(arg))) {
            *out = (enum bench_mode)m;
            return true;
        }
    session_fail(s, VGPU_E_INVAL, "'%s' is not a mode of this command", arg);
    return false;
}

static bool in_range(struct session *s, const char *what, uint32_t v, uint32_t lo, uint32_t hi)
{
    if (v >= lo && v <= hi)
        return true;
    session_fail(s, VGPU_E_INVAL, "%s %u not in %u..%u", what, v, lo, hi);
    return false;
}

/* Scanout argument and the framebuffer it must have; sets up r->s, scanout and whole. */
static bool scanout_with_fb(struct session *s, char *arg, struct run *r)
{
    uint32_t so;
    if (!session_numbers(s, &arg, 1, &so) || !in_range(s, "scanout", so, 0, VGPU_MAX_SCANOUTS - 1))
        return false;
    const struct guest_fb *fb = &s->fb[so];
    if (!fb->pixels || !fb->width || !fb->height) {
        session_fail(s, VGPU_E_INVAL, "scanout %u has no framebuffer (send mode first)", so);
        return false;
    }
    *r = (struct run){ .s = s, .scanout = so, .whole = { 0, 0, fb->width, fb->height } };
    return true;
}

static uint32_t colour(uint32_t i)
{
    return (i & 0xFFu) << 16 | (i >> 8 & 0xFFu) << 8 | 0x80u;
}

static void fill_solid(const struct guest_fb *fb, const struct vgpu_rect *rect, uint32_t value)
{
    for (uint32_t y = rect->y; y < rect->y + rect->height; y++) {
        uint32_t *row = fb->pixels + (size_t)y * fb->width + rect->x;
        for (uint32_t x = 0; x < rect->width; x++)
            row[x] = value;
    }
}

static void sleep_until(struct session *s, uint64_t at)
{
    while (clock_now_ns() < at)
        vgpu_os_wait(s->gpu, at);
}

/* One submission of the current frame; a retry after VGPU_E_BUSY ticks (the engine kept the
 * damage, so naming it again is not needed). */
static int submit(struct run *r, bool retry)
{
    struct vgpu_dev *dev = r->s->gpu->dev;
    switch (r->mode) {
    case MODE_NAIVE:
        return vgpu_flush_rects_async(dev, r->scanout, &r->whole, 1);
    case MODE_DAMAGE:
        if (!retry)
            return vgpu_refresh_damage(r->engine, &r->rect, 1, clock_now_ns());
        return vgpu_refresh_tick(r->engine, clock_now_ns());
    case MODE_REFRESH:
        return vgpu_refresh_tick(r->engine, clock_now_ns());
    default:
        return VGPU_OK;
    }
}

/*
 * Submit; while the ring is full, count it, wait until the device is idle and submit again.
 * A batch refused by an idle device would be refused forever: that is an error, not a loop.
 */
static int submit_with_backpressure(struct run *r)
{
    int st = submit(r, false);
    for (bool drained = false; st == VGPU_E_BUSY; drained = true) {
        r->busy++;
        if (drained)
            return session_fail(r->s, st, "the idle device still refuses the batch");
        st = vgpu_wait_idle(r->s->gpu->dev);
        if (st == VGPU_OK)
            st = submit(r, true);
    }
    if (st == VGPU_OK && r->mode == MODE_NAIVE) {
        r->rects++;
        r->pixels += (uint64_t)r->whole.width * r->whole.height;
    }
    return st;
}

/* Scanout r->scanout's engine, made now if it has none; a new engine's first tick sends the
 * whole frame (counted in no run). */
static int engine_for(struct run *r)
{
    struct guest_fb *fb = &r->s->fb[r->scanout];
    r->engine = &engines[r->scanout];
    if (engine_live[r->scanout])
        return VGPU_OK;
    int st = vgpu_refresh_init(r->engine, r->s->gpu, r->s->gpu->dev, r->scanout, fb->pixels,
                               fb->width, fb->height, clock_now_ns());
    if (st != VGPU_OK)
        return session_fail(r->s, st, "refresh engine for %ux%u", fb->width, fb->height);
    engine_live[r->scanout] = true;
    struct run first = { .s = r->s, .scanout = r->scanout, .mode = MODE_REFRESH,
                         .engine = r->engine };
    st = submit_with_backpressure(&first);
    return st == VGPU_OK ? vgpu_wait_idle(r->s->gpu->dev) : st;
}

/* The engine's counters (all 0 for modes without one), to report their growth over a run. */
static struct vgpu_refresh_stats engine_stats(const struct run *r)
{
    return r->engine ? r->engine->stats : (struct vgpu_refresh_stats){ 0 };
}

static int parse_bench(struct session *s, unsigned argc, char **argv, struct run *r,
                       uint32_t *n, uint32_t *hz)
{
    uint32_t v[5];
    if (!scanout_with_fb(s, argv[0], r) ||
        !parse_mode(s, argv[1], BENCH_MODES, &r->mode) ||
        !session_numbers(s, argv + 2, 5, v) || !in_range(s, "N", v[0], 1, MAX_UPDATES))
        return VGPU_E_INVAL;
    *hz = 0;
    if (argc == 8 && (!session_numbers(s, argv + 7, 1, hz) || !in_range(s, "HZ", *hz, 1, MAX_HZ)))
        return VGPU_E_INVAL;
    *n = v[0];
    r->rect = (struct vgpu_rect){ v[1], v[2], v[3], v[4] };
    if (!r->rect.width || !r->rect.height ||
        (uint64_t)r->rect.x + r->rect.width > r->whole.width ||
        (uint64_t)r->rect.y + r->rect.height > r->whole.height)
        return session_fail(s, VGPU_E_INVAL, "rectangle %ux%u+%u+%u not inside the %ux%u frame",
                            r->rect.width, r->rect.height, r->rect.x, r->rect.y,
                            r->whole.width, r->whole.height);
    return VGPU_OK;
}

/* The N updates of a `bench` command: pace, draw colour(i), submit; then wait for the device. */
static int run_updates(struct run *r, uint32_t n, uint32_t hz, uint64_t *ns)
{
    const struct guest_fb *fb = &r->s->fb[r->scanout];
    uint64_t start = clock_now_ns();
    for (uint32_t i = 1; i <= n; i++) {
        if (hz)
            sleep_until(r->s, start + (uint64_t)(i - 1) * 1000000000ull / hz);
        fill_solid(fb, &r->rect, colour(i));
        int st = submit_with_backpressure(r);
        if (st != VGPU_OK)
            return st;
    }
    int st = vgpu_wait_idle(r->s->gpu->dev);
    *ns = clock_now_ns() - start;
    return st;
}

int benchcmd_bench(struct session *s, unsigned argc, char **argv)
{
    struct run r;
    uint32_t n, hz;
    uint64_t ns;
    int st = parse_bench(s, argc, argv, &r, &n, &hz);
    if (st == VGPU_OK && (r.mode == MODE_REFRESH || r.mode == MODE_DAMAGE))
        st = engine_for(&r);
    if (st != VGPU_OK)
        return st;
    struct vgpu_refresh_stats before = engine_stats(&r);
    st = run_updates(&r, n, hz, &ns);
    if (st != VGPU_OK)
        return st;
    struct vgpu_refresh_stats after = engine_stats(&r);
    if (r.engine) {
        r.rects = after.rects - before.rects;
        r.pixels = after.pixels - before.pixels;
    }
    session_say(s, "n=%u ns=%lu busy=%lu rects=%lu pixels=%lu scans=%lu", n, ns, r.busy, r.rects,
                r.pixels, after.scans - before.scans);
    return VGPU_OK;
}

/* One idle tick: the engine's (scan or probe), or the naive driver's whole-frame refresh. */
static int idle_tick(struct run *r, uint64_t *tick_ns)
{
    uint64_t t0 = clock_now_ns();
    int st = r->engine ? vgpu_refresh_tick(r->engine, t0)
                       : vgpu_flush_rects_async(r->s->gpu->dev, r->scanout, &r->whole, 1);
    *tick_ns += clock_now_ns() - t0;
    if (st == VGPU_E_BUSY)
        r->busy++;
    return st == VGPU_E_BUSY ? VGPU_OK : st;
}

static int run_idle(struct run *r, uint32_t ms, uint64_t *ticks, uint64_t *tick_ns)
{
    uint64_t start = clock_now_ns(), end = start + (uint64_t)ms * 1000000u;
    while (clock_now_ns() < end) {
        int st = idle_tick(r, tick_ns);
        if (st != VGPU_OK)
            return st;
        ++*ticks;
        uint64_t next = r->engine ? vgpu_refresh_deadline(r->engine)
                                  : start + *ticks * NAIVE_PERIOD_NS;
        sleep_until(r->s, next < end ? next : end);
    }
    return vgpu_wait_idle(r->s->gpu->dev);
}

int benchcmd_idle(struct session *s, unsigned argc, char **argv)
{
    struct run r;
    uint32_t ms;
    uint64_t ticks = 0, tick_ns = 0;
    (void)argc;
    if (!scanout_with_fb(s, argv[0], &r) || !session_numbers(s, argv + 1, 1, &ms) ||
        !in_range(s, "MS", ms, 1, MAX_IDLE_MS) ||
        !parse_mode(s, argv[2], IDLE_MODES, &r.mode))
        return VGPU_E_INVAL;
    int st = r.mode == MODE_REFRESH ? engine_for(&r) : VGPU_OK;
    if (st != VGPU_OK)
        return st;
    struct vgpu_refresh_stats before = engine_stats(&r);
    st = run_idle(&r, ms, &ticks, &tick_ns);
    if (st != VGPU_OK)
        return st;
    struct vgpu_refresh_stats after = engine_stats(&r);
    session_say(s, "ticks=%lu probes=%lu scans=%lu busy=%lu tick_ns=%lu", ticks,
                after.probes - before.probes, after.scans - before.scans, r.busy, tick_ns);
    return VGPU_OK;
}
