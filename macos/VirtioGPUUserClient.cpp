/*
 * VirtioGPUUserClient.cpp — user-space entry to the 3D core.  Nothing from user space reaches the
 * core unchecked: the dispatch table fixes every count and struct size, each handler checks the
 * values, and a context or resource id must be one this client created.  User space never names
 * memory by address: it maps buffers the kernel allocated (clientMemoryForType) and passes
 * offsets into them.  Core calls run in the provider's gate (runCore); fence waits are sliced so
 * that the display path is never held off for long.
 */
#include "VirtioGPUUserClient.hpp"
#if VGPU_HAVE_USER_CLIENT

OSDefineMetaClassAndStructors(VirtioGPUUserClient, IOUserClient);

static const uint32_t kWaitSliceMs = 2;
static const uint32_t kMaxSegs = 65536;

static IOReturn toIOReturn(int st)
{
    switch (st) {
    case VGPU_OK:            return kIOReturnSuccess;
    case VGPU_E_INVAL:       return kIOReturnBadArgument;
    case VGPU_E_NOMEM:       return kIOReturnNoMemory;
    case VGPU_E_TIMEOUT:     return kIOReturnTimeout;
    case VGPU_E_BUSY:        return kIOReturnBusy;
    case VGPU_E_UNSUPPORTED: return kIOReturnUnsupported;
    case VGPU_E_NODEV:       return kIOReturnNoDevice;
    default:                 return kIOReturnIOError;   /* device error, protocol, broken */
    }
}

/* ---- shared memory: wired, mappable by the client, with device segments ---- */

static void sharedFree(VirtioGPUUserClient::SharedMem *m)
{
    if (m->dma) {
        m->dma->clearMemoryDescriptor(true);
        m->dma->release();
    }
    if (m->mem) {
        m->mem->complete();
        m->mem->release();
    }
    if (m->segs)
        IOFree(m->segs, m->segCap * sizeof(m->segs[0]));
    bzero(m, sizeof(*m));
}

static IOReturn sharedSegments(VirtioGPUUserClient::SharedMem *m)
{
    UInt64 offset = 0;
    while (offset < m->size) {
        IODMACommand::Segment64 seg;
        UInt32 n = 1;
        IOReturn ret = m->dma->gen64IOVMSegments(&offset, &seg, &n);
        if (ret != kIOReturnSuccess || n != 1 || seg.fLength == 0)
            return ret != kIOReturnSuccess ? ret : kIOReturnInternalError;
        struct vgpu_dma_seg *last = m->nsegs ? &m->segs[m->nsegs - 1] : NULL;
        if (last && last->addr + last->len == seg.fIOVMAddr) {
            last->len += seg.fLength;
        } else if (m->nsegs == m->segCap) {
            return kIOReturnNoResources;
        } else {
            m->segs[m->nsegs].addr = seg.fIOVMAddr;
            m->segs[m->nsegs].len = seg.fLength;
            m->nsegs++;
        }
    }
    return kIOReturnSuccess;
}

/* Pages, not physically contiguous: the core takes any segment list. */
static IOReturn sharedAlloc(uint64_t size, VirtioGPUUserClient::SharedMem *m)
{
    bzero(m, sizeof(*m));
    m->size = round_page_64(size);
    m->segCap = (uint32_t)min(m->size / PAGE_SIZE, (uint64_t)kMaxSegs);
    m->segs = (struct vgpu_dma_seg *)IOMalloc(m->segCap * sizeof(m->segs[0]));
    m->mem = IOBufferMemoryDescriptor::inTaskWithOptions(kernel_task,
        kIODirectionInOut | kIOMemoryKernelUserShared, m->size, PAGE_SIZE);
    IOReturn ret = m->segs && m->mem ? m->mem->prepare() : kIOReturnNoMemory;
    if (ret == kIOReturnSuccess) {
        bzero(m->mem->getBytesNoCopy(), m->size);   /* never hand old kernel memory to user space */
        m->dma = IODMACommand::withSpecification(kIODMACommandOutputHost64, 64, 0,
                                                 IODMACommand::kMapped, 0, 1);
        ret = m->dma ? m->dma->setMemoryDescriptor(m->mem, true) : kIOReturnNoMemory;
    }
    if (ret == kIOReturnSuccess)
        ret = sharedSegments(m);
    if (ret != kIOReturnSuccess) {
        if (m->dma && ret != kIOReturnNoMemory)
            m->dma->clearMemoryDescriptor(true);
        sharedFree(m);
    }
    return ret;
}

