/*
 * VirtioGPUUserClientMethods.cpp — the 3D user client's selectors.  Nothing from user space reaches
 * the core unchecked: the dispatch table fixes every count and struct size, each handler checks
 * the values, and a context or resource id must be one this client created.  User space never
 * names memory by address: it maps buffers the kernel allocated and passes offsets into them.
 * Arguments are checked before anything reaches the device, so a bad call gets kIOReturnBadArgument
 * on any device; a good one gets kIOReturnUnsupported where the device has no 3D.
 */
#include "VirtioGPUUserClient.hpp"
#include "UserClientCommon.hpp"

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

/* Our table only, whatever dispatch the caller passed; one call of this client at a time. */
IOReturn VirtioGPUUserClient::externalMethod(uint32_t selector, IOExternalMethodArguments *args,
                                             IOExternalMethodDispatch *dispatch, OSObject *target,
                                             void *reference)
{
    (void)dispatch;
    (void)target;
    (void)reference;
    return dispatchLocked(this, fLock, &fOpen, sMethods, kVgpuUcSelectorCount, selector, args);
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
    return vgpuUcReturn(st);
}

struct GetCapsetCall { uint32_t id, version; void *buf; uint32_t cap, len; };

/* A large output arrives as a descriptor on the caller's pages: wired only while we write. */
static IOReturn writeOut(IOMemoryDescriptor *md, const void *bytes, uint32_t len)
{
    IOReturn ret = md->prepare(kIODirectionIn);
    if (ret != kIOReturnSuccess)
        return ret;
    if (md->writeBytes(0, bytes, len) != len)
        ret = kIOReturnIOError;
    md->complete(kIODirectionIn);
    return ret;
}

/* Into a kernel buffer first, then out: inline when it fits, else through the output descriptor. */
IOReturn VirtioGPUUserClient::getCapset(IOExternalMethodArguments *a)
{
    GetCapsetCall c = { 0, 0, NULL, VGPU3D_CAPSET_MAX_SIZE, 0 };
    IOMemoryDescriptor *md = a->structureOutputDescriptor;
    uint64_t room = md ? md->getLength() : a->structureOutputSize;
    if (!scalar32(a, 0, &c.id) || !scalar32(a, 1, &c.version) || room == 0)
        return kIOReturnBadArgument;
    if (!(c.buf = IOMalloc(c.cap)))
        return kIOReturnNoMemory;
    IOReturn ret = vgpuUcReturn(core([](struct vgpu_dev *d, void *p) {
        GetCapsetCall *c = (GetCapsetCall *)p;
        return vgpu3d_get_capset(d, c->id, c->version, c->buf, c->cap, &c->len);
    }, &c));
    if (ret == kIOReturnSuccess && c.len > room)
        ret = kIOReturnNoSpace;
    else if (ret == kIOReturnSuccess && md)
        ret = writeOut(md, c.buf, c.len);
    else if (ret == kIOReturnSuccess)
        bcopy(c.buf, a->structureOutput, c.len);
    if (ret == kIOReturnSuccess) {   /* the reply carries exactly these bytes */
        a->structureOutputSize = md ? 0 : c.len;
        a->structureOutputDescriptorSize = md ? c.len : 0;
    }
    IOFree(c.buf, c.cap);
    return ret;
}

/* ---- contexts ---- */

struct CtxCreateCall { char name[VGPU3D_NAME_MAX + 1]; uint32_t ctx; };

/* The name is inline only (at most 63 bytes), copied into a zeroed buffer: never trusted to end. */
IOReturn VirtioGPUUserClient::ctxCreate(IOExternalMethodArguments *a)
{
    CtxCreateCall c;
    bzero(&c, sizeof(c));
    if (a->structureInputDescriptor || uc3d_check_name_len(a->structureInputSize) != VGPU_OK ||
        (a->structureInputSize && !a->structureInput))
        return kIOReturnBadArgument;
    if (a->structureInputSize)
        bcopy(a->structureInput, c.name, a->structureInputSize);
    int slot = uc3d_free_ctx_slot(&fClient);
    if (slot < 0)
        return kIOReturnNoResources;
    int st = core([](struct vgpu_dev *d, void *p) {
        CtxCreateCall *c = (CtxCreateCall *)p;
        return vgpu3d_ctx_create(d, c->name, &c->ctx);
    }, &c);
    if (st == VGPU_OK) {
        fClient.ctx[slot] = c.ctx;
        a->scalarOutput[0] = c.ctx;
    }
    return vgpuUcReturn(st);
}

IOReturn VirtioGPUUserClient::ctxDestroy(IOExternalMethodArguments *a)
{
    uint32_t ctx, budget = kMaxWaitMs;
    if (!scalar32(a, 0, &ctx) || !uc3d_owns_ctx(&fClient, ctx))
        return kIOReturnBadArgument;
    if (drainContext(ctx, &budget) == kIOReturnAborted)
        return kIOReturnAborted;   /* gone meanwhile (another thread, close, reset) */
    return vgpuUcReturn(destroyContext(ctx));
}

struct CtxResCall { uint32_t ctx, res; };

