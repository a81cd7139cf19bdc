/* res3d_check.c — checking 3D resource descriptions and transfer boxes. */
#include "gpu3d/res3d_check.h"

#include "gpu3d/virgl_proto.h"

#define BIND_TEXTURE_ONLY (VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_DEPTH_STENCIL | VIRGL_BIND_SCANOUT | \
                           VIRGL_BIND_DISPLAY_TARGET | VIRGL_BIND_CURSOR)

static uint32_t mip_levels_max(uint32_t w, uint32_t h, uint32_t d)
{
    uint32_t m = w > h ? w : h, levels = 0;

    if (d > m)
        m = d;
    while (m > 1) {
        m >>= 1;
        levels++;
    }
    return levels;
}

static bool is_array(uint32_t target)
{
    return target == VGPU3D_TARGET_1D_ARRAY || target == VGPU3D_TARGET_2D_ARRAY ||
           target == VGPU3D_TARGET_CUBE_ARRAY;
}

/* Height, depth and layer count each target allows. */
static int check_shape(const struct vgpu3d_resource_desc *d, uint32_t max_layers)
{
    bool one_d = d->target == VGPU3D_TARGET_1D || d->target == VGPU3D_TARGET_1D_ARRAY;
    bool cube = d->target == VGPU3D_TARGET_CUBE || d->target == VGPU3D_TARGET_CUBE_ARRAY;

    if (d->width == 0 || d->height == 0 || d->depth == 0 || d->array_size == 0)
        return VGPU_E_INVAL;
    if ((one_d || d->target == VGPU3D_TARGET_BUFFER) && d->height != 1)
        return VGPU_E_INVAL;
    if (d->target != VGPU3D_TARGET_3D && d->depth != 1)
        return VGPU_E_INVAL;
    if (cube && (d->width != d->height || d->array_size % 6u != 0))
        return VGPU_E_INVAL;
    if (d->target == VGPU3D_TARGET_CUBE && d->array_size != 6)
        return VGPU_E_INVAL;
    if (!is_array(d->target) && !cube && d->array_size != 1)
        return VGPU_E_INVAL;
    return d->array_size <= max_layers ? VGPU_OK : VGPU_E_INVAL;
}

static uint32_t cap_or(uint32_t cap, uint32_t fallback)
{
    return cap ? cap : fallback;
}

static int check_size(const struct virgl_caps *caps, const struct vgpu3d_resource_desc *d)
{
    uint32_t max2d = caps ? cap_or(caps->max_texture_2d_size, RES3D_DEFAULT_MAX_2D) : RES3D_DEFAULT_MAX_2D;
    uint32_t max3d = caps ? cap_or(caps->max_texture_3d_size, RES3D_DEFAULT_MAX_3D) : RES3D_DEFAULT_MAX_3D;
    uint32_t maxcube = caps ? cap_or(caps->max_texture_cube_size, max2d) : max2d;

    switch (d->target) {
    case VGPU3D_TARGET_BUFFER:
        return d->width <= RES3D_MAX_BUFFER ? VGPU_OK : VGPU_E_INVAL;
    case VGPU3D_TARGET_3D:
        return d->width <= max3d && d->height <= max3d && d->depth <= max3d ? VGPU_OK : VGPU_E_INVAL;
    case VGPU3D_TARGET_CUBE: case VGPU3D_TARGET_CUBE_ARRAY:
        return d->width <= maxcube ? VGPU_OK : VGPU_E_INVAL;
    default:
        return d->width <= max2d && d->height <= max2d ? VGPU_OK : VGPU_E_INVAL;
    }
}

static int check_bind(const struct vgpu3d_resource_desc *d)
{
    if (d->bind & ~VIRGL_BIND_KNOWN)
        return VGPU_E_INVAL;
    if (d->target == VGPU3D_TARGET_BUFFER)
        return d->bind & BIND_TEXTURE_ONLY ? VGPU_E_INVAL : VGPU_OK;
    return d->bind & VIRGL_BIND_BUFFER_ONLY ? VGPU_E_INVAL : VGPU_OK;
}

/* Z16, Z32, Z32F, Z24S8, S8Z24, Z24X8, X8Z24, S8, Z32F_S8X24 and the X24S8/S8X24/X32_S8X24 views. */
static bool is_depth_stencil(uint32_t format)
{
    return (format >= 16u && format <= 23u) || format == 126u || (format >= 136u && format <= 138u);
}

