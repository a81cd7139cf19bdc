/*
 * test_vdagent.c — the agent protocol module against byte streams written here from the wire
 * format in spice-protocol's vd_agent.h (chunk: le32 port, le32 size; message: le32 protocol,
 * le32 type, le64 opaque, le32 size), never produced by the encoders under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../agent/vdagent.h"

#define CAP 4096u

/* ---- a hand-written stream ---- */
struct stream { uint8_t b[16384]; size_t n; };

static void w32(struct stream *s, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        s->b[s->n++] = (uint8_t)(v >> (8 * i));
}

static void wbytes(struct stream *s, const void *p, size_t n)
{
    memcpy(s->b + s->n, p, n);
    s->n += n;
}

static void chunk(struct stream *s, uint32_t port, uint32_t size)
{
    w32(s, port);
    w32(s, size);
}

static void msg_hdr(struct stream *s, uint32_t protocol, uint32_t type, uint32_t size)
{
    w32(s, protocol);
    w32(s, type);
    w32(s, 0x11223344);    /* opaque, low word */
    w32(s, 0x55667788);    /* opaque, high word */
    w32(s, size);
}

/* GRAB of the CLIPBOARD selection offering UTF-8 text, in one chunk. */
static void grab_text(struct stream *s)
{
    chunk(s, 1, 20 + 8);
    msg_hdr(s, 1, 7, 8);
    w32(s, 0);             /* selection 0, reserved */
    w32(s, 1);             /* VD_AGENT_CLIPBOARD_UTF8_TEXT */
}

struct parsed { int results[16]; struct vda_msg msgs[16]; uint8_t bodies[16][CAP]; int n; };

/* Feed `len` bytes in pieces of `piece`, recording every non-NEED_MORE result. */
static void feed(struct vda_parser *p, const uint8_t *in, size_t len, size_t piece, struct parsed *out)
{
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < piece ? len - off : piece, used = 0;
        while (n > 0) {
            struct vda_msg m;
            int rc = vda_parse(p, in + off, n, &used, &m);
            assert_true(used <= n);
            off += used;
            n -= used;
            if (rc != VDA_NEED_MORE) {
                assert_true(out->n < 16);
                out->results[out->n] = rc;
                if (rc == VDA_MESSAGE) {
                    out->msgs[out->n] = m;
                    memcpy(out->bodies[out->n], m.body, m.size);
                }
                out->n++;
            } else {
                assert_int_equal(n, 0);
            }
        }
    }
}

/*
 * A fresh parser with a message buffer of exactly `cap` bytes (so ASan sees any write past the
 * limit), fed the whole stream in pieces.  Bodies are copied into `out` before the buffer goes.
 */
static void parse_stream(const struct stream *s, uint32_t cap, size_t piece, struct parsed *out)
{
    uint8_t *buf = malloc(cap);
    struct vda_parser p;

    assert_non_null(buf);
    vda_parser_init(&p, buf, cap);
    feed(&p, s->b, s->n, piece, out);
    for (int i = 0; i < out->n; i++)
        out->msgs[i].body = out->bodies[i];
    free(buf);
}

static void expect_grab_text(const struct parsed *r, int i)
{
    static const uint8_t body[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };
    assert_int_equal(r->results[i], VDA_MESSAGE);
    assert_int_equal(r->msgs[i].type, VDA_CLIPBOARD_GRAB);
    assert_int_equal(r->msgs[i].port, VDA_PORT_CLIENT);
    assert_true(r->msgs[i].opaque == 0x5566778811223344ull);
    assert_int_equal(r->msgs[i].size, 8);
    assert_memory_equal(r->bodies[i], body, 8);
}

static void parses_one_message_in_one_chunk(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    grab_text(&s);
    parse_stream(&s, CAP, s.n, &r);
    assert_int_equal(r.n, 1);
    expect_grab_text(&r, 0);
}

