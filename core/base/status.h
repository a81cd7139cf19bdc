/*
 * status.h — the status every core call returns: VGPU_OK or a negative enum vgpu_status.
 *
 * Shared by all of the core's layers (transport, GPU, console), so that a layer below the GPU
 * reports errors without including the GPU's interface.
 */
#ifndef VGPU_STATUS_H
#define VGPU_STATUS_H

enum vgpu_status {
    VGPU_OK            = 0,
    VGPU_E_INVAL       = -1,  /* a caller's argument is out of range */
    VGPU_E_NOMEM       = -2,  /* an allocation failed */
    VGPU_E_NODEV       = -3,  /* not a usable virtio-gpu device (capabilities, features, queues) */
    VGPU_E_TIMEOUT     = -4,  /* the device did not complete a command in time */
    VGPU_E_DEVICE      = -5,  /* the device answered with an error response (ERR_*) */
    VGPU_E_PROTO       = -6,  /* the device broke the protocol (bad response, bad used entry) */
    VGPU_E_BUSY        = -7,  /* no room in a ring; try again after completions */
    VGPU_E_BROKEN      = -8,  /* the device is latched broken: vgpu_recover() is needed */
    VGPU_E_UNSUPPORTED = -9,  /* the device lacks what the call needs */
};
const char *vgpu_status_name(int status);

#endif /* VGPU_STATUS_H */
