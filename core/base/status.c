/* status.c — names for enum vgpu_status, for logs and test output. */
#include "base/status.h"

const char *vgpu_status_name(int status)
{
    switch (status) {
    case VGPU_OK:            return "VGPU_OK";
    case VGPU_E_INVAL:       return "VGPU_E_INVAL";
    case VGPU_E_NOMEM:       return "VGPU_E_NOMEM";
    case VGPU_E_NODEV:       return "VGPU_E_NODEV";
    case VGPU_E_TIMEOUT:     return "VGPU_E_TIMEOUT";
    case VGPU_E_DEVICE:      return "VGPU_E_DEVICE";
    case VGPU_E_PROTO:       return "VGPU_E_PROTO";
    case VGPU_E_BUSY:        return "VGPU_E_BUSY";
    case VGPU_E_BROKEN:      return "VGPU_E_BROKEN";
    case VGPU_E_UNSUPPORTED: return "VGPU_E_UNSUPPORTED";
    default:                 return "VGPU_E_UNKNOWN";
    }
}
