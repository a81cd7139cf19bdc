/*
 * test_kext.cpp — the kext shell (the macos/ C++ sources, unchanged) on the stand-in IOKit, driving the
 * software device, called the way IOGraphicsFamily calls it (family.cpp).
 *
 * Every test ends in rigFinish(): no leaked object, allocation or DMA mapping, no misuse of the
 * kernel API, no driver mistake seen by the device, and the device reset and released.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

extern "C" {
#include <cmocka.h>
}

#include "family.hpp"
#include "rig.hpp"

extern "C" {
#include "../../sim/spec_wire.h"
}

static Rig *rig(void **state) { return static_cast<Rig *>(*state); }

int runUserClientTests(void);   /* test_userclient.cpp */

static IODisplayModeID idOf(Family *f, uint32_t w, uint32_t h)
{
    for (const FamilyMode &m : familyModes(f))
        if (m.info.nominalWidth == w && m.info.nominalHeight == h)
            return m.id;
    return 0;
}

/* Boot with one display of w x h, open the first framebuffer as the family does. */
static VirtioGPUFramebuffer *bootOne(Rig *r, Family *f, uint32_t w, uint32_t h)
{
    r->cfg.display[0] = (struct sim_display){ w, h, true };
    assert_true(rigBoot(r));
    VirtioGPUFramebuffer *fb = rigFb(r, 0);
    assert_non_null(fb);
    *f = Family();
    assert_true(familyOpen(f, fb));
    return fb;
}

static void drawPattern(const FamilySetup *s, uint32_t seed)
{
    for (uint32_t y = 0; y < s->pixels.activeHeight; y++)
        for (uint32_t x = 0; x < s->pixels.activeWidth; x++)
            s->fb[y * (s->pixels.bytesPerRow / 4) + x] = pattern(x, y, seed);
}

/* Pixels that reached the host's scanout, compared with the reference picture. */
static unsigned hostMismatches(Rig *r, unsigned scanout, uint32_t w, uint32_t h, uint32_t seed)
{
    unsigned bad = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            bad += (sim_pixel(r->sim, scanout, x, y) & 0x00FFFFFFu) != pattern(x, y, seed);
    return bad;
}

static void assertScanout(Rig *r, unsigned scanout, bool active, uint32_t w, uint32_t h)
{
    struct sim_scanout_view v;
    assert_true(sim_scanout(r->sim, scanout, &v));
    assert_int_equal(v.active, active);
    if (active) {
        assert_int_equal(v.width, w);
        assert_int_equal(v.height, h);
    }
}

/* ---- start: PCI, interrupts, power tree, one framebuffer per enabled scanout ---- */

static void start_publishes_a_framebuffer_per_scanout(void **state)
{
    Rig *r = rig(state);
    r->cfg.num_scanouts = 3;
    r->cfg.display[0] = (struct sim_display){ 1024, 768, true };
    r->cfg.display[1] = (struct sim_display){ 0, 0, false };
    r->cfg.display[2] = (struct sim_display){ 1280, 800, true };
    assert_true(rigBoot(r));
    assert_int_equal(rigFbCount(r), 3);   /* the disabled head too: offline until enabled */
    assert_ptr_equal(r->pci->fakeOpenedBy, r->dev);
    uint16_t cmd = sim_pci_command(r->sim);
    assert_true(cmd & kIOPCICommandMemorySpace);
    assert_true(cmd & kIOPCICommandBusMaster);
    assert_true(sim_msix_enabled(r->sim));
    assert_true(r->dev->fakeRegistered);
    assert_ptr_equal(r->dev->fakePMParent, r->pci);
    assert_int_equal(r->dev->fakePowerStates, 2);
    uint64_t depId = 0, idx = 0;
    for (unsigned i = 0; i < 3; i++) {
        VirtioGPUFramebuffer *fb = rigFb(r, i);
        assert_true(fb->fakeStarted && fb->fakeRegistered);
        assert_ptr_equal(fb->fakePMParent, r->dev);
        assert_true(fb->fakeGetNumber(kIOFBDependentIDKey, &depId));
        assert_int_equal(depId, r->dev->getRegistryEntryID());
        assert_true(fb->fakeGetNumber(kIOFBDependentIndexKey, &idx));
        assert_int_equal(idx, i);
    }
    assert_true(fake::logContains("[VirtIO-GPU] device up: 3 scanout(s), MSI-X interrupts"));
}

static void open_shows_the_host_size_with_a_complete_description(void **state)
{
    Rig *r = rig(state);
    Family f;
    r->bootDisplay = true;
    bootOne(r, &f, 1024, 768);
    const FamilySetup &s = f.setup;
    assert_true(f.console);
    assert_true(f.online);
    assert_true(s.hwCursor);
    assert_int_equal(s.depth, 0);
    assert_int_equal(s.pixels.activeWidth, 1024);
    assert_int_equal(s.pixels.activeHeight, 768);
    assert_int_equal(s.pixels.bytesPerRow, 1024 * 4);
    assert_int_equal(s.pixels.bitsPerPixel, 32);
    assert_int_equal(s.pixels.pixelType, kIORGBDirectPixels);
    assert_int_equal(s.pixels.componentCount, 3);
    assert_int_equal(s.pixels.bitsPerComponent, 8);
    assert_int_equal(s.pixels.componentMasks[0], 0x00FF0000);
    assert_int_equal(s.pixels.componentMasks[1], 0x0000FF00);
    assert_int_equal(s.pixels.componentMasks[2], 0x000000FF);
    assert_string_equal(s.pixels.pixelFormat, "--------RRRRRRRRGGGGGGGGBBBBBBBB");
    const char *formats = f.fb->getPixelFormats();
    assert_string_equal(formats, "--------RRRRRRRRGGGGGGGGBBBBBBBB");
    assert_int_equal(formats[strlen(formats) + 1], '\0');
    assert_true(s.timing.flags & kIODetailedTimingValid);
    assert_int_equal(s.timing.detailedInfo.v2.horizontalActive, 1024);
    assert_int_equal(s.timing.detailedInfo.v2.verticalActive, 768);
    assert_true(s.timing.detailedInfo.v2.pixelClock > 1024ull * 768 * 59);
    assertScanout(r, 0, true, 1024, 768);
    /* IODisplay got the device's own EDID, block by block. */
    uint8_t want[2 * SIM_EDID_BLOCK];
    size_t n = sim_edid_generate(want, sizeof(want), 1024, 768, 1);
    assert_int_equal(f.edid.size(), n);
    assert_memory_equal(f.edid.data(), want, n);
    /* The family's cursor probe saw one 64x64 32-bit format with inversion. */
    assert_int_equal(f.fb->fakeCursorFormats.size(), 1);
    assert_int_equal(f.fb->fakeCursorFormats[0].width, 64);
    assert_int_equal(f.fb->fakeCursorFormats[0].height, 64);
    assert_int_equal(f.fb->fakeCursorFormats[0].bitDepth, 32);
    assert_true(f.fb->fakeCursorFormats[0].supportedSpecialEncodings & kInvertingEncodedPixel);
}

