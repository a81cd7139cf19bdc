/*
 * vtestsrv.c — the guest's vtest server: one GL program at a time, its ids kept in a struct
 * uc3d_client (core/gpu3d/uc3d.h) exactly as the kext's user client keeps them, its resources backed by
 * guest pages that mirror the program's shared memory byte for byte (so a transfer's offset and
 * strides mean the same on both sides: stride 0, as virglrenderer's own vtest server passes).
 */
#include "vtestsrv.h"

#include "clock.h"
#include "console.h"
#include "fb.h"
#include "fmt.h"
#include "heap.h"
#include "libc.h"
#include "pages.h"
#include "gpu3d/uc3d.h"
#include "gpu3d/vgpu3d.h"
#include "vtlink.h"

#define CMD_BYTES     (1u << 20)     /* the kext's command buffer size */
#define IO_TIMEOUT_MS 30000u         /* a frame that stops halfway: the bridge is gone */

/* The memory behind one resource: contiguous pages when there are, else scattered ones. */
struct vt_mem {
    uint8_t *ptr;                    /* identity-mapped or through the fb's window */
    uint64_t bytes;
    struct vgpu_dma_seg seg;         /* contiguous: one segment */
    struct guest_fb fb;              /* scattered: fb.segs */
    bool scattered;
};

struct vt_server {
    struct guest_console con;
    uint32_t port;
    bool running;
    struct vgpu_dev *dev;
    struct guest_gpu *gpu;
    struct uc3d_client client;
    bool open;                       /* a program is connected (OPEN .. CLOSE) */
    uint32_t ctx;
    struct vt_mem cmd;
    struct vtl_account acct;
    uint8_t capset[VGPU3D_CAPSET_MAX_SIZE];
};

static struct vt_server vs;

static bool same(const char *a, const char *b)
{
    return strlen(a) == strlen(b) && !strncmp(a, b, strlen(a));
}

/* ---- memory ---- */

