/*
 * main.c — boot sequence of the test guest, then the command loop: commands from the boot
 * script (-append "script=cmd;cmd;...") first, then from COM1.
 */
#include "arch.h"
#include "clock.h"
#include "exit.h"
#include "fmt.h"
#include "follow.h"
#include "gpu.h"
#include "idt.h"
#include "ioapic.h"
#include "lapic.h"
#include "libc.h"
#include "multiboot.h"
#include "os_glue.h"
#include "pages.h"
#include "paging.h"
#include "pci.h"
#include "serial.h"
#include "session.h"

#define LINE_MAX        2048
#define COM1_ISA_IRQ    4           /* identity-mapped to IO-APIC pin 4, edge, active high */
#define IDLE_TIMEOUT_NS 100000000ull

static struct boot_info boot;
static struct guest_gpu gpu;
static struct session session = { .gpu = &gpu };
static void fail_boot(const char *what)
{
    glog("boot failed: %s", what);
    guest_exit(GUEST_EXIT_NODEV);
}

static void platform_init(uint32_t magic, uint32_t info)
{
    serial_init();
    idt_init();
    if (!multiboot_parse(magic, info, &boot))
        fail_boot("no multiboot information or memory map");
    pages_init(&boot);
    if (!paging_init(&boot))
        fail_boot("no memory for page tables");
    clock_init();
    if (!lapic_init())
        fail_boot("local APIC unusable");
    if (!ioapic_init())
        fail_boot("IO-APIC unusable");
    ioapic_route(COM1_ISA_IRQ, &(struct ioapic_route){ VEC_SERIAL, false, false, (uint8_t)lapic_id() });
    serial_enable_rx_irq();
    sti();
    glog("long mode up: %zu free pages, TSC %lu kHz, LAPIC timer %lu kHz", pages_free_count(),
         clock_tsc_hz() / 1000, lapic_timer_hz() / 1000);
}

/* The value of `key=` in the command line; `script=` runs to the end of the line. */
static const char *cmdline_value(const char *key)
{
    size_t n = strlen(key);
    for (const char *p = boot.cmdline; *p; p++)
        if ((p == boot.cmdline || p[-1] == ' ') && !strncmp(p, key, n))
            return p + n;
    return NULL;
}

static void apply_options(void)
{
    const char *level = cmdline_value("loglevel=");
    if (level && *level >= '0' && *level <= '3')
        os_set_log_level((enum vgpu_log_level)(*level - '0'));
}

/* Script mode is for smoke tests: the first ERR reply ends the run with a failure status. */
static void run_script(const char *script)
{
    char line[LINE_MAX];
    while (*script) {
        size_t n = 0;
        while (script[n] && script[n] != ';')
            n++;
        size_t len = n < LINE_MAX - 1 ? n : LINE_MAX - 1;
        memcpy(line, script, len);
        line[len] = '\0';
        script += script[n] ? n + 1 : n;
        glog("script> %s", line);
        if (session_line(&session, line) != VGPU_OK)
            guest_exit(GUEST_EXIT_SCRIPT_ERR);
    }
}

/* Idle in HLT until a byte arrives: the UART interrupt (VEC_SERIAL, no handler needed: any
 * interrupt ends the sleep) wakes it, the timer bounds it.  In between, the display follower
 * (`follow on`) acts on display events and wakes for its next due switch. */
static char read_char(void)
{
    for (;;) {
        uint64_t seen = irq_events();
        if (serial_rx_ready())
            return serial_getc();
        uint64_t due = follow_idle(&session), now = clock_now_ns();
        if (due <= now)
            continue;
        lapic_timer_arm(due - now < IDLE_TIMEOUT_NS ? due - now : IDLE_TIMEOUT_NS);
        irq_sleep_since(seen);
    }
}

static void serve_serial(void)
{
    char line[LINE_MAX];
    size_t len = 0;
    bool overflow = false;
    for (;;) {
        char c = read_char();
        if (c != '\n') {
            if (len < LINE_MAX - 1)
                line[len++] = c;
            else
                overflow = true;
            continue;
        }
        line[len] = '\0';
        if (overflow)
            out_line("ERR VGPU_E_INVAL line longer than %d bytes", LINE_MAX - 1);
        else
            session_line(&session, line);
        len = 0;
        overflow = false;
    }
}

void guest_main(uint32_t magic, uint32_t info);
void guest_main(uint32_t magic, uint32_t info)
{
    platform_init(magic, info);
    pci_init();
    if (!gpu_discover(&gpu))
        fail_boot("no virtio-gpu (1af4:1050) on the PCI bus");
    apply_options();
    out_line("READY");
    const char *script = cmdline_value("script=");
    if (script)
        run_script(script);
    serve_serial();
}