static void byte_by_byte_gives_the_same_message(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    grab_text(&s);
    grab_text(&s);
    parse_stream(&s, CAP, 1, &r);
    assert_int_equal(r.n, 2);
    expect_grab_text(&r, 0);
    expect_grab_text(&r, 1);
}

/* QEMU cuts messages into chunks of 1024 payload bytes; the header itself may be cut. */
static void reassembles_a_message_across_chunks(void **state)
{
    static uint8_t text[3000], wire[20 + 8 + 3000];
    struct stream s = { .n = 0 }, m = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (uint8_t)(i * 7 + 3);
    msg_hdr(&m, 1, 4, 8 + sizeof text);
    w32(&m, 0);
    w32(&m, 1);
    wbytes(&m, text, sizeof text);
    memcpy(wire, m.b, m.n);
    static const size_t cuts[] = { 13, 1024, 1024, 20 + 8 + 3000 - 13 - 2048 };
    for (size_t i = 0, off = 0; i < 4; off += cuts[i], i++) {
        chunk(&s, 1, (uint32_t)cuts[i]);
        wbytes(&s, wire + off, cuts[i]);
    }
    parse_stream(&s, CAP, 700, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.results[0], VDA_MESSAGE);
    assert_int_equal(r.msgs[0].type, VDA_CLIPBOARD);
    assert_int_equal(r.msgs[0].size, 8 + sizeof text);
    assert_memory_equal(r.bodies[0] + 8, text, sizeof text);
}

static void two_messages_in_one_chunk(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    chunk(&s, 1, 2 * 28);
    for (int i = 0; i < 2; i++) {
        msg_hdr(&s, 1, 7, 8);
        w32(&s, 0);
        w32(&s, 1);
    }
    parse_stream(&s, CAP, s.n, &r);
    assert_int_equal(r.n, 2);
    expect_grab_text(&r, 0);
    expect_grab_text(&r, 1);
}

/* An oversized message is reported once, its body (over several chunks) skipped, the next read. */
static void oversized_message_is_skipped_and_the_stream_stays_in_step(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    uint8_t junk[100];
    (void)state;
    memset(junk, 0xA5, sizeof junk);
    chunk(&s, 1, 20 + 40);
    msg_hdr(&s, 1, 4, 100);
    wbytes(&s, junk, 40);
    chunk(&s, 1, 60);
    wbytes(&s, junk, 60);
    grab_text(&s);
    parse_stream(&s, 64, 9, &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.results[0], VDA_E_TOO_BIG);
    expect_grab_text(&r, 1);
}

static void body_exactly_at_the_limit_is_accepted(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    grab_text(&s);                 /* body of 8 bytes, limit 8 */
    parse_stream(&s, 8, s.n, &r);
    assert_int_equal(r.n, 1);
    expect_grab_text(&r, 0);
}

static void wrong_protocol_is_skipped(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    chunk(&s, 1, 20 + 8);
    msg_hdr(&s, 2, 7, 8);
    w32(&s, 0);
    w32(&s, 1);
    chunk(&s, 1, 20);
    msg_hdr(&s, 9, 9, 0);          /* bad protocol, empty body: nothing left to skip */
    grab_text(&s);
    parse_stream(&s, CAP, s.n, &r);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.results[0], VDA_E_PROTOCOL);
    assert_int_equal(r.results[1], VDA_E_PROTOCOL);
    expect_grab_text(&r, 2);
}

static void chunk_for_an_unknown_port_is_skipped(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    chunk(&s, 7, 28);
    msg_hdr(&s, 1, 7, 8);          /* would parse if the port were accepted */
    w32(&s, 0);
    w32(&s, 1);
    chunk(&s, 1, 0);               /* empty chunk: harmless */
    grab_text(&s);
    parse_stream(&s, CAP, 5, &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.results[0], VDA_E_CHUNK_PORT);
    expect_grab_text(&r, 1);
}

static void message_switching_port_midway_is_dropped(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    (void)state;
    chunk(&s, 2, 10);
    msg_hdr(&s, 1, 7, 8);
    s.n -= 10;                     /* only the first 10 header bytes on port 2 */
    grab_text(&s);                 /* then a whole message on port 1 */
    parse_stream(&s, CAP, s.n, &r);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.results[0], VDA_E_PORT_SWITCH);
    expect_grab_text(&r, 1);
}

