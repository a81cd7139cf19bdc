/*
 * edid.c — EDID base-block parser.  Section numbers refer to VESA E-EDID Release A.2 (EDID 1.4);
 * where EDID 1.0-1.2 differ the difference is noted at the code that handles it.
 */
#include "gpu/edid.h"

#include "base/util.h"
#include "gpu/vgpu.h"

/* Base block layout (E-EDID 1.4 section 3.1, table 3.1). */
enum {
    EDID_VERSION     = 18,
    EDID_REVISION    = 19,
    EDID_FEATURES    = 24,
    EDID_ESTABLISHED = 35,   /* bytes 35-37: established timings I, II, manufacturer's */
    EDID_STANDARD    = 38,   /* 8 two-byte standard timings */
    EDID_DESCRIPTORS = 54,   /* 4 eighteen-byte descriptors */
    EDID_EXTENSIONS  = 126,
};
#define EDID_NSTANDARD      8
#define EDID_NDESCRIPTORS   4
#define EDID_DESCRIPTOR_LEN 18
#define EDID_TAG_NAME       0xFC  /* display product name descriptor (section 3.10.3.4) */
#define FEATURE_PREFERRED   0x02  /* byte 24 bit 1: first detailed timing is the preferred one */

/* A detailed timing's 12-bit active fields bound every size we can produce (frame height of an
 * interlaced mode is twice the field's), so no parsed mode can exceed the core's limit. */
_Static_assert(4095 * 2 <= VGPU_MAX_DIMENSION, "EDID sizes fit the core's dimension limit");

static const uint8_t edid_header[8] = { 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00 };

/* Established timings I and II and the manufacturer's timing (section 3.8, table 3.18), in bit
 * order: byte 35 bit 7 first, byte 37 bit 7 last.  Refresh is the nominal rate. */
struct established { uint16_t width, height; uint8_t hz; };
static const struct established established_timings[17] = {
    { 720, 400, 70 }, { 720, 400, 88 }, { 640, 480, 60 }, { 640, 480, 67 },
    { 640, 480, 72 }, { 640, 480, 75 }, { 800, 600, 56 }, { 800, 600, 60 },
    { 800, 600, 72 }, { 800, 600, 75 }, { 832, 624, 75 }, { 1024, 768, 87 }, /* 87 Hz interlaced */
    { 1024, 768, 60 }, { 1024, 768, 70 }, { 1024, 768, 75 }, { 1280, 1024, 75 },
    { 1152, 870, 75 },
};

static bool header_ok(const uint8_t *b)
{
    for (size_t i = 0; i < sizeof(edid_header); i++)
        if (b[i] != edid_header[i])
            return false;
    return true;
}

/* Section 3.11: all 128 bytes of a block sum to 0 modulo 256. */
static bool checksum_ok(const uint8_t *b)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < VGPU_EDID_BLOCK; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum == 0;
}

/* EDID 1.3 onwards (section 3.3: revision byte 19 >= 3) */
static bool edid_13_or_later(const struct vgpu_edid_info *info)
{
    return info->revision >= 3;
}

static void add_mode(struct vgpu_edid_info *info, uint32_t w, uint32_t h, uint32_t refresh_mhz,
                     bool preferred)
{
    for (uint32_t i = 0; i < info->nmodes; i++) {
        const struct vgpu_edid_mode *m = &info->modes[i];
        if (m->width == w && m->height == h && m->refresh_mhz == refresh_mhz)
            return;
    }
    if (info->nmodes >= VGPU_EDID_MAX_MODES)
        return;
    info->modes[info->nmodes++] = (struct vgpu_edid_mode){ w, h, refresh_mhz, preferred };
}

/* ---- detailed timing descriptors (section 3.10.2, table 3.21) ---- */

static bool is_detailed_timing(const uint8_t *d)
{
    return d[0] != 0 || d[1] != 0;   /* a zero pixel clock marks a display descriptor */
}

/*
 * Field rate in mHz = pixel clock / pixels per field, in 64-bit math.  An interlaced field has
 * half a line more than its vtotal says (fields alternate vtotal and vtotal + 1 lines), so we
 * divide twice the clock by the lines of two fields.  Tiny bogus totals give absurd rates: clamp.
 */
static uint32_t refresh_mhz(uint32_t clock_10khz, uint32_t htotal, uint32_t vtotal, bool interlaced)
{
    uint64_t two_fields = (uint64_t)htotal * (2u * (uint64_t)vtotal + (interlaced ? 1u : 0u));
    uint64_t mhz;

    if (two_fields == 0)
        return 0;
    mhz = (uint64_t)clock_10khz * 10000u * 1000u * 2u / two_fields;
    return mhz > UINT32_MAX ? UINT32_MAX : (uint32_t)mhz;
}

