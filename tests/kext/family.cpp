/*
 * family.cpp — the IOGraphicsFamily side of the conversation (see family.hpp).
 */
#include <stdio.h>

#include "family.hpp"
#include "fake_world.hpp"

static void connectProc(OSObject *target, void *ref)
{
    (void)target;
    static_cast<Family *>(ref)->connectChanges++;
}

static bool fail(const char *what)
{
    fprintf(stderr, "family: %s\n", what);
    return false;
}

/* The ids the family reads: the count, then an array that size (checked not to be overrun). */
static std::vector<IODisplayModeID> modeIds(Family *f)
{
    IOItemCount n = f->fb->getDisplayModeCount();
    std::vector<IODisplayModeID> ids(n + 1, (IODisplayModeID)0x5A5A5A5A);
    if (f->fb->getDisplayModes(ids.data()) != kIOReturnSuccess) {
        fail("getDisplayModes failed");
        return {};
    }
    if (ids[n] != (IODisplayModeID)0x5A5A5A5A)
        fail("getDisplayModes wrote more ids than getDisplayModeCount said");
    ids.pop_back();
    return ids;
}

/* updateOnline (IOFramebuffer.cpp:7767-7835): online when kConnectionCheckEnable fails or
 * answers non-zero; offline, the mode whose timing is kIOTimingIDApple_0x0_0hz_Offline is
 * remembered, and processConnectChange sets it (7720-7750). */
static bool updateOnline(Family *f)
{
    uintptr_t enabled = 0;
    IOReturn r = f->fb->getAttributeForConnection(0, kConnectionCheckEnable, &enabled);
    f->online = r != kIOReturnSuccess || enabled != 0;
    f->offlineMode = 0;
    if (f->online)
        return true;
    for (IODisplayModeID id : modeIds(f)) {
        IOTimingInformation t = {};
        if (f->fb->getTimingInfoForDisplayMode(id, &t) == kIOReturnSuccess &&
            t.appleTimingID == kIOTimingIDApple_0x0_0hz_Offline) {
            f->offlineMode = id;
            break;
        }
    }
    if (f->offlineMode)
        f->offlineResult = f->fb->setDisplayMode(f->offlineMode, 0);
    return false;
}

/* IODisplay::readFramebufferEDID: the base block, then as many blocks as it says follow. */
static void readDisplay(Family *f)
{
    uintptr_t flags = 0;
    (void)f->fb->getAttributeForConnection(0, kConnectionFlags, &flags);
    f->edid.clear();
    if (f->fb->getAttributeForConnection(0, kConnectionSupportsHLDDCSense, NULL) != kIOReturnSuccess ||
        !f->fb->hasDDCConnect(0))
        return;
    UInt8 block[128];
    IOByteCount len = sizeof(block);
    if (f->fb->getDDCBlock(0, 1, kIODDCBlockTypeEDID, 0, block, &len) != kIOReturnSuccess ||
        len != sizeof(block))
        return;
    f->edid.assign(block, block + len);
    unsigned extensions = block[126];
    for (UInt32 index = 2; index < 2 + extensions; index++) {
        len = sizeof(block);
        if (f->fb->getDDCBlock(0, index, kIODDCBlockTypeEDID, 0, block, &len) != kIOReturnSuccess ||
            len != sizeof(block))
            break;
        f->edid.insert(f->edid.end(), block, block + len);
    }
}

static void probeCursor(Family *f)
{
    f->fb->fakeTestingCursor = true;
    (void)f->fb->setCursorImage(NULL);
    f->fb->fakeTestingCursor = false;
}

bool familyOpen(Family *f, IOFramebuffer *fb)
{
    void *vblRef = NULL;
    uintptr_t cursor = 0;
    f->fb = fb;
    f->console = fb->isConsoleDevice();
    if (fb->enableController() != kIOReturnSuccess)
        return fail("enableController failed: the framebuffer is dead");
    /* A power driver registered with its clamp on is taken to its highest state at once
     * (xnu IOServicePM.cpp:2260 temporaryPowerClampOn). */
    if (fb->fakePowerStates)
        fake::powerTree(fb, true);
    (void)fb->registerForInterruptType(kIOFBVBLInterruptType, connectProc, NULL, f, &vblRef);
    if (fb->registerForInterruptType(kIOFBConnectInterruptType, connectProc, NULL, f,
                                     &f->connectRef) != kIOReturnSuccess)
        return fail("no connect interrupt");
    (void)fb->getAttribute(kIOHardwareCursorAttribute, &cursor);
    (void)fb->getAttributeForConnection(0, kConnectionSupportsLLDDCSense, NULL);
    if (!updateOnline(f))
        return true;   /* no display: doSetup finds activeWidth < 128 and leaves it absent */
    readDisplay(f);
    if (!familyDoSetup(f))
        return false;
    probeCursor(f);
    return true;
}

