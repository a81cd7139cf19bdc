/*
 * virgl_proto.h — the numbers of the virgl command stream and of gallium state the core uses.
 *
 * Facts from virglrenderer's protocol headers (src/virgl_protocol.h, src/virgl_hw.h) and
 * gallium's p_defines.h; only what the encoder and the resource checks need is here.  A command
 * is a header dword — command in bits 0-7, object type in bits 8-15, payload length in dwords in
 * bits 16-31 — followed by that many payload dwords.
 */
#ifndef VIRGL_PROTO_H
#define VIRGL_PROTO_H

#define VIRGL_CMD_HDR(cmd, obj, len) ((uint32_t)(cmd) | ((uint32_t)(obj) << 8) | ((uint32_t)(len) << 16))
#define VIRGL_CMD_MAX_LEN 0xffffu        /* payload dwords one header can announce */

/* Commands (enum virgl_context_cmd). */
#define VIRGL_CCMD_NOP                    0u
#define VIRGL_CCMD_CREATE_OBJECT          1u
#define VIRGL_CCMD_BIND_OBJECT            2u
#define VIRGL_CCMD_DESTROY_OBJECT         3u
#define VIRGL_CCMD_SET_VIEWPORT_STATE     4u
#define VIRGL_CCMD_SET_FRAMEBUFFER_STATE  5u
#define VIRGL_CCMD_SET_VERTEX_BUFFERS     6u
#define VIRGL_CCMD_CLEAR                  7u
#define VIRGL_CCMD_DRAW_VBO               8u
#define VIRGL_CCMD_SET_CONSTANT_BUFFER    12u
#define VIRGL_CCMD_BIND_SHADER            31u

/* Object types (enum virgl_object_type). */
#define VIRGL_OBJECT_BLEND            1u
#define VIRGL_OBJECT_RASTERIZER       2u
#define VIRGL_OBJECT_DSA              3u
#define VIRGL_OBJECT_SHADER           4u
#define VIRGL_OBJECT_VERTEX_ELEMENTS  5u
#define VIRGL_OBJECT_SURFACE          8u

/* Payload sizes in dwords. */
#define VIRGL_OBJ_BLEND_SIZE          11u   /* handle, S0, S1, S2 per colour buffer (8) */
#define VIRGL_OBJ_DSA_SIZE            5u    /* handle, S0, S1 front, S2 back, alpha ref */
#define VIRGL_OBJ_RS_SIZE             9u
#define VIRGL_OBJ_SURFACE_SIZE        5u    /* handle, resource, format, level, layers */
#define VIRGL_OBJ_SHADER_HDR_SIZE     5u    /* handle, type, offset/length, tokens, SO outputs */
#define VIRGL_OBJ_CLEAR_SIZE          8u
#define VIRGL_DRAW_VBO_SIZE           12u
#define VIRGL_MAX_COLOR_BUFS          8u
#define VIRGL_MAX_VERTEX_ELEMENTS     32u   /* PIPE_MAX_ATTRIBS */
#define VIRGL_SHADER_OFFSET_CONT      0x80000000u  /* a shader packet that continues the text */

/* Rasterizer state S0 bits. */
#define VIRGL_RS_DEPTH_CLIP           (1u << 1)
#define VIRGL_RS_FRONT_CCW            (1u << 15)
#define VIRGL_RS_HALF_PIXEL_CENTER    (1u << 29)
#define VIRGL_RS_BOTTOM_EDGE_RULE     (1u << 30)
/* Blend state S2 colour write mask (RGBA all written). */
#define VIRGL_BLEND_COLORMASK_ALL     (0xfu << 27)

/* Gallium numbers carried in the stream. */
#define PIPE_SHADER_VERTEX            0u
#define PIPE_SHADER_FRAGMENT          1u
#define PIPE_PRIM_TRIANGLES           4u
#define PIPE_CLEAR_DEPTH              (1u << 0)
#define PIPE_CLEAR_STENCIL            (1u << 1)
#define PIPE_CLEAR_COLOR0             (1u << 2)

