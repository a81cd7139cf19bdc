/*
 * VirtioConsole.hpp — the PCI driver for virtio-console (1AF4:1043, or the transitional 1AF4:1003
 * QEMU's virtio-serial-pci shows on a root bus): owns core/console/vconsole.h, runs every call into it in
 * its command gate, and offers named ports to user space through VirtioConsoleUserClient.  The
 * clipboard agent (agent/macos/) opens com.redhat.spice.0 and speaks the SPICE agent protocol.
 *
 * The core's `os` context is the same VgpuOs the GPU uses (vgpu_os_iokit.cpp serves both
 * devices); `owner` stays NULL because core/console/vconsole.c never raises vgpu_os_event().
 */
#ifndef VIRTIO_CONSOLE_HPP
#define VIRTIO_CONSOLE_HPP

#include <IOKit/IOService.h>
#include <IOKit/IOUserClient.h>

#include "VirtioPciPlumbing.hpp"

extern "C" {
#include "console/vconsole.h"
}

/* ---- the user-space ABI ---- */
enum { kVconUcConnectType = 0 };           /* IOServiceOpen type; others are refused */

enum VconUcSelector {
    kVconUcOpenPort = 0,   /* in: struct name (1..127 bytes, no NUL needed)   out: port id */
    kVconUcRead,           /* out: struct, up to 4096 received bytes (0 when none; never blocks) */
    kVconUcWrite,          /* in: struct, 1..4096 bytes for the host */
    kVconUcStatus,         /* out: host_open, rx_pending, needs_reset */
    kVconUcSelectorCount
};

enum { kVconUcMaxChunk = 4096, kVconUcFindTimeoutMs = 2000 };

class VirtioConsoleDevice : public IOService {
    OSDeclareDefaultStructors(VirtioConsoleDevice);
    typedef IOService super;

public:
    IOService  *probe(IOService *provider, SInt32 *score) override;
    bool        start(IOService *provider) override;
    void        stop(IOService *provider) override;
    IOWorkLoop *getWorkLoop() const override;
    IOReturn    newUserClient(task_t owningTask, void *securityID, UInt32 type, OSDictionary *properties,
                              IOUserClient **handler) override;

    /* Run fn(dev, arg) in the gate, one core call at a time; returns its vgpu_status. */
    typedef int (*ConsoleFn)(struct vcon_dev *dev, void *arg);
    int  runConsole(ConsoleFn fn, void *arg);
    /* One user client per port: true when `id` was free and is now the caller's. */
    bool claimPort(uint32_t id);
    void releasePort(uint32_t id);

private:
    VirtioPciPlumbing             fPlumbing;   /* PCI, os context, work loop + gate, interrupt */
    struct vcon_dev              *fDev;        /* set in the gate; read atomically by the filter */
    uint32_t                      fClaimed;     /* bit n: port n belongs to a user client (atomic) */

    bool openConsole();
    void teardown();
    static IOReturn gatedOpen(OSObject *owner, void *params, void *result, void *, void *);
    static IOReturn gatedClose(OSObject *owner, void *, void *, void *, void *);
    struct Call;
    static IOReturn gatedCall(OSObject *owner, void *call, void *, void *, void *);
    static bool     irqFilter(OSObject *owner, IOFilterInterruptEventSource *src);
    static void     irqAction(OSObject *owner, IOInterruptEventSource *src, int count);
};

/* One open port for one user process.  Calls are serialised by fLock; ports are closed on
 * clientClose/clientDied, so a crashed agent frees its port for the next one. */
class VirtioConsoleUserClient : public IOUserClient {
    OSDeclareDefaultStructors(VirtioConsoleUserClient);
    typedef IOUserClient super;

public:
    bool     initWithTask(task_t owningTask, void *securityToken, UInt32 type, OSDictionary *properties) override;
    bool     start(IOService *provider) override;
    void     stop(IOService *provider) override;
    IOReturn clientClose(void) override;
    IOReturn clientDied(void) override;
    IOReturn externalMethod(uint32_t selector, IOExternalMethodArguments *args,
                            IOExternalMethodDispatch *dispatch, OSObject *target, void *reference) override;

protected:
    void free() override;

private:
    VirtioConsoleDevice *fOwner;
    IOLock              *fLock;
    bool                 fActive;     /* started and not closed */
    uint32_t             fPort;       /* kNoPort until kVconUcOpenPort */

    enum : uint32_t { kNoPort = 0xffffffffu };
    static const IOExternalMethodDispatch sMethods[kVconUcSelectorCount];
    static IOReturn sOpenPort(OSObject *t, void *ref, IOExternalMethodArguments *a);
    static IOReturn sRead(OSObject *t, void *ref, IOExternalMethodArguments *a);
    static IOReturn sWrite(OSObject *t, void *ref, IOExternalMethodArguments *a);
    static IOReturn sStatus(OSObject *t, void *ref, IOExternalMethodArguments *a);
    IOReturn openPort(IOExternalMethodArguments *a);
    IOReturn readPort(IOExternalMethodArguments *a);
    IOReturn writePort(IOExternalMethodArguments *a);
    IOReturn status(IOExternalMethodArguments *a);
    void     closePort();
};

#endif /* VIRTIO_CONSOLE_HPP */
