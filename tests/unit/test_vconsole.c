/*
 * test_vconsole.c — the virtio-console control protocol (core/console/vcon_ctrl.h) on control messages
 * written here byte by byte from VIRTIO 1.2 §5.3.6.2 (le32 id, le16 event, le16 value, then the
 * name for PORT_NAME), including QEMU 7.2's habit of ending names with a NUL; and vcon_open()
 * refusing a function that is not a console.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_os.h"
#include "../../core/console/vcon_ctrl.h"
#include "../../core/console/vconsole.h"

enum { ADD = 1, REMOVE = 2, READY = 3, CONSOLE = 4, RESIZE = 5, OPEN = 6, NAME = 7 };

struct wire { uint8_t b[300]; uint32_t n; };

static struct wire ctrl(uint32_t id, uint16_t event, uint16_t value, const void *extra, uint32_t extra_len)
{
    struct wire w = { .n = 8 + extra_len };
    uint8_t hdr[8] = { (uint8_t)id, (uint8_t)(id >> 8), (uint8_t)(id >> 16), (uint8_t)(id >> 24),
                       (uint8_t)event, (uint8_t)(event >> 8), (uint8_t)value, (uint8_t)(value >> 8) };
    memcpy(w.b, hdr, 8);
    if (extra_len)
        memcpy(w.b + 8, extra, extra_len);
    return w;
}

/* Parse and apply, as the driver does for each control buffer. */
static int take(struct vcon_ports *p, struct wire w)
{
    struct vcon_ctrl_msg m;
    int rc = vcon_ctrl_parse(p, w.b, w.n, &m);
    return rc == VCON_CTRL_OK ? vcon_ctrl_apply(p, &m) : rc;
}

static int take_rejected_unchanged(struct vcon_ports *p, struct wire w)
{
    static struct vcon_ports before;
    int rc;
    before = *p;
    rc = take(p, w);
    assert_int_not_equal(rc, VCON_CTRL_OK);
    assert_memory_equal(&before, p, sizeof before);
    return rc;
}

static void qemu_port_announcement_builds_a_named_open_port(void **state)
{
    static const char name[] = "com.redhat.spice.0";     /* sizeof includes QEMU's NUL */
    struct vcon_ports p;
    uint32_t id = 99;
    (void)state;
    vcon_ports_init(&p, 31);
    assert_int_equal(take(&p, ctrl(1, ADD, 1, NULL, 0)), VCON_CTRL_OK);
    assert_true(p.port[1].present && p.port[1].ready_due);
    assert_false(vcon_ports_find(&p, name, &id));
    assert_int_equal(take(&p, ctrl(1, NAME, 1, name, sizeof name)), VCON_CTRL_OK);
    assert_int_equal(take(&p, ctrl(1, OPEN, 1, NULL, 0)), VCON_CTRL_OK);
    assert_string_equal(p.port[1].name, name);
    assert_int_equal(p.port[1].name_len, strlen(name));
    assert_true(p.port[1].host_open);
    assert_true(vcon_ports_find(&p, name, &id));
    assert_int_equal(id, 1);
    assert_false(vcon_ports_find(&p, "com.redhat.spice", &id));       /* a prefix is not a match */
    assert_false(vcon_ports_find(&p, "com.redhat.spice.00", &id));
    assert_int_equal(take(&p, ctrl(1, OPEN, 0, NULL, 0)), VCON_CTRL_OK);
    assert_false(p.port[1].host_open);
}

static void names_follow_the_spec_and_are_bounded(void **state)
{
    char longest[VCON_NAME_MAX + 1];
    struct vcon_ports p;
    (void)state;
    memset(longest, 'n', sizeof longest);
    vcon_ports_init(&p, 4);
    assert_int_equal(take(&p, ctrl(2, ADD, 1, NULL, 0)), VCON_CTRL_OK);
    assert_int_equal(take(&p, ctrl(2, NAME, 1, "spec-form", 9)), VCON_CTRL_OK);   /* no NUL */
    assert_string_equal(p.port[2].name, "spec-form");
    assert_int_equal(take(&p, ctrl(2, NAME, 1, longest, VCON_NAME_MAX)), VCON_CTRL_OK);
    assert_int_equal(p.port[2].name_len, VCON_NAME_MAX);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(2, NAME, 1, longest, VCON_NAME_MAX + 1)), VCON_CTRL_BAD_NAME);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(2, NAME, 1, "a\0b", 3)), VCON_CTRL_BAD_NAME);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(2, NAME, 1, "", 1)), VCON_CTRL_BAD_NAME);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(2, NAME, 1, NULL, 0)), VCON_CTRL_BAD_NAME);
}

