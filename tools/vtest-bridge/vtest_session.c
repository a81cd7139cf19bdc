/*
 * vtest_session.c — a vtest server for one program.  Resources get a memfd the program maps
 * (protocol 2); a transfer carries the span of it that Mesa names (offset, data_size) to the
 * guest's mirror of that memory or back, and the guest's transfer uses stride 0 as virglrenderer's
 * vtest server does.  Everything else is forwarded as it is.
 */
#define _GNU_SOURCE
#include "vtest_session.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest_link.h"
#include "host_writes.h"
#include "vtest_proto.h"

#define MAX_HANDLES 4096u          /* the core's resource ids */

#define SYNC_CHUNK  4096u
#define SYNC_MAX_RUN (4u << 20)   /* bytes in one VTL_WRITE: well under VTL_MAX_PAYLOAD */
#define VIRGL_BIND_QUERY_BUFFER (1u << 15)
#define VIRGL_BIND_CUSTOM       (1u << 17)

#define QUERY_BINDS (VIRGL_BIND_CUSTOM | VIRGL_BIND_QUERY_BUFFER)   /* where Mesa keeps query results */

struct shm {
    uint8_t *map;                 /* the program's view */
    uint8_t *shadow;              /* what the guest's copy holds */
    uint32_t size, bind;
    bool host_wrote;              /* the stream made the host write it: read back before the program looks */
};

/* What a step returns: go on, the guest link is lost (the bridge stops), the program is gone or
 * asked for something impossible (its session ends, the guest releases what it held). */
enum { STEP_OK = 0, LINK_LOST = -1, PROGRAM_GONE = -2 };

struct session {
    struct bridge *b;
    int fd;
    uint32_t version;
    struct shm res[MAX_HANDLES];
    char name[64];
};

static int reply_words(int fd, uint32_t cmd, const uint32_t *w, uint32_t n)
{
    uint32_t h[2] = { n, cmd };
    return write_full(fd, h, sizeof h) || (n && write_full(fd, w, n * 4u)) ? PROGRAM_GONE : STEP_OK;
}

/* GET_CAPS / GET_CAPS2: the header's length is the capset's bytes + 1, as virglrenderer sends it. */
static int reply_caps(int fd, uint32_t cmd, const uint8_t *caps, uint32_t len)
{
    uint32_t h[2] = { len + 1u, cmd };
    return write_full(fd, h, sizeof h) || write_full(fd, caps, len) ? PROGRAM_GONE : STEP_OK;
}

static int send_fd(int sock, int fd)
{
    char byte = 'v';
    struct iovec iov = { &byte, 1 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? STEP_OK : PROGRAM_GONE;
}

/* A guest refusal is the program's problem (it gets GL errors later), a lost link is ours. */
static int guest_call(struct session *s, uint32_t op, const void *a, size_t alen, const void *b, size_t blen,
                      void *out, size_t max)
{
    int32_t st;
    if (link_call(s->b->guest, op, a, alen, b, blen, &st, out, max, NULL))
        return LINK_LOST;
    if (s->b->trace) {
        fprintf(s->b->log, "op %u a=%zu b=%zu out=%zu status %d:", op, alen, blen, max, st);
        for (size_t i = 0; op != VTL_SUBMIT && i < alen / 4; i++)
            fprintf(s->b->log, " %u", ((const uint32_t *)a)[i]);
        fprintf(s->b->log, "\n");
    }
    if (st != 0 && s->b->log)
        fprintf(s->b->log, "program %s: op %u refused: status %d\n", s->name, op, st);
    return 0;
}

static void forget(struct shm *r)
{
    if (r->map)
        munmap(r->map, r->size);
    free(r->shadow);
    *r = (struct shm){ 0 };
}

static int resource_create2(struct session *s, const uint32_t *w)
{
    struct vtl_res_create c = { w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10] };
    if (c.handle == 0 || c.handle >= MAX_HANDLES || s->res[c.handle].map)
        return PROGRAM_GONE;   /* Mesa counts handles up from 1 and never reuses one */
    int mfd = -1;
    if (c.size) {
        if ((mfd = memfd_create("vtest-res", MFD_CLOEXEC)) < 0 || ftruncate(mfd, c.size) < 0) {
            if (mfd >= 0)
                close(mfd);
            return PROGRAM_GONE;
        }
        s->res[c.handle].map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
        if (s->res[c.handle].map == MAP_FAILED) {
            s->res[c.handle].map = NULL;
            close(mfd);
            return PROGRAM_GONE;
        }
        s->res[c.handle].size = c.size;
        s->res[c.handle].bind = c.bind;
        if (!(s->res[c.handle].shadow = calloc(1, c.size))) {
            forget(&s->res[c.handle]);
            close(mfd);
            return PROGRAM_GONE;
        }
    }
    int rc = guest_call(s, VTL_RES_CREATE, &c, sizeof c, NULL, 0, NULL, 0);
    if (rc == 0 && mfd >= 0)
        rc = send_fd(s->fd, mfd);
    if (mfd >= 0)
        close(mfd);
    return rc;
}

