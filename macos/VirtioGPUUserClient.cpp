/*
 * VirtioGPUUserClient.cpp — the 3D user client's lifetime and its id tables: what it owns on the
 * device, how that is released (destroy, close, stop, device reset), and the shared memory user
 * space maps.  The selectors are in VirtioGPUUserClientMethods.cpp.
 *
 * Locking: fLock serialises this client's calls (a fence wait drops it while it sleeps and looks
 * again afterwards); every core call runs in the provider's gate via core().
 */
#include "VirtioGPUUserClient.hpp"

OSDefineMetaClassAndStructors(VirtioGPUUserClient, IOUserClient);

static const uint32_t kWaitSliceMs = 2;

IOReturn vgpuUcReturn(int st)
{
    switch (st) {
    case VGPU_OK:                     return kIOReturnSuccess;
    case VirtioGPUDevice::kCoreStale: return kIOReturnAborted;   /* the device was reset: ids gone */
    case VGPU_E_INVAL:                return kIOReturnBadArgument;
    case VGPU_E_NOMEM:                return kIOReturnNoMemory;
    case VGPU_E_TIMEOUT:              return kIOReturnTimeout;
    case VGPU_E_BUSY:                 return kIOReturnBusy;
    case VGPU_E_UNSUPPORTED:          return kIOReturnUnsupported;
    case VGPU_E_NODEV:                return kIOReturnNoDevice;
    default:                          return kIOReturnIOError;   /* device error, protocol, broken */
    }
}

/* ---- lifetime ---- */

/* The type is checked here too: IOService's generic path (IOUserClientClass) would not check it. */
bool VirtioGPUUserClient::initWithTask(task_t owningTask, void *securityToken, UInt32 type,
                                       OSDictionary *properties)
{
    if (type != kVgpuUcConnectType || !super::initWithTask(owningTask, securityToken, type, properties))
        return false;
    fLock = IOLockAlloc();
    return fLock != NULL;
}

bool VirtioGPUUserClient::start(IOService *provider)
{
    VirtioGPUDevice *dev = OSDynamicCast(VirtioGPUDevice, provider);
    if (!dev || !dev->reserveShared(kCommandBytes))
        return false;
    if (dmaBlockAllocShared(kCommandBytes, &fCommands) != kIOReturnSuccess || !super::start(provider)) {
        dmaBlockFree(&fCommands);
        dev->releaseShared(kCommandBytes);
        return false;
    }
    fDevice = dev;
    uc3d_init(&fClient, dev->coreEpoch());
    fOpen = true;
    return true;
}

/* No new calls from here on; stop() (after terminate) finishes what a racing thread started. */
IOReturn VirtioGPUUserClient::clientClose()
{
    IOLockLock(fLock);
    fOpen = false;
    if (fDevice)
        releaseAll();
    IOLockUnlock(fLock);
    if (!isInactive())
        terminate();
    return kIOReturnSuccess;
}

IOReturn VirtioGPUUserClient::clientDied()
{
    return clientClose();
}

/* Before the provider stops (we are its client): after this nothing here touches it. */
void VirtioGPUUserClient::stop(IOService *provider)
{
    IOLockLock(fLock);
    fOpen = false;
    if (fDevice) {
        releaseAll();
        unmapFromUser(fCommands.mem);   /* the device only ever read it: no need to retire it */
        dmaBlockFree(&fCommands);
        fDevice->releaseShared(kCommandBytes);
        fDevice->userClientStopped();
        fDevice = NULL;
    }
    IOLockUnlock(fLock);
    super::stop(provider);
}

void VirtioGPUUserClient::free()
{
    if (fLock)
        IOLockFree(fLock);
    super::free();
}

/* ---- the core, and the ids this client owns ---- */

/*
 * A reset since our epoch killed every id we hold: the call did not run, we drop them all, and
 * the caller learns of it (kIOReturnAborted).  Holding nothing, there is nothing to learn: the
 * call runs in the new epoch (core/gpu3d/uc3d.c keeps the ids and decides which).
 */
int VirtioGPUUserClient::core(VirtioGPUDevice::CoreFn fn, void *arg)
{
    if (!fDevice)
        return VGPU_E_NODEV;
    int st = fDevice->runCoreSince(fClient.epoch, fn, arg);
    if (st != VirtioGPUDevice::kCoreStale)
        return st;
    bool held = uc3d_reset_seen(&fClient, fDevice->coreEpoch(), sDropBlock, this);
    return held ? st : fDevice->runCoreSince(fClient.epoch, fn, arg);
}

/* Mappings go with the memory: no process keeps wired memory (or a view of it) past a destroy. */
void VirtioGPUUserClient::unmapFromUser(IOMemoryDescriptor *mem)
{
    IOMemoryMap *map;
    while (mem && (map = removeMappingForDescriptor(mem)) != NULL) {
        map->unmap();
        map->release();
    }
}

/* deviceDone false: the device may still write the backing, so the provider keeps it until a reset. */
void VirtioGPUUserClient::sDropBlock(void *self, struct uc3d_res *r, bool deviceDone)
{
    VirtioGPUUserClient *me = static_cast<VirtioGPUUserClient *>(self);
    DmaBlock *block = static_cast<DmaBlock *>(r->backing);
    me->unmapFromUser(block->mem);
    if (deviceDone) {
        me->fDevice->releaseShared(block->size);
        dmaBlockFree(block);
    } else {
        me->fDevice->retireShared(block);
    }
}

