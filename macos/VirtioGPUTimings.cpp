/*
 * VirtioGPUTimings.cpp — detailed timings macOS programs itself (scaled "looks like" modes).
 *
 * User space (IOGraphicsLib, CoreDisplay) reads the framebuffer's IOFBScalerInfo property, asks
 * validateDetailedTiming whether a timing will do (IOFramebuffer.cpp:4320-4355), then hands the
 * whole list to setDetailedTimings through setProperties' IOFBConfig (11665-11685) with mode ids
 * it chose from kIODisplayModeIDReservedBase up (IOKitUser-1445.1.3 IOGraphicsLib.c:1215-1245,
 * 1405-1426, 1685-1700), and sets one of those ids with setDisplayMode.  The id sits in the
 * timing's __reservedA[0] (IOGraphicsTypesPrivate.h:156, "detailedTimingModeID").
 *
 * virtio-gpu has no scaler: a scaled timing (horizontalScaled x verticalScaled source pixels on
 * an active area) is programmed as a scanout of the source size, and the host window shows it,
 * scaled by the host when the window is smaller.  Insets are not offered.
 */
#include "VirtioGPUFramebuffer.hpp"

enum { kTimingModeIdSlot = 0 };   /* __reservedA[] index of detailedTimingModeID */

/* The scanout a timing asks for: its source size when scaled, else its active size. */
bool VirtioGPUFramebuffer::timingScanout(const IODetailedTimingInformationV2 *t, struct vgpu_mode *m) const
{
    bool scaled = t->horizontalScaled && t->verticalScaled;
    if (t->horizontalScaledInset || t->verticalScaledInset)
        return false;
    bzero(m, sizeof(*m));
    m->width = scaled ? t->horizontalScaled : t->horizontalActive;
    m->height = scaled ? t->verticalScaled : t->verticalActive;
    uint64_t total = (uint64_t)(t->horizontalActive + t->horizontalBlanking) *
                     (t->verticalActive + t->verticalBlanking);
    if (total)
        m->refresh_mhz = (uint32_t)((t->pixelClock * 1000) / total);
    return modeFits(m, fAperture.size);
}

IOReturn VirtioGPUFramebuffer::validateDetailedTiming(void *description, IOByteCount size)
{
    IODetailedTimingInformationV2 *t;
    IOFBDisplayModeDescription *desc = NULL;
    if (!description)
        return kIOReturnBadArgument;
    if (size == sizeof(IOFBDisplayModeDescription)) {
        desc = static_cast<IOFBDisplayModeDescription *>(description);
        t = &desc->timingInfo.detailedInfo.v2;
    } else if (size == sizeof(IODetailedTimingInformationV2)) {
        t = static_cast<IODetailedTimingInformationV2 *>(description);
    } else {
        return kIOReturnBadArgument;
    }
    struct vgpu_mode m;
    if (!timingScanout(t, &m))
        return kIOReturnUnsupportedMode;
    if (desc)
        describeMode(&m, &desc->info);
    return kIOReturnSuccess;
}

/* All or nothing: every entry must be a timing we can show, under a reserved-base id. */
IOReturn VirtioGPUFramebuffer::setDetailedTimings(OSArray *array)
{
    ProgrammedMode next[kMaxProgrammed];
    unsigned count = array ? array->getCount() : 0;
    if (count > kMaxProgrammed)
        return kIOReturnNoResources;
    for (unsigned i = 0; i < count; i++) {
        OSData *data = OSDynamicCast(OSData, array->getObject(i));
        if (!data || data->getLength() < sizeof(IODetailedTimingInformationV2))
            return kIOReturnBadArgument;
        memcpy(&next[i].timing, data->getBytesNoCopy(), sizeof(next[i].timing));
        next[i].id = (IODisplayModeID)next[i].timing.__reservedA[kTimingModeIdSlot];
        if ((uint32_t)next[i].id < (uint32_t)kIODisplayModeIDReservedBase ||
            !timingScanout(&next[i].timing, &next[i].mode))
            return kIOReturnUnsupportedMode;
    }
    memcpy(fProgrammed, next, count * sizeof(next[0]));
    fProgrammedCount = count;
    if (array)
        setProperty(kIOFBDetailedTimingsKey, array);
    else
        removeProperty(kIOFBDetailedTimingsKey);
    rebuildModes();
    return kIOReturnSuccess;
}

const VirtioGPUFramebuffer::ProgrammedMode *VirtioGPUFramebuffer::findProgrammed(IODisplayModeID id) const
{
    for (uint32_t i = 0; i < fProgrammedCount; i++)
        if (fProgrammed[i].id == id)
            return &fProgrammed[i];
    return NULL;
}

/* What the OS may program: source sizes up to the largest mode the aperture holds, up or down
 * from the timing (the host window does the scaling). */
void VirtioGPUFramebuffer::publishScalerInfo()
{
    IODisplayScalerInformation info;
    bzero(&info, sizeof(info));
    info.scalerFeatures = kIOScaleCanUpSamplePixels | kIOScaleCanDownSamplePixels;
    for (uint32_t i = 0; i < fModeCount; i++) {
        if (fModes[i].width > info.maxHorizontalPixels)
            info.maxHorizontalPixels = fModes[i].width;
        if (fModes[i].height > info.maxVerticalPixels)
            info.maxVerticalPixels = fModes[i].height;
    }
    OSData *data = OSData::withBytes(&info, sizeof(info));
    if (!data || !setProperty(kIOFBScalerInfoKey, data))
        VGPU_LOG("scanout %u: could not publish scaler information", fScanout);
    OSSafeReleaseNULL(data);
}
