/*
 * test_fault_3d.c — device faults on the 3D (virgl) path, through core/gpu3d/vgpu3d.h against the
 * sim's 3D side (sim/gpu3d.c): an error response to each 3D command, bad capsets, wrong or
 * short responses (the device latches broken, vgpu_recover brings 3D back), a fence that never
 * completes.  After each fault the core's 3D records must match what the device holds, and the
 * harness checks at teardown that every allocation and DMA block came back.
 */
#include <string.h>

#include "harness.h"
#include "../../core/gpu3d/vgpu3d.h"
#include "../../core/gpu3d/virgl_proto.h"
#include "../../core/gpu3d/virtio_gpu_proto3d.h"

#define TIMEOUT_MS 100u
#define TEX_W 16u
#define TEX_H 8u

/* The core device of this test: opened with vgpu3d_open, closed by the test itself. */
static struct vgpu_dev *dev3d;
/* Texture backing and command stream memory, reused by every step of a test. */
static struct host_fb *tex_mem, *cmd_mem;
/* Contexts the device keeps after the core gave them up (a refused CTX_DESTROY). */
static uint32_t device_kept_ctx;

static void open3d(struct t *t, uint32_t num_capsets)
{
    struct vgpu_params p = { .irq_mode = VGPU_IRQ_POLL, .cmd_timeout_ms = TIMEOUT_MS };

    t->cfg.virgl = true;
    t->cfg.num_capsets = num_capsets;
    t->d = host_dev_new(t->h, &t->cfg);
    t->sim = host_sim(t->d);
    sim_pci_write(t->sim, 0x04, 2, sim_pci_command(t->sim) | 0x0006u);   /* memory + bus master */
    assert_vgpu_ok(vgpu3d_open(t->d, &p, &dev3d));
    assert_true(vgpu3d_available(dev3d));
    if (!tex_mem) {
        tex_mem = t_fb(t, TEX_W, TEX_H, 7);
        cmd_mem = t_fb(t, 16, 1, 8);
    }
    device_kept_ctx = 0;
}

static void close3d(void)
{
    vgpu_close(dev3d);
    dev3d = NULL;
}

/* The fixture frees the memory after the test; forget it here so the next test makes its own. */
static void end_test(void)
{
    close3d();
    tex_mem = cmd_mem = NULL;
}

static const struct vgpu3d_resource_desc texture = {
    .target = VGPU3D_TARGET_2D, .format = VIRGL_FORMAT_B8G8R8A8_UNORM,
    .bind = VIRGL_BIND_SAMPLER_VIEW | VIRGL_BIND_RENDER_TARGET,
    .width = TEX_W, .height = TEX_H, .depth = 1, .array_size = 1,
};

static const struct vgpu3d_transfer whole = { 0, 0, 0, TEX_W, TEX_H, 1, 0, 0, 0, 0 };

/* The core's 3D records equal the device's: contexts, ids, resources, attachments. */
static void expect_3d_accounted(struct t *t)
{
    struct vgpu3d_stats st;
    struct sim_3d_view v;

    vgpu3d_get_stats(dev3d, &st);
    sim_3d(t->sim, &v);
    assert_int_equal(st.ctx_ids_live, st.live_contexts);
    assert_int_equal(st.live_contexts + device_kept_ctx, v.contexts);
    assert_int_equal(st.live_resources, sim_stats(t->sim)->live_resources);
    assert_int_equal(st.live_attachments, v.attachments);
}

/* The whole 3D path works: caps, context, texture with backing, attach, both transfers (the
 * device's copy is read back and compared with what was sent), a fenced submit; then undone. */
static void expect_3d_works(struct t *t, uint32_t seed)
{
    struct host_fb *tex = tex_mem, *cmds = cmd_mem;
    uint32_t ctx, res, before = sim_stats(t->sim)->live_resources;
    uint64_t fence;

    fb_draw_pattern(tex, seed);
    assert_vgpu_ok(vgpu3d_load_caps(dev3d, NULL));
    assert_vgpu_ok(vgpu3d_ctx_create(dev3d, "fault", &ctx));
    assert_vgpu_ok(vgpu3d_resource_create(dev3d, &texture, tex->segs,
                                          tex->nsegs, &res));
    assert_vgpu_ok(vgpu3d_ctx_attach(dev3d, ctx, res));
    assert_vgpu_ok(vgpu3d_transfer_to_host(dev3d, ctx, res, &whole, NULL));
    fb_draw_pattern(tex, seed + 2);                       /* overwritten by the read-back */
    assert_vgpu_ok(vgpu3d_transfer_from_host(dev3d, ctx, res, &whole, NULL));
    for (uint32_t y = 0; y < TEX_H; y++)
        for (uint32_t x = 0; x < TEX_W; x++)
            assert_int_equal(host_fb_get(tex, x, y), pattern(x, y, seed));
    assert_vgpu_ok(vgpu3d_submit(dev3d, ctx, cmds->segs, cmds->nsegs, 64, &fence));
    assert_vgpu_ok(vgpu3d_fence_wait(dev3d, ctx, fence, TIMEOUT_MS));
    expect_3d_accounted(t);
    assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, res));
    assert_vgpu_ok(vgpu3d_ctx_destroy(dev3d, ctx));
    assert_int_equal(sim_stats(t->sim)->live_resources, before);
    expect_3d_accounted(t);
}

