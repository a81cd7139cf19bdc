/*
 * test_privilege.cpp — who may open the 3D user client: root processes only
 * (kIOClientPrivilegeAdministrator), whoever sits at the screen.  And the stand-in's
 * clientHasPrivilege itself, held to xnu's rule (fake_userclient.cpp cites it), since the driver's
 * tests are only as good as that witness.  The console's rule is tested in test_console.cpp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

extern "C" {
#include <cmocka.h>
}

#include "VirtioGPUUserClient.hpp"
#include "rig.hpp"

static Rig *rig(void **state) { return static_cast<Rig *>(*state); }

/* The console session of uid 501, with uid 502's session switched out (fast user switching). */
static void twoSessions(void)
{
    fake::setConsoleUsers({ { 501, true }, { 502, false } });
}

static int setup(void **state)
{
    fake::setConsoleUsers({});
    return rigTestSetup(state);
}

static int teardown(void **state)
{
    fake::setConsoleUsers({});
    return rigTestTeardown(state);
}

static void stand_in_privileges_follow_xnu(void **state)
{
    (void)state;
    struct fake_task root = { 0 }, atScreen = { 501 }, switchedOut = { 502 }, noSession = { 503 };
    twoSessions();
    const char *kConsole = "console";   /* IOKitKeysPrivate.h */
    /* "root": effective uid 0, and nothing else counts (not a session, not the admin group). */
    assert_int_equal(IOUserClient::clientHasPrivilege(&root, kIOClientPrivilegeAdministrator), kIOReturnSuccess);
    assert_int_equal(IOUserClient::clientHasPrivilege(&atScreen, kIOClientPrivilegeAdministrator), kIOReturnNotPrivileged);
    /* "local": a login session of the uid, on the console or not. */
    assert_int_equal(IOUserClient::clientHasPrivilege(&atScreen, kIOClientPrivilegeLocalUser), kIOReturnSuccess);
    assert_int_equal(IOUserClient::clientHasPrivilege(&switchedOut, kIOClientPrivilegeLocalUser), kIOReturnSuccess);
    assert_int_equal(IOUserClient::clientHasPrivilege(&noSession, kIOClientPrivilegeLocalUser), kIOReturnNotPrivileged);
    /* "console": the uid's session is the one on the console; root without a session is not. */
    assert_int_equal(IOUserClient::clientHasPrivilege(&atScreen, kConsole), kIOReturnSuccess);
    assert_int_equal(IOUserClient::clientHasPrivilege(&switchedOut, kConsole), kIOReturnNotPrivileged);
    assert_int_equal(IOUserClient::clientHasPrivilege(&noSession, kConsole), kIOReturnNotPrivileged);
    assert_int_equal(IOUserClient::clientHasPrivilege(&root, kConsole), kIOReturnNotPrivileged);
    /* Names xnu does not know, and no task at all (task_info fails: KERN_INVALID_ARGUMENT). */
    assert_int_equal(IOUserClient::clientHasPrivilege(&root, "admin"), kIOReturnUnsupported);
    assert_int_equal(IOUserClient::clientHasPrivilege(NULL, kIOClientPrivilegeAdministrator), 4);
    /* Nobody logged in (loginwindow): no one is the console user. */
    fake::setConsoleUsers({});
    assert_int_equal(IOUserClient::clientHasPrivilege(&atScreen, kConsole), kIOReturnNotPrivileged);
}

/* Even the user at the screen is refused, before anything is counted or allocated: 17 refusals
 * leave all 16 client slots to root. */
static void three_d_is_refused_to_processes_that_are_not_root(void **state)
{
    Rig *r = rig(state);
    struct fake_task atScreen = { 501 }, switchedOut = { 502 };
    twoSessions();
    assert_true(rigBoot(r));
    size_t clients = r->dev->fakeClients.size();
    long objects = fake::liveObjects();
    for (int i = 0; i < 17; i++) {
        IOUserClient *c = (IOUserClient *)0x1;
        assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &c, i % 2 ? &atScreen : &switchedOut),
                         kIOReturnNotPrivileged);
        assert_null(c);
    }
    assert_int_equal(r->dev->fakeClients.size(), clients);
    assert_int_equal(fake::liveObjects(), objects);
    std::vector<IOUserClient *> open;
    for (int i = 0; i < 16; i++) {
        IOUserClient *c = NULL;
        assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &c), kIOReturnSuccess);
        open.push_back(c);
    }
    for (IOUserClient *c : open)
        fake::serviceClose(c);
}

/* Root needs no login session: a tool run with sudo over ssh, or a daemon. */
static void three_d_opens_for_root_with_nobody_logged_in(void **state)
{
    Rig *r = rig(state);
    struct fake_task root = { 0 };
    assert_true(rigBoot(r));
    IOUserClient *c = NULL;
    assert_int_equal(fake::serviceOpen(r->dev, kVgpuUcConnectType, &c, &root), kIOReturnSuccess);
    assert_non_null(c);
    fake::serviceClose(c);
}

int runPrivilegeTests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stand_in_privileges_follow_xnu),
        cmocka_unit_test_setup_teardown(three_d_is_refused_to_processes_that_are_not_root, setup, teardown),
        cmocka_unit_test_setup_teardown(three_d_opens_for_root_with_nobody_logged_in, setup, teardown),
    };
    return cmocka_run_group_tests_name("kext privileges", tests, NULL, NULL);
}
