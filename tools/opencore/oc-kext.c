/* oc-kext: installs or removes the virtio-gpu.kext entry in an OpenCore config.plist, or one
 * boot argument (e.g. -vgpuoff, which keeps the kext's drivers from starting).
 *
 *   oc-kext [--dry-run] install   CONFIG        add/refresh Kernel→Add entry, drop a wrong UEFI→Drivers one
 *   oc-kext [--dry-run] uninstall CONFIG        remove our entries again
 *   oc-kext [--dry-run] boot-arg add|remove ARG CONFIG
 *   oc-kext --version
 *
 * A file that needs no change is not touched. Otherwise the old file is saved as CONFIG.bak
 * and CONFIG is replaced atomically, in its own format (XML or binary). The first install also
 * keeps the config as it was in CONFIG.before-virtio-gpu. An undo (uninstall after install, remove
 * after add) whose result is exactly that file or CONFIG.bak puts those bytes back.
 * Exit status: 0 done (or nothing to do), 1 error (file left as it was), 2 usage. */
#include "boot_args.h"
#include "file_io.h"
#include "kext_entry.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef OC_VERSION
#error "OC_VERSION (the project's VERSION file) must be defined by the build"
#endif

enum action { ACTION_INSTALL, ACTION_UNINSTALL, ACTION_ARG_ADD, ACTION_ARG_REMOVE };

struct options {
    enum action action;
    int dry_run;
    const char *arg;
    const char *config;
};

static int usage(void)
{
    fputs("usage: oc-kext [--dry-run] install|uninstall CONFIG.plist\n"
          "       oc-kext [--dry-run] boot-arg add|remove ARG CONFIG.plist\n"
          "       oc-kext --version\n",
          stderr);
    return 2;
}

static int parse_action(int argc, char **argv, int i, struct options *opt)
{
    if (argc - i == 2 && strcmp(argv[i], "install") == 0)
        opt->action = ACTION_INSTALL;
    else if (argc - i == 2 && strcmp(argv[i], "uninstall") == 0)
        opt->action = ACTION_UNINSTALL;
    else if (argc - i == 4 && strcmp(argv[i], "boot-arg") == 0 && strcmp(argv[i + 1], "add") == 0)
        opt->action = ACTION_ARG_ADD;
    else if (argc - i == 4 && strcmp(argv[i], "boot-arg") == 0 && strcmp(argv[i + 1], "remove") == 0)
        opt->action = ACTION_ARG_REMOVE;
    else
        return -1;
    if (opt->action == ACTION_ARG_ADD || opt->action == ACTION_ARG_REMOVE) {
        opt->arg = argv[i + 2];
        if (!boot_arg_is_valid(opt->arg)) {
            fprintf(stderr, "oc-kext: error: '%s' is not one boot argument (no spaces or quotes)\n", opt->arg);
            return -1;
        }
    }
    opt->config = argv[argc - 1];
    return 0;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    int i = 1;
    opt->dry_run = i < argc && strcmp(argv[i], "--dry-run") == 0;
    i += opt->dry_run;
    return parse_action(argc, argv, i, opt);
}

static plist_t parse_plist(const struct file_bytes *file, const char *path)
{
    plist_t root = NULL;
    if (file->len > 0 && file->len < UINT32_MAX)
        plist_from_memory(file->data, (uint32_t)file->len, &root);
    if (!root && path)
        fprintf(stderr, "oc-kext: error: %s is not a valid property list (malformed XML?)\n", path);
    return root;
}

static const char *apply_edits(plist_t root, enum action action, const char *arg, struct edit_log *log)
{
    const char *err = NULL;
    switch (action) {
    case ACTION_INSTALL:
        err = kernel_add_install(root, log);
        break;
    case ACTION_UNINSTALL:
        err = kernel_add_uninstall(root, log);
        break;
    case ACTION_ARG_ADD:
        return boot_args_add(root, arg, log);
    case ACTION_ARG_REMOVE:
        return boot_args_remove(root, arg, log);
    }
    if (!err)
        uefi_drivers_remove_kext(root, log);
    return err;
}

static enum action inverse(enum action action)
{
    switch (action) {
    case ACTION_INSTALL:
        return ACTION_UNINSTALL;
    case ACTION_UNINSTALL:
        return ACTION_INSTALL;
    case ACTION_ARG_ADD:
        return ACTION_ARG_REMOVE;
    default:
        return ACTION_ARG_ADD;
    }
}

/* The tree serialised in the format of `like` (XML or binary); free with serialised_free. */
static void serialise(plist_t root, const struct file_bytes *like, char **data, uint32_t *len)
{
    *data = NULL;
    *len = 0;
    if (plist_is_binary(like->data, (uint32_t)like->len))
        plist_to_bin(root, data, len);
    else
        plist_to_xml(root, data, len);
}

static void serialised_free(const struct file_bytes *like, char *data)
{
    if (plist_is_binary(like->data, (uint32_t)like->len))
        plist_to_bin_free(data);
    else
        plist_to_xml_free(data);
}

#define BACKUP_SUFFIX ".bak"
#define PRISTINE_SUFFIX ".before-virtio-gpu"

static char *suffixed(const char *path, const char *suffix)
{
    size_t size = strlen(path) + strlen(suffix) + 1;
    char *out = malloc(size);
    if (out)
        snprintf(out, size, "%s%s", path, suffix);
    return out;
}

static int backup_and_replace(const char *path, const struct file_bytes *original,
                              const char *data, size_t len)
{
    if (check_replaceable(path) != 0)
        return -1;
    char *backup = suffixed(path, BACKUP_SUFFIX);
    if (!backup)
        return -1;
    int rc = replace_file_atomically(backup, original->data, original->len, original->mode);
    if (rc == 0)
        rc = replace_file_atomically(path, data, len, original->mode);
    if (rc == 0)
        printf("wrote %s (previous version saved as %s)\n", path, backup);
    free(backup);
    return rc;
}

