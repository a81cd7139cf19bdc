/*
 * heap.c — size-class free lists over the page allocator (identity mapped: phys == virtual), and
 * large blocks in windows of their own.
 */
#include "heap.h"

#include <stdint.h>

#include "libc.h"
#include "pages.h"
#include "paging.h"

#define MIN_SHIFT 4                          /* 16-byte class */
#define MAX_SHIFT 11                         /* 2048-byte class */
#define NCLASSES  (MAX_SHIFT - MIN_SHIFT + 1)

struct free_block { struct free_block *next; };
static struct free_block *free_list[NCLASSES];

static unsigned class_of(size_t size)
{
    unsigned c = 0;
    while (((size_t)1 << (MIN_SHIFT + c)) < size)
        c++;
    return c;
}

/* Split one fresh page into blocks of the class. */
static int refill(unsigned c)
{
    uint64_t page = pages_alloc(1);
    if (!page)
        return -1;
    size_t bsize = (size_t)1 << (MIN_SHIFT + c);
    for (size_t off = 0; off < PAGE_SIZE; off += bsize) {
        struct free_block *b = (struct free_block *)(uintptr_t)(page + off);
        b->next = free_list[c];
        free_list[c] = b;
    }
    return 0;
}

static size_t npages(size_t size) { return (size + PAGE_SIZE - 1) / PAGE_SIZE; }

/*
 * Where a large block starts in its window, in pages: an odd number, so the block never lies at
 * the same offset as a framebuffer (offset 0) in its window.  Under TCG, QEMU's software TLB is
 * indexed by the virtual page number modulo a power of two, so pages a multiple of 1 GiB apart
 * evict each other: a damage scan, which reads framebuffer and shadow row by row in lockstep,
 * ran 9x slower with both at offset 0.
 */
#define COLOURS 256
#define MAX_LARGE (WINDOW_SIZE - 2 * COLOURS * PAGE_SIZE)

static size_t block_colour(unsigned w) { return 2 * (w % COLOURS) + 1; }

/* Unmap a large block's window and free the pages that were mapped in it. */
static void window_free(unsigned w, size_t n)
{
    size_t first = block_colour(w);
    for (size_t i = first; i < first + n; i++) {
        uint64_t page = paging_window_get(w, i);
        if (page)
            pages_free(page, 1);
    }
    paging_window_release(w, first + n);
}

/*
 * A large block is single pages, from the top of RAM down, mapped back to back in a window:
 * framebuffers leave RAM fragmented into runs of a few pages (an 8K one all of it), so contiguous
 * pages could run out long before memory does.  Nothing gives heap memory to a device, so it needs
 * no physical contiguity.
 */
static void *window_zalloc(size_t size)
{
    size_t n = npages(size);
    uint64_t below = UINT64_MAX;
    unsigned w;
    if (size > MAX_LARGE || n > pages_free_count() || !paging_window_take(&w))
        return NULL;
    size_t first = block_colour(w);
    for (size_t i = 0; i < n; i++) {
        uint64_t page = pages_alloc_top(below);
        if (!page || !paging_window_set(w, first + i, page)) {
            if (page)
                pages_free(page, 1);
            window_free(w, i);
            return NULL;
        }
        below = page / PAGE_SIZE;              /* the search goes on downwards from here */
    }
    uint8_t *p = (uint8_t *)paging_window_addr(w) + first * PAGE_SIZE;
    memset(p, 0, n * PAGE_SIZE);
    return p;
}

void *heap_zalloc(size_t size)
{
    if (size == 0)
        return NULL;
    if (size > ((size_t)1 << MAX_SHIFT))
        return window_zalloc(size);
    unsigned c = class_of(size);
    if (!free_list[c] && refill(c) < 0)
        return NULL;
    struct free_block *b = free_list[c];
    free_list[c] = b->next;
    memset(b, 0, (size_t)1 << (MIN_SHIFT + c));
    return b;
}

void heap_free(void *ptr, size_t size)
{
    unsigned w;
    if (!ptr || size == 0)
        return;
    if (size > ((size_t)1 << MAX_SHIFT)) {
        if (paging_window_of(ptr, &w))
            window_free(w, npages(size));
        return;
    }
    struct free_block *b = ptr;
    unsigned c = class_of(size);
    b->next = free_list[c];
    free_list[c] = b;
}
