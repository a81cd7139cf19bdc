/*
 * VirtioTransportClaim.cpp — see the header.  start() is IOService's: success, nothing opened.
 */
#include "VirtioTransportClaim.hpp"

extern "C" {
#include "virtio/virtio_pci_regs.h"
}

OSDefineMetaClassAndStructors(VirtioTransportClaim, IOService);

/* The same identity check as the real driver, so -vgpuoff releases the category too. */
IOService *VirtioTransportClaim::probe(IOService *provider, SInt32 *score)
{
    static const uint16_t ids[] = { VIRTIO_PCI_DEVICE_GPU };
    if (!virtioProbeFunction(provider, ids, 1, "gpu (default category)"))
        return NULL;
    return super::probe(provider, score);
}
