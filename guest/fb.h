/*
 * fb.h — framebuffers built from scattered physical pages.
 *
 * The pages are taken in short runs (1-4 pages) from random places in RAM, so the device sees
 * many segments (runs that happen to touch are merged into one vgpu_dma_seg), while the CPU
 * draws linearly through a virtual window that maps the pages back to back with 4 KiB pages.
 */
#ifndef GUEST_FB_H
#define GUEST_FB_H

#include <stddef.h>
#include <stdint.h>

#include "gpu/vgpu.h"

struct guest_fb {
    uint32_t width, height;     /* 0x0: no framebuffer */
    uint32_t *pixels;           /* the linear window, width*height words */
    unsigned window;
    size_t npages;
    uint64_t *pages;            /* physical address of each 4 KiB of the window, in order */
    struct vgpu_dma_seg *segs;  /* pages merged where physically adjacent */
    uint32_t nsegs;
};

/* VGPU_OK, or VGPU_E_NOMEM (no memory or window; larger than 1 GiB). 0x0 still gets a page. */
int  fb_create(struct guest_fb *fb, uint32_t width, uint32_t height);
void fb_destroy(struct guest_fb *fb);
struct vgpu_framebuffer fb_view(const struct guest_fb *fb);

#endif /* GUEST_FB_H */