/* ---- lifetime ---- */

bool VirtioGPUUserClient::initWithTask(task_t owningTask, void *securityToken, UInt32 type,
                                       OSDictionary *properties)
{
    if (!super::initWithTask(owningTask, securityToken, type, properties))
        return false;
    fDevice = NULL;
    bzero(&fCommands, sizeof(fCommands));
    bzero(fContexts, sizeof(fContexts));
    bzero(fResources, sizeof(fResources));
    fLock = IOLockAlloc();
    return fLock != NULL;
}

bool VirtioGPUUserClient::start(IOService *provider)
{
    fDevice = OSDynamicCast(VirtioGPUDevice, provider);
    if (!fDevice || !super::start(provider))
        return false;
    return sharedAlloc(kCommandBytes, &fCommands) == kIOReturnSuccess;
}

void VirtioGPUUserClient::releaseAll()
{
    IOLockLock(fLock);
    for (unsigned i = 0; i < kMaxResources; i++) {
        if (fResources[i].id)
            (void)core([](struct vgpu_dev *d, void *a) { return vgpu3d_resource_destroy(d, *(uint32_t *)a); },
                       &fResources[i].id);
        sharedFree(&fResources[i].backing);   /* the device no longer has it: destroyed or reset */
        fResources[i].id = 0;
    }
    for (unsigned i = 0; i < kMaxContexts; i++) {
        if (fContexts[i])
            (void)core([](struct vgpu_dev *d, void *a) { return vgpu3d_ctx_destroy(d, *(uint32_t *)a); },
                       &fContexts[i]);
        fContexts[i] = 0;
    }
    IOLockUnlock(fLock);
}

IOReturn VirtioGPUUserClient::clientClose()
{
    releaseAll();
    if (!isInactive())
        terminate();
    return kIOReturnSuccess;
}

IOReturn VirtioGPUUserClient::clientDied()
{
    return clientClose();
}

void VirtioGPUUserClient::stop(IOService *provider)
{
    releaseAll();
    super::stop(provider);
}

void VirtioGPUUserClient::free()
{
    sharedFree(&fCommands);
    if (fLock)
        IOLockFree(fLock);
    super::free();
}

int VirtioGPUUserClient::core(VirtioGPUDevice::CoreFn fn, void *arg)
{
    return fDevice ? fDevice->runCore(fn, arg) : VGPU_E_NODEV;
}

bool VirtioGPUUserClient::ownsContext(uint32_t ctx) const
{
    for (unsigned i = 0; ctx && i < kMaxContexts; i++)
        if (fContexts[i] == ctx)
            return true;
    return false;
}

VirtioGPUUserClient::Resource *VirtioGPUUserClient::ownedResource(uint32_t res)
{
    for (unsigned i = 0; res && i < kMaxResources; i++)
        if (fResources[i].id == res)
            return &fResources[i];
    return NULL;
}

/* ---- dispatch: IOKit checks these counts and sizes before any handler runs ---- */

