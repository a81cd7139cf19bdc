/* fb.c — scattered page allocation, segment merging, window mapping. */
#include "fb.h"

#include "heap.h"
#include "pages.h"
#include "paging.h"

#define MAX_RUN_PAGES    4
#define SPREAD_FACTOR    4
#define SPREAD_MIN_PAGES 256

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* xorshift64: a fixed seed, so a run's page layout is reproducible. */
static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/*
 * Fill fb->pages with runs of 1..MAX_RUN_PAGES pages from random spots in the lowest
 * SPREAD_FACTOR x (size) of RAM; false if RAM ran out.  Bounding the spread makes later
 * framebuffers reuse pages earlier ones freed: RAM the guest has never touched is slow to
 * touch the first time on some hosts (about 1 ms per page on this project's sandboxed CI).
 */
static bool scatter_pages(struct guest_fb *fb)
{
    uint64_t first, end;
    pages_span(&first, &end);
    uint64_t spread = SPREAD_FACTOR * (uint64_t)fb->npages + SPREAD_MIN_PAGES;
    spread = spread < end - first ? spread : end - first;
    for (size_t i = 0; i < fb->npages;) {
        size_t run = 1 + rng_next() % MAX_RUN_PAGES;
        run = run < fb->npages - i ? run : fb->npages - i;
        uint64_t phys = pages_alloc_from(run, first + rng_next() % spread);
        if (!phys) {                              /* fragmented: settle for single pages */
            run = 1;
            phys = pages_alloc_from(1, first);
        }
        if (!phys)
            return false;
        for (size_t k = 0; k < run; k++)
            fb->pages[i++] = phys + k * PAGE_SIZE;
    }
    return true;
}

static void merge_segments(struct guest_fb *fb)
{
    fb->nsegs = 0;
    for (size_t i = 0; i < fb->npages; i++) {
        struct vgpu_dma_seg *last = fb->nsegs ? &fb->segs[fb->nsegs - 1] : NULL;
        if (last && last->addr + last->len == fb->pages[i])
            last->len += PAGE_SIZE;
        else
            fb->segs[fb->nsegs++] = (struct vgpu_dma_seg){ fb->pages[i], PAGE_SIZE };
    }
}

int fb_create(struct guest_fb *fb, uint32_t width, uint32_t height)
{
    uint64_t bytes = (uint64_t)width * height * VGPU_BYTES_PER_PIXEL;
    *fb = (struct guest_fb){ 0 };
    if (bytes > WINDOW_SIZE || !paging_window_take(&fb->window))
        return VGPU_E_NOMEM;
    fb->width = width;
    fb->height = height;
    fb->npages = bytes ? (size_t)((bytes + PAGE_SIZE - 1) / PAGE_SIZE) : 1;
    fb->pages = heap_zalloc(fb->npages * sizeof *fb->pages);
    fb->segs = heap_zalloc(fb->npages * sizeof *fb->segs);
    if (fb->pages && fb->segs && scatter_pages(fb)) {
        merge_segments(fb);
        fb->pixels = paging_window_map(fb->window, fb->pages, fb->npages);
    }
    if (!fb->pixels) {
        fb_destroy(fb);
        return VGPU_E_NOMEM;
    }
    return VGPU_OK;
}

void fb_destroy(struct guest_fb *fb)
{
    if (!fb->npages)
        return;
    paging_window_release(fb->window, fb->pixels ? fb->npages : 0);
    for (size_t i = 0; fb->pages && i < fb->npages; i++)
        if (fb->pages[i])
            pages_free(fb->pages[i], 1);
    heap_free(fb->pages, fb->npages * sizeof *fb->pages);
    heap_free(fb->segs, fb->npages * sizeof *fb->segs);
    *fb = (struct guest_fb){ 0 };
}

struct vgpu_framebuffer fb_view(const struct guest_fb *fb)
{
    return (struct vgpu_framebuffer){ fb->width, fb->height, fb->nsegs, fb->segs };
}
