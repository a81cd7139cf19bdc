/* multiboot.h — what the guest takes from the multiboot1 information block. */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stdbool.h>
#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u
#define MB_MAX_RAM_RANGES    32
#define MB_CMDLINE_MAX       4096

struct ram_range { uint64_t base, len; };

struct boot_info {
    char cmdline[MB_CMDLINE_MAX];      /* the kernel's own file name comes first */
    unsigned nranges;                  /* usable RAM ranges from the memory map */
    struct ram_range ranges[MB_MAX_RAM_RANGES];
};

/* Copies out everything needed so the loader's memory can be reused. False if unusable. */
bool multiboot_parse(uint32_t magic, uint32_t info_addr, struct boot_info *out);
/* True when [base, base+len) overlaps usable RAM. */
bool ram_overlaps(const struct boot_info *bi, uint64_t base, uint64_t len);

#endif /* GUEST_MULTIBOOT_H */
