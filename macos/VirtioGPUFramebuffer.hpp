/*
 * VirtioGPUFramebuffer.hpp — one IOFramebuffer per virtio-gpu scanout.
 *
 * The pixels live in an aperture allocated once (physically contiguous, sized for the largest
 * mode) so the range WindowServer maps never moves; a mode set hands its device segments to the
 * core.  Mode ids encode the size, so a mode keeps its id across host display changes.
 */
#ifndef VIRTIO_GPU_FRAMEBUFFER_HPP
#define VIRTIO_GPU_FRAMEBUFFER_HPP

#include <IOKit/graphics/IOFramebuffer.h>

#include "VirtioGPU.hpp"

extern "C" {
#include "gpu/modes.h"
#include "refresh/refresh.h"
}

/* The registry property the display agent reads (agent/README.md): an OSDictionary with
 * Scanout, Width, Height, Generation (OSNumber) and Enabled (OSBoolean). */
#define kVirtioGPUHostDisplayKey "VirtioGPUHostDisplay"

class VirtioGPUFramebuffer : public IOFramebuffer {
    OSDeclareDefaultStructors(VirtioGPUFramebuffer);
    typedef IOFramebuffer super;

public:
    static VirtioGPUFramebuffer *withScanout(VirtioGPUDevice *device, unsigned scanout);

    /* Service thread.  refresh: flush what changed; when to call again (ns), 0 if nothing shown. */
    uint64_t refresh();
    /* Service thread, after vgpu_query_displays: post a connection change if this head changed. */
    void hostDisplayChanged();
    /* Service thread: send what setCursorImage/setCursorState left pending. */
    void sendCursor();

    /* IOService */
    bool start(IOService *provider) override;
    void stop(IOService *provider) override;
    void free() override;

    /* IOFramebuffer: setup and modes */
    IOReturn         enableController() override;
    bool             isConsoleDevice() override;
    IODeviceMemory  *getApertureRange(IOPixelAperture aperture) override;
    IODeviceMemory  *getVRAMRange() override;
    const char      *getPixelFormats() override;
    IOItemCount      getDisplayModeCount() override;
    IOReturn         getDisplayModes(IODisplayModeID *allDisplayModes) override;
    IOReturn         getInformationForDisplayMode(IODisplayModeID mode,
                                                  IODisplayModeInformation *info) override;
    UInt64           getPixelFormatsForDisplayMode(IODisplayModeID mode, IOIndex depth) override;
    IOReturn         getPixelInformation(IODisplayModeID mode, IOIndex depth,
                                         IOPixelAperture aperture, IOPixelInformation *info) override;
    IOReturn         getCurrentDisplayMode(IODisplayModeID *mode, IOIndex *depth) override;
    IOReturn         setDisplayMode(IODisplayModeID mode, IOIndex depth) override;
    IOReturn         setStartupDisplayMode(IODisplayModeID mode, IOIndex depth) override;
    IOReturn         getStartupDisplayMode(IODisplayModeID *mode, IOIndex *depth) override;
    IOReturn         getTimingInfoForDisplayMode(IODisplayModeID mode,
                                                 IOTimingInformation *info) override;
    IOReturn         connectFlags(IOIndex connect, IODisplayModeID mode, IOOptionBits *flags) override;
    /* Timings macOS programs itself (VirtioGPUTimings.cpp) */
    IOReturn         validateDetailedTiming(void *description, IOByteCount size) override;
    IOReturn         setDetailedTimings(OSArray *array) override;

    /* IOFramebuffer: attributes, connection, EDID, hotplug (VirtioGPUConnection.cpp) */
    IOReturn getAttribute(IOSelect attribute, uintptr_t *value) override;
    IOReturn setAttribute(IOSelect attribute, uintptr_t value) override;
    IOReturn getAttributeForConnection(IOIndex connect, IOSelect attribute,
                                       uintptr_t *value) override;
    IOReturn setAttributeForConnection(IOIndex connect, IOSelect attribute,
                                       uintptr_t value) override;
    bool     hasDDCConnect(IOIndex connect) override;
    IOReturn getDDCBlock(IOIndex connect, UInt32 blockNumber, IOSelect blockType,
                         IOOptionBits options, UInt8 *data, IOByteCount *length) override;
    IOReturn registerForInterruptType(IOSelect type, IOFBInterruptProc proc, OSObject *target,
                                      void *ref, void **interruptRef) override;
    IOReturn unregisterInterrupt(void *interruptRef) override;
    IOReturn setInterruptState(void *interruptRef, UInt32 state) override;

