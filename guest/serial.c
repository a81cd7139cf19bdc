/* serial.c — polled 16550 UART at COM1; receive can also raise IRQ 4 to end an idle HLT. */
#include "serial.h"

#include "arch.h"

#define COM1        0x3F8
#define REG_DATA    0
#define REG_IER     1
#define REG_FCR     2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define LSR_RX_READY 0x01
#define LSR_TX_EMPTY 0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0B   /* OUT2 gates the UART's IRQ line on PC hardware */
#define IER_RX_AVAILABLE 0x01

void serial_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, 1);          /* divisor 1 = 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_8N1);
    outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
    while (!(inb(COM1 + REG_LSR) & LSR_TX_EMPTY))
        ;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

bool serial_rx_ready(void) { return inb(COM1 + REG_LSR) & LSR_RX_READY; }

char serial_getc(void) { return (char)inb(COM1 + REG_DATA); }

void serial_enable_rx_irq(void) { outb(COM1 + REG_IER, IER_RX_AVAILABLE); }
