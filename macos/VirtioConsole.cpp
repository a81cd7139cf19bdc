/*
 * VirtioConsole.cpp — the virtio-console PCI driver and its user client (see VirtioConsole.hpp).
 *
 * Contexts: the work loop runs the command gate and the interrupt action (vcon_handle_interrupt);
 * user clients call runConsole() from their own threads.  A core call may sleep in vgpu_os_wait(),
 * which opens the gate: the plumbing's coreBusy keeps other calls out meanwhile, so the core sees
 * one call at a time.
 */
#include "VirtioConsole.hpp"
#include "UserClientCommon.hpp"

extern "C" {
#include "console/virtio_console_proto.h"
}

OSDefineMetaClassAndStructors(VirtioConsoleDevice, IOService);
OSDefineMetaClassAndStructors(VirtioConsoleUserClient, IOUserClient);

static const uint32_t kConsoleTimeoutMs = 2000;

struct VirtioConsoleDevice::Call {
    ConsoleFn fn;
    void     *arg;
    int       result;
};

/* ---- start / stop ---- */

/* The modern function (1043) or QEMU's transitional one (1003), which has the modern structures
 * too; a legacy-only device has no common-configuration capability and is left alone. */
IOService *VirtioConsoleDevice::probe(IOService *provider, SInt32 *score)
{
    static const uint16_t ids[] = { VIRTIO_PCI_DEVICE_CONSOLE, VIRTIO_PCI_DEVICE_CONSOLE_TRANSITIONAL };
    if (!virtioProbeFunction(provider, ids, 2, "console"))
        return NULL;
    return super::probe(provider, score);
}

bool VirtioConsoleDevice::start(IOService *provider)
{
    if (!super::start(provider))
        return false;
    fPlumbing.os.owner = NULL;       /* core/console/vconsole.c raises no vgpu_os_event */
    if (fPlumbing.open(this, provider, "console") && fPlumbing.startGate(this) &&
        fPlumbing.attachInterrupt(this, irqAction, irqFilter) && openConsole()) {
        registerService();
        return true;
    }
    teardown();
    return false;
}

void VirtioConsoleDevice::stop(IOService *provider)
{
    teardown();
    super::stop(provider);
}

/* The reverse of start(); each step undoes only what its counterpart got. */
void VirtioConsoleDevice::teardown()
{
    fPlumbing.coreGoingDown();
    if (fDev) {
        IOReturn ret = fPlumbing.os.gate->runAction(gatedClose);
        if (ret != kIOReturnSuccess)
            VGPU_LOG("console close failed: gate 0x%x", ret);
    }
    fPlumbing.teardown();
}

IOWorkLoop *VirtioConsoleDevice::getWorkLoop() const
{
    return fPlumbing.workLoop;
}

bool VirtioConsoleDevice::openConsole()
{
    struct vcon_params params;
    bzero(&params, sizeof(params));
    params.irq_mode = fPlumbing.irqMode;
    params.msix_vectors = 1;
    params.timeout_ms = kConsoleTimeoutMs;
    int result = VGPU_E_NODEV;
    fPlumbing.os.polling = true;
    IOReturn ret = fPlumbing.os.gate->runAction(gatedOpen, &params, &result);
    if (ret != kIOReturnSuccess || result != VGPU_OK) {
        VGPU_LOG("console bring-up failed: %s (gate 0x%x)", vgpu_status_name(result), ret);
        return false;
    }
    fPlumbing.coreUp();
    VGPU_LOG("console up: %u ports, %s interrupts", vcon_port_count(fDev),
             fPlumbing.irqModeName());
    return true;
}

IOReturn VirtioConsoleDevice::gatedOpen(OSObject *owner, void *params, void *result, void *, void *)
{
    VirtioConsoleDevice *me = static_cast<VirtioConsoleDevice *>(owner);
    struct vcon_dev *dev = NULL;
    *(int *)result = vcon_open(&me->fPlumbing.os, (const struct vcon_params *)params, &dev);
    if (*(int *)result == VGPU_OK)
        __atomic_store_n(&me->fDev, dev, __ATOMIC_RELEASE);
    return kIOReturnSuccess;
}

