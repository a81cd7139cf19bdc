/*
 * clock.h — timing for the benchmarks: CLOCK_MONOTONIC, best of N.
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stdint.h>

uint64_t bench_now_ns(void);

/* One timed step: `prepare` (untimed, may be NULL) then `run` (timed). */
struct bench_step {
    void (*prepare)(void *ctx, unsigned round);
    void (*run)(void *ctx, unsigned round);
    void *ctx;
    double best_ms;        /* smallest time seen so far; start at bench_step_reset() */
};

void bench_step_reset(struct bench_step *s);
void bench_step_once(struct bench_step *s, unsigned round);
/*
 * Best of both worlds for every step alike: each step several times in a row (warm caches, the
 * conditions a libc routine looks best in), then all steps in turn (each sees the others' memory
 * traffic); both phases repeated over a few slices of time.  best_ms is the minimum of all runs
 * (about 2 * rounds per step).
 */
void bench_run(struct bench_step *steps, unsigned n, unsigned rounds);

#endif /* BENCH_CLOCK_H */
