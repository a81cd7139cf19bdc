/*
 * session.h — a host's life with the core, step by step, for the fuzz targets: each step calls
 * the public API the way the macOS shell or the test guest would, then checks what every caller
 * may rely on (a defined status, a bounded wait, sane display views, success while the device
 * is honest).  The session owns the framebuffers it hands to the core.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../../core/gpu/vgpu.h"

#define SESSION_TIMEOUT_MS 50u     /* cmd_timeout_ms: every wait the core does is this or reset's */

void session_begin(unsigned script);   /* host, then the device (which reads its setup) */
void session_end(void);                /* closes, frees, and checks nothing was left behind */

int  s_open(enum vgpu_irq_mode mode, bool async_irq);
int  s_open3d(enum vgpu_irq_mode mode, bool async_irq);   /* vgpu3d_open: asks for VIRGL */
struct vgpu_dev *s_dev(void);      /* the open device, or NULL: for targets that call the core directly */
void s_close(void);
void s_query(void);
void s_set_mode(unsigned scanout, uint32_t width, uint32_t height, unsigned nsegs);
void s_disable(unsigned scanout);
void s_flush(unsigned scanout, const struct vgpu_rect *r);
void s_flush_async(unsigned scanout, const struct vgpu_rect *rects, unsigned n);
void s_wait_idle(void);
void s_cursor_set(unsigned scanout, uint32_t hot_x, uint32_t hot_y, uint32_t x, uint32_t y);
void s_cursor_move(unsigned scanout, uint32_t x, uint32_t y);
void s_cursor_hide(unsigned scanout);
void s_poll(void);
void s_interrupts(void);
void s_recover(void);
/* What a host does with the core's events: recover on NEEDS_RESET, re-query and re-mode on a
 * display change. */
void s_react(void);

bool     s_is_open(void);
unsigned s_scanouts(void);

/* The scripted sessions. */
void session_fixed(enum vgpu_irq_mode mode);   /* open, modes, updates, cursor, recover, close */
void session_random(void);                     /* every step chosen by the tape */

#endif /* SESSION_H */
