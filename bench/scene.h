/*
 * scene.h — what "the OS" draws between two refresh ticks in the benchmarks.
 */
#ifndef BENCH_SCENE_H
#define BENCH_SCENE_H

#include <stdint.h>

#include "gpu/vgpu.h"

enum scene_case {
    SCENE_NONE,      /* nothing changed */
    SCENE_CURSOR,    /* one 64x64 block at an unaligned, moving place (a software cursor) */
    SCENE_WINDOW,    /* a centred window of 10% of the frame's area redrawn */
    SCENE_FULL,      /* every pixel changed */
    SCENE_CARET,     /* a 2x18 text caret blinking at an unaligned place */
    SCENE_TEXT,      /* one 720x18 line of text redrawn */
    SCENE_COUNT
};

const char *scene_name(enum scene_case c);
/* The rectangle case c changes in round r (width 0 for SCENE_NONE). */
struct vgpu_rect scene_rect(enum scene_case c, uint32_t width, uint32_t height, unsigned round);
/* Fill a rectangle of fb (rows packed) with a value that differs for every stamp < 2^24. */
void scene_fill(uint32_t *fb, uint32_t width, const struct vgpu_rect *r, unsigned stamp);
/* A new frame (malloc; exits when out of memory) holding a fixed non-uniform pattern. */
uint32_t *scene_frame_new(uint32_t width, uint32_t height);

#endif /* BENCH_SCENE_H */
