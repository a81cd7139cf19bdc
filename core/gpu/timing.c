/*
 * timing.c — VESA CVT 1.2 reduced blanking (v1) in integer arithmetic (kernels forbid floating
 * point).  Constants are the standard's: 160-pixel horizontal blank with a 32-pixel sync 48
 * pixels in, at least 460 us of vertical blank, 3-line front porch, 6-line minimum back porch.
 */
#include "gpu/timing.h"

#define RB_H_BLANK        160u
#define RB_H_SYNC         32u
#define RB_H_FRONT        48u
#define RB_MIN_VBLANK_PS  460000000ull   /* 460 us */
#define RB_V_FRONT        3u
#define RB_MIN_V_BACK     6u
#define CLOCK_STEP_HZ     250000ull      /* CVT rounds the pixel clock down to 0.25 MHz */
#define PS_PER_S_X1000    1000000000000000ull   /* picoseconds per second, times 1000 (mHz) */

/* CVT encodes the aspect ratio in the vertical sync width. */
static uint32_t vsync_for_aspect(uint32_t w, uint32_t h)
{
    if (w * 3u == h * 4u)   return 4;    /* 4:3 */
    if (w * 9u == h * 16u)  return 5;    /* 16:9 */
    if (w * 10u == h * 16u) return 6;    /* 16:10 */
    if (w * 4u == h * 5u || w * 9u == h * 15u) return 7;   /* 5:4, 15:9 */
    return 10;                           /* anything else */
}

int vgpu_mode_timing(const struct vgpu_mode *mode, struct vgpu_timing *out)
{
    uint64_t refresh_mhz, frame_ps, line_ps, vbi_lines, v_total, h_total, clock;
    uint32_t vsync, min_vbi;

    if (!mode || !out || mode->width == 0 || mode->height == 0 || mode->width > 65535 ||
        mode->height > 65535)
        return VGPU_E_INVAL;
    refresh_mhz = mode->refresh_mhz ? mode->refresh_mhz : 60000u;
    frame_ps = PS_PER_S_X1000 / refresh_mhz;
    if (frame_ps <= RB_MIN_VBLANK_PS)
        return VGPU_E_INVAL;   /* refresh above ~2 kHz: no time left for active lines */
    line_ps = (frame_ps - RB_MIN_VBLANK_PS) / mode->height;
    if (line_ps == 0)
        return VGPU_E_INVAL;
    vsync = vsync_for_aspect(mode->width, mode->height);
    min_vbi = RB_V_FRONT + vsync + RB_MIN_V_BACK;
    vbi_lines = RB_MIN_VBLANK_PS / line_ps + 1;
    if (vbi_lines < min_vbi)
        vbi_lines = min_vbi;
    v_total = mode->height + vbi_lines;
    h_total = mode->width + RB_H_BLANK;
    clock = h_total * v_total * refresh_mhz / 1000u;
    out->pixel_clock_hz = clock - clock % CLOCK_STEP_HZ;
    out->h_active = mode->width;
    out->h_blank = RB_H_BLANK;
    out->h_sync_offset = RB_H_FRONT;
    out->h_sync_width = RB_H_SYNC;
    out->v_active = mode->height;
    out->v_blank = (uint32_t)vbi_lines;
    out->v_sync_offset = RB_V_FRONT;
    out->v_sync_width = vsync;
    out->h_sync_positive = true;    /* reduced blanking: +hsync, -vsync */
    out->v_sync_positive = false;
    return VGPU_OK;
}
