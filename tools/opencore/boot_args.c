#define _POSIX_C_SOURCE 200809L
#include "boot_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int boot_arg_is_valid(const char *arg)
{
    return arg[0] != '\0' && strpbrk(arg, " \t\r\n\"'") == NULL;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Start of the first whole-word occurrence of arg in text, or NULL. */
static const char *find_word(const char *text, const char *arg)
{
    size_t len = strlen(arg);
    for (const char *p = strstr(text, arg); p; p = strstr(p + 1, arg)) {
        int starts = p == text || is_space(p[-1]);
        int ends = p[len] == '\0' || is_space(p[len]);
        if (starts && ends)
            return p;
    }
    return NULL;
}

/* NVRAM→Add→GUID, created when create is set; NULL when absent or of the wrong type. */
static const char *apple_vars(plist_t root, int create, plist_t *vars, struct edit_log *log)
{
    *vars = NULL;
    if (plist_get_node_type(root) != PLIST_DICT)
        return "the top level of the plist is not a dictionary; is this an OpenCore config.plist?";
    const char *path[] = {"NVRAM", "Add", APPLE_BOOT_GUID};
    plist_t node = root;
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
        plist_t child = plist_dict_get_item(node, path[i]);
        if (child && plist_get_node_type(child) != PLIST_DICT)
            return "NVRAM→Add→" APPLE_BOOT_GUID " is not a dictionary path; refusing to guess";
        if (!child && !create)
            return NULL;
        if (!child) {
            child = plist_new_dict();
            plist_dict_set_item(node, path[i], child);
            edit_log_report(log, "created", "would create", path[i]);
        }
        node = child;
    }
    *vars = node;
    return NULL;
}

/* The boot-args string (malloc'd, "" when absent); an error when it is not a string. */
static const char *current_args(plist_t vars, char **text)
{
    plist_t node = plist_dict_get_item(vars, "boot-args");
    *text = NULL;
    if (node && plist_get_node_type(node) != PLIST_STRING)
        return "boot-args is not a string; refusing to guess";
    if (node)
        plist_get_string_val(node, text);
    if (!*text)
        *text = strdup("");
    return *text ? NULL : "out of memory";
}

static void report_arg(struct edit_log *log, const char *done, const char *would, const char *arg)
{
    char what[256];
    snprintf(what, sizeof what, "boot argument %s", arg);
    edit_log_report(log, done, would, what);
}

const char *boot_args_add(plist_t root, const char *arg, struct edit_log *log)
{
    plist_t vars = NULL;
    char *text = NULL;
    const char *err = apple_vars(root, 1, &vars, log);
    if (!err)
        err = current_args(vars, &text);
    if (err || find_word(text, arg)) {
        free(text);
        return err;
    }
    size_t size = strlen(text) + strlen(arg) + 2;
    char *joined = malloc(size);
    if (!joined) {
        free(text);
        return "out of memory";
    }
    snprintf(joined, size, "%s%s%s", text, text[0] ? " " : "", arg);
    plist_dict_set_item(vars, "boot-args", plist_new_string(joined));
    report_arg(log, "added", "would add", arg);
    free(joined);
    free(text);
    return NULL;
}

const char *boot_args_remove(plist_t root, const char *arg, struct edit_log *log)
{
    plist_t vars = NULL;
    char *text = NULL;
    const char *err = apple_vars(root, 0, &vars, log);
    if (err || !vars)
        return err;
    err = current_args(vars, &text);
    if (err)
        return err;
    size_t len = strlen(arg);
    int removed = 0;
    for (char *at; (at = (char *)find_word(text, arg)) != NULL; removed++) {
        char *cut = at, *end = at + len;
        if (cut > text)
            cut--; /* the space before the word */
        else if (is_space(*end))
            end++; /* first word: the space after it */
        memmove(cut, end, strlen(end) + 1);
    }
    if (removed) {
        plist_dict_set_item(vars, "boot-args", plist_new_string(text));
        report_arg(log, "removed", "would remove", arg);
    }
    free(text);
    return NULL;
}

int boot_args_are_reset_each_boot(plist_t root)
{
    plist_t nvram = dict_child(root, "NVRAM", PLIST_DICT);
    plist_t del = nvram ? dict_child(nvram, "Delete", PLIST_DICT) : NULL;
    plist_t names = del ? dict_child(del, APPLE_BOOT_GUID, PLIST_ARRAY) : NULL;
    for (uint32_t i = 0; names && i < plist_array_get_size(names); i++) {
        plist_t name = plist_array_get_item(names, i);
        char *text = NULL;
        if (plist_get_node_type(name) == PLIST_STRING)
            plist_get_string_val(name, &text);
        int match = text && strcmp(text, "boot-args") == 0;
        free(text);
        if (match)
            return 1;
    }
    return 0;
}