const IOExternalMethodDispatch VirtioGPUUserClient::sMethods[kVgpuUcSelectorCount] = {
    { sCapsetInfo,      1, 0, 3, 0 },
    { sGetCapset,       2, 0, 0, kIOUCVariableStructureSize },
    { sCtxCreate,       0, kIOUCVariableStructureSize, 1, 0 },
    { sCtxDestroy,      1, 0, 0, 0 },
    { sResourceCreate,  1, sizeof(VgpuUcResource), 2, 0 },
    { sResourceDestroy, 1, 0, 0, 0 },
    { sCtxAttach,       2, 0, 0, 0 },
    { sCtxDetach,       2, 0, 0, 0 },
    { sSubmit,          4, 0, 1, 0 },
    { sFenceWait,       3, 0, 0, 0 },
    { sTransfer,        0, sizeof(VgpuUcTransfer), 1, 0 },
};

IOReturn VirtioGPUUserClient::externalMethod(uint32_t selector, IOExternalMethodArguments *args,
                                             IOExternalMethodDispatch *dispatch, OSObject *target,
                                             void *reference)
{
    if (selector >= kVgpuUcSelectorCount)
        return kIOReturnBadArgument;
    dispatch = const_cast<IOExternalMethodDispatch *>(&sMethods[selector]);
    target = this;
    reference = NULL;
    IOLockLock(fLock);
    IOReturn ret = super::externalMethod(selector, args, dispatch, target, reference);
    IOLockUnlock(fLock);
    return ret;
}

#define TRAMPOLINE(name, method) \
    IOReturn VirtioGPUUserClient::name(OSObject *t, void *, IOExternalMethodArguments *a) \
    { return static_cast<VirtioGPUUserClient *>(t)->method; }
TRAMPOLINE(sCapsetInfo, capsetInfo(a))
TRAMPOLINE(sGetCapset, getCapset(a))
TRAMPOLINE(sCtxCreate, ctxCreate(a))
TRAMPOLINE(sCtxDestroy, ctxDestroy(a))
TRAMPOLINE(sResourceCreate, resourceCreate(a))
TRAMPOLINE(sResourceDestroy, resourceDestroy(a))
TRAMPOLINE(sCtxAttach, ctxAttachDetach(a, true))
TRAMPOLINE(sCtxDetach, ctxAttachDetach(a, false))
TRAMPOLINE(sSubmit, submit(a))
TRAMPOLINE(sFenceWait, fenceWait(a))
TRAMPOLINE(sTransfer, transfer(a))

/* Scalars arrive as 64-bit: anything that does not fit the core's 32-bit field is refused. */
static bool scalar32(const IOExternalMethodArguments *a, unsigned i, uint32_t *out)
{
    if (a->scalarInput[i] > UINT32_MAX)
        return false;
    *out = (uint32_t)a->scalarInput[i];
    return true;
}

/* ---- capsets ---- */

struct CapsetInfoCall { uint32_t index; struct vgpu3d_capset_info info; };

IOReturn VirtioGPUUserClient::capsetInfo(IOExternalMethodArguments *a)
{
    CapsetInfoCall c;
    if (!scalar32(a, 0, &c.index) || c.index >= VGPU3D_MAX_CAPSETS)
        return kIOReturnBadArgument;
    int st = core([](struct vgpu_dev *d, void *p) {
        CapsetInfoCall *c = (CapsetInfoCall *)p;
        return vgpu3d_capset_info(d, c->index, &c->info);
    }, &c);
    if (st == VGPU_OK) {
        a->scalarOutput[0] = c.info.id;
        a->scalarOutput[1] = c.info.max_version;
        a->scalarOutput[2] = c.info.max_size;
    }
    return toIOReturn(st);
}

struct GetCapsetCall { uint32_t id, version; void *buf; uint32_t cap, len; };

