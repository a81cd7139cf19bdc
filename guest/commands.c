/* commands.c — one handler per command of guest/PROTOCOL.md, and the command table. */
#include "session.h"

#include "arch.h"
#include "benchcmd.h"
#include "cmd3d.h"
#include "cmdclip.h"
#include "vtestsrv.h"
#include "clock.h"
#include "exit.h"
#include "fmt.h"
#include "follow.h"
#include "irq.h"
#include "libc.h"
#include "os_glue.h"
#include "pattern.h"
#include "virtio/virtio_pci_regs.h"

#define MAX_ASYNC_RECTS   64
#define RESET_TIMEOUT_NS  1000000000ull
#define IDLE_SLICE_NS     20000000ull

static const char *const irq_names[] = { "poll", "intx", "msix" };

static bool scanout_arg(struct session *s, const char *arg, uint32_t *scanout)
{
    char *a = (char *)arg;
    if (!session_numbers(s, &a, 1, scanout))
        return false;
    if (*scanout >= VGPU_MAX_SCANOUTS) {
        fmt(s->why, sizeof s->why, "scanout %u beyond the guest's %u", *scanout, VGPU_MAX_SCANOUTS);
        return false;
    }
    return true;
}

static bool parse_init_option(struct session *s, const char *opt, struct vgpu_params *p)
{
    for (unsigned m = 0; m < 3; m++)
        if (strlen(opt) == 4 + strlen(irq_names[m]) && !strncmp(opt, "irq=", 4) &&
            !strncmp(opt + 4, irq_names[m], strlen(irq_names[m]))) {
            p->irq_mode = (enum vgpu_irq_mode)m;
            return true;
        }
    if (!strncmp(opt, "timeout=", 8)) {
        char *v = (char *)opt + 8;
        return session_numbers(s, &v, 1, &p->cmd_timeout_ms);
    }
    fmt(s->why, sizeof s->why, "unknown option '%s'", opt);
    return false;
}

