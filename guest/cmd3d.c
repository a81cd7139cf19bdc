/* cmd3d.c — the `gl` commands: capsets, the 3D scene, read-back, churn, bad streams, benchmark. */
#include "cmd3d.h"

#include "clock.h"
#include "fmt.h"
#include "base/idalloc.h"
#include "libc.h"
#include "scene3d.h"
#include "gpu3d/virgl_proto.h"

#define RUNS_PER_LINE  24u
#define HEX_PER_LINE   96u
#define CAPSET_BUF     VGPU3D_CAPSET_MAX_SIZE

static bool want_3d;
static struct scene3d scene;
static uint8_t capset_bytes[CAPSET_BUF];

static bool same(const char *a, const char *b)
{
    return strlen(a) == strlen(b) && !strncmp(a, b, strlen(a));
}

int cmd3d_open(void *os, const struct vgpu_params *p, struct vgpu_dev **dev)
{
    return want_3d ? vgpu3d_open(os, p, dev) : vgpu_open(os, p, dev);
}

/* After `close` + `init` the scene's ids belong to a dead device: drop its memory only. */
static struct scene3d *scene_for(struct session *s)
{
    if (scene.dev != s->gpu->dev) {
        fb_destroy(&scene.rt_mem);
        fb_destroy(&scene.vb_mem);
        fb_destroy(&scene.cmd_mem);
        scene = (struct scene3d){ .dev = s->gpu->dev };
    }
    return &scene;
}

static int gl_on(struct session *s, unsigned argc, char **argv)
{
    (void)s, (void)argc, (void)argv;
    want_3d = true;
    return VGPU_OK;
}

static int gl_off(struct session *s, unsigned argc, char **argv)
{
    (void)s, (void)argc, (void)argv;
    want_3d = false;
    return VGPU_OK;
}

/* ---- capsets ---- */

static void print_hex(uint32_t id, const uint8_t *b, uint32_t len)
{
    static const char digits[] = "0123456789abcdef";
    char line[2 * HEX_PER_LINE + 1];

    for (uint32_t off = 0; off < len; off += HEX_PER_LINE) {
        uint32_t n = len - off < HEX_PER_LINE ? len - off : HEX_PER_LINE;
        for (uint32_t i = 0; i < n; i++) {
            line[2 * i] = digits[b[off + i] >> 4];
            line[2 * i + 1] = digits[b[off + i] & 15];
        }
        line[2 * n] = '\0';
        out_line("INFO capset_hex id=%u off=%u hex=%s", id, off, line);
    }
}

static void print_caps(const struct virgl_caps *c)
{
    char name[VIRGL_RENDERER_MAX];
    for (unsigned i = 0; i < sizeof name; i++)
        name[i] = c->renderer[i] == ' ' ? '_' : c->renderer[i];
    out_line("INFO caps id=%u max_version=%u bytes=%u glsl=%u max_rt=%u max_samples=%u max_layers=%u "
             "max_viewports=%u max_2d=%u max_3d=%u max_cube=%u max_attribs=%u render_formats=%u "
             "sampler_formats=%u depth_formats=%u vertex_formats=%u scanout_formats=%u bool_caps=0x%x "
             "cap_bits=0x%x cap_bits_v2=0x%x clamped=%u",
             c->capset_id, c->max_version, c->bytes, c->glsl_level, c->max_render_targets, c->max_samples,
             c->max_texture_array_layers, c->max_viewports, c->max_texture_2d_size, c->max_texture_3d_size,
             c->max_texture_cube_size, c->max_vertex_attribs, virgl_format_count(&c->render),
             virgl_format_count(&c->sampler), virgl_format_count(&c->depthstencil),
             virgl_format_count(&c->vertexbuffer), virgl_format_count(&c->scanout), c->bool_caps,
             c->capability_bits, c->capability_bits_v2, c->clamped);
    out_line("INFO caps_renderer name=%s", name[0] ? name : "-");   /* a line of its own: up to 63 bytes */
}

