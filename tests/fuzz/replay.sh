#!/bin/sh
# replay.sh BIN_DIR SRC_DIR TARGET... — fuzz-smoke: run every committed input of each target once
# (tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/, plus an empty input) under
# ASan/UBSan.  No mutation, no time limit: deterministic.  Exits non-zero if any input fails.
set -u
bin=$1 src=$2
shift 2
fail=0
empty="$bin/empty-input"
: >"$empty"
for t in "$@"; do
    log="$bin/smoke-$t.log"
    list="$bin/smoke-$t.inputs"
    { echo "$empty"; find "$src/corpus/$t" "$src/regressions/$t" -type f 2>/dev/null | sort; } >"$list"
    n=$(wc -l <"$list")
    start=$(date +%s)
    if xargs "$bin/fuzz_$t" -runs=0 <"$list" >"$log" 2>&1; then
        echo "fuzz-smoke $t: $n inputs ok ($(( $(date +%s) - start )) s)"
    else
        echo "fuzz-smoke $t: FAILED (log $log):" >&2
        grep -E "FUZZ FINDING|ERROR|runtime error|^Running" "$log" | tail -5 >&2
        fail=1
    fi
done
exit $fail
