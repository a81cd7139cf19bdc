/* idalloc.c — next-fit bitmap allocator for resource ids. */
#include "base/idalloc.h"

#include "base/util.h"

void idalloc_init(struct idalloc *a)
{
    vgpu_zero(a, sizeof(*a));
    a->used[0] = 1u;      /* id 0 is reserved */
    a->next = 1;
}

bool idalloc_is_live(const struct idalloc *a, uint32_t id)
{
    return id != 0 && id < IDALLOC_CAPACITY && (a->used[id / 32] >> (id % 32)) & 1u;
}

uint32_t idalloc_get(struct idalloc *a)
{
    uint32_t n, id = a->next;

    for (n = 0; n < IDALLOC_CAPACITY; n++, id = (id + 1) % IDALLOC_CAPACITY) {
        if (id == 0 || idalloc_is_live(a, id))
            continue;
        a->used[id / 32] |= 1u << (id % 32);
        a->next = (id + 1) % IDALLOC_CAPACITY;
        a->live++;
        return id;
    }
    return 0;
}

bool idalloc_take(struct idalloc *a, uint32_t id)
{
    if (id == 0 || id >= IDALLOC_CAPACITY || idalloc_is_live(a, id))
        return false;
    a->used[id / 32] |= 1u << (id % 32);
    a->live++;
    return true;
}

void idalloc_put(struct idalloc *a, uint32_t id)
{
    if (!idalloc_is_live(a, id))
        return;
    a->used[id / 32] &= ~(1u << (id % 32));
    a->live--;
}
