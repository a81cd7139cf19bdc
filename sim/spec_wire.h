/*
 * spec_wire.h — the device side's own description of the wire, written from the VIRTIO 1.2
 * specification: split virtqueues (§2.7), the virtio-gpu device configuration (§5.7.4) and its
 * control/cursor messages (§5.7.6, 2D and 3D).
 *
 * The test devices (sim/, tests/fuzz/dev_*, the kext rig through sim/) read and write the wire
 * through this header only, never through core/gpu/virtio_gpu_proto.h or core/virtio/vring.h: a layout
 * mistake in the driver's header (two fields swapped, a missing pad) then reaches a device that
 * disagrees and fails a test, instead of being shared by both sides.  Every offset and size
 * below is asserted against the number the specification's structure implies.
 */
#ifndef SPEC_WIRE_H
#define SPEC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef VIRTIO_GPU_PROTO_H
#error "spec_wire.h is the test device's own layout; do not mix it with the driver's header"
#endif

#ifdef __cplusplus
#define SPEC_ASSERT static_assert   /* the kext rig's C++ includes this header too */
#else
#define SPEC_ASSERT _Static_assert
#endif
#define SPEC_AT(type, field, off) \
    SPEC_ASSERT(offsetof(struct type, field) == (off), #type "." #field " at " #off)
#define SPEC_SIZE(type, n) SPEC_ASSERT(sizeof(struct type) == (n), #type " is " #n " bytes")

/* ---- §2.7 split virtqueue -------------------------------------------------------------- */

#define SPEC_RING_MAX            32768u   /* queue size is a power of 2, at most 32768 */
#define SPEC_DESC_NEXT           1u       /* the chain continues in `next` */
#define SPEC_DESC_WRITE          2u       /* device writes this buffer */
#define SPEC_DESC_INDIRECT       4u       /* the buffer is a table of descriptors */
#define SPEC_AVAIL_NO_INTERRUPT  1u
#define SPEC_USED_NO_NOTIFY      1u

struct spec_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* Driver area: flags, idx, ring[size], then used_event (with VIRTIO_F_EVENT_IDX). */
struct spec_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};

struct spec_used_elem {
    uint32_t id;    /* head of the completed chain */
    uint32_t len;   /* bytes the device wrote */
};

/* Device area: flags, idx, ring[size], then avail_event. */
struct spec_used {
    uint16_t flags;
    uint16_t idx;
    struct spec_used_elem ring[];
};

SPEC_AT(spec_desc, addr, 0);   SPEC_AT(spec_desc, len, 8);
SPEC_AT(spec_desc, flags, 12); SPEC_AT(spec_desc, next, 14);   SPEC_SIZE(spec_desc, 16);
SPEC_AT(spec_avail, idx, 2);   SPEC_AT(spec_avail, ring, 4);
SPEC_AT(spec_used_elem, len, 4); SPEC_SIZE(spec_used_elem, 8);
SPEC_AT(spec_used, idx, 2);    SPEC_AT(spec_used, ring, 4);

#define SPEC_AVAIL_SLOT(i)        (offsetof(struct spec_avail, ring) + sizeof(uint16_t) * (size_t)(i))
#define SPEC_USED_SLOT(i)         (offsetof(struct spec_used, ring) + sizeof(struct spec_used_elem) * (size_t)(i))
#define SPEC_AVAIL_USED_EVENT(n)  SPEC_AVAIL_SLOT(n)     /* the word after the last slot */
#define SPEC_USED_AVAIL_EVENT(n)  SPEC_USED_SLOT(n)
#define SPEC_DESC_TABLE_BYTES(n)  (sizeof(struct spec_desc) * (size_t)(n))
#define SPEC_AVAIL_BYTES(n)       (SPEC_AVAIL_USED_EVENT(n) + sizeof(uint16_t))
#define SPEC_USED_BYTES(n)        (SPEC_USED_AVAIL_EVENT(n) + sizeof(uint16_t))

/*
 * §2.7.10: with event indices, the other side wants a notification when its event index lies
 * in [old_idx, new_idx), counted modulo 2^16.
 */
static inline int spec_event_due(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(event_idx - old_idx) < (uint16_t)(new_idx - old_idx);
}

