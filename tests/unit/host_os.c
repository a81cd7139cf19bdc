/*
 * host_os.c — the vgpu_os_* platform for unit tests: bus accesses routed to the software
 * device, a virtual clock, waiting that lets the device progress and delivers its interrupts,
 * locking checks, events and the log.  Memory lives in host_mem.c and host_fb.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_internal.h"

struct host *host_new(void)
{
    struct host *h = calloc(1, sizeof(*h));

    if (!h)
        abort();
    h->next_addr = HOST_DMA_BASE;
    h->now = 1000000000ull;   /* not zero: a core treating 0 as "unset" would be caught */
    return h;
}

unsigned host_free(struct host *h)
{
    unsigned problems;

    for (int i = 0; i < HOST_MAX_DEVS; i++)
        host_dev_free(h->devs[i]);
    problems = h->violations + host_check_leaks(h);
    for (size_t i = 0; i < h->nlog; i++)
        free(h->log[i]);
    free(h->log);
    free(h->allocs);
    free(h->regions);
    free(h);
    return problems;
}

void host_violation(struct host *h, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(h->last_violation, sizeof(h->last_violation), fmt, ap);
    va_end(ap);
    h->violations++;
    fprintf(stderr, "host: contract violation: %s\n", h->last_violation);
}

unsigned host_violations(const struct host *h) { return h->violations; }
const char *host_last_violation(const struct host *h) { return h->last_violation; }
uint64_t host_now(const struct host *h) { return h->now; }
void host_advance(struct host *h, uint64_t ns) { h->now += ns; }

/* ---- Devices ---- */

struct host_dev *host_dev_new(struct host *h, const struct sim_config *cfg)
{
    struct host_dev *d = calloc(1, sizeof(*d));
    int slot = 0;

    while (slot < HOST_MAX_DEVS && h->devs[slot])
        slot++;
    if (!d || slot == HOST_MAX_DEVS)
        abort();
    d->host = h;
    d->sim = sim_create(cfg, host_map, h);
    if (!d->sim)
        abort();
    h->devs[slot] = d;
    return d;
}

void host_dev_free(struct host_dev *d)
{
    if (!d)
        return;
    host_dev_close(d);
    for (int i = 0; i < HOST_MAX_DEVS; i++)
        if (d->host->devs[i] == d)
            d->host->devs[i] = NULL;
    sim_destroy(d->sim);
    free(d);
}

struct sim *host_sim(struct host_dev *d) { return d->sim; }
struct vgpu_dev *host_vgpu(struct host_dev *d) { return d->dev; }
uint64_t host_dev_irqs_delivered(const struct host_dev *d) { return d->irqs; }
uint64_t host_dev_spurious_intx(const struct host_dev *d) { return d->spurious; }
uint64_t host_dev_waits(const struct host_dev *d) { return d->waits; }

unsigned host_dev_events(const struct host_dev *d, enum vgpu_os_event ev)
{
    return (unsigned)ev < 3 ? d->events[ev] : 0;
}

int host_dev_open_params(struct host_dev *d, const struct vgpu_params *params)
{
    int rc;

    d->irq_mode = params->irq_mode;
    /* The OS side turns on decoding and bus mastering (IOPCIDevice, the guest's PCI code). */
    sim_pci_write(d->sim, 0x04, 2, sim_pci_command(d->sim) | 0x0006u);
    if (params->irq_mode == VGPU_IRQ_MSIX)   /* and MSI-X, before the driver runs */
        sim_pci_write(d->sim, VDEV_CAP_MSIX + 2, 2, 0x8000u);
    rc = vgpu_open(d, params, &d->dev);
    if (rc != VGPU_OK)
        d->dev = NULL;
    return rc;
}

int host_dev_open(struct host_dev *d, enum vgpu_irq_mode mode, uint16_t msix_vectors)
{
    struct vgpu_params p = { .irq_mode = mode, .msix_vectors = msix_vectors };

    return host_dev_open_params(d, &p);
}

void host_dev_close(struct host_dev *d)
{
    if (!d->dev)
        return;
    vgpu_close(d->dev);
    d->dev = NULL;
    if (d->lock_depth)
        host_violation(d->host, "vgpu_close returned with the lock held");
}

void host_dev_device_latency(struct host_dev *d, bool run_in_wait, uint64_t latency_ns)
{
    sim_set_deferred(d->sim, true);
    d->run_in_wait = run_in_wait;
    d->latency_ns = latency_ns;
}

