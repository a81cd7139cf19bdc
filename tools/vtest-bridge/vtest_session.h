/* vtest_session.h — one GL program's vtest connection, forwarded to the guest. */
#ifndef VTEST_SESSION_H
#define VTEST_SESSION_H

#include <stdint.h>
#include <stdio.h>

struct bridge {
    int guest;                       /* the link to the guest */
    uint8_t *caps1, *caps2;          /* the device's capsets, read once */
    uint32_t caps1_len, caps2_len;
    FILE *log;                       /* one line per program, NULL: none */
    uint64_t programs;
    uint64_t synced_bytes;           /* program memory copied to the guest */
    int trace;                       /* VTEST_BRIDGE_TRACE=1: one log line per guest call */
};

/* Serve the program on `fd` until it hangs up; the guest releases what it held.
 * 0, or -1 when the link to the guest is lost. */
int vtest_session_run(struct bridge *b, int fd);

#endif /* VTEST_SESSION_H */
