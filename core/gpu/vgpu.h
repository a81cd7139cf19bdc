/*
 * vgpu.h — the public interface of the virtio-gpu driver core.
 *
 * The core owns the device: transport, virtqueues, the virtio-gpu protocol, display state and
 * the cursor.  A host (kext, test guest, unit tests) opens it with vgpu_open(), hands it
 * framebuffer memory as device-address segments, and forwards interrupts.  Every call returns a
 * status (VGPU_OK or a negative enum vgpu_status); nothing in the core asserts on device input.
 *
 * Callers serialise calls into one device (a command gate, a single thread).  Only
 * vgpu_intx_status() may run concurrently, from a primary interrupt handler.
 */
#ifndef VGPU_H
#define VGPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"
#include "virtio/virtio_irq.h"

#define VGPU_MAX_SCANOUTS   16
#define VGPU_CURSOR_SIZE    64      /* cursor images are 64x64 ARGB (B8G8R8A8 in memory) */
#define VGPU_EDID_MAX       1024    /* the protocol's EDID buffer size */
#define VGPU_BYTES_PER_PIXEL 4      /* framebuffers are B8G8R8X8: 0x00RRGGBB little-endian words */
#define VGPU_MAX_DIMENSION  16384u  /* the largest width or height accepted from host or caller */

struct vgpu_params {
    enum vgpu_irq_mode irq_mode;
    uint16_t msix_vectors;     /* vectors the host enabled (MSI-X mode only; 1 or more) */
    uint32_t cmd_timeout_ms;   /* bound on every synchronous command; 0 selects 5000 */
};

struct vgpu_dev;

/* Bring the device up (reset, negotiate, queues, DRIVER_OK) and read the display layout. */
int  vgpu_open(void *os, const struct vgpu_params *params, struct vgpu_dev **out);
/* Disable every scanout, free every resource and DMA block, reset the device. */
void vgpu_close(struct vgpu_dev *dev);

/* ---- Interrupts ---- */
/* INTx: read and clear the ISR (lock-free, primary-interrupt safe); 0 means "not ours". */
uint32_t vgpu_intx_status(struct vgpu_dev *dev);
/* The causes a given MSI-X vector stands for. */
uint32_t vgpu_msix_causes(const struct vgpu_dev *dev, unsigned vector);
/* Act on the causes: harvest completions, latch display events, wake waiters. */
void vgpu_handle_interrupt(struct vgpu_dev *dev, uint32_t causes);
/* Look for completions and configuration changes without an interrupt (polling mode, or a
 * periodic safety net against lost interrupts). */
void vgpu_poll(struct vgpu_dev *dev);

/* ---- Displays ---- */
struct vgpu_rect { uint32_t x, y, width, height; };

struct vgpu_mode {
    uint32_t width, height;
    uint32_t refresh_mhz;      /* 0 when unknown */
    uint32_t flags;            /* VGPU_MODE_* */
};
#define VGPU_MODE_PREFERRED 0x1u  /* the one mode the host or EDID prefers */
#define VGPU_MODE_HOST      0x2u  /* the size in the device's display info */
#define VGPU_MODE_EDID      0x4u  /* listed in the EDID */
#define VGPU_MODE_STANDARD  0x8u  /* from the core's table of common sizes */

struct vgpu_scanout_info {
    bool     enabled;          /* the host reports a display on this scanout */
    uint32_t host_width;       /* size from GET_DISPLAY_INFO (0 when disabled) */
    uint32_t host_height;
    uint32_t edid_len;         /* 0 when no valid EDID */
    bool     active;           /* the driver has a framebuffer on it */
    uint32_t width, height;    /* the active mode */
};

