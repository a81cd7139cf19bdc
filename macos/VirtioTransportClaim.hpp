/*
 * VirtioTransportClaim.hpp — holds the default match category of a virtio function this kext
 * drives, so that no other virtio transport driver (macOS 11+'s AppleVirtIO) starts on it.
 *
 * IOService::probeCandidates starts one driver per match category, the highest-scoring one that
 * probes and starts (xnu-6153.11.26 iokit/Kernel/IOService.cpp:3674-3680, 3877-3931).  The GPU's
 * real driver sits in the IOFramebuffer category, above IONDRVFramebuffer; this class sits in
 * the default one, above the score a transport driver is known to use.  It does nothing else:
 * it never opens the device.  macos/README.md has the reasoning and the checklist.
 */
#ifndef VIRTIO_TRANSPORT_CLAIM_HPP
#define VIRTIO_TRANSPORT_CLAIM_HPP

#include <IOKit/IOService.h>

#include "VirtioPciPlumbing.hpp"

class VirtioTransportClaim : public IOService {
    OSDeclareDefaultStructors(VirtioTransportClaim);
    typedef IOService super;

public:
    IOService *probe(IOService *provider, SInt32 *score) override;
};

#endif /* VIRTIO_TRANSPORT_CLAIM_HPP */
