/*
 * test_ids_heads_fences.c — what a reviewer asks of a display driver's bookkeeping: resource ids
 * when every one is live and when they come back, the heads a device reset leaves behind, and the
 * fence ids that travel with each fenced request and come back in its reply.
 */
#include "harness.h"

#include "../../core/base/idalloc.h"

#define EVERY_ID (IDALLOC_CAPACITY - 1u)   /* id 0 means "no resource" */

static void take_every_id(struct idalloc *a)
{
    idalloc_init(a);
    for (uint32_t i = 0; i < EVERY_ID; i++)
        assert_int_not_equal(idalloc_get(a), 0);
    assert_int_equal(idalloc_get(a), 0);      /* exhausted: no id, never a live one twice */
}

/* With every id live, a single freed id (first, middle or last) is the one handed out next. */
static void exhausted_ids_come_back_one_by_one(void **state)
{
    static const uint32_t freed[] = { 1, 2048, EVERY_ID };
    struct idalloc a;
    (void)state;

    take_every_id(&a);
    for (unsigned i = 0; i < sizeof freed / sizeof freed[0]; i++) {
        idalloc_put(&a, freed[i]);
        assert_false(idalloc_is_live(&a, freed[i]));
        assert_int_equal(idalloc_get(&a), freed[i]);
        assert_int_equal(idalloc_get(&a), 0);
    }
    assert_int_equal(a.live, EVERY_ID);
}

/* A freed id is not reused while fresh ones remain: a late reply naming it points at nothing new. */
static void freed_ids_wait_their_turn(void **state)
{
    struct idalloc a;
    uint32_t first, second;
    (void)state;

    idalloc_init(&a);
    first = idalloc_get(&a);
    second = idalloc_get(&a);
    idalloc_put(&a, first);
    assert_int_not_equal(idalloc_get(&a), first);
    assert_int_not_equal(idalloc_get(&a), second);
    idalloc_put(&a, 0);                        /* neither "no resource" nor a stranger is freed */
    idalloc_put(&a, 4000);
    assert_int_equal(a.live, 3);
}

/* More mode sets than there are ids: the ids wrap and each CREATE_2D names a resource not live. */
static void mode_churn_wraps_resource_ids_on_the_device(struct t *t)
{
    struct host_fb *fb[2] = { t_fb(t, 16, 16, 1), t_fb(t, 32, 16, 2) };
    uint32_t seen_high = 0, id;
    struct sim_scanout_view v;

    t_boot(t);
    for (uint32_t i = 0; i < IDALLOC_CAPACITY + 64u; i++) {
        assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb[i & 1]->fb));
        assert_true(sim_scanout(t->sim, 0, &v) && v.active);
        id = v.resource_id;
        seen_high = id > seen_high ? id : seen_high;
    }
    assert_int_equal(seen_high, EVERY_ID);      /* every id was used once before any came back */
    assert_true(id < 64u + 2u);                /* and the first ones came back after the wrap */
    assert_int_equal(sim_stats(t->sim)->error_responses, 0);
    expect_live_resources(t, 1);
    expect_scanout_pattern(t, 0, 32, 16, 2);
}

/* After a device reset the heads are as the host left them: shown ones again, a disabled one not. */
static void heads_after_reset_are_as_the_host_left_them(struct t *t)
{
    struct host_fb *a = t_fb(t, 64, 48, 11), *b = t_fb(t, 48, 32, 12), *c = t_fb(t, 32, 32, 13);
    struct sim_scanout_view v;

    t->cfg.num_scanouts = 3;
    t_boot(t);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &a->fb));
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 1, &b->fb));
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 2, &c->fb));
    assert_vgpu_ok(vgpu_disable_scanout(t_dev(t), 1));
    sim_raise_needs_reset(t->sim);
    vgpu_poll(t_dev(t));
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_vgpu_ok(vgpu_recover(t_dev(t)));
    expect_scanout_pattern(t, 0, 64, 48, 11);
    expect_scanout_pattern(t, 2, 32, 32, 13);
    assert_true(sim_scanout(t->sim, 1, &v));
    assert_false(v.active);
    expect_live_resources(t, 2);
    assert_int_equal(vgpu_flush_rect(t_dev(t), 1, &(struct vgpu_rect){ 0, 0, 8, 8 }), VGPU_E_INVAL);
}

/* Each fenced request carries a new fence id, one more than the last, and the device sees it. */
static void fence_ids_reach_the_device_in_order(struct t *t)
{
    struct host_fb *fb = t_fb(t, 64, 64, 21);
    struct vgpu_rect r = { 0, 0, 8, 8 };
    uint64_t fenced, last;

    t_boot(t);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, &r, 1));
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    fenced = sim_stats(t->sim)->fenced;
    last = sim_stats(t->sim)->last_fence;
    assert_true(fenced >= 2 && last != 0);
    for (int i = 0; i < 5; i++)
        assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, &r, 1));   /* transfer + flush each */
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    assert_int_equal(sim_stats(t->sim)->fenced - fenced, 10);
    assert_int_equal(sim_stats(t->sim)->last_fence - last, 10);
}

/* A reply that echoes another fence id is a protocol violation: the device needs recovery. */
static void reply_with_a_foreign_fence_breaks_and_recovers(struct t *t)
{
    struct host_fb *fb = t_fb(t, 64, 64, 31);
    struct vgpu_rect r = { 8, 8, 16, 16 };

    t_boot(t);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    sim_fault_wrong_fence_next(t->sim);
    vgpu_flush_rects_async(t_dev(t), 0, &r, 1);
    vgpu_wait_idle(t_dev(t));
    assert_true(vgpu_needs_reset(t_dev(t)));
    assert_vgpu_ok(vgpu_recover(t_dev(t)));
    fb_draw_rect(fb, &r, 0x00abcdefu);
    assert_vgpu_ok(vgpu_flush_rects_async(t_dev(t), 0, &r, 1));
    assert_vgpu_ok(vgpu_wait_idle(t_dev(t)));
    assert_false(vgpu_needs_reset(t_dev(t)));
    expect_scanout_equals_fb(t, 0, fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exhausted_ids_come_back_one_by_one),
        cmocka_unit_test(freed_ids_wait_their_turn),
        UNIT_TEST(mode_churn_wraps_resource_ids_on_the_device),
        UNIT_TEST(heads_after_reset_are_as_the_host_left_them),
        UNIT_TEST(fence_ids_reach_the_device_in_order),
        UNIT_TEST(reply_with_a_foreign_fence_breaks_and_recovers),
    };
    return RUN_UNIT_TESTS("ids_heads_fences", tests);
}
