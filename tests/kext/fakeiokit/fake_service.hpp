/*
 * fake_service.hpp — stand-in IOService, power-management types, IOWorkLoop and the event
 * sources (command gate, filter interrupt, timer).  Single-threaded: a command gate runs actions
 * directly; commandSleep lets the fake "work loop" run (device work, interrupt delivery, virtual
 * time) until a wakeup or the deadline, which is what the real gate release allows.
 */
#ifndef FAKE_SERVICE_HPP
#define FAKE_SERVICE_HPP

#include <map>
#include <string>
#include <vector>

#include "fake_types.hpp"

class OSDictionary;
class IOWorkLoop;
class IOUserClient;

/* ---- power management ---- */
struct IOPMPowerState {
    unsigned long version;
    unsigned long capabilityFlags;
    unsigned long outputPowerCharacter;
    unsigned long inputPowerRequirement;
    unsigned long staticPower, unbudgetedPower, powerToAttain, timeToAttain, settleUpTime,
        timeToLower, settleDownTime, powerDomainBudget;
};
enum { kIOPMPowerStateVersion1 = 1, kIOPMAckImplied = 0 };
enum { kIOPMPowerOn = 0x00000002, kIOPMDeviceUsable = 0x00008000 };

/* As in the real headers, init(OSDictionary *) hides OSObject::init(). */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Woverloaded-virtual"
class IOService : public OSObject {
public:
    virtual bool init(OSDictionary *dictionary = NULL);
    virtual IOService *probe(IOService *provider, SInt32 *score);
    virtual bool start(IOService *provider);
    virtual void stop(IOService *provider);
    virtual bool attach(IOService *provider);
    virtual void detach(IOService *provider);
    virtual IOWorkLoop *getWorkLoop() const;
    virtual IOReturn getInterruptType(int source, int *interruptType);
    virtual IOReturn setPowerState(unsigned long powerStateOrdinal, IOService *whatDevice);
    virtual bool open(IOService *forClient, IOOptionBits options = 0, void *arg = NULL);
    virtual void close(IOService *forClient, IOOptionBits options = 0);
    virtual void registerService(IOOptionBits options = 0);
    virtual void PMinit(void);
    virtual void PMstop(void);
    virtual void joinPMtree(IOService *driver);
    virtual IOReturn registerPowerDriver(IOService *controllingDriver, IOPMPowerState *states,
                                         unsigned long numberOfStates);
    virtual IOReturn changePowerStateTo(unsigned long ordinal);
    virtual void temporaryPowerClampOn(void);
    virtual IOReturn acknowledgeSetPowerState(void);
    unsigned long getPowerState(void) const { return fakePowerState; }
    /* As in XNU: the 5-argument form (what IOServiceOpen calls) tries the 4-argument one. */
    virtual IOReturn newUserClient(task_t owningTask, void *securityID, UInt32 type,
                                   OSDictionary *properties, IOUserClient **handler);
    virtual IOReturn newUserClient(task_t owningTask, void *securityID, UInt32 type,
                                   IOUserClient **handler);
    virtual bool terminate(IOOptionBits options = 0);
    bool isInactive(void) const { return fakeInactive; }

    IOService *getProvider() const { return provider_; }
    uint64_t getRegistryEntryID() const { return (uint64_t)(uintptr_t)this; }
    bool setProperty(const char *key, unsigned long long number, unsigned int numberOfBits);
    bool setProperty(const char *key, OSObject *object);
    void removeProperty(const char *key);
    virtual IOReturn messageClients(UInt32 type, void *argument = 0, vm_size_t argSize = 0);
    std::vector<UInt32> fakeMessages;      /* messageClients types, in order */
    OSObject *getProperty(const char *key) const;

    /* ---- fake-only observation ---- */
    bool fakeRegistered = false;
    bool fakeInactive = false;
    bool fakeStarted = false;
    bool fakePMInited = false;
    IOService *fakePMParent = NULL;        /* who called joinPMtree(this) */
    unsigned long fakePowerStates = 0;     /* registerPowerDriver count */
    unsigned long fakePowerState = 0;      /* the ordinal PM last set (0 until it sets one) */
    unsigned long fakePowerWanted = 0;     /* changePowerStateTo */
    std::vector<IOService *> fakeClients;  /* attached children, in order */
    IOService *fakeOpenedBy = NULL;
    bool fakeGetNumber(const char *key, uint64_t *value) const;

protected:
    void free() override;

private:
    IOService *provider_ = NULL;
    std::map<std::string, OSObject *> properties_;
};
#pragma clang diagnostic pop