unsigned vgpu_scanout_count(const struct vgpu_dev *dev);
/* Re-read display info (and EDIDs) from the device; clears the pending display event. */
int  vgpu_query_displays(struct vgpu_dev *dev);
bool vgpu_display_event_pending(const struct vgpu_dev *dev);
int  vgpu_scanout_info(const struct vgpu_dev *dev, unsigned scanout, struct vgpu_scanout_info *out);
/* The raw EDID (validated base block and any extensions), or NULL. */
const uint8_t *vgpu_scanout_edid(const struct vgpu_dev *dev, unsigned scanout, uint32_t *len);
/* Modes for a scanout, largest first, preferred flagged; returns how many exist (may exceed max). */
size_t vgpu_mode_list(const struct vgpu_dev *dev, unsigned scanout, struct vgpu_mode *modes, size_t max);
int  vgpu_preferred_mode(const struct vgpu_dev *dev, unsigned scanout, struct vgpu_mode *out);

/*
 * Framebuffer memory is the caller's: B8G8R8X8 rows packed at width*4 bytes, in one or more
 * device-address segments whose lengths add up to at least width*height*4.  The segment array
 * and the memory must stay valid while the mode is current (the core re-attaches them after
 * vgpu_recover()).  A mode set builds the new resource before it drops the old one: on failure
 * the old mode stays on screen and current.
 */
struct vgpu_dma_seg { uint64_t addr; uint64_t len; };
struct vgpu_framebuffer {
    uint32_t width, height;
    uint32_t nsegs;
    const struct vgpu_dma_seg *segs;
};
int vgpu_set_mode(struct vgpu_dev *dev, unsigned scanout, const struct vgpu_framebuffer *fb);
int vgpu_disable_scanout(struct vgpu_dev *dev, unsigned scanout);
/* Transfer a rectangle of the current framebuffer to the host and flush it; waits. */
int vgpu_flush_rect(struct vgpu_dev *dev, unsigned scanout, const struct vgpu_rect *rect);
/*
 * Queue transfer+flush for each rectangle with fences and return at once; one notification.
 * All or nothing: VGPU_E_BUSY means nothing was queued (retry after completions); a batch larger
 * than the queue can ever hold is sent as its bounding rectangle.
 */
int vgpu_flush_rects_async(struct vgpu_dev *dev, unsigned scanout, const struct vgpu_rect *rects, size_t n);
/* Wait until every queued command has completed (or the timeout passed). */
int vgpu_wait_idle(struct vgpu_dev *dev);

/* ---- Cursor (the host draws it) ---- */
/* argb: 64x64 words 0xAARRGGBB; (x, y) is where the hot spot goes. */
int vgpu_cursor_set(struct vgpu_dev *dev, unsigned scanout, const uint32_t *argb,
                    uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y);
int vgpu_cursor_move(struct vgpu_dev *dev, unsigned scanout, uint32_t x, uint32_t y);
int vgpu_cursor_hide(struct vgpu_dev *dev, unsigned scanout);

/* ---- Recovery ---- */
/* True once the device is latched broken or asked for a reset. */
bool vgpu_needs_reset(const struct vgpu_dev *dev);
/* Reset the device, set it up again, and restore every scanout's mode, contents and cursor. */
int  vgpu_recover(struct vgpu_dev *dev);

/* ---- Introspection for hosts and tests ---- */
struct vgpu_stats {
    uint64_t commands;          /* control commands submitted */
    uint64_t errors;            /* error responses received */
    uint64_t async_errors;      /* error responses to commands nobody waited for */
    uint64_t notifies;          /* doorbell writes */
    uint64_t notifies_skipped;  /* doorbells the event index let us skip */
    uint64_t interrupts;        /* vgpu_handle_interrupt calls with a cause */
    uint64_t polled_completions;/* completions found while waiting rather than by interrupt */
    uint32_t live_resources;    /* host resources this driver holds right now */
};
void     vgpu_get_stats(const struct vgpu_dev *dev, struct vgpu_stats *out);
uint64_t vgpu_features(const struct vgpu_dev *dev);   /* the negotiated feature bits */

#endif /* VGPU_H */
