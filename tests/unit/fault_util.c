/* fault_util.c — the scene of the fault-injection tests (see fault_util.h). */
#include <string.h>

#include "fault_util.h"

void fault_boot(struct t *t, enum vgpu_irq_mode mode, unsigned nscanouts)
{
    struct vgpu_params p = { .irq_mode = mode, .msix_vectors = 2, .cmd_timeout_ms = FAULT_TIMEOUT_MS };

    t->cfg.num_scanouts = nscanouts;
    t->cfg.display[1] = (struct sim_display){ 800, 600, nscanouts > 1 };
    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    assert_vgpu_ok(host_dev_open_params(t->d, &p));
}

void fault_show(struct t *t, struct fault_scene *sc, uint32_t w, uint32_t h, uint32_t seed)
{
    sc->nscanouts = vgpu_scanout_count(t_dev(t)) < 2 ? 1 : 2;
    for (unsigned s = 0; s < sc->nscanouts; s++) {
        uint32_t sw = s ? w * 3 / 4 : w, sh = s ? h * 3 / 4 : h;
        struct vgpu_rect all = { 0, 0, sw, sh };

        sc->fb[s] = t_fb_segs(t, sw, sh, seed + s, 3);
        assert_vgpu_ok(vgpu_set_mode(t_dev(t), s, &sc->fb[s]->fb));
        assert_vgpu_ok(vgpu_flush_rect(t_dev(t), s, &all));
    }
    for (uint32_t i = 0; i < VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE; i++)
        sc->cursor[i] = 0xff000000u | pattern(i % VGPU_CURSOR_SIZE, i / VGPU_CURSOR_SIZE, seed + 50);
    sc->hot_x = 5;
    sc->hot_y = 7;
    sc->x = w / 2;
    sc->y = h / 3;
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, sc->cursor, sc->hot_x, sc->hot_y, sc->x, sc->y));
    fault_expect_scene(t, sc);
}

void fault_expect_scene(struct t *t, const struct fault_scene *sc)
{
    struct sim_cursor_view c;

    sim_run(t->sim);   /* a deferred device runs what is queued (cursor commands wait for no one) */
    for (unsigned s = 0; s < sc->nscanouts; s++)
        expect_scanout_equals_fb(t, s, sc->fb[s]);
    assert_true(sim_cursor(t->sim, 0, &c));
    if (!c.defined || !c.visible || c.hot_x != sc->hot_x || c.hot_y != sc->hot_y || c.x != sc->x ||
        c.y != sc->y)
        fail_msg("cursor: defined %d visible %d hot %u,%u at %u,%u; wanted hot %u,%u at %u,%u",
                 c.defined, c.visible, c.hot_x, c.hot_y, c.x, c.y, sc->hot_x, sc->hot_y, sc->x, sc->y);
    assert_memory_equal(c.image, sc->cursor, sizeof(sc->cursor));
}

void fault_expect_accounted(struct t *t)
{
    struct vgpu_stats st;

    vgpu_get_stats(t_dev(t), &st);
    if (sim_stats(t->sim)->live_resources != st.live_resources)
        fail_msg("the device holds %u resources, the core counts %u live",
                 sim_stats(t->sim)->live_resources, st.live_resources);
}

void fault_recover(struct t *t, const struct fault_scene *sc)
{
    assert_vgpu_ok(vgpu_recover(t_dev(t)));
    assert_false(vgpu_needs_reset(t_dev(t)));
    expect_status_ok(t);
    fault_expect_scene(t, sc);
    fault_expect_accounted(t);
}
