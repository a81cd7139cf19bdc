/*
 * idalloc.h — host resource ids.  An id is never handed out twice while live; a freed id comes
 * back only after the allocator has walked past it (next-fit), so a stale id in a late response
 * or a log points at nothing new.  Id 0 means "no resource" in the protocol and is never used.
 */
#ifndef IDALLOC_H
#define IDALLOC_H

#include <stdbool.h>
#include <stdint.h>

#define IDALLOC_CAPACITY 4096u

struct idalloc {
    uint32_t used[IDALLOC_CAPACITY / 32];
    uint32_t next;      /* where the search for a free id starts */
    uint32_t live;      /* ids handed out and not yet returned */
};

void     idalloc_init(struct idalloc *a);
uint32_t idalloc_get(struct idalloc *a);            /* 0 when every id is live */
void     idalloc_put(struct idalloc *a, uint32_t id);
/* Take exactly `id` (a caller that names its own ids); false when it is 0, out of range or live. */
bool     idalloc_take(struct idalloc *a, uint32_t id);
bool     idalloc_is_live(const struct idalloc *a, uint32_t id);

#endif /* IDALLOC_H */
