"""3D submit throughput of the driver on QEMU's virtio-gpu-gl-pci (llvmpipe), measured in the guest.

Each submit carries CMDS virgl commands (SET_VIEWPORT_STATE, 32 bytes each).  `sync` waits for
the device's answer to every submit (host time per submit = round trip through the control
queue and virglrenderer's decoder); `fenced` queues all submits with fences and waits for the
last one (what a GL driver that does not block per batch would see).  The guest's TSC clock
measures; nothing is timed on the host side.

    python3 -m tests.e2e3d.bench3d [--guest build/guest/vgpu-guest.elf] [--json out/bench3d.json]
"""
import argparse
import json
from pathlib import Path

from tests.harness.machine import Machine, MachineConfig

HERE = Path(__file__).resolve().parent

CASES = [(400, 1, "sync"), (400, 16, "sync"), (100, 256, "sync"), (400, 1, "fenced"), (400, 16, "fenced")]


def run(guest):
    machine = Machine(MachineConfig(kernel=guest, gpu="virtio-gpu-gl-pci",
                                    display="egl-headless,rendernode=/dev/null"))
    machine.start()
    try:
        machine.guest.ok("gl on")
        if not machine.guest.ok("init").int("features") & 1:
            raise SystemExit("the device did not offer VIRTIO_GPU_F_VIRGL")
        machine.guest.ok("gl target 16 16")
        results = []
        for n, cmds, mode in CASES:
            reply = machine.guest.ok(f"gl bench {n} {cmds}" + (" fenced" if mode == "fenced" else ""), timeout=300)
            row = {k: int(v) for k, v in reply.fields.items()}
            row["mode"] = mode
            results.append(row)
        return results
    finally:
        machine.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guest", default=str(HERE.parents[1] / "build" / "guest" / "vgpu-guest.elf"))
    parser.add_argument("--json")
    args = parser.parse_args()
    results = run(Path(args.guest))
    print(f"{'mode':7} {'submits':>7} {'cmds/submit':>11} {'bytes':>6} {'us/submit':>10} {'submits/s':>10} {'cmds/s':>10}")
    for r in results:
        print(f"{r['mode']:7} {r['n']:7} {r['cmds']:11} {r['bytes']:6} {r['ns_per_submit'] / 1000:10.1f} "
              f"{r['submits_per_s']:10} {r['cmds_per_s']:10}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
