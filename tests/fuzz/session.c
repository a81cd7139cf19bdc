/*
 * session.c — the session's steps (see session.h) and the checks after each of them.
 */
#include <string.h>

#include "fuzz_dev.h"
#include "fuzz_os.h"
#include "session.h"
#include "../../core/gpu3d/vgpu3d.h"

/* The longest a single call may wait: two device resets (close/recover) and four commands. */
#define RESET_BUDGET_NS 1000000000ull
#define CALL_BUDGET_NS  (2 * RESET_BUDGET_NS + 4ull * SESSION_TIMEOUT_MS * 1000000ull)
#define MODES_CAP       64
/* A 3D context's destroy (also at close) first waits up to 5 s for its last fence (core/gpu3d/ctx3d.c,
 * FENCE_WAIT_DESTROY_MS); a 3D session opens one context. */
#define CTX_DESTROY_WAIT_NS 5000000000ull

static struct {
    struct vgpu_dev *dev;
    enum vgpu_irq_mode mode;
    struct fz_fb *fb[VGPU_MAX_SCANOUTS];
    bool cursor_visible[VGPU_MAX_SCANOUTS];
    uint32_t cursor[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE];
    unsigned resets_seen, changes_seen;
    uint8_t seed;
    bool opened_3d;
} S;

struct call { const char *what; uint64_t start; };

bool s_is_open(void) { return S.dev != NULL; }
unsigned s_scanouts(void) { return S.dev ? vgpu_scanout_count(S.dev) : 0; }

/* ---- checks ---- */

static void check_modes(unsigned s)
{
    struct vgpu_mode m[MODES_CAP], pref;
    size_t n = vgpu_mode_list(S.dev, s, m, MODES_CAP), preferred = 0;

    for (size_t i = 0; i < n && i < MODES_CAP; i++) {
        if (m[i].width == 0 || m[i].height == 0 || m[i].width > VGPU_MAX_DIMENSION ||
            m[i].height > VGPU_MAX_DIMENSION)
            fz_finding("scanout %u mode %zu is %ux%u", s, i, m[i].width, m[i].height);
        preferred += (m[i].flags & VGPU_MODE_PREFERRED) != 0;
    }
    if (n <= MODES_CAP && preferred != (n ? 1u : 0u))
        fz_finding("scanout %u: %zu modes, %zu preferred", s, n, preferred);
    if (vgpu_preferred_mode(S.dev, s, &pref) == VGPU_OK &&
        (pref.width == 0 || pref.width > VGPU_MAX_DIMENSION || !(pref.flags & VGPU_MODE_PREFERRED)))
        fz_finding("scanout %u: preferred mode %ux%u flags 0x%x", s, pref.width, pref.height, pref.flags);
}

static void check_scanout(unsigned s, bool healthy)
{
    struct vgpu_scanout_info info;
    uint32_t len = 0;
    const uint8_t *edid = vgpu_scanout_edid(S.dev, s, &len);

    if (vgpu_scanout_info(S.dev, s, &info) != VGPU_OK)
        fz_finding("scanout_info(%u) failed below the scanout count", s);
    if (info.host_width > VGPU_MAX_DIMENSION || info.host_height > VGPU_MAX_DIMENSION ||
        info.edid_len > VGPU_EDID_MAX || (edid != NULL) != (info.edid_len != 0) ||
        (edid && len != info.edid_len))
        fz_finding("scanout %u: host %ux%u, edid %u bytes", s, info.host_width, info.host_height,
                   info.edid_len);
    /* A healthy core shows exactly the framebuffer its caller last set successfully. */
    if (healthy && info.active != (S.fb[s] != NULL))
        fz_finding("scanout %u active=%d but the last successful call left %s", s, info.active,
                   S.fb[s] ? "a framebuffer" : "none");
    if (healthy && S.fb[s] && (info.width != S.fb[s]->fb.width || info.height != S.fb[s]->fb.height))
        fz_finding("scanout %u shows %ux%u, not the %ux%u framebuffer", s, info.width, info.height,
                   S.fb[s]->fb.width, S.fb[s]->fb.height);
    check_modes(s);
}

