/* serial.h — COM1 (0x3F8), 115200 8N1: the guest's console and command channel. */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#include <stdbool.h>

void serial_init(void);
void serial_putc(char c);
void serial_puts(const char *s);
bool serial_rx_ready(void);
char serial_getc(void);            /* only after serial_rx_ready() */
void serial_enable_rx_irq(void);   /* raise IRQ 4 when a byte arrives (wakes HLT) */

#endif /* GUEST_SERIAL_H */
