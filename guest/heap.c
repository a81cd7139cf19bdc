/* heap.c — size-class free lists over the page allocator (identity mapped: phys == virtual). */
#include "heap.h"

#include <stdint.h>

#include "libc.h"
#include "pages.h"

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

void *heap_zalloc(size_t size)
{
    if (size == 0)
        return NULL;
    if (size > ((size_t)1 << MAX_SHIFT)) {
        if (size > SIZE_MAX - PAGE_SIZE)
            return NULL;
        uint64_t p = pages_alloc(npages(size));
        if (p)
            memset((void *)(uintptr_t)p, 0, npages(size) * PAGE_SIZE);
        return (void *)(uintptr_t)p;
    }
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
    if (!ptr || size == 0)
        return;
    if (size > ((size_t)1 << MAX_SHIFT)) {
        pages_free((uintptr_t)ptr, npages(size));
        return;
    }
    struct free_block *b = ptr;
    unsigned c = class_of(size);
    b->next = free_list[c];
    free_list[c] = b;
}
