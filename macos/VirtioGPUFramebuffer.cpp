/*
 * VirtioGPUFramebuffer.cpp — lifecycle, aperture, modes, pixel format, mode set, power, refresh.
 * Every call into the core goes through VirtioGPUDevice::runCore (the gated* helpers below).
 * Nobody tells us when macOS draws: core/refresh/refresh.h finds the changes and paces the flushes.
 */
#include "VirtioGPUFramebuffer.hpp"

extern "C" {
#include "gpu/edid.h"
#include "refresh/refresh.h"
#include "gpu/timing.h"
}

OSDefineMetaClassAndStructors(VirtioGPUFramebuffer, IOFramebuffer);

/* IONDRVFramebuffer's three states (see kPowerStates in the header). */
static IOPMPowerState sFbPowerStates[] = {
    { kIOPMPowerStateVersion1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { kIOPMPowerStateVersion1, 0, 0, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0 },
    { kIOPMPowerStateVersion1, kIOPMDeviceUsable, kIOPMPowerOn, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0 },
};

static const uint64_t kApertureSlack   = 128;   /* past the last row, as IONDRVFramebuffer does */
static const uint32_t kMaxApertureSegs = 64;
static const uint32_t kDefaultRefresh  = 60;    /* Hz, when the host gives none */

VirtioGPUFramebuffer *VirtioGPUFramebuffer::withScanout(VirtioGPUDevice *device, unsigned scanout)
{
    VirtioGPUFramebuffer *fb = OSTypeAlloc(VirtioGPUFramebuffer);
    if (fb && !fb->init(NULL))
        OSSafeReleaseNULL(fb);
    if (fb) {
        fb->fRefreshLock = IOLockAlloc();
        fb->fCursorLock = IOSimpleLockAlloc();
        if (!fb->fRefreshLock || !fb->fCursorLock)
            OSSafeReleaseNULL(fb);
    }
    if (fb) {
        fb->fDevice = device;
        fb->fOs = device->coreOs();
        fb->fScanout = scanout;
        fb->fPowerState = kPowerOn;
        fb->fLastFlushStatus = VGPU_OK;
    }
    return fb;
}

bool VirtioGPUFramebuffer::start(IOService *provider)
{
    if (provider != fDevice || !snapshot() || !allocateAperture())
        return false;
    rebuildModes();
    fSeenInfo = fInfo;
    rememberOffered(fModes, fModeIds, fModeCount);
    publishHostDisplay(fInfo);   /* before super::start registers us: the agent matches on it */
    publishScalerInfo();
    for (uint32_t i = 0; i < fModeCount; i++)
        if (fModes[i].flags & VGPU_MODE_PREFERRED)
            fStartupMode = fModeIds[i];
    if (!fStartupMode && fModeCount && fModeIds[0] != kOfflineModeId)
        fStartupMode = fModeIds[0];
    /* Heads of one device open together (IOFramebuffer::open links equal dependent ids). */
    if (!setProperty(kIOFBDependentIDKey, fDevice->getRegistryEntryID(), 64) ||
        !setProperty(kIOFBDependentIndexKey, fScanout, 32))
        VGPU_LOG("scanout %u: could not set the dependent-id properties", fScanout);
    return super::start(provider);
}

void VirtioGPUFramebuffer::stop(IOService *provider)
{
    fConnectEnabled = false;   /* the service thread must not call into a closed family */
    if (fCurrent.width) {
        IOReturn ret = disableScanout();
        if (ret != kIOReturnSuccess)
            VGPU_LOG("scanout %u: disable on stop failed", fScanout);
        fCurrent.width = 0;
    }
    if (fPMRegistered) {
        PMstop();
        fPMRegistered = false;
    }
    super::stop(provider);
}

/* The aperture outlives this object too: WindowServer's mapping of its pages may (AperturePool.cpp). */
void VirtioGPUFramebuffer::free()
{
    OSSafeReleaseNULL(fApertureRange);
    if (fAperture.mem)
        apertureRetire(&fAperture);
    if (fRefreshLock)
        IOLockFree(fRefreshLock);
    if (fCursorLock)
        IOSimpleLockFree(fCursorLock);
    super::free();
}

/* The largest offered mode first; when that much contiguous memory is not to be had, the next
 * smaller mode's size, and so on.  Modes bigger than what we got are then not offered. */
bool VirtioGPUFramebuffer::allocateAperture()
{
    uint64_t limit = ~0ULL;
    for (;;) {
        uint64_t want = 0;
        for (uint32_t i = 0; i < fModeCount; i++)
            if (modeBytes(&fModes[i]) < limit && modeBytes(&fModes[i]) > want)
                want = modeBytes(&fModes[i]);
        if (want == 0) {
            VGPU_LOG("scanout %u: no memory for any mode", fScanout);
            return false;
        }
        uint64_t size = pageRound(want + kApertureSlack);
        if (apertureTake(size, kMaxApertureSegs, &fAperture) == kIOReturnSuccess) {
            uint64_t phys = dmaBlockPhysical(&fAperture);
            if (phys)   /* a parked block may be larger than asked: all of it is ours */
                fApertureRange = IODeviceMemory::withRange(phys, fAperture.size);
            if (fApertureRange) {
                VGPU_LOG("scanout %u: %llu KiB aperture in %u device segment(s)", fScanout,
                         (unsigned long long)(fAperture.size >> 10), fAperture.nsegs);
                return true;
            }
            dmaBlockFree(&fAperture);   /* never handed out: nobody maps it */
        }
        VGPU_LOG("scanout %u: %llu KiB contiguous failed, trying a smaller maximum", fScanout,
                 (unsigned long long)(size >> 10));
        limit = want;
    }
}

/* ---- the core's view of this head ---- */

int VirtioGPUFramebuffer::gatedSnapshot(struct vgpu_dev *dev, void *arg)
{
    VirtioGPUFramebuffer *fb = static_cast<VirtioGPUFramebuffer *>(arg);
    int r = vgpu_scanout_info(dev, fb->fScanout, &fb->fInfo);
    if (r != VGPU_OK)
        return r;
    size_t n = vgpu_mode_list(dev, fb->fScanout, fb->fModes, kMaxModes);
    fb->fModeCount = (uint32_t)(n < kMaxModes ? n : kMaxModes);
    uint32_t len = 0;
    const uint8_t *edid = vgpu_scanout_edid(dev, fb->fScanout, &len);
    fb->fEdidLen = edid ? (len < VGPU_EDID_MAX ? len : VGPU_EDID_MAX) : 0;
    if (fb->fEdidLen)
        memcpy(fb->fEdid, edid, fb->fEdidLen);
    return VGPU_OK;
}

bool VirtioGPUFramebuffer::snapshot()
{
    int r = fDevice->runCore(gatedSnapshot, this);
    if (r != VGPU_OK) {
        VGPU_LOG("scanout %u: reading display info failed: %s", fScanout, vgpu_status_name(r));
        fModeCount = 0;
        return false;
    }
    return true;
}

static bool offersId(const IODisplayModeID *ids, uint32_t n, IODisplayModeID id)
{
    for (uint32_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* Filter the core's list (in fModes) in place to what macOS can use: size range, fits the
 * aperture, one entry per id, the core's order.  The current mode stays offered even when the
 * host no longer lists it, so getCurrentDisplayMode always names a listed mode. */
/* Filter the core's list in place to what macOS can use: size range, fits the aperture, one entry
 * per id, the core's order.  `current` (width 0: none) stays offered even when the host no longer
 * lists it, so getCurrentDisplayMode always names a listed mode; an offline head adds the offline
 * mode.  Returns the count; modes[] needs room for kMaxModes. */
uint32_t VirtioGPUFramebuffer::offeredModes(struct vgpu_mode *modes, IODisplayModeID *ids,
                                            uint32_t n, const struct vgpu_mode &current,
                                            bool online, uint64_t apertureSize)
{
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct vgpu_mode m = modes[i];
        IODisplayModeID id = vgpuModeId(m.width, m.height);
        if (!modeFits(&m, apertureSize) || offersId(ids, kept, id))
            continue;
        modes[kept] = m;
        ids[kept++] = id;
    }
    IODisplayModeID currentId = vgpuModeId(current.width, current.height);
    if (current.width && !offersId(ids, kept, currentId)) {
        kept = kept < kMaxModes - 1 ? kept + 1 : kMaxModes - 1;
        modes[kept - 1] = current;
        modes[kept - 1].flags &= ~VGPU_MODE_PREFERRED;
        ids[kept - 1] = currentId;
    }
    if (!online) {
        bzero(&modes[kept], sizeof(modes[kept]));
        ids[kept++] = kOfflineModeId;
    }
    return kept;
}

/* The core's modes, then the timings macOS programmed (VirtioGPUTimings.cpp). */
void VirtioGPUFramebuffer::rebuildModes()
{
    fModeCount = offeredModes(fModes, fModeIds, fModeCount, fCurrent, headOnline(), fAperture.size);
    for (uint32_t i = 0; i < fProgrammedCount && fModeCount < kMaxModes; i++) {
        if (offersId(fModeIds, fModeCount, fProgrammed[i].id))
            continue;
        fModes[fModeCount] = fProgrammed[i].mode;
        fModeIds[fModeCount++] = fProgrammed[i].id;
    }
}

/* A head the host has not enabled is offline, except head 0: the system always has a display. */
bool VirtioGPUFramebuffer::headOnline(const struct vgpu_scanout_info &info, unsigned scanout)
{
    return info.enabled || scanout == 0;
}

bool VirtioGPUFramebuffer::headOnline() const
{
    return headOnline(fInfo, fScanout);
}

const struct vgpu_mode *VirtioGPUFramebuffer::findMode(IODisplayModeID id) const
{
    for (uint32_t i = 0; i < fModeCount; i++)
        if (fModeIds[i] == id)
            return &fModes[i];
    return NULL;
}

/* Valid and safe everywhere, the host's preferred size is the default, and a mode that is exactly
 * twice another offered mode may be used as its HiDPI ("looks like") backing. */
uint32_t VirtioGPUFramebuffer::modeFlags(const struct vgpu_mode *m) const
{
    uint32_t flags = kDisplayModeValidFlag | kDisplayModeSafeFlag;
    if (m->flags & VGPU_MODE_PREFERRED)
        flags |= kDisplayModeDefaultFlag;
    if (!(m->width & 1) && !(m->height & 1) && findMode(vgpuModeId(m->width / 2, m->height / 2)))
        flags |= kDisplayModeValidForHiResFlag;
    return flags;
}

/* What IODisplay puts in place of a mode's Valid/Safe/Default bits before WindowServer sees
 * them (IOGraphics-600 IOFramebuffer.cpp:11480-11485 through IODisplay.cpp:916-939): without
 * this, every mode is Valid|Safe and the host's preferred size is not the default. */
IOReturn VirtioGPUFramebuffer::connectFlags(IOIndex connect, IODisplayModeID mode, IOOptionBits *flags)
{
    const struct vgpu_mode *m = findMode(mode);
    if (connect != 0 || !flags)
        return kIOReturnBadArgument;
    if (!m)
        return kIOReturnUnsupportedMode;
    *flags = mode == kOfflineModeId ? 0 : modeFlags(m) & kDisplayModeSafetyFlags;
    return kIOReturnSuccess;
}

/* ---- setup and the aperture ---- */

IOReturn VirtioGPUFramebuffer::enableController()
{
    if (!headOnline()) {
        registerPower();   /* dark until the host enables the head (a connection change) */
        return kIOReturnSuccess;
    }
    const struct vgpu_mode *m = findMode(fStartupMode);
    if (!m) {
        VGPU_LOG("scanout %u: no mode to start with", fScanout);
        return kIOReturnNotFound;
    }
    IOReturn ret = applyMode(m);
    if (ret == kIOReturnSuccess)
        registerPower();
    return ret;
}

/* As IONDRVFramebuffer's initForPM (IONDRVFramebuffer.cpp:3948-3994): only a registered power
 * driver gets setPowerState, and only through it does IOFramebuffer send the power attribute
 * that brings its paging state back after sleep (IOFramebuffer.cpp:7346-7470, 6569-6597) and
 * let close() give the console back (10357-10361: it needs a non-zero power state). */
void VirtioGPUFramebuffer::registerPower()
{
    if (fPMRegistered)
        return;
    IOReturn ret = registerPowerDriver(this, sFbPowerStates, sizeof(sFbPowerStates) / sizeof(sFbPowerStates[0]));
    if (ret != kIOReturnSuccess) {
        VGPU_LOG("scanout %u: registerPowerDriver failed: 0x%x", fScanout, ret);
        return;
    }
    fPMRegistered = true;
    temporaryPowerClampOn();              /* no sleep before the display is set up */
    changePowerStateTo(kPowerDoze);       /* and not below doze until the system sleeps */
}

/* The console is the head the firmware booted on, as IONDRVFramebuffer decides it. */
bool VirtioGPUFramebuffer::isConsoleDevice()
{
    return fScanout == 0 && fDevice->getProvider() &&
           fDevice->getProvider()->getProperty("AAPL,boot-display") != NULL;
}

IODeviceMemory *VirtioGPUFramebuffer::getApertureRange(IOPixelAperture aperture)
{
    if (aperture != kIOFBSystemAperture || !fApertureRange || !fCurrent.width)
        return NULL;
    return IODeviceMemory::withSubRange(fApertureRange, 0, pageRound(modeBytes(&fCurrent)));
}

/* All of the aperture: the family maps this once and finds each mode's pixels inside it. */
IODeviceMemory *VirtioGPUFramebuffer::getVRAMRange()
{
    if (!fApertureRange)
        return NULL;
    fApertureRange->retain();
    return fApertureRange;
}

/* ---- modes and pixel format ---- */

const char *VirtioGPUFramebuffer::getPixelFormats()
{
    static const char formats[] = IO32BitDirectPixels "\0";
    return formats;
}

IOItemCount VirtioGPUFramebuffer::getDisplayModeCount()
{
    return fModeCount;
}

IOReturn VirtioGPUFramebuffer::getDisplayModes(IODisplayModeID *allDisplayModes)
{
    if (!allDisplayModes)
        return kIOReturnBadArgument;
    memcpy(allDisplayModes, fModeIds, fModeCount * sizeof(fModeIds[0]));
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::getInformationForDisplayMode(IODisplayModeID mode,
                                                            IODisplayModeInformation *info)
{
    const struct vgpu_mode *m = findMode(mode);
    if (!m || !info)
        return kIOReturnBadArgument;
    if (mode == kOfflineModeId)
        bzero(info, sizeof(*info));   /* 0x0, no flags: never offered to the user */
    else
        describeMode(m, info);
    return kIOReturnSuccess;
}

void VirtioGPUFramebuffer::describeMode(const struct vgpu_mode *m, IODisplayModeInformation *info) const
{
    bzero(info, sizeof(*info));
    info->nominalWidth = m->width;
    info->nominalHeight = m->height;
    info->refreshRate = m->refresh_mhz ? (IOFixed1616)(((uint64_t)m->refresh_mhz << 16) / 1000)
                                       : (IOFixed1616)(kDefaultRefresh << 16);
    info->maxDepthIndex = 0;   /* one depth: 32 bpp */
    info->flags = modeFlags(m);
}

UInt64 VirtioGPUFramebuffer::getPixelFormatsForDisplayMode(IODisplayModeID mode, IOIndex depth)
{
    (void)mode;
    (void)depth;
    return 0;   /* obsolete; IOFramebuffer.h asks for zero */
}

/* B8G8R8X8 in memory = 0x00RRGGBB words = IO32BitDirectPixels; rows packed (core/gpu/vgpu.h). */
IOReturn VirtioGPUFramebuffer::getPixelInformation(IODisplayModeID mode, IOIndex depth,
                                                   IOPixelAperture aperture,
                                                   IOPixelInformation *info)
{
    const struct vgpu_mode *m = findMode(mode);
    if (aperture != kIOFBSystemAperture || depth != 0)
        return kIOReturnUnsupportedMode;
    if (!m || !info)
        return kIOReturnBadArgument;
    bzero(info, sizeof(*info));
    info->bytesPerRow = m->width * VGPU_BYTES_PER_PIXEL;
    info->bitsPerPixel = 32;
    info->pixelType = kIORGBDirectPixels;
    info->componentCount = 3;
    info->bitsPerComponent = 8;
    info->componentMasks[0] = 0x00FF0000;
    info->componentMasks[1] = 0x0000FF00;
    info->componentMasks[2] = 0x000000FF;
    memcpy(info->pixelFormat, IO32BitDirectPixels, sizeof(IO32BitDirectPixels));
    info->activeWidth = m->width;
    info->activeHeight = m->height;
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::getCurrentDisplayMode(IODisplayModeID *mode, IOIndex *depth)
{
    if (!fCurrent.width && headOnline())
        return kIOReturnNotReady;
    if (mode)
        *mode = fCurrent.width ? vgpuModeId(fCurrent.width, fCurrent.height) : kOfflineModeId;
    if (depth)
        *depth = 0;
    return kIOReturnSuccess;
}

/* Kept for this boot only: nothing is written to NVRAM. */
IOReturn VirtioGPUFramebuffer::setStartupDisplayMode(IODisplayModeID mode, IOIndex depth)
{
    if (depth != 0 || !findMode(mode))
        return kIOReturnBadArgument;
    fStartupMode = mode;
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::getStartupDisplayMode(IODisplayModeID *mode, IOIndex *depth)
{
    if (!fStartupMode)
        return kIOReturnNotReady;
    if (mode)
        *mode = fStartupMode;
    if (depth)
        *depth = 0;
    return kIOReturnSuccess;
}

/* A mode the EDID describes gets the EDID's own timing and no Apple timing id, so macOS can
 * recognise the display's native mode; any other mode is described as CVT reduced blanking. */
IOReturn VirtioGPUFramebuffer::getTimingInfoForDisplayMode(IODisplayModeID mode,
                                                           IOTimingInformation *info)
{
    const struct vgpu_mode *m = findMode(mode);
    struct vgpu_timing t;
    if (!m || !info)
        return kIOReturnBadArgument;
    if (mode == kOfflineModeId) {
        info->appleTimingID = kIOTimingIDApple_0x0_0hz_Offline;
        info->flags &= ~kIODetailedTimingValid;
        return kIOReturnSuccess;
    }
    if (const ProgrammedMode *p = findProgrammed(mode)) {
        info->appleTimingID = kIOTimingIDInvalid;
        info->detailedInfo.v2 = p->timing;
        info->flags |= kIODetailedTimingValid;
        return kIOReturnSuccess;
    }
    bool fromEdid = (m->flags & VGPU_MODE_EDID) &&
                    vgpu_edid_timing(fEdid, fEdidLen, m->width, m->height, &t) == VGPU_OK;
    info->appleTimingID = fromEdid ? kIOTimingIDInvalid : kIOTimingIDApple_FixedRateLCD;
    if (!fromEdid && vgpu_mode_timing(m, &t) != VGPU_OK) {
        info->flags &= ~kIODetailedTimingValid;   /* the family then ignores detailedInfo */
        return kIOReturnSuccess;
    }
    IODetailedTimingInformationV2 *d = &info->detailedInfo.v2;
    bzero(d, sizeof(*d));
    d->pixelClock = d->minPixelClock = d->maxPixelClock = t.pixel_clock_hz;
    d->horizontalActive = t.h_active;
    d->horizontalBlanking = t.h_blank;
    d->horizontalSyncOffset = t.h_sync_offset;
    d->horizontalSyncPulseWidth = t.h_sync_width;
    d->verticalActive = t.v_active;
    d->verticalBlanking = t.v_blank;
    d->verticalSyncOffset = t.v_sync_offset;
    d->verticalSyncPulseWidth = t.v_sync_width;
    d->horizontalSyncConfig = t.h_sync_positive ? kIOSyncPositivePolarity : 0;
    d->verticalSyncConfig = t.v_sync_positive ? kIOSyncPositivePolarity : 0;
    info->flags |= kIODetailedTimingValid;
    return kIOReturnSuccess;
}

/* ---- mode set ---- */

struct SetModeArgs {
    VirtioGPUFramebuffer   *fb;
    struct vgpu_framebuffer mode;
};

/* The new refresh engine is ready before the mode changes and replaces the old one after, so a
 * failure leaves the old mode with its engine. */
int VirtioGPUFramebuffer::gatedSetMode(struct vgpu_dev *dev, void *arg)
{
    SetModeArgs *a = static_cast<SetModeArgs *>(arg);
    VirtioGPUFramebuffer *fb = a->fb;
    struct vgpu_refresh next;
    int r = vgpu_refresh_init(&next, fb->fOs, dev, fb->fScanout,
                              (const uint32_t *)fb->fAperture.mem->getBytesNoCopy(),
                              a->mode.width, a->mode.height, vgpu_os_now_ns(fb->fOs));
    if (r != VGPU_OK)
        return r;
    r = vgpu_set_mode(dev, fb->fScanout, &a->mode);
    if (r != VGPU_OK) {
        vgpu_refresh_fini(&next);
        return r;
    }
    if (fb->fRefreshing)
        vgpu_refresh_fini(&fb->fRefresh);
    fb->fRefresh = next;
    fb->fRefreshing = true;
    return VGPU_OK;
}

int VirtioGPUFramebuffer::gatedDisable(struct vgpu_dev *dev, void *arg)
{
    VirtioGPUFramebuffer *fb = static_cast<VirtioGPUFramebuffer *>(arg);
    if (fb->fRefreshing)
        vgpu_refresh_fini(&fb->fRefresh);
    fb->fRefreshing = false;
    return vgpu_disable_scanout(dev, fb->fScanout);
}

/* The core builds the new resource before it drops the old one, so on failure the old mode
 * is still on screen and fCurrent still describes it. */
IOReturn VirtioGPUFramebuffer::applyMode(const struct vgpu_mode *m)
{
    SetModeArgs args = { this, { m->width, m->height, fAperture.nsegs, fAperture.segs } };
    if (pageRound(modeBytes(m)) > fAperture.size)
        return kIOReturnNoSpace;
    IOLockLock(fRefreshLock);
    int r = fDevice->runCore(gatedSetMode, &args);
    IOLockUnlock(fRefreshLock);
    if (r != VGPU_OK) {
        VGPU_LOG("scanout %u: mode %ux%u failed: %s", fScanout, m->width, m->height,
                 vgpu_status_name(r));
        return kIOReturnIOError;
    }
    fCurrent = *m;
    VGPU_DLOG("scanout %u: mode %ux%u", fScanout, m->width, m->height);
    fDevice->refreshNeeded();
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::disableScanout()
{
    IOLockLock(fRefreshLock);
    int r = fDevice->runCore(gatedDisable, this);
    IOLockUnlock(fRefreshLock);
    return r == VGPU_OK ? kIOReturnSuccess : kIOReturnIOError;
}

/* Below "on" the scanout is dark: the mode is recorded and shown when the power comes back. */
IOReturn VirtioGPUFramebuffer::setDisplayMode(IODisplayModeID mode, IOIndex depth)
{
    const struct vgpu_mode *m = findMode(mode);
    if (depth != 0)
        return kIOReturnUnsupportedMode;
    if (!m)
        return kIOReturnBadArgument;
    if (fPowerState == kPowerSleep)
        return kIOReturnNotReady;   /* as IONDRVFramebuffer at power state 0 */
    if (mode == kOfflineModeId) {
        IOReturn ret = fCurrent.width ? disableScanout() : kIOReturnSuccess;
        if (ret == kIOReturnSuccess)
            fCurrent.width = fCurrent.height = 0;
        return ret;
    }
    return applyMode(m);
}

/* IOFramebuffer power states arrive as kIOPowerAttribute, on the family's power thread, with
 * the notifications IONDRVFramebuffer sends around them (IONDRVFramebuffer.cpp:4170-4345):
 * leaving "on" darkens the scanout, sleep tells the accelerators to let go, waking from sleep
 * and reaching "on" again (same mode, same aperture) are announced. */
IOReturn VirtioGPUFramebuffer::setPower(uintptr_t state)
{
    if (state > kPowerOn)
        state = kPowerOn;
    if (state == fPowerState)
        return kIOReturnSuccess;
    uintptr_t old = fPowerState;
    IOReturn ret = kIOReturnSuccess;
    if (old == kPowerOn) {
        (void)handleEvent(kIOFBNotifyWillPowerOff);   /* its result may be ignored (IOFramebuffer.h) */
        if (fCurrent.width && disableScanout() != kIOReturnSuccess)
            VGPU_LOG("scanout %u: power off failed", fScanout);
    }
    if (state == kPowerSleep)
        (void)handleEvent(kIOFBNotifyWillSleep, (void *)true);
    fPowerState = state;
    if (old == kPowerSleep)
        (void)handleEvent(kIOFBNotifyDidWake, (void *)true);
    if (state == kPowerOn) {
        if (fCurrent.width) {
            struct vgpu_mode m = fCurrent;
            ret = applyMode(&m);
            fCursorShown = false;   /* the host forgot it with the scanout */
            fDevice->cursorNeeded();
        }
        (void)handleEvent(kIOFBNotifyDidPowerOn);
    }
    return ret;
}

/* ---- refresh (service thread) ---- */

struct SubmitJob {
    VirtioGPUFramebuffer *fb;
    bool                  changed;
    uint64_t              due;   /* the engine's next deadline */
};

int VirtioGPUFramebuffer::gatedSubmit(struct vgpu_dev *dev, void *arg)
{
    (void)dev;
    SubmitJob *job = static_cast<SubmitJob *>(arg);
    VirtioGPUFramebuffer *fb = job->fb;
    int r = vgpu_refresh_submit(&fb->fRefresh, job->changed, vgpu_os_now_ns(fb->fOs));
    job->due = vgpu_refresh_deadline(&fb->fRefresh);
    return r;
}

/* The scan reads the whole frame (milliseconds at 4K), so it runs under this head's own lock,
 * outside the device gate every other core call needs; only the submission goes through the gate.
 * VGPU_E_BUSY (ring full) is normal under load: the engine keeps the damage for the next tick.
 * Returns when to call again (ns), 0 when nothing is shown. */
uint64_t VirtioGPUFramebuffer::refresh()
{
    SubmitJob job = { this, false, 0 };
    int r = VGPU_OK;
    IOLockLock(fRefreshLock);
    if (fRefreshing) {
        job.changed = vgpu_refresh_scan(&fRefresh);
        r = fDevice->runCore(gatedSubmit, &job);
    }
    IOLockUnlock(fRefreshLock);
    if (r != VGPU_OK && r != VGPU_E_BUSY && r != fLastFlushStatus)
        VGPU_LOG("scanout %u: refresh failed: %s", fScanout, vgpu_status_name(r));
    fLastFlushStatus = r;
    return job.due;
}
