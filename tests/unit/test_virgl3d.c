/*
 * test_virgl3d.c — the 3D pieces that need no device: the capset parser against hand-built capsets
 * (offsets of virglrenderer's struct virgl_caps_v1/v2), the encoder against dword layouts written
 * out from virgl_protocol.h, and the resource/transfer checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/gpu3d/res3d_check.h"
#include "../../core/gpu3d/virgl_caps.h"
#include "../../guest/virgl_enc.h"
#include "../../core/gpu3d/virgl_proto.h"

static void put32(uint8_t *b, uint32_t off, uint32_t v)
{
    b[off] = (uint8_t)v, b[off + 1] = (uint8_t)(v >> 8), b[off + 2] = (uint8_t)(v >> 16), b[off + 3] = (uint8_t)(v >> 24);
}

/* A plausible capset 2: version 2, B8G8R8A8 renderable and sampleable, GL 4.5 limits. */
static void make_capset(uint8_t *b, uint32_t len)
{
    memset(b, 0, len);
    put32(b, 0, 2);
    put32(b, 4, 1u << 1);        /* sampler: format 1 */
    put32(b, 68, 1u << 1);       /* render: format 1 */
    put32(b, 264, 450);          /* glsl */
    put32(b, 268, 2048);         /* array layers */
    put32(b, 280, 8);            /* render targets */
    put32(b, 284, 4);            /* samples */
    put32(b, 300, 16);           /* viewports */
    if (len >= 760) {
        put32(b, 356, 16);       /* vertex attribs */
        put32(b, 484, 16384), put32(b, 488, 2048), put32(b, 492, 16384);
        memcpy(b + 696, "llvmpipe", 8);
    }
}

static void parses_fields_at_their_offsets(void **state)
{
    uint8_t b[1376];
    struct virgl_caps c;
    (void)state;
    make_capset(b, sizeof(b));
    assert_int_equal(virgl_caps_parse(b, sizeof(b), 2, &c), VGPU_OK);
    assert_int_equal(c.max_version, 2);
    assert_int_equal(c.glsl_level, 450);
    assert_int_equal(c.max_render_targets, 8);
    assert_int_equal(c.max_texture_2d_size, 16384);
    assert_int_equal(c.max_texture_3d_size, 2048);
    assert_int_equal(c.max_vertex_attribs, 16);
    assert_true(virgl_format_in(&c.render, VIRGL_FORMAT_B8G8R8A8_UNORM));
    assert_false(virgl_format_in(&c.render, VIRGL_FORMAT_B8G8R8X8_UNORM));
    assert_string_equal(c.renderer, "llvmpipe");
    assert_int_equal(c.clamped, 0);
}

static void refuses_short_unknown_and_versionless(void **state)
{
    uint8_t b[760];
    struct virgl_caps c;
    (void)state;
    make_capset(b, sizeof(b));
    assert_int_equal(virgl_caps_parse(b, VIRGL_CAPS_V1_SIZE - 1, 1, &c), VGPU_E_PROTO);
    assert_int_equal(c.max_version, 0);
    assert_int_equal(virgl_caps_parse(b, sizeof(b), 3, &c), VGPU_E_PROTO);
    put32(b, 0, 0);
    assert_int_equal(virgl_caps_parse(b, sizeof(b), 2, &c), VGPU_E_PROTO);
    assert_int_equal(virgl_caps_parse(NULL, 0, 2, &c), VGPU_E_PROTO);
}

static void clamps_masks_and_cleans_the_name(void **state)
{
    uint8_t b[760];
    struct virgl_caps c;
    (void)state;
    make_capset(b, sizeof(b));
    put32(b, 280, 99);                    /* more render targets than the protocol has */
    put32(b, 68 + 4 * 9, 0xffffffffu);    /* formats 288..319: 313..319 do not exist */
    memset(b + 696, 'A', 64);             /* unterminated */
    b[697] = 0x07;
    assert_int_equal(virgl_caps_parse(b, sizeof(b), 2, &c), VGPU_OK);
    assert_int_equal(c.max_render_targets, 8);
    assert_int_equal(c.clamped, 1);
    assert_true(virgl_format_in(&c.render, VIRGL_FORMAT_LAST));
    assert_false(virgl_format_in(&c.render, VIRGL_FORMAT_LAST + 1));
    assert_int_equal(strlen(c.renderer), 63);
    assert_int_equal(c.renderer[1], '?');
}