static uint64_t pages_of(uint64_t bytes)
{
    return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

static bool mem_alloc(struct vt_mem *m, uint64_t bytes)
{
    uint64_t n = pages_of(bytes ? bytes : 1), phys = pages_alloc(n);
    *m = (struct vt_mem){ .bytes = bytes };
    if (phys) {
        m->ptr = (uint8_t *)(uintptr_t)phys;
        m->seg = (struct vgpu_dma_seg){ phys, n * PAGE_SIZE };
    } else {
        if (fb_create(&m->fb, (uint32_t)(n * PAGE_SIZE / 4u), 1) != VGPU_OK)
            return false;
        m->scattered = true;
        m->ptr = (uint8_t *)m->fb.pixels;
    }
    memset(m->ptr, 0, n * PAGE_SIZE);
    vs.acct.backing_bytes += n * PAGE_SIZE;
    return true;
}

static void mem_free(struct vt_mem *m)
{
    if (!m->ptr)
        return;
    vs.acct.backing_bytes -= pages_of(m->bytes ? m->bytes : 1) * PAGE_SIZE;
    if (m->scattered)
        fb_destroy(&m->fb);
    else
        pages_free(m->seg.addr, pages_of(m->bytes ? m->bytes : 1));
    *m = (struct vt_mem){ 0 };
}

static const struct vgpu_dma_seg *mem_segs(const struct vt_mem *m, uint32_t *n)
{
    *n = m->scattered ? m->fb.nsegs : 1u;
    return m->scattered ? m->fb.segs : &m->seg;
}

/* uc3d_drop_fn: a resource's memory goes back (device_done false: it may still be written: keep it). */
static void drop_backing(void *arg, struct uc3d_res *r, bool device_done)
{
    (void)arg;
    struct vt_mem *m = r->backing;
    if (device_done) {
        mem_free(m);
        heap_free(m, sizeof *m);
    }
}

/* ---- the link ---- */

/* idle: between frames the bridge may say nothing for as long as it likes. */
static int link_read_for(void *buf, size_t n, bool idle)
{
    uint8_t *p = buf;
    uint64_t deadline = clock_now_ns() + (uint64_t)IO_TIMEOUT_MS * 1000000u;
    while (n) {
        size_t got = 0;
        int st = vcon_read(vs.con.dev, vs.port, p, n, &got);
        if (st != VGPU_OK)
            return st;
        p += got;
        n -= got;
        if (n && !got) {
            if (idle && clock_now_ns() >= deadline)
                deadline = clock_now_ns() + (uint64_t)IO_TIMEOUT_MS * 1000000u;
            else if (clock_now_ns() >= deadline)
                return VGPU_E_TIMEOUT;
            if ((st = vcon_wait(vs.con.dev, deadline)) != VGPU_OK)
                return st;
        }
    }
    return VGPU_OK;
}

static int link_read(void *buf, size_t n)
{
    return link_read_for(buf, n, false);
}

/* Throw away a payload we refused, so the next frame starts where it should. */
static int link_skip(uint32_t n)
{
    uint8_t sink[512];
    while (n) {
        uint32_t k = n < sizeof sink ? n : (uint32_t)sizeof sink;
        int st = link_read(sink, k);
        if (st != VGPU_OK)
            return st;
        n -= k;
    }
    return VGPU_OK;
}

static int reply(int status, const void *payload, uint32_t len)
{
    struct vtl_reply r = { status, status == VGPU_OK ? len : 0 };
    int st = vcon_write(vs.con.dev, vs.port, &r, sizeof r);
    if (st == VGPU_OK && r.len)
        st = vcon_write(vs.con.dev, vs.port, payload, r.len);
    return st;
}

/* ---- the program's objects ---- */

static void account(struct vtl_account *a)
{
    struct vgpu3d_stats st;
    vgpu3d_get_stats(vs.dev, &st);
    vs.acct.client_contexts = uc3d_live_contexts(&vs.client);
    vs.acct.client_resources = uc3d_live_resources(&vs.client);
    vs.acct.core_contexts = st.live_contexts;
    vs.acct.core_resources = st.live_resources;
    vs.acct.core_attachments = st.live_attachments;
    vs.acct.core_heap = vs.gpu->core_heap_bytes;
    vs.acct.core_dma = vs.gpu->core_dma_bytes;
    *a = vs.acct;
}

/* The kext's release order: contexts first (their queued work is waited for), then resources. */
static void release_all(void)
{
    for (uint32_t i = 0; i < UC3D_MAX_CONTEXTS; i++) {
        if (vs.client.ctx[i])
            (void)vgpu3d_ctx_destroy(vs.dev, vs.client.ctx[i]);
        vs.client.ctx[i] = 0;
    }
    for (uint32_t i = 0; i < UC3D_MAX_RESOURCES; i++) {
        struct uc3d_res *r = &vs.client.res[i];
        if (r->id)
            uc3d_drop_res(r, uc3d_settled(vgpu3d_resource_destroy(vs.dev, r->id)), drop_backing, NULL);
    }
    vs.open = false;
    vs.ctx = 0;
}

static int op_open(const char *name, uint32_t len)
{
    char buf[VGPU3D_NAME_MAX + 1] = { 0 };
    if (vs.open)
        release_all();   /* the bridge lost the previous program without a CLOSE */
    if (uc3d_check_name_len(len) != VGPU_OK)
        len = VGPU3D_NAME_MAX;
    memcpy(buf, name, len);
    uc3d_init(&vs.client, vs.client.epoch);
    int slot = uc3d_free_ctx_slot(&vs.client);
    int st = slot < 0 ? VGPU_E_NOMEM : vgpu3d_ctx_create(vs.dev, buf, &vs.ctx);
    if (st == VGPU_OK) {
        vs.client.ctx[slot] = vs.ctx;
        vs.open = true;
        vs.acct.programs++;
    }
    return reply(st, &vs.ctx, sizeof vs.ctx);
}

static int op_res_create(const struct vtl_res_create *c)
{
    struct vgpu3d_resource_desc d = { c->target, c->format, c->bind, c->width, c->height, c->depth,
                                      c->array_size, c->last_level, c->nr_samples, 0 };
    int slot = uc3d_free_res_slot(&vs.client);
    if (!vs.open || slot < 0 || uc3d_find_res(&vs.client, c->handle) || uc3d_check_backing(c->size) != VGPU_OK)
        return reply(slot < 0 ? VGPU_E_NOMEM : VGPU_E_INVAL, NULL, 0);
    struct uc3d_res *r = &vs.client.res[slot];
    struct vt_mem *m = NULL;
    uint32_t nsegs = 0;
    const struct vgpu_dma_seg *segs = NULL;
    if (c->size) {
        if (!(m = heap_zalloc(sizeof *m)) || !mem_alloc(m, c->size)) {
            heap_free(m, m ? sizeof *m : 0);
            return reply(VGPU_E_NOMEM, NULL, 0);
        }
        segs = mem_segs(m, &nsegs);
    }
    int st = vgpu3d_resource_create_as(vs.dev, &d, segs, nsegs, c->handle);
    if (st == VGPU_OK && (st = vgpu3d_ctx_attach(vs.dev, vs.ctx, c->handle)) != VGPU_OK)
        (void)vgpu3d_resource_destroy(vs.dev, c->handle);
    if (st != VGPU_OK) {
        r->backing = m;
        r->backing_bytes = c->size;
        uc3d_drop_res(r, uc3d_settled(st), drop_backing, NULL);
        return reply(st, NULL, 0);
    }
    *r = (struct uc3d_res){ c->handle, c->size, m };
    return reply(VGPU_OK, NULL, 0);
}

static int op_res_unref(uint32_t handle)
{
    struct uc3d_res *r = uc3d_find_res(&vs.client, handle);
    if (!r)
        return reply(VGPU_E_INVAL, NULL, 0);
    int st = vgpu3d_resource_destroy(vs.dev, handle);
    uc3d_drop_res(r, uc3d_settled(st), drop_backing, NULL);
    return reply(st, NULL, 0);
}

/* The span [offset, offset + nbytes) must lie in the resource's backing. */
static struct vt_mem *span_of(const struct vtl_transfer *t, uint32_t direction)
{
    struct uc3d_res *r = uc3d_find_res(&vs.client, t->handle);
    if (uc3d_check_transfer(&vs.client, vs.ctx, t->handle, direction, 0, 0) != VGPU_OK || !r->backing ||
        (uint64_t)t->offset + t->nbytes > r->backing_bytes)
        return NULL;
    return r->backing;
}

static struct vgpu3d_transfer box_of(const struct vtl_transfer *t)
{
    return (struct vgpu3d_transfer){ t->x, t->y, t->z, t->w, t->h, t->d, t->level, 0, 0, t->offset };
}

/* transfer false: VTL_WRITE, the program's bytes only (the host reads them later, from the stream). */
static int op_put(const struct vtl_transfer *t, uint32_t payload, bool transfer)
{
    struct vt_mem *m = span_of(t, UC3D_TO_HOST);
    if (!m || payload != t->nbytes) {
        int st = link_skip(payload);
        return st != VGPU_OK ? st : reply(VGPU_E_INVAL, NULL, 0);
    }
    int st = link_read(m->ptr + t->offset, t->nbytes);
    if (st != VGPU_OK)
        return st;
    struct vgpu3d_transfer x = box_of(t);
    vs.acct.put_bytes += t->nbytes;
    if (!transfer)
        return reply(VGPU_OK, NULL, 0);
    return reply(vgpu3d_transfer_to_host(vs.dev, vs.ctx, t->handle, &x, NULL), NULL, 0);
}

/* transfer false: VTL_READ, what the host wrote there by itself (from the stream). */
static int op_get(const struct vtl_transfer *t, bool transfer)
{
    struct vt_mem *m = span_of(t, UC3D_FROM_HOST);
    if (!m)
        return reply(VGPU_E_INVAL, NULL, 0);
    struct vgpu3d_transfer x = box_of(t);
    int st = transfer ? vgpu3d_transfer_from_host(vs.dev, vs.ctx, t->handle, &x, NULL) : VGPU_OK;
    vs.acct.get_bytes += st == VGPU_OK ? t->nbytes : 0;
    return reply(st, m->ptr + t->offset, t->nbytes);
}

static int op_submit(uint32_t len)
{
    if (!vs.open || uc3d_check_submit(CMD_BYTES, 0, len, 0) != VGPU_OK) {
        int st = link_skip(len);
        return st != VGPU_OK ? st : reply(VGPU_E_INVAL, NULL, 0);
    }
    int st = link_read(vs.cmd.ptr, len);
    if (st != VGPU_OK)
        return st;
    uint32_t nsegs;
    const struct vgpu_dma_seg *segs = mem_segs(&vs.cmd, &nsegs);
    vs.acct.submit_bytes += len;
    return reply(vgpu3d_submit(vs.dev, vs.ctx, segs, nsegs, len, NULL), NULL, 0);
}

/*
 * Every command was waited for, so nothing the program sent is still in flight.  A query result,
 * though, is written by the host only when it polls, and QEMU polls while a fence is pending:
 * VTL_WAIT_FENCE submits a fenced no-op and waits for it.
 */
static int op_wait(uint32_t flags)
{
    uint32_t busy = 0, nsegs;
    uint64_t fence = 0;
    int st = vs.open ? VGPU_OK : VGPU_E_INVAL;
    if (st == VGPU_OK && (flags & VTL_WAIT_FENCE)) {
        const struct vgpu_dma_seg *segs = mem_segs(&vs.cmd, &nsegs);
        memset(vs.cmd.ptr, 0, 4);   /* VIRGL_CCMD_NOP, no arguments */
        if ((st = vgpu3d_submit(vs.dev, vs.ctx, segs, nsegs, 4, &fence)) == VGPU_OK)
            st = vgpu3d_fence_wait(vs.dev, vs.ctx, fence, UC3D_MAX_WAIT_MS);
    }
    return reply(st, &busy, sizeof busy);
}

static int op_capset(const uint32_t *a)
{
    uint32_t len = 0;
    int st = vgpu3d_get_capset(vs.dev, a[0], a[1], vs.capset, sizeof vs.capset, &len);
    return reply(st, vs.capset, len);
}

/* Read whole, then written back: the bridge sends a frame before it reads the reply. */
static int op_echo(uint32_t len)
{
    if (len > CMD_BYTES) {
        int st = link_skip(len);
        return st != VGPU_OK ? st : reply(VGPU_E_INVAL, NULL, 0);
    }
    int st = link_read(vs.cmd.ptr, len);
    return st != VGPU_OK ? st : reply(VGPU_OK, vs.cmd.ptr, len);
}

static int reply_account(void)
{
    struct vtl_account a;
    account(&a);
    return reply(VGPU_OK, &a, sizeof a);
}

/* ---- the loop ---- */

/* Fixed-size requests are read whole; PUT, SUBMIT and ECHO stream their payload. */
static int dispatch(const struct vtl_hdr *h, bool *end)
{
    union { uint32_t w[16]; struct vtl_res_create c; struct vtl_transfer t; char name[64]; } a;
    bool box = h->op == VTL_PUT || h->op == VTL_GET || h->op == VTL_WRITE || h->op == VTL_READ;
    uint32_t fixed = h->op == VTL_RES_CREATE ? sizeof a.c : box ? sizeof a.t :
                     h->op == VTL_CAPSET ? 8u : h->op == VTL_RES_UNREF || h->op == VTL_WAIT ? 4u :
                     h->op == VTL_OPEN ? (h->len < sizeof a.name ? h->len : (uint32_t)sizeof a.name) : 0u;
    bool streams = h->op == VTL_PUT || h->op == VTL_WRITE || h->op == VTL_SUBMIT || h->op == VTL_ECHO || h->op == VTL_OPEN;
    if (h->len < fixed || (!streams && h->len != fixed) || h->len > VTL_MAX_PAYLOAD) {
        int st = link_skip(h->len);
        return st != VGPU_OK ? st : reply(VGPU_E_INVAL, NULL, 0);
    }
    int st = link_read(&a, fixed);
    if (st != VGPU_OK)
        return st;
    vs.acct.ops++;
    switch (h->op) {
    case VTL_OPEN:       return (st = link_skip(h->len - fixed)) != VGPU_OK ? st : op_open(a.name, fixed);
    case VTL_CLOSE:      release_all(); return reply_account();
    case VTL_CAPSET:     return op_capset(a.w);
    case VTL_RES_CREATE: return op_res_create(&a.c);
    case VTL_RES_UNREF:  return op_res_unref(a.w[0]);
    case VTL_PUT:        return op_put(&a.t, h->len - fixed, true);
    case VTL_WRITE:      return op_put(&a.t, h->len - fixed, false);
    case VTL_GET:        return op_get(&a.t, true);
    case VTL_READ:       return op_get(&a.t, false);
    case VTL_SUBMIT:     return op_submit(h->len);
    case VTL_WAIT:       return op_wait(a.w[0]);
    case VTL_ECHO:       return op_echo(h->len);
    case VTL_ACCOUNT:    return reply_account();
    case VTL_END:        release_all(); *end = true; return reply_account();
    default:             return reply(VGPU_E_INVAL, NULL, 0);
    }
}

static int start(struct session *s, enum vgpu_irq_mode mode)
{
    const char *why = "";
    int st;
    if (!vgpu3d_available(s->gpu->dev))
        return session_fail(s, VGPU_E_UNSUPPORTED, "no 3D: `gl on` before `init`");
    if (!vs.cmd.ptr && !mem_alloc(&vs.cmd, CMD_BYTES))
        return session_fail(s, VGPU_E_NOMEM, "no memory for the command buffer");
    vs.dev = s->gpu->dev;
    vs.gpu = s->gpu;
    if (!vs.running) {
        if ((st = console_open(&vs.con, mode, 0, &why)) != VGPU_OK)
            return session_fail(s, st, "%s", why);
        if ((st = vcon_find_port(vs.con.dev, VTL_PORT_NAME, 5000, &vs.port)) != VGPU_OK ||
            (st = vcon_port_open(vs.con.dev, vs.port)) != VGPU_OK) {
            console_close(&vs.con);
            return session_fail(s, st, "no port '%s'", VTL_PORT_NAME);
        }
        vs.running = true;
        uc3d_init(&vs.client, (uint32_t)s->recoveries);
    }
    return VGPU_OK;
}

int vtestsrv_run(struct session *s, unsigned argc, char **argv)
{
    enum vgpu_irq_mode mode = VGPU_IRQ_MSIX;
    if (argc < 1 || !same(argv[0], "serve") || argc > 2)
        return session_fail(s, VGPU_E_INVAL, "usage: vtest serve [irq=msix|poll]");
    if (argc == 2)
        mode = same(argv[1], "irq=poll") ? VGPU_IRQ_POLL : VGPU_IRQ_MSIX;
    int st = start(s, mode);
    if (st != VGPU_OK)
        return st;
    for (bool end = false; !end && st == VGPU_OK;) {
        struct vtl_hdr h;
        if ((st = link_read_for(&h, sizeof h, true)) == VGPU_OK)
            st = dispatch(&h, &end);
    }
    struct vtl_account a;
    account(&a);
    session_say(s, "programs=%u ops=%lu put_bytes=%lu get_bytes=%lu submit_bytes=%lu contexts=%u resources=%u "
                "backing=%lu", a.programs, a.ops, a.put_bytes, a.get_bytes, a.submit_bytes, a.core_contexts,
                a.core_resources, a.backing_bytes);
    return st;
}