IOReturn VirtioConsoleDevice::gatedClose(OSObject *owner, void *, void *, void *, void *)
{
    VirtioConsoleDevice *me = static_cast<VirtioConsoleDevice *>(owner);
    me->fPlumbing.waitCoreIdle();    /* a call asleep in the core finishes first */
    struct vcon_dev *dev = me->fDev;
    __atomic_store_n(&me->fDev, (struct vcon_dev *)NULL, __ATOMIC_RELEASE);
    vcon_close(dev);
    return kIOReturnSuccess;
}

/* ---- core calls ---- */

int VirtioConsoleDevice::runConsole(ConsoleFn fn, void *arg)
{
    Call call = { fn, arg, VGPU_E_NODEV };
    IOCommandGate *gate = fPlumbing.os.gate;
    if (!gate || gate->runAction(gatedCall, &call) != kIOReturnSuccess)
        return VGPU_E_NODEV;
    return call.result;
}

IOReturn VirtioConsoleDevice::gatedCall(OSObject *owner, void *callp, void *, void *, void *)
{
    VirtioConsoleDevice *me = static_cast<VirtioConsoleDevice *>(owner);
    Call *call = static_cast<Call *>(callp);
    me->fPlumbing.waitCoreIdle();
    if (!me->fDev)
        return kIOReturnSuccess;     /* result stays VGPU_E_NODEV */
    me->fPlumbing.beginCoreCall();
    call->result = call->fn(me->fDev, call->arg);
    me->fPlumbing.endCoreCall();
    return kIOReturnSuccess;
}

bool VirtioConsoleDevice::claimPort(uint32_t id)
{
    uint32_t bit = 1u << (id & 31u);
    return id < VCON_MAX_PORTS && !(__atomic_fetch_or(&fClaimed, bit, __ATOMIC_ACQ_REL) & bit);
}

void VirtioConsoleDevice::releasePort(uint32_t id)
{
    if (id < VCON_MAX_PORTS)
        __atomic_fetch_and(&fClaimed, ~(1u << id), __ATOMIC_ACQ_REL);
}

/* ---- interrupts ---- */

/* Primary interrupt context. */
bool VirtioConsoleDevice::irqFilter(OSObject *owner, IOFilterInterruptEventSource *src)
{
    (void)src;
    VirtioConsoleDevice *me = static_cast<VirtioConsoleDevice *>(owner);
    return me->fPlumbing.filterInterrupt(&me->fDev, vcon_intx_status);
}

/* Work loop, gate held. */
void VirtioConsoleDevice::irqAction(OSObject *owner, IOInterruptEventSource *src, int count)
{
    (void)src;
    (void)count;
    VirtioConsoleDevice *me = static_cast<VirtioConsoleDevice *>(owner);
    me->fPlumbing.serviceInterrupt(me->fDev, vcon_msix_causes, vcon_handle_interrupt);
}

/* Private in xnu (iokit/IOKit/IOKitKeysPrivate.h:64), so not in the SDK; clientHasPrivilege
 * compares the string. */
#ifndef kIOClientPrivilegeConsoleUser
#define kIOClientPrivilegeConsoleUser "console"
#endif

/* The ports carry the clipboard of the user at the screen: only processes of the user whose
 * login session is on the console may open one (not a daemon, not a switched-out session). */
IOReturn VirtioConsoleDevice::newUserClient(task_t owningTask, void *securityID, UInt32 type,
                                            OSDictionary *properties, IOUserClient **handler)
{
    if (type != kVconUcConnectType || !handler)
        return kIOReturnBadArgument;
    *handler = NULL;
    if (IOUserClient::clientHasPrivilege(owningTask, kIOClientPrivilegeConsoleUser) != kIOReturnSuccess)
        return kIOReturnNotPrivileged;
    if (isInactive() || !__atomic_load_n(&fDev, __ATOMIC_ACQUIRE))
        return kIOReturnNotReady;
    *handler = startUserClient<VirtioConsoleUserClient>(this, owningTask, securityID, type, properties);
    return *handler ? kIOReturnSuccess : kIOReturnNoResources;
}

