/*
 * fake_service.cpp — IOService, IOWorkLoop and the event sources of the stand-in kernel.
 */
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>

#include "fake_world.hpp"

/* ---- IOService ---- */

bool IOService::init(OSDictionary *dictionary)
{
    (void)dictionary;
    return OSObject::init();
}

/* The base probe accepts (xnu-6153.11.26 iokit/Kernel/IOService.cpp:623). */
IOService *IOService::probe(IOService *, SInt32 *) { return this; }

bool IOService::start(IOService *provider)
{
    if (provider != provider_)
        fake::violation("start() with a provider it is not attached to");
    fakeStarted = true;
    return true;
}

void IOService::stop(IOService *provider)
{
    (void)provider;
    fakeStarted = false;
}

/* The registry holds a reference on both ends of an attachment, as IORegistryEntry does. */
bool IOService::attach(IOService *provider)
{
    if (provider_ || !provider || provider->fakeInactive)   /* IOKit refuses an inactive provider */
        return false;
    provider_ = provider;
    provider->retain();
    retain();
    provider->fakeClients.push_back(this);
    return true;
}

void IOService::detach(IOService *provider)
{
    if (provider != provider_) {
        fake::violation("detach() from a provider it is not attached to");
        return;
    }
    auto &c = provider->fakeClients;
    c.erase(std::remove(c.begin(), c.end(), this), c.end());
    provider_ = NULL;
    provider->release();
    release();
}

IOWorkLoop *IOService::getWorkLoop() const { return NULL; }

IOReturn IOService::newUserClient(task_t owningTask, void *securityID, UInt32 type,
                                  OSDictionary *properties, IOUserClient **handler)
{
    (void)properties;
    return newUserClient(owningTask, securityID, type, handler);
}

IOReturn IOService::newUserClient(task_t, void *, UInt32, IOUserClient **) { return kIOReturnUnsupported; }

/* What termination does, at once: inactive, then the clients (leaf first), then this one. */
bool IOService::terminate(IOOptionBits)
{
    if (fakeInactive)
        return false;
    fakeInactive = true;
    while (!fakeClients.empty()) {
        IOService *client = fakeClients.back();
        client->fakeInactive = true;
        client->stop(this);
        client->detach(this);
    }
    if (provider_) {
        IOService *provider = provider_;
        stop(provider);
        detach(provider);
    }
    return true;
}
IOReturn IOService::getInterruptType(int, int *) { return kIOReturnUnsupported; }
IOReturn IOService::setPowerState(unsigned long, IOService *) { return kIOPMAckImplied; }

bool IOService::open(IOService *forClient, IOOptionBits, void *)
{
    if (fakeOpenedBy && fakeOpenedBy != forClient)
        return false;
    fakeOpenedBy = forClient;
    return true;
}

void IOService::close(IOService *forClient, IOOptionBits)
{
    if (fakeOpenedBy != forClient)
        fake::violation("close() by a client that did not open");
    fakeOpenedBy = NULL;
}

void IOService::registerService(IOOptionBits) { fakeRegistered = true; }
void IOService::PMinit(void) { fakePMInited = true; }
void IOService::PMstop(void) { fakePMInited = false; }
void IOService::joinPMtree(IOService *driver) { driver->fakePMParent = this; }

IOReturn IOService::registerPowerDriver(IOService *controllingDriver, IOPMPowerState *states,
                                        unsigned long numberOfStates)
{
    if (!fakePMInited || controllingDriver != this || !states || numberOfStates < 2)
        fake::violation("registerPowerDriver before PMinit or with bad states");
    fakePowerStates = numberOfStates;
    return kIOReturnSuccess;
}

IOReturn IOService::changePowerStateTo(unsigned long ordinal)
{
    fakePowerWanted = ordinal;
    return kIOReturnSuccess;
}

void IOService::temporaryPowerClampOn(void) {}
IOReturn IOService::acknowledgeSetPowerState(void) { return kIOReturnSuccess; }

bool IOService::setProperty(const char *key, unsigned long long number, unsigned int numberOfBits)
{
    OSNumber *n = OSNumber::withNumber(number, numberOfBits);
    bool ok = setProperty(key, n);
    n->release();
    return ok;
}

/* The registry holds its own reference (IORegistryEntry::setProperty). */
bool IOService::setProperty(const char *key, OSObject *object)
{
    if (!object)
        return false;
    object->retain();
    OSObject *&p = properties_[key];
    if (p)
        p->release();
    p = object;
    return true;
}

void IOService::removeProperty(const char *key)
{
    auto it = properties_.find(key);
    if (it == properties_.end())
        return;
    it->second->release();
    properties_.erase(it);
}

