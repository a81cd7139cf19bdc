/*
 * VirtioGPU.cpp — the PCI driver for 1AF4:1050: brings the core up, routes interrupts into it,
 * runs host events and the refresh timer on a service thread, and starts the framebuffers.
 *
 * Contexts:
 *   work loop   — the command gate and the interrupt action (vgpu_handle_interrupt);
 *   service loop — the timer that handles core events (display change, reset) and refresh;
 *   callers     — framebuffers (IOGraphicsFamily threads) and 3D user clients (user threads) call
 *                 runCore() / runCoreSince().
 * A core call may sleep in vgpu_os_wait(), which opens the gate: the plumbing's coreBusy keeps
 * other calls out meanwhile, so the core still sees one call at a time (core/gpu/vgpu.h).
 */
#include "VirtioGPU.hpp"
#include "VirtioGPUFramebuffer.hpp"

extern "C" {
#include "gpu3d/vgpu3d.h"
#include "virtio/virtio_pci_regs.h"
}

OSDefineMetaClassAndStructors(VirtioGPUDevice, IOService);

enum { kEventDisplayChanged = 1u << 0, kEventNeedsReset = 1u << 1 };

static const uint32_t kCmdTimeoutMs  = 5000;
static const uint32_t kServiceSoonUs = 1000;   /* a core event or a new mode is waiting */