/* ---- modes ---- */

static bool listed(const std::vector<FamilyMode> &modes, uint32_t w, uint32_t h)
{
    for (const FamilyMode &m : modes)
        if (m.info.nominalWidth == w && m.info.nominalHeight == h)
            return true;
    return false;
}

static void mode_list_is_consistent_and_stable(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    std::vector<FamilyMode> modes = familyModes(&f);
    assert_true(modes.size() >= 10);
    unsigned defaults = 0;
    for (size_t i = 0; i < modes.size(); i++) {
        const FamilyMode &m = modes[i];
        assert_true(m.id > 0);
        assert_int_equal(m.id & 0x40000000, 0);
        for (size_t j = 0; j < i; j++)
            assert_true(modes[j].id != m.id);
        assert_int_equal(m.info.flags & 3, kDisplayModeValidFlag | kDisplayModeSafeFlag);
        assert_int_equal(m.info.maxDepthIndex, 0);
        /* 16.16 Hz: the host's modes run at (nearly) 60 Hz. */
        assert_in_range(m.info.refreshRate, (599u << 16) / 10, (601u << 16) / 10);
        assert_int_equal(m.pixels.activeWidth, m.info.nominalWidth);
        assert_int_equal(m.pixels.activeHeight, m.info.nominalHeight);
        assert_int_equal(m.pixels.bytesPerRow, m.info.nominalWidth * 4);
        defaults += (m.info.flags & kDisplayModeDefaultFlag) != 0;
        if (m.info.flags & kDisplayModeDefaultFlag) {
            assert_int_equal(m.info.nominalWidth, 1024);
            assert_int_equal(m.info.nominalHeight, 768);
        }
        /* HiDPI backing: exactly the modes that are twice another offered mode. */
        bool twice = m.info.nominalWidth % 2 == 0 && m.info.nominalHeight % 2 == 0 &&
                     listed(modes, m.info.nominalWidth / 2, m.info.nominalHeight / 2);
        assert_int_equal((m.info.flags & kDisplayModeValidForHiResFlag) != 0, twice);
    }
    assert_int_equal(defaults, 1);
    assert_true(listed(modes, 3840, 2160) && listed(modes, 1920, 1080));
    std::vector<FamilyMode> again = familyModes(&f);
    assert_int_equal(again.size(), modes.size());
    for (size_t i = 0; i < modes.size(); i++)
        assert_int_equal(again[i].id, modes[i].id);
    /* What the family must get refused. */
    IOPixelInformation pi;
    IODisplayModeInformation info;
    assert_int_equal(f.fb->getPixelInformation(modes[0].id, 1, 0, &pi), kIOReturnUnsupportedMode);
    assert_int_equal(f.fb->getPixelInformation(modes[0].id, 0, 1, &pi), kIOReturnUnsupportedMode);
    assert_int_not_equal(f.fb->getInformationForDisplayMode(0x12345, &info), kIOReturnSuccess);
    assert_int_equal(f.fb->getPixelFormatsForDisplayMode(modes[0].id, 0), 0);
}

static void set_mode_switches_and_pixels_reach_the_host(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    uint64_t vram = f.setup.vramPhys;
    IODisplayModeID id = idOf(&f, 1280, 800);
    assert_true(id != 0);
    assert_int_equal(familySetMode(&f, id), kIOReturnSuccess);
    assert_int_equal(f.setup.mode, id);
    assert_int_equal(f.setup.pixels.activeWidth, 1280);
    assert_int_equal(f.setup.vramPhys, vram);   /* the mapping WindowServer holds stays valid */
    assertScanout(r, 0, true, 1280, 800);
    drawPattern(&f.setup, 7);
    assert_true(fake::fireTimers() >= 1);       /* the refresh timer flushes */
    assert_int_equal(hostMismatches(r, 0, 1280, 800, 7), 0);
    drawPattern(&f.setup, 8);
    assert_true(fake::fireTimers() >= 1);
    assert_int_equal(hostMismatches(r, 0, 1280, 800, 8), 0);
    IODisplayModeID startup = 0;
    IOIndex depth = -1;
    assert_int_equal(f.fb->setStartupDisplayMode(id, 0), kIOReturnSuccess);
    assert_int_equal(f.fb->getStartupDisplayMode(&startup, &depth), kIOReturnSuccess);
    assert_int_equal(startup, id);
    assert_int_equal(depth, 0);
}

