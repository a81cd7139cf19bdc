/*
 * fake_world.hpp — the test's handle on the stand-in kernel: virtual clock, device address space,
 * interrupt delivery, timers, the kernel log, and the bookkeeping that turns kernel-API misuse
 * (wrong IOFree size, sleeping outside the gate, a lock taken twice, objects leaked) into test
 * failures.
 */
#ifndef FAKE_WORLD_HPP
#define FAKE_WORLD_HPP

#include <string>

#include "fake_pci.hpp"
#include "fake_userclient.hpp"

namespace fake {

void reset();                           /* a fresh world; call before each test */

/* ---- clock (ns; mach_absolute_time counts in ns here) ---- */
uint64_t now();
void advance(uint64_t ns);

/* ---- device address space ---- */
void *dmaMap(void *ctx, uint64_t addr, uint64_t len);  /* the sim's map callback */
void  setDmaChunkPages(uint32_t pages);  /* IODMACommand hands out mappings in chunks (0: whole) */
void  setContiguousLimit(uint64_t bytes);/* bigger contiguous allocations fail (0: no limit) */
uint32_t dmaChunkPages();
uint64_t contiguousLimit();
void *physToHost(uint64_t phys, uint64_t len);  /* what a CPU mapping of a physical range sees */
uint64_t hostToPhys(const void *p);
uint64_t newIova(uint64_t len);          /* a fresh device address range, gaps between ranges */
void registerDma(uint64_t iova, void *host, uint64_t len);
void unregisterDma(uint64_t iova);

/* ---- the work loop: device progress and interrupt delivery ---- */
void setPci(IOPCIDevice *pci);          /* whose interrupts the work loop delivers */
bool pump();                            /* device work + interrupts; true if anything happened */
/* A slow device: the commands the sim holds (sim_fault_hold_next) are answered by the first pump
 * at or after `ns` on the clock (0: never). */
void answerHeldAt(uint64_t ns);
unsigned fireTimers();                  /* every armed timer fires once; returns how many */
uint64_t nextTimerUS();                 /* the shortest armed timeout, 0 when none is armed */
void registerTimer(IOTimerEventSource *t, bool add);

/* ---- other threads: what runs while a kernel thread sleeps in IOSleep ---- */
typedef void (*SleepHook)(void *ctx);
void setSleepHook(SleepHook hook, void *ctx);   /* NULL: nothing else runs */
uint64_t sleeps();                               /* IOSleep calls so far */
unsigned gateDepth();                            /* actions running in any command gate */
void gateEnter(int delta);                       /* IOCommandGate::runAction's bookkeeping */
void sleepFor(uint64_t ns);                      /* IOSleep */

/* ---- bookkeeping ---- */
void noteObject(int delta);
void noteMalloc(void *p, size_t size);
bool noteFree(void *p, size_t size);
void violation(const char *what);
unsigned violations();
const std::string &lastViolation();
long liveObjects();
size_t liveMallocs();
size_t liveDma();

/* ---- classes (OSMetaClass's table, xnu-6153.11.26 libkern/c++/OSMetaClass.cpp:853-873) ----
 * A class whose name is already loaded is refused ("is a duplicate") and its kext fails. */
bool loadClass(const char *name);
bool classLoaded(const char *name);

/* ---- boot arguments (PE_parse_boot_argn): a flag is present when it is a word of `args` ---- */
void setBootArgs(const char *args);

/* ---- spinlocks: nothing may block while one is held (the kernel panics: "preemption
 * disabled").  IOFramebuffer holds its OSSpinLock cursorSema around the driver's cursor calls
 * (IOGraphics-600 IOFramebuffer.cpp:689-699 SETSEMA/CLEARSEMA, 5047-5059 _setCursorState). */
void spinlockEnter();
void spinlockExit();
void mayBlock(const char *what);           /* a violation when a spinlock is held */

/* ---- other threads at a release: the stand-in for a timer thread running between two
 * statements of a teardown.  While on, every OSObject::release then fires the timers whose
 * work loop is not gated, as a timer thread could at that moment (after the object went). */
void setTimersFireOnRelease(bool on);

/* ---- work-loop event sources other than timers (IOInterruptEventSource::interruptOccurred) */
void registerSource(IOInterruptEventSource *s, bool add);
unsigned runSources();                      /* pending sources run once; returns how many */

/* ---- power management (xnu-6153.11.26 iokit/Kernel/IOServicePM.cpp): only a service that
 * called registerPowerDriver (1098) is a power driver, and only a power driver is asked to
 * setPowerState (driverSetPowerState, 3985-4004).  System sleep takes the tree below `root` to
 * state 0, children before parents; wake takes it to each driver's highest state, parents first. */
void powerTree(IOService *root, bool wake);

void logLine(const char *text);
const std::string &log();
bool logContains(const char *needle);

}  // namespace fake

#endif /* FAKE_WORLD_HPP */