static IOPMPowerState sPowerStates[2] = {
    { kIOPMPowerStateVersion1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
    { kIOPMPowerStateVersion1, kIOPMPowerOn | kIOPMDeviceUsable, kIOPMPowerOn, kIOPMPowerOn,
      0, 0, 0, 0, 0, 0, 0, 0 },
};

struct VirtioGPUDevice::CoreCall {
    VirtioGPUDevice::CoreFn fn;
    void    *arg;
    int      result;
    bool     sinceEpoch;   /* refuse with kCoreStale when fEpoch moved past epoch */
    uint32_t epoch;
};

/* ---- probe / start / stop ---- */

/* Only the modern virtio-gpu function, checked before anything is turned on (see
 * virtioProbeFunction). */
IOService *VirtioGPUDevice::probe(IOService *provider, SInt32 *score)
{
    static const uint16_t ids[] = { VIRTIO_PCI_DEVICE_GPU };
    if (!virtioProbeFunction(provider, ids, 1, "gpu"))
        return NULL;
    return super::probe(provider, score);
}

bool VirtioGPUDevice::start(IOService *provider)
{
    if (!super::start(provider))
        return false;
    readSharedLimit();
    fPlumbing.os.owner = this;
    if (fPlumbing.open(this, provider, "gpu") && fPlumbing.startGate(this) &&
        fPlumbing.attachInterrupt(this, irqAction, irqFilter) && openCore() &&
        createServiceLoop() && joinPowerTree() && createFramebuffers()) {
        registerService();
        return true;
    }
    teardown();
    return false;
}

void VirtioGPUDevice::stop(IOService *provider)
{
    teardown();
    super::stop(provider);
}

/* The reverse of start(), except that the service thread stops first: its timer and cursor
 * source reach the framebuffers, so they must be off (removeEventSource waits for an action that
 * is running) before the framebuffers go.  Each step undoes only what its counterpart got. */
void VirtioGPUDevice::teardown()
{
    stopServiceLoop();
    for (unsigned i = 0; i < fNumFramebuffers; i++)
        OSSafeReleaseNULL(fFramebuffers[i]);   /* they stopped before us: they are our clients */
    fNumFramebuffers = 0;
    if (fPMStarted) {
        PMstop();
        fPMStarted = false;
    }
    closeCore();
    fPlumbing.teardown();
}

void VirtioGPUDevice::stopServiceLoop()
{
    if (fServiceTimer) {
        fServiceTimer->cancelTimeout();
        fServiceTimer->disable();
    }
    if (fCursorSource)
        fCursorSource->disable();
    removeAndRelease(fServiceLoop, &fServiceTimer);
    removeAndRelease(fServiceLoop, &fCursorSource);
    OSSafeReleaseNULL(fServiceLoop);
}

IOWorkLoop *VirtioGPUDevice::getWorkLoop() const
{
    return fPlumbing.workLoop;
}

bool VirtioGPUDevice::createServiceLoop()
{
    fServiceLoop = IOWorkLoop::workLoop();
    if (!fServiceLoop)
        return false;
    fServiceTimer = IOTimerEventSource::timerEventSource(this, serviceTimerFired);
    if (!addSourceOrRelease(fServiceLoop, &fServiceTimer))
        return false;
    fCursorSource = IOInterruptEventSource::interruptEventSource(this, cursorWork);
    if (!addSourceOrRelease(fServiceLoop, &fCursorSource))
        return false;
    if (__atomic_load_n(&fPendingEvents, __ATOMIC_ACQUIRE))   /* raised during vgpu_open */
        scheduleService(0);
    return true;
}

bool VirtioGPUDevice::joinPowerTree()
{
    PMinit();
    fPMStarted = true;
    fPlumbing.os.pci->joinPMtree(this);
    IOReturn ret = registerPowerDriver(this, sPowerStates, 2);
    if (ret != kIOReturnSuccess) {
        VGPU_LOG("registerPowerDriver failed: 0x%x", ret);
        return false;
    }
    return true;
}

/* The framebuffers (our power children) are already dark when this goes to 0 and come back
 * after it returns to 1 (IOServicePM orders children before parents going down, after them
 * coming up).  Asleep, nothing reaches the device; awake, it is reset and restored: the host may
 * have reset it while the guest slept (QEMU resets devices on an S3 resume). */
IOReturn VirtioGPUDevice::setPowerState(unsigned long state, IOService *device)
{
    (void)device;
    VGPU_DLOG("device power state %lu", state);
    if (state == 0 && !fAsleep)
        sleepDevice();
    else if (state != 0 && fAsleep)
        wakeDevice();
    return kIOPMAckImplied;
}

/* cancelTimeout does not wait for a tick that is running; a no-op through the service loop's gate
 * does, and every later tick or cursor job sees fAsleep. */
static IOReturn drainServiceLoop(OSObject *, void *, void *, void *, void *)
{
    return kIOReturnSuccess;
}

void VirtioGPUDevice::sleepDevice()
{
    __atomic_store_n(&fAsleep, true, __ATOMIC_RELEASE);
    if (fServiceTimer)
        fServiceTimer->cancelTimeout();
    if (fServiceLoop)
        (void)fServiceLoop->runAction(drainServiceLoop, this);
}

void VirtioGPUDevice::wakeDevice()
{
    __atomic_store_n(&fAsleep, false, __ATOMIC_RELEASE);
    VGPU_LOG("woken: resetting and restoring the device");
    int r = runCore(recoverInGate, this);
    if (r != VGPU_OK)
        VGPU_LOG("recovery after wake failed: %s", vgpu_status_name(r));
    scheduleService(0);
    refreshNeeded();
}

/* ---- the core ---- */

bool VirtioGPUDevice::openCore()
{
    struct vgpu_params params;
    bzero(&params, sizeof(params));   /* fields added to the core later start at zero */
    params.irq_mode = fPlumbing.irqMode;
    params.msix_vectors = 1;
    params.cmd_timeout_ms = kCmdTimeoutMs;
    int result = VGPU_E_NODEV;
    fPlumbing.os.polling = true;
    IOReturn ret = fPlumbing.os.gate->runAction(gatedOpen, &params, &result);
    if (ret != kIOReturnSuccess || result != VGPU_OK) {
        VGPU_LOG("device bring-up failed: %s (gate 0x%x)", vgpu_status_name(result), ret);
        return false;
    }
    fPlumbing.coreUp();
    f3D = vgpu3d_available(fDev);
    VGPU_LOG("device up: %u scanout(s), %s interrupts", vgpu_scanout_count(fDev),
             fPlumbing.irqModeName());
    VGPU_LOG("3D (virgl): %s", f3D ? "offered, user clients may use it" : "not offered, 2D only");
    return true;
}

/* Interrupts off first (the INTx filter reads dev), so the close itself polls.  The close resets
 * the device, so memory retired by user clients can go with it. */
void VirtioGPUDevice::closeCore()
{
    fPlumbing.coreGoingDown();
    if (!fDev)
        return;
    IOReturn ret = fPlumbing.os.gate->runAction(gatedClose);
    if (ret != kIOReturnSuccess)
        VGPU_LOG("device close failed: gate 0x%x", ret);
}

IOReturn VirtioGPUDevice::gatedOpen(OSObject *owner, void *params, void *result, void *, void *)
{
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(owner);
    struct vgpu_dev *dev = NULL;
    /* = vgpu_open, plus VIRTIO_GPU_F_VIRGL when the device offers it (2D is the same either way). */
    *(int *)result = vgpu3d_open(&me->fPlumbing.os, (const struct vgpu_params *)params, &dev);
    if (*(int *)result == VGPU_OK)
        __atomic_store_n(&me->fDev, dev, __ATOMIC_RELEASE);
    return kIOReturnSuccess;
}

IOReturn VirtioGPUDevice::gatedClose(OSObject *owner, void *, void *, void *, void *)
{
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(owner);
    me->fPlumbing.waitCoreIdle();    /* a call asleep in the core (gate open) finishes first */
    struct vgpu_dev *dev = me->fDev;
    vgpu_close(dev);
    __atomic_store_n(&me->fDev, (struct vgpu_dev *)NULL, __ATOMIC_RELEASE);
    me->freeRetired();
    return kIOReturnSuccess;
}

int VirtioGPUDevice::runCore(CoreFn fn, void *arg)
{
    CoreCall call = { fn, arg, VGPU_E_NODEV, false, 0 };
    return runCall(&call);
}

int VirtioGPUDevice::runCoreSince(uint32_t epoch, CoreFn fn, void *arg)
{
    CoreCall call = { fn, arg, VGPU_E_NODEV, true, epoch };
    return runCall(&call);
}

int VirtioGPUDevice::runCall(CoreCall *call)
{
    IOCommandGate *gate = fPlumbing.os.gate;
    if (!gate)
        return VGPU_E_NODEV;
    IOReturn ret = gate->runAction(gatedCore, call);
    if (ret != kIOReturnSuccess) {
        VGPU_LOG("gate refused a core call: 0x%x", ret);
        return VGPU_E_BUSY;
    }
    return call->result;
}

IOReturn VirtioGPUDevice::gatedCore(OSObject *owner, void *callp, void *, void *, void *)
{
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(owner);
    CoreCall *call = static_cast<CoreCall *>(callp);
    me->fPlumbing.waitCoreIdle();
    if (!me->fDev)
        return kIOReturnSuccess;   /* result stays VGPU_E_NODEV */
    if (call->sinceEpoch && call->epoch != me->fEpoch) {
        call->result = kCoreStale;
        return kIOReturnSuccess;
    }
    me->fPlumbing.beginCoreCall();
    call->result = call->fn(me->fDev, call->arg);
    me->fPlumbing.endCoreCall();
    return kIOReturnSuccess;
}

/* ---- interrupts ---- */

/* Primary interrupt context. */
bool VirtioGPUDevice::irqFilter(OSObject *owner, IOFilterInterruptEventSource *src)
{
    (void)src;
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(owner);
    return me->fPlumbing.filterInterrupt(&me->fDev, vgpu_intx_status);
}

/* Work loop, gate held. */
void VirtioGPUDevice::irqAction(OSObject *owner, IOInterruptEventSource *src, int count)
{
    (void)src;
    (void)count;
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(owner);
    me->fPlumbing.serviceInterrupt(me->fDev, vgpu_msix_causes, vgpu_handle_interrupt);
}

/* ---- service thread: core events and refresh ---- */

void VirtioGPUDevice::coreEvent(enum vgpu_os_event ev)
{
    uint32_t bit = ev == VGPU_OS_EVENT_NEEDS_RESET ? kEventNeedsReset : kEventDisplayChanged;
    __atomic_fetch_or(&fPendingEvents, bit, __ATOMIC_RELEASE);
    IOTimerEventSource *timer = __atomic_load_n(&fServiceTimer, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&fAsleep, __ATOMIC_ACQUIRE))
        return;   /* wakeDevice() recovers the device and handles what waits */
    if (timer && timer->setTimeoutUS(kServiceSoonUs) != kIOReturnSuccess)
        VGPU_LOG("could not schedule event handling");
}

