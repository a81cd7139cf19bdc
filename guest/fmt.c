/* fmt.c — bounded formatting into a buffer; output is always NUL-terminated when size > 0. */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

#include "serial.h"

struct sink { char *buf; size_t size, len; };

static void put(struct sink *s, char c)
{
    if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

static void put_num(struct sink *s, uint64_t v, unsigned base, unsigned width, bool zero, bool neg)
{
    char digits[24];
    unsigned n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        digits[n++] = '-';
    while (width > n) {
        put(s, zero ? '0' : ' ');
        width--;
    }
    while (n)
        put(s, digits[--n]);
}

static uint64_t take_unsigned(va_list *ap, int longness)
{
    if (longness >= 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t take_signed(va_list *ap, int longness)
{
    if (longness >= 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

static void put_conv(struct sink *s, char c, va_list *ap, int longness, unsigned width, bool zero)
{
    const char *str;
    int64_t sv;
    switch (c) {
    case 's':
        for (str = va_arg(*ap, const char *), str = str ? str : "(null)"; *str; str++)
            put(s, *str);
        break;
    case 'c': put(s, (char)va_arg(*ap, int)); break;
    case 'd': case 'i':
        sv = take_signed(ap, longness);
        put_num(s, sv < 0 ? 0 - (uint64_t)sv : (uint64_t)sv, 10, width, zero, sv < 0);
        break;
    case 'u': put_num(s, take_unsigned(ap, longness), 10, width, zero, false); break;
    case 'x': put_num(s, take_unsigned(ap, longness), 16, width, zero, false); break;
    case 'p': put(s, '0'); put(s, 'x'); put_num(s, (uintptr_t)va_arg(*ap, void *), 16, 0, false, false); break;
    default: put(s, '%'); put(s, c); break;
    }
}

size_t fmt_v(char *buf, size_t size, const char *f, va_list ap)
{
    struct sink s = { buf, size, 0 };
    va_list cp;
    va_copy(cp, ap);
    for (; *f; f++) {
        if (*f != '%') {
            put(&s, *f);
            continue;
        }
        f++;
        bool zero = *f == '0';
        unsigned width = 0;
        int longness = 0;
        for (; *f >= '0' && *f <= '9'; f++)
            width = width * 10 + (unsigned)(*f - '0');
        for (; *f == 'l' || *f == 'z'; f++)
            longness++;
        if (*f == '%')
            put(&s, '%');
        else if (*f)
            put_conv(&s, *f, &cp, longness, width, zero);
        else
            break;
    }
    va_end(cp);
    if (size)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return s.len;
}

size_t fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    size_t n = fmt_v(buf, size, f, ap);
    va_end(ap);
    return n;
}

void out_line(const char *f, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, f);
    fmt_v(line, sizeof line, f, ap);
    va_end(ap);
    serial_puts(line);
    serial_putc('\n');
}

void glog(const char *f, ...)
{
    char line[480];
    va_list ap;
    va_start(ap, f);
    fmt_v(line, sizeof line, f, ap);
    va_end(ap);
    serial_puts("[VirtIO-GPU] guest: ");
    serial_puts(line);
    serial_putc('\n');
}
