/* follow.c — the display follower in the test guest (see follow.h). */
#include "follow.h"

#include "arch.h"
#include "clock.h"
#include "follow_logic.h"
#include "libc.h"
#include "gpu/modes.h"
#include "os_glue.h"

struct published {                   /* what the kext's VirtioGPUHostDisplay property would hold */
    bool enabled;
    uint32_t width, height, generation;
};

static struct {
    bool on;
    uint32_t seed;
    struct follow logic;
    struct published host[VGPU_MAX_SCANOUTS];
    uint64_t display_events;
} fw;

/* As the kext does on a display event: a scanout whose host size changed gets a new generation. */
static void publish(struct vgpu_dev *dev, unsigned scanout, uint64_t now)
{
    struct vgpu_scanout_info info;
    struct published *p = &fw.host[scanout];
    if (vgpu_scanout_info(dev, scanout, &info) != VGPU_OK)
        return;
    if (p->generation && p->enabled == info.enabled && p->width == info.host_width &&
        p->height == info.host_height)
        return;
    *p = (struct published){ info.enabled, info.host_width, info.host_height, p->generation + 1 };
    follow_host_size(&fw.logic, scanout, p->width, p->height, p->generation, p->enabled, now);
}

static void publish_all(struct session *s)
{
    uint64_t now = clock_now_ns();
    if (vgpu_query_displays(s->gpu->dev) != VGPU_OK)
        return;
    for (unsigned i = 0; i < vgpu_scanout_count(s->gpu->dev); i++)
        publish(s->gpu->dev, i, now);
}

static void note_current(struct session *s, unsigned scanout)
{
    struct vgpu_scanout_info info;
    if (vgpu_scanout_info(s->gpu->dev, scanout, &info) == VGPU_OK)
        follow_mode_seen(&fw.logic, scanout, info.active ? info.width : 0, info.active ? info.height : 0);
}

/* The core's modes are all 1x: pixel size = logical size. */
static void decide(struct session *s, unsigned scanout, uint64_t now)
{
    struct vgpu_mode core[VGPU_MODES_MAX];
    struct follow_mode modes[VGPU_MODES_MAX];
    struct vgpu_scanout_info info;
    size_t n = vgpu_mode_list(s->gpu->dev, scanout, core, VGPU_MODES_MAX);
    if (vgpu_scanout_info(s->gpu->dev, scanout, &info) != VGPU_OK)
        return;
    n = n < VGPU_MODES_MAX ? n : VGPU_MODES_MAX;
    for (size_t i = 0; i < n; i++)
        modes[i] = (struct follow_mode){ core[i].width, core[i].height, core[i].width, core[i].height,
                                         info.active && info.width == core[i].width && info.height == core[i].height };
    size_t pick;
    if (follow_decide(&fw.logic, scanout, modes, n, now, &pick) != FOLLOW_SWITCH)
        return;
    /* Quiet between commands: nobody reads the serial port then, and QEMU's serial socket holds only
     * a few hundred unread bytes before the guest's next byte waits (seen: a resize never handled).
     * Errors still print; `follow stats` counts the rest. */
    enum vgpu_log_level was = os_log_level();
    os_set_log_level(was < VGPU_LOG_WARN ? was : VGPU_LOG_WARN);
    uint32_t w = modes[pick].width, h = modes[pick].height;
    int st = session_set_mode(s, scanout, w, h, fw.seed);
    os_set_log_level(was);
    follow_switched(&fw.logic, scanout, w, h, st == VGPU_OK);
    if (st == VGPU_OK)
        note_current(s, scanout);
}

uint64_t follow_idle(struct session *s)
{
    struct guest_gpu *gpu = s->gpu;
    if (!fw.on || !gpu->dev)
        return UINT64_MAX;
    if (gpu->irq_mode == VGPU_IRQ_POLL)
        vgpu_poll(gpu->dev);
    uint64_t f = save_flags_cli();
    bool event = gpu->display_event;
    gpu->display_event = false;
    restore_flags(f);
    if (event) {
        fw.display_events++;
        publish_all(s);
    }
    uint64_t now = clock_now_ns();
    for (unsigned i = 0; i < vgpu_scanout_count(gpu->dev); i++)
        if (follow_due(&fw.logic, i, now))
            decide(s, i, now);
    uint64_t next = follow_next_deadline(&fw.logic);
    /* Polling mode has no interrupt to bring the next event: look again within a slice. */
    return gpu->irq_mode == VGPU_IRQ_POLL && next > now + 20000000u ? now + 20000000u : next;
}

void follow_note_mode(struct session *s, unsigned scanout)
{
    if (fw.on)
        note_current(s, scanout);
}

void follow_stop(void)
{
    fw.on = false;
}

static int follow_on(struct session *s, char **argv)
{
    if (!session_numbers(s, argv, 1, &fw.seed))
        return VGPU_E_INVAL;
    follow_init(&fw.logic);
    memset(fw.host, 0, sizeof fw.host);
    fw.display_events = 0;
    for (unsigned i = 0; i < vgpu_scanout_count(s->gpu->dev); i++)
        note_current(s, i);
    fw.on = true;
    publish_all(s);
    return VGPU_OK;
}

int follow_command(struct session *s, unsigned argc, char **argv)
{
    const struct follow_stats *st = &fw.logic.stats;
    if (argc == 2 && !strcmp(argv[0], "on"))
        return follow_on(s, argv + 1);
    if (argc == 1 && !strcmp(argv[0], "off")) {
        follow_stop();
        return VGPU_OK;
    }
    if (argc == 1 && !strcmp(argv[0], "stats")) {
        session_say(s, "on=%d display_events=%lu host_sizes=%lu repeats=%lu switches=%lu failed=%lu "
                    "already=%lu no_mode=%lu manual=%lu", fw.on, fw.display_events, st->events, st->repeats,
                    st->switches, st->failed, st->already, st->no_mode, st->manual);
        return VGPU_OK;
    }
    return session_fail(s, VGPU_E_INVAL, "follow on SEED | follow off | follow stats");
}
