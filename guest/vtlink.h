/*
 * vtlink.h — the framing between the host's vtest bridge (tools/vtest-bridge) and the test guest's
 * vtest server (guest/vtestsrv.c) on a virtio-console port.  Little-endian, no padding.
 *
 * Host → guest: struct vtl_hdr (op, len) and `len` payload bytes.  Guest → host, one per request:
 * struct vtl_reply (status: VGPU_OK or a negative enum vgpu_status, len) and `len` bytes.
 * One GL program (one vtest connection) at a time: OPEN ... CLOSE.
 *
 * A resource's memory is shared in vtest: the program writes it and the host reads it when a command
 * in the stream says so (Mesa queues its transfers in the stream when the host has VIRGL_CAP_TRANSFER).
 * The bridge therefore keeps the guest's copy current: before the host reads a resource's memory
 * (a transfer in the stream, a PUT, a GET's span) it sends the pages the program changed (VTL_WRITE).  The host also writes that memory from the stream
 * (copy transfers from the host into a staging buffer, query results): such a resource is read
 * back (VTL_READ) before the program is told it is idle.
 */
#ifndef VTLINK_H
#define VTLINK_H

#include <stdint.h>

#define VTL_PORT_NAME   "org.osxkvm.vtest.0"
#define VTL_MAX_PAYLOAD (64u << 20)    /* a frame's payload; larger transfers are refused */

enum vtl_op {
    VTL_OPEN = 1,       /* payload: program name (0..63 bytes)       reply: u32 ctx */
    VTL_CLOSE,          /* release everything the program held       reply: struct vtl_account */
    VTL_CAPSET,         /* u32 id, u32 version                        reply: the capset bytes */
    VTL_RES_CREATE,     /* struct vtl_res_create */
    VTL_RES_UNREF,      /* u32 handle */
    VTL_PUT,            /* struct vtl_transfer, then nbytes bytes: written at offset, then to the host */
    VTL_GET,            /* struct vtl_transfer                       reply: nbytes bytes from offset */
    VTL_SUBMIT,         /* the command stream (multiple of 4 bytes) */
    VTL_WAIT,           /* u32 flags (VTL_WAIT_*)                    reply: u32 busy */
    VTL_END,            /* leave the serve loop                      reply: struct vtl_account */
    VTL_ECHO,           /* up to 1 MiB                               reply: the same bytes */
    VTL_ACCOUNT,        /* -                                         reply: struct vtl_account */
    VTL_WRITE,          /* struct vtl_transfer (box unused), then nbytes bytes: written at offset only */
    VTL_READ,           /* struct vtl_transfer (box unused)          reply: nbytes bytes from offset */
};

#define VTL_WAIT_FENCE  2u  /* a fenced no-op, waited: the host polls its queries while it waits */

struct vtl_hdr   { uint32_t op, len; };
struct vtl_reply { int32_t status; uint32_t len; };

struct vtl_res_create {
    uint32_t handle, target, format, bind, width, height, depth, array_size, last_level, nr_samples;
    uint32_t size;      /* bytes of backing the program shares (its shm), 0: none */
};

struct vtl_transfer {
    uint32_t handle, level, x, y, z, w, h, d;
    uint32_t offset, nbytes;   /* the span of the backing carried in the frame */
};

/* What the guest holds: the program's tables, the core's counts, memory the guest keeps wired. */
struct vtl_account {
    uint32_t client_contexts, client_resources;
    uint32_t core_contexts, core_resources, core_attachments, programs;
    uint64_t backing_bytes;    /* guest pages behind 3D resources right now */
    uint64_t core_heap, core_dma;
    uint64_t ops, put_bytes, get_bytes, submit_bytes;
};

#endif /* VTLINK_H */
