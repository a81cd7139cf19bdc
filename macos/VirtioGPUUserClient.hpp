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
#include "vgpu3d.h"
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
    enum {
        kMaxContexts     = 16,                 /* per client */
        kMaxResources    = 256,                /* per client */
        kCommandBytes    = 1u << 20,           /* the shared command buffer */
        kMaxBackingBytes = 256u << 20,         /* one resource's backing */
        kMaxWaitMs       = 10000,              /* one fence-wait call; draining at close */
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
    struct Resource {
        uint32_t id;                           /* 0: slot free */
        DmaBlock backing;                      /* mem NULL: no backing */
    };

    /* All below under fLock.  fDevice is NULL once stopped; fOpen is false from close on. */
    VirtioGPUDevice *fDevice;
    IOLock          *fLock;
    bool             fOpen;
    uint32_t         fEpoch;                   /* the provider's reset count our ids belong to */
    DmaBlock         fCommands;
    uint32_t         fContexts[kMaxContexts];  /* ids this client created, 0: free */
    Resource         fResources[kMaxResources];

    static const IOExternalMethodDispatch sMethods[kVgpuUcSelectorCount];

    /* ---- VirtioGPUUserClient.cpp: lifetime and the id tables ---- */
    int       core(VirtioGPUDevice::CoreFn fn, void *arg);
    bool      ownsContext(uint32_t ctx) const;
    bool      holdsObjects() const;
    Resource *ownedResource(uint32_t res);
    void      unmapFromUser(IOMemoryDescriptor *mem);
    void      dropBacking(Resource *r, bool deviceDone);
    int       destroyContext(uint32_t ctx);
    int       destroyResource(Resource *r);
    void      forgetAll();
    void      releaseAll();
    IOReturn  waitFence(uint32_t ctx, uint64_t fence, uint32_t *budgetMs);
    IOReturn  drainContext(uint32_t ctx, uint32_t *budgetMs);
    static bool settled(int status);

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
