/*
 * fake_world.cpp — state of the stand-in kernel (see fake_world.hpp) and the kernel functions
 * (IOLog, IOMalloc, IOLock, mach time, OSObject lifetime).
 */
#include <stdio.h>
#include <stdlib.h>

#include <map>
#include <set>

#include "fake_world.hpp"
#include "pexpert/pexpert.h"

extern "C" {
#include "../../../sim/sim.h"
}

task_t kernel_task = reinterpret_cast<task_t>(0x1);

namespace fake {
namespace {

struct DmaRange { void *host; uint64_t len; };

struct World {
    uint64_t clock = 1000000000ull;
    std::map<uint64_t, DmaRange> dma;       /* by device address */
    uint64_t nextIova = 0x40000000000ull;   /* far from host pointers and "physical" addresses */
    uint32_t chunkPages = 0;
    uint64_t contiguousLimit = 0;
    IOPCIDevice *pci = NULL;
    std::set<IOTimerEventSource *> timers;
    std::map<void *, size_t> mallocs;
    long objects = 0;
    unsigned violations = 0;
    std::string lastViolation;
    std::string log;
    uint64_t heldAnsweredAt = 0;            /* 0: the device never answers what it holds */
    SleepHook sleepHook = NULL;
    void *sleepCtx = NULL;
    uint64_t sleeps = 0;
    unsigned gateDepth = 0;
    std::string bootArgs;
    unsigned spinDepth = 0;
    bool timersOnRelease = false;
    bool inReleaseHook = false;
    std::set<IOInterruptEventSource *> sources;
};

/* Loaded classes outlive reset(): like the kernel's table, they stay for the process. */
std::set<std::string> &classTable()
{
    static std::set<std::string> *t = new std::set<std::string>;
    return *t;
}

World *w = new World;

}  // namespace

/* "Physical" addresses are host addresses moved by a constant, so they never work as pointers. */
static const uint64_t kPhysOffset = 0x7000000000000ull;

void reset()
{
    delete w;
    w = new World;
}

uint64_t now() { return w->clock; }
void advance(uint64_t ns) { w->clock += ns; }

void *dmaMap(void *ctx, uint64_t addr, uint64_t len)
{
    (void)ctx;
    auto it = w->dma.upper_bound(addr);
    if (it == w->dma.begin())
        return NULL;
    --it;
    uint64_t off = addr - it->first;
    if (off > it->second.len || len > it->second.len - off)
        return NULL;
    return static_cast<uint8_t *>(it->second.host) + off;
}

void setDmaChunkPages(uint32_t pages) { w->chunkPages = pages; }
void setContiguousLimit(uint64_t bytes) { w->contiguousLimit = bytes; }
uint64_t contiguousLimit() { return w->contiguousLimit; }
uint32_t dmaChunkPages() { return w->chunkPages; }

uint64_t hostToPhys(const void *p) { return (uint64_t)(uintptr_t)p + kPhysOffset; }

void *physToHost(uint64_t phys, uint64_t len)
{
    (void)len;
    return reinterpret_cast<void *>((uintptr_t)(phys - kPhysOffset));
}

uint64_t newIova(uint64_t len)
{
    uint64_t iova = w->nextIova;
    w->nextIova += ((len + 0xfff) & ~0xfffull) + 0x10000;   /* a gap after every range */
    return iova;
}

void registerDma(uint64_t iova, void *host, uint64_t len) { w->dma[iova] = DmaRange{ host, len }; }

void unregisterDma(uint64_t iova)
{
    if (!w->dma.erase(iova))
        violation("unregistering an unknown DMA range");
}

void setPci(IOPCIDevice *pci) { w->pci = pci; }

void answerHeldAt(uint64_t ns) { w->heldAnsweredAt = ns; }

bool pump()
{
    bool did = runSources() > 0;
    if (w->heldAnsweredAt && now() >= w->heldAnsweredAt && w->pci && w->pci->fakeSim) {
        w->heldAnsweredAt = 0;
        did |= sim_release_held(w->pci->fakeSim) > 0;
    }
    if (w->pci && w->pci->fakeSim && sim_work_pending(w->pci->fakeSim))
        did |= sim_run(w->pci->fakeSim) > 0;
    if (w->pci)
        did |= w->pci->fakeDeliverInterrupts() > 0;
    return did;
}

void registerTimer(IOTimerEventSource *t, bool add)
{
    if (add)
        w->timers.insert(t);
    else
        w->timers.erase(t);
}

/* Run each event source of `live` once, skipping one that an earlier action removed (freed). */
template <class Source> static unsigned runEach(const std::set<Source *> &live, bool (Source::*run)())
{
    std::set<Source *> now(live);
    unsigned ran = 0;
    for (Source *s : now)
        if (live.count(s) && (s->*run)())
            ran++;
    return ran;
}

unsigned fireTimers() { return runEach(w->timers, &IOTimerEventSource::fakeFire); }

uint64_t nextTimerUS()
{
    uint64_t best = 0;
    for (IOTimerEventSource *t : w->timers)
        if (t->fakeArmed() && (!best || t->fakeTimeoutUS() < best))
            best = t->fakeTimeoutUS();
    return best;
}

void setSleepHook(SleepHook hook, void *ctx)
{
    w->sleepHook = hook;
    w->sleepCtx = ctx;
}

uint64_t sleeps() { return w->sleeps; }
unsigned gateDepth() { return w->gateDepth; }
void gateEnter(int delta) { w->gateDepth += delta; }

/* A sleeping thread lets time pass, the device work, and other threads run. */
void sleepFor(uint64_t ns)
{
    w->sleeps++;
    advance(ns);
    pump();
    if (w->sleepHook)
        w->sleepHook(w->sleepCtx);
}

void noteObject(int delta) { w->objects += delta; }

void noteMalloc(void *p, size_t size) { w->mallocs[p] = size; }

bool noteFree(void *p, size_t size)
{
    auto it = w->mallocs.find(p);
    if (it == w->mallocs.end()) {
        violation("IOFree of memory IOMalloc did not return");
        return false;
    }
    if (it->second != size)
        violation("IOFree with a size other than IOMalloc's");
    w->mallocs.erase(it);
    return true;
}

void violation(const char *what)
{
    w->violations++;
    w->lastViolation = what;
    fprintf(stderr, "fake kernel: %s\n", what);
}

unsigned violations() { return w->violations; }
const std::string &lastViolation() { return w->lastViolation; }
long liveObjects() { return w->objects; }
size_t liveMallocs() { return w->mallocs.size(); }
size_t liveDma() { return w->dma.size(); }

bool loadClass(const char *name)
{
    return classTable().insert(name).second;
}

bool classLoaded(const char *name) { return classTable().count(name) != 0; }

void setBootArgs(const char *args) { w->bootArgs = args ? args : ""; }

static bool bootArgPresent(const char *name)
{
    std::string words = " " + w->bootArgs + " ";
    return words.find(" " + std::string(name) + " ") != std::string::npos;
}

void spinlockEnter() { w->spinDepth++; }
void spinlockExit() { w->spinDepth--; }

void mayBlock(const char *what)
{
    if (w->spinDepth)
        violation((std::string(what) + " with a spinlock held (the kernel panics)").c_str());
}

void setTimersFireOnRelease(bool on) { w->timersOnRelease = on; }

static void releaseHook()
{
    if (!w->timersOnRelease || w->inReleaseHook || w->gateDepth)
        return;
    w->inReleaseHook = true;
    fireTimers();
    w->inReleaseHook = false;
}

void registerSource(IOInterruptEventSource *s, bool add)
{
    if (add)
        w->sources.insert(s);
    else
        w->sources.erase(s);
}

unsigned runSources() { return runEach(w->sources, &IOInterruptEventSource::fakeRun); }

void logLine(const char *text)
{
    w->log += text;
    if (getenv("KEXT_TEST_LOG"))
        fputs(text, stderr);
}

const std::string &log() { return w->log; }
bool logContains(const char *needle) { return w->log.find(needle) != std::string::npos; }

}  // namespace fake

