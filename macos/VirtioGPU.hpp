/*
 * VirtioGPU.hpp — the PCI driver: owns the core (core/vgpu.h), serialises every call into it, and
 * creates one VirtioGPUFramebuffer per enabled scanout.
 */
#ifndef VIRTIO_GPU_HPP
#define VIRTIO_GPU_HPP

#include <IOKit/IOFilterInterruptEventSource.h>
#include <IOKit/IOService.h>
#include <IOKit/IOTimerEventSource.h>
#include <IOKit/IOWorkLoop.h>

#include "VirtioGPUOS.hpp"

class VirtioGPUFramebuffer;

class VirtioGPUDevice : public IOService {
    OSDeclareDefaultStructors(VirtioGPUDevice);
    typedef IOService super;

public:
    bool        start(IOService *provider) override;
    void        stop(IOService *provider) override;
    IOWorkLoop *getWorkLoop() const override;
    IOReturn    setPowerState(unsigned long state, IOService *device) override;

    /* Run fn(dev, arg) inside the gate, one core call at a time; returns its vgpu_status. */
    typedef int (*CoreFn)(struct vgpu_dev *dev, void *arg);
    int runCore(CoreFn fn, void *arg);

    /* From vgpu_os_event (any context): act on it later on the service thread. */
    void coreEvent(enum vgpu_os_event ev);
    /* A framebuffer got a mode: tick soon, so that its refresh engine starts. */
    void refreshNeeded();
    /* The core's `os` context (for core helpers that allocate, such as core/refresh.h). */
    void *coreOs();

private:
    IOPCIDevice                  *fPci;
    bool                          fPciOpen;
    VgpuOs                        fOs;
    struct vgpu_dev              *fDev;          /* set in the gate; read atomically by the filter */
    IOWorkLoop                   *fWorkLoop;     /* gate + interrupt action */
    IOCommandGate                *fGate;
    IOFilterInterruptEventSource *fIrq;
    enum vgpu_irq_mode            fIrqMode;
    uint32_t                      fIntxCauses;   /* ISR bits the INTx filter read, for the action */
    IOWorkLoop                   *fServiceLoop;  /* events and refresh, off the interrupt thread */
    IOTimerEventSource           *fServiceTimer;
    uint32_t                      fPendingEvents;
    bool                          fCoreBusy;     /* a core call is in progress (maybe asleep) */
    bool                          fPMStarted;
    VirtioGPUFramebuffer         *fFramebuffers[VGPU_MAX_SCANOUTS];
    unsigned                      fNumFramebuffers;

    bool enablePci();
    bool createWorkLoop();
    bool createInterrupt();
    bool createServiceLoop();
    bool openCore();
    void closeCore();
    bool joinPowerTree();
    bool createFramebuffers();
    void teardown();

    static IOReturn gatedOpen(OSObject *owner, void *params, void *result, void *, void *);
    static IOReturn gatedClose(OSObject *owner, void *, void *, void *, void *);
    static IOReturn gatedCore(OSObject *owner, void *call, void *, void *, void *);
    static bool     irqFilter(OSObject *owner, IOFilterInterruptEventSource *src);
    static void     irqAction(OSObject *owner, IOInterruptEventSource *src, int count);
    static void     serviceTimerFired(OSObject *owner, IOTimerEventSource *timer);

    void serviceTick();
    void handleDisplayChange();
    void handleReset();
    void scheduleService(uint64_t dueNs);
};

#endif /* VIRTIO_GPU_HPP */
