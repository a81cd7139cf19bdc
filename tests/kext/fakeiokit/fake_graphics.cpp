/*
 * fake_graphics.cpp — the IOFramebuffer base behaviour the shell relies on (IOGraphics-600).
 */
#include "fake_world.hpp"
#include "fake_graphics.hpp"

bool IOFramebuffer::start(IOService *provider)
{
    if (!IOService::start(provider))
        return false;
    PMinit();
    provider->joinPMtree(this);
    registerService();
    fakePagingState = true;
    return true;
}

IOReturn IOFramebuffer::setPowerState(unsigned long state, IOService *)
{
    fakeOnPowerThread = true;
    (void)setAttribute(kIOPowerStateAttribute, state);
    fakeOnPowerThread = false;
    fakePowerState = state;   /* acknowledgeSetPowerState */
    return kIOPMAckImplied;
}

/* IOFramebuffer.cpp:12910-12923: the base class programs nothing. */
IOReturn IOFramebuffer::validateDetailedTiming(void *, IOByteCount) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::setDetailedTimings(OSArray *) { return kIOReturnUnsupported; }

/* IOFramebuffer.cpp:13455-13461: no opinion; IODisplay then uses Valid|Safe (IODisplay.cpp:933-937). */
IOReturn IOFramebuffer::connectFlags(IOIndex, IODisplayModeID, IOOptionBits *) { return kIOReturnUnsupported; }

IOReturn IOFramebuffer::enableController() { return kIOReturnSuccess; }
bool IOFramebuffer::isConsoleDevice() { return false; }
IODeviceMemory *IOFramebuffer::getVRAMRange() { return getApertureRange(kIOFBSystemAperture); }
IOReturn IOFramebuffer::setDisplayMode(IODisplayModeID, IOIndex) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::setStartupDisplayMode(IODisplayModeID, IOIndex) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::getStartupDisplayMode(IODisplayModeID *, IOIndex *) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::getAttribute(IOSelect, uintptr_t *) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::getTimingInfoForDisplayMode(IODisplayModeID, IOTimingInformation *) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::setAttributeForConnection(IOIndex, IOSelect, uintptr_t) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::setCursorImage(void *) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::setCursorState(SInt32, SInt32, bool) { return kIOReturnUnsupported; }
bool IOFramebuffer::hasDDCConnect(IOIndex) { return false; }
IOReturn IOFramebuffer::getDDCBlock(IOIndex, UInt32, IOSelect, IOOptionBits, UInt8 *, IOByteCount *) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::registerForInterruptType(IOSelect, IOFBInterruptProc, OSObject *, void *, void **) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::unregisterInterrupt(void *) { return kIOReturnUnsupported; }
IOReturn IOFramebuffer::setInterruptState(void *, UInt32) { return kIOReturnUnsupported; }

/* 'pwrs' becomes a kIOPowerAttribute call on the subclass; capture is family state. */
IOReturn IOFramebuffer::setAttribute(IOSelect attribute, uintptr_t value)
{
    switch (attribute) {
    case kIOPowerStateAttribute:
        return setAttribute(kIOPowerAttribute, value);
    case kIOCapturedAttribute:
        fakeCaptured = value != 0;
        return kIOReturnSuccess;
    default:
        return kIOReturnUnsupported;
    }
}

/* kConnectionCheckEnable is answered by asking the subclass for kConnectionEnable. */
IOReturn IOFramebuffer::getAttributeForConnection(IOIndex connectIndex, IOSelect attribute,
                                                  uintptr_t *value)
{
    if (attribute == kConnectionCheckEnable)
        return getAttributeForConnection(connectIndex, kConnectionEnable, value);
    return kIOReturnUnsupported;
}

IOReturn IOFramebuffer::handleEvent(IOIndex event, void *info)
{
    fakeEvents.push_back(event);
    if (fakeOnPowerThread && ((event == kIOFBNotifyDidWake && info) || event == kIOFBNotifyDidPowerOn))
        fakePagingState = true;
    return kIOReturnSuccess;
}

/*
 * The conversion rules of IOFramebuffer::convertCursorImage for 32-bit direct cursors: the
 * output width and height are the descriptor's, halved while the image still fits; rows are
 * packed at that width, top to bottom; alpha is made straight; a transparent white pixel takes the
 * inverting encoding (or fails without one).  The hot-spot padding is not modelled: test cursors
 * keep their hot spot at 4 or more.  While testing, it records the descriptor and fails.
 */
bool IOFramebuffer::convertCursorImage(void *cursorImage, IOHardwareCursorDescriptor *desc,
                                       IOHardwareCursorInfo *info)
{
    if (fakeTestingCursor) {
        fakeCursorFormats.push_back(*desc);
        return false;
    }
    const FakeCursorImage &c = fakeCursor;
    if (cursorImage != NULL || !info || !info->hardwareCursorData || desc->bitDepth != 32 ||
        c.width > desc->width || c.height > desc->height || c.pixels.size() != c.width * c.height)
        return false;
    uint32_t w = desc->width, h = desc->height;
    while (w / 2 >= c.width)
        w /= 2;
    while (h / 2 >= c.height)
        h /= 2;
    uint32_t *out = reinterpret_cast<uint32_t *>(info->hardwareCursorData);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint32_t px = (x < c.width && y < c.height) ? c.pixels[y * c.width + x] : 0;
            uint32_t a = px >> 24, r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
            if (a == 0 && (r & g & b) == 0xff) {
                if (!(desc->supportedSpecialEncodings & kInvertingEncodedPixel))
                    return false;
                px = desc->specialEncodings[kInvertingEncoding];
            } else if (a == 0) {
                px = 0;
            } else if (a != 0xff) {
                px = (a << 24) | ((0xff * r / a) << 16) | ((0xff * g / a) << 8) | (0xff * b / a);
            }
            out[y * w + x] = px;
        }
    }
    info->cursorWidth = w;
    info->cursorHeight = h;
    info->cursorHotSpotX = (UInt16)c.hotX;
    info->cursorHotSpotY = (UInt16)c.hotY;
    return true;
}
