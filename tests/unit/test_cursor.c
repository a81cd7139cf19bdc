/*
 * test_cursor.c — the host-drawn cursor as the device sees it: image copied at update time, hot
 * spot, position, visibility, moves on the cursor queue, and bad arguments.
 */
#include "harness.h"

#define CURSOR_PIXELS (VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE)

/* Two image buffers (tests use at most two), static so a failing assert leaks nothing. */
static uint32_t images[2][CURSOR_PIXELS];

static uint32_t *cursor_image(uint32_t seed)
{
    uint32_t *img = images[seed & 1];

    for (uint32_t i = 0; i < CURSOR_PIXELS; i++)   /* alpha varies too: ARGB, not XRGB */
        img[i] = pattern(i % 64, i / 64, seed) | (i * 7u % 256u) << 24;
    return img;
}

static void boot_with_mode(struct t *t)
{
    struct host_fb *fb = t_fb(t, 640, 480, 1);

    t_boot(t);
    assert_vgpu_ok(vgpu_set_mode(t_dev(t), 0, &fb->fb));
}

static void expect_cursor(struct t *t, const uint32_t *img, uint32_t hx, uint32_t hy,
                          uint32_t x, uint32_t y, bool visible)
{
    struct sim_cursor_view c;

    assert_true(sim_cursor(t->sim, 0, &c));
    assert_true(c.defined);
    assert_int_equal(c.visible, visible);
    assert_int_equal(c.hot_x, hx);
    assert_int_equal(c.hot_y, hy);
    assert_int_equal(c.x, x);
    assert_int_equal(c.y, y);
    for (uint32_t i = 0; i < CURSOR_PIXELS; i++)
        if (c.image[i] != img[i])
            fail_msg("cursor pixel (%u,%u) is 0x%08x, expected 0x%08x", i % 64, i / 64,
                     c.image[i], img[i]);
}

static void cursor_set_defines_image_and_hot_spot(struct t *t)
{
    uint32_t *img = cursor_image(21);

    boot_with_mode(t);
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, img, 3, 5, 100, 200));
    expect_cursor(t, img, 3, 5, 100, 200, true);
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_UPDATE_CURSOR), 1);
    assert_true(sim_stats(t->sim)->notifies[1] >= 1);
}

static void cursor_move_keeps_image(struct t *t)
{
    uint32_t *img = cursor_image(22);

    boot_with_mode(t);
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, img, 0, 0, 1, 1));
    assert_vgpu_ok(vgpu_cursor_move(t_dev(t), 0, 300, 40));
    expect_cursor(t, img, 0, 0, 300, 40, true);   /* QEMU hides it if a move names no resource */
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_MOVE_CURSOR), 1);
}

static void cursor_hide_and_show_again(struct t *t)
{
    uint32_t *a = cursor_image(23), *b = cursor_image(24);

    boot_with_mode(t);
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, a, 1, 2, 10, 10));
    assert_vgpu_ok(vgpu_cursor_hide(t_dev(t), 0));
    struct sim_cursor_view c;
    assert_true(sim_cursor(t->sim, 0, &c));
    assert_false(c.visible);
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, b, 7, 8, 20, 30));
    expect_cursor(t, b, 7, 8, 20, 30, true);
}

static void many_moves_wrap_the_cursor_queue(struct t *t)
{
    uint32_t *img = cursor_image(25);

    boot_with_mode(t);
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, img, 0, 0, 0, 0));
    for (uint32_t i = 1; i <= 200; i++)            /* the cursor ring has 16 entries */
        assert_vgpu_ok(vgpu_cursor_move(t_dev(t), 0, i, 2 * i));
    expect_cursor(t, img, 0, 0, 200, 400, true);
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_MOVE_CURSOR), 200);
}

static void cursor_bad_arguments(struct t *t)
{
    uint32_t *img = cursor_image(26);
    uint64_t before;

    boot_with_mode(t);
    before = sim_stats(t->sim)->notifies[1];
    assert_int_equal(vgpu_cursor_set(t_dev(t), 1, img, 0, 0, 0, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_cursor_set(t_dev(t), 0, NULL, 0, 0, 0, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_cursor_set(t_dev(t), 0, img, 64, 0, 0, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_cursor_set(t_dev(t), 0, img, 0, 64, 0, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_cursor_move(t_dev(t), 5, 0, 0), VGPU_E_INVAL);
    assert_int_equal(vgpu_cursor_hide(t_dev(t), 5), VGPU_E_INVAL);
    assert_int_equal(sim_stats(t->sim)->notifies[1], before);
}

static void cursor_resource_is_released(struct t *t)
{
    uint32_t *img = cursor_image(27);

    boot_with_mode(t);
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, img, 0, 0, 5, 5));
    assert_vgpu_ok(vgpu_cursor_set(t_dev(t), 0, img, 0, 0, 6, 6));
    /* Framebuffer + at most one cursor resource, whatever the number of updates. */
    assert_in_range(sim_stats(t->sim)->live_resources, 1, 2);
    host_dev_close(t->d);
    assert_int_equal(sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_UNREF),
                     sim_cmd_count(t->sim, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(cursor_set_defines_image_and_hot_spot),
        UNIT_TEST(cursor_move_keeps_image),
        UNIT_TEST(cursor_hide_and_show_again),
        UNIT_TEST(many_moves_wrap_the_cursor_queue),
        UNIT_TEST(cursor_bad_arguments),
        UNIT_TEST(cursor_resource_is_released),
    };

    return RUN_UNIT_TESTS("cursor", tests);
}