void VirtioGPUDevice::refreshNeeded()
{
    if (__atomic_load_n(&fAsleep, __ATOMIC_ACQUIRE))
        return;   /* wakeDevice() starts it again */
    if (fServiceTimer && fServiceTimer->setTimeoutUS(kServiceSoonUs) != kIOReturnSuccess)
        VGPU_LOG("could not start the refresh timer");
}

void VirtioGPUDevice::cursorNeeded()
{
    IOInterruptEventSource *src = __atomic_load_n(&fCursorSource, __ATOMIC_ACQUIRE);
    if (src)
        src->interruptOccurred(NULL, NULL, 0);
}

/* Service thread: no IOFramebuffer lock is held here, so the cursor commands may wait. */
void VirtioGPUDevice::cursorWork(OSObject *owner, IOInterruptEventSource *src, int count)
{
    (void)src;
    (void)count;
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(owner);
    if (__atomic_load_n(&me->fAsleep, __ATOMIC_ACQUIRE))
        return;   /* the cursor comes back with the framebuffer's power */
    for (unsigned i = 0; i < me->fNumFramebuffers; i++)
        me->fFramebuffers[i]->sendCursor();
}

void *VirtioGPUDevice::coreOs()
{
    return &fPlumbing.os;
}

void VirtioGPUDevice::serviceTimerFired(OSObject *owner, IOTimerEventSource *timer)
{
    (void)timer;
    static_cast<VirtioGPUDevice *>(owner)->serviceTick();
}

