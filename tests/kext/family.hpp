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
IOReturn familyPower(Family *f, uintptr_t state);

#endif /* KEXT_TEST_FAMILY_HPP */
