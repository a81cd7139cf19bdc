/* virgl_caps.c — parsing the virgl capability set; nothing in it is trusted. */
#include "gpu3d/virgl_caps.h"

#include <stddef.h>

#include "base/util.h"
#include "gpu/vgpu.h"
#include "gpu3d/virgl_proto.h"

#define CAPSET_VIRGL  1u
#define CAPSET_VIRGL2 2u

/* Byte offsets in the capset (struct virgl_caps_v1 / v2 of virgl_hw.h). */
#define OFF_MAX_VERSION   0u
#define OFF_SAMPLER       4u
#define OFF_RENDER        68u
#define OFF_DEPTHSTENCIL  132u
#define OFF_VERTEXBUFFER  196u
#define OFF_BOOL_CAPS     260u
#define OFF_READBACK      560u
#define OFF_SCANOUT       624u
#define OFF_RENDERER      696u

/* A 32-bit field: where it is, where it goes, and the range it is clamped to. */
struct u32_field {
    uint16_t off;
    uint16_t member;
    uint32_t min, max;
};

#define FIELD(off, name, lo, hi) { (off), offsetof(struct virgl_caps, name), (lo), (hi) }

static const struct u32_field v1_fields[] = {
    FIELD(264, glsl_level, 0, 1000),
    FIELD(268, max_texture_array_layers, 0, 65536),
    FIELD(272, max_streamout_buffers, 0, 4),
    FIELD(276, max_dual_source_render_targets, 0, VIRGL_MAX_COLOR_BUFS),
    FIELD(280, max_render_targets, 1, VIRGL_MAX_COLOR_BUFS),
    FIELD(284, max_samples, 0, 32),
    FIELD(288, prim_mask, 0, UINT32_MAX),
    FIELD(292, max_tbo_size, 0, UINT32_MAX),
    FIELD(296, max_uniform_blocks, 0, 32),
    FIELD(300, max_viewports, 1, 16),
    FIELD(304, max_texture_gather_components, 0, 4),
};

static const struct u32_field v2_fields[] = {
    FIELD(308, point_size_bits[0], 0, UINT32_MAX),
    FIELD(312, point_size_bits[1], 0, UINT32_MAX),
    FIELD(324, line_width_bits[0], 0, UINT32_MAX),
    FIELD(328, line_width_bits[1], 0, UINT32_MAX),
    FIELD(352, max_vertex_outputs, 0, 256),
    FIELD(356, max_vertex_attribs, 0, VIRGL_MAX_VERTEX_ELEMENTS),
    FIELD(392, capability_bits, 0, UINT32_MAX),
    FIELD(428, max_vertex_attrib_stride, 0, UINT32_MAX),
    FIELD(484, max_texture_2d_size, 0, 32768),
    FIELD(488, max_texture_3d_size, 0, 16384),
    FIELD(492, max_texture_cube_size, 0, 32768),
    FIELD(556, host_feature_check_version, 0, UINT32_MAX),
    FIELD(688, capability_bits_v2, 0, UINT32_MAX),
    FIELD(692, max_video_memory, 0, UINT32_MAX),
};

static bool has_bytes(uint32_t len, uint32_t off, uint32_t n)
{
    return off <= len && n <= len - off;
}

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void read_fields(const uint8_t *data, uint32_t len, const struct u32_field *f, size_t n,
                        struct virgl_caps *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        uint32_t v;
        if (!has_bytes(len, f[i].off, 4))
            continue;
        v = load32(data + f[i].off);
        if (v < f[i].min || v > f[i].max) {
            v = v < f[i].min ? f[i].min : f[i].max;
            out->clamped++;
        }
        *(uint32_t *)(void *)((uint8_t *)out + f[i].member) = v;
    }
}

/* Bits past the last format that exists are dropped: they name nothing. */
static void read_mask(const uint8_t *data, uint32_t len, uint32_t off, struct virgl_format_mask *m)
{
    uint32_t w;

    if (!has_bytes(len, off, sizeof(m->bits)))
        return;
    for (w = 0; w < VIRGL_FORMAT_WORDS; w++) {
        uint32_t first = w * 32u, bits = load32(data + off + 4u * w);
        if (first > VIRGL_FORMAT_LAST)
            bits = 0;
        else if (VIRGL_FORMAT_LAST - first < 31u)
            bits &= (2u << (VIRGL_FORMAT_LAST - first)) - 1u;
        m->bits[w] = bits;
    }
}

static void read_renderer(const uint8_t *data, uint32_t len, char *out)
{
    uint32_t i;

    for (i = 0; i + 1 < VIRGL_RENDERER_MAX && has_bytes(len, OFF_RENDERER + i, 1); i++) {
        uint8_t c = data[OFF_RENDERER + i];
        if (c == 0)
            break;
        out[i] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
    }
    out[i] = '\0';
}

static void read_v1(const uint8_t *data, struct virgl_caps *out)
{
    read_mask(data, VIRGL_CAPS_V1_SIZE, OFF_SAMPLER, &out->sampler);
    read_mask(data, VIRGL_CAPS_V1_SIZE, OFF_RENDER, &out->render);
    read_mask(data, VIRGL_CAPS_V1_SIZE, OFF_DEPTHSTENCIL, &out->depthstencil);
    read_mask(data, VIRGL_CAPS_V1_SIZE, OFF_VERTEXBUFFER, &out->vertexbuffer);
    out->bool_caps = load32(data + OFF_BOOL_CAPS);
    read_fields(data, VIRGL_CAPS_V1_SIZE, v1_fields, VGPU_ARRAY_SIZE(v1_fields), out);
}

/* Capset 2 may be shorter (older hosts) or longer (newer ones) than the layout we know. */
static void read_v2(const uint8_t *data, uint32_t len, struct virgl_caps *out)
{
    out->has_v2 = len > VIRGL_CAPS_V1_SIZE;
    read_fields(data, len, v2_fields, VGPU_ARRAY_SIZE(v2_fields), out);
    read_mask(data, len, OFF_READBACK, &out->readback);
    read_mask(data, len, OFF_SCANOUT, &out->scanout);
    read_renderer(data, len, out->renderer);
}

int virgl_caps_parse(const uint8_t *data, uint32_t len, uint32_t capset_id, struct virgl_caps *out)
{
    vgpu_zero(out, sizeof(*out));
    if (!data || len < VIRGL_CAPS_V1_SIZE || (capset_id != CAPSET_VIRGL && capset_id != CAPSET_VIRGL2))
        return VGPU_E_PROTO;
    if (load32(data + OFF_MAX_VERSION) == 0)
        return VGPU_E_PROTO;
    out->capset_id = capset_id;
    out->max_version = load32(data + OFF_MAX_VERSION);
    out->bytes = len;
    read_v1(data, out);
    if (capset_id == CAPSET_VIRGL2)
        read_v2(data, len, out);
    return VGPU_OK;
}

bool virgl_format_in(const struct virgl_format_mask *m, uint32_t format)
{
    return format < VIRGL_FORMAT_WORDS * 32u && (m->bits[format / 32u] >> (format % 32u)) & 1u;
}

uint32_t virgl_format_count(const struct virgl_format_mask *m)
{
    uint32_t w, n = 0;

    for (w = 0; w < VIRGL_FORMAT_WORDS; w++) {
        uint32_t b = m->bits[w];
        for (; b; b &= b - 1u)
            n++;
    }
    return n;
}