static void failed_set_mode_keeps_the_old_mode(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    IODisplayModeID old = f.setup.mode;
    drawPattern(&f.setup, 3);
    sim_fault_error_next(r->sim, SPEC_GPU_CMD_RESOURCE_CREATE_2D,
                         SPEC_GPU_RESP_ERR_OUT_OF_MEMORY);
    assert_int_not_equal(familySetMode(&f, idOf(&f, 1920, 1080)), kIOReturnSuccess);
    IODisplayModeID cur = 0;
    IOIndex depth = 0;
    assert_int_equal(f.fb->getCurrentDisplayMode(&cur, &depth), kIOReturnSuccess);
    assert_int_equal(cur, old);
    assertScanout(r, 0, true, 1024, 768);
    assert_true(fake::fireTimers() >= 1);
    assert_int_equal(hostMismatches(r, 0, 1024, 768, 3), 0);
    assert_true(fake::logContains("mode 1920x1080 failed"));
    assert_int_equal(f.fb->setDisplayMode(old, 1), kIOReturnUnsupportedMode);
}

/* ---- cursor ---- */

static void cursor_image_and_position_reach_the_host(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    FakeCursorImage &c = f.fb->fakeCursor;
    c.width = 17;
    c.height = 23;
    c.hotX = 5;
    c.hotY = 6;
    c.pixels.assign(c.width * c.height, 0);
    for (uint32_t i = 0; i < c.pixels.size(); i++)
        c.pixels[i] = 0xFF000000u | pattern(i, 1, 9);
    c.pixels[1] = 0x80402010;      /* half transparent, premultiplied */
    c.pixels[2] = 0x00FFFFFF;      /* transparent white: inverted by macOS */
    c.pixels[3] = 0x00000000;      /* transparent */
    assert_int_equal(familyCursorImage(&f), kIOReturnSuccess);
    assert_int_equal(familyCursorState(&f, 100, 200, true), kIOReturnSuccess);
    assert_true(fake::runSources() >= 1);   /* the service thread sends it */
    struct sim_cursor_view v;
    assert_true(sim_cursor(r->sim, 0, &v));
    assert_true(v.visible);
    assert_int_equal(v.hot_x, 5);
    assert_int_equal(v.hot_y, 6);
    assert_int_equal(v.x, 105);
    assert_int_equal(v.y, 206);
    for (uint32_t y = 0; y < SIM_CURSOR_SIZE; y++) {
        for (uint32_t x = 0; x < SIM_CURSOR_SIZE; x++) {
            uint32_t want = 0;
            if (x < c.width && y < c.height)
                want = c.pixels[y * c.width + x];
            if (y == 0 && x == 1)
                want = 0x807F3F1F;   /* straight alpha, 0xff * c / a as IOFramebuffer rounds */
            if (y == 0 && x == 2)
                want = 0xFF000000;
            assert_int_equal(v.image[y * SIM_CURSOR_SIZE + x], want);
        }
    }
    assert_int_equal(familyCursorState(&f, -3, 10, true), kIOReturnSuccess);
    fake::runSources();
    assert_true(sim_cursor(r->sim, 0, &v));
    assert_true(v.visible);
    assert_int_equal(v.x, 2);
    assert_int_equal(v.y, 16);
    assert_int_equal(familyCursorState(&f, -3, 10, false), kIOReturnSuccess);
    fake::runSources();
    assert_true(sim_cursor(r->sim, 0, &v));
    assert_false(v.visible);
    /* A burst of moves between two service-thread runs reaches the host as its last position. */
    uint64_t sent = sim_stats(r->sim)->notifies[1];   /* cursor queue doorbells */
    for (int i = 0; i < 10; i++)
        assert_int_equal(familyCursorState(&f, 40 + i, 50 + i, true), kIOReturnSuccess);
    assert_int_equal(sim_stats(r->sim)->notifies[1], sent);   /* nothing sent under the lock */
    fake::runSources();
    assert_int_equal(sim_stats(r->sim)->notifies[1], sent + 1);
    assert_true(sim_cursor(r->sim, 0, &v));
    assert_true(v.visible);
    assert_int_equal(v.x, 54);
    assert_int_equal(v.y, 65);
}

/* ---- hotplug: a host-side resize reaches macOS as a connection change ---- */

static void host_resize_arrives_as_a_connection_change(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    assert_int_equal(f.connectChanges, 0);
    assert_false(listed(familyModes(&f), 1500, 1000));
    sim_display_change(r->sim, 0, 1500, 1000, true);
    fake::pump();                     /* the config interrupt reaches the core */
    fake::fireTimers();               /* the service thread re-reads the displays */
    assert_int_equal(f.connectChanges, 1);
    assert_true(familyConnectChange(&f));
    std::vector<FamilyMode> modes = familyModes(&f);
    bool found = false;
    for (const FamilyMode &m : modes) {
        bool isNew = m.info.nominalWidth == 1500 && m.info.nominalHeight == 1000;
        found |= isNew;
        assert_int_equal((m.info.flags & kDisplayModeDefaultFlag) != 0, isNew);
    }
    assert_true(found);
    assert_true(listed(modes, 1024, 768));   /* the current mode stays offered */
    assert_int_equal(familySetMode(&f, idOf(&f, 1500, 1000)), kIOReturnSuccess);
    assertScanout(r, 0, true, 1500, 1000);
    drawPattern(&f.setup, 11);
    fake::fireTimers();
    assert_int_equal(hostMismatches(r, 0, 1500, 1000, 11), 0);
    /* No change, no interrupt. */
    fake::fireTimers();
    assert_int_equal(f.connectChanges, 1);
}

