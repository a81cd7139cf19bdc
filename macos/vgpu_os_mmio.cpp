/*
 * vgpu_os_mmio.cpp — the core's BAR accessors: volatile loads and stores through the uncached
 * mapping vgpu_os_bar_size() made.  The core checks bar/off/width against the BAR size first.
 *
 * The host tests (tests/kext) link their own copy of exactly these six functions, routed to the
 * software device; everything else in macos/ runs unchanged there.
 */
#include "VirtioGPU.hpp"

static inline volatile uint8_t *regAt(void *os, uint8_t bar, uint32_t off)
{
    VgpuOs *o = static_cast<VgpuOs *>(os);
    return (volatile uint8_t *)o->barMap[bar]->getVirtualAddress() + off;
}

extern "C" {

uint8_t vgpu_os_mmio_read8(void *os, uint8_t bar, uint32_t off)
{
    return *regAt(os, bar, off);
}

uint16_t vgpu_os_mmio_read16(void *os, uint8_t bar, uint32_t off)
{
    return *(volatile uint16_t *)regAt(os, bar, off);
}

uint32_t vgpu_os_mmio_read32(void *os, uint8_t bar, uint32_t off)
{
    return *(volatile uint32_t *)regAt(os, bar, off);
}

void vgpu_os_mmio_write8(void *os, uint8_t bar, uint32_t off, uint8_t val)
{
    *regAt(os, bar, off) = val;
}

void vgpu_os_mmio_write16(void *os, uint8_t bar, uint32_t off, uint16_t val)
{
    *(volatile uint16_t *)regAt(os, bar, off) = val;
}

void vgpu_os_mmio_write32(void *os, uint8_t bar, uint32_t off, uint32_t val)
{
    *(volatile uint32_t *)regAt(os, bar, off) = val;
}

} /* extern "C" */