static void empty_body_message(void **state)
{
    struct stream s = { .n = 0 };
    struct parsed r = { .n = 0 };
    struct vda_clip c;
    (void)state;
    chunk(&s, 1, 20);
    msg_hdr(&s, 1, 9, 0);          /* RELEASE without selection header */
    parse_stream(&s, CAP, s.n, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.msgs[0].type, VDA_CLIPBOARD_RELEASE);
    assert_int_equal(r.msgs[0].size, 0);
    assert_int_equal(vda_decode_clip(&r.msgs[0], false, &c), VDA_MESSAGE);
    assert_int_equal(vda_decode_clip(&r.msgs[0], true, &c), VDA_E_SHORT);
}

/* ---- decoding ---- */

static struct vda_msg msg_of(uint32_t type, const uint8_t *body, uint32_t size)
{
    return (struct vda_msg){ VDA_PORT_CLIENT, type, 0, body, size };
}

static void caps_are_decoded_and_checked(void **state)
{
    static const uint8_t qemu_caps[8] = { 1, 0, 0, 0, 0x61, 0, 0, 0 };   /* request, bits 0,5,6 */
    static const uint8_t two_words[12] = { 0, 0, 0, 0, 0x20, 0, 0, 0, 0x02, 0, 0, 0 };
    struct vda_caps c;
    struct vda_msg m = msg_of(VDA_ANNOUNCE_CAPABILITIES, qemu_caps, 8);
    (void)state;
    assert_int_equal(vda_decode_caps(&m, &c), VDA_MESSAGE);
    assert_true(c.request);
    assert_int_equal(c.bits, 0x61);
    m = msg_of(VDA_ANNOUNCE_CAPABILITIES, two_words, 12);
    assert_int_equal(vda_decode_caps(&m, &c), VDA_MESSAGE);
    assert_false(c.request);
    assert_int_equal(c.bits, 0x20);
    m.size = 4;
    assert_int_equal(vda_decode_caps(&m, &c), VDA_E_SHORT);
    m.size = 10;
    assert_int_equal(vda_decode_caps(&m, &c), VDA_E_LENGTH);
}

static void grab_is_decoded_and_checked(void **state)
{
    static uint8_t b[4 + 4 * 17];
    struct vda_clip c;
    struct vda_msg m = msg_of(VDA_CLIPBOARD_GRAB, b, 12);
    (void)state;
    memset(b, 0, sizeof b);
    b[4] = 2;                       /* PNG */
    b[8] = 1;                       /* text */
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_MESSAGE);
    assert_int_equal(c.selection, 0);
    assert_int_equal(c.ntypes, 2);
    assert_int_equal(c.types[0], VDA_CLIP_IMAGE_PNG);
    assert_int_equal(c.types[1], VDA_CLIP_UTF8_TEXT);
    assert_int_equal(vda_decode_clip(&m, false, &c), VDA_MESSAGE);   /* no header: 3 types */
    assert_int_equal(c.ntypes, 3);
    assert_int_equal(c.types[0], 0);
    m.size = 4 + 4 * 17;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_TYPES);
    assert_int_equal(c.ntypes, 0);
    m.size = 10;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_LENGTH);
    m.size = 3;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_SHORT);
    b[0] = 3;                       /* no such selection */
    m.size = 8;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_SELECTION);
    b[0] = 1;                       /* PRIMARY is valid */
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_MESSAGE);
    assert_int_equal(c.selection, 1);
}