    /* IOFramebuffer: hardware cursor (VirtioGPUCursor.cpp) */
    IOReturn setCursorImage(void *cursorImage) override;
    IOReturn setCursorState(SInt32 x, SInt32 y, bool visible) override;

private:
    /* Every mode the core lists, the current one when the host dropped it, the offline one, and
     * the timings macOS programmed. */
    enum { kMaxProgrammed = 16 };
    enum { kMaxModes = VGPU_MODES_MAX + 2 + kMaxProgrammed,
           kCursorPixels = VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE };
    struct ProgrammedMode {
        IODisplayModeID               id;       /* the timing's detailedTimingModeID */
        struct vgpu_mode              mode;     /* the scanout it asks for */
        IODetailedTimingInformationV2 timing;
    };
    /* IOFramebuffer power states, as IONDRVFramebuffer has them (IOGraphics-600
     * IONDRVFramebuffer.cpp:3948-3994): sleep, doze (display dark, ready to come back), on. */
    enum { kPowerSleep = 0, kPowerDoze = 1, kPowerOn = 2 };

    VirtioGPUDevice *fDevice;
    void            *fOs;              /* the core's os context, for the refresh engine */
    unsigned         fScanout;

    DmaBlock         fAperture;        /* allocated once in start(); never moves */
    IODeviceMemory  *fApertureRange;   /* its one physical range */

    /* The core's view of this head, copied under the gate (start, kConnectionChanged). */
    struct vgpu_scanout_info fInfo;
    struct vgpu_mode  fModes[kMaxModes];   /* offered modes: fit the aperture, no duplicates */
    IODisplayModeID   fModeIds[kMaxModes];
    uint32_t          fModeCount;
    uint8_t           fEdid[VGPU_EDID_MAX];
    uint32_t          fEdidLen;
    struct vgpu_scanout_info fSeenInfo;    /* service thread's copy, to notice host changes */
    IODisplayModeID   fSeenModeIds[kMaxModes];   /* service thread: the mode set last announced */
    uint32_t          fSeenModeCount;
    IODisplayModeID   fSeenPreferred;
    uint32_t          fHostGeneration;     /* VirtioGPUHostDisplay's Generation */
    ProgrammedMode    fProgrammed[kMaxProgrammed];   /* setDetailedTimings' list */
    uint32_t          fProgrammedCount;

    struct vgpu_mode  fCurrent;            /* width 0 until the first successful mode set */
    IODisplayModeID   fStartupMode;
    uintptr_t         fPowerState;         /* IOFramebuffer power state: 0 sleep, 1 doze, 2 on */
    bool              fPMRegistered;       /* registerPowerDriver done (first enableController) */
    int               fLastFlushStatus;
    IOLock           *fRefreshLock;        /* fRefresh and fRefreshing; taken before the gate */
    struct vgpu_refresh fRefresh;          /* change finder + pacing for the current mode */
    bool              fRefreshing;         /* fRefresh is set up: the scanout shows fCurrent */

    /* Connection-change interrupt (kIOFBConnectInterruptType). */
    IOFBInterruptProc fConnectProc;
    OSObject         *fConnectTarget;
    void             *fConnectRef;
    bool              fConnectEnabled;
    bool              fConnectPending;
    bool              fCaptured;

