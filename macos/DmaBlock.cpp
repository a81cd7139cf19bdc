/*
 * DmaBlock.cpp — DMA memory for the core (rings, commands), framebuffer apertures, and the 3D user
 * client's buffers that user space maps (command buffer, resource backing).
 *
 * Ordinary cached kernel memory: x86 DMA is cache-coherent, so no kIOMemoryKernelUncached.
 * Device addresses come from IODMACommand (64-bit addressing, through the system mapper when there
 * is one), so the block may reach the device as several segments even though it is physically one.
 */
#include "VirtioGPUOS.hpp"

/* Page-aligned (the mask's low 12 bits are clear), anywhere in the 64-bit physical space. */
static const mach_vm_address_t kDmaPhysMask = 0xFFFFFFFFFFFFF000ULL;

static IOReturn collectSegments(DmaBlock *b)
{
    UInt64 offset = 0;
    while (offset < b->size) {
        IODMACommand::Segment64 seg;
        UInt32 n = 1;
        IOReturn ret = b->cmd->gen64IOVMSegments(&offset, &seg, &n);
        if (ret != kIOReturnSuccess || n != 1 || seg.fLength == 0)
            return ret != kIOReturnSuccess ? ret : kIOReturnInternalError;
        struct vgpu_dma_seg *last = b->nsegs ? &b->segs[b->nsegs - 1] : NULL;
        if (last && last->addr + last->len == seg.fIOVMAddr) {
            last->len += seg.fLength;
            continue;
        }
        if (b->nsegs == b->segCap)
            return kIOReturnNoResources;
        b->segs[b->nsegs].addr = seg.fIOVMAddr;
        b->segs[b->nsegs].len = seg.fLength;
        b->nsegs++;
    }
    return kIOReturnSuccess;
}

static IOReturn mapForDevice(DmaBlock *b)
{
    IOReturn ret = b->mem->prepare();
    if (ret != kIOReturnSuccess)
        return ret;
    b->prepared = true;
    b->cmd = IODMACommand::withSpecification(kIODMACommandOutputHost64, 64, 0,
                                             IODMACommand::kMapped, 0, 1);
    if (!b->cmd)
        return kIOReturnNoMemory;
    ret = b->cmd->setMemoryDescriptor(b->mem, true);
    if (ret != kIOReturnSuccess) {
        b->cmd->release();
        b->cmd = NULL;
        return ret;
    }
    b->cmdActive = true;
    return collectSegments(b);
}

/* The buffer is in out->mem (or allocation failed): zero it, wire it, collect its segments. */
static IOReturn finishAlloc(DmaBlock *out)
{
    if (!out->segs || !out->mem) {
        dmaBlockFree(out);
        return kIOReturnNoMemory;
    }
    bzero(out->mem->getBytesNoCopy(), out->size);   /* never hand old kernel data to a device or a user */
    IOReturn ret = mapForDevice(out);
    if (ret != kIOReturnSuccess)
        dmaBlockFree(out);
    return ret;
}

static bool startAlloc(size_t size, uint32_t maxSegs, DmaBlock *out)
{
    bzero(out, sizeof(*out));
    if (size == 0 || maxSegs == 0)
        return false;
    out->size = size;
    out->segCap = maxSegs;
    out->segs = (struct vgpu_dma_seg *)IOMalloc(maxSegs * sizeof(out->segs[0]));
    return true;
}

IOReturn dmaBlockAlloc(size_t size, uint32_t maxSegs, DmaBlock *out)
{
    if (!startAlloc(size, maxSegs, out))
        return kIOReturnBadArgument;
    out->mem = IOBufferMemoryDescriptor::inTaskWithPhysicalMask(
        kernel_task, kIODirectionInOut | kIOMemoryPhysicallyContiguous, size, kDmaPhysMask);
    return finishAlloc(out);
}

/* Whole pages, one segment per page at worst: the device takes any segment list. */
IOReturn dmaBlockAllocShared(size_t size, DmaBlock *out)
{
    uint64_t pages = round_page_64(size) / PAGE_SIZE;
    if (!startAlloc(pages * PAGE_SIZE, pages <= UINT32_MAX ? (uint32_t)pages : 0, out))
        return kIOReturnBadArgument;
    out->mem = IOBufferMemoryDescriptor::inTaskWithOptions(
        kernel_task, kIODirectionInOut | kIOMemoryKernelUserShared, out->size, PAGE_SIZE);
    return finishAlloc(out);
}

void dmaBlockFree(DmaBlock *b)
{
    /* Undo in reverse: the DMA command's mapping, then the wiring, then the memory. */
    if (b->cmdActive && b->cmd->clearMemoryDescriptor(true) != kIOReturnSuccess)
        VGPU_LOG("DMA: clearMemoryDescriptor failed");
    if (b->cmd)
        b->cmd->release();
    if (b->prepared && b->mem->complete() != kIOReturnSuccess)
        VGPU_LOG("DMA: complete failed");
    if (b->mem)
        b->mem->release();
    if (b->segs)
        IOFree(b->segs, b->segCap * sizeof(b->segs[0]));
    bzero(b, sizeof(*b));
}

uint64_t dmaBlockPhysical(const DmaBlock *b)
{
    IOByteCount runLen = 0;
    addr64_t phys = b->mem->getPhysicalSegment(0, &runLen, kIOMemoryMapperNone);
    return (phys != 0 && runLen >= b->size) ? phys : 0;
}
