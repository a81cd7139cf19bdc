/*
 * fuzz_virgl_caps.c — libFuzzer target for the virgl capset parser (core/gpu3d/virgl_caps.c) and the
 * 3D resource checks that trust its result (core/gpu3d/res3d_check.c).
 * Beyond "no crash": a failed parse leaves the result zeroed; a good one keeps every limit in its
 * range, no format bit past the last format, and a terminated printable renderer name; a resource
 * the checks accept has the shape its target allows.
 *   make fuzz FUZZ_TARGETS=virgl_caps   (or make fuzz-virgl-caps: VIRGL_FUZZ_SECONDS, default 60)
 * Input: byte 0 picks the capset id (low 2 bits), bytes 1..40 are a resource description, the rest
 * is the capset.  Seeds: corpus/virgl_caps/ (mkseeds.c: one plausible capset as VIRGL and VIRGL2).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/gpu3d/res3d_check.h"
#include "../../core/gpu3d/virgl_caps.h"
#include "../../core/gpu3d/virgl_proto.h"

#define DESC_BYTES 40

static void check_zero(const struct virgl_caps *c)
{
    const uint8_t *p = (const uint8_t *)c;
    for (size_t i = 0; i < sizeof(*c); i++)
        if (p[i])
            abort();
}

static void check_mask(const struct virgl_format_mask *m)
{
    for (uint32_t f = VIRGL_FORMAT_LAST + 1; f < VIRGL_FORMAT_WORDS * 32u; f++)
        if (virgl_format_in(m, f))
            abort();
}

static void check_caps(const struct virgl_caps *c, uint32_t len)
{
    if (c->max_version == 0 || c->bytes != len || (c->capset_id != 1 && c->capset_id != 2))
        abort();
    if (c->max_render_targets < 1 || c->max_render_targets > 8 || c->max_viewports < 1 || c->max_viewports > 16)
        abort();
    if (c->max_samples > 32 || c->max_vertex_attribs > 32 || c->max_texture_2d_size > 32768 ||
        c->max_texture_3d_size > 16384 || c->max_texture_array_layers > 65536)
        abort();
    if (c->capset_id == 1 && (c->has_v2 || c->renderer[0] || c->capability_bits))
        abort();   /* capset 1 has no v2 part, however long it is */
    check_mask(&c->sampler);
    check_mask(&c->render);
    check_mask(&c->scanout);
    check_mask(&c->readback);
    const char *end = memchr(c->renderer, '\0', sizeof(c->renderer));
    if (!end)
        abort();
    size_t n = (size_t)(end - c->renderer);
    for (size_t i = 0; i < n; i++)
        if (c->renderer[i] < 0x20 || c->renderer[i] > 0x7e)
            abort();
}

static void check_desc(const struct virgl_caps *caps, const uint8_t *b)
{
    struct vgpu3d_resource_desc d;
    memcpy(&d, b, sizeof(d));
    if (res3d_check_desc(caps, &d) != VGPU_OK)
        return;
    if (d.width == 0 || d.height == 0 || d.depth == 0 || d.array_size == 0 || d.target > 8)
        abort();
    if (d.target == VGPU3D_TARGET_BUFFER && (d.height != 1 || d.last_level || (d.bind & VIRGL_BIND_RENDER_TARGET)))
        abort();
    if (d.target != VGPU3D_TARGET_3D && d.depth != 1)
        abort();
    if (d.format == 0 || d.format > VIRGL_FORMAT_LAST || (d.last_level > 31))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct virgl_caps caps;
    uint8_t desc[DESC_BYTES] = { 0 };

    if (size < 1 + DESC_BYTES)
        return 0;
    memcpy(desc, data + 1, DESC_BYTES);
    uint32_t len = (uint32_t)(size - 1 - DESC_BYTES);
    /* A copy of exactly len bytes, so reading past the capset is an ASan error. */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return 0;
    memcpy(copy, data + 1 + DESC_BYTES, len);
    int rc = virgl_caps_parse(copy, len, data[0] & 3u, &caps);
    if (rc != VGPU_OK)
        check_zero(&caps);
    else
        check_caps(&caps, len);
    check_desc(rc == VGPU_OK ? &caps : NULL, desc);
    free(copy);
    return 0;
}
