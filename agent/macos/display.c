/*
 * display.c — the agent's display half (macOS only: IOKit and CoreGraphics; not built on Linux).
 *
 * The kext publishes, on every VirtioGPU framebuffer, the host's wanted size as the registry
 * property VirtioGPUHostDisplay = { Scanout, Width, Height, Generation, Enabled } and sends
 * kIOMessageServicePropertyChange after each update.  This file finds those framebuffers by the
 * property (not by the kext's class name), listens to each one's general interest notification,
 * hands every host size, every display reconfiguration and the CoreGraphics mode list (HiDPI
 * duplicates included) to agent/follow_logic.c, and performs the switches it decides with a
 * CGDisplayConfiguration for this login session.  Everything runs on the main run loop; a timer
 * wakes at the policy's next deadline.
 *
 * Which CGDirectDisplayID shows a framebuffer: CGDisplayIOServicePort() when it returns that
 * framebuffer (deprecated, but it is the only direct link); else the one online display whose
 * vendor/product/serial equal the framebuffer's display info.  QEMU gives every head the same EDID
 * identity, so with several heads only the first way can tell them apart (agent/README.md, "verify
 * on a guest": `virtio-guest-agent -l` prints which way each framebuffer was matched).
 */
#include <ApplicationServices/ApplicationServices.h>
#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <IOKit/IOMessage.h>
#include <IOKit/graphics/IOGraphicsLib.h>
#include <stdio.h>
#include <time.h>

#include "agent.h"
#include "../follow_logic.h"

#define HOST_DISPLAY_KEY "VirtioGPUHostDisplay"
#define MAX_MODES        512
#define MAX_ONLINE       32
#define FAR_FUTURE_S     1.0e9

struct head {
    bool used;
    io_service_t fb;
    io_object_t interest;
    uint32_t scanout;
};

static struct {
    IONotificationPortRef port;
    io_iterator_t added;
    CFRunLoopTimerRef timer;
    struct follow logic;
    struct head heads[FOLLOW_MAX_DISPLAYS];
} dsp;

/* The policy's name for a head: its slot (two GPUs both have a scanout 0). */
static uint32_t head_id(const struct head *h)
{
    return (uint32_t)(h - dsp.heads);
}

static uint64_t now_ns(void)
{
    return clock_gettime_nsec_np(CLOCK_UPTIME_RAW);
}

/* FollowHostWindow in the agent's defaults domain; on unless set to false. */
static bool following(void)
{
    CFPreferencesAppSynchronize(AGENT_DOMAIN);
    Boolean valid = false;
    Boolean on = CFPreferencesGetAppBooleanValue(CFSTR("FollowHostWindow"), AGENT_DOMAIN, &valid);
    return !valid || on;
}

/* ---- the kext's property (checked: the kext is ours, but a registry value is still input) ---- */

struct host_display {
    uint32_t scanout, width, height, generation;
    bool enabled;
};

static bool dict_u32(CFDictionaryRef d, CFStringRef key, uint32_t *out)
{
    CFTypeRef v = CFDictionaryGetValue(d, key);
    int64_t n;
    if (!v || CFGetTypeID(v) != CFNumberGetTypeID() || !CFNumberGetValue(v, kCFNumberSInt64Type, &n) ||
        n < 0 || n > (int64_t)UINT32_MAX)
        return false;
    *out = (uint32_t)n;
    return true;
}

static bool read_host_display(io_service_t fb, struct host_display *h)
{
    CFTypeRef p = IORegistryEntryCreateCFProperty(fb, CFSTR(HOST_DISPLAY_KEY), kCFAllocatorDefault, 0);
    bool ok = p && CFGetTypeID(p) == CFDictionaryGetTypeID();
    if (ok) {
        CFTypeRef en = CFDictionaryGetValue(p, CFSTR("Enabled"));
        ok = dict_u32(p, CFSTR("Scanout"), &h->scanout) && dict_u32(p, CFSTR("Width"), &h->width) &&
             dict_u32(p, CFSTR("Height"), &h->height) && dict_u32(p, CFSTR("Generation"), &h->generation) &&
             en && CFGetTypeID(en) == CFBooleanGetTypeID();
        h->enabled = ok && CFBooleanGetValue(en);
    }
    if (p)
        CFRelease(p);
    return ok;
}

/* ---- framebuffer -> display ---- */

