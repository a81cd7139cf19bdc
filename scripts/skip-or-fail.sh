#!/bin/sh
# The one skip policy of `make test` (issue 18), for make and shell steps; tests/skip_policy.py is
# the same for pytest.
#   skip-or-fail.sh project WHO REASON   an input the project provides is missing (../shared data,
#                                        a Debian package the Makefile installs): with CI=true the
#                                        step fails; elsewhere it skips
#   skip-or-fail.sh external WHO REASON  an input from outside the project (Apple's SDK, other
#                                        projects' sources): always a skip
#   skip-or-fail.sh --summary            the skips of this run, counted (make test ends with it)
# Every skip prints its reason and is appended to $VGPU_SKIP_LOG (default out/skips.txt).
set -u
log=${VGPU_SKIP_LOG:-out/skips.txt}
if [ "$1" = --summary ]; then
    n=$(cat "$log" 2>/dev/null | wc -l)
    echo "skipped: $n"
    [ "$n" -gt 0 ] && sed 's/^/  /' "$log"
    exit 0
fi
kind=$1 who=$2 reason=$3
if [ "$kind" = project ] && [ "${CI:-}" = true ]; then
    echo "$who: FAILED: $reason (CI=true: inputs the project provides must be there)" >&2
    exit 1
fi
mkdir -p "$(dirname "$log")"
echo "$who: skipped ($kind input missing): $reason" | tee -a "$log"
exit 0
