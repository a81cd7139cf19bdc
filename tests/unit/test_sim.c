/*
 * test_sim.c — self-test of the software device, driven through raw registers and hand-built
 * rings (no core code), so the device model is checked independently of the driver it tests.
 * Expected values come from the VIRTIO spec, QEMU 7.2 facts and the EDID layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/sim.h"
#include "../../core/gpu/virtio_gpu_proto.h"
#include "../../core/virtio/virtio_pci_regs.h"
#include "../../core/virtio/vring.h"

#define ARENA_BASE 0x200000000ull
#define ARENA_SIZE (8u << 20)
#define BAR 4

/* ---- A throwaway driver over one flat arena of "guest memory" ---- */

struct rq {
    uint16_t size;
    uint64_t desc, avail, used;
    uint16_t avail_idx, used_seen, next_desc;
};

struct drv {
    struct sim *sim;
    uint8_t *arena;
    uint64_t brk;
    struct rq q[2];
};

static void *arena_map(void *ctx, uint64_t addr, uint64_t len)
{
    struct drv *d = ctx;

    if (addr < ARENA_BASE || addr - ARENA_BASE > ARENA_SIZE || len > ARENA_SIZE - (addr - ARENA_BASE))
        return NULL;
    return d->arena + (addr - ARENA_BASE);
}

static uint64_t dalloc(struct drv *d, uint64_t len)
{
    uint64_t a = (d->brk + 63) & ~63ull;

    d->brk = a + len;
    assert_true(d->brk <= ARENA_BASE + ARENA_SIZE);
    return a;
}

static void *cpu(struct drv *d, uint64_t addr) { return d->arena + (addr - ARENA_BASE); }
static uint32_t rd(struct drv *d, uint32_t off, unsigned w) { return sim_mmio_read(d->sim, BAR, off, w); }
static void wr(struct drv *d, uint32_t off, unsigned w, uint32_t v) { sim_mmio_write(d->sim, BAR, off, w, v); }
static void st16(void *p, uint16_t v) { memcpy(p, &v, 2); }
static uint16_t ld16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }

static void set_features(struct drv *d, uint64_t f)
{
    wr(d, VIRTIO_COMMON_GFSELECT, 4, 0);
    wr(d, VIRTIO_COMMON_GF, 4, (uint32_t)f);
    wr(d, VIRTIO_COMMON_GFSELECT, 4, 1);
    wr(d, VIRTIO_COMMON_GF, 4, (uint32_t)(f >> 32));
}

static void setup_queue(struct drv *d, unsigned qi)
{
    struct rq *q = &d->q[qi];

    wr(d, VIRTIO_COMMON_Q_SELECT, 2, qi);
    q->size = (uint16_t)rd(d, VIRTIO_COMMON_Q_SIZE, 2);
    q->desc = dalloc(d, VRING_DESC_BYTES(q->size));
    q->avail = dalloc(d, VRING_AVAIL_BYTES(q->size));
    q->used = dalloc(d, VRING_USED_BYTES(q->size));
    wr(d, VIRTIO_COMMON_Q_DESCLO, 4, (uint32_t)q->desc);
    wr(d, VIRTIO_COMMON_Q_DESCHI, 4, (uint32_t)(q->desc >> 32));
    wr(d, VIRTIO_COMMON_Q_AVAILLO, 4, (uint32_t)q->avail);
    wr(d, VIRTIO_COMMON_Q_AVAILHI, 4, (uint32_t)(q->avail >> 32));
    wr(d, VIRTIO_COMMON_Q_USEDLO, 4, (uint32_t)q->used);
    wr(d, VIRTIO_COMMON_Q_USEDHI, 4, (uint32_t)(q->used >> 32));
    wr(d, VIRTIO_COMMON_Q_ENABLE, 2, 1);
}

