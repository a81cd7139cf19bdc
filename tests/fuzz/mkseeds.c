/*
 * mkseeds.c — writes the committed seed corpora (tests/fuzz/corpus/<target>/) from the software
 * device (sim/): its PCI configuration space for every layout it models, its EDIDs and display
 * layouts as response payloads, plus QEMU's own EDIDs from tests/unit/edid_samples, and short
 * tapes that steer the fixed and random sessions to each kind of fault, and a virgl capset for the
 * capset parser.  `make fuzz-seeds`.
 *   mkseeds CORPUS_DIR EDID_SAMPLES_DIR
 * Tape layouts are described next to the code that reads them (dev_*.c, session_script.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../sim/spec_wire.h"
#include "../../sim/sim.h"

#define SEED_MAX 4096

struct seed { uint8_t b[SEED_MAX]; size_t n; };

static const char *corpus;

static void put(struct seed *s, const void *p, size_t n)
{
    if (s->n + n > SEED_MAX) {
        fprintf(stderr, "mkseeds: seed too long\n");
        exit(1);
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
}

static void put8(struct seed *s, uint8_t v) { put(s, &v, 1); }
static void put16(struct seed *s, uint16_t v) { put8(s, (uint8_t)v); put8(s, (uint8_t)(v >> 8)); }
static void put32(struct seed *s, uint32_t v) { put16(s, (uint16_t)v); put16(s, (uint16_t)(v >> 16)); }
static void put64(struct seed *s, uint64_t v) { put32(s, (uint32_t)v); put32(s, (uint32_t)(v >> 32)); }

static void write_seed(const char *target, const char *name, const struct seed *s)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", corpus, target);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/%s/%s", corpus, target, name);
    f = fopen(path, "wb");
    if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* ---- fuzz_pci: the sim's configuration space, one seed per layout it models ---- */

static void *no_memory(void *ctx, uint64_t addr, uint64_t len)
{
    (void)ctx; (void)addr; (void)len;
    return NULL;
}

static uint8_t bar_code(uint64_t size)
{
    uint8_t log2 = 0;

    if (size == 0)
        return 0x40;   /* BAR absent */
    while ((1ull << log2) < size)
        log2++;
    return log2;
}

static void pci_seed(const char *name, uint32_t layout_faults)
{
    struct sim_config cfg;
    struct seed s = { .n = 0 };
    struct sim *sim;

    sim_default_config(&cfg);
    cfg.layout_faults = layout_faults;
    sim = sim_create(&cfg, no_memory, NULL);
    for (uint16_t off = 0; off < 256; off++)
        put8(&s, (uint8_t)sim_pci_read(sim, off, 1));
    for (uint8_t bar = 0; bar < 6; bar++)
        put8(&s, bar_code(sim_bar_size(sim, bar)));
    sim_destroy(sim);
    write_seed("pci", name, &s);
}

static void pci_seeds(void)
{
    static const struct { const char *name; uint32_t fault; } layouts[] = {
        { "sim-default", 0 }, { "sim-no-common-cap", SIM_LAYOUT_NO_COMMON_CAP },
        { "sim-cap-outside-bar", SIM_LAYOUT_CAP_OUTSIDE_BAR }, { "sim-bar-size-zero", SIM_LAYOUT_BAR_SIZE_ZERO },
        { "sim-cap-loop", SIM_LAYOUT_CAP_LOOP }, { "sim-no-cap-list", SIM_LAYOUT_NO_CAP_LIST },
        { "sim-wrong-device-id", SIM_LAYOUT_WRONG_DEVICE_ID }, { "sim-notify-mult-odd", SIM_LAYOUT_NOTIFY_MULT_ODD },
        { "sim-short-common", SIM_LAYOUT_SHORT_COMMON }, { "sim-cap-bad-bar", SIM_LAYOUT_CAP_BAD_BAR },
    };
    for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
        pci_seed(layouts[i].name, layouts[i].fault);
}

/* ---- fuzz_devcfg: creation-time knobs, XORed onto QEMU's values (dev_transport.c) ---- */

