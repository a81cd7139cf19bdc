/* scene3d.c — building, drawing and reading back the guest's 3D scene through vgpu3d.h. */
#include "scene3d.h"

#include "heap.h"
#include "libc.h"
#include "gpu3d/virgl_proto.h"

#define CMD_BUF_BYTES   (64u * 1024u)
#define VB_BYTES        4096u
#define NUM_TOKENS      300u
#define POISON          0xDEADBEEFu
#define FLOAT_ONE       0x3f800000u
#define FLOAT_HALF      0x3f000000u

enum { H_SURF = 1, H_BLEND, H_RS, H_DSA, H_VS, H_FS, H_VE };

static const char vs_text[] =
    "VERT\n"
    "DCL IN[0]\n"
    "DCL OUT[0], POSITION\n"
    "  0: MOV OUT[0], IN[0]\n"
    "  1: END\n";

/* Flat colour from the default constant buffer: every covered pixel gets exactly that colour. */
static const char fs_text[] =
    "FRAG\n"
    "PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n"
    "DCL OUT[0], COLOR\n"
    "DCL CONST[0]\n"
    "  0: MOV OUT[0], CONST[0]\n"
    "  1: END\n";

uint32_t scene_float_bits(uint32_t u)
{
    uint32_t e = 0;

    if (u == 0)
        return 0;
    while ((u >> e) > 1)
        e++;
    return (127u + e) << 23 | ((u << (23 - e)) & 0x7fffffu);
}

int scene_begin(struct scene3d *sc, struct virgl_enc *e)
{
    if (!sc->cmd_mem.pixels && fb_create(&sc->cmd_mem, CMD_BUF_BYTES / 4u, 1) != VGPU_OK)
        return VGPU_E_NOMEM;
    virgl_enc_init(e, sc->cmd_mem.pixels, CMD_BUF_BYTES / 4u);
    return VGPU_OK;
}

/* The command buffer's pages, cut into pieces of at most `split` bytes when asked. */
static uint32_t stream_segments(const struct scene3d *sc, struct vgpu_dma_seg *out, uint32_t max)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < sc->cmd_mem.nsegs; i++) {
        uint64_t addr = sc->cmd_mem.segs[i].addr, left = sc->cmd_mem.segs[i].len;
        while (left && n < max) {
            uint64_t len = sc->split && sc->split < left ? sc->split : left;
            out[n++] = (struct vgpu_dma_seg){ addr, len };
            addr += len;
            left -= len;
        }
    }
    return n;
}

int scene_submit(struct scene3d *sc, const struct virgl_enc *e, uint64_t *fence)
{
    uint32_t max = CMD_BUF_BYTES, bytes = virgl_enc_bytes(e);
    int st = virgl_enc_status(e);

    if (st != VGPU_OK)
        return st;
    struct vgpu_dma_seg *segs = heap_zalloc(max * sizeof *segs);
    if (!segs)
        return VGPU_E_NOMEM;
    uint32_t n = stream_segments(sc, segs, max), used = 0;
    for (uint64_t sum = 0; used < n && sum < bytes; used++)
        sum += segs[used].len;
    sc->last_pieces = used;
    st = vgpu3d_submit(sc->dev, sc->ctx, segs, n, bytes, fence);
    heap_free(segs, max * sizeof *segs);
    return st;
}

static int ensure_context(struct scene3d *sc)
{
    return sc->ctx ? VGPU_OK : vgpu3d_ctx_create(sc->dev, "guest-scene", &sc->ctx);
}

static void drop_resource(struct scene3d *sc, uint32_t *res, struct guest_fb *mem)
{
    if (*res)
        vgpu3d_resource_destroy(sc->dev, *res);
    *res = 0;
    fb_destroy(mem);
}

/* A resource with scattered-page backing, attached to the scene's context. */
static int make_resource(struct scene3d *sc, const struct vgpu3d_resource_desc *d, uint32_t bytes,
                         struct guest_fb *mem, uint32_t *res)
{
    int st = fb_create(mem, (bytes + 3u) / 4u, 1);
    if (st != VGPU_OK)
        return st;
    st = vgpu3d_resource_create(sc->dev, d, mem->segs, mem->nsegs, res);
    if (st == VGPU_OK && (st = vgpu3d_ctx_attach(sc->dev, sc->ctx, *res)) != VGPU_OK)
        drop_resource(sc, res, mem);
    if (st != VGPU_OK)
        fb_destroy(mem);
    return st;
}

