/*
 * test_follow_logic.c — the display agent's policy (agent/follow_logic.h): coalescing a burst of
 * host sizes into one switch, the choice among duplicate (HiDPI) modes, the user's own choice,
 * several displays, and sizes no mode offers.  Times are written out in ms here, so the rules'
 * constants (250 ms settle, 1 s bound) are restated by the test, not read from the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../agent/follow_logic.h"

#define MS 1000000ull
#define SETTLE_MS 250u
#define BOUND_MS 1000u

static struct follow f;

static int setup(void **state)
{
    (void)state;
    follow_init(&f);
    return 0;
}

/* A 1x mode w x h. */
static struct follow_mode m1(uint32_t w, uint32_t h, bool current)
{
    return (struct follow_mode){ w, h, w, h, current };
}

/* A HiDPI mode: looks like w x h, drawn at twice that. */
static struct follow_mode m2(uint32_t w, uint32_t h, bool current)
{
    return (struct follow_mode){ w, h, 2 * w, 2 * h, current };
}

static void host(uint32_t id, uint32_t w, uint32_t h, uint32_t gen, uint64_t at_ms)
{
    assert_true(follow_host_size(&f, id, w, h, gen, true, at_ms * MS));
}

/* The verdict at `at_ms` and, for a switch, the index picked. */
static enum follow_verdict decide(uint32_t id, const struct follow_mode *modes, size_t n, uint64_t at_ms,
                                  size_t *pick)
{
    *pick = SIZE_MAX;
    return follow_decide(&f, id, modes, n, at_ms * MS, pick);
}

static const struct follow_mode *desktop(void)
{
    static struct follow_mode list[4];
    list[0] = m1(1920, 1080, false);
    list[1] = m1(1440, 900, false);
    list[2] = m1(1280, 800, true);
    list[3] = m1(1024, 768, false);
    return list;
}

