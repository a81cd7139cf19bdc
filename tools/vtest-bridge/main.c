/*
 * main.c — vtest-bridge: a vtest server (the protocol Mesa's virgl driver speaks when
 * GALLIUM_DRIVER=virpipe) whose every operation runs in the test guest, through the driver core,
 * on QEMU's virtio-gpu-gl-pci.  Programs are served one at a time, in the order they connect.
 *
 *   vtest-bridge --guest SOCK --listen PATH [--log FILE]   serve
 *   vtest-bridge --guest SOCK --echo BYTES [--rounds N]    measure the link: round trips of BYTES
 *   vtest-bridge --guest SOCK --end                        tell the guest to stop serving
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "guest_link.h"
#include "vtest_proto.h"
#include "vtest_session.h"

static int usage(void)
{
    fprintf(stderr, "usage: vtest-bridge --guest SOCK (--listen PATH [--log FILE] | --echo BYTES [--rounds N] | --end)\n");
    return 2;
}

static int fetch_caps(struct bridge *b, uint32_t id, uint8_t **out, uint32_t *len)
{
    uint32_t a[2] = { id, id == VIRGL_CAPSET_V2 ? 2u : 1u };
    size_t got = 0;
    int32_t st;
    if (!(*out = calloc(1, 65536)) ||
        link_call(b->guest, VTL_CAPSET, a, sizeof a, NULL, 0, &st, *out, 65536, &got) || st != 0 || !got) {
        fprintf(stderr, "vtest-bridge: the guest gave no capset %u\n", id);
        return -1;
    }
    *len = (uint32_t)got;
    return 0;
}

static int listen_on(const char *path)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || strlen(path) >= sizeof un.sun_path)
        return -1;
    memcpy(un.sun_path, path, strlen(path) + 1);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&un, sizeof un) < 0 || listen(fd, 16) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Round trips of `bytes` through the guest: the link's throughput, both directions counted. */
static int echo(struct bridge *b, size_t bytes, unsigned rounds)
{
    uint8_t *out = malloc(bytes + 1), *in = malloc(bytes + 1);
    size_t got = 0;
    int32_t st = -1;
    if (!out || !in)
        return 1;
    for (size_t i = 0; i < bytes; i++)
        out[i] = (uint8_t)(i * 131u + 7u);
    double t0 = now_s();
    for (unsigned r = 0; r < rounds; r++)
        if (link_call(b->guest, VTL_ECHO, out, bytes, NULL, 0, &st, in, bytes, &got) || st || got != bytes ||
            memcmp(in, out, bytes)) {
            fprintf(stderr, "vtest-bridge: echo round %u came back wrong\n", r);
            return 1;
        }
    double dt = now_s() - t0;
    printf("{\"bytes\": %zu, \"rounds\": %u, \"seconds\": %.4f, \"mib_per_s_each_way\": %.2f, \"round_trip_us\": %.1f}\n",
           bytes, rounds, dt, (double)bytes * rounds / dt / (1 << 20), dt / rounds * 1e6);
    free(out);
    free(in);
    return 0;
}

int main(int argc, char **argv)
{
    const char *guest = NULL, *listen_path = NULL, *log_path = NULL;
    size_t echo_bytes = 0;
    unsigned rounds = 10;
    int end = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--end"))
            end = 1;
        else if (i + 1 >= argc)
            return usage();
        else if (!strcmp(argv[i], "--guest"))
            guest = argv[++i];
        else if (!strcmp(argv[i], "--listen"))
            listen_path = argv[++i];
        else if (!strcmp(argv[i], "--log"))
            log_path = argv[++i];
        else if (!strcmp(argv[i], "--echo"))
            echo_bytes = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--rounds"))
            rounds = (unsigned)strtoul(argv[++i], NULL, 0);
        else
            return usage();
    }
    if (!guest || (!listen_path && !echo_bytes && !end))
        return usage();
    struct bridge b = { .guest = link_connect(guest) };
    if (b.guest < 0) {
        perror("vtest-bridge: guest socket");
        return 1;
    }
    if (echo_bytes)
        return echo(&b, echo_bytes, rounds);
    if (end) {
        int32_t st;
        struct vtl_account a;
        return link_call(b.guest, VTL_END, NULL, 0, NULL, 0, &st, &a, sizeof a, NULL) ? 1 : 0;
    }
    b.log = log_path ? fopen(log_path, "a") : stderr;
    b.trace = getenv("VTEST_BRIDGE_TRACE") != NULL;
    if (!b.log || fetch_caps(&b, VIRGL_CAPSET_V1, &b.caps1, &b.caps1_len) ||
        fetch_caps(&b, VIRGL_CAPSET_V2, &b.caps2, &b.caps2_len))
        return 1;
    int lfd = listen_on(listen_path);
    if (lfd < 0) {
        perror("vtest-bridge: listen");
        return 1;
    }
    fprintf(b.log, "listening on %s (capsets %u and %u bytes)\n", listen_path, b.caps1_len, b.caps2_len);
    fflush(b.log);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        fprintf(b.log, "accepted n=%llu\n", (unsigned long long)b.programs + 1);   /* a "closed" line follows */
        fflush(b.log);
        int rc = vtest_session_run(&b, fd);
        close(fd);
        if (rc) {
            fprintf(b.log, "the link to the guest is gone\n");
            return 1;
        }
    }
}
