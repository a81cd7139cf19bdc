/*
 * test_clip_logic.c — the clipboard agent's policy (agent/clip_logic.h) against a stand-in
 * pasteboard (one item and a change count, like macOS's) and a host played by the test.  The host's
 * messages are written here from the wire format of spice-protocol's vd_agent.h and the agent's
 * output is read back by a reader written here too, so nothing is checked by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../agent/clip_logic.h"
#include "../../agent/clip_pump.h"

enum { CLIPBOARD = 4, CAPS = 6, GRAB = 7, REQUEST = 8, RELEASE = 9 };
enum { TEXT = 1, PNG = 2 };
#define SEL_BIT (1u << 6)
#define DEMAND_BIT (1u << 5)
#define BIG (1u << 16)

/* ---- the stand-in pasteboard ---- */
struct board {
    uint8_t data[BIG];
    size_t len;
    bool present;
    enum clip_kind kind;
    uint64_t count;
    unsigned writes;
};

static uint64_t b_count(void *ctx) { return ((struct board *)ctx)->count; }

static bool b_read(void *ctx, enum clip_kind kind, uint8_t *buf, size_t cap, size_t *len)
{
    struct board *b = ctx;
    if (!b->present || b->kind != kind)
        return false;
    *len = b->len;
    if (cap)
        memcpy(buf, b->data, b->len < cap ? b->len : cap);
    return true;
}

static void user_copies(struct board *b, enum clip_kind kind, const void *data, size_t len)
{
    memcpy(b->data, data, len);
    b->len = len;
    b->kind = kind;
    b->present = len > 0;
    b->count++;
}

static bool b_write(void *ctx, enum clip_kind kind, const uint8_t *data, size_t len)
{
    struct board *b = ctx;
    user_copies(b, kind, data, len);
    b->writes++;
    return true;
}

/* ---- host side: messages written by hand, agent output read by hand ---- */
struct bytes { uint8_t b[BIG + 512]; size_t n; };

static void put32(struct bytes *s, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        s->b[s->n++] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* One message in one chunk; `sel` < 0: no selection header. */
static struct bytes *host_msg(uint32_t type, int sel, const uint32_t *words, unsigned nwords,
                              const void *data, size_t len)
{
    static struct bytes s;
    uint32_t body = (sel >= 0 ? 4u : 0u) + 4u * nwords + (uint32_t)len;
    s.n = 0;
    put32(&s, 1);
    put32(&s, 20 + body);
    put32(&s, 1);
    put32(&s, type);
    put32(&s, 0);
    put32(&s, 0);
    put32(&s, body);
    if (sel >= 0)
        put32(&s, (uint32_t)sel);
    for (unsigned i = 0; i < nwords; i++)
        put32(&s, words[i]);
    if (len)
        memcpy(s.b + s.n, data, len);
    s.n += len;
    return &s;
}

struct msg { uint32_t type; uint8_t body[BIG + 64]; uint32_t size; };

/* Take the agent's output (chunks on port 1, each at most 2040 bytes) as messages. */
static unsigned drain(struct clip_agent *a, struct msg *out, unsigned max)
{
    static uint8_t payload[BIG + 1024];
    size_t len, plen = 0, off = 0;
    const uint8_t *o = clip_output(a, &len);
    unsigned n = 0;

    while (off < len) {
        uint32_t size = get32(o + off + 4);
        assert_int_equal(get32(o + off), 1);
        assert_true(size <= 2040 && off + 8 + size <= len);
        memcpy(payload + plen, o + off + 8, size);
        plen += size;
        off += 8 + size;
    }
    clip_output_sent(a, len);
    for (off = 0; off < plen; n++) {
        assert_true(n < max && plen - off >= 20);
        assert_int_equal(get32(payload + off), 1);
        out[n].type = get32(payload + off + 4);
        out[n].size = get32(payload + off + 16);
        memcpy(out[n].body, payload + off + 20, out[n].size);
        off += 20 + out[n].size;
    }
    assert_int_equal(off, plen);
    return n;
}

/* ---- fixture ---- */
struct fx {
    struct board board;
    struct clip_agent agent;
    uint8_t msg[BIG], item[BIG], out[BIG + 4096];
    struct msg got[8];
};

static struct fx *fx_new(size_t item_cap, size_t out_cap)
{
    struct fx *f = calloc(1, sizeof *f);
    struct clip_board ops = { &f->board, b_count, b_read, b_write };
    struct clip_mem mem = { f->msg, sizeof f->msg, f->item, (uint32_t)item_cap, f->out, out_cap };
    clip_init(&f->agent, &ops, &mem);
    return f;
}

static void feed(struct fx *f, const struct bytes *s) { clip_feed(&f->agent, s->b, s->n); }

/* Connected to a host that announced `caps`; the agent's own opening messages are dropped. */
static struct fx *connected(uint32_t caps)
{
    struct fx *f = fx_new(BIG, sizeof f->out);
    clip_connect(&f->agent);
    feed(f, host_msg(CAPS, -1, (uint32_t[]){ 0, caps }, 2, NULL, 0));
    drain(&f->agent, f->got, 8);
    return f;
}

static void expect_sel_word(const struct msg *m, uint32_t word)
{
    assert_int_equal(m->size, 8);
    assert_int_equal(get32(m->body), 0);
    assert_int_equal(get32(m->body + 4), word);
}

/* ---- tests ---- */

static void connect_announces_by_demand_and_selection_and_asks_back(void **state)
{
    struct fx *f = fx_new(BIG, sizeof ((struct fx *)0)->out);
    (void)state;
    clip_connect(&f->agent);
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, CAPS);
    assert_int_equal(f->got[0].size, 8);
    assert_int_equal(get32(f->got[0].body), 1);                 /* request: answer with yours */
    assert_int_equal(get32(f->got[0].body + 4), DEMAND_BIT | SEL_BIT);
    feed(f, host_msg(CAPS, -1, (uint32_t[]){ 1, DEMAND_BIT | SEL_BIT }, 2, NULL, 0));
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(get32(f->got[0].body), 0);                 /* our answer does not ask again */
    assert_true(f->agent.stats.caps_known);
    free(f);
}

