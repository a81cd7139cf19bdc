/* cursor.h — the host-drawn cursor: a 64x64 resource per scanout and the cursor queue. */
#ifndef VGPU_CURSOR_H
#define VGPU_CURSOR_H

#include "gpu/dev.h"

/* Re-create each cursor resource after a device reset and show it where it was. */
int  cursor_restore(struct vgpu_dev *dev);
/* Drop every cursor resource and its image memory. */
void cursor_release_all(struct vgpu_dev *dev);

#endif /* VGPU_CURSOR_H */
