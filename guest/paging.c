/* paging.c — page-table edits after boot; single CPU, the command path only. */
#include "paging.h"

#include "arch.h"
#include "libc.h"
#include "pages.h"

#define PTE_P    0x001ull
#define PTE_RW   0x002ull
#define PTE_PWT  0x008ull
#define PTE_PCD  0x010ull
#define PTE_PS   0x080ull
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define SIZE_2M  (1ull << 21)
#define IDENTITY_LIMIT (255ull << 39)           /* below the window slot */
#define WINDOW_SLOT    255u

extern uint64_t boot_pml4[512];
extern char boot_stack_guard[];

static const struct boot_info *boot;
static uint64_t *window_pdpt;

static uint64_t *table_at(uint64_t entry) { return (uint64_t *)(uintptr_t)(entry & PTE_ADDR); }

/* The table an entry points to, allocating a zeroed one if absent (NULL when out of pages). */
static uint64_t *next_table(uint64_t *entry)
{
    if (!(*entry & PTE_P)) {
        uint64_t page = pages_alloc(1);
        if (!page)
            return NULL;
        memset((void *)(uintptr_t)page, 0, PAGE_SIZE);
        *entry = page | PTE_P | PTE_RW;
    }
    return table_at(*entry);
}

/* Replace a 2 MiB page by a table of 512 4 KiB pages with the same flags; the PTE, or NULL. */
static uint64_t *split_2m(uint64_t *pde, uint64_t addr)
{
    if (!(*pde & PTE_PS))
        return &table_at(*pde)[addr >> 12 & 511];
    uint64_t page = pages_alloc(1);
    if (!page)
        return NULL;
    uint64_t *pt = (uint64_t *)(uintptr_t)page;
    uint64_t base = *pde & PTE_ADDR, flags = *pde & (PTE_P | PTE_RW | PTE_PWT | PTE_PCD);
    for (unsigned i = 0; i < 512; i++)
        pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
    *pde = page | PTE_P | PTE_RW;
    return &pt[addr >> 12 & 511];
}

static uint64_t *identity_pde(uint64_t phys);

/* The page below the boot stack is left unmapped, so running off the stack is a #PF (then a
 * #DF on the IST stack, which reports it) instead of silent damage to the page tables below. */
static bool unmap_stack_guard(void)
{
    uint64_t addr = (uintptr_t)boot_stack_guard;
    uint64_t *pde = identity_pde(addr), *pte = pde ? split_2m(pde, addr) : NULL;
    if (!pte)
        return false;
    *pte = 0;
    flush_tlb();
    return true;
}

bool paging_init(const struct boot_info *bi)
{
    boot = bi;
    window_pdpt = next_table(&boot_pml4[WINDOW_SLOT]);
    return window_pdpt != NULL && unmap_stack_guard();
}

/* The page-directory entry that maps the 2 MiB block at `phys` (identity map). */
static uint64_t *identity_pde(uint64_t phys)
{
    uint64_t *pdpt = next_table(&boot_pml4[phys >> 39 & 511]);
    uint64_t *pd = pdpt ? next_table(&pdpt[phys >> 30 & 511]) : NULL;
    return pd ? &pd[phys >> 21 & 511] : NULL;
}

bool paging_map_mmio(uint64_t phys, uint64_t len)
{
    uint64_t first = phys & ~(SIZE_2M - 1), end = phys + len;
    if (len == 0 || end < phys || end > IDENTITY_LIMIT)
        return false;
    /* A 2 MiB page is all-or-nothing; MMIO sharing one with RAM would make RAM uncached. */
    if (ram_overlaps(boot, first, ((end - first + SIZE_2M - 1) & ~(SIZE_2M - 1))))
        return false;
    for (uint64_t b = first; b < end; b += SIZE_2M) {
        uint64_t *pde = identity_pde(b);
        if (!pde)
            return false;
        *pde = b | PTE_P | PTE_RW | PTE_PS | PTE_PCD | PTE_PWT;
    }
    flush_tlb();
    return true;
}

static uint64_t windows_taken[WINDOW_COUNT / 64];   /* bit w: window w is in use */

bool paging_window_take(unsigned *w)
{
    for (unsigned i = 0; i < WINDOW_COUNT; i++)
        if (!(windows_taken[i / 64] >> (i % 64) & 1)) {
            windows_taken[i / 64] |= 1ull << (i % 64);
            *w = i;
            return true;
        }
    return false;
}

/* The table an entry points to; with `make`, allocated if absent (see next_table). */
static uint64_t *child_table(uint64_t *entry, bool make)
{
    if (make)
        return next_table(entry);
    return *entry & PTE_P ? table_at(*entry) : NULL;
}

/* The 4 KiB page-table entry for page i of window w (NULL: out of range, or no table). */
static uint64_t *window_pte(unsigned w, size_t i, bool make)
{
    uint64_t off = (uint64_t)i * PAGE_SIZE;
    if (w >= WINDOW_COUNT || off >= WINDOW_SIZE)
        return NULL;
    uint64_t *pd = child_table(&window_pdpt[w], make);
    uint64_t *pt = pd ? child_table(&pd[off >> 21 & 511], make) : NULL;
    return pt ? &pt[off >> 12 & 511] : NULL;
}

bool paging_window_set(unsigned w, size_t i, uint64_t phys)
{
    uint64_t *pte = window_pte(w, i, true);
    if (pte)
        *pte = phys | PTE_P | PTE_RW;
    return pte != NULL;
}

uint64_t paging_window_get(unsigned w, size_t i)
{
    uint64_t *pte = window_pte(w, i, false);
    return pte && *pte & PTE_P ? *pte & PTE_ADDR : 0;
}

void *paging_window_addr(unsigned w)
{
    return (void *)(uintptr_t)(WINDOW_BASE + (uint64_t)w * WINDOW_SIZE);
}

bool paging_window_of(const void *p, unsigned *w)
{
    uint64_t a = (uintptr_t)p;
    if (a < WINDOW_BASE || a >= WINDOW_BASE + (uint64_t)WINDOW_COUNT * WINDOW_SIZE)
        return false;
    *w = (unsigned)((a - WINDOW_BASE) / WINDOW_SIZE);
    return windows_taken[*w / 64] >> (*w % 64) & 1;
}

/* Page tables stay allocated for the window's next user; only the entries go. */
static void window_unmap(unsigned w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t *pte = window_pte(w, i, false);
        if (pte)
            *pte = 0;
    }
    flush_tlb();
}

void *paging_window_map(unsigned w, const uint64_t *pages, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!paging_window_set(w, i, pages[i])) {
            window_unmap(w, i);
            return NULL;
        }
    return paging_window_addr(w);
}

void paging_window_release(unsigned w, size_t n)
{
    window_unmap(w, n);
    if (w < WINDOW_COUNT)
        windows_taken[w / 64] &= ~(1ull << (w % 64));
}