static void check_views(void)
{
    struct vgpu_stats st;
    unsigned n;

    if (!S.dev)
        return;
    n = vgpu_scanout_count(S.dev);
    if (n == 0 || n > VGPU_MAX_SCANOUTS)
        fz_finding("scanout count %u", n);
    for (unsigned s = 0; s < n; s++)
        check_scanout(s, !vgpu_needs_reset(S.dev));
    if (vgpu_scanout_info(S.dev, n, &(struct vgpu_scanout_info){ 0 }) != VGPU_E_INVAL)
        fz_finding("scanout_info accepts scanout %u of %u", n, n);
    vgpu_get_stats(S.dev, &st);
    if (st.live_resources > 2 * n + 2)
        fz_finding("%u live resources for %u scanouts", st.live_resources, n);
}

static bool valid_status(int rc)
{
    return rc <= VGPU_OK && rc >= VGPU_E_UNSUPPORTED;
}

static struct call call_begin(const char *what)
{
    if (S.dev || strcmp(what, "vgpu_open") == 0)
        fz_trace("%s", what);
    return (struct call){ what, fz_now() };
}

/* `must`: the call cannot fail against an honest device with these arguments. */
static int call_end(struct call c, int rc, bool must)
{
    uint64_t spent = fz_now() - c.start;

    if (!valid_status(rc))
        fz_finding("%s returned %d, not a vgpu_status", c.what, rc);
    if (spent > CALL_BUDGET_NS + (S.opened_3d ? CTX_DESTROY_WAIT_NS : 0))
        fz_finding("%s waited %llu ms of device time", c.what, (unsigned long long)(spent / 1000000u));
    if (must && dev_pristine() && rc != VGPU_OK)
        fz_finding("%s failed (%s) against an honest device", c.what, vgpu_status_name(rc));
    check_views();
    return rc;
}

/* ---- life cycle ---- */

void session_begin(unsigned script)
{
    memset(&S, 0, sizeof(S));
    fz_host_begin();
    dev_create(script);
}

static void drop_framebuffers(void)
{
    for (unsigned s = 0; s < VGPU_MAX_SCANOUTS; s++) {
        fz_fb_free(S.fb[s]);
        S.fb[s] = NULL;
        S.cursor_visible[s] = false;
    }
}

void session_end(void)
{
    s_close();
    drop_framebuffers();
    dev_destroy();
    fz_host_end();
}

typedef int open_fn(void *os, const struct vgpu_params *params, struct vgpu_dev **out);

static int open_with(open_fn *open, enum vgpu_irq_mode mode, bool async_irq)
{
    struct vgpu_params p = { mode, mode == VGPU_IRQ_MSIX ? 2 : 0, SESSION_TIMEOUT_MS };
    struct vgpu_dev *dev = NULL;
    struct call c = call_begin("vgpu_open");
    int rc;

    if (S.dev)
        return VGPU_E_INVAL;
    S.mode = mode;
    fz_irq_setup(mode, NULL);
    fz_irq_async(async_irq);
    rc = open(fz_os(), &p, &dev);
    if ((rc == VGPU_OK) != (dev != NULL))
        fz_finding("vgpu_open returned %s with device %p", vgpu_status_name(rc), (void *)dev);
    S.dev = dev;
    fz_irq_setup(mode, dev);
    return call_end(c, rc, true);
}

int s_open(enum vgpu_irq_mode mode, bool async_irq)
{
    return open_with(vgpu_open, mode, async_irq);
}

int s_open3d(enum vgpu_irq_mode mode, bool async_irq)
{
    S.opened_3d = true;
    return open_with(vgpu3d_open, mode, async_irq);
}

struct vgpu_dev *s_dev(void) { return S.dev; }