static bool info_u32(CFDictionaryRef d, const char *key, uint32_t *out)
{
    CFStringRef k = CFStringCreateWithCString(kCFAllocatorDefault, key, kCFStringEncodingASCII);
    bool ok = k && dict_u32(d, k, out);
    if (k)
        CFRelease(k);
    return ok;
}

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
static bool same_service(CGDirectDisplayID d, io_service_t fb)
{
    io_service_t s = CGDisplayIOServicePort(d);
    return s != MACH_PORT_NULL && IOObjectIsEqualTo(s, fb);
}
#pragma clang diagnostic pop

static CGDirectDisplayID display_of(io_service_t fb, const char **how)
{
    CGDirectDisplayID ids[MAX_ONLINE], found = kCGNullDirectDisplay;
    uint32_t n = 0, vendor, product, serial, matches = 0;
    *how = "none";
    if (CGGetOnlineDisplayList(MAX_ONLINE, ids, &n) != kCGErrorSuccess)
        return kCGNullDirectDisplay;
    for (uint32_t i = 0; i < n; i++)
        if (same_service(ids[i], fb)) {
            *how = "service port";
            return ids[i];
        }
    CFDictionaryRef info = IODisplayCreateInfoDictionary(fb, kIODisplayOnlyPreferredName);
    bool known = info && info_u32(info, kDisplayVendorID, &vendor) && info_u32(info, kDisplayProductID, &product);
    if (known && !info_u32(info, kDisplaySerialNumber, &serial))
        serial = 0;
    if (info)
        CFRelease(info);
    for (uint32_t i = 0; known && i < n; i++)
        if (CGDisplayVendorNumber(ids[i]) == vendor && CGDisplayModelNumber(ids[i]) == product &&
            CGDisplaySerialNumber(ids[i]) == serial) {
            found = ids[i];
            matches++;
        }
    if (matches == 1)
        *how = "vendor/product/serial";
    return matches == 1 ? found : kCGNullDirectDisplay;
}

/* ---- modes ---- */

struct mode_list {
    CFArrayRef all;                                  /* owns the CGDisplayModeRefs */
    CGDisplayModeRef refs[MAX_MODES];
    struct follow_mode modes[MAX_MODES];
    size_t n;
};

static void read_modes(CGDirectDisplayID d, struct mode_list *l)
{
    const void *keys[] = { kCGDisplayShowDuplicateLowResolutionModes };
    const void *values[] = { kCFBooleanTrue };
    CFDictionaryRef opts = CFDictionaryCreate(kCFAllocatorDefault, keys, values, 1, &kCFTypeDictionaryKeyCallBacks,
                                              &kCFTypeDictionaryValueCallBacks);
    CGDisplayModeRef cur = CGDisplayCopyDisplayMode(d);
    int32_t cur_id = cur ? CGDisplayModeGetIODisplayModeID(cur) : -1;
    l->all = CGDisplayCopyAllDisplayModes(d, opts);
    l->n = 0;
    for (CFIndex i = 0; l->all && i < CFArrayGetCount(l->all) && l->n < MAX_MODES; i++) {
        CGDisplayModeRef m = (CGDisplayModeRef)CFArrayGetValueAtIndex(l->all, i);
        if (!CGDisplayModeIsUsableForDesktopGUI(m))
            continue;
        l->refs[l->n] = m;
        l->modes[l->n++] = (struct follow_mode){
            (uint32_t)CGDisplayModeGetWidth(m), (uint32_t)CGDisplayModeGetHeight(m),
            (uint32_t)CGDisplayModeGetPixelWidth(m), (uint32_t)CGDisplayModeGetPixelHeight(m),
            CGDisplayModeGetIODisplayModeID(m) == cur_id };
    }
    if (cur)
        CGDisplayModeRelease(cur);
    CFRelease(opts);
}

static void free_modes(struct mode_list *l)
{
    if (l->all)
        CFRelease(l->all);
}

/* For this login session only: the user's saved preference for the display stays as it was. */
static bool switch_mode(CGDirectDisplayID d, CGDisplayModeRef m)
{
    CGDisplayConfigRef cfg;
    if (CGBeginDisplayConfiguration(&cfg) != kCGErrorSuccess)
        return false;
    if (CGConfigureDisplayWithDisplayMode(cfg, d, m, NULL) != kCGErrorSuccess) {
        CGCancelDisplayConfiguration(cfg);
        return false;
    }
    return CGCompleteDisplayConfiguration(cfg, kCGConfigureForSession) == kCGErrorSuccess;
}

/* ---- the policy's decisions ---- */

static void reschedule(void)
{
    uint64_t next = follow_next_deadline(&dsp.logic), now = now_ns();
    double in = next == FOLLOW_NEVER ? FAR_FUTURE_S : next > now ? (double)(next - now) / 1e9 : 0;
    CFRunLoopTimerSetNextFireDate(dsp.timer, CFAbsoluteTimeGetCurrent() + in);
}