/* Formats (enum virgl_formats) the core knows a pixel size for; 1..VIRGL_FORMAT_LAST exist. */
#define VIRGL_FORMAT_B8G8R8A8_UNORM      1u
#define VIRGL_FORMAT_B8G8R8X8_UNORM      2u
#define VIRGL_FORMAT_A8R8G8B8_UNORM      3u
#define VIRGL_FORMAT_X8R8G8B8_UNORM      4u
#define VIRGL_FORMAT_B5G6R5_UNORM        7u
#define VIRGL_FORMAT_A8_UNORM            10u
#define VIRGL_FORMAT_Z16_UNORM           16u
#define VIRGL_FORMAT_Z32_FLOAT           18u
#define VIRGL_FORMAT_Z24_UNORM_S8_UINT   19u
#define VIRGL_FORMAT_Z24X8_UNORM         21u
#define VIRGL_FORMAT_R32_FLOAT           28u
#define VIRGL_FORMAT_R32G32_FLOAT        29u
#define VIRGL_FORMAT_R32G32B32_FLOAT     30u
#define VIRGL_FORMAT_R32G32B32A32_FLOAT  31u
#define VIRGL_FORMAT_R16G16B16A16_FLOAT  94u
#define VIRGL_FORMAT_R8_UNORM            64u
#define VIRGL_FORMAT_R8G8_UNORM          65u
#define VIRGL_FORMAT_R8G8B8A8_UNORM      67u
#define VIRGL_FORMAT_X8B8G8R8_UNORM      68u
#define VIRGL_FORMAT_A8B8G8R8_UNORM      121u
#define VIRGL_FORMAT_R8G8B8X8_UNORM      134u
#define VIRGL_FORMAT_LAST                312u  /* VIRGL_FORMAT_R8_SRGB, the highest defined */

/* Bind flags (VIRGL_BIND_*). */
#define VIRGL_BIND_DEPTH_STENCIL     (1u << 0)
#define VIRGL_BIND_RENDER_TARGET     (1u << 1)
#define VIRGL_BIND_SAMPLER_VIEW      (1u << 3)
#define VIRGL_BIND_VERTEX_BUFFER     (1u << 4)
#define VIRGL_BIND_INDEX_BUFFER      (1u << 5)
#define VIRGL_BIND_CONSTANT_BUFFER   (1u << 6)
#define VIRGL_BIND_DISPLAY_TARGET    (1u << 7)
#define VIRGL_BIND_COMMAND_ARGS      (1u << 8)
#define VIRGL_BIND_STREAM_OUTPUT     (1u << 11)
#define VIRGL_BIND_SHADER_BUFFER     (1u << 14)
#define VIRGL_BIND_QUERY_BUFFER      (1u << 15)
#define VIRGL_BIND_CURSOR            (1u << 16)
#define VIRGL_BIND_CUSTOM            (1u << 17)
#define VIRGL_BIND_SCANOUT           (1u << 18)
#define VIRGL_BIND_STAGING           (1u << 19)
#define VIRGL_BIND_SHARED            (1u << 20)
#define VIRGL_BIND_LINEAR            (1u << 22)
#define VIRGL_BIND_KNOWN  (VIRGL_BIND_DEPTH_STENCIL | VIRGL_BIND_RENDER_TARGET | VIRGL_BIND_SAMPLER_VIEW | \
                           VIRGL_BIND_BUFFER_ONLY | VIRGL_BIND_DISPLAY_TARGET | VIRGL_BIND_CURSOR | \
                           VIRGL_BIND_CUSTOM | VIRGL_BIND_SCANOUT | VIRGL_BIND_STAGING | \
                           VIRGL_BIND_SHARED | VIRGL_BIND_LINEAR)
/* Binds only a buffer can have: vertex, index, constant, command args, stream output, shader, query. */
#define VIRGL_BIND_BUFFER_ONLY (VIRGL_BIND_VERTEX_BUFFER | VIRGL_BIND_INDEX_BUFFER | \
                                VIRGL_BIND_CONSTANT_BUFFER | VIRGL_BIND_COMMAND_ARGS | \
                                VIRGL_BIND_STREAM_OUTPUT | VIRGL_BIND_SHADER_BUFFER | VIRGL_BIND_QUERY_BUFFER)

#define VIRGL_RESOURCE_Y_0_TOP       (1u << 0)

#endif /* VIRGL_PROTO_H */
