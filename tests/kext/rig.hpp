/*
 * rig.hpp — one test's machine: the software device behind a stand-in IOPCIDevice, the kext's
 * provider started on it as IOKit would, and the checks every test ends with (nothing leaked, no
 * kernel-API misuse, no driver mistake seen by the device, the device left reset and unowned).
 */
#ifndef KEXT_TEST_RIG_HPP
#define KEXT_TEST_RIG_HPP

#include <map>
#include <string>

#include "VirtioGPU.hpp"
#include "VirtioGPUFramebuffer.hpp"
#include "fake_world.hpp"

extern "C" {
#include "../../sim/sim.h"
}

struct Rig {
    struct sim_config cfg;      /* adjust before rigBoot */
    bool offerMsi = true;
    bool bootDisplay = false;   /* the PCI device carries AAPL,boot-display */
    IOService *pciOwner = NULL; /* another driver that has the PCI device open before ours starts */
    std::map<std::string, uint64_t> driverProps;   /* personality numbers the driver starts with */
    void (*onDevice)(struct sim *) = NULL;   /* runs once the device is made, before the driver sees it */
    struct sim *sim = NULL;
    IOPCIDevice *pci = NULL;
    VirtioGPUDevice *dev = NULL;
    bool started = false;
};

void rigInit(Rig *r);                      /* fresh world, QEMU-like default device */
bool rigBoot(Rig *r);                      /* init, attach, start: what IOKit matching does */
void rigMakeDevice(Rig *r);                /* the software device behind a stand-in IOPCIDevice */
bool rigStartDriver(Rig *r, IOService *driver);   /* init, attach, start (detached on failure) */
VirtioGPUFramebuffer *rigFb(Rig *r, unsigned i);   /* the provider's i-th client, if a framebuffer */
unsigned rigFbCount(Rig *r);
void rigTerminate(Rig *r);                 /* clients stop and detach first, then the provider */
/* Everything released and reset; returns the number of problems (each printed). */
unsigned rigFinish(Rig *r);

/* cmocka setup/teardown: a fresh rig in *state; rigFinish, failing the test on any problem. */
int rigTestSetup(void **state);
int rigTestTeardown(void **state);

/* A reference picture, independent of the driver: a hash of (x, y, seed), top byte zero. */
uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed);

#endif /* KEXT_TEST_RIG_HPP */
