/*
 * util.h — the few memory helpers the core needs.  The core links against no C library, so
 * these are its own; compilers may still turn the loops into calls to memset/memcpy, which every
 * host provides (the kernel, the test guest, libc).
 */
#ifndef VGPU_UTIL_H
#define VGPU_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline void vgpu_zero(void *dst, size_t n)
{
    volatile uint8_t *d = dst;   /* volatile: keep this from becoming a self-recursive memset */
    while (n--)
        *d++ = 0;
}

static inline void vgpu_copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
}

#define VGPU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VGPU_MIN(a, b) ((a) < (b) ? (a) : (b))

#endif /* VGPU_UTIL_H */
