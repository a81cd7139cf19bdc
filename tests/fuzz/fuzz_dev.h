/*
 * fuzz_dev.h — the scripted virtio-gpu device behind the fuzz host.
 *
 * By default it is an honest QEMU 7.2 virtio-gpu-pci (same PCI layout, features, queue sizes,
 * responses).  Each FZ_SCRIPT_* area a target enables takes its decisions from the tape instead
 * (see fuzz_tape.h: tape byte 0 = honest), so one model serves every target.
 *
 * It also judges the driver: a malformed chain, an unmapped buffer, a descriptor reused while
 * the device holds it, or (while the device has told no lie) an invalid command is a finding.
 */
#ifndef FUZZ_DEV_H
#define FUZZ_DEV_H

#include <stdbool.h>
#include <stdint.h>

#define FZ_SCRIPT_PCI       0x01u  /* config space image and BAR sizes */
#define FZ_SCRIPT_TRANSPORT 0x02u  /* features, status/reset quirks, queues, vectors, device config */
#define FZ_SCRIPT_USED      0x04u  /* used-ring entries: ids, lengths, index moves */
#define FZ_SCRIPT_RESP      0x08u  /* responses: types, lengths, fences, payloads */
#define FZ_SCRIPT_TIMING    0x10u  /* when (or whether) a chain completes; lost interrupts */
#define FZ_SCRIPT_3D        0x20u  /* offer VIRGL and capsets; answer 3D commands (count, sizes scripted) */

void dev_create(unsigned script);   /* reads the creation-time decisions from the tape */
void dev_destroy(void);

/* ---- bus ---- */
uint32_t dev_pci_read(uint16_t off, unsigned width);
void     dev_pci_write(uint16_t off, unsigned width, uint32_t val);
uint64_t dev_bar_size(uint8_t bar);
uint32_t dev_mmio_read(uint8_t bar, uint32_t off, unsigned width);
void     dev_mmio_write(uint8_t bar, uint32_t off, unsigned width, uint32_t val);

/* ---- time and interrupts ---- */
bool dev_tick(void);                /* one unit of device progress; true when anything completed */
bool dev_busy(void);                /* completions are scheduled for later ticks */
bool dev_intx_pending(void);
int  dev_next_msix(void);           /* a pending vector (now taken), or -1 */

/* ---- host-side events the session injects ---- */
void dev_display_change(unsigned scanout, uint32_t width, uint32_t height, bool enabled);
void dev_raise_needs_reset(void);
void dev_config_interrupt(void);    /* a configuration interrupt with nothing changed */
void dev_set_num_scanouts(uint32_t n);   /* what a hostile device may report after a reset */
uint32_t dev_num_scanouts(void);
uint8_t  dev_status(void);

/* ---- oracles ---- */
void dev_deviate(void);             /* an honest deviation: error, delay, refusal, event */
void dev_lie(void);                 /* a protocol violation */
bool dev_pristine(void);            /* nothing deviated: every call must succeed */
bool dev_truthful(void);            /* nothing lied: every command must be valid */
bool dev_touches(uint64_t addr, uint64_t len);   /* an enabled ring or a held chain uses it */
unsigned dev_live_resources(void);
/* The last UPDATE_CURSOR as the device decoded it (spec layout); seq counts them. */
struct dev_cursor_update { unsigned seq; uint32_t scanout, hot_x, hot_y, x, y; };
struct dev_cursor_update dev_last_cursor_update(void);
unsigned dev_unreleased(void);     /* live resources the driver never sent an UNREF for */
unsigned dev_unreleased_contexts(void);   /* live contexts the driver never sent a CTX_DESTROY for */

#endif /* FUZZ_DEV_H */
