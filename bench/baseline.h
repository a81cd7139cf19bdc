/*
 * baseline.h — memcmp and memcpy of one frame (two equal buffers): the reference costs.
 */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct baseline {
    uint32_t *a, *b;     /* equal contents, so memcmp reads all of both */
    size_t bytes;
};

void baseline_open(struct baseline *bl, uint32_t width, uint32_t height);
void baseline_close(struct baseline *bl);
/* Timed steps for bench_run: [0] memcmp(a, b), [1] memcpy(b, a). */
void baseline_steps(struct baseline *bl, struct bench_step steps[2]);

#endif /* BENCH_BASELINE_H */
