/*
 * test_userclient.cpp — the 3D user client (macos/VirtioGPUUserClient*, unchanged) driven as user
 * space drives it: IOServiceOpen, IOConnectCallMethod, IOConnectMapMemory, IOServiceClose, as the
 * kernel receives them (fake_userclient.hpp).
 *
 * Two devices: the software device as it is (2D only), and the same device offering
 * VIRTIO_GPU_F_VIRGL with its 3D side (sim/gpu3d.c), for everything that needs contexts and
 * resources on the host.  The real core runs underneath either way; what the host holds is read
 * from the device (sim.h).  Every test ends in rigFinish(): nothing leaked (objects, allocations,
 * DMA mappings, host objects), no kernel-API misuse, the device reset and released.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

extern "C" {
#include <cmocka.h>
}

#include "VirtioGPUUserClient.hpp"
#include "rig.hpp"

extern "C" {
#include "../../core/gpu3d/virgl_proto.h"
#include "../../sim/spec_wire.h"
}

static Rig *rig(void **state) { return static_cast<Rig *>(*state); }

/* The other groups this binary runs after this one (one main per binary: test_kext.cpp's). */
int runPrivilegeTests(void);   /* test_privilege.cpp */
int runConsoleTests(void);     /* test_console.cpp */
int runDmaTests(void);         /* test_dma.cpp */

/* ---- user space's side ---- */

static IOUserClient *open3d(Rig *r)
{
    IOUserClient *c = NULL;
    assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &c), kIOReturnSuccess);
    assert_non_null(c);
    return c;
}

static void boot2d(Rig *r) { assert_true(rigBoot(r)); }

/* ---- the host's side: the software device's 3D half ---- */

/* Two capsets, the second too big for an inline IOKit reply (4096 bytes). */
static const uint32_t kCapsetSize[3] = { 0, 308, 5000 };   /* by id: VIRGL 1, VIRGL2 2 */

static void put32(std::vector<uint8_t> &b, uint32_t off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        b[off + i] = (uint8_t)(v >> (8 * i));
}

/*
 * Our own capset bytes: a pattern, with what the core checks resources against made plausible
 * (struct virgl_caps_v2 of virglrenderer's virgl_hw.h: max_version at 0, the sampler and render
 * format masks at 4..131 all set, the largest 2D / 3D / cube texture at 484 / 488 / 492).
 */
static std::vector<uint8_t> capsetBytes(uint32_t id)
{
    std::vector<uint8_t> b(kCapsetSize[id]);
    for (uint32_t i = 0; i < b.size(); i++)
        b[i] = (uint8_t)(i * 7u + id * 31u + (i >> 8));
    put32(b, 0, id);
    memset(&b[4], 0xFF, 128);
    if (b.size() > 496) {
        put32(b, 484, 8192);
        put32(b, 488, 256);
        put32(b, 492, 8192);
    }
    return b;
}

static void twoCapsets(struct sim *sim)
{
    for (uint32_t id = 1; id <= 2; id++) {
        std::vector<uint8_t> b = capsetBytes(id);
        sim_set_capset(sim, id - 1, id, id, kCapsetSize[id], b.data(), (uint32_t)b.size());
    }
}

/* The device offers VIRGL (virtio spec 5.7.3) with the two capsets. */
static void boot3d(Rig *r)
{
    r->cfg.virgl = true;
    r->cfg.num_capsets = 2;
    r->onDevice = twoCapsets;
    assert_true(rigBoot(r));
}

static struct sim_3d_view host3d(Rig *r)
{
    struct sim_3d_view v;
    sim_3d(r->sim, &v);
    return v;
}

static unsigned hostContexts(Rig *r) { return host3d(r).contexts; }
static unsigned hostResources(Rig *r) { return host3d(r).resources; }
static bool hostHasContext(Rig *r, uint32_t ctx) { return sim_3d_ctx_name(r->sim, ctx) != NULL; }
static uint64_t deviceCommands(Rig *r) { return sim_stats(r->sim)->commands; }

/* The context, the resource and the one attached to the other, all on the host. */
static bool hostHolds(Rig *r, uint32_t ctx, uint32_t res)
{
    return hostHasContext(r, ctx) && sim_resource_exists(r->sim, res) && sim_3d_attached(r->sim, ctx, res);
}

/* A slow host: the next command of `type` is answered `ms` from now. */
static void answerLate(Rig *r, uint32_t type, uint64_t ms)
{
    sim_fault_hold_next(r->sim, type);
    fake::answerHeldAt(fake::now() + ms * 1000000u);
}

static IOReturn call(IOUserClient *c, uint32_t sel, std::vector<uint64_t> in, uint32_t nOut,
                     std::vector<uint64_t> *out = NULL)
{
    fake::MethodCall m;
    m.scalarsIn = in;
    m.scalarsOutCount = nOut;
    IOReturn ret = fake::callMethod(c, sel, &m);
    if (out)
        *out = m.scalarsOut;
    return ret;
}

static IOReturn callStruct(IOUserClient *c, uint32_t sel, std::vector<uint64_t> in, const void *s, size_t len,
                           uint32_t nOut, std::vector<uint64_t> *out = NULL)
{
    fake::MethodCall m;
    m.scalarsIn = in;
    m.structIn.assign(static_cast<const uint8_t *>(s), static_cast<const uint8_t *>(s) + len);
    m.scalarsOutCount = nOut;
    IOReturn ret = fake::callMethod(c, sel, &m);
    if (out)
        *out = m.scalarsOut;
    return ret;
}