static void no_connection_change_while_captured(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    assert_int_equal(f.fb->setAttribute(kIOCapturedAttribute, 1), kIOReturnSuccess);
    assert_true(f.fb->fakeCaptured);   /* also passed on to the family */
    sim_display_change(r->sim, 0, 800, 600, true);
    fake::pump();
    fake::fireTimers();
    assert_int_equal(f.connectChanges, 0);
    assert_int_equal(f.fb->setAttribute(kIOCapturedAttribute, 0), kIOReturnSuccess);
    assert_int_equal(f.connectChanges, 1);
    assert_int_equal(f.fb->setInterruptState(f.connectRef, 0), kIOReturnSuccess);
    sim_display_change(r->sim, 0, 640, 480, true);
    fake::pump();
    fake::fireTimers();
    assert_int_equal(f.connectChanges, 1);
    assert_int_equal(f.fb->setInterruptState(f.connectRef, 1), kIOReturnSuccess);
    assert_int_equal(f.connectChanges, 2);
    assert_int_equal(f.fb->unregisterInterrupt(f.connectRef), kIOReturnSuccess);
}

/* ---- issue 14: what the display agent reads ---- */

struct HostDisplay { uint64_t scanout, width, height, generation; bool enabled, present; };

static HostDisplay hostDisplay(IOService *fb)
{
    HostDisplay h = {};
    OSDictionary *d = OSDynamicCast(OSDictionary, fb->getProperty("VirtioGPUHostDisplay"));
    if (!d)
        return h;
    OSNumber *n[4] = { OSDynamicCast(OSNumber, d->getObject("Scanout")),
                       OSDynamicCast(OSNumber, d->getObject("Width")),
                       OSDynamicCast(OSNumber, d->getObject("Height")),
                       OSDynamicCast(OSNumber, d->getObject("Generation")) };
    OSBoolean *e = OSDynamicCast(OSBoolean, d->getObject("Enabled"));
    h.present = n[0] && n[1] && n[2] && n[3] && e;
    if (!h.present)
        return h;
    h.scanout = n[0]->unsigned64BitValue();
    h.width = n[1]->unsigned64BitValue();
    h.height = n[2]->unsigned64BitValue();
    h.generation = n[3]->unsigned64BitValue();
    h.enabled = e->isTrue();
    return h;
}

static size_t propertyChanges(IOService *fb)
{
    size_t n = 0;
    for (UInt32 m : fb->fakeMessages)
        n += m == 0xe0000130u;   /* kIOMessageServicePropertyChange (IOMessage.h) */
    return n;
}

static void hostResize(Rig *r, unsigned scanout, uint32_t w, uint32_t h)
{
    sim_display_change(r->sim, scanout, w, h, true);
    fake::pump();
    fake::fireTimers();
}

static void host_size_is_published_for_the_agent(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    HostDisplay h0 = hostDisplay(f.fb);
    assert_true(h0.present);
    assert_int_equal(h0.scanout, 0);
    assert_int_equal(h0.width, 1024);
    assert_int_equal(h0.height, 768);
    assert_true(h0.enabled);
    size_t messages = propertyChanges(f.fb);
    hostResize(r, 0, 1440, 900);
    HostDisplay h1 = hostDisplay(f.fb);
    assert_int_equal(h1.width, 1440);
    assert_int_equal(h1.height, 900);
    assert_int_equal(h1.generation, h0.generation + 1);
    assert_int_equal(propertyChanges(f.fb), messages + 1);
}

/* A window drag: QEMU sends an event per step, several with the same size.  Each new size is one
 * generation and one connection change; a repeated size is neither. */
static void a_drag_changes_the_mode_set_once_per_new_size(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    static const uint32_t drag[][2] = { { 1100, 700 }, { 1100, 700 }, { 1100, 700 }, { 1200, 700 },
                                        { 1200, 700 }, { 1300, 800 }, { 1300, 800 } };
    uint32_t pw = 1024, ph = 768;
    unsigned distinct = 0;
    uint64_t g0 = hostDisplay(f.fb).generation;
    for (const auto &d : drag) {
        distinct += d[0] != pw || d[1] != ph;
        pw = d[0];
        ph = d[1];
        hostResize(r, 0, d[0], d[1]);
    }
    assert_int_equal(f.connectChanges, distinct);
    assert_int_equal(hostDisplay(f.fb).generation, g0 + distinct);
    assert_true(familyConnectChange(&f));
    assert_true(listed(familyModes(&f), 1300, 800));   /* any host size the aperture holds */
    assert_int_equal(familySetMode(&f, idOf(&f, 1300, 800)), kIOReturnSuccess);
    assertScanout(r, 0, true, 1300, 800);
}

/* HiDPI: the backing sizes the display override lists (macos/DisplayOverrides, twice a logical
 * size) are offered, marked as a HiDPI backing, and the device takes them. */
static void hidpi_backings_are_offered_and_taken(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1920, 1080);
    static const uint32_t backing[][2] = { { 3840, 2160 }, { 2880, 1800 }, { 2560, 1600 },
                                           { 2560, 1440 }, { 1600, 1200 } };
    std::vector<FamilyMode> modes = familyModes(&f);
    for (const auto &b : backing) {
        bool hires = false;
        for (const FamilyMode &m : modes)
            if (m.info.nominalWidth == b[0] && m.info.nominalHeight == b[1])
                hires = (m.info.flags & kDisplayModeValidForHiResFlag) != 0;
        assert_true(listed(modes, b[0] / 2, b[1] / 2));
        assert_true(hires);
    }
    assert_int_equal(familySetMode(&f, idOf(&f, 3840, 2160)), kIOReturnSuccess);
    assertScanout(r, 0, true, 3840, 2160);
}

/* HiDPI through a timing macOS programs: "looks like 1280x720" on the display's 1920x1080 timing
 * is a 2560x1440 source; the scanout takes the source size and the host window shows it. */
