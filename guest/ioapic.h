/*
 * ioapic.h — the IO-APIC at 0xFEC00000 (QEMU's fixed address on pc and q35) and the 8259
 * pair, which is remapped away from the exception vectors and fully masked.
 */
#ifndef GUEST_IOAPIC_H
#define GUEST_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_BASE 0xFEC00000ull

struct ioapic_route {
    uint8_t vector;
    bool    level;          /* level-triggered (PCI INTx) rather than edge (ISA) */
    bool    active_low;
    uint8_t dest_apic;
};

bool     ioapic_init(void);              /* masks every pin, silences the 8259s */
unsigned ioapic_pins(void);
void     ioapic_route(unsigned pin, const struct ioapic_route *r);   /* unmasked */
void     ioapic_mask(unsigned pin);

#endif /* GUEST_IOAPIC_H */