void host_dev_on_wait(struct host_dev *d, void (*fn)(struct host_dev *, void *), void *ctx)
{
    d->on_wait = fn;
    d->on_wait_ctx = ctx;
}

/* ---- Interrupt delivery ---- */

static bool deliver_intx(struct host_dev *d)
{
    uint32_t causes;

    if (!sim_intx_level(d->sim))
        return false;
    causes = vgpu_intx_status(d->dev);
    if (!causes) {
        d->spurious++;
        return false;
    }
    d->irqs++;
    vgpu_handle_interrupt(d->dev, causes);
    return true;
}

static bool deliver_msix(struct host_dev *d)
{
    bool any = false;
    int v;

    while ((v = sim_next_msix(d->sim)) >= 0) {
        d->irqs++;
        vgpu_handle_interrupt(d->dev, vgpu_msix_causes(d->dev, (unsigned)v));
        any = true;
    }
    return any;
}

static bool deliver_interrupts(struct host_dev *d)
{
    if (!d->dev)
        return false;   /* no handler registered yet (still inside vgpu_open) */
    if (d->irq_mode == VGPU_IRQ_INTX)
        return deliver_intx(d);
    if (d->irq_mode == VGPU_IRQ_MSIX)
        return deliver_msix(d);
    return false;
}

/* Note when deferred work first became pending: latency counts from there. */
static void track_pending(struct host_dev *d)
{
    bool pending = sim_work_pending(d->sim);

    if (pending && !d->was_pending)
        d->pending_since = d->host->now;
    d->was_pending = pending;
}

/* Run deferred device work whose latency has passed; returns false if it is not due by `until`. */
static void run_due_work(struct host_dev *d, uint64_t until)
{
    uint64_t due;

    if (!d->run_in_wait || !sim_work_pending(d->sim))
        return;
    due = d->pending_since + d->latency_ns;
    if (due > until)
        return;
    if (d->host->now < due)
        d->host->now = due;
    sim_run(d->sim);
    track_pending(d);
}

bool host_dev_pump(struct host_dev *d)
{
    run_due_work(d, d->host->now);
    return deliver_interrupts(d);
}

/* ---- vgpu_os_* ---- */

uint8_t vgpu_os_pci_read8(void *os, uint16_t off)
{
    return (uint8_t)sim_pci_read(((struct host_dev *)os)->sim, off, 1);
}

uint16_t vgpu_os_pci_read16(void *os, uint16_t off)
{
    return (uint16_t)sim_pci_read(((struct host_dev *)os)->sim, off, 2);
}

uint32_t vgpu_os_pci_read32(void *os, uint16_t off)
{
    return sim_pci_read(((struct host_dev *)os)->sim, off, 4);
}

void vgpu_os_pci_write16(void *os, uint16_t off, uint16_t val)
{
    sim_pci_write(((struct host_dev *)os)->sim, off, 2, val);
}

uint64_t vgpu_os_bar_size(void *os, uint8_t bar)
{
    return sim_bar_size(((struct host_dev *)os)->sim, bar);
}

/* The core promises to check windows against the BAR size: hold it to that. */
static bool mmio_in_range(struct host_dev *d, uint8_t bar, uint32_t off, unsigned width)
{
    uint64_t size = sim_bar_size(d->sim, bar);

    if (size && (uint64_t)off + width <= size)
        return true;
    host_violation(d->host, "MMIO %u bytes at bar %u + 0x%x outside the BAR", width, bar, off);
    return false;
}

static uint32_t mmio_read(void *os, uint8_t bar, uint32_t off, unsigned width)
{
    struct host_dev *d = os;

    return mmio_in_range(d, bar, off, width) ? sim_mmio_read(d->sim, bar, off, width) : ~0u;
}

static void mmio_write(void *os, uint8_t bar, uint32_t off, unsigned width, uint32_t val)
{
    struct host_dev *d = os;

    if (!mmio_in_range(d, bar, off, width))
        return;
    sim_mmio_write(d->sim, bar, off, width, val);
    track_pending(d);
}

uint8_t vgpu_os_mmio_read8(void *os, uint8_t bar, uint32_t off)
{
    return (uint8_t)mmio_read(os, bar, off, 1);
}

uint16_t vgpu_os_mmio_read16(void *os, uint8_t bar, uint32_t off)
{
    return (uint16_t)mmio_read(os, bar, off, 2);
}

