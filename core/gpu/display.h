/* display.h — scanout state: what the host reports, and the framebuffer the driver shows. */
#ifndef VGPU_DISPLAY_H
#define VGPU_DISPLAY_H

#include "gpu/dev.h"

/* Put back every active scanout's framebuffer after a device reset (host resources are gone). */
int  display_restore(struct vgpu_dev *dev);
/* Drop every framebuffer resource (on close); scanouts are disabled first. */
void display_release_all(struct vgpu_dev *dev);

#endif /* VGPU_DISPLAY_H */
