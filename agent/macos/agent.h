/*
 * agent.h — the guest user agent's two halves (macOS only), both driven by the main run loop:
 * the clipboard bridge (clipboard.c) and the display follower (display.c).  main.c starts them.
 */
#ifndef AGENT_MACOS_H
#define AGENT_MACOS_H

#include <CoreFoundation/CoreFoundation.h>
#include <stdbool.h>

#define AGENT_DOMAIN CFSTR("com.osx-kvm.virtio-agent")   /* defaults domain = LaunchAgent label */

extern int agent_verbose;

/* Rounds of the clipboard agent every interval_s on `loop`, reconnecting to the kext's port. */
bool clipboard_start(CFRunLoopRef loop, const char *port_name, double interval_s);
/* Follow each VirtioGPU framebuffer's host size (unless the FollowHostWindow default is false). */
bool display_start(CFRunLoopRef loop);
/* Print each VirtioGPU framebuffer, the display it maps to and that display's modes; for the
 * "verify on a guest" checklist (agent/README.md). */
int  display_list(void);

#endif /* AGENT_MACOS_H */
