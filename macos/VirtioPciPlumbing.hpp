/*
 * VirtioPciPlumbing.hpp — the PCI side both providers (VirtioGPUDevice, VirtioConsoleDevice) share:
 * the device opened with memory space and bus mastering on, the core's `os` context (PCI device,
 * BAR maps made by vgpu_os_bar_size, command gate, lock), the work loop, and one interrupt source:
 * MSI-X when offered, else the line, else none (the core polls).
 *
 * A provider embeds one (zeroed with the object), calls open, startGate and attachInterrupt in
 * start(), and teardown once, in stop() or after a failed start: teardown undoes, in reverse
 * order, only the steps that succeeded.  The provider closes its core before teardown.
 */
#ifndef VIRTIO_PCI_PLUMBING_HPP
#define VIRTIO_PCI_PLUMBING_HPP

#include <IOKit/IOFilterInterruptEventSource.h>
#include <IOKit/IOWorkLoop.h>

#include "VirtioGPUOS.hpp"

/* An event source joins a loop or is released: the caller never holds one that is not added. */
template <class T> inline bool addSourceOrRelease(IOWorkLoop *loop, T **src)
{
    if (*src && loop->addEventSource(*src) == kIOReturnSuccess)
        return true;
    OSSafeReleaseNULL(*src);
    return false;
}

template <class T> inline void removeAndRelease(IOWorkLoop *loop, T **src)
{
    if (!*src)
        return;
    if (loop->removeEventSource(*src) != kIOReturnSuccess)
        VGPU_LOG("could not remove an event source");
    OSSafeReleaseNULL(*src);
}

/* For probe(): whether this kext may drive `provider` — not turned off by -vgpuoff, a PCI
 * device, 1AF4 with one of `ids`, and modern (core/virtio/virtio_pci.h vpci_identify).  Reads only
 * configuration space: IOService::probeCandidates probes every matching personality before it
 * starts any (xnu-6153.11.26 iokit/Kernel/IOService.cpp:3829), so a probe must not touch
 * what another category's winner will own. */
bool virtioProbeFunction(IOService *provider, const uint16_t *ids, unsigned nids, const char *name);

struct VirtioPciPlumbing {
    VgpuOs                        os;          /* the core's context; os.pci is the provider */
    const char                   *name;        /* names the device in log lines */
    IOService                    *client;      /* the driver that opened os.pci */
    bool                          pciOpen;
    IOWorkLoop                   *workLoop;    /* runs os.gate and the interrupt action */
    IOFilterInterruptEventSource *irq;         /* NULL when polling */
    enum vgpu_irq_mode            irqMode;
    uint32_t                      intxCauses;  /* ISR bits the line's filter read, for the action */
    bool                          coreBusy;    /* gate only: a core call runs (maybe asleep in it) */

    /* Open the PCI provider for `client` and turn on memory space and bus mastering. */
    bool open(IOService *owner, IOService *provider, const char *deviceName);
    /* The lock, the work loop, and the command gate on it (os.gate). */
    bool startGate(IOService *owner);
    /* Pick MSI-X, the line or polling (irqMode); MSI-X is enabled at once, the line by coreUp(). */
    bool attachInterrupt(OSObject *owner, IOInterruptEventSource::Action action,
                         IOFilterInterruptEventSource::Filter filter);
    /* The core is open: the line may interrupt now, and the core stops polling if it can. */
    void coreUp();
    /* Before the core closes: interrupts off, so the close polls. */
    void coreGoingDown();
    void teardown();
    /* In the gate, around every core call: a call may sleep in vgpu_os_wait(), which opens the
     * gate, so the next one waits here and the core still sees one call at a time. */
    void waitCoreIdle();
    void beginCoreCall();
    void endCoreCall();
    /* For log lines: "MSI-X", "INTx" or "no" (interrupts). */
    const char *irqModeName() const;

    /* The filter, in primary interrupt context: an MSI(-X) vector is ours alone; a shared line is
     * ours only when the ISR (read and cleared by readIsr) has a cause.  *devp is NULL until the
     * core is open. */
    template <class Dev> bool filterInterrupt(Dev *const *devp, uint32_t (*readIsr)(Dev *))
    {
        if (irqMode != VGPU_IRQ_INTX)
            return true;
        Dev *dev = __atomic_load_n(devp, __ATOMIC_ACQUIRE);
        uint32_t causes = dev ? readIsr(dev) : 0;
        if (!causes)
            return false;
        __atomic_fetch_or(&intxCauses, causes, __ATOMIC_RELEASE);
        return true;
    }

    /* The action, on the work loop with the gate held: hand the causes to the core, or, while
     * the core is still opening (dev NULL), wake it: it polls the rings. */
    template <class Dev> void serviceInterrupt(Dev *dev, uint32_t (*msixCauses)(const Dev *, unsigned),
                                               void (*handle)(Dev *, uint32_t))
    {
        if (!dev) {
            vgpu_os_wake(&os);
            return;
        }
        uint32_t causes = irqMode == VGPU_IRQ_INTX
                              ? __atomic_exchange_n(&intxCauses, 0u, __ATOMIC_ACQUIRE)
                              : msixCauses(dev, 0);
        handle(dev, causes);
    }
};

#endif /* VIRTIO_PCI_PLUMBING_HPP */
