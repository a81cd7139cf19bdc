"""Contexts and resources: churn without leaks, fences, malformed streams, 3D scanout."""
from tests.harness.gl3d import bgra_word

RED, GREEN = (1.0, 0.0, 0.0, 1.0), (0.0, 1.0, 0.0, 1.0)


def test_contexts_created_and_destroyed_1000_times_leak_nothing(gl_vm):
    gl_vm.ok("gl churn 1")                      # the core's 3D records are allocated on first use
    before = gl_vm.ok("gl churn 1").fields
    after = gl_vm.ok("gl churn 1000", timeout=170).fields
    assert int(after["done"]) == 1000, after
    for key in ("contexts", "resources", "attachments", "ctx_ids", "live"):
        assert int(after[key]) == 0, f"{key} left after churn: {after}"
    assert after["core_heap"] == before["core_heap"], f"core heap grew: {before} -> {after}"
    # Next-fit ids: 1000 more contexts were really created, ids moved on (and wrapped if needed).
    assert int(after["last_ctx"]) != int(before["last_ctx"])
    events = gl_vm.machine.trace.since(0, {"virtio_gpu_cmd_ctx_create", "virtio_gpu_cmd_ctx_destroy"})
    creates = sum(e.name.endswith("create") for e in events)
    assert creates == sum(e.name.endswith("destroy") for e in events) >= 1002, creates
    closed = gl_vm.ok("close").fields
    assert closed["core_heap"] == "0" and closed["core_dma"] == "0", closed


def test_fenced_submit_completes_and_is_tracked_per_context(gl_vm):
    gl_vm.target(8, 8)
    reply = gl_vm.ok("gl fence").fields
    fence = int(reply["fence"])
    assert fence >= 1 and int(reply["submitted"]) == fence
    assert int(reply["completed_after"]) == fence, reply
    assert reply["wait_bad"] == "1", "waiting for a fence the context never got must be refused"


def read_is(gl_vm, word, size):
    pixels = gl_vm.read()
    return len(pixels) == size and set(pixels.values()) == {word}


def test_malformed_streams_are_refused_and_the_driver_stays_usable(gl_vm):
    for kind in ("len", "obj", "cmd"):
        gl_vm.target(8, 8)
        gl_vm.clear(RED)
        assert read_is(gl_vm, bgra_word(RED), 64)
        gl_vm.ok(f"gl bad {kind}")               # well-formed for virtio; the host decodes and refuses
        gl_vm.clear(GREEN)
        if kind != "cmd":                        # the decoder marks the context broken for these two
            err = (gl_vm.machine.workdir / "qemu.err").read_text(errors="replace")
            assert "context error" in err, f"host did not report the bad stream ({kind})"
            assert not read_is(gl_vm, bgra_word(GREEN), 64), "a poisoned context still drew"
        gl_vm.ok("gl free")                      # drop that context and start over
        mark = gl_vm.machine.trace.mark()
        gl_vm.target(8, 8)
        gl_vm.clear(GREEN)
        assert read_is(gl_vm, bgra_word(GREEN), 64), f"new context after a bad stream ({kind}) does not draw"
        created = gl_vm.machine.trace.since(mark, {"virtio_gpu_cmd_ctx_create"})
        assert len(created) == 1, "the driver should have made exactly one new context"
    for kind in ("size", "ctx"):                 # these never reach the device
        reply = gl_vm.request(f"gl bad {kind}")
        assert not reply.ok and reply.text.startswith("VGPU_E_INVAL"), reply.text
    st = gl_vm.stats()
    assert st["broken"] == 0 and st["errors"] == 0 and st["async_errors"] == 0, st
    assert st["contexts"] == 1 and st["resources"] == 1, st


def test_3d_resource_as_scanout(gl_vm):
    res = int(gl_vm.target(64, 48).fields["res"])
    gl_vm.clear(GREEN)
    mark = gl_vm.machine.trace.mark()
    gl_vm.ok("gl show 0")
    shown = gl_vm.machine.trace.wait_for(mark, "virtio_gpu_cmd_set_scanout")
    assert shown and shown[-1]["id"] == 0 and shown[-1]["res"] == res, shown
    assert (shown[-1]["w"], shown[-1]["h"]) == (64, 48), shown[-1]
    assert read_is(gl_vm, bgra_word(GREEN), 64 * 48), "the scanout resource no longer reads back"
    # While a 2D mode owns the scanout, the 3D path must not take it.
    gl_vm.ok("gl hide 0")
    gl_vm.ok("mode 0 320 200 3")
    refused = gl_vm.request("gl show 0")
    assert not refused.ok and refused.text.startswith("VGPU_E_BUSY"), refused.text
    gl_vm.ok("disable 0")
    mark = gl_vm.machine.trace.mark()
    gl_vm.ok("gl show 0")
    gl_vm.ok("gl free")                          # destroying a shown resource turns the scanout off
    events = gl_vm.machine.trace.wait_for(mark, "virtio_gpu_cmd_set_scanout", count=2)
    assert [e["res"] for e in events][-1] == 0, events


def test_device_reset_forgets_3d_objects_and_3d_works_again(gl_vm):
    gl_vm.target(8, 8)
    gl_vm.clear(RED)
    gl_vm.ok("reset")                            # device status 0 behind the core's back, then recover
    st = gl_vm.stats()
    assert st["contexts"] == 0 and st["resources"] == 0 and st["lost"] == 1, st
    assert st["ctx_ids"] == 0 and st["broken"] == 0 and st["available"] == 1, st
    stale = gl_vm.request("gl clear 0 0 0 0")    # the scene's context died with the reset
    assert not stale.ok and stale.text.startswith("VGPU_E_INVAL"), stale.text
    gl_vm.ok("gl free")
    gl_vm.target(8, 8)
    gl_vm.clear(GREEN)
    assert read_is(gl_vm, bgra_word(GREEN), 64)
