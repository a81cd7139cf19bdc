/* session.c — tokenising, dispatch, the reply line, and recovery before each command. */
#include "session.h"

#include <stdarg.h>

#include "fmt.h"
#include "libc.h"

#define MAX_TOKENS 300

static bool parse_u32(const char *t, uint32_t *out)
{
    uint64_t v = 0;
    if (!*t)
        return false;
    for (; *t; t++) {
        if (*t < '0' || *t > '9')
            return false;
        v = v * 10 + (uint64_t)(*t - '0');
        if (v > 0xFFFFFFFFull)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool session_numbers(struct session *s, char **argv, unsigned n, uint32_t *out)
{
    for (unsigned i = 0; i < n; i++)
        if (!parse_u32(argv[i], &out[i])) {
            fmt(s->why, sizeof s->why, "bad number '%s'", argv[i]);
            return false;
        }
    return true;
}

void session_say(struct session *s, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    fmt_v(s->ok, sizeof s->ok, f, ap);
    va_end(ap);
}

int session_fail(struct session *s, int status, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    fmt_v(s->why, sizeof s->why, f, ap);
    va_end(ap);
    return status;
}

static unsigned tokenize(char *line, char **tok, unsigned max)
{
    unsigned n = 0;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            *p++ = '\0';
        if (!*p)
            break;
        if (n == max)
            return max + 1;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
    }
    return n;
}

/* A NEEDS_RESET event is acted on before the next command, as a real driver's work loop would. */
static void recover_if_needed(struct session *s)
{
    struct guest_gpu *gpu = s->gpu;
    if (!gpu->dev || !gpu->needs_reset)
        return;
    gpu->needs_reset = false;
    s->recoveries++;
    int st = vgpu_recover(gpu->dev);
    glog("device asked for a reset: vgpu_recover -> %s", vgpu_status_name(st));
}

static int dispatch(struct session *s, char **tok, unsigned n)
{
    for (const struct command *c = session_commands; c->name; c++) {
        if (strlen(c->name) != strlen(tok[0]) || strncmp(c->name, tok[0], strlen(c->name)))
            continue;
        if (n - 1 < c->min_args || n - 1 > c->max_args)
            return session_fail(s, VGPU_E_INVAL, "%s takes %u..%u arguments", c->name, c->min_args, c->max_args);
        if (c->needs_device && !s->gpu->dev)
            return session_fail(s, VGPU_E_INVAL, "not initialised (send init first)");
        return c->run(s, n - 1, tok + 1);
    }
    return session_fail(s, VGPU_E_INVAL, "unknown command '%s'", tok[0]);
}

int session_line(struct session *s, char *line)
{
    char *tok[MAX_TOKENS];
    s->ok[0] = s->why[0] = '\0';
    unsigned n = tokenize(line, tok, MAX_TOKENS);
    if (n == 0)
        return VGPU_OK;                          /* blank line: no reply */
    recover_if_needed(s);
    int st = n > MAX_TOKENS ? session_fail(s, VGPU_E_INVAL, "too many arguments") : dispatch(s, tok, n);
    if (st == VGPU_OK)
        out_line("OK%s%s", s->ok[0] ? " " : "", s->ok);
    else
        out_line("ERR %s%s%s", vgpu_status_name(st), s->why[0] ? " " : "", s->why);
    return st;
}
