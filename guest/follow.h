/*
 * follow.h — the `follow` command: the display agent's policy (agent/follow_logic.c, the same code
 * the macOS agent runs) in the test guest.  While it is on, the guest follows the host's display
 * size between commands: a display event is read as the kext publishes it (a host size and a
 * generation per scanout), the policy decides, and the mode it picks from the core's mode list is
 * set with a new framebuffer drawn with pattern(SEED).
 */
#ifndef GUEST_FOLLOW_H
#define GUEST_FOLLOW_H

#include <stdint.h>

#include "session.h"

/* `follow on SEED` | `follow off` | `follow stats` (guest/PROTOCOL.md). */
int follow_command(struct session *s, unsigned argc, char **argv);
/* Between commands: act on display events and due switches; returns when to be called again
 * (guest clock ns), UINT64_MAX when only an interrupt can bring work. */
uint64_t follow_idle(struct session *s);
/* A command changed or turned off a scanout's mode: the user's choice, as the policy sees it. */
void follow_note_mode(struct session *s, unsigned scanout);
/* The device is closed: stop following. */
void follow_stop(void);

#endif /* GUEST_FOLLOW_H */
