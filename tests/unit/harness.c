/*
 * harness.c — fixture life cycle and the shared checks of the core tests (see harness.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

int harness_setup(void **state)
{
    const struct harness_case *c = *state;
    struct t *t = calloc(1, sizeof(*t));

    if (!t)
        return -1;
    t->body = c->body;
    t->h = host_new();
    sim_default_config(&t->cfg);
    *state = t;
    return 0;
}

void harness_run(void **state)
{
    struct t *t = *state;

    t->body(t);
    t->passed = true;
}

/* Everything a test leaves behind is checked here, whatever the test asserted. */
static unsigned final_checks(struct t *t)
{
    unsigned problems = 0;

    if (t->d && !t->allow_driver_errors && sim_stats(t->sim)->driver_errors) {
        fprintf(stderr, "device saw %llu driver mistakes, last: %s\n",
                (unsigned long long)sim_stats(t->sim)->driver_errors, sim_last_driver_error(t->sim));
        problems++;
    }
    if (t->d) {
        host_dev_free(t->d);
        t->d = NULL;
    }
    for (int i = 0; i < T_MAX_FBS; i++)
        host_fb_free(t->h, t->fbs[i]);
    if (host_violations(t->h))
        problems++;
    return problems;
}

int harness_teardown(void **state)
{
    struct t *t = *state;
    unsigned problems;

    if (t->d)
        host_dev_close(t->d);   /* vgpu_close's own traffic is checked too */
    problems = final_checks(t);
    if (!t->passed || problems || getenv("VGPU_TEST_LOG_ALL"))
        host_log_dump(t->h);
    problems += host_free(t->h);   /* reports leaked allocations and DMA blocks */
    free(t);
    return problems ? -1 : 0;
}

int t_boot_mode(struct t *t, enum vgpu_irq_mode mode, uint16_t msix_vectors)
{
    if (!t->d) {
        t->d = host_dev_new(t->h, &t->cfg);
        t->sim = host_sim(t->d);
    }
    return host_dev_open(t->d, mode, msix_vectors);
}

void t_boot(struct t *t)
{
    int rc = t_boot_mode(t, VGPU_IRQ_POLL, 0);

    if (rc != VGPU_OK)
        fail_msg("vgpu_open: %s", vgpu_status_name(rc));
}

struct vgpu_dev *t_dev(struct t *t)
{
    return host_vgpu(t->d);
}

uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed)
{
    uint32_t v = x * 0x9e3779b1u ^ (y + 0x7f4a7c15u) * 0x85ebca6bu ^ seed * 0xc2b2ae35u;

    v ^= v >> 15;
    v *= 0x27d4eb2du;
    v ^= v >> 13;
    return v & 0x00ffffffu;
}

void fb_draw_pattern(struct host_fb *fb, uint32_t seed)
{
    uint32_t w = fb->fb.width, h = fb->fb.height;
    uint32_t *img = malloc((size_t)w * h * 4u + 4u);

    assert_non_null(img);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            img[(size_t)y * w + x] = pattern(x, y, seed);
    host_fb_load(fb, img);
    free(img);
}

void fb_draw_rect(struct host_fb *fb, const struct vgpu_rect *r, uint32_t color)
{
    for (uint32_t y = r->y; y < r->y + r->height; y++)
        for (uint32_t x = r->x; x < r->x + r->width; x++)
            host_fb_put(fb, x, y, color);
}

struct host_fb *t_fb_segs(struct t *t, uint32_t width, uint32_t height, uint32_t seed,
                          uint32_t max_pages)
{
    int slot = 0;

    while (slot < T_MAX_FBS && t->fbs[slot])
        slot++;
    assert_true(slot < T_MAX_FBS);
    t->fbs[slot] = host_fb_new(t->h, width, height, max_pages, seed * 7919u + 1u);
    fb_draw_pattern(t->fbs[slot], seed);
    return t->fbs[slot];
}

struct host_fb *t_fb(struct t *t, uint32_t width, uint32_t height, uint32_t seed)
{
    return t_fb_segs(t, width, height, seed, 8);
}

static void expect_view(struct t *t, unsigned scanout, uint32_t w, uint32_t h,
                        struct sim_scanout_view *v)
{
    assert_true(sim_scanout(t->sim, scanout, v));
    if (!v->active)
        fail_msg("scanout %u is not active on the device", scanout);
    if (v->width != w || v->height != h)
        fail_msg("scanout %u shows %ux%u, expected %ux%u", scanout, v->width, v->height, w, h);
}

void expect_scanout_pattern(struct t *t, unsigned scanout, uint32_t w, uint32_t h, uint32_t seed)
{
    struct sim_scanout_view v;

    expect_view(t, scanout, w, h, &v);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            if (v.pixels[(size_t)y * w + x] != pattern(x, y, seed))
                fail_msg("scanout %u pixel (%u,%u) is 0x%08x, drew 0x%08x", scanout, x, y,
                         v.pixels[(size_t)y * w + x], pattern(x, y, seed));
}

void expect_scanout_equals_fb(struct t *t, unsigned scanout, const struct host_fb *fb)
{
    struct sim_scanout_view v;
    uint32_t w = fb->fb.width, h = fb->fb.height;

    expect_view(t, scanout, w, h, &v);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            if (v.pixels[(size_t)y * w + x] != host_fb_get(fb, x, y))
                fail_msg("scanout %u pixel (%u,%u) is 0x%08x, framebuffer has 0x%08x", scanout,
                         x, y, v.pixels[(size_t)y * w + x], host_fb_get(fb, x, y));
}

void expect_scanout_rect_color(struct t *t, unsigned scanout, const struct vgpu_rect *r, uint32_t color)
{
    for (uint32_t y = r->y; y < r->y + r->height; y++)
        for (uint32_t x = r->x; x < r->x + r->width; x++)
            if (sim_pixel(t->sim, scanout, x, y) != color)
                fail_msg("scanout %u pixel (%u,%u) is 0x%08x, expected 0x%08x", scanout, x, y,
                         sim_pixel(t->sim, scanout, x, y), color);
}

void expect_live_resources(struct t *t, uint32_t n)
{
    struct vgpu_stats st;

    assert_int_equal(sim_stats(t->sim)->live_resources, n);
    vgpu_get_stats(t_dev(t), &st);
    assert_int_equal(st.live_resources, n);
}

void expect_status_ok(struct t *t)
{
    assert_int_equal(sim_device_status(t->sim), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                                VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}