/* ---- kernel functions ---- */

void IOLog(const char *format, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof(line), format, ap);
    va_end(ap);
    fake::logLine(line);
}

void *IOMalloc(size_t size)
{
    fake::mayBlock("IOMalloc");
    void *p = malloc(size ? size : 1);
    if (p)
        fake::noteMalloc(p, size);
    return p;
}

void IOSleep(unsigned milliseconds)
{
    fake::mayBlock("IOSleep");
    fake::sleepFor(milliseconds * 1000000ull);
}

void IOFree(void *p, size_t size)
{
    if (p && fake::noteFree(p, size))
        free(p);
}

struct fake_lock { bool held; };

IOLock *IOLockAlloc(void) { return new fake_lock{ false }; }

void IOLockFree(IOLock *lock)
{
    if (lock->held)
        fake::violation("IOLockFree of a held lock");
    delete lock;
}

void IOLockLock(IOLock *lock)
{
    fake::mayBlock("IOLockLock");
    if (lock->held)
        fake::violation("IOLockLock of a lock already held (single thread: a deadlock)");
    lock->held = true;
}

void IOLockUnlock(IOLock *lock)
{
    if (!lock->held)
        fake::violation("IOLockUnlock of a lock not held");
    lock->held = false;
}

IOSimpleLock *IOSimpleLockAlloc(void) { return new fake_lock{ false }; }
void IOSimpleLockFree(IOSimpleLock *lock) { IOLockFree(lock); }