static int cmd_init(struct session *s, unsigned argc, char **argv)
{
    struct guest_gpu *gpu = s->gpu;
    struct vgpu_params p = { VGPU_IRQ_MSIX, 0, 0 };
    const char *why = "";
    if (gpu->dev)
        return session_fail(s, VGPU_E_INVAL, "already initialised (close first)");
    for (unsigned i = 0; i < argc; i++)
        if (!parse_init_option(s, argv[i], &p))
            return VGPU_E_INVAL;
    pci_write16(gpu->bdf, PCI_CFG_COMMAND, pci_read16(gpu->bdf, PCI_CFG_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    if (!irq_enable(gpu, p.irq_mode, &why))
        return session_fail(s, VGPU_E_UNSUPPORTED, "irq=%s: %s", irq_names[p.irq_mode], why);
    p.msix_vectors = (uint16_t)gpu->msix_vectors;
    struct vgpu_dev *dev = NULL;
    int st = cmd3d_open(gpu, &p, &dev);
    if (st != VGPU_OK) {
        irq_disable(gpu);
        return st;
    }
    uint64_t f = save_flags_cli();
    gpu->dev = dev;
    restore_flags(f);
    session_say(s, "features=0x%lx scanouts=%u irq=%s", vgpu_features(dev), vgpu_scanout_count(dev),
                irq_names[p.irq_mode]);
    return VGPU_OK;
}

/* A scanout's framebuffer goes away; so does the refresh engine that watched it. */
static void drop_framebuffer(struct session *s, unsigned scanout)
{
    benchcmd_drop(scanout);
    fb_destroy(&s->fb[scanout]);
}

static int cmd_close(struct session *s, unsigned argc, char **argv)
{
    (void)argc, (void)argv;
    struct guest_gpu *gpu = s->gpu;
    struct vgpu_dev *dev = gpu->dev;
    uint64_t f = save_flags_cli();
    gpu->dev = NULL;                 /* interrupts from here on only wake waiters */
    restore_flags(f);
    follow_stop();
    vgpu_close(dev);
    irq_disable(gpu);
    for (unsigned i = 0; i < VGPU_MAX_SCANOUTS; i++)
        drop_framebuffer(s, i);
    gpu->display_event = gpu->needs_reset = false;
    session_say(s, "core_heap=%lu core_dma=%lu", gpu->core_heap_bytes, gpu->core_dma_bytes);
    return VGPU_OK;
}

static void print_scanout(struct vgpu_dev *dev, unsigned i)
{
    struct vgpu_scanout_info info;
    struct vgpu_mode pref = { 0, 0, 0, 0 }, modes[64];
    if (vgpu_scanout_info(dev, i, &info) != VGPU_OK)
        return;
    (void)vgpu_preferred_mode(dev, i, &pref);
    size_t nmodes = vgpu_mode_list(dev, i, modes, 64);
    out_line("INFO scanout=%u enabled=%d host=%ux%u edid=%u pref=%ux%u active=%d mode=%ux%u modes=%zu",
             i, info.enabled, info.host_width, info.host_height, info.edid_len, pref.width, pref.height,
             info.active, info.width, info.height, nmodes);
}

static int cmd_info(struct session *s, unsigned argc, char **argv)
{
    (void)argc, (void)argv;
    int st = vgpu_query_displays(s->gpu->dev);
    if (st != VGPU_OK)
        return st;
    for (unsigned i = 0; i < vgpu_scanout_count(s->gpu->dev); i++)
        print_scanout(s->gpu->dev, i);
    return VGPU_OK;
}

/* New framebuffer, whole frame drawn, mode set; the old one is freed only once the new is live. */
int session_set_mode(struct session *s, uint32_t scanout, uint32_t w, uint32_t h, uint32_t seed)
{
    struct guest_fb fresh;
    int st = fb_create(&fresh, w, h);
    if (st != VGPU_OK)
        return session_fail(s, st, "cannot allocate a %ux%u framebuffer", w, h);
    pattern_fill(fresh.pixels, w, &(struct vgpu_rect){ 0, 0, w, h }, seed);
    struct vgpu_framebuffer view = fb_view(&fresh);
    st = vgpu_set_mode(s->gpu->dev, scanout, &view);
    if (st != VGPU_OK) {
        fb_destroy(&fresh);
        return st;
    }
    drop_framebuffer(s, scanout);
    s->fb[scanout] = fresh;
    return VGPU_OK;
}

static int cmd_mode(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout, n[3];
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 3, n))
        return VGPU_E_INVAL;
    int st = session_set_mode(s, scanout, n[0], n[1], n[2]);
    if (st == VGPU_OK) {
        follow_note_mode(s, scanout);
        session_say(s, "segs=%u", s->fb[scanout].nsegs);
    }
    return st;
}

static int cmd_modepref(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout, seed;
    struct vgpu_mode m;
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 1, &seed))
        return VGPU_E_INVAL;
    int st = vgpu_preferred_mode(s->gpu->dev, scanout, &m);
    if (st == VGPU_OK)
        st = session_set_mode(s, scanout, m.width, m.height, seed);
    if (st == VGPU_OK) {
        follow_note_mode(s, scanout);
        session_say(s, "mode=%ux%u segs=%u", m.width, m.height, s->fb[scanout].nsegs);
    }
    return st;
}

/* Draw only when the rectangle lies inside our framebuffer; the core judges it either way. */
static void fill_if_inside(struct session *s, uint32_t scanout, const struct vgpu_rect *r, uint32_t seed)
{
    const struct guest_fb *fb = &s->fb[scanout];
    if (fb->pixels && (uint64_t)r->x + r->width <= fb->width && (uint64_t)r->y + r->height <= fb->height)
        pattern_fill(fb->pixels, fb->width, r, seed);
}

static int cmd_rect(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout, n[5];
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 5, n))
        return VGPU_E_INVAL;
    struct vgpu_rect r = { n[0], n[1], n[2], n[3] };
    fill_if_inside(s, scanout, &r, n[4]);
    return vgpu_flush_rect(s->gpu->dev, scanout, &r);
}

