/*
 * VirtioGPUCursor.cpp — the hardware cursor: the host draws it (virtio-gpu cursor queue).
 *
 * macOS gives the image through convertCursorImage (straight-alpha ARGB, rows of cursorWidth
 * pixels) and the position as the image's top-left corner; the core wants a 64x64 image and the
 * hot spot's position.
 *
 * IOFramebuffer calls setCursorImage/setCursorState holding its cursor spinlock (IOGraphics-600
 * IOFramebuffer.cpp:689-699, 4993-5059), which WindowServer spins on: nothing here may block.  So
 * they only record the latest image and position under our own spinlock and wake the service
 * thread (VirtioGPUDevice::cursorNeeded), which sends them: a burst of moves becomes one.
 */
#include "VirtioGPUFramebuffer.hpp"

/* Pixels macOS wants inverted (transparent white) become opaque black: the host cannot invert. */
static const uint32_t kInvertedPixel = 0xFF000000;

IOReturn VirtioGPUFramebuffer::setCursorImage(void *cursorImage)
{
    IOHardwareCursorDescriptor desc;
    IOHardwareCursorInfo info;
    bzero(&desc, sizeof(desc));
    bzero(&info, sizeof(info));
    desc.majorVersion = kHardwareCursorDescriptorMajorVersion;
    desc.minorVersion = kHardwareCursorDescriptorMinorVersion;
    desc.width = VGPU_CURSOR_SIZE;
    desc.height = VGPU_CURSOR_SIZE;
    desc.bitDepth = 32;
    desc.supportedSpecialEncodings = kInvertingEncodedPixel;
    desc.specialEncodings[kInvertingEncoding] = kInvertedPixel;
    info.majorVersion = kHardwareCursorInfoMajorVersion;
    info.minorVersion = kHardwareCursorInfoMinorVersion;
    info.hardwareCursorData = (UInt8 *)fCursorConverted;
    /* Also false while the family only probes formats (cursorImage NULL): expected. */
    if (!convertCursorImage(cursorImage, &desc, &info))
        return kIOReturnUnsupported;
    if (info.cursorWidth > VGPU_CURSOR_SIZE || info.cursorHeight > VGPU_CURSOR_SIZE)
        return kIOReturnUnsupported;
    IOSimpleLockLock(fCursorLock);
    bzero(fCursorNext, sizeof(fCursorNext));
    for (uint32_t y = 0; y < info.cursorHeight; y++)
        memcpy(&fCursorNext[y * VGPU_CURSOR_SIZE], &fCursorConverted[y * info.cursorWidth],
               info.cursorWidth * sizeof(fCursorNext[0]));
    fNextHotX = info.cursorHotSpotX;
    fNextHotY = info.cursorHotSpotY;
    fCursorImagePending = true;
    IOSimpleLockUnlock(fCursorLock);
    fDevice->cursorNeeded();
    return kIOReturnSuccess;
}

IOReturn VirtioGPUFramebuffer::setCursorState(SInt32 x, SInt32 y, bool visible)
{
    IOSimpleLockLock(fCursorLock);
    fCursorX = x;
    fCursorY = y;
    fCursorVisible = visible;
    fCursorStatePending = true;
    IOSimpleLockUnlock(fCursorLock);
    fDevice->cursorNeeded();
    return kIOReturnSuccess;
}

static uint32_t hotSpotPosition(SInt32 topLeft, uint32_t hot)
{
    int64_t pos = (int64_t)topLeft + hot;
    return pos < 0 ? 0 : (uint32_t)pos;
}

int VirtioGPUFramebuffer::gatedCursor(struct vgpu_dev *dev, void *arg)
{
    VirtioGPUFramebuffer *fb = static_cast<VirtioGPUFramebuffer *>(arg);
    uint32_t x = hotSpotPosition(fb->fCursorX, fb->fHotX);
    uint32_t y = hotSpotPosition(fb->fCursorY, fb->fHotY);
    if (!fb->fCursorDirty)
        return vgpu_cursor_move(dev, fb->fScanout, x, y);
    return vgpu_cursor_set(dev, fb->fScanout, fb->fCursor, fb->fHotX, fb->fHotY, x, y);
}

int VirtioGPUFramebuffer::gatedCursorHide(struct vgpu_dev *dev, void *arg)
{
    return vgpu_cursor_hide(dev, static_cast<VirtioGPUFramebuffer *>(arg)->fScanout);
}

/* Take what the family left (under the spinlock, copies only); false when nothing waits. */
bool VirtioGPUFramebuffer::takeCursorWork()
{
    IOSimpleLockLock(fCursorLock);
    bool work = fCursorImagePending || fCursorStatePending;
    if (fCursorImagePending) {
        memcpy(fCursor, fCursorNext, sizeof(fCursor));
        fHotX = fNextHotX;
        fHotY = fNextHotY;
        fCursorDirty = true;
        fCursorHaveImage = true;
    }
    fCursorImagePending = fCursorStatePending = false;
    IOSimpleLockUnlock(fCursorLock);
    return work;
}

/* Service thread.  fCursorX/Y/Visible may change under us (family threads, spinlock): a torn
 * read only sends a position that the next pending update corrects. */
void VirtioGPUFramebuffer::sendCursor()
{
    if (!takeCursorWork() && fCursorShown == (fCursorVisible && fCursorHaveImage))
        return;
    if (fPowerState != kPowerOn)
        return;   /* setPower sends it again on the way back */
    if (fCursorVisible) {
        (void)showCursor();
    } else if (fCursorShown) {
        int r = fDevice->runCore(gatedCursorHide, this);
        fCursorShown = r != VGPU_OK;
    }
}

/* A new image goes up whole (that also moves and shows it); otherwise only the position.  After a
 * hide the image goes up again: a move alone does not show it. */
IOReturn VirtioGPUFramebuffer::showCursor()
{
    if (!fCursorHaveImage)
        return kIOReturnSuccess;   /* nothing to show before macOS gives an image */
    if (!fCursorShown)
        fCursorDirty = true;
    int r = fDevice->runCore(gatedCursor, this);
    if (r != VGPU_OK) {
        VGPU_DLOG("scanout %u: cursor update failed: %s", fScanout, vgpu_status_name(r));
        return kIOReturnIOError;
    }
    fCursorDirty = false;
    fCursorShown = true;
    return kIOReturnSuccess;
}
