/* clip_logic.c — the clipboard agent's policy (see clip_logic.h). */
#include "clip_logic.h"

#include "../core/base/util.h"

static const uint32_t kind_type[CLIP_KINDS] = { VDA_CLIP_UTF8_TEXT, VDA_CLIP_IMAGE_PNG };

static bool kind_of(uint32_t type, enum clip_kind *kind)
{
    for (int k = 0; k < CLIP_KINDS; k++) {
        if (kind_type[k] == type) {
            *kind = (enum clip_kind)k;
            return true;
        }
    }
    return false;
}

void clip_init(struct clip_agent *a, const struct clip_board *board, const struct clip_mem *mem)
{
    vgpu_zero(a, sizeof(*a));
    a->board = *board;
    a->mem = *mem;
    a->out = (struct vda_out){ mem->out, mem->out_cap, 0 };
    vda_parser_init(&a->parser, mem->msg, mem->msg_cap);
}

/* ---- output ---- */

const uint8_t *clip_output(const struct clip_agent *a, size_t *len)
{
    *len = a->out.len - a->out_sent;
    return *len ? a->out.buf + a->out_sent : NULL;
}

void clip_output_sent(struct clip_agent *a, size_t n)
{
    a->out_sent += VGPU_MIN(n, a->out.len - a->out_sent);
    if (a->out_sent == a->out.len)
        a->out.len = a->out_sent = 0;
}

/* Count what went out or could not; a full buffer drops the message, never half of it. */
static void sent(struct clip_agent *a, bool fitted)
{
    if (fitted)
        a->stats.tx_msgs++;
    else
        a->stats.dropped++;
}

static int sel(const struct clip_agent *a)
{
    return a->selection ? VDA_SEL_CLIPBOARD : VDA_SEL_NONE;
}

/* ---- connection and capabilities ---- */

void clip_connect(struct clip_agent *a)
{
    vda_parser_init(&a->parser, a->mem.msg, a->mem.msg_cap);
    a->out.len = a->out_sent = 0;
    a->selection = a->we_own = a->grab_due = false;
    a->pending_type = VDA_CLIP_NONE;
    a->seen_count = a->board.change_count(a->board.ctx);
    a->stats.caps_known = false;
    a->stats.host_caps = 0;
    sent(a, vda_put_caps(&a->out, CLIP_OUR_CAPS, true));
}

static void announce_board(struct clip_agent *a);

static void on_caps(struct clip_agent *a, const struct vda_msg *m)
{
    struct vda_caps caps;
    int rc = vda_decode_caps(m, &caps);

    if (rc != VDA_MESSAGE) {
        a->stats.errors++;
        a->stats.last_error = rc;
        return;
    }
    a->stats.caps_known = true;
    a->stats.host_caps = caps.bits;
    a->selection = (caps.bits >> VDA_CAP_CLIPBOARD_SELECTION) & 1u;
    if (caps.request)
        sent(a, vda_put_caps(&a->out, CLIP_OUR_CAPS, false));
    if (a->grab_due)
        announce_board(a);
}

/* ---- local pasteboard ---- */

static uint32_t board_types(const struct clip_agent *a, uint32_t types[CLIP_KINDS])
{
    uint32_t n = 0;
    size_t len;

    for (int k = 0; k < CLIP_KINDS; k++)
        if (a->board.read(a->board.ctx, (enum clip_kind)k, NULL, 0, &len))
            types[n++] = kind_type[k];
    return n;
}

static void announce_board(struct clip_agent *a)
{
    uint32_t types[CLIP_KINDS];
    uint32_t n = board_types(a, types);

    a->grab_due = false;
    if (n > 0) {
        sent(a, vda_put_grab(&a->out, sel(a), types, n));
        a->we_own = true;
        a->pending_type = VDA_CLIP_NONE;     /* the local copy is newer than what we asked for */
        a->stats.local_grabs++;
    } else if (a->we_own) {
        sent(a, vda_put_release(&a->out, sel(a)));
        a->we_own = false;
        a->stats.local_releases++;
    }
}

