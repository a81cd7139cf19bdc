/*
 * test_console.cpp — the virtio-console driver (macos/VirtioConsole.cpp, unchanged) on the
 * stand-in IOKit: start and stop on a PCI function, who may open its user client, ports opened,
 * read and written through IOConnectCallMethod as the clipboard agent does, arguments refused
 * before the core, and device errors as user space sees them.
 *
 * The console core is modelled (console_model.hpp: the software device is a GPU); the PCI side is
 * the software device's, so the plumbing's work (PCI open, bus mastering, interrupts) is checked
 * by the rig's finish like the GPU's: nothing leaked, the function closed and quiet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

extern "C" {
#include <cmocka.h>
}

#include "VirtioConsole.hpp"
#include "console_model.hpp"
#include "rig.hpp"

static const char kSpice[] = "com.redhat.spice.0";   /* QEMU's clipboard port (agent/macos) */
static const uint32_t kSpicePort = 1;

/* The rig's PCI function and software device carry the console driver instead of the GPU's. */
struct ConsoleRig {
    Rig rig;
    VirtioConsoleDevice *dev = NULL;
    bool started = false;
};

static ConsoleRig *crig(void **state) { return static_cast<ConsoleRig *>(*state); }

static struct fake_task gAtScreen = { 501 };   /* the user whose session is on the console */

static int setup(void **state)
{
    ConsoleRig *c = new ConsoleRig;
    rigInit(&c->rig);
    vconModel::reset();
    vconModel::enable(true);
    vconModel::addPort(0, "org.qemu.guest_agent.0", true);
    vconModel::addPort(kSpicePort, kSpice, true);
    fake::setConsoleUsers({ { gAtScreen.uid, true } });
    *state = c;
    return 0;
}

static bool conBoot(ConsoleRig *c)
{
    rigMakeDevice(&c->rig);
    c->dev = OSTypeAlloc(VirtioConsoleDevice);
    c->started = rigStartDriver(&c->rig, c->dev);
    return c->started;
}

static void conTerminate(ConsoleRig *c)
{
    if (c->started)
        c->dev->terminate();   /* user clients stop first, then the driver */
    c->started = false;
}

/* The rig's finish (PCI closed and quiet, nothing leaked) plus the console core closed. */
static int teardown(void **state)
{
    ConsoleRig *c = crig(state);
    unsigned problems = 0;
    conTerminate(c);
    if (c->dev && c->dev->getRetainCount() != 1) {
        fprintf(stderr, "console: the driver is still referenced after termination\n");
        problems++;
    }
    OSSafeReleaseNULL(c->dev);
    if (vconModel::deviceOpen()) {
        fprintf(stderr, "console: the core was never closed\n");
        problems++;
    }
    problems += rigFinish(&c->rig);
    vconModel::reset();
    fake::setConsoleUsers({});
    delete c;
    return problems ? -1 : 0;
}

/* ---- user space's side, as agent/macos/clipagent.c calls it ---- */

static IOUserClient *openClient(ConsoleRig *c, task_t task = &gAtScreen)
{
    IOUserClient *uc = NULL;
    assert_int_equal(fake::serviceOpen(c->dev, kVconUcConnectType, &uc, task), kIOReturnSuccess);
    assert_non_null(uc);
    return uc;
}

static IOReturn openPort(IOUserClient *uc, const void *name, size_t len, uint64_t *id = NULL)
{
    fake::MethodCall m;
    m.structIn.assign(static_cast<const uint8_t *>(name), static_cast<const uint8_t *>(name) + len);
    m.scalarsOutCount = 1;
    IOReturn ret = fake::callMethod(uc, kVconUcOpenPort, &m);
    if (ret == kIOReturnSuccess && id)
        *id = m.scalarsOut.at(0);
    return ret;
}

static IOReturn readPort(IOUserClient *uc, size_t capacity, std::vector<uint8_t> *out)
{
    fake::MethodCall m;
    m.structOutCapacity = capacity;
    IOReturn ret = fake::callMethod(uc, kVconUcRead, &m);
    *out = m.structOut;
    return ret;
}

