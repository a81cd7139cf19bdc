/*
 * virtio_gpu_proto.h — the virtio-gpu wire format (VIRTIO 1.2 §5.7).
 *
 * Every field is little-endian on the wire; the core stores with vgpu_le*() helpers and loads
 * with vgpu_from_le*().  Layouts carry no implicit padding: the static asserts pin each size.
 */
#ifndef VIRTIO_GPU_PROTO_H
#define VIRTIO_GPU_PROTO_H

#include <stdint.h>

/* Feature bits. */
#define VIRTIO_GPU_F_VIRGL          0u
#define VIRTIO_GPU_F_EDID           1u

/* Device configuration (§5.7.4). */
#define VIRTIO_GPU_CFG_EVENTS_READ  0u
#define VIRTIO_GPU_CFG_EVENTS_CLEAR 4u
#define VIRTIO_GPU_CFG_NUM_SCANOUTS 8u
#define VIRTIO_GPU_CFG_NUM_CAPSETS  12u
#define VIRTIO_GPU_CFG_SIZE         16u
#define VIRTIO_GPU_EVENT_DISPLAY    0x1u

#define VIRTIO_GPU_QUEUE_CONTROL    0u
#define VIRTIO_GPU_QUEUE_CURSOR     1u

enum virtio_gpu_ctrl_type {
    VIRTIO_GPU_CMD_GET_DISPLAY_INFO         = 0x0100,
    VIRTIO_GPU_CMD_RESOURCE_CREATE_2D       = 0x0101,
    VIRTIO_GPU_CMD_RESOURCE_UNREF           = 0x0102,
    VIRTIO_GPU_CMD_SET_SCANOUT              = 0x0103,
    VIRTIO_GPU_CMD_RESOURCE_FLUSH           = 0x0104,
    VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D      = 0x0105,
    VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING  = 0x0106,
    VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING  = 0x0107,
    VIRTIO_GPU_CMD_GET_CAPSET_INFO          = 0x0108,
    VIRTIO_GPU_CMD_GET_CAPSET               = 0x0109,
    VIRTIO_GPU_CMD_GET_EDID                 = 0x010a,

    VIRTIO_GPU_CMD_UPDATE_CURSOR            = 0x0300,
    VIRTIO_GPU_CMD_MOVE_CURSOR              = 0x0301,

    VIRTIO_GPU_RESP_OK_NODATA               = 0x1100,
    VIRTIO_GPU_RESP_OK_DISPLAY_INFO         = 0x1101,
    VIRTIO_GPU_RESP_OK_CAPSET_INFO          = 0x1102,
    VIRTIO_GPU_RESP_OK_CAPSET               = 0x1103,
    VIRTIO_GPU_RESP_OK_EDID                 = 0x1104,

    VIRTIO_GPU_RESP_ERR_UNSPEC              = 0x1200,
    VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY       = 0x1201,
    VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID  = 0x1202,
    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID = 0x1203,
    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID  = 0x1204,
    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER   = 0x1205,
};

#define VIRTIO_GPU_FLAG_FENCE       0x1u

enum virtio_gpu_formats {
    VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM = 1,
    VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM = 2,
    VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM = 3,
    VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM = 4,
    VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM = 67,
    VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM = 68,
    VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM = 121,
    VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM = 134,
};

#define VIRTIO_GPU_MAX_SCANOUTS 16

struct virtio_gpu_ctrl_hdr {
    uint32_t type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t  ring_idx;
    uint8_t  padding[3];
};

struct virtio_gpu_rect {
    uint32_t x, y, width, height;
};

struct virtio_gpu_display_one {
    struct virtio_gpu_rect r;
    uint32_t enabled;
    uint32_t flags;
};

struct virtio_gpu_resp_display_info {
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_display_one pmodes[VIRTIO_GPU_MAX_SCANOUTS];
};

struct virtio_gpu_get_edid {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t scanout;
    uint32_t padding;
};

struct virtio_gpu_resp_edid {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t size;
    uint32_t padding;
    uint8_t  edid[1024];
};

struct virtio_gpu_resource_create_2d {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t format;
    uint32_t width;
    uint32_t height;
};

struct virtio_gpu_resource_unref {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t padding;
};

struct virtio_gpu_set_scanout {
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_rect r;
    uint32_t scanout_id;
    uint32_t resource_id;
};

struct virtio_gpu_resource_flush {
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_rect r;
    uint32_t resource_id;
    uint32_t padding;
};

struct virtio_gpu_transfer_to_host_2d {
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_rect r;
    uint64_t offset;
    uint32_t resource_id;
    uint32_t padding;
};

struct virtio_gpu_resource_attach_backing {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t nr_entries;
};

struct virtio_gpu_mem_entry {
    uint64_t addr;
    uint32_t length;
    uint32_t padding;
};

struct virtio_gpu_resource_detach_backing {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t padding;
};

struct virtio_gpu_cursor_pos {
    uint32_t scanout_id;
    uint32_t x;
    uint32_t y;
    uint32_t padding;
};

struct virtio_gpu_update_cursor {
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_cursor_pos pos;
    uint32_t resource_id;
    uint32_t hot_x;
    uint32_t hot_y;
    uint32_t padding;
};

_Static_assert(sizeof(struct virtio_gpu_ctrl_hdr) == 24, "ctrl_hdr layout");
_Static_assert(sizeof(struct virtio_gpu_resp_display_info) == 408, "display_info layout");
_Static_assert(sizeof(struct virtio_gpu_get_edid) == 32, "get_edid layout");
_Static_assert(sizeof(struct virtio_gpu_resp_edid) == 1056, "resp_edid layout");
_Static_assert(sizeof(struct virtio_gpu_resource_create_2d) == 40, "create_2d layout");
_Static_assert(sizeof(struct virtio_gpu_resource_unref) == 32, "unref layout");
_Static_assert(sizeof(struct virtio_gpu_set_scanout) == 48, "set_scanout layout");
_Static_assert(sizeof(struct virtio_gpu_resource_flush) == 48, "flush layout");
_Static_assert(sizeof(struct virtio_gpu_transfer_to_host_2d) == 56, "transfer_2d layout");
_Static_assert(sizeof(struct virtio_gpu_resource_attach_backing) == 32, "attach_backing layout");
_Static_assert(sizeof(struct virtio_gpu_mem_entry) == 16, "mem_entry layout");
_Static_assert(sizeof(struct virtio_gpu_resource_detach_backing) == 32, "detach_backing layout");
_Static_assert(sizeof(struct virtio_gpu_update_cursor) == 56, "update_cursor layout");

#endif /* VIRTIO_GPU_PROTO_H */