/* Into a kernel buffer first, then out: inline when it fits, else through the output descriptor. */
IOReturn VirtioGPUUserClient::getCapset(IOExternalMethodArguments *a)
{
    GetCapsetCall c = { 0, 0, NULL, VGPU3D_CAPSET_MAX_SIZE, 0 };
    uint64_t room = a->structureOutputDescriptor ? a->structureOutputDescriptor->getLength()
                                                 : a->structureOutputSize;
    if (!scalar32(a, 0, &c.id) || !scalar32(a, 1, &c.version) || room == 0)
        return kIOReturnBadArgument;
    if (!(c.buf = IOMalloc(c.cap)))
        return kIOReturnNoMemory;
    int st = core([](struct vgpu_dev *d, void *p) {
        GetCapsetCall *c = (GetCapsetCall *)p;
        return vgpu3d_get_capset(d, c->id, c->version, c->buf, c->cap, &c->len);
    }, &c);
    IOReturn ret = toIOReturn(st);
    if (ret == kIOReturnSuccess && c.len > room)
        ret = kIOReturnNoSpace;
    else if (ret == kIOReturnSuccess && a->structureOutputDescriptor)
        ret = a->structureOutputDescriptor->writeBytes(0, c.buf, c.len) == c.len ? kIOReturnSuccess : kIOReturnIOError;
    else if (ret == kIOReturnSuccess)
        bcopy(c.buf, a->structureOutput, c.len);
    if (ret == kIOReturnSuccess)
        a->structureOutputSize = c.len;
    IOFree(c.buf, c.cap);
    return ret;
}

/* ---- contexts ---- */

struct CtxCreateCall { char name[VGPU3D_NAME_MAX + 1]; uint32_t ctx; };

IOReturn VirtioGPUUserClient::ctxCreate(IOExternalMethodArguments *a)
{
    CtxCreateCall c;
    unsigned slot = 0;
    bzero(&c, sizeof(c));
    if (a->structureInputSize > VGPU3D_NAME_MAX || (a->structureInputSize && !a->structureInput))
        return kIOReturnBadArgument;
    bcopy(a->structureInput, c.name, a->structureInputSize);   /* not trusted to be terminated */
    while (slot < kMaxContexts && fContexts[slot])
        slot++;
    if (slot == kMaxContexts)
        return kIOReturnNoResources;
    int st = core([](struct vgpu_dev *d, void *p) {
        CtxCreateCall *c = (CtxCreateCall *)p;
        return vgpu3d_ctx_create(d, c->name, &c->ctx);
    }, &c);
    if (st == VGPU_OK) {
        fContexts[slot] = c.ctx;
        a->scalarOutput[0] = c.ctx;
    }
    return toIOReturn(st);
}

IOReturn VirtioGPUUserClient::ctxDestroy(IOExternalMethodArguments *a)
{
    uint32_t ctx;
    if (!scalar32(a, 0, &ctx) || !ownsContext(ctx))
        return kIOReturnBadArgument;
    int st = core([](struct vgpu_dev *d, void *p) { return vgpu3d_ctx_destroy(d, *(uint32_t *)p); }, &ctx);
    for (unsigned i = 0; i < kMaxContexts; i++)   /* gone either way: the core forgot it */
        if (fContexts[i] == ctx)
            fContexts[i] = 0;
    return toIOReturn(st);
}

struct CtxResCall { uint32_t ctx, res; };

IOReturn VirtioGPUUserClient::ctxAttachDetach(IOExternalMethodArguments *a, bool attach)
{
    CtxResCall c;
    if (!scalar32(a, 0, &c.ctx) || !scalar32(a, 1, &c.res) || !ownsContext(c.ctx) || !ownedResource(c.res))
        return kIOReturnBadArgument;
    int st = attach
        ? core([](struct vgpu_dev *d, void *p) { CtxResCall *c = (CtxResCall *)p; return vgpu3d_ctx_attach(d, c->ctx, c->res); }, &c)
        : core([](struct vgpu_dev *d, void *p) { CtxResCall *c = (CtxResCall *)p; return vgpu3d_ctx_detach(d, c->ctx, c->res); }, &c);
    return toIOReturn(st);
}

/* ---- resources ---- */

struct ResCreateCall { struct vgpu3d_resource_desc desc; const struct vgpu_dma_seg *segs; uint32_t nsegs, id; };