static IOReturn writePort(IOUserClient *uc, const std::vector<uint8_t> &bytes)
{
    fake::MethodCall m;
    m.structIn = bytes;
    return fake::callMethod(uc, kVconUcWrite, &m);
}

static IOReturn status(IOUserClient *uc, std::vector<uint64_t> *out)
{
    fake::MethodCall m;
    m.scalarsOutCount = 3;
    IOReturn ret = fake::callMethod(uc, kVconUcStatus, &m);
    *out = m.scalarsOut;
    return ret;
}

static IOUserClient *openSpice(ConsoleRig *c)
{
    IOUserClient *uc = openClient(c);
    uint64_t id = 99;
    assert_int_equal(openPort(uc, kSpice, strlen(kSpice), &id), kIOReturnSuccess);
    assert_int_equal(id, kSpicePort);
    assert_true(vconModel::guestOpen(kSpicePort));
    return uc;
}

static std::vector<uint8_t> bytes(size_t n, uint8_t seed)
{
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i++)
        v[i] = (uint8_t)(i * 7 + seed);
    return v;
}

/* ---- start and stop ---- */

static void start_opens_the_core_and_stop_releases_everything(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    assert_true(vconModel::deviceOpen());
    assert_true(fake::logContains("console up: 4 ports, MSI-X interrupts"));
    assert_true(c->rig.pci->fakeOpenedBy == c->dev);
    conTerminate(c);
    assert_false(vconModel::deviceOpen());
    assert_null(c->rig.pci->fakeOpenedBy);
}

static void start_fails_cleanly_when_the_core_cannot_open(void **state)
{
    ConsoleRig *c = crig(state);
    vconModel::failOpen(VGPU_E_TIMEOUT);
    assert_false(conBoot(c));
    assert_true(fake::logContains("console bring-up failed: "));
    assert_false(vconModel::deviceOpen());
    assert_null(c->rig.pci->fakeOpenedBy);
}

/* With the real core: the software device is a GPU (1AF4:1050), not a console. */
static void start_fails_cleanly_on_a_function_that_is_not_a_console(void **state)
{
    ConsoleRig *c = crig(state);
    vconModel::enable(false);
    c->rig.offerMsi = false;
    assert_false(conBoot(c));
    assert_true(fake::logContains("not a modern virtio function 1af4:1043"));
    assert_int_equal(vconModel::calls(), 0);
}

/* ---- who may open ---- */

/* Root (a daemon), a switched-out session, a uid with no session: refused, nothing created. */
static void clipboard_is_refused_to_all_but_the_console_user(void **state)
{
    ConsoleRig *c = crig(state);
    struct fake_task root = { 0 }, switchedOut = { 502 }, noSession = { 503 };
    fake::setConsoleUsers({ { gAtScreen.uid, true }, { switchedOut.uid, false } });
    assert_true(conBoot(c));
    long objects = fake::liveObjects();
    uint64_t calls = vconModel::calls();
    for (task_t t : { &root, &switchedOut, &noSession }) {
        IOUserClient *uc = (IOUserClient *)0x1;
        assert_int_equal(fake::serviceOpen(c->dev, kVconUcConnectType, &uc, t), kIOReturnNotPrivileged);
        assert_null(uc);
    }
    /* At the login window nobody is the console user, not even the last one. */
    fake::setConsoleUsers({});
    IOUserClient *uc = (IOUserClient *)0x1;
    assert_int_equal(fake::serviceOpen(c->dev, kVconUcConnectType, &uc, &gAtScreen), kIOReturnNotPrivileged);
    assert_null(uc);
    assert_true(c->dev->fakeClients.empty());
    assert_int_equal(fake::liveObjects(), objects);
    assert_int_equal(vconModel::calls(), calls);
}