static IOReturn ctxCreate(IOUserClient *c, const char *name, size_t len, uint32_t *ctx)
{
    std::vector<uint64_t> out;
    IOReturn ret = callStruct(c, kVgpuUcCtxCreate, {}, name, len, 1, &out);
    if (ret == kIOReturnSuccess) {
        assert_int_equal(out.size(), 1);
        *ctx = (uint32_t)out[0];
    }
    return ret;
}

static uint32_t newCtx(IOUserClient *c)
{
    uint32_t ctx = 0;
    assert_int_equal(ctxCreate(c, "test", 4, &ctx), kIOReturnSuccess);
    assert_true(ctx != 0);
    return ctx;
}

static VgpuUcResource rt(uint32_t w, uint32_t h)
{
    return VgpuUcResource{ 2 /* 2D */, VIRGL_FORMAT_B8G8R8A8_UNORM, VIRGL_BIND_RENDER_TARGET, w, h, 1, 1, 0, 0, 0 };
}

static IOReturn resCreate(IOUserClient *c, const VgpuUcResource &d, uint64_t backing, uint32_t *res,
                          uint32_t *memType)
{
    std::vector<uint64_t> out;
    IOReturn ret = callStruct(c, kVgpuUcResourceCreate, { backing }, &d, sizeof(d), 2, &out);
    if (ret == kIOReturnSuccess) {
        *res = (uint32_t)out[0];
        *memType = (uint32_t)out[1];
    }
    return ret;
}

/* A render target 64 wide, as many rows high (up to 64) as the backing holds. */
static uint32_t newRes(IOUserClient *c, uint64_t backing, uint32_t *memType = NULL)
{
    uint32_t res = 0, type = 0;
    uint32_t rows = backing >= 64 * 64 * 4 ? 64 : (uint32_t)(backing / (64 * 4));
    assert_int_equal(resCreate(c, rt(64, rows), backing, &res, &type), kIOReturnSuccess);
    if (memType)
        *memType = type;
    return res;
}

static IOReturn xfer(IOUserClient *c, const VgpuUcTransfer &t, uint64_t *fence = NULL)
{
    std::vector<uint64_t> out;
    IOReturn ret = callStruct(c, kVgpuUcTransfer, {}, &t, sizeof(t), 1, &out);
    if (ret == kIOReturnSuccess && fence)
        *fence = out[0];
    return ret;
}

static IOReturn submit(IOUserClient *c, uint64_t ctx, uint64_t offset, uint64_t size, uint64_t flags,
                       uint64_t *fence = NULL)
{
    std::vector<uint64_t> out;
    IOReturn ret = call(c, kVgpuUcSubmit, { ctx, offset, size, flags }, 1, &out);
    if (ret == kIOReturnSuccess && fence)
        *fence = out[0];
    return ret;
}

static uint8_t *mapType(IOUserClient *c, UInt32 type, IOByteCount *len = NULL)
{
    IOReturn ret = kIOReturnError;
    uint8_t *p = static_cast<uint8_t *>(fake::mapMemory(c, type, len, &ret));
    assert_int_equal(ret, kIOReturnSuccess);
    return p;
}

static bool allZero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A device reset, as the host asks for one: the service thread recovers. */
static void deviceReset(Rig *r)
{
    sim_raise_needs_reset(r->sim);
    fake::pump();
    fake::fireTimers();
    assert_true(fake::logContains("recovered"));
}

/* ---- opening ---- */

static void open_refuses_other_types(void **state)
{
    Rig *r = rig(state);
    boot2d(r);
    size_t clients = r->dev->fakeClients.size();
    for (UInt32 type : { 1u, 2u, 0x80000000u, 0xFFFFFFFFu }) {
        IOUserClient *c = (IOUserClient *)0x1;
        assert_int_equal(fake::serviceOpen(r->dev, type, &c), kIOReturnBadArgument);
        assert_null(c);
    }
    assert_int_equal(r->dev->fakeClients.size(), clients);
    /* IOService's generic path (IOUserClientClass) ends in initWithTask: refused there too. */
    VirtioGPUUserClient *uc = OSTypeAlloc(VirtioGPUUserClient);
    assert_false(uc->initWithTask(fake::userTask, fake::userTask, 1, NULL));
    uc->release();
}

static void open_is_refused_once_the_device_stops(void **state)
{
    Rig *r = rig(state);
    boot2d(r);
    IOUserClient *c = open3d(r);
    rigTerminate(r);
    IOUserClient *late = NULL;
    assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &late), kIOReturnNotReady);
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { 0 }, 3), kIOReturnNotAttached);
    IOReturn ret = kIOReturnSuccess;
    assert_null(fake::mapMemory(c, kVgpuUcMemCommands, NULL, &ret));
    assert_int_equal(ret, kIOReturnBadArgument);
    fake::serviceClose(c);
}

/* ---- a 2D-only device: the real core answers ---- */

