/* virgl_enc.c — virgl command stream encoder: one small function per command. */
#include "virgl_enc.h"

#include "base/le.h"
#include "base/util.h"
#include "gpu/vgpu.h"
#include "gpu3d/virgl_proto.h"

/* Text bytes one shader packet can carry: a full payload minus the shader header. */
#define SHADER_CHUNK_BYTES ((VIRGL_CMD_MAX_LEN - VIRGL_OBJ_SHADER_HDR_SIZE) * 4u)

void virgl_enc_init(struct virgl_enc *e, uint32_t *buf, uint32_t cap_dwords)
{
    e->buf = buf;
    e->cap = buf ? cap_dwords : 0;
    e->len = 0;
    e->status = VGPU_OK;
}

int virgl_enc_status(const struct virgl_enc *e)
{
    return e->status;
}

uint32_t virgl_enc_bytes(const struct virgl_enc *e)
{
    return e->len * 4u;
}

static void fail(struct virgl_enc *e, int status)
{
    if (e->status == VGPU_OK)
        e->status = status;
}

/* Write the header and return room for `len` payload dwords (zeroed), or NULL after an error. */
static uint32_t *begin(struct virgl_enc *e, uint32_t cmd, uint32_t obj, uint32_t len)
{
    uint32_t *p;

    if (e->status != VGPU_OK)
        return NULL;
    if (len > VIRGL_CMD_MAX_LEN) {
        fail(e, VGPU_E_INVAL);
        return NULL;
    }
    if (e->cap - e->len < len + 1u) {
        fail(e, VGPU_E_NOMEM);
        return NULL;
    }
    p = e->buf + e->len;
    p[0] = vgpu_le32(VIRGL_CMD_HDR(cmd, obj, len));
    vgpu_zero(p + 1, (size_t)len * 4u);
    e->len += len + 1u;
    return p + 1;
}

static void put(uint32_t *p, uint32_t v)
{
    *p = vgpu_le32(v);
}

void virgl_enc_nop(struct virgl_enc *e, uint32_t dwords)
{
    begin(e, VIRGL_CCMD_NOP, 0, dwords);
}

void virgl_enc_create_surface(struct virgl_enc *e, uint32_t handle, uint32_t res, uint32_t format,
                              uint32_t level, uint32_t first_layer, uint32_t last_layer)
{
    uint32_t *p;

    if (first_layer > 0xffffu || last_layer > 0xffffu || first_layer > last_layer) {
        fail(e, VGPU_E_INVAL);
        return;
    }
    if (!(p = begin(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SURFACE, VIRGL_OBJ_SURFACE_SIZE)))
        return;
    put(&p[0], handle);
    put(&p[1], res);
    put(&p[2], format);
    put(&p[3], level);
    put(&p[4], first_layer | last_layer << 16);
}

static uint32_t text_length(const char *s)
{
    uint32_t n = 0;
    while (s[n] && n < UINT32_MAX / 2u)
        n++;
    return n + 1u;   /* the host wants the terminating NUL inside the stream */
}

/* One packet of shader text: [handle][type][length or CONT|offset][tokens][0 SO outputs][text]. */
static void shader_packet(struct virgl_enc *e, uint32_t handle, uint32_t type, uint32_t offlen,
                          uint32_t num_tokens, const char *text, uint32_t bytes)
{
    uint32_t *p = begin(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_SHADER,
                        VIRGL_OBJ_SHADER_HDR_SIZE + (bytes + 3u) / 4u);
    if (!p)
        return;
    put(&p[0], handle);
    put(&p[1], type);
    put(&p[2], offlen);
    put(&p[3], num_tokens);
    vgpu_copy(p + VIRGL_OBJ_SHADER_HDR_SIZE, text, bytes);   /* tail bytes stay zero */
}

