#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The allocation-failure sweep (curl's torture test): each representative command runs once
# to count its allocations (tests/faults/alloc_shim.c counts those of dialtone's own code),
# then once with allocation N failing for every N from 1 to that count. Every run must either
# succeed with the same output as the reference run (the failure was survivable) or exit 1
# saying "out of memory", with no sanitizer report (ASan, UBSan, LeakSanitizer), no output,
# no temporary file in the output directory, and nothing written beside the inputs.
# Usage: tests/faults/allocsweep.sh BIN [CASE...]
#        (cases: stats map plan report merge diff run threads)
# SWEEP_STEP=K tries every Kth N only (a quicker, partial sweep; the default is 1, every N).
set -u
bin=$(cd "$(dirname "${1:?usage: allocsweep.sh BIN [CASE...]}")" && pwd)/$(basename "$1")
shift
cd "$(dirname "$0")/../.."
step=${SWEEP_STEP:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=86:abort_on_error=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=87:print_stacktrace=1
passed=0
failed=0
points=0
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }

# Inputs: copies in $tmp/in, so that "nothing beside the inputs" is a listing of one directory.
in=$tmp/in
mkdir -p "$in"
cp tests/data/geo/bdc.csv tests/data/geo/bdc_extra.csv tests/data/geo/blocks.gpkg \
    tests/data/geo/areas_4269.gpkg tests/data/geo/households.csv "$in/"
cp tests/data/main/part1.csv tests/data/main/part2.csv tests/data/main/fabric.csv "$in/"
cp tests/data/map/three.geojson tests/data/map/three_stats.csv "$in/"
cp tests/data/plan/stats.csv tests/data/plan/costs.csv tests/data/plan/land.csv "$in/"
mkdir -p "$in/old" "$in/new"
cp tests/data/diff/old/* "$in/old/"
cp tests/data/diff/new/* "$in/new/"

printf 'geoid,land_km2\n08,269837\n31,198974\n' >"$in/state_land.csv"
# two states' partials (Nebraska, Kansas): what merge is for
"$bin" stats -q --partial-out "$in/a.partial" tests/data/prices/bdc_ne.csv 2>/dev/null
"$bin" stats -q --partial-out "$in/b.partial" tests/data/prices/bdc_ks.csv 2>/dev/null
cat >"$in/small.conf" <<EOC
bdc = part1.csv part2.csv
fabric = fabric.csv
by = state
budget = 100000
costs = costs.csv
land = state_land.csv
name = small
EOC
listing() { (cd "$in" && find . | LC_ALL=C sort); }
listing >"$tmp/inputs.before"

# case NAME OUTPUT ARGS...: OUTPUT is the file compared with the reference run (in $tmp/out).
case_args() {
    case $1 in
    stats) echo "stats -q -o OUT/t.csv --fabric $in/fabric.csv --blocks $in/blocks.gpkg
        --regions $in/areas_4269.gpkg --id-field AREA_ID --households $in/households.csv
        $in/bdc.csv $in/bdc_extra.csv" ;;
    map) echo "map -q -o OUT/t.png --regions $in/three.geojson --stats $in/three_stats.csv
        --column pct_unserved" ;;
    plan) echo "plan -q -o OUT/t.csv --budget 100000 --costs $in/costs.csv --land $in/land.csv
        $in/stats.csv" ;;
    report) echo "report -q -o OUT/t.html --stats $in/stats.csv" ;;
    merge) echo "merge -o OUT/t.csv $in/a.partial $in/b.partial" ;;
    diff) echo "diff -q -o OUT/t.csv $in/old $in/new" ;;
    run) echo "run -q --out OUT/t $in/small.conf" ;;
    threads) echo "stats -q --threads 3 -o OUT/t.csv --by county $in/part1.csv $in/part2.csv" ;;
    esac
}

# The environment of a case: the threaded reader with small chunks, each file read in ranges.
case_env() {
    case $1 in
    threads) echo "DIALTONE_CHUNK_SIZE=97" ;;
    *) echo "DIALTONE_CASE=$1" ;;
    esac
}

# The output directory's text: every file's name and bytes (a run's outputs are a directory).
digest() { (cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do echo "$f"; cat "$f"; done) | md5sum; }

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(stats map plan report merge diff run threads)
for name in "${cases[@]}"; do
    read -r -a args <<<"$(case_args "$name" | tr '\n' ' ')"
    [ ${#args[@]} -gt 0 ] || { fail "$name: no such case"; continue; }
    out=$tmp/out
    rm -rf "$out" && mkdir -p "$out"
    read -r -a envs <<<"$(case_env "$name")"
    env "${envs[@]}" DT_ALLOC_COUNT=$tmp/count "$bin" "${args[@]//OUT/$out}" >"$tmp/stdout" 2>"$tmp/stderr"
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name: the reference run exits $status: $(head -c 400 "$tmp/stderr")"
        continue
    fi
    total=$(cat "$tmp/count")
    ref=$(digest "$out")
    start=$(date +%s)
    bad=0
    tried=0
    for ((n = 1; n <= total; n += step)); do
        rm -rf "$out" && mkdir -p "$out"
        env "${envs[@]}" DT_ALLOC_FAIL=$n "$bin" "${args[@]//OUT/$out}" >"$tmp/stdout" 2>"$tmp/stderr"
        status=$?
        tried=$((tried + 1))
        why=
        if grep -qE 'Sanitizer|runtime error' "$tmp/stderr"; then
            why="a sanitizer report"
        elif [ "$status" -eq 0 ]; then
            [ "$(digest "$out")" = "$ref" ] || why="succeeded with a different output"
        elif [ "$status" -ne 1 ]; then
            why="exit status $status"
        elif ! grep -q 'out of memory' "$tmp/stderr"; then
            why="no out-of-memory message"
        elif [ -n "$(ls -A "$out")" ]; then
            why="left $(ls -A "$out" | head -n 3 | tr '\n' ' ')"
        fi
        if [ "$(listing)" != "$(cat "$tmp/inputs.before")" ]; then
            why="${why:+$why; }wrote beside the inputs"
            rm -rf "$in"/*.tmp.* 2>/dev/null
        fi
        if [ -n "$why" ]; then
            bad=$((bad + 1))
            [ "$bad" -le 5 ] && echo "  $name: allocation $n: $why: $(grep -m1 -E 'ERROR|SUMMARY|runtime error|dialtone' "$tmp/stderr" | head -c 300)"
        fi
    done
    points=$((points + total))
    secs=$(($(date +%s) - start))
    if [ "$bad" -eq 0 ]; then
        echo "ok: $name: $total allocations, $tried runs with one failing, all clean ($secs s)"
        passed=$((passed + 1))
    else
        fail "$name: $bad of $tried runs with one allocation failing were not clean ($secs s)"
    fi
done
echo "allocation points swept: $points (step $step)"
echo "allocsweep: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
