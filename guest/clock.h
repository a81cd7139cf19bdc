/*
 * clock.h — monotonic nanoseconds from the TSC, calibrated against PIT channel 2 at boot.
 * (Under TCG the TSC follows the host's and the PIT follows QEMU's virtual clock, which runs
 * in real time, so the calibration holds; qemu64 reports no TSC frequency in CPUID.)
 */
#ifndef GUEST_CLOCK_H
#define GUEST_CLOCK_H

#include <stdint.h>

void     clock_init(void);
uint64_t clock_now_ns(void);
uint64_t clock_tsc_hz(void);
void     clock_delay_ns(uint64_t ns);     /* busy wait */

#endif /* GUEST_CLOCK_H */
