/* vdagent_codec.c — checked decoding of agent messages, and encoders that chunk as they write. */
#include "vdagent.h"

#include "base/bytes.h"
#include "base/util.h"

#define SEL_HDR   4u      /* u8 selection, 3 reserved bytes */
#define CAPS_MIN  8u      /* le32 request, at least one capability word */

/* ---- decoding ---- */

int vda_decode_caps(const struct vda_msg *m, struct vda_caps *out)
{
    vgpu_zero(out, sizeof(*out));
    if (m->size < CAPS_MIN)
        return VDA_E_SHORT;
    if (m->size % 4u != 0)
        return VDA_E_LENGTH;
    out->request = get_le32(m->body) != 0;
    out->bits = get_le32(m->body + 4);
    return VDA_MESSAGE;
}

static int decode_grab(const uint8_t *b, uint32_t n, struct vda_clip *out)
{
    uint32_t i;

    if (n % 4u != 0)
        return VDA_E_LENGTH;
    if (n / 4u > VDA_GRAB_TYPES_MAX)
        return VDA_E_TYPES;
    out->ntypes = n / 4u;
    for (i = 0; i < out->ntypes; i++)
        out->types[i] = get_le32(b + 4u * i);
    return VDA_MESSAGE;
}

static int decode_body(uint32_t type, const uint8_t *b, uint32_t n, struct vda_clip *out)
{
    switch (type) {
    case VDA_CLIPBOARD_GRAB:
        return decode_grab(b, n, out);
    case VDA_CLIPBOARD_REQUEST:
        if (n < 4u)
            return VDA_E_SHORT;
        out->type = get_le32(b);
        return n == 4u ? VDA_MESSAGE : VDA_E_LENGTH;
    case VDA_CLIPBOARD:
        if (n < 4u)
            return VDA_E_SHORT;
        out->type = get_le32(b);
        out->data = b + 4;
        out->len = n - 4u;
        return VDA_MESSAGE;
    case VDA_CLIPBOARD_RELEASE:
        return n == 0 ? VDA_MESSAGE : VDA_E_LENGTH;
    default:
        return VDA_E_LENGTH;      /* not a clipboard message: the caller's mistake */
    }
}

int vda_decode_clip(const struct vda_msg *m, bool with_selection, struct vda_clip *out)
{
    const uint8_t *b = m->body;
    uint32_t n = m->size;
    int rc;

    vgpu_zero(out, sizeof(*out));
    out->selection = VDA_SEL_CLIPBOARD;
    if (with_selection) {
        if (n < SEL_HDR)
            return VDA_E_SHORT;
        if (b[0] > VDA_SEL_SECONDARY)
            return VDA_E_SELECTION;
        out->selection = b[0];
        b += SEL_HDR;
        n -= SEL_HDR;
    }
    rc = decode_body(m->type, b, n, out);
    if (rc != VDA_MESSAGE) {
        vgpu_zero(out, sizeof(*out));
        out->selection = VDA_SEL_CLIPBOARD;
    }
    return rc;
}

/* ---- encoding ---- */

size_t vda_framed_size(uint32_t body_len)
{
    size_t msg = (size_t)VDA_MSG_HDR + body_len;
    return msg + VDA_CHUNK_HDR * ((msg + VDA_CHUNK_PAYLOAD - 1u) / VDA_CHUNK_PAYLOAD);
}

/* Writes one message's bytes, starting a chunk header every VDA_CHUNK_PAYLOAD bytes. */
struct framer {
    struct vda_out *o;
    uint32_t msg_left;       /* message bytes (header + body) still to write */
    uint32_t chunk_left;     /* room left in the current chunk */
};

static void put_bytes(struct framer *f, const uint8_t *src, uint32_t n)
{
    while (n > 0) {
        uint32_t k;
        if (f->chunk_left == 0) {
            f->chunk_left = VGPU_MIN(f->msg_left, VDA_CHUNK_PAYLOAD);
            put_le32(f->o->buf + f->o->len, VDA_PORT_CLIENT);
            put_le32(f->o->buf + f->o->len + 4, f->chunk_left);
            f->o->len += VDA_CHUNK_HDR;
        }
        k = VGPU_MIN(n, f->chunk_left);
        vgpu_copy(f->o->buf + f->o->len, src, k);
        f->o->len += k;
        src += k;
        n -= k;
        f->chunk_left -= k;
        f->msg_left -= k;
    }
}

static void put_word(struct framer *f, uint32_t v)
{
    uint8_t b[4];
    put_le32(b, v);
    put_bytes(f, b, 4);
}

/* Reserve room and write the message header; false when the message would not fit. */
static bool begin(struct vda_out *o, struct framer *f, uint32_t type, uint32_t body_len)
{
    uint8_t hdr[VDA_MSG_HDR];

    if (body_len > UINT32_MAX - VDA_MSG_HDR || o->len > o->cap || vda_framed_size(body_len) > o->cap - o->len)
        return false;
    f->o = o;
    f->msg_left = VDA_MSG_HDR + body_len;
    f->chunk_left = 0;
    put_le32(hdr, VDA_PROTOCOL);
    put_le32(hdr + 4, type);
    put_le64(hdr + 8, 0);
    put_le32(hdr + 16, body_len);
    put_bytes(f, hdr, sizeof hdr);
    return true;
}

static uint32_t sel_len(int selection)
{
    return selection == VDA_SEL_NONE ? 0u : SEL_HDR;
}

static void put_selection(struct framer *f, int selection)
{
    if (selection != VDA_SEL_NONE)
        put_word(f, (uint32_t)(selection & 0xff));   /* selection byte, reserved bytes zero */
}

bool vda_put_caps(struct vda_out *o, uint32_t bits, bool request)
{
    struct framer f;

    if (!begin(o, &f, VDA_ANNOUNCE_CAPABILITIES, CAPS_MIN))
        return false;
    put_word(&f, request ? 1u : 0u);
    put_word(&f, bits);
    return true;
}

bool vda_put_grab(struct vda_out *o, int selection, const uint32_t *types, uint32_t ntypes)
{
    struct framer f;
    uint32_t i;

    if (ntypes > VDA_GRAB_TYPES_MAX || !begin(o, &f, VDA_CLIPBOARD_GRAB, sel_len(selection) + 4u * ntypes))
        return false;
    put_selection(&f, selection);
    for (i = 0; i < ntypes; i++)
        put_word(&f, types[i]);
    return true;
}

bool vda_put_request(struct vda_out *o, int selection, uint32_t type)
{
    struct framer f;

    if (!begin(o, &f, VDA_CLIPBOARD_REQUEST, sel_len(selection) + 4u))
        return false;
    put_selection(&f, selection);
    put_word(&f, type);
    return true;
}

bool vda_put_clipboard(struct vda_out *o, int selection, uint32_t type, const uint8_t *data, uint32_t len)
{
    struct framer f;

    if (len > UINT32_MAX - 8u - VDA_MSG_HDR || !begin(o, &f, VDA_CLIPBOARD, sel_len(selection) + 4u + len))
        return false;
    put_selection(&f, selection);
    put_word(&f, type);
    put_bytes(&f, data, len);
    return true;
}

bool vda_put_release(struct vda_out *o, int selection)
{
    struct framer f;

    if (!begin(o, &f, VDA_CLIPBOARD_RELEASE, sel_len(selection)))
        return false;
    put_selection(&f, selection);
    return true;
}