static void reads_only_what_the_capset_holds(void **state)
{
    uint8_t b[760];
    struct virgl_caps c;
    (void)state;
    make_capset(b, sizeof(b));
    assert_int_equal(virgl_caps_parse(b, 486, 2, &c), VGPU_OK);   /* ends inside max_texture_2d_size */
    assert_int_equal(c.max_vertex_attribs, 16);
    assert_int_equal(c.max_texture_2d_size, 0);
    assert_int_equal(virgl_caps_parse(b, sizeof(b), 1, &c), VGPU_OK);   /* capset 1: no v2 part */
    assert_false(c.has_v2);
    assert_int_equal(c.max_texture_2d_size, 0);
    assert_string_equal(c.renderer, "");
}

/* ---- encoder ---- */

static void clear_and_draw_have_the_protocol_layout(void **state)
{
    uint32_t buf[64], rgba[4] = { 0x3f800000u, 0, 0, 0x3f800000u };
    struct virgl_enc e;
    (void)state;
    virgl_enc_init(&e, buf, 64);
    virgl_enc_clear(&e, PIPE_CLEAR_COLOR0, rgba, 0x3ff0000000000000ull, 7);
    virgl_enc_draw_arrays(&e, PIPE_PRIM_TRIANGLES, 0, 3);
    const uint32_t want[] = {
        7u | 8u << 16, 4, 0x3f800000u, 0, 0, 0x3f800000u, 0, 0x3ff00000u, 7,   /* CLEAR, 8 dwords */
        8u | 12u << 16, 0, 3, 4, 0, 1, 0, 0, 0, 0, 0, 2, 0,                    /* DRAW_VBO, 12 dwords */
    };
    assert_int_equal(virgl_enc_status(&e), VGPU_OK);
    assert_int_equal(virgl_enc_bytes(&e), sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
}

static void surface_and_framebuffer_layout(void **state)
{
    uint32_t buf[16], cb = 5;
    struct virgl_enc e;
    (void)state;
    virgl_enc_init(&e, buf, 16);
    virgl_enc_create_surface(&e, 5, 9, VIRGL_FORMAT_B8G8R8A8_UNORM, 0, 2, 3);
    virgl_enc_set_framebuffer(&e, 1, &cb, 0);
    const uint32_t want[] = { 1u | 8u << 8 | 5u << 16, 5, 9, 1, 0, 2u | 3u << 16, 5u | 3u << 16, 1, 0, 5 };
    assert_int_equal(virgl_enc_bytes(&e), sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
}

static void overflow_writes_nothing_and_sticks(void **state)
{
    uint32_t buf[10], rgba[4] = { 0 };
    struct virgl_enc e;
    (void)state;
    virgl_enc_init(&e, buf, 10);
    virgl_enc_nop(&e, 2);
    virgl_enc_clear(&e, PIPE_CLEAR_COLOR0, rgba, 0, 0);    /* needs 9 dwords, 7 left */
    assert_int_equal(virgl_enc_status(&e), VGPU_E_NOMEM);
    assert_int_equal(virgl_enc_bytes(&e), 12);
    virgl_enc_nop(&e, 0);                                  /* would fit, but the error sticks */
    assert_int_equal(virgl_enc_bytes(&e), 12);
    virgl_enc_init(&e, buf, 10);
    virgl_enc_set_framebuffer(&e, 9, buf, 0);
    assert_int_equal(virgl_enc_status(&e), VGPU_E_INVAL);
}

static void long_shader_goes_as_continuations(void **state)
{
    const uint32_t chunk = (0xffffu - 5u) * 4u, total = chunk + 101u;   /* text + NUL */
    static char text[(0xffff - 5) * 4 + 101];
    static uint32_t buf[0x20000];
    struct virgl_enc e;
    (void)state;
    memset(text, 'x', total - 1);
    text[total - 1] = '\0';
    virgl_enc_init(&e, buf, 0x20000);
    virgl_enc_create_shader(&e, 3, PIPE_SHADER_FRAGMENT, text, 500);
    assert_int_equal(virgl_enc_status(&e), VGPU_OK);
    assert_int_equal(buf[0], 1u | 4u << 8 | 0xffffu << 16);
    assert_int_equal(buf[3], total);                                    /* first: the whole length */
    const uint32_t *second = buf + 1 + 0xffff;
    assert_int_equal(second[0] >> 16, 5u + (101u + 3u) / 4u);
    assert_int_equal(second[3], VIRGL_SHADER_OFFSET_CONT | chunk);       /* then: where it goes on */
    assert_int_equal(((const char *)(second + 6))[100], '\0');
}

/* ---- resource and transfer checks ---- */

static struct vgpu3d_resource_desc rt(uint32_t w, uint32_t h)
{
    return (struct vgpu3d_resource_desc){ VGPU3D_TARGET_2D, VIRGL_FORMAT_B8G8R8A8_UNORM,
                                          VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW, w, h, 1, 1, 0, 0, 0 };
}

static void resource_shapes(void **state)
{
    uint8_t b[760];
    struct virgl_caps caps;
    struct vgpu3d_resource_desc d;
    (void)state;
    make_capset(b, sizeof(b));
    assert_int_equal(virgl_caps_parse(b, sizeof(b), 2, &caps), VGPU_OK);
    d = rt(64, 48);
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_OK);
    d.format = VIRGL_FORMAT_B8G8R8X8_UNORM;                        /* not renderable on this host */
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_UNSUPPORTED);
    caps.sampler.bits[0] |= 1u << VIRGL_FORMAT_B8G8R8X8_UNORM;     /* sampleable, still not renderable: */
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_OK);        /* a texture that may carry RT */
    d.bind &= ~VIRGL_BIND_SAMPLER_VIEW;                             /* a render target only: refused */
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_UNSUPPORTED);
    d = rt(64, 48), d.last_level = 6;                               /* 64 -> 1 is 6 levels: ok */
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_OK);
    d.last_level = 7;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = rt(64, 48), d.depth = 2;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = rt(16385, 8);
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = rt(64, 48), d.nr_samples = 3;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d.nr_samples = 4;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_OK);
    d = rt(64, 64), d.target = VGPU3D_TARGET_CUBE, d.array_size = 6;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_OK);
    d.height = 32;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = (struct vgpu3d_resource_desc){ VGPU3D_TARGET_BUFFER, VIRGL_FORMAT_R8_UNORM, VIRGL_BIND_VERTEX_BUFFER,
                                       4096, 1, 1, 1, 0, 0, 0 };
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_OK);
    d.bind |= VIRGL_BIND_RENDER_TARGET;
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = rt(8, 8), d.bind = VIRGL_BIND_VERTEX_BUFFER;                /* buffer binds on a texture */
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = rt(8, 8), d.bind = 1u << 30;                                /* unknown bind */
    assert_int_equal(res3d_check_desc(&caps, &d), VGPU_E_INVAL);
    d = rt(8, 8), d.format = 0;
    assert_int_equal(res3d_check_desc(NULL, &d), VGPU_E_INVAL);
}

