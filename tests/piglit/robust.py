"""GL programs that die mid-stream, and many short-lived ones, through this driver: after each the
guest must hold nothing of it (its contexts, resources, attachments, guest pages behind resources;
the core's heap and DMA memory no more than after the first program).

  python3 -m tests.piglit.robust --bridge B --guest G [--kills N] [--programs N]
A killed program is SIGKILLed at a different moment each time while it is still talking to the
bridge (it must have made some requests, and not have finished).
"""
import argparse
import sys
import tempfile
from pathlib import Path

from tests.harness import lanes
from tests.piglit import subset
from tests.piglit.run import leaks

LONG = "spec@!opengl 1.1@texsubimage"        # seconds of uploads and draws through the bridge
SHORT = "spec@!opengl 1.1@array-stride"      # a fraction of a second


def command(name):
    return next(t for t in subset.all_tests() if t.name == name).command(lanes.PIGLIT_BIN)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bridge", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--programs", type=int, default=20)
    ap.add_argument("--out", default="out/piglit")
    args = ap.parse_args()
    status = lanes.skip_or_fail("piglit robustness")
    if status is not None:
        return status
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lane = lanes.DriverLane(Path(tempfile.mkdtemp(prefix="robust-", dir=out)), Path(args.bridge), Path(args.guest))
    problems, n = [], 0
    lane.start()
    try:
        first = None
        for i in range(args.kills + args.programs):
            killing = i < args.kills
            delay = 0.3 + 0.45 * i if killing else None
            outcome, secs, _ = lane.run(command(LONG if killing else SHORT), timeout=120, kill_after=delay)
            n += 1
            closed = lane.wait_closed()
            if len(closed) < n or lane.accepted() != n:
                problems.append(f"program {n}: {lane.accepted()} connected, {len(closed)} released")
                break
            c = closed[n - 1]
            first = first or c
            if killing and (outcome != "killed" or int(c["ops"]) < 20):
                problems.append(f"program {n}: not killed mid-stream ({outcome}, {c['ops']} requests)")
            bad = leaks(c, first)
            if bad:
                problems.append(f"program {n} ({'killed' if killing else outcome}): left " +
                                ", ".join(f"{k}={c[k]}" for k in bad))
            if killing:
                print(f"  killed after {delay:.2f}s with {c['ops']} requests served: "
                      f"contexts={c['core_contexts']} resources={c['core_resources']} "
                      f"backing={c['backing']} core_heap={c['core_heap']}", flush=True)
        last = (lane.closed_lines() or [None])[-1]
        if last and first:
                print(f"{args.kills} killed + {args.programs} short programs; after the last: "
                  f"contexts={last['core_contexts']} resources={last['core_resources']} backing={last['backing']} "
                  f"(the command buffer) core_heap={last['core_heap']} core_dma={last['core_dma']} "
                  f"(first: {first['core_heap']}, {first['core_dma']})")
    finally:
        lane.stop()
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