/* ---- §5.7.3 / §5.7.4 features, queues, device configuration ---------------------------- */

#define SPEC_GPU_F_VIRGL        0u
#define SPEC_GPU_F_EDID         1u
#define SPEC_GPU_CONTROLQ       0u
#define SPEC_GPU_CURSORQ        1u
#define SPEC_GPU_EVENT_DISPLAY  (1u << 0)

struct spec_gpu_config {
    uint32_t events_read;
    uint32_t events_clear;
    uint32_t num_scanouts;
    uint32_t num_capsets;
};
SPEC_AT(spec_gpu_config, events_clear, 4); SPEC_AT(spec_gpu_config, num_scanouts, 8);
SPEC_AT(spec_gpu_config, num_capsets, 12); SPEC_SIZE(spec_gpu_config, 16);

#define SPEC_GPU_CFG_EVENTS_READ   offsetof(struct spec_gpu_config, events_read)
#define SPEC_GPU_CFG_EVENTS_CLEAR  offsetof(struct spec_gpu_config, events_clear)
#define SPEC_GPU_CFG_NUM_SCANOUTS  offsetof(struct spec_gpu_config, num_scanouts)
#define SPEC_GPU_CFG_NUM_CAPSETS   offsetof(struct spec_gpu_config, num_capsets)
#define SPEC_GPU_CFG_SIZE          sizeof(struct spec_gpu_config)

/* ---- §5.7.6.7 request and response types ----------------------------------------------- */

enum spec_gpu_type {
    /* 2D commands count up from 0x0100 */
    SPEC_GPU_CMD_GET_DISPLAY_INFO = 0x0100,
    SPEC_GPU_CMD_RESOURCE_CREATE_2D,
    SPEC_GPU_CMD_RESOURCE_UNREF,
    SPEC_GPU_CMD_SET_SCANOUT,
    SPEC_GPU_CMD_RESOURCE_FLUSH,
    SPEC_GPU_CMD_TRANSFER_TO_HOST_2D,
    SPEC_GPU_CMD_RESOURCE_ATTACH_BACKING,
    SPEC_GPU_CMD_RESOURCE_DETACH_BACKING,
    SPEC_GPU_CMD_GET_CAPSET_INFO,
    SPEC_GPU_CMD_GET_CAPSET,
    SPEC_GPU_CMD_GET_EDID,
    /* 3D commands from 0x0200 */
    SPEC_GPU_CMD_CTX_CREATE = 0x0200,
    SPEC_GPU_CMD_CTX_DESTROY,
    SPEC_GPU_CMD_CTX_ATTACH_RESOURCE,
    SPEC_GPU_CMD_CTX_DETACH_RESOURCE,
    SPEC_GPU_CMD_RESOURCE_CREATE_3D,
    SPEC_GPU_CMD_TRANSFER_TO_HOST_3D,
    SPEC_GPU_CMD_TRANSFER_FROM_HOST_3D,
    SPEC_GPU_CMD_SUBMIT_3D,
    /* cursor queue from 0x0300 */
    SPEC_GPU_CMD_UPDATE_CURSOR = 0x0300,
    SPEC_GPU_CMD_MOVE_CURSOR,
    /* success responses from 0x1100 */
    SPEC_GPU_RESP_OK_NODATA = 0x1100,
    SPEC_GPU_RESP_OK_DISPLAY_INFO,
    SPEC_GPU_RESP_OK_CAPSET_INFO,
    SPEC_GPU_RESP_OK_CAPSET,
    SPEC_GPU_RESP_OK_EDID,
    /* error responses from 0x1200 */
    SPEC_GPU_RESP_ERR_UNSPEC = 0x1200,
    SPEC_GPU_RESP_ERR_OUT_OF_MEMORY,
    SPEC_GPU_RESP_ERR_INVALID_SCANOUT_ID,
    SPEC_GPU_RESP_ERR_INVALID_RESOURCE_ID,
    SPEC_GPU_RESP_ERR_INVALID_CONTEXT_ID,
    SPEC_GPU_RESP_ERR_INVALID_PARAMETER,
};
/* The spec's table gives these numbers; the enum counts up to them. */
SPEC_ASSERT(SPEC_GPU_CMD_GET_EDID == 0x010a, "GET_EDID is 0x010a");
SPEC_ASSERT(SPEC_GPU_CMD_SUBMIT_3D == 0x0207, "SUBMIT_3D is 0x0207");
SPEC_ASSERT(SPEC_GPU_RESP_OK_EDID == 0x1104, "OK_EDID is 0x1104");
SPEC_ASSERT(SPEC_GPU_RESP_ERR_INVALID_PARAMETER == 0x1205, "ERR_INVALID_PARAMETER is 0x1205");

