/*
 * follow_logic.h — the display agent's policy: when the host's window for a display changes size,
 * which mode to switch that display to, and when.  Portable C without I/O, allocation or clock:
 * the caller passes every event with its timestamp, asks follow_next_deadline() when to look again,
 * and performs the switches it is told to.  Used by the macOS user agent (agent/macos/display.c,
 * which reads the kext's VirtioGPUHostDisplay property and CoreGraphics' mode list) and by the
 * bare-metal test guest (guest/follow.c, over the core's mode list on QEMU's device).
 *
 * Policy, per display (displays are independent; each is named by a caller-chosen 32-bit id):
 *  - A host size arrives with a generation (the kext counts every host display change of a head).
 *    A generation seen before is a repeated notification and changes nothing.
 *  - A burst is coalesced into one switch: the switch is due FOLLOW_SETTLE_NS after the burst's
 *    last event, or FOLLOW_MAX_WAIT_NS after its first, whichever comes first.  250 ms joins the
 *    events of one window drag (a VNC client or a window manager sends them tens of ms apart) while
 *    a single resize still feels immediate; the 1 s bound makes a drag that never pauses still
 *    follow once a second, and no more often, because each switch costs the guest a whole new
 *    framebuffer (and macOS a display reconfiguration).
 *  - The mode chosen has a logical size equal to the host size.  Among several (macOS lists a 1x
 *    mode and HiDPI duplicates), the one whose pixel size equals its logical size wins; otherwise
 *    the first listed.  The display stays as it is when it already shows the best of these.
 *  - No mode of that size: nothing is switched and the verdict says so (FOLLOW_NO_MODE).  When the
 *    caller later learns that the mode list changed, follow_modes_changed() makes it look again.
 *  - A mode change the agent did not ask for is the user's choice: it cancels a pending switch and
 *    is respected until a new generation arrives.
 *  - A disabled display or a 0-sized host request cancels a pending switch and switches nothing.
 */
#ifndef FOLLOW_LOGIC_H
#define FOLLOW_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FOLLOW_SETTLE_NS   250000000ull
#define FOLLOW_MAX_WAIT_NS 1000000000ull
#define FOLLOW_MAX_DISPLAYS 16
#define FOLLOW_NEVER       UINT64_MAX

/* One mode the OS offers: logical ("looks like") size, backing pixel size, and whether shown now. */
struct follow_mode {
    uint32_t width, height;
    uint32_t pixel_width, pixel_height;
    bool current;
};

enum follow_verdict {
    FOLLOW_IDLE = 0,    /* nothing due for this display */
    FOLLOW_SWITCH,      /* switch to modes[*pick], then call follow_switched() */
    FOLLOW_ALREADY,     /* due, and the best mode for the host size is already current */
    FOLLOW_NO_MODE,     /* due, but no mode has the host size: nothing to switch to */
};

enum follow_seen {
    FOLLOW_SEEN_SAME = 0,   /* the mode that was current already */
    FOLLOW_SEEN_OWN,        /* the switch the agent asked for */
    FOLLOW_SEEN_MANUAL,     /* someone else changed it: respected until the next generation */
};

struct follow_stats {
    uint64_t events, repeats;        /* host sizes fed; of which generations already seen */
    uint64_t switches, failed;       /* switches decided and reported done / reported failed */
    uint64_t already, no_mode;       /* due bursts with nothing to do / with no matching mode */
    uint64_t manual, dropped;        /* user changes seen; events for a display beyond the table */
};

struct follow_display {
    bool     used;
    uint32_t id;
    bool     seen_generation;        /* `generation` holds a real value */
    uint32_t generation;
    uint32_t want_w, want_h;         /* the host size of the latest generation */
    bool     pending;                /* a burst waits for its switch */
    uint64_t first_ns, last_ns;      /* the burst's first and latest event */
    bool     manual;                 /* the user chose a mode since the latest generation */
    bool     unmet;                  /* the latest generation found no mode of its size */
    bool     asked;                  /* a switch to asked_w x asked_h was made, not yet seen */
    uint32_t asked_w, asked_h;
    bool     immediate;              /* due at once: the mode list changed after FOLLOW_NO_MODE */
    bool     cur_known;              /* cur_w x cur_h was reported (0x0: the display shows nothing) */
    uint32_t cur_w, cur_h;           /* the current mode as last seen */
};

struct follow {
    struct follow_display d[FOLLOW_MAX_DISPLAYS];
    struct follow_stats stats;
};

void follow_init(struct follow *f);

/* The host's size for display `id` (generation as the kext counts it; `enabled` false when the host
 * turned the head off).  False when the display table is full (counted in stats.dropped). */
bool follow_host_size(struct follow *f, uint32_t id, uint32_t width, uint32_t height, uint32_t generation,
                      bool enabled, uint64_t now_ns);

/* The earliest time a display's switch falls due, FOLLOW_NEVER when none waits. */
uint64_t follow_next_deadline(const struct follow *f);
bool     follow_due(const struct follow *f, uint32_t id, uint64_t now_ns);

/* When display `id` is due: pick from the OS's current mode list (n entries).  Ends the burst
 * whatever the verdict, so a caller that cannot switch is not asked again for the same size. */
enum follow_verdict follow_decide(struct follow *f, uint32_t id, const struct follow_mode *modes, size_t n,
                                  uint64_t now_ns, size_t *pick);

/* The switch follow_decide() asked for was made (ok) or failed. */
void follow_switched(struct follow *f, uint32_t id, uint32_t width, uint32_t height, bool ok);

/* The display's current mode is now width x height (0x0: off).  Report it once at start (learnt,
 * FOLLOW_SEEN_SAME) and on every reconfiguration, the agent's own and others'. */
enum follow_seen follow_mode_seen(struct follow *f, uint32_t id, uint32_t width, uint32_t height);

/* The OS's mode list for `id` changed: a host size that found no mode is looked at again now. */
void follow_modes_changed(struct follow *f, uint32_t id, uint64_t now_ns);

/* The display is gone (its framebuffer terminated): its slot and generations are forgotten. */
void follow_forget(struct follow *f, uint32_t id);

#endif /* FOLLOW_LOGIC_H */