static int gl_caps(struct session *s, unsigned argc, char **argv)
{
    struct vgpu_dev *dev = s->gpu->dev;
    struct vgpu3d_capset_info ci;
    struct virgl_caps caps;
    unsigned n = vgpu3d_capset_count(dev);
    (void)argc, (void)argv;

    for (unsigned i = 0; i < n; i++) {
        uint32_t len;
        int st = vgpu3d_capset_info(dev, i, &ci);
        if (st != VGPU_OK)
            return st;
        out_line("INFO capset index=%u id=%u max_version=%u max_size=%u", i, ci.id, ci.max_version, ci.max_size);
        if ((st = vgpu3d_get_capset(dev, ci.id, ci.max_version, capset_bytes, sizeof capset_bytes, &len)) != VGPU_OK)
            return st;
        print_hex(ci.id, capset_bytes, len);
    }
    int st = vgpu3d_load_caps(dev, &caps);
    if (st != VGPU_OK)
        return st;
    print_caps(&caps);
    session_say(s, "capsets=%u", n);
    return VGPU_OK;
}

/* ---- the scene ---- */

static int gl_target(struct session *s, unsigned argc, char **argv)
{
    uint32_t n[3] = { 0, 0, VIRGL_FORMAT_B8G8R8A8_UNORM };
    if (!session_numbers(s, argv, argc, n))
        return VGPU_E_INVAL;
    struct scene3d *sc = scene_for(s);
    int st = scene_target(sc, n[0], n[1], n[2]);
    if (st == VGPU_OK)
        session_say(s, "ctx=%u res=%u segs=%u", sc->ctx, sc->rt, sc->rt_mem.nsegs);
    return st;
}

static int gl_split(struct session *s, unsigned argc, char **argv)
{
    (void)argc;
    return session_numbers(s, argv, 1, &scene_for(s)->split) ? VGPU_OK : VGPU_E_INVAL;
}

static int gl_clear(struct session *s, unsigned argc, char **argv)
{
    uint32_t rgba[4];
    (void)argc;
    if (!session_numbers(s, argv, 4, rgba))
        return VGPU_E_INVAL;
    struct scene3d *sc = scene_for(s);
    int st = scene_clear(sc, rgba);
    if (st == VGPU_OK)
        session_say(s, "pieces=%u", sc->last_pieces);
    return st;
}

static int gl_tri(struct session *s, unsigned argc, char **argv)
{
    uint32_t n[10];
    (void)argc;
    if (!session_numbers(s, argv, 10, n))
        return VGPU_E_INVAL;
    struct scene3d *sc = scene_for(s);
    int st = scene_triangle(sc, n, n + 6);
    if (st == VGPU_OK)
        session_say(s, "pieces=%u", sc->last_pieces);
    return st;
}

/* Rows as runs "AARRGGBB*count", a few dozen runs per line. */
static void print_row(const uint32_t *px, uint32_t y, uint32_t x0, uint32_t w)
{
    char line[RUNS_PER_LINE * 20 + 1];
    uint32_t x = x0, end = x0 + w;

    while (x < end) {
        size_t at = 0;
        uint32_t start = x;
        for (unsigned r = 0; r < RUNS_PER_LINE && x < end; r++) {
            uint32_t v = px[x], k = 1;
            while (x + k < end && px[x + k] == v)
                k++;
            at += fmt(line + at, sizeof line - at, "%s%08x*%u", r ? "," : "", v, k);
            x += k;
        }
        out_line("INFO px y=%u x=%u runs=%s", y, start, line);
    }
}

static int gl_read(struct session *s, unsigned argc, char **argv)
{
    struct scene3d *sc = scene_for(s);
    uint32_t n[4] = { 0, 0, sc->width, sc->height };
    if (argc && (argc != 4 || !session_numbers(s, argv, 4, n)))
        return session_fail(s, VGPU_E_INVAL, "read takes no box or X Y W H");
    struct vgpu_rect r = { n[0], n[1], n[2], n[3] };
    int st = scene_read(sc, &r);
    if (st != VGPU_OK)
        return st;
    /* The whole target, not just the box: what lies outside must still be poison. */
    for (uint32_t y = 0; y < sc->height; y++)
        print_row(sc->rt_mem.pixels + (uint64_t)y * sc->width, y, 0, sc->width);
    session_say(s, "w=%u h=%u", r.width, r.height);
    return VGPU_OK;
}