static IODetailedTimingInformationV2 scaledTiming(uint32_t activeW, uint32_t activeH,
                                                  uint32_t scaledW, uint32_t scaledH)
{
    IODetailedTimingInformationV2 t = {};
    t.horizontalActive = activeW;
    t.verticalActive = activeH;
    t.horizontalBlanking = 280;
    t.verticalBlanking = 45;
    t.pixelClock = 148500000ull;
    t.horizontalScaled = scaledW;
    t.verticalScaled = scaledH;
    return t;
}

static void scaled_detailed_timings_program_the_source_size(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1920, 1080);
    IOFBDisplayModeDescription desc;
    assert_int_equal(familyProgramTiming(&f, scaledTiming(1920, 1080, 2560, 1440), &desc),
                     kIOReturnSuccess);
    assert_int_equal(desc.info.nominalWidth, 2560);
    assert_int_equal(desc.info.nominalHeight, 1440);
    assertScanout(r, 0, true, 2560, 1440);
    assert_int_equal(f.setup.pixels.activeWidth, 2560);
    drawPattern(&f.setup, 71);
    fake::fireTimers();
    assert_int_equal(hostMismatches(r, 0, 2560, 1440, 71), 0);
    /* A source the aperture cannot hold is refused, and the mode stays. */
    IOFBDisplayModeDescription big;
    assert_int_not_equal(familyProgramTiming(&f, scaledTiming(1920, 1080, 7680, 4320), &big),
                         kIOReturnSuccess);
    assertScanout(r, 0, true, 2560, 1440);
}

/* ---- power ---- */

static void power_off_blanks_and_power_on_restores(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    IODisplayModeID mode = f.setup.mode;
    size_t events = f.fb->fakeEvents.size();
    assert_int_equal(familyPower(&f, 1), kIOReturnSuccess);   /* doze: dark, not asleep */
    assertScanout(r, 0, false, 0, 0);
    assert_int_equal(f.fb->fakeEvents.size(), events + 1);
    assert_int_equal(f.fb->fakeEvents[events], kIOFBNotifyWillPowerOff);
    assert_int_equal(familyPower(&f, 0), kIOReturnSuccess);
    assert_int_equal(f.fb->fakeEvents.back(), kIOFBNotifyWillSleep);
    assert_int_equal(f.fb->setDisplayMode(idOf(&f, 800, 600), 0), kIOReturnNotReady);
    fake::fireTimers();
    assert_int_equal(familyPower(&f, 2), kIOReturnSuccess);
    assertScanout(r, 0, true, 1024, 768);
    assert_int_equal(f.fb->fakeEvents.back(), kIOFBNotifyDidPowerOn);
    assert_int_equal(f.fb->fakeEvents[f.fb->fakeEvents.size() - 2], kIOFBNotifyDidWake);
    assert_true(familyDoSetup(&f));
    assert_int_equal(f.setup.mode, mode);
    drawPattern(&f.setup, 21);
    assert_true(fake::fireTimers() >= 1);
    assert_int_equal(hostMismatches(r, 0, 1024, 768, 21), 0);
}

/* ---- issue 13: what Apple's code does that the first stand-in did not ---- */

/* Fault 3: IOFramebuffer sends power only to a registered power driver; after system sleep its
 * paging state comes back only through that path, and WindowServer waits until it does. */
static void sleep_and_wake_bring_windowserver_back(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    assert_true(familyCloseReturnsConsole(&f));
    drawPattern(&f.setup, 4);
    fake::fireTimers();
    f.fb->fakePagingState = false;
    fake::powerTree(r->pci, false);
    assert_int_equal(fake::nextTimerUS(), 0);        /* the provider quiesced: no service ticks */
    assertScanout(r, 0, false, 0, 0);
    fake::powerTree(r->pci, true);
    assert_true(f.fb->fakePagingState);
    assertScanout(r, 0, true, 1024, 768);
    assert_true(familyDoSetup(&f));
    drawPattern(&f.setup, 5);
    assert_true(fake::fireTimers() >= 1);
    assert_int_equal(hostMismatches(r, 0, 1024, 768, 5), 0);
}

/* Fault 4: the preferred mode's Default flag as WindowServer receives it (through IODisplay),
 * and the EDID's own timing for the EDID's mode, decoded here from the bytes IODisplay read. */
static void default_flag_and_edid_timing_reach_windowserver(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1280, 800);
    unsigned defaults = 0;
    for (const FamilyMode &m : familyModes(&f)) {
        if (m.info.flags & kDisplayModeDefaultFlag) {
            defaults++;
            assert_int_equal(m.info.nominalWidth, 1280);
            assert_int_equal(m.info.nominalHeight, 800);
        }
    }
    assert_int_equal(defaults, 1);
    assert_true(f.edid.size() >= 128);
    const uint8_t *d = &f.edid[54];   /* the first descriptor: the preferred detailed timing */
    assert_true(d[0] || d[1]);
    uint32_t ha = d[2] | (d[4] & 0xF0u) << 4, va = d[5] | (d[7] & 0xF0u) << 4;
    IOTimingInformation t = {};
    t.flags = kIODetailedTimingValid;
    assert_int_equal(f.fb->getTimingInfoForDisplayMode(idOf(&f, ha, va), &t), kIOReturnSuccess);
    assert_int_equal(t.appleTimingID, kIOTimingIDInvalid);
    assert_true(t.flags & kIODetailedTimingValid);
    const IODetailedTimingInformationV2 &v2 = t.detailedInfo.v2;
    assert_int_equal(v2.pixelClock, (uint64_t)(d[0] | d[1] << 8) * 10000u);
    assert_int_equal(v2.horizontalActive, ha);
    assert_int_equal(v2.horizontalBlanking, d[3] | (d[4] & 0x0Fu) << 8);
    assert_int_equal(v2.verticalActive, va);
    assert_int_equal(v2.verticalBlanking, d[6] | (d[7] & 0x0Fu) << 8);
    assert_int_equal(v2.horizontalSyncOffset, d[8] | (d[11] & 0xC0u) << 2);
    assert_int_equal(v2.horizontalSyncPulseWidth, d[9] | (d[11] & 0x30u) << 4);
    assert_int_equal(v2.verticalSyncOffset, (d[10] >> 4) | (d[11] & 0x0Cu) << 2);
    assert_int_equal(v2.verticalSyncPulseWidth, (d[10] & 0x0Fu) | (d[11] & 0x03u) << 4);
}