    /* Hardware cursor.  IOFramebuffer calls in with its cursor spinlock held, so those calls
     * only convert and record (fCursorLock, a spinlock too); sendCursor() talks to the device. */
    IOSimpleLock     *fCursorLock;
    uint32_t          fCursorConverted[kCursorPixels];   /* convertCursorImage output, packed rows */
    uint32_t          fCursorNext[kCursorPixels];        /* 64x64, waiting for sendCursor (lock) */
    uint32_t          fCursor[kCursorPixels];            /* the 64x64 image for the core */
    uint32_t          fHotX, fHotY, fNextHotX, fNextHotY;
    SInt32            fCursorX, fCursorY;                /* image top-left, as macOS gives it */
    bool              fCursorHaveImage, fCursorVisible, fCursorDirty, fCursorShown;
    bool              fCursorImagePending, fCursorStatePending;   /* under fCursorLock */

    bool     allocateAperture();
    bool     snapshot();
    void     rebuildModes();
    bool     headOnline() const;
    static bool headOnline(const struct vgpu_scanout_info &info, unsigned scanout);
    static uint32_t offeredModes(struct vgpu_mode *modes, IODisplayModeID *ids, uint32_t n,
                                 const struct vgpu_mode &current, bool online, uint64_t apertureSize);
    bool     rememberOffered(const struct vgpu_mode *modes, const IODisplayModeID *ids, uint32_t n);
    void     publishHostDisplay(const struct vgpu_scanout_info &info);
    void     publishScalerInfo();
    void     describeMode(const struct vgpu_mode *m, IODisplayModeInformation *info) const;
    bool     timingScanout(const IODetailedTimingInformationV2 *t, struct vgpu_mode *m) const;
    const ProgrammedMode *findProgrammed(IODisplayModeID id) const;
    const struct vgpu_mode *findMode(IODisplayModeID id) const;
    uint32_t modeFlags(const struct vgpu_mode *m) const;
    IOReturn applyMode(const struct vgpu_mode *m);
    IOReturn setPower(uintptr_t state);
    void     registerPower();
    IOReturn disableScanout();
    void     postConnectChange();
    bool     takeCursorWork();
    IOReturn showCursor();

    static int gatedSnapshot(struct vgpu_dev *dev, void *fb);
    static int gatedSetMode(struct vgpu_dev *dev, void *args);
    static int gatedDisable(struct vgpu_dev *dev, void *fb);
    static int gatedSubmit(struct vgpu_dev *dev, void *job);
    static int gatedInfo(struct vgpu_dev *dev, void *args);
    static int gatedCursor(struct vgpu_dev *dev, void *fb);
    static int gatedCursorHide(struct vgpu_dev *dev, void *fb);
};

/* Mode ids carry the size: 14 bits each, so never 0, never negative, never the alias bit.  The
 * one id above them is the offline mode a head without a display offers (0x0, appleTimingID
 * kIOTimingIDApple_0x0_0hz_Offline): IOFramebuffer sets it itself (IOFramebuffer.cpp:7720-7750). */
enum { kModeIdDimBits = 14, kModeIdDimLimit = 1u << kModeIdDimBits };
static const IODisplayModeID kOfflineModeId = (IODisplayModeID)(1u << (2 * kModeIdDimBits));

static const uint32_t kMinModeDim   = 128;    /* the family treats a narrower screen as absent */
static const uint64_t kAperturePage = 4096;

static inline uint64_t modeBytes(const struct vgpu_mode *m)
{
    return (uint64_t)m->width * m->height * VGPU_BYTES_PER_PIXEL;
}

static inline uint64_t pageRound(uint64_t n)
{
    return (n + kAperturePage - 1) & ~(kAperturePage - 1);
}

/* A size macOS can use (the family's minimum, the mode-id range) that an aperture of `apertureSize`
 * bytes holds: the rule for the core's modes and for timings macOS programs alike. */
static inline bool modeFits(const struct vgpu_mode *m, uint64_t apertureSize)
{
    return m->width >= kMinModeDim && m->height >= kMinModeDim && m->width < kModeIdDimLimit &&
           m->height < kModeIdDimLimit && pageRound(modeBytes(m)) <= apertureSize;
}
static inline IODisplayModeID vgpuModeId(uint32_t width, uint32_t height)
{
    return (IODisplayModeID)((width << kModeIdDimBits) | height);
}

#endif /* VIRTIO_GPU_FRAMEBUFFER_HPP */