/* Bring the device to DRIVER_OK with `features`; returns the status read back. */
static uint8_t drv_start(struct drv *d, uint64_t features)
{
    sim_pci_write(d->sim, 4, 2, 0x0107);   /* memory decode + bus master */
    wr(d, VIRTIO_COMMON_STATUS, 1, 0);
    wr(d, VIRTIO_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(d, VIRTIO_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    set_features(d, features);
    wr(d, VIRTIO_COMMON_STATUS, 1, 0x0b);
    if (rd(d, VIRTIO_COMMON_STATUS, 1) != 0x0b)
        return (uint8_t)rd(d, VIRTIO_COMMON_STATUS, 1);
    setup_queue(d, 0);
    setup_queue(d, 1);
    wr(d, VIRTIO_COMMON_STATUS, 1, 0x0f);
    return (uint8_t)rd(d, VIRTIO_COMMON_STATUS, 1);
}

static struct drv *drv_new(const struct sim_config *cfg)
{
    struct drv *d = calloc(1, sizeof(*d));

    assert_non_null(d);
    d->arena = calloc(1, ARENA_SIZE);
    assert_non_null(d->arena);
    d->brk = ARENA_BASE;
    d->sim = sim_create(cfg, arena_map, d);
    assert_non_null(d->sim);
    return d;
}

static struct drv *drv_default(void)
{
    struct sim_config cfg;
    struct drv *d;

    sim_default_config(&cfg);
    d = drv_new(&cfg);
    assert_int_equal(drv_start(d, (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_EVENT_IDX) |
                                  (1ull << VIRTIO_F_INDIRECT_DESC) | (1ull << VIRTIO_GPU_F_EDID)),
                     0x0f);
    return d;
}

static void drv_free(struct drv *d)
{
    sim_destroy(d->sim);
    free(d->arena);
    free(d);
}

static void put_desc(struct drv *d, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
                     uint16_t flags, uint16_t next)
{
    struct vring_desc v = { addr, len, flags, next };

    memcpy((uint8_t *)cpu(d, table) + 16u * i, &v, sizeof(v));
}

static void publish(struct drv *d, unsigned qi, uint16_t head)
{
    struct rq *q = &d->q[qi];

    st16((uint8_t *)cpu(d, q->avail) + VRING_AVAIL_RING(q->avail_idx % q->size), head);
    q->avail_idx++;
    st16((uint8_t *)cpu(d, q->avail) + 2, q->avail_idx);
}

static void kick(struct drv *d, unsigned qi)
{
    wr(d, VDEV_NOTIFY_OFF + qi * VDEV_NOTIFY_MULT, 2, qi);
}

/* Two-descriptor request/response on the control queue; returns the used length. */
static uint32_t exchange(struct drv *d, const void *req, uint32_t req_len, void *resp,
                         uint32_t resp_len)
{
    struct rq *q = &d->q[0];
    uint64_t rq_addr = dalloc(d, req_len), rs_addr = dalloc(d, resp_len);
    uint16_t head = q->next_desc;
    uint8_t *slot;
    uint32_t len;

    q->next_desc = (uint16_t)((q->next_desc + 2) % q->size);
    memcpy(cpu(d, rq_addr), req, req_len);
    memset(cpu(d, rs_addr), 0xee, resp_len);
    put_desc(d, q->desc, head, rq_addr, req_len, VRING_DESC_F_NEXT, (uint16_t)(head + 1));
    put_desc(d, q->desc, (uint16_t)(head + 1), rs_addr, resp_len, VRING_DESC_F_WRITE, 0);
    publish(d, 0, head);
    kick(d, 0);
    assert_int_equal(ld16((uint8_t *)cpu(d, q->used) + 2), (uint16_t)(q->used_seen + 1));
    slot = (uint8_t *)cpu(d, q->used) + VRING_USED_RING(q->used_seen % q->size);
    q->used_seen++;
    assert_int_equal(ld16(slot), head);
    memcpy(&len, slot + 4, 4);
    memcpy(resp, cpu(d, rs_addr), resp_len);
    return len;
}

static uint32_t command(struct drv *d, const void *req, uint32_t len)
{
    struct virtio_gpu_ctrl_hdr resp;

    assert_int_equal(exchange(d, req, len, &resp, sizeof(resp)), sizeof(resp));
    return resp.type;
}

/* ---- PCI identity and capabilities ---- */

static void test_pci_identity(void **state)
{
    struct sim_config cfg;
    struct drv *d;
    static const uint8_t chain[] = { 0x98, 0x84, 0x70, 0x60, 0x50, 0x40 };
    static const uint8_t types[] = { 0, VIRTIO_PCI_CAP_PCI_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG,
                                     VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_ISR_CFG,
                                     VIRTIO_PCI_CAP_COMMON_CFG };
    static const uint32_t offs[] = { 0, 0, 0x3000, 0x2000, 0x1000, 0 };
    uint8_t at;

    (void)state;
    sim_default_config(&cfg);
    d = drv_new(&cfg);
    assert_int_equal(sim_pci_read(d->sim, 0, 4), 0x10501af4u);
    assert_int_equal(sim_pci_read(d->sim, 8, 4), 0x03800001u);         /* class 038000, rev 1 */
    assert_int_equal(sim_pci_read(d->sim, 0x2c, 4), 0x11001af4u);
    assert_true(sim_pci_read(d->sim, 6, 2) & 0x10);
    assert_int_equal(sim_pci_read(d->sim, 4, 2), 0x0103);             /* bus master off */
    assert_int_equal(sim_bar_size(d->sim, 4), 0x4000);
    assert_int_equal(sim_bar_size(d->sim, 1), 0x1000);
    assert_int_equal(sim_bar_size(d->sim, 0), 0);
    at = (uint8_t)sim_pci_read(d->sim, 0x34, 1);
    for (size_t i = 0; i < sizeof(chain); i++) {
        assert_int_equal(at, chain[i]);
        if (i == 0) {
            assert_int_equal(sim_pci_read(d->sim, at, 1), 0x11);
            assert_int_equal(sim_pci_read(d->sim, at + 2u, 2) & 0x7ff, 2);   /* 3 vectors */
        } else {
            assert_int_equal(sim_pci_read(d->sim, at, 1), 0x09);
            assert_int_equal(sim_pci_read(d->sim, at + 3u, 1), types[i]);
            assert_int_equal(sim_pci_read(d->sim, at + 8u, 4), offs[i]);
            assert_int_equal(sim_pci_read(d->sim, at + 4u, 1), i == 1 ? 0 : 4);
        }
        at = (uint8_t)sim_pci_read(d->sim, at + 1u, 1);
    }
    assert_int_equal(at, 0);
    assert_int_equal(sim_pci_read(d->sim, 0x70 + 16, 4), 4);           /* notify multiplier */
    drv_free(d);
}

/* ---- Transport registers ---- */

static void test_features_refused_when_unoffered(void **state)
{
    struct sim_config cfg;
    struct drv *d;

    (void)state;
    sim_default_config(&cfg);
    d = drv_new(&cfg);
    wr(d, VIRTIO_COMMON_DFSELECT, 4, 0);
    assert_int_equal(rd(d, VIRTIO_COMMON_DF, 4), 0x30000002u);
    wr(d, VIRTIO_COMMON_DFSELECT, 4, 1);
    assert_int_equal(rd(d, VIRTIO_COMMON_DF, 4), 0x101u);
    /* VIRGL (bit 0) is not offered: FEATURES_OK must not stick. */
    assert_int_equal(drv_start(d, (1ull << VIRTIO_F_VERSION_1) | 1u), 0x03);
    assert_true(sim_stats(d->sim)->driver_errors > 0);
    /* Without VERSION_1 it is refused too. */
    assert_int_equal(drv_start(d, 1ull << VIRTIO_GPU_F_EDID), 0x03);
    assert_int_equal(drv_start(d, (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID)), 0x0f);
    assert_int_equal(sim_negotiated_features(d->sim),
                     (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_GPU_F_EDID));
    drv_free(d);
}

static void test_common_cfg_semantics(void **state)
{
    struct drv *d = drv_default();

    (void)state;
    assert_int_equal(rd(d, VIRTIO_COMMON_NUMQ, 2), 2);
    wr(d, VIRTIO_COMMON_Q_SELECT, 2, 1);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_SIZE, 2), 16);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_NOFF, 2), 1);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_ENABLE, 2), 1);
    wr(d, VIRTIO_COMMON_Q_MSIX, 2, 2);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_MSIX, 2), 2);
    wr(d, VIRTIO_COMMON_Q_MSIX, 2, 3);                        /* only vectors 0..2 exist */
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
    wr(d, VIRTIO_COMMON_Q_SELECT, 2, 2);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_SIZE, 2), 0);       /* no third queue */
    wr(d, VIRTIO_COMMON_MSIX, 2, 0);
    assert_int_equal(rd(d, VIRTIO_COMMON_MSIX, 2), 0);
    /* Reset clears status, vectors and queues. */
    wr(d, VIRTIO_COMMON_STATUS, 1, 0);
    assert_int_equal(rd(d, VIRTIO_COMMON_STATUS, 1), 0);
    assert_int_equal(rd(d, VIRTIO_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
    wr(d, VIRTIO_COMMON_Q_SELECT, 2, 0);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_ENABLE, 2), 0);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_SIZE, 2), 64);
    assert_int_equal(sim_stats(d->sim)->driver_errors, 0);
    drv_free(d);
}

