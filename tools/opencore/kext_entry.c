#define _POSIX_C_SOURCE 200809L
#include "kext_entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void edit_log_report(struct edit_log *log, const char *done, const char *would, const char *what)
{
    if (!log->silent)
        printf("%s %s\n", log->dry_run ? would : done, what);
    log->changes++;
}

plist_t dict_child(plist_t dict, const char *key, plist_type type)
{
    plist_t child = plist_dict_get_item(dict, key);
    return child && plist_get_node_type(child) == type ? child : NULL;
}

/* Case-insensitive, because the ESP is FAT and OpenCore finds "Virtio-GPU.kext" all the same. */
static int string_node_mentions_kext(plist_t node)
{
    if (!node || plist_get_node_type(node) != PLIST_STRING)
        return 0;
    char *text = NULL;
    plist_get_string_val(node, &text);
    int found = 0;
    size_t want = strlen(KEXT_BUNDLE_PATH);
    for (const char *p = text; p && strlen(p) >= want && !found; p++)
        found = strncasecmp(p, KEXT_BUNDLE_PATH, want) == 0;
    free(text);
    return found;
}

static int is_our_kernel_entry(plist_t item)
{
    if (plist_get_node_type(item) != PLIST_DICT)
        return 0;
    plist_t bundle = dict_child(item, "BundlePath", PLIST_STRING);
    if (!bundle)
        return 0;
    char *path = NULL;
    plist_get_string_val(bundle, &path);
    int ours = strcasecmp(path, KEXT_BUNDLE_PATH) == 0;
    free(path);
    return ours;
}

/* Keys in the order OpenCore's samples and OSX-KVM write them (alphabetical). */
static plist_t canonical_entry(void)
{
    plist_t entry = plist_new_dict();
    plist_dict_set_item(entry, "Arch", plist_new_string(KEXT_ARCH));
    plist_dict_set_item(entry, "BundlePath", plist_new_string(KEXT_BUNDLE_PATH));
    plist_dict_set_item(entry, "Comment", plist_new_string(KEXT_COMMENT));
    plist_dict_set_item(entry, "Enabled", plist_new_bool(1));
    plist_dict_set_item(entry, "ExecutablePath", plist_new_string(KEXT_EXECUTABLE_PATH));
    plist_dict_set_item(entry, "MaxKernel", plist_new_string(""));
    plist_dict_set_item(entry, "MinKernel", plist_new_string(KEXT_MIN_KERNEL));
    plist_dict_set_item(entry, "PlistPath", plist_new_string(KEXT_PLIST_PATH));
    return entry;
}

/* libplist has no deep comparison; identical serialisations mean identical subtrees. */
static int subtrees_equal(plist_t a, plist_t b)
{
    char *xml_a = NULL, *xml_b = NULL;
    uint32_t len_a = 0, len_b = 0;
    plist_to_xml(a, &xml_a, &len_a);
    plist_to_xml(b, &xml_b, &len_b);
    int equal = len_a == len_b && memcmp(xml_a, xml_b, len_a) == 0;
    plist_to_xml_free(xml_a);
    plist_to_xml_free(xml_b);
    return equal;
}

static const char *find_kernel(plist_t root, plist_t *kernel)
{
    if (plist_get_node_type(root) != PLIST_DICT)
        return "the top level of the plist is not a dictionary; is this an OpenCore config.plist?";
    *kernel = dict_child(root, "Kernel", PLIST_DICT);
    if (!*kernel)
        return "no Kernel dictionary at the top level; is this an OpenCore config.plist?";
    return NULL;
}

/* Kernel→Add, or NULL when absent. A present Add that is not an array is an error. */
static const char *find_kernel_add(plist_t root, plist_t *add)
{
    plist_t kernel = NULL;
    const char *err = find_kernel(root, &kernel);
    if (err)
        return err;
    *add = plist_dict_get_item(kernel, "Add");
    if (*add && plist_get_node_type(*add) != PLIST_ARRAY)
        return "Kernel→Add is not an array; refusing to guess how to fix it";
    return NULL;
}

/* Removes our entries at index `from` and after. */
static void remove_our_entries(plist_t add, uint32_t from, struct edit_log *log)
{
    for (uint32_t i = plist_array_get_size(add); i-- > from;) {
        if (!is_our_kernel_entry(plist_array_get_item(add, i)))
            continue;
        plist_array_remove_item(add, i);
        edit_log_report(log, "removed", "would remove", "Kernel→Add entry " KEXT_BUNDLE_PATH);
    }
}

static uint32_t first_our_entry(plist_t add)
{
    uint32_t size = plist_array_get_size(add), i = 0;
    while (i < size && !is_our_kernel_entry(plist_array_get_item(add, i)))
        i++;
    return i;
}

const char *kernel_add_install(plist_t root, struct edit_log *log)
{
    plist_t add = NULL;
    const char *err = find_kernel_add(root, &add);
    if (err)
        return err;
    if (!add) {
        plist_t kernel = plist_dict_get_item(root, "Kernel");
        add = plist_new_array();
        plist_dict_set_item(kernel, "Add", add);
        edit_log_report(log, "created", "would create", "empty Kernel→Add array");
    }
    plist_t wanted = canonical_entry();
    uint32_t at = first_our_entry(add);
    if (at == plist_array_get_size(add)) {
        plist_array_append_item(add, wanted);
        edit_log_report(log, "added", "would add", "Kernel→Add entry " KEXT_BUNDLE_PATH);
        return NULL;
    }
    if (subtrees_equal(plist_array_get_item(add, at), wanted)) {
        plist_free(wanted);
    } else {
        plist_array_set_item(add, wanted, at); /* frees the old entry */
        edit_log_report(log, "updated", "would update", "Kernel→Add entry " KEXT_BUNDLE_PATH);
    }
    remove_our_entries(add, at + 1, log);
    return NULL;
}

const char *kernel_add_uninstall(plist_t root, struct edit_log *log)
{
    plist_t add = NULL;
    const char *err = find_kernel_add(root, &add);
    if (err)
        return err;
    if (add)
        remove_our_entries(add, 0, log);
    return NULL;
}

static int is_driver_for_kext(plist_t item)
{
    if (plist_get_node_type(item) == PLIST_DICT)
        return string_node_mentions_kext(plist_dict_get_item(item, "Path"));
    return string_node_mentions_kext(item); /* older configs list plain path strings */
}

void uefi_drivers_remove_kext(plist_t root, struct edit_log *log)
{
    plist_t uefi = dict_child(root, "UEFI", PLIST_DICT);
    plist_t drivers = uefi ? dict_child(uefi, "Drivers", PLIST_ARRAY) : NULL;
    if (!drivers)
        return;
    for (uint32_t i = plist_array_get_size(drivers); i-- > 0;) {
        if (!is_driver_for_kext(plist_array_get_item(drivers, i)))
            continue;
        plist_array_remove_item(drivers, i);
        edit_log_report(log, "removed", "would remove",
               "UEFI→Drivers entry for " KEXT_BUNDLE_PATH
               " (UEFI→Drivers is for .efi drivers; a kext belongs in Kernel→Add)");
    }
}
