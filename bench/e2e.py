"""End-to-end part of `make bench`: the refresh engine in QEMU against a naive driver.

For each accelerator asked for (default TCG; `--accel tcg,kvm` adds KVM when /dev/kvm works) it
boots the test guest at 1920x1080 and runs the guest's `bench` command (guest/PROTOCOL.md) for
full-frame and small-rectangle updates in three modes: `naive` (whole frame transferred and flushed
every update), `refresh` (vgpu_refresh_tick: scan + what changed) and `damage` (the OS names the
rectangle: no scan) --
once unpaced (updates per second) and once paced at 60 Hz like a desktop (host CPU per update; the
guest's `none` mode, drawing and pacing without submitting, is subtracted as the background).
Around each run it reads QEMU's CPU time from /proc/<pid>/task/*/schedstat (nanoseconds; /stat's
utime+stime in 10 ms ticks is too coarse for short runs), split into the vCPU threads (the guest
itself: drawing, scanning) and the rest (device emulation, display).  Then `idle`
measures an idle desktop.  Prints a table and adds an "e2e" section to out/bench.json.

Usage, from the repository root:
    python3 -m bench.e2e --guest build/guest/vgpu-guest.elf --json out/bench.json [--accel tcg|kvm|tcg,kvm]
"""
import argparse
import json
import sys
import time
from pathlib import Path

from tests.harness.accel import kvm_usable
from tests.harness.console import GuestError
from tests.harness.machine import Machine, MachineConfig
from tests.harness.screens import Screens
from tests.harness.shown import EVENTS

REPO = Path(__file__).resolve().parents[1]

WIDTH, HEIGHT, SEED = 1920, 1080, 3
WORKLOADS = {"full": (0, 0, WIDTH, HEIGHT), "rect64": (901, 517, 64, 64)}
MODES = ("naive", "refresh", "damage")
SECONDS_PER_RUN = 3.0
PACED_HZ = 60
PACED_SECONDS = 6.0
IDLE_MS = 8000
MAX_DRAW_MS = 100          # a guest slower than this would take hours; its numbers mean nothing

def thread_cpu(pid):
    """(vCPU seconds, other seconds) of QEMU's threads: time on CPU from schedstat."""
    vcpu = other = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            comm = (task / "comm").read_text().strip()
            on_cpu_ns = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue                                  # the thread ended meanwhile
        if comm.startswith("CPU "):                   # "CPU 0/TCG", "CPU 0/KVM"
            vcpu += on_cpu_ns
        else:
            other += on_cpu_ns
    return vcpu / 1e9, other / 1e9

def measured(vm, command, timeout):
    """Run a guest command; return its reply fields and QEMU's CPU seconds (vcpu, other, wall)."""
    pid = vm.proc.pid
    v0, o0 = thread_cpu(pid)
    t0 = time.monotonic()
    reply = vm.guest.ok(command, timeout=timeout)
    wall = time.monotonic() - t0
    v1, o1 = thread_cpu(pid)
    return reply, v1 - v0, o1 - o0, wall

