/* pages.c — a bitmap of page frames, bit set = in use; single CPU, callers need no lock. */
#include "pages.h"

#include <stdbool.h>

#include "libc.h"

#define MAX_FRAMES (1ull << 20)            /* 4 GiB / 4 KiB */
#define LOW_LIMIT  0x100000ull             /* leave the first MiB to firmware */

extern char __image_start[], __image_end[];

static uint64_t used[MAX_FRAMES / 64];
static uint64_t span_first = MAX_FRAMES, span_end;
static size_t nfree;

static bool is_used(uint64_t f) { return used[f / 64] >> (f % 64) & 1; }
static void set_used(uint64_t f) { used[f / 64] |= 1ull << (f % 64); }
static void set_free(uint64_t f) { used[f / 64] &= ~(1ull << (f % 64)); }

static void release_range(uint64_t base, uint64_t len)
{
    uint64_t first = (base + PAGE_SIZE - 1) / PAGE_SIZE, end = (base + len) / PAGE_SIZE;
    uint64_t img_first = (uintptr_t)__image_start / PAGE_SIZE;
    uint64_t img_end = ((uintptr_t)__image_end + PAGE_SIZE - 1) / PAGE_SIZE;
    if (first < LOW_LIMIT / PAGE_SIZE)
        first = LOW_LIMIT / PAGE_SIZE;
    if (end > MAX_FRAMES)
        end = MAX_FRAMES;
    for (uint64_t f = first; f < end; f++) {
        if ((f >= img_first && f < img_end) || !is_used(f))
            continue;
        set_free(f);
        nfree++;
        span_first = f < span_first ? f : span_first;
        span_end = f + 1 > span_end ? f + 1 : span_end;
    }
}

void pages_init(const struct boot_info *bi)
{
    memset(used, 0xff, sizeof used);
    for (unsigned i = 0; i < bi->nranges; i++)
        release_range(bi->ranges[i].base, bi->ranges[i].len);
}

/* Length of the free run starting at f, capped at n. */
static size_t free_run(uint64_t f, size_t n)
{
    size_t k = 0;
    while (k < n && f + k < span_end && !is_used(f + k))
        k++;
    return k;
}

static uint64_t search(uint64_t from, uint64_t to, size_t n)
{
    uint64_t f = from;
    while (f + n <= to) {
        if (used[f / 64] == ~0ull) {            /* skip whole busy words */
            f = (f / 64 + 1) * 64;
            continue;
        }
        size_t k = free_run(f, n);
        if (k == n)
            return f;
        f += k + 1;
    }
    return 0;
}

uint64_t pages_alloc_from(size_t n, uint64_t hint)
{
    if (n == 0 || n > nfree)
        return 0;
    if (hint < span_first || hint >= span_end)
        hint = span_first;
    uint64_t f = search(hint, span_end, n);
    if (!f)
        f = search(span_first, hint + n < span_end ? hint + n : span_end, n);
    if (!f)
        return 0;
    for (size_t i = 0; i < n; i++)
        set_used(f + i);
    nfree -= n;
    return f * PAGE_SIZE;
}

uint64_t pages_alloc(size_t n) { return pages_alloc_from(n, span_first); }

uint64_t pages_alloc_top(uint64_t below)
{
    for (uint64_t f = below < span_end ? below : span_end; f-- > span_first;) {
        if (used[f / 64] == ~0ull) {            /* skip whole busy words */
            f -= f % 64;
            continue;
        }
        if (!is_used(f)) {
            set_used(f);
            nfree--;
            return f * PAGE_SIZE;
        }
    }
    return 0;
}

void pages_free(uint64_t phys, size_t n)
{
    for (uint64_t f = phys / PAGE_SIZE; n; n--, f++) {
        if (f < span_first || f >= span_end || !is_used(f))
            continue;                            /* never free what was not handed out */
        set_free(f);
        nfree++;
    }
}

size_t pages_free_count(void) { return nfree; }

void pages_span(uint64_t *first, uint64_t *end)
{
    *first = span_first;
    *end = span_end;
}
