/*
 * vtestsrv.h — `vtest serve`: the guest side of the vtest bridge (tools/vtest-bridge).  Requests
 * from a GL program arrive framed (guest/vtlink.h) on a virtio-console port and go through the
 * 3D user client's bookkeeping (core/gpu3d/uc3d.h, the same code the kext's user client runs) to
 * core/gpu3d/vgpu3d.h on QEMU's virtio-gpu-gl-pci.
 */
#ifndef GUEST_VTESTSRV_H
#define GUEST_VTESTSRV_H

#include "session.h"

/* `vtest serve [irq=msix|poll]`: serve until the bridge sends VTL_END. */
int vtestsrv_run(struct session *s, unsigned argc, char **argv);

#endif /* GUEST_VTESTSRV_H */