void virgl_enc_create_shader(struct virgl_enc *e, uint32_t handle, uint32_t type, const char *tgsi,
                             uint32_t num_tokens)
{
    uint32_t total, off;

    if (!tgsi || (total = text_length(tgsi)) > VIRGL_SHADER_OFFSET_CONT - 1u) {
        fail(e, VGPU_E_INVAL);
        return;
    }
    for (off = 0; off < total && e->status == VGPU_OK; off += SHADER_CHUNK_BYTES) {
        uint32_t bytes = VGPU_MIN(total - off, SHADER_CHUNK_BYTES);
        uint32_t offlen = off == 0 ? total : VIRGL_SHADER_OFFSET_CONT | off;
        shader_packet(e, handle, type, offlen, num_tokens, tgsi + off, bytes);
    }
}

void virgl_enc_create_blend(struct virgl_enc *e, uint32_t handle, uint32_t s0, uint32_t s1,
                            const uint32_t rt[8])
{
    uint32_t *p = begin(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_BLEND, VIRGL_OBJ_BLEND_SIZE);
    uint32_t i;

    if (!p)
        return;
    put(&p[0], handle);
    put(&p[1], s0);
    put(&p[2], s1);
    for (i = 0; i < VIRGL_MAX_COLOR_BUFS; i++)
        put(&p[3 + i], rt[i]);
}

void virgl_enc_create_rasterizer(struct virgl_enc *e, uint32_t handle, uint32_t s0,
                                 uint32_t point_size_bits, uint32_t line_width_bits)
{
    uint32_t *p = begin(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_RASTERIZER, VIRGL_OBJ_RS_SIZE);

    if (!p)
        return;
    put(&p[0], handle);
    put(&p[1], s0);
    put(&p[2], point_size_bits);
    put(&p[5], line_width_bits);   /* after sprite coord enable and S3 */
}

void virgl_enc_create_dsa(struct virgl_enc *e, uint32_t handle, uint32_t s0, uint32_t stencil_front,
                          uint32_t stencil_back, uint32_t alpha_ref_bits)
{
    uint32_t *p = begin(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_DSA, VIRGL_OBJ_DSA_SIZE);

    if (!p)
        return;
    put(&p[0], handle);
    put(&p[1], s0);
    put(&p[2], stencil_front);
    put(&p[3], stencil_back);
    put(&p[4], alpha_ref_bits);
}

void virgl_enc_create_vertex_elements(struct virgl_enc *e, uint32_t handle, uint32_t n,
                                      const struct virgl_vertex_element *ve)
{
    uint32_t *p, i;

    if (n > VIRGL_MAX_VERTEX_ELEMENTS) {
        fail(e, VGPU_E_INVAL);
        return;
    }
    if (!(p = begin(e, VIRGL_CCMD_CREATE_OBJECT, VIRGL_OBJECT_VERTEX_ELEMENTS, 1u + 4u * n)))
        return;
    put(&p[0], handle);
    for (i = 0; i < n; i++) {
        put(&p[1 + 4 * i], ve[i].src_offset);
        put(&p[2 + 4 * i], ve[i].instance_divisor);
        put(&p[3 + 4 * i], ve[i].vertex_buffer_index);
        put(&p[4 + 4 * i], ve[i].src_format);
    }
}

void virgl_enc_bind_object(struct virgl_enc *e, uint32_t type, uint32_t handle)
{
    uint32_t *p = begin(e, VIRGL_CCMD_BIND_OBJECT, type, 1);
    if (p)
        put(&p[0], handle);
}

void virgl_enc_bind_shader(struct virgl_enc *e, uint32_t handle, uint32_t type)
{
    uint32_t *p = begin(e, VIRGL_CCMD_BIND_SHADER, 0, 2);
    if (!p)
        return;
    put(&p[0], handle);
    put(&p[1], type);
}

void virgl_enc_destroy_object(struct virgl_enc *e, uint32_t type, uint32_t handle)
{
    uint32_t *p = begin(e, VIRGL_CCMD_DESTROY_OBJECT, type, 1);
    if (p)
        put(&p[0], handle);
}

