/*
 * damage_api.h — core/refresh/damage.c built twice into the benchmark, so one run compares the builds:
 * "default" (-O2, the compiler may use SSE2 as in the unit tests) and "scalar" (-O2
 * -mgeneral-regs-only, as the test guest builds it; the kext's -mkernel forbids implicit SSE too).
 * mk/bench.mk renames the scalar copy's symbols to scalar_vgpu_damage_*.
 */
#ifndef BENCH_DAMAGE_API_H
#define BENCH_DAMAGE_API_H

#include "refresh/damage.h"

struct damage_api {
    const char *build;
    int      (*init)(struct vgpu_damage *d, void *os, uint32_t w, uint32_t h, uint32_t tw, uint32_t th);
    void     (*fini)(struct vgpu_damage *d);
    uint32_t (*scan)(struct vgpu_damage *d, const uint32_t *fb);
    bool     (*probe)(const struct vgpu_damage *d, const uint32_t *fb, uint32_t stride, uint32_t phase);
    size_t   (*rects)(const struct vgpu_damage *d, struct vgpu_rect *out, size_t max);
    void     (*clear)(struct vgpu_damage *d);
};

extern const struct damage_api damage_default, damage_scalar;

#endif /* BENCH_DAMAGE_API_H */