/* A queue size must be a power of two unless it is the device's own maximum; a queue whose rings
 * are misaligned stays off.  Each refusal is one driver error. */
static void test_queue_setup_rules(void **state)
{
    struct sim_config cfg;
    struct drv *d;
    uint64_t desc, avail, used;

    (void)state;
    sim_default_config(&cfg);
    cfg.queue_size[1] = 12;                        /* an odd maximum a device may offer */
    d = drv_new(&cfg);
    sim_pci_write(d->sim, 4, 2, 0x0107);
    wr(d, VIRTIO_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(d, VIRTIO_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    set_features(d, 1ull << VIRTIO_F_VERSION_1);
    wr(d, VIRTIO_COMMON_STATUS, 1, 0x0b);
    wr(d, VIRTIO_COMMON_Q_SELECT, 2, 1);
    wr(d, VIRTIO_COMMON_Q_SIZE, 2, 12);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_SIZE, 2), 12);
    assert_int_equal(sim_stats(d->sim)->driver_errors, 0);
    wr(d, VIRTIO_COMMON_Q_SELECT, 2, 0);
    wr(d, VIRTIO_COMMON_Q_SIZE, 2, 48);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_SIZE, 2), 64);
    assert_int_equal(sim_stats(d->sim)->driver_errors, 1);
    desc = dalloc(d, VRING_DESC_BYTES(64)) + 8;   /* the table needs 16-byte alignment */
    wr(d, VIRTIO_COMMON_Q_DESCLO, 4, (uint32_t)desc);
    wr(d, VIRTIO_COMMON_Q_DESCHI, 4, (uint32_t)(desc >> 32));
    avail = dalloc(d, VRING_AVAIL_BYTES(64));
    used = dalloc(d, VRING_USED_BYTES(64));
    wr(d, VIRTIO_COMMON_Q_AVAILLO, 4, (uint32_t)avail);
    wr(d, VIRTIO_COMMON_Q_AVAILHI, 4, (uint32_t)(avail >> 32));
    wr(d, VIRTIO_COMMON_Q_USEDLO, 4, (uint32_t)used);
    wr(d, VIRTIO_COMMON_Q_USEDHI, 4, (uint32_t)(used >> 32));
    wr(d, VIRTIO_COMMON_Q_ENABLE, 2, 1);
    assert_int_equal(rd(d, VIRTIO_COMMON_Q_ENABLE, 2), 0);
    assert_int_equal(sim_stats(d->sim)->driver_errors, 2);
    drv_free(d);
}

