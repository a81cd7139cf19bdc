/*
 * virtio_gpu_proto3d.h — the 3D (virgl) part of the virtio-gpu wire format (VIRTIO 1.2 §5.7.6.8,
 * "Device Operation: controlq (3d)").  Little-endian on the wire like the 2D part; the static
 * asserts pin each layout.
 */
#ifndef VIRTIO_GPU_PROTO3D_H
#define VIRTIO_GPU_PROTO3D_H

#include <stdint.h>

#include "gpu/virtio_gpu_proto.h"

enum virtio_gpu_ctrl_type_3d {
    VIRTIO_GPU_CMD_CTX_CREATE            = 0x0200,
    VIRTIO_GPU_CMD_CTX_DESTROY           = 0x0201,
    VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE   = 0x0202,
    VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE   = 0x0203,
    VIRTIO_GPU_CMD_RESOURCE_CREATE_3D    = 0x0204,
    VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D   = 0x0205,
    VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D = 0x0206,
    VIRTIO_GPU_CMD_SUBMIT_3D             = 0x0207,
};

/* Capability set ids (GET_CAPSET_INFO's capset_id). */
#define VIRTIO_GPU_CAPSET_VIRGL  1u
#define VIRTIO_GPU_CAPSET_VIRGL2 2u

struct virtio_gpu_get_capset_info {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t capset_index;
    uint32_t padding;
};

struct virtio_gpu_resp_capset_info {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t capset_id;
    uint32_t capset_max_version;
    uint32_t capset_max_size;
    uint32_t padding;
};

struct virtio_gpu_get_capset {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t capset_id;
    uint32_t capset_version;
};
/* The response is a header followed by capset_max_size bytes of capability data. */

struct virtio_gpu_ctx_create {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t nlen;
    uint32_t context_init;      /* 0: the device's default context type (virgl) */
    char     debug_name[64];
};

struct virtio_gpu_ctx_destroy {
    struct virtio_gpu_ctrl_hdr hdr;
};

struct virtio_gpu_ctx_resource {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t padding;
};

struct virtio_gpu_resource_create_3d {
    struct virtio_gpu_ctrl_hdr hdr;
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

struct virtio_gpu_box {
    uint32_t x, y, z;
    uint32_t w, h, d;
};

struct virtio_gpu_transfer_host_3d {
    struct virtio_gpu_ctrl_hdr hdr;
    struct virtio_gpu_box box;
    uint64_t offset;
    uint32_t resource_id;
    uint32_t level;
    uint32_t stride;
    uint32_t layer_stride;
};

/* Followed, in the same chain, by `size` bytes of virgl command stream. */
struct virtio_gpu_cmd_submit {
    struct virtio_gpu_ctrl_hdr hdr;
    uint32_t size;
    uint32_t padding;
};

_Static_assert(sizeof(struct virtio_gpu_get_capset_info) == 32, "get_capset_info layout");
_Static_assert(sizeof(struct virtio_gpu_resp_capset_info) == 40, "resp_capset_info layout");
_Static_assert(sizeof(struct virtio_gpu_get_capset) == 32, "get_capset layout");
_Static_assert(sizeof(struct virtio_gpu_ctx_create) == 96, "ctx_create layout");
_Static_assert(sizeof(struct virtio_gpu_ctx_destroy) == 24, "ctx_destroy layout");
_Static_assert(sizeof(struct virtio_gpu_ctx_resource) == 32, "ctx_resource layout");
_Static_assert(sizeof(struct virtio_gpu_resource_create_3d) == 72, "resource_create_3d layout");
_Static_assert(sizeof(struct virtio_gpu_box) == 24, "box layout");
_Static_assert(sizeof(struct virtio_gpu_transfer_host_3d) == 72, "transfer_host_3d layout");
_Static_assert(sizeof(struct virtio_gpu_cmd_submit) == 32, "cmd_submit layout");

#endif /* VIRTIO_GPU_PROTO3D_H */
