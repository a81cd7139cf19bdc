/*
 * test_fault_storm.c — display changes faster than the host can follow: the device changes the
 * layout again while the core is still waiting inside the mode set that answers the previous
 * change.  A host that re-queries and re-sets the mode on every DISPLAY_CHANGED event must end
 * on the final size, showing its framebuffer, with one live resource and nothing leaked.
 */
#include "fault_util.h"

#define CHANGES    40u
#define HOST_LIMIT 200u   /* reactions the host may need; more means the events never settle */

struct storm {
    unsigned fired;
    uint32_t w, h;
    bool enabled;
};

/* Size of the n-th change: all different, some with the display switched off. */
static void next_layout(struct storm *s)
{
    s->fired++;
    s->w = 32 + (s->fired * 37) % 160;
    s->h = 24 + (s->fired * 53) % 120;
    s->enabled = s->fired == CHANGES || s->fired % 7 != 3;
}

/* Called at every wait of the core: the host changes the layout again. */
static void change_while_waiting(struct host_dev *d, void *ctx)
{
    struct storm *s = ctx;

    if (s->fired == CHANGES)
        return;
    next_layout(s);
    sim_display_change(host_sim(d), 0, s->w, s->h, s->enabled);
}

/* The host's answer to one event: new framebuffer at the host size, or the scanout off. */
static void react(struct t *t, struct host_fb **cur)
{
    struct vgpu_scanout_info info;
    struct host_fb *fb;

    assert_vgpu_ok(vgpu_query_displays(t_dev(t)));
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    if (!info.enabled || !info.host_width) {
        assert_vgpu_ok(vgpu_disable_scanout(t_dev(t), 0));
        host_fb_free(t->h, *cur);
        *cur = NULL;
        return;
    }
    fb = host_fb_new(t->h, info.host_width, info.host_height, 2, info.host_width);
    fb_draw_pattern(fb, info.host_height);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
    host_fb_free(t->h, *cur);
    *cur = fb;
}

static void storm(struct t *t, enum vgpu_irq_mode mode)
{
    struct storm s = { 0 };
    struct host_fb *cur = NULL;
    struct vgpu_scanout_info info;
    unsigned reactions = 0, seen = 0;

    fault_boot(t, mode, 1);
    host_dev_device_latency(t->d, true, 3000);       /* commands take time: waits happen */
    host_dev_on_wait(t->d, change_while_waiting, &s);
    next_layout(&s);
    sim_display_change(t->sim, 0, s.w, s.h, s.enabled);
    while (reactions < HOST_LIMIT) {
        if (mode == VGPU_IRQ_POLL)
            vgpu_poll(t_dev(t));
        else
            host_dev_pump(t->d);
        if (host_dev_events(t->d, VGPU_OS_EVENT_DISPLAY_CHANGED) == seen && !vgpu_display_event_pending(t_dev(t)))
            break;
        seen = host_dev_events(t->d, VGPU_OS_EVENT_DISPLAY_CHANGED);
        react(t, &cur);
        reactions++;
    }
    host_dev_on_wait(t->d, NULL, NULL);
    assert_int_equal(s.fired, CHANGES);
    assert_true(reactions < HOST_LIMIT);
    assert_true(reactions < CHANGES);                  /* events came faster than reactions */
    print_message("%u layout changes, %u host reactions\n", s.fired, reactions);
    assert_vgpu_ok(vgpu_scanout_info(t_dev(t), 0, &info));
    assert_true(info.active);
    assert_int_equal(info.width, s.w);
    assert_int_equal(info.height, s.h);
    sim_run(t->sim);
    expect_scanout_equals_fb(t, 0, cur);
    fault_expect_accounted(t);
    assert_int_equal(sim_stats(t->sim)->live_resources, 1);
    t->fbs[T_MAX_FBS - 1] = cur;                       /* freed by the harness after the close */
}

static void display_storm_intx(struct t *t) { storm(t, VGPU_IRQ_INTX); }
static void display_storm_msix(struct t *t) { storm(t, VGPU_IRQ_MSIX); }
static void display_storm_poll(struct t *t) { storm(t, VGPU_IRQ_POLL); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(display_storm_intx),
        UNIT_TEST(display_storm_msix),
        UNIT_TEST(display_storm_poll),
    };

    return RUN_UNIT_TESTS("fault_storm", tests);
}