IOReturn VirtioGPUUserClient::resourceCreate(IOExternalMethodArguments *a)
{
    const VgpuUcResource *in = (const VgpuUcResource *)a->structureInput;
    ResCreateCall c;
    unsigned slot = 0;
    uint64_t backing = a->scalarInput[0];
    if (!in || backing > kMaxBackingBytes)
        return kIOReturnBadArgument;
    while (slot < kMaxResources && fResources[slot].id)
        slot++;
    if (slot == kMaxResources)
        return kIOReturnNoResources;
    Resource *r = &fResources[slot];
    if (backing && sharedAlloc(backing, &r->backing) != kIOReturnSuccess)
        return kIOReturnNoMemory;
    c.desc = { in->target, in->format, in->bind, in->width, in->height, in->depth, in->array_size,
               in->last_level, in->nr_samples, in->flags };   /* the core checks every field */
    c.segs = r->backing.segs;
    c.nsegs = r->backing.nsegs;
    int st = core([](struct vgpu_dev *d, void *p) {
        ResCreateCall *c = (ResCreateCall *)p;
        return vgpu3d_resource_create(d, &c->desc, c->segs, c->nsegs, &c->id);
    }, &c);
    if (st != VGPU_OK) {
        sharedFree(&r->backing);
        return toIOReturn(st);
    }
    r->id = c.id;
    a->scalarOutput[0] = c.id;
    a->scalarOutput[1] = kVgpuUcMemResource + slot;
    return kIOReturnSuccess;
}

IOReturn VirtioGPUUserClient::resourceDestroy(IOExternalMethodArguments *a)
{
    uint32_t res;
    Resource *r;
    if (!scalar32(a, 0, &res) || !(r = ownedResource(res)))
        return kIOReturnBadArgument;
    int st = core([](struct vgpu_dev *d, void *p) { return vgpu3d_resource_destroy(d, *(uint32_t *)p); }, &res);
    sharedFree(&r->backing);   /* the host detached it (or a reset took it): no DMA can reach it */
    r->id = 0;
    return toIOReturn(st);
}

/* ---- submission, fences, transfers ---- */

struct SubmitCall { uint32_t ctx, size; const struct vgpu_dma_seg *segs; uint32_t nsegs; uint64_t fence; bool fenced; };

/*
 * The stream is [offset, offset + size) of the shared command buffer: the segment list is cut to
 * start at `offset` in a temporary copy.  While a fenced submit is in flight user space must leave
 * that range alone (a change only garbles its own context's commands, the host checks them).
 */
IOReturn VirtioGPUUserClient::submit(IOExternalMethodArguments *a)
{
    uint64_t offset = a->scalarInput[1], size = a->scalarInput[2], flags = a->scalarInput[3];
    SubmitCall c = { 0, 0, NULL, 0, 0, (flags & kVgpuUcSubmitFenced) != 0 };
    if (!scalar32(a, 0, &c.ctx) || !ownsContext(c.ctx) || (flags & ~(uint64_t)kVgpuUcSubmitFenced) ||
        size < 4 || size > VGPU3D_MAX_SUBMIT || size % 4 || offset % 4 || offset > fCommands.size ||
        size > fCommands.size - offset)
        return kIOReturnBadArgument;
    struct vgpu_dma_seg *segs = (struct vgpu_dma_seg *)IOMalloc(fCommands.nsegs * sizeof(segs[0]));
    if (!segs)
        return kIOReturnNoMemory;
    uint32_t n = 0;
    for (uint32_t i = 0; i < fCommands.nsegs; i++) {
        struct vgpu_dma_seg s = fCommands.segs[i];
        if (offset >= s.len) {
            offset -= s.len;
            continue;
        }
        segs[n].addr = s.addr + offset;
        segs[n++].len = s.len - offset;
        offset = 0;
    }
    c.size = (uint32_t)size;
    c.segs = segs;
    c.nsegs = n;
    int st = core([](struct vgpu_dev *d, void *p) {
        SubmitCall *c = (SubmitCall *)p;
        return vgpu3d_submit(d, c->ctx, c->segs, c->nsegs, c->size, c->fenced ? &c->fence : NULL);
    }, &c);
    IOFree(segs, fCommands.nsegs * sizeof(segs[0]));
    a->scalarOutput[0] = st == VGPU_OK ? c.fence : 0;
    return toIOReturn(st);
}

