/* vdagent.c — the agent chunk stream and message reassembly (no I/O, caller-owned buffer). */
#include "vdagent.h"

#include "base/bytes.h"
#include "base/util.h"

const char *vda_result_name(int result)
{
    switch (result) {
    case VDA_MESSAGE:       return "message";
    case VDA_NEED_MORE:     return "need more";
    case VDA_E_CHUNK_PORT:  return "chunk for an unknown port";
    case VDA_E_PORT_SWITCH: return "message continued on another port";
    case VDA_E_PROTOCOL:    return "unknown protocol version";
    case VDA_E_TOO_BIG:     return "message larger than the limit";
    case VDA_E_SHORT:       return "message body too short";
    case VDA_E_LENGTH:      return "message body length wrong for its type";
    case VDA_E_SELECTION:   return "unknown clipboard selection";
    case VDA_E_TYPES:       return "too many clipboard types";
    default:                return "unknown result";
    }
}

void vda_parser_init(struct vda_parser *p, uint8_t *buf, uint32_t cap)
{
    vgpu_zero(p, sizeof(*p));
    p->buf = buf;
    p->cap = cap;
}

static void reset_message(struct vda_parser *p)
{
    p->hdr_have = 0;
    p->body_size = p->body_have = 0;
    p->body_skip = false;
}

static bool in_message(const struct vda_parser *p)
{
    return p->hdr_have > 0;
}

/* A complete chunk header: judge the port; a message may not change ports half-way. */
static int start_chunk(struct vda_parser *p)
{
    p->chunk_port = get_le32(p->chunk);
    p->chunk_left = get_le32(p->chunk + 4);
    p->chunk_skip = false;
    if (p->chunk_port != VDA_PORT_CLIENT && p->chunk_port != VDA_PORT_SERVER) {
        p->chunk_skip = true;
        return VDA_E_CHUNK_PORT;
    }
    if (in_message(p) && p->chunk_port != p->msg_port && p->chunk_left > 0) {
        reset_message(p);
        return VDA_E_PORT_SWITCH;
    }
    return VDA_NEED_MORE;
}

/* A complete message header: the body is kept, or skipped when it is not one we can hold. */
static int start_body(struct vda_parser *p)
{
    p->body_size = get_le32(p->hdr + 16);
    p->body_have = 0;
    if (get_le32(p->hdr) != VDA_PROTOCOL) {
        p->body_skip = true;
        return VDA_E_PROTOCOL;
    }
    if (p->body_size > p->cap) {
        p->body_skip = true;
        return VDA_E_TOO_BIG;
    }
    return VDA_NEED_MORE;
}

static void fill_message(const struct vda_parser *p, struct vda_msg *out)
{
    out->port = p->msg_port;
    out->type = get_le32(p->hdr + 4);
    out->opaque = get_le64(p->hdr + 8);
    out->body = p->buf;
    out->size = p->body_size;
}

/* The message is whole: hand it out (or drop a skipped one) and get ready for the next. */
static int finish_message(struct vda_parser *p, struct vda_msg *out)
{
    bool skipped = p->body_skip;

    if (!skipped)
        fill_message(p, out);
    reset_message(p);
    return skipped ? VDA_NEED_MORE : VDA_MESSAGE;
}

/* Up to `n` payload bytes of the current chunk go into the current message. */
static int take_payload(struct vda_parser *p, const uint8_t *in, size_t n, size_t *took, struct vda_msg *out)
{
    size_t k;
    int rc;

    *took = 0;
    if (p->hdr_have < VDA_MSG_HDR) {
        if (p->hdr_have == 0)
            p->msg_port = p->chunk_port;
        k = VGPU_MIN(n, (size_t)(VDA_MSG_HDR - p->hdr_have));
        vgpu_copy(p->hdr + p->hdr_have, in, k);
        p->hdr_have += (uint32_t)k;
        *took = k;
        if (p->hdr_have < VDA_MSG_HDR)
            return VDA_NEED_MORE;
        if ((rc = start_body(p)) != VDA_NEED_MORE) {
            if (p->body_size == 0)
                reset_message(p);         /* nothing left to skip */
            return rc;
        }
    } else {
        k = VGPU_MIN(n, (size_t)(p->body_size - p->body_have));
        if (!p->body_skip)
            vgpu_copy(p->buf + p->body_have, in, k);
        p->body_have += (uint32_t)k;
        *took = k;
    }
    return p->body_have == p->body_size ? finish_message(p, out) : VDA_NEED_MORE;
}

/* One step: part of a chunk header, or payload; *took says how many bytes it used (>= 1). */
static int step(struct vda_parser *p, const uint8_t *in, size_t len, size_t *took, struct vda_msg *out)
{
    int rc;

    if (p->chunk_have < VDA_CHUNK_HDR) {
        size_t k = VGPU_MIN(len, (size_t)(VDA_CHUNK_HDR - p->chunk_have));
        vgpu_copy(p->chunk + p->chunk_have, in, k);
        p->chunk_have += (uint32_t)k;
        *took = k;
        if (p->chunk_have < VDA_CHUNK_HDR)
            return VDA_NEED_MORE;
        rc = start_chunk(p);
    } else if (p->chunk_skip) {
        *took = VGPU_MIN(len, (size_t)p->chunk_left);
        rc = VDA_NEED_MORE;
    } else {
        rc = take_payload(p, in, VGPU_MIN(len, (size_t)p->chunk_left), took, out);
    }
    return rc;
}

int vda_parse(struct vda_parser *p, const uint8_t *in, size_t len, size_t *used, struct vda_msg *out)
{
    size_t done = 0;
    int rc = VDA_NEED_MORE;

    while (done < len && rc == VDA_NEED_MORE) {
        bool payload = p->chunk_have == VDA_CHUNK_HDR;
        size_t took = 0;
        rc = step(p, in + done, len - done, &took, out);
        done += took;
        if (payload)
            p->chunk_left -= (uint32_t)took;
        if (p->chunk_have == VDA_CHUNK_HDR && p->chunk_left == 0)
            p->chunk_have = 0;            /* chunk done (or empty): a header comes next */
    }
    *used = done;
    return rc;
}