/* Fault 5a: nothing the cursor calls do may block: IOFramebuffer holds a spinlock around them. */
static void cursor_calls_never_block_under_the_cursor_spinlock(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    FakeCursorImage &c = f.fb->fakeCursor;
    c.width = c.height = 8;
    c.hotX = c.hotY = 4;
    c.pixels.assign(64, 0xFF00FF00u);
    unsigned before = fake::violations();
    familyCursorImage(&f);
    familyCursorState(&f, 10, 20, true);
    familyCursorState(&f, 10, 20, false);
    assert_int_equal(fake::violations(), before);
}

/* Fault 5b: the frame scan runs outside the device gate that mode sets and cursor moves need. */
static unsigned gScanCalls, gScansInGate;
extern "C" {
uint32_t __real_vgpu_damage_scan(struct vgpu_damage *d, const uint32_t *fb);
bool __real_vgpu_damage_probe(const struct vgpu_damage *d, const uint32_t *fb, uint32_t stride, uint32_t phase);
static void noteScan()
{
    gScanCalls++;
    gScansInGate += fake::gateDepth() != 0;
}
uint32_t __wrap_vgpu_damage_scan(struct vgpu_damage *d, const uint32_t *fb)
{
    noteScan();
    return __real_vgpu_damage_scan(d, fb);
}
bool __wrap_vgpu_damage_probe(const struct vgpu_damage *d, const uint32_t *fb, uint32_t stride, uint32_t phase)
{
    noteScan();
    return __real_vgpu_damage_probe(d, fb, stride, phase);
}
}

static void frame_scan_runs_outside_the_device_gate(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    gScanCalls = gScansInGate = 0;
    for (int i = 0; i < 20; i++) {
        drawPattern(&f.setup, 30 + i);
        fake::fireTimers();
    }
    assert_true(gScanCalls >= 20);
    assert_int_equal(gScansInGate, 0);
    assert_int_equal(hostMismatches(r, 0, 1024, 768, 49), 0);
}

/* Fault 7: a service tick can run while the provider tears down (a timer thread); what it reaches
 * must still be there.  Termination as IOService::terminate does it (clients stop and detach,
 * then the provider), with a host display event arriving after the clients went, and the
 * stand-in firing armed timers after every release, as a timer thread could. */
static void teardown_stops_the_service_thread_before_the_framebuffers_go(void **state)
{
    Rig *r = rig(state);
    r->cfg.num_scanouts = 2;
    r->cfg.display[1] = (struct sim_display){ 800, 600, true };
    Family f;
    bootOne(r, &f, 1024, 768);
    assert_int_equal(rigFbCount(r), 2);
    r->dev->fakeInactive = true;
    while (!r->dev->fakeClients.empty()) {
        IOService *client = r->dev->fakeClients.back();
        client->fakeInactive = true;
        client->stop(r->dev);
        client->detach(r->dev);
    }
    sim_display_change(r->sim, 1, 640, 480, true);
    fake::pump();
    assert_true(fake::nextTimerUS() != 0);
    fake::setTimersFireOnRelease(true);
    r->dev->stop(r->pci);
    r->dev->detach(r->pci);
    fake::setTimersFireOnRelease(false);
    r->started = false;
}

/* Fault 6: every scanout gets a framebuffer; one the host has not enabled is offline (the
 * family sets its offline mode) until the host enables it, then works like any head. */
static void a_head_the_host_enables_later_comes_online(void **state)
{
    Rig *r = rig(state);
    r->cfg.num_scanouts = 2;
    r->cfg.display[1] = (struct sim_display){ 0, 0, false };
    Family f0, f1;
    bootOne(r, &f0, 1024, 768);
    assert_int_equal(rigFbCount(r), 2);
    *(&f1) = Family();
    assert_true(familyOpen(&f1, rigFb(r, 1)));
    assert_false(f1.online);
    assert_int_not_equal(f1.offlineMode, 0);
    assert_int_equal(f1.offlineResult, kIOReturnSuccess);
    assertScanout(r, 1, false, 0, 0);
    sim_display_change(r->sim, 1, 800, 600, true);
    fake::pump();
    fake::fireTimers();
    assert_int_equal(f1.connectChanges, 1);
    assert_true(familyConnectChange(&f1));
    assert_true(f1.online);
    assert_int_equal(familySetMode(&f1, idOf(&f1, 800, 600)), kIOReturnSuccess);
    assertScanout(r, 1, true, 800, 600);
    drawPattern(&f1.setup, 61);
    fake::fireTimers();
    assert_int_equal(hostMismatches(r, 1, 800, 600, 61), 0);
    assertScanout(r, 0, true, 1024, 768);
}

/* Fault 7, second half: WindowServer's mapping of the aperture (the family's CPU view here) may
 * outlive the framebuffer; its pages must stay ours until the kext unloads, and a framebuffer
 * started later takes the parked aperture instead of allocating another. */
static void the_aperture_outlives_its_framebuffer(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    uint32_t *mapping = f.setup.fb;
    uint64_t phys = f.setup.aperturePhys;
    rigTerminate(r);
    mapping[0] = 0x00123456;                      /* a stale mapping writes: still our pages */
    mapping[1024 * 768 - 1] = 0x00654321;
    size_t dma = fake::liveDma();
    assert_true(dma > 0);                         /* kept, not freed */
    OSSafeReleaseNULL(r->dev);
    OSSafeReleaseNULL(r->pci);
    sim_destroy(r->sim);
    assert_true(rigBoot(r));                      /* a new start (the device came back) */
    Family g;
    assert_true(familyOpen(&g, rigFb(r, 0)));
    assert_int_equal(g.setup.aperturePhys, phys); /* the parked aperture, reused */
    assert_int_equal(g.setup.fb[1], 0);           /* and cleared: no old picture */
}

