/* pattern.c — exact integer formulas; 64-bit sums so no term wraps before its modulus. */
#include "pattern.h"

uint32_t pattern_pixel(uint32_t x, uint32_t y, uint32_t s)
{
    uint64_t r = (3ull * x + 37ull * s) % 256;
    uint64_t g = (5ull * y + 59ull * s) % 256;
    uint64_t b = ((uint64_t)(x ^ y) + 101ull * s) % 256;
    return (uint32_t)(r << 16 | g << 8 | b);
}

void pattern_fill(uint32_t *pixels, uint32_t width, const struct vgpu_rect *r, uint32_t s)
{
    for (uint32_t y = r->y; y < r->y + r->height; y++) {
        uint32_t *row = pixels + (uint64_t)y * width;
        for (uint32_t x = r->x; x < r->x + r->width; x++)
            row[x] = pattern_pixel(x, y, s);
    }
}

uint32_t pattern_cursor_pixel(uint32_t cx, uint32_t cy, uint32_t s)
{
    uint64_t a = ((uint64_t)cx + cy + s) % 7 != 0 ? 255 : 0;
    uint64_t r = (4ull * cx + s) % 256;
    uint64_t g = (4ull * cy + 2ull * s) % 256;
    uint64_t b = ((uint64_t)cx * cy + 3ull * s) % 256;
    return (uint32_t)(a << 24 | r << 16 | g << 8 | b);
}

void pattern_cursor(uint32_t img[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE], uint32_t s)
{
    for (uint32_t cy = 0; cy < VGPU_CURSOR_SIZE; cy++)
        for (uint32_t cx = 0; cx < VGPU_CURSOR_SIZE; cx++)
            img[cy * VGPU_CURSOR_SIZE + cx] = pattern_cursor_pixel(cx, cy, s);
}
