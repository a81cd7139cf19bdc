"""make bench, GL part: a GL program's frames per second through this driver against the reference
lane on the same machine (bench/gl/glfps.c in both lanes of tests/harness/lanes.py), and the
bridge <-> guest link's throughput (virtio-console port, echo round trips).  Adds a "gl" section to
out/bench.json.

  python3 -m bench.gl.gl_bench --glfps B --bridge B --guest G [--seconds S] [--json out/bench.json]
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.harness import lanes

REPO = Path(__file__).resolve().parents[2]

# The last frame's centre pixel: 4 quads overlap there, each adding texel 0x40 x 0.5 (blend ONE, ONE)
# onto the clear colour (0, 0, 0.25, 1); 8-bit channels, clamped.
_ADD = 4 * 0.5 * 0x40 / 255
EXPECTED_PIXEL = [round(min(1.0, c + _ADD) * 255) for c in (0.0, 0.0, 0.25, 1.0)]


def fps(lane, glfps, seconds):
    """Run it from the lane's own directory: inside the program's namespace that is /tmp."""
    (lane.dir / "glfps").write_bytes(glfps.read_bytes())
    (lane.dir / "glfps").chmod(0o755)
    outcome, _, out = lane.run(["/tmp/glfps", str(seconds)], timeout=seconds * 20 + 60)
    lines = [ln for ln in out.decode(errors="replace").splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"glfps printed nothing in the {lane.name} lane: {out[-500:]!r}")
    return json.loads(lines[-1])


def link_throughput(bridge, results):
    def measure(lane):
        for size, rounds in ((4096, 200), (65536, 50), (1 << 20, 10)):
            out = subprocess.run([str(bridge), "--guest", str(lane.link), "--echo", str(size), "--rounds", str(rounds)],
                                 capture_output=True, text=True, timeout=120, check=True).stdout
            results.append(json.loads(out))
    return measure


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--glfps", required=True)
    ap.add_argument("--bridge", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--json", type=Path, default=REPO / "out" / "bench.json")
    args = ap.parse_args()
    missing = lanes.missing_tools()
    if missing:
        print("bench gl: skipped, missing " + "; ".join(missing))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-gl-", dir=args.json.parent))
    glfps = Path(args.glfps)
    link = []
    ref_lane, drv_lane = lanes.ReferenceLane(work), lanes.DriverLane(work, Path(args.bridge), Path(args.guest))
    try:
        ref_lane.start()
        ref = fps(ref_lane, glfps, args.seconds)
    finally:
        ref_lane.stop()
    try:
        drv_lane.start(before_bridge=link_throughput(Path(args.bridge), link))
        drv = fps(drv_lane, glfps, args.seconds)
    finally:
        drv_lane.stop()
    section = {"workload": "bench/gl/glfps.c: 64x64 texture upload, 64 blended textured quads into 256x256, "
                           "1-pixel read-back per frame",
               "reference_fps": ref["fps"], "driver_fps": drv["fps"], "ratio": round(drv["fps"] / ref["fps"], 4),
               "reference": ref, "driver": drv, "link_echo": link}
    print("GL frames per second (same machine, TCG guest for the driver lane):")
    print(f"  reference (virgl_test_server)      {ref['fps']:9.2f}")
    print(f"  this driver (bridge, guest, QEMU)  {drv['fps']:9.2f}   ratio {section['ratio']:.4f}")
    for e in link:
        print(f"  link echo {e['bytes']:>8} B: {e['mib_per_s_each_way']:7.2f} MiB/s each way, "
              f"{e['round_trip_us']:8.1f} us per round trip")
    for lane, res in (("reference", ref), ("driver", drv)):
        if any(abs(a - b) > 2 for a, b in zip(res["pixel"], EXPECTED_PIXEL)):
            print(f"bench gl: the {lane} lane drew {res['pixel']}, not {EXPECTED_PIXEL}: the ratio means nothing")
            return 1
    data = json.loads(args.json.read_text()) if args.json.is_file() else {}
    data["gl"] = section
    args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