#define SPEC_GPU_FLAG_FENCE   (1u << 0)
#define SPEC_GPU_MAX_SCANOUTS 16
#define SPEC_GPU_CAPSET_VIRGL  1u
#define SPEC_GPU_CAPSET_VIRGL2 2u

/* §5.7.6.8 pixel formats (the spec's numbering follows Gallium's). */
enum spec_gpu_format {
    SPEC_GPU_FORMAT_B8G8R8A8_UNORM = 1,
    SPEC_GPU_FORMAT_B8G8R8X8_UNORM = 2,
    SPEC_GPU_FORMAT_A8R8G8B8_UNORM = 3,
    SPEC_GPU_FORMAT_X8R8G8B8_UNORM = 4,
    SPEC_GPU_FORMAT_R8G8B8A8_UNORM = 67,
    SPEC_GPU_FORMAT_X8B8G8R8_UNORM = 68,
    SPEC_GPU_FORMAT_A8B8G8R8_UNORM = 121,
    SPEC_GPU_FORMAT_R8G8B8X8_UNORM = 134,
};

/* ---- §5.7.6.7 messages ------------------------------------------------------------------ */

struct spec_gpu_ctrl_hdr {
    uint32_t type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t  ring_idx;
    uint8_t  padding[3];
};
SPEC_AT(spec_gpu_ctrl_hdr, flags, 4);   SPEC_AT(spec_gpu_ctrl_hdr, fence_id, 8);
SPEC_AT(spec_gpu_ctrl_hdr, ctx_id, 16); SPEC_AT(spec_gpu_ctrl_hdr, ring_idx, 20);
SPEC_SIZE(spec_gpu_ctrl_hdr, 24);

/* Every request and response below starts with the 24-byte header; bodies start at 24. */
#define SPEC_BODY 24

struct spec_gpu_rect { uint32_t x, y, width, height; };
SPEC_AT(spec_gpu_rect, y, 4); SPEC_AT(spec_gpu_rect, width, 8); SPEC_AT(spec_gpu_rect, height, 12);
SPEC_SIZE(spec_gpu_rect, 16);

struct spec_gpu_display_one {
    struct spec_gpu_rect r;
    uint32_t enabled;
    uint32_t flags;
};
SPEC_AT(spec_gpu_display_one, enabled, 16); SPEC_AT(spec_gpu_display_one, flags, 20);
SPEC_SIZE(spec_gpu_display_one, 24);

struct spec_gpu_resp_display_info {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_display_one pmodes[SPEC_GPU_MAX_SCANOUTS];
};
SPEC_AT(spec_gpu_resp_display_info, pmodes, SPEC_BODY);
SPEC_SIZE(spec_gpu_resp_display_info, 24 + 16 * 24);

struct spec_gpu_get_edid {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t scanout;
    uint32_t padding;
};
SPEC_AT(spec_gpu_get_edid, scanout, SPEC_BODY); SPEC_SIZE(spec_gpu_get_edid, 32);

struct spec_gpu_resp_edid {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t size;
    uint32_t padding;
    uint8_t  edid[1024];
};
SPEC_AT(spec_gpu_resp_edid, size, SPEC_BODY); SPEC_AT(spec_gpu_resp_edid, edid, 32);
SPEC_SIZE(spec_gpu_resp_edid, 32 + 1024);

