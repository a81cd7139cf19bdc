/*
 * session.h — the command interpreter of guest/PROTOCOL.md: one line in, log lines and exactly
 * one OK/ERR reply out.
 */
#ifndef GUEST_SESSION_H
#define GUEST_SESSION_H

#include <stdint.h>

#include "fb.h"
#include "gpu.h"

struct session {
    struct guest_gpu *gpu;
    struct guest_fb fb[VGPU_MAX_SCANOUTS];  /* each scanout's current framebuffer */
    uint64_t recoveries;                     /* vgpu_recover() calls after NEEDS_RESET */
    char ok[480];                            /* reply text after "OK " */
    char why[200];                           /* reply text after "ERR <status> " */
};

struct command {
    const char *name;
    unsigned min_args, max_args;
    bool needs_device;                       /* only after a successful `init` */
    int (*run)(struct session *s, unsigned argc, char **argv);
};

extern const struct command session_commands[];

/* Run one command line (modified in place); returns the status it replied with. */
int  session_line(struct session *s, char *line);
void session_say(struct session *s, const char *f, ...) __attribute__((format(printf, 2, 3)));
int  session_fail(struct session *s, int status, const char *f, ...) __attribute__((format(printf, 3, 4)));
/* New framebuffer drawn with pattern(seed), mode set; the old one is freed once the new is live. */
int  session_set_mode(struct session *s, uint32_t scanout, uint32_t w, uint32_t h, uint32_t seed);
/* Parse argv[0..n) as decimal u32; on failure sets the reply text and returns false. */
bool session_numbers(struct session *s, char **argv, unsigned n, uint32_t *out);

#endif /* GUEST_SESSION_H */
