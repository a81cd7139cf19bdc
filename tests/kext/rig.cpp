/*
 * rig.cpp — see rig.hpp.
 */
#include <stdio.h>

#include "rig.hpp"

static Rig *gRig;   /* the running test's */

/*
 * When the provider closes the core its clients have gone, so the host must hold none of their 3D
 * objects: the core's close would destroy leftovers unseen (linked with --wrap, mk/macos.mk).
 * Objects behind a command the device never answered are not the shell's to release.
 */
static bool g3dLeftAtClose;
extern "C" {
void __real_vgpu_close(struct vgpu_dev *dev);
void __wrap_vgpu_close(struct vgpu_dev *dev)
{
    struct sim_3d_view v;
    if (gRig && gRig->sim && sim_held_count(gRig->sim) == 0) {
        sim_3d(gRig->sim, &v);
        g3dLeftAtClose |= v.contexts || v.resources;
    }
    __real_vgpu_close(dev);
}
}

void rigInit(Rig *r)
{
    gRig = r;
    g3dLeftAtClose = false;
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
    if (g3dLeftAtClose)
        n += problem("3D objects left on the host when the core closed");
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
