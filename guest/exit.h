/*
 * exit.h — leaving QEMU through isa-debug-exit (iobase 0xf4): QEMU exits with status
 * (code << 1) | 1, so no guest exit can look like a triple fault or QMP quit (status 0).
 */
#ifndef GUEST_EXIT_H
#define GUEST_EXIT_H

#include <stdint.h>

#define GUEST_EXIT_SCRIPT_ERR 0x7D   /* status 251: a command in the boot script failed */
#define GUEST_EXIT_NODEV      0x7E   /* status 253: boot failed (no GPU, bad boot info, ...) */
#define GUEST_EXIT_PANIC      0x7F   /* status 255: CPU exception or internal error */

__attribute__((noreturn)) void guest_exit(uint32_t code);

#endif /* GUEST_EXIT_H */
