/*
 * clip_pump.h — one round of the clipboard agent's work loop, over any byte port: follow the
 * host's connection (a new host gets a fresh agent session), feed every byte waiting, look at the
 * pasteboard, send what the agent produced.  Portable C, no allocation; the port is reached
 * through `struct clip_port` (the guest wraps core/console/vconsole.h, the macOS agent the kext's user
 * client).  The caller decides how often a round runs and how it sleeps in between.
 */
#ifndef CLIP_PUMP_H
#define CLIP_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clip_logic.h"

struct clip_port {
    void *ctx;
    /* Copy up to `max` waiting bytes into `buf` without blocking; *got = 0 when none.  0 or < 0. */
    int  (*read)(void *ctx, uint8_t *buf, size_t max, size_t *got);
    /* Send all `len` bytes (may block, bounded); 0 or < 0. */
    int  (*write)(void *ctx, const uint8_t *buf, size_t len);
    /* The host side of the port is connected. */
    bool (*host_open)(void *ctx);
};

struct clip_pump {
    struct clip_agent *agent;
    struct clip_port port;
    uint8_t *rx;                 /* the caller's read buffer */
    size_t   rx_cap;
    bool     host_open;          /* as last seen: a 0 -> 1 change starts a session */
};

void clip_pump_init(struct clip_pump *p, struct clip_agent *agent, const struct clip_port *port,
                    uint8_t *rx, size_t rx_cap);
/* One round; returns the first port error (< 0) or 0. */
int  clip_pump_once(struct clip_pump *p);

#endif /* CLIP_PUMP_H */
