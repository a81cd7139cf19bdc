/*
 * refresh.c — adaptive refresh rate and the per-tick damage -> device pipeline (see refresh.h).
 */
#include "refresh/refresh.h"

/* ---- Adaptive rate ---- */

void vgpu_refresh_rate_init(struct vgpu_refresh_rate *rate, uint64_t now_ns)
{
    rate->last_change_ns = now_ns;
    rate->interval_ns = VGPU_REFRESH_ACTIVE_NS;
}

uint64_t vgpu_refresh_rate_next(struct vgpu_refresh_rate *rate, bool changed, uint64_t now_ns)
{
    /* A clock behind the last change (a host bug) counts as "just changed": stay responsive. */
    bool recent = now_ns < rate->last_change_ns ||
                  now_ns - rate->last_change_ns < VGPU_REFRESH_IDLE_AFTER_NS;

    if (changed)
        rate->last_change_ns = now_ns;
    if (changed || recent)
        rate->interval_ns = VGPU_REFRESH_ACTIVE_NS;
    else if (rate->interval_ns < VGPU_REFRESH_IDLE_NS / 2)
        rate->interval_ns *= 2;
    else
        rate->interval_ns = VGPU_REFRESH_IDLE_NS;
    return rate->interval_ns;
}

bool vgpu_refresh_rate_idle(const struct vgpu_refresh_rate *rate)
{
    return rate->interval_ns >= VGPU_REFRESH_IDLE_NS;
}

uint32_t vgpu_refresh_probe_stride(uint32_t height)
{
    uint32_t scale = height / VGPU_REFRESH_PROBE_ROWS;

    return VGPU_REFRESH_PROBE_STRIDE * (scale > 1 ? scale : 1);
}

/* ---- Pipeline ---- */

int vgpu_refresh_init(struct vgpu_refresh *r, void *os, struct vgpu_dev *dev, unsigned scanout,
                      const uint32_t *fb, uint32_t width, uint32_t height, uint64_t now_ns)
{
    struct vgpu_rect whole = { 0, 0, width, height };
    int rc;

    *r = (struct vgpu_refresh){ .dev = dev, .scanout = scanout, .fb = fb };
    if (dev == NULL || fb == NULL)
        return VGPU_E_INVAL;
    rc = vgpu_damage_init(&r->damage, os, width, height, VGPU_DAMAGE_TILE_W, VGPU_DAMAGE_TILE_H);
    if (rc != VGPU_OK)
        return rc;
    vgpu_damage_add_rect(&r->damage, fb, &whole);
    vgpu_refresh_rate_init(&r->rate, now_ns);
    r->probe_stride = vgpu_refresh_probe_stride(height);
    r->deadline_ns = now_ns;
    return VGPU_OK;
}

void vgpu_refresh_fini(struct vgpu_refresh *r)
{
    vgpu_damage_fini(&r->damage);
}

static uint64_t rects_area(const struct vgpu_rect *rects, size_t n)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += (uint64_t)rects[i].width * rects[i].height;
    return sum;
}

/* The dirty tiles as rectangles; one full-frame rectangle once they cover half the frame: then
 * the saved pixels no longer pay for the extra commands, and QEMU copies full-width rows in one
 * piece. */
static size_t damage_batch(const struct vgpu_damage *d, struct vgpu_rect *rects)
{
    size_t n = vgpu_damage_rects(d, rects, VGPU_DAMAGE_MAX_RECTS);

    if (2 * rects_area(rects, n) >= (uint64_t)d->width * d->height) {
        rects[0] = (struct vgpu_rect){ 0, 0, d->width, d->height };
        n = 1;
    }
    return n;
}

/* Queue every dirty tile.  On failure the marks stay; rectangles queued before a VGPU_E_BUSY are
 * sent again next time, which costs a little and loses nothing. */
static int flush_pending(struct vgpu_refresh *r)
{
    struct vgpu_rect rects[VGPU_DAMAGE_MAX_RECTS];
    size_t n;
    int rc;

    if (!vgpu_damage_pending(&r->damage))
        return VGPU_OK;
    n = damage_batch(&r->damage, rects);
    rc = vgpu_flush_rects_async(r->dev, r->scanout, rects, n);
    if (rc != VGPU_OK) {
        if (rc == VGPU_E_BUSY)
            r->stats.busy++;
        else
            r->stats.errors++;
        return rc;
    }
    vgpu_damage_clear(&r->damage);
    r->stats.batches++;
    r->stats.rects += n;
    r->stats.pixels += rects_area(rects, n);
    r->stats.full += n == 1 && rects[0].width == r->damage.width &&
                     rects[0].height == r->damage.height;
    return VGPU_OK;
}

/* A probe while idle (rotating through the rows), a full scan otherwise or after a probe hit. */
static bool find_damage(struct vgpu_refresh *r)
{
    if (vgpu_refresh_rate_idle(&r->rate)) {
        bool hit = vgpu_damage_probe(&r->damage, r->fb, r->probe_stride, r->probe_phase);
        r->probe_phase = (r->probe_phase + 1) % r->probe_stride;
        r->stats.probes++;
        if (!hit)
            return false;
    }
    r->stats.scans++;
    return vgpu_damage_scan(&r->damage, r->fb) != 0;
}

/* Damage still pending after a flush attempt counts as change: retry at 60 Hz. */
static void schedule(struct vgpu_refresh *r, bool changed, uint64_t now_ns)
{
    changed = changed || vgpu_damage_pending(&r->damage);
    r->deadline_ns = now_ns + vgpu_refresh_rate_next(&r->rate, changed, now_ns);
}

bool vgpu_refresh_scan(struct vgpu_refresh *r)
{
    r->stats.ticks++;
    return find_damage(r);
}

int vgpu_refresh_submit(struct vgpu_refresh *r, bool changed, uint64_t now_ns)
{
    int rc = flush_pending(r);

    schedule(r, changed, now_ns);
    return rc;
}

int vgpu_refresh_tick(struct vgpu_refresh *r, uint64_t now_ns)
{
    return vgpu_refresh_submit(r, vgpu_refresh_scan(r), now_ns);
}

int vgpu_refresh_damage(struct vgpu_refresh *r, const struct vgpu_rect *rects, size_t n,
                        uint64_t now_ns)
{
    uint64_t due = r->deadline_ns;
    int rc;

    for (size_t i = 0; i < n; i++)
        vgpu_damage_add_rect(&r->damage, r->fb, &rects[i]);
    rc = flush_pending(r);
    schedule(r, true, now_ns);
    if (due < r->deadline_ns)   /* an earlier scheduled scan still runs on time */
        r->deadline_ns = due;
    return rc;
}