/* Delivered to interested clients (IOService.cpp:2004); here recorded in order. */
IOReturn IOService::messageClients(UInt32 type, void *, vm_size_t)
{
    fakeMessages.push_back(type);
    return kIOReturnSuccess;
}

OSObject *IOService::getProperty(const char *key) const
{
    auto it = properties_.find(key);
    return it == properties_.end() ? NULL : it->second;
}

bool IOService::fakeGetNumber(const char *key, uint64_t *value) const
{
    auto it = properties_.find(key);
    OSNumber *n = it == properties_.end() ? NULL : dynamic_cast<OSNumber *>(it->second);
    if (!n)
        return false;
    *value = n->value;
    return true;
}

void IOService::free()
{
    if (provider_)
        fake::violation("freed while still attached");
    for (auto &kv : properties_)
        kv.second->release();
    properties_.clear();
    OSObject::free();
}

/* ---- power tree ---- */

void fake::powerTree(IOService *root, bool wake)
{
    std::vector<IOService *> children(root->fakeClients);
    if (wake && root->fakePowerStates) {
        root->fakePowerState = root->fakePowerStates - 1;
        (void)root->setPowerState(root->fakePowerState, root);
    }
    for (IOService *c : children)
        if (c->fakePMParent == root)
            powerTree(c, wake);
    if (!wake && root->fakePowerStates) {
        (void)root->setPowerState(0, root);
        root->fakePowerState = 0;
    }
}

/* ---- IOWorkLoop ---- */

IOWorkLoop *IOWorkLoop::workLoop() { return new IOWorkLoop; }

/* Takes the loop's gate, so it waits for a running action (xnu-6153.11.26 IOWorkLoop.cpp:564). */
IOReturn IOWorkLoop::runAction(Action action, OSObject *target, void *arg0, void *arg1, void *arg2,
                               void *arg3)
{
    fake::mayBlock("IOWorkLoop::runAction (the work loop's gate is a mutex)");
    return action(target, arg0, arg1, arg2, arg3);
}

IOReturn IOWorkLoop::addEventSource(IOEventSource *source)
{
    if (!source || source->fakeLoop)
        return kIOReturnBadArgument;
    sources_.push_back(source);
    source->retain();
    source->fakeLoop = this;
    return kIOReturnSuccess;
}

IOReturn IOWorkLoop::removeEventSource(IOEventSource *source)
{
    auto it = std::find(sources_.begin(), sources_.end(), source);
    if (it == sources_.end())
        return kIOReturnBadArgument;
    sources_.erase(it);
    source->fakeLoop = NULL;
    source->release();
    return kIOReturnSuccess;
}

void IOWorkLoop::free()
{
    if (!sources_.empty())
        fake::violation("work loop released with event sources still in it");
    OSObject::free();
}

/* ---- IOCommandGate ---- */

IOCommandGate *IOCommandGate::commandGate(OSObject *owner, Action)
{
    IOCommandGate *g = new IOCommandGate;
    g->owner_ = owner;
    return g;
}

IOReturn IOCommandGate::runAction(Action action, void *arg0, void *arg1, void *arg2, void *arg3)
{
    fake::mayBlock("IOCommandGate::runAction (the work loop's gate is a mutex)");
    if (!fakeLoop)
        return kIOReturnNotReady;   /* the real gate needs a work loop */
    depth_++;
    fake::gateEnter(+1);
    IOReturn r = action(owner_, arg0, arg1, arg2, arg3);
    fake::gateEnter(-1);
    depth_--;
    return r;
}

IOReturn IOCommandGate::commandSleep(void *event, UInt32 interruptible)
{
    (void)interruptible;
    return sleepUntil(event, 0, false);
}

IOReturn IOCommandGate::commandSleep(void *event, AbsoluteTime deadline, UInt32 interruptible)
{
    (void)interruptible;
    return sleepUntil(event, deadline, true);
}

/*
 * While the gate is open the work loop runs: the device works and its interrupts are delivered,
 * which may wake this event.  Time passes a little when something happened, else jumps to the
 * deadline.  A sleep with no deadline that nothing can end is a deadlock: abort.
 */
IOReturn IOCommandGate::sleepUntil(void *event, uint64_t deadline, bool hasDeadline)
{
    if (depth_ <= 0) {
        fake::violation("commandSleep outside the gate (the kernel panics)");
        return THREAD_TIMED_OUT;
    }
    woken_.erase(std::remove(woken_.begin(), woken_.end(), event), woken_.end());
    sleeping_.push_back(event);
    IOReturn result = THREAD_TIMED_OUT;
    for (;;) {
        bool did = fake::pump();
        auto it = std::find(woken_.begin(), woken_.end(), event);
        if (it != woken_.end()) {
            woken_.erase(it);
            result = THREAD_AWAKENED;
            break;
        }
        if (!hasDeadline) {
            fprintf(stderr, "fake kernel: commandSleep(%p) with no deadline and nothing to wake it\n",
                    event);
            abort();
        }
        if (fake::now() >= deadline)
            break;
        fake::advance(did ? 1000 : deadline - fake::now());
    }
    sleeping_.erase(std::find(sleeping_.begin(), sleeping_.end(), event));
    return result;
}

