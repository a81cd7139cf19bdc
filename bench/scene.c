/*
 * scene.c — the benchmark's drawing: plain stores, as an OS would do them.
 */
#include "scene.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

const char *scene_name(enum scene_case c)
{
    static const char *const names[SCENE_COUNT] = { "none", "cursor64", "window10%", "full",
                                                     "caret2x18", "text720x18" };
    return names[c];
}

struct vgpu_rect scene_rect(enum scene_case c, uint32_t width, uint32_t height, unsigned round)
{
    switch (c) {
    case SCENE_CURSOR:   /* moves by odd steps: never tile-aligned for long */
        return (struct vgpu_rect){ width / 3 + (round * 37) % 256, height / 3 + (round * 23) % 256,
                                   64, 64 };
    case SCENE_WINDOW: { /* 0.316^2 = 10% of the area */
        uint32_t w = (uint32_t)(width * 0.3162), h = (uint32_t)(height * 0.3162);
        return (struct vgpu_rect){ (width - w) / 2, (height - h) / 2, w, h };
    }
    case SCENE_FULL:
        return (struct vgpu_rect){ 0, 0, width, height };
    case SCENE_CARET:
        return (struct vgpu_rect){ width / 2 + 5, height / 4 + 7, 2, 18 };
    case SCENE_TEXT:
        return (struct vgpu_rect){ 100, height / 2 + 3, 720, 18 };
    default:
        return (struct vgpu_rect){ 0, 0, 0, 0 };
    }
}

void scene_fill(uint32_t *fb, uint32_t width, const struct vgpu_rect *r, unsigned stamp)
{
    uint32_t value = ((stamp + 1) * 0x9E3779B1u) & 0x00ffffffu;   /* odd factor: a bijection */

    for (uint32_t y = r->y; y < r->y + r->height; y++) {
        uint32_t *row = fb + (size_t)y * width + r->x;
        for (uint32_t x = 0; x < r->width; x++)
            row[x] = value;
    }
}

uint32_t *scene_frame_new(uint32_t width, uint32_t height)
{
    uint32_t *fb = malloc((size_t)width * height * 4);

    if (fb == NULL) {
        fprintf(stderr, "bench: no memory for a %ux%u frame\n", width, height);
        exit(1);
    }
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++)
            fb[(size_t)y * width + x] = ((x * 3) & 0xff) << 16 | ((y * 5) & 0xff) << 8 | ((x ^ y) & 0xff);
    return fb;
}
