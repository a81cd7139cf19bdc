/*
 * main.c — the guest user agent (macOS only): one process per GUI login session, started by the
 * LaunchAgent com.osx-kvm.virtio-agent, that shares the clipboard with the host and makes each
 * display follow the host window's size.
 *
 *   virtio-guest-agent [-p PORTNAME] [-i INTERVAL_MS] [-C] [-D] [-v]
 *   virtio-guest-agent -l          list the VirtioGPU framebuffers, their displays and modes
 *
 * -C: no clipboard, -D: no display following.  Following can also be turned off while running:
 * `defaults write com.osx-kvm.virtio-agent FollowHostWindow -bool false` (read on every host
 * resize).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent.h"

int agent_verbose;

int main(int argc, char **argv)
{
    const char *port = "com.redhat.spice.0";
    double interval = 0.1;
    bool clipboard = true, display = true;
    int opt;

    while ((opt = getopt(argc, argv, "p:i:CDlv")) != -1) {
        if (opt == 'p')
            port = optarg;
        else if (opt == 'i')
            interval = strtoul(optarg, NULL, 10) / 1000.0;
        else if (opt == 'C')
            clipboard = false;
        else if (opt == 'D')
            display = false;
        else if (opt == 'l')
            return display_list();
        else if (opt == 'v')
            agent_verbose = 1;
        else {
            fprintf(stderr, "usage: %s [-p PORTNAME] [-i INTERVAL_MS] [-C] [-D] [-v] | -l\n", argv[0]);
            return 2;
        }
    }
    if (interval <= 0)
        interval = 0.1;
    CFRunLoopRef loop = CFRunLoopGetCurrent();
    if (clipboard && !clipboard_start(loop, port, interval))
        return 1;
    if (display && !display_start(loop))
        return 1;
    CFRunLoopRun();                       /* launchd keeps us alive; both halves reconnect themselves */
    return 0;
}