static void request_data_release_are_checked(void **state)
{
    static const uint8_t req[8] = { 0, 0, 0, 0, 1, 0, 0, 0 };
    static const uint8_t data[11] = { 0, 0, 0, 0, 1, 0, 0, 0, 'a', 'b', 'c' };
    struct vda_clip c;
    struct vda_msg m = msg_of(VDA_CLIPBOARD_REQUEST, req, 8);
    (void)state;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_MESSAGE);
    assert_int_equal(c.type, VDA_CLIP_UTF8_TEXT);
    assert_int_equal(vda_decode_clip(&m, false, &c), VDA_E_LENGTH);  /* 8 bytes, no selection */
    m.size = 6;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_SHORT);
    m = msg_of(VDA_CLIPBOARD, data, 11);
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_MESSAGE);
    assert_int_equal(c.type, VDA_CLIP_UTF8_TEXT);
    assert_int_equal(c.len, 3);
    assert_memory_equal(c.data, "abc", 3);
    m.size = 7;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_SHORT);
    m = msg_of(VDA_CLIPBOARD_RELEASE, req, 4);
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_MESSAGE);
    m.size = 8;
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_E_LENGTH);
}

/* ---- encoding ---- */

/* A grab of exactly VDA_GRAB_TYPES_MAX types is whole both ways; one more is refused whole. */
static void grab_type_lists_at_their_limit(void **state)
{
    static uint8_t b[4 + 4 * (VDA_GRAB_TYPES_MAX + 1)];
    uint32_t types[VDA_GRAB_TYPES_MAX + 1];
    uint8_t buf[256];
    struct vda_out o = { buf, sizeof buf, 0 };
    struct vda_clip c;
    struct vda_msg m = msg_of(VDA_CLIPBOARD_GRAB, b, 4 + 4 * VDA_GRAB_TYPES_MAX);
    (void)state;
    memset(b, 0, sizeof b);
    for (uint32_t i = 0; i <= VDA_GRAB_TYPES_MAX; i++) {
        types[i] = 100u + i;
        b[4 + 4 * i] = (uint8_t)(100u + i);
    }
    assert_int_equal(vda_decode_clip(&m, true, &c), VDA_MESSAGE);
    assert_int_equal(c.ntypes, VDA_GRAB_TYPES_MAX);
    assert_int_equal(c.types[VDA_GRAB_TYPES_MAX - 1], 100u + VDA_GRAB_TYPES_MAX - 1);
    m.size = 4 * VDA_GRAB_TYPES_MAX;                       /* without the selection word */
    assert_int_equal(vda_decode_clip(&m, false, &c), VDA_MESSAGE);
    assert_int_equal(c.ntypes, VDA_GRAB_TYPES_MAX);
    m.size = 4 * (VDA_GRAB_TYPES_MAX + 1);
    assert_int_equal(vda_decode_clip(&m, false, &c), VDA_E_TYPES);

    assert_true(vda_put_grab(&o, VDA_SEL_CLIPBOARD, types, VDA_GRAB_TYPES_MAX));
    assert_int_equal(o.len, 8 + 20 + 4 + 4 * VDA_GRAB_TYPES_MAX);
    assert_memory_equal(buf + 8 + 20 + 4, b + 4, 4 * VDA_GRAB_TYPES_MAX);
    o.len = 0;
    assert_false(vda_put_grab(&o, VDA_SEL_CLIPBOARD, types, VDA_GRAB_TYPES_MAX + 1));
    assert_int_equal(o.len, 0);
}

