/*
 * core3d_model.hpp — a model of the core's 3D API (core/gpu3d/vgpu3d.h) for the user client's tests.
 *
 * The software device has no 3D, so the real core can only answer "unsupported".  To drive the
 * user client's success paths, the test binary is linked with --wrap for every vgpu3d_* call the
 * shell makes (mk/macos.mk, KEXT_TEST_WRAP): while the model is on, those calls land here instead
 * of in core/.  The model keeps the contract vgpu3d.h states — ids it handed out and nothing else,
 * attachments, fences per context, capset sizes, a reset forgets everything — and reaches guest
 * memory only through the device segments it is given (fake::dmaMap), so a wrong segment list
 * shows.  The real 3D core is tested against QEMU's virtio-gpu-gl in tests/e2e3d.
 *
 * Every call must come from inside a command gate; one that does not is a fake-kernel violation.
 */
#ifndef KEXT_TEST_CORE3D_MODEL_HPP
#define KEXT_TEST_CORE3D_MODEL_HPP

#include <stdint.h>

#include <string>
#include <vector>

namespace model3d {

enum { kCapsetVirgl = 1, kCapsetVirgl2 = 2 };
const uint32_t kCapsetSize[3] = { 0, 308, 5000 };   /* by id; 5000 needs an out-of-line reply */

struct Config {
    uint32_t fenceDelayMs = 0;      /* a fence completes this long after it was queued */
    bool     unsettledDestroy = false;   /* resource destroy: the device never answers (BROKEN) */
};

void reset();                       /* off, empty, default config */
void enable(bool on);               /* on: the shell's vgpu3d_* calls come here */
Config &config();

/* What the host holds. */
unsigned liveContexts();
unsigned liveResources();
bool     hasContext(uint32_t id);
bool     hasResource(uint32_t id);
std::string contextName(uint32_t id);
bool     attached(uint32_t ctx, uint32_t res);
const std::vector<uint8_t> &lastStream();     /* the bytes of the last submit, read via its segments */
const std::vector<uint8_t> &lastUpload();     /* texels of the last transfer to the host */
uint64_t calls();                   /* 3D calls that reached the model */

/* Expected contents, independent of the code under test. */
uint8_t  capsetByte(uint32_t id, uint32_t i);
uint32_t hostTexel(uint32_t res, uint32_t x, uint32_t y);   /* what a transfer from the host writes */

/* The device writes late into backing it was never seen to let go of (unsettledDestroy):
 * returns how many bytes still reached memory that is mapped for it. */
uint64_t writeIntoUnsettled(uint8_t value);

}  // namespace model3d

#endif /* KEXT_TEST_CORE3D_MODEL_HPP */
