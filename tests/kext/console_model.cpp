/*
 * console_model.cpp — see console_model.hpp.  The __wrap_* functions are what the shell's calls to
 * vcon_* resolve to in the test binary; with the model off they pass straight on to core/
 * (__real_*).
 */
#include <stdio.h>

#include "console_model.hpp"
#include "fake_world.hpp"

extern "C" {
#include "../../core/console/vconsole.h"
}

namespace vconModel {
namespace {

const uint32_t kPorts = 4;          /* what the device serves (vcon_port_count) */

struct Port {
    bool present = false, hostOpen = false, guestOpen = false;
    std::string name;
    std::vector<uint8_t> rx, tx;    /* host -> guest not yet read; guest -> host */
};

struct State {
    bool on = false, open = false, broken = false;
    int openStatus = VGPU_OK, nextStatus = VGPU_OK;
    unsigned opens = 0;
    uint64_t calls = 0;
    Port port[kPorts];
};

State *s = new State;
/* The handle the model gives out: never dereferenced, only compared. */
struct vcon_dev *const kDev = reinterpret_cast<struct vcon_dev *>(&s);

void enter(struct vcon_dev *dev)
{
    s->calls++;
    if (fake::gateDepth() == 0)
        fake::violation("console core called outside the command gate");
    if (dev != kDev || !s->open)
        fake::violation("console core called with a device that is not open");
}

/* An injected status, else a broken device's, else VGPU_OK. */
int deviceCall(struct vcon_dev *dev)
{
    enter(dev);
    int st = s->nextStatus;
    s->nextStatus = VGPU_OK;
    if (st == VGPU_OK && s->broken)
        st = VGPU_E_BROKEN;
    return st;
}

/* A port call also needs an announced port, and for I/O one the guest opened (vcon_port.c). */
int portCall(struct vcon_dev *dev, uint32_t id, bool wantGuestOpen)
{
    int st = deviceCall(dev);
    if (st != VGPU_OK)
        return st;
    if (id >= kPorts || !s->port[id].present)
        return VGPU_E_INVAL;
    return wantGuestOpen && !s->port[id].guestOpen ? VGPU_E_INVAL : VGPU_OK;
}

}  // namespace

void reset()
{
    delete s;
    s = new State;
}

void enable(bool on) { s->on = on; }

void addPort(uint32_t id, const char *name, bool hostOpen)
{
    s->port[id].present = true;
    s->port[id].name = name;
    s->port[id].hostOpen = hostOpen;
}

void hostSends(uint32_t id, const std::vector<uint8_t> &bytes)
{
    s->port[id].rx.insert(s->port[id].rx.end(), bytes.begin(), bytes.end());
}

const std::vector<uint8_t> &hostReceived(uint32_t id) { return s->port[id].tx; }
void failOpen(int status) { s->openStatus = status; }
void failNext(int status) { s->nextStatus = status; }
void breakDevice() { s->broken = true; }
bool deviceOpen() { return s->open; }
bool guestOpen(uint32_t id) { return s->port[id].guestOpen; }
unsigned opens() { return s->opens; }
uint64_t calls() { return s->calls; }

}  // namespace vconModel

using namespace vconModel;