void virgl_enc_set_framebuffer(struct virgl_enc *e, uint32_t nr_cbufs, const uint32_t *cbufs,
                               uint32_t zsurf)
{
    uint32_t *p, i;

    if (nr_cbufs > VIRGL_MAX_COLOR_BUFS) {
        fail(e, VGPU_E_INVAL);
        return;
    }
    if (!(p = begin(e, VIRGL_CCMD_SET_FRAMEBUFFER_STATE, 0, 2u + nr_cbufs)))
        return;
    put(&p[0], nr_cbufs);
    put(&p[1], zsurf);
    for (i = 0; i < nr_cbufs; i++)
        put(&p[2 + i], cbufs[i]);
}

/* One viewport, slot 0: window = ndc * scale + translate, per axis. */
void virgl_enc_set_viewport(struct virgl_enc *e, const uint32_t scale_bits[3],
                            const uint32_t translate_bits[3])
{
    uint32_t *p = begin(e, VIRGL_CCMD_SET_VIEWPORT_STATE, 0, 7);
    uint32_t i;

    if (!p)
        return;
    put(&p[0], 0);
    for (i = 0; i < 3; i++) {
        put(&p[1 + i], scale_bits[i]);
        put(&p[4 + i], translate_bits[i]);
    }
}

void virgl_enc_set_vertex_buffers(struct virgl_enc *e, uint32_t n, const struct virgl_vertex_buffer *vb)
{
    uint32_t *p, i;

    if (n > VIRGL_MAX_VERTEX_ELEMENTS) {
        fail(e, VGPU_E_INVAL);
        return;
    }
    if (!(p = begin(e, VIRGL_CCMD_SET_VERTEX_BUFFERS, 0, 3u * n)))
        return;
    for (i = 0; i < n; i++) {
        put(&p[3 * i], vb[i].stride);
        put(&p[3 * i + 1], vb[i].offset);
        put(&p[3 * i + 2], vb[i].res);
    }
}

void virgl_enc_set_constants(struct virgl_enc *e, uint32_t shader, uint32_t n, const uint32_t *data)
{
    uint32_t *p, i;

    if (n > VIRGL_CMD_MAX_LEN - 2u) {
        fail(e, VGPU_E_INVAL);
        return;
    }
    if (!(p = begin(e, VIRGL_CCMD_SET_CONSTANT_BUFFER, 0, 2u + n)))
        return;
    put(&p[0], shader);
    put(&p[1], 0);   /* index: only the default buffer exists */
    for (i = 0; i < n; i++)
        put(&p[2 + i], data[i]);
}

void virgl_enc_clear(struct virgl_enc *e, uint32_t buffers, const uint32_t rgba_bits[4],
                     uint64_t depth_bits, uint32_t stencil)
{
    uint32_t *p = begin(e, VIRGL_CCMD_CLEAR, 0, VIRGL_OBJ_CLEAR_SIZE);
    uint32_t i;

    if (!p)
        return;
    put(&p[0], buffers);
    for (i = 0; i < 4; i++)
        put(&p[1 + i], rgba_bits[i]);
    put(&p[5], (uint32_t)depth_bits);          /* a double, low word first */
    put(&p[6], (uint32_t)(depth_bits >> 32));
    put(&p[7], stencil);
}

void virgl_enc_draw_arrays(struct virgl_enc *e, uint32_t mode, uint32_t start, uint32_t count)
{
    uint32_t *p = begin(e, VIRGL_CCMD_DRAW_VBO, 0, VIRGL_DRAW_VBO_SIZE);

    if (!p)
        return;
    put(&p[0], start);
    put(&p[1], count);
    put(&p[2], mode);
    put(&p[3], 0);                              /* not indexed */
    put(&p[4], 1);                              /* one instance */
    put(&p[9], start);                          /* min index */
    put(&p[10], count ? start + count - 1u : start);   /* max index */
}