static void transfer_boxes_and_spans(void **state)
{
    struct vgpu3d_resource_desc d = rt(64, 48);
    uint64_t backing = 64 * 48 * 4;
    struct vgpu3d_transfer t = { 0, 0, 0, 64, 48, 1, 0, 256, 0, 0 };
    (void)state;
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_OK);
    t.offset = 4;                                                   /* last row one pixel past the end */
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
    t = (struct vgpu3d_transfer){ 60, 40, 0, 4, 8, 1, 0, 256, 0, (40 * 64 + 60) * 4 };
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_OK);
    t.w = 5;                                                        /* box past the right edge */
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
    t = (struct vgpu3d_transfer){ 0, 0, 0, 64, 1, 1, 0, 200, 0, 0 };  /* stride shorter than a row */
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
    t = (struct vgpu3d_transfer){ 0, 0, 0, 1, 1, 1, 1, 0, 0, 0 };     /* level the resource lacks */
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
    t = (struct vgpu3d_transfer){ 0, 0, 0, 1, 1, 1, 0, 0, 0, 0 };
    assert_int_equal(res3d_check_transfer(&d, 0, &t), VGPU_E_INVAL);  /* no backing */
}

/* Stride 0 is the level's whole row (64 x 4 here), as virglrenderer reads it, not the box's. */
static void zero_stride_is_the_level_row(void **state)
{
    struct vgpu3d_resource_desc d = rt(64, 48);
    uint64_t backing = 64 * 48 * 4;
    struct vgpu3d_transfer t = { 0, 0, 0, 4, 8, 1, 0, 0, 0, backing - 8 * 16 };   /* packed 4x8 at the end */
    (void)state;
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
    t.offset = backing - (7 * 256 + 16);                            /* rows 256 apart: fits */
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_OK);
    d.last_level = 1;                                               /* level 1 is 32 wide: rows 128 apart */
    t = (struct vgpu3d_transfer){ 0, 0, 0, 4, 8, 1, 1, 0, 0, backing - (7 * 128 + 16) };
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_OK);
    t.offset += 4;
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
    d.format = 113;                                                 /* RGTC1: no pixel size, stride required */
    t.offset = 0;
    assert_int_equal(res3d_check_transfer(&d, backing, &t), VGPU_E_INVAL);
}

