/*
 * cmdclip.c — the `clip` commands: the clipboard agent (agent/clip_logic.c, the same policy the
 * macOS agent runs) on a virtio-console port, with guest/clipboard.c as its pasteboard.  The
 * agent runs only inside a command (`clip get`, `clip serve`, `clip pump` service the port
 * until their condition holds), like a work loop that is scheduled by the host test.
 */
#include "cmdclip.h"

#include "clip_pump.h"
#include "clipboard.h"
#include "clock.h"
#include "console.h"
#include "fmt.h"
#include "heap.h"
#include "libc.h"

#define DEFAULT_PORT     "com.redhat.spice.0"
#define FIND_TIMEOUT_MS  5000u
#define READ_CHUNK       65536u
#define MSG_MAX          (BOARD_ITEM_MAX + 8u)
#define HEX_PER_LINE     96u
#define HEX_PRINT_MAX    4096u

struct clip_state {
    struct guest_console con;
    uint32_t port;
    bool     running;                 /* console open, port open, agent started */
    struct guest_board board;
    struct clip_agent agent;
    struct clip_pump pump;
    uint8_t *msg, *item, *out, *rx;   /* allocated once, kept across close/init */
    size_t   out_cap;
    uint64_t got_writes;              /* board.agent_writes at the last `clip get` */
};

static struct clip_state cs;

static bool same(const char *a, const char *b)
{
    return strlen(a) == strlen(b) && !strncmp(a, b, strlen(a));
}

static bool buffers_ready(void)
{
    cs.out_cap = vda_framed_size(BOARD_ITEM_MAX + 8u) + 4096u;
    if (!cs.board.data)
        cs.board.data = heap_zalloc(BOARD_ITEM_MAX);
    if (!cs.msg)
        cs.msg = heap_zalloc(MSG_MAX);
    if (!cs.item)
        cs.item = heap_zalloc(BOARD_ITEM_MAX);
    if (!cs.out)
        cs.out = heap_zalloc(cs.out_cap);
    if (!cs.rx)
        cs.rx = heap_zalloc(READ_CHUNK);
    return cs.board.data && cs.msg && cs.item && cs.out && cs.rx;
}

/* ---- the agent's work loop: agent/clip_pump.c over the console port ---- */

static int port_read(void *ctx, uint8_t *buf, size_t max, size_t *got)
{
    (void)ctx;
    return vcon_read(cs.con.dev, cs.port, buf, max, got);
}

static int port_write(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    return vcon_write(cs.con.dev, cs.port, buf, len);
}

static bool port_host_open(void *ctx)
{
    struct vcon_port_info info;
    (void)ctx;
    return vcon_port_info(cs.con.dev, cs.port, &info) == VGPU_OK && info.host_open;
}

static int pump_once(void)
{
    return clip_pump_once(&cs.pump);
}

typedef bool (*until_fn)(const void *arg);

/* Run the agent until `until(arg)` holds or `ms` pass (VGPU_E_TIMEOUT); NULL: the whole time. */
static int service(uint32_t ms, until_fn until, const void *arg)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)ms * 1000000u;
    for (;;) {
        int st = pump_once();
        if (st != VGPU_OK)
            return st;
        if (until && until(arg))
            return VGPU_OK;
        if (clock_now_ns() >= deadline)
            return until ? VGPU_E_TIMEOUT : VGPU_OK;
        if ((st = vcon_wait(cs.con.dev, deadline)) != VGPU_OK)
            return st;
    }
}

/* ---- clip init / close ---- */

struct init_opts {
    enum vgpu_irq_mode mode;
    const char *port;
    uint32_t timeout_ms;
};

static bool parse_opt(struct session *s, char *opt, struct init_opts *o)
{
    if (same(opt, "irq=msix") || same(opt, "irq=poll")) {
        o->mode = same(opt, "irq=msix") ? VGPU_IRQ_MSIX : VGPU_IRQ_POLL;
        return true;
    }
    if (!strncmp(opt, "port=", 5) && opt[5]) {
        o->port = opt + 5;
        return true;
    }
    if (!strncmp(opt, "timeout=", 8)) {
        char *v = opt + 8;
        return session_numbers(s, &v, 1, &o->timeout_ms);
    }
    fmt(s->why, sizeof s->why, "unknown option '%s' (irq=msix|poll port=NAME timeout=MS)", opt);
    return false;
}

static void start_agent(void)
{
    struct clip_board ops = guest_board_ops(&cs.board);
    struct clip_mem mem = { cs.msg, MSG_MAX, cs.item, BOARD_ITEM_MAX, cs.out, cs.out_cap };
    struct clip_port port = { NULL, port_read, port_write, port_host_open };
    clip_init(&cs.agent, &ops, &mem);
    clip_pump_init(&cs.pump, &cs.agent, &port, cs.rx, READ_CHUNK);   /* connects once the host is there */
    cs.got_writes = cs.board.agent_writes;
}