IOReturn VirtioGPUUserClient::ctxAttachDetach(IOExternalMethodArguments *a, bool attach)
{
    CtxResCall c;
    if (!scalar32(a, 0, &c.ctx) || !scalar32(a, 1, &c.res) || !uc3d_owns_ctx(&fClient, c.ctx) ||
        !uc3d_find_res(&fClient, c.res))
        return kIOReturnBadArgument;
    int st = attach
        ? core([](struct vgpu_dev *d, void *p) { CtxResCall *c = (CtxResCall *)p; return vgpu3d_ctx_attach(d, c->ctx, c->res); }, &c)
        : core([](struct vgpu_dev *d, void *p) { CtxResCall *c = (CtxResCall *)p; return vgpu3d_ctx_detach(d, c->ctx, c->res); }, &c);
    return vgpuUcReturn(st);
}

/* ---- resources ---- */

struct ResCreateCall { struct vgpu3d_resource_desc desc; const struct vgpu_dma_seg *segs; uint32_t nsegs, id; };

/* Backing: kernel pages (zeroed, wired, user-mappable), counted against the provider's limit. */
IOReturn VirtioGPUUserClient::resourceCreate(IOExternalMethodArguments *a)
{
    const VgpuUcResource *in = (const VgpuUcResource *)a->structureInput;
    uint64_t backing = a->scalarInput[0];
    if (!in || uc3d_check_backing(backing) != VGPU_OK)
        return kIOReturnBadArgument;
    int slot = uc3d_free_res_slot(&fClient);
    if (slot < 0)
        return kIOReturnNoResources;
    if (!fDevice->has3D())
        return kIOReturnUnsupported;   /* before allocating what the core would refuse anyway */
    struct uc3d_res *r = &fClient.res[slot];
    DmaBlock *block = &fBacking[slot];
    uint64_t charged = round_page_64(backing);
    if (backing && !fDevice->reserveShared(charged))
        return kIOReturnNoResources;
    if (backing && dmaBlockAllocShared(backing, block) != kIOReturnSuccess) {
        fDevice->releaseShared(charged);
        return kIOReturnNoMemory;
    }
    if (backing)
        *r = (struct uc3d_res){ 0, charged, block };
    ResCreateCall c = { { in->target, in->format, in->bind, in->width, in->height, in->depth, in->array_size,
                          in->last_level, in->nr_samples, in->flags },   /* the core checks every field */
                        backing ? block->segs : NULL, backing ? block->nsegs : 0, 0 };
    int st = core([](struct vgpu_dev *d, void *p) {
        ResCreateCall *c = (ResCreateCall *)p;
        return vgpu3d_resource_create(d, &c->desc, c->segs, c->nsegs, &c->id);
    }, &c);
    if (st != VGPU_OK) {
        dropBacking(r, uc3d_settled(st));   /* an unanswered attach may have reached the device */
        return vgpuUcReturn(st);
    }
    r->id = c.id;
    a->scalarOutput[0] = c.id;
    a->scalarOutput[1] = kVgpuUcMemResource + slot;
    return kIOReturnSuccess;
}

IOReturn VirtioGPUUserClient::resourceDestroy(IOExternalMethodArguments *a)
{
    uint32_t res;
    struct uc3d_res *r;
    if (!scalar32(a, 0, &res) || !(r = uc3d_find_res(&fClient, res)))
        return kIOReturnBadArgument;
    return vgpuUcReturn(destroyResource(r));
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
    if (!scalar32(a, 0, &c.ctx) || !uc3d_owns_ctx(&fClient, c.ctx) ||
        uc3d_check_submit(fCommands.size, offset, size, flags) != VGPU_OK)
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
    return vgpuUcReturn(st);
}

IOReturn VirtioGPUUserClient::fenceWait(IOExternalMethodArguments *a)
{
    uint32_t ctx, timeout;
    if (!scalar32(a, 0, &ctx) || !scalar32(a, 2, &timeout) || uc3d_check_wait(&fClient, ctx, timeout) != VGPU_OK)
        return kIOReturnBadArgument;
    return waitFence(ctx, a->scalarInput[1], &timeout);   /* the core refuses a fence ctx never got */
}

struct TransferCall { uint32_t ctx, res; bool toHost, fenced; struct vgpu3d_transfer t; uint64_t fence; };

IOReturn VirtioGPUUserClient::transfer(IOExternalMethodArguments *a)
{
    const VgpuUcTransfer *in = (const VgpuUcTransfer *)a->structureInput;
    if (!in || uc3d_check_transfer(&fClient, in->ctx, in->res, in->direction, in->fenced, in->pad) != VGPU_OK)
        return kIOReturnBadArgument;
    TransferCall c = { in->ctx, in->res, in->direction == kVgpuUcToHost, in->fenced != 0,
                       { in->x, in->y, in->z, in->w, in->h, in->d, in->level, in->stride, in->layer_stride,
                         in->offset },
                       0 };
    int st = core([](struct vgpu_dev *d, void *p) {   /* the core checks box, level and backing span */
        TransferCall *c = (TransferCall *)p;
        uint64_t *fence = c->fenced ? &c->fence : NULL;
        return c->toHost ? vgpu3d_transfer_to_host(d, c->ctx, c->res, &c->t, fence)
                         : vgpu3d_transfer_from_host(d, c->ctx, c->res, &c->t, fence);
    }, &c);
    a->scalarOutput[0] = st == VGPU_OK ? c.fence : 0;
    return vgpuUcReturn(st);
}
