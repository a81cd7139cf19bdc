/* guest_link.c — framed calls to the guest's vtest server (guest/vtlink.h). */
#include "guest_link.h"

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int read_full(int fd, void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int write_full(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n) {
        ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int link_connect(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || strlen(path) >= sizeof un.sun_path)
        return -1;
    memcpy(un.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *)&un, sizeof un) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int link_send(int fd, uint32_t op, const void *a, size_t alen, const void *b, size_t blen)
{
    struct vtl_hdr h = { op, (uint32_t)(alen + blen) };
    if (write_full(fd, &h, sizeof h) || (alen && write_full(fd, a, alen)) || (blen && write_full(fd, b, blen)))
        return -1;
    return 0;
}

int link_recv(int fd, int32_t *status, void *out, size_t max, size_t *got)
{
    struct vtl_reply r;
    uint8_t sink[4096];
    if (read_full(fd, &r, sizeof r) || r.len > VTL_MAX_PAYLOAD)
        return -1;
    size_t keep = r.len < max ? r.len : max;
    if (keep && read_full(fd, out, keep))
        return -1;
    for (size_t left = r.len - keep; left;) {
        size_t k = left < sizeof sink ? left : sizeof sink;
        if (read_full(fd, sink, k))
            return -1;
        left -= k;
    }
    *status = r.status;
    if (got)
        *got = keep;
    return 0;
}

int link_call(int fd, uint32_t op, const void *a, size_t alen, const void *b, size_t blen,
              int32_t *status, void *out, size_t max, size_t *got)
{
    if (link_send(fd, op, a, alen, b, blen))
        return -1;
    return link_recv(fd, status, out, max, got);
}
