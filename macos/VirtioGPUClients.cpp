/*
 * VirtioGPUClients.cpp — the provider's side of the 3D user clients (VirtioGPUUserClient): opening
 * one, how many may be open and how much wired memory they may hold together, the reset epoch that
 * makes their old ids stale, and memory the device may still write after a failed release.
 */
#include "VirtioGPU.hpp"
#include "VirtioGPUUserClient.hpp"
#include "UserClientCommon.hpp"

/* Personality key: MiB of wired memory all 3D user clients together may hold. */
#define kSharedLimitKey "VirtioGPU3DMemoryLimitMB"

struct RetiredBlock {
    DmaBlock      block;
    RetiredBlock *next;
};

struct RetireCall {
    VirtioGPUDevice *me;
    RetiredBlock    *node;
};

/*
 * IOServiceOpen lands here.  Refusing a type here is final: IOService's own 5-argument version
 * would fall back to IOUserClientClass and open our client for any type.  A client wires memory
 * and sends command streams to the host, so only root processes (effective uid 0: what
 * kIOClientPrivilegeAdministrator means to xnu) may open one; see README.md.
 */
IOReturn VirtioGPUDevice::newUserClient(task_t owningTask, void *securityID, UInt32 type,
                                        OSDictionary *properties, IOUserClient **handler)
{
    if (type != kVgpuUcConnectType || !handler)
        return kIOReturnBadArgument;
    *handler = NULL;
    if (IOUserClient::clientHasPrivilege(owningTask, kIOClientPrivilegeAdministrator) != kIOReturnSuccess)
        return kIOReturnNotPrivileged;
    if (isInactive() || !__atomic_load_n(&fDev, __ATOMIC_ACQUIRE))
        return kIOReturnNotReady;
    if (__atomic_add_fetch(&fUserClients, 1u, __ATOMIC_ACQ_REL) > kMaxUserClients) {
        userClientStopped();
        return kIOReturnNoResources;
    }
    *handler = startUserClient<VirtioGPUUserClient>(this, owningTask, securityID, type, properties);
    if (*handler)
        return kIOReturnSuccess;
    userClientStopped();
    return kIOReturnNoResources;
}

void VirtioGPUDevice::userClientStopped()
{
    __atomic_sub_fetch(&fUserClients, 1u, __ATOMIC_ACQ_REL);
}

bool VirtioGPUDevice::has3D() const
{
    return f3D;
}

uint32_t VirtioGPUDevice::coreEpoch() const
{
    return __atomic_load_n(&fEpoch, __ATOMIC_ACQUIRE);
}

/* ---- wired memory ---- */

void VirtioGPUDevice::readSharedLimit()
{
    OSNumber *mb = OSDynamicCast(OSNumber, getProperty(kSharedLimitKey));
    fSharedLimit = (uint64_t)(mb ? mb->unsigned32BitValue() : (unsigned)kSharedLimitMBDefault) << 20;
}

bool VirtioGPUDevice::reserveShared(uint64_t bytes)
{
    if (__atomic_add_fetch(&fSharedBytes, bytes, __ATOMIC_ACQ_REL) <= fSharedLimit)
        return true;
    releaseShared(bytes);
    return false;
}

void VirtioGPUDevice::releaseShared(uint64_t bytes)
{
    __atomic_sub_fetch(&fSharedBytes, bytes, __ATOMIC_ACQ_REL);
}

/* ---- memory the device may still write ---- */

int VirtioGPUDevice::retireInGate(struct vgpu_dev *dev, void *arg)
{
    (void)dev;
    RetireCall *call = static_cast<RetireCall *>(arg);
    call->node->next = call->me->fRetired;
    call->me->fRetired = call->node;
    return VGPU_OK;
}

/* Kept in the gate (recovery and close run there too): no reset can slip between the two. */
void VirtioGPUDevice::retireShared(DmaBlock *block)
{
    RetiredBlock *node = (RetiredBlock *)IOMalloc(sizeof(*node));
    if (!node) {
        VGPU_LOG("3D: %lu bytes the device may still write stay allocated for good", (unsigned long)block->size);
        bzero(block, sizeof(*block));   /* leaked: freeing it could let the device corrupt memory */
        return;
    }
    node->block = *block;
    bzero(block, sizeof(*block));
    RetireCall call = { this, node };
    int r = runCore(retireInGate, &call);
    if (r == VGPU_OK)
        return;
    if (r == VGPU_E_NODEV) {   /* the core is closed: the close reset the device */
        releaseShared(node->block.size);
        dmaBlockFree(&node->block);
    } else {
        VGPU_LOG("3D: %lu bytes the device may still write stay allocated for good", (unsigned long)node->block.size);
    }
    IOFree(node, sizeof(*node));
}

/* In the gate, after the device was reset: nothing can reach these blocks any more. */
void VirtioGPUDevice::freeRetired()
{
    while (fRetired) {
        RetiredBlock *n = fRetired;
        fRetired = n->next;
        releaseShared(n->block.size);
        dmaBlockFree(&n->block);
        IOFree(n, sizeof(*n));
    }
}