int scene_target(struct scene3d *sc, uint32_t w, uint32_t h, uint32_t format)
{
    struct vgpu3d_resource_desc d = {
        VGPU3D_TARGET_2D, format, VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW | VIRGL_BIND_SCANOUT,
        w, h, 1, 1, 0, 0, 0 };
    int st = ensure_context(sc);

    if (st != VGPU_OK)
        return st;
    if (sc->surface_made) {
        struct virgl_enc e;
        if (scene_begin(sc, &e) == VGPU_OK) {
            virgl_enc_destroy_object(&e, VIRGL_OBJECT_SURFACE, H_SURF);
            scene_submit(sc, &e, NULL);
        }
        sc->surface_made = false;
    }
    drop_resource(sc, &sc->rt, &sc->rt_mem);
    st = make_resource(sc, &d, w * h * 4u, &sc->rt_mem, &sc->rt);
    if (st == VGPU_OK) {
        sc->width = w;
        sc->height = h;
        sc->format = format;
    }
    return st;
}

/* Surface on the target, bound as the only colour buffer; the viewport covers the target. */
static void bind_target(struct scene3d *sc, struct virgl_enc *e)
{
    uint32_t surf = H_SURF;
    uint32_t scale[3] = { scene_float_bits(sc->width) - (1u << 23), scene_float_bits(sc->height) - (1u << 23),
                          FLOAT_HALF };
    uint32_t translate[3] = { scale[0], scale[1], FLOAT_HALF };

    if (!sc->surface_made)
        virgl_enc_create_surface(e, H_SURF, sc->rt, sc->format, 0, 0, 0);
    sc->surface_made = true;
    virgl_enc_set_framebuffer(e, 1, &surf, 0);
    virgl_enc_set_viewport(e, scale, translate);   /* width/2 = bits of width, exponent - 1 */
}

int scene_clear(struct scene3d *sc, const uint32_t rgba[4])
{
    struct virgl_enc e;
    int st;

    if (!sc->rt)
        return VGPU_E_INVAL;
    if ((st = scene_begin(sc, &e)) != VGPU_OK)
        return st;
    bind_target(sc, &e);
    virgl_enc_clear(&e, PIPE_CLEAR_COLOR0, rgba, 0, 0);
    return scene_submit(sc, &e, NULL);
}

/* Shaders, states and vertex layout of the flat-colour triangle, created once per context. */
static void make_pipeline(struct scene3d *sc, struct virgl_enc *e)
{
    static const uint32_t rt[8] = { VIRGL_BLEND_COLORMASK_ALL };
    const struct virgl_vertex_element ve = { 0, 0, 0, VIRGL_FORMAT_R32G32B32A32_FLOAT };

    if (sc->pipeline_made)
        return;
    virgl_enc_create_blend(e, H_BLEND, 0, 0, rt);
    virgl_enc_create_rasterizer(e, H_RS, VIRGL_RS_DEPTH_CLIP | VIRGL_RS_HALF_PIXEL_CENTER, FLOAT_ONE, FLOAT_ONE);
    virgl_enc_create_dsa(e, H_DSA, 0, 0, 0, 0);
    virgl_enc_create_shader(e, H_VS, PIPE_SHADER_VERTEX, vs_text, NUM_TOKENS);
    virgl_enc_create_shader(e, H_FS, PIPE_SHADER_FRAGMENT, fs_text, NUM_TOKENS);
    virgl_enc_create_vertex_elements(e, H_VE, 1, &ve);
    virgl_enc_bind_object(e, VIRGL_OBJECT_BLEND, H_BLEND);
    virgl_enc_bind_object(e, VIRGL_OBJECT_RASTERIZER, H_RS);
    virgl_enc_bind_object(e, VIRGL_OBJECT_DSA, H_DSA);
    virgl_enc_bind_object(e, VIRGL_OBJECT_VERTEX_ELEMENTS, H_VE);
    virgl_enc_bind_shader(e, H_VS, PIPE_SHADER_VERTEX);
    virgl_enc_bind_shader(e, H_FS, PIPE_SHADER_FRAGMENT);
    sc->pipeline_made = true;
}

