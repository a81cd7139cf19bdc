/*
 * engine.h — the damage engine alone (scan + merge + clear) per drawing case, against memcmp and
 * memcpy of the same frame size measured in the same rounds.
 */
#ifndef BENCH_ENGINE_H
#define BENCH_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "damage_api.h"
#include "scene.h"

struct case_result {
    double   ms;        /* best time per frame */
    double   pixels;    /* pixels in the rectangles sent, mean per frame (positions vary) */
    double   rects;     /* rectangles sent, mean per frame */
    /* sums behind the means */
    uint64_t pixel_sum, rect_sum, frames;
};

/* Account one frame's rectangles; keeps the means up to date. */
void case_result_add(struct case_result *r, uint64_t rects, uint64_t pixels);

struct frame_result {
    uint32_t width, height, tile_w, tile_h;
    double memcmp_ms, memcpy_ms;
    struct case_result cases[SCENE_COUNT];
};

void engine_measure(const struct damage_api *api, uint32_t width, uint32_t height,
                    uint32_t tile_w, uint32_t tile_h, unsigned rounds, struct frame_result *out);

/* Run `steps` (steps[2 + c] times scene case c; [0] and [1] are filled here with memcmp and
 * memcpy of out's frame size) for `rounds`, and store every best time in `out`. */
void measure_beside_baseline(struct bench_step steps[2 + SCENE_COUNT], unsigned rounds,
                             struct frame_result *out);

struct idle_result {
    uint32_t width, height;
    double probe_ms;     /* one idle tick: every vgpu_refresh_probe_stride(height)-th row */
    double scan_ms;      /* one full scan of the same unchanged frame */
};

/* Idle ticks on an unchanged frame whose memory went cold since the last tick (other work ran:
 * the benchmark reads 128 MiB elsewhere before each one). */
void engine_idle(const struct damage_api *api, uint32_t width, uint32_t height, unsigned rounds,
                 struct idle_result *out);

#endif /* BENCH_ENGINE_H */