static void grab_and_caps_bytes_match_the_wire_format(void **state)
{
    static const uint8_t grab[8 + 20 + 12] = {
        1, 0, 0, 0, 32, 0, 0, 0,                       /* chunk: client port, 32 bytes */
        1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0,
        0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
    static const uint8_t caps[8 + 20 + 8] = {
        1, 0, 0, 0, 28, 0, 0, 0,
        1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0,
        1, 0, 0, 0, 0x60, 0, 0, 0 };
    static const uint32_t types[2] = { VDA_CLIP_UTF8_TEXT, VDA_CLIP_IMAGE_PNG };
    uint8_t buf[128];
    struct vda_out o = { buf, sizeof buf, 0 };
    (void)state;
    assert_true(vda_put_grab(&o, VDA_SEL_CLIPBOARD, types, 2));
    assert_int_equal(o.len, sizeof grab);
    assert_memory_equal(buf, grab, sizeof grab);
    o.len = 0;
    assert_true(vda_put_caps(&o, 0x60, true));
    assert_int_equal(o.len, sizeof caps);
    assert_memory_equal(buf, caps, sizeof caps);
}

/* 5000 bytes of data: 5028 message bytes in chunks of 2040, 2040 and 948. */
static void clipboard_is_chunked_at_the_spice_limit(void **state)
{
    static uint8_t data[5000], out[6000], back[CAP * 2];
    struct vda_out o = { out, sizeof out, 0 };
    struct vda_parser p;
    struct vda_msg m;
    size_t used;
    (void)state;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i ^ (i >> 8));
    assert_true(vda_put_clipboard(&o, VDA_SEL_CLIPBOARD, VDA_CLIP_UTF8_TEXT, data, sizeof data));
    assert_int_equal(o.len, 5028 + 3 * 8);
    assert_int_equal(o.len, vda_framed_size(5008));
    assert_int_equal(out[4] | out[5] << 8, 2040);
    assert_int_equal(out[8 + 2040 + 4] | out[8 + 2040 + 5] << 8, 2040);
    assert_int_equal(out[2 * 2048 + 4] | out[2 * 2048 + 5] << 8, 948);
    assert_memory_equal(out + 8 + 20 + 8, data, 2040 - 28);   /* selection, type, then data */
    assert_memory_equal(out + 2048 + 8, data + 2040 - 28, 2040);
    vda_parser_init(&p, back, sizeof back);
    assert_int_equal(vda_parse(&p, out, o.len, &used, &m), VDA_MESSAGE);
    assert_int_equal(used, o.len);
    assert_int_equal(m.size, 5008);
    assert_memory_equal(m.body + 8, data, sizeof data);
}

static void message_that_does_not_fit_leaves_the_buffer_alone(void **state)
{
    uint8_t buf[64];
    struct vda_out o = { buf, sizeof buf, 30 };
    (void)state;
    memset(buf, 0x5A, sizeof buf);
    assert_false(vda_put_request(&o, VDA_SEL_CLIPBOARD, VDA_CLIP_UTF8_TEXT));  /* needs 36 */
    assert_int_equal(o.len, 30);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0x5A);
    o.len = 28;
    assert_true(vda_put_request(&o, VDA_SEL_CLIPBOARD, VDA_CLIP_UTF8_TEXT));
    assert_int_equal(o.len, 64);
    assert_true(vda_put_release(&(struct vda_out){ buf, 28, 0 }, VDA_SEL_NONE));
    assert_false(vda_put_release(&(struct vda_out){ buf, 27, 0 }, VDA_SEL_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_one_message_in_one_chunk),
        cmocka_unit_test(byte_by_byte_gives_the_same_message),
        cmocka_unit_test(reassembles_a_message_across_chunks),
        cmocka_unit_test(two_messages_in_one_chunk),
        cmocka_unit_test(oversized_message_is_skipped_and_the_stream_stays_in_step),
        cmocka_unit_test(body_exactly_at_the_limit_is_accepted),
        cmocka_unit_test(wrong_protocol_is_skipped),
        cmocka_unit_test(chunk_for_an_unknown_port_is_skipped),
        cmocka_unit_test(message_switching_port_midway_is_dropped),
        cmocka_unit_test(empty_body_message),
        cmocka_unit_test(caps_are_decoded_and_checked),
        cmocka_unit_test(grab_is_decoded_and_checked),
        cmocka_unit_test(request_data_release_are_checked),
        cmocka_unit_test(grab_type_lists_at_their_limit),
        cmocka_unit_test(grab_and_caps_bytes_match_the_wire_format),
        cmocka_unit_test(clipboard_is_chunked_at_the_spice_limit),
        cmocka_unit_test(message_that_does_not_fit_leaves_the_buffer_alone),
    };
    return cmocka_run_group_tests_name("vdagent", tests, NULL, NULL);
}
