/* fmt.h — a small vsnprintf (%s %c %d %i %u %x %p %%, width, '0', l/ll/z) and guest logging. */
#ifndef GUEST_FMT_H
#define GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

size_t fmt_v(char *buf, size_t size, const char *f, va_list ap);
size_t fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
/* One line to COM1, newline added. */
void   out_line(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* The guest platform's own log lines carry the same prefix as the core's. */
void   glog(const char *f, ...) __attribute__((format(printf, 1, 2)));

#endif /* GUEST_FMT_H */