/* ---- error responses ---- */

struct live3d { uint32_t ctx, res; struct host_fb *tex, *cmds; };

static void make_live(struct t *t, struct live3d *l, bool attach)
{
    (void)t;
    l->tex = tex_mem;
    l->cmds = cmd_mem;
    assert_vgpu_ok(vgpu3d_load_caps(dev3d, NULL));
    assert_vgpu_ok(vgpu3d_ctx_create(dev3d, NULL, &l->ctx));
    assert_vgpu_ok(vgpu3d_resource_create(dev3d, &texture, l->tex->segs,
                                          l->tex->nsegs, &l->res));
    if (attach)
        assert_vgpu_ok(vgpu3d_ctx_attach(dev3d, l->ctx, l->res));
}

/* One 3D call answered with ERR_UNSPEC: VGPU_E_DEVICE, nothing half-made, the device usable. */
static int fail_one(struct t *t, uint32_t cmd, struct live3d *l)
{
    uint32_t id = 0;
    uint8_t caps[4096];

    sim_fault_error_next(t->sim, cmd, VIRTIO_GPU_RESP_ERR_UNSPEC);
    switch (cmd) {
    case VIRTIO_GPU_CMD_GET_CAPSET_INFO: return vgpu3d_load_caps(dev3d, NULL);
    case VIRTIO_GPU_CMD_GET_CAPSET:      return vgpu3d_get_capset(dev3d, 2, 2, caps, sizeof(caps), &id);
    case VIRTIO_GPU_CMD_CTX_CREATE:      return vgpu3d_ctx_create(dev3d, "x", &id);
    case VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE: return vgpu3d_ctx_attach(dev3d, l->ctx, l->res);
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D: return vgpu3d_transfer_to_host(dev3d, l->ctx, l->res, &whole, NULL);
    case VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D:
        return vgpu3d_transfer_from_host(dev3d, l->ctx, l->res, &whole, NULL);
    case VIRTIO_GPU_CMD_SUBMIT_3D:       return vgpu3d_submit(dev3d, l->ctx, l->cmds->segs, l->cmds->nsegs, 64, NULL);
    default:                             return vgpu3d_resource_create(dev3d, &texture, l->tex->segs, l->tex->nsegs, &id);
    }
}

static void error_response_to_each_3d_command(struct t *t)
{
    static const uint32_t cmds[] = {
        VIRTIO_GPU_CMD_GET_CAPSET_INFO, VIRTIO_GPU_CMD_GET_CAPSET, VIRTIO_GPU_CMD_CTX_CREATE,
        VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
        VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D,
        VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, VIRTIO_GPU_CMD_SUBMIT_3D,
    };
    struct live3d l;

    open3d(t, 1);
    for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        uint64_t errors = sim_stats(t->sim)->error_responses;
        make_live(t, &l, cmds[i] != VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE);
        if (fail_one(t, cmds[i], &l) != VGPU_E_DEVICE)
            fail_msg("command 0x%x: error response did not give VGPU_E_DEVICE", cmds[i]);
        assert_int_equal(sim_stats(t->sim)->error_responses, errors + 1);
        assert_false(vgpu_needs_reset(dev3d));
        expect_3d_accounted(t);
        assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, l.res));
        assert_vgpu_ok(vgpu3d_ctx_destroy(dev3d, l.ctx));
        expect_3d_accounted(t);
        expect_3d_works(t, 100 + i);
    }
    end_test();
}

/* Detach and destroy answered with an error: the core forgets the attachment / context anyway
 * (ids must not be reused against the device's will) and says so. */