/* ---- work loop and event sources ---- */
class IOEventSource : public OSObject {
public:
    virtual void enable() { enabled_ = true; }
    virtual void disable() { enabled_ = false; }
    bool isEnabled() const { return enabled_; }
    OSObject *owner() const { return owner_; }
    IOWorkLoop *fakeLoop = NULL;

protected:
    OSObject *owner_ = NULL;
    bool enabled_ = true;
};

class IOWorkLoop : public OSObject {
public:
    typedef IOReturn (*Action)(OSObject *target, void *arg0, void *arg1, void *arg2, void *arg3);
    static IOWorkLoop *workLoop();
    /* Runs once no event source's action is running (single threaded here: at once). */
    virtual IOReturn runAction(Action action, OSObject *target, void *arg0 = NULL, void *arg1 = NULL,
                               void *arg2 = NULL, void *arg3 = NULL);
    virtual IOReturn addEventSource(IOEventSource *source);
    virtual IOReturn removeEventSource(IOEventSource *source);
    virtual bool onThread() const { return false; }
    size_t fakeSourceCount() const { return sources_.size(); }

protected:
    void free() override;

private:
    std::vector<IOEventSource *> sources_;
};

class IOCommandGate : public IOEventSource {
public:
    typedef IOReturn (*Action)(OSObject *owner, void *arg0, void *arg1, void *arg2, void *arg3);
    static IOCommandGate *commandGate(OSObject *owner, Action action = NULL);
    virtual IOReturn runAction(Action action, void *arg0 = NULL, void *arg1 = NULL,
                               void *arg2 = NULL, void *arg3 = NULL);
    virtual IOReturn commandSleep(void *event, UInt32 interruptible = THREAD_UNINT);
    virtual IOReturn commandSleep(void *event, AbsoluteTime deadline, UInt32 interruptible);
    virtual void commandWakeup(void *event, bool oneThread = false);
    bool fakeInside() const { return depth_ > 0; }

private:
    int depth_ = 0;
    std::vector<void *> sleeping_;
    std::vector<void *> woken_;
    IOReturn sleepUntil(void *event, uint64_t deadline_ns, bool hasDeadline);
};

class IOInterruptEventSource : public IOEventSource {
public:
    typedef void (*Action)(OSObject *owner, IOInterruptEventSource *sender, int count);
    /* A software-triggered source: interruptOccurred from any context, the action runs later
     * on the work loop, once for any number of triggers (IOInterruptEventSource.cpp). */
    static IOInterruptEventSource *interruptEventSource(OSObject *owner, Action action,
                                                        IOService *provider = NULL, int intIndex = 0);
    virtual void interruptOccurred(void *nub, IOService *provider, int source);
    Action fakeAction = NULL;
    IOService *fakeProvider = NULL;
    int fakeIndex = 0;
    bool fakeRun();           /* the work loop runs the action if triggered, enabled and added */

protected:
    void free() override;

private:
    unsigned pending_ = 0;
};

class IOFilterInterruptEventSource : public IOInterruptEventSource {
public:
    typedef bool (*Filter)(OSObject *owner, IOFilterInterruptEventSource *sender);
    static IOFilterInterruptEventSource *filterInterruptEventSource(
        OSObject *owner, IOInterruptEventSource::Action action, Filter filter,
        IOService *provider, int intIndex = 0);
    void enable() override;
    void disable() override;
    /* What the kernel does on an interrupt: filter at primary level, then the action. */
    bool fakeInterrupt();

protected:
    void free() override;

private:
    Filter filter_ = NULL;
};

class IOTimerEventSource : public IOEventSource {
public:
    typedef void (*Action)(OSObject *owner, IOTimerEventSource *sender);
    static IOTimerEventSource *timerEventSource(OSObject *owner, Action action = NULL);
    virtual IOReturn setTimeoutMS(UInt32 ms);
    virtual IOReturn setTimeoutUS(UInt32 us);
    virtual void cancelTimeout();
    bool fakeArmed() const { return armed_; }
    uint64_t fakeTimeoutUS() const { return timeoutUS_; }
    /* Run the action if armed (what the timer thread does when the timeout passes). */
    bool fakeFire();

protected:
    void free() override;

private:
    Action action_ = NULL;
    bool armed_ = false;
    uint64_t timeoutUS_ = 0;
};

#endif /* FAKE_SERVICE_HPP */