void IOCommandGate::commandWakeup(void *event, bool)
{
    if (std::find(sleeping_.begin(), sleeping_.end(), event) != sleeping_.end())
        woken_.push_back(event);
}

/* ---- interrupts ---- */

IOFilterInterruptEventSource *IOFilterInterruptEventSource::filterInterruptEventSource(
    OSObject *owner, IOInterruptEventSource::Action action, Filter filter, IOService *provider,
    int intIndex)
{
    IOPCIDevice *pci = dynamic_cast<IOPCIDevice *>(provider);
    int type = 0;
    if (!pci || !filter || intIndex < 0 || intIndex > 1 ||
        pci->getInterruptType(intIndex, &type) != kIOReturnSuccess || pci->fakeHandler[intIndex])
        return NULL;
    IOFilterInterruptEventSource *s = new IOFilterInterruptEventSource;
    s->owner_ = owner;
    s->fakeAction = action;
    s->filter_ = filter;
    s->fakeProvider = provider;
    s->fakeIndex = intIndex;
    s->enabled_ = false;   /* registered, not enabled, until enable() */
    pci->fakeHandler[intIndex] = s;
    return s;
}

void IOFilterInterruptEventSource::enable()
{
    enabled_ = true;
    IOPCIDevice *pci = static_cast<IOPCIDevice *>(fakeProvider);
    int type = 0;
    if (pci->getInterruptType(fakeIndex, &type) == kIOReturnSuccess &&
        (type & kIOInterruptTypePCIMessaged))
        pci->fakeEnableMsix(true);
}

void IOFilterInterruptEventSource::disable() { enabled_ = false; }

bool IOFilterInterruptEventSource::fakeInterrupt()
{
    if (!enabled_ || !filter_(owner_, this))
        return false;
    if (fakeAction)
        fakeAction(owner_, this, 1);
    return true;
}

void IOFilterInterruptEventSource::free()
{
    IOPCIDevice *pci = static_cast<IOPCIDevice *>(fakeProvider);
    if (pci && pci->fakeHandler[fakeIndex] == this)
        pci->fakeHandler[fakeIndex] = NULL;
    OSObject::free();
}

IOInterruptEventSource *IOInterruptEventSource::interruptEventSource(OSObject *owner, Action action,
                                                                     IOService *provider, int intIndex)
{
    if (provider)
        return NULL;   /* hardware sources: IOFilterInterruptEventSource in this stand-in */
    (void)intIndex;
    IOInterruptEventSource *s = new IOInterruptEventSource;
    s->owner_ = owner;
    s->fakeAction = action;
    fake::registerSource(s, true);
    return s;
}

/* The producer count goes up; the work loop runs the action once for all of them and hands it
 * the count (xnu-6153.11.26 iokit/Kernel/IOInterruptEventSource.cpp:326-386, 506). */
void IOInterruptEventSource::interruptOccurred(void *, IOService *, int) { pending_++; }

bool IOInterruptEventSource::fakeRun()
{
    if (!pending_ || !enabled_ || !fakeLoop || !fakeAction)
        return false;
    int count = (int)pending_;
    pending_ = 0;
    fakeAction(owner_, this, count);
    return true;
}

void IOInterruptEventSource::free()
{
    fake::registerSource(this, false);
    OSObject::free();
}

/* ---- timers ---- */

IOTimerEventSource *IOTimerEventSource::timerEventSource(OSObject *owner, Action action)
{
    IOTimerEventSource *t = new IOTimerEventSource;
    t->owner_ = owner;
    t->action_ = action;
    fake::registerTimer(t, true);
    return t;
}

IOReturn IOTimerEventSource::setTimeoutMS(UInt32 ms) { return setTimeoutUS(ms * 1000u); }

IOReturn IOTimerEventSource::setTimeoutUS(UInt32 us)
{
    armed_ = true;
    timeoutUS_ = us;
    return kIOReturnSuccess;
}

void IOTimerEventSource::cancelTimeout() { armed_ = false; }

bool IOTimerEventSource::fakeFire()
{
    if (!armed_ || !fakeLoop || !action_)
        return false;
    armed_ = false;
    fake::advance(timeoutUS_ * 1000ull);
    action_(owner_, this);
    return true;
}

void IOTimerEventSource::free()
{
    fake::registerTimer(this, false);
    OSObject::free();
}