/* ==== the user client ==== */

static IOReturn ucReturn(int st)
{
    switch (st) {
    case VGPU_OK:            return kIOReturnSuccess;
    case VGPU_E_INVAL:       return kIOReturnBadArgument;
    case VGPU_E_NOMEM:       return kIOReturnNoMemory;
    case VGPU_E_TIMEOUT:     return kIOReturnTimeout;
    case VGPU_E_UNSUPPORTED: return kIOReturnUnsupported;
    case VGPU_E_NODEV:       return kIOReturnNoDevice;
    default:                 return kIOReturnIOError;   /* broken device: reopen the connection */
    }
}

const IOExternalMethodDispatch VirtioConsoleUserClient::sMethods[kVconUcSelectorCount] = {
    { sOpenPort, 0, kIOUCVariableStructureSize, 1, 0 },
    { sRead,     0, 0, 0, kIOUCVariableStructureSize },
    { sWrite,    0, kIOUCVariableStructureSize, 0, 0 },
    { sStatus,   0, 0, 3, 0 },
};

bool VirtioConsoleUserClient::initWithTask(task_t owningTask, void *securityToken, UInt32 type,
                                           OSDictionary *properties)
{
    if (!super::initWithTask(owningTask, securityToken, type, properties))
        return false;
    fPort = kNoPort;
    fLock = IOLockAlloc();
    return fLock != NULL;
}

bool VirtioConsoleUserClient::start(IOService *provider)
{
    fOwner = OSDynamicCast(VirtioConsoleDevice, provider);
    if (!fOwner || !super::start(provider))
        return false;
    fActive = true;
    return true;
}

void VirtioConsoleUserClient::stop(IOService *provider)
{
    IOLockLock(fLock);
    closePort();
    fActive = false;
    IOLockUnlock(fLock);
    super::stop(provider);
}

IOReturn VirtioConsoleUserClient::clientClose(void)
{
    IOLockLock(fLock);
    closePort();
    fActive = false;
    IOLockUnlock(fLock);
    if (!isInactive())
        terminate();
    return kIOReturnSuccess;
}

IOReturn VirtioConsoleUserClient::clientDied(void)
{
    return clientClose();
}

void VirtioConsoleUserClient::free()
{
    if (fLock)
        IOLockFree(fLock);
    super::free();
}

/* fLock held.  Received bytes nobody read are dropped with the port (vcon_port_close). */
void VirtioConsoleUserClient::closePort()
{
    if (fPort == kNoPort)
        return;
    uint32_t id = fPort;
    (void)fOwner->runConsole([](struct vcon_dev *d, void *p) {
        return vcon_port_close(d, *(uint32_t *)p);
    }, &id);
    fOwner->releasePort(fPort);
    fPort = kNoPort;
}

IOReturn VirtioConsoleUserClient::externalMethod(uint32_t selector, IOExternalMethodArguments *args,
                                                 IOExternalMethodDispatch *dispatch, OSObject *target,
                                                 void *reference)
{
    (void)dispatch;
    (void)target;
    (void)reference;
    return dispatchLocked(this, fLock, &fActive, sMethods, kVconUcSelectorCount, selector, args);
}

IOReturn VirtioConsoleUserClient::sOpenPort(OSObject *t, void *, IOExternalMethodArguments *a)
{ return static_cast<VirtioConsoleUserClient *>(t)->openPort(a); }
IOReturn VirtioConsoleUserClient::sRead(OSObject *t, void *, IOExternalMethodArguments *a)
{ return static_cast<VirtioConsoleUserClient *>(t)->readPort(a); }
IOReturn VirtioConsoleUserClient::sWrite(OSObject *t, void *, IOExternalMethodArguments *a)
{ return static_cast<VirtioConsoleUserClient *>(t)->writePort(a); }
IOReturn VirtioConsoleUserClient::sStatus(OSObject *t, void *, IOExternalMethodArguments *a)
{ return static_cast<VirtioConsoleUserClient *>(t)->status(a); }

