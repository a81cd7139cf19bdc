/*
 * test_fault_alloc.c — the n-th allocation fails, for every n, where the other tests do not
 * already sweep it (fault_util.h): the first cursor upload, a mode set on the second of two
 * active scanouts, and a recovery with two scanouts and a cursor.  Each failure gives
 * VGPU_E_NOMEM with nothing leaked on the host, nothing forgotten on the device, and what was on
 * screen still there; the sweep ends when an attempt meets no injected failure.
 */
#include "fault_util.h"

#define W 64
#define H 40
#define SWEEP_LIMIT 200u

struct attempt {
    int rc;
    bool failed;                  /* the injected failure was hit */
    struct host_mem_stats before, after;
};

/* Run `op` with the n-th allocation from now failing. */
static struct attempt attempt_failing_nth(struct t *t, uint64_t n, int (*op)(struct t *, void *), void *ctx)
{
    struct attempt a;

    host_mem_stats(t->h, &a.before);
    host_fail_nth_alloc(t->h, n);
    a.rc = op(t, ctx);
    host_fail_nth_alloc(t->h, 0);
    host_mem_stats(t->h, &a.after);
    a.failed = a.after.failed > a.before.failed;
    if (!a.failed)
        assert_vgpu_ok(a.rc);
    else if (a.rc != VGPU_E_NOMEM)
        fail_msg("allocation %llu failed: the call gave %s", (unsigned long long)n, vgpu_status_name(a.rc));
    return a;
}

static int set_first_cursor(struct t *t, void *ctx)
{
    struct fault_scene *sc = ctx;
    return vgpu_cursor_set(t_dev(t), 0, sc->cursor, sc->hot_x, sc->hot_y, sc->x, sc->y);
}

static void cursor_set_survives_every_allocation_failure(struct t *t)
{
    struct vgpu_params p = { .irq_mode = VGPU_IRQ_MSIX, .msix_vectors = 2, .cmd_timeout_ms = FAULT_TIMEOUT_MS };
    struct host_fb *fb = t_fb(t, W, H, 1);
    struct fault_scene sc = { .nscanouts = 1, .fb = { fb }, .hot_x = 3, .hot_y = 4, .x = 9, .y = 8 };
    struct attempt a = { .failed = true };
    uint64_t n;

    for (uint32_t i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
        sc.cursor[i] = 0xff000000u | pattern(i % 64, i / 64, 2);
    fault_boot(t, VGPU_IRQ_MSIX, 1);
    for (n = 1; n < SWEEP_LIMIT && a.failed; n++) {
        host_dev_close(t->d);                          /* a fresh core: the first upload again */
        assert_vgpu_ok(host_dev_open_params(t->d, &p));
        assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
        a = attempt_failing_nth(t, n, set_first_cursor, &sc);
        fault_expect_accounted(t);
        assert_false(vgpu_needs_reset(t_dev(t)));
        if (a.failed)
            assert_vgpu_ok(set_first_cursor(t, &sc));   /* the retry works */
        fault_expect_scene(t, &sc);
    }
    assert_in_range(n, 3, SWEEP_LIMIT - 1);          /* at least two allocations were swept */
}

static int set_second_scanout(struct t *t, void *ctx)
{
    return vgpu_set_mode(t_dev(t), 1, &((struct host_fb *)ctx)->fb);
}

static void second_scanout_mode_set_survives_every_allocation_failure(struct t *t)
{
    struct fault_scene sc;
    struct host_fb *next = t_fb_segs(t, W / 2, H / 2, 7, 1);
    struct attempt a = { .failed = true };
    uint64_t n;

    fault_boot(t, VGPU_IRQ_INTX, 2);
    fault_show(t, &sc, W, H, 5);
    for (n = 1; n < SWEEP_LIMIT && a.failed; n++) {
        a = attempt_failing_nth(t, n, set_second_scanout, next);
        if (a.failed) {
            assert_int_equal(a.after.live_allocs, a.before.live_allocs);
            assert_int_equal(a.after.live_dma, a.before.live_dma);
            fault_expect_scene(t, &sc);                /* both scanouts as they were */
        }
        fault_expect_accounted(t);
    }
    assert_in_range(n, 2, SWEEP_LIMIT - 1);
    sc.fb[1] = next;
    fault_expect_scene(t, &sc);
}

static int recover(struct t *t, void *ctx)
{
    (void)ctx;
    return vgpu_recover(t_dev(t));
}

static void recovery_of_two_scanouts_survives_every_allocation_failure(struct t *t)
{
    struct fault_scene sc;
    struct attempt a = { .failed = true };
    uint64_t n;

    fault_boot(t, VGPU_IRQ_POLL, 2);
    fault_show(t, &sc, W, H, 9);
    sim_raise_needs_reset(t->sim);
    vgpu_poll(t_dev(t));
    for (n = 1; n < SWEEP_LIMIT && a.failed; n++) {
        a = attempt_failing_nth(t, n, recover, NULL);
        assert_true(a.failed == vgpu_needs_reset(t_dev(t)));
    }
    assert_in_range(n, 5, SWEEP_LIMIT - 1);
    fault_expect_scene(t, &sc);
    fault_expect_accounted(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(cursor_set_survives_every_allocation_failure),
        UNIT_TEST(second_scanout_mode_set_survives_every_allocation_failure),
        UNIT_TEST(recovery_of_two_scanouts_survives_every_allocation_failure),
    };

    return RUN_UNIT_TESTS("fault_alloc", tests);
}