static void host_grab_is_fetched_at_once_and_not_echoed(void **state)
{
    static const char text[] = "host text ✓";
    struct fx *f = connected(DEMAND_BIT | SEL_BIT);
    (void)state;
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ PNG, TEXT }, 2, NULL, 0));
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, REQUEST);
    expect_sel_word(&f->got[0], TEXT);                          /* text preferred over PNG */
    feed(f, host_msg(CLIPBOARD, 0, (uint32_t[]){ TEXT }, 1, text, sizeof text - 1));
    assert_int_equal(f->board.writes, 1);
    assert_int_equal(f->board.len, sizeof text - 1);
    assert_memory_equal(f->board.data, text, sizeof text - 1);
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));
    feed(f, host_msg(CLIPBOARD, 0, (uint32_t[]){ TEXT }, 1, "nul\0\0", 5));  /* NUL-terminated */
    assert_int_equal(f->board.len, 3);
    assert_memory_equal(f->board.data, "nul", 3);
    drain(&f->agent, f->got, 8);
    clip_poll_board(&f->agent);                                 /* our own writes: no grab back */
    assert_int_equal(drain(&f->agent, f->got, 8), 0);
    assert_int_equal(f->agent.stats.local_grabs, 0);
    free(f);
}

static void png_only_offer_is_fetched_as_png(void **state)
{
    static const uint8_t png[] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 1, 2 };
    struct fx *f = connected(DEMAND_BIT | SEL_BIT);
    (void)state;
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ 3, PNG }, 2, NULL, 0));        /* BMP, PNG */
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    expect_sel_word(&f->got[0], PNG);
    feed(f, host_msg(CLIPBOARD, 0, (uint32_t[]){ PNG }, 1, png, sizeof png));
    assert_int_equal(f->board.kind, CLIP_PNG);
    assert_memory_equal(f->board.data, png, sizeof png);
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ 5 }, 1, NULL, 0));             /* JPG only: nothing to ask */
    assert_int_equal(drain(&f->agent, f->got, 8), 0);
    free(f);
}

static void local_copy_is_announced_and_served(void **state)
{
    static const char text[] = "guest text";
    struct fx *f = connected(DEMAND_BIT | SEL_BIT);
    (void)state;
    user_copies(&f->board, CLIP_TEXT, text, sizeof text - 1);
    clip_poll_board(&f->agent);
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, GRAB);
    expect_sel_word(&f->got[0], TEXT);
    clip_poll_board(&f->agent);                                 /* nothing changed: silent */
    assert_int_equal(drain(&f->agent, f->got, 8), 0);
    feed(f, host_msg(REQUEST, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, CLIPBOARD);
    assert_int_equal(f->got[0].size, 8 + sizeof text - 1);
    assert_int_equal(get32(f->got[0].body + 4), TEXT);
    assert_memory_equal(f->got[0].body + 8, text, sizeof text - 1);
    feed(f, host_msg(REQUEST, 0, (uint32_t[]){ PNG }, 1, NULL, 0));        /* none: empty answer */
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    expect_sel_word(&f->got[0], PNG);
    user_copies(&f->board, CLIP_TEXT, "", 0);                   /* emptied: release */
    clip_poll_board(&f->agent);
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, RELEASE);
    assert_int_equal(f->got[0].size, 4);
    assert_int_equal(f->agent.stats.answers, 2);
    free(f);
}