struct knobs {
    uint8_t quirks, quirk_arg;
    uint64_t features;
    uint16_t numq, qmax0, noff0, qmax1, noff1;
    uint8_t nvec;
    uint32_t scanouts, events;
    uint16_t w[4], h[4];
    uint8_t en[4];
};

static void devcfg_seed(const char *name, const struct knobs *k, unsigned scanouts, uint8_t mode)
{
    struct seed s = { .n = 0 };

    put8(&s, k->quirks);
    if (k->quirks & 0x02)
        put8(&s, k->quirk_arg);
    if (k->quirks & 0x10)
        put8(&s, k->quirk_arg);
    put64(&s, k->features);
    put16(&s, k->numq);
    put16(&s, k->qmax0);
    put16(&s, k->noff0);
    put16(&s, k->qmax1);
    put16(&s, k->noff1);
    put8(&s, k->nvec);
    put32(&s, k->scanouts);
    put32(&s, k->events);
    for (unsigned i = 0; i < 4 && i < scanouts; i++) {
        put16(&s, k->w[i]);
        put16(&s, k->h[i]);
        put8(&s, k->en[i]);
    }
    put8(&s, mode);
    write_seed("devcfg", name, &s);
}

/* Honest devices in each interrupt mode (one and two heads), then each quirk alone. */
static void devcfg_mode_and_quirk_seeds(void)
{
    static const char *modes[] = { "poll", "intx", "msix" };
    static const struct { const char *name; uint8_t quirks, arg; } quirks[] = {
        { "refuse-features", 0x01, 0 }, { "slow-reset", 0x02, 20 }, { "reset-never", 0x02, 255 },
        { "needs-reset-at-ok", 0x04, 0 }, { "refuse-vectors", 0x08, 0 }, { "cfggen-unstable", 0x10, 9 },
        { "events-stuck", 0x20, 0 },
    };
    struct knobs k;
    char name[64];

    for (uint8_t m = 0; m < 3; m++) {
        memset(&k, 0, sizeof(k));
        snprintf(name, sizeof(name), "honest-%s", modes[m]);
        devcfg_seed(name, &k, 1, m);
        k.scanouts = 1u ^ 2u;                        /* two heads, the second 800x600 */
        k.w[1] = 800; k.h[1] = 600; k.en[1] = 1;
        snprintf(name, sizeof(name), "two-heads-%s", modes[m]);
        devcfg_seed(name, &k, 2, m);
    }
    for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++) {
        memset(&k, 0, sizeof(k));
        k.quirks = quirks[i].quirks;
        k.quirk_arg = quirks[i].arg;
        devcfg_seed(quirks[i].name, &k, 1, 2);
    }
}

/* Features, head counts, queue shapes and pending events a device may present. */
static void devcfg_shape_seeds(void)
{
    struct knobs k;

    memset(&k, 0, sizeof(k));
    k.features = 1ull << SPEC_GPU_F_EDID;          /* no EDID */
    devcfg_seed("no-edid", &k, 1, 1);
    k.features = (1ull << 28) | (1ull << 29);        /* neither indirect nor event index */
    devcfg_seed("no-indirect-no-event-idx", &k, 1, 1);
    memset(&k, 0, sizeof(k));
    k.scanouts = 1u ^ 16u;
    devcfg_seed("sixteen-heads", &k, 16, 2);
    k.scanouts = 1u ^ 0u;
    devcfg_seed("no-heads", &k, 0, 2);
    memset(&k, 0, sizeof(k));
    k.qmax0 = 64 ^ 3;                                /* a 3-entry control ring */
    devcfg_seed("ctrl-ring-3", &k, 1, 0);
    k.qmax0 = 0;
    k.qmax1 = 16 ^ 0;                                /* no cursor queue */
    devcfg_seed("no-cursor-queue", &k, 1, 0);
    memset(&k, 0, sizeof(k));
    k.noff1 = 1 ^ 0x400;                             /* doorbell outside the window */
    devcfg_seed("doorbell-outside", &k, 1, 2);
    memset(&k, 0, sizeof(k));
    k.events = SPEC_GPU_EVENT_DISPLAY;
    devcfg_seed("display-event-pending", &k, 1, 2);
}

