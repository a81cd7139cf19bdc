/*
 * idt.h — interrupt descriptor table, exception reports, and per-vector handlers.
 *
 * Vector plan: 0-31 CPU exceptions (report and exit), 0x20-0x2F the masked 8259 (remapped out
 * of the exception range), 0x30.. device vectors, 0xF0 LAPIC timer, 0xFF LAPIC spurious.
 */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#include <stdint.h>

#define VEC_PIC_BASE   0x20
#define VEC_SERIAL     0x34
#define VEC_MSIX_BASE  0x40     /* MSI-X table entry i -> VEC_MSIX_BASE + i */
#define VEC_CON_MSIX_BASE 0x48  /* the virtio-console's MSI-X entries (guest/console.c) */
#define VEC_INTX       0x50
#define VEC_TIMER      0xF0
#define VEC_SPURIOUS   0xFF

struct isr_frame {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;      /* pushed by the CPU */
};

typedef void (*irq_handler)(unsigned vector, void *ctx);

void idt_init(void);
/* Run `fn` for `vector` (>= 32); the dispatcher sends the LAPIC EOI afterwards. */
void irq_set_handler(unsigned vector, irq_handler fn, void *ctx);

/*
 * Sleeping without losing a wake-up: take irq_events(), check the condition (and arm the timer),
 * then irq_sleep_since(snapshot).  It halts only if no interrupt at all came in between, since
 * any of them (a device, the UART, the timer that was just armed) may be the awaited one.
 */
uint64_t irq_events(void);
void     irq_sleep_since(uint64_t seen);

#endif /* GUEST_IDT_H */
