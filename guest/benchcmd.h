/*
 * benchcmd.h — the `bench` and `idle` commands of guest/PROTOCOL.md ("Benchmark loops"):
 * update loops that run inside the guest, so `make bench` measures the driver, not the serial line.
 * They drive the refresh engine (core/refresh/refresh.h), one per scanout, made on first use.
 */
#ifndef GUEST_BENCHCMD_H
#define GUEST_BENCHCMD_H

#include "session.h"

/* `bench S naive|refresh|damage|none N X Y W H [HZ]` */
int  benchcmd_bench(struct session *s, unsigned argc, char **argv);
/* `idle S MS refresh|naive` */
int  benchcmd_idle(struct session *s, unsigned argc, char **argv);
/* Scanout S's framebuffer goes away: drop its engine (frees the shadow).  Call before fb_destroy. */
void benchcmd_drop(unsigned scanout);

#endif /* GUEST_BENCHCMD_H */
