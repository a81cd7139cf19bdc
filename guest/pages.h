/*
 * pages.h — physical 4 KiB page allocator over usable RAM below 4 GiB (the identity-mapped
 * part, so a page's physical address is also its CPU address and its device address).
 */
#ifndef GUEST_PAGES_H
#define GUEST_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "multiboot.h"

#define PAGE_SIZE 4096u

void     pages_init(const struct boot_info *bi);
/* n contiguous pages, first fit from the start of RAM; 0 when none (page 0 is never handed out). */
uint64_t pages_alloc(size_t n);
/* n contiguous pages, first fit starting at page frame `hint` and wrapping around. */
uint64_t pages_alloc_from(size_t n, uint64_t hint);
/* The highest free page below page frame `below`; 0 when none.  The heap's large blocks come
 * from the top of RAM, so the framebuffers keep the bottom (fb.c). */
uint64_t pages_alloc_top(uint64_t below);
void     pages_free(uint64_t phys, size_t n);
size_t   pages_free_count(void);
/* Page frames [*first, *end) contain every allocatable page. */
void     pages_span(uint64_t *first, uint64_t *end);

#endif /* GUEST_PAGES_H */