/* True when `current` is exactly what `opt`'s inverse made of `backup`, and `backup` already is
 * as `opt` wants it: then the backup's bytes are the undo, comments and layout included. */
static int is_undo_of(const struct file_bytes *backup, const struct file_bytes *current, const struct options *opt)
{
    plist_t root = parse_plist(backup, NULL);
    if (!root)
        return 0;
    struct edit_log quiet = {.dry_run = 1, .changes = 0, .silent = 1};
    plist_t probe = plist_copy(root);
    int wanted_already = !apply_edits(probe, opt->action, opt->arg, &quiet) && quiet.changes == 0;
    plist_free(probe);
    int match = 0;
    if (wanted_already && !apply_edits(root, inverse(opt->action), opt->arg, &quiet) && quiet.changes > 0) {
        char *data = NULL;
        uint32_t len = 0;
        serialise(root, current, &data, &len);
        match = data && len == current->len && memcmp(data, current->data, len) == 0;
        serialised_free(current, data);
    }
    plist_free(root);
    return match;
}

/* Returns 1 when the bytes of CONFIG+suffix were put back, 0 when not applicable, -1 on error. */
static int restore_if_undo(const struct options *opt, const struct file_bytes *current, const char *suffix)
{
    char *path = suffixed(opt->config, suffix);
    struct file_bytes saved = {0};
    int rc = 0;
    if (path && read_whole_file_if_present(path, &saved) == 1 && is_undo_of(&saved, current, opt)) {
        if (opt->dry_run) {
            printf("would restore %s from %s (byte for byte)\n", opt->config, path);
            rc = 1;
        } else {
            rc = backup_and_replace(opt->config, current, saved.data, saved.len) == 0 ? 1 : -1;
            if (rc == 1 && strcmp(suffix, PRISTINE_SUFFIX) == 0)
                unlink(path);
            if (rc == 1)
                printf("restored %s byte for byte from %s\n", opt->config, path);
        }
    }
    free(saved.data);
    free(path);
    return rc;
}

/* The config before the first install, kept until an uninstall gives it back. */
static int keep_pristine_copy(const struct options *opt, const struct file_bytes *original)
{
    if (opt->action != ACTION_INSTALL)
        return 0;
    plist_t probe = parse_plist(original, NULL);
    struct edit_log quiet = {.dry_run = 1, .changes = 0, .silent = 1};
    int pristine = probe && !kernel_add_uninstall(probe, &quiet) && quiet.changes == 0;
    if (probe)
        plist_free(probe);
    char *path = pristine ? suffixed(opt->config, PRISTINE_SUFFIX) : NULL;
    int rc = path ? replace_file_atomically(path, original->data, original->len, original->mode) : 0;
    free(path);
    return rc;
}

/* Writes the tree in the format the file came in, so an XML config stays XML. */
static int write_result(plist_t root, const char *path, const struct file_bytes *original)
{
    char *data = NULL;
    uint32_t len = 0;
    serialise(root, original, &data, &len);
    int rc = -1;
    if (data)
        rc = backup_and_replace(path, original, data, len);
    else
        fprintf(stderr, "oc-kext: error: cannot serialise the edited %s\n", path);
    serialised_free(original, data);
    return rc;
}

static void warn_if_boot_args_stay_in_nvram(plist_t root, const struct options *opt)
{
    if ((opt->action == ACTION_ARG_ADD || opt->action == ACTION_ARG_REMOVE) && !boot_args_are_reset_each_boot(root))
        printf("note: NVRAM→Delete→" APPLE_BOOT_GUID " does not list boot-args, so OpenCore keeps the "
               "boot-args already stored in the VM's NVRAM; add boot-args there for this change to count\n");
}

static int edit_and_write(plist_t root, const struct options *opt, const struct file_bytes *original)
{
    struct edit_log log = {.dry_run = opt->dry_run, .changes = 0, .silent = 0};
    const char *err = apply_edits(root, opt->action, opt->arg, &log);
    if (err) {
        fprintf(stderr, "oc-kext: error: %s: %s\n", opt->config, err);
        return 1;
    }
    warn_if_boot_args_stay_in_nvram(root, opt);
    if (log.changes == 0) {
        printf("%s: nothing to change\n", opt->config);
        return 0;
    }
    int restored = opt->action == ACTION_UNINSTALL ? restore_if_undo(opt, original, PRISTINE_SUFFIX) : 0;
    if (restored == 0)
        restored = restore_if_undo(opt, original, BACKUP_SUFFIX);
    if (restored != 0)
        return restored == 1 ? 0 : 1;
    if (opt->dry_run) {
        printf("dry run: %s left unchanged\n", opt->config);
        return 0;
    }
    if (check_replaceable(opt->config) != 0 || keep_pristine_copy(opt, original) != 0)
        return 1;
    return write_result(root, opt->config, original) == 0 ? 0 : 1;
}

static int run(const struct options *opt)
{
    struct file_bytes original = {0};
    if (read_whole_file(opt->config, &original) != 0)
        return 1;
    plist_t root = parse_plist(&original, opt->config);
    int rc = root ? edit_and_write(root, opt, &original) : 1;
    if (rc != 0)
        fprintf(stderr, "oc-kext: %s was not modified\n", opt->config);
    if (root)
        plist_free(root);
    free(original.data);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("oc-kext (virtio-gpu-macos) %s\n", OC_VERSION);
        return 0;
    }
    struct options opt = {.arg = NULL};
    if (parse_options(argc, argv, &opt) != 0)
        return usage();
    return run(&opt);
}
