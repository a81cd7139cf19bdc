/* vcon_ctrl.c — checking virtio-console control messages and the port table they build. */
#include "console/vcon_ctrl.h"

#include "base/bytes.h"
#include "base/util.h"
#include "console/virtio_console_proto.h"

const char *vcon_ctrl_error_name(int error)
{
    switch (error) {
    case VCON_CTRL_OK:           return "ok";
    case VCON_CTRL_SHORT:        return "shorter than a control header";
    case VCON_CTRL_BAD_LENGTH:   return "trailing bytes the event does not carry";
    case VCON_CTRL_BAD_EVENT:    return "not an event a device sends";
    case VCON_CTRL_BAD_ID:       return "port id out of range";
    case VCON_CTRL_BAD_VALUE:    return "value is not 0 or 1";
    case VCON_CTRL_BAD_NAME:     return "port name empty, too long or with a NUL inside";
    case VCON_CTRL_UNKNOWN_PORT: return "port was never added";
    case VCON_CTRL_DUP_PORT:     return "port added twice";
    default:                     return "unknown error";
    }
}

void vcon_ports_init(struct vcon_ports *p, uint32_t nports)
{
    vgpu_zero(p, sizeof(*p));
    p->nports = VGPU_MIN(nports, VCON_MAX_PORTS);
}

/* QEMU ends the name with one NUL the spec does not have; any other NUL is an error. */
static int check_name(const uint8_t *name, uint32_t len, struct vcon_ctrl_msg *out)
{
    uint32_t i;

    if (len > 0 && name[len - 1] == '\0')
        len--;
    if (len == 0 || len > VCON_NAME_MAX)
        return VCON_CTRL_BAD_NAME;
    for (i = 0; i < len; i++)
        if (name[i] == '\0')
            return VCON_CTRL_BAD_NAME;
    out->name = name;
    out->name_len = len;
    return VCON_CTRL_OK;
}

/* The extra bytes each device event may carry. */
static int check_payload(const uint8_t *extra, uint32_t extra_len, struct vcon_ctrl_msg *out)
{
    switch (out->event) {
    case VIRTIO_CONSOLE_PORT_NAME:
        return check_name(extra, extra_len, out);
    case VIRTIO_CONSOLE_RESIZE:
        return extra_len == 0 || extra_len == VIRTIO_CONSOLE_RESIZE_SIZE ? VCON_CTRL_OK : VCON_CTRL_BAD_LENGTH;
    case VIRTIO_CONSOLE_CONSOLE_PORT:
    case VIRTIO_CONSOLE_PORT_OPEN:
        if (out->value > 1)
            return VCON_CTRL_BAD_VALUE;
        return extra_len == 0 ? VCON_CTRL_OK : VCON_CTRL_BAD_LENGTH;
    case VIRTIO_CONSOLE_PORT_ADD:
    case VIRTIO_CONSOLE_PORT_REMOVE:
        return extra_len == 0 ? VCON_CTRL_OK : VCON_CTRL_BAD_LENGTH;
    default:
        return VCON_CTRL_BAD_EVENT;   /* DEVICE_READY, PORT_READY or unknown */
    }
}

int vcon_ctrl_parse(const struct vcon_ports *p, const uint8_t *buf, uint32_t len,
                    struct vcon_ctrl_msg *out)
{
    int rc;

    vgpu_zero(out, sizeof(*out));
    if (len < VIRTIO_CONSOLE_CTRL_SIZE)
        return VCON_CTRL_SHORT;
    out->id = get_le32(buf);
    out->event = get_le16(buf + 4);
    out->value = get_le16(buf + 6);
    rc = check_payload(buf + VIRTIO_CONSOLE_CTRL_SIZE, len - VIRTIO_CONSOLE_CTRL_SIZE, out);
    if (rc == VCON_CTRL_OK && out->id >= p->nports)
        rc = VCON_CTRL_BAD_ID;
    return rc;
}

static void add_port(struct vcon_port_state *s)
{
    vgpu_zero(s, sizeof(*s));
    s->present = true;
    s->ready_due = true;
}

int vcon_ctrl_apply(struct vcon_ports *p, const struct vcon_ctrl_msg *m)
{
    struct vcon_port_state *s = &p->port[m->id];

    if (m->id >= p->nports)
        return VCON_CTRL_BAD_ID;
    if (m->event == VIRTIO_CONSOLE_PORT_ADD) {
        if (s->present)
            return VCON_CTRL_DUP_PORT;
        add_port(s);
        return VCON_CTRL_OK;
    }
    if (!s->present)
        return VCON_CTRL_UNKNOWN_PORT;
    switch (m->event) {
    case VIRTIO_CONSOLE_PORT_REMOVE: vgpu_zero(s, sizeof(*s)); break;
    case VIRTIO_CONSOLE_CONSOLE_PORT: s->console = m->value != 0; break;
    case VIRTIO_CONSOLE_PORT_OPEN:   s->host_open = m->value != 0; break;
    case VIRTIO_CONSOLE_PORT_NAME:
        vgpu_copy(s->name, m->name, m->name_len);
        s->name[m->name_len] = '\0';
        s->name_len = m->name_len;
        break;
    default: break;                    /* RESIZE: console geometry, nothing for us */
    }
    return VCON_CTRL_OK;
}

void vcon_ctrl_build(uint8_t out[8], uint32_t id, uint16_t event, uint16_t value)
{
    put_le32(out, id);
    put_le16(out + 4, event);
    put_le16(out + 6, value);
}

static bool same_name(const struct vcon_port_state *s, const char *name)
{
    uint32_t i;

    for (i = 0; i < s->name_len; i++)
        if (name[i] != s->name[i])
            return false;
    return name[s->name_len] == '\0';
}

bool vcon_ports_find(const struct vcon_ports *p, const char *name, uint32_t *id)
{
    uint32_t i;

    for (i = 0; i < p->nports; i++) {
        if (p->port[i].present && p->port[i].name_len && same_name(&p->port[i], name)) {
            *id = i;
            return true;
        }
    }
    return false;
}
