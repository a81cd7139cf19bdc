/*
 * core3d_model.cpp — see core3d_model.hpp.  The __wrap_* functions are what the shell's calls to
 * vgpu3d_* (and vgpu_recover) resolve to in the test binary; with the model off they pass
 * straight on to the real core (__real_*).
 */
#include <algorithm>
#include <map>

#include "core3d_model.hpp"
#include "fake_world.hpp"

extern "C" {
#include "../../core/gpu3d/vgpu3d.h"
}

namespace model3d {
namespace {

struct Fence { uint64_t id, doneAtNs; };

struct Context {
    std::string name;
    std::vector<Fence> fences;
    std::vector<uint32_t> attached;
};

struct Resource {
    struct vgpu3d_resource_desc desc;
    std::vector<struct vgpu_dma_seg> segs;
    uint64_t backing;
};

struct State {
    bool on = false;
    Config cfg;
    std::map<uint32_t, Context> ctx;
    std::map<uint32_t, Resource> res;
    std::vector<std::vector<struct vgpu_dma_seg>> unsettled;   /* backing the device may still hold */
    uint32_t nextCtx = 1, nextRes = 1;
    uint64_t nextFence = 1, calls = 0;
    std::vector<uint8_t> stream, upload;
};

State *s = new State;

/* Every model call: counted, and inside the gate like every core call. */
void enter()
{
    s->calls++;
    if (fake::gateDepth() == 0)
        fake::violation("3D core called outside the command gate");
}

/* Copy between a buffer and guest memory named by device segments, as the device would. */
bool deviceCopy(const std::vector<struct vgpu_dma_seg> &segs, uint64_t offset, uint8_t *buf, uint64_t len,
                bool toGuest)
{
    for (const struct vgpu_dma_seg &sg : segs) {
        if (len == 0)
            break;
        if (offset >= sg.len) {
            offset -= sg.len;
            continue;
        }
        uint64_t n = sg.len - offset < len ? sg.len - offset : len;
        uint8_t *host = static_cast<uint8_t *>(fake::dmaMap(NULL, sg.addr + offset, n));
        if (!host) {
            fake::violation("3D model: a device segment reaches unmapped memory");
            return false;
        }
        if (toGuest)
            memcpy(host, buf, n);
        else
            memcpy(buf, host, n);
        buf += n;
        len -= n;
        offset = 0;
    }
    return len == 0;
}

Context *findCtx(uint32_t id)
{
    auto it = s->ctx.find(id);
    return it == s->ctx.end() ? NULL : &it->second;
}

Resource *findRes(uint32_t id)
{
    auto it = s->res.find(id);
    return it == s->res.end() ? NULL : &it->second;
}

bool isAttached(const Context *c, uint32_t res)
{
    for (uint32_t r : c->attached)
        if (r == res)
            return true;
    return false;
}

void detachEverywhere(uint32_t res)
{
    for (auto &kv : s->ctx)
        for (size_t i = 0; i < kv.second.attached.size(); i++)
            if (kv.second.attached[i] == res)
                kv.second.attached.erase(kv.second.attached.begin() + (long)i--);
}

uint64_t queueFence(Context *c)
{
    uint64_t id = s->nextFence++;
    c->fences.push_back(Fence{ id, fake::now() + (uint64_t)s->cfg.fenceDelayMs * 1000000u });
    return id;
}

/* The highest fence up to which every fence of the context is done. */
uint64_t completedUpTo(const Context *c)
{
    uint64_t done = 0;
    for (const Fence &f : c->fences) {
        if (f.doneAtNs > fake::now())
            break;
        done = f.id;
    }
    return done;
}

}  // namespace

void reset()
{
    delete s;
    s = new State;
}

void enable(bool on) { s->on = on; }
Config &config() { return s->cfg; }
unsigned liveContexts() { return (unsigned)s->ctx.size(); }
unsigned liveResources() { return (unsigned)s->res.size(); }
bool hasContext(uint32_t id) { return findCtx(id) != NULL; }
bool hasResource(uint32_t id) { return findRes(id) != NULL; }
std::string contextName(uint32_t id) { return findCtx(id) ? findCtx(id)->name : std::string(); }
bool attached(uint32_t ctx, uint32_t res) { return findCtx(ctx) && isAttached(findCtx(ctx), res); }
const std::vector<uint8_t> &lastStream() { return s->stream; }
const std::vector<uint8_t> &lastUpload() { return s->upload; }
uint64_t calls() { return s->calls; }

uint8_t capsetByte(uint32_t id, uint32_t i) { return (uint8_t)(i * 7u + id * 31u + (i >> 8)); }
uint32_t hostTexel(uint32_t res, uint32_t x, uint32_t y) { return 0xFF000000u | res << 16 | y << 8 | x; }

uint64_t writeIntoUnsettled(uint8_t value)
{
    uint64_t reached = 0;
    for (const auto &segs : s->unsettled) {
        for (const struct vgpu_dma_seg &sg : segs) {
            uint8_t *host = static_cast<uint8_t *>(fake::dmaMap(NULL, sg.addr, sg.len));
            if (host) {
                memset(host, value, sg.len);
                reached += sg.len;
            }
        }
    }
    return reached;
}

/* ---- the API, as the model keeps it ---- */

static int capsetInfo(unsigned index, struct vgpu3d_capset_info *out)
{
    if (!out || index >= 2)
        return VGPU_E_INVAL;
    uint32_t id = index + 1;
    *out = (struct vgpu3d_capset_info){ id, id, kCapsetSize[id] };
    return VGPU_OK;
}

static int getCapset(uint32_t id, uint32_t version, void *out, uint32_t outLen, uint32_t *len)
{
    if (!out || !len || (id != kCapsetVirgl && id != kCapsetVirgl2) || version == 0 || version > id ||
        outLen < kCapsetSize[id])
        return VGPU_E_INVAL;
    for (uint32_t i = 0; i < kCapsetSize[id]; i++)
        static_cast<uint8_t *>(out)[i] = capsetByte(id, i);
    *len = kCapsetSize[id];
    return VGPU_OK;
}

static int ctxCreate(const char *name, uint32_t *out)
{
    if (!out)
        return VGPU_E_INVAL;
    if (s->ctx.size() >= VGPU3D_MAX_CONTEXTS)
        return VGPU_E_NOMEM;
    uint32_t id = s->nextCtx++;
    s->ctx[id] = Context{ name ? std::string(name, strnlen(name, VGPU3D_NAME_MAX)) : std::string(), {}, {} };
    *out = id;
    return VGPU_OK;
}

static int resourceCreate(const struct vgpu3d_resource_desc *d, const struct vgpu_dma_seg *segs, uint32_t n,
                          uint32_t *out)
{
    if (!d || !out || d->target > VGPU3D_TARGET_CUBE_ARRAY || !d->format || !d->width || !d->height ||
        !d->depth || (n && !segs))
        return VGPU_E_INVAL;
    if (s->res.size() >= VGPU3D_MAX_RESOURCES)
        return VGPU_E_NOMEM;
    Resource r = { *d, std::vector<struct vgpu_dma_seg>(segs, segs + n), 0 };
    for (const struct vgpu_dma_seg &sg : r.segs) {
        if (!sg.len || !fake::dmaMap(NULL, sg.addr, sg.len))
            return VGPU_E_INVAL;   /* the device could not reach it: it refuses the attach */
        r.backing += sg.len;
    }
    uint32_t id = s->nextRes++;
    s->res[id] = r;
    *out = id;
    return VGPU_OK;
}

static int resourceDestroy(uint32_t id)
{
    Resource *r = findRes(id);
    if (!r)
        return VGPU_E_INVAL;
    detachEverywhere(id);
    if (s->cfg.unsettledDestroy)
        s->unsettled.push_back(r->segs);
    s->res.erase(id);
    return s->cfg.unsettledDestroy ? VGPU_E_BROKEN : VGPU_OK;   /* the core forgets it either way */
}

static int submit(uint32_t ctx, const struct vgpu_dma_seg *segs, uint32_t n, uint32_t size, uint64_t *fence)
{
    Context *c = findCtx(ctx);
    if (!c || !segs || !n || size < 4 || size % 4 || size > VGPU3D_MAX_SUBMIT)
        return VGPU_E_INVAL;
    s->stream.assign(size, 0);
    if (!deviceCopy(std::vector<struct vgpu_dma_seg>(segs, segs + n), 0, s->stream.data(), size, false))
        return VGPU_E_INVAL;
    if (fence)
        *fence = queueFence(c);
    return VGPU_OK;
}

static int fenceWait(uint32_t ctx, uint64_t fence)
{
    Context *c = findCtx(ctx);
    if (!c || fence == 0 || c->fences.empty() || fence > c->fences.back().id)
        return VGPU_E_INVAL;
    for (const Fence &f : c->fences)
        if (f.id == fence)
            return f.doneAtNs <= fake::now() ? VGPU_OK : VGPU_E_TIMEOUT;
    return VGPU_OK;   /* another context's fence below ours: done in the global order */
}

/* 2D boxes of 4-byte texels, level 0, one layer: enough to see where the bytes go. */
static int transfer(uint32_t ctx, uint32_t res, const struct vgpu3d_transfer *t, uint64_t *fence, bool toHost)
{
    Context *c = findCtx(ctx);
    Resource *r = findRes(res);
    if (!c || !r || !t || !isAttached(c, res) || t->level || t->d != 1 || !t->w || !t->h)
        return VGPU_E_INVAL;
    uint64_t stride = t->stride ? t->stride : (uint64_t)t->w * 4;
    if (t->offset + (t->h - 1) * stride + (uint64_t)t->w * 4 > r->backing)
        return VGPU_E_INVAL;
    if (toHost)
        s->upload.clear();
    for (uint32_t y = 0; y < t->h; y++) {
        for (uint32_t x = 0; x < t->w; x++) {
            uint32_t texel = hostTexel(res, t->x + x, t->y + y);
            uint64_t at = t->offset + y * stride + (uint64_t)x * 4;
            if (!deviceCopy(r->segs, at, reinterpret_cast<uint8_t *>(&texel), 4, !toHost))
                return VGPU_E_INVAL;
            if (toHost)
                s->upload.insert(s->upload.end(), reinterpret_cast<uint8_t *>(&texel),
                                 reinterpret_cast<uint8_t *>(&texel) + 4);
        }
    }
    if (fence)
        *fence = queueFence(c);
    return VGPU_OK;
}

static int ctxDestroy(uint32_t ctx)
{
    return s->ctx.erase(ctx) ? VGPU_OK : VGPU_E_INVAL;
}

static int ctxAttach(uint32_t ctx, uint32_t res, bool on)
{
    Context *c = findCtx(ctx);
    if (!c || (on && (!findRes(res) || isAttached(c, res))) || (!on && !isAttached(c, res)))
        return VGPU_E_INVAL;
    if (on)
        c->attached.push_back(res);
    else
        c->attached.erase(std::find(c->attached.begin(), c->attached.end(), res));
    return VGPU_OK;
}

static int ctxFences(uint32_t ctx, uint64_t *submitted, uint64_t *completed)
{
    Context *c = findCtx(ctx);
    if (!c || !submitted || !completed)
        return VGPU_E_INVAL;
    *submitted = c->fences.empty() ? 0 : c->fences.back().id;
    *completed = completedUpTo(c);
    return VGPU_OK;
}

/* A device reset: the host has nothing any more, and ids start again (so stale ones collide). */
static void forget()
{
    s->ctx.clear();
    s->res.clear();
    s->unsettled.clear();
    s->nextCtx = s->nextRes = 1;
}

}  // namespace model3d

