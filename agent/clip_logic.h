/*
 * clip_logic.h — the clipboard agent's policy between the host (vdagent messages on the
 * com.redhat.spice.0 port) and a local pasteboard: what to send when, and how a change that came
 * from one side is kept from bouncing back.  Portable C without I/O or allocation: bytes from the
 * port go in (clip_feed), bytes for the port come out (clip_output), the pasteboard is reached
 * through `struct clip_board`, and the caller owns every buffer.  Used by the macOS user agent
 * (agent/macos/clipboard.c) and by the bare-metal test guest (guest/cmdclip.c).
 *
 * Policy:
 *  - Capabilities: CLIPBOARD_BY_DEMAND and CLIPBOARD_SELECTION (what QEMU's qemu-vdagent
 *    needs); announced at connect with "request" set, and again when the host asks.
 *  - Host grabs: request the best type at once (UTF-8 text, else PNG) and write the answer to the
 *    pasteboard (text without trailing NULs: VNC clients that follow the extended-clipboard spec
 *    NUL-terminate, and QEMU passes the bytes through).  The pasteboard's change count after that write is remembered, so our own write
 *    is never announced back to the host as a local change.
 *  - Local changes (clip_poll_board): grab with the types the pasteboard holds; an emptied
 *    pasteboard we had announced is released.  A local change after a host grab wins: the host's
 *    late answer is ignored.  Changes made before connect are not announced.
 *  - Host requests are answered with what the pasteboard holds now (empty data when it holds
 *    nothing of that type, so the host never waits for an answer that will not come).
 *  - Only the CLIPBOARD selection is served; PRIMARY/SECONDARY messages are ignored.
 */
#ifndef CLIP_LOGIC_H
#define CLIP_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../agent/vdagent.h"

enum clip_kind { CLIP_TEXT = 0, CLIP_PNG = 1, CLIP_KINDS = 2 };

struct clip_board {
    void *ctx;
    /* A number that changes whenever the pasteboard's contents change (anyone's write). */
    uint64_t (*change_count)(void *ctx);
    /* The item of `kind`: *len = its full size, min(cap, size) bytes copied; false when absent. */
    bool (*read)(void *ctx, enum clip_kind kind, uint8_t *buf, size_t cap, size_t *len);
    /* Replace the pasteboard's contents with one item of `kind`; false when that failed. */
    bool (*write)(void *ctx, enum clip_kind kind, const uint8_t *data, size_t len);
};

/* The caller's buffers.  `msg` holds one incoming message body (its size is the limit on what
 * the host may send); `item` one pasteboard item to send; `out` the bytes waiting for the port,
 * at least vda_framed_size(item_cap + 8) plus room for a few small messages. */
struct clip_mem {
    uint8_t *msg;  uint32_t msg_cap;
    uint8_t *item; uint32_t item_cap;
    uint8_t *out;  size_t out_cap;
};

struct clip_stats {
    uint64_t rx_msgs, tx_msgs;
    uint64_t errors;              /* malformed input from the host (last_error names the latest) */
    int      last_error;          /* enum vda_result, 0 when none */
    uint64_t ignored;             /* well-formed messages with nothing to do */
    uint64_t dropped;             /* outgoing messages that did not fit the output buffer */
    uint64_t host_grabs, host_requests, host_data, host_releases;
    uint64_t local_grabs, local_releases, answers;   /* answers: data sent for host requests */
    uint64_t board_writes;        /* host data written to the pasteboard */
    bool     caps_known;
    uint32_t host_caps;
};

struct clip_agent {
    struct clip_board board;
    struct clip_mem mem;
    struct vda_parser parser;
    struct vda_out out;
    size_t   out_sent;            /* bytes of `out` already taken by the caller */
    bool     selection;           /* both sides announced CLIPBOARD_SELECTION */
    bool     we_own;              /* we announced the local contents and nothing replaced them */
    bool     grab_due;            /* a local change waits for the host's capabilities */
    uint32_t pending_type;        /* the type we asked the host for, VDA_CLIP_NONE otherwise */
    uint64_t seen_count;          /* pasteboard change count already dealt with */
    struct clip_stats stats;
};

#define CLIP_OUR_CAPS ((1u << VDA_CAP_CLIPBOARD_BY_DEMAND) | (1u << VDA_CAP_CLIPBOARD_SELECTION))

void clip_init(struct clip_agent *a, const struct clip_board *board, const struct clip_mem *mem);
/* The port is (again) connected to a host: forget the old host, announce our capabilities. */
void clip_connect(struct clip_agent *a);
/* Bytes that came from the host, in any pieces. */
void clip_feed(struct clip_agent *a, const uint8_t *bytes, size_t n);
/* Look at the pasteboard; announce or release after a local change. */
void clip_poll_board(struct clip_agent *a);
/* Bytes waiting for the port (NULL/0 when none); the caller reports how many it wrote. */
const uint8_t *clip_output(const struct clip_agent *a, size_t *len);
void clip_output_sent(struct clip_agent *a, size_t n);

#endif /* CLIP_LOGIC_H */
