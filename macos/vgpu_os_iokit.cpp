/*
 * vgpu_os_iokit.cpp — core/vgpu_os.h implemented with IOKit (MMIO accessors: vgpu_os_mmio.cpp).
 *
 * Threading: every core call runs inside the device's IOCommandGate (VirtioGPUDevice::runCore),
 * and so does the interrupt action.  vgpu_os_wait() sleeps with commandSleep, which opens the gate
 * so that the interrupt action can run vgpu_handle_interrupt() and wake the sleeper.
 */
#include <kern/clock.h>
#include <mach/mach_time.h>

#include "VirtioGPU.hpp"

static inline VgpuOs *osOf(void *os) { return static_cast<VgpuOs *>(os); }

extern "C" {

uint8_t vgpu_os_pci_read8(void *os, uint16_t off)
{
    return osOf(os)->pci->configRead8((IOByteCount)off);
}

uint16_t vgpu_os_pci_read16(void *os, uint16_t off)
{
    return osOf(os)->pci->configRead16((IOByteCount)off);
}

uint32_t vgpu_os_pci_read32(void *os, uint16_t off)
{
    return osOf(os)->pci->configRead32((IOByteCount)off);
}

void vgpu_os_pci_write16(void *os, uint16_t off, uint16_t val)
{
    osOf(os)->pci->configWrite16((IOByteCount)off, val);
}

/* Memory BARs are mapped (uncached) the first time the core asks for one. */
uint64_t vgpu_os_bar_size(void *os, uint8_t bar)
{
    VgpuOs *o = osOf(os);
    if (bar >= kVgpuPciBars)
        return 0;
    if (!o->barMap[bar]) {
        UInt8 reg = (UInt8)(kIOPCIConfigBaseAddress0 + 4 * bar);
        if (o->pci->configRead32((IOByteCount)reg) & 1)   /* an I/O-space BAR */
            return 0;
        o->barMap[bar] = o->pci->mapDeviceMemoryWithRegister(reg, kIOMapInhibitCache);
        if (!o->barMap[bar])
            return 0;
    }
    return o->barMap[bar]->getLength();
}

void *vgpu_os_zalloc(void *os, size_t size)
{
    (void)os;
    void *p = size ? IOMalloc(size) : NULL;
    if (p)
        bzero(p, size);
    return p;
}

void vgpu_os_free(void *os, void *ptr, size_t size)
{
    (void)os;
    if (ptr)
        IOFree(ptr, size);
}

bool vgpu_os_dma_alloc(void *os, size_t size, struct vgpu_dma *out)
{
    (void)os;
    DmaBlock *b = (DmaBlock *)IOMalloc(sizeof(*b));
    if (!b)
        return false;
    if (dmaBlockAlloc(size, 1, b) != kIOReturnSuccess) {
        IOFree(b, sizeof(*b));
        return false;
    }
    out->cpu = b->mem->getBytesNoCopy();
    out->addr = b->segs[0].addr;
    out->size = size;
    out->host = b;
    return true;
}

void vgpu_os_dma_free(void *os, struct vgpu_dma *dma)
{
    (void)os;
    DmaBlock *b = static_cast<DmaBlock *>(dma->host);
    if (!b)
        return;
    dmaBlockFree(b);
    IOFree(b, sizeof(*b));
    dma->host = NULL;
    dma->cpu = NULL;
}

/* x86 is TSO and the BARs are mapped uncached, so only mb needs a fence instruction; the
 * others must still stop the compiler from reordering. */
void vgpu_os_mb(void *os)  { (void)os; __atomic_thread_fence(__ATOMIC_SEQ_CST); }
void vgpu_os_wmb(void *os) { (void)os; __atomic_thread_fence(__ATOMIC_RELEASE); }
void vgpu_os_rmb(void *os) { (void)os; __atomic_thread_fence(__ATOMIC_ACQUIRE); }

void vgpu_os_lock(void *os)   { IOLockLock(osOf(os)->lock); }
void vgpu_os_unlock(void *os) { IOLockUnlock(osOf(os)->lock); }

uint64_t vgpu_os_now_ns(void *os)
{
    (void)os;
    uint64_t ns = 0;
    absolutetime_to_nanoseconds(mach_absolute_time(), &ns);
    return ns;
}

/* While the interrupt path cannot hand completions to the core (vgpu_open and vgpu_close are
 * running, or there is no interrupt), sleep in short slices: the core polls after every return. */
static const uint64_t kPollSliceNs = 1000000;

void vgpu_os_wait(void *os, uint64_t deadline_ns)
{
    VgpuOs *o = osOf(os);
    uint64_t now = vgpu_os_now_ns(os);
    if (deadline_ns <= now)
        return;
    if (o->polling && deadline_ns - now > kPollSliceNs)
        deadline_ns = now + kPollSliceNs;
    AbsoluteTime deadline = 0;
    nanoseconds_to_absolutetime(deadline_ns, &deadline);
    /* THREAD_AWAKENED or THREAD_TIMED_OUT: the core re-checks either way. */
    (void)o->gate->commandSleep(&o->wakeToken, deadline, THREAD_UNINT);
}

void vgpu_os_wake(void *os)
{
    VgpuOs *o = osOf(os);
    o->gate->commandWakeup(&o->wakeToken, false);
}

void vgpu_os_event(void *os, enum vgpu_os_event ev)
{
    osOf(os)->owner->coreEvent(ev);
}

void vgpu_os_log(void *os, enum vgpu_log_level level, const char *line)
{
    (void)os;
#if !DEBUG
    if (level == VGPU_LOG_DEBUG)
        return;
#else
    (void)level;
#endif
    IOLog("%s\n", line);
}

} /* extern "C" */