/*
 * One detailed timing.  Fields are 12 bits: low 8 in their own byte, high 4 in a shared nibble.
 * An interlaced timing (byte 17 bit 7) describes one field: the frame is twice as tall and the
 * rate we report is the field rate (1080i60 gives 60 Hz), as edid-decode and Linux do.
 */
static int parse_detailed_timing(const uint8_t *d, struct vgpu_edid_info *info, bool preferred)
{
    uint32_t clock = (uint32_t)d[0] | (uint32_t)d[1] << 8;
    uint32_t hactive = d[2] | (uint32_t)(d[4] & 0xF0) << 4;
    uint32_t hblank  = d[3] | (uint32_t)(d[4] & 0x0F) << 8;
    uint32_t vactive = d[5] | (uint32_t)(d[7] & 0xF0) << 4;
    uint32_t vblank  = d[6] | (uint32_t)(d[7] & 0x0F) << 8;
    bool interlaced = (d[17] & 0x80) != 0;

    if (hactive == 0 || vactive == 0)
        return VGPU_E_PROTO;
    add_mode(info, hactive, interlaced ? 2 * vactive : vactive,
             refresh_mhz(clock, hactive + hblank, vactive + vblank, interlaced), preferred);
    return VGPU_OK;
}

/* The whole timing of a progressive detailed timing descriptor: sync fields are split between
 * their own bytes and shared nibbles (bytes 8-11); polarities mean something only for digital
 * separate sync (byte 17 bits 4-3 = 11), else we report negative. */
static void decode_detailed_timing(const uint8_t *d, struct vgpu_timing *t)
{
    bool digital_separate = (d[17] & 0x18) == 0x18;

    t->pixel_clock_hz = ((uint64_t)d[0] | (uint64_t)d[1] << 8) * 10000u;
    t->h_active = d[2] | (uint32_t)(d[4] & 0xF0) << 4;
    t->h_blank = d[3] | (uint32_t)(d[4] & 0x0F) << 8;
    t->v_active = d[5] | (uint32_t)(d[7] & 0xF0) << 4;
    t->v_blank = d[6] | (uint32_t)(d[7] & 0x0F) << 8;
    t->h_sync_offset = d[8] | (uint32_t)(d[11] & 0xC0) << 2;
    t->h_sync_width = d[9] | (uint32_t)(d[11] & 0x30) << 4;
    t->v_sync_offset = (uint32_t)(d[10] >> 4) | (uint32_t)(d[11] & 0x0C) << 2;
    t->v_sync_width = (uint32_t)(d[10] & 0x0F) | (uint32_t)(d[11] & 0x03) << 4;
    t->h_sync_positive = digital_separate && (d[17] & 0x02);
    t->v_sync_positive = digital_separate && (d[17] & 0x04);
}

/* Name text: up to 13 bytes, ended by 0x0A and padded with spaces (section 3.10.3.4). */
static void copy_name(const uint8_t *text, char name[14])
{
    size_t n = 0;
    while (n < 13 && text[n] != 0x0A && text[n] != 0x00) {
        uint8_t c = text[n];
        name[n++] = (c >= 0x20 && c <= 0x7E) ? (char)c : '?';   /* the host's bytes reach logs */
    }
    while (n > 0 && name[n - 1] == ' ')
        n--;
    name[n] = '\0';
}

/*
 * The preferred timing is the first detailed timing.  From EDID 1.3 it always is (1.3 requires
 * feature bit 1, 1.4 redefines the bit and makes the first timing preferred unconditionally);
 * before 1.3 it is preferred only when feature bit 1 says so.
 */
static int parse_descriptors(const uint8_t *b, struct vgpu_edid_info *info)
{
    bool preferred = edid_13_or_later(info) || (b[EDID_FEATURES] & FEATURE_PREFERRED);
    bool have_name = false;

    for (int i = 0; i < EDID_NDESCRIPTORS; i++) {
        const uint8_t *d = b + EDID_DESCRIPTORS + i * EDID_DESCRIPTOR_LEN;
        if (is_detailed_timing(d)) {
            int rc = parse_detailed_timing(d, info, preferred);
            if (rc != VGPU_OK)
                return rc;
            preferred = false;
        } else if (d[3] == EDID_TAG_NAME && !have_name) {
            copy_name(d + 5, info->name);
            have_name = true;
        }
    }
    return VGPU_OK;
}