/* Write framebuffer memory only, no flush: lets the host tell "transferred" from "drawn". */
static int cmd_fill(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout, n[5];
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 5, n))
        return VGPU_E_INVAL;
    const struct guest_fb *fb = &s->fb[scanout];
    struct vgpu_rect r = { n[0], n[1], n[2], n[3] };
    if (!fb->pixels || (uint64_t)r.x + r.width > fb->width || (uint64_t)r.y + r.height > fb->height)
        return session_fail(s, VGPU_E_INVAL, "rectangle not inside scanout %u's framebuffer", scanout);
    pattern_fill(fb->pixels, fb->width, &r, n[4]);
    return VGPU_OK;
}

static int cmd_rectasync(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout, seed, n[4];
    struct vgpu_rect rects[MAX_ASYNC_RECTS];
    unsigned count = (argc - 2) / 4;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 1, &seed))
        return VGPU_E_INVAL;
    if ((argc - 2) % 4 || count == 0 || count > MAX_ASYNC_RECTS)
        return session_fail(s, VGPU_E_INVAL, "want 1..%u groups of X Y W H", MAX_ASYNC_RECTS);
    for (unsigned i = 0; i < count; i++) {
        if (!session_numbers(s, argv + 2 + 4 * i, 4, n))
            return VGPU_E_INVAL;
        rects[i] = (struct vgpu_rect){ n[0], n[1], n[2], n[3] };
        fill_if_inside(s, scanout, &rects[i], seed);
    }
    return vgpu_flush_rects_async(s->gpu->dev, scanout, rects, count);
}

static int cmd_waitidle(struct session *s, unsigned argc, char **argv)
{
    (void)argc, (void)argv;
    return vgpu_wait_idle(s->gpu->dev);
}

static int cmd_disable(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout;
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout))
        return VGPU_E_INVAL;
    int st = vgpu_disable_scanout(s->gpu->dev, scanout);
    if (st == VGPU_OK) {
        drop_framebuffer(s, scanout);
        follow_note_mode(s, scanout);
    }
    return st;
}

static int cmd_cursor(struct session *s, unsigned argc, char **argv)
{
    static uint32_t image[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE];
    uint32_t scanout, n[5];
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 5, n))
        return VGPU_E_INVAL;
    pattern_cursor(image, n[4]);
    return vgpu_cursor_set(s->gpu->dev, scanout, image, n[0], n[1], n[2], n[3]);
}

static int cmd_cursormove(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout, n[2];
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout) || !session_numbers(s, argv + 1, 2, n))
        return VGPU_E_INVAL;
    return vgpu_cursor_move(s->gpu->dev, scanout, n[0], n[1]);
}

static int cmd_cursorhide(struct session *s, unsigned argc, char **argv)
{
    uint32_t scanout;
    (void)argc;
    if (!scanout_arg(s, argv[0], &scanout))
        return VGPU_E_INVAL;
    return vgpu_cursor_hide(s->gpu->dev, scanout);
}

/* Sleeps in HLT; the configuration-change interrupt (with irq=poll: vgpu_poll() every slice)
 * latches the event via vgpu_os_event(). */
static int cmd_waitevent(struct session *s, unsigned argc, char **argv)
{
    struct guest_gpu *gpu = s->gpu;
    uint32_t ms;
    (void)argc;
    if (!session_numbers(s, argv, 1, &ms))
        return VGPU_E_INVAL;
    uint64_t deadline = clock_now_ns() + (uint64_t)ms * 1000000u;
    while (!gpu->display_event && clock_now_ns() < deadline) {
        if (gpu->irq_mode == VGPU_IRQ_POLL)
            vgpu_poll(gpu->dev);
        uint64_t now = clock_now_ns();
        vgpu_os_wait(gpu, now + (deadline - now < IDLE_SLICE_NS ? deadline - now : IDLE_SLICE_NS));
    }
    uint64_t f = save_flags_cli();
    bool seen = gpu->display_event;
    gpu->display_event = false;
    restore_flags(f);
    session_say(s, "event=%d", seen);
    return VGPU_OK;
}

