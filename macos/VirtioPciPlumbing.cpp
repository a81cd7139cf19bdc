/*
 * VirtioPciPlumbing.cpp — the PCI setup and teardown both providers share (see the header).
 */
#include "VirtioPciPlumbing.hpp"

extern "C" {
#include "virtio/virtio_pci.h"
}

bool virtioProbeFunction(IOService *provider, const uint16_t *ids, unsigned nids, const char *name)
{
    if (vgpuDisabled()) {
        VGPU_LOG("%s: -vgpuoff: not starting", name);
        return false;
    }
    VgpuOs os;
    bzero(&os, sizeof(os));
    os.pci = OSDynamicCast(IOPCIDevice, provider);
    for (unsigned i = 0; os.pci && i < nids; i++)
        if (vpci_identify(&os, ids[i]))
            return true;
    return false;
}

bool VirtioPciPlumbing::open(IOService *owner, IOService *provider, const char *deviceName)
{
    name = deviceName;
    os.pci = OSDynamicCast(IOPCIDevice, provider);
    if (!os.pci) {
        VGPU_LOG("%s: provider is not a PCI device", name);
        return false;
    }
    if (!os.pci->open(owner)) {
        VGPU_LOG("%s: PCI device is in use by another driver", name);
        return false;
    }
    client = owner;
    pciOpen = true;
    /* Both return the previous state, not a status: read the command register back instead. */
    os.pci->setMemoryEnable(true);
    os.pci->setBusMasterEnable(true);
    const UInt16 want = kIOPCICommandMemorySpace | kIOPCICommandBusMaster;
    if ((os.pci->configRead16((IOByteCount)kIOPCIConfigCommand) & want) != want) {
        VGPU_LOG("%s: could not enable memory space and bus mastering", name);
        return false;
    }
    return true;
}

bool VirtioPciPlumbing::startGate(IOService *owner)
{
    os.lock = IOLockAlloc();
    workLoop = IOWorkLoop::workLoop();
    if (!os.lock || !workLoop)
        return false;
    os.gate = IOCommandGate::commandGate(owner);
    return addSourceOrRelease(workLoop, &os.gate);
}

/* MSI(-X) when the PCI family offers a message-signalled source (one source: every cause on
 * vector 0), else the legacy line, else polling. */
bool VirtioPciPlumbing::attachInterrupt(OSObject *owner, IOInterruptEventSource::Action action,
                                        IOFilterInterruptEventSource::Filter filter)
{
    int index = -1, type = 0;
    for (int i = 0; os.pci->getInterruptType(i, &type) == kIOReturnSuccess; i++) {
        if (type & kIOInterruptTypePCIMessaged) {
            index = i;
            break;
        }
    }
    irqMode = index >= 0 ? VGPU_IRQ_MSIX : VGPU_IRQ_INTX;
    if (index < 0 && os.pci->getInterruptType(0, &type) == kIOReturnSuccess)
        index = 0;
    if (index < 0) {
        VGPU_LOG("%s: no interrupt source: polling", name);
        irqMode = VGPU_IRQ_POLL;
        return true;
    }
    irq = IOFilterInterruptEventSource::filterInterruptEventSource(owner, action, filter, os.pci, index);
    if (!addSourceOrRelease(workLoop, &irq))
        return false;
    /* MSI-X must be on before the device is programmed, or it signals on the line instead. */
    if (irqMode == VGPU_IRQ_MSIX)
        irq->enable();
    return true;
}

void VirtioPciPlumbing::coreUp()
{
    if (irqMode == VGPU_IRQ_INTX)
        irq->enable();   /* only now: the filter needs the core to read and clear the ISR */
    os.polling = (irqMode == VGPU_IRQ_POLL);
}

void VirtioPciPlumbing::coreGoingDown()
{
    if (irq)
        irq->disable();   /* the line's filter reads the core */
    os.polling = true;
}

/* THREAD_UNINT: only endCoreCall's wakeup ends this sleep. */
void VirtioPciPlumbing::waitCoreIdle()
{
    while (coreBusy)
        (void)os.gate->commandSleep(&coreBusy, THREAD_UNINT);
}

void VirtioPciPlumbing::beginCoreCall()
{
    coreBusy = true;
}

void VirtioPciPlumbing::endCoreCall()
{
    coreBusy = false;
    os.gate->commandWakeup(&coreBusy, true);
}

const char *VirtioPciPlumbing::irqModeName() const
{
    return irqMode == VGPU_IRQ_MSIX ? "MSI-X" : irqMode == VGPU_IRQ_INTX ? "INTx" : "no";
}

/* The reverse of open, startGate, attachInterrupt; each undoes only what it got. */
void VirtioPciPlumbing::teardown()
{
    removeAndRelease(workLoop, &irq);
    removeAndRelease(workLoop, &os.gate);
    OSSafeReleaseNULL(workLoop);
    if (os.lock) {
        IOLockFree(os.lock);
        os.lock = NULL;
    }
    for (unsigned i = 0; i < kVgpuPciBars; i++)
        OSSafeReleaseNULL(os.barMap[i]);
    if (pciOpen) {
        os.pci->setBusMasterEnable(false);
        os.pci->close(client);
        pciOpen = false;
    }
}
