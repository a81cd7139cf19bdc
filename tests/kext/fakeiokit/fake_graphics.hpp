/*
 * fake_graphics.hpp — the parts of IOGraphicsTypes.h and IOFramebuffer.h the shell uses, and a
 * stand-in IOFramebuffer base class with the base behaviour the shell relies on (IOGraphics-600,
 * see docs/iokit-framebuffer-facts.md): power-state and check-enable forwarding, the cursor
 * conversion helper, handleEvent.  The family's calling sequences live in tests/kext/family.cpp.
 */
#ifndef FAKE_GRAPHICS_HPP
#define FAKE_GRAPHICS_HPP

#include <vector>

#include "fake_memory.hpp"
#include "fake_service.hpp"

typedef SInt32 IOIndex;
typedef UInt32 IOSelect;
typedef UInt32 IOFixed1616;
typedef SInt32 IODisplayModeID;
typedef IOIndex IOPixelAperture;
enum { kIOMaxPixelBits = 64 };
typedef char IOPixelEncoding[kIOMaxPixelBits];
#define IO32BitDirectPixels "--------RRRRRRRRGGGGGGGGBBBBBBBB"
enum { kIORGBDirectPixels = 2 };
enum { kIOFBSystemAperture = 0 };

struct IOPixelInformation {
    UInt32 bytesPerRow, bytesPerPlane, bitsPerPixel, pixelType, componentCount, bitsPerComponent;
    UInt32 componentMasks[8 * 2];
    IOPixelEncoding pixelFormat;
    UInt32 flags, activeWidth, activeHeight;
    UInt32 reserved[2];
};

struct IODisplayModeInformation {
    UInt32 nominalWidth, nominalHeight;
    IOFixed1616 refreshRate;
    IOIndex maxDepthIndex;
    UInt32 flags;
    UInt16 imageWidth, imageHeight;
    UInt32 reserved[3];
};
enum {
    kDisplayModeValidFlag = 0x00000001, kDisplayModeSafeFlag = 0x00000002,
    kDisplayModeDefaultFlag = 0x00000004, kDisplayModeValidForHiResFlag = 0x00800000,
    kDisplayModeSafetyFlags = 0x00000007,
};

struct IODetailedTimingInformationV1 {
    UInt32 pixelClock, minPixelClock, maxPixelClock;
    UInt32 horizontalActive, horizontalBlanking, horizontalBorder, horizontalSyncOffset,
        horizontalSyncWidth;
    UInt32 verticalActive, verticalBlanking, verticalBorder, verticalSyncOffset, verticalSyncWidth;
};
struct IODetailedTimingInformationV2 {
    UInt32 __reservedA[3];
    UInt32 horizontalScaledInset, verticalScaledInset, scalerFlags, horizontalScaled,
        verticalScaled, signalConfig, signalLevels;
    UInt64 pixelClock, minPixelClock, maxPixelClock;
    UInt32 horizontalActive, horizontalBlanking, horizontalSyncOffset, horizontalSyncPulseWidth;
    UInt32 verticalActive, verticalBlanking, verticalSyncOffset, verticalSyncPulseWidth;
    UInt32 horizontalBorderLeft, horizontalBorderRight, verticalBorderTop, verticalBorderBottom;
    UInt32 horizontalSyncConfig, horizontalSyncLevel, verticalSyncConfig, verticalSyncLevel;
    UInt32 numLinks, verticalBlankingExtension;
    UInt16 pixelEncoding, bitsPerColorComponent, colorimetry, dynamicRange;
    UInt16 dscCompressedBitsPerPixel, dscSliceHeight, dscSliceWidth, __reservedB[5];
};
struct IOTimingInformation {
    UInt32 appleTimingID;
    UInt32 flags;
    union {
        IODetailedTimingInformationV1 v1;
        IODetailedTimingInformationV2 v2;
    } detailedInfo;
};
enum { kIODetailedTimingValid = 0x80000000, kIOSyncPositivePolarity = 0x00000001 };
struct IOFBDisplayModeDescription {
    IODisplayModeInformation info;
    IOTimingInformation      timingInfo;
};
enum { kIODisplayModeIDReservedBase = (IODisplayModeID)0x80000000 };
struct IODisplayScalerInformation {
    UInt32 __reservedA[1], version, __reservedB[2];
    IOOptionBits scalerFeatures;
    UInt32 maxHorizontalPixels, maxVerticalPixels, __reservedC[5];
};
enum { kIOScaleCanUpSamplePixels = 0x00000002, kIOScaleCanDownSamplePixels = 0x00000004 };
#define kIOFBScalerInfoKey      "IOFBScalerInfo"
#define kIOFBDetailedTimingsKey "IOFBDetailedTimings"
enum { kIOTimingIDInvalid = 0, kIOTimingIDApple_FixedRateLCD = 42,
       kIOTimingIDApple_0x0_0hz_Offline = 550 };