static void error_response_to_detach_and_destroy(struct t *t)
{
    struct live3d l;
    struct vgpu3d_stats st;

    open3d(t, 1);
    make_live(t, &l, true);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(vgpu3d_ctx_detach(dev3d, l.ctx, l.res), VGPU_E_DEVICE);
    vgpu3d_get_stats(dev3d, &st);
    assert_int_equal(st.live_attachments, 0);
    assert_int_equal(vgpu3d_ctx_detach(dev3d, l.ctx, l.res), VGPU_E_INVAL);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_CTX_DESTROY, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(vgpu3d_ctx_destroy(dev3d, l.ctx), VGPU_E_DEVICE);
    vgpu3d_get_stats(dev3d, &st);
    assert_int_equal(st.live_contexts, 0);
    assert_int_equal(st.ctx_ids_live, 0);
    device_kept_ctx = 1;
    assert_int_equal(vgpu3d_submit(dev3d, l.ctx, l.cmds->segs, l.cmds->nsegs, 64, NULL), VGPU_E_INVAL);
    assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, l.res));
    expect_3d_works(t, 200);   /* a fresh context id: the refused one is not handed out again */
    end_test();
}

/* A fenced command answered with an error: counted, the fence completes, nothing breaks. */
static void error_response_to_fenced_commands(struct t *t)
{
    struct live3d l;
    struct vgpu_stats st;
    uint64_t fence;

    open3d(t, 1);
    make_live(t, &l, true);
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_SUBMIT_3D, VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_vgpu_ok(vgpu3d_submit(dev3d, l.ctx, l.cmds->segs, l.cmds->nsegs, 64, &fence));
    assert_vgpu_ok(vgpu3d_fence_wait(dev3d, l.ctx, fence, TIMEOUT_MS));
    sim_fault_error_next(t->sim, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_vgpu_ok(vgpu3d_transfer_to_host(dev3d, l.ctx, l.res, &whole, &fence));
    assert_vgpu_ok(vgpu3d_fence_wait(dev3d, l.ctx, fence, TIMEOUT_MS));
    vgpu_get_stats(dev3d, &st);
    assert_int_equal(st.async_errors, 2);
    assert_false(vgpu_needs_reset(dev3d));
    assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, l.res));
    assert_vgpu_ok(vgpu3d_ctx_destroy(dev3d, l.ctx));
    expect_3d_works(t, 300);
    end_test();
}

/* ---- bad capsets ---- */

struct bad_capset {
    const char *what;
    uint32_t num_capsets, id, max_version, max_size, len;
    uint32_t version_word;    /* the capset's own max_version field */
    int want;                 /* from vgpu3d_load_caps */
    bool breaks;              /* a protocol violation in a response: the device is latched broken */
};

static const struct bad_capset bad_capsets[] = {
    { "id 0",                1, 0, 2, 1024, 1024, 2, VGPU_E_PROTO, false },
    { "max_version 0",       1, 2, 0, 1024, 1024, 2, VGPU_E_PROTO, false },
    { "max_size 0",          1, 2, 2, 0, 0, 2, VGPU_E_PROTO, false },
    { "max_size huge",       1, 2, 2, 0x7fffffffu, 1024, 2, VGPU_E_PROTO, false },
    { "only unknown ids",    1, 9, 1, 1024, 1024, 2, VGPU_E_UNSUPPORTED, false },
    { "no capsets",          0, 2, 2, 1024, 1024, 2, VGPU_E_UNSUPPORTED, false },
    { "absurd count",        100000, 2, 2, 1024, 1024, 2, VGPU_E_PROTO, false },
    { "shorter than v1",     1, 2, 2, 100, 100, 2, VGPU_E_PROTO, false },
    { "version field 0",     1, 2, 2, 1024, 1024, 0, VGPU_E_PROTO, false },
    { "truncated response",  1, 2, 2, 1024, 200, 2, VGPU_E_PROTO, true },
};

static void bad_capsets_are_refused(struct t *t)
{
    uint8_t bytes[1024] = { 0 };
    struct virgl_caps caps;

    for (unsigned i = 0; i < sizeof(bad_capsets) / sizeof(bad_capsets[0]); i++) {
        const struct bad_capset *b = &bad_capsets[i];
        uint32_t id;

        t->d = NULL;
        open3d(t, b->num_capsets);
        bytes[0] = (uint8_t)b->version_word;
        bytes[4] = 1u << 1;
        sim_set_capset(t->sim, 0, b->id, b->max_version, b->max_size, bytes, b->len);
        if (vgpu3d_load_caps(dev3d, &caps) != b->want)
            fail_msg("%s: load_caps did not give %s", b->what, vgpu_status_name(b->want));
        assert_int_equal(vgpu_needs_reset(dev3d), b->breaks);
        if (b->breaks)
            assert_vgpu_ok(vgpu_recover(dev3d));
        /* Without caps the core still checks resources against its own limits. */
        assert_vgpu_ok(vgpu3d_resource_create(dev3d, &texture, tex_mem->segs, tex_mem->nsegs, &id));
        assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, id));
        close3d();
        host_dev_free(t->d);
        t->d = NULL;
        t->sim = NULL;
    }
    tex_mem = cmd_mem = NULL;
}