static int show_or_hide(struct session *s, char **argv, bool on)
{
    uint32_t scanout;
    if (!session_numbers(s, argv, 1, &scanout))
        return VGPU_E_INVAL;
    return scene_show(scene_for(s), scanout, on);
}

static int gl_show(struct session *s, unsigned argc, char **argv)
{
    (void)argc;
    return show_or_hide(s, argv, true);
}

static int gl_hide(struct session *s, unsigned argc, char **argv)
{
    (void)argc;
    return show_or_hide(s, argv, false);
}

static int gl_free(struct session *s, unsigned argc, char **argv)
{
    (void)argc, (void)argv;
    scene_free(scene_for(s));
    return VGPU_OK;
}

/* ---- lifetime churn ---- */

/* One context with one attached 3D resource, made and unmade. */
static int churn_once(struct vgpu_dev *dev, uint32_t *last_ctx)
{
    struct vgpu3d_resource_desc d = { VGPU3D_TARGET_2D, VIRGL_FORMAT_B8G8R8A8_UNORM,
                                      VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW, 16, 16, 1, 1, 0, 0, 0 };
    uint32_t ctx, res;
    int st = vgpu3d_ctx_create(dev, "churn", &ctx);

    if (st != VGPU_OK)
        return st;
    *last_ctx = ctx;
    if ((st = vgpu3d_resource_create(dev, &d, NULL, 0, &res)) == VGPU_OK) {
        if ((st = vgpu3d_ctx_attach(dev, ctx, res)) == VGPU_OK)
            st = vgpu3d_ctx_detach(dev, ctx, res);
        int st2 = vgpu3d_resource_destroy(dev, res);
        st = st == VGPU_OK ? st2 : st;
    }
    int st3 = vgpu3d_ctx_destroy(dev, ctx);
    return st == VGPU_OK ? st3 : st;
}

static int gl_churn(struct session *s, unsigned argc, char **argv)
{
    struct vgpu3d_stats g;
    struct vgpu_stats v;
    uint32_t n, last = 0, i;
    int st = VGPU_OK;
    (void)argc;
    if (!session_numbers(s, argv, 1, &n))
        return VGPU_E_INVAL;
    for (i = 0; i < n && st == VGPU_OK; i++)
        st = churn_once(s->gpu->dev, &last);
    vgpu3d_get_stats(s->gpu->dev, &g);
    vgpu_get_stats(s->gpu->dev, &v);
    session_say(s, "done=%u last_ctx=%u contexts=%u resources=%u attachments=%u ctx_ids=%u live=%u core_heap=%lu",
                st == VGPU_OK ? i : i - 1, last, g.live_contexts, g.live_resources, g.live_attachments,
                g.ctx_ids_live, v.live_resources, s->gpu->core_heap_bytes);
    return st;
}

/* ---- streams the host must refuse, and ones the driver refuses first ---- */

static int bad_stream(struct scene3d *sc, const char *kind, uint32_t *size, uint32_t *ctx)
{
    struct virgl_enc e;
    int st = scene_begin(sc, &e);
    uint32_t *w = sc->cmd_mem.pixels;

    if (st != VGPU_OK)
        return st;
    *ctx = sc->ctx;
    *size = 16;
    w[0] = VIRGL_CMD_HDR(VIRGL_CCMD_NOP, 0, 3);   /* a valid stream unless the kind breaks it */
    w[1] = w[2] = w[3] = 0;
    if (same(kind, "cmd")) {
        w[0] = VIRGL_CMD_HDR(250, 0, 3);                        /* no such command */
    } else if (same(kind, "len")) {
        w[0] = VIRGL_CMD_HDR(VIRGL_CCMD_CLEAR, 0, 200);         /* runs past the stream */
    } else if (same(kind, "obj")) {
        w[0] = VIRGL_CMD_HDR(VIRGL_CCMD_CREATE_OBJECT, 200, 3); /* no such object type */
        w[1] = 77;
    } else if (same(kind, "size")) {
        *size = 6;                                              /* not whole dwords: driver refuses */
    } else if (same(kind, "ctx")) {
        *ctx = IDALLOC_CAPACITY - 1;                            /* not a live context: driver refuses */
    } else {
        return VGPU_E_UNSUPPORTED;
    }
    return VGPU_OK;
}

