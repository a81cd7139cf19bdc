/* lapic.c — xAPIC registers at the base the APIC_BASE MSR names (0xFEE00000 on QEMU). */
#include "lapic.h"

#include "arch.h"
#include "clock.h"
#include "idt.h"
#include "paging.h"

#define MSR_APIC_BASE    0x1B
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_MASK   0xFFFFFF000ull
#define REG_ID           0x020
#define REG_TPR          0x080
#define REG_EOI          0x0B0
#define REG_SVR          0x0F0
#define REG_LVT_TIMER    0x320
#define REG_TIMER_INIT   0x380
#define REG_TIMER_CUR    0x390
#define REG_TIMER_DIV    0x3E0
#define SVR_ENABLE       0x100
#define LVT_MASKED       0x10000
#define TIMER_DIV_1      0xB
#define CALIBRATE_NS     10000000ull
#define MAX_ARM_NS       1000000000ull

static volatile uint32_t *regs;
static uint64_t timer_hz;

static uint32_t rd(uint32_t reg) { return regs[reg / 4]; }
static void wr(uint32_t reg, uint32_t v) { regs[reg / 4] = v; }

/* Count the timer down from its maximum for a TSC-timed interval. */
static void calibrate_timer(void)
{
    wr(REG_TIMER_DIV, TIMER_DIV_1);
    wr(REG_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    wr(REG_TIMER_INIT, 0xFFFFFFFFu);
    uint64_t t0 = clock_now_ns();
    clock_delay_ns(CALIBRATE_NS);
    uint32_t left = rd(REG_TIMER_CUR);
    uint64_t elapsed = clock_now_ns() - t0;
    wr(REG_TIMER_INIT, 0);
    timer_hz = (uint64_t)(0xFFFFFFFFu - left) * 1000000000ull / (elapsed ? elapsed : 1);
    wr(REG_LVT_TIMER, VEC_TIMER);                /* one-shot, unmasked */
}

bool lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    base &= APIC_BASE_MASK;
    if (!paging_map_mmio(base, 0x1000))
        return false;
    regs = (volatile uint32_t *)(uintptr_t)base;
    wr(REG_TPR, 0);
    wr(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
    calibrate_timer();
    return timer_hz != 0;
}

uint32_t lapic_id(void) { return rd(REG_ID) >> 24; }

void lapic_eoi(void) { wr(REG_EOI, 0); }

uint64_t lapic_timer_hz(void) { return timer_hz; }

void lapic_timer_arm(uint64_t ns)
{
    if (ns > MAX_ARM_NS)
        ns = MAX_ARM_NS;                         /* keeps ns * timer_hz inside 64 bits */
    uint64_t ticks = ns * timer_hz / 1000000000ull;
    wr(REG_TIMER_INIT, ticks == 0 ? 1 : ticks > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)ticks);
}

void lapic_timer_stop(void) { wr(REG_TIMER_INIT, 0); }