/* ---- protocol violations: latched broken, recovery brings 3D back ---- */

static int call_for(uint32_t cmd, struct live3d *l)
{
    uint32_t id;
    uint8_t caps[4096];

    switch (cmd) {
    case VIRTIO_GPU_CMD_GET_CAPSET_INFO: return vgpu3d_load_caps(dev3d, NULL);
    case VIRTIO_GPU_CMD_GET_CAPSET:      return vgpu3d_get_capset(dev3d, 2, 2, caps, sizeof(caps), &id);
    case VIRTIO_GPU_CMD_CTX_CREATE:      return vgpu3d_ctx_create(dev3d, "x", &id);
    case VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE: return vgpu3d_ctx_detach(dev3d, l->ctx, l->res);
    case VIRTIO_GPU_CMD_CTX_DESTROY:     return vgpu3d_ctx_destroy(dev3d, l->ctx);
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D: return vgpu3d_transfer_to_host(dev3d, l->ctx, l->res, &whole, NULL);
    case VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D:
        return vgpu3d_transfer_from_host(dev3d, l->ctx, l->res, &whole, NULL);
    case VIRTIO_GPU_CMD_SUBMIT_3D:       return vgpu3d_submit(dev3d, l->ctx, l->cmds->segs, l->cmds->nsegs, 64, NULL);
    default:                             return vgpu3d_resource_create(dev3d, &texture, l->tex->segs, l->tex->nsegs, &id);
    }
}

static void expect_broken_then_recovered(struct t *t, struct live3d *l)
{
    struct vgpu3d_stats st;

    assert_true(vgpu_needs_reset(dev3d));
    assert_int_equal(vgpu3d_load_caps(dev3d, NULL), VGPU_E_BROKEN);
    assert_vgpu_ok(vgpu_recover(dev3d));
    assert_false(vgpu_needs_reset(dev3d));
    vgpu3d_get_stats(dev3d, &st);
    assert_int_equal(st.live_contexts, 0);
    assert_int_equal(st.live_resources, 0);
    assert_int_equal(st.ctx_ids_live, 0);
    assert_int_equal(vgpu3d_submit(dev3d, l->ctx, l->cmds->segs, l->cmds->nsegs, 64, NULL), VGPU_E_INVAL);
    assert_int_equal(vgpu3d_resource_destroy(dev3d, l->res), VGPU_E_INVAL);
    expect_3d_accounted(t);
}