/* Send a run of changed chunks without waiting; the caller collects the replies. */
static int send_run(struct session *s, uint32_t handle, struct shm *r, uint32_t from, uint32_t to)
{
    struct vtl_transfer t = { .handle = handle, .offset = from, .nbytes = to - from };
    memcpy(r->shadow + from, r->map + from, to - from);
    s->b->synced_bytes += to - from;
    if (s->b->trace)
        fprintf(s->b->log, "sync res %u [%u, %u)\n", handle, from, to);
    return link_send(s->b->guest, VTL_WRITE, &t, sizeof t, r->map + from, to - from);
}

/* The pages of one resource the program changed since the guest last saw it, in as few frames as
 * they make; sent without waiting (*frames counts the replies to collect). */
static int sync_resource(struct session *s, uint32_t h, uint32_t *frames)
{
    struct shm *r = h < MAX_HANDLES ? &s->res[h] : NULL;
    uint32_t run = UINT32_MAX;
    for (uint32_t off = 0; r && r->map && (off < r->size || run != UINT32_MAX); off += SYNC_CHUNK) {
        uint32_t n = off < r->size ? (r->size - off < SYNC_CHUNK ? r->size - off : SYNC_CHUNK) : 0;
        bool dirty = n && memcmp(r->map + off, r->shadow + off, n) != 0;
        if (dirty && run == UINT32_MAX)
            run = off;
        if (run != UINT32_MAX && (!dirty || off - run >= SYNC_MAX_RUN)) {
            if (send_run(s, h, r, run, off < r->size ? off : r->size))
                return LINK_LOST;
            (*frames)++;
            run = dirty ? off : UINT32_MAX;
        }
    }
    return STEP_OK;
}

static int collect(struct session *s, uint32_t frames)
{
    for (; frames; frames--) {
        int32_t st;
        if (link_recv(s->b->guest, &st, NULL, 0, NULL))
            return LINK_LOST;
        if (st && s->b->log)
            fprintf(s->b->log, "program %s: sync refused: status %d\n", s->name, st);
    }
    return STEP_OK;
}

/* Before the host reads one resource's memory (PUT, GET's span, a read-back). */
static int sync_one(struct session *s, uint32_t h)
{
    uint32_t frames = 0;
    int rc = sync_resource(s, h, &frames);
    return rc ? rc : collect(s, frames);
}

static int resource_unref(struct session *s, uint32_t handle)
{
    if (handle < MAX_HANDLES)
        forget(&s->res[handle]);
    return guest_call(s, VTL_RES_UNREF, &handle, sizeof handle, NULL, 0, NULL, 0);
}

/* The span Mesa names, cut to the memory it shares. */
static struct vtl_transfer span(const struct session *s, const uint32_t *w, struct shm **r)
{
    struct vtl_transfer t = { w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[9], w[8] };
    *r = t.handle < MAX_HANDLES ? (struct shm *)&s->res[t.handle] : NULL;
    uint32_t size = *r ? (*r)->size : 0;
    t.offset = t.offset < size ? t.offset : size;
    t.nbytes = t.nbytes < size - t.offset ? t.nbytes : size - t.offset;
    return t;
}

/* The span is current in the guest after the sync: the PUT carries no bytes of its own. */
static int transfer_put2(struct session *s, const uint32_t *w)
{
    struct shm *r;
    struct vtl_transfer t = span(s, w, &r);
    if (sync_one(s, t.handle))
        return LINK_LOST;
    t.nbytes = 0;
    return guest_call(s, VTL_PUT, &t, sizeof t, NULL, 0, NULL, 0);
}

