/*
 * heap.h — zero-filled allocations for the guest and the core.  Sizes up to 2 KiB come from
 * power-of-two size classes carved out of pages; larger ones are whole pages, not contiguous in
 * RAM, mapped back to back in a 1 GiB window of their own (paging.h): at most 1 GiB - 2 MiB
 * each, and (with the framebuffers) WINDOW_COUNT at a time.  Heap memory has no device address.
 * heap_free() takes the size that was allocated (the core's OS interface passes it back).
 */
#ifndef GUEST_HEAP_H
#define GUEST_HEAP_H

#include <stddef.h>

void  *heap_zalloc(size_t size);       /* NULL when out of memory or size == 0 */
void   heap_free(void *ptr, size_t size);

#endif /* GUEST_HEAP_H */
