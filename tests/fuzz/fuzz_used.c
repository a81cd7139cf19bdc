/*
 * fuzz_used.c — libFuzzer target: hostile used rings.
 * Tape: the interrupt mode, then per completed chain its timing (delay, never, lost interrupt:
 * dev_ring.c run_and_schedule) and its used entry (id, length, duplicates, index jumps: push_used).
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
    session_begin(FZ_SCRIPT_USED | FZ_SCRIPT_TIMING);
    session_fixed((enum vgpu_irq_mode)(tape_u8() % 3));
    session_end();
    return 0;
}