static void two_d_device_says_unsupported_and_keeps_nothing(void **state)
{
    Rig *r = rig(state);
    boot2d(r);
    assert_true(fake::logContains("3D (virgl): not offered"));
    IOUserClient *c = open3d(r);
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { 0 }, 3), kIOReturnUnsupported);
    fake::MethodCall m;
    m.scalarsIn = { 1, 1 };
    m.structOutCapacity = 4096;
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnUnsupported);
    uint32_t ctx = 0, res = 0, type = 0;
    assert_int_equal(ctxCreate(c, "app", 3, &ctx), kIOReturnUnsupported);
    size_t mallocs = fake::liveMallocs(), dma = fake::liveDma();
    long objects = fake::liveObjects();
    assert_int_equal(resCreate(c, rt(64, 64), 16384, &res, &type), kIOReturnUnsupported);
    assert_int_equal(fake::liveMallocs(), mallocs);
    assert_int_equal(fake::liveDma(), dma);
    assert_int_equal(fake::liveObjects(), objects);
    /* Calls that name objects: there are none, so they fail before reaching the device. */
    assert_int_equal(call(c, kVgpuUcCtxDestroy, { 1 }, 0), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcCtxAttach, { 1, 1 }, 0), kIOReturnBadArgument);
    assert_int_equal(submit(c, 1, 0, 16, 0), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcFenceWait, { 1, 1, 0 }, 0), kIOReturnBadArgument);
    VgpuUcTransfer t = { 1, 1, kVgpuUcToHost, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0 };
    assert_int_equal(xfer(c, t), kIOReturnBadArgument);
    /* The command buffer is there, and holds no old kernel data. */
    IOByteCount len = 0;
    uint8_t *cmds = mapType(c, kVgpuUcMemCommands, &len);
    assert_int_equal(len, VirtioGPUUserClient::kCommandBytes);
    assert_true(allZero(cmds, len));
    fake::serviceClose(c);
}

/* ---- what IOKit's dispatch table refuses: the handler never runs ---- */

struct Shape { uint32_t sel, scalars, structIn, scalarsOut; bool structOut; };
static const Shape kShapes[] = {
    { kVgpuUcCapsetInfo, 1, 0, 3, false },       { kVgpuUcGetCapset, 2, 0, 0, true },
    { kVgpuUcCtxCreate, 0, 0, 1, false },        { kVgpuUcCtxDestroy, 1, 0, 0, false },
    { kVgpuUcResourceCreate, 1, 40, 2, false },  { kVgpuUcResourceDestroy, 1, 0, 0, false },
    { kVgpuUcCtxAttach, 2, 0, 0, false },        { kVgpuUcCtxDetach, 2, 0, 0, false },
    { kVgpuUcSubmit, 4, 0, 1, false },           { kVgpuUcFenceWait, 3, 0, 0, false },
    { kVgpuUcTransfer, 0, 64, 1, false },
};

/* A call of `shape` with one thing wrong (what = 0..5); scalars name live objects. */
static IOReturn misshapen(IOUserClient *c, const Shape &sh, int what, uint64_t ctx, uint64_t res)
{
    fake::MethodCall m;
    uint64_t vals[4] = { ctx, res, 0, 0 };
    if (sh.sel == kVgpuUcCapsetInfo || sh.sel == kVgpuUcResourceCreate)
        vals[0] = 0;
    for (uint32_t i = 0; i < sh.scalars; i++)
        m.scalarsIn.push_back(vals[i]);
    bool name = sh.sel == kVgpuUcCtxCreate;   /* variable size: 0..63 bytes */
    m.structIn.assign(sh.structIn, 0);
    m.scalarsOutCount = sh.scalarsOut;
    m.structOutCapacity = sh.structOut ? 4096 : 0;
    switch (what) {
    case 0: m.scalarsIn.push_back(0); break;                                   /* one scalar too many */
    case 1: if (sh.scalars) m.scalarsIn.pop_back(); else m.scalarsIn.push_back(0); break;
    case 2: m.scalarsOutCount++; break;
    case 3: m.structIn.resize(name ? 64 : sh.structIn ? sh.structIn - 1 : 8); break;  /* short, or unwanted */
    case 4: m.structIn.resize(sh.structIn ? sh.structIn + 1 : 5000); break;  /* long (5000: out of line) */
    case 5: m.structOutCapacity = sh.structOut ? 0 : 8; break;                /* no room, or unwanted */
    }
    return fake::callMethod(c, sh.sel, &m);
}