/* Pixel sizes follow from the channels in each format's name (virgl_hw.h numbering). */
static void format_sizes(void **state)
{
    static const uint32_t fmt_bytes[][2] = {
        { 1, 4 },     /* B8G8R8A8_UNORM */     { 7, 2 },     /* B5G6R5_UNORM */
        { 9, 1 },     /* L8_UNORM */           { 20, 4 },    /* S8_UINT_Z24_UNORM */
        { 27, 32 },   /* R64G64B64A64_FLOAT */ { 30, 12 },   /* R32G32B32_FLOAT */
        { 51, 8 },    /* R16G16B16A16_UNORM */ { 66, 3 },    /* R8G8B8_UNORM */
        { 124, 4 },   /* R11G11B10_FLOAT */    { 126, 8 },   /* Z32_FLOAT_S8X24_UINT */
        { 139, 1 },   /* B2G3R3_UNORM */       { 196, 16 },  /* R32G32B32A32_UINT */
        { 236, 8 },   /* R16G16B16X16_FLOAT */ { 311, 2 },   /* A4B4G4R4_UNORM */
        { 312, 1 },   /* R8_SRGB */
        { 0, 0 }, { 105, 0 } /* DXT1_RGB */, { 113, 0 } /* RGTC1 */, { 163, 0 } /* YV12 */, { 313, 0 },
    };
    (void)state;
    for (unsigned i = 0; i < sizeof(fmt_bytes) / sizeof(fmt_bytes[0]); i++)
        assert_int_equal(res3d_format_bytes(fmt_bytes[i][0]), fmt_bytes[i][1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_fields_at_their_offsets),
        cmocka_unit_test(refuses_short_unknown_and_versionless),
        cmocka_unit_test(clamps_masks_and_cleans_the_name),
        cmocka_unit_test(reads_only_what_the_capset_holds),
        cmocka_unit_test(clear_and_draw_have_the_protocol_layout),
        cmocka_unit_test(surface_and_framebuffer_layout),
        cmocka_unit_test(overflow_writes_nothing_and_sticks),
        cmocka_unit_test(long_shader_goes_as_continuations),
        cmocka_unit_test(resource_shapes),
        cmocka_unit_test(transfer_boxes_and_spans),
        cmocka_unit_test(zero_stride_is_the_level_row),
        cmocka_unit_test(format_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
