/*
 * fuzz_pci.c — libFuzzer target: a hostile PCI configuration space.
 * Tape: 256 bytes of configuration space (capability list, vendor capabilities), then one byte
 * per BAR size (dev_pci.c); the device behind the windows stays honest.  The driver must refuse
 * what it cannot use without touching memory outside a BAR, and work with whatever it accepts.
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
    session_begin(FZ_SCRIPT_PCI);
    session_fixed(VGPU_IRQ_INTX);
    session_end();
    return 0;
}
