#!/usr/bin/python3
"""`make mutate`: apply each mutant of tests/mutate/mutants.txt alone in a scratch copy of the tree,
run the suites it names, and print killed/survived (with the time each took).

Usage: tests/mutate/mutate.py [--keep] [NAME...]   (exit 1 when a mutant survives or is stale)
One scratch copy serves every mutant (the build directory comes along, so make rebuilds only what
the mutant touched); the file is restored after each.  The tree itself is never modified.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LIST = Path(__file__).with_name("mutants.txt")
PY = "/usr/bin/python3"
FUZZ_TARGETS = "3d devcfg pci resp stateful used"
COMPILE_ERROR = re.compile(r"\.(?:c|h|cpp):\d+:\d+: (?:fatal )?error:")   # gcc/clang, not cmocka
SUITES = {       # fail fast: the first failure kills the mutant
    "unit": ["make", "-j2", "test-unit"],
    "fuzz": ["sh", "-c", f"make -j2 fuzz-build && tests/fuzz/replay.sh build/fuzz tests/fuzz {FUZZ_TARGETS}"],
    "e2e": ["make", "-j2", "test-e2e", "E2E_PYTEST=-x"],
    "e2e3d": ["make", "-j2", "test-3d"],
    "opencore": ["make", "-j2", "test-opencore"],
    "kext": ["make", "-j2", "test-kext"],
}


def parse(path):
    mutants = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip().replace("\0", "|").replace("\\n", "\n") for f in line.replace("\\|", "\0").split(" | ")]
        name, file, old, new, suites = fields
        mutants.append((name, file, old, new, suites.split()))
    return mutants


def scratch_copy():
    root = Path(tempfile.mkdtemp(prefix="vgpu-mutate-"))
    ignore = shutil.ignore_patterns(".git", "out")
    shutil.copytree(REPO, root / "tree", ignore=ignore, symlinks=True)
    return root / "tree"


def scratch_env(tree):
    """The caller's environment, but skips are logged in the scratch copy, not the caller's make test."""
    return dict(os.environ, VGPU_SKIP_LOG=str(tree / "out" / "skips.txt"))


def run_mutant(tree, name, file, old, new, suites):
    path = tree / file
    original = path.read_text()
    if original.count(old) != 1:
        return "stale", f"text found {original.count(old)} times in {file}"
    path.write_text(original.replace(old, new))
    try:
        for suite in suites:
            result = subprocess.run(SUITES[suite], cwd=tree, capture_output=True, text=True, env=scratch_env(tree))
            if result.returncode != 0:
                if COMPILE_ERROR.search(result.stdout + result.stderr):    # it must compile to count
                    return "stale", f"{suite}: does not compile"
                return "killed", suite
        return "survived", " ".join(suites)
    finally:
        path.write_text(original)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    mutants = [m for m in parse(LIST) if not args.names or m[0] in args.names]
    tree = scratch_copy()
    started, counts = time.monotonic(), {"killed": 0, "survived": 0, "stale": 0}
    try:
        for suite in ("unit", "e2e"):       # unmutated: every suite must pass first
            if subprocess.run(SUITES[suite], cwd=tree, capture_output=True, env=scratch_env(tree)).returncode != 0:
                print(f"mutate: the unmutated tree fails {suite}; fix that first")
                return 2
        for name, file, old, new, suites in mutants:
            t0 = time.monotonic()
            verdict, detail = run_mutant(tree, name, file, old, new, suites)
            counts[verdict] += 1
            print(f"{verdict:<8} {name:<26} {file:<26} {detail} ({time.monotonic() - t0:.0f} s)", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tree.parent, ignore_errors=True)
    total = sum(counts.values())
    print(f"mutate: {counts['killed']} of {total} killed ({100 * counts['killed'] // max(total, 1)}%), "
          f"{counts['survived']} survived, {counts['stale']} stale, {time.monotonic() - started:.0f} s")
    return 0 if counts["killed"] == total else 1


if __name__ == "__main__":
    sys.exit(main())
