/*
 * clock.c — best-of-N timing.  The minimum is the cost without interference from the other
 * processes on the (shared, 2-core) machine.
 */
#define _POSIX_C_SOURCE 200809L
#include "clock.h"

#include <time.h>

/* The rounds are spread over this many slices of time, so that a busy spell of the (shared)
 * machine cannot fall on all runs of one step. */
#define BENCH_SLICES 4

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_step_reset(struct bench_step *s)
{
    s->best_ms = 1e300;
}

void bench_step_once(struct bench_step *s, unsigned round)
{
    if (s->prepare)
        s->prepare(s->ctx, round);
    uint64_t t0 = bench_now_ns();
    s->run(s->ctx, round);
    double ms = (double)(bench_now_ns() - t0) / 1e6;
    if (ms < s->best_ms)
        s->best_ms = ms;
}

/* Each step alone, `rounds` times in a row, then all of them in turn `rounds` times. */
static unsigned run_phases(struct bench_step *steps, unsigned n, unsigned rounds, unsigned round)
{
    for (unsigned i = 0; i < n; i++)
        for (unsigned r = 0; r < rounds; r++)
            bench_step_once(&steps[i], round + r);
    round += rounds;
    for (unsigned r = 0; r < rounds; r++, round++)
        for (unsigned i = 0; i < n; i++)
            bench_step_once(&steps[i], round);
    return round;
}

void bench_run(struct bench_step *steps, unsigned n, unsigned rounds)
{
    unsigned slices = rounds >= 2 * BENCH_SLICES ? BENCH_SLICES : 1, round = 0;

    for (unsigned i = 0; i < n; i++)
        bench_step_reset(&steps[i]);
    for (unsigned s = 0; s < slices; s++)
        round = run_phases(steps, n, rounds / slices, round);
}
