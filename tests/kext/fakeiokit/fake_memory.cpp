/*
 * fake_memory.cpp — memory descriptors and IODMACommand of the stand-in kernel.
 */
#include <stdlib.h>

#include "fake_world.hpp"

static const uint64_t kPage = 4096;

/* ---- IOMemoryDescriptor ---- */

addr64_t IOMemoryDescriptor::getPhysicalSegment(IOByteCount offset, IOByteCount *length,
                                                IOOptionBits options)
{
    if (!(options & kIOMemoryMapperNone))
        fake::violation("getPhysicalSegment without kIOMemoryMapperNone gives mapper addresses");
    if (offset >= length_)
        return 0;
    if (length)
        *length = length_ - offset;   /* the fake's memory is one physical run */
    IODeviceMemory *dev = dynamic_cast<IODeviceMemory *>(this);
    return dev ? dev->fakePhys + offset : fake::hostToPhys(bytes_ + offset);
}

IOReturn IOMemoryDescriptor::prepare(IODirection)
{
    fakePrepared++;
    return kIOReturnSuccess;
}

IOReturn IOMemoryDescriptor::complete(IODirection)
{
    if (fakePrepared <= 0) {
        fake::violation("complete() without prepare()");
        return kIOReturnNotReady;
    }
    fakePrepared--;
    return kIOReturnSuccess;
}

/* User memory: here the test's own buffer (a "user address" is a host pointer). */
IOMemoryDescriptor *IOMemoryDescriptor::withAddressRange(mach_vm_address_t address,
                                                         mach_vm_size_t length,
                                                         IOOptionBits options, task_t task)
{
    if (!address || !length || task == kernel_task)
        return NULL;
    IOMemoryDescriptor *md = new IOMemoryDescriptor;
    md->bytes_ = reinterpret_cast<uint8_t *>((uintptr_t)address);
    md->length_ = length;
    md->direction_ = options & kIODirectionInOut;
    md->user_ = true;
    return md;
}

/* The kernel copies to or from user memory only while it is prepared (wired). */
bool IOMemoryDescriptor::fakeCopyAllowed(IODirection need, const char *what) const
{
    if (user_ && fakePrepared <= 0) {
        fake::violation(what);
        return false;
    }
    return (direction_ & need) != 0;
}

IOByteCount IOMemoryDescriptor::readBytes(IOByteCount offset, void *bytes, IOByteCount withLength)
{
    if (!fakeCopyAllowed(kIODirectionOut, "readBytes on user memory that is not prepared") ||
        offset >= length_)
        return 0;
    IOByteCount n = withLength < length_ - offset ? withLength : length_ - offset;
    memcpy(bytes, bytes_ + offset, n);
    return n;
}

IOByteCount IOMemoryDescriptor::writeBytes(IOByteCount offset, const void *bytes, IOByteCount withLength)
{
    if (!fakeCopyAllowed(kIODirectionIn, "writeBytes on user memory that is not prepared") ||
        offset >= length_)
        return 0;
    IOByteCount n = withLength < length_ - offset ? withLength : length_ - offset;
    memcpy(bytes_ + offset, bytes, n);
    fakeWrites++;
    return n;
}

void IOMemoryDescriptor::free()
{
    if (user_ && fakePrepared)
        fake::violation("user memory descriptor released while still prepared (wired)");
    OSObject::free();
}

/* ---- IOBufferMemoryDescriptor: page-aligned, and not zeroed (kernel memory need not be) ---- */

static IOBufferMemoryDescriptor *newBuffer(mach_vm_size_t capacity)
{
    size_t size = (capacity + kPage - 1) & ~(kPage - 1);
    void *bytes = aligned_alloc(kPage, size);
    if (!bytes)
        return NULL;
    memset(bytes, 0xA5, size);
    return IOBufferMemoryDescriptor::fakeWithBytes(static_cast<uint8_t *>(bytes), capacity);
}

IOBufferMemoryDescriptor *IOBufferMemoryDescriptor::fakeWithBytes(uint8_t *bytes, IOByteCount length)
{
    IOBufferMemoryDescriptor *md = new IOBufferMemoryDescriptor;
    md->bytes_ = bytes;
    md->length_ = length;
    return md;
}

/* Pageable kernel memory mappable into a user task: what the 3D user client shares. */
IOBufferMemoryDescriptor *IOBufferMemoryDescriptor::inTaskWithOptions(task_t inTask, IOOptionBits options,
                                                                      vm_size_t capacity, vm_offset_t alignment)
{
    if (inTask != kernel_task || capacity == 0 || alignment > kPage || (kPage % alignment))
        fake::violation("inTaskWithOptions: not a kernel buffer with page alignment at most");
    if (options & kIOMemoryPhysicallyContiguous)
        fake::violation("inTaskWithOptions: contiguous memory is for inTaskWithPhysicalMask");
    return newBuffer(capacity);
}

IOBufferMemoryDescriptor *IOBufferMemoryDescriptor::inTaskWithPhysicalMask(
    task_t inTask, IOOptionBits options, mach_vm_size_t capacity, mach_vm_address_t physicalMask)
{
    if (inTask != kernel_task || capacity == 0 || (physicalMask & (kPage - 1)))
        fake::violation("inTaskWithPhysicalMask: not a page-aligned kernel buffer");
    if ((options & kIOMemoryPhysicallyContiguous) && fake::contiguousLimit() &&
        capacity > fake::contiguousLimit())
        return NULL;
    return newBuffer(capacity);
}

