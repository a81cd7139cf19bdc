/*
 * AperturePool.cpp — framebuffer apertures live as long as the kext, not as their framebuffer.
 *
 * IOFramebuffer hands the aperture's physical range to WindowServer and keeps its own mappings;
 * those map the physical pages, not our buffer object, so freeing the buffer when a framebuffer
 * goes (device terminated, re-probed) would leave a user mapping on pages the kernel reuses.
 * A retired aperture is parked here instead and taken again by the next framebuffer that fits in
 * it; the pool is emptied only when the kext unloads (a static destructor: kexts run them from
 * __mod_term_func, xnu-6153.11.26 libkern/c++/OSRuntime.cpp OSRuntimeFinalizeCPP), when no
 * framebuffer of ours, and so no mapping of its aperture, can remain.
 *
 * Slots are claimed with compare-and-swap (empty -> busy -> parked and back), so parking from a
 * free() on any thread needs no lock.
 */
#include "VirtioGPUOS.hpp"

enum { kSlotEmpty = 0, kSlotBusy = 1, kSlotParked = 2, kPoolSlots = VGPU_MAX_SCANOUTS * 2 };

static struct {
    uint32_t state;
    DmaBlock block;
} sPool[kPoolSlots];

static bool claim(unsigned i, uint32_t from)
{
    uint32_t expected = from;
    return __atomic_compare_exchange_n(&sPool[i].state, &expected, (uint32_t)kSlotBusy, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static void settle(unsigned i, uint32_t to)
{
    __atomic_store_n(&sPool[i].state, to, __ATOMIC_RELEASE);
}

IOReturn apertureTake(size_t size, uint32_t maxSegs, DmaBlock *out)
{
    for (unsigned i = 0; i < kPoolSlots; i++) {
        if (!claim(i, kSlotParked))
            continue;
        if (sPool[i].block.size >= size && sPool[i].block.nsegs <= maxSegs) {
            *out = sPool[i].block;
            bzero(&sPool[i].block, sizeof(sPool[i].block));
            bzero(out->mem->getBytesNoCopy(), out->size);   /* no old picture on a new screen */
            settle(i, kSlotEmpty);
            return kIOReturnSuccess;
        }
        settle(i, kSlotParked);
    }
    return dmaBlockAlloc(size, maxSegs, out);
}

void apertureRetire(DmaBlock *block)
{
    for (unsigned i = 0; i < kPoolSlots; i++) {
        if (!claim(i, kSlotEmpty))
            continue;
        sPool[i].block = *block;
        bzero(block, sizeof(*block));
        settle(i, kSlotParked);
        return;
    }
    VGPU_LOG("aperture pool full: freeing a %llu KiB aperture", (unsigned long long)(block->size >> 10));
    dmaBlockFree(block);
}

void apertureDrainForUnload()
{
    for (unsigned i = 0; i < kPoolSlots; i++) {
        if (!claim(i, kSlotParked))
            continue;
        dmaBlockFree(&sPool[i].block);
        settle(i, kSlotEmpty);
    }
}

static struct PoolUnload {
    ~PoolUnload() { apertureDrainForUnload(); }
} sPoolUnload;
