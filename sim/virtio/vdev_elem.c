/*
 * vdev_elem.c — a chain's bytes as one stream: copy out of its readable buffers (the request)
 * and into its writable ones (the response), stopping at the chain's end.
 */
#include <string.h>

#include "vdev.h"

/* Copies between buf and the `count` buffers at sg, starting `off` bytes into them. */
static size_t copy(const struct vdev_iov *sg, uint32_t count, size_t off, uint8_t *buf,
                   size_t len, bool to_chain)
{
    size_t done = 0;

    for (uint32_t i = 0; i < count && done < len; i++) {
        size_t n;

        if (off >= sg[i].len) {
            off -= sg[i].len;
            continue;
        }
        n = sg[i].len - off < len - done ? sg[i].len - off : len - done;
        if (to_chain)
            memcpy(sg[i].ptr + off, buf + done, n);
        else
            memcpy(buf + done, sg[i].ptr + off, n);
        done += n;
        off = 0;
    }
    return done;
}

size_t vdev_elem_read(const struct vdev_elem *e, size_t off, void *buf, size_t len)
{
    return copy(e->sg, e->out_num, off, buf, len, false);
}

size_t vdev_elem_write(struct vdev_elem *e, size_t off, const void *buf, size_t len)
{
    return copy(e->sg + e->out_num, e->in_num, off, (uint8_t *)buf, len, true);
}
