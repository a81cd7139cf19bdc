/* clip_pump.c — one round of the agent's work loop over a byte port (see clip_pump.h). */
#include "clip_pump.h"

void clip_pump_init(struct clip_pump *p, struct clip_agent *agent, const struct clip_port *port,
                    uint8_t *rx, size_t rx_cap)
{
    p->agent = agent;
    p->port = *port;
    p->rx = rx;
    p->rx_cap = rx_cap;
    p->host_open = false;
}

static int flush(struct clip_pump *p)
{
    size_t len;
    const uint8_t *bytes = clip_output(p->agent, &len);
    int rc;

    if (!bytes)
        return 0;
    rc = p->port.write(p->port.ctx, bytes, len);
    if (rc == 0)
        clip_output_sent(p->agent, len);
    return rc;
}

/* A host that (re)connects gets a fresh session: capabilities first. */
static void follow_host(struct clip_pump *p)
{
    bool open = p->port.host_open(p->port.ctx);

    if (open && !p->host_open)
        clip_connect(p->agent);
    p->host_open = open;
}

int clip_pump_once(struct clip_pump *p)
{
    size_t got;
    int rc;

    follow_host(p);
    do {
        rc = p->port.read(p->port.ctx, p->rx, p->rx_cap, &got);
        if (rc == 0 && got)
            clip_feed(p->agent, p->rx, got);
        if (rc == 0)
            rc = flush(p);
    } while (rc == 0 && got);
    if (rc != 0)
        return rc;
    clip_poll_board(p->agent);
    return flush(p);
}
