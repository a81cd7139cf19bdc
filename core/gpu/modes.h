/*
 * modes.h — the list of modes a scanout offers: the host's size, the EDID's modes and a table of
 * common sizes, merged by size, largest first, with exactly one preferred mode.
 */
#ifndef VGPU_MODES_H
#define VGPU_MODES_H

#include <stddef.h>
#include <stdint.h>

#include "gpu/edid.h"
#include "gpu/vgpu.h"

/* The most modes a list can hold: the host size, every EDID mode and the 17 common sizes. */
#define VGPU_MODES_MAX (1 + VGPU_EDID_MAX_MODES + 17)

/*
 * Build the mode list.  host_w x host_h is the display-info size (ignored when either side is 0
 * or above VGPU_MAX_DIMENSION); edid may be NULL or invalid.  Only modes within max_w x max_h
 * (each clamped to VGPU_MAX_DIMENSION; 0 means that limit) are offered.
 *
 * One entry per WxH, flags OR'ed.  Its refresh: the EDID preferred timing's if that timing has
 * this size, otherwise the known refresh nearest 60 Hz (the higher on a tie), 0 when none is known.
 * Exactly one entry is VGPU_MODE_PREFERRED: the EDID preferred mode when it fits, else the host
 * size when usable, else 1024x768 when it fits, else the largest entry.
 * Sorted by pixel count, then width, largest first.  Fills at most `max` entries of `out` and
 * returns how many exist (possibly more than max; never more than VGPU_MODES_MAX).  Pure: no allocation, no global state.
 */
size_t vgpu_modes_build(uint32_t host_w, uint32_t host_h, const struct vgpu_edid_info *edid,
                        uint32_t max_w, uint32_t max_h, struct vgpu_mode *out, size_t max);

#endif /* VGPU_MODES_H */