/* ---- link-time wrappers (-Wl,--wrap=...) ---- */
using namespace model3d;

/* > 0: pass on to the real core.  Else the model answers: 0, or UNSUPPORTED without VIRGL. */
static int route(struct vgpu_dev *d)
{
    if (!s->on)
        return 1;
    enter();
    return vgpu3d_available(d) ? VGPU_OK : VGPU_E_UNSUPPORTED;
}

#define ROUTE(dev, model, real) \
    do { int r_ = route(dev); return r_ > 0 ? (real) : r_ < 0 ? r_ : (model); } while (0)

extern "C" {
int __real_vgpu3d_capset_info(struct vgpu_dev *, unsigned, struct vgpu3d_capset_info *);
int __real_vgpu3d_get_capset(struct vgpu_dev *, uint32_t, uint32_t, void *, uint32_t, uint32_t *);
int __real_vgpu3d_ctx_create(struct vgpu_dev *, const char *, uint32_t *);
int __real_vgpu3d_ctx_destroy(struct vgpu_dev *, uint32_t);
int __real_vgpu3d_ctx_attach(struct vgpu_dev *, uint32_t, uint32_t);
int __real_vgpu3d_ctx_detach(struct vgpu_dev *, uint32_t, uint32_t);
int __real_vgpu3d_resource_create(struct vgpu_dev *, const struct vgpu3d_resource_desc *,
                                  const struct vgpu_dma_seg *, uint32_t, uint32_t *);
int __real_vgpu3d_resource_destroy(struct vgpu_dev *, uint32_t);
int __real_vgpu3d_submit(struct vgpu_dev *, uint32_t, const struct vgpu_dma_seg *, uint32_t, uint32_t, uint64_t *);
int __real_vgpu3d_fence_wait(struct vgpu_dev *, uint32_t, uint64_t, uint32_t);
int __real_vgpu3d_ctx_fences(struct vgpu_dev *, uint32_t, uint64_t *, uint64_t *);
int __real_vgpu3d_transfer_to_host(struct vgpu_dev *, uint32_t, uint32_t, const struct vgpu3d_transfer *, uint64_t *);
int __real_vgpu3d_transfer_from_host(struct vgpu_dev *, uint32_t, uint32_t, const struct vgpu3d_transfer *, uint64_t *);
int __real_vgpu_recover(struct vgpu_dev *);

int __wrap_vgpu3d_capset_info(struct vgpu_dev *d, unsigned i, struct vgpu3d_capset_info *o)
{
    ROUTE(d, capsetInfo(i, o), __real_vgpu3d_capset_info(d, i, o));
}

int __wrap_vgpu3d_get_capset(struct vgpu_dev *d, uint32_t id, uint32_t v, void *o, uint32_t n, uint32_t *len)
{
    ROUTE(d, getCapset(id, v, o, n, len), __real_vgpu3d_get_capset(d, id, v, o, n, len));
}

int __wrap_vgpu3d_ctx_create(struct vgpu_dev *d, const char *name, uint32_t *out)
{
    ROUTE(d, ctxCreate(name, out), __real_vgpu3d_ctx_create(d, name, out));
}

int __wrap_vgpu3d_ctx_destroy(struct vgpu_dev *d, uint32_t ctx)
{
    ROUTE(d, ctxDestroy(ctx), __real_vgpu3d_ctx_destroy(d, ctx));
}

int __wrap_vgpu3d_ctx_attach(struct vgpu_dev *d, uint32_t ctx, uint32_t res)
{
    ROUTE(d, ctxAttach(ctx, res, true), __real_vgpu3d_ctx_attach(d, ctx, res));
}

int __wrap_vgpu3d_ctx_detach(struct vgpu_dev *d, uint32_t ctx, uint32_t res)
{
    ROUTE(d, ctxAttach(ctx, res, false), __real_vgpu3d_ctx_detach(d, ctx, res));
}

int __wrap_vgpu3d_resource_create(struct vgpu_dev *d, const struct vgpu3d_resource_desc *desc,
                                  const struct vgpu_dma_seg *segs, uint32_t n, uint32_t *out)
{
    ROUTE(d, resourceCreate(desc, segs, n, out), __real_vgpu3d_resource_create(d, desc, segs, n, out));
}

int __wrap_vgpu3d_resource_destroy(struct vgpu_dev *d, uint32_t res)
{
    ROUTE(d, resourceDestroy(res), __real_vgpu3d_resource_destroy(d, res));
}

int __wrap_vgpu3d_submit(struct vgpu_dev *d, uint32_t ctx, const struct vgpu_dma_seg *segs, uint32_t n,
                         uint32_t size, uint64_t *fence)
{
    ROUTE(d, submit(ctx, segs, n, size, fence), __real_vgpu3d_submit(d, ctx, segs, n, size, fence));
}

int __wrap_vgpu3d_fence_wait(struct vgpu_dev *d, uint32_t ctx, uint64_t fence, uint32_t ms)
{
    ROUTE(d, fenceWait(ctx, fence), __real_vgpu3d_fence_wait(d, ctx, fence, ms));
}

int __wrap_vgpu3d_ctx_fences(struct vgpu_dev *d, uint32_t ctx, uint64_t *submitted, uint64_t *completed)
{
    ROUTE(d, ctxFences(ctx, submitted, completed), __real_vgpu3d_ctx_fences(d, ctx, submitted, completed));
}

int __wrap_vgpu3d_transfer_to_host(struct vgpu_dev *d, uint32_t ctx, uint32_t res, const struct vgpu3d_transfer *t,
                                   uint64_t *fence)
{
    ROUTE(d, transfer(ctx, res, t, fence, true), __real_vgpu3d_transfer_to_host(d, ctx, res, t, fence));
}

int __wrap_vgpu3d_transfer_from_host(struct vgpu_dev *d, uint32_t ctx, uint32_t res, const struct vgpu3d_transfer *t,
                                     uint64_t *fence)
{
    ROUTE(d, transfer(ctx, res, t, fence, false), __real_vgpu3d_transfer_from_host(d, ctx, res, t, fence));
}

/* The reset is real (the device is reset); the model forgets what the host lost with it. */
int __wrap_vgpu_recover(struct vgpu_dev *d)
{
    if (s->on)
        forget();
    return __real_vgpu_recover(d);
}
}