static void dispatch_refuses_wrong_shapes_before_any_handler(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    uint32_t ctx = newCtx(c), res = newRes(c, 4096);
    assert_int_equal(call(c, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnSuccess);
    uint64_t commands = deviceCommands(r);
    for (uint32_t sel : { (uint32_t)kVgpuUcSelectorCount, 12u, 0x7FFFFFFFu, 0xFFFFFFFFu })
        assert_int_equal(call(c, sel, { ctx }, 0), kIOReturnBadArgument);
    for (const Shape &sh : kShapes)
        for (int what = 0; what < 6; what++)
            assert_int_equal(misshapen(c, sh, what, ctx, res), kIOReturnBadArgument);
    std::vector<uint64_t> many(17, 0);
    assert_int_equal(call(c, kVgpuUcCtxDestroy, many, 0), kIOReturnIPCError);   /* MIG's limit */
    assert_int_equal(deviceCommands(r), commands);   /* nothing reached the device */
    assert_true(hostHolds(r, ctx, res));
    fake::serviceClose(c);
}

/* ---- values the handlers refuse before the device sees anything ---- */

static void bad_values_never_reach_the_device(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    uint32_t ctx = newCtx(c), res = newRes(c, 4096);
    assert_int_equal(call(c, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnSuccess);
    const uint64_t hi = 1ull << 32;   /* would alias ctx/res if truncated to 32 bits */
    uint64_t commands = deviceCommands(r);
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { hi }, 3), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { 16 }, 3), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { UINT64_MAX }, 3), kIOReturnBadArgument);
    fake::MethodCall m;
    m.scalarsIn = { hi | 1, 1 };
    m.structOutCapacity = 4096;
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnBadArgument);
    m.scalarsIn = { 1, hi | 1 };
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnBadArgument);
    m.scalarsIn = { 1, 1 };
    m.structOutCapacity = 0;   /* no room at all */
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnBadArgument);
    char name[5000];
    memset(name, 'n', sizeof(name));
    uint32_t unused;
    assert_int_equal(ctxCreate(c, name, 64, &unused), kIOReturnBadArgument);
    assert_int_equal(ctxCreate(c, name, sizeof(name), &unused), kIOReturnBadArgument);   /* out of line */
    assert_int_equal(call(c, kVgpuUcCtxDestroy, { hi | ctx }, 0), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcResourceDestroy, { hi | res }, 0), kIOReturnBadArgument);
    uint32_t type;
    assert_int_equal(resCreate(c, rt(64, 64), VirtioGPUUserClient::kMaxBackingBytes + 1ull, &unused, &type),
                     kIOReturnBadArgument);
    assert_int_equal(resCreate(c, rt(64, 64), UINT64_MAX, &unused, &type), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcCtxDetach, { ctx, hi | res }, 0), kIOReturnBadArgument);
    const uint64_t mib = 1u << 20;
    const uint64_t badSubmits[][3] = {   /* offset, size, flags */
        { 0, 16, 2 }, { 0, 16, hi }, { 0, 0, 0 }, { 0, 2, 0 }, { 0, 6, 0 }, { 2, 16, 0 },
        { mib, 4, 0 }, { mib - 4, 8, 0 }, { UINT64_MAX - 3, 8, 0 }, { 0, hi + 4, 0 },
        { 0, (16 << 20) + 4, 0 }, { 0, mib + 4, 0 },
    };
    for (const auto &b : badSubmits)
        assert_int_equal(submit(c, ctx, b[0], b[1], b[2]), kIOReturnBadArgument);
    assert_int_equal(submit(c, hi | ctx, 0, 16, 0), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, 1, VirtioGPUUserClient::kMaxWaitMs + 1ull }, 0),
                     kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, 1, hi }, 0), kIOReturnBadArgument);
    VgpuUcTransfer good = { ctx, res, kVgpuUcToHost, 0, 0, 0, 0, 0, 4, 4, 1, 256, 0, 0, 0 };
    VgpuUcTransfer t = good;
    t.direction = 0;
    assert_int_equal(xfer(c, t), kIOReturnBadArgument);
    t.direction = 3;
    assert_int_equal(xfer(c, t), kIOReturnBadArgument);
    t = good;
    t.fenced = 2;
    assert_int_equal(xfer(c, t), kIOReturnBadArgument);
    t = good;
    t.pad = 1;
    assert_int_equal(xfer(c, t), kIOReturnBadArgument);
    assert_int_equal(deviceCommands(r), commands);
    assert_int_equal(xfer(c, good), kIOReturnSuccess);   /* the same call, well formed, goes through */
    fake::serviceClose(c);
}

/* ---- memory user space maps ---- */

static void memory_types_name_only_live_buffers(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    uint32_t type = 0;
    uint32_t res = newRes(c, 16384 + 100, &type);
    assert_int_equal(type, kVgpuUcMemResource);   /* the first slot */
    IOByteCount len = 0;
    uint8_t *backing = mapType(c, type, &len);
    assert_int_equal(len, 20480);                 /* whole pages */
    assert_true(allZero(backing, len));           /* the fake hands out 0xA5-filled memory */
    const UInt32 badTypes[] = { 1, 0xFF, kVgpuUcMemResource + 1, kVgpuUcMemResource + 255,
                                kVgpuUcMemResource + 256, 0x7FFFFFFF, 0xFFFFFFFF };
    for (UInt32 bad : badTypes) {
        IOReturn ret = kIOReturnSuccess;
        assert_null(fake::mapMemory(c, bad, NULL, &ret));
        assert_int_equal(ret, kIOReturnBadArgument);
    }
    size_t dma = fake::liveDma();
    assert_int_equal(call(c, kVgpuUcResourceDestroy, { res }, 0), kIOReturnSuccess);
    assert_null(fake::findMapping(c, backing));   /* the process's view went with it */
    assert_int_equal(fake::liveDma(), dma - 1);   /* its one device range */
    IOReturn ret = kIOReturnSuccess;
    assert_null(fake::mapMemory(c, type, NULL, &ret));
    assert_int_equal(ret, kIOReturnBadArgument);
    fake::serviceClose(c);
}

/* ---- capsets ---- */

