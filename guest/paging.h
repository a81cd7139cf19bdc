/*
 * paging.h — the guest's page tables.
 *
 * The boot stub identity-maps 0..4 GiB with 2 MiB write-back pages.  On top of that:
 *  - MMIO ranges (BARs, LAPIC, IO-APIC, ECAM) are remapped uncached (PCD|PWT), and ranges above
 *    4 GiB (64-bit BARs) are identity-mapped on demand, still with 2 MiB pages;
 *  - framebuffer windows: 1 GiB virtual windows at FB_WINDOW_BASE mapped with 4 KiB pages, so a
 *    framebuffer made of scattered physical pages is linear for the CPU.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "multiboot.h"

#define FB_WINDOW_BASE  0x00007F8000000000ull   /* PML4 slot 255, far above any identity map */
#define FB_WINDOW_SIZE  (1ull << 30)
#define FB_WINDOWS      64

bool  paging_init(const struct boot_info *bi);
/* Identity-map [phys, phys+len) uncached.  False if it would cover RAM or memory ran out. */
bool  paging_map_mmio(uint64_t phys, uint64_t len);
/* Map `n` pages (physical addresses) back to back at window `w`; returns the window address. */
void *paging_window_map(unsigned w, const uint64_t *pages, size_t n);
void  paging_window_unmap(unsigned w, size_t n);

#endif /* GUEST_PAGING_H */
