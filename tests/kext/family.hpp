/*
 * family.hpp — what IOGraphicsFamily does to a framebuffer, in the order it does it
 * (docs/iokit-framebuffer-facts.md §1-§6, IOGraphics-600 IOFramebuffer.cpp): open, doSetup,
 * mode enumeration, mode switch, connection change, cursor probe, power.  Each step checks what
 * the family itself would refuse (short aperture, list count mismatch...).
 */
#ifndef KEXT_TEST_FAMILY_HPP
#define KEXT_TEST_FAMILY_HPP

#include <vector>

#include "VirtioGPUFramebuffer.hpp"

struct FamilyMode {
    IODisplayModeID          id;
    IODisplayModeInformation info;
    IOPixelInformation       pixels;
};

/* What doSetup learnt about the current mode. */
struct FamilySetup {
    IODisplayModeID     mode;
    IOIndex             depth;
    IOPixelInformation  pixels;
    IOTimingInformation timing;
    uint64_t            aperturePhys, apertureLen;
    uint64_t            vramPhys, vramLen;
    uint32_t           *fb;            /* the family's CPU view of the pixels */
    bool                hwCursor;
};

struct Family {
    IOFramebuffer *fb;
    void          *connectRef;         /* interruptRef from registerForInterruptType */
    unsigned       connectChanges;     /* times the driver fired the connect proc */
    bool           online;
    IODisplayModeID offlineMode;       /* the offline mode updateOnline found, 0 when none */
    IOReturn       offlineResult;      /* what setDisplayMode(offlineMode) answered */
    bool           console;
    std::vector<uint8_t> edid;         /* what IODisplay read with getDDCBlock */
    FamilySetup    setup;
};

/* IOFramebuffer::open: enableController, interrupts, cursor, online check, IODisplay, doSetup,
 * cursor format probe.  Returns false (with a message) where the family would give up. */
bool familyOpen(Family *f, IOFramebuffer *fb);
bool familyDoSetup(Family *f);
std::vector<FamilyMode> familyModes(Family *f);
IOReturn familySetMode(Family *f, IODisplayModeID id);
/* processConnectChange: kConnectionChanged, online check, modes, cursor probe. */
bool familyConnectChange(Family *f);
/* Power management's call on the framebuffer: only a registered power driver gets it (xnu
 * IOServicePM.cpp:3985-4004); kIOReturnNotReady when PM would never call. */
IOReturn familyPower(Family *f, uintptr_t state);
/* System sleep then wake of the whole tree under `root`, with IOFramebuffer's paging state
 * cleared before it (IOFramebuffer.cpp:6917-6921).  Returns whether WindowServer may go on
 * afterwards (it waits while pagingState is false, IOFramebuffer.cpp:4184). */
bool familySleepWake(Family *f, IOService *root);
/* The cursor calls as IOFramebuffer makes them: inside its OSSpinLock cursorSema
 * (IOFramebuffer.cpp:689-699, 4993-5059). */
IOReturn familyCursorImage(Family *f);
IOReturn familyCursorState(Family *f, SInt32 x, SInt32 y, bool visible);
/* How user space programs a scaled mode: IOFBScalerInfo read (IOGraphicsLib.c:1685-1700), the
 * timing validated (IOFramebuffer.cpp:4320-4355), given an id from kIODisplayModeIDReservedBase
 * (IOGraphicsLib.c:1237-1240) and set as the whole list (11665-11685), then the mode set.
 * Returns the status of the first step that failed; *desc gets what validation answered. */
IOReturn familyProgramTiming(Family *f, const IODetailedTimingInformationV2 &timing,
                             IOFBDisplayModeDescription *desc);
/* close() gives the boot console back only at a non-zero power state (IOFramebuffer.cpp:10357). */
bool familyCloseReturnsConsole(Family *f);

#endif /* KEXT_TEST_FAMILY_HPP */
