/* uc3d.c — a 3D user client's id tables, limits, argument checks and reset handling (uc3d.h). */
#include "gpu3d/uc3d.h"

#include "base/util.h"

void uc3d_init(struct uc3d_client *c, uint32_t epoch)
{
    vgpu_zero(c, sizeof(*c));
    c->epoch = epoch;
}

bool uc3d_owns_ctx(const struct uc3d_client *c, uint32_t ctx)
{
    for (uint32_t i = 0; ctx && i < UC3D_MAX_CONTEXTS; i++)
        if (c->ctx[i] == ctx)
            return true;
    return false;
}

struct uc3d_res *uc3d_find_res(struct uc3d_client *c, uint32_t res)
{
    for (uint32_t i = 0; res && i < UC3D_MAX_RESOURCES; i++)
        if (c->res[i].id == res)
            return &c->res[i];
    return NULL;
}

uint32_t uc3d_live_contexts(const struct uc3d_client *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < UC3D_MAX_CONTEXTS; i++)
        n += c->ctx[i] != 0;
    return n;
}

uint32_t uc3d_live_resources(const struct uc3d_client *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < UC3D_MAX_RESOURCES; i++)
        n += c->res[i].id != 0;
    return n;
}

uint64_t uc3d_backing_bytes(const struct uc3d_client *c)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < UC3D_MAX_RESOURCES; i++)
        n += c->res[i].backing ? c->res[i].backing_bytes : 0;
    return n;
}

bool uc3d_holds_objects(const struct uc3d_client *c)
{
    return uc3d_live_contexts(c) || uc3d_live_resources(c);
}

int uc3d_free_ctx_slot(const struct uc3d_client *c)
{
    for (uint32_t i = 0; i < UC3D_MAX_CONTEXTS; i++)
        if (!c->ctx[i])
            return (int)i;
    return -1;
}

int uc3d_free_res_slot(const struct uc3d_client *c)
{
    for (uint32_t i = 0; i < UC3D_MAX_RESOURCES; i++)
        if (!c->res[i].id && !c->res[i].backing)
            return (int)i;
    return -1;
}

void uc3d_forget_ctx(struct uc3d_client *c, uint32_t ctx)
{
    for (uint32_t i = 0; ctx && i < UC3D_MAX_CONTEXTS; i++)
        if (c->ctx[i] == ctx)
            c->ctx[i] = 0;
}

void uc3d_drop_res(struct uc3d_res *r, bool device_done, uc3d_drop_fn drop, void *arg)
{
    if (r->backing)
        drop(arg, r, device_done);
    r->id = 0;
    r->backing = NULL;
    r->backing_bytes = 0;
}

bool uc3d_settled(int st)
{
    return st != VGPU_E_TIMEOUT && st != VGPU_E_PROTO && st != VGPU_E_BROKEN;
}

bool uc3d_reset_seen(struct uc3d_client *c, uint32_t new_epoch, uc3d_drop_fn drop, void *arg)
{
    bool held = uc3d_holds_objects(c);
    vgpu_zero(c->ctx, sizeof(c->ctx));
    for (uint32_t i = 0; i < UC3D_MAX_RESOURCES; i++)
        if (c->res[i].id)
            uc3d_drop_res(&c->res[i], true, drop, arg);   /* the reset ended the device's access */
    c->epoch = new_epoch;
    return held;
}

int uc3d_check_submit(uint64_t cmd_bytes, uint64_t offset, uint64_t size, uint64_t flags)
{
    if ((flags & ~(uint64_t)UC3D_SUBMIT_FENCED) || size < 4 || size % 4 || offset % 4 ||
        offset > cmd_bytes || size > cmd_bytes - offset)
        return VGPU_E_INVAL;
    return VGPU_OK;
}

int uc3d_check_transfer(const struct uc3d_client *c, uint32_t ctx, uint32_t res, uint32_t direction,
                        uint32_t fenced, uint32_t pad)
{
    if (!uc3d_owns_ctx(c, ctx) || !uc3d_find_res((struct uc3d_client *)c, res) || fenced > 1 || pad ||
        (direction != UC3D_TO_HOST && direction != UC3D_FROM_HOST))
        return VGPU_E_INVAL;
    return VGPU_OK;
}

int uc3d_check_wait(const struct uc3d_client *c, uint32_t ctx, uint64_t timeout_ms)
{
    return uc3d_owns_ctx(c, ctx) && timeout_ms <= UC3D_MAX_WAIT_MS ? VGPU_OK : VGPU_E_INVAL;
}

int uc3d_check_backing(uint64_t bytes)
{
    return bytes <= UC3D_MAX_BACKING ? VGPU_OK : VGPU_E_INVAL;
}

int uc3d_check_name_len(uint64_t len)
{
    return len <= VGPU3D_NAME_MAX ? VGPU_OK : VGPU_E_INVAL;
}