void VirtioGPUDevice::serviceTick()
{
    if (__atomic_load_n(&fAsleep, __ATOMIC_ACQUIRE))
        return;
    uint32_t events = __atomic_exchange_n(&fPendingEvents, 0u, __ATOMIC_ACQUIRE);
    if (events & kEventNeedsReset)
        handleReset();
    if (events & kEventDisplayChanged)
        handleDisplayChange();
    uint64_t earliest = 0;
    for (unsigned i = 0; i < fNumFramebuffers; i++) {
        uint64_t due = fFramebuffers[i]->refresh();
        if (due && (!earliest || due < earliest))
            earliest = due;
    }
    scheduleService(earliest);
}

/* The next tick: soon for a pending core event, else when the earliest refresh engine asks
 * (core/refresh/refresh.h: 60 Hz while the picture changes, backing off to 10 Hz), else none. */
void VirtioGPUDevice::scheduleService(uint64_t dueNs)
{
    uint64_t us, now = vgpu_os_now_ns(&fPlumbing.os);
    if (__atomic_load_n(&fPendingEvents, __ATOMIC_ACQUIRE))
        us = kServiceSoonUs;
    else if (dueNs)
        us = dueNs > now ? (dueNs - now + 999) / 1000 : 1;
    else
        return;   /* refreshNeeded() or coreEvent() starts it again */
    if (__atomic_load_n(&fAsleep, __ATOMIC_ACQUIRE) || !fServiceTimer)
        return;
    if (fServiceTimer->setTimeoutUS((UInt32)us) != kIOReturnSuccess)
        VGPU_LOG("could not reschedule the service timer");
}

static int queryDisplays(struct vgpu_dev *dev, void *arg)
{
    (void)arg;
    return vgpu_query_displays(dev);
}

void VirtioGPUDevice::handleDisplayChange()
{
    int r = runCore(queryDisplays, NULL);
    if (r != VGPU_OK) {
        VGPU_LOG("display query after a host change failed: %s", vgpu_status_name(r));
        return;
    }
    for (unsigned i = 0; i < fNumFramebuffers; i++)
        fFramebuffers[i]->hostDisplayChanged();
}

/* Every 3D id dies with the reset: the new epoch makes user clients with old ids drop them.  The
 * reset comes first in vgpu_recover, so memory retired before it is safe to free after it. */
int VirtioGPUDevice::recoverInGate(struct vgpu_dev *dev, void *arg)
{
    VirtioGPUDevice *me = static_cast<VirtioGPUDevice *>(arg);
    __atomic_add_fetch(&me->fEpoch, 1u, __ATOMIC_RELEASE);
    int r = vgpu_recover(dev);
    me->freeRetired();
    return r;
}

void VirtioGPUDevice::handleReset()
{
    VGPU_LOG("device asked for a reset: recovering");
    int r = runCore(recoverInGate, this);
    if (r != VGPU_OK)
        VGPU_LOG("recovery failed: %s", vgpu_status_name(r));
}

/* ---- framebuffers ---- */

static int countScanouts(struct vgpu_dev *dev, void *arg)
{
    *static_cast<unsigned *>(arg) = vgpu_scanout_count(dev);
    return VGPU_OK;
}

/* One framebuffer per scanout the device has, enabled or not: QEMU enables outputs later (a
 * second window, a VNC client), and a head that is off reports itself offline until then. */
bool VirtioGPUDevice::createFramebuffers()
{
    unsigned count = 0;
    int r = runCore(countScanouts, &count);
    for (unsigned i = 0; r == VGPU_OK && i < count && i < VGPU_MAX_SCANOUTS; i++) {
        VirtioGPUFramebuffer *fb = VirtioGPUFramebuffer::withScanout(this, i);
        if (fb && fb->attach(this)) {
            if (fb->start(this)) {
                fFramebuffers[fNumFramebuffers++] = fb;
                continue;
            }
            fb->detach(this);
        }
        VGPU_LOG("scanout %u: framebuffer did not start", i);
        OSSafeReleaseNULL(fb);
    }
    if (fNumFramebuffers == 0)
        VGPU_LOG("no framebuffer started");
    return fNumFramebuffers > 0;
}
