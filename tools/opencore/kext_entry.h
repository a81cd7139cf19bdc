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

/* Every change is counted and reported on stdout, as "added …" or, in a dry run, "would add …"
 * (silent: counted only, for probes). */
struct edit_log {
    int dry_run;
    int changes;
    int silent;
};

/* Prints "<done> <what>" (or "<would> <what>" in a dry run) and counts the change. */
void edit_log_report(struct edit_log *log, const char *done, const char *would, const char *what);

/* The child of a dict under key when it has the given type, else NULL. */
plist_t dict_child(plist_t dict, const char *key, plist_type type);

/* Adds our Kernel→Add entry, or rewrites an existing one to the canonical form (in place,
 * keeping its position); drops duplicates. Returns NULL or an error message. */
const char *kernel_add_install(plist_t root, struct edit_log *log);

/* Removes every Kernel→Add entry for our bundle. Returns NULL or an error message. */
const char *kernel_add_uninstall(plist_t root, struct edit_log *log);

/* Removes UEFI→Drivers entries (dict with Path, or plain string) naming our kext:
 * a kext loaded as a UEFI driver is a configuration error. Missing UEFI or Drivers is fine. */
void uefi_drivers_remove_kext(plist_t root, struct edit_log *log);

#endif