void IOSimpleLockLock(IOSimpleLock *lock)
{
    if (lock->held)
        fake::violation("IOSimpleLockLock of a lock already held (single thread: a deadlock)");
    lock->held = true;
    fake::spinlockEnter();
}

void IOSimpleLockUnlock(IOSimpleLock *lock)
{
    if (!lock->held)
        fake::violation("IOSimpleLockUnlock of a lock not held");
    lock->held = false;
    fake::spinlockExit();
}

extern "C" boolean_t PE_parse_boot_argn(const char *arg_string, void *arg_ptr, int max_arg)
{
    (void)arg_ptr;
    (void)max_arg;
    return fake::bootArgPresent(arg_string);
}

extern "C" {
uint64_t mach_absolute_time(void) { return fake::now(); }
void absolutetime_to_nanoseconds(uint64_t abstime, uint64_t *result) { *result = abstime; }
void nanoseconds_to_absolutetime(uint64_t nanoseconds, uint64_t *result) { *result = nanoseconds; }
}

/* ---- OSObject ---- */

void *OSObject::operator new(size_t size)
{
    void *p = calloc(1, size);   /* kernel objects start zeroed */
    if (!p)
        abort();
    return p;
}

void OSObject::operator delete(void *p) { ::free(p); }

OSObject::OSObject() : refs(1) { fake::noteObject(+1); }
OSObject::~OSObject() { fake::noteObject(-1); }

void OSObject::release() const
{
    if (refs <= 0) {
        fake::violation("release of an object with no references");
        return;
    }
    static int depth = 0;   /* releases inside a free() are not the moment the caller sees */
    depth++;
    if (--refs == 0)
        const_cast<OSObject *>(this)->free();
    if (--depth == 0)
        fake::releaseHook();
}

void OSObject::free() { delete this; }

/* ---- containers ---- */

static OSBoolean sTrue(true), sFalse(false);
OSBoolean *const kOSBooleanTrue = &sTrue;
OSBoolean *const kOSBooleanFalse = &sFalse;

OSData *OSData::withBytes(const void *bytes, unsigned int length)
{
    OSData *d = new OSData;
    d->bytes_ = malloc(length ? length : 1);
    memcpy(d->bytes_, bytes, length);
    d->length_ = length;
    return d;
}

void OSData::free()
{
    ::free(bytes_);
    OSObject::free();
}

OSArray *OSArray::withObjects(const OSObject *objects[], unsigned int count, unsigned int)
{
    if (count > sizeof(items_) / sizeof(items_[0]))
        return NULL;
    OSArray *a = new OSArray;
    for (unsigned int i = 0; i < count; i++) {
        objects[i]->retain();
        a->items_[a->count_++] = const_cast<OSObject *>(objects[i]);
    }
    return a;
}

void OSArray::free()
{
    for (unsigned int i = 0; i < count_; i++)
        items_[i]->release();
    OSObject::free();
}

OSDictionary *OSDictionary::withCapacity(unsigned int) { return new OSDictionary; }

bool OSDictionary::setObject(const char *key, const OSObject *object)
{
    if (!key || !object || count_ == sizeof(entries_) / sizeof(entries_[0]))
        return false;
    for (unsigned i = 0; i < count_; i++) {
        if (!strcmp(entries_[i].key, key)) {
            object->retain();
            entries_[i].value->release();
            entries_[i].value = const_cast<OSObject *>(object);
            return true;
        }
    }
    object->retain();
    entries_[count_++] = Entry{ key, const_cast<OSObject *>(object) };
    return true;
}

OSObject *OSDictionary::getObject(const char *key) const
{
    for (unsigned i = 0; i < count_; i++)
        if (!strcmp(entries_[i].key, key))
            return entries_[i].value;
    return NULL;
}

void OSDictionary::free()
{
    for (unsigned i = 0; i < count_; i++)
        entries_[i].value->release();
    OSObject::free();
}