void clip_poll_board(struct clip_agent *a)
{
    uint64_t count = a->board.change_count(a->board.ctx);

    if (count == a->seen_count)
        return;
    a->seen_count = count;
    if (!a->stats.caps_known)
        a->grab_due = true;                  /* the selection header depends on the host's caps */
    else
        announce_board(a);
}

/* ---- host clipboard messages ---- */

static void on_grab(struct clip_agent *a, const struct vda_clip *c)
{
    a->stats.host_grabs++;
    a->we_own = a->grab_due = false;
    a->pending_type = VDA_CLIP_NONE;
    for (int k = 0; k < CLIP_KINDS && a->pending_type == VDA_CLIP_NONE; k++)
        for (uint32_t i = 0; i < c->ntypes; i++)
            if (c->types[i] == kind_type[k])
                a->pending_type = kind_type[k];
    if (a->pending_type != VDA_CLIP_NONE)
        sent(a, vda_put_request(&a->out, sel(a), a->pending_type));
}

static void on_data(struct clip_agent *a, const struct vda_clip *c)
{
    enum clip_kind kind;
    uint32_t len = c->len;

    a->stats.host_data++;
    if (c->type != a->pending_type || !kind_of(c->type, &kind)) {
        a->stats.ignored++;                  /* unasked, or overtaken by a local change */
        return;
    }
    a->pending_type = VDA_CLIP_NONE;
    while (kind == CLIP_TEXT && len > 0 && c->data[len - 1] == '\0')
        len--;                               /* VNC clients NUL-terminate; QEMU passes it on */
    if (len == 0)
        return;                              /* the host had nothing after all */
    if (a->board.write(a->board.ctx, kind, c->data, len))
        a->stats.board_writes++;
    a->seen_count = a->board.change_count(a->board.ctx);   /* our write is not a local change */
}

static void on_request(struct clip_agent *a, const struct vda_clip *c)
{
    enum clip_kind kind;
    size_t len = 0;
    bool have;

    a->stats.host_requests++;
    have = kind_of(c->type, &kind) &&
           a->board.read(a->board.ctx, kind, a->mem.item, a->mem.item_cap, &len);
    if (have && len > a->mem.item_cap) {
        a->stats.dropped++;                  /* larger than we can send: answer empty */
        have = false;
    }
    sent(a, vda_put_clipboard(&a->out, sel(a), c->type, a->mem.item, have ? (uint32_t)len : 0));
    a->stats.answers++;
}

static void on_clip(struct clip_agent *a, const struct vda_msg *m)
{
    struct vda_clip c;
    int rc = vda_decode_clip(m, a->selection, &c);

    if (rc != VDA_MESSAGE) {
        a->stats.errors++;
        a->stats.last_error = rc;
        return;
    }
    if (c.selection != VDA_SEL_CLIPBOARD) {
        a->stats.ignored++;
        return;
    }
    switch (m->type) {
    case VDA_CLIPBOARD_GRAB:    on_grab(a, &c); break;
    case VDA_CLIPBOARD:         on_data(a, &c); break;
    case VDA_CLIPBOARD_REQUEST: on_request(a, &c); break;
    default:                    /* RELEASE: nothing more to ask for */
        a->stats.host_releases++;
        a->pending_type = VDA_CLIP_NONE;
        break;
    }
}

static void on_message(struct clip_agent *a, const struct vda_msg *m)
{
    a->stats.rx_msgs++;
    switch (m->type) {
    case VDA_ANNOUNCE_CAPABILITIES:
        on_caps(a, m);
        break;
    case VDA_CLIPBOARD_GRAB:
    case VDA_CLIPBOARD_REQUEST:
    case VDA_CLIPBOARD:
    case VDA_CLIPBOARD_RELEASE:
        on_clip(a, m);
        break;
    default:
        a->stats.ignored++;                  /* mouse, monitors, file transfer: not ours */
        break;
    }
}

void clip_feed(struct clip_agent *a, const uint8_t *bytes, size_t n)
{
    while (n > 0) {
        struct vda_msg m;
        size_t used = 0;
        int rc = vda_parse(&a->parser, bytes, n, &used, &m);
        bytes += used;
        n -= used;
        if (rc == VDA_MESSAGE) {
            on_message(a, &m);
        } else if (rc < 0) {
            a->stats.errors++;
            a->stats.last_error = rc;
        }
    }
}
