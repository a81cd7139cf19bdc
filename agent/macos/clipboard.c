/*
 * clipboard.c — the agent's clipboard half (macOS only: IOKit and HIServices; not built on Linux).
 *
 * Bridges the kext's virtio-console port com.redhat.spice.0 (VirtioConsoleUserClient) and the
 * general pasteboard.  All protocol and policy work is portable and tested elsewhere:
 * agent/clip_pump.c runs a round, agent/clip_logic.c decides what to send when, agent/vdagent*.c
 * speaks the wire format.  This file only adapts the two OS objects to clip_port / clip_board and
 * paces the rounds on the main run loop.  The pasteboard has no change notification, so a round
 * runs every 100 ms (-i MS); a lost connection is retried every 2 s.
 */
#include <ApplicationServices/ApplicationServices.h>
#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "../clip_logic.h"
#include "../clip_pump.h"

#define ITEM_MAX     (8u << 20)          /* QEMU carries at most 1 MiB; room for other hosts */
#define MSG_MAX      (ITEM_MAX + 8u)
#define CHUNK        4096u               /* the user client's limit per read or write */
#define RETRY_S      2.0

enum { SEL_OPEN_PORT = 0, SEL_READ = 1, SEL_WRITE = 2, SEL_STATUS = 3 };   /* VirtioConsole.hpp */

static CFStringRef flavor(enum clip_kind kind)
{
    return kind == CLIP_PNG ? CFSTR("public.png") : CFSTR("public.utf8-plain-text");
}

/* ---- the port: the kext's user client ---- */

struct port {
    io_connect_t conn;
    bool broken;                         /* a call failed: reconnect */
};

static int port_read(void *ctx, uint8_t *buf, size_t max, size_t *got)
{
    struct port *p = ctx;
    size_t size = max < CHUNK ? max : CHUNK;
    kern_return_t kr = IOConnectCallMethod(p->conn, SEL_READ, NULL, 0, NULL, 0, NULL, NULL, buf, &size);
    *got = kr == KERN_SUCCESS ? size : 0;
    p->broken |= kr != KERN_SUCCESS;
    return kr == KERN_SUCCESS ? 0 : -1;
}

static int port_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct port *p = ctx;
    for (size_t off = 0; off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        kern_return_t kr = IOConnectCallMethod(p->conn, SEL_WRITE, NULL, 0, buf + off, n, NULL, NULL, NULL, NULL);
        if (kr != KERN_SUCCESS) {
            p->broken = true;
            return -1;
        }
    }
    return 0;
}

static bool port_host_open(void *ctx)
{
    struct port *p = ctx;
    uint64_t out[3] = { 0, 0, 0 };
    uint32_t n = 3;
    kern_return_t kr = IOConnectCallMethod(p->conn, SEL_STATUS, NULL, 0, NULL, 0, out, &n, NULL, NULL);
    p->broken |= kr != KERN_SUCCESS || out[2] != 0;     /* out[2]: the device needs a reset */
    return kr == KERN_SUCCESS && out[0] != 0;
}

/* The kext's console device, a connection to it, and the named port opened on it. */
static bool port_open(struct port *p, const char *name)
{
    io_service_t svc = IOServiceGetMatchingService(MACH_PORT_NULL /* the default main port */, IOServiceMatching("VirtioConsoleDevice"));
    uint64_t id = 0;
    uint32_t n = 1;

    if (!svc)
        return false;
    kern_return_t kr = IOServiceOpen(svc, mach_task_self(), 0, &p->conn);
    IOObjectRelease(svc);
    if (kr != KERN_SUCCESS)
        return false;
    kr = IOConnectCallMethod(p->conn, SEL_OPEN_PORT, NULL, 0, name, strlen(name), &id, &n, NULL, NULL);
    if (kr != KERN_SUCCESS) {
        IOServiceClose(p->conn);
        return false;
    }
    if (agent_verbose)
        fprintf(stderr, "virtio-clipboard: port %s is %llu\n", name, (unsigned long long)id);
    p->broken = false;
    return true;
}

/* ---- the pasteboard ----
 * Only board_count() synchronizes: kPasteboardModified says another process changed the
 * pasteboard since our last synchronize, so every other call works on that snapshot. */

struct board {
    PasteboardRef pb;
    uint64_t count;
};

static uint64_t board_count(void *ctx)
{
    struct board *b = ctx;
    if (PasteboardSynchronize(b->pb) & kPasteboardModified)
        b->count++;
    return b->count;
}

/* The first item that has the flavor, as a CFData the caller releases; NULL when none has it. */
static CFDataRef copy_flavor(PasteboardRef pb, CFStringRef type)
{
    ItemCount n = 0;
    if (PasteboardGetItemCount(pb, &n) != noErr)
        return NULL;
    for (ItemCount i = 1; i <= n; i++) {
        PasteboardItemID item;
        CFDataRef data = NULL;
        if (PasteboardGetItemIdentifier(pb, i, &item) == noErr &&
            PasteboardCopyItemFlavorData(pb, item, type, &data) == noErr && data)
            return data;
    }
    return NULL;
}