static int transfer_get2(struct session *s, const uint32_t *w)
{
    struct shm *r;
    struct vtl_transfer t = span(s, w, &r);
    uint8_t *into = r && r->map ? r->map + t.offset : NULL;
    if (sync_one(s, t.handle) || guest_call(s, VTL_GET, &t, sizeof t, NULL, 0, into, into ? t.nbytes : 0))
        return LINK_LOST;
    if (into)
        memcpy(r->shadow + t.offset, into, t.nbytes);
    return STEP_OK;
}

/* HOST_WRITES: read back before the program next looks (query results: every query buffer). */
static void mark_host_write(void *arg, uint32_t handle, enum host_access how)
{
    struct session *s = arg;
    for (uint32_t h = handle ? handle : 1; how == HOST_WRITES && h < MAX_HANDLES && (handle == 0 || h == handle); h++)
        if (s->res[h].map && (handle || (s->res[h].bind & QUERY_BINDS)))
            s->res[h].host_wrote = true;
}

struct reads { struct session *s; uint32_t frames; int rc; };

/*
 * Before the stream goes, the program's changes go to the guest for every resource it makes the
 * host touch: read (transfers to the host) or write (the program's own bytes come first: Mesa marks
 * a query "waiting for the host" in the buffer before the host writes "done" there).
 */
static void sync_touched(void *arg, uint32_t handle, enum host_access how)
{
    struct reads *r = arg;
    for (uint32_t h = handle ? handle : 1; r->rc == STEP_OK && h < MAX_HANDLES && (handle == 0 || h == handle); h++)
        if (handle || (how == HOST_WRITES && (r->s->res[h].bind & QUERY_BINDS)))
            r->rc = sync_resource(r->s, h, &r->frames);
}

/* What the host wrote into a resource's memory by itself goes to the program's view (and shadow);
 * the fenced wait first lets the host finish the queries that write it.  The program's own bytes
 * went before the stream that made the host write (sync_touched). */
static int read_back(struct session *s, uint32_t handle)
{
    struct shm *r = handle < MAX_HANDLES ? &s->res[handle] : NULL;
    uint32_t fence = VTL_WAIT_FENCE, busy;
    if (!r || !r->map || !r->host_wrote)
        return 0;
    struct vtl_transfer t = { .handle = handle, .offset = 0, .nbytes = r->size };
    if (guest_call(s, VTL_WAIT, &fence, sizeof fence, NULL, 0, &busy, sizeof busy) ||
        guest_call(s, VTL_READ, &t, sizeof t, NULL, 0, r->map, r->size))
        return LINK_LOST;
    memcpy(r->shadow, r->map, r->size);
    r->host_wrote = false;
    if (s->b->trace)
        fprintf(s->b->log, "read back res %u (%u bytes)\n", handle, r->size);
    return 0;
}

/* Mesa asks before it reads a resource's memory: the host's writes must be there by then. */
static int busy_wait(struct session *s, const uint32_t *w)
{
    uint32_t busy = 0, flags = w[1] & VCMD_BUSY_WAIT_FLAG_WAIT;
    if (read_back(s, w[0]) || guest_call(s, VTL_WAIT, &flags, sizeof flags, NULL, 0, &busy, sizeof busy))
        return LINK_LOST;
    return reply_words(s->fd, VCMD_RESOURCE_BUSY_WAIT, &busy, 1);
}

static int submit(struct session *s, uint32_t words)
{
    uint8_t *buf = malloc((size_t)words * 4u + 1u);
    struct reads rd = { s, 0, STEP_OK };
    int rc = !buf || read_full(s->fd, buf, (size_t)words * 4u) ? PROGRAM_GONE : STEP_OK;
    if (rc == STEP_OK)
        host_access_scan((const uint32_t *)buf, words, sync_touched, &rd);
    if (rc == STEP_OK && (rd.rc || collect(s, rd.frames)))
        rc = LINK_LOST;
    if (rc == STEP_OK)
        rc = guest_call(s, VTL_SUBMIT, buf, (size_t)words * 4u, NULL, 0, NULL, 0);
    if (rc == STEP_OK)
        host_access_scan((const uint32_t *)buf, words, mark_host_write, s);
    free(buf);
    return rc;
}

