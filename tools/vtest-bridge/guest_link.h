/* guest_link.h — the bridge's side of guest/vtlink.h: framed requests to the test guest over the
 * socket QEMU gives the virtio-console port (-chardev socket). */
#ifndef GUEST_LINK_H
#define GUEST_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "vtlink.h"

int  link_connect(const char *path);              /* fd, or -1 (errno) */
/* One request with a payload in two parts (either may be empty); 0 or -1 (link lost). */
int  link_send(int fd, uint32_t op, const void *a, size_t alen, const void *b, size_t blen);
/* The reply: its status into *status, its payload (at most `max` bytes, the rest dropped) into out. */
int  link_recv(int fd, int32_t *status, void *out, size_t max, size_t *got);
/* send + recv. */
int  link_call(int fd, uint32_t op, const void *a, size_t alen, const void *b, size_t blen,
               int32_t *status, void *out, size_t max, size_t *got);

int  read_full(int fd, void *buf, size_t n);      /* 0, or -1 on EOF or error */
int  write_full(int fd, const void *buf, size_t n);

#endif /* GUEST_LINK_H */