/* ---- fuzz_used: the mode, then per chain [timing] and at completion [used action ...] ---- */

static void used_seed(const char *name, uint8_t mode, unsigned honest_before, const uint8_t *act, size_t n)
{
    struct seed s = { .n = 0 };

    put8(&s, mode);
    for (unsigned i = 0; i < honest_before; i++) {
        put8(&s, 0);    /* complete at once, interrupt */
        put8(&s, 0);    /* honest used entry */
    }
    put(&s, act, n);
    write_seed("used", name, &s);
}

static void used_seeds(void)
{
    static const struct { const char *name; uint8_t act[4]; size_t n; } acts[] = {
        { "bad-id", { 0, 1, 0x34, 0x12 }, 4 }, { "other-chain-id", { 0, 2 }, 2 },
        { "duplicate", { 0, 3 }, 2 }, { "random-len", { 0, 4, 0xff, 0xff }, 4 },
        { "len-past-buffer", { 0, 5, 8 }, 3 }, { "skip-entries", { 0, 6, 2 }, 3 },
        { "stale-index", { 0, 7, 1 }, 3 }, { "delayed", { 5, 0 }, 2 },
        { "never", { 0x70 }, 1 }, { "lost-irq", { 0x80, 0 }, 2 },
    };
    char name[64];

    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
        for (unsigned at = 1; at <= 7; at += 3) {
            snprintf(name, sizeof(name), "%s-at-%u", acts[i].name, at);
            used_seed(name, (uint8_t)(at % 3), at, acts[i].act, acts[i].n);
        }
    used_seed("honest-msix", 2, 0, NULL, 0);
}

/* ---- fuzz_resp: the mode, then per control command [action ...] (dev_gpu.c bend) ---- */

static void resp_seed(const char *name, unsigned honest_before, const struct seed *act)
{
    struct seed s = { .n = 0 };

    put8(&s, 2);
    for (unsigned i = 0; i < honest_before; i++)
        put8(&s, 0);
    put(&s, act->b, act->n);
    write_seed("resp", name, &s);
}

static void resp_edid_seed(const char *name, const uint8_t *edid, size_t len)
{
    struct seed a = { .n = 0 };

    put8(&a, 7);                        /* custom payload for the GET_EDID (command 2) */
    put16(&a, (uint16_t)len);
    put(&a, edid, len);
    resp_seed(name, 1, &a);
}

static void resp_display_seed(const char *name, const struct sim_config *cfg)
{
    struct spec_gpu_display_one pm[16];
    struct seed a = { .n = 0 };

    memset(pm, 0, sizeof(pm));
    for (unsigned i = 0; i < cfg->num_scanouts && i < 16; i++) {
        pm[i].r.width = cfg->display[i].width;    /* little-endian host assumed: x86/arm64 */
        pm[i].r.height = cfg->display[i].height;
        pm[i].enabled = cfg->display[i].enabled;
    }
    put8(&a, 7);
    put(&a, pm, sizeof(pm));
    resp_seed(name, 0, &a);
}

static void resp_sim_seeds(void)
{
    static const uint32_t sizes[][2] = { { 1280, 800 }, { 640, 480 }, { 3840, 2160 }, { 16384, 16384 } };
    uint8_t edid[1024];
    struct sim_config cfg;
    char name[64];

    for (size_t i = 0; i < 4; i++) {
        size_t n = sim_edid_generate(edid, sizeof(edid), sizes[i][0], sizes[i][1], i & 1);
        snprintf(name, sizeof(name), "edid-sim-%ux%u", sizes[i][0], sizes[i][1]);
        resp_edid_seed(name, edid, n);
    }
    sim_default_config(&cfg);
    resp_display_seed("display-info-sim-default", &cfg);
    cfg.num_scanouts = 16;
    for (unsigned i = 0; i < 16; i++)
        cfg.display[i] = (struct sim_display){ 640 + 16 * i, 480, i % 3 != 0 };
    cfg.display[2] = (struct sim_display){ 100000, 100000, true };
    resp_display_seed("display-info-sim-16-heads", &cfg);
}