def colour(i):
    """colour(i) of guest/PROTOCOL.md ("Benchmark loops") as RGB."""
    return (i % 256, (i // 256) % 256, 0x80)

def check_screen(screen, rect, n):
    """The screen shows colour(n) inside the rectangle and pattern(SEED) elsewhere, and QEMU's trace
    shows the change flushed (Screens.verify); None or what is wrong."""
    x, y, w, h = rect
    screen.expected[0][y:y + h, x:x + w] = colour(n)
    return screen.verify(0)[1]

def bench_run(screen, mode, workload, hz=None):
    """One measured run (N for ~SECONDS_PER_RUN); returns a result dict."""
    vm = screen.machine
    x, y, w, h = WORKLOADS[workload]
    if hz:
        n, pace = int(PACED_SECONDS * hz), f" {hz}"
    else:
        probe, *_ = measured(vm, f"bench 0 {mode} 3 {x} {y} {w} {h}", timeout=300)
        per_update = max(probe.int("ns") / 3 / 1e9, 1e-5)
        n, pace = int(min(max(SECONDS_PER_RUN / per_update, 5), 20000)), ""
    reply, vcpu, other, wall = measured(vm, f"bench 0 {mode} {n} {x} {y} {w} {h}{pace}", timeout=600)
    bad = check_screen(screen, WORKLOADS[workload], n) if mode != "none" else None
    screen.rect(0, x, y, w, h, SEED)   # the next run starts from the same screen, checked too
    bad = bad or screen.verify(0)[1]
    secs = reply.int("ns") / 1e9
    return {
        "mode": mode, "workload": workload, "paced_hz": hz or 0, "n": n, "seconds": secs,
        "updates_per_s": n / secs,
        "qemu_cpu_ms_per_update": (vcpu + other) * 1e3 / n,
        "vcpu_ms_per_update": vcpu * 1e3 / n,
        "device_ms_per_update": other * 1e3 / n,
        "busy": reply.int("busy"), "rects": reply.int("rects"), "pixels": reply.int("pixels"),
        "scans": reply.int("scans"), "wall_s": wall, "screen_error": bad,
    }

def idle_run(vm, mode):
    reply, vcpu, other, wall = measured(vm, f"idle 0 {IDLE_MS} {mode}", timeout=IDLE_MS / 1e3 + 60)
    return {"mode": mode, "ticks": reply.int("ticks"), "probes": reply.int("probes"),
            "scans": reply.int("scans"), "wall_s": wall,
            "qemu_core_percent": (vcpu + other) / wall * 100,
            "vcpu_core_percent": vcpu / wall * 100, "device_core_percent": other / wall * 100}

def guest_draw_ms(vm):
    """How long the guest takes to draw one full frame (the `none` mode: no submission)."""
    reply = vm.guest.ok(f"bench 0 none 3 0 0 {WIDTH} {HEIGHT}", timeout=600)
    return reply.int("ns") / 3 / 1e6

def guest_has_bench(vm):
    try:
        vm.guest.ok("bench 0 refresh 1 0 0 64 64")
        return True
    except GuestError as exc:
        print(f"  guest has no usable bench command ({exc}); see guest/PROTOCOL.md")
        return False

def run_accel(guest, accel):
    # debug-threads names the vCPU threads "CPU n/TCG|KVM", so their time can be told apart.
    config = MachineConfig(kernel=guest, accel=accel, memory_mb=512,
                           trace=EVENTS, extra_args=("-name", "vgpu-bench,debug-threads=on"))
    with Machine(config) as vm:
        vm.guest.ok("init")
        screen = Screens(vm, "bench")
        screen.mode(0, WIDTH, HEIGHT, SEED)
        if not guest_has_bench(vm):
            return None
        result = {"accel": accel, "runs": [], "idle": []}
        draw_ms = guest_draw_ms(vm)
        if draw_ms > MAX_DRAW_MS:
            result["skipped"] = (f"the guest needs {draw_ms:.0f} ms to draw one {WIDTH}x{HEIGHT} "
                                 f"frame under {accel.upper()} (limit {MAX_DRAW_MS} ms)")
            return result
        for hz in (None, PACED_HZ):
            for workload in WORKLOADS:
                for mode in MODES + (("none",) if hz else ()):
                    result["runs"].append(bench_run(screen, mode, workload, hz))
        vm.guest.ok("idle 0 1000 refresh", timeout=60)     # let the engine reach its idle rate
        for mode in ("refresh", "naive"):
            result["idle"].append(idle_run(vm, mode))
        return result

def ratios(result):
    """naive / refresh and naive / damage host CPU per update at PACED_HZ, background subtracted."""
    by = {(r["workload"], r["mode"]): r for r in result["runs"] if r["paced_hz"] == PACED_HZ}
    out = {}
    for workload in WORKLOADS:
        base = by[(workload, "none")]

        def net(mode, key):
            return max(by[(workload, mode)][key] - base[key], 1e-6)

        for mode in ("refresh", "damage"):
            out[f"{workload}_{mode}"] = {
                "qemu_cpu": (net("naive", "vcpu_ms_per_update") + net("naive", "device_ms_per_update"))
                / (net(mode, "vcpu_ms_per_update") + net(mode, "device_ms_per_update")),
                "device_only": net("naive", "device_ms_per_update") / net(mode, "device_ms_per_update"),
            }
    return out

def print_result(result):
    print(f"\nEnd to end in QEMU ({result['accel'].upper()}), {WIDTH}x{HEIGHT}: host CPU from /proc "
          "(vcpu = the guest itself, device = QEMU's other threads)")
    print(f"  {'pace':>5} {'workload':8} {'mode':8} {'n':>6} {'updates/s':>10} {'QEMU ms/upd':>12} "
          f"{'vcpu ms':>9} {'device ms':>10} {'rects':>7} {'busy':>6} {'screen':>8}")
    for r in result["runs"]:
        screen = "WRONG" if r["screen_error"] else "ok"
        pace = f"{r['paced_hz']}Hz" if r["paced_hz"] else "max"
        print(f"  {pace:>5} {r['workload']:8} {r['mode']:8} {r['n']:6d} {r['updates_per_s']:10.1f} "
              f"{r['qemu_cpu_ms_per_update']:12.3f} {r['vcpu_ms_per_update']:9.3f} "
              f"{r['device_ms_per_update']:10.3f} {r['rects']:7d} {r['busy']:6d} {screen:>8}")
    for key, value in result["ratios"].items():
        print(f"  at {PACED_HZ} Hz, background subtracted, naive / {key}: QEMU CPU per update "
              f"{value['qemu_cpu']:.1f}x, "
              f"device threads only {value['device_only']:.1f}x")
    for r in result["idle"]:
        print(f"  idle {r['mode']:8}: QEMU {r['qemu_core_percent']:.2f}% of a core "
              f"(vcpu {r['vcpu_core_percent']:.2f}%, device {r['device_core_percent']:.2f}%), "
              f"{r['ticks']} ticks, {r['probes']} probes, {r['scans']} scans in {IDLE_MS} ms")

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guest", type=Path, default=REPO / "build" / "guest" / "vgpu-guest.elf")
    parser.add_argument("--json", type=Path, default=REPO / "out" / "bench.json")
    parser.add_argument("--accel", default="tcg",
                        help="comma-separated; KVM is opt-in (far too slow under nested KVM)")
    args = parser.parse_args()
    if not args.guest.is_file():
        print(f"e2e: skipped: no guest binary at {args.guest}")
        return 0
    guest = args.guest.resolve()          # QEMU runs in a temporary directory
    results = []
    for accel in args.accel.split(","):
        if accel == "kvm" and not kvm_usable():
            print("e2e: KVM skipped: /dev/kvm cannot be opened read-write")
            continue
        result = run_accel(guest, accel)
        if result is None:
            break
        results.append(result)
        if "skipped" in result:
            print(f"e2e: {accel.upper()} skipped: {result['skipped']}")
            continue
        result["ratios"] = ratios(result)
        print_result(result)
    if args.json.is_file():
        data = json.loads(args.json.read_text())
        data["e2e"] = results
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    wrong = [r for result in results for r in result.get("runs", []) if r["screen_error"]]
    for r in wrong:
        print(f"e2e: WRONG screen after {r['mode']} {r['workload']} (n={r['n']}): {r['screen_error']}")
    return 1 if wrong else 0

if __name__ == "__main__":
    sys.exit(main())