/* Before the close: a healthy core holds, on the device, no resource it has forgotten. */
void s_close(void)
{
    struct vgpu_stats st;
    struct call c = call_begin("vgpu_close");

    if (!S.dev)
        return;
    vgpu_get_stats(S.dev, &st);
    if (dev_truthful() && !vgpu_needs_reset(S.dev) && dev_unreleased() > st.live_resources)
        fz_finding("the device holds %u resources, the driver knows of %u", dev_unreleased(),
                   st.live_resources);
    vgpu_close(S.dev);
    S.dev = NULL;
    fz_irq_setup(S.mode, NULL);
    call_end(c, VGPU_OK, false);
    if (dev_status() != 0)
        fz_finding("vgpu_close left the device running (status 0x%x)", dev_status());
    drop_framebuffers();
}

void s_recover(void)
{
    struct call c = call_begin("vgpu_recover");

    if (S.dev)
        call_end(c, vgpu_recover(S.dev), true);
}

void s_query(void)
{
    struct call c = call_begin("vgpu_query_displays");

    if (S.dev)
        call_end(c, vgpu_query_displays(S.dev), true);
}

/* ---- framebuffers ---- */

void s_set_mode(unsigned scanout, uint32_t width, uint32_t height, unsigned nsegs)
{
    struct call c = call_begin("vgpu_set_mode");
    struct fz_fb *fb;
    int rc;

    if (!S.dev)
        return;
    fb = fz_fb_new(width, height, nsegs, ++S.seed);
    rc = vgpu_set_mode(S.dev, scanout, &fb->fb);
    if (rc == VGPU_OK && scanout >= s_scanouts())
        fz_finding("set_mode accepted scanout %u of %u", scanout, s_scanouts());
    if (rc == VGPU_OK) {
        fz_fb_free(S.fb[scanout]);
        S.fb[scanout] = fb;
    } else {
        fz_fb_free(fb);
    }
    call_end(c, rc, scanout < s_scanouts() && width && height && width <= VGPU_MAX_DIMENSION &&
                    height <= VGPU_MAX_DIMENSION);
}

void s_disable(unsigned scanout)
{
    struct call c = call_begin("vgpu_disable_scanout");
    int rc;

    if (!S.dev)
        return;
    rc = vgpu_disable_scanout(S.dev, scanout);
    if (rc == VGPU_OK && scanout < VGPU_MAX_SCANOUTS) {
        fz_fb_free(S.fb[scanout]);
        S.fb[scanout] = NULL;
    }
    call_end(c, rc, scanout < s_scanouts());
}

static bool rect_fits(unsigned scanout, const struct vgpu_rect *r)
{
    const struct fz_fb *fb = scanout < VGPU_MAX_SCANOUTS ? S.fb[scanout] : NULL;

    return fb && r->width && r->height && r->x < fb->fb.width && r->y < fb->fb.height &&
           r->width <= fb->fb.width - r->x && r->height <= fb->fb.height - r->y;
}

void s_flush(unsigned scanout, const struct vgpu_rect *r)
{
    struct call c = call_begin("vgpu_flush_rect");

    if (S.dev)
        call_end(c, vgpu_flush_rect(S.dev, scanout, r), rect_fits(scanout, r));
}

/* Up to 8 rectangles always fit in the honest device's 64-entry ring. */
void s_flush_async(unsigned scanout, const struct vgpu_rect *rects, unsigned n)
{
    struct call c = call_begin("vgpu_flush_rects_async");
    bool fits = n <= 8;
    int rc;

    if (!S.dev)
        return;
    for (unsigned i = 0; i < n; i++)
        fits = fits && rect_fits(scanout, &rects[i]);
    rc = vgpu_flush_rects_async(S.dev, scanout, rects, n);
    call_end(c, rc, fits);
}

void s_wait_idle(void)
{
    struct call c = call_begin("vgpu_wait_idle");

    if (S.dev)
        call_end(c, vgpu_wait_idle(S.dev), true);
}

/* ---- cursor ---- */