static void test_device_config_and_events(void **state)
{
    struct drv *d = drv_default();
    uint8_t gen;

    (void)state;
    assert_int_equal(rd(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_NUM_SCANOUTS, 4), 1);
    assert_int_equal(rd(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_NUM_CAPSETS, 4), 0);
    assert_int_equal(rd(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_EVENTS_READ, 4), 0);
    gen = (uint8_t)rd(d, VIRTIO_COMMON_CFGGEN, 1);
    sim_display_change(d->sim, 0, 1024, 768, true);
    assert_int_equal(rd(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_EVENTS_READ, 4), 1);
    assert_int_not_equal(rd(d, VIRTIO_COMMON_CFGGEN, 1), gen);
    assert_true(sim_intx_level(d->sim));
    assert_int_equal(rd(d, VDEV_ISR_OFF, 1), 0x3);              /* QEMU sets both bits */
    assert_int_equal(rd(d, VDEV_ISR_OFF, 1), 0);                /* read clears */
    assert_false(sim_intx_level(d->sim));
    wr(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_EVENTS_CLEAR, 4, 1);
    assert_int_equal(rd(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_EVENTS_READ, 4), 0);
    /* A latched event survives a device reset (seen on QEMU 7.2). */
    sim_display_change(d->sim, 0, 800, 600, true);
    wr(d, VIRTIO_COMMON_STATUS, 1, 0);
    assert_int_equal(rd(d, VDEV_DEVICE_OFF + VIRTIO_GPU_CFG_EVENTS_READ, 4), 1);
    drv_free(d);
}

/* ---- Commands over raw rings ---- */

