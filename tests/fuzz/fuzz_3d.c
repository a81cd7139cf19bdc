/*
 * fuzz_3d.c — libFuzzer target: the 3D (virgl) path against a hostile device.
 * Tape: the device's creation-time 3D decisions (dev_caps3d.c: capset count, VIRGL2 version and
 * size), then the interrupt mode, then a byte of session choices (bit 0 async interrupts, bit 1
 * a vgpu_recover after the submits, bit 2 leave everything for vgpu_close to destroy, bits 3-5
 * backing segments), then per command the response and timing decisions (dev_gpu.c, dev_ring.c).
 * The session: vgpu3d_open, capsets, a context, a 2D texture and a buffer with backing, attached,
 * transfers both ways (waited and fenced), submits of several segments (waited and fenced), a
 * fence wait, detach, destroy, close — then every allocation must be back.
 */
#include "fuzz_dev.h"
#include "fuzz_os.h"
#include "fuzz_tape.h"
#include "session.h"
#include "../../core/gpu3d/vgpu3d.h"
#include "../../core/gpu3d/virgl_proto.h"

#define TEX_SIZE   64u
#define BUF_BYTES  1024u
#define FENCE_MS   200u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
    struct vgpu_dev *dev;
    bool must;                 /* the calls so far cannot fail against an honest device */
    struct fz_fb *tex_mem, *buf_mem, *stream;
    uint32_t ctx, tex, buf;
} T;

/* `must`: with these arguments, an honest device leaves the core no reason to fail. */
static int step(const char *what, int rc, bool must)
{
    fz_trace("3d: %s -> %s", what, vgpu_status_name(rc));
    if (rc > VGPU_OK || rc < VGPU_E_UNSUPPORTED)
        fz_finding("%s returned %d, not a vgpu_status", what, rc);
    if (must && T.must && dev_pristine() && rc != VGPU_OK)
        fz_finding("%s failed (%s) against an honest device", what, vgpu_status_name(rc));
    return rc;
}

static void capsets(void)
{
    struct vgpu3d_capset_info ci;
    struct virgl_caps caps;
    static uint8_t bytes[VGPU3D_CAPSET_MAX_SIZE];
    unsigned n = vgpu3d_capset_count(T.dev);
    uint32_t len = 0;

    if (dev_pristine() && n != 2)
        fz_finding("%u capsets from a device that lists 2", n);
    for (unsigned i = 0; i < n; i++)
        step("vgpu3d_capset_info", vgpu3d_capset_info(T.dev, i, &ci), true);
    step("vgpu3d_load_caps", vgpu3d_load_caps(T.dev, &caps), true);
    if (dev_pristine() && (caps.capset_id != 2 || caps.max_version != 2))
        fz_finding("load_caps kept capset %u v%u, not VIRGL2 v2", caps.capset_id, caps.max_version);
    step("vgpu3d_get_capset", vgpu3d_get_capset(T.dev, 1, 1, bytes, sizeof(bytes), &len), true);
    if (dev_pristine() && (len != 308 || bytes[0] != 1))
        fz_finding("VIRGL v1 capset read back as %u bytes, version byte %u", len, bytes[0]);
}

static int create(uint32_t target, uint32_t format, uint32_t bind, uint32_t w, uint32_t h,
                  const struct fz_fb *mem, uint32_t *id)
{
    struct vgpu3d_resource_desc d = { target, format, bind, w, h, 1, 1, 0, 0, 0 };

    return step("vgpu3d_resource_create",
                vgpu3d_resource_create(T.dev, &d, mem->segs, mem->fb.nsegs, id), true);
}

static void objects(unsigned nsegs)
{
    T.tex_mem = fz_fb_new(TEX_SIZE, TEX_SIZE, nsegs, 1);
    T.buf_mem = fz_fb_new(BUF_BYTES / 4, 1, nsegs, 2);
    T.stream = fz_fb_new(64, 1, nsegs, 3);
    step("vgpu3d_ctx_create", vgpu3d_ctx_create(T.dev, "fuzz", &T.ctx), true);
    create(VGPU3D_TARGET_2D, VIRGL_FORMAT_B8G8R8A8_UNORM, VIRGL_BIND_SAMPLER_VIEW | VIRGL_BIND_RENDER_TARGET,
           TEX_SIZE, TEX_SIZE, T.tex_mem, &T.tex);
    create(VGPU3D_TARGET_BUFFER, VIRGL_FORMAT_R8_UNORM, VIRGL_BIND_VERTEX_BUFFER, BUF_BYTES, 1, T.buf_mem, &T.buf);
    step("vgpu3d_ctx_attach tex", vgpu3d_ctx_attach(T.dev, T.ctx, T.tex), true);
    step("vgpu3d_ctx_attach buf", vgpu3d_ctx_attach(T.dev, T.ctx, T.buf), true);
}

