/*
 * edid.c — a VESA EDID 1.4 generator for the software device: one base block (detailed timing
 * for the preferred size, standard and established timings, range limits, a name) and an
 * optional empty CTA-861 extension, as QEMU's generator also appends one.
 *
 * Written from the EDID 1.4 layout; it shares nothing with the core's parser on purpose.
 *
 * Mode content, for tests: the preferred size is the first detailed timing (about 60 Hz,
 * reduced blanking).  Established timings 640x480, 800x600 and 1024x768 (60 Hz) and the
 * standard timings below are listed when they fit inside the preferred size (both dimensions)
 * and differ from it.
 */
#include <string.h>

#include "sim.h"

#define DESC_BASE   54
#define DESC_SIZE   18
#define STD_BASE    38
#define STD_SLOTS   8
#define H_BLANK     160u   /* CVT reduced blanking: front porch 48, sync 32, back porch 80 */
#define H_FRONT     48u
#define H_SYNC      32u
#define V_FRONT     3u
#define V_SYNC      6u
#define V_BLANK_MIN 23u

struct std_mode { uint16_t w, h; uint8_t aspect; };  /* aspect code: 0 16:10, 1 4:3, 2 5:4, 3 16:9 */
static const struct std_mode std_modes[] = {
    { 1920, 1080, 3 }, { 1680, 1050, 0 }, { 1600, 1200, 1 }, { 1440, 900, 0 },
    { 1280, 1024, 2 }, { 1280, 960, 1 },  { 1280, 720, 3 },  { 1152, 864, 1 },
};