static void capsets_inline_and_out_of_line(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    std::vector<uint64_t> out;
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { 0 }, 3, &out), kIOReturnSuccess);
    assert_true(out == std::vector<uint64_t>({ 1, 1, 308 }));
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { 1 }, 3, &out), kIOReturnSuccess);
    assert_true(out == std::vector<uint64_t>({ 2, 2, 5000 }));
    assert_int_equal(call(c, kVgpuUcCapsetInfo, { 2 }, 3, &out), kIOReturnBadArgument);
    for (uint32_t id : { 1u, 2u }) {
        fake::MethodCall m;
        m.scalarsIn = { id, id };
        m.structOutCapacity = id == 1 ? 4096 : 8192;   /* 8192: an out-of-line reply buffer */
        assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnSuccess);
        assert_int_equal(m.structOut.size(), kCapsetSize[id]);
        assert_true(m.structOut == capsetBytes(id));
    }
    fake::MethodCall m;
    m.scalarsIn = { 2, 2 };
    m.structOutCapacity = 4096;   /* too small for 5000 bytes */
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnNoSpace);
    m.scalarsIn = { 2, 3 };
    m.structOutCapacity = 8192;
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnBadArgument);
    m.scalarsIn = { 7, 1 };
    assert_int_equal(fake::callMethod(c, kVgpuUcGetCapset, &m), kIOReturnBadArgument);
    fake::serviceClose(c);
}

/* ---- contexts ---- */

static void contexts_names_and_the_per_client_limit(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    char name[63];
    memset(name, 'n', sizeof(name));   /* not terminated */
    uint32_t a = 0, b = 0, d = 0;
    assert_int_equal(ctxCreate(c, name, sizeof(name), &a), kIOReturnSuccess);
    assert_string_equal(sim_3d_ctx_name(r->sim, a), std::string(63, 'n').c_str());
    assert_int_equal(ctxCreate(c, NULL, 0, &b), kIOReturnSuccess);
    assert_string_equal(sim_3d_ctx_name(r->sim, b), "");
    assert_int_equal(ctxCreate(c, "ab\0cd", 5, &d), kIOReturnSuccess);
    assert_string_equal(sim_3d_ctx_name(r->sim, d), "ab");
    uint32_t more = 0;
    for (unsigned i = 3; i < VirtioGPUUserClient::kMaxContexts; i++)
        assert_int_equal(ctxCreate(c, "x", 1, &more), kIOReturnSuccess);
    uint64_t commands = deviceCommands(r);
    assert_int_equal(ctxCreate(c, "x", 1, &more), kIOReturnNoResources);
    assert_int_equal(deviceCommands(r), commands);
    assert_int_equal(hostContexts(r), VirtioGPUUserClient::kMaxContexts);
    assert_int_equal(call(c, kVgpuUcCtxDestroy, { b }, 0), kIOReturnSuccess);
    assert_false(hostHasContext(r, b));
    assert_int_equal(call(c, kVgpuUcCtxDestroy, { b }, 0), kIOReturnBadArgument);
    assert_int_equal(ctxCreate(c, "x", 1, &more), kIOReturnSuccess);   /* the slot is free again */
    fake::serviceClose(c);
    assert_int_equal(hostContexts(r), 0);
}

/* ---- resources: backing, attachments, transfers through the device segments ---- */

static VgpuUcTransfer box(uint32_t ctx, uint32_t res, uint32_t dir, uint32_t x, uint32_t y, uint32_t w,
                          uint32_t h)
{
    return VgpuUcTransfer{ ctx, res, dir, 0, 0, x, y, 0, w, h, 1, 256, 0, 0, (y * 64u + x) * 4u };
}

