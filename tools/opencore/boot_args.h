/* One word of OpenCore's NVRAM→Add→<Apple boot GUID>→boot-args, added or removed (libplist). */
#ifndef OC_BOOT_ARGS_H
#define OC_BOOT_ARGS_H

#include "kext_entry.h"

#define APPLE_BOOT_GUID "7C436110-AB2A-4BBB-A880-FE41995C9F82"

/* A word is accepted when it is non-empty and has no whitespace or quotes. */
int boot_arg_is_valid(const char *arg);

/* Appends " arg" unless the word is already there; creates NVRAM→Add→GUID→boot-args as needed.
 * Returns NULL or an error message. */
const char *boot_args_add(plist_t root, const char *arg, struct edit_log *log);

/* Cuts every occurrence of the word with the space before it (after it, for the first word),
 * so the other words keep their exact text. Returns NULL or an error message. */
const char *boot_args_remove(plist_t root, const char *arg, struct edit_log *log);

/* True when NVRAM→Delete→GUID lists boot-args: only then does OpenCore's value replace the
 * boot-args the firmware already keeps in its NVRAM store. */
int boot_args_are_reset_each_boot(plist_t root);

#endif