static void decide(const struct head *h, uint64_t now)
{
    static struct mode_list l;
    const char *how;
    size_t pick;
    CGDirectDisplayID d = display_of(h->fb, &how);
    l.all = NULL;
    l.n = 0;
    if (d != kCGNullDirectDisplay)
        read_modes(d, &l);
    enum follow_verdict v = follow_decide(&dsp.logic, head_id(h), l.modes, l.n, now, &pick);
    if (v == FOLLOW_NO_MODE)
        fprintf(stderr, "virtio-display: scanout %u: %s\n", h->scanout,
                d == kCGNullDirectDisplay ? "no display found for this framebuffer" : "no mode of the host's size");
    if (v == FOLLOW_SWITCH) {
        const struct follow_mode *m = &l.modes[pick];
        bool ok = switch_mode(d, l.refs[pick]);
        follow_switched(&dsp.logic, head_id(h), m->width, m->height, ok);
        fprintf(stderr, "virtio-display: scanout %u -> %ux%u (%ux%u pixels): %s\n", h->scanout, m->width,
                m->height, m->pixel_width, m->pixel_height, ok ? "done" : "refused");
    }
    free_modes(&l);
}

static void on_timer(CFRunLoopTimerRef timer, void *info)
{
    uint64_t now = now_ns();
    (void)timer, (void)info;
    for (size_t i = 0; i < FOLLOW_MAX_DISPLAYS; i++)
        if (dsp.heads[i].used && follow_due(&dsp.logic, head_id(&dsp.heads[i]), now))
            decide(&dsp.heads[i], now);
    reschedule();
}

/* Every reconfiguration: the current mode (ours or the user's) and a chance to retry. */
static void on_reconfigured(CGDirectDisplayID display, CGDisplayChangeSummaryFlags flags, void *info)
{
    const char *how;
    (void)info;
    if (flags & kCGDisplayBeginConfigurationFlag)
        return;
    for (size_t i = 0; i < FOLLOW_MAX_DISPLAYS; i++) {
        const struct head *h = &dsp.heads[i];
        if (!h->used || display_of(h->fb, &how) != display)
            continue;
        CGDisplayModeRef cur = CGDisplayCopyDisplayMode(display);
        uint32_t w = cur ? (uint32_t)CGDisplayModeGetWidth(cur) : 0, hgt = cur ? (uint32_t)CGDisplayModeGetHeight(cur) : 0;
        if (cur)
            CGDisplayModeRelease(cur);
        if (follow_mode_seen(&dsp.logic, head_id(h), w, hgt) == FOLLOW_SEEN_MANUAL && agent_verbose)
            fprintf(stderr, "virtio-display: scanout %u set to %ux%u by hand: kept until the host resizes\n",
                    h->scanout, w, hgt);
        follow_modes_changed(&dsp.logic, head_id(h), now_ns());
    }
    reschedule();
}

/* ---- framebuffers coming and going ---- */

static void host_changed(struct head *h)
{
    struct host_display hd;
    if (!following() || !read_host_display(h->fb, &hd) || hd.scanout != h->scanout)
        return;
    if (agent_verbose)
        fprintf(stderr, "virtio-display: scanout %u: host %ux%u enabled=%d generation %u\n", hd.scanout, hd.width,
                hd.height, hd.enabled, hd.generation);
    follow_host_size(&dsp.logic, head_id(h), hd.width, hd.height, hd.generation, hd.enabled, now_ns());
    reschedule();
}

static void on_interest(void *refcon, io_service_t service, uint32_t type, void *arg)
{
    struct head *h = refcon;
    (void)service, (void)arg;
    if (type == kIOMessageServicePropertyChange) {
        host_changed(h);
    } else if (type == kIOMessageServiceIsTerminated) {
        follow_forget(&dsp.logic, head_id(h));
        IOObjectRelease(h->interest);
        IOObjectRelease(h->fb);
        h->used = false;
    }
}

