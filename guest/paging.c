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

/* The 4 KiB page-table entry for byte offset `off` in window `w`. */
static uint64_t *window_pte(unsigned w, uint64_t off)
{
    uint64_t *pd = next_table(&window_pdpt[w]);
    uint64_t *pt = pd ? next_table(&pd[off >> 21 & 511]) : NULL;
    return pt ? &pt[off >> 12 & 511] : NULL;
}

void *paging_window_map(unsigned w, const uint64_t *pages, size_t n)
{
    if (w >= FB_WINDOWS || n > FB_WINDOW_SIZE / PAGE_SIZE)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint64_t *pte = window_pte(w, (uint64_t)i * PAGE_SIZE);
        if (!pte) {
            paging_window_unmap(w, i);
            return NULL;
        }
        *pte = pages[i] | PTE_P | PTE_RW;
    }
    flush_tlb();
    return (void *)(uintptr_t)(FB_WINDOW_BASE + (uint64_t)w * FB_WINDOW_SIZE);
}

/* Page tables stay allocated for the window's next user; only the entries go. */
void paging_window_unmap(unsigned w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t off = (uint64_t)i * PAGE_SIZE;
        uint64_t pde = table_at(window_pdpt[w])[off >> 21 & 511];
        table_at(pde)[off >> 12 & 511] = 0;
    }
    flush_tlb();
}