void IOBufferMemoryDescriptor::free()
{
    if (fakePrepared)
        fake::violation("buffer released while still prepared");
    ::free(bytes_);
    OSObject::free();   /* not IOMemoryDescriptor::free: never a user range */
}

/* ---- IODeviceMemory ---- */

IODeviceMemory *IODeviceMemory::withRange(IOPhysicalAddress start, IOPhysicalLength length)
{
    IODeviceMemory *m = new IODeviceMemory;
    m->fakePhys = start;
    m->length_ = length;
    return m;
}

IODeviceMemory *IODeviceMemory::withSubRange(IODeviceMemory *of, IOPhysicalAddress offset,
                                             IOPhysicalLength length)
{
    if (!of || offset + length > of->length_)
        return NULL;
    return withRange(of->fakePhys + offset, length);
}

/* ---- IODMACommand: device addresses from the fake's own range, chunked when asked ---- */

static bool adjacentChunks = false;

void fake::setDmaChunksAdjacent(bool on) { adjacentChunks = on; }

bool IODMACommand::OutputHost64(IODMACommand *, Segment64 seg, void *segs, UInt32 ind)
{
    static_cast<Segment64 *>(segs)[ind] = seg;
    return true;
}

IODMACommand *IODMACommand::withSpecification(SegmentFunction outSegFunc, UInt8 numAddressBits,
                                              UInt64 maxSegmentSize, MappingOptions, UInt64,
                                              UInt32, IOMapper *, void *)
{
    if (outSegFunc != OutputHost64 || numAddressBits != 64 || maxSegmentSize != 0)
        fake::violation("IODMACommand: the shell asks for 64-bit host segments, unlimited size");
    return new IODMACommand;
}

IOReturn IODMACommand::setMemoryDescriptor(const IOMemoryDescriptor *mem, bool autoPrepare)
{
    if (mem_ || !mem || !autoPrepare)
        return kIOReturnBadArgument;
    if (mem->fakePrepared <= 0)
        fake::violation("IODMACommand on a memory descriptor that is not prepared (wired)");
    mem_ = mem;
    mem->retain();
    chunk_ = fake::dmaChunkPages() ? fake::dmaChunkPages() * kPage : mem->length_;
    uint64_t whole = adjacentChunks ? fake::newIova(mem->length_) : 0;
    if (adjacentChunks) {
        fake::registerDma(whole, mem->bytes_, mem->length_);
        ranges_.push_back(whole);
    }
    for (uint64_t off = 0; off < mem->length_; off += chunk_) {
        uint64_t len = mem->length_ - off < chunk_ ? mem->length_ - off : chunk_;
        if (adjacentChunks) {
            iovas_.push_back(whole + off);
            continue;
        }
        uint64_t iova = fake::newIova(len);
        fake::registerDma(iova, mem->bytes_ + off, len);
        iovas_.push_back(iova);
        ranges_.push_back(iova);
    }
    return kIOReturnSuccess;
}

IOReturn IODMACommand::clearMemoryDescriptor(bool)
{
    if (!mem_)
        return kIOReturnNotReady;
    for (uint64_t iova : ranges_)
        fake::unregisterDma(iova);
    ranges_.clear();
    iovas_.clear();
    mem_->release();
    mem_ = NULL;
    return kIOReturnSuccess;
}

IOReturn IODMACommand::gen64IOVMSegments(UInt64 *offset, Segment64 *segments, UInt32 *numSegments)
{
    if (!mem_ || !offset || !segments || !numSegments || *numSegments < 1 ||
        *offset >= mem_->length_)
        return kIOReturnBadArgument;
    uint64_t chunk = *offset / chunk_;
    uint64_t inChunk = *offset - chunk * chunk_;
    uint64_t chunkLen = mem_->length_ - chunk * chunk_ < chunk_ ? mem_->length_ - chunk * chunk_
                                                                : chunk_;
    segments[0].fIOVMAddr = iovas_[chunk] + inChunk;
    segments[0].fLength = chunkLen - inChunk;
    *offset += segments[0].fLength;
    *numSegments = 1;
    return kIOReturnSuccess;
}

void IODMACommand::free()
{
    if (mem_) {
        fake::violation("IODMACommand released with its memory descriptor still set");
        clearMemoryDescriptor(true);
    }
    OSObject::free();
}

/* ---- IOMemoryMap of a descriptor into a user task ---- */

IOMemoryMap *IOMemoryMap::fakeInTask(IOMemoryDescriptor *md)
{
    IOMemoryMap *map = new IOMemoryMap;
    md->retain();
    map->memory_ = md;
    map->va_ = (IOVirtualAddress)(uintptr_t)md->fakeBytes();
    map->length_ = (md->getLength() + kPage - 1) & ~(kPage - 1);
    return map;
}

IOReturn IOMemoryMap::unmap()
{
    va_ = 0;   /* the task's view is gone; the memory stays with the descriptor */
    return kIOReturnSuccess;
}

void IOMemoryMap::free()
{
    if (memory_)
        memory_->release();
    OSObject::free();
}
