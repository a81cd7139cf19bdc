/*
 * log.h — formatted log lines without a C library.
 *
 * vgpu_log(os, level, fmt, args...) supports %u %d %x (64-bit arguments), %s and %%.  The
 * arguments travel as an array of uint64_t built by the macro, so no <stdarg.h> is needed;
 * strings are passed as (uintptr_t) pointers by VGPU_STR().
 */
#ifndef VGPU_LOG_H
#define VGPU_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "vgpu_os.h"

#define VGPU_STR(s) ((uint64_t)(uintptr_t)(s))

void vgpu_log_args(void *os, enum vgpu_log_level level, const char *fmt,
                   const uint64_t *args, size_t nargs);

#define vgpu_log(os, level, fmt, ...)                                                   \
    do {                                                                                 \
        const uint64_t vgpu_log_argv_[] = { 0, ##__VA_ARGS__ };                          \
        vgpu_log_args((os), (level), (fmt), vgpu_log_argv_ + 1,                         \
                      sizeof(vgpu_log_argv_) / sizeof(vgpu_log_argv_[0]) - 1);           \
    } while (0)

#define vgpu_err(os, ...)   vgpu_log((os), VGPU_LOG_ERROR, __VA_ARGS__)
#define vgpu_warn(os, ...)  vgpu_log((os), VGPU_LOG_WARN, __VA_ARGS__)
#define vgpu_info(os, ...)  vgpu_log((os), VGPU_LOG_INFO, __VA_ARGS__)
#define vgpu_debug(os, ...) vgpu_log((os), VGPU_LOG_DEBUG, __VA_ARGS__)

#endif /* VGPU_LOG_H */
