/*
 * damage_api.c — the two builds of core/refresh/damage.c as function tables.
 */
#include "damage_api.h"

int      scalar_vgpu_damage_init(struct vgpu_damage *d, void *os, uint32_t w, uint32_t h,
                                 uint32_t tw, uint32_t th);
void     scalar_vgpu_damage_fini(struct vgpu_damage *d);
uint32_t scalar_vgpu_damage_scan(struct vgpu_damage *d, const uint32_t *fb);
bool     scalar_vgpu_damage_probe(const struct vgpu_damage *d, const uint32_t *fb,
                                  uint32_t stride, uint32_t phase);
size_t   scalar_vgpu_damage_rects(const struct vgpu_damage *d, struct vgpu_rect *out, size_t max);
void     scalar_vgpu_damage_clear(struct vgpu_damage *d);

const struct damage_api damage_default = {
    "default", vgpu_damage_init, vgpu_damage_fini, vgpu_damage_scan, vgpu_damage_probe,
    vgpu_damage_rects, vgpu_damage_clear,
};

const struct damage_api damage_scalar = {
    "scalar", scalar_vgpu_damage_init, scalar_vgpu_damage_fini, scalar_vgpu_damage_scan,
    scalar_vgpu_damage_probe, scalar_vgpu_damage_rects, scalar_vgpu_damage_clear,
};
