/*
 * fake_memory.hpp — stand-in memory descriptors, maps and IODMACommand.
 *
 * Three address spaces, kept apart so that a mix-up is caught: CPU pointers (host memory),
 * "physical" addresses (what getPhysicalSegment/IODeviceMemory carry; here the host address plus
 * a fixed offset), and device addresses handed out by IODMACommand from their own range, in
 * chunks with gaps when the test asks (an IOMMU that scatters).  The software device reaches
 * memory only through fakeDmaMap().
 *
 * Descriptors over user memory (withAddressRange, what IOKit builds for out-of-line method
 * arguments) must be prepared before readBytes/writeBytes, as the real ones must.
 */
#ifndef FAKE_MEMORY_HPP
#define FAKE_MEMORY_HPP

#include <vector>

#include "fake_types.hpp"

class IOMapper;

enum {
    kIODirectionNone = 0x0, kIODirectionIn = 0x1, kIODirectionOut = 0x2, kIODirectionInOut = 0x3,
    kIOMemoryPhysicallyContiguous = 0x00000010,
    kIOMemoryKernelUserShared = 0x00010000,
    kIOMemoryMapperNone = 0x00000800,
    kIOMapInhibitCache = 0x00000100,
};

class IOMemoryDescriptor : public OSObject {
public:
    static IOMemoryDescriptor *withAddressRange(mach_vm_address_t address, mach_vm_size_t length,
                                                IOOptionBits options, task_t task);
    virtual IOByteCount getLength() const { return length_; }
    virtual addr64_t getPhysicalSegment(IOByteCount offset, IOByteCount *length,
                                        IOOptionBits options = 0);
    virtual IOReturn prepare(IODirection forDirection = kIODirectionNone);
    virtual IOReturn complete(IODirection forDirection = kIODirectionNone);
    virtual IOByteCount readBytes(IOByteCount offset, void *bytes, IOByteCount withLength);
    virtual IOByteCount writeBytes(IOByteCount offset, const void *bytes, IOByteCount withLength);
    int fakePrepared = 0;
    int fakeWrites = 0;          /* writeBytes calls that copied something */
    uint8_t *fakeBytes() const { return bytes_; }

protected:
    void free() override;
    bool fakeCopyAllowed(IODirection need, const char *what) const;
    IOByteCount length_ = 0;
    uint8_t *bytes_ = NULL;      /* host memory, NULL for device ranges */
    IOOptionBits direction_ = kIODirectionInOut;
    bool user_ = false;          /* a user range: not wired until prepared */
    friend class IODMACommand;
};

class IOBufferMemoryDescriptor : public IOMemoryDescriptor {
public:
    static IOBufferMemoryDescriptor *inTaskWithOptions(task_t inTask, IOOptionBits options,
                                                       vm_size_t capacity, vm_offset_t alignment = 1);
    static IOBufferMemoryDescriptor *fakeWithBytes(uint8_t *bytes, IOByteCount length);
    static IOBufferMemoryDescriptor *inTaskWithPhysicalMask(task_t inTask, IOOptionBits options,
                                                            mach_vm_size_t capacity,
                                                            mach_vm_address_t physicalMask);
    virtual void *getBytesNoCopy() { return bytes_; }

protected:
    void free() override;
};

/* A physical range: the aperture the framebuffer publishes. */
class IODeviceMemory : public IOMemoryDescriptor {
public:
    static IODeviceMemory *withRange(IOPhysicalAddress start, IOPhysicalLength length);
    static IODeviceMemory *withSubRange(IODeviceMemory *of, IOPhysicalAddress offset,
                                        IOPhysicalLength length);
    IOPhysicalAddress fakePhys = 0;
};

class IOMemoryMap : public OSObject {
public:
    virtual IOVirtualAddress getVirtualAddress() { return va_; }
    virtual IOByteCount getLength() { return length_; }
    virtual IOMemoryDescriptor *getMemoryDescriptor() { return memory_; }
    virtual IOReturn unmap();
    /* A map of `md` into a task (what IOKit makes of clientMemoryForType); holds a reference. */
    static IOMemoryMap *fakeInTask(IOMemoryDescriptor *md);
    bool fakeMapped() const { return va_ != 0; }
    IOVirtualAddress va_ = 0;
    IOByteCount length_ = 0;

protected:
    void free() override;

private:
    IOMemoryDescriptor *memory_ = NULL;
};

class IODMACommand : public OSObject {
public:
    struct Segment64 { UInt64 fIOVMAddr, fLength; };
    enum MappingOptions { kMapped = 0x00000000 };
    typedef bool (*SegmentFunction)(IODMACommand *target, Segment64 segment, void *segments,
                                    UInt32 segmentIndex);
    static bool OutputHost64(IODMACommand *target, Segment64 seg, void *segs, UInt32 ind);
    static IODMACommand *withSpecification(SegmentFunction outSegFunc, UInt8 numAddressBits,
                                           UInt64 maxSegmentSize,
                                           MappingOptions mappingOptions = kMapped,
                                           UInt64 maxTransferSize = 0, UInt32 alignment = 1,
                                           IOMapper *mapper = NULL, void *refCon = NULL);
    virtual IOReturn setMemoryDescriptor(const IOMemoryDescriptor *mem, bool autoPrepare = true);
    virtual IOReturn clearMemoryDescriptor(bool autoComplete = true);
    IOReturn gen64IOVMSegments(UInt64 *offset, Segment64 *segments, UInt32 *numSegments);

protected:
    void free() override;

private:
    const IOMemoryDescriptor *mem_ = NULL;
    std::vector<uint64_t> iovas_;   /* device address of each chunk */
    std::vector<uint64_t> ranges_;  /* the device ranges registered for them */
    uint64_t chunk_ = 0;            /* bytes per chunk */
};
#define kIODMACommandOutputHost64 (IODMACommand::OutputHost64)

namespace fake {
/* While on, a descriptor's chunks (fake::setDmaChunkPages) get consecutive device addresses, one
 * segment per gen64IOVMSegments call all the same: segments that end where the next begins, as
 * IODMACommand may hand out when it splits a range the mapper made contiguous.  Off by default;
 * the test that turns it on turns it off again (fake::reset does not know it). */
void setDmaChunksAdjacent(bool on);
}  // namespace fake

#endif /* FAKE_MEMORY_HPP */
