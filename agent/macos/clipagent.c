/*
 * clipagent.c — the macOS clipboard agent (macOS only: IOKit and HIServices; not built on Linux).
 *
 * Bridges the kext's virtio-console port com.redhat.spice.0 (VirtioConsoleUserClient) and the
 * general pasteboard.  All protocol and policy work is portable and tested elsewhere:
 * agent/clip_pump.c runs a round, agent/clip_logic.c decides what to send when, core/vdagent*.c
 * speaks the wire format.  This file only adapts the two OS objects to clip_port / clip_board and
 * paces the rounds.  The pasteboard has no change notification, so a round runs every 100 ms.
 *
 *   virtio-clipboard-agent [-p PORTNAME] [-i INTERVAL_MS] [-v]
 */
#include <ApplicationServices/ApplicationServices.h>
#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../clip_logic.h"
#include "../clip_pump.h"

#define ITEM_MAX     (8u << 20)          /* QEMU carries at most 1 MiB; room for other hosts */
#define MSG_MAX      (ITEM_MAX + 8u)
#define CHUNK        4096u               /* the user client's limit per read or write */
#define RETRY_US     2000000u

enum { SEL_OPEN_PORT = 0, SEL_READ = 1, SEL_WRITE = 2, SEL_STATUS = 3 };   /* VirtioConsole.hpp */

static int verbose;

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
    if (verbose)
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

/* ---- main ---- */

struct buffers {
    uint8_t *msg, *item, *out, *rx;
    size_t out_cap;
};

static bool alloc_buffers(struct buffers *m)
{
    m->out_cap = vda_framed_size(ITEM_MAX + 8u) + 4096u;
    m->msg = malloc(MSG_MAX);
    m->item = malloc(ITEM_MAX);
    m->out = malloc(m->out_cap);
    m->rx = malloc(CHUNK);
    return m->msg && m->item && m->out && m->rx;
}

/* One connection: rounds until a call fails (device gone, reset, kext unloaded). */
static void serve(struct port *p, struct board *b, const struct buffers *m, useconds_t interval)
{
    struct clip_board ops = { b, board_count, board_read, board_write };
    struct clip_mem mem = { m->msg, MSG_MAX, m->item, ITEM_MAX, m->out, m->out_cap };
    struct clip_port port = { p, port_read, port_write, port_host_open };
    static struct clip_agent agent;
    struct clip_pump pump;

    clip_init(&agent, &ops, &mem);
    clip_pump_init(&pump, &agent, &port, m->rx, CHUNK);
    while (!p->broken && clip_pump_once(&pump) == 0)
        usleep(interval);
    if (verbose)
        fprintf(stderr, "virtio-clipboard: rx %llu tx %llu errors %llu (last %s)\n",
                (unsigned long long)agent.stats.rx_msgs, (unsigned long long)agent.stats.tx_msgs,
                (unsigned long long)agent.stats.errors, vda_result_name(agent.stats.last_error));
}

int main(int argc, char **argv)
{
    const char *name = "com.redhat.spice.0";
    useconds_t interval = 100000;
    struct buffers m;
    struct board b = { NULL, 0 };
    struct port p = { 0, false };
    int opt;

    while ((opt = getopt(argc, argv, "p:i:v")) != -1) {
        if (opt == 'p')
            name = optarg;
        else if (opt == 'i')
            interval = (useconds_t)strtoul(optarg, NULL, 10) * 1000u;
        else if (opt == 'v')
            verbose = 1;
        else {
            fprintf(stderr, "usage: %s [-p PORTNAME] [-i INTERVAL_MS] [-v]\n", argv[0]);
            return 2;
        }
    }
    if (PasteboardCreate(kPasteboardClipboard, &b.pb) != noErr || !alloc_buffers(&m)) {
        fprintf(stderr, "virtio-clipboard: no pasteboard or no memory\n");
        return 1;
    }
    for (;;) {                            /* launchd keeps us alive; we keep reconnecting */
        if (port_open(&p, name)) {
            serve(&p, &b, &m, interval);
            IOServiceClose(p.conn);
            fprintf(stderr, "virtio-clipboard: connection to %s lost, reconnecting\n", name);
        }
        usleep(RETRY_US);
    }
}
