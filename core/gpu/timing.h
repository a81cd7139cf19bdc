/*
 * timing.h — video timings for a mode, for hosts whose display stack wants them (IOFramebuffer's
 * detailed timing).  A virtual display has no real timing; we describe each mode with VESA CVT
 * reduced blanking (v1), which every display stack accepts as plausible.
 */
#ifndef VGPU_TIMING_H
#define VGPU_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "gpu/vgpu.h"

struct vgpu_timing {
    uint64_t pixel_clock_hz;
    uint32_t h_active, h_blank, h_sync_offset, h_sync_width;
    uint32_t v_active, v_blank, v_sync_offset, v_sync_width;
    bool     h_sync_positive, v_sync_positive;
};

/* CVT-RB timing for `mode` at its refresh (60 Hz when 0); VGPU_E_INVAL for a zero size. */
int vgpu_mode_timing(const struct vgpu_mode *mode, struct vgpu_timing *out);

#endif /* VGPU_TIMING_H */
