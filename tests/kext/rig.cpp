/*
 * rig.cpp — see rig.hpp.
 */
#include <stdio.h>

#include "rig.hpp"

void rigInit(Rig *r)
{
    fake::reset();
    *r = Rig();
    sim_default_config(&r->cfg);
}

void rigMakeDevice(Rig *r)
{
    r->sim = sim_create(&r->cfg, fake::dmaMap, NULL);
    if (r->onDevice)
        r->onDevice(r->sim);
    r->pci = IOPCIDevice::fakeWithSim(r->sim, r->offerMsi);
    if (r->bootDisplay)
        r->pci->setProperty("AAPL,boot-display", 1, 32);
    fake::setPci(r->pci);
}

bool rigStartDriver(Rig *r, IOService *driver)
{
    if (!driver->init() || !driver->attach(r->pci))
        return false;
    bool started = driver->start(r->pci);
    if (!started)
        driver->detach(r->pci);
    return started;
}

bool rigBoot(Rig *r)
{
    rigMakeDevice(r);
    if (r->pciOwner && !r->pci->open(r->pciOwner))
        return false;
    r->dev = OSTypeAlloc(VirtioGPUDevice);
    for (const auto &kv : r->driverProps)
        r->dev->setProperty(kv.first.c_str(), kv.second, 32);
    r->started = rigStartDriver(r, r->dev);
    return r->started;
}

VirtioGPUFramebuffer *rigFb(Rig *r, unsigned i)
{
    if (!r->dev || i >= r->dev->fakeClients.size())
        return NULL;
    return dynamic_cast<VirtioGPUFramebuffer *>(r->dev->fakeClients[i]);
}

unsigned rigFbCount(Rig *r)
{
    unsigned n = 0;
    for (unsigned i = 0; r->dev && i < r->dev->fakeClients.size(); i++)
        n += rigFb(r, i) != NULL;
    return n;
}

void rigTerminate(Rig *r)
{
    if (!r->started)
        return;
    r->dev->terminate();   /* user clients and framebuffers stop and detach first */
    r->started = false;
}

static unsigned problem(const char *what)
{
    fprintf(stderr, "rig: %s\n", what);
    return 1;
}

unsigned rigFinish(Rig *r)
{
    unsigned n = 0;
    rigTerminate(r);
    if (r->dev) {
        if (r->dev->getRetainCount() != 1)
            n += problem("the provider is still referenced after termination");
        OSSafeReleaseNULL(r->dev);
    }
    if (r->pci) {
        if (r->pci->fakeOpenedBy)
            n += problem("the PCI device is still open");
        if (r->pci->fakeLiveMaps)
            n += problem("BAR mappings not released");
        if (sim_pci_command(r->sim) & kIOPCICommandBusMaster)
            n += problem("bus mastering left on");
        if (r->pci->fakeHandler[0] || r->pci->fakeHandler[1])
            n += problem("interrupt handler left registered");
        if (sim_device_status(r->sim) != 0)
            n += problem("device not reset");
        if (sim_stats(r->sim)->driver_errors)
            n += problem(sim_last_driver_error(r->sim));
        if (sim_stats(r->sim)->live_resources)
            n += problem("host resources left on the device");
        OSSafeReleaseNULL(r->pci);
    }
    fake::setPci(NULL);
    if (r->sim)
        sim_destroy(r->sim);
    r->sim = NULL;
    apertureDrainForUnload();   /* the kext unloads: the apertures it kept go now */
    if (fake::liveObjects())
        n += problem("OSObjects leaked");
    if (fake::liveMallocs())
        n += problem("IOMalloc blocks leaked");
    if (fake::liveDma())
        n += problem("DMA mappings leaked");
    if (fake::violations())
        n += problem(fake::lastViolation().c_str());
    return n;
}

uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed)
{
    uint32_t h = x * 0x9E3779B1u ^ (y + 0x7F4A7C15u) * 0x85EBCA77u ^ seed * 0xC2B2AE3Du;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    return h & 0x00FFFFFFu;
}

int rigTestSetup(void **state)
{
    Rig *r = new Rig;
    rigInit(r);
    *state = r;
    return 0;
}

int rigTestTeardown(void **state)
{
    Rig *r = static_cast<Rig *>(*state);
    unsigned problems = rigFinish(r);
    delete r;
    return problems ? -1 : 0;
}