struct FenceCall { uint32_t ctx; uint64_t fence; };

/* Short waits in the gate, sleeps outside it: the display keeps running while a client waits. */
IOReturn VirtioGPUUserClient::fenceWait(IOExternalMethodArguments *a)
{
    FenceCall c;
    uint32_t timeout;
    if (!scalar32(a, 0, &c.ctx) || !ownsContext(c.ctx) || !scalar32(a, 2, &timeout) || timeout > kMaxWaitMs)
        return kIOReturnBadArgument;
    c.fence = a->scalarInput[1];
    for (uint32_t waited = 0;; waited += kWaitSliceMs) {
        int st = core([](struct vgpu_dev *d, void *p) {
            FenceCall *c = (FenceCall *)p;
            return vgpu3d_fence_wait(d, c->ctx, c->fence, 0);
        }, &c);
        if (st != VGPU_E_TIMEOUT || waited >= timeout)
            return toIOReturn(st);
        IOLockUnlock(fLock);   /* other threads of this client may submit meanwhile */
        IOSleep(kWaitSliceMs);
        IOLockLock(fLock);
        if (!ownsContext(c.ctx))
            return kIOReturnAborted;   /* destroyed by another thread while we slept */
    }
}

struct TransferCall { uint32_t ctx, res; bool toHost, fenced; struct vgpu3d_transfer t; uint64_t fence; };

IOReturn VirtioGPUUserClient::transfer(IOExternalMethodArguments *a)
{
    const VgpuUcTransfer *in = (const VgpuUcTransfer *)a->structureInput;
    TransferCall c;
    if (!in || !ownsContext(in->ctx) || !ownedResource(in->res) || in->fenced > 1 ||
        (in->direction != kVgpuUcToHost && in->direction != kVgpuUcFromHost))
        return kIOReturnBadArgument;
    c.ctx = in->ctx;
    c.res = in->res;
    c.toHost = in->direction == kVgpuUcToHost;
    c.fenced = in->fenced;
    c.t = { in->x, in->y, in->z, in->w, in->h, in->d, in->level, in->stride, in->layer_stride, in->offset };
    c.fence = 0;
    int st = core([](struct vgpu_dev *d, void *p) {   /* the core checks box, level and backing span */
        TransferCall *c = (TransferCall *)p;
        uint64_t *fence = c->fenced ? &c->fence : NULL;
        return c->toHost ? vgpu3d_transfer_to_host(d, c->ctx, c->res, &c->t, fence)
                         : vgpu3d_transfer_from_host(d, c->ctx, c->res, &c->t, fence);
    }, &c);
    a->scalarOutput[0] = c.fence;
    return toIOReturn(st);
}

/* ---- memory user space maps ---- */

IOReturn VirtioGPUUserClient::clientMemoryForType(UInt32 type, IOOptionBits *options, IOMemoryDescriptor **memory)
{
    IOBufferMemoryDescriptor *mem = NULL;
    IOLockLock(fLock);
    if (type == kVgpuUcMemCommands)
        mem = fCommands.mem;
    else if (type >= kVgpuUcMemResource && type < kVgpuUcMemResource + kMaxResources &&
             fResources[type - kVgpuUcMemResource].id)
        mem = fResources[type - kVgpuUcMemResource].backing.mem;
    if (mem)
        mem->retain();   /* the caller (IOKit) releases it after mapping */
    IOLockUnlock(fLock);
    if (!mem)
        return kIOReturnBadArgument;
    *options = 0;
    *memory = mem;
    return kIOReturnSuccess;
}

#endif /* VGPU_HAVE_USER_CLIENT */
