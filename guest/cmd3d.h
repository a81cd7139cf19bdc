/* cmd3d.h — the `gl` commands of guest/PROTOCOL.md (3D over virgl), one table entry in commands.c. */
#ifndef GUEST_CMD3D_H
#define GUEST_CMD3D_H

#include "session.h"

/* `gl SUBCOMMAND ...` */
int cmd3d_run(struct session *s, unsigned argc, char **argv);
/* vgpu_open, or vgpu3d_open after `gl on`: what `init` calls. */
int cmd3d_open(void *os, const struct vgpu_params *p, struct vgpu_dev **dev);

#endif /* GUEST_CMD3D_H */