enum {
    kIOPowerStateAttribute = 'pwrs', kIOPowerAttribute = 'powr',
    kIOHardwareCursorAttribute = 'crsr', kIOCapturedAttribute = 'capd',
};
enum {
    kConnectionFlags = 'flgs', kConnectionSupportsAppleSense = 'asns',
    kConnectionSupportsLLDDCSense = 'lddc', kConnectionSupportsHLDDCSense = 'hddc',
    kConnectionEnable = 'enab', kConnectionCheckEnable = 'cena', kConnectionProbe = 'prob',
    kConnectionChanged = 'chng',
};
enum { kIOFBVBLInterruptType = 'vbl ', kIOFBConnectInterruptType = 'dci ' };
enum { kIODDCBlockTypeEDID = 0 };
enum { kIOFBNotifyWillSleep = 2, kIOFBNotifyDidWake = 3, kIOFBNotifyWillPowerOff = 7,
       kIOFBNotifyDidPowerOn = 8 };
#define kIOFBDependentIDKey    "IOFBDependentID"
#define kIOFBDependentIndexKey "IOFBDependentIndex"

struct IOColorEntry { UInt16 index, red, green, blue; };
enum { kTransparentEncoding = 0, kInvertingEncoding };
enum { kTransparentEncodedPixel = 0x01, kInvertingEncodedPixel = 0x04 };
enum { kHardwareCursorDescriptorMajorVersion = 0x0001, kHardwareCursorDescriptorMinorVersion = 0 };
enum { kHardwareCursorInfoMajorVersion = 0x0001, kHardwareCursorInfoMinorVersion = 0 };
struct IOHardwareCursorDescriptor {
    UInt16 majorVersion, minorVersion;
    UInt32 height, width, bitDepth, maskBitDepth, numColors;
    UInt32 *colorEncodings;
    UInt32 flags, supportedSpecialEncodings;
    UInt32 specialEncodings[16];
};
struct IOHardwareCursorInfo {
    UInt16 majorVersion, minorVersion;
    UInt32 cursorHeight, cursorWidth;
    IOColorEntry *colorMap;
    UInt8 *hardwareCursorData;
    UInt16 cursorHotSpotX, cursorHotSpotY;
    UInt32 reserved[5];
};

typedef void (*IOFBInterruptProc)(OSObject *target, void *ref);

/* The cursor the fake family holds (premultiplied ARGB, as the real shared cursor memory). */
struct FakeCursorImage {
    uint32_t width, height, hotX, hotY;
    std::vector<uint32_t> pixels;
};

