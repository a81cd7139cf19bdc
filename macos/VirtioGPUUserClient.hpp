/*
 * VirtioGPUUserClient.hpp — the 3D user client: what a user-space GL layer (e.g. Mesa's virgl
 * winsys) calls to reach core/vgpu3d.h.  Every argument from user space is untrusted: counts and
 * struct sizes are checked by the dispatch table, values by the handlers, ids against what this
 * client created.  See macos/USERCLIENT.md for the selectors.
 */
#ifndef VIRTIO_GPU_USER_CLIENT_HPP
#define VIRTIO_GPU_USER_CLIENT_HPP

#include <IOKit/IOUserClient.h>

#include "VirtioGPU.hpp"

extern "C" {
#include "gpu3d/uc3d.h"
#include "gpu3d/vgpu3d.h"
}

/* ---- the user-space ABI (little-endian, fixed layouts) ---- */
enum { kVgpuUcConnectType = 0 };   /* IOServiceOpen type; every other type is refused */

enum VgpuUcSelector {
    kVgpuUcCapsetInfo = 0,   /* in: index               out: id, max_version, max_size */
    kVgpuUcGetCapset,        /* in: id, version         out: struct (the capset bytes) */
    kVgpuUcCtxCreate,        /* in: struct name[<=63]   out: ctx */
    kVgpuUcCtxDestroy,       /* in: ctx */
    kVgpuUcResourceCreate,   /* in: struct VgpuUcResource, backing bytes   out: res, memory type */
    kVgpuUcResourceDestroy,  /* in: res */
    kVgpuUcCtxAttach,        /* in: ctx, res */
    kVgpuUcCtxDetach,        /* in: ctx, res */
    kVgpuUcSubmit,           /* in: ctx, offset, size, flags   out: fence (0 when not fenced) */
    kVgpuUcFenceWait,        /* in: ctx, fence, timeout_ms */
    kVgpuUcTransfer,         /* in: struct VgpuUcTransfer   out: fence (0 when not fenced) */
    kVgpuUcSelectorCount
};

enum {
    kVgpuUcSubmitFenced   = 1u << 0,
    kVgpuUcToHost         = 1,        /* VgpuUcTransfer.direction */
    kVgpuUcFromHost       = 2,
    kVgpuUcMemCommands    = 0,        /* clientMemoryForType: the command buffer */
    kVgpuUcMemResource    = 0x100,    /* + the memory index kVgpuUcResourceCreate returned */
};

struct VgpuUcResource {               /* = struct vgpu3d_resource_desc */
    uint32_t target, format, bind, width, height, depth, array_size, last_level, nr_samples, flags;
};

struct VgpuUcTransfer {
    uint32_t ctx, res, direction, fenced;
    uint32_t level, x, y, z, w, h, d, stride, layer_stride, pad;   /* pad must be 0 */
    uint64_t offset;
};

/* ---- the kernel side ---- */
class VirtioGPUUserClient : public IOUserClient {
    OSDeclareDefaultStructors(VirtioGPUUserClient);
    typedef IOUserClient super;

public:
    enum {                                     /* the limits are core/gpu3d/uc3d.h's, shared with the test guest */
        kMaxContexts     = UC3D_MAX_CONTEXTS,  /* per client */
        kMaxResources    = UC3D_MAX_RESOURCES, /* per client */
        kCommandBytes    = 1u << 20,           /* the shared command buffer */
        kMaxBackingBytes = UC3D_MAX_BACKING,   /* one resource's backing */
        kMaxWaitMs       = UC3D_MAX_WAIT_MS,   /* one fence-wait call; draining at close */
    };

    bool     initWithTask(task_t owningTask, void *securityToken, UInt32 type, OSDictionary *properties) override;
    bool     start(IOService *provider) override;
    void     stop(IOService *provider) override;
    IOReturn clientClose() override;
    IOReturn clientDied() override;
    IOReturn externalMethod(uint32_t selector, IOExternalMethodArguments *args,
                            IOExternalMethodDispatch *dispatch, OSObject *target, void *reference) override;
    IOReturn clientMemoryForType(UInt32 type, IOOptionBits *options, IOMemoryDescriptor **memory) override;
    void     free() override;

private:
    /* All below under fLock.  fDevice is NULL once stopped; fOpen is false from close on. */
    VirtioGPUDevice *fDevice;
    IOLock          *fLock;
    bool             fOpen;
    DmaBlock         fCommands;
    struct uc3d_client fClient;                /* the ids this client created (core/gpu3d/uc3d.h) */
    DmaBlock         fBacking[kMaxResources];  /* fClient.res[i].backing points here when it has memory */

    static const IOExternalMethodDispatch sMethods[kVgpuUcSelectorCount];

    /* ---- VirtioGPUUserClient.cpp: lifetime and the id tables ---- */
    int       core(VirtioGPUDevice::CoreFn fn, void *arg);
    void      unmapFromUser(IOMemoryDescriptor *mem);
    void      dropBacking(struct uc3d_res *r, bool deviceDone);
    static void sDropBlock(void *self, struct uc3d_res *r, bool deviceDone);
    int       destroyContext(uint32_t ctx);
    int       destroyResource(struct uc3d_res *r);
    void      releaseAll();
    IOReturn  waitFence(uint32_t ctx, uint64_t fence, uint32_t *budgetMs);
    IOReturn  drainContext(uint32_t ctx, uint32_t *budgetMs);

    /* ---- VirtioGPUUserClientMethods.cpp: the selectors ---- */
    static IOReturn sCapsetInfo(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sGetCapset(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sCtxCreate(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sCtxDestroy(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sResourceCreate(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sResourceDestroy(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sCtxAttach(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sCtxDetach(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sSubmit(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sFenceWait(OSObject *t, void *, IOExternalMethodArguments *a);
    static IOReturn sTransfer(OSObject *t, void *, IOExternalMethodArguments *a);

    IOReturn capsetInfo(IOExternalMethodArguments *a);
    IOReturn getCapset(IOExternalMethodArguments *a);
    IOReturn ctxCreate(IOExternalMethodArguments *a);
    IOReturn ctxDestroy(IOExternalMethodArguments *a);
    IOReturn resourceCreate(IOExternalMethodArguments *a);
    IOReturn resourceDestroy(IOExternalMethodArguments *a);
    IOReturn ctxAttachDetach(IOExternalMethodArguments *a, bool attach);
    IOReturn submit(IOExternalMethodArguments *a);
    IOReturn fenceWait(IOExternalMethodArguments *a);
    IOReturn transfer(IOExternalMethodArguments *a);
};

/* A core status (or VirtioGPUDevice::kCoreStale) as the IOReturn user space gets. */
IOReturn vgpuUcReturn(int status);

#endif /* VIRTIO_GPU_USER_CLIENT_HPP */