/* Each use the bind flags ask for must be one the host lists for the format. */
static int check_format(const struct virgl_caps *caps, const struct vgpu3d_resource_desc *d)
{
    if (d->format == 0 || d->format > VIRGL_FORMAT_LAST)
        return VGPU_E_INVAL;
    if (!caps || d->target == VGPU3D_TARGET_BUFFER)
        return VGPU_OK;
    if ((d->bind & VIRGL_BIND_RENDER_TARGET) && !virgl_format_in(&caps->render, d->format) &&
        !((d->bind & VIRGL_BIND_SAMPLER_VIEW) && virgl_format_in(&caps->sampler, d->format)))
        return VGPU_E_UNSUPPORTED;   /* a sampleable texture may carry RENDER_TARGET (Mesa asks so for
                                        L8_SRGB); the host creates it and refuses only rendering to it */
    if ((d->bind & VIRGL_BIND_DEPTH_STENCIL) && !is_depth_stencil(d->format))
        return VGPU_E_UNSUPPORTED;   /* virgl hosts leave the depth mask empty: the format decides */
    if ((d->bind & VIRGL_BIND_SAMPLER_VIEW) && !virgl_format_in(&caps->sampler, d->format))
        return VGPU_E_UNSUPPORTED;
    if ((d->bind & VIRGL_BIND_SCANOUT) && virgl_format_count(&caps->scanout) &&
        !virgl_format_in(&caps->scanout, d->format))
        return VGPU_E_UNSUPPORTED;
    return VGPU_OK;
}

static int check_levels_samples(const struct virgl_caps *caps, const struct vgpu3d_resource_desc *d)
{
    uint32_t s = d->nr_samples;
    bool plain = d->target == VGPU3D_TARGET_BUFFER || d->target == VGPU3D_TARGET_RECT;

    if (d->last_level > (plain ? 0u : mip_levels_max(d->width, d->height,
                                                       d->target == VGPU3D_TARGET_3D ? d->depth : 1)))
        return VGPU_E_INVAL;
    if (s <= 1)
        return VGPU_OK;
    if ((s & (s - 1u)) || !caps || s > caps->max_samples || d->last_level != 0 ||
        (d->target != VGPU3D_TARGET_2D && d->target != VGPU3D_TARGET_2D_ARRAY))
        return VGPU_E_INVAL;
    return VGPU_OK;
}

int res3d_check_desc(const struct virgl_caps *caps, const struct vgpu3d_resource_desc *d)
{
    uint32_t max_layers = caps ? cap_or(caps->max_texture_array_layers, RES3D_DEFAULT_MAX_LAYERS)
                               : RES3D_DEFAULT_MAX_LAYERS;
    int rc;

    if (!d || d->target > VGPU3D_TARGET_CUBE_ARRAY || (d->flags & ~VIRGL_RESOURCE_Y_0_TOP))
        return VGPU_E_INVAL;
    if (d->target == VGPU3D_TARGET_CUBE || d->target == VGPU3D_TARGET_CUBE_ARRAY)
        max_layers = max_layers > 6u ? max_layers : 6u;
    if ((rc = check_shape(d, max_layers)) != VGPU_OK || (rc = check_size(caps, d)) != VGPU_OK ||
        (rc = check_bind(d)) != VGPU_OK || (rc = check_levels_samples(caps, d)) != VGPU_OK)
        return rc;
    return check_format(caps, d);
}

/* ---- transfers ---- */

static uint32_t at_level(uint32_t size, uint32_t level)
{
    uint32_t s = size >> level;
    return s ? s : 1u;
}

/* The box must lie inside the level: x/y/z in texels, z in layers except for 3D textures. */
static int check_box(const struct vgpu3d_resource_desc *d, const struct vgpu3d_transfer *t)
{
    uint32_t lw = at_level(d->width, t->level), lh = at_level(d->height, t->level);
    uint32_t lz = d->target == VGPU3D_TARGET_3D ? at_level(d->depth, t->level) : d->array_size;

    if (t->level > d->last_level || t->w == 0 || t->h == 0 || t->d == 0)
        return VGPU_E_INVAL;
    if ((uint64_t)t->x + t->w > lw || (uint64_t)t->y + t->h > lh || (uint64_t)t->z + t->d > lz)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

/*
 * The bytes the box covers in the backing: rows of `stride`, layers of `layer_stride` from
 * `offset` (0 strides mean whole level rows and images, as the host reads them).  With an unknown
 * pixel size the stride must be given and each row is assumed to fill it.
 */
static int check_span(const struct vgpu3d_resource_desc *d, uint64_t backing, const struct vgpu3d_transfer *t)
{
    uint32_t bpp = d->target == VGPU3D_TARGET_BUFFER ? 1u : res3d_format_bytes(d->format);
    uint64_t row = bpp ? (uint64_t)t->w * bpp : t->stride;
    uint64_t stride = t->stride ? t->stride : (uint64_t)at_level(d->width, t->level) * bpp;
    uint64_t layer = t->layer_stride ? t->layer_stride : stride * at_level(d->height, t->level);
    uint64_t end;

    if (row == 0 || stride < row || (t->d > 1 && layer < stride * t->h))
        return VGPU_E_INVAL;
    end = t->offset + layer * (t->d - 1u) + stride * (t->h - 1u) + row;
    if (t->offset > backing || end > backing)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

int res3d_check_transfer(const struct vgpu3d_resource_desc *d, uint64_t backing,
                         const struct vgpu3d_transfer *t)
{
    int rc;

    if (!t || backing == 0 || t->offset >= (1ull << 40))
        return VGPU_E_INVAL;
    if ((rc = check_box(d, t)) != VGPU_OK)
        return rc;
    return check_span(d, backing, t);
}
