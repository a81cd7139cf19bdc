/*
 * fuzz_os.c — the fuzz host's platform side: findings, the bus routed to the scripted device
 * with the contract checks the core promises (BAR windows, config-space bounds), locking rules,
 * the virtual clock, waits that let the device progress, interrupt delivery, events and the log.
 * Memory lives in fuzz_mem.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_dev.h"
#include "fuzz_os.h"

#define CALL_LIMIT     4000000u    /* platform calls per input: beyond this the core is looping */
#define MSIX_PER_IRQ   64u
#define LOG_LINE_MAX   256u

static struct {
    enum vgpu_irq_mode irq_mode;
    struct vgpu_dev *dev;        /* whose interrupts we deliver; NULL while vgpu_open runs */
    bool async_irq, in_irq, woken, log;
    int lock_depth;
    uint64_t now, calls;
    unsigned events[3];
} host;

void fz_finding(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "FUZZ FINDING: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

void fz_trace(const char *fmt, ...)
{
    va_list ap;

    if (!host.log)
        return;
    fprintf(stderr, "-- ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
}

static void count_call(void)
{
    if (++host.calls > CALL_LIMIT)
        fz_finding("more than %u platform calls in one input: unbounded loop", CALL_LIMIT);
}

void fz_host_begin(void)
{
    memset(&host, 0, sizeof(host));
    host.now = 5000000000ull;
    host.log = getenv("FUZZ_LOG") != NULL;
    fz_mem_reset();
}

void fz_host_end(void)
{
    if (host.lock_depth)
        fz_finding("input ended with the core's lock held");
    fz_mem_check_clean();
}

void *fz_os(void)
{
    return &host;
}

uint64_t fz_now(void) { return host.now; }
unsigned fz_events(enum vgpu_os_event ev) { return (unsigned)ev < 3 ? host.events[ev] : 0; }
void fz_events_clear(void) { memset(host.events, 0, sizeof(host.events)); }
void fz_irq_async(bool on) { host.async_irq = on; }

void fz_irq_setup(enum vgpu_irq_mode mode, struct vgpu_dev *dev)
{
    host.irq_mode = mode;
    host.dev = dev;
}

/* ---- interrupts: the host's handler, as an OS would run it ---- */

static bool deliver_intx(void)
{
    uint32_t causes;

    if (!dev_intx_pending())
        return false;
    causes = vgpu_intx_status(host.dev);
    if (causes)
        vgpu_handle_interrupt(host.dev, causes);
    return causes != 0;
}

static bool deliver_msix(void)
{
    bool any = false;
    int v;

    for (unsigned n = 0; n < MSIX_PER_IRQ && (v = dev_next_msix()) >= 0; n++) {
        vgpu_handle_interrupt(host.dev, vgpu_msix_causes(host.dev, (unsigned)v));
        any = true;
    }
    return any;
}

bool fz_irq_deliver(void)
{
    bool any = false;

    if (!host.dev || host.in_irq || host.lock_depth)
        return false;
    host.in_irq = true;
    if (host.irq_mode == VGPU_IRQ_INTX)
        any = deliver_intx();
    else if (host.irq_mode == VGPU_IRQ_MSIX)
        any = deliver_msix();
    host.in_irq = false;
    return any;
}

/* ---- PCI configuration space and BARs ---- */

static void check_cfg(uint16_t off, unsigned width)
{
    count_call();
    if ((uint32_t)off + width > 256)
        fz_finding("PCI config access of %u bytes at 0x%x, past the 256-byte space", width, off);
}

uint8_t vgpu_os_pci_read8(void *os, uint16_t off)
{
    (void)os;
    check_cfg(off, 1);
    return (uint8_t)dev_pci_read(off, 1);
}

uint16_t vgpu_os_pci_read16(void *os, uint16_t off)
{
    (void)os;
    check_cfg(off, 2);
    return (uint16_t)dev_pci_read(off, 2);
}

uint32_t vgpu_os_pci_read32(void *os, uint16_t off)
{
    (void)os;
    check_cfg(off, 4);
    return dev_pci_read(off, 4);
}

void vgpu_os_pci_write16(void *os, uint16_t off, uint16_t val)
{
    (void)os;
    check_cfg(off, 2);
    dev_pci_write(off, 2, val);
}

uint64_t vgpu_os_bar_size(void *os, uint8_t bar)
{
    (void)os;
    count_call();
    if (bar >= 6)
        fz_finding("bar_size asked for BAR %u", bar);
    return dev_bar_size(bar);
}

/* vgpu_os.h: the core checks every window against the BAR size before touching the BAR. */
static void check_mmio(uint8_t bar, uint32_t off, unsigned width)
{
    count_call();
    if (bar >= 6 || (uint64_t)off + width > dev_bar_size(bar))
        fz_finding("MMIO of %u bytes at BAR %u + 0x%x, outside the BAR", width, bar, off);
}

uint8_t vgpu_os_mmio_read8(void *os, uint8_t bar, uint32_t off)
{
    (void)os;
    check_mmio(bar, off, 1);
    return (uint8_t)dev_mmio_read(bar, off, 1);
}

uint16_t vgpu_os_mmio_read16(void *os, uint8_t bar, uint32_t off)
{
    (void)os;
    check_mmio(bar, off, 2);
    return (uint16_t)dev_mmio_read(bar, off, 2);
}

uint32_t vgpu_os_mmio_read32(void *os, uint8_t bar, uint32_t off)
{
    (void)os;
    check_mmio(bar, off, 4);
    return dev_mmio_read(bar, off, 4);
}

void vgpu_os_mmio_write8(void *os, uint8_t bar, uint32_t off, uint8_t val)
{
    (void)os;
    check_mmio(bar, off, 1);
    dev_mmio_write(bar, off, 1, val);
}

void vgpu_os_mmio_write16(void *os, uint8_t bar, uint32_t off, uint16_t val)
{
    (void)os;
    check_mmio(bar, off, 2);
    dev_mmio_write(bar, off, 2, val);
}

void vgpu_os_mmio_write32(void *os, uint8_t bar, uint32_t off, uint32_t val)
{
    (void)os;
    check_mmio(bar, off, 4);
    dev_mmio_write(bar, off, 4, val);
}

/* ---- ordering and locking ---- */

void vgpu_os_mb(void *os)  { (void)os; __atomic_thread_fence(__ATOMIC_SEQ_CST); }
void vgpu_os_wmb(void *os) { (void)os; __atomic_thread_fence(__ATOMIC_RELEASE); }
void vgpu_os_rmb(void *os) { (void)os; __atomic_thread_fence(__ATOMIC_ACQUIRE); }

void vgpu_os_lock(void *os)
{
    (void)os;
    count_call();
    if (host.lock_depth++)
        fz_finding("vgpu_os_lock while the lock is held (deadlock)");
}

/* Dropping the lock is where a real interrupt would get in: let it, when asked to. */
void vgpu_os_unlock(void *os)
{
    (void)os;
    count_call();
    if (--host.lock_depth < 0)
        fz_finding("vgpu_os_unlock without the lock");
    if (host.async_irq)
        fz_irq_deliver();
}

/* ---- time ---- */

uint64_t vgpu_os_now_ns(void *os)
{
    (void)os;
    count_call();
    return host.now;
}

/*
 * One device tick and interrupt delivery; time moves a step when something happened or the
 * device has work scheduled, else straight to the deadline (nothing can change before it).
 */
void vgpu_os_wait(void *os, uint64_t deadline_ns)
{
    bool progress;

    (void)os;
    count_call();
    if (host.lock_depth)
        fz_finding("vgpu_os_wait with the lock held");
    progress = dev_tick();
    progress = fz_irq_deliver() || progress || host.woken;
    host.woken = false;
    if (progress || dev_busy())
        host.now += FZ_WAIT_STEP_NS;
    else if (host.now < deadline_ns)
        host.now = deadline_ns;
}

void vgpu_os_wake(void *os)
{
    (void)os;
    host.woken = true;
}

void vgpu_os_event(void *os, enum vgpu_os_event ev)
{
    (void)os;
    if (ev != VGPU_OS_EVENT_DISPLAY_CHANGED && ev != VGPU_OS_EVENT_NEEDS_RESET)
        fz_finding("unknown event %d", (int)ev);
    host.events[ev]++;
}

static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

void vgpu_os_log(void *os, enum vgpu_log_level level, const char *line)
{
    (void)os;
    if ((unsigned)level > VGPU_LOG_DEBUG || !line || bounded_len(line, LOG_LINE_MAX) >= LOG_LINE_MAX ||
        strncmp(line, "[VirtIO-GPU] ", 13) != 0)
        fz_finding("malformed log call (level %d)", (int)level);
    if (host.log)
        fprintf(stderr, "%d %s\n", (int)level, line);
}