static void transfers_reach_the_backing_through_its_segments(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    fake::setDmaChunkPages(1);   /* from here every page is its own device range, with gaps */
    IOUserClient *c = open3d(r);
    uint32_t ctx = newCtx(c), type = 0;
    size_t dma = fake::liveDma();
    uint32_t res = newRes(c, 64 * 64 * 4, &type);
    assert_int_equal(fake::liveDma(), dma + 4);
    uint32_t *texels = reinterpret_cast<uint32_t *>(mapType(c, type));
    for (uint32_t i = 0; i < 64 * 64; i++)
        texels[i] = pattern(i % 64, i / 64, 5);
    assert_int_equal(xfer(c, box(ctx, res, kVgpuUcToHost, 0, 0, 64, 64)), kIOReturnBadArgument);   /* not attached */
    assert_int_equal(call(c, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnSuccess);
    assert_int_equal(call(c, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnBadArgument);  /* twice */
    assert_int_equal(xfer(c, box(ctx, res, kVgpuUcToHost, 0, 0, 64, 64)), kIOReturnSuccess);
    uint32_t w = 0, h = 0;
    const uint32_t *host = sim_resource_texels(r->sim, res, &w, &h);
    assert_non_null(host);
    assert_true(w == 64 && h == 64);
    for (uint32_t i = 0; i < 64 * 64; i++)
        assert_int_equal(host[i], pattern(i % 64, i / 64, 5));
    for (uint32_t i = 0; i < 64 * 64; i++)
        texels[i] = pattern(i % 64, i / 64, 6);   /* the backing moves on; the host keeps seed 5 */
    VgpuUcTransfer in = box(ctx, res, kVgpuUcFromHost, 8, 60, 4, 4);   /* rows 60..63: the last page */
    in.fenced = 1;
    uint64_t fence = 0;
    assert_int_equal(xfer(c, in, &fence), kIOReturnSuccess);
    assert_true(fence != 0);
    for (uint32_t y = 0; y < 64; y++)
        for (uint32_t x = 0; x < 64; x++) {
            bool inBox = x >= 8 && x < 12 && y >= 60;
            assert_int_equal(texels[y * 64 + x], pattern(x, y, inBox ? 5 : 6));
        }
    assert_int_equal(xfer(c, box(ctx, res, kVgpuUcFromHost, 0, 63, 64, 2)), kIOReturnBadArgument);   /* past the end */
    assert_int_equal(call(c, kVgpuUcCtxDetach, { ctx, res }, 0), kIOReturnSuccess);
    assert_false(sim_3d_attached(r->sim, ctx, res));
    assert_int_equal(call(c, kVgpuUcResourceDestroy, { res }, 0), kIOReturnSuccess);
    assert_false(sim_resource_exists(r->sim, res));
    assert_int_equal(fake::liveDma(), dma);
    fake::serviceClose(c);
}

static void a_refused_resource_leaves_nothing(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    newCtx(c);   /* the core's 3D tables are made by the first 3D call, and kept */
    size_t mallocs = fake::liveMallocs(), dma = fake::liveDma();
    long objects = fake::liveObjects();
    VgpuUcResource d = rt(0, 64);   /* the core refuses a zero width */
    uint32_t res, type;
    assert_int_equal(resCreate(c, d, 1 << 20, &res, &type), kIOReturnBadArgument);
    assert_int_equal(fake::liveMallocs(), mallocs);
    assert_int_equal(fake::liveDma(), dma);
    assert_int_equal(fake::liveObjects(), objects);
    assert_int_equal(hostResources(r), 0);
    fake::serviceClose(c);
}

/* ---- submission from the shared command buffer, fences ---- */

static void submit_reads_the_shared_buffer_and_fences_complete(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    fake::setDmaChunkPages(1);   /* from here every page is its own device range, with gaps */
    IOUserClient *c = open3d(r);
    uint32_t ctx = newCtx(c);
    uint8_t *cmds = mapType(c, kVgpuUcMemCommands);
    const uint64_t at = 4096 - 32;   /* across a page, hence a device-range boundary */
    for (uint32_t i = 0; i < 64; i++)
        cmds[at + i] = (uint8_t)(i * 13 + 1);
    uint64_t fence = 1;
    assert_int_equal(submit(c, ctx, at, 64, 0, &fence), kIOReturnSuccess);
    assert_int_equal(fence, 0);
    uint8_t stream[64];
    assert_int_equal(sim_3d_last_submit(r->sim, stream, sizeof(stream)), 64);
    assert_memory_equal(stream, cmds + at, 64);
    answerLate(r, SPEC_GPU_CMD_SUBMIT_3D, 7);
    assert_int_equal(submit(c, ctx, 0, 4, kVgpuUcSubmitFenced, &fence), kIOReturnSuccess);
    assert_true(fence != 0);
    uint64_t t0 = fake::now();
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, fence, 100 }, 0), kIOReturnSuccess);
    assert_in_range(fake::now() - t0, 7000000, 20000000);   /* slept in slices, not 100 ms */
    answerLate(r, SPEC_GPU_CMD_SUBMIT_3D, 1000);
    assert_int_equal(submit(c, ctx, 0, 4, kVgpuUcSubmitFenced, &fence), kIOReturnSuccess);
    t0 = fake::now();
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, fence, 10 }, 0), kIOReturnTimeout);
    assert_in_range(fake::now() - t0, 10000000, 20000000);
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, fence, 0 }, 0), kIOReturnTimeout);
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, fence + 1000, 10 }, 0), kIOReturnBadArgument);
    assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, 0, 0 }, 0), kIOReturnBadArgument);
    /* The destroy waits for the queued work outside the gate first. */
    assert_int_equal(call(c, kVgpuUcCtxDestroy, { ctx }, 0), kIOReturnSuccess);
    assert_true(fake::now() - t0 >= 1000000000ull);
    assert_false(hostHasContext(r, ctx));
    fake::serviceClose(c);
}

/* ---- isolation between clients ---- */

static void another_clients_ids_are_refused(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *a = open3d(r), *b = open3d(r);
    uint32_t type = 0;
    uint32_t ctx = newCtx(a), res = newRes(a, 4096, &type);
    assert_int_equal(call(a, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnSuccess);
    uint64_t commands = deviceCommands(r);
    assert_int_equal(call(b, kVgpuUcCtxDestroy, { ctx }, 0), kIOReturnBadArgument);
    assert_int_equal(call(b, kVgpuUcResourceDestroy, { res }, 0), kIOReturnBadArgument);
    assert_int_equal(call(b, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnBadArgument);
    assert_int_equal(call(b, kVgpuUcCtxDetach, { ctx, res }, 0), kIOReturnBadArgument);
    assert_int_equal(submit(b, ctx, 0, 16, 0), kIOReturnBadArgument);
    assert_int_equal(call(b, kVgpuUcFenceWait, { ctx, 1, 0 }, 0), kIOReturnBadArgument);
    assert_int_equal(xfer(b, box(ctx, res, kVgpuUcToHost, 0, 0, 1, 1)), kIOReturnBadArgument);
    IOReturn ret = kIOReturnSuccess;
    assert_null(fake::mapMemory(b, type, NULL, &ret));
    assert_int_equal(ret, kIOReturnBadArgument);
    assert_int_equal(deviceCommands(r), commands);
    uint32_t bctx = newCtx(b);
    assert_int_equal(call(a, kVgpuUcCtxDestroy, { bctx }, 0), kIOReturnBadArgument);
    fake::serviceClose(b);
    assert_false(hostHasContext(r, bctx));
    assert_true(hostHolds(r, ctx, res));
    fake::serviceClose(a);
}

/* ---- limits: clients, resources, wired memory ---- */

static void clients_and_resources_are_bounded(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    std::vector<IOUserClient *> clients;
    for (unsigned i = 0; i < VirtioGPUDevice::kMaxUserClients; i++)
        clients.push_back(open3d(r));
    IOUserClient *extra = NULL;
    assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &extra), kIOReturnNoResources);
    fake::serviceClose(clients.back());
    clients.pop_back();
    clients.push_back(open3d(r));   /* a closed client's place is free again */
    IOUserClient *c = clients[0];
    uint32_t res, type;
    for (unsigned i = 0; i < VirtioGPUUserClient::kMaxResources; i++)
        assert_int_equal(resCreate(c, rt(1, 1), 0, &res, &type), kIOReturnSuccess);
    assert_int_equal(type, kVgpuUcMemResource + VirtioGPUUserClient::kMaxResources - 1);
    assert_int_equal(resCreate(c, rt(1, 1), 0, &res, &type), kIOReturnNoResources);
    assert_int_equal(hostResources(r), VirtioGPUUserClient::kMaxResources);
    for (IOUserClient *each : clients)
        fake::serviceClose(each);
    assert_int_equal(hostResources(r), 0);
}