/* Reset the device behind the core's back (status 0, read back until 0), then recover. */
static int cmd_reset(struct session *s, unsigned argc, char **argv)
{
    struct guest_gpu *gpu = s->gpu;
    (void)argc, (void)argv;
    if (!gpu->common.found)
        return session_fail(s, VGPU_E_NODEV, "guest found no virtio common configuration");
    gpu_write_status(gpu, 0);
    uint64_t deadline = clock_now_ns() + RESET_TIMEOUT_NS;
    while (gpu_read_status(gpu) != 0)
        if (clock_now_ns() > deadline)
            return session_fail(s, VGPU_E_TIMEOUT, "device status did not read back 0");
    int st = vgpu_recover(gpu->dev);
    if (st == VGPU_OK)
        gpu->needs_reset = false;
    return st;
}

static int cmd_stats(struct session *s, unsigned argc, char **argv)
{
    struct vgpu_stats st;
    struct guest_gpu *gpu = s->gpu;
    (void)argc, (void)argv;
    vgpu_get_stats(gpu->dev, &st);
    session_say(s, "commands=%lu interrupts=%lu notifies=%lu skipped=%lu polled=%lu live=%u "
                "errors=%lu async_errors=%lu hwirqs=%lu early_irqs=%lu recoveries=%lu "
                "core_heap=%lu core_dma=%lu",
                st.commands, st.interrupts, st.notifies, st.notifies_skipped, st.polled_completions,
                st.live_resources, st.errors, st.async_errors, gpu->device_irqs, gpu->early_irqs,
                s->recoveries, gpu->core_heap_bytes, gpu->core_dma_bytes);
    return VGPU_OK;
}

static int cmd_quit(struct session *s, unsigned argc, char **argv)
{
    uint32_t code;
    (void)argc;
    if (!session_numbers(s, argv, 1, &code))
        return VGPU_E_INVAL;
    guest_exit(code);
}

static int cmd_loglevel(struct session *s, unsigned argc, char **argv)
{
    uint32_t level;
    (void)argc;
    if (!session_numbers(s, argv, 1, &level) || level > VGPU_LOG_DEBUG)
        return session_fail(s, VGPU_E_INVAL, "level is 0 (errors) .. 3 (debug)");
    os_set_log_level((enum vgpu_log_level)level);
    return VGPU_OK;
}

/* Touch an unmapped address: proves a crash is reported and exits, never a silent reset. */
static int cmd_crash(struct session *s, unsigned argc, char **argv)
{
    (void)s, (void)argc, (void)argv;
    *(volatile uint32_t *)(uintptr_t)0x00007F0000000000ull = 1;
    return session_fail(s, VGPU_E_INVAL, "the write to an unmapped address did not fault");
}

const struct command session_commands[] = {
    { "init",        0, 2,   false, cmd_init },
    { "close",       0, 0,   true,  cmd_close },
    { "info",        0, 0,   true,  cmd_info },
    { "mode",        4, 4,   true,  cmd_mode },
    { "modepref",    2, 2,   true,  cmd_modepref },
    { "rect",        6, 6,   true,  cmd_rect },
    { "fill",        6, 6,   true,  cmd_fill },
    { "rectasync",   6, 2 + 4 * MAX_ASYNC_RECTS, true, cmd_rectasync },
    { "waitidle",    0, 0,   true,  cmd_waitidle },
    { "disable",     1, 1,   true,  cmd_disable },
    { "cursor",      6, 6,   true,  cmd_cursor },
    { "cursormove",  3, 3,   true,  cmd_cursormove },
    { "cursorhide",  1, 1,   true,  cmd_cursorhide },
    { "waitevent",   1, 1,   true,  cmd_waitevent },
    { "reset",       0, 0,   true,  cmd_reset },
    { "stats",       0, 0,   true,  cmd_stats },
    { "quit",        1, 1,   false, cmd_quit },
    { "loglevel",    1, 1,   false, cmd_loglevel },
    { "crash",       0, 0,   false, cmd_crash },
    { "gl",          1, 299, false, cmd3d_run },
    { "clip",        1, 299, false, cmdclip_run },
    { "vtest",       1, 2,   true,  vtestsrv_run },
    { "bench",       7, 8,   true,  benchcmd_bench },
    { "idle",        3, 3,   true,  benchcmd_idle },
    { "follow",      1, 2,   true,  follow_command },
    { NULL, 0, 0, false, NULL },
};
