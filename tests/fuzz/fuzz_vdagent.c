/*
 * fuzz_vdagent.c — libFuzzer target for the agent protocol module (agent/vdagent.h): the chunk
 * stream parser fed in arbitrary pieces, the message decoders, and the encoders as an oracle.
 * Beyond "no crash": the parser consumes every byte it is given (or stops at a result), hands out
 * bodies no larger than its buffer, and a decoded clipboard message encoded again and parsed back
 * decodes to the same fields.
 * Input: byte 0 = piece size - 1 (1..256), byte 1 bit 0 = small buffer (64 bytes, else 64 KiB),
 * bit 1 = selection headers; the rest is the host's byte stream.
 *   make fuzz-build && build/fuzz/fuzz_vdagent -max_total_time=60 tests/fuzz/corpus/vdagent
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../agent/vdagent.h"

#define BIG_CAP   65536u
#define SMALL_CAP 64u
#define OUT_CAP   (BIG_CAP + 4096u)

static uint8_t msgbuf[BIG_CAP], outbuf[OUT_CAP], backbuf[BIG_CAP];

static void check(int cond)
{
    if (!cond)
        abort();
}

static int reencode(const struct vda_msg *m, const struct vda_clip *c, int sel, struct vda_out *o)
{
    switch (m->type) {
    case VDA_CLIPBOARD_GRAB:    return vda_put_grab(o, sel, c->types, c->ntypes);
    case VDA_CLIPBOARD_REQUEST: return vda_put_request(o, sel, c->type);
    case VDA_CLIPBOARD:         return vda_put_clipboard(o, sel, c->type, c->data, c->len);
    default:                    return vda_put_release(o, sel);
    }
}

/* Encode what was decoded, parse and decode it again: the same fields must come back. */
static void round_trip(const struct vda_msg *m, const struct vda_clip *c, int with_sel)
{
    struct vda_out o = { outbuf, sizeof outbuf, 0 };
    struct vda_parser p;
    struct vda_msg back;
    struct vda_clip c2;
    size_t used;
    int sel = with_sel ? (int)c->selection : VDA_SEL_NONE;

    check(reencode(m, c, sel, &o));
    check(o.len == vda_framed_size(m->size));
    vda_parser_init(&p, backbuf, sizeof backbuf);
    check(vda_parse(&p, outbuf, o.len, &used, &back) == VDA_MESSAGE && used == o.len);
    check(back.type == m->type && back.size == m->size);
    check(vda_decode_clip(&back, with_sel, &c2) == VDA_MESSAGE);
    check(c2.selection == c->selection && c2.type == c->type && c2.ntypes == c->ntypes && c2.len == c->len);
    check(memcmp(c2.types, c->types, sizeof c->types) == 0);
    check(c->len == 0 || memcmp(c2.data, c->data, c->len) == 0);
}

static void decode(const struct vda_msg *m, uint32_t cap, int with_sel)
{
    struct vda_caps caps;
    struct vda_clip c;
    int rc;

    check(m->size <= cap && m->body == msgbuf);
    if (m->type == VDA_ANNOUNCE_CAPABILITIES) {
        rc = vda_decode_caps(m, &caps);
        check(rc == VDA_MESSAGE || (rc < 0 && caps.bits == 0 && !caps.request));
        return;
    }
    if (m->type != VDA_CLIPBOARD && (m->type < VDA_CLIPBOARD_GRAB || m->type > VDA_CLIPBOARD_RELEASE))
        return;
    rc = vda_decode_clip(m, with_sel, &c);
    if (rc != VDA_MESSAGE) {
        check(rc < 0 && c.ntypes == 0 && c.len == 0 && c.data == NULL);
        return;
    }
    check(c.ntypes <= VDA_GRAB_TYPES_MAX && c.selection <= VDA_SEL_SECONDARY);
    check(c.data == NULL || (c.data >= m->body && c.data + c.len <= m->body + m->size));
    round_trip(m, &c, with_sel);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vda_parser p;
    size_t piece, off = 2;
    uint32_t cap;
    int with_sel;

    if (size < 2)
        return 0;
    piece = (size_t)data[0] + 1;
    cap = (data[1] & 1) ? SMALL_CAP : BIG_CAP;
    with_sel = (data[1] >> 1) & 1;
    vda_parser_init(&p, msgbuf, cap);
    while (off < size) {
        size_t n = size - off < piece ? size - off : piece;
        while (n > 0) {
            struct vda_msg m;
            size_t used = 0;
            int rc = vda_parse(&p, data + off, n, &used, &m);
            check(used <= n && (used > 0 || rc != VDA_NEED_MORE));
            check(rc == VDA_NEED_MORE ? used == n : 1);
            off += used;
            n -= used;
            if (rc == VDA_MESSAGE)
                decode(&m, cap, with_sel);
            else
                check(rc <= VDA_NEED_MORE && rc >= VDA_E_TYPES);
        }
    }
    return 0;
}
