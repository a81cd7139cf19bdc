#!/bin/sh
# run-fuzz.sh BIN_DIR SRC_DIR SECONDS TARGET... — `make fuzz`: fuzz each target in turn for
# SECONDS, starting from its committed corpus (new inputs go to BIN_DIR/work/<target>, never into
# the source tree), then print one table row per target: executions, coverage (libFuzzer's final
# cov: edges and ft: features), corpus size and findings (crash/leak/timeout files written to
# BIN_DIR/findings/<target>/).  Exits non-zero when anything was found.
set -u
bin=$1 src=$2 secs=$3
shift 3
rows="" found=0
for t in "$@"; do
    work="$bin/work/$t" out="$bin/findings/$t" log="$bin/fuzz-$t.log"
    mkdir -p "$work" "$out"
    maxlen=4096
    [ "$t" = edid ] && maxlen=1026
    [ "$t" = virgl_caps ] && maxlen=1500
    seeds=""
    [ -d "$src/corpus/$t" ] && seeds="$src/corpus/$t"
    before=$(ls "$out" | wc -l)
    echo "fuzz $t: ${secs}s ..." >&2
    "$bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -max_len="$maxlen" -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$out/" "$work" $seeds >"$log" 2>&1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    new=$(( $(ls "$out" | wc -l) - before ))
    [ "$new" -gt 0 ] && found=1
    rows="$rows$(printf '%-12s %10s %8s %6s %7s %7s %9s' "$t" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "$new")
"
    if [ "$new" -gt 0 ]; then
        grep -E "FUZZ FINDING|ERROR: |runtime error" "$log" | head -2 | sed 's/^/    /' >&2
        ls -t "$out" | head -"$new" | sed "s|^|    finding: $out/|" >&2
    fi
done
printf '%-12s %10s %8s %6s %7s %7s %9s\n' target execs exec/s cov ft corpus findings
printf '%s' "$rows"
exit $found