static int open_port(struct session *s, const char *name)
{
    int st = vcon_find_port(cs.con.dev, name, FIND_TIMEOUT_MS, &cs.port);
    if (st != VGPU_OK)
        return session_fail(s, st, "no port named '%s' within %u ms", name, FIND_TIMEOUT_MS);
    st = vcon_port_open(cs.con.dev, cs.port);
    return st == VGPU_OK ? st : session_fail(s, st, "cannot open port %u", cs.port);
}

static int clip_init_cmd(struct session *s, unsigned argc, char **argv)
{
    struct init_opts o = { VGPU_IRQ_MSIX, DEFAULT_PORT, 0 };
    const char *why = "";
    for (unsigned i = 0; i < argc; i++)
        if (!parse_opt(s, argv[i], &o))
            return VGPU_E_INVAL;
    if (cs.running)
        return session_fail(s, VGPU_E_INVAL, "already running (clip close first)");
    if (!buffers_ready())
        return session_fail(s, VGPU_E_NOMEM, "no memory for the agent's buffers");
    int st = console_open(&cs.con, o.mode, o.timeout_ms, &why);
    if (st != VGPU_OK)
        return session_fail(s, st, "%s", why);
    if ((st = open_port(s, o.port)) != VGPU_OK) {
        console_close(&cs.con);
        return st;
    }
    start_agent();
    cs.running = true;
    if ((st = pump_once()) != VGPU_OK)
        return st;
    session_say(s, "port=%u ports=%u host_open=%d", cs.port, vcon_port_count(cs.con.dev), cs.pump.host_open);
    return VGPU_OK;
}

static int clip_close_cmd(struct session *s, unsigned argc, char **argv)
{
    (void)argc, (void)argv;
    int st = vcon_port_close(cs.con.dev, cs.port);
    console_close(&cs.con);
    cs.running = false;
    session_say(s, "port_close=%s core_heap=%lu core_dma=%lu", vgpu_status_name(st),
                cs.con.fn.core_heap_bytes, cs.con.fn.core_dma_bytes);
    return VGPU_OK;
}

/* ---- the board ---- */

static int set_local(struct session *s, enum clip_kind kind, unsigned argc, char **argv)
{
    size_t len = 0, n;
    for (unsigned i = 0; i < argc; i++, len += n)
        if (!hex_decode(argv[i], cs.item + len, BOARD_ITEM_MAX - len, &n))
            return session_fail(s, VGPU_E_INVAL, "bad hex '%s'", argv[i]);
    guest_board_set(&cs.board, kind, cs.item, len);
    session_say(s, "len=%zu", len);
    return pump_once();
}

static int clip_set_cmd(struct session *s, unsigned argc, char **argv)
{
    return set_local(s, CLIP_TEXT, argc, argv);
}

static int clip_setpng_cmd(struct session *s, unsigned argc, char **argv)
{
    return set_local(s, CLIP_PNG, argc, argv);
}

static int clip_clear_cmd(struct session *s, unsigned argc, char **argv)
{
    return set_local(s, CLIP_TEXT, argc, argv);   /* no arguments: an empty board */
}

static int clip_gen_cmd(struct session *s, unsigned argc, char **argv)
{
    uint32_t n[2];
    (void)argc;
    if (!session_numbers(s, argv, 2, n))
        return VGPU_E_INVAL;
    if (n[0] > BOARD_ITEM_MAX)
        return session_fail(s, VGPU_E_INVAL, "at most %u bytes", BOARD_ITEM_MAX);
    clip_gen_text(cs.item, n[0], n[1]);
    guest_board_set(&cs.board, CLIP_TEXT, cs.item, n[0]);
    session_say(s, "len=%u crc=%08x", n[0], clip_crc32(cs.item, n[0]));
    return pump_once();
}

/* ---- running the agent ---- */

static bool host_data_arrived(const void *arg)
{
    (void)arg;
    return cs.board.agent_writes != cs.got_writes;
}

static void print_hex(const uint8_t *b, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char line[2 * HEX_PER_LINE + 1];
    for (size_t off = 0; off < len; off += HEX_PER_LINE) {
        size_t n = len - off < HEX_PER_LINE ? len - off : HEX_PER_LINE;
        for (size_t i = 0; i < n; i++) {
            line[2 * i] = digits[b[off + i] >> 4];
            line[2 * i + 1] = digits[b[off + i] & 15];
        }
        line[2 * n] = '\0';
        out_line("INFO off=%zu hex=%s", off, line);
    }
}

/* Wait for data the host put on the board through the agent; report it. */
static int clip_get_cmd(struct session *s, unsigned argc, char **argv)
{
    uint32_t ms;
    (void)argc;
    if (!session_numbers(s, argv, 1, &ms))
        return VGPU_E_INVAL;
    int st = service(ms, host_data_arrived, NULL);
    if (st == VGPU_E_TIMEOUT)
        return session_fail(s, st, "no clipboard data from the host within %u ms", ms);
    if (st != VGPU_OK)
        return st;
    cs.got_writes = cs.board.agent_writes;
    if (cs.board.len <= HEX_PRINT_MAX)
        print_hex(cs.board.data, cs.board.len);
    session_say(s, "kind=%s len=%zu crc=%08x", cs.board.kind == CLIP_PNG ? "png" : "text", cs.board.len,
                clip_crc32(cs.board.data, cs.board.len));
    return VGPU_OK;
}