static void lengths_events_ids_and_values_are_checked(void **state)
{
    static const uint8_t resize[4] = { 80, 0, 25, 0 };
    struct vcon_ports p;
    struct vcon_ctrl_msg m;
    (void)state;
    vcon_ports_init(&p, 8);
    assert_int_equal(take(&p, ctrl(0, ADD, 1, NULL, 0)), VCON_CTRL_OK);
    assert_int_equal(vcon_ctrl_parse(&p, ctrl(0, OPEN, 1, NULL, 0).b, 7, &m), VCON_CTRL_SHORT);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, 0, 1, NULL, 0)), VCON_CTRL_BAD_EVENT);  /* DEVICE_READY */
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, READY, 1, NULL, 0)), VCON_CTRL_BAD_EVENT);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, 8, 1, NULL, 0)), VCON_CTRL_BAD_EVENT);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(8, ADD, 1, NULL, 0)), VCON_CTRL_BAD_ID);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0xffffffffu, OPEN, 1, NULL, 0)), VCON_CTRL_BAD_ID);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, OPEN, 2, NULL, 0)), VCON_CTRL_BAD_VALUE);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, CONSOLE, 7, NULL, 0)), VCON_CTRL_BAD_VALUE);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, OPEN, 1, "x", 1)), VCON_CTRL_BAD_LENGTH);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, REMOVE, 1, "xx", 2)), VCON_CTRL_BAD_LENGTH);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(0, RESIZE, 0, resize, 2)), VCON_CTRL_BAD_LENGTH);
    assert_int_equal(take(&p, ctrl(0, RESIZE, 0, resize, 4)), VCON_CTRL_OK);
    assert_int_equal(take(&p, ctrl(0, CONSOLE, 1, NULL, 0)), VCON_CTRL_OK);
    assert_true(p.port[0].console);
}

static void port_table_follows_add_and_remove(void **state)
{
    struct vcon_ports p;
    uint32_t id;
    (void)state;
    vcon_ports_init(&p, 100);
    assert_int_equal(p.nports, VCON_MAX_PORTS);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(3, NAME, 1, "early", 5)), VCON_CTRL_UNKNOWN_PORT);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(3, OPEN, 1, NULL, 0)), VCON_CTRL_UNKNOWN_PORT);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(3, REMOVE, 1, NULL, 0)), VCON_CTRL_UNKNOWN_PORT);
    assert_int_equal(take(&p, ctrl(31, ADD, 1, NULL, 0)), VCON_CTRL_OK);
    assert_int_equal(take_rejected_unchanged(&p, ctrl(31, ADD, 1, NULL, 0)), VCON_CTRL_DUP_PORT);
    assert_int_equal(take(&p, ctrl(31, NAME, 1, "last", 5)), VCON_CTRL_OK);
    assert_int_equal(take(&p, ctrl(31, OPEN, 1, NULL, 0)), VCON_CTRL_OK);
    p.port[31].ready_due = false;                          /* as after the driver's PORT_READY */
    assert_int_equal(take(&p, ctrl(31, REMOVE, 1, NULL, 0)), VCON_CTRL_OK);
    assert_false(p.port[31].present || p.port[31].host_open || p.port[31].name_len);
    assert_false(vcon_ports_find(&p, "last", &id));
    assert_int_equal(take(&p, ctrl(31, ADD, 1, NULL, 0)), VCON_CTRL_OK);   /* hot-plugged again */
    assert_true(p.port[31].ready_due);
    assert_int_equal(p.port[31].name_len, 0);
}

static void driver_messages_have_the_wire_layout(void **state)
{
    static const uint8_t device_ready[8] = { 0, 0, 0, 0, 0, 0, 1, 0 };
    static const uint8_t port_open[8] = { 0x21, 0x01, 0, 0, 6, 0, 1, 0 };   /* port 289 */
    uint8_t out[8];
    (void)state;
    vcon_ctrl_build(out, 0, 0, 1);
    assert_memory_equal(out, device_ready, 8);
    vcon_ctrl_build(out, 289, 6, 1);
    assert_memory_equal(out, port_open, 8);
}

/* A virtio-gpu function is not a console: refused before anything is allocated or reset. */
static void open_refuses_a_gpu_function_without_leaks(void **state)
{
    struct host *h = host_new();
    struct sim_config cfg;
    struct host_dev *d;
    struct vcon_dev *dev = NULL;
    struct vcon_params params = { VGPU_IRQ_POLL, 0, 100 };
    (void)state;
    sim_default_config(&cfg);
    d = host_dev_new(h, &cfg);
    assert_int_equal(vcon_open(d, &params, &dev), VGPU_E_NODEV);
    assert_null(dev);
    assert_true(host_log_contains(h, "not a modern virtio function 1af4:1043"));
    params.irq_mode = VGPU_IRQ_MSIX;                       /* MSI-X without vectors: a caller error */
    assert_int_equal(vcon_open(d, &params, &dev), VGPU_E_INVAL);
    assert_int_equal(host_free(h), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(qemu_port_announcement_builds_a_named_open_port),
        cmocka_unit_test(names_follow_the_spec_and_are_bounded),
        cmocka_unit_test(lengths_events_ids_and_values_are_checked),
        cmocka_unit_test(port_table_follows_add_and_remove),
        cmocka_unit_test(driver_messages_have_the_wire_layout),
        cmocka_unit_test(open_refuses_a_gpu_function_without_leaks),
    };
    return cmocka_run_group_tests_name("vconsole", tests, NULL, NULL);
}
