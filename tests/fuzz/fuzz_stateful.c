/*
 * fuzz_stateful.c — libFuzzer target: a random host life against a random device.
 * Tape: u16 N, then N bytes of device decisions (timing, used entries, responses: taken as
 * commands complete), then the steps (session_script.c step: how to open, then up to 48 public
 * calls, host reactions, allocation failures, device events such as display changes, NEEDS_RESET).
 * Every run ends with vgpu_close and every allocation returned.
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
    session_begin(FZ_SCRIPT_USED | FZ_SCRIPT_RESP | FZ_SCRIPT_TIMING);
    session_random();
    session_end();
    return 0;
}
