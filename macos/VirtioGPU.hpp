/*
 * VirtioGPU.hpp — the PCI driver: owns the core (core/gpu/vgpu.h, core/gpu3d/vgpu3d.h), serialises every
 * call into it, creates one VirtioGPUFramebuffer per enabled scanout, and opens the 3D user client
 * (VirtioGPUUserClient) for user space.
 */
#ifndef VIRTIO_GPU_HPP
#define VIRTIO_GPU_HPP

#include <IOKit/IOService.h>
#include <IOKit/IOTimerEventSource.h>

#include "VirtioPciPlumbing.hpp"

class VirtioGPUFramebuffer;

class VirtioGPUDevice : public IOService {
    OSDeclareDefaultStructors(VirtioGPUDevice);
    typedef IOService super;

public:
    IOService  *probe(IOService *provider, SInt32 *score) override;
    bool        start(IOService *provider) override;
    void        stop(IOService *provider) override;
    IOWorkLoop *getWorkLoop() const override;
    IOReturn    setPowerState(unsigned long state, IOService *device) override;
    /* The 5-argument form is the one IOServiceOpen reaches; type kVgpuUcConnectType only. */
    IOReturn    newUserClient(task_t owningTask, void *securityID, UInt32 type, OSDictionary *properties,
                              IOUserClient **handler) override;

    /* Run fn(dev, arg) inside the gate, one core call at a time; returns its vgpu_status. */
    typedef int (*CoreFn)(struct vgpu_dev *dev, void *arg);
    int runCore(CoreFn fn, void *arg);

    /* From vgpu_os_event (any context): act on it later on the service thread. */
    void coreEvent(enum vgpu_os_event ev);
    /* A framebuffer got a mode: tick soon, so that its refresh engine starts. */
    void refreshNeeded();
    /* A framebuffer has cursor work: any context, even under IOFramebuffer's cursor spinlock
     * (it only triggers an event source; the device is reached later on the service thread). */
    void cursorNeeded();
    /* The core's `os` context (for core helpers that allocate, such as core/refresh/refresh.h). */
    void *coreOs();

    /* ---- for the 3D user clients (VirtioGPUClients.cpp) ---- */
    enum {
        kMaxUserClients   = 16,
        kCoreStale        = 1,     /* runCoreSince: a device reset came after `epoch` */
        kSharedLimitMBDefault = 512,
    };
    bool     has3D() const;                 /* VIRTIO_GPU_F_VIRGL negotiated (fixed after start) */
    uint32_t coreEpoch() const;             /* device resets so far: every 3D id dies with one */
    /* runCore, unless the device was reset since `epoch` (then kCoreStale, fn not called). */
    int      runCoreSince(uint32_t epoch, CoreFn fn, void *arg);
    /* Wired memory user clients hold (command buffers, resource backing), against a limit. */
    bool     reserveShared(uint64_t bytes);
    void     releaseShared(uint64_t bytes);
    /* Memory the device may still write (its release was not confirmed): the device keeps it
     * until the next reset or close, then it is freed and its reservation released. */
    void     retireShared(DmaBlock *block);
    void     userClientStopped();

private:
    VirtioPciPlumbing             fPlumbing;     /* PCI, os context, work loop + gate, interrupt */
    struct vgpu_dev              *fDev;          /* set in the gate; read atomically by the filter */
    IOWorkLoop                   *fServiceLoop;  /* events and refresh, off the interrupt thread */
    IOTimerEventSource           *fServiceTimer;
    IOInterruptEventSource       *fCursorSource; /* on fServiceLoop: cursorNeeded() -> cursorWork */
    uint32_t                      fPendingEvents;
    bool                          fPMStarted;
    bool                          fAsleep;       /* power state 0: no service ticks, no device */
    VirtioGPUFramebuffer         *fFramebuffers[VGPU_MAX_SCANOUTS];
    unsigned                      fNumFramebuffers;
    bool                          f3D;           /* set once the core is open */
    uint32_t                      fEpoch;        /* bumped in the gate before every recovery */
    uint32_t                      fUserClients;  /* admitted and not yet stopped (atomic) */
    uint64_t                      fSharedBytes;  /* reserved by user clients (atomic) */
    uint64_t                      fSharedLimit;
    struct RetiredBlock          *fRetired;      /* gate only: freed after the next reset */

    bool createServiceLoop();
    bool openCore();
    void closeCore();
    bool joinPowerTree();
    bool createFramebuffers();
    void teardown();

    static IOReturn gatedOpen(OSObject *owner, void *params, void *result, void *, void *);
    static IOReturn gatedClose(OSObject *owner, void *, void *, void *, void *);
    struct CoreCall;
    int             runCall(CoreCall *call);
    static IOReturn gatedCore(OSObject *owner, void *call, void *, void *, void *);
    static int      retireInGate(struct vgpu_dev *dev, void *arg);
    static int      recoverInGate(struct vgpu_dev *dev, void *arg);
    void            freeRetired();
    void            readSharedLimit();
    static bool     irqFilter(OSObject *owner, IOFilterInterruptEventSource *src);
    static void     irqAction(OSObject *owner, IOInterruptEventSource *src, int count);
    static void     serviceTimerFired(OSObject *owner, IOTimerEventSource *timer);
    static void     cursorWork(OSObject *owner, IOInterruptEventSource *src, int count);
    void            stopServiceLoop();
    void            sleepDevice();
    void            wakeDevice();

    void serviceTick();
    void handleDisplayChange();
    void handleReset();
    void scheduleService(uint64_t dueNs);
};

#endif /* VIRTIO_GPU_HPP */