struct OpenCall { char name[VCON_NAME_MAX + 1]; uint32_t id; };

/* The name is copied into a zeroed buffer: never trusted to be terminated. */
IOReturn VirtioConsoleUserClient::openPort(IOExternalMethodArguments *a)
{
    OpenCall c;
    bzero(&c, sizeof(c));
    if (fPort != kNoPort)
        return kIOReturnBusy;                 /* this client has a port already */
    if (a->structureInputDescriptor || a->structureInputSize == 0 || a->structureInputSize > VCON_NAME_MAX)
        return kIOReturnBadArgument;
    bcopy(a->structureInput, c.name, a->structureInputSize);
    int st = fOwner->runConsole([](struct vcon_dev *d, void *p) {
        OpenCall *c = (OpenCall *)p;
        return vcon_find_port(d, c->name, kVconUcFindTimeoutMs, &c->id);
    }, &c);
    if (st != VGPU_OK)
        return ucReturn(st);
    if (!fOwner->claimPort(c.id))
        return kIOReturnBusy;                 /* another agent has it */
    st = fOwner->runConsole([](struct vcon_dev *d, void *p) {
        return vcon_port_open(d, ((OpenCall *)p)->id);
    }, &c);
    if (st != VGPU_OK) {
        fOwner->releasePort(c.id);
        return ucReturn(st);
    }
    fPort = c.id;
    a->scalarOutput[0] = c.id;
    return kIOReturnSuccess;
}

struct IoCall { uint32_t id; void *buf; size_t len; size_t got; };

IOReturn VirtioConsoleUserClient::readPort(IOExternalMethodArguments *a)
{
    if (fPort == kNoPort)
        return kIOReturnNotReady;             /* no kVconUcOpenPort yet */
    if (a->structureOutputDescriptor || !a->structureOutput)
        return kIOReturnBadArgument;          /* inline only: at most kVconUcMaxChunk a call */
    IoCall c = { fPort, a->structureOutput, a->structureOutputSize, 0 };
    if (c.len > kVconUcMaxChunk)
        c.len = kVconUcMaxChunk;
    int st = fOwner->runConsole([](struct vcon_dev *d, void *p) {
        IoCall *c = (IoCall *)p;
        return vcon_read(d, c->id, c->buf, c->len, &c->got);
    }, &c);
    a->structureOutputSize = st == VGPU_OK ? (uint32_t)c.got : 0;
    return ucReturn(st);
}

IOReturn VirtioConsoleUserClient::writePort(IOExternalMethodArguments *a)
{
    if (fPort == kNoPort)
        return kIOReturnNotReady;             /* no kVconUcOpenPort yet */
    if (a->structureInputDescriptor || a->structureInputSize == 0 || a->structureInputSize > kVconUcMaxChunk)
        return kIOReturnBadArgument;
    IoCall c = { fPort, const_cast<void *>(a->structureInput), a->structureInputSize, 0 };
    int st = fOwner->runConsole([](struct vcon_dev *d, void *p) {
        IoCall *c = (IoCall *)p;
        return vcon_write(d, c->id, c->buf, c->len);
    }, &c);
    return ucReturn(st);
}

struct StatusCall { uint32_t id; struct vcon_port_info info; bool broken; };

IOReturn VirtioConsoleUserClient::status(IOExternalMethodArguments *a)
{
    if (fPort == kNoPort)
        return kIOReturnNotReady;             /* no kVconUcOpenPort yet */
    StatusCall c;
    bzero(&c, sizeof(c));
    c.id = fPort;
    int st = fOwner->runConsole([](struct vcon_dev *d, void *p) {
        StatusCall *c = (StatusCall *)p;
        vcon_poll(d);
        c->broken = vcon_needs_reset(d);
        return vcon_port_info(d, c->id, &c->info);
    }, &c);
    a->scalarOutput[0] = c.info.host_open;
    a->scalarOutput[1] = c.info.rx_pending;
    a->scalarOutput[2] = c.broken;
    return ucReturn(st);
}
