/*
 * pattern.h — the test images of guest/PROTOCOL.md.  The host computes the same formulas
 * independently; nothing here is read back by the host except through the device.
 */
#ifndef GUEST_PATTERN_H
#define GUEST_PATTERN_H

#include <stdint.h>

#include "gpu/vgpu.h"

/* Screen pixel 0x00RRGGBB at absolute framebuffer coordinates (x, y) for seed s. */
uint32_t pattern_pixel(uint32_t x, uint32_t y, uint32_t s);
/* Fill the rectangle of a packed framebuffer `width` pixels wide. */
void     pattern_fill(uint32_t *pixels, uint32_t width, const struct vgpu_rect *r, uint32_t s);
/* Cursor image word 0xAARRGGBB at (cx, cy) for seed s. */
uint32_t pattern_cursor_pixel(uint32_t cx, uint32_t cy, uint32_t s);
void     pattern_cursor(uint32_t img[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE], uint32_t s);

#endif /* GUEST_PATTERN_H */