static void wired_memory_is_bounded_across_clients(void **state)
{
    Rig *r = rig(state);
    /* The limit comes from the personality: 4 MiB here, 1 of them per client's command buffer. */
    r->driverProps["VirtioGPU3DMemoryLimitMB"] = 4;
    boot3d(r);
    IOUserClient *a = open3d(r);
    uint32_t big, small, type;
    assert_int_equal(resCreate(a, rt(64, 64), 2 << 20, &big, &type), kIOReturnSuccess);
    size_t mallocs = fake::liveMallocs(), dma = fake::liveDma();
    assert_int_equal(resCreate(a, rt(64, 64), (1 << 20) + 1, &small, &type), kIOReturnNoResources);
    assert_int_equal(fake::liveMallocs(), mallocs);
    assert_int_equal(fake::liveDma(), dma);
    assert_int_equal(resCreate(a, rt(64, 64), 1 << 20, &small, &type), kIOReturnSuccess);   /* exactly full */
    IOUserClient *b = NULL;
    assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &b), kIOReturnNoResources);
    assert_int_equal(call(a, kVgpuUcResourceDestroy, { big }, 0), kIOReturnSuccess);
    b = open3d(r);   /* the destroyed backing's share is back */
    assert_int_equal(resCreate(b, rt(64, 64), 1 << 20, &big, &type), kIOReturnSuccess);
    fake::serviceClose(a);
    fake::serviceClose(b);
}

/* ---- close and stop with work in flight, and other threads meanwhile ---- */

static void close_waits_for_queued_work_and_releases_everything(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    uint32_t type = 0;
    uint32_t ctx = newCtx(c), res = newRes(c, 64 * 64 * 4, &type);
    uint8_t *backing = mapType(c, type), *cmds = mapType(c, kVgpuUcMemCommands);
    assert_int_equal(call(c, kVgpuUcCtxAttach, { ctx, res }, 0), kIOReturnSuccess);
    answerLate(r, SPEC_GPU_CMD_SUBMIT_3D, 50);
    assert_int_equal(submit(c, ctx, 0, 64, kVgpuUcSubmitFenced), kIOReturnSuccess);
    VgpuUcTransfer t = box(ctx, res, kVgpuUcFromHost, 0, 0, 64, 64);
    t.fenced = 1;
    assert_int_equal(xfer(c, t), kIOReturnSuccess);
    uint64_t t0 = fake::now();
    assert_int_equal(c->clientClose(), kIOReturnSuccess);
    assert_true(fake::now() - t0 >= 50000000ull);   /* drained before destroying */
    assert_int_equal(hostContexts(r), 0);
    assert_int_equal(hostResources(r), 0);
    assert_null(fake::findMapping(c, backing));
    assert_null(fake::findMapping(c, cmds));
    assert_int_equal(call(c, kVgpuUcCtxCreate, {}, 1), kIOReturnNotAttached);
    c->release();
}

struct OtherThread {
    IOUserClient *client;
    Rig          *rig;
    int           action;   /* 0: destroy ctx, 1: close, 2: the provider stops */
    uint32_t      ctx;
    IOReturn      result;
    bool          ran;
};

static void otherThread(void *p)
{
    OtherThread *o = static_cast<OtherThread *>(p);
    fake::setSleepHook(NULL, NULL);   /* once */
    o->ran = true;
    if (o->action == 0)
        o->result = call(o->client, kVgpuUcCtxDestroy, { o->ctx }, 0);
    else if (o->action == 1)
        o->result = o->client->clientClose();
    else
        rigTerminate(o->rig);
}

/* A fence wait sleeps without the client's lock; what happens meanwhile must not trip it up. */
static void fence_wait_survives_what_other_threads_do(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    for (int action = 0; action < 3; action++) {
        IOUserClient *c = open3d(r);
        uint32_t ctx = newCtx(c);
        uint64_t fence = 0;
        answerLate(r, SPEC_GPU_CMD_SUBMIT_3D, 1000);
        assert_int_equal(submit(c, ctx, 0, 4, kVgpuUcSubmitFenced, &fence), kIOReturnSuccess);
        OtherThread o = { c, r, action, ctx, kIOReturnError, false };
        fake::setSleepHook(otherThread, &o);
        assert_int_equal(call(c, kVgpuUcFenceWait, { ctx, fence, 5000 }, 0), kIOReturnAborted);
        assert_true(o.ran);
        if (action < 2)
            assert_int_equal(o.result, kIOReturnSuccess);
        assert_false(hostHasContext(r, ctx));
        assert_int_equal(call(c, kVgpuUcCtxCreate, {}, 1), action == 0 ? kIOReturnSuccess : kIOReturnNotAttached);
        fake::serviceClose(c);
    }
}