bool familyDoSetup(Family *f)
{
    FamilySetup *s = &f->setup;
    IOFramebuffer *fb = f->fb;
    uintptr_t cursor = 0;
    *s = FamilySetup();
    s->hwCursor = fb->getAttribute(kIOHardwareCursorAttribute, &cursor) == kIOReturnSuccess &&
                  (cursor & 1);
    if (fb->getCurrentDisplayMode(&s->mode, &s->depth) != kIOReturnSuccess)
        return fail("no current mode");
    if (fb->getPixelInformation(s->mode, s->depth, kIOFBSystemAperture, &s->pixels) != kIOReturnSuccess)
        return fail("no pixel information for the current mode");
    if (s->pixels.activeWidth < 128)
        return fail("activeWidth < 128: the family treats the framebuffer as absent");
    s->timing.flags = kIODetailedTimingValid;
    if (fb->getTimingInfoForDisplayMode(s->mode, &s->timing) != kIOReturnSuccess)
        s->timing.flags = 0;
    IODeviceMemory *ap = fb->getApertureRange(kIOFBSystemAperture);
    if (!ap)
        return fail("no aperture");
    s->aperturePhys = ap->getPhysicalSegment(0, NULL, kIOMemoryMapperNone);
    s->apertureLen = ap->getLength();
    ap->release();
    if (s->apertureLen < (uint64_t)s->pixels.bytesPerRow * s->pixels.activeHeight)
        return fail("VENDOR_BUG: aperture shorter than bytesPerRow * activeHeight");
    IODeviceMemory *vram = fb->getVRAMRange();
    if (!vram)
        return fail("no VRAM range");
    s->vramPhys = vram->getPhysicalSegment(0, NULL, kIOMemoryMapperNone);
    s->vramLen = vram->getLength();
    vram->release();
    if (s->aperturePhys < s->vramPhys || s->aperturePhys + s->apertureLen > s->vramPhys + s->vramLen)
        return fail("aperture outside the VRAM range");
    s->fb = static_cast<uint32_t *>(fake::physToHost(s->aperturePhys, s->apertureLen));
    return true;
}

std::vector<FamilyMode> familyModes(Family *f)
{
    std::vector<FamilyMode> out;
    for (IODisplayModeID id : modeIds(f)) {
        FamilyMode m = {};
        m.id = id;
        if (f->fb->getInformationForDisplayMode(m.id, &m.info) != kIOReturnSuccess ||
            f->fb->getPixelInformation(m.id, 0, kIOFBSystemAperture, &m.pixels) != kIOReturnSuccess)
            fail("a listed mode has no information");
        /* What WindowServer gets: IOFramebuffer::extGetInformationForDisplayMode replaces the
         * safety flags with IODisplay's (IOFramebuffer.cpp:11478-11485), which are the driver's
         * connectFlags or, when it has none, Valid|Safe (IODisplay.cpp:916-939). */
        IOOptionBits flags = 0;
        if (f->fb->connectFlags(0, m.id, &flags) == kIOReturnUnsupported)
            flags = kDisplayModeValidFlag | kDisplayModeSafeFlag;
        m.info.flags = (m.info.flags & ~(UInt32)kDisplayModeSafetyFlags) | flags;
        out.push_back(m);
    }
    return out;
}

IOReturn familySetMode(Family *f, IODisplayModeID id)
{
    IOReturn r = f->fb->setDisplayMode(id, 0);
    if (r == kIOReturnSuccess && !familyDoSetup(f))
        return kIOReturnInternalError;
    return r;
}

bool familyConnectChange(Family *f)
{
    uintptr_t unused = 0;
    if (f->fb->getAttributeForConnection(0, kConnectionChanged, &unused) != kIOReturnSuccess)
        return fail("kConnectionChanged failed");
    if (!updateOnline(f))
        return true;
    readDisplay(f);
    if (familyModes(f).empty())
        return fail("no modes after a connection change");
    probeCursor(f);
    return true;
}

IOReturn familyPower(Family *f, uintptr_t state)
{
    if (!f->fb->fakePowerStates)
        return kIOReturnNotReady;
    return f->fb->setPowerState(state, f->fb) == kIOPMAckImplied ? kIOReturnSuccess : kIOReturnError;
}

bool familySleepWake(Family *f, IOService *root)
{
    f->fb->fakePagingState = false;
    fake::powerTree(root, false);
    fake::powerTree(root, true);
    return f->fb->fakePagingState;
}

IOReturn familyCursorImage(Family *f)
{
    fake::spinlockEnter();
    IOReturn r = f->fb->setCursorImage(NULL);
    fake::spinlockExit();
    return r;
}

IOReturn familyCursorState(Family *f, SInt32 x, SInt32 y, bool visible)
{
    fake::spinlockEnter();
    IOReturn r = f->fb->setCursorState(x, y, visible);
    fake::spinlockExit();
    return r;
}

IOReturn familyProgramTiming(Family *f, const IODetailedTimingInformationV2 &timing,
                             IOFBDisplayModeDescription *desc)
{
    OSData *scaler = OSDynamicCast(OSData, f->fb->getProperty(kIOFBScalerInfoKey));
    if (!scaler || scaler->getLength() < sizeof(IODisplayScalerInformation))
        return kIOReturnUnsupported;
    const IODisplayScalerInformation *si =
        static_cast<const IODisplayScalerInformation *>(scaler->getBytesNoCopy());
    if (timing.horizontalScaled > si->maxHorizontalPixels || timing.verticalScaled > si->maxVerticalPixels)
        return kIOReturnUnsupportedMode;   /* IOGraphicsLib does not offer it */
    *desc = IOFBDisplayModeDescription();
    desc->timingInfo.flags = kIODetailedTimingValid;
    desc->timingInfo.detailedInfo.v2 = timing;
    IODisplayModeID id = kIODisplayModeIDReservedBase + 1;
    desc->timingInfo.detailedInfo.v2.__reservedA[0] = (UInt32)id;
    IOReturn r = f->fb->validateDetailedTiming(desc, sizeof(*desc));
    if (r != kIOReturnSuccess)
        return r;
    OSData *data = OSData::withBytes(&desc->timingInfo.detailedInfo.v2, sizeof(timing));
    const OSObject *objs[] = { data };
    OSArray *array = OSArray::withObjects(objs, 1, 1);
    data->release();
    r = f->fb->setDetailedTimings(array);
    array->release();
    if (r != kIOReturnSuccess)
        return r;
    return familySetMode(f, id);
}

bool familyCloseReturnsConsole(Family *f)
{
    return f->fb->getPowerState() != 0;
}