/* An UPDATE_CURSOR the call sent must carry what was asked, read at the spec's offsets. */
static void check_cursor_reached(unsigned seen, int rc, struct dev_cursor_update want)
{
    struct dev_cursor_update got = dev_last_cursor_update();

    if (rc != VGPU_OK || got.seq == seen || !dev_truthful())
        return;
    if (got.scanout != want.scanout || got.hot_x != want.hot_x || got.hot_y != want.hot_y ||
        got.x != want.x || got.y != want.y)
        fz_finding("vgpu_cursor_set(scanout %u, hot %u,%u, at %u,%u) reached the device as "
                   "scanout %u, hot %u,%u, at %u,%u", want.scanout, want.hot_x, want.hot_y, want.x,
                   want.y, got.scanout, got.hot_x, got.hot_y, got.x, got.y);
}

void s_cursor_set(unsigned scanout, uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y)
{
    struct call c = call_begin("vgpu_cursor_set");
    int rc;

    if (!S.dev)
        return;
    for (unsigned i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
        S.cursor[i] = 0x80000000u | (i * 2654435761u + S.seed) >> 8;
    unsigned seen = dev_last_cursor_update().seq;
    rc = vgpu_cursor_set(S.dev, scanout, S.cursor, hot_x, hot_y, x, y);
    check_cursor_reached(seen, rc, (struct dev_cursor_update){ 0, scanout, hot_x, hot_y, x, y });
    if (scanout < VGPU_MAX_SCANOUTS)
        S.cursor_visible[scanout] = rc == VGPU_OK;
    call_end(c, rc, scanout < s_scanouts() && hot_x < VGPU_CURSOR_SIZE && hot_y < VGPU_CURSOR_SIZE);
}

void s_cursor_move(unsigned scanout, uint32_t x, uint32_t y)
{
    struct call c = call_begin("vgpu_cursor_move");

    if (S.dev)
        call_end(c, vgpu_cursor_move(S.dev, scanout, x, y),
                 scanout < s_scanouts() && S.cursor_visible[scanout]);
}

void s_cursor_hide(unsigned scanout)
{
    struct call c = call_begin("vgpu_cursor_hide");
    int rc;

    if (!S.dev)
        return;
    rc = vgpu_cursor_hide(S.dev, scanout);
    if (rc == VGPU_OK && scanout < VGPU_MAX_SCANOUTS)
        S.cursor_visible[scanout] = false;
    call_end(c, rc, scanout < s_scanouts());
}

/* ---- interrupts, polling, events ---- */

void s_poll(void)
{
    struct call c = call_begin("vgpu_poll");

    if (!S.dev)
        return;
    vgpu_poll(S.dev);
    call_end(c, VGPU_OK, false);
}

void s_interrupts(void)
{
    struct call c = call_begin("interrupt");

    fz_irq_deliver();
    call_end(c, VGPU_OK, false);
}

static uint32_t clamp_size(uint32_t v)
{
    return v == 0 ? 16 : v > 64 ? 64 : v;
}

void s_react(void)
{
    struct vgpu_scanout_info info;

    if (!S.dev)
        return;
    if (fz_events(VGPU_OS_EVENT_NEEDS_RESET) != S.resets_seen || vgpu_needs_reset(S.dev)) {
        S.resets_seen = fz_events(VGPU_OS_EVENT_NEEDS_RESET);
        s_recover();
    }
    if (fz_events(VGPU_OS_EVENT_DISPLAY_CHANGED) == S.changes_seen && !vgpu_display_event_pending(S.dev))
        return;
    S.changes_seen = fz_events(VGPU_OS_EVENT_DISPLAY_CHANGED);
    s_query();
    for (unsigned s = 0; S.dev && s < s_scanouts(); s++)
        if (vgpu_scanout_info(S.dev, s, &info) == VGPU_OK && info.enabled)
            s_set_mode(s, clamp_size(info.host_width), clamp_size(info.host_height), 2);
}