static void changes_before_connect_are_kept_local_and_early_ones_wait_for_caps(void **state)
{
    struct fx *f = fx_new(BIG, sizeof ((struct fx *)0)->out);
    (void)state;
    user_copies(&f->board, CLIP_TEXT, "before", 6);
    clip_connect(&f->agent);
    clip_poll_board(&f->agent);
    assert_int_equal(drain(&f->agent, f->got, 8), 1);           /* just the caps */
    user_copies(&f->board, CLIP_TEXT, "after", 5);
    clip_poll_board(&f->agent);
    assert_int_equal(drain(&f->agent, f->got, 8), 0);           /* header form unknown yet */
    feed(f, host_msg(CAPS, -1, (uint32_t[]){ 0, DEMAND_BIT }, 2, NULL, 0));
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, GRAB);
    assert_int_equal(f->got[0].size, 4);                        /* no selection: host lacks it */
    assert_int_equal(get32(f->got[0].body), TEXT);
    free(f);
}

static void local_change_beats_a_late_host_answer(void **state)
{
    struct fx *f = connected(DEMAND_BIT | SEL_BIT);
    (void)state;
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));
    drain(&f->agent, f->got, 8);
    user_copies(&f->board, CLIP_TEXT, "mine", 4);
    clip_poll_board(&f->agent);
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    feed(f, host_msg(CLIPBOARD, 0, (uint32_t[]){ TEXT }, 1, "late", 4));
    assert_int_equal(f->board.writes, 0);
    assert_memory_equal(f->board.data, "mine", 4);
    assert_int_equal(f->agent.stats.ignored, 1);
    free(f);
}

static void release_and_empty_answers_leave_the_board_alone(void **state)
{
    struct fx *f = connected(DEMAND_BIT | SEL_BIT);
    (void)state;
    user_copies(&f->board, CLIP_TEXT, "keep", 4);
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));
    feed(f, host_msg(CLIPBOARD, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));     /* empty: host had nothing */
    assert_int_equal(f->board.writes, 0);
    feed(f, host_msg(GRAB, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));
    feed(f, host_msg(RELEASE, 0, NULL, 0, NULL, 0));
    feed(f, host_msg(CLIPBOARD, 0, (uint32_t[]){ TEXT }, 1, "after release", 13));
    assert_int_equal(f->board.writes, 0);
    assert_memory_equal(f->board.data, "keep", 4);
    feed(f, host_msg(GRAB, 1, (uint32_t[]){ TEXT }, 1, NULL, 0));          /* PRIMARY: not ours */
    drain(&f->agent, f->got, 8);
    assert_int_equal(f->agent.stats.host_releases, 1);
    assert_int_equal(f->agent.stats.ignored, 2);
    free(f);
}

static void malformed_input_is_counted_and_survived(void **state)
{
    struct fx *f = connected(DEMAND_BIT | SEL_BIT);
    struct bytes *s;
    (void)state;
    feed(f, host_msg(GRAB, 9, (uint32_t[]){ TEXT }, 1, NULL, 0));          /* bad selection */
    assert_int_equal(f->agent.stats.last_error, VDA_E_SELECTION);
    feed(f, host_msg(REQUEST, 0, NULL, 0, "xy", 2));                       /* short request */
    assert_int_equal(f->agent.stats.last_error, VDA_E_SHORT);
    s = host_msg(GRAB, 0, (uint32_t[]){ TEXT }, 1, NULL, 0);
    s->b[8] = 2;                                                           /* protocol 2 */
    feed(f, s);
    assert_int_equal(f->agent.stats.last_error, VDA_E_PROTOCOL);
    assert_int_equal(f->agent.stats.errors, 3);
    assert_int_equal(drain(&f->agent, f->got, 8), 0);
    s = host_msg(GRAB, 0, (uint32_t[]){ TEXT }, 1, NULL, 0);
    for (size_t i = 0; i < s->n; i++)                                      /* byte by byte */
        clip_feed(&f->agent, s->b + i, 1);
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    assert_int_equal(f->got[0].type, REQUEST);
    free(f);
}

static void too_big_item_or_full_output_drop_whole_messages(void **state)
{
    struct fx *f = fx_new(8, 200);                 /* items up to 8 bytes, 200 bytes of output */
    (void)state;
    clip_connect(&f->agent);
    feed(f, host_msg(CAPS, -1, (uint32_t[]){ 0, DEMAND_BIT | SEL_BIT }, 2, NULL, 0));
    drain(&f->agent, f->got, 8);
    user_copies(&f->board, CLIP_TEXT, "123456789", 9);
    clip_poll_board(&f->agent);
    drain(&f->agent, f->got, 8);
    feed(f, host_msg(REQUEST, 0, (uint32_t[]){ TEXT }, 1, NULL, 0));
    assert_int_equal(drain(&f->agent, f->got, 8), 1);
    expect_sel_word(&f->got[0], TEXT);                          /* 9 > 8: answered empty */
    assert_int_equal(f->agent.stats.dropped, 1);
    for (int i = 0; i < 6; i++)                                 /* 6 x 36 bytes > 200: the last drops */
        feed(f, host_msg(REQUEST, 0, (uint32_t[]){ PNG }, 1, NULL, 0));
    assert_int_equal(drain(&f->agent, f->got, 8), 5);
    assert_int_equal(f->agent.stats.dropped, 2);
    free(f);
}

