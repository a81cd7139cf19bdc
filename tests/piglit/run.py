"""make test-piglit / test-piglit-short: a piglit subset in two lanes, and the guest's accounting.

Each test runs once in the reference lane (virgl_test_server) and once through this driver (the
bridge, the test guest, QEMU's virtio-gpu-gl-pci).  The verdicts are piglit's own (pass, fail, skip,
warn); a program that dies or prints no verdict is a crash, one that runs past the timeout a
timeout.  After every program of the driver lane the guest reports what it still holds; anything
but its command buffer is a leak.  Exit status 1 on a leak, or on a test that passes in the reference
lane but not here unless known.py names it with its cause.
"""
import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from tests.harness import lanes
from tests.piglit import subset
from tests.piglit.known import KNOWN

OUTCOMES = ("pass", "fail", "skip", "warn", "crash", "timeout")


def leaks(closed, first):
    """What a program's release left behind, against the first program's (the command buffer)."""
    bad = [k for k in ("client_contexts", "client_resources", "core_contexts", "core_resources", "core_attachments")
           if closed[k] != "0"]
    bad += [k for k in ("backing", "core_heap", "core_dma") if int(closed[k]) > int(first[k])]
    return bad


def run_lane(lane, tests, timeout, report):
    results = {}
    lane.start()
    try:
        first, seen = None, 0
        for t in tests:
            outcome, secs, out = lane.run(t.command(lanes.PIGLIT_BIN), timeout=timeout)
            results[t.name] = {"outcome": outcome, "seconds": round(secs, 2)}
            if outcome in ("fail", "crash", "timeout"):
                results[t.name]["tail"] = out.decode(errors="replace")[-1500:]
            if isinstance(lane, lanes.DriverLane):
                closed = lane.wait_closed()
                if len(closed) < lane.accepted():
                    report.append(f"{t.name}: the guest reported no release")
                elif len(closed) > seen:    # a program that never connected has nothing to release
                    seen = len(closed)
                    first = first or closed[0]
                    bad = leaks(closed[-1], first)
                    if bad:
                        report.append(f"{t.name}: left behind {', '.join(f'{k}={closed[-1][k]}' for k in bad)}")
            print(f"  {lane.name:9} {outcome:7} {secs:6.1f}s  {t.name}", flush=True)
    finally:
        lane.stop()
    return results


def table(tests, ref, drv):
    lines = ["| lane | pass | fail | skip | warn | crash | timeout |", "|---|---|---|---|---|---|---|"]
    for name, res in (("reference (virgl_test_server)", ref), ("this driver (bridge, guest, QEMU)", drv)):
        c = Counter(res[t.name]["outcome"] for t in tests)
        lines.append(f"| {name} | " + " | ".join(str(c[o]) for o in OUTCOMES) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bridge", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--subset", choices=("short", "full"), default="short")
    ap.add_argument("--out", default="out/piglit")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--only", help="run only tests whose name contains this")
    ap.add_argument("--reference-json", type=Path,
                    help="reference verdicts of an earlier run ({name: {outcome, seconds}}): the reference lane "
                         "runs only the tests missing there (it does not depend on this driver)")
    args = ap.parse_args()
    status = lanes.skip_or_fail("test-piglit")
    if status is not None:
        return status
    tests = subset.select(args.subset)
    if args.only:
        tests = [t for t in tests if args.only in t.name]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="piglit-", dir=out))
    print(f"piglit {args.subset} subset: {len(tests)} tests, two lanes (work dir {work})")
    report = []
    known_ref = json.loads(args.reference_json.read_text()) if args.reference_json else {}
    todo = [t for t in tests if t.name not in known_ref]
    ref = {t.name: known_ref[t.name] for t in tests if t.name in known_ref}
    if todo:
        ref.update(run_lane(lanes.ReferenceLane(work), todo, args.timeout, report))
    drv = run_lane(lanes.DriverLane(work, Path(args.bridge), Path(args.guest)), tests, args.timeout, report)
    diffs, explained = [], []
    for t in tests:
        if ref[t.name]["outcome"] == "pass" and drv[t.name]["outcome"] != "pass":
            (explained if t.name in KNOWN else diffs).append(t.name)
    summary = table(tests, ref, drv)
    lines = [summary, ""]
    lines += [f"- passes in the reference lane only, explained: `{n}` ({drv[n]['outcome']}): {KNOWN[n]}" for n in explained]
    lines += [f"- passes in the reference lane only, NOT explained: `{n}` ({drv[n]['outcome']})" for n in diffs]
    lines += [f"- leak: {r}" for r in report]
    text = "\n".join(lines)
    print(text)
    (out / f"{args.subset}.md").write_text(text + "\n")
    (out / f"{args.subset}.json").write_text(json.dumps(
        {"tests": {t.name: {"reference": ref[t.name], "driver": drv[t.name]} for t in tests},
         "unexplained": diffs, "explained": explained, "leaks": report}, indent=1))
    return 1 if diffs or report else 0


if __name__ == "__main__":
    sys.exit(main())