static void resp_qemu_edid(const char *samples, const char *file)
{
    char path[512], name[96];
    uint8_t edid[1024];
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", samples, file);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "mkseeds: %s missing, skipped\n", path);
        return;
    }
    n = fread(edid, 1, sizeof(edid), f);
    fclose(f);
    snprintf(name, sizeof(name), "edid-%s", file);
    resp_edid_seed(name, edid, n);
}

static void resp_seeds(const char *samples)
{
    static const struct { const char *name; uint8_t act[5]; size_t n; } acts[] = {
        { "error", { 1, 0 }, 2 }, { "error-after-doing", { 2, 3 }, 2 },
        { "random-type", { 3, 0x99, 0x11, 0, 0 }, 5 }, { "other-ok-type", { 4 }, 1 },
        { "short", { 5, 10, 0 }, 3 }, { "bad-fence", { 6, 1 }, 2 }, { "unknown-error", { 8, 0x40 }, 2 },
    };
    char name[64];

    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
        for (unsigned cmd = 0; cmd < 12; cmd += 1) {
            struct seed a = { .n = 0 };
            put(&a, acts[i].act, acts[i].n);
            snprintf(name, sizeof(name), "%s-cmd-%u", acts[i].name, cmd);
            resp_seed(name, cmd, &a);
        }
    resp_sim_seeds();
    resp_qemu_edid(samples, "qemu-1280x800.bin");
    resp_qemu_edid(samples, "qemu-1600x900.bin");
    resp_qemu_edid(samples, "qemu-3840x2160.bin");
}

/* ---- fuzz_stateful: an empty device part (honest), then the steps ---- */

static void stateful_seed(const char *name, const uint8_t *steps, size_t n)
{
    struct seed s = { .n = 0 };

    put16(&s, 0);
    put(&s, steps, n);
    write_seed("stateful", name, &s);
}

#define FIRST_OPEN(mode) (mode)   /* the session opens first: only the mode byte */
#define OPEN(mode) 0, (mode)
#define SET_MODE(s, w, h, segs) 2, (s), (w) - 1, (h) - 1, (segs) - 1
#define FLUSH(s, x, y, w, h) 3, (s), (x), (y), (w) - 1, (h) - 1
#define ASYNC1(s, x, y, w, h, wait) 4, (s), 0, (x), (y), (w) - 1, (h) - 1, (wait)
#define CURSOR(s, hx, hy, x, y) 6, (s), (hx), (hy), (x), 0, (y), 0
#define MOVE(s, x, y) 7, (s), (x), 0, (y), 0
#define CHANGE(s, w, h, en) 12, 0, (s), (w) & 0xff, (w) >> 8, (h) & 0xff, (h) >> 8, (en)

static void stateful_seeds(void)
{
    static const uint8_t basic[] = { FIRST_OPEN(2), 1, SET_MODE(0, 48, 32, 3), FLUSH(0, 0, 0, 48, 32),
        ASYNC1(0, 4, 4, 8, 8, 1), CURSOR(0, 1, 2, 10, 10), MOVE(0, 20, 30), 8, 0, 9, 0, 14 };
    static const uint8_t reset[] = { FIRST_OPEN(1), SET_MODE(0, 40, 30, 4), CURSOR(0, 0, 0, 5, 5),
        12, 1, 15, FLUSH(0, 1, 1, 10, 10), 5, 14 };
    static const uint8_t storm[] = { FIRST_OPEN(0), SET_MODE(0, 32, 32, 2), CHANGE(0, 800, 600, 1), 10,
        CHANGE(0, 1024, 768, 1), CHANGE(0, 640, 480, 1), 10, CHANGE(0, 1920, 1080, 1), 15,
        CHANGE(0, 0, 0, 0), 15, 14 };
    static const uint8_t oom[] = { FIRST_OPEN(2), SET_MODE(0, 16, 16, 1), 16, 3, SET_MODE(0, 20, 20, 2),
        16, 7, 13, CURSOR(0, 3, 3, 1, 1), 16, 1, CURSOR(0, 3, 3, 1, 1), 14 };
    static const uint8_t async_irq[] = { FIRST_OPEN(2 | 4), SET_MODE(0, 64, 48, 8), ASYNC1(0, 0, 0, 64, 48, 0),
        ASYNC1(0, 1, 1, 5, 5, 0), ASYNC1(0, 2, 2, 5, 5, 1), 11, 5, 14 };
    static const uint8_t scanouts[] = { FIRST_OPEN(1), CURSOR(0, 0, 0, 1, 1), 12, 3, 4, 12, 1, 15, 13, 14 };

    stateful_seed("basic", basic, sizeof(basic));
    stateful_seed("needs-reset", reset, sizeof(reset));
    stateful_seed("display-storm", storm, sizeof(storm));
    stateful_seed("allocation-failures", oom, sizeof(oom));
    stateful_seed("async-interrupts", async_irq, sizeof(async_irq));
    stateful_seed("scanout-count-changes", scanouts, sizeof(scanouts));
}