static void on_added(void *refcon, io_iterator_t it)
{
    io_service_t fb;
    (void)refcon;
    while ((fb = IOIteratorNext(it))) {
        struct host_display hd;
        struct head *h = NULL;
        for (size_t i = 0; !h && i < FOLLOW_MAX_DISPLAYS; i++)
            h = dsp.heads[i].used ? NULL : &dsp.heads[i];
        if (!h || !read_host_display(fb, &hd) ||
            IOServiceAddInterestNotification(dsp.port, fb, kIOGeneralInterest, on_interest, h, &h->interest) != KERN_SUCCESS) {
            fprintf(stderr, "virtio-display: a framebuffer without a usable " HOST_DISPLAY_KEY " (or too many)\n");
            IOObjectRelease(fb);
            continue;
        }
        *h = (struct head){ true, fb, h->interest, hd.scanout };
        const char *how;
        CGDirectDisplayID d = display_of(fb, &how);
        CGDisplayModeRef cur = d != kCGNullDirectDisplay ? CGDisplayCopyDisplayMode(d) : NULL;
        follow_mode_seen(&dsp.logic, head_id(h), cur ? (uint32_t)CGDisplayModeGetWidth(cur) : 0,
                         cur ? (uint32_t)CGDisplayModeGetHeight(cur) : 0);
        if (cur)
            CGDisplayModeRelease(cur);
        fprintf(stderr, "virtio-display: scanout %u is display %u (matched by %s)\n", h->scanout, d, how);
        host_changed(h);
    }
}

/* IOFramebuffers that carry the kext's property, whatever the kext's class is called. */
static CFMutableDictionaryRef matching(void)
{
    CFMutableDictionaryRef m = IOServiceMatching("IOFramebuffer");
    if (m)
        CFDictionarySetValue(m, CFSTR(kIOPropertyExistsMatchKey), CFSTR(HOST_DISPLAY_KEY));
    return m;
}

bool display_start(CFRunLoopRef loop)
{
    follow_init(&dsp.logic);
    dsp.port = IONotificationPortCreate(MACH_PORT_NULL /* the default main port */);
    CFRunLoopTimerContext ctx = { 0, NULL, NULL, NULL, NULL };
    dsp.timer = CFRunLoopTimerCreate(kCFAllocatorDefault, CFAbsoluteTimeGetCurrent() + FAR_FUTURE_S, FAR_FUTURE_S,
                                     0, 0, on_timer, &ctx);
    CFMutableDictionaryRef m = matching();
    if (!dsp.port || !dsp.timer || !m) {
        fprintf(stderr, "virtio-display: cannot set up notifications\n");
        return false;
    }
    CFRunLoopAddSource(loop, IONotificationPortGetRunLoopSource(dsp.port), kCFRunLoopDefaultMode);
    CFRunLoopAddTimer(loop, dsp.timer, kCFRunLoopCommonModes);
    CGDisplayRegisterReconfigurationCallback(on_reconfigured, NULL);
    if (IOServiceAddMatchingNotification(dsp.port, kIOFirstMatchNotification, m, on_added, NULL,
                                         &dsp.added) != KERN_SUCCESS)   /* consumes m */
        return false;
    on_added(NULL, dsp.added);               /* those already there; arms the notification */
    return true;
}

int display_list(void)
{
    io_iterator_t it;
    io_service_t fb;
    if (IOServiceGetMatchingServices(MACH_PORT_NULL, matching(), &it) != KERN_SUCCESS)
        return 1;
    while ((fb = IOIteratorNext(it))) {
        struct host_display hd = { 0, 0, 0, 0, false };
        static struct mode_list l;
        const char *how;
        uint32_t index = 0;
        CFTypeRef dep = IORegistryEntryCreateCFProperty(fb, CFSTR("IOFBDependentIndex"), kCFAllocatorDefault, 0);
        if (dep && CFGetTypeID(dep) == CFNumberGetTypeID())
            CFNumberGetValue(dep, kCFNumberSInt32Type, &index);
        if (dep)
            CFRelease(dep);
        bool ok = read_host_display(fb, &hd);
        CGDirectDisplayID d = display_of(fb, &how);
        printf("framebuffer: %s scanout=%u host=%ux%u enabled=%d generation=%u IOFBDependentIndex=%u "
               "display=%u matched-by=%s\n", ok ? "property ok" : "property MISSING OR MALFORMED", hd.scanout,
               hd.width, hd.height, hd.enabled, hd.generation, index, d, how);
        l.all = NULL;
        l.n = 0;
        if (d != kCGNullDirectDisplay)
            read_modes(d, &l);
        for (size_t i = 0; i < l.n; i++)
            printf("  mode %ux%u pixels %ux%u%s\n", l.modes[i].width, l.modes[i].height, l.modes[i].pixel_width,
                   l.modes[i].pixel_height, l.modes[i].current ? " current" : "");
        free_modes(&l);
        IOObjectRelease(fb);
    }
    IOObjectRelease(it);
    return 0;
}