struct spec_gpu_resource_create_2d {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t format;
    uint32_t width;
    uint32_t height;
};
SPEC_AT(spec_gpu_resource_create_2d, resource_id, SPEC_BODY);
SPEC_AT(spec_gpu_resource_create_2d, format, 28); SPEC_AT(spec_gpu_resource_create_2d, width, 32);
SPEC_AT(spec_gpu_resource_create_2d, height, 36); SPEC_SIZE(spec_gpu_resource_create_2d, 40);

/* UNREF, DETACH_BACKING and the 3D ATTACH/DETACH_RESOURCE share one body: id, pad. */
struct spec_gpu_resource_ref {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t padding;
};
SPEC_AT(spec_gpu_resource_ref, resource_id, SPEC_BODY); SPEC_SIZE(spec_gpu_resource_ref, 32);

struct spec_gpu_set_scanout {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_rect r;
    uint32_t scanout_id;
    uint32_t resource_id;
};
SPEC_AT(spec_gpu_set_scanout, r, SPEC_BODY); SPEC_AT(spec_gpu_set_scanout, scanout_id, 40);
SPEC_AT(spec_gpu_set_scanout, resource_id, 44); SPEC_SIZE(spec_gpu_set_scanout, 48);

struct spec_gpu_resource_flush {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_rect r;
    uint32_t resource_id;
    uint32_t padding;
};
SPEC_AT(spec_gpu_resource_flush, r, SPEC_BODY); SPEC_AT(spec_gpu_resource_flush, resource_id, 40);
SPEC_SIZE(spec_gpu_resource_flush, 48);

struct spec_gpu_transfer_to_host_2d {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_rect r;
    uint64_t offset;
    uint32_t resource_id;
    uint32_t padding;
};
SPEC_AT(spec_gpu_transfer_to_host_2d, r, SPEC_BODY); SPEC_AT(spec_gpu_transfer_to_host_2d, offset, 40);
SPEC_AT(spec_gpu_transfer_to_host_2d, resource_id, 48); SPEC_SIZE(spec_gpu_transfer_to_host_2d, 56);

/* Followed, in the same request, by nr_entries memory entries. */
struct spec_gpu_resource_attach_backing {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t nr_entries;
};
SPEC_AT(spec_gpu_resource_attach_backing, resource_id, SPEC_BODY);
SPEC_AT(spec_gpu_resource_attach_backing, nr_entries, 28);
SPEC_SIZE(spec_gpu_resource_attach_backing, 32);

struct spec_gpu_mem_entry {
    uint64_t addr;
    uint32_t length;
    uint32_t padding;
};
SPEC_AT(spec_gpu_mem_entry, length, 8); SPEC_SIZE(spec_gpu_mem_entry, 16);

struct spec_gpu_cursor_pos {
    uint32_t scanout_id;
    uint32_t x;
    uint32_t y;
    uint32_t padding;
};
SPEC_AT(spec_gpu_cursor_pos, x, 4); SPEC_AT(spec_gpu_cursor_pos, y, 8); SPEC_SIZE(spec_gpu_cursor_pos, 16);

/* UPDATE_CURSOR and MOVE_CURSOR (which ignores the fields after pos). */
struct spec_gpu_update_cursor {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_cursor_pos pos;
    uint32_t resource_id;
    uint32_t hot_x;
    uint32_t hot_y;
    uint32_t padding;
};
SPEC_AT(spec_gpu_update_cursor, pos, SPEC_BODY); SPEC_AT(spec_gpu_update_cursor, resource_id, 40);
SPEC_AT(spec_gpu_update_cursor, hot_x, 44);      SPEC_AT(spec_gpu_update_cursor, hot_y, 48);
SPEC_SIZE(spec_gpu_update_cursor, 56);

/* ---- §5.7.6.7 capsets and §5.7.6.8 3D ----------------------------------------------------- */

struct spec_gpu_get_capset_info {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t capset_index;
    uint32_t padding;
};
SPEC_AT(spec_gpu_get_capset_info, capset_index, SPEC_BODY); SPEC_SIZE(spec_gpu_get_capset_info, 32);

struct spec_gpu_resp_capset_info {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t capset_id;
    uint32_t capset_max_version;
    uint32_t capset_max_size;
    uint32_t padding;
};
SPEC_AT(spec_gpu_resp_capset_info, capset_id, SPEC_BODY);
SPEC_AT(spec_gpu_resp_capset_info, capset_max_version, 28);
SPEC_AT(spec_gpu_resp_capset_info, capset_max_size, 32); SPEC_SIZE(spec_gpu_resp_capset_info, 40);