static void transfers(void)
{
    struct vgpu3d_transfer box = { 0, 0, 0, TEX_SIZE, TEX_SIZE, 1, 0, 0, 0, 0 };
    struct vgpu3d_transfer span = { 0, 0, 0, BUF_BYTES, 1, 1, 0, 0, 0, 0 };
    uint64_t fence = 0;

    step("vgpu3d_transfer_to_host", vgpu3d_transfer_to_host(T.dev, T.ctx, T.tex, &box, NULL), true);
    step("vgpu3d_transfer_to_host buf", vgpu3d_transfer_to_host(T.dev, T.ctx, T.buf, &span, &fence), true);
    step("vgpu3d_transfer_from_host", vgpu3d_transfer_from_host(T.dev, T.ctx, T.tex, &box, &fence), true);
    if (fence)
        step("vgpu3d_fence_wait transfer", vgpu3d_fence_wait(T.dev, T.ctx, fence, FENCE_MS), true);
}

static void submits(void)
{
    const struct vgpu_dma_seg *segs = T.stream->segs;
    uint32_t nsegs = T.stream->fb.nsegs, bytes = 64u * 4u;
    uint64_t fence = 0, submitted = 0, completed = 0;

    step("vgpu3d_submit", vgpu3d_submit(T.dev, T.ctx, segs, nsegs, bytes, NULL), true);
    step("vgpu3d_submit fenced", vgpu3d_submit(T.dev, T.ctx, segs, nsegs, bytes, &fence), true);
    step("vgpu3d_submit fenced 2", vgpu3d_submit(T.dev, T.ctx, segs, nsegs, bytes - 4u, &fence), true);
    if (step("vgpu3d_fence_wait", vgpu3d_fence_wait(T.dev, T.ctx, fence, FENCE_MS), true) == VGPU_OK &&
        step("vgpu3d_ctx_fences", vgpu3d_ctx_fences(T.dev, T.ctx, &submitted, &completed), true) == VGPU_OK &&
        (completed < fence || submitted < fence))
        fz_finding("fence %llu waited for, but completed %llu of %llu", (unsigned long long)fence,
                   (unsigned long long)completed, (unsigned long long)submitted);
}

static void teardown(void)
{
    step("vgpu3d_ctx_detach", vgpu3d_ctx_detach(T.dev, T.ctx, T.tex), true);
    step("vgpu3d_resource_destroy tex", vgpu3d_resource_destroy(T.dev, T.tex), true);
    step("vgpu3d_resource_destroy buf", vgpu3d_resource_destroy(T.dev, T.buf), true);
    step("vgpu3d_ctx_destroy", vgpu3d_ctx_destroy(T.dev, T.ctx), true);
}

/* Before the close: a healthy core has no context on the device that it forgot, and its books add up. */
static void check_books(void)
{
    struct vgpu3d_stats st;

    vgpu3d_get_stats(T.dev, &st);
    if (st.ctx_ids_live != st.live_contexts)
        fz_finding("%u context ids live for %u contexts", st.ctx_ids_live, st.live_contexts);
    if (dev_truthful() && !vgpu_needs_reset(T.dev) && dev_unreleased_contexts() > st.live_contexts)
        fz_finding("the device holds %u contexts, the driver knows of %u", dev_unreleased_contexts(),
                   st.live_contexts);
}

static void session_3d(uint8_t choices)
{
    capsets();
    objects(1u + ((choices >> 3) & 7u));
    transfers();
    submits();
    if (choices & 2) {
        s_recover();
        T.must = false;   /* the ids are gone with the reset: the calls below must fail cleanly */
    }
    if (!(choices & 4))
        teardown();
    check_books();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum vgpu_irq_mode mode;
    uint8_t choices;

    tape_load(data, size);
    session_begin(FZ_SCRIPT_RESP | FZ_SCRIPT_TIMING | FZ_SCRIPT_3D);
    mode = (enum vgpu_irq_mode)(tape_u8() % 3);
    choices = tape_u8();
    T = (__typeof__(T)){ .must = true };
    if (s_open3d(mode, choices & 1) == VGPU_OK && (T.dev = s_dev()) != NULL && vgpu3d_available(T.dev))
        session_3d(choices);
    else if (T.dev && dev_pristine())
        fz_finding("an honest device offers VIRGL, vgpu3d_available says no");
    s_close();                 /* the backing must outlive the resources on the device */
    fz_fb_free(T.tex_mem);
    fz_fb_free(T.buf_mem);
    fz_fb_free(T.stream);
    session_end();
    return 0;
}