static void test_display_info(void **state)
{
    struct drv *d = drv_default();
    struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
    struct virtio_gpu_resp_display_info info;

    (void)state;
    assert_int_equal(exchange(d, &req, sizeof(req), &info, sizeof(info)), 408);
    assert_int_equal(info.hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_int_equal(info.pmodes[0].enabled, 1);
    assert_int_equal(info.pmodes[0].r.width, 1280);
    assert_int_equal(info.pmodes[0].r.height, 800);
    assert_int_equal(info.pmodes[1].enabled, 0);
    assert_int_equal(sim_cmd_count(d->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO), 1);
    drv_free(d);
}

static void create(struct drv *d, uint32_t id, uint32_t fmt, uint32_t w, uint32_t h, uint32_t want)
{
    struct virtio_gpu_resource_create_2d c = {
        .hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = id, .format = fmt,
        .width = w, .height = h };

    assert_int_equal(command(d, &c, sizeof(c)), want);
}

/* Attach `n` pieces of `len` bytes each at separate arena addresses; returns the first. */
static uint64_t attach(struct drv *d, uint32_t id, uint32_t n, uint32_t piece, uint64_t *addrs)
{
    size_t sz = sizeof(struct virtio_gpu_resource_attach_backing) + n * sizeof(struct virtio_gpu_mem_entry);
    uint8_t *buf = calloc(1, sz);
    struct virtio_gpu_resource_attach_backing *ab = (void *)buf;
    struct virtio_gpu_mem_entry *e = (void *)(buf + sizeof(*ab));

    ab->hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING;
    ab->resource_id = id;
    ab->nr_entries = n;
    for (uint32_t i = 0; i < n; i++) {
        addrs[i] = dalloc(d, piece + 256u);   /* gaps between pieces */
        e[i].addr = addrs[i];
        e[i].length = piece;
    }
    assert_int_equal(command(d, buf, (uint32_t)sz), VIRTIO_GPU_RESP_OK_NODATA);
    free(buf);
    return addrs[0];
}

static void put_px(struct drv *d, const uint64_t *addrs, uint32_t piece, uint32_t w, uint32_t x,
                   uint32_t y, uint32_t v)
{
    uint64_t off = ((uint64_t)y * w + x) * 4;

    memcpy(cpu(d, addrs[off / piece] + off % piece), &v, 4);
}

static void set_scanout(struct drv *d, uint32_t s, uint32_t id, uint32_t w, uint32_t h, uint32_t want)
{
    struct virtio_gpu_set_scanout ss = { .hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT,
                                         .r = { 0, 0, w, h }, .scanout_id = s, .resource_id = id };

    assert_int_equal(command(d, &ss, sizeof(ss)), want);
}

static uint32_t transfer(struct drv *d, uint32_t id, struct virtio_gpu_rect r, uint64_t offset)
{
    struct virtio_gpu_transfer_to_host_2d t = { .hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
                                                .r = r, .offset = offset, .resource_id = id };

    return command(d, &t, sizeof(t));
}

static uint32_t flush(struct drv *d, uint32_t id, struct virtio_gpu_rect r)
{
    struct virtio_gpu_resource_flush f = { .hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .r = r,
                                           .resource_id = id };

    return command(d, &f, sizeof(f));
}

static void test_scanout_pixels_follow_flush(void **state)
{
    struct drv *d = drv_default();
    uint64_t addrs[16];
    const uint32_t w = 64, h = 32, piece = 4096;   /* 8 KiB image in two scattered pieces */

    (void)state;
    create(d, 7, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, w, h, VIRTIO_GPU_RESP_OK_NODATA);
    attach(d, 7, 2, piece, addrs);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            put_px(d, addrs, piece, w, x, y, (x << 16) | (y << 8) | 0x5a);
    set_scanout(d, 0, 7, w, h, VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(sim_pixel(d->sim, 0, 5, 5), 0);                     /* nothing transferred */
    assert_int_equal(transfer(d, 7, (struct virtio_gpu_rect){ 0, 0, w, h }, 0), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(sim_pixel(d->sim, 0, 5, 5), 0);                     /* not flushed yet */
    assert_int_equal(flush(d, 7, (struct virtio_gpu_rect){ 0, 0, 8, 8 }), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(sim_pixel(d->sim, 0, 5, 5), (5u << 16) | (5u << 8) | 0x5a);
    assert_int_equal(sim_pixel(d->sim, 0, 9, 9), 0);                     /* outside the flush */
    /* A partial transfer: rows come from offset + stride*h (stride = width*4). */
    put_px(d, addrs, piece, w, 40, 20, 0x00abcdefu);
    assert_int_equal(transfer(d, 7, (struct virtio_gpu_rect){ 40, 20, 1, 1 }, (20u * w + 40) * 4),
                     VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(flush(d, 7, (struct virtio_gpu_rect){ 0, 0, w, h }), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(sim_pixel(d->sim, 0, 40, 20), 0x00abcdefu);
    assert_int_equal(sim_pixel(d->sim, 0, 63, 31), (63u << 16) | (31u << 8) | 0x5a);
    /* Resource 0 disables the scanout. */
    set_scanout(d, 0, 0, 0, 0, VIRTIO_GPU_RESP_OK_NODATA);
    struct sim_scanout_view v;
    assert_true(sim_scanout(d->sim, 0, &v));
    assert_false(v.active);
    assert_int_equal(sim_stats(d->sim)->driver_errors, 0);
    drv_free(d);
}

static void test_command_error_codes(void **state)
{
    struct sim_config cfg;
    struct drv *d;
    uint64_t addrs[4];
    struct virtio_gpu_ctrl_hdr unknown = { .type = 0x1ff };
    struct virtio_gpu_resource_unref short_unref = { .hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF };
    struct virtio_gpu_get_edid ge = { .hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 1 };

    (void)state;
    sim_default_config(&cfg);
    cfg.max_hostmem = 1u << 20;
    d = drv_new(&cfg);
    assert_int_equal(drv_start(d, 1ull << VIRTIO_F_VERSION_1), 0x0f);
    create(d, 0, 2, 16, 16, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    create(d, 1, 2, 16, 16, VIRTIO_GPU_RESP_OK_NODATA);
    create(d, 1, 2, 16, 16, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    create(d, 2, 99, 16, 16, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    create(d, 3, 2, 512, 512, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);       /* 1 MiB >= limit */
    assert_int_equal(sim_stats(d->sim)->live_resources, 1);
    set_scanout(d, 1, 1, 16, 16, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
    set_scanout(d, 0, 9, 16, 16, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    set_scanout(d, 0, 1, 16, 16, VIRTIO_GPU_RESP_ERR_UNSPEC);             /* no backing yet */
    assert_int_equal(transfer(d, 1, (struct virtio_gpu_rect){ 0, 0, 16, 16 }, 0), VIRTIO_GPU_RESP_ERR_UNSPEC);
    attach(d, 1, 1, 1024, addrs);
    set_scanout(d, 0, 1, 8, 16, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);   /* < 16 wide */
    set_scanout(d, 0, 1, 17, 16, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);  /* > resource */
    assert_int_equal(transfer(d, 1, (struct virtio_gpu_rect){ 8, 0, 9, 1 }, 0),
                     VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(flush(d, 2, (struct virtio_gpu_rect){ 0, 0, 1, 1 }), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    assert_int_equal(command(d, &unknown, sizeof(unknown)), VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(command(d, &short_unref, sizeof(short_unref) - 4), VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(command(d, &ge, sizeof(ge)), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    {
        struct virtio_gpu_resource_detach_backing db = {
            .hdr.type = VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, .resource_id = 1 };

        assert_int_equal(command(d, &db, sizeof(db)), VIRTIO_GPU_RESP_OK_NODATA);
        assert_int_equal(command(d, &db, sizeof(db)), VIRTIO_GPU_RESP_ERR_UNSPEC);   /* none left */
        db.resource_id = 5;
        assert_int_equal(command(d, &db, sizeof(db)), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
        assert_int_equal(transfer(d, 1, (struct virtio_gpu_rect){ 0, 0, 16, 16 }, 0),
                         VIRTIO_GPU_RESP_ERR_UNSPEC);
    }
    short_unref.resource_id = 1;
    assert_int_equal(command(d, &short_unref, sizeof(short_unref)), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(sim_stats(d->sim)->live_resources, 0);
    assert_int_equal(sim_stats(d->sim)->hostmem, 0);
    drv_free(d);
}

static void test_fence_is_echoed(void **state)
{
    struct drv *d = drv_default();
    struct virtio_gpu_resource_unref u = { .hdr = { .type = VIRTIO_GPU_CMD_RESOURCE_UNREF,
                                                    .flags = VIRTIO_GPU_FLAG_FENCE,
                                                    .fence_id = 0x1122334455ull },
                                           .resource_id = 42 };
    struct virtio_gpu_ctrl_hdr resp;

    (void)state;
    exchange(d, &u, sizeof(u), &resp, sizeof(resp));
    assert_int_equal(resp.type, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    assert_int_equal(resp.flags & VIRTIO_GPU_FLAG_FENCE, VIRTIO_GPU_FLAG_FENCE);
    assert_int_equal(resp.fence_id, 0x1122334455ull);
    drv_free(d);
}

/* ---- EDID ---- */

static void test_edid_block(void **state)
{
    uint8_t e[256];
    uint8_t sum = 0;
    static const uint8_t magic[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };

    (void)state;
    assert_int_equal(sim_edid_generate(e, sizeof(e), 1280, 800, 1), 256);
    assert_memory_equal(e, magic, 8);
    for (int i = 0; i < 128; i++)
        sum = (uint8_t)(sum + e[i]);
    assert_int_equal(sum, 0);
    assert_int_equal(e[18], 1);
    assert_int_equal(e[19], 4);
    assert_int_equal(e[126], 1);
    /* First detailed timing: 1280 x 800. */
    assert_int_equal(e[56] | (e[58] >> 4) << 8, 1280);
    assert_int_equal(e[59] | (e[61] >> 4) << 8, 800);
    assert_true((e[54] | e[55] << 8) > 0);
    /* Established: 640x480, 800x600 (byte 35) and 1024x768 (byte 36) fit. */
    assert_int_equal(e[35], 0x21);
    assert_int_equal(e[36], 0x08);
    /* Standard timings inside 1280x800: only 1280x720 (16:9). */
    assert_int_equal(e[38], 1280 / 8 - 31);
    assert_int_equal(e[39], 0xc0);
    assert_int_equal(e[40], 0x01);
    assert_int_equal(e[128], 0x02);
    sum = 0;
    for (int i = 128; i < 256; i++)
        sum = (uint8_t)(sum + e[i]);
    assert_int_equal(sum, 0);
}

static void test_get_edid_command(void **state)
{
    struct drv *d = drv_default();
    struct virtio_gpu_get_edid ge = { .hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 0 };
    struct virtio_gpu_resp_edid *r = calloc(1, sizeof(*r));
    uint8_t want[256];

    (void)state;
    assert_int_equal(exchange(d, &ge, sizeof(ge), r, sizeof(*r)), sizeof(*r));
    assert_int_equal(r->hdr.type, VIRTIO_GPU_RESP_OK_EDID);
    assert_int_equal(r->size, 1024);
    sim_edid_generate(want, sizeof(want), 1280, 800, 1);
    assert_memory_equal(r->edid, want, sizeof(want));
    free(r);
    drv_free(d);
}

/* ---- Ring validation ---- */

static void expect_broken(struct drv *d)
{
    assert_true(sim_device_status(d->sim) & VIRTIO_STATUS_NEEDS_RESET);
    assert_true(rd(d, VDEV_ISR_OFF, 1) & VIRTIO_ISR_CONFIG);
    assert_int_equal(sim_stats(d->sim)->ring_errors, 1);
}

static void test_ring_head_out_of_range(void **state)
{
    struct drv *d = drv_default();

    (void)state;
    publish(d, 0, 64);
    kick(d, 0);
    expect_broken(d);
    drv_free(d);
}

static void test_ring_descriptor_loop(void **state)
{
    struct drv *d = drv_default();
    uint64_t buf = dalloc(d, 64);

    (void)state;
    put_desc(d, d->q[0].desc, 0, buf, 32, VRING_DESC_F_NEXT, 1);
    put_desc(d, d->q[0].desc, 1, buf, 32, VRING_DESC_F_NEXT, 0);
    publish(d, 0, 0);
    kick(d, 0);
    expect_broken(d);
    drv_free(d);
}

static void test_ring_readable_after_writable(void **state)
{
    struct drv *d = drv_default();
    uint64_t buf = dalloc(d, 64);

    (void)state;
    put_desc(d, d->q[0].desc, 0, buf, 32, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
    put_desc(d, d->q[0].desc, 1, buf + 32, 32, 0, 0);
    publish(d, 0, 0);
    kick(d, 0);
    expect_broken(d);
    drv_free(d);
}

static void test_ring_unmapped_buffer(void **state)
{
    struct drv *d = drv_default();

    (void)state;
    put_desc(d, d->q[0].desc, 0, 0x1000, 32, 0, 0);
    publish(d, 0, 0);
    kick(d, 0);
    expect_broken(d);
    assert_true(sim_stats(d->sim)->dma_faults > 0);
    drv_free(d);
}

static void test_ring_avail_index_jump(void **state)
{
    struct drv *d = drv_default();

    (void)state;
    st16((uint8_t *)cpu(d, d->q[0].avail) + 2, 65);
    kick(d, 0);
    expect_broken(d);
    /* Broken: further doorbells do nothing until reset. */
    kick(d, 0);
    assert_int_equal(sim_stats(d->sim)->ring_errors, 1);
    drv_free(d);
}

static void test_indirect_table(void **state)
{
    struct drv *d = drv_default();
    uint64_t table = dalloc(d, 32), rq = dalloc(d, 24), rs = dalloc(d, 408);
    struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
    struct virtio_gpu_resp_display_info info;

    (void)state;
    memcpy(cpu(d, rq), &req, sizeof(req));
    put_desc(d, table, 0, rq, 24, VRING_DESC_F_NEXT, 1);
    put_desc(d, table, 1, rs, 408, VRING_DESC_F_WRITE, 0);
    put_desc(d, d->q[0].desc, 5, table, 32, VRING_DESC_F_INDIRECT, 0);
    publish(d, 0, 5);
    kick(d, 0);
    memcpy(&info, cpu(d, rs), sizeof(info));
    assert_int_equal(info.hdr.type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_int_equal(ld16((uint8_t *)cpu(d, d->q[0].used) + VRING_USED_RING(0)), 5);
    drv_free(d);
}

static void test_indirect_without_feature_breaks(void **state)
{
    struct sim_config cfg;
    struct drv *d;
    uint64_t table;

    (void)state;
    sim_default_config(&cfg);
    d = drv_new(&cfg);
    assert_int_equal(drv_start(d, 1ull << VIRTIO_F_VERSION_1), 0x0f);
    table = dalloc(d, 32);
    put_desc(d, table, 0, dalloc(d, 24), 24, 0, 0);
    put_desc(d, d->q[0].desc, 0, table, 16, VRING_DESC_F_INDIRECT, 0);
    publish(d, 0, 0);
    kick(d, 0);
    expect_broken(d);
    drv_free(d);
}

/* ---- Notification suppression ---- */

static void test_used_event_suppresses_interrupts(void **state)
{
    struct drv *d = drv_default();
    struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO }, resp[26];
    uint8_t *used_event = (uint8_t *)cpu(d, d->q[0].avail) + VRING_AVAIL_USED_EVENT(64);

    (void)state;
    st16(used_event, 2);                              /* interrupt when entry 2 is used */
    for (int i = 0; i < 4; i++)
        exchange(d, &req, sizeof(req), resp, sizeof(resp));
    /* Entry 0: first decision always signals; entries 1 and 3 are not wanted; 2 is. */
    assert_int_equal(sim_stats(d->sim)->interrupts, 2);
    assert_int_equal(sim_stats(d->sim)->interrupts_suppressed, 2);
    /* The device asks for a doorbell at the next entry it has not seen. */
    assert_int_equal(ld16((uint8_t *)cpu(d, d->q[0].used) + VRING_USED_AVAIL_EVENT(64)), 4);
    drv_free(d);
}

static void test_no_interrupt_flag_without_event_idx(void **state)
{
    struct sim_config cfg;
    struct drv *d;
    struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO }, resp[17];

    (void)state;
    sim_default_config(&cfg);
    d = drv_new(&cfg);
    assert_int_equal(drv_start(d, 1ull << VIRTIO_F_VERSION_1), 0x0f);
    st16(cpu(d, d->q[0].avail), VRING_AVAIL_F_NO_INTERRUPT);
    exchange(d, &req, sizeof(req), resp, sizeof(resp));
    assert_int_equal(sim_stats(d->sim)->interrupts, 0);
    st16(cpu(d, d->q[0].avail), 0);
    exchange(d, &req, sizeof(req), resp, sizeof(resp));
    assert_int_equal(sim_stats(d->sim)->interrupts, 1);
    assert_true(sim_intx_level(d->sim));
    drv_free(d);
}

static void test_msix_vectors(void **state)
{
    struct drv *d = drv_default();
    struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO }, resp[17];

    (void)state;
    sim_pci_write(d->sim, VDEV_CAP_MSIX + 2, 2, 0x8000);
    wr(d, VIRTIO_COMMON_MSIX, 2, 0);
    wr(d, VIRTIO_COMMON_Q_SELECT, 2, 0);
    wr(d, VIRTIO_COMMON_Q_MSIX, 2, 1);
    exchange(d, &req, sizeof(req), resp, sizeof(resp));
    assert_false(sim_intx_level(d->sim));
    assert_int_equal(sim_next_msix(d->sim), 1);
    assert_int_equal(sim_next_msix(d->sim), -1);
    sim_display_change(d->sim, 0, 640, 480, true);
    assert_int_equal(sim_next_msix(d->sim), 0);
    drv_free(d);
}

/* ---- Fault injection ---- */

static void test_fault_error_and_hold(void **state)
{
    struct drv *d = drv_default();
    struct virtio_gpu_ctrl_hdr req = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO }, resp[17];

    (void)state;
    sim_fault_error_next(d->sim, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_ERR_UNSPEC);
    exchange(d, &req, sizeof(req), resp, sizeof(resp));
    assert_int_equal(resp[0].type, VIRTIO_GPU_RESP_ERR_UNSPEC);
    exchange(d, &req, sizeof(req), resp, sizeof(resp));
    assert_int_equal(resp[0].type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    sim_fault_hold_next(d->sim, SIM_ANY_CMD);
    publish(d, 0, 0);   /* reuse descriptors 0/1 from the first exchange */
    kick(d, 0);
    assert_int_equal(sim_held_count(d->sim), 1);
    assert_int_equal(ld16((uint8_t *)cpu(d, d->q[0].used) + 2), 2);
    assert_int_equal(sim_release_held(d->sim), 1);
    assert_int_equal(ld16((uint8_t *)cpu(d, d->q[0].used) + 2), 3);
    drv_free(d);
}

static void test_fault_used_bad_id(void **state)
{
    struct drv *d = drv_default();

    (void)state;
    sim_fault_used(d->sim, SIM_USED_BAD_ID);
    publish(d, 0, 0);
    put_desc(d, d->q[0].desc, 0, dalloc(d, 24), 24, VRING_DESC_F_NEXT, 1);
    put_desc(d, d->q[0].desc, 1, dalloc(d, 24), 24, VRING_DESC_F_WRITE, 0);
    kick(d, 0);
    assert_int_equal(ld16((uint8_t *)cpu(d, d->q[0].used) + VRING_USED_RING(0)), 64 + 3);
    drv_free(d);
}

static void test_deferred_mode(void **state)
{
    struct drv *d = drv_default();
    uint16_t *used_idx;

    (void)state;
    sim_set_deferred(d->sim, true);
    put_desc(d, d->q[0].desc, 0, dalloc(d, 24), 24, VRING_DESC_F_NEXT, 1);
    put_desc(d, d->q[0].desc, 1, dalloc(d, 24), 24, VRING_DESC_F_WRITE, 0);
    publish(d, 0, 0);
    kick(d, 0);
    used_idx = (uint16_t *)((uint8_t *)cpu(d, d->q[0].used) + 2);
    assert_int_equal(*used_idx, 0);
    assert_true(sim_work_pending(d->sim));
    assert_int_equal(sim_run(d->sim), 1);
    assert_int_equal(*used_idx, 1);
    assert_false(sim_work_pending(d->sim));
    drv_free(d);
}

static void test_bus_master_required(void **state)
{
    struct drv *d = drv_default();

    (void)state;
    sim_pci_write(d->sim, 4, 2, 0x0103);   /* bus mastering off: the device cannot DMA */
    put_desc(d, d->q[0].desc, 0, dalloc(d, 24), 24, 0, 0);
    publish(d, 0, 0);
    kick(d, 0);
    assert_true(sim_stats(d->sim)->dma_faults > 0);
    assert_true(sim_stats(d->sim)->driver_errors > 0);
    drv_free(d);
}

static void test_cursor_queue(void **state)
{
    struct drv *d = drv_default();
    uint64_t addrs[8], cmd = dalloc(d, 56);
    struct virtio_gpu_update_cursor c = { .hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR,
                                          .pos = { 0, 100, 50, 0 }, .resource_id = 3,
                                          .hot_x = 4, .hot_y = 6 };
    struct sim_cursor_view v;

    (void)state;
    create(d, 3, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64, VIRTIO_GPU_RESP_OK_NODATA);
    attach(d, 3, 4, 4096, addrs);
    put_px(d, addrs, 4096, 64, 10, 20, 0xff123456u);
    assert_int_equal(transfer(d, 3, (struct virtio_gpu_rect){ 0, 0, 64, 64 }, 0), VIRTIO_GPU_RESP_OK_NODATA);
    memcpy(cpu(d, cmd), &c, sizeof(c));
    put_desc(d, d->q[1].desc, 0, cmd, 56, 0, 0);
    publish(d, 1, 0);
    kick(d, 1);
    assert_true(sim_cursor(d->sim, 0, &v));
    assert_true(v.defined && v.visible);
    assert_int_equal(v.x, 100);
    assert_int_equal(v.hot_y, 6);
    assert_int_equal(v.image[20 * 64 + 10], 0xff123456u);
    /* Later changes to the resource do not reach the cursor until the next update. */
    put_px(d, addrs, 4096, 64, 10, 20, 0);
    assert_int_equal(transfer(d, 3, (struct virtio_gpu_rect){ 0, 0, 64, 64 }, 0), VIRTIO_GPU_RESP_OK_NODATA);
    c.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
    c.pos.x = 7;
    memcpy(cpu(d, cmd), &c, sizeof(c));
    publish(d, 1, 0);
    kick(d, 1);
    assert_true(sim_cursor(d->sim, 0, &v));
    assert_int_equal(v.x, 7);
    assert_int_equal(v.image[20 * 64 + 10], 0xff123456u);
    assert_int_equal(sim_stats(d->sim)->notifies[1], 2);
    assert_int_equal(sim_stats(d->sim)->driver_errors, 0);
    drv_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pci_identity),
        cmocka_unit_test(test_features_refused_when_unoffered),
        cmocka_unit_test(test_common_cfg_semantics),
        cmocka_unit_test(test_queue_setup_rules),
        cmocka_unit_test(test_device_config_and_events),
        cmocka_unit_test(test_display_info),
        cmocka_unit_test(test_scanout_pixels_follow_flush),
        cmocka_unit_test(test_command_error_codes),
        cmocka_unit_test(test_fence_is_echoed),
        cmocka_unit_test(test_edid_block),
        cmocka_unit_test(test_get_edid_command),
        cmocka_unit_test(test_ring_head_out_of_range),
        cmocka_unit_test(test_ring_descriptor_loop),
        cmocka_unit_test(test_ring_readable_after_writable),
        cmocka_unit_test(test_ring_unmapped_buffer),
        cmocka_unit_test(test_ring_avail_index_jump),
        cmocka_unit_test(test_indirect_table),
        cmocka_unit_test(test_indirect_without_feature_breaks),
        cmocka_unit_test(test_used_event_suppresses_interrupts),
        cmocka_unit_test(test_no_interrupt_flag_without_event_idx),
        cmocka_unit_test(test_msix_vectors),
        cmocka_unit_test(test_fault_error_and_hold),
        cmocka_unit_test(test_fault_used_bad_id),
        cmocka_unit_test(test_deferred_mode),
        cmocka_unit_test(test_bus_master_required),
        cmocka_unit_test(test_cursor_queue),
    };

    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
