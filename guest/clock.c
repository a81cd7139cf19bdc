/* clock.c — TSC frequency measured over a PIT channel 2 one-shot countdown. */
#include "clock.h"

#include "arch.h"

#define PIT_HZ          1193182u
#define PIT_CH2_DATA    0x42
#define PIT_MODE        0x43
#define PIT_CH2_ONESHOT 0xB0        /* channel 2, lo/hi byte, mode 0, binary */
#define PORT_B          0x61
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_OUT2     0x20
#define CALIBRATE_MS    25u

static uint64_t tsc_hz, tsc_base;
static uint64_t ns_mult;            /* ns = ticks * ns_mult >> 32 */

/* TSC ticks during `ms` milliseconds of PIT countdown (OUT2 rises when the count hits 0). */
static uint64_t tsc_ticks_over_pit(unsigned ms)
{
    uint32_t count = PIT_HZ * ms / 1000u;
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~PORT_B_SPEAKER) & ~PORT_B_GATE2));
    outb(PIT_MODE, PIT_CH2_ONESHOT);
    outb(PIT_CH2_DATA, (uint8_t)count);
    outb(PIT_CH2_DATA, (uint8_t)(count >> 8));
    outb(PORT_B, (uint8_t)(inb(PORT_B) | PORT_B_GATE2));   /* gate rising edge starts it */
    uint64_t t0 = rdtsc();
    while (!(inb(PORT_B) & PORT_B_OUT2))
        ;
    return rdtsc() - t0;
}

void clock_init(void)
{
    uint64_t ticks = tsc_ticks_over_pit(CALIBRATE_MS);
    tsc_hz = ticks * 1000u / CALIBRATE_MS;
    ns_mult = (1000000000ull << 32) / tsc_hz;
    tsc_base = rdtsc();
}

uint64_t clock_now_ns(void)
{
    unsigned __int128 t = (unsigned __int128)(rdtsc() - tsc_base) * ns_mult;
    return (uint64_t)(t >> 32);
}

uint64_t clock_tsc_hz(void) { return tsc_hz; }

void clock_delay_ns(uint64_t ns)
{
    uint64_t end = clock_now_ns() + ns;
    while (clock_now_ns() < end)
        __asm__ volatile("pause");
}
