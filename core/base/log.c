/* log.c — a tiny formatter: enough for driver diagnostics, bounded, never faults on bad input. */
#include "base/log.h"

#define LOG_LINE_MAX 256
static const char log_prefix[] = "[VirtIO-GPU] ";

struct line {
    char   buf[LOG_LINE_MAX];
    size_t len;
};

static void put_char(struct line *l, char c)
{
    if (l->len + 1 < sizeof(l->buf))
        l->buf[l->len++] = c;
}

static void put_str(struct line *l, const char *s)
{
    if (!s)
        s = "(null)";
    while (*s)
        put_char(l, *s++);
}

static void put_unsigned(struct line *l, uint64_t v, unsigned base)
{
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        put_char(l, digits[--n]);
}

static void put_signed(struct line *l, int64_t v)
{
    if (v < 0) {
        put_char(l, '-');
        put_unsigned(l, (uint64_t)0 - (uint64_t)v, 10);
    } else {
        put_unsigned(l, (uint64_t)v, 10);
    }
}

/* One conversion; a missing argument prints '?' rather than reading past the array. */
static void put_conversion(struct line *l, char conv, const uint64_t *args, size_t nargs, size_t *next)
{
    if (conv == '%') {
        put_char(l, '%');
        return;
    }
    if (*next >= nargs) {
        put_char(l, '?');
        return;
    }
    uint64_t arg = args[(*next)++];
    switch (conv) {
    case 'u': put_unsigned(l, arg, 10); break;
    case 'x': put_unsigned(l, arg, 16); break;
    case 'd': put_signed(l, (int64_t)arg); break;
    case 's': put_str(l, (const char *)(uintptr_t)arg); break;
    default:  put_char(l, '%'); put_char(l, conv); break;
    }
}

void vgpu_log_args(void *os, enum vgpu_log_level level, const char *fmt,
                   const uint64_t *args, size_t nargs)
{
    struct line l;
    size_t next = 0;

    l.len = 0;
    put_str(&l, log_prefix);
    for (; *fmt; fmt++) {
        if (*fmt != '%' || !fmt[1]) {
            put_char(&l, *fmt);
            continue;
        }
        put_conversion(&l, *++fmt, args, nargs, &next);
    }
    l.buf[l.len] = '\0';
    vgpu_os_log(os, level, l.buf);
}