extern "C" {

int __real_vcon_open(void *os, const struct vcon_params *params, struct vcon_dev **out);
void __real_vcon_close(struct vcon_dev *dev);
uint32_t __real_vcon_intx_status(struct vcon_dev *dev);
uint32_t __real_vcon_msix_causes(const struct vcon_dev *dev, unsigned vector);
void __real_vcon_handle_interrupt(struct vcon_dev *dev, uint32_t causes);
void __real_vcon_poll(struct vcon_dev *dev);
bool __real_vcon_needs_reset(const struct vcon_dev *dev);
uint32_t __real_vcon_port_count(const struct vcon_dev *dev);
int __real_vcon_port_info(const struct vcon_dev *dev, uint32_t id, struct vcon_port_info *out);
int __real_vcon_find_port(struct vcon_dev *dev, const char *name, uint32_t timeout_ms, uint32_t *id);
int __real_vcon_port_open(struct vcon_dev *dev, uint32_t id);
int __real_vcon_port_close(struct vcon_dev *dev, uint32_t id);
int __real_vcon_read(struct vcon_dev *dev, uint32_t id, void *buf, size_t max, size_t *got);
int __real_vcon_write(struct vcon_dev *dev, uint32_t id, const void *buf, size_t len);

int __wrap_vcon_open(void *os, const struct vcon_params *params, struct vcon_dev **out)
{
    if (!s->on)
        return __real_vcon_open(os, params, out);
    s->calls++;
    if (fake::gateDepth() == 0)
        fake::violation("console core called outside the command gate");
    if (s->open)
        fake::violation("vcon_open on a device that is already open");
    if (!os || !params || !out)
        return VGPU_E_INVAL;
    if (s->openStatus != VGPU_OK)
        return s->openStatus;
    s->open = true;
    s->opens++;
    *out = kDev;
    return VGPU_OK;
}

/* Closes the guest's ports and resets the device: everything received is gone. */
void __wrap_vcon_close(struct vcon_dev *dev)
{
    if (!s->on)
        return __real_vcon_close(dev);
    enter(dev);
    for (Port &p : s->port) {
        p.guestOpen = false;
        p.rx.clear();
    }
    s->open = false;
}

uint32_t __wrap_vcon_intx_status(struct vcon_dev *dev)
{
    return s->on ? 0 : __real_vcon_intx_status(dev);
}

uint32_t __wrap_vcon_msix_causes(const struct vcon_dev *dev, unsigned vector)
{
    if (!s->on)
        return __real_vcon_msix_causes(dev, vector);
    enter(const_cast<struct vcon_dev *>(dev));
    return 0;
}

void __wrap_vcon_handle_interrupt(struct vcon_dev *dev, uint32_t causes)
{
    if (!s->on)
        return __real_vcon_handle_interrupt(dev, causes);
    enter(dev);
}

void __wrap_vcon_poll(struct vcon_dev *dev)
{
    if (!s->on)
        return __real_vcon_poll(dev);
    enter(dev);
}

bool __wrap_vcon_needs_reset(const struct vcon_dev *dev)
{
    if (!s->on)
        return __real_vcon_needs_reset(dev);
    enter(const_cast<struct vcon_dev *>(dev));
    return s->broken;
}

uint32_t __wrap_vcon_port_count(const struct vcon_dev *dev)
{
    if (!s->on)
        return __real_vcon_port_count(dev);
    s->calls++;   /* fixed at open (vcon_ports_init): the shell may read it outside the gate */
    if (dev != kDev || !s->open)
        fake::violation("console core called with a device that is not open");
    return kPorts;
}

int __wrap_vcon_port_info(const struct vcon_dev *dev, uint32_t id, struct vcon_port_info *out)
{
    if (!s->on)
        return __real_vcon_port_info(dev, id, out);
    enter(const_cast<struct vcon_dev *>(dev));
    if (id >= kPorts)
        return VGPU_E_INVAL;
    const Port &p = s->port[id];
    memset(out, 0, sizeof(*out));
    out->present = p.present;
    out->host_open = p.hostOpen;
    out->guest_open = p.guestOpen;
    out->rx_pending = (uint32_t)p.rx.size();
    snprintf(out->name, sizeof(out->name), "%s", p.name.c_str());
    return VGPU_OK;
}

/* Never waits: a port that is not announced now is not going to be (VGPU_E_TIMEOUT). */
int __wrap_vcon_find_port(struct vcon_dev *dev, const char *name, uint32_t timeout_ms, uint32_t *id)
{
    if (!s->on)
        return __real_vcon_find_port(dev, name, timeout_ms, id);
    int st = deviceCall(dev);
    if (st != VGPU_OK)
        return st;
    if (!name || !*name)
        return VGPU_E_INVAL;
    for (uint32_t i = 0; i < kPorts; i++) {
        if (s->port[i].present && s->port[i].name == name) {
            *id = i;
            return VGPU_OK;
        }
    }
    return VGPU_E_TIMEOUT;
}

int __wrap_vcon_port_open(struct vcon_dev *dev, uint32_t id)
{
    if (!s->on)
        return __real_vcon_port_open(dev, id);
    int st = portCall(dev, id, false);
    if (st == VGPU_OK && s->port[id].guestOpen)
        st = VGPU_E_INVAL;                    /* opening an open port is an error */
    if (st == VGPU_OK)
        s->port[id].guestOpen = true;
    return st;
}

int __wrap_vcon_port_close(struct vcon_dev *dev, uint32_t id)
{
    if (!s->on)
        return __real_vcon_port_close(dev, id);
    int st = portCall(dev, id, true);
    if (st == VGPU_OK) {
        s->port[id].guestOpen = false;
        s->port[id].rx.clear();               /* bytes nobody read are dropped */
    }
    return st;
}

int __wrap_vcon_read(struct vcon_dev *dev, uint32_t id, void *buf, size_t max, size_t *got)
{
    if (!s->on)
        return __real_vcon_read(dev, id, buf, max, got);
    *got = 0;
    int st = portCall(dev, id, true);
    if (st != VGPU_OK)
        return st;
    std::vector<uint8_t> &rx = s->port[id].rx;
    *got = rx.size() < max ? rx.size() : max;
    if (*got)
        memcpy(buf, rx.data(), *got);
    rx.erase(rx.begin(), rx.begin() + (long)*got);
    return VGPU_OK;
}

int __wrap_vcon_write(struct vcon_dev *dev, uint32_t id, const void *buf, size_t len)
{
    if (!s->on)
        return __real_vcon_write(dev, id, buf, len);
    int st = portCall(dev, id, true);
    if (st != VGPU_OK)
        return st;
    const uint8_t *p = static_cast<const uint8_t *>(buf);
    s->port[id].tx.insert(s->port[id].tx.end(), p, p + len);
    return VGPU_OK;
}

}  // extern "C"
