/*
 * VirtioGPUOS.hpp — what the IOKit side of core/vgpu_os.h needs: the `os` context the core hands
 * back on every vgpu_os_* call, DMA blocks, and the kext's log macros.
 */
#ifndef VIRTIO_GPU_OS_HPP
#define VIRTIO_GPU_OS_HPP

#include <IOKit/IOBufferMemoryDescriptor.h>
#include <IOKit/IOCommandGate.h>
#include <IOKit/IODMACommand.h>
#include <IOKit/IOLib.h>
#include <IOKit/IOLocks.h>
#include <IOKit/pci/IOPCIDevice.h>

#include "ClassNames.hpp"

extern "C" {
#include "gpu/vgpu.h"
#include "vgpu_os.h"
}

#define VGPU_LOG(fmt, ...) IOLog("[VirtIO-GPU] " fmt "\n", ##__VA_ARGS__)
/* Verbose lines: in DEBUG builds, or with the -vgpudbg boot argument (BootArgs.cpp). */
#if defined(DEBUG) && DEBUG
#define VGPU_DEBUG_BUILD 1
#else
#define VGPU_DEBUG_BUILD 0
#endif
#define VGPU_DLOG(fmt, ...) \
    do { if (VGPU_DEBUG_BUILD || vgpuVerbose()) VGPU_LOG(fmt, ##__VA_ARGS__); } while (0)

/* ---- boot arguments (BootArgs.cpp), read once from the kernel's command line ---- */
/* -vgpuoff: no driver of this kext starts (a way back when it keeps macOS from booting). */
bool vgpuDisabled();
/* -vgpudbg: verbose [VirtIO-GPU] logging in release builds too. */
bool vgpuVerbose();

class VirtioGPUDevice;

enum { kVgpuPciBars = 6 };

/* The core's `os` context: one per device, in its provider's VirtioPciPlumbing. */
struct VgpuOs {
    IOPCIDevice     *pci;                     /* the provider; never NULL while the core runs */
    IOMemoryMap     *barMap[kVgpuPciBars];    /* memory BARs mapped on first use, else NULL */
    IOCommandGate   *gate;                    /* every core call runs inside it (see vgpu_os_wait) */
    IOLock          *lock;                    /* vgpu_os_lock: command path vs interrupt action */
    VirtioGPUDevice *owner;                   /* receives vgpu_os_event */
    bool             polling;                 /* interrupts cannot reach the core: sleep in slices */
    uint32_t         wakeToken;               /* the commandSleep/commandWakeup event address */
};

/*
 * A zero-filled, wired buffer with its device (bus) addresses, physically contiguous unless it is
 * a shared (user-mappable) one.  `segs` are
 * the IODMACommand segments in order, adjacent ones merged: one for a block that stayed contiguous
 * through the mapper, more when it did not.
 */
struct DmaBlock {
    IOBufferMemoryDescriptor *mem;
    IODMACommand             *cmd;
    struct vgpu_dma_seg      *segs;      /* IOMalloc'd, segCap entries */
    uint32_t                  nsegs;
    uint32_t                  segCap;
    size_t                    size;
    bool                      prepared;  /* mem->prepare() succeeded: complete() on free */
    bool                      cmdActive; /* cmd holds mem: clearMemoryDescriptor() on free */
};

/* maxSegs: how many device segments the caller accepts (1 for the core's own blocks). */
IOReturn dmaBlockAlloc(size_t size, uint32_t maxSegs, DmaBlock *out);
/* Not contiguous, rounded up to whole pages, mappable into a user task (kIOMemoryKernelUserShared). */
IOReturn dmaBlockAllocShared(size_t size, DmaBlock *out);
void     dmaBlockFree(DmaBlock *block);
/* Framebuffer apertures (AperturePool.cpp): taken from the blocks earlier framebuffers left, or
 * allocated; retired ones stay until the kext unloads, since a user mapping may outlive them. */
IOReturn apertureTake(size_t size, uint32_t maxSegs, DmaBlock *out);
void     apertureRetire(DmaBlock *block);
void     apertureDrainForUnload();
/* The CPU physical address of a block that is one physical run, or 0 when it is not. */
uint64_t dmaBlockPhysical(const DmaBlock *block);

#endif /* VIRTIO_GPU_OS_HPP */