/* ---- standard timings (section 3.9, table 3.19) ---- */

/* Height from the aspect code in bits 7-6.  Code 00 is 16:10 from EDID 1.3, 1:1 before it. */
static uint32_t standard_height(uint32_t width, uint8_t aspect, bool edid13)
{
    switch (aspect) {
    case 0:  return edid13 ? width * 10 / 16 : width;
    case 1:  return width * 3 / 4;
    case 2:  return width * 4 / 5;
    default: return width * 9 / 16;
    }
}

static void parse_standard_timings(const uint8_t *b, struct vgpu_edid_info *info)
{
    for (int i = 0; i < EDID_NSTANDARD; i++) {
        const uint8_t *s = b + EDID_STANDARD + 2 * i;
        if ((s[0] == 0x01 && s[1] == 0x01) || s[0] == 0x00)
            continue;   /* 01 01 marks an unused slot; a 00 width byte is reserved */
        uint32_t width = ((uint32_t)s[0] + 31) * 8;
        uint32_t height = standard_height(width, s[1] >> 6, edid_13_or_later(info));
        add_mode(info, width, height, ((uint32_t)(s[1] & 0x3F) + 60) * 1000, false);
    }
}

static void parse_established_timings(const uint8_t *b, struct vgpu_edid_info *info)
{
    for (size_t i = 0; i < VGPU_ARRAY_SIZE(established_timings); i++) {
        if (b[EDID_ESTABLISHED + i / 8] & (0x80 >> (i % 8))) {
            const struct established *e = &established_timings[i];
            add_mode(info, e->width, e->height, e->hz * 1000u, false);
        }
    }
}

/* ---- the whole blob ---- */

static int check_base_block(const uint8_t *b, size_t len)
{
    if (len < VGPU_EDID_BLOCK || len > VGPU_EDID_MAX_LEN)
        return VGPU_E_PROTO;
    if (!header_ok(b) || !checksum_ok(b))
        return VGPU_E_PROTO;
    if (b[EDID_VERSION] != 1)   /* EDID 2.0 is another structure; we read 1.x only */
        return VGPU_E_PROTO;
    return VGPU_OK;
}

static int parse_base_block(const uint8_t *b, size_t len, struct vgpu_edid_info *info)
{
    size_t supplied = len / VGPU_EDID_BLOCK - 1;   /* whole extension blocks present */
    int rc;

    info->manufacturer = (uint16_t)(b[8] << 8 | b[9]);
    info->product = (uint16_t)(b[10] | b[11] << 8);
    info->version = b[EDID_VERSION];
    info->revision = b[EDID_REVISION];
    info->extensions = VGPU_MIN((uint32_t)b[EDID_EXTENSIONS], (uint32_t)supplied);
    rc = parse_descriptors(b, info);   /* first: the preferred timing must be modes[0] */
    if (rc != VGPU_OK)
        return rc;
    parse_standard_timings(b, info);
    parse_established_timings(b, info);
    return VGPU_OK;
}

int vgpu_edid_timing(const uint8_t *edid, size_t len, uint32_t width, uint32_t height,
                     struct vgpu_timing *out)
{
    if (!edid || !out || check_base_block(edid, len) != VGPU_OK)
        return VGPU_E_INVAL;
    for (int i = 0; i < EDID_NDESCRIPTORS; i++) {
        const uint8_t *d = edid + EDID_DESCRIPTORS + i * EDID_DESCRIPTOR_LEN;
        struct vgpu_timing t;
        if (!is_detailed_timing(d) || (d[17] & 0x80))
            continue;
        decode_detailed_timing(d, &t);
        if (t.h_active == width && t.v_active == height) {
            *out = t;
            return VGPU_OK;
        }
    }
    return VGPU_E_UNSUPPORTED;
}

int vgpu_edid_parse(const uint8_t *edid, size_t len, struct vgpu_edid_info *out)
{
    int rc;

    if (!out)
        return VGPU_E_INVAL;
    vgpu_zero(out, sizeof(*out));
    if (!edid)
        return VGPU_E_INVAL;
    rc = check_base_block(edid, len);
    if (rc == VGPU_OK)
        rc = parse_base_block(edid, len, out);
    if (rc != VGPU_OK) {
        vgpu_zero(out, sizeof(*out));   /* never leave a half-parsed result behind */
        return rc;
    }
    out->valid = true;
    return VGPU_OK;
}
