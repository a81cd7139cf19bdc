/* Edits of an OpenCore config tree (libplist) that install or remove our kext. */
#ifndef OC_KEXT_ENTRY_H
#define OC_KEXT_ENTRY_H

#include <plist/plist.h>

#define KEXT_BUNDLE_PATH "virtio-gpu.kext"
#define KEXT_EXECUTABLE_PATH "Contents/MacOS/virtio-gpu"
#define KEXT_PLIST_PATH "Contents/Info.plist"
#define KEXT_ARCH "x86_64"
#define KEXT_MIN_KERNEL "19.0.0" /* Catalina */
#define KEXT_COMMENT "VirtIO GPU display driver (virtio-gpu-macos)"

/* Every change is counted and reported on stdout, as "added …" or, in a dry run, "would add …". */
struct edit_log {
    int dry_run;
    int changes;
};

/* Adds our Kernel→Add entry, or rewrites an existing one to the canonical form (in place,
 * keeping its position); drops duplicates. Returns NULL or an error message. */
const char *kernel_add_install(plist_t root, struct edit_log *log);

/* Removes every Kernel→Add entry for our bundle. Returns NULL or an error message. */
const char *kernel_add_uninstall(plist_t root, struct edit_log *log);

/* Removes UEFI→Drivers entries (dict with Path, or plain string) naming our kext:
 * a kext loaded as a UEFI driver is a configuration error. Missing UEFI or Drivers is fine. */
void uefi_drivers_remove_kext(plist_t root, struct edit_log *log);

#endif
