/*
 * session_script.c — the two sessions the targets run: a fixed walk through every operation, and
 * a walk whose every step (and the device events between steps) comes from the tape's step part (tape_split).
 */
#include "fuzz_dev.h"
#include "fuzz_os.h"
#include "fuzz_tape.h"
#include "session.h"

#define MAX_STEPS 48

void session_fixed(enum vgpu_irq_mode mode)
{
    struct vgpu_rect whole = { 0, 0, 48, 32 }, part = { 5, 7, 20, 9 };
    struct vgpu_rect rects[3] = { { 0, 0, 8, 8 }, { 40, 24, 8, 8 }, { 10, 3, 30, 1 } };

    if (s_open(mode, false) != VGPU_OK)
        return;
    s_query();
    for (unsigned s = 0; s < s_scanouts() && s < 2; s++)
        s_set_mode(s, 48 + 16 * s, 32, 3);
    s_flush(0, &whole);
    s_flush(0, &part);
    s_flush_async(0, rects, 3);
    s_wait_idle();
    s_cursor_set(0, 2, 3, 10, 12);
    s_cursor_move(0, 30, 20);
    s_cursor_hide(0);
    s_cursor_set(0, 63, 0, 1, 1);
    s_poll();
    s_set_mode(0, 40, 30, 2);
    s_react();
    s_recover();
    s_flush(0, &(struct vgpu_rect){ 0, 0, 40, 30 });
    s_close();
}

/* Step parameters: one tape read per statement, so the order is fixed. */
static uint32_t op_u8(uint32_t mod)
{
    return tape_step_u8() % mod;
}

static struct vgpu_rect op_rect(void)
{
    struct vgpu_rect r;

    r.x = op_u8(72);
    r.y = op_u8(72);
    r.width = 1u + op_u8(72);
    r.height = 1u + op_u8(72);
    return r;
}

/* A scanout number: mostly valid ones, sometimes one past the end or far outside. */
static unsigned op_scanout(void)
{
    uint8_t b = tape_step_u8();
    return b < 0xf0 ? b % (s_scanouts() + 1u) : b;
}

static void step_open(void)
{
    uint8_t b = tape_step_u8();
    s_open((enum vgpu_irq_mode)(b % 3), (b & 0x4) != 0);
}

static void step_set_mode(void)
{
    unsigned s = op_scanout();
    uint32_t w = 1u + op_u8(64), h = 1u + op_u8(48);

    s_set_mode(s, w, h, 1u + op_u8(8));
}

static void step_flush(void)
{
    unsigned s = op_scanout();
    struct vgpu_rect r = op_rect();

    s_flush(s, &r);
}

static void step_async(void)
{
    struct vgpu_rect rects[6];
    unsigned s = op_scanout(), n = 1u + op_u8(6);

    for (unsigned i = 0; i < n; i++)
        rects[i] = op_rect();
    s_flush_async(s, rects, n);
    if (op_u8(2))
        s_wait_idle();
}

static void step_cursor(bool set)
{
    unsigned s = op_scanout();
    uint32_t hot_x = set ? op_u8(66) : 0, hot_y = set ? op_u8(66) : 0;
    uint32_t x = tape_step_u16(), y = tape_step_u16();

    if (set)
        s_cursor_set(s, hot_x, hot_y, x, y);
    else
        s_cursor_move(s, x, y);
}

static void step_display_change(void)
{
    unsigned s = op_u8(17);
    uint32_t w = tape_step_u16(), h = tape_step_u16();

    dev_display_change(s, w, h, op_u8(2));
}

static void step_device_event(void)
{
    uint32_t what = op_u8(4);

    fz_trace("device event %u", what);
    switch (what) {
    case 0:  step_display_change(); break;
    case 1:  dev_raise_needs_reset(); break;
    case 2:  dev_config_interrupt(); break;
    default: dev_set_num_scanouts(op_u8(18)); break;
    }
}

static void step(uint32_t op)
{
    switch (op) {
    case 0:  step_open(); break;
    case 1:  s_query(); break;
    case 2:  step_set_mode(); break;
    case 3:  step_flush(); break;
    case 4:  step_async(); break;
    case 5:  s_wait_idle(); break;
    case 6:  step_cursor(true); break;
    case 7:  step_cursor(false); break;
    case 8:  s_cursor_hide(op_scanout()); break;
    case 9:  s_disable(op_scanout()); break;
    case 10: s_poll(); break;
    case 11: s_interrupts(); break;
    case 12: step_device_event(); break;
    case 13: s_recover(); break;
    case 14: s_close(); break;
    case 15: s_react(); break;
    case 16: fz_fail_alloc_at(1u + op_u8(24)); break;
    default: fz_irq_async(op_u8(2)); break;
    }
}

/* Opens first (the tape picks how), then steps until the tape or the step budget runs out. */
void session_random(void)
{
    tape_split();
    step_open();
    for (unsigned n = 0; n < MAX_STEPS && !tape_step_empty(); n++)
        step(op_u8(18));
    s_react();
    s_close();
}
