/*
 * vdagent.h — the SPICE agent protocol (numbers from spice-protocol's vd_agent.h) as far as
 * clipboard sharing needs it: the chunk stream, message reassembly with a size limit, checked
 * decoding of capability and clipboard messages, and encoders.  No I/O and no allocation: the
 * caller owns every buffer.  All fields are little-endian on the wire.
 *
 * The byte stream on the port is a sequence of chunks (le32 port, le32 size, payload); the
 * chunk payloads of one port form a stream of messages (le32 protocol, le32 type, le64 opaque,
 * le32 size, body).  A message may span chunks and a chunk may end mid-message; senders
 * (QEMU, spice-server) start each message in a new chunk, which this parser does not require.
 */
#ifndef VDAGENT_H
#define VDAGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDA_CHUNK_HDR      8u
#define VDA_MSG_HDR        20u
#define VDA_PROTOCOL       1u
#define VDA_PORT_CLIENT    1u       /* VDP_CLIENT_PORT: messages to and from the client/host */
#define VDA_PORT_SERVER    2u       /* VDP_SERVER_PORT */
#define VDA_MAX_DATA       2048u    /* VD_AGENT_MAX_DATA_SIZE: a whole chunk, header included */
#define VDA_CHUNK_PAYLOAD  (VDA_MAX_DATA - VDA_CHUNK_HDR)
#define VDA_GRAB_TYPES_MAX 16u      /* more types in one grab is malformed */

enum vda_msg_type {
    VDA_MOUSE_STATE = 1,
    VDA_MONITORS_CONFIG = 2,
    VDA_REPLY = 3,
    VDA_CLIPBOARD = 4,
    VDA_DISPLAY_CONFIG = 5,
    VDA_ANNOUNCE_CAPABILITIES = 6,
    VDA_CLIPBOARD_GRAB = 7,
    VDA_CLIPBOARD_REQUEST = 8,
    VDA_CLIPBOARD_RELEASE = 9,
    VDA_CLIENT_DISCONNECTED = 13,
    VDA_MAX_CLIPBOARD = 14,
};

enum vda_cap {
    VDA_CAP_MOUSE_STATE = 0,
    VDA_CAP_CLIPBOARD = 3,
    VDA_CAP_CLIPBOARD_BY_DEMAND = 5,
    VDA_CAP_CLIPBOARD_SELECTION = 6,
    VDA_CAP_MAX_CLIPBOARD = 10,
    VDA_CAP_CLIPBOARD_NO_RELEASE_ON_REGRAB = 16,
    VDA_CAP_CLIPBOARD_GRAB_SERIAL = 17,
};

enum vda_clip_type {
    VDA_CLIP_NONE = 0,
    VDA_CLIP_UTF8_TEXT = 1,
    VDA_CLIP_IMAGE_PNG = 2,
    VDA_CLIP_IMAGE_BMP = 3,
    VDA_CLIP_IMAGE_TIFF = 4,
    VDA_CLIP_IMAGE_JPG = 5,
    VDA_CLIP_FILE_LIST = 6,
};

enum vda_selection {
    VDA_SEL_CLIPBOARD = 0,
    VDA_SEL_PRIMARY = 1,
    VDA_SEL_SECONDARY = 2,
};
#define VDA_SEL_NONE (-1)           /* encoders: no selection header (not negotiated) */

/* Parser and decoder results: one message, more input needed, or a named error. */
enum vda_result {
    VDA_MESSAGE = 1,
    VDA_NEED_MORE = 0,
    VDA_E_CHUNK_PORT = -1,          /* chunk for a port other than client/server: skipped */
    VDA_E_PORT_SWITCH = -2,         /* a message went on in another port's chunk: dropped */
    VDA_E_PROTOCOL = -3,            /* protocol field is not 1: message skipped */
    VDA_E_TOO_BIG = -4,             /* message larger than the reassembly buffer: skipped */
    VDA_E_SHORT = -5,               /* body too short for its type */
    VDA_E_LENGTH = -6,              /* body length does not fit its type */
    VDA_E_SELECTION = -7,           /* unknown selection */
    VDA_E_TYPES = -8,               /* grab with more than VDA_GRAB_TYPES_MAX types */
};
const char *vda_result_name(int result);

/* ---- stream parser ---- */
struct vda_parser {
    uint8_t *buf;                   /* caller's reassembly buffer: message bodies up to `cap` */
    uint32_t cap;
    uint8_t  chunk[VDA_CHUNK_HDR];  /* header of the chunk being read */
    uint32_t chunk_have;            /* its bytes seen (8: payload follows) */
    uint32_t chunk_left;            /* payload bytes still to come in this chunk */
    uint32_t chunk_port;
    bool     chunk_skip;            /* this chunk's payload is discarded */
    uint8_t  hdr[VDA_MSG_HDR];      /* header of the message being read */
    uint32_t hdr_have;
    uint32_t msg_port;              /* the port the current message started on */
    uint32_t body_size, body_have;
    bool     body_skip;             /* the current message is discarded */
};

struct vda_msg {
    uint32_t port;
    uint32_t type;
    uint64_t opaque;
    const uint8_t *body;            /* valid until the next vda_parse call */
    uint32_t size;
};

void vda_parser_init(struct vda_parser *p, uint8_t *buf, uint32_t cap);
/*
 * Consume up to `len` bytes (*used says how many).  VDA_MESSAGE: *out holds a whole message;
 * VDA_NEED_MORE: all input was taken; an error: the stream stays in step (the bad chunk or
 * message is skipped), call again with the rest.
 */
int vda_parse(struct vda_parser *p, const uint8_t *in, size_t len, size_t *used, struct vda_msg *out);

/* ---- message decoding ---- */
struct vda_caps {
    bool     request;               /* the sender wants our capabilities back */
    uint32_t bits;                  /* first capability word (every cap used here is < 32) */
};
int vda_decode_caps(const struct vda_msg *m, struct vda_caps *out);

struct vda_clip {
    uint8_t  selection;             /* VDA_SEL_CLIPBOARD when selections are not negotiated */
    uint32_t type;                  /* REQUEST and CLIPBOARD */
    uint32_t ntypes;                /* GRAB */
    uint32_t types[VDA_GRAB_TYPES_MAX];
    const uint8_t *data;            /* CLIPBOARD */
    uint32_t len;
};
/* GRAB, REQUEST, CLIPBOARD or RELEASE; `with_selection` when both sides announced SELECTION. */
int vda_decode_clip(const struct vda_msg *m, bool with_selection, struct vda_clip *out);

/* ---- encoding: whole messages, chunked, appended to a caller buffer ---- */
struct vda_out {
    uint8_t *buf;
    size_t   cap;
    size_t   len;
};
/* Bytes a message with a `body_len`-byte body takes on the wire, chunk headers included. */
size_t vda_framed_size(uint32_t body_len);
/* Each returns false, leaving the buffer unchanged, when the message does not fit. */
bool vda_put_caps(struct vda_out *o, uint32_t bits, bool request);
bool vda_put_grab(struct vda_out *o, int selection, const uint32_t *types, uint32_t ntypes);
bool vda_put_request(struct vda_out *o, int selection, uint32_t type);
bool vda_put_clipboard(struct vda_out *o, int selection, uint32_t type, const uint8_t *data, uint32_t len);
bool vda_put_release(struct vda_out *o, int selection);

#endif /* VDAGENT_H */
