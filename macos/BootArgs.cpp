/*
 * BootArgs.cpp — the kext's boot arguments (see VirtioGPUOS.hpp), the way the common OpenCore
 * kexts spell theirs: a flag with no value, set in OpenCore's NVRAM boot-args or typed at its
 * picker.  PE_parse_boot_argn answers true for a flag that is present (xnu pexpert/gen/bootargs.c).
 */
#include <pexpert/pexpert.h>

#include "VirtioGPUOS.hpp"

static bool bootFlag(const char *name)
{
    int unused = 0;
    return PE_parse_boot_argn(name, &unused, sizeof(unused));
}

bool vgpuDisabled()
{
    return bootFlag("-vgpuoff");
}

/* Asked on every verbose line: a scan of the short boot-args string, cheap next to the IOLog. */
bool vgpuVerbose()
{
    return bootFlag("-vgpudbg");
}
