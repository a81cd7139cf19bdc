/*
 * fake_pci.cpp — IOPCIDevice backed by the software device.
 */
#include "fake_world.hpp"

extern "C" {
#include "../../../sim/sim.h"
}

enum { kCapPtr = 0x34, kCapIdMsix = 0x11, kMsixEnable = 0x8000 };

IOPCIDevice *IOPCIDevice::fakeWithSim(struct sim *sim, bool offerMsi)
{
    IOPCIDevice *pci = new IOPCIDevice;
    pci->fakeSim = sim;
    pci->fakeOfferMsi = offerMsi;
    return pci;
}

UInt32 IOPCIDevice::configRead32(IOByteCount offset) { return sim_pci_read(fakeSim, (uint16_t)offset, 4); }
UInt16 IOPCIDevice::configRead16(IOByteCount offset) { return (UInt16)sim_pci_read(fakeSim, (uint16_t)offset, 2); }
UInt8  IOPCIDevice::configRead8(IOByteCount offset)  { return (UInt8)sim_pci_read(fakeSim, (uint16_t)offset, 1); }

void IOPCIDevice::configWrite16(IOByteCount offset, UInt16 data)
{
    sim_pci_write(fakeSim, (uint16_t)offset, 2, data);
}

static bool setCommandBit(IOPCIDevice *pci, UInt16 bit, bool enable)
{
    UInt16 cmd = pci->configRead16((IOByteCount)kIOPCIConfigCommand);
    pci->configWrite16((IOByteCount)kIOPCIConfigCommand, enable ? (cmd | bit) : (cmd & ~bit));
    return (cmd & bit) != 0;
}

bool IOPCIDevice::setMemoryEnable(bool enable) { return setCommandBit(this, kIOPCICommandMemorySpace, enable); }
bool IOPCIDevice::setBusMasterEnable(bool enable) { return setCommandBit(this, kIOPCICommandBusMaster, enable); }

class FakeBarMap : public IOMemoryMap {
public:
    IOPCIDevice *pci = NULL;

protected:
    void free() override
    {
        pci->fakeLiveMaps--;
        IOMemoryMap::free();
    }
};

IOMemoryMap *IOPCIDevice::mapDeviceMemoryWithRegister(UInt8 reg, IOOptionBits options)
{
    if (reg < kIOPCIConfigBaseAddress0 || reg > 0x24 || (reg & 3))
        return NULL;
    if (!(options & kIOMapInhibitCache))
        fake::violation("device registers mapped without kIOMapInhibitCache");
    uint64_t size = sim_bar_size(fakeSim, (uint8_t)((reg - kIOPCIConfigBaseAddress0) / 4));
    if (size == 0)
        return NULL;
    FakeBarMap *map = new FakeBarMap;
    map->pci = this;
    map->length_ = size;
    map->va_ = 0;   /* never dereferenced: tests/kext/fake_mmio.cpp routes accesses to the sim */
    fakeLiveMaps++;
    return map;
}

IOReturn IOPCIDevice::getInterruptType(int source, int *interruptType)
{
    if (source == 0) {
        *interruptType = kIOInterruptTypeLevel;
        return kIOReturnSuccess;
    }
    if (source == 1 && fakeOfferMsi) {
        *interruptType = kIOInterruptTypeEdge | kIOInterruptTypePCIMessaged;
        return kIOReturnSuccess;
    }
    return kIOReturnNoResources;
}

bool IOPCIDevice::open(IOService *forClient, IOOptionBits options, void *arg)
{
    return IOService::open(forClient, options, arg);
}

void IOPCIDevice::close(IOService *forClient, IOOptionBits options)
{
    IOService::close(forClient, options);
}

/* IOPCIFamily turns MSI-X on in the capability when a messaged handler is enabled. */
void IOPCIDevice::fakeEnableMsix(bool on)
{
    for (UInt8 cap = configRead8((IOByteCount)kCapPtr), hops = 0; cap && hops < 48;
         cap = configRead8((IOByteCount)(cap + 1)), hops++) {
        if (configRead8((IOByteCount)cap) != kCapIdMsix)
            continue;
        UInt16 ctl = configRead16((IOByteCount)(cap + 2));
        configWrite16((IOByteCount)(cap + 2), on ? (ctl | kMsixEnable) : (ctl & ~kMsixEnable));
        return;
    }
    fake::violation("MSI-X requested on a device without the capability");
}

/* MSI-X vector 0 goes to the messaged handler (the shell enables one vector); the line goes to
 * the legacy handler while it stays asserted.  A level the filter does not clear would storm:
 * count it and stop. */
unsigned IOPCIDevice::fakeDeliverInterrupts()
{
    unsigned taken = 0;
    for (int v; (v = sim_next_msix(fakeSim)) >= 0;) {
        if (v != 0 || !fakeHandler[1])
            fake::violation("MSI-X message on a vector nobody handles");
        else if (fakeHandler[1]->fakeInterrupt())   /* a disabled handler drops it */
            taken++;
    }
    for (int spins = 0; sim_intx_level(fakeSim); spins++) {
        if (!fakeHandler[0] || !fakeHandler[0]->fakeInterrupt()) {
            fakeUnclaimed++;
            break;
        }
        taken++;
        if (spins > 16) {
            fake::violation("INTx stays asserted after the handler ran (interrupt storm)");
            break;
        }
    }
    return taken;
}
