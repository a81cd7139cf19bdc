#define _POSIX_C_SOURCE 200809L
#include "file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("oc-kext: error: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    return -1;
}

static char *directory_of(const char *path)
{
    char *copy = strdup(path);
    char *dir = copy ? strdup(dirname(copy)) : NULL;
    free(copy);
    return dir;
}

int read_whole_file(const char *path, struct file_bytes *out)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail("cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail("%s is not a regular file", path);
    }
    out->mode = st.st_mode & 07777;
    out->len = (size_t)st.st_size;
    out->data = malloc(out->len + 1);
    size_t got = 0;
    while (out->data && got < out->len) {
        ssize_t n = read(fd, out->data + got, out->len - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!out->data || got != out->len) {
        free(out->data);
        out->data = NULL;
        return fail("cannot read %s", path);
    }
    out->data[out->len] = '\0';
    return 0;
}

int read_whole_file_if_present(const char *path, struct file_bytes *out)
{
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    return read_whole_file(path, out) == 0 ? 1 : -1;
}

static int check_one_writable(const char *path, const char *what)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return fail("cannot stat %s %s: %s", what, path, strerror(errno));
    if (access(path, W_OK) != 0)
        return fail("%s %s is not writable: %s", what, path, strerror(errno));
    if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
        return fail("%s %s is read-only (no write permission bits); not replacing it", what, path);
    return 0;
}

int check_replaceable(const char *path)
{
    char *dir = directory_of(path);
    if (!dir)
        return fail("out of memory");
    int rc = check_one_writable(path, "file");
    if (rc == 0)
        rc = check_one_writable(dir, "directory");
    free(dir);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The rename is durable only once the directory entry itself is on disk. */
static void sync_directory(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Fills a fresh temporary file and closes it; on failure the file is removed. */
static int fill_temp_file(int fd, const char *tmp, const char *data, size_t len, mode_t mode)
{
    int ok = write_all(fd, data, len) == 0 && fchmod(fd, mode) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok)
        return 0;
    unlink(tmp);
    return fail("cannot write %s: %s", tmp, strerror(saved));
}

int replace_file_atomically(const char *path, const char *data, size_t len, mode_t mode)
{
    char *dir = directory_of(path);
    size_t tmp_size = strlen(path) + sizeof ".oc-kext-XXXXXX";
    char *tmp = malloc(tmp_size);
    int rc = -1;
    if (!dir || !tmp) {
        fail("out of memory");
        goto out;
    }
    snprintf(tmp, tmp_size, "%s.oc-kext-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fail("cannot create a temporary file next to %s: %s", path, strerror(errno));
        goto out;
    }
    if (fill_temp_file(fd, tmp, data, len, mode) != 0)
        goto out;
    if (rename(tmp, path) != 0) {
        fail("cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    sync_directory(dir);
    rc = 0;
out:
    free(tmp);
    free(dir);
    return rc;
}