static void wrong_response_type_breaks_and_recovers(struct t *t)
{
    static const uint32_t cmds[] = {
        VIRTIO_GPU_CMD_GET_CAPSET_INFO, VIRTIO_GPU_CMD_GET_CAPSET, VIRTIO_GPU_CMD_CTX_CREATE,
        VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE, VIRTIO_GPU_CMD_CTX_DESTROY,
        VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, VIRTIO_GPU_CMD_SUBMIT_3D,
    };
    struct live3d l;

    open3d(t, 1);
    for (unsigned i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        make_live(t, &l, true);
        sim_fault_error_next(t->sim, cmds[i], VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
        if (call_for(cmds[i], &l) != VGPU_E_PROTO)
            fail_msg("command 0x%x: wrong response type did not give VGPU_E_PROTO", cmds[i]);
        expect_broken_then_recovered(t, &l);
        expect_3d_works(t, 400 + i);
    }
    end_test();
}

/* The right OK type but only a header: shorter than the capset info / the capset. */
static void short_responses_break_and_recover(struct t *t)
{
    static const uint32_t cmds[][2] = {
        { VIRTIO_GPU_CMD_GET_CAPSET_INFO, VIRTIO_GPU_RESP_OK_CAPSET_INFO },
        { VIRTIO_GPU_CMD_GET_CAPSET, VIRTIO_GPU_RESP_OK_CAPSET },
    };
    struct live3d l;

    open3d(t, 1);
    for (unsigned i = 0; i < 2; i++) {
        make_live(t, &l, true);
        sim_fault_error_next(t->sim, cmds[i][0], cmds[i][1]);
        assert_int_equal(call_for(cmds[i][0], &l), VGPU_E_PROTO);
        expect_broken_then_recovered(t, &l);
        expect_3d_works(t, 500 + i);
    }
    end_test();
}

/* ---- a fence that never completes ---- */

static void stuck_fence_times_out_and_2d_goes_on(struct t *t)
{
    struct live3d l;
    struct host_fb *fb;
    struct vgpu_rect all = { 0, 0, 320, 200 };
    uint64_t fence, submitted, completed;

    open3d(t, 1);
    make_live(t, &l, true);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_SUBMIT_3D);
    assert_vgpu_ok(vgpu3d_submit(dev3d, l.ctx, l.cmds->segs, l.cmds->nsegs, 64, &fence));
    assert_int_equal(vgpu3d_fence_wait(dev3d, l.ctx, fence, TIMEOUT_MS), VGPU_E_TIMEOUT);
    assert_false(vgpu_needs_reset(dev3d));
    assert_vgpu_ok(vgpu3d_ctx_fences(dev3d, l.ctx, &submitted, &completed));
    assert_int_equal(submitted, fence);
    assert_true(completed < fence);
    fb = t_fb(t, 320, 200, 42);
    assert_vgpu_ok(vgpu_set_mode(dev3d, 0, &fb->fb));
    assert_vgpu_ok(vgpu_flush_rect(dev3d, 0, &all));
    expect_scanout_pattern(t, 0, 320, 200, 42);
    assert_int_equal(vgpu3d_fence_wait(dev3d, l.ctx, fence, TIMEOUT_MS), VGPU_E_TIMEOUT);
    assert_int_equal(sim_release_held(t->sim), 1);
    assert_vgpu_ok(vgpu3d_fence_wait(dev3d, l.ctx, fence, TIMEOUT_MS));
    assert_vgpu_ok(vgpu_disable_scanout(dev3d, 0));
    assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, l.res));
    assert_vgpu_ok(vgpu3d_ctx_destroy(dev3d, l.ctx));
    expect_3d_works(t, 600);
    end_test();
}

/* The fence is still stuck when the context goes and when the device closes. */
static void stuck_fence_at_destroy_and_close(struct t *t)
{
    struct live3d l;
    uint64_t fence;

    open3d(t, 1);
    make_live(t, &l, true);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_SUBMIT_3D);
    assert_vgpu_ok(vgpu3d_submit(dev3d, l.ctx, l.cmds->segs, l.cmds->nsegs, 64, &fence));
    assert_vgpu_ok(vgpu3d_ctx_destroy(dev3d, l.ctx));
    make_live(t, &l, true);
    sim_fault_hold_next(t->sim, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D);
    assert_vgpu_ok(vgpu3d_transfer_to_host(dev3d, l.ctx, l.res, &whole, &fence));
    end_test();
}

/* A vtest program names its resource ids: exactly that id, refused while live or out of range. */
static void resource_with_a_named_id(struct t *t)
{
    open3d(t, 1);
    assert_vgpu_ok(vgpu3d_load_caps(dev3d, NULL));
    assert_vgpu_ok(vgpu3d_resource_create_as(dev3d, &texture, tex_mem->segs, tex_mem->nsegs, 77));
    assert_int_equal(vgpu3d_resource_create_as(dev3d, &texture, NULL, 0, 77), VGPU_E_BUSY);
    assert_int_equal(vgpu3d_resource_create_as(dev3d, &texture, NULL, 0, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu3d_resource_create_as(dev3d, &texture, NULL, 0, 4096), VGPU_E_INVAL);
    assert_int_equal(sim_stats(t->sim)->live_resources, 1);
    expect_3d_accounted(t);
    assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, 77));
    assert_vgpu_ok(vgpu3d_resource_create_as(dev3d, &texture, NULL, 0, 77));   /* free again */
    assert_vgpu_ok(vgpu3d_resource_destroy(dev3d, 77));
    assert_int_equal(sim_stats(t->sim)->live_resources, 0);
    end_test();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(error_response_to_each_3d_command),
        UNIT_TEST(error_response_to_detach_and_destroy),
        UNIT_TEST(error_response_to_fenced_commands),
        UNIT_TEST(bad_capsets_are_refused),
        UNIT_TEST(wrong_response_type_breaks_and_recovers),
        UNIT_TEST(short_responses_break_and_recover),
        UNIT_TEST(stuck_fence_times_out_and_2d_goes_on),
        UNIT_TEST(stuck_fence_at_destroy_and_close),
        UNIT_TEST(resource_with_a_named_id),
    };
    return RUN_UNIT_TESTS("fault_3d", tests);
}
