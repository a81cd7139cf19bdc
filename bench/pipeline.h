/*
 * pipeline.h — the driver's cost per frame for the whole refresh path: vgpu_refresh_tick (scan,
 * merge, vgpu_flush_rects_async through the real core) against the software device.  The device's
 * own work (the host side) runs between frames, outside the timing.
 */
#ifndef BENCH_PIPELINE_H
#define BENCH_PIPELINE_H

#include "engine.h"

void pipeline_measure(uint32_t width, uint32_t height, unsigned rounds, struct frame_result *out);

#endif /* BENCH_PIPELINE_H */
