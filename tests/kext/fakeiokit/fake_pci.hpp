/*
 * fake_pci.hpp — stand-in IOPCIDevice whose configuration space, BARs and interrupts are the
 * software device's (sim/).  Interrupt index 0 is the legacy line; index 1, when the test offers
 * it, is message-signalled (kIOInterruptTypePCIMessaged), as IOPCIFamily publishes them.
 * Enabling a handler on the messaged index turns MSI-X on in the device, as IOPCIFamily does.
 */
#ifndef FAKE_PCI_HPP
#define FAKE_PCI_HPP

#include "fake_memory.hpp"
#include "fake_service.hpp"

struct sim;

enum { kIOInterruptTypeEdge = 0, kIOInterruptTypeLevel = 1, kIOInterruptTypePCIMessaged = 0x00010000 };
enum { kIOPCIConfigCommand = 0x04, kIOPCIConfigBaseAddress0 = 0x10 };
enum { kIOPCICommandMemorySpace = 0x0002, kIOPCICommandBusMaster = 0x0004 };

class IOPCIDevice : public IOService {
public:
    UInt32 configRead32(IOByteCount offset);
    UInt16 configRead16(IOByteCount offset);
    UInt8  configRead8(IOByteCount offset);
    void   configWrite16(IOByteCount offset, UInt16 data);
    virtual bool setMemoryEnable(bool enable);
    virtual bool setBusMasterEnable(bool enable);
    virtual IOMemoryMap *mapDeviceMemoryWithRegister(UInt8 reg, IOOptionBits options = 0);
    IOReturn getInterruptType(int source, int *interruptType) override;
    bool open(IOService *forClient, IOOptionBits options = 0, void *arg = NULL) override;
    void close(IOService *forClient, IOOptionBits options = 0) override;

    /* ---- fake-only ---- */
    static IOPCIDevice *fakeWithSim(struct sim *sim, bool offerMsi);
    struct sim *fakeSim = NULL;
    bool fakeOfferMsi = false;
    int  fakeLiveMaps = 0;
    IOFilterInterruptEventSource *fakeHandler[2] = { NULL, NULL };
    void fakeEnableMsix(bool on);
    /* Deliver what the device signals to the enabled handler; returns interrupts taken. */
    unsigned fakeDeliverInterrupts();
    unsigned fakeUnclaimed = 0;             /* line asserted, filter said "not mine" */
};

#endif /* FAKE_PCI_HPP */