uint32_t vgpu_os_mmio_read32(void *os, uint8_t bar, uint32_t off)
{
    return mmio_read(os, bar, off, 4);
}

void vgpu_os_mmio_write8(void *os, uint8_t bar, uint32_t off, uint8_t val)
{
    mmio_write(os, bar, off, 1, val);
}

void vgpu_os_mmio_write16(void *os, uint8_t bar, uint32_t off, uint16_t val)
{
    mmio_write(os, bar, off, 2, val);
}

void vgpu_os_mmio_write32(void *os, uint8_t bar, uint32_t off, uint32_t val)
{
    mmio_write(os, bar, off, 4, val);
}

void vgpu_os_mb(void *os)  { (void)os; __atomic_thread_fence(__ATOMIC_SEQ_CST); }
void vgpu_os_wmb(void *os) { (void)os; __atomic_thread_fence(__ATOMIC_RELEASE); }
void vgpu_os_rmb(void *os) { (void)os; __atomic_thread_fence(__ATOMIC_ACQUIRE); }

void vgpu_os_lock(void *os)
{
    struct host_dev *d = os;

    if (d->lock_depth++)
        host_violation(d->host, "vgpu_os_lock while already held");
}

void vgpu_os_unlock(void *os)
{
    struct host_dev *d = os;

    if (d->lock_depth-- <= 0) {
        d->lock_depth = 0;
        host_violation(d->host, "vgpu_os_unlock without the lock");
    }
}

uint64_t vgpu_os_now_ns(void *os)
{
    return ((struct host_dev *)os)->host->now;
}

/*
 * Virtual waiting: run due device work, deliver interrupts; if anything happened (or a wake
 * came) the wait costs HOST_WAIT_STEP_NS, otherwise nothing can change before the deadline,
 * so the clock jumps there.
 */
void vgpu_os_wait(void *os, uint64_t deadline_ns)
{
    struct host_dev *d = os;
    struct host *h = d->host;
    bool progress;

    d->waits++;
    d->woken = false;   /* only a wake during this wait ends it, as with a real sleep */
    if (d->lock_depth)
        host_violation(h, "vgpu_os_wait called with the lock held");
    if (d->on_wait)
        d->on_wait(d, d->on_wait_ctx);
    run_due_work(d, deadline_ns);
    progress = deliver_interrupts(d) || d->woken;
    d->woken = false;
    if (progress)
        h->now += HOST_WAIT_STEP_NS;
    else if (h->now < deadline_ns)
        h->now = deadline_ns;
}

void vgpu_os_wake(void *os)
{
    ((struct host_dev *)os)->woken = true;
}

void vgpu_os_event(void *os, enum vgpu_os_event ev)
{
    struct host_dev *d = os;

    if ((unsigned)ev >= 3 || ev == 0)
        host_violation(d->host, "unknown event %d", (int)ev);
    else
        d->events[ev]++;
}

/* ---- Log ---- */

void vgpu_os_log(void *os, enum vgpu_log_level level, const char *line)
{
    struct host *h = ((struct host_dev *)os)->host;
    static const char *names[] = { "E", "W", "I", "D" };
    size_t n = strlen(line) + 8;
    char *copy = malloc(n);

    if (!copy)
        abort();
    snprintf(copy, n, "%s %s", (unsigned)level < 4 ? names[level] : "?", line);
    if (getenv("VGPU_TEST_LOG"))
        fprintf(stderr, "%s\n", copy);
    if (h->nlog == h->cap_log) {
        h->cap_log = h->cap_log ? 2 * h->cap_log : 64;
        h->log = realloc(h->log, h->cap_log * sizeof(*h->log));
        if (!h->log)
            abort();
    }
    h->log[h->nlog++] = copy;
}

bool host_log_contains(const struct host *h, const char *needle)
{
    for (size_t i = 0; i < h->nlog; i++)
        if (strstr(h->log[i], needle))
            return true;
    return false;
}

void host_log_dump(const struct host *h)
{
    size_t from = h->nlog > 200 ? h->nlog - 200 : 0;

    fprintf(stderr, "---- core log (%zu lines, last %zu) ----\n", h->nlog, h->nlog - from);
    for (size_t i = from; i < h->nlog; i++)
        fprintf(stderr, "  %s\n", h->log[i]);
}

size_t host_log_lines(const struct host *h)
{
    return h->nlog;
}
