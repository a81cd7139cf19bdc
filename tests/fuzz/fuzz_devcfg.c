/*
 * fuzz_devcfg.c — libFuzzer target: hostile transport and device configuration.
 * Tape: the device's creation-time decisions (dev_transport.c: reset/status/vector quirks, offered
 * features, queue count, sizes and notify offsets, vectors, num_scanouts, pending events, display
 * sizes), then the interrupt mode of the session.
 * Built and run by mk/fuzz.mk (make fuzz, make fuzz-smoke); the tape format is in fuzz_tape.h and
 * the meaning of each decision next to the FZ_SCRIPT_* code in the device model (dev_*.c).
 */
#include "fuzz_dev.h"
#include "fuzz_tape.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tape_load(data, size);
    session_begin(FZ_SCRIPT_TRANSPORT);
    session_fixed((enum vgpu_irq_mode)(tape_u8() % 3));
    session_end();
    return 0;
}