/* ---- device reset: every id dies, and none is reused by mistake ---- */

static void a_device_reset_drops_every_id_without_touching_new_ones(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *a = open3d(r);
    uint32_t type = 0;
    uint32_t ctx = newCtx(a), res = newRes(a, 8192, &type);
    uint8_t *backing = mapType(a, type);
    IOUserClient *b = open3d(r);   /* holds nothing yet */
    deviceReset(r);
    uint32_t bctx = newCtx(b);     /* b has nothing to lose: its call just runs */
    /* The core's numbering (next-fit over 4096 ids) comes round to a's dead id: b gets it. */
    for (unsigned i = 0; bctx != ctx && i < 4096; i++) {
        assert_int_equal(call(b, kVgpuUcCtxDestroy, { bctx }, 0), kIOReturnSuccess);
        bctx = newCtx(b);
    }
    assert_int_equal(bctx, ctx);
    size_t dma = fake::liveDma();
    assert_int_equal(call(a, kVgpuUcCtxDestroy, { ctx }, 0), kIOReturnAborted);
    assert_true(hostHasContext(r, bctx));   /* b's context survived a's stale destroy */
    assert_int_equal(call(a, kVgpuUcCtxDestroy, { ctx }, 0), kIOReturnBadArgument);
    assert_int_equal(call(a, kVgpuUcResourceDestroy, { res }, 0), kIOReturnBadArgument);
    assert_null(fake::findMapping(a, backing));
    assert_int_equal(fake::liveDma(), dma - 1);   /* a's backing: the reset took the device's view, then it went */
    uint32_t again = newCtx(a);
    assert_true(hostHasContext(r, again));
    fake::serviceClose(a);
    fake::serviceClose(b);
}

/* ---- a release the device never confirmed: the memory stays until the device is reset ---- */

/* A late device write into the backing the device still holds for `res`: the bytes it reaches. */
static uint64_t deviceWritesBacking(Rig *r, uint32_t res, uint8_t value)
{
    uint64_t addr, reached = 0;
    uint32_t len;
    for (uint32_t i = 0; sim_resource_backing_entry(r->sim, res, i, &addr, &len); i++) {
        void *p = fake::dmaMap(NULL, addr, len);
        if (p) {
            memset(p, value, len);
            reached += len;
        }
    }
    return reached;
}

static void unconfirmed_release_keeps_the_memory_until_a_reset(void **state)
{
    Rig *r = rig(state);
    boot3d(r);
    IOUserClient *c = open3d(r);
    uint32_t type = 0;
    uint32_t res = newRes(c, 8192, &type);
    uint8_t *backing = mapType(c, type);
    size_t dma = fake::liveDma();
    sim_fault_hold_next(r->sim, SPEC_GPU_CMD_RESOURCE_DETACH_BACKING);   /* never answered */
    assert_int_equal(call(c, kVgpuUcResourceDestroy, { res }, 0), kIOReturnIOError);
    assert_null(fake::findMapping(c, backing));     /* user space lets go at once */
    assert_int_equal(deviceWritesBacking(r, res, 0x5A), 8192);   /* the device can still write it */
    assert_int_equal(fake::liveDma(), dma);
    assert_int_equal(call(c, kVgpuUcResourceDestroy, { res }, 0), kIOReturnBadArgument);
    deviceReset(r);
    assert_int_equal(fake::liveDma(), dma - 1);    /* freed after the reset */
    /* And once more without a reset: the core's close at stop resets the device and frees it. */
    res = newRes(c, 4096);
    sim_fault_hold_next(r->sim, SPEC_GPU_CMD_RESOURCE_DETACH_BACKING);
    assert_int_equal(call(c, kVgpuUcResourceDestroy, { res }, 0), kIOReturnIOError);
    fake::serviceClose(c);
}

int runUserClientTests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_refuses_other_types, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(open_is_refused_once_the_device_stops, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(two_d_device_says_unsupported_and_keeps_nothing, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(dispatch_refuses_wrong_shapes_before_any_handler, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(bad_values_never_reach_the_device, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(memory_types_name_only_live_buffers, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(capsets_inline_and_out_of_line, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(contexts_names_and_the_per_client_limit, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(transfers_reach_the_backing_through_its_segments, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(a_refused_resource_leaves_nothing, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(submit_reads_the_shared_buffer_and_fences_complete, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(another_clients_ids_are_refused, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(clients_and_resources_are_bounded, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(wired_memory_is_bounded_across_clients, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(close_waits_for_queued_work_and_releases_everything, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(fence_wait_survives_what_other_threads_do, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(a_device_reset_drops_every_id_without_touching_new_ones, rigTestSetup, rigTestTeardown),
        cmocka_unit_test_setup_teardown(unconfirmed_release_keeps_the_memory_until_a_reset, rigTestSetup, rigTestTeardown),
    };
    return cmocka_run_group_tests_name("kext user client", tests, NULL, NULL) + runPrivilegeTests() +
           runConsoleTests() + runDmaTests();
}
