/*
 * virgl_caps.h — the virgl capability set (capset ids 1 and 2) as the core understands it.
 *
 * The device's capset is input like any other: virgl_caps_parse() reads it field by field at
 * fixed little-endian offsets, takes only the fields that lie wholly inside the bytes it got,
 * masks format bits beyond the formats that exist, clamps limits to what the protocol can carry
 * (counting each clamp), and turns the renderer name into printable text.  Float fields (point
 * sizes, line widths) stay raw IEEE-754 bit patterns: the kernel does no float arithmetic.
 */
#ifndef VIRGL_CAPS_H
#define VIRGL_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#define VIRGL_CAPS_V1_SIZE   308u    /* struct virgl_caps_v1 */
#define VIRGL_CAPS_V2_SIZE   760u    /* struct virgl_caps_v2 as of virglrenderer 1.x; may grow */
#define VIRGL_FORMAT_WORDS   16u     /* a format mask: 512 bits, bit n = virgl format n */
#define VIRGL_RENDERER_MAX   64u

struct virgl_format_mask { uint32_t bits[VIRGL_FORMAT_WORDS]; };

struct virgl_caps {
    uint32_t capset_id;              /* 1 (VIRGL) or 2 (VIRGL2) */
    uint32_t max_version;            /* the capset's own first field, >= 1 */
    uint32_t bytes;                  /* how many bytes the capset had */
    /* v1 */
    struct virgl_format_mask sampler, render, depthstencil, vertexbuffer;
    uint32_t bool_caps;              /* struct virgl_caps_bool_set1 as bits */
    uint32_t glsl_level;
    uint32_t max_texture_array_layers;
    uint32_t max_streamout_buffers;
    uint32_t max_dual_source_render_targets;
    uint32_t max_render_targets;     /* 1..8 */
    uint32_t max_samples;
    uint32_t prim_mask;
    uint32_t max_tbo_size;
    uint32_t max_uniform_blocks;
    uint32_t max_viewports;          /* 1..16 */
    uint32_t max_texture_gather_components;
    /* v2: zero unless capset 2 carried the field */
    bool     has_v2;
    uint32_t point_size_bits[2];     /* aliased min, max (float bits) */
    uint32_t line_width_bits[2];     /* aliased min, max (float bits) */
    uint32_t max_vertex_outputs;
    uint32_t max_vertex_attribs;     /* <= 32 */
    uint32_t capability_bits;        /* VIRGL_CAP_* */
    uint32_t max_vertex_attrib_stride;
    uint32_t max_texture_2d_size;    /* 0 = not reported (the core then assumes 16384) */
    uint32_t max_texture_3d_size;
    uint32_t max_texture_cube_size;
    uint32_t host_feature_check_version;
    struct virgl_format_mask readback, scanout;
    uint32_t capability_bits_v2;     /* VIRGL_CAP_V2_* */
    uint32_t max_video_memory;       /* MiB */
    char     renderer[VIRGL_RENDERER_MAX];   /* printable ASCII, always terminated */
    uint32_t clamped;                /* fields that were out of range and clamped */
};

/* VGPU_OK with `out` filled, or VGPU_E_PROTO (too short, unknown id, version 0) with `out` zeroed. */
int  virgl_caps_parse(const uint8_t *data, uint32_t len, uint32_t capset_id, struct virgl_caps *out);
bool virgl_format_in(const struct virgl_format_mask *m, uint32_t format);
/* How many formats a mask lists. */
uint32_t virgl_format_count(const struct virgl_format_mask *m);

#endif /* VIRGL_CAPS_H */
