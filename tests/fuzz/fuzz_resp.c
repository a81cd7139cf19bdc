/*
 * fuzz_resp.c — libFuzzer target: hostile responses.
 * Tape: the interrupt mode, then per control command one decision (dev_gpu.c bend: error types,
 * wrong types, short lengths, bad fences, custom display info and EDID payloads).
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
    session_begin(FZ_SCRIPT_RESP);
    session_fixed((enum vgpu_irq_mode)(tape_u8() % 3));
    session_end();
    return 0;
}
