/*
 * harness.h — cmocka glue for the core tests: one fixture per test (a host, its devices and
 * framebuffers), checks that run after every test (no leaks, no platform-contract violations,
 * no driver mistakes seen by the device), and independent pixel/pattern helpers.
 *
 * A test is `static void name(struct t *t)` registered with UNIT_TEST(name).  It may adjust
 * t->cfg before t_boot().  The core's log is printed when a test fails (or with VGPU_TEST_LOG=1).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_os.h"
#include "../../core/gpu/virtio_gpu_proto.h"
#include "../../core/virtio/virtio_pci_regs.h"

#define T_MAX_FBS 16

struct t {
    struct host *h;
    struct host_dev *d;            /* the device t_boot() opened */
    struct sim *sim;
    struct sim_config cfg;         /* used by the next t_boot() */
    bool allow_driver_errors;      /* the test provokes device-visible driver mistakes */
    bool passed;
    struct host_fb *fbs[T_MAX_FBS];
    void (*body)(struct t *);
};

struct harness_case { void (*body)(struct t *); };

void harness_run(void **state);
int  harness_setup(void **state);
int  harness_teardown(void **state);

#define UNIT_TEST(fn) \
    { #fn, harness_run, harness_setup, harness_teardown, &(struct harness_case){ fn } }
#define RUN_UNIT_TESTS(name, tests) cmocka_run_group_tests_name(name, tests, NULL, NULL)

/* Create the device from t->cfg and open it; returns vgpu_open's status. */
int  t_boot_mode(struct t *t, enum vgpu_irq_mode mode, uint16_t msix_vectors);
/* Same, asserting success (polling mode unless the test says otherwise). */
void t_boot(struct t *t);
struct vgpu_dev *t_dev(struct t *t);

/* A framebuffer owned by the fixture (freed after the device closes), filled with pattern(seed). */
struct host_fb *t_fb(struct t *t, uint32_t width, uint32_t height, uint32_t seed);
struct host_fb *t_fb_segs(struct t *t, uint32_t width, uint32_t height, uint32_t seed,
                          uint32_t max_pages);

/* The reference picture: a hash of (x, y, seed), X byte zero.  Never computed by the core. */
uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed);
void fb_draw_pattern(struct host_fb *fb, uint32_t seed);
void fb_draw_rect(struct host_fb *fb, const struct vgpu_rect *r, uint32_t color);

/* Scanout pixels equal pattern(seed) inside `r` (all of it when r is NULL). */
void expect_scanout_pattern(struct t *t, unsigned scanout, uint32_t w, uint32_t h, uint32_t seed);
/* Scanout pixels equal the framebuffer's current contents. */
void expect_scanout_equals_fb(struct t *t, unsigned scanout, const struct host_fb *fb);
void expect_scanout_rect_color(struct t *t, unsigned scanout, const struct vgpu_rect *r, uint32_t color);

/* Device-side state checks. */
void expect_live_resources(struct t *t, uint32_t n);
void expect_status_ok(struct t *t);   /* DRIVER_OK set, no NEEDS_RESET/FAILED */

#define assert_vgpu_ok(expr) assert_int_equal((expr), VGPU_OK)

#endif /* HARNESS_H */
