/* libc.h — freestanding replacements for the string routines the guest uses. */
#ifndef GUEST_LIBC_H
#define GUEST_LIBC_H

#include <stddef.h>

void  *memset(void *dst, int c, size_t n);
void  *memcpy(void *restrict dst, const void *restrict src, size_t n);
void  *memmove(void *dst, const void *src, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int    strncmp(const char *a, const char *b, size_t n);
int    strcmp(const char *a, const char *b);

#endif /* GUEST_LIBC_H */
