/*
 * console_model.hpp — a model of the console core's API (core/console/vconsole.h) for the console driver's
 * tests.
 *
 * The software device (sim/) is a virtio-gpu only, so the real console core finds no console to
 * open.  The test binary is linked with --wrap for every vcon_* call the shell makes (mk/macos.mk,
 * KEXT_TEST_WRAP): while the model is on, those calls land here; off, they reach core/.  The model
 * keeps the contract vconsole.h and core/console/vcon_port.c state: ports announced by the host, open once
 * by the guest, reads that never block, writes to open ports only, a broken device failing every
 * call with VGPU_E_BROKEN.  The real core is tested on QEMU's virtio-serial in tests/e2e_clip and
 * its control protocol in tests/unit/test_vconsole.c.
 *
 * Every call except vcon_intx_status (a primary interrupt filter's) and vcon_port_count (a number
 * fixed at open) must come from inside a command gate; one that does not is a fake-kernel violation.
 */
#ifndef KEXT_TEST_CONSOLE_MODEL_HPP
#define KEXT_TEST_CONSOLE_MODEL_HPP

#include <stdint.h>

#include <string>
#include <vector>

namespace vconModel {

void reset();                       /* off, no device, no ports */
void enable(bool on);               /* on: the shell's vcon_* calls come here */

/* The host's side. */
void addPort(uint32_t id, const char *name, bool hostOpen);   /* PORT_ADD + PORT_NAME (+ PORT_OPEN) */
void hostSends(uint32_t id, const std::vector<uint8_t> &bytes);
const std::vector<uint8_t> &hostReceived(uint32_t id);       /* what the guest wrote to the port */
void failOpen(int status);          /* vcon_open fails with this status (VGPU_OK: it works) */
void failNext(int status);          /* the next port call (find, open, read, write) returns this */
void breakDevice();                 /* a broken ring: every call VGPU_E_BROKEN, needs_reset true */

/* What the guest did. */
bool deviceOpen();                  /* vcon_open succeeded and vcon_close has not run */
bool guestOpen(uint32_t id);        /* PORT_OPEN 1 sent and not 0 since */
unsigned opens();                   /* successful vcon_open calls */
uint64_t calls();                   /* calls that reached the model */

}  // namespace vconModel

#endif /* KEXT_TEST_CONSOLE_MODEL_HPP */
