/*
 * VirtioGPUConnection.cpp — attributes, the display connection, EDID, and hotplug.
 *
 * A host-side change (window resized, head enabled) reaches macOS as a connection change: the
 * service thread fires the family's connect-interrupt proc, the family then asks
 * kConnectionChanged (we re-read modes and EDID), kConnectionEnable, and the modes again.
 */
#include <IOKit/IOMessage.h>

#include "VirtioGPUFramebuffer.hpp"

/* IOGraphicsTypesPrivate.h (IOGraphics-600): kIOHardwareCursorAttribute bit for "supported". */
static const uintptr_t kHWCursorSupported = 0x00000001;
static const uint32_t  kEdidBlock = 128;

IOReturn VirtioGPUFramebuffer::getAttribute(IOSelect attribute, uintptr_t *value)
{
    if (attribute == kIOHardwareCursorAttribute) {
        if (value)
            *value = kHWCursorSupported;
        return kIOReturnSuccess;
    }
    return super::getAttribute(attribute, value);
}

IOReturn VirtioGPUFramebuffer::setAttribute(IOSelect attribute, uintptr_t value)
{
    if (attribute == kIOPowerAttribute)
        return setPower(value);
    if (attribute == kIOCapturedAttribute) {
        /* IOFramebuffer.h: no hotplug interrupts while captured; deliver what waited after. */
        fCaptured = value != 0;
        IOReturn ret = super::setAttribute(attribute, value);
        postConnectChange();
        return ret;
    }
    return super::setAttribute(attribute, value);
}

IOReturn VirtioGPUFramebuffer::getAttributeForConnection(IOIndex connect, IOSelect attribute,
                                                         uintptr_t *value)
{
    if (connect != 0)
        return kIOReturnBadArgument;
    switch (attribute) {
    case kConnectionEnable:
        /* Scanout 0 stays online so that the system always has a display. */
        if (!value)
            return kIOReturnBadArgument;
        *value = headOnline() ? 1 : 0;
        return kIOReturnSuccess;
    case kConnectionFlags:
        if (!value)
            return kIOReturnBadArgument;
        *value = 0;   /* an external display, not a built-in panel */
        return kIOReturnSuccess;
    case kConnectionSupportsHLDDCSense:
        return fEdidLen >= kEdidBlock ? kIOReturnSuccess : kIOReturnUnsupported;
    case kConnectionSupportsAppleSense:
    case kConnectionSupportsLLDDCSense:
        return kIOReturnUnsupported;
    case kConnectionChanged:
        /* value may be NULL (re-probe after wake). */
        if (!snapshot())
            return kIOReturnIOError;
        rebuildModes();
        return kIOReturnSuccess;
    default:
        return super::getAttributeForConnection(connect, attribute, value);
    }
}

IOReturn VirtioGPUFramebuffer::setAttributeForConnection(IOIndex connect, IOSelect attribute,
                                                         uintptr_t value)
{
    if (connect != 0)
        return kIOReturnBadArgument;
    if (attribute == kConnectionProbe)
        return kIOReturnSuccess;   /* the host tells us about changes; nothing to probe */
    return super::setAttributeForConnection(connect, attribute, value);
}

/* ---- EDID ---- */

bool VirtioGPUFramebuffer::hasDDCConnect(IOIndex connect)
{
    return connect == 0 && fEdidLen >= kEdidBlock;
}

/* Blocks are numbered from 1 (IOFramebuffer.h). */
IOReturn VirtioGPUFramebuffer::getDDCBlock(IOIndex connect, UInt32 blockNumber,
                                           IOSelect blockType, IOOptionBits options,
                                           UInt8 *data, IOByteCount *length)
{
    (void)options;
    if (connect != 0 || blockType != kIODDCBlockTypeEDID || !data || !length)
        return kIOReturnBadArgument;
    if (blockNumber == 0 || (uint64_t)blockNumber * kEdidBlock > fEdidLen)
        return kIOReturnNotFound;
    if (*length < kEdidBlock)
        return kIOReturnNoSpace;
    memcpy(data, fEdid + (blockNumber - 1) * kEdidBlock, kEdidBlock);
    *length = kEdidBlock;
    return kIOReturnSuccess;
}

/* ---- hotplug ---- */