void VirtioGPUUserClient::dropBacking(struct uc3d_res *r, bool deviceDone)
{
    uc3d_drop_res(r, deviceDone, sDropBlock, this);
}

/* The core forgets the context whatever the device answers; BUSY: the gate refused, it never ran. */
int VirtioGPUUserClient::destroyContext(uint32_t ctx)
{
    int st = core([](struct vgpu_dev *d, void *p) { return vgpu3d_ctx_destroy(d, *(uint32_t *)p); }, &ctx);
    if (st != VGPU_E_BUSY)
        uc3d_forget_ctx(&fClient, ctx);
    return st;
}

/* BUSY: the gate refused, the core never ran and still has the resource. */
int VirtioGPUUserClient::destroyResource(struct uc3d_res *r)
{
    uint32_t id = r->id;
    int st = core([](struct vgpu_dev *d, void *p) { return vgpu3d_resource_destroy(d, *(uint32_t *)p); }, &id);
    if (st != VGPU_E_BUSY && st != VirtioGPUDevice::kCoreStale)
        dropBacking(r, uc3d_settled(st));   /* unsettled: the device may still hold the memory */
    return st;
}

/*
 * Sliced: a look in the gate, then a sleep outside the gate and outside fLock, so that the display
 * and this client's other threads go on.  *budgetMs shrinks by the time slept.
 */
IOReturn VirtioGPUUserClient::waitFence(uint32_t ctx, uint64_t fence, uint32_t *budgetMs)
{
    struct FenceCall { uint32_t ctx; uint64_t fence; } c = { ctx, fence };
    for (;;) {
        int st = core([](struct vgpu_dev *d, void *p) {
            FenceCall *c = (FenceCall *)p;
            return vgpu3d_fence_wait(d, c->ctx, c->fence, 0);
        }, &c);
        if (st != VGPU_E_TIMEOUT || *budgetMs == 0)
            return vgpuUcReturn(st);
        uint32_t slice = min(kWaitSliceMs, *budgetMs);
        IOLockUnlock(fLock);
        IOSleep(slice);
        IOLockLock(fLock);
        *budgetMs -= slice;
        if (!fDevice || !uc3d_owns_ctx(&fClient, ctx))
            return kIOReturnAborted;   /* destroyed, closed or stopped while we slept */
    }
}

struct FencesCall { uint32_t ctx; uint64_t submitted, completed; };

/*
 * Before a destroy: the core would wait for the context's queued work in the gate, holding off
 * the display.  Wait here instead; kIOReturnAborted if the context went meanwhile.
 */
IOReturn VirtioGPUUserClient::drainContext(uint32_t ctx, uint32_t *budgetMs)
{
    FencesCall c = { ctx, 0, 0 };
    int st = core([](struct vgpu_dev *d, void *p) {
        FencesCall *c = (FencesCall *)p;
        return vgpu3d_ctx_fences(d, c->ctx, &c->submitted, &c->completed);
    }, &c);
    if (st != VGPU_OK || c.completed >= c.submitted)
        return vgpuUcReturn(st);
    return waitFence(ctx, c.submitted, budgetMs);
}

/* Close and stop.  A resource the core still holds (the gate refused) goes with the core's close. */
void VirtioGPUUserClient::releaseAll()
{
    uint32_t budget = kMaxWaitMs;   /* for all contexts together */
    for (unsigned i = 0; i < kMaxContexts && budget; i++)
        if (fClient.ctx[i])
            (void)drainContext(fClient.ctx[i], &budget);
    for (unsigned i = 0; fDevice && i < kMaxContexts; i++) {
        if (fClient.ctx[i])
            (void)destroyContext(fClient.ctx[i]);
        fClient.ctx[i] = 0;
    }
    for (unsigned i = 0; fDevice && i < kMaxResources; i++)
        if (fClient.res[i].id && destroyResource(&fClient.res[i]) == VGPU_E_BUSY)
            dropBacking(&fClient.res[i], false);
}

/* ---- memory user space maps ---- */

/* Type 0: the command buffer; 0x100 + n: resource backing n, only while that resource lives. */
IOReturn VirtioGPUUserClient::clientMemoryForType(UInt32 type, IOOptionBits *options, IOMemoryDescriptor **memory)
{
    IOBufferMemoryDescriptor *mem = NULL;
    IOLockLock(fLock);
    if (fOpen && type == kVgpuUcMemCommands)
        mem = fCommands.mem;
    else if (fOpen && type >= kVgpuUcMemResource && type < kVgpuUcMemResource + kMaxResources &&
             fClient.res[type - kVgpuUcMemResource].id)
        mem = fBacking[type - kVgpuUcMemResource].mem;
    if (mem)
        mem->retain();   /* IOKit releases it once the mapping holds it */
    IOLockUnlock(fLock);
    if (!mem)
        return kIOReturnBadArgument;
    *options = 0;
    *memory = mem;
    return kIOReturnSuccess;
}
