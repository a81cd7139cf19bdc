/* modes.c — merge host, EDID and common sizes into the mode list a scanout offers. */
#include "gpu/modes.h"

#include "base/util.h"

/*
 * Common sizes offered on every display, whatever the host says, so the user can pick a window
 * size.  Chosen: the classic 4:3 and 5:4 sizes, the usual laptop and desktop 16:9 and 16:10
 * panels, and Apple's HiDPI panels (2560x1600, 2880x1800) whose halves (1280x800, 1440x900) are
 * also listed, as macOS pairs HiDPI modes with their half size.  Left out: 1152x864 and 2048x1152,
 * rare panels whose halves are not common sizes.
 */
struct mode_size { uint16_t width, height; };
static const struct mode_size standard_sizes[] = {
    { 640, 480 },   { 800, 600 },   { 1024, 768 },  { 1280, 720 },  { 1280, 800 },
    { 1280, 1024 }, { 1366, 768 },  { 1440, 900 },  { 1600, 900 },  { 1600, 1200 },
    { 1680, 1050 }, { 1920, 1080 }, { 1920, 1200 }, { 2560, 1440 }, { 2560, 1600 },
    { 2880, 1800 }, { 3840, 2160 },
};
#define FALLBACK_WIDTH  1024   /* preferred when neither EDID nor host names a size */
#define FALLBACK_HEIGHT 768
#define NOMINAL_MHZ     60000  /* refresh we steer towards when several are known for a size */

/* Room for every candidate, so merging never drops one. */
#define MODES_CAPACITY (1 + VGPU_EDID_MAX_MODES + VGPU_ARRAY_SIZE(standard_sizes))
_Static_assert(MODES_CAPACITY == VGPU_MODES_MAX, "VGPU_MODES_MAX counts the common sizes");

struct mode_set {
    struct vgpu_mode mode[MODES_CAPACITY];
    size_t n;
    uint32_t max_w, max_h;    /* 1..VGPU_MAX_DIMENSION */
};

static uint32_t clamp_limit(uint32_t limit)
{
    return (limit == 0 || limit > VGPU_MAX_DIMENSION) ? VGPU_MAX_DIMENSION : limit;
}

static bool fits(const struct mode_set *s, uint32_t w, uint32_t h)
{
    return w != 0 && h != 0 && w <= s->max_w && h <= s->max_h;
}

static struct vgpu_mode *find(struct mode_set *s, uint32_t w, uint32_t h)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->mode[i].width == w && s->mode[i].height == h)
            return &s->mode[i];
    return NULL;
}

static uint32_t distance_from_nominal(uint32_t mhz)
{
    return mhz > NOMINAL_MHZ ? mhz - NOMINAL_MHZ : NOMINAL_MHZ - mhz;
}

/* A known refresh beats an unknown one; nearer 60 Hz wins; on a tie the higher rate. */
static bool better_refresh(uint32_t candidate, uint32_t current)
{
    uint32_t dc = distance_from_nominal(candidate), dr = distance_from_nominal(current);
    if (candidate == 0 || current == 0)
        return current == 0 && candidate != 0;
    return dc < dr || (dc == dr && candidate > current);
}

static void add(struct mode_set *s, uint32_t w, uint32_t h, uint32_t refresh_mhz, uint32_t flags)
{
    struct vgpu_mode *m;

    if (!fits(s, w, h))
        return;
    m = find(s, w, h);
    if (!m) {
        m = &s->mode[s->n++];   /* MODES_CAPACITY covers every candidate */
        *m = (struct vgpu_mode){ w, h, 0, 0 };
    }
    m->flags |= flags;
    if (better_refresh(refresh_mhz, m->refresh_mhz))
        m->refresh_mhz = refresh_mhz;
}

static const struct vgpu_edid_mode *edid_preferred(const struct vgpu_edid_info *edid)
{
    if (!edid || !edid->valid || edid->nmodes == 0 || !edid->modes[0].preferred)
        return NULL;
    return &edid->modes[0];
}

static void add_all(struct mode_set *s, uint32_t host_w, uint32_t host_h,
                    const struct vgpu_edid_info *edid)
{
    add(s, host_w, host_h, 0, VGPU_MODE_HOST);   /* fits() drops zero and absurd sizes */
    if (edid && edid->valid) {
        size_t n = VGPU_MIN(edid->nmodes, (uint32_t)VGPU_EDID_MAX_MODES);
        for (size_t i = 0; i < n; i++)
            add(s, edid->modes[i].width, edid->modes[i].height, edid->modes[i].refresh_mhz,
                VGPU_MODE_EDID);
    }
    for (size_t i = 0; i < VGPU_ARRAY_SIZE(standard_sizes); i++)
        add(s, standard_sizes[i].width, standard_sizes[i].height, 0, VGPU_MODE_STANDARD);
}

static bool larger(const struct vgpu_mode *a, const struct vgpu_mode *b)
{
    uint64_t pa = (uint64_t)a->width * a->height, pb = (uint64_t)b->width * b->height;
    return pa > pb || (pa == pb && a->width > b->width);
}

/* Insertion sort: at most MODES_CAPACITY entries. */
static void sort_largest_first(struct mode_set *s)
{
    for (size_t i = 1; i < s->n; i++) {
        struct vgpu_mode m = s->mode[i];
        size_t j = i;
        for (; j > 0 && larger(&m, &s->mode[j - 1]); j--)
            s->mode[j] = s->mode[j - 1];
        s->mode[j] = m;
    }
}

/* Runs after sorting, so the last resort, the largest entry, is mode[0]. */
static void mark_preferred(struct mode_set *s, uint32_t host_w, uint32_t host_h,
                           const struct vgpu_edid_info *edid)
{
    const struct vgpu_edid_mode *e = edid_preferred(edid);
    struct vgpu_mode *m = e ? find(s, e->width, e->height) : NULL;

    if (m)
        m->refresh_mhz = e->refresh_mhz;   /* the monitor's own timing for its preferred size */
    if (!m)
        m = find(s, host_w, host_h);
    if (!m)
        m = find(s, FALLBACK_WIDTH, FALLBACK_HEIGHT);
    if (!m && s->n > 0)
        m = &s->mode[0];
    if (m)
        m->flags |= VGPU_MODE_PREFERRED;
}

size_t vgpu_modes_build(uint32_t host_w, uint32_t host_h, const struct vgpu_edid_info *edid,
                        uint32_t max_w, uint32_t max_h, struct vgpu_mode *out, size_t max)
{
    struct mode_set s;

    s.n = 0;
    s.max_w = clamp_limit(max_w);
    s.max_h = clamp_limit(max_h);
    add_all(&s, host_w, host_h, edid);
    sort_largest_first(&s);
    mark_preferred(&s, host_w, host_h, edid);
    for (size_t i = 0; i < s.n && i < max; i++)
        out[i] = s.mode[i];
    return s.n;
}