static void clipboard_opens_for_the_console_user(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    IOUserClient *uc = openSpice(c);
    fake::serviceClose(uc);
    assert_false(vconModel::guestOpen(kSpicePort));
}

/* ---- ports ---- */

static void a_port_reads_and_writes_what_the_host_sends_and_gets(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    IOUserClient *uc = openSpice(c);
    std::vector<uint8_t> got, out;
    std::vector<uint64_t> st;
    assert_int_equal(readPort(uc, 4096, &got), kIOReturnSuccess);   /* nothing yet: never blocks */
    assert_true(got.empty());
    vconModel::hostSends(kSpicePort, bytes(5000, 1));
    assert_int_equal(status(uc, &st), kIOReturnSuccess);
    assert_true(st == (std::vector<uint64_t>{ 1, 5000, 0 }));
    assert_int_equal(readPort(uc, 4096, &got), kIOReturnSuccess);   /* at most 4096 a call */
    assert_int_equal(readPort(uc, 4096, &out), kIOReturnSuccess);
    got.insert(got.end(), out.begin(), out.end());
    assert_true(got == bytes(5000, 1));
    out = bytes(4096, 2);
    assert_int_equal(writePort(uc, out), kIOReturnSuccess);
    assert_int_equal(writePort(uc, { 'x' }), kIOReturnSuccess);
    out.push_back('x');
    assert_true(vconModel::hostReceived(kSpicePort) == out);
    fake::serviceClose(uc);
}

/* One port per client, one client per port; a closed or dead client frees its port. */
static void ports_are_exclusive_until_their_client_goes(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    IOUserClient *first = openSpice(c);
    IOUserClient *second = openClient(c);
    assert_int_equal(openPort(first, "org.qemu.guest_agent.0", 22), kIOReturnBusy);
    assert_int_equal(openPort(second, kSpice, strlen(kSpice)), kIOReturnBusy);
    fake::serviceClose(first);
    uint64_t id = 99;
    assert_int_equal(openPort(second, kSpice, strlen(kSpice), &id), kIOReturnSuccess);
    assert_int_equal(id, kSpicePort);
    second->clientDied();   /* the agent crashed */
    second->release();
    assert_false(vconModel::guestOpen(kSpicePort));
    IOUserClient *third = openSpice(c);
    fake::serviceClose(third);
}

/* Shapes IOKit refuses, and values the driver refuses, before any core call. */
static void bad_arguments_never_reach_the_core(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    for (UInt32 type : { 1u, 0xFFFFFFFFu }) {
        IOUserClient *uc = (IOUserClient *)0x1;
        assert_int_equal(fake::serviceOpen(c->dev, type, &uc, &gAtScreen), kIOReturnBadArgument);
        assert_null(uc);
    }
    IOUserClient *uc = openClient(c);
    uint64_t calls = vconModel::calls();
    std::vector<uint8_t> got;
    std::vector<uint64_t> st;
    /* No port yet. */
    assert_int_equal(readPort(uc, 16, &got), kIOReturnNotReady);
    assert_int_equal(writePort(uc, { 1 }), kIOReturnNotReady);
    assert_int_equal(status(uc, &st), kIOReturnNotReady);
    /* Names: none, longer than 127 bytes, or out of line. */
    std::vector<uint8_t> longName(128, 'n');
    assert_int_equal(openPort(uc, "", 0), kIOReturnBadArgument);
    assert_int_equal(openPort(uc, longName.data(), longName.size()), kIOReturnBadArgument);
    std::vector<uint8_t> oolName(5000, 'n');
    assert_int_equal(openPort(uc, oolName.data(), oolName.size()), kIOReturnBadArgument);
    /* Selectors and shapes. */
    fake::MethodCall m;
    assert_int_equal(fake::callMethod(uc, kVconUcSelectorCount, &m), kIOReturnBadArgument);
    m.scalarsIn = { 1 };
    assert_int_equal(fake::callMethod(uc, kVconUcRead, &m), kIOReturnBadArgument);
    assert_int_equal(vconModel::calls(), calls);
    /* A name that is not announced: the core's answer (it waited), as a timeout. */
    assert_int_equal(openPort(uc, longName.data(), 127), kIOReturnTimeout);
    /* With the port open: empty and oversized writes, an out-of-line read. */
    assert_int_equal(openPort(uc, kSpice, strlen(kSpice)), kIOReturnSuccess);
    assert_int_equal(openPort(uc, kSpice, strlen(kSpice)), kIOReturnBusy);   /* one port a client */
    calls = vconModel::calls();
    assert_int_equal(writePort(uc, {}), kIOReturnBadArgument);
    assert_int_equal(writePort(uc, bytes(4097, 3)), kIOReturnBadArgument);
    assert_int_equal(readPort(uc, 8192, &got), kIOReturnBadArgument);
    assert_int_equal(vconModel::calls(), calls);
    assert_true(vconModel::hostReceived(kSpicePort).empty());
    fake::serviceClose(uc);
}

