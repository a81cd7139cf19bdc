/* oc-kext: installs or removes the virtio-gpu.kext entry in an OpenCore config.plist.
 *
 *   oc-kext [--dry-run] install   CONFIG   add/refresh Kernel→Add entry, drop a wrong UEFI→Drivers one
 *   oc-kext [--dry-run] uninstall CONFIG   remove our entries again
 *
 * A file that needs no change is not touched. Otherwise the old file is saved as CONFIG.bak
 * and CONFIG is replaced atomically, in its own format (XML or binary).
 * Exit status: 0 done (or nothing to do), 1 error (file left as it was), 2 usage. */
#include "file_io.h"
#include "kext_entry.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum action { ACTION_INSTALL, ACTION_UNINSTALL };

struct options {
    enum action action;
    int dry_run;
    const char *config;
};

static int usage(void)
{
    fputs("usage: oc-kext [--dry-run] install|uninstall CONFIG.plist\n", stderr);
    return 2;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    int i = 1;
    opt->dry_run = i < argc && strcmp(argv[i], "--dry-run") == 0;
    i += opt->dry_run;
    if (argc - i != 2)
        return -1;
    if (strcmp(argv[i], "install") == 0)
        opt->action = ACTION_INSTALL;
    else if (strcmp(argv[i], "uninstall") == 0)
        opt->action = ACTION_UNINSTALL;
    else
        return -1;
    opt->config = argv[i + 1];
    return 0;
}

static plist_t parse_plist(const struct file_bytes *file, const char *path)
{
    plist_t root = NULL;
    if (file->len > 0 && file->len < UINT32_MAX)
        plist_from_memory(file->data, (uint32_t)file->len, &root);
    if (!root)
        fprintf(stderr, "oc-kext: error: %s is not a valid property list (malformed XML?)\n", path);
    return root;
}

static const char *apply_edits(plist_t root, enum action action, struct edit_log *log)
{
    const char *err = action == ACTION_INSTALL ? kernel_add_install(root, log)
                                               : kernel_add_uninstall(root, log);
    if (!err)
        uefi_drivers_remove_kext(root, log);
    return err;
}

static int backup_and_replace(const char *path, const struct file_bytes *original,
                              const char *data, uint32_t len)
{
    if (check_replaceable(path) != 0)
        return -1;
    size_t backup_size = strlen(path) + sizeof ".bak";
    char *backup = malloc(backup_size);
    if (!backup)
        return -1;
    snprintf(backup, backup_size, "%s.bak", path);
    int rc = replace_file_atomically(backup, original->data, original->len, original->mode);
    if (rc == 0)
        rc = replace_file_atomically(path, data, len, original->mode);
    if (rc == 0)
        printf("wrote %s (previous version saved as %s)\n", path, backup);
    free(backup);
    return rc;
}

/* Writes the tree in the format the file came in, so an XML config stays XML. */
static int write_result(plist_t root, const char *path, const struct file_bytes *original)
{
    int binary = plist_is_binary(original->data, (uint32_t)original->len);
    char *data = NULL;
    uint32_t len = 0;
    if (binary)
        plist_to_bin(root, &data, &len);
    else
        plist_to_xml(root, &data, &len);
    int rc = -1;
    if (data)
        rc = backup_and_replace(path, original, data, len);
    else
        fprintf(stderr, "oc-kext: error: cannot serialise the edited %s\n", path);
    if (binary)
        plist_to_bin_free(data);
    else
        plist_to_xml_free(data);
    return rc;
}

static int edit_and_write(plist_t root, const struct options *opt, const struct file_bytes *original)
{
    struct edit_log log = {.dry_run = opt->dry_run, .changes = 0};
    const char *err = apply_edits(root, opt->action, &log);
    if (err) {
        fprintf(stderr, "oc-kext: error: %s: %s\n", opt->config, err);
        return 1;
    }
    if (log.changes == 0) {
        printf("%s: nothing to change\n", opt->config);
        return 0;
    }
    if (opt->dry_run) {
        printf("dry run: %s left unchanged\n", opt->config);
        return 0;
    }
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
    struct options opt;
    if (parse_options(argc, argv, &opt) != 0)
        return usage();
    return run(&opt);
}
