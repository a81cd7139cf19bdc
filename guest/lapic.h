/*
 * lapic.h — the local APIC in xAPIC (MMIO) mode: enable, EOI, and a one-shot timer that ends
 * HLT sleeps.  The timer's rate is measured against the calibrated TSC clock.
 */
#ifndef GUEST_LAPIC_H
#define GUEST_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

bool     lapic_init(void);
uint32_t lapic_id(void);
void     lapic_eoi(void);
uint64_t lapic_timer_hz(void);
/* Fire VEC_TIMER once after about `ns` (at most 1 s; callers re-arm). */
void     lapic_timer_arm(uint64_t ns);
void     lapic_timer_stop(void);

#endif /* GUEST_LAPIC_H */
