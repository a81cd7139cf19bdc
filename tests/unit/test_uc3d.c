/*
 * test_uc3d.c — the 3D user client's bookkeeping (core/gpu3d/uc3d.c), shared by the kext's user client
 * and the test guest's vtest server: ownership, limits, argument checks, what a device reset
 * drops and how the front end gets its memory back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/gpu3d/uc3d.h"

struct drops { unsigned done, kept; void *last; };

static void count_drop(void *arg, struct uc3d_res *r, bool device_done)
{
    struct drops *d = arg;
    d->last = r->backing;
    if (device_done)
        d->done++;
    else
        d->kept++;
}

static void ids_belong_to_their_client(void **state)
{
    struct uc3d_client a, b;
    (void)state;
    uc3d_init(&a, 3);
    uc3d_init(&b, 3);
    a.ctx[uc3d_free_ctx_slot(&a)] = 5;
    a.res[uc3d_free_res_slot(&a)] = (struct uc3d_res){ 9, 0, NULL };
    assert_true(uc3d_owns_ctx(&a, 5));
    assert_false(uc3d_owns_ctx(&b, 5));
    assert_false(uc3d_owns_ctx(&a, 0));             /* 0 is a free slot, never an id */
    assert_non_null(uc3d_find_res(&a, 9));
    assert_null(uc3d_find_res(&b, 9));
    assert_null(uc3d_find_res(&a, 0));
    assert_true(uc3d_holds_objects(&a));
    assert_false(uc3d_holds_objects(&b));
    uc3d_forget_ctx(&a, 5);
    assert_false(uc3d_owns_ctx(&a, 5));
}

static void limits_per_client(void **state)
{
    struct uc3d_client c;
    (void)state;
    uc3d_init(&c, 0);
    for (uint32_t i = 0; i < UC3D_MAX_CONTEXTS; i++)
        c.ctx[uc3d_free_ctx_slot(&c)] = i + 1;
    assert_int_equal(uc3d_free_ctx_slot(&c), -1);
    for (uint32_t i = 0; i < UC3D_MAX_RESOURCES; i++)
        c.res[uc3d_free_res_slot(&c)].id = i + 1;
    assert_int_equal(uc3d_free_res_slot(&c), -1);
    assert_int_equal(uc3d_live_contexts(&c), UC3D_MAX_CONTEXTS);
    assert_int_equal(uc3d_live_resources(&c), UC3D_MAX_RESOURCES);
    assert_int_equal(uc3d_check_backing(UC3D_MAX_BACKING), VGPU_OK);
    assert_int_equal(uc3d_check_backing(UC3D_MAX_BACKING + 1ull), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_name_len(63), VGPU_OK);
    assert_int_equal(uc3d_check_name_len(64), VGPU_E_INVAL);
}

/* A reset drops everything (memory back as "device done"); whether the call may rerun depends on it. */
static void reset_drops_every_id(void **state)
{
    struct uc3d_client c;
    struct drops d = { 0, 0, NULL };
    int mem[2];
    (void)state;
    uc3d_init(&c, 1);
    assert_false(uc3d_reset_seen(&c, 2, count_drop, &d));     /* held nothing: rerun */
    assert_int_equal(c.epoch, 2);
    c.ctx[0] = 4;
    c.res[0] = (struct uc3d_res){ 7, 4096, &mem[0] };
    c.res[3] = (struct uc3d_res){ 8, 0, NULL };
    c.res[5] = (struct uc3d_res){ 9, 8192, &mem[1] };
    assert_int_equal(uc3d_backing_bytes(&c), 4096 + 8192);
    assert_true(uc3d_reset_seen(&c, 3, count_drop, &d));
    assert_int_equal(d.done, 2);
    assert_int_equal(d.kept, 0);
    assert_false(uc3d_holds_objects(&c));
    assert_int_equal(uc3d_backing_bytes(&c), 0);
    assert_int_equal(uc3d_free_res_slot(&c), 0);
    assert_int_equal(c.epoch, 3);
}

/* An unanswered release keeps the memory (the device may still write it); the slot is free. */
static void unsettled_release_keeps_memory(void **state)
{
    struct uc3d_res r = { 7, 4096, &r };
    struct drops d = { 0, 0, NULL };
    (void)state;
    assert_false(uc3d_settled(VGPU_E_TIMEOUT));
    assert_false(uc3d_settled(VGPU_E_BROKEN));
    assert_false(uc3d_settled(VGPU_E_PROTO));
    assert_true(uc3d_settled(VGPU_OK));
    assert_true(uc3d_settled(VGPU_E_DEVICE));
    uc3d_drop_res(&r, uc3d_settled(VGPU_E_TIMEOUT), count_drop, &d);
    assert_int_equal(d.kept, 1);
    assert_ptr_equal(d.last, &r);
    assert_int_equal(r.id, 0);
    assert_null(r.backing);
}

static void submit_and_transfer_arguments(void **state)
{
    struct uc3d_client c;
    (void)state;
    assert_int_equal(uc3d_check_submit(1024, 0, 4, 0), VGPU_OK);
    assert_int_equal(uc3d_check_submit(1024, 1020, 4, UC3D_SUBMIT_FENCED), VGPU_OK);
    assert_int_equal(uc3d_check_submit(1024, 1020, 8, 0), VGPU_E_INVAL);           /* past the end */
    assert_int_equal(uc3d_check_submit(1024, UINT64_MAX - 3, 8, 0), VGPU_E_INVAL); /* wraps */
    assert_int_equal(uc3d_check_submit(1024, 2, 4, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_submit(1024, 0, 6, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_submit(1024, 0, 0, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_submit(1024, 0, 4, 2), VGPU_E_INVAL);              /* unknown flag */
    uc3d_init(&c, 0);
    c.ctx[0] = 2;
    c.res[0].id = 5;
    assert_int_equal(uc3d_check_transfer(&c, 2, 5, UC3D_TO_HOST, 0, 0), VGPU_OK);
    assert_int_equal(uc3d_check_transfer(&c, 2, 5, UC3D_FROM_HOST, 1, 0), VGPU_OK);
    assert_int_equal(uc3d_check_transfer(&c, 3, 5, UC3D_TO_HOST, 0, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_transfer(&c, 2, 6, UC3D_TO_HOST, 0, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_transfer(&c, 2, 5, 3, 0, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_transfer(&c, 2, 5, UC3D_TO_HOST, 2, 0), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_transfer(&c, 2, 5, UC3D_TO_HOST, 0, 1), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_wait(&c, 2, UC3D_MAX_WAIT_MS), VGPU_OK);
    assert_int_equal(uc3d_check_wait(&c, 2, UC3D_MAX_WAIT_MS + 1ull), VGPU_E_INVAL);
    assert_int_equal(uc3d_check_wait(&c, 9, 0), VGPU_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_belong_to_their_client),
        cmocka_unit_test(limits_per_client),
        cmocka_unit_test(reset_drops_every_id),
        cmocka_unit_test(unsettled_release_keeps_memory),
        cmocka_unit_test(submit_and_transfer_arguments),
    };
    return cmocka_run_group_tests_name("uc3d", tests, NULL, NULL);
}