/* Arguments of a fixed count; a longer command (TRANSFER_PUT2 counts data it never sends) is not read further. */
static int args(struct session *s, uint32_t len, uint32_t want, uint32_t *w)
{
    return len < want || read_full(s->fd, w, want * 4u) ? PROGRAM_GONE : 0;
}

/* STEP_OK, LINK_LOST or PROGRAM_GONE (it hung up, or spoke nonsense). */
static int one_command(struct session *s)
{
    uint32_t h[2], w[16];
    if (read_full(s->fd, h, sizeof h))
        return PROGRAM_GONE;
    switch (h[1]) {
    case VCMD_CREATE_RENDERER: {
        char name[256] = { 0 };
        if (h[0] > sizeof name || read_full(s->fd, name, h[0]))
            return PROGRAM_GONE;
        memcpy(s->name, name, sizeof s->name - 1);
        return guest_call(s, VTL_OPEN, s->name, strnlen(s->name, sizeof s->name - 1), NULL, 0, NULL, 0);
    }
    case VCMD_PING_PROTOCOL_VERSION:
        return h[0] ? PROGRAM_GONE : reply_words(s->fd, VCMD_PING_PROTOCOL_VERSION, NULL, 0);
    case VCMD_PROTOCOL_VERSION:
        if (args(s, h[0], 1, w))
            return PROGRAM_GONE;
        s->version = w[0] < VTEST_VERSION_MAX ? w[0] : VTEST_VERSION_MAX;
        return reply_words(s->fd, VCMD_PROTOCOL_VERSION, &s->version, 1);
    case VCMD_GET_CAPS2:
        return reply_caps(s->fd, VCMD_RESOURCE_CREATE, s->b->caps2, s->b->caps2_len);
    case VCMD_GET_CAPS:
        return reply_caps(s->fd, VCMD_GET_CAPS, s->b->caps1, s->b->caps1_len);
    case VCMD_RESOURCE_CREATE2:
        return args(s, h[0], VCMD_RES_CREATE2_WORDS, w) ? PROGRAM_GONE : resource_create2(s, w);
    case VCMD_RESOURCE_UNREF:
        return args(s, h[0], 1, w) ? PROGRAM_GONE : resource_unref(s, w[0]);
    case VCMD_TRANSFER_PUT2:
        return args(s, h[0], VCMD_TRANSFER2_WORDS, w) ? PROGRAM_GONE : transfer_put2(s, w);
    case VCMD_TRANSFER_GET2:
        return args(s, h[0], VCMD_TRANSFER2_WORDS, w) ? PROGRAM_GONE : transfer_get2(s, w);
    case VCMD_SUBMIT_CMD:
        return submit(s, h[0]);
    case VCMD_RESOURCE_BUSY_WAIT:
        return args(s, h[0], VCMD_BUSY_WAIT_WORDS, w) ? PROGRAM_GONE : busy_wait(s, w);
    default:
        if (s->b->log)
            fprintf(s->b->log, "program %s: unsupported vtest command %u\n", s->name, h[1]);
        return PROGRAM_GONE;
    }
}

int vtest_session_run(struct bridge *b, int fd)
{
    struct session *s = calloc(1, sizeof *s);
    struct vtl_account a;
    int32_t st = 0;
    int rc;
    if (!s)
        return 0;
    s->b = b;
    s->fd = fd;
    memcpy(s->name, "?", 2);
    while ((rc = one_command(s)) == 0)
        ;
    for (uint32_t i = 0; i < MAX_HANDLES; i++)
        forget(&s->res[i]);
    if (rc != LINK_LOST)
        rc = link_call(b->guest, VTL_CLOSE, NULL, 0, NULL, 0, &st, &a, sizeof a, NULL);
    b->programs++;
    if (rc == 0 && b->log)
        fprintf(b->log, "closed program=%s n=%llu client_contexts=%u client_resources=%u core_contexts=%u "
                "core_resources=%u core_attachments=%u backing=%llu core_heap=%llu core_dma=%llu ops=%llu\n",
                s->name, (unsigned long long)b->programs, a.client_contexts, a.client_resources, a.core_contexts,
                a.core_resources, a.core_attachments, (unsigned long long)a.backing_bytes,
                (unsigned long long)a.core_heap, (unsigned long long)a.core_dma, (unsigned long long)a.ops);
    if (b->log)
        fflush(b->log);
    free(s);
    return rc == LINK_LOST ? -1 : 0;
}
