/* idt.c — IDT, TSS (a separate stack for faults that mean the stack is gone), dispatch. */
#include "idt.h"

#include <stdbool.h>

#include "arch.h"
#include "exit.h"
#include "fmt.h"
#include "lapic.h"

#define GATE_INTERRUPT 0x8E        /* present, DPL 0, 64-bit interrupt gate */
#define SEL_CODE64     0x08
#define SEL_TSS        0x18
#define IST_FAULT      1
#define VEC_NMI        2
#define VEC_DOUBLE     8
#define VEC_MACHINE    18

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

struct tss {
    uint32_t rsv0;
    uint64_t rsp[3];
    uint64_t rsv1;
    uint64_t ist[7];
    uint64_t rsv2;
    uint16_t rsv3, iomap;
} __attribute__((packed));

extern char isr_stubs[];
extern uint64_t gdt[5];

static struct idt_gate idt[256];
static struct tss tss;
static uint8_t fault_stack[16384] __attribute__((aligned(16)));
static irq_handler handlers[256];
static void *handler_ctx[256];
static volatile uint64_t events;              /* interrupts (vector >= 32) since boot */

static const char *const exception_names[32] = {
    "#DE divide", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound",
    "#UD invalid opcode", "#NM no FPU", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87", "#AC alignment", "#MC machine check",
    "#XM SIMD", "#VE virtualization", "#CP control protection",
};

static void set_gate(unsigned v, unsigned ist)
{
    uint64_t a = (uintptr_t)isr_stubs + 16u * v;
    idt[v] = (struct idt_gate){ (uint16_t)a, SEL_CODE64, (uint8_t)ist, GATE_INTERRUPT,
                                (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
}

static void load_tss(void)
{
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    tss.ist[IST_FAULT - 1] = (uintptr_t)(fault_stack + sizeof fault_stack);
    tss.iomap = sizeof tss;
    gdt[SEL_TSS / 8] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | 0x89ull << 40 |
                       ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;
    gdt[SEL_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" :: "r"(SEL_TSS));
}

void idt_init(void)
{
    load_tss();
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, v == VEC_DOUBLE || v == VEC_NMI || v == VEC_MACHINE ? IST_FAULT : 0);
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof idt - 1, (uintptr_t)idt };
    __asm__ volatile("lidt %0" :: "m"(ptr));
}

void irq_set_handler(unsigned vector, irq_handler fn, void *ctx)
{
    uint64_t f = save_flags_cli();
    handler_ctx[vector & 255] = ctx;
    handlers[vector & 255] = fn;
    restore_flags(f);
}

uint64_t irq_events(void) { return events; }

/* `sti; hlt` is atomic: STI holds interrupts off for one more instruction, so an interrupt
 * arriving after the comparison wakes the HLT instead of landing before it. */
void irq_sleep_since(uint64_t seen)
{
    cli();
    if (events == seen)
        __asm__ volatile("sti; hlt" ::: "memory");
    sti();
}

/* A fault inside this report would recurse; the second one exits at once. */
static __attribute__((noreturn)) void report_exception(const struct isr_frame *f)
{
    static bool reporting;
    if (reporting)
        guest_exit(GUEST_EXIT_PANIC);
    reporting = true;
    glog("CPU exception %lu (%s) error=0x%lx rip=0x%lx cr2=0x%lx rsp=0x%lx rflags=0x%lx",
         f->vector, exception_names[f->vector] ? exception_names[f->vector] : "reserved",
         f->error, f->rip, read_cr2(), f->rsp, f->rflags);
    glog("rax=0x%lx rbx=0x%lx rcx=0x%lx rdx=0x%lx rsi=0x%lx rdi=0x%lx rbp=0x%lx",
         f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi, f->rbp);
    guest_exit(GUEST_EXIT_PANIC);
}

void isr_dispatch(struct isr_frame *f);
void isr_dispatch(struct isr_frame *f)
{
    unsigned v = (unsigned)f->vector;
    if (v < 32)
        report_exception(f);
    events++;
    if (v == VEC_SPURIOUS)
        return;                                  /* spurious: no EOI by definition */
    if (handlers[v])
        handlers[v](v, handler_ctx[v]);
    lapic_eoi();
}
