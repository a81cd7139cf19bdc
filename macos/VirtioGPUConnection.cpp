/*
 * VirtioGPUConnection.cpp — attributes, the display connection, EDID, and hotplug.
 *
 * A host-side change (window resized, head enabled) reaches macOS as a connection change: the
 * service thread fires the family's connect-interrupt proc, the family then asks
 * kConnectionChanged (we re-read modes and EDID), kConnectionEnable, and the modes again.
 */
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

struct InfoArgs {
    unsigned                 scanout;
    struct vgpu_scanout_info info;
};

int VirtioGPUFramebuffer::gatedInfo(struct vgpu_dev *dev, void *arg)
{
    InfoArgs *a = static_cast<InfoArgs *>(arg);
    return vgpu_scanout_info(dev, a->scanout, &a->info);
}

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
    __atomic_store_n(&fConnectPending, true, __ATOMIC_RELEASE);
    postConnectChange();
}
