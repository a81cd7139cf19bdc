"""The layering check must pass on the tree and fail on each kind of break, in a copy of core/."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = Path(__file__).with_name("check_layers.py")


def run(core):
    return subprocess.run([sys.executable, str(CHECK), str(core)], capture_output=True, text=True)


@pytest.fixture
def core(tmp_path):
    dst = tmp_path / "core"
    shutil.copytree(REPO / "core", dst)
    return dst


def add_include(path, line):
    text = path.read_text()
    first = text.index("#include")
    path.write_text(text[:first] + line + "\n" + text[first:])


def test_the_tree_keeps_the_rule():
    result = run(REPO / "core")
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("file, include, says", [
    ("gpu/vgpu.c", '#include "gpu3d/vgpu3d.h"', 'gpu/vgpu.c: includes "gpu3d/vgpu3d.h"'),
    ("virtio/virtqueue.c", '#include "gpu/vgpu.h"', 'virtio/virtqueue.c: includes "gpu/vgpu.h"'),
    ("console/vconsole.c", '#include "gpu/dev.h"', 'console/vconsole.c: includes "gpu/dev.h"'),
    ("refresh/refresh.c", '#include "gpu/dev.h"', 'refresh/refresh.c: includes "gpu/dev.h"'),
    ("base/log.c", '#include "virtio/vring.h"', 'base/log.c: includes "virtio/vring.h"'),
    ("gpu/cmd.c", '#include "vring.h"', 'gpu/cmd.c: includes "vring.h"'),
    ("gpu/edid.c", "#include <string.h>", "gpu/edid.c: includes <string.h>"),
])
def test_a_forbidden_include_fails(core, file, include, says):
    add_include(core / file, include)
    result = run(core)
    assert result.returncode == 1
    assert says in result.stdout


def test_a_file_missing_from_the_map_fails(core):
    (core / "gpu" / "newthing.c").write_text('#include "gpu/dev.h"\n')
    result = run(core)
    assert result.returncode == 1
    assert "core/gpu/newthing.c: not in core/README.md's map" in result.stdout


def test_a_map_entry_without_a_file_fails(core):
    (core / "refresh" / "damage.c").unlink()
    result = run(core)
    assert result.returncode == 1
    assert "names refresh/damage.c, which does not exist" in result.stdout


def test_a_room_outside_the_table_fails(core):
    (core / "extra").mkdir()
    (core / "extra" / "x.h").write_text("")
    result = run(core)
    assert result.returncode == 1
    assert "room extra/ is not in core/README.md's Rooms table" in result.stdout
