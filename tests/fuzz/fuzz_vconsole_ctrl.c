/*
 * fuzz_vconsole_ctrl.c — libFuzzer target for the virtio-console control protocol
 * (core/console/vcon_ctrl.h): sequences of control messages from a hostile device against the port table.
 * Beyond "no crash": a rejected message leaves the table byte for byte as it was; after every
 * message the table is consistent (names NUL-terminated at name_len, absent ports all zero,
 * nothing beyond nports touched) and a port found by name is present and carries that name.
 * Input: byte 0 = nports (mod 40: also out-of-range counts), then messages as [len][len bytes].
 *   make fuzz-build && build/fuzz/fuzz_vconsole_ctrl -max_total_time=60 tests/fuzz/corpus/vconsole_ctrl
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/console/vcon_ctrl.h"
#include "../../core/console/virtio_console_proto.h"

static void check(int cond)
{
    if (!cond)
        abort();
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static void check_table(const struct vcon_ports *t)
{
    check(t->nports <= VCON_MAX_PORTS);
    for (uint32_t i = 0; i < VCON_MAX_PORTS; i++) {
        const struct vcon_port_state *s = &t->port[i];
        if (!s->present || i >= t->nports) {
            check(all_zero(s, sizeof *s));
            continue;
        }
        check(s->name_len <= VCON_NAME_MAX && s->name[s->name_len] == '\0');
        check(strlen(s->name) == s->name_len);
    }
}

static void check_find(const struct vcon_ports *t, const struct vcon_ctrl_msg *m)
{
    uint32_t id;
    char name[VCON_NAME_MAX + 1];

    if (m->event != VIRTIO_CONSOLE_PORT_NAME)
        return;
    memcpy(name, m->name, m->name_len);
    name[m->name_len] = '\0';
    check(vcon_ports_find(t, name, &id));
    check(id < t->nports && t->port[id].present && strcmp(t->port[id].name, name) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vcon_ports table, before;
    size_t off = 1;

    if (size < 1)
        return 0;
    vcon_ports_init(&table, data[0] % 40u);
    check(table.nports == (data[0] % 40u < VCON_MAX_PORTS ? data[0] % 40u : VCON_MAX_PORTS));
    while (off < size) {
        size_t len = data[off++];
        struct vcon_ctrl_msg m;
        int rc;
        if (len > size - off)
            len = size - off;
        before = table;
        rc = vcon_ctrl_parse(&table, data + off, (uint32_t)len, &m);
        if (rc == VCON_CTRL_OK)
            rc = vcon_ctrl_apply(&table, &m);
        off += len;
        if (rc != VCON_CTRL_OK) {
            check(memcmp(&before, &table, sizeof table) == 0);
            check(vcon_ctrl_error_name(rc)[0] != '\0');
            continue;
        }
        check(m.id < table.nports);
        check_table(&table);
        check_find(&table, &m);
    }
    return 0;
}