static void test_single_change_switches_after_the_settle_time(void **state)
{
    (void)state;
    size_t pick;
    host(0, 1440, 900, 1, 1000);
    assert_int_equal(follow_next_deadline(&f), (1000 + SETTLE_MS) * MS);
    assert_false(follow_due(&f, 0, (1000 + SETTLE_MS) * MS - 1));
    assert_int_equal(decide(0, desktop(), 4, 1000 + SETTLE_MS - 1, &pick), FOLLOW_IDLE);
    assert_int_equal(decide(0, desktop(), 4, 1000 + SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 1);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
    assert_int_equal(decide(0, desktop(), 4, 5000, &pick), FOLLOW_IDLE);
}

static void test_quick_burst_gives_one_switch_to_the_last_size(void **state)
{
    (void)state;
    size_t pick;
    const uint32_t sizes[5][2] = { { 1024, 768 }, { 1920, 1080 }, { 1024, 768 }, { 1280, 800 }, { 1440, 900 } };
    for (uint32_t i = 0; i < 5; i++) {
        host(0, sizes[i][0], sizes[i][1], i + 1, 100 * i);
        assert_int_equal(decide(0, desktop(), 4, 100 * i + 99, &pick), FOLLOW_IDLE);
    }
    assert_int_equal(follow_next_deadline(&f), (400 + SETTLE_MS) * MS);
    assert_int_equal(decide(0, desktop(), 4, 400 + SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 1);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
}

static void test_endless_drag_switches_once_per_bound(void **state)
{
    (void)state;
    size_t pick;
    uint32_t gen = 0, switches = 0;
    /* An event every 100 ms for 2.5 s: never 250 ms of quiet. */
    for (uint64_t t = 0; t <= 2500; t += 100) {
        if (decide(0, desktop(), 4, t, &pick) == FOLLOW_SWITCH)
            switches++;
        host(0, (t / 100) % 2 ? 1920 : 1024, (t / 100) % 2 ? 1080 : 768, ++gen, t);
    }
    /* Bursts start at 0, 1000 and 2000 (the event right after each switch); switched at 1000 and 2000. */
    assert_int_equal(switches, 2);
    assert_int_equal(follow_next_deadline(&f), (2500 + SETTLE_MS) * MS);
}

static void test_bound_counts_from_the_first_event(void **state)
{
    (void)state;
    size_t pick;
    for (uint32_t i = 0; i < 10; i++)
        host(0, 1024 + i, 768, i + 1, 120 * i);      /* 0 .. 1080 ms */
    /* Due at 1000 ms (first + 1 s), before the later events' settle time. */
    assert_false(follow_due(&f, 0, BOUND_MS * MS - 1));
    assert_true(follow_due(&f, 0, BOUND_MS * MS));
    struct follow_mode last = m1(1024 + 9, 768, false);
    assert_int_equal(decide(0, &last, 1, 1080, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
}

static void test_repeated_generation_changes_nothing(void **state)
{
    (void)state;
    host(0, 1440, 900, 7, 0);
    host(0, 1440, 900, 7, 200);
    host(0, 1920, 1080, 7, 240);                     /* same generation: a stale re-read, ignored */
    assert_int_equal(f.stats.repeats, 2);
    assert_int_equal(follow_next_deadline(&f), SETTLE_MS * MS);
    size_t pick;
    assert_int_equal(decide(0, desktop(), 4, SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 1);
}

static void test_hidpi_duplicate_loses_to_the_1x_mode(void **state)
{
    (void)state;
    size_t pick;
    struct follow_mode modes[] = {
        m2(1280, 800, false),      /* looks like 1280x800, drawn at 2560x1600 */
        m2(640, 400, false),       /* drawn at 1280x800 but looks like 640x400: not the host size */
        m1(1280, 800, false),
        m1(1024, 768, true),
    };
    host(0, 1280, 800, 1, 0);
    assert_int_equal(decide(0, modes, 4, SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 2);
}

static void test_only_a_scaled_mode_of_the_logical_size(void **state)
{
    (void)state;
    size_t pick;
    struct follow_mode modes[] = { m2(640, 400, false), m2(1280, 800, false), m1(1024, 768, true) };
    host(0, 1280, 800, 1, 0);
    assert_int_equal(decide(0, modes, 3, SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 1);
}

static void test_best_mode_already_current_switches_nothing(void **state)
{
    (void)state;
    size_t pick;
    struct follow_mode modes[] = { m2(1280, 800, false), m1(1280, 800, true) };
    host(0, 1280, 800, 1, 0);
    assert_int_equal(decide(0, modes, 2, SETTLE_MS, &pick), FOLLOW_ALREADY);
    assert_int_equal(f.stats.already, 1);
    /* The scaled duplicate current: the 1x mode is still better. */
    modes[0].current = true, modes[1].current = false;
    host(0, 1280, 800, 2, 1000);
    assert_int_equal(decide(0, modes, 2, 1000 + SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 1);
}

static void test_no_mode_of_that_size_is_reported_once_and_retried_on_a_new_list(void **state)
{
    (void)state;
    size_t pick;
    host(0, 1366, 768, 1, 0);
    assert_int_equal(decide(0, desktop(), 4, SETTLE_MS, &pick), FOLLOW_NO_MODE);
    assert_int_equal(pick, SIZE_MAX);
    assert_int_equal(f.stats.no_mode, 1);
    assert_int_equal(decide(0, desktop(), 4, 2000, &pick), FOLLOW_IDLE);
    /* The OS rebuilt its list (the kext now offers the size): looked at again at once. */
    struct follow_mode grown[] = { m1(1366, 768, false), m1(1280, 800, true) };
    follow_modes_changed(&f, 0, 3000 * MS);
    assert_true(follow_due(&f, 0, 3000 * MS));
    assert_int_equal(decide(0, grown, 2, 3000, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
    /* A list change with nothing unmet does nothing. */
    follow_modes_changed(&f, 0, 4000 * MS);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
}

static void test_overflowing_sizes_and_times(void **state)
{
    (void)state;
    size_t pick;
    struct follow_mode modes[] = {
        { UINT32_MAX, 768, UINT32_MAX, 768, false },
        { 1024, UINT32_MAX, 1024, UINT32_MAX, false },
        m1(1024, 768, true),
    };
    host(0, UINT32_MAX, UINT32_MAX, 1, 0);
    assert_int_equal(decide(0, modes, 3, SETTLE_MS, &pick), FOLLOW_NO_MODE);
    /* A clock near its end: the deadline saturates and is still reached. */
    const uint64_t late = UINT64_MAX - 10;
    assert_true(follow_host_size(&f, 1, UINT32_MAX, 768, 1, true, late));
    assert_false(follow_due(&f, 1, UINT64_MAX - 1));
    assert_true(follow_due(&f, 1, UINT64_MAX));
    assert_int_equal(follow_decide(&f, 1, modes, 3, UINT64_MAX, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
}

static void test_manual_choice_holds_until_a_new_generation(void **state)
{
    (void)state;
    size_t pick;
    assert_int_equal(follow_mode_seen(&f, 0, 1280, 800), FOLLOW_SEEN_SAME);     /* learnt at start */
    host(0, 1440, 900, 1, 0);
    assert_int_equal(decide(0, desktop(), 4, SETTLE_MS, &pick), FOLLOW_SWITCH);
    follow_switched(&f, 0, 1440, 900, true);
    assert_int_equal(follow_mode_seen(&f, 0, 1440, 900), FOLLOW_SEEN_OWN);
    assert_int_equal(follow_mode_seen(&f, 0, 1440, 900), FOLLOW_SEEN_SAME);
    /* The user picks 1024x768 in System Settings. */
    assert_int_equal(follow_mode_seen(&f, 0, 1024, 768), FOLLOW_SEEN_MANUAL);
    assert_int_equal(f.stats.manual, 1);
    host(0, 1440, 900, 1, 1000);                     /* the same generation notified again */
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
    host(0, 1920, 1080, 2, 2000);                    /* the host window changes: follow again */
    assert_int_equal(decide(0, desktop(), 4, 2000 + SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
}

static void test_manual_choice_during_a_burst_cancels_it(void **state)
{
    (void)state;
    size_t pick;
    follow_mode_seen(&f, 0, 1280, 800);
    host(0, 1440, 900, 1, 0);
    assert_int_equal(follow_mode_seen(&f, 0, 1024, 768), FOLLOW_SEEN_MANUAL);
    assert_int_equal(decide(0, desktop(), 4, 5000, &pick), FOLLOW_IDLE);
    /* Nor does a later mode-list change bring the cancelled size back. */
    follow_modes_changed(&f, 0, 6000 * MS);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
}

static void test_manual_choice_after_an_unmet_size_is_not_overridden_by_a_new_list(void **state)
{
    (void)state;
    size_t pick;
    struct follow_mode grown[] = { m1(1366, 768, false), m1(1280, 800, false), m1(1024, 768, true) };
    follow_mode_seen(&f, 0, 1280, 800);
    host(0, 1366, 768, 1, 0);
    assert_int_equal(decide(0, desktop(), 4, SETTLE_MS, &pick), FOLLOW_NO_MODE);
    assert_int_equal(follow_mode_seen(&f, 0, 1024, 768), FOLLOW_SEEN_MANUAL);
    follow_modes_changed(&f, 0, 1000 * MS);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
    /* The next generation is followed again, and so is its retry. */
    host(0, 1366, 768, 2, 2000);
    assert_int_equal(decide(0, desktop(), 4, 2000 + SETTLE_MS, &pick), FOLLOW_NO_MODE);
    follow_modes_changed(&f, 0, 3000 * MS);
    assert_int_equal(decide(0, grown, 3, 3000, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
}

static void test_failed_switch_is_not_retried_and_not_taken_for_own(void **state)
{
    (void)state;
    size_t pick;
    follow_mode_seen(&f, 0, 1280, 800);
    host(0, 1440, 900, 1, 0);
    assert_int_equal(decide(0, desktop(), 4, SETTLE_MS, &pick), FOLLOW_SWITCH);
    follow_switched(&f, 0, 1440, 900, false);
    assert_int_equal(f.stats.failed, 1);
    assert_int_equal(f.stats.switches, 0);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
    assert_int_equal(follow_mode_seen(&f, 0, 1440, 900), FOLLOW_SEEN_MANUAL);
}

static void test_displays_interleaved_are_independent(void **state)
{
    (void)state;
    size_t pick;
    struct follow_mode b[] = { m1(800, 600, false), m1(640, 480, true) };
    host(5, 1440, 900, 1, 0);
    host(9, 800, 600, 1, 100);
    host(5, 1920, 1080, 2, 200);
    host(9, 800, 600, 1, 300);                       /* a repeat on 9 must not extend its burst */
    assert_int_equal(follow_next_deadline(&f), (100 + SETTLE_MS) * MS);
    assert_int_equal(decide(5, desktop(), 4, 100 + SETTLE_MS, &pick), FOLLOW_IDLE);
    assert_int_equal(decide(9, b, 2, 100 + SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
    assert_int_equal(follow_next_deadline(&f), (200 + SETTLE_MS) * MS);
    /* A manual change on 9 leaves 5's burst alone. */
    follow_mode_seen(&f, 9, 640, 480);
    assert_int_equal(follow_mode_seen(&f, 9, 1024, 768), FOLLOW_SEEN_MANUAL);
    assert_int_equal(decide(5, desktop(), 4, 200 + SETTLE_MS, &pick), FOLLOW_SWITCH);
    assert_int_equal(pick, 0);
}

static void test_more_displays_than_the_table_holds(void **state)
{
    (void)state;
    for (uint32_t id = 0; id < FOLLOW_MAX_DISPLAYS; id++)
        host(100 + id, 1024, 768, 1, 0);
    assert_false(follow_host_size(&f, 7, 1024, 768, 1, true, 0));
    assert_int_equal(f.stats.dropped, 1);
    assert_false(follow_due(&f, 7, 10000 * MS));
    host(100, 1280, 800, 2, 10);                     /* the known ones still work */
    assert_true(follow_due(&f, 101, SETTLE_MS * MS));
}

static void test_a_forgotten_display_starts_over(void **state)
{
    (void)state;
    for (uint32_t id = 0; id < FOLLOW_MAX_DISPLAYS; id++)
        host(id, 1024, 768, 1, 0);
    follow_forget(&f, 3);
    assert_false(follow_due(&f, 3, 10000 * MS));
    /* A new framebuffer for scanout 3 counts from generation 1 again: not a repeat. */
    host(3, 1440, 900, 1, 20000);
    assert_int_equal(f.stats.repeats, 0);
    assert_true(follow_due(&f, 3, (20000 + SETTLE_MS) * MS));
    /* Its slot was reused, so a 17th display still finds the table full. */
    assert_false(follow_host_size(&f, 99, 1024, 768, 1, true, 0));
}

static void test_disabled_or_empty_host_cancels_the_burst(void **state)
{
    (void)state;
    host(0, 1440, 900, 1, 0);
    assert_true(follow_host_size(&f, 0, 1440, 900, 2, false, 100 * MS));
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
    host(0, 1440, 900, 3, 200);
    host(0, 0, 900, 4, 300);
    assert_int_equal(follow_next_deadline(&f), FOLLOW_NEVER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_single_change_switches_after_the_settle_time, setup),
        cmocka_unit_test_setup(test_quick_burst_gives_one_switch_to_the_last_size, setup),
        cmocka_unit_test_setup(test_endless_drag_switches_once_per_bound, setup),
        cmocka_unit_test_setup(test_bound_counts_from_the_first_event, setup),
        cmocka_unit_test_setup(test_repeated_generation_changes_nothing, setup),
        cmocka_unit_test_setup(test_hidpi_duplicate_loses_to_the_1x_mode, setup),
        cmocka_unit_test_setup(test_only_a_scaled_mode_of_the_logical_size, setup),
        cmocka_unit_test_setup(test_best_mode_already_current_switches_nothing, setup),
        cmocka_unit_test_setup(test_no_mode_of_that_size_is_reported_once_and_retried_on_a_new_list, setup),
        cmocka_unit_test_setup(test_overflowing_sizes_and_times, setup),
        cmocka_unit_test_setup(test_manual_choice_holds_until_a_new_generation, setup),
        cmocka_unit_test_setup(test_manual_choice_during_a_burst_cancels_it, setup),
        cmocka_unit_test_setup(test_manual_choice_after_an_unmet_size_is_not_overridden_by_a_new_list, setup),
        cmocka_unit_test_setup(test_failed_switch_is_not_retried_and_not_taken_for_own, setup),
        cmocka_unit_test_setup(test_displays_interleaved_are_independent, setup),
        cmocka_unit_test_setup(test_more_displays_than_the_table_holds, setup),
        cmocka_unit_test_setup(test_a_forgotten_display_starts_over, setup),
        cmocka_unit_test_setup(test_disabled_or_empty_host_cancels_the_burst, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
