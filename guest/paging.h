/*
 * paging.h — the guest's page tables.
 *
 * The boot stub identity-maps 0..4 GiB with 2 MiB write-back pages.  On top of that:
 *  - MMIO ranges (BARs, LAPIC, IO-APIC, ECAM) are remapped uncached (PCD|PWT), and ranges above
 *    4 GiB (64-bit BARs) are identity-mapped on demand, still with 2 MiB pages;
 *  - windows: 1 GiB virtual windows at WINDOW_BASE mapped with 4 KiB pages, so memory made of
 *    scattered physical pages is linear for the CPU (framebuffers, the heap's large blocks).
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "multiboot.h"

#define WINDOW_BASE   0x00007F8000000000ull   /* PML4 slot 255, far above any identity map */
#define WINDOW_SIZE   (1ull << 30)
#define WINDOW_COUNT  512u                    /* the whole slot */

bool  paging_init(const struct boot_info *bi);
/* Identity-map [phys, phys+len) uncached.  False if it would cover RAM or memory ran out. */
bool  paging_map_mmio(uint64_t phys, uint64_t len);

/* Reserve a free window; false when all are in use. */
bool  paging_window_take(unsigned *w);
/* Unmap the window's first n pages and free it for the next paging_window_take. */
void  paging_window_release(unsigned w, size_t n);
/* Map physical page `phys` as page i of window w (a slot that was unmapped: no TLB flush is
 * needed, x86 caches no not-present entries).  False when page tables ran out. */
bool  paging_window_set(unsigned w, size_t i, uint64_t phys);
/* The physical page mapped as page i of window w (0: none). */
uint64_t paging_window_get(unsigned w, size_t i);
/* Map `n` pages (physical addresses) back to back at window `w`; returns the window address. */
void *paging_window_map(unsigned w, const uint64_t *pages, size_t n);
void *paging_window_addr(unsigned w);
/* The taken window that contains address p. */
bool  paging_window_of(const void *p, unsigned *w);

#endif /* GUEST_PAGING_H */
