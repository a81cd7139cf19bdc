/*
 * fake_memory.hpp — stand-in memory descriptors, maps and IODMACommand.
 *
 * Three address spaces, kept apart so that a mix-up is caught: CPU pointers (host memory),
 * "physical" addresses (what getPhysicalSegment/IODeviceMemory carry; here the host address plus
 * a fixed offset), and device addresses handed out by IODMACommand from their own range, in
 * chunks with gaps when the test asks (an IOMMU that scatters).  The software device reaches
 * memory only through fakeDmaMap().
 */
#ifndef FAKE_MEMORY_HPP
#define FAKE_MEMORY_HPP

#include <vector>

#include "fake_types.hpp"

class IOMapper;

enum {
    kIODirectionIn = 0x1, kIODirectionOut = 0x2, kIODirectionInOut = 0x3,
    kIOMemoryPhysicallyContiguous = 0x00000010,
    kIOMemoryMapperNone = 0x00000800,
    kIOMapInhibitCache = 0x00000100,
};

class IOMemoryDescriptor : public OSObject {
public:
    virtual IOByteCount getLength() const { return length_; }
    virtual addr64_t getPhysicalSegment(IOByteCount offset, IOByteCount *length,
                                        IOOptionBits options = 0);
    virtual IOReturn prepare(IODirection forDirection = 0);
    virtual IOReturn complete(IODirection forDirection = 0);
    int fakePrepared = 0;

protected:
    IOByteCount length_ = 0;
    uint8_t *bytes_ = NULL;   /* host memory, NULL for device ranges */
    friend class IODMACommand;
};

class IOBufferMemoryDescriptor : public IOMemoryDescriptor {
public:
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
    IOVirtualAddress va_ = 0;
    IOByteCount length_ = 0;
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
    uint64_t chunk_ = 0;            /* bytes per chunk */
};
#define kIODMACommandOutputHost64 (IODMACommand::OutputHost64)

#endif /* FAKE_MEMORY_HPP */