/* Three (x, y, 0, 1) vertices written to the vertex buffer's backing and sent to the host. */
static int upload_vertices(struct scene3d *sc, const uint32_t xy[6])
{
    struct vgpu3d_resource_desc d = { VGPU3D_TARGET_BUFFER, VIRGL_FORMAT_R8_UNORM, VIRGL_BIND_VERTEX_BUFFER,
                                      VB_BYTES, 1, 1, 1, 0, 0, 0 };
    struct vgpu3d_transfer t = { 0, 0, 0, 3 * 16, 1, 1, 0, 0, 0, 0 };
    int st;

    if (!sc->vb && (st = make_resource(sc, &d, VB_BYTES, &sc->vb_mem, &sc->vb)) != VGPU_OK)
        return st;
    for (unsigned v = 0; v < 3; v++) {
        uint32_t *p = sc->vb_mem.pixels + 4 * v;
        p[0] = xy[2 * v];
        p[1] = xy[2 * v + 1];
        p[2] = 0;
        p[3] = FLOAT_ONE;
    }
    return vgpu3d_transfer_to_host(sc->dev, sc->ctx, sc->vb, &t, NULL);
}

int scene_triangle(struct scene3d *sc, const uint32_t xy[6], const uint32_t rgba[4])
{
    struct virgl_vertex_buffer vb;
    struct virgl_enc e;
    int st;

    if (!sc->rt)
        return VGPU_E_INVAL;
    if ((st = upload_vertices(sc, xy)) != VGPU_OK || (st = scene_begin(sc, &e)) != VGPU_OK)
        return st;
    vb = (struct virgl_vertex_buffer){ 16, 0, sc->vb };
    make_pipeline(sc, &e);
    bind_target(sc, &e);
    virgl_enc_set_constants(&e, PIPE_SHADER_FRAGMENT, 4, rgba);
    virgl_enc_set_vertex_buffers(&e, 1, &vb);
    virgl_enc_draw_arrays(&e, PIPE_PRIM_TRIANGLES, 0, 3);
    return scene_submit(sc, &e, NULL);
}

int scene_read(struct scene3d *sc, const struct vgpu_rect *r)
{
    struct vgpu3d_transfer t = { r->x, r->y, 0, r->width, r->height, 1, 0, sc->width * 4u, 0,
                                 ((uint64_t)r->y * sc->width + r->x) * 4u };

    if (!sc->rt)
        return VGPU_E_INVAL;
    for (uint64_t i = 0; i < (uint64_t)sc->width * sc->height; i++)
        sc->rt_mem.pixels[i] = POISON;   /* stale memory must not pass for pixels read back */
    return vgpu3d_transfer_from_host(sc->dev, sc->ctx, sc->rt, &t, NULL);
}

int scene_show(struct scene3d *sc, unsigned scanout, bool on)
{
    struct vgpu_rect r = { 0, 0, sc->width, sc->height };
    int st;

    if (!on) {
        st = vgpu3d_set_scanout(sc->dev, scanout, 0, &r);
        if (st == VGPU_OK)
            sc->scanout = 0;
        return st;
    }
    if (!sc->rt)
        return VGPU_E_INVAL;
    if ((st = vgpu3d_set_scanout(sc->dev, scanout, sc->rt, &r)) == VGPU_OK &&
        (st = vgpu3d_flush(sc->dev, sc->rt, &r)) == VGPU_OK)
        sc->scanout = scanout + 1u;
    return st;
}

static void destroy_objects(struct scene3d *sc)
{
    static const struct { uint32_t type, handle; } objs[] = {
        { VIRGL_OBJECT_BLEND, H_BLEND }, { VIRGL_OBJECT_RASTERIZER, H_RS }, { VIRGL_OBJECT_DSA, H_DSA },
        { VIRGL_OBJECT_SHADER, H_VS }, { VIRGL_OBJECT_SHADER, H_FS },
        { VIRGL_OBJECT_VERTEX_ELEMENTS, H_VE },
    };
    struct virgl_enc e;

    if (!sc->ctx || scene_begin(sc, &e) != VGPU_OK)
        return;
    for (unsigned i = 0; sc->pipeline_made && i < sizeof objs / sizeof objs[0]; i++)
        virgl_enc_destroy_object(&e, objs[i].type, objs[i].handle);
    if (sc->surface_made)
        virgl_enc_destroy_object(&e, VIRGL_OBJECT_SURFACE, H_SURF);
    if (virgl_enc_bytes(&e))
        scene_submit(sc, &e, NULL);
    sc->pipeline_made = sc->surface_made = false;
}

void scene_free(struct scene3d *sc)
{
    destroy_objects(sc);
    if (sc->scanout)
        scene_show(sc, sc->scanout - 1u, false);
    drop_resource(sc, &sc->rt, &sc->rt_mem);
    drop_resource(sc, &sc->vb, &sc->vb_mem);
    if (sc->ctx)
        vgpu3d_ctx_destroy(sc->dev, sc->ctx);
    sc->ctx = 0;
    fb_destroy(&sc->cmd_mem);
}