static bool board_read(void *ctx, enum clip_kind kind, uint8_t *buf, size_t cap, size_t *len)
{
    struct board *b = ctx;
    CFDataRef data = copy_flavor(b->pb, flavor(kind));
    if (!data)
        return false;
    *len = (size_t)CFDataGetLength(data);
    if (cap)
        CFDataGetBytes(data, CFRangeMake(0, (CFIndex)(*len < cap ? *len : cap)), buf);
    CFRelease(data);
    return true;
}

/* Our own write bumps the count too: clip_logic records it as seen, so it is never sent back. */
static bool board_write(void *ctx, enum clip_kind kind, const uint8_t *data, size_t len)
{
    struct board *b = ctx;
    CFDataRef d = CFDataCreate(kCFAllocatorDefault, data, (CFIndex)len);
    bool ok = d && PasteboardClear(b->pb) == noErr &&
              PasteboardPutItemFlavor(b->pb, (PasteboardItemID)1, flavor(kind), d, kPasteboardFlavorNoFlags) == noErr;
    if (d)
        CFRelease(d);
    (void)PasteboardSynchronize(b->pb);
    b->count++;
    return ok;
}

/* ---- the rounds, on the run loop ---- */

struct clipboard {
    const char *name;
    struct port port;
    bool connected;
    CFAbsoluteTime next_try;
    struct board board;
    struct clip_agent agent;
    struct clip_pump pump;
    struct clip_board ops;
    struct clip_port port_ops;
    uint8_t *msg, *item, *out, *rx;
    size_t out_cap;
};

static bool alloc_buffers(struct clipboard *c)
{
    c->out_cap = vda_framed_size(ITEM_MAX + 8u) + 4096u;
    c->msg = malloc(MSG_MAX);
    c->item = malloc(ITEM_MAX);
    c->out = malloc(c->out_cap);
    c->rx = malloc(CHUNK);
    return c->msg && c->item && c->out && c->rx;
}

/* A fresh agent session on a new connection, as before: each connection starts clean. */
static void connect_port(struct clipboard *c)
{
    struct clip_mem mem = { c->msg, MSG_MAX, c->item, ITEM_MAX, c->out, c->out_cap };
    if (CFAbsoluteTimeGetCurrent() < c->next_try)
        return;
    c->next_try = CFAbsoluteTimeGetCurrent() + RETRY_S;
    if (!port_open(&c->port, c->name))
        return;
    clip_init(&c->agent, &c->ops, &mem);
    clip_pump_init(&c->pump, &c->agent, &c->port_ops, c->rx, CHUNK);
    c->connected = true;
}

/* A connection lasts until a call fails (device gone, reset, kext unloaded). */
static void round_tick(CFRunLoopTimerRef timer, void *info)
{
    struct clipboard *c = info;
    (void)timer;
    if (!c->connected)
        connect_port(c);
    if (!c->connected || (!c->port.broken && clip_pump_once(&c->pump) == 0))
        return;
    if (agent_verbose)
        fprintf(stderr, "virtio-clipboard: rx %llu tx %llu errors %llu (last %s)\n",
                (unsigned long long)c->agent.stats.rx_msgs, (unsigned long long)c->agent.stats.tx_msgs,
                (unsigned long long)c->agent.stats.errors, vda_result_name(c->agent.stats.last_error));
    IOServiceClose(c->port.conn);
    c->connected = false;
    c->next_try = CFAbsoluteTimeGetCurrent() + RETRY_S;
    fprintf(stderr, "virtio-clipboard: connection to %s lost, reconnecting\n", c->name);
}

bool clipboard_start(CFRunLoopRef loop, const char *port_name, double interval_s)
{
    static struct clipboard c;
    c.name = port_name;
    c.ops = (struct clip_board){ &c.board, board_count, board_read, board_write };
    c.port_ops = (struct clip_port){ &c.port, port_read, port_write, port_host_open };
    if (PasteboardCreate(kPasteboardClipboard, &c.board.pb) != noErr || !alloc_buffers(&c)) {
        fprintf(stderr, "virtio-clipboard: no pasteboard or no memory\n");
        return false;
    }
    CFRunLoopTimerContext ctx = { 0, &c, NULL, NULL, NULL };
    CFRunLoopTimerRef timer = CFRunLoopTimerCreate(kCFAllocatorDefault, CFAbsoluteTimeGetCurrent(), interval_s,
                                                   0, 0, round_tick, &ctx);
    CFRunLoopAddTimer(loop, timer, kCFRunLoopCommonModes);
    CFRelease(timer);
    return true;
}