/* ---- fuzz_edid: control byte 1 (repair checksum) + each sample, as its header describes ---- */

static void edid_seeds(const char *samples)
{
    static const char *files[] = { "qemu-1280x800.bin", "qemu-1600x900.bin", "qemu-3840x2160.bin",
                                   "hand-1.2-interlaced.bin", "hand-1.3-two-dtd.bin" };
    uint8_t edid[1024];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct seed s = { .n = 0 };
        char path[512];
        FILE *f;
        size_t n;

        snprintf(path, sizeof(path), "%s/%s", samples, files[i]);
        if (!(f = fopen(path, "rb")))
            continue;
        n = fread(edid, 1, sizeof(edid), f);
        fclose(f);
        put8(&s, 1);
        put(&s, edid, n);
        write_seed("edid", files[i], &s);
    }
    for (uint32_t w = 640; w <= 2560; w += 640) {
        struct seed s = { .n = 0 };
        char name[64];
        size_t n = sim_edid_generate(edid, sizeof(edid), w, w * 10 / 16, 1);

        put8(&s, 1);
        put(&s, edid, n);
        snprintf(name, sizeof(name), "sim-%ux%u", w, w * 10 / 16);
        write_seed("edid", name, &s);
    }
}

/* ---- fuzz_virgl_caps: the capset id, a resource description (40 bytes), then the capset ---- */

static void set32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* One capset with plausible limits at virgl_hw.h's offsets, offered as VIRGL (its first 308
 * bytes) and as VIRGL2 (760), behind a 64x48 B8G8R8A8 2D texture the caps allow. */
static void virgl_caps_seeds(void)
{
    static const uint32_t desc[10] = { 2, 1, 0x4000a, 64, 48, 1, 1, 0, 0, 0 };
    static const struct { uint16_t off; uint32_t value; } fields[] = {
        { 0, 2 },                                          /* max_version */
        { 264, 450 }, { 268, 2048 }, { 272, 4 }, { 276, 1 }, { 280, 8 },
                        /* glsl_level, array layers, streamout buffers, dual-source, render targets */
        { 484, 16384 }, { 488, 2048 }, { 492, 16384 },     /* 2D, 3D, cube texture size */
    };
    uint8_t cap[760] = { 0 };

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        set32(cap + fields[i].off, fields[i].value);
    cap[68] = 0xff;                   /* formats 0-7 renderable */
    memcpy(cap + 696, "seed", 4);     /* renderer name */
    for (uint8_t id = 1; id <= 2; id++) {
        struct seed s = { .n = 0 };

        put8(&s, id);
        for (size_t i = 0; i < 10; i++)
            put32(&s, desc[i]);
        put(&s, cap, id == 1 ? 308 : sizeof(cap));
        write_seed("virgl_caps", id == 1 ? "capset-virgl" : "capset-virgl2", &s);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkseeds CORPUS_DIR EDID_SAMPLES_DIR\n");
        return 2;
    }
    corpus = argv[1];
    if (mkdir(corpus, 0755) != 0 && errno != EEXIST) {
        perror(corpus);
        return 1;
    }
    pci_seeds();
    devcfg_mode_and_quirk_seeds();
    devcfg_shape_seeds();
    used_seeds();
    resp_seeds(argv[2]);
    stateful_seeds();
    edid_seeds(argv[2]);
    virgl_caps_seeds();
    return 0;
}