/* Fault 9: a generic class name taken by our kext would make another virtio kext fail to load. */
static void class_names_leave_generic_names_to_other_kexts(void **state)
{
    (void)state;
    static const char *const generic[] = { "VirtioGPUDevice", "VirtioGPUFramebuffer",
                                           "VirtioGPUUserClient", "VirtioConsoleDevice",
                                           "VirtioConsoleUserClient" };
    for (const char *name : generic)
        assert_false(fake::classLoaded(name));
    assert_true(fake::classLoaded("com_osxkvm_driver_VirtioGPUDevice"));
}

/* Fault 1: probe reads only configuration space and refuses what is not the modern GPU. */
static IOService *probeOnly(Rig *r)
{
    rigMakeDevice(r);
    VirtioGPUDevice *dev = OSTypeAlloc(VirtioGPUDevice);
    SInt32 score = 60000;
    uint16_t command = sim_pci_command(r->sim);
    IOService *got = dev->init() ? dev->probe(r->pci, &score) : NULL;
    assert_null(r->pci->fakeOpenedBy);
    assert_int_equal(sim_pci_command(r->sim), command);
    assert_int_equal(r->pci->fakeLiveMaps, 0);
    dev->release();
    return got;
}

static void probe_refuses_other_functions_before_touching_them(void **state)
{
    Rig *r = rig(state);
    r->cfg.layout_faults = SIM_LAYOUT_WRONG_DEVICE_ID;
    assert_null(probeOnly(r));
}

static void probe_refuses_a_function_without_the_modern_structures(void **state)
{
    Rig *r = rig(state);
    r->cfg.layout_faults = SIM_LAYOUT_NO_COMMON_CAP;
    assert_null(probeOnly(r));
}

/* -vgpudbg turns verbose lines on in a release build (VGPU_DLOG asks vgpuVerbose()). */
static void vgpudbg_is_read_from_the_boot_arguments(void **state)
{
    (void)state;
    fake::setBootArgs("-v -vgpudbg keepsyms=1");
    assert_true(vgpuVerbose());
    fake::setBootArgs("-vgpudbgx -v");
    assert_false(vgpuVerbose());
}

static void probe_takes_the_modern_gpu_and_vgpuoff_turns_it_down(void **state)
{
    Rig *r = rig(state);
    assert_non_null(probeOnly(r));
    fake::setBootArgs("keepsyms=1 -vgpuoff");
    OSSafeReleaseNULL(r->pci);
    sim_destroy(r->sim);
    r->sim = NULL;
    assert_null(probeOnly(r));
}

/* ---- refresh pacing: the core's engine sets the timer ---- */

static void refresh_backs_off_when_idle_and_stops_when_dark(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    fake::fireTimers();
    assert_in_range(fake::nextTimerUS(), 16000, 17000);   /* 60 Hz after a change */
    for (int i = 0; i < 60; i++)
        fake::fireTimers();
    assert_in_range(fake::nextTimerUS(), 99000, 101000);  /* 10 Hz once still */
    drawPattern(&f.setup, 31);
    for (int i = 0; i < 9 && hostMismatches(r, 0, 1024, 768, 31); i++)
        fake::fireTimers();                                 /* an idle probe finds it */
    assert_int_equal(hostMismatches(r, 0, 1024, 768, 31), 0);
    assert_in_range(fake::nextTimerUS(), 16000, 17000);   /* and the pace is back */
    assert_int_equal(familyPower(&f, 0), kIOReturnSuccess);
    fake::fireTimers();
    assert_int_equal(fake::nextTimerUS(), 0);             /* nothing shown: no timer */
}

/* ---- memory: the aperture falls back to a smaller maximum; scattered device segments ---- */

static void aperture_falls_back_and_may_be_scattered(void **state)
{
    Rig *r = rig(state);
    Family f;
    fake::setContiguousLimit(1920u * 1200 * 4 + 8192);
    fake::setDmaChunkPages(64);
    bootOne(r, &f, 1024, 768);
    assert_true(fake::logContains("contiguous failed, trying a smaller maximum"));
    std::vector<FamilyMode> modes = familyModes(&f);
    assert_true(listed(modes, 1920, 1200));
    for (const FamilyMode &m : modes)
        assert_true((uint64_t)m.info.nominalWidth * m.info.nominalHeight <= 1920u * 1200);
    assert_int_equal(familySetMode(&f, idOf(&f, 1920, 1200)), kIOReturnSuccess);
    assert_true(f.setup.vramLen >= 1920u * 1200 * 4);
    struct sim_scanout_view v;
    assert_true(sim_scanout(r->sim, 0, &v));
    assert_true(sim_resource_backing_entries(r->sim, v.resource_id) > 1);
    drawPattern(&f.setup, 5);
    fake::fireTimers();
    assert_int_equal(hostMismatches(r, 0, 1920, 1200, 5), 0);
}

/* ---- legacy interrupt line ---- */

static void intx_when_no_message_signalled_interrupt(void **state)
{
    Rig *r = rig(state);
    Family f;
    r->offerMsi = false;
    bootOne(r, &f, 1024, 768);
    assert_true(fake::logContains("INTx interrupts"));
    assert_false(sim_msix_enabled(r->sim));
    sim_display_change(r->sim, 0, 1280, 720, true);
    fake::pump();
    fake::fireTimers();
    assert_int_equal(f.connectChanges, 1);
    assert_true(familyConnectChange(&f));
    assert_int_equal(familySetMode(&f, idOf(&f, 1280, 720)), kIOReturnSuccess);
    assertScanout(r, 0, true, 1280, 720);
    assert_int_equal(r->pci->fakeUnclaimed, 0);
}

