/* Whole-file reads and crash-safe replacement of a file. Errors are printed on stderr
 * (naming the file and the reason) and reported as -1. */
#ifndef OC_FILE_IO_H
#define OC_FILE_IO_H

#include <stddef.h>
#include <sys/types.h>

struct file_bytes {
    char *data;
    size_t len;
    mode_t mode; /* permission bits, kept on replacement */
};

int read_whole_file(const char *path, struct file_bytes *out);

/* As read_whole_file, but a missing file is no error: 1 read, 0 absent, -1 error. */
int read_whole_file_if_present(const char *path, struct file_bytes *out);

/* Refuses a file or directory that is not writable, or whose permission bits make it
 * read-only: root may write anywhere, but a chmod a-w is the owner saying "leave it". */
int check_replaceable(const char *path);

/* Writes data to a temporary file in the same directory, fsyncs it and renames it over
 * path, so a reader sees either the old or the new file, never a partial one. */
int replace_file_atomically(const char *path, const char *data, size_t len, mode_t mode);

#endif
