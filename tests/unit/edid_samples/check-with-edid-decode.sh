#!/bin/sh
# Cross-check core/gpu/edid.c against Debian's edid-decode (an independent parser) on every EDID
# sample in this directory: sizes, refresh rates and the preferred timing must agree (rules in
# compare_edid_decode.py).  Prints "N passed, N failed"; exits non-zero on any disagreement.
# Usage: tests/unit/edid_samples/check-with-edid-decode.sh   (CC, PYTHON may be overridden)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
CC=${CC:-cc}
PYTHON=${PYTHON:-/usr/bin/python3}

if ! command -v edid-decode >/dev/null 2>&1; then
    exec "$root/scripts/skip-or-fail.sh" project test-edid-decode \
        "edid-decode is not installed (Debian package edid-decode, make deps installs it)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$CC -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined -I"$root/core" \
    "$here/edid_dump.c" "$root/core/gpu/edid.c" -o "$tmp/edid_dump"

pass=0
fail=0
for f in "$here"/*.bin; do
    # edid-decode exits non-zero when an EDID fails conformity; its report is still complete.
    edid-decode "$f" >"$tmp/decode.txt" 2>&1 || true
    "$tmp/edid_dump" "$f" >"$tmp/dump.txt"
    if "$PYTHON" "$here/compare_edid_decode.py" "$f" "$tmp/decode.txt" "$tmp/dump.txt"; then
        echo "ok   $(basename "$f")"
        pass=$((pass + 1))
    else
        echo "FAIL $(basename "$f")"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