/* The OK_CAPSET response is the header followed by the capability bytes. */
struct spec_gpu_get_capset {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t capset_id;
    uint32_t capset_version;
};
SPEC_AT(spec_gpu_get_capset, capset_id, SPEC_BODY); SPEC_AT(spec_gpu_get_capset, capset_version, 28);
SPEC_SIZE(spec_gpu_get_capset, 32);

struct spec_gpu_ctx_create {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t nlen;
    uint32_t context_init;
    char     debug_name[64];
};
SPEC_AT(spec_gpu_ctx_create, nlen, SPEC_BODY); SPEC_AT(spec_gpu_ctx_create, context_init, 28);
SPEC_AT(spec_gpu_ctx_create, debug_name, 32); SPEC_SIZE(spec_gpu_ctx_create, 96);

/* CTX_DESTROY is the header alone. */
struct spec_gpu_ctx_destroy { struct spec_gpu_ctrl_hdr hdr; };
SPEC_SIZE(spec_gpu_ctx_destroy, 24);

struct spec_gpu_resource_create_3d {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t target;
    uint32_t format;
    uint32_t bind;
    uint32_t width;
    uint32_t height;
    uint32_t depth;
    uint32_t array_size;
    uint32_t last_level;
    uint32_t nr_samples;
    uint32_t flags;
    uint32_t padding;
};
SPEC_AT(spec_gpu_resource_create_3d, resource_id, SPEC_BODY);
SPEC_AT(spec_gpu_resource_create_3d, target, 28); SPEC_AT(spec_gpu_resource_create_3d, format, 32);
SPEC_AT(spec_gpu_resource_create_3d, bind, 36);   SPEC_AT(spec_gpu_resource_create_3d, width, 40);
SPEC_AT(spec_gpu_resource_create_3d, height, 44); SPEC_AT(spec_gpu_resource_create_3d, depth, 48);
SPEC_AT(spec_gpu_resource_create_3d, array_size, 52);
SPEC_AT(spec_gpu_resource_create_3d, last_level, 56);
SPEC_AT(spec_gpu_resource_create_3d, nr_samples, 60);
SPEC_AT(spec_gpu_resource_create_3d, flags, 64); SPEC_SIZE(spec_gpu_resource_create_3d, 72);

struct spec_gpu_box { uint32_t x, y, z, w, h, d; };
SPEC_AT(spec_gpu_box, z, 8); SPEC_AT(spec_gpu_box, w, 12); SPEC_AT(spec_gpu_box, d, 20);
SPEC_SIZE(spec_gpu_box, 24);

/* TRANSFER_TO_HOST_3D and TRANSFER_FROM_HOST_3D. */
struct spec_gpu_transfer_host_3d {
    struct spec_gpu_ctrl_hdr hdr;
    struct spec_gpu_box box;
    uint64_t offset;
    uint32_t resource_id;
    uint32_t level;
    uint32_t stride;
    uint32_t layer_stride;
};
SPEC_AT(spec_gpu_transfer_host_3d, box, SPEC_BODY); SPEC_AT(spec_gpu_transfer_host_3d, offset, 48);
SPEC_AT(spec_gpu_transfer_host_3d, resource_id, 56); SPEC_AT(spec_gpu_transfer_host_3d, level, 60);
SPEC_AT(spec_gpu_transfer_host_3d, stride, 64); SPEC_AT(spec_gpu_transfer_host_3d, layer_stride, 68);
SPEC_SIZE(spec_gpu_transfer_host_3d, 72);

/* Followed, in the same request, by `size` bytes of virgl command stream. */
struct spec_gpu_cmd_submit {
    struct spec_gpu_ctrl_hdr hdr;
    uint32_t size;
    uint32_t padding;
};
SPEC_AT(spec_gpu_cmd_submit, size, SPEC_BODY); SPEC_SIZE(spec_gpu_cmd_submit, 32);

#endif /* SPEC_WIRE_H */
