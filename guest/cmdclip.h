/* cmdclip.h — the `clip` commands of guest/PROTOCOL.md (clipboard agent over virtio-console),
 * one table entry in commands.c. */
#ifndef GUEST_CMDCLIP_H
#define GUEST_CMDCLIP_H

#include "session.h"

/* `clip SUBCOMMAND ...` */
int cmdclip_run(struct session *s, unsigned argc, char **argv);

#endif /* GUEST_CMDCLIP_H */