/* ---- the work loop over a stand-in port ---- */
struct fake_port {
    struct bytes in;          /* what the host sent, not yet read */
    size_t in_off;
    struct bytes sent;        /* what the agent wrote */
    bool open;
    int fail_write;           /* next write returns this (then 0) */
    unsigned reads;
};

static int p_read(void *ctx, uint8_t *buf, size_t max, size_t *got)
{
    struct fake_port *p = ctx;
    size_t n = p->in.n - p->in_off < max ? p->in.n - p->in_off : max;
    memcpy(buf, p->in.b + p->in_off, n);
    p->in_off += n;
    *got = n;
    p->reads++;
    return 0;
}

static int p_write(void *ctx, const uint8_t *buf, size_t len)
{
    struct fake_port *p = ctx;
    int rc = p->fail_write;
    p->fail_write = 0;
    if (rc)
        return rc;
    memcpy(p->sent.b + p->sent.n, buf, len);
    p->sent.n += len;
    return 0;
}

static bool p_open(void *ctx) { return ((struct fake_port *)ctx)->open; }

/* The message types in what the agent wrote (one message per chunk here), then forget it. */
static unsigned sent_types(struct fake_port *p, uint32_t *types)
{
    unsigned n = 0;
    for (size_t off = 0; off < p->sent.n; off += 8 + get32(p->sent.b + off + 4))
        types[n++] = get32(p->sent.b + off + 8 + 4);
    p->sent.n = 0;
    return n;
}

static void pump_starts_a_session_whenever_the_host_connects(void **state)
{
    static struct fake_port port;
    static uint8_t rx[7];                          /* small: input comes in several reads */
    struct fx *f = fx_new(BIG, sizeof ((struct fx *)0)->out);
    struct clip_port ops = { &port, p_read, p_write, p_open };
    struct clip_pump pump;
    uint32_t types[8];
    (void)state;
    memset(&port, 0, sizeof port);
    clip_pump_init(&pump, &f->agent, &ops, rx, sizeof rx);
    assert_int_equal(clip_pump_once(&pump), 0);
    assert_int_equal(port.sent.n, 0);              /* nobody there: nothing said */
    port.open = true;
    assert_int_equal(clip_pump_once(&pump), 0);
    assert_int_equal(sent_types(&port, types), 1);
    assert_int_equal(types[0], CAPS);
    port.in = *host_msg(CAPS, -1, (uint32_t[]){ 1, DEMAND_BIT | SEL_BIT }, 2, NULL, 0);
    user_copies(&f->board, CLIP_TEXT, "x", 1);
    assert_int_equal(clip_pump_once(&pump), 0);
    assert_int_equal(port.in_off, port.in.n);      /* everything waiting was read */
    assert_int_equal(sent_types(&port, types), 2);
    assert_int_equal(types[0], CAPS);              /* the answer ... */
    assert_int_equal(types[1], GRAB);              /* ... then the local change */
    port.open = false;
    assert_int_equal(clip_pump_once(&pump), 0);
    port.open = true;
    port.fail_write = -4;                          /* the reconnect's caps fail once ... */
    assert_int_equal(clip_pump_once(&pump), -4);
    assert_int_equal(clip_pump_once(&pump), 0);    /* ... and go out on the next round */
    assert_int_equal(sent_types(&port, types), 1);
    assert_int_equal(types[0], CAPS);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_announces_by_demand_and_selection_and_asks_back),
        cmocka_unit_test(host_grab_is_fetched_at_once_and_not_echoed),
        cmocka_unit_test(png_only_offer_is_fetched_as_png),
        cmocka_unit_test(local_copy_is_announced_and_served),
        cmocka_unit_test(changes_before_connect_are_kept_local_and_early_ones_wait_for_caps),
        cmocka_unit_test(local_change_beats_a_late_host_answer),
        cmocka_unit_test(release_and_empty_answers_leave_the_board_alone),
        cmocka_unit_test(malformed_input_is_counted_and_survived),
        cmocka_unit_test(too_big_item_or_full_output_drop_whole_messages),
        cmocka_unit_test(pump_starts_a_session_whenever_the_host_connects),
    };
    return cmocka_run_group_tests_name("clip_logic", tests, NULL, NULL);
}
