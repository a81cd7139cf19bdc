/*
 * fuzz_mem.c — the fuzz host's memory: the core's heap and DMA blocks with accounting and
 * failure injection, caller-owned framebuffers, and the fake device address space behind them.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_dev.h"
#include "fuzz_os.h"

#define MAX_ALLOCS   512
#define MAX_REGIONS  1024
#define GUARD_GAP    0x10000ull    /* unmapped space after every region */
#define PAGE         4096ull

struct region { uint64_t addr, len; uint8_t *cpu; bool dma; };
struct alloc  { void *ptr; size_t size; };

static struct {
    struct alloc allocs[MAX_ALLOCS];
    size_t nallocs, live_dma;
    struct region regions[MAX_REGIONS];   /* sorted by address: addresses only grow */
    size_t nregions;
    uint64_t next_addr, attempts, failed, fail_at;
} mem;

void fz_mem_reset(void)
{
    memset(&mem, 0, sizeof(mem));
    mem.next_addr = FZ_DMA_BASE;
}

void fz_mem_stats(struct fz_mem_stats *out)
{
    *out = (struct fz_mem_stats){ mem.nallocs, mem.live_dma, mem.attempts, mem.failed };
}

void fz_fail_alloc_at(uint32_t n)
{
    mem.fail_at = n ? mem.attempts + n : 0;
}

static bool attempt_fails(void)
{
    mem.attempts++;
    if (mem.fail_at && mem.attempts == mem.fail_at) {
        mem.failed++;
        dev_deviate();
        return true;
    }
    return false;
}

static uint64_t region_add(uint8_t *cpu, uint64_t len, bool dma)
{
    uint64_t addr = mem.next_addr;

    if (mem.nregions == MAX_REGIONS)
        fz_finding("more than %d mapped regions: the core leaks DMA blocks", MAX_REGIONS);
    mem.regions[mem.nregions++] = (struct region){ addr, len, cpu, dma };
    mem.next_addr += (len + PAGE - 1) / PAGE * PAGE + GUARD_GAP;
    return addr;
}

static struct region *region_at(uint64_t addr)
{
    size_t lo = 0, hi = mem.nregions;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mem.regions[mid].addr + mem.regions[mid].len <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < mem.nregions && mem.regions[lo].addr <= addr ? &mem.regions[lo] : NULL;
}

/* Unmap a region; the device must not be able to reach it any more. */
static void region_remove(struct region *r)
{
    size_t at = (size_t)(r - mem.regions);

    if (dev_touches(r->addr, r->len))
        fz_finding("memory at 0x%llx freed while the device can still access it",
                   (unsigned long long)r->addr);
    memmove(r, r + 1, (mem.nregions - at - 1) * sizeof(*r));
    mem.nregions--;
}

void *fz_map(uint64_t addr, uint64_t len)
{
    struct region *r = region_at(addr);

    if (!r || len == 0 || len > r->len - (addr - r->addr))
        return NULL;
    return r->cpu + (addr - r->addr);
}

/* ---- the core's heap ---- */

void *vgpu_os_zalloc(void *os, size_t size)
{
    void *p;

    (void)os;
    if (size == 0)
        fz_finding("zalloc of 0 bytes");
    if (attempt_fails())
        return NULL;
    if (mem.nallocs == MAX_ALLOCS)
        fz_finding("more than %d live heap blocks: the core leaks", MAX_ALLOCS);
    p = calloc(1, size);
    if (!p)
        abort();
    mem.allocs[mem.nallocs++] = (struct alloc){ p, size };
    return p;
}

void vgpu_os_free(void *os, void *ptr, size_t size)
{
    (void)os;
    if (!ptr)
        return;
    for (size_t i = 0; i < mem.nallocs; i++) {
        if (mem.allocs[i].ptr != ptr)
            continue;
        if (mem.allocs[i].size != size)
            fz_finding("free of %zu bytes for a %zu-byte block", size, mem.allocs[i].size);
        mem.allocs[i] = mem.allocs[--mem.nallocs];
        free(ptr);
        return;
    }
    fz_finding("free of a pointer the core never allocated");
}

/* ---- DMA blocks ---- */

bool vgpu_os_dma_alloc(void *os, size_t size, struct vgpu_dma *out)
{
    uint8_t *cpu;

    (void)os;
    memset(out, 0, sizeof(*out));
    if (size == 0)
        fz_finding("dma_alloc of 0 bytes");
    if (attempt_fails())
        return false;
    cpu = calloc(1, size);
    if (!cpu)
        abort();
    *out = (struct vgpu_dma){ cpu, region_add(cpu, size, true), size, cpu };
    mem.live_dma++;
    return true;
}

void vgpu_os_dma_free(void *os, struct vgpu_dma *dma)
{
    struct region *r;

    (void)os;
    if (!dma || !dma->cpu)
        return;
    r = region_at(dma->addr);
    if (!r || !r->dma || r->addr != dma->addr || r->cpu != dma->cpu || r->len != dma->size ||
        dma->host != dma->cpu)
        fz_finding("dma_free of a block that was not allocated as given");
    region_remove(r);
    free(dma->cpu);
    mem.live_dma--;
    memset(dma, 0, sizeof(*dma));
}

/* ---- framebuffers ---- */

/* Segments in reverse address order with gaps: a core assuming contiguity reads the wrong bytes. */
struct fz_fb *fz_fb_new(uint32_t width, uint32_t height, unsigned nsegs, uint8_t seed)
{
    uint64_t bytes = (uint64_t)width * height * 4u, per;
    struct fz_fb *fb = calloc(1, sizeof(*fb));

    if (!fb)
        abort();
    nsegs = nsegs < 1 ? 1 : nsegs > FZ_FB_MAX_SEGS ? FZ_FB_MAX_SEGS : nsegs;
    nsegs = bytes / 4 < nsegs ? (bytes ? (unsigned)(bytes / 4) : 1) : nsegs;
    per = bytes / 4 / nsegs * 4;   /* whole pixels; the last segment takes the rest */
    for (unsigned i = nsegs; i-- > 0;) {
        uint64_t off = per * i, len = i + 1 == nsegs ? bytes - off : per;
        len = len ? len : 4;
        fb->cpu[i] = malloc(len);
        if (!fb->cpu[i])
            abort();
        memset(fb->cpu[i], seed, len);
        fb->segs[i] = (struct vgpu_dma_seg){ region_add(fb->cpu[i], len, false), len };
    }
    fb->fb = (struct vgpu_framebuffer){ width, height, nsegs, fb->segs };
    return fb;
}

void fz_fb_free(struct fz_fb *fb)
{
    if (!fb)
        return;
    for (unsigned i = 0; i < fb->fb.nsegs; i++) {
        struct region *r = region_at(fb->segs[i].addr);
        if (r)
            region_remove(r);
        free(fb->cpu[i]);
    }
    free(fb);
}

/* The end of an input: nothing of the core's may be left. */
void fz_mem_check_clean(void)
{
    if (mem.nallocs)
        fz_finding("%zu heap blocks never freed (first: %zu bytes)", mem.nallocs, mem.allocs[0].size);
    for (size_t i = 0; i < mem.nregions; i++)
        if (mem.regions[i].dma)
            fz_finding("%zu DMA blocks never freed (one of %llu bytes)", mem.live_dma,
                       (unsigned long long)mem.regions[i].len);
}