/* ---- device errors ---- */

static void device_errors_reach_user_space_and_the_port_still_closes(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    IOUserClient *uc = openSpice(c);
    std::vector<uint8_t> got;
    std::vector<uint64_t> st;
    vconModel::failNext(VGPU_E_TIMEOUT);                      /* no transmit buffer came back */
    assert_int_equal(writePort(uc, { 1, 2 }), kIOReturnTimeout);
    vconModel::failNext(VGPU_E_NOMEM);
    assert_int_equal(readPort(uc, 16, &got), kIOReturnNoMemory);
    vconModel::breakDevice();                                 /* a broken ring */
    assert_int_equal(readPort(uc, 16, &got), kIOReturnIOError);
    assert_true(got.empty());
    assert_int_equal(writePort(uc, { 1 }), kIOReturnIOError);
    assert_int_equal(status(uc, &st), kIOReturnSuccess);
    assert_int_equal(st.at(2), 1);                            /* needs a reset: reopen */
    assert_true(vconModel::hostReceived(kSpicePort).empty());
    fake::serviceClose(uc);
}

/* The driver stops under an open client: the port is closed before the core, calls then fail. */
static void stop_under_an_open_client_closes_its_port_first(void **state)
{
    ConsoleRig *c = crig(state);
    assert_true(conBoot(c));
    IOUserClient *uc = openSpice(c);
    conTerminate(c);
    assert_false(vconModel::deviceOpen());
    std::vector<uint8_t> got;
    assert_int_equal(readPort(uc, 16, &got), kIOReturnNotAttached);
    assert_int_equal(writePort(uc, { 1 }), kIOReturnNotAttached);
    fake::serviceClose(uc);
    IOUserClient *late = (IOUserClient *)0x1;
    assert_int_equal(fake::serviceOpen(c->dev, kVconUcConnectType, &late, &gAtScreen), kIOReturnNotReady);
    assert_null(late);
}

#define CONSOLE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int runConsoleTests(void)
{
    const struct CMUnitTest tests[] = {
        CONSOLE_TEST(start_opens_the_core_and_stop_releases_everything),
        CONSOLE_TEST(start_fails_cleanly_when_the_core_cannot_open),
        CONSOLE_TEST(start_fails_cleanly_on_a_function_that_is_not_a_console),
        CONSOLE_TEST(clipboard_is_refused_to_all_but_the_console_user),
        CONSOLE_TEST(clipboard_opens_for_the_console_user),
        CONSOLE_TEST(a_port_reads_and_writes_what_the_host_sends_and_gets),
        CONSOLE_TEST(ports_are_exclusive_until_their_client_goes),
        CONSOLE_TEST(bad_arguments_never_reach_the_core),
        CONSOLE_TEST(device_errors_reach_user_space_and_the_port_still_closes),
        CONSOLE_TEST(stop_under_an_open_client_closes_its_port_first),
    };
    return cmocka_run_group_tests_name("kext console", tests, NULL, NULL);
}
