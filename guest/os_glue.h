/* os_glue.h — guest-side settings of the vgpu_os_* implementation. */
#ifndef GUEST_OS_GLUE_H
#define GUEST_OS_GLUE_H

#include "vgpu_os.h"

/* Core log lines above this level are dropped (default VGPU_LOG_INFO). */
void os_set_log_level(enum vgpu_log_level level);
enum vgpu_log_level os_log_level(void);

#endif /* GUEST_OS_GLUE_H */
