/* main.c — boot sequence of the test guest. */
#include "clock.h"
#include "exit.h"
#include "fmt.h"
#include "idt.h"
#include "ioapic.h"
#include "lapic.h"
#include "multiboot.h"
#include "pages.h"
#include "paging.h"
#include "pci.h"
#include "serial.h"
#include "arch.h"

static struct boot_info boot;

void guest_main(uint32_t magic, uint32_t info);
void guest_main(uint32_t magic, uint32_t info)
{
    serial_init();
    idt_init();
    if (!multiboot_parse(magic, info, &boot)) {
        glog("no multiboot information (magic 0x%x)", magic);
        guest_exit(GUEST_EXIT_NODEV);
    }
    glog("cmdline '%s', %u RAM ranges", boot.cmdline, boot.nranges);
    pages_init(&boot);
    glog("%zu free pages", pages_free_count());
    if (!paging_init(&boot)) guest_exit(GUEST_EXIT_NODEV);
    clock_init();
    glog("tsc %lu Hz", clock_tsc_hz());
    if (!lapic_init()) guest_exit(GUEST_EXIT_NODEV);
    glog("lapic id %u timer %lu Hz", lapic_id(), lapic_timer_hz());
    if (!ioapic_init()) guest_exit(GUEST_EXIT_NODEV);
    glog("ioapic %u pins", ioapic_pins());
    pci_init();
    uint32_t bdf;
    if (!pci_find(0x1af4, 0x1050, &bdf)) { glog("no gpu"); guest_exit(GUEST_EXIT_NODEV); }
    struct pci_bar bars[6];
    pci_probe_bars(bdf, bars);
    glog("gpu at %02x:%02x.%x ecam=%d", bdf >> 8, (bdf >> 3) & 31, bdf & 7, pci_has_ecam());
    for (int i = 0; i < 6; i++)
        if (bars[i].size) glog("bar%d base 0x%lx size 0x%lx io=%d 64=%d pf=%d", i, bars[i].base, bars[i].size, bars[i].io, bars[i].is64, bars[i].prefetch);
    sti();
    uint64_t t0 = clock_now_ns();
    lapic_timer_arm(5000000);
    static volatile bool never;
    sleep_unless(&never);
    glog("slept %lu ns, timer irqs %lu", clock_now_ns() - t0, irq_count(VEC_TIMER));
    out_line("READY");
    guest_exit(0x10);
}