IOReturn VirtioGPUFramebuffer::registerForInterruptType(IOSelect type, IOFBInterruptProc proc,
                                                        OSObject *target, void *ref,
                                                        void **interruptRef)
{
    if (type != kIOFBConnectInterruptType)
        return super::registerForInterruptType(type, proc, target, ref, interruptRef);
    if (!proc || !interruptRef)
        return kIOReturnBadArgument;
    fConnectProc = proc;
    fConnectTarget = target;
    fConnectRef = ref;
    fConnectEnabled = true;
    *interruptRef = &fConnectProc;
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::unregisterInterrupt(void *interruptRef)
{
    if (interruptRef != &fConnectProc)
        return super::unregisterInterrupt(interruptRef);
    fConnectEnabled = false;
    fConnectProc = NULL;
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::setInterruptState(void *interruptRef, UInt32 state)
{
    if (interruptRef != &fConnectProc)
        return super::setInterruptState(interruptRef, state);
    fConnectEnabled = state != 0;
    postConnectChange();
    return kIOReturnSuccess;
}

/* Fire the family's proc if a change waits and nothing holds it back.  The family's handler only
 * counts and wakes its own thread, so any of our threads may call it. */
void VirtioGPUFramebuffer::postConnectChange()
{
    if (!fConnectProc || !fConnectEnabled || fCaptured)
        return;
    if (__atomic_exchange_n(&fConnectPending, false, __ATOMIC_ACQ_REL))
        fConnectProc(fConnectTarget, fConnectRef);
}

/* What the service thread reads of this head: its info and the modes the core would list now. */
struct InfoArgs {
    unsigned                 scanout;
    struct vgpu_scanout_info info;
    struct vgpu_mode         modes[VGPU_MODES_MAX + 2];
    uint32_t                 count;
};

int VirtioGPUFramebuffer::gatedInfo(struct vgpu_dev *dev, void *arg)
{
    InfoArgs *a = static_cast<InfoArgs *>(arg);
    int r = vgpu_scanout_info(dev, a->scanout, &a->info);
    if (r != VGPU_OK)
        return r;
    size_t n = vgpu_mode_list(dev, a->scanout, a->modes, VGPU_MODES_MAX);
    a->count = (uint32_t)(n < VGPU_MODES_MAX ? n : VGPU_MODES_MAX);
    return VGPU_OK;
}

/* Records the set (ids and the preferred one) as announced; true when it differs from the last. */
bool VirtioGPUFramebuffer::rememberOffered(const struct vgpu_mode *modes, const IODisplayModeID *ids,
                                           uint32_t n)
{
    IODisplayModeID preferred = 0;
    for (uint32_t i = 0; i < n; i++)
        if (modes[i].flags & VGPU_MODE_PREFERRED)
            preferred = ids[i];
    bool changed = n != fSeenModeCount || preferred != fSeenPreferred ||
                   memcmp(ids, fSeenModeIds, n * sizeof(ids[0])) != 0;
    memcpy(fSeenModeIds, ids, n * sizeof(ids[0]));
    fSeenModeCount = n;
    fSeenPreferred = preferred;
    return changed;
}

/* The host's wanted size for user space (the display agent), as a registry property on this
 * framebuffer: Scanout, Width, Height, Generation (one more per host change), Enabled.  After
 * registration, interested clients get kIOMessageServicePropertyChange. */
void VirtioGPUFramebuffer::publishHostDisplay(const struct vgpu_scanout_info &info)
{
    OSDictionary *d = OSDictionary::withCapacity(5);
    if (!d)
        return;
    OSNumber *scanout = OSNumber::withNumber(fScanout, 32);
    OSNumber *width = OSNumber::withNumber(info.host_width, 32);
    OSNumber *height = OSNumber::withNumber(info.host_height, 32);
    OSNumber *generation = OSNumber::withNumber(++fHostGeneration, 32);
    bool ok = scanout && width && height && generation && d->setObject("Scanout", scanout) &&
              d->setObject("Width", width) && d->setObject("Height", height) &&
              d->setObject("Generation", generation) &&
              d->setObject("Enabled", info.enabled ? kOSBooleanTrue : kOSBooleanFalse) &&
              setProperty(kVirtioGPUHostDisplayKey, d);
    OSSafeReleaseNULL(scanout);
    OSSafeReleaseNULL(width);
    OSSafeReleaseNULL(height);
    OSSafeReleaseNULL(generation);
    d->release();
    if (!ok)
        VGPU_LOG("scanout %u: could not publish the host display size", fScanout);
    else if (getProvider())
        (void)messageClients(kIOMessageServicePropertyChange);
}

/* Every host event is published (the agent follows each size); a connection change is posted
 * only when the offered mode set changed, not for every event of a window drag that leaves the
 * set as it was. */
void VirtioGPUFramebuffer::hostDisplayChanged()
{
    InfoArgs a;
    a.scanout = fScanout;
    int r = fDevice->runCore(gatedInfo, &a);
    if (r != VGPU_OK) {
        VGPU_LOG("scanout %u: display info failed: %s", fScanout, vgpu_status_name(r));
        return;
    }
    if (a.info.enabled == fSeenInfo.enabled && a.info.host_width == fSeenInfo.host_width &&
        a.info.host_height == fSeenInfo.host_height && a.info.edid_len == fSeenInfo.edid_len)
        return;
    VGPU_LOG("scanout %u: host display %s %ux%u", fScanout, a.info.enabled ? "on" : "off",
             a.info.host_width, a.info.host_height);
    fSeenInfo = a.info;
    publishHostDisplay(a.info);
    IODisplayModeID ids[kMaxModes];
    uint32_t n = offeredModes(a.modes, ids, a.count, fCurrent, headOnline(a.info, fScanout),
                              fAperture.size);
    if (!rememberOffered(a.modes, ids, n))
        return;
    __atomic_store_n(&fConnectPending, true, __ATOMIC_RELEASE);
    postConnectChange();
}
