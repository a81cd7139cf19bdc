/*
 * vcon_ctrl.h — the multiport control protocol of virtio-console, without I/O: checking each
 * control message the device sends and keeping the table of ports it describes.
 *
 * Everything here comes from the device and is checked: the length, the event (only the ones a
 * device may send), the port id against the ports we serve, boolean values, name lengths and
 * the order of events (a port must be added before it is named, opened or removed).  A rejected
 * message changes nothing.
 */
#ifndef VCON_CTRL_H
#define VCON_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#define VCON_MAX_PORTS 32u      /* ports served: ids 0..31 (QEMU's default max_nr_ports is 31) */
#define VCON_NAME_MAX  127u     /* longest port name accepted, in bytes */

enum vcon_ctrl_error {
    VCON_CTRL_OK = 0,
    VCON_CTRL_SHORT,            /* shorter than the 8-byte header */
    VCON_CTRL_BAD_LENGTH,       /* trailing bytes an event does not carry */
    VCON_CTRL_BAD_EVENT,        /* unknown, or one only a driver sends */
    VCON_CTRL_BAD_ID,           /* port id beyond the ports served */
    VCON_CTRL_BAD_VALUE,        /* a boolean event with a value other than 0 or 1 */
    VCON_CTRL_BAD_NAME,         /* empty, too long, or with a NUL inside */
    VCON_CTRL_UNKNOWN_PORT,     /* an event for a port that was never added (or was removed) */
    VCON_CTRL_DUP_PORT,         /* PORT_ADD for a port already present */
};
const char *vcon_ctrl_error_name(int error);

/* One checked message from the device. */
struct vcon_ctrl_msg {
    uint32_t id;
    uint16_t event;
    uint16_t value;
    const uint8_t *name;        /* PORT_NAME: the name without any trailing NUL */
    uint32_t name_len;
};

/* What the driver knows about one port. */
struct vcon_port_state {
    bool present;               /* added and not removed since */
    bool ready_due;             /* PORT_READY 1 is owed to the device */
    bool console;               /* CONSOLE_PORT 1 seen */
    bool host_open;             /* the device's last PORT_OPEN value */
    uint32_t name_len;          /* 0 until PORT_NAME */
    char name[VCON_NAME_MAX + 1];   /* NUL-terminated */
};

struct vcon_ports {
    uint32_t nports;            /* ids below this are valid; at most VCON_MAX_PORTS */
    struct vcon_port_state port[VCON_MAX_PORTS];
};

void vcon_ports_init(struct vcon_ports *p, uint32_t nports);
/* Check `len` bytes from the control receive queue against the port table's id range. */
int  vcon_ctrl_parse(const struct vcon_ports *p, const uint8_t *buf, uint32_t len,
                     struct vcon_ctrl_msg *out);
/* Apply a parsed message to the table; a rejected one leaves the table as it was. */
int  vcon_ctrl_apply(struct vcon_ports *p, const struct vcon_ctrl_msg *m);
/* A driver-to-device message (DEVICE_READY, PORT_READY, PORT_OPEN) in 8 bytes. */
void vcon_ctrl_build(uint8_t out[8], uint32_t id, uint16_t event, uint16_t value);
/* The present port named exactly `name` (NUL-terminated); false when none. */
bool vcon_ports_find(const struct vcon_ports *p, const char *name, uint32_t *id);

#endif /* VCON_CTRL_H */
