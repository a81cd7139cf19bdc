/*
 * host_mem.c — the test platform's memory: the fake device address space the sim maps through,
 * and the core's zalloc/free and DMA blocks with accounting and failure injection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

#define GUARD_GAP 0x10000ull   /* unmapped space after every region: no two are adjacent */

static uint64_t round_page(uint64_t n)
{
    return (n + HOST_PAGE - 1) & ~(uint64_t)(HOST_PAGE - 1);
}

/* Index of the first region whose address is above `addr`. */
static size_t region_upper(const struct host *h, uint64_t addr)
{
    size_t lo = 0, hi = h->nregions;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (h->regions[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t host_region_add(struct host *h, uint8_t *cpu, uint64_t len, enum region_kind kind)
{
    uint64_t addr = h->next_addr;
    size_t at;

    if (h->nregions == h->cap_regions) {
        h->cap_regions = h->cap_regions ? 2 * h->cap_regions : 64;
        h->regions = realloc(h->regions, h->cap_regions * sizeof(*h->regions));
        if (!h->regions)
            abort();
    }
    h->next_addr += round_page(len ? len : 1) + GUARD_GAP;
    at = region_upper(h, addr);
    memmove(&h->regions[at + 1], &h->regions[at], (h->nregions - at) * sizeof(*h->regions));
    h->regions[at] = (struct region){ addr, len, cpu, kind };
    h->nregions++;
    return addr;
}

void host_region_remove(struct host *h, uint64_t addr)
{
    size_t at = region_upper(h, addr);

    if (at == 0 || h->regions[at - 1].addr != addr) {
        host_violation(h, "no region at device address 0x%llx", (unsigned long long)addr);
        return;
    }
    at--;
    memmove(&h->regions[at], &h->regions[at + 1], (h->nregions - at - 1) * sizeof(*h->regions));
    h->nregions--;
}

void *host_map(void *host, uint64_t addr, uint64_t len)
{
    struct host *h = host;
    size_t at = region_upper(h, addr);
    const struct region *r;

    if (at == 0)
        return NULL;
    r = &h->regions[at - 1];
    if (addr - r->addr >= r->len || len > r->len - (addr - r->addr))
        return NULL;
    return r->cpu + (addr - r->addr);
}

/* ---- Accounting ---- */

bool host_attempt_fails(struct host *h)
{
    uint64_t attempt = h->mem.alloc_calls + h->mem.dma_calls;   /* already counted */

    if (h->fail_all || (h->fail_at && attempt == h->fail_at)) {
        h->mem.failed++;
        return true;
    }
    return false;
}

void host_fail_nth_alloc(struct host *h, uint64_t n)
{
    h->fail_at = n ? h->mem.alloc_calls + h->mem.dma_calls + n : 0;
    h->fail_all = false;
}

void host_fail_all_allocs(struct host *h, bool on)
{
    h->fail_all = on;
}

void host_mem_stats(const struct host *h, struct host_mem_stats *out)
{
    *out = h->mem;
    out->live_allocs = h->nallocs;
    out->live_dma = h->live_dma;
}

void *vgpu_os_zalloc(void *os, size_t size)
{
    struct host *h = ((struct host_dev *)os)->host;
    void *p;

    h->mem.alloc_calls++;
    if (size == 0)
        host_violation(h, "zalloc of 0 bytes");
    if (host_attempt_fails(h))
        return NULL;
    p = calloc(1, size ? size : 1);
    if (!p)
        abort();
    if (h->nallocs == h->cap_allocs) {
        h->cap_allocs = h->cap_allocs ? 2 * h->cap_allocs : 64;
        h->allocs = realloc(h->allocs, h->cap_allocs * sizeof(*h->allocs));
        if (!h->allocs)
            abort();
    }
    h->allocs[h->nallocs++] = (struct alloc_rec){ p, size };
    return p;
}

void vgpu_os_free(void *os, void *ptr, size_t size)
{
    struct host *h = ((struct host_dev *)os)->host;

    if (!ptr)
        return;
    for (size_t i = h->nallocs; i-- > 0;) {
        if (h->allocs[i].ptr != ptr)
            continue;
        if (h->allocs[i].size != size)
            host_violation(h, "free of %zu bytes for a %zu-byte block", size, h->allocs[i].size);
        h->allocs[i] = h->allocs[--h->nallocs];
        free(ptr);
        return;
    }
    host_violation(h, "free of unknown pointer %p", ptr);
}

bool vgpu_os_dma_alloc(void *os, size_t size, struct vgpu_dma *out)
{
    struct host *h = ((struct host_dev *)os)->host;
    uint8_t *cpu;

    h->mem.dma_calls++;
    memset(out, 0, sizeof(*out));
    if (size == 0)
        host_violation(h, "dma_alloc of 0 bytes");
    if (host_attempt_fails(h))
        return false;
    cpu = aligned_alloc(HOST_PAGE, round_page(size ? size : 1));
    if (!cpu)
        abort();
    memset(cpu, 0, round_page(size ? size : 1));
    out->cpu = cpu;
    out->size = size;
    out->addr = host_region_add(h, cpu, size, REGION_DMA);
    out->host = cpu;
    h->live_dma++;
    return true;
}

void vgpu_os_dma_free(void *os, struct vgpu_dma *dma)
{
    struct host *h = ((struct host_dev *)os)->host;
    size_t at;

    if (!dma || !dma->cpu)
        return;
    at = 0;
    while (at < h->nregions && h->regions[at].addr != dma->addr)
        at++;
    if (at == h->nregions || h->regions[at].cpu != dma->cpu || h->regions[at].len != dma->size ||
        h->regions[at].kind != REGION_DMA || dma->host != dma->cpu) {
        host_violation(h, "dma_free of a block that was not allocated as given");
        return;
    }
    host_region_remove(h, dma->addr);
    free(dma->cpu);
    h->live_dma--;
    memset(dma, 0, sizeof(*dma));
}

unsigned host_check_leaks(struct host *h)
{
    unsigned problems = 0;

    for (size_t i = 0; i < h->nallocs; i++, problems++) {
        fprintf(stderr, "host: leaked %zu-byte allocation\n", h->allocs[i].size);
        free(h->allocs[i].ptr);
    }
    for (size_t i = 0; i < h->nregions; i++) {
        if (h->regions[i].kind != REGION_DMA)
            continue;
        fprintf(stderr, "host: leaked %llu-byte DMA block\n", (unsigned long long)h->regions[i].len);
        free(h->regions[i].cpu);
        problems++;
    }
    return problems;
}
