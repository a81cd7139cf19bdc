/*
 * res3d_check.h — whether a 3D resource description or a transfer makes sense, before anything
 * goes to the device.  Pure functions: no device, no state.
 */
#ifndef VGPU_RES3D_CHECK_H
#define VGPU_RES3D_CHECK_H

#include <stdint.h>

#include "gpu3d/vgpu3d.h"

/* Defaults when the capset does not say (virgl's own minimums for GL 3.x hosts). */
#define RES3D_DEFAULT_MAX_2D     16384u
#define RES3D_DEFAULT_MAX_3D     2048u
#define RES3D_DEFAULT_MAX_LAYERS 2048u
#define RES3D_MAX_BUFFER         (1u << 30)

/* caps may be NULL (not loaded): formats are then only range-checked. */
int res3d_check_desc(const struct virgl_caps *caps, const struct vgpu3d_resource_desc *d);
/* A box of one level inside the resource, and the bytes it covers inside `backing` bytes. */
int res3d_check_transfer(const struct vgpu3d_resource_desc *d, uint64_t backing,
                         const struct vgpu3d_transfer *t);
/* Bytes per pixel of an uncompressed virgl format (virgl_format_bytes.c), 0 for the others. */
uint32_t res3d_format_bytes(uint32_t format);

#endif /* VGPU_RES3D_CHECK_H */