class IOFramebuffer : public IOService {
public:
    bool start(IOService *provider) override;
    /* IOGraphics-600 IOFramebuffer.cpp:8012-8048 queues the change for the controller thread,
     * whose checkPowerWork (7346-7470) calls setAttribute(kIOPowerStateAttribute) and
     * acknowledges; here both happen at once, on the "power thread". */
    IOReturn setPowerState(unsigned long state, IOService *device) override;
    virtual IOReturn connectFlags(IOIndex connectIndex, IODisplayModeID displayMode,
                                  IOOptionBits *flags);
    virtual IOReturn validateDetailedTiming(void *description, IOByteCount descripSize);
    virtual IOReturn setDetailedTimings(OSArray *array);
    virtual IOReturn enableController();
    virtual bool isConsoleDevice();
    virtual IODeviceMemory *getApertureRange(IOPixelAperture aperture) = 0;
    virtual IODeviceMemory *getVRAMRange();
    virtual const char *getPixelFormats() = 0;
    virtual IOItemCount getDisplayModeCount() = 0;
    virtual IOReturn getDisplayModes(IODisplayModeID *allDisplayModes) = 0;
    virtual IOReturn getInformationForDisplayMode(IODisplayModeID displayMode,
                                                  IODisplayModeInformation *info) = 0;
    virtual UInt64 getPixelFormatsForDisplayMode(IODisplayModeID displayMode, IOIndex depth) = 0;
    virtual IOReturn getPixelInformation(IODisplayModeID displayMode, IOIndex depth,
                                         IOPixelAperture aperture,
                                         IOPixelInformation *pixelInfo) = 0;
    virtual IOReturn getCurrentDisplayMode(IODisplayModeID *displayMode, IOIndex *depth) = 0;
    virtual IOReturn setDisplayMode(IODisplayModeID displayMode, IOIndex depth);
    virtual IOReturn setStartupDisplayMode(IODisplayModeID displayMode, IOIndex depth);
    virtual IOReturn getStartupDisplayMode(IODisplayModeID *displayMode, IOIndex *depth);
    virtual IOReturn setAttribute(IOSelect attribute, uintptr_t value);
    virtual IOReturn getAttribute(IOSelect attribute, uintptr_t *value);
    virtual IOReturn getTimingInfoForDisplayMode(IODisplayModeID displayMode,
                                                 IOTimingInformation *info);
    virtual IOReturn setAttributeForConnection(IOIndex connectIndex, IOSelect attribute,
                                               uintptr_t value);
    virtual IOReturn getAttributeForConnection(IOIndex connectIndex, IOSelect attribute,
                                               uintptr_t *value);
    virtual bool convertCursorImage(void *cursorImage, IOHardwareCursorDescriptor *description,
                                    IOHardwareCursorInfo *cursor);
    virtual IOReturn setCursorImage(void *cursorImage);
    virtual IOReturn setCursorState(SInt32 x, SInt32 y, bool visible);
    virtual bool hasDDCConnect(IOIndex connectIndex);
    virtual IOReturn getDDCBlock(IOIndex connectIndex, UInt32 blockNumber, IOSelect blockType,
                                 IOOptionBits options, UInt8 *data, IOByteCount *length);
    virtual IOReturn registerForInterruptType(IOSelect interruptType, IOFBInterruptProc proc,
                                              OSObject *target, void *ref, void **interruptRef);
    virtual IOReturn unregisterInterrupt(void *interruptRef);
    virtual IOReturn setInterruptState(void *interruptRef, UInt32 state);

    /* ---- fake-only: what the family holds and what it saw ---- */
    std::vector<IOIndex> fakeEvents;                 /* handleEvent calls */
    bool fakeTestingCursor = false;                  /* convertCursorImage records, fails */
    std::vector<IOHardwareCursorDescriptor> fakeCursorFormats;
    FakeCursorImage fakeCursor;                      /* what convertCursorImage converts */
    bool fakeCaptured = false;
    /* pagingState: set by open() (IOFramebuffer.cpp:9185), cleared for system sleep (6917-6921),
     * set again only by handleEvent(kIOFBNotifyDidWake / kIOFBNotifyDidPowerOn) on the power
     * thread (6540-6597).  WindowServer waits while it is false (4184). */
    bool fakePagingState = false;
    bool fakeOnPowerThread = false;

protected:
    IOReturn handleEvent(IOIndex event, void *info = 0);
};

#endif /* FAKE_GRAPHICS_HPP */