static void put_le16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static void header_and_identity(uint8_t *b, uint32_t w, uint32_t h)
{
    static const uint8_t magic[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
    uint32_t wcm = w * 254u / 9600u, hcm = h * 254u / 9600u;   /* 96 dpi */

    memcpy(b, magic, sizeof(magic));
    b[8] = (uint8_t)((('S' - '@') << 2) | (('I' - '@') >> 3));    /* "SIM", 5 bits a letter */
    b[9] = (uint8_t)((('I' - '@') << 5) | ('M' - '@'));
    put_le16(b + 10, 0x0001);                                    /* product code */
    b[16] = 1;                                                   /* week */
    b[17] = 2024 - 1990;
    b[18] = 1;                                                   /* EDID 1.4 */
    b[19] = 4;
    b[20] = 0xa5;            /* digital, 8 bits per colour, DisplayPort */
    b[21] = (uint8_t)(wcm < 1 ? 1 : wcm > 255 ? 255 : wcm);
    b[22] = (uint8_t)(hcm < 1 ? 1 : hcm > 255 ? 255 : hcm);
    b[23] = 120;             /* gamma 2.2 */
    b[24] = 0x06;            /* sRGB default; preferred timing is native */
}

/* sRGB primaries and D65 white as 10-bit fractions: low bits packed in 25-26, high in 27-34. */
static void chromaticity(uint8_t *b)
{
    static const uint16_t xy[8] = { 655, 338, 307, 614, 154, 61, 320, 337 };

    b[25] = (uint8_t)((xy[0] & 3) << 6 | (xy[1] & 3) << 4 | (xy[2] & 3) << 2 | (xy[3] & 3));
    b[26] = (uint8_t)((xy[4] & 3) << 6 | (xy[5] & 3) << 4 | (xy[6] & 3) << 2 | (xy[7] & 3));
    for (int i = 0; i < 8; i++)
        b[27 + i] = (uint8_t)(xy[i] >> 2);
}

static bool fits(uint32_t mw, uint32_t mh, uint32_t w, uint32_t h)
{
    return mw <= w && mh <= h && !(mw == w && mh == h);
}

static void established_and_standard(uint8_t *b, uint32_t w, uint32_t h)
{
    int slot = 0;

    b[35] = (uint8_t)((fits(640, 480, w, h) ? 0x20 : 0) | (fits(800, 600, w, h) ? 0x01 : 0));
    b[36] = fits(1024, 768, w, h) ? 0x08 : 0;
    b[37] = 0;
    for (size_t i = 0; i < sizeof(std_modes) / sizeof(std_modes[0]) && slot < STD_SLOTS; i++) {
        if (!fits(std_modes[i].w, std_modes[i].h, w, h))
            continue;
        b[STD_BASE + 2 * slot] = (uint8_t)(std_modes[i].w / 8 - 31);
        b[STD_BASE + 2 * slot + 1] = (uint8_t)(std_modes[i].aspect << 6 | (60 - 60));
        slot++;
    }
    for (; slot < STD_SLOTS; slot++) {
        b[STD_BASE + 2 * slot] = 0x01;       /* unused slot */
        b[STD_BASE + 2 * slot + 1] = 0x01;
    }
}

struct timing { uint32_t pclk10k, w, h, hblank, vblank, wmm, hmm; };

/* Reduced blanking at 60 Hz, or 30 Hz when the clock would not fit in 16 bits. */
static bool compute_timing(uint32_t w, uint32_t h, struct timing *t)
{
    uint32_t vblank = h / 35u + 1u > V_BLANK_MIN ? h / 35u + 1u : V_BLANK_MIN;
    uint64_t total = (uint64_t)(w + H_BLANK) * (h + vblank);

    if (w == 0 || h == 0 || w > 4095 || h > 4095)
        return false;
    *t = (struct timing){ .w = w, .h = h, .hblank = H_BLANK, .vblank = vblank,
                          .wmm = w * 254u / 960u, .hmm = h * 254u / 960u };
    for (uint32_t hz = 60; hz >= 30; hz -= 30) {
        uint64_t pclk = (total * hz + 9999u) / 10000u;

        if (pclk <= 0xffff) {
            t->pclk10k = (uint32_t)pclk;
            return true;
        }
    }
    return false;
}

static void detailed_timing(uint8_t *d, const struct timing *t)
{
    put_le16(d, t->pclk10k);
    d[2] = (uint8_t)t->w;
    d[3] = (uint8_t)t->hblank;
    d[4] = (uint8_t)((t->w >> 8) << 4 | (t->hblank >> 8));
    d[5] = (uint8_t)t->h;
    d[6] = (uint8_t)t->vblank;
    d[7] = (uint8_t)((t->h >> 8) << 4 | (t->vblank >> 8));
    d[8] = (uint8_t)H_FRONT;
    d[9] = (uint8_t)H_SYNC;
    d[10] = (uint8_t)(V_FRONT << 4 | V_SYNC);
    d[11] = 0;                                     /* high bits of the sync fields */
    d[12] = (uint8_t)t->wmm;
    d[13] = (uint8_t)t->hmm;
    d[14] = (uint8_t)((t->wmm >> 8) << 4 | (t->hmm >> 8));
    d[17] = 0x1a;            /* digital separate sync, +hsync, -vsync */
}

static void text_descriptor(uint8_t *d, uint8_t tag, const char *text)
{
    size_t n = strlen(text);

    d[3] = tag;
    memset(d + 5, 0x20, 13);
    memcpy(d + 5, text, n);
    if (n < 13)
        d[5 + n] = 0x0a;
}

static void range_limits(uint8_t *d, const struct timing *t, bool have_timing)
{
    uint32_t hkhz = have_timing ? t->pclk10k * 10u / (t->w + t->hblank) + 1u : 0;
    uint32_t mhz10 = have_timing ? t->pclk10k / 1000u + 1u : 0;

    d[3] = 0xfd;
    d[5] = 24;                                     /* vertical 24..75 Hz */
    d[6] = 75;
    d[7] = 30;                                     /* horizontal 30.. kHz */
    d[8] = (uint8_t)(hkhz > 160 ? (hkhz > 255 ? 255 : hkhz) : 160);
    d[9] = (uint8_t)(mhz10 > 60 ? (mhz10 > 255 ? 255 : mhz10) : 60);
    d[10] = 0x01;                                  /* range limits only */
    d[11] = 0x0a;
    memset(d + 12, 0x20, 6);
}

static void checksum(uint8_t *block)
{
    uint8_t sum = 0;

    for (int i = 0; i < SIM_EDID_BLOCK - 1; i++)
        sum = (uint8_t)(sum + block[i]);
    block[SIM_EDID_BLOCK - 1] = (uint8_t)(0x100 - sum);
}

static void cta_extension(uint8_t *x)
{
    x[0] = 0x02;             /* CTA-861 tag */
    x[1] = 3;                /* revision */
    x[2] = 4;                /* no data blocks, no detailed timings */
    checksum(x);
}

size_t sim_edid_generate(uint8_t *out, size_t cap, uint32_t width, uint32_t height,
                         uint32_t extensions)
{
    struct timing t = { 0 };
    bool have_timing = compute_timing(width, height, &t);
    uint32_t ext = extensions ? 1 : 0;

    if (cap < SIM_EDID_BLOCK * (1 + ext))
        return 0;
    memset(out, 0, SIM_EDID_BLOCK * (1 + ext));
    header_and_identity(out, width, height);
    chromaticity(out);
    established_and_standard(out, width, height);
    if (have_timing)
        detailed_timing(out + DESC_BASE, &t);
    else
        out[DESC_BASE + 3] = 0x10;                 /* dummy: the size has no EDID timing */
    range_limits(out + DESC_BASE + DESC_SIZE, &t, have_timing);
    text_descriptor(out + DESC_BASE + 2 * DESC_SIZE, 0xfc, "SIM VGPU");
    out[DESC_BASE + 3 * DESC_SIZE + 3] = 0x10;     /* dummy descriptor */
    out[126] = (uint8_t)ext;
    checksum(out);
    if (ext)
        cta_extension(out + SIM_EDID_BLOCK);
    return SIM_EDID_BLOCK * (1 + ext);
}
