"""Resize latency on QEMU's device: the test guest follows the host's size with the display agent's
policy (`follow on`, agent/follow_logic.c), and this measures, from the host, the time from a VNC
SetDesktopSize to the first screendump at the new size.  The policy's 250 ms settle time is part of
it on purpose (it is what a user waits for); the rest is QEMU's event, the guest's new framebuffer
(drawn in full) and the mode set, plus up to one screendump of polling.  Also a burst of 10 sizes
within a second: mode sets counted in QEMU's trace, and the time from the last request to the last
size on screen.  Prints a table; with --json adds a "resize" section to that file.

Usage, from the repository root:
    python3 -m bench.resize --guest build/guest/vgpu-guest.elf [--json out/bench.json] [--rounds N]
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tests.harness.machine import Machine, MachineConfig
from tests.harness.resize import resize, screen_size, vnc_client, wait_for_size
from tests.harness.steps import CREATE_2D, SET_SCANOUT

SIZES = [(1440, 900), (1024, 768), (1920, 1080), (800, 600), (1280, 800)]
BURST = [(800 + 64 * i, 600 + 36 * i) for i in range(10)]
BURST_GAP_S = 0.08


def poll_seconds(vm, n=5):
    start = time.monotonic()
    for _ in range(n):
        screen_size(vm, 0)
    return (time.monotonic() - start) / n


def single_resizes(vm, client, rounds):
    latencies = {}
    for _ in range(rounds):
        for size in SIZES:
            start = time.monotonic()
            resize(client, *size)
            _, seconds = wait_for_size(vm, 0, size, start)
            latencies.setdefault(size, []).append(seconds)
    return latencies


def burst(vm, client):
    mark = vm.trace.mark()
    for size in BURST:
        client.set_desktop_size(*size)
        last = time.monotonic()
        time.sleep(BURST_GAP_S)
    _, seconds = wait_for_size(vm, 0, BURST[-1], last)
    time.sleep(0.5)
    events = vm.trace.since(mark)
    sets = [e for e in events if e.name == SET_SCANOUT and e["id"] == 0 and e["res"] != 0]
    return seconds, len(sets), sum(e.name == CREATE_2D for e in events)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--guest", required=True, type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.guest.is_file():
        print(f"bench/resize.py: no guest binary at {args.guest}; skipped")
        return 0
    vm = Machine(MachineConfig(kernel=args.guest.resolve(), vnc=True, trace=("virtio_gpu_*",)))
    vm.start()
    try:
        vm.guest.ok("init")
        vm.guest.ok("modepref 0 1")
        vm.guest.ok("follow on 2")
        client = vnc_client(vm)
        poll = poll_seconds(vm)
        latencies = single_resizes(vm, client, args.rounds)
        burst_s, burst_sets, burst_creates = burst(vm, client)
        client.close()
    finally:
        vm.stop()
    every = [s for values in latencies.values() for s in values]
    print(f"resize latency, SetDesktopSize -> first screendump at the new size (TCG, {args.rounds} rounds, "
          f"250 ms settle included, one poll (PPM screendump) {poll * 1000:.0f} ms):")
    for (w, h), values in latencies.items():
        print(f"  {w}x{h:<5} median {statistics.median(values) * 1000:6.0f} ms   "
              f"min {min(values) * 1000:6.0f}   max {max(values) * 1000:6.0f}")
    print(f"  all       median {statistics.median(every) * 1000:6.0f} ms")
    print(f"burst of {len(BURST)} sizes {BURST_GAP_S * 1000:.0f} ms apart: {burst_sets} mode set(s), "
          f"{burst_creates} resource(s) created, last size on screen {burst_s * 1000:.0f} ms after the last request")
    if args.json:
        data = json.loads(args.json.read_text()) if args.json.exists() else {}
        data["resize"] = {
            "median_ms": round(statistics.median(every) * 1000, 1),
            "per_size_median_ms": {f"{w}x{h}": round(statistics.median(v) * 1000, 1) for (w, h), v in latencies.items()},
            "settle_ms": 250, "screendump_poll_ms": round(poll * 1000, 1),
            "burst": {"sizes": len(BURST), "mode_sets": burst_sets, "creates": burst_creates,
                      "last_request_to_screen_ms": round(burst_s * 1000, 1)},
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