/* ---- failures in start release everything (rigFinish checks it) ---- */

static void start_fails_cleanly_on_a_broken_device(void **state)
{
    Rig *r = rig(state);
    r->cfg.layout_faults = SIM_LAYOUT_NO_COMMON_CAP;
    assert_false(rigBoot(r));
    assert_int_equal(rigFbCount(r), 0);
    assert_true(fake::logContains("device bring-up failed"));
}

/* Another driver holds the device: start gives up before touching it, and never closes the
 * other driver's open (the stand-in counts a close by a non-owner as a violation). */
static void start_fails_cleanly_when_the_pci_device_is_taken(void **state)
{
    Rig *r = rig(state);
    IOService *other = OSTypeAlloc(IOService);
    r->pciOwner = other;
    assert_false(rigBoot(r));
    assert_true(fake::logContains("PCI device is in use by another driver"));
    assert_ptr_equal(r->pci->fakeOpenedBy, other);
    assert_int_equal(sim_pci_command(r->sim) & kIOPCICommandBusMaster, 0);
    assert_null(r->pci->fakeHandler[0]);
    assert_null(r->pci->fakeHandler[1]);
    r->pci->close(other);
    OSSafeReleaseNULL(other);
}

static void start_fails_cleanly_without_aperture_memory(void **state)
{
    Rig *r = rig(state);
    fake::setContiguousLimit(1024 * 1024);   /* enough for the rings, not for 640x480 */
    assert_false(rigBoot(r));
    assert_true(fake::logContains("no memory for any mode"));
    assert_true(fake::logContains("no framebuffer started"));
}

/* ---- 3D negotiated or not: the 2D side is the same ---- */

/* Feature bits from the virtio spec (2.2, 5.7.3): VIRGL 0, EDID 1, INDIRECT_DESC 28, EVENT_IDX 29,
 * VERSION_1 32.  The default device offers QEMU 7.2's set, VIRGL not among them. */
static const uint64_t kFeatures2D = 1ull << 1 | 1ull << 28 | 1ull << 29 | 1ull << 32;

static void two_d_device_negotiates_what_vgpu_open_did(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    assert_int_equal(sim_negotiated_features(r->sim), kFeatures2D);
    assert_true(fake::logContains("3D (virgl): not offered"));
}

static void virgl_is_negotiated_when_offered_and_2d_works_alike(void **state)
{
    Rig *r = rig(state);
    Family f;
    r->cfg.features |= 1ull << 0;
    bootOne(r, &f, 1024, 768);
    assert_int_equal(sim_negotiated_features(r->sim), kFeatures2D | 1ull << 0);
    assert_true(fake::logContains("3D (virgl): offered"));
    assert_int_equal(familySetMode(&f, idOf(&f, 1280, 800)), kIOReturnSuccess);
    drawPattern(&f.setup, 41);
    assert_true(fake::fireTimers() >= 1);
    assert_int_equal(hostMismatches(r, 0, 1280, 800, 41), 0);
}

/* ---- stop ---- */

static void stop_blanks_and_releases_the_device(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    rigTerminate(r);
    assertScanout(r, 0, false, 0, 0);
    assert_int_equal(sim_stats(r->sim)->live_resources, 0);
}

static void stop_after_power_off(void **state)
{
    Rig *r = rig(state);
    Family f;
    bootOne(r, &f, 1024, 768);
    assert_int_equal(familyPower(&f, 0), kIOReturnSuccess);
    rigTerminate(r);
    assertScanout(r, 0, false, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(start_publishes_a_framebuffer_per_scanout, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(open_shows_the_host_size_with_a_complete_description, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(mode_list_is_consistent_and_stable, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(set_mode_switches_and_pixels_reach_the_host, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(failed_set_mode_keeps_the_old_mode, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(cursor_image_and_position_reach_the_host, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(host_resize_arrives_as_a_connection_change, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(no_connection_change_while_captured, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(power_off_blanks_and_power_on_restores, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(refresh_backs_off_when_idle_and_stops_when_dark, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(aperture_falls_back_and_may_be_scattered, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(intx_when_no_message_signalled_interrupt, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(start_fails_cleanly_on_a_broken_device, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(start_fails_cleanly_when_the_pci_device_is_taken, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(start_fails_cleanly_without_aperture_memory, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(stop_blanks_and_releases_the_device, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(stop_after_power_off, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(two_d_device_negotiates_what_vgpu_open_did, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(virgl_is_negotiated_when_offered_and_2d_works_alike, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(sleep_and_wake_bring_windowserver_back, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(default_flag_and_edid_timing_reach_windowserver, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(cursor_calls_never_block_under_the_cursor_spinlock, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(frame_scan_runs_outside_the_device_gate, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(teardown_stops_the_service_thread_before_the_framebuffers_go, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(class_names_leave_generic_names_to_other_kexts, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(a_head_the_host_enables_later_comes_online, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(the_aperture_outlives_its_framebuffer, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(host_size_is_published_for_the_agent, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(a_drag_changes_the_mode_set_once_per_new_size, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(hidpi_backings_are_offered_and_taken, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(scaled_detailed_timings_program_the_source_size, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(probe_refuses_other_functions_before_touching_them, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(probe_refuses_a_function_without_the_modern_structures, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(probe_takes_the_modern_gpu_and_vgpuoff_turns_it_down, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(vgpudbg_is_read_from_the_boot_arguments, rigTestSetup, rigTestTeardown),
    };
    int failed = cmocka_run_group_tests_name("kext", tests, NULL, NULL);
    return failed + runUserClientTests();
}