static bool answers_reached(const void *arg)
{
    return cs.agent.stats.answers >= *(const uint64_t *)arg;
}

/* Serve until the agent has answered N more host requests. */
static int clip_serve_cmd(struct session *s, unsigned argc, char **argv)
{
    uint32_t n[2] = { 0, 1 };
    if (!session_numbers(s, argv, argc, n))
        return VGPU_E_INVAL;
    uint64_t start = cs.agent.stats.answers, want = start + n[1];
    int st = service(n[0], answers_reached, &want);
    if (st == VGPU_E_TIMEOUT)
        return session_fail(s, st, "%lu of %u requests answered within %u ms",
                            cs.agent.stats.answers - start, n[1], n[0]);
    session_say(s, "answers=%lu", cs.agent.stats.answers - start);
    return st;
}

static int clip_pump_cmd(struct session *s, unsigned argc, char **argv)
{
    uint32_t ms;
    (void)argc;
    if (!session_numbers(s, argv, 1, &ms))
        return VGPU_E_INVAL;
    return service(ms, NULL, NULL);
}

static int clip_stats_cmd(struct session *s, unsigned argc, char **argv)
{
    const struct clip_stats *a = &cs.agent.stats;
    struct vcon_stats v;
    (void)argc, (void)argv;
    vcon_get_stats(cs.con.dev, &v);
    session_say(s, "rx=%lu tx=%lu errors=%lu last_error=%d ignored=%lu dropped=%lu host_grabs=%lu "
                "host_requests=%lu host_data=%lu host_releases=%lu answers=%lu board_writes=%lu "
                "local_grabs=%lu local_releases=%lu caps=%d host_caps=0x%x ctrl_msgs=%lu ctrl_errors=%lu "
                "rx_bytes=%lu tx_bytes=%lu hwirqs=%lu",
                a->rx_msgs, a->tx_msgs, a->errors, a->last_error, a->ignored, a->dropped, a->host_grabs,
                a->host_requests, a->host_data, a->host_releases, a->answers, a->board_writes,
                a->local_grabs, a->local_releases, a->caps_known, a->host_caps, v.ctrl_msgs, v.ctrl_errors,
                v.rx_bytes, v.tx_bytes, cs.con.fn.device_irqs);
    return VGPU_OK;
}

static int clip_ports_cmd(struct session *s, unsigned argc, char **argv)
{
    struct vcon_port_info info;
    (void)s, (void)argc, (void)argv;
    vcon_poll(cs.con.dev);
    for (uint32_t i = 0; i < vcon_port_count(cs.con.dev); i++)
        if (vcon_port_info(cs.con.dev, i, &info) == VGPU_OK && info.present)
            out_line("INFO port=%u name=%s host_open=%d guest_open=%d console=%d pending=%u", i,
                     info.name[0] ? info.name : "-", info.host_open, info.guest_open, info.console,
                     info.rx_pending);
    return VGPU_OK;
}

struct clip_command {
    const char *name;
    unsigned min_args, max_args;
    bool needs_agent;
    int (*run)(struct session *s, unsigned argc, char **argv);
};

static const struct clip_command clip_commands[] = {
    { "init",   0, 3,   false, clip_init_cmd },
    { "close",  0, 0,   true,  clip_close_cmd },
    { "set",    1, 298, true,  clip_set_cmd },
    { "setpng", 1, 298, true,  clip_setpng_cmd },
    { "clear",  0, 0,   true,  clip_clear_cmd },
    { "gen",    2, 2,   true,  clip_gen_cmd },
    { "get",    1, 1,   true,  clip_get_cmd },
    { "serve",  1, 2,   true,  clip_serve_cmd },
    { "pump",   1, 1,   true,  clip_pump_cmd },
    { "stats",  0, 0,   true,  clip_stats_cmd },
    { "ports",  0, 0,   true,  clip_ports_cmd },
};

int cmdclip_run(struct session *s, unsigned argc, char **argv)
{
    for (unsigned i = 0; i < sizeof clip_commands / sizeof clip_commands[0]; i++) {
        const struct clip_command *c = &clip_commands[i];
        if (!same(c->name, argv[0]))
            continue;
        if (argc - 1 < c->min_args || argc - 1 > c->max_args)
            return session_fail(s, VGPU_E_INVAL, "clip %s takes %u..%u arguments", c->name, c->min_args,
                                c->max_args);
        if (c->needs_agent && !cs.running)
            return session_fail(s, VGPU_E_INVAL, "no agent running (send clip init first)");
        return c->run(s, argc - 1, argv + 1);
    }
    return session_fail(s, VGPU_E_INVAL, "unknown clip command '%s'", argv[0]);
}
