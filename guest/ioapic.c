/* ioapic.c — indirect IOREGSEL/IOWIN access; redirection entry n is registers 0x10+2n, 0x11+2n. */
#include "ioapic.h"

#include "arch.h"
#include "idt.h"
#include "paging.h"

#define IOREGSEL      0x00
#define IOWIN         0x10
#define REG_VERSION   0x01
#define REG_REDIR(n)  (0x10u + 2u * (n))
#define REDIR_MASKED  (1u << 16)
#define REDIR_LEVEL   (1u << 15)
#define REDIR_LOW     (1u << 13)
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

static volatile uint32_t *regs;
static unsigned npins;

static uint32_t rd(uint32_t reg)
{
    regs[IOREGSEL / 4] = reg;
    return regs[IOWIN / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
    regs[IOREGSEL / 4] = reg;
    regs[IOWIN / 4] = v;
}

/* Re-initialise both 8259s onto VEC_PIC_BASE.. (out of the exception range), then mask all. */
static void pic_silence(void)
{
    static const uint8_t icw[2][4] = {
        { 0x11, VEC_PIC_BASE, 0x04, 0x01 },      /* ICW1 edge+ICW4, base, slave on IRQ2, 8086 */
        { 0x11, VEC_PIC_BASE + 8, 0x02, 0x01 },
    };
    for (unsigned i = 0; i < 4; i++) {
        outb(i == 0 ? PIC1_CMD : PIC1_DATA, icw[0][i]);
        outb(i == 0 ? PIC2_CMD : PIC2_DATA, icw[1][i]);
    }
    outb(PIC1_DATA, 0xFF);
    outb(PIC2_DATA, 0xFF);
}

bool ioapic_init(void)
{
    pic_silence();
    if (!paging_map_mmio(IOAPIC_BASE, 0x1000))
        return false;
    regs = (volatile uint32_t *)(uintptr_t)IOAPIC_BASE;
    npins = ((rd(REG_VERSION) >> 16) & 0xFF) + 1;
    for (unsigned pin = 0; pin < npins; pin++)
        ioapic_mask(pin);
    return true;
}

unsigned ioapic_pins(void) { return npins; }

void ioapic_route(unsigned pin, const struct ioapic_route *r)
{
    if (pin >= npins)
        return;
    uint32_t lo = r->vector | (r->level ? REDIR_LEVEL : 0) | (r->active_low ? REDIR_LOW : 0);
    wr(REG_REDIR(pin) + 1, (uint32_t)r->dest_apic << 24);
    wr(REG_REDIR(pin), lo);
}

void ioapic_mask(unsigned pin)
{
    if (pin < npins)
        wr(REG_REDIR(pin), REDIR_MASKED);
}
