"""The Python of this tree reaches shared code from the repository root (pytest.ini's pythonpath,
`python3 -m` from the root), never by editing sys.path; every harness module imports that way."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PATH_EDIT = re.compile(r"\bsys\.path\s*(\.\s*(insert|append|extend)\s*\(|\[[^\]]*\]\s*=|\+?=)")


def tracked_python():
    names = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    for name in names:
        path = REPO / name
        if name.endswith(".py"):
            yield path
        elif path.is_file():
            first = path.read_bytes()[:40]
            if first.startswith(b"#!") and b"python" in first:
                yield path


@pytest.mark.parametrize("line", ["sys.path.insert(0, str(HERE))", "sys.path.append(x)",
                                  "sys.path += [here]", "sys.path[:0] = [here]"])
def test_the_rule_sees_a_path_edit(line):
    assert PATH_EDIT.search(line)


def test_no_python_file_edits_sys_path():
    """Every tracked Python file but this one, whose examples above are edits on purpose."""
    edits = [f"{path.relative_to(REPO)}:{n}: {line.strip()}"
             for path in tracked_python() if path != Path(__file__).resolve()
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if PATH_EDIT.search(line) and not line.lstrip().startswith("#")]
    assert not edits, "\n".join(edits)


MODULES = sorted(p.stem for p in Path(__file__).parent.glob("*.py")
                 if p.stem not in ("__init__",) and not p.stem.startswith("test_"))


@pytest.mark.parametrize("module", MODULES)
def test_each_harness_module_imports_from_the_root(module):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", f"import tests.harness.{module}"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
