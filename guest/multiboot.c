/* multiboot.c — command line and memory map from the multiboot1 info block (at EBX on entry). */
#include "multiboot.h"

#include "libc.h"

#define MBI_FLAG_CMDLINE 0x004u
#define MBI_FLAG_MMAP    0x040u
#define MBI_FLAGS        0
#define MBI_CMDLINE      16
#define MBI_MMAP_LENGTH  44
#define MBI_MMAP_ADDR    48
#define MMAP_TYPE_RAM    1u

static uint32_t rd32(uint64_t addr) { return *(const volatile uint32_t *)(uintptr_t)addr; }
static uint64_t rd64(uint64_t addr) { return *(const volatile uint64_t *)(uintptr_t)addr; }

static void copy_cmdline(uint32_t addr, char *dst)
{
    const char *src = (const char *)(uintptr_t)addr;
    size_t n = 0;
    while (src[n] && n + 1 < MB_CMDLINE_MAX) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
}

/* Each entry: u32 size (not counting itself), u64 base, u64 length, u32 type. */
static void copy_mmap(uint32_t addr, uint32_t length, struct boot_info *out)
{
    uint64_t p = addr, end = (uint64_t)addr + length;
    while (p + 24 <= end && out->nranges < MB_MAX_RAM_RANGES) {
        uint32_t size = rd32(p);
        if (rd32(p + 20) == MMAP_TYPE_RAM) {
            out->ranges[out->nranges].base = rd64(p + 4);
            out->ranges[out->nranges].len = rd64(p + 12);
            out->nranges++;
        }
        p += (uint64_t)size + 4;
    }
}

bool multiboot_parse(uint32_t magic, uint32_t info_addr, struct boot_info *out)
{
    memset(out, 0, sizeof *out);
    if (magic != MULTIBOOT_BOOT_MAGIC)
        return false;
    uint32_t flags = rd32(info_addr + MBI_FLAGS);
    if (flags & MBI_FLAG_CMDLINE)
        copy_cmdline(rd32(info_addr + MBI_CMDLINE), out->cmdline);
    if (flags & MBI_FLAG_MMAP)
        copy_mmap(rd32(info_addr + MBI_MMAP_ADDR), rd32(info_addr + MBI_MMAP_LENGTH), out);
    return out->nranges > 0;
}

bool ram_overlaps(const struct boot_info *bi, uint64_t base, uint64_t len)
{
    for (unsigned i = 0; i < bi->nranges; i++) {
        const struct ram_range *r = &bi->ranges[i];
        if (base < r->base + r->len && r->base < base + len)
            return true;
    }
    return false;
}