static int gl_bad(struct session *s, unsigned argc, char **argv)
{
    struct scene3d *sc = scene_for(s);
    uint32_t size, ctx;
    (void)argc;
    if (!sc->ctx)
        return session_fail(s, VGPU_E_INVAL, "no scene context (gl target first)");
    int st = bad_stream(sc, argv[0], &size, &ctx);
    if (st == VGPU_E_UNSUPPORTED)
        return session_fail(s, VGPU_E_INVAL, "kinds: cmd len obj size ctx");
    if (st != VGPU_OK)
        return st;
    return vgpu3d_submit(s->gpu->dev, ctx, sc->cmd_mem.segs, sc->cmd_mem.nsegs, size, NULL);
}

static int gl_stats(struct session *s, unsigned argc, char **argv)
{
    struct vgpu3d_stats g;
    struct vgpu_stats v;
    (void)argc, (void)argv;
    vgpu3d_get_stats(s->gpu->dev, &g);
    vgpu_get_stats(s->gpu->dev, &v);
    session_say(s, "contexts=%u resources=%u attachments=%u submits=%lu submit_bytes=%lu fenced=%lu ctx_ids=%u "
                "lost=%u live=%u errors=%lu async_errors=%lu broken=%d available=%d",
                g.live_contexts, g.live_resources, g.live_attachments, g.submits, g.submit_bytes, g.fenced,
                g.ctx_ids_live, g.lost_on_reset, v.live_resources, v.errors, v.async_errors,
                vgpu_needs_reset(s->gpu->dev), vgpu3d_available(s->gpu->dev));
    return VGPU_OK;
}

/* ---- fences and throughput ---- */

/* N submits of CMDS viewport commands each: waited one by one, or all fenced then one wait. */
static int bench_run(struct scene3d *sc, uint32_t n, uint32_t cmds, bool fenced, uint64_t *ns)
{
    static const uint32_t scale[3] = { 0x3f800000u, 0x3f800000u, 0x3f000000u }, zero[3];
    struct virgl_enc e;
    uint64_t fence = 0;
    int st = scene_begin(sc, &e);

    for (uint32_t i = 0; i < cmds && st == VGPU_OK; i++)
        virgl_enc_set_viewport(&e, scale, zero);
    uint64_t t0 = clock_now_ns();
    for (uint32_t i = 0; i < n && st == VGPU_OK; i++)
        st = scene_submit(sc, &e, fenced ? &fence : NULL);
    if (st == VGPU_OK && fenced)
        st = vgpu3d_fence_wait(sc->dev, sc->ctx, fence, 30000);
    *ns = clock_now_ns() - t0;
    return st;
}

static int gl_bench(struct session *s, unsigned argc, char **argv)
{
    uint32_t n[2];
    uint64_t ns;
    bool fenced = argc == 3 && same(argv[2], "fenced");
    if (!session_numbers(s, argv, 2, n) || n[0] == 0 || n[1] == 0 || (argc == 3 && !fenced))
        return session_fail(s, VGPU_E_INVAL, "bench N CMDS [fenced]");
    struct scene3d *sc = scene_for(s);
    if (!sc->ctx)
        return session_fail(s, VGPU_E_INVAL, "no scene context (gl target first)");
    int st = bench_run(sc, n[0], n[1], fenced, &ns);
    if (st != VGPU_OK)
        return st;
    ns = ns ? ns : 1;
    session_say(s, "n=%u cmds=%u bytes=%u ns=%lu ns_per_submit=%lu submits_per_s=%lu cmds_per_s=%lu",
                n[0], n[1], n[1] * 32u, ns, ns / n[0], (uint64_t)(n[0] * 1000000000ull / ns),
                (uint64_t)((uint64_t)n[0] * n[1] * 1000000000ull / ns));
    return VGPU_OK;
}

