/*
 * fault_util.h — the scene the fault-injection tests (test_fault_*.c) break and then check:
 * one or two scanouts showing scattered framebuffers drawn with an independent pattern, and a
 * cursor on scanout 0.  After a fault the tests ask whether the device shows exactly that scene
 * again and whether every resource on the device is one the driver knows of.
 *
 * What the other unit tests already cover (not repeated in test_fault_*.c): allocation failure
 * for every n during vgpu_open (test_open) and vgpu_set_mode of one scanout (test_modeset) and
 * vgpu_recover (test_faults); all interrupts lost in INTx mode (test_irq); error responses to
 * CREATE_2D, ATTACH_BACKING, SET_SCANOUT in a mode set, TRANSFER and FLUSH in an update, an async
 * FLUSH, GET_EDID and GET_DISPLAY_INFO at open, a wrong response type; a held TRANSFER and a late
 * completion; bad/duplicate/oversized/wrong used ids on the control queue; NEEDS_RESET on a FLUSH
 * and while idle (test_faults, one scanout); async batch limits (test_async_batch).
 */
#ifndef FAULT_UTIL_H
#define FAULT_UTIL_H

#include "harness.h"

#define FAULT_TIMEOUT_MS 100u
#define FAULT_TIMEOUT_NS (FAULT_TIMEOUT_MS * 1000000ull)

struct fault_scene {
    unsigned nscanouts;
    struct host_fb *fb[2];
    uint32_t cursor[VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE];
    uint32_t hot_x, hot_y, x, y;
};

/* Device with `nscanouts` heads (2: 1280x800 and 800x600), opened with a 100 ms command timeout. */
void fault_boot(struct t *t, enum vgpu_irq_mode mode, unsigned nscanouts);
/* Mode sets and full flushes of pattern(seed + scanout) at w x h (scanout 1 at 3/4 size), cursor. */
void fault_show(struct t *t, struct fault_scene *sc, uint32_t w, uint32_t h, uint32_t seed);
/* The device shows every framebuffer of the scene pixel for pixel, and the cursor. */
void fault_expect_scene(struct t *t, const struct fault_scene *sc);
/* The device holds exactly the resources the core counts as live (nothing forgotten, no leak). */
void fault_expect_accounted(struct t *t);
/* vgpu_recover() succeeds, the status is clean, and the scene is back. */
void fault_recover(struct t *t, const struct fault_scene *sc);

#endif /* FAULT_UTIL_H */
