/*
 * fake_mmio.cpp — the test build's replacement for macos/vgpu_os_mmio.cpp: the six BAR accessors,
 * routed to the software device instead of through a mapped pointer.  As in the kext, the BAR
 * must have been mapped by vgpu_os_bar_size() and the access must lie inside it.
 */
#include "VirtioGPUOS.hpp"
#include "fake_world.hpp"

extern "C" {
#include "../../sim/sim.h"
}

static struct sim *simFor(void *os, uint8_t bar, uint32_t off, unsigned width)
{
    VgpuOs *o = static_cast<VgpuOs *>(os);
    if (bar >= kVgpuPciBars || !o->barMap[bar] || (uint64_t)off + width > o->barMap[bar]->getLength()) {
        fake::violation("MMIO outside a mapped BAR (the kext would fault)");
        return NULL;
    }
    return o->pci->fakeSim;
}

static uint32_t readReg(void *os, uint8_t bar, uint32_t off, unsigned width)
{
    struct sim *s = simFor(os, bar, off, width);
    return s ? sim_mmio_read(s, bar, off, width) : ~0u;
}

static void writeReg(void *os, uint8_t bar, uint32_t off, unsigned width, uint32_t val)
{
    struct sim *s = simFor(os, bar, off, width);
    if (s)
        sim_mmio_write(s, bar, off, width, val);
}

extern "C" {
uint8_t  vgpu_os_mmio_read8(void *os, uint8_t bar, uint32_t off)  { return (uint8_t)readReg(os, bar, off, 1); }
uint16_t vgpu_os_mmio_read16(void *os, uint8_t bar, uint32_t off) { return (uint16_t)readReg(os, bar, off, 2); }
uint32_t vgpu_os_mmio_read32(void *os, uint8_t bar, uint32_t off) { return readReg(os, bar, off, 4); }
void vgpu_os_mmio_write8(void *os, uint8_t bar, uint32_t off, uint8_t val)   { writeReg(os, bar, off, 1, val); }
void vgpu_os_mmio_write16(void *os, uint8_t bar, uint32_t off, uint16_t val) { writeReg(os, bar, off, 2, val); }
void vgpu_os_mmio_write32(void *os, uint8_t bar, uint32_t off, uint32_t val) { writeReg(os, bar, off, 4, val); }
}
