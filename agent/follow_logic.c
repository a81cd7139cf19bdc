/* follow_logic.c — the display agent's policy (see follow_logic.h). */
#include "follow_logic.h"

#include "../core/base/util.h"

void follow_init(struct follow *f)
{
    vgpu_zero(f, sizeof(*f));
}

static struct follow_display *find(struct follow *f, uint32_t id)
{
    for (size_t i = 0; i < FOLLOW_MAX_DISPLAYS; i++)
        if (f->d[i].used && f->d[i].id == id)
            return &f->d[i];
    return NULL;
}

static const struct follow_display *find_const(const struct follow *f, uint32_t id)
{
    return find((struct follow *)f, id);
}

/* The display's slot, made on first use; NULL (counted) when every slot is taken. */
static struct follow_display *slot(struct follow *f, uint32_t id)
{
    struct follow_display *d = find(f, id);
    for (size_t i = 0; !d && i < FOLLOW_MAX_DISPLAYS; i++)
        if (!f->d[i].used) {
            d = &f->d[i];
            vgpu_zero(d, sizeof(*d));
            d->used = true;
            d->id = id;
        }
    if (!d)
        f->stats.dropped++;
    return d;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t deadline(const struct follow_display *d)
{
    if (!d->pending)
        return FOLLOW_NEVER;
    if (d->immediate)
        return d->last_ns;
    uint64_t settled = add_sat(d->last_ns, FOLLOW_SETTLE_NS), bounded = add_sat(d->first_ns, FOLLOW_MAX_WAIT_NS);
    return VGPU_MIN(settled, bounded);
}

bool follow_host_size(struct follow *f, uint32_t id, uint32_t width, uint32_t height, uint32_t generation,
                      bool enabled, uint64_t now_ns)
{
    f->stats.events++;
    struct follow_display *d = slot(f, id);
    if (!d)
        return false;
    if (d->seen_generation && d->generation == generation) {
        f->stats.repeats++;
        return true;
    }
    d->seen_generation = true;
    d->generation = generation;
    d->manual = d->unmet = d->immediate = false;
    if (!enabled || width == 0 || height == 0) {
        d->pending = false;
        d->want_w = d->want_h = 0;
        return true;
    }
    d->want_w = width;
    d->want_h = height;
    if (!d->pending)
        d->first_ns = now_ns;
    d->pending = true;
    d->last_ns = now_ns;
    return true;
}

uint64_t follow_next_deadline(const struct follow *f)
{
    uint64_t next = FOLLOW_NEVER;
    for (size_t i = 0; i < FOLLOW_MAX_DISPLAYS; i++)
        if (f->d[i].used)
            next = VGPU_MIN(next, deadline(&f->d[i]));
    return next;
}

bool follow_due(const struct follow *f, uint32_t id, uint64_t now_ns)
{
    const struct follow_display *d = find_const(f, id);
    return d && d->pending && now_ns >= deadline(d);
}

static bool same_mode(const struct follow_mode *a, const struct follow_mode *b)
{
    return a->width == b->width && a->height == b->height &&
           a->pixel_width == b->pixel_width && a->pixel_height == b->pixel_height;
}

/* The mode of logical size w x h, a 1x one (pixel size = logical size) first; n when none. */
static size_t best_mode(const struct follow_mode *modes, size_t n, uint32_t w, uint32_t h)
{
    size_t best = n;
    for (size_t i = 0; i < n; i++) {
        if (modes[i].width != w || modes[i].height != h)
            continue;
        bool one_x = modes[i].pixel_width == w && modes[i].pixel_height == h;
        if (best == n || (one_x && !(modes[best].pixel_width == w && modes[best].pixel_height == h)))
            best = i;
    }
    return best;
}

enum follow_verdict follow_decide(struct follow *f, uint32_t id, const struct follow_mode *modes, size_t n,
                                  uint64_t now_ns, size_t *pick)
{
    struct follow_display *d = find(f, id);
    if (!d || !follow_due(f, id, now_ns))
        return FOLLOW_IDLE;
    d->pending = d->immediate = false;
    size_t best = best_mode(modes, n, d->want_w, d->want_h);
    if (best == n) {
        d->unmet = true;
        f->stats.no_mode++;
        return FOLLOW_NO_MODE;
    }
    for (size_t i = 0; i < n; i++)
        if (modes[i].current && same_mode(&modes[i], &modes[best])) {
            f->stats.already++;
            return FOLLOW_ALREADY;
        }
    *pick = best;
    return FOLLOW_SWITCH;
}

void follow_switched(struct follow *f, uint32_t id, uint32_t width, uint32_t height, bool ok)
{
    struct follow_display *d = find(f, id);
    if (!ok || !d) {
        f->stats.failed++;
        return;
    }
    f->stats.switches++;
    d->asked = true;
    d->asked_w = width;
    d->asked_h = height;
}

enum follow_seen follow_mode_seen(struct follow *f, uint32_t id, uint32_t width, uint32_t height)
{
    struct follow_display *d = slot(f, id);
    if (!d)
        return FOLLOW_SEEN_SAME;
    bool known = d->cur_known, same = known && d->cur_w == width && d->cur_h == height;
    bool own = d->asked && d->asked_w == width && d->asked_h == height;
    d->cur_known = true;
    d->cur_w = width;
    d->cur_h = height;
    if (own) {
        d->asked = false;
        return FOLLOW_SEEN_OWN;
    }
    if (same || !known)
        return FOLLOW_SEEN_SAME;
    d->asked = d->pending = d->immediate = false;
    d->manual = true;
    f->stats.manual++;
    return FOLLOW_SEEN_MANUAL;
}

void follow_modes_changed(struct follow *f, uint32_t id, uint64_t now_ns)
{
    struct follow_display *d = find(f, id);
    if (!d || !d->unmet || d->manual)
        return;
    d->unmet = false;
    d->pending = d->immediate = true;
    d->first_ns = d->last_ns = now_ns;
}

void follow_forget(struct follow *f, uint32_t id)
{
    struct follow_display *d = find(f, id);
    if (d)
        vgpu_zero(d, sizeof(*d));
}
