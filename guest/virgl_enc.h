/*
 * virgl_enc.h — a small encoder for the virgl command stream (the payload of SUBMIT_3D).
 *
 * The encoder writes dwords into the caller's buffer.  Errors are sticky: once a command does
 * not fit (VGPU_E_NOMEM) or has an argument the protocol cannot carry (VGPU_E_INVAL), nothing
 * more is written and virgl_enc_status() reports the first error, so a caller encodes a whole
 * batch and checks once.  A command is never written half.
 *
 * Floats travel as IEEE-754 bit patterns (uint32_t) computed by the caller: the core does no
 * float arithmetic (the kext is built with -mkernel).  Object handles are the caller's: any
 * non-zero number unique among the context's live objects.
 */
#ifndef VIRGL_ENC_H
#define VIRGL_ENC_H

#include <stdbool.h>
#include <stdint.h>

struct virgl_enc {
    uint32_t *buf;
    uint32_t cap;        /* dwords the buffer holds */
    uint32_t len;        /* dwords written */
    int      status;     /* VGPU_OK until the first error */
};

struct virgl_vertex_element {
    uint32_t src_offset;
    uint32_t instance_divisor;
    uint32_t vertex_buffer_index;
    uint32_t src_format;          /* VIRGL_FORMAT_* */
};

struct virgl_vertex_buffer {
    uint32_t stride;
    uint32_t offset;
    uint32_t res;                 /* resource id of a buffer with VIRGL_BIND_VERTEX_BUFFER */
};

void     virgl_enc_init(struct virgl_enc *e, uint32_t *buf, uint32_t cap_dwords);
int      virgl_enc_status(const struct virgl_enc *e);
uint32_t virgl_enc_bytes(const struct virgl_enc *e);

/* `dwords` payload dwords of zero: the host skips them (padding, benchmarks). */
void virgl_enc_nop(struct virgl_enc *e, uint32_t dwords);

/* ---- objects ---- */
void virgl_enc_create_surface(struct virgl_enc *e, uint32_t handle, uint32_t res, uint32_t format,
                              uint32_t level, uint32_t first_layer, uint32_t last_layer);
/* TGSI text; split into continuation packets when longer than one command can carry. */
void virgl_enc_create_shader(struct virgl_enc *e, uint32_t handle, uint32_t type, const char *tgsi,
                             uint32_t num_tokens);
/* s0/s1: VIRGL_OBJ_BLEND_S0/S1 bits; rt: one S2 word per colour buffer. */
void virgl_enc_create_blend(struct virgl_enc *e, uint32_t handle, uint32_t s0, uint32_t s1,
                            const uint32_t rt[8]);
/* s0: VIRGL_RS_* bits; the other fields zero except point size and line width (float bits). */
void virgl_enc_create_rasterizer(struct virgl_enc *e, uint32_t handle, uint32_t s0,
                                 uint32_t point_size_bits, uint32_t line_width_bits);
void virgl_enc_create_dsa(struct virgl_enc *e, uint32_t handle, uint32_t s0, uint32_t stencil_front,
                          uint32_t stencil_back, uint32_t alpha_ref_bits);
void virgl_enc_create_vertex_elements(struct virgl_enc *e, uint32_t handle, uint32_t n,
                                      const struct virgl_vertex_element *ve);
/* Blend, rasterizer, DSA and vertex elements are bound this way; shaders with bind_shader. */
void virgl_enc_bind_object(struct virgl_enc *e, uint32_t type, uint32_t handle);
void virgl_enc_bind_shader(struct virgl_enc *e, uint32_t handle, uint32_t type);
void virgl_enc_destroy_object(struct virgl_enc *e, uint32_t type, uint32_t handle);

/* ---- state ---- */
void virgl_enc_set_framebuffer(struct virgl_enc *e, uint32_t nr_cbufs, const uint32_t *cbufs,
                               uint32_t zsurf);
void virgl_enc_set_viewport(struct virgl_enc *e, const uint32_t scale_bits[3],
                            const uint32_t translate_bits[3]);
void virgl_enc_set_vertex_buffers(struct virgl_enc *e, uint32_t n, const struct virgl_vertex_buffer *vb);
/* The default constant buffer of a shader stage: n dwords (four per vec4). */
void virgl_enc_set_constants(struct virgl_enc *e, uint32_t shader, uint32_t n, const uint32_t *data);

/* ---- drawing ---- */
void virgl_enc_clear(struct virgl_enc *e, uint32_t buffers, const uint32_t rgba_bits[4],
                     uint64_t depth_bits, uint32_t stencil);
void virgl_enc_draw_arrays(struct virgl_enc *e, uint32_t mode, uint32_t start, uint32_t count);

#endif /* VIRGL_ENC_H */
