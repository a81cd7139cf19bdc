/*
 * baseline.c — libc's memcmp/memcpy (vectorised by glibc) as the yardstick.
 */
#include "baseline.h"

#include <stdlib.h>
#include <string.h>

#include "scene.h"

static volatile int sink;

void baseline_open(struct baseline *bl, uint32_t width, uint32_t height)
{
    bl->bytes = (size_t)width * height * 4;
    bl->a = scene_frame_new(width, height);
    bl->b = scene_frame_new(width, height);
}

void baseline_close(struct baseline *bl)
{
    free(bl->a);
    free(bl->b);
}

static void run_memcmp(void *ctx, unsigned round)
{
    struct baseline *bl = ctx;
    (void)round;
    sink += memcmp(bl->a, bl->b, bl->bytes);
}

static void run_memcpy(void *ctx, unsigned round)
{
    struct baseline *bl = ctx;
    (void)round;
    memcpy(bl->b, bl->a, bl->bytes);
    sink += (int)bl->b[round % (bl->bytes / 4)];
}

void baseline_steps(struct baseline *bl, struct bench_step steps[2])
{
    steps[0] = (struct bench_step){ .run = run_memcmp, .ctx = bl };
    steps[1] = (struct bench_step){ .run = run_memcpy, .ctx = bl };
}
