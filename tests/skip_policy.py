"""The one skip policy of `make test` for pytest suites (scripts/skip-or-fail.sh for make steps).

missing(reason)                an input the project provides is absent (../shared data, a Debian
                               package the Makefile installs, a binary make builds): with CI=true
                               the test fails, elsewhere it skips
missing(reason, external=True) an input from outside the project (Apple's SDK, other projects'
                               sources): always a skip
Every skip's reason is printed (run pytest with -rs) and appended to $VGPU_SKIP_LOG, which
`make test` counts at the end.
"""
import os
from pathlib import Path

import pytest

LOG = Path(os.environ.get("VGPU_SKIP_LOG", Path(__file__).resolve().parents[1] / "out" / "skips.txt"))


def missing(reason, external=False):
    if not external and os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: inputs the project provides must be there)", pytrace=False)
    LOG.parent.mkdir(parents=True, exist_ok=True)
    kind = "external" if external else "project"
    with LOG.open("a") as log:
        log.write(f"{os.environ.get('PYTEST_CURRENT_TEST', 'pytest').split(' ')[0]}: skipped ({kind} input missing): "
                  f"{reason}\n")
    pytest.skip(reason)