/* A fenced clear: the context's fences before the wait, after it, and the wait's status. */
static int gl_fence(struct session *s, unsigned argc, char **argv)
{
    static const uint32_t black[4];
    struct scene3d *sc = scene_for(s);
    uint64_t fence, sub0, done0, sub1, done1;
    struct virgl_enc e;
    (void)argc, (void)argv;
    if (!sc->rt)
        return session_fail(s, VGPU_E_INVAL, "no scene target (gl target first)");
    int st = scene_begin(sc, &e);
    virgl_enc_clear(&e, PIPE_CLEAR_COLOR0, black, 0, 0);
    if (st != VGPU_OK || (st = scene_submit(sc, &e, &fence)) != VGPU_OK)
        return st;
    vgpu3d_ctx_fences(sc->dev, sc->ctx, &sub0, &done0);
    st = vgpu3d_fence_wait(sc->dev, sc->ctx, fence, 10000);
    vgpu3d_ctx_fences(sc->dev, sc->ctx, &sub1, &done1);
    session_say(s, "fence=%lu submitted=%lu completed_before=%lu completed_after=%lu wait_bad=%d",
                fence, sub1, done0, done1, vgpu3d_fence_wait(sc->dev, sc->ctx, fence + 1000, 10) == VGPU_E_INVAL);
    (void)sub0;
    return st;
}

/* ---- dispatch ---- */

struct gl_command {
    const char *name;
    unsigned min_args, max_args;
    bool needs_device;
    int (*run)(struct session *s, unsigned argc, char **argv);
};

static const struct gl_command gl_commands[] = {
    { "on",     0, 0,  false, gl_on },
    { "off",    0, 0,  false, gl_off },
    { "caps",   0, 0,  true,  gl_caps },
    { "target", 2, 3,  true,  gl_target },
    { "split",  1, 1,  true,  gl_split },
    { "clear",  4, 4,  true,  gl_clear },
    { "tri",    10, 10, true, gl_tri },
    { "read",   0, 4,  true,  gl_read },
    { "show",   1, 1,  true,  gl_show },
    { "hide",   1, 1,  true,  gl_hide },
    { "free",   0, 0,  true,  gl_free },
    { "churn",  1, 1,  true,  gl_churn },
    { "bad",    1, 1,  true,  gl_bad },
    { "stats",  0, 0,  true,  gl_stats },
    { "bench",  2, 3,  true,  gl_bench },
    { "fence",  0, 0,  true,  gl_fence },
};

int cmd3d_run(struct session *s, unsigned argc, char **argv)
{
    for (unsigned i = 0; i < sizeof gl_commands / sizeof gl_commands[0]; i++) {
        const struct gl_command *c = &gl_commands[i];
        if (!same(c->name, argv[0]))
            continue;
        if (argc - 1 < c->min_args || argc - 1 > c->max_args)
            return session_fail(s, VGPU_E_INVAL, "gl %s takes %u..%u arguments", c->name, c->min_args, c->max_args);
        if (c->needs_device && !s->gpu->dev)
            return session_fail(s, VGPU_E_INVAL, "not initialised (send init first)");
        if (c->needs_device && !vgpu3d_available(s->gpu->dev))
            return session_fail(s, VGPU_E_UNSUPPORTED, "no 3D: the device did not offer VIRGL (or no `gl on` before init)");
        return c->run(s, argc - 1, argv + 1);
    }
    return session_fail(s, VGPU_E_INVAL, "unknown gl command '%s'", argv[0]);
}
