#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every test suite of `make check` and prints one closing count.
# Usage: tests/run_all.sh BIN UNIT_TEST...
set -u
bin=${1:?usage: tests/run_all.sh BIN UNIT_TEST...}
shift
cd "$(dirname "$0")/.."
passed=0
failed=0
suites_failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME CMD...: run a suite, echo its output, add its closing "N passed, N failed".
run() {
    local name=$1
    shift
    echo "== $name"
    "$@" >"$tmp/out" 2>&1
    local status=$?
    cat "$tmp/out"
    local line
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$tmp/out" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$name: no closing count (exit status $status)"
        failed=$((failed + 1))
        suites_failed=$((suites_failed + 1))
        return
    fi
    local p f
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1))
    fi
    [ "$status" -eq 0 ] || suites_failed=$((suites_failed + 1))
}

for unit in "$@"; do
    run "unit $(basename "$unit")" "$unit"
done
run "cli golden" bash tests/cli/run.sh "$bin"
run "map command line" bash tests/render/map_cli.sh "$bin"
run "bundled sample vs generator truth" bash bench/check_truth.sh datasets/kansas "$bin"
run "partial results and state-by-state runs" bash tests/partial_merge.sh "$bin"
run "several states: one at a time or together, every thread count" bash tests/states/run.sh "$bin"
run "plan" bash tests/plan/run.sh "$bin"
run "diff" bash tests/diff/run.sh "$bin"
run "report (headless Chromium)" bash tests/report/run.sh "$bin"
run "run CONFIG" bash tests/run/run.sh "$bin"
run "reading rules, both readers" bash tests/rules/run.sh "$bin"
run "interrupted runs (SIGINT, SIGTERM)" bash tests/signals/run.sh "$bin"
run "provenance: sidecars, info, and the commands that check them" bash tests/provenance/run.sh "$bin"
run "outputs: links, streams, devices, same files, inputs" bash tests/outputs/run.sh "$bin"
if [ -n "${STAGE:-}" ]; then
    run "installed library: pkg-config, examples/, the Python module" bash tests/install/run.sh "$bin"
else
    echo "== installed library: not run (make check stages an install and sets STAGE)"
fi
run "one way to name a layer: FILE|layername=X and --layer X" bash tests/layers/run.sh "$bin"
run "help and man pages list the same options" python3 tests/docs/options.py "$bin" man
run "I/O faults: full disks, /dev/full, damaged inputs, long lines, NUL bytes" \
    bash tests/faults/io.sh "$bin"
# shellcheck disable=SC2086
run "fuzz targets replayed on their corpora and regressions" bash tests/fuzz/run.sh $FUZZ_REPLAY

# The invariance harness: 300 generated adversarial cases, every path of stats, merge and
# diff in-process (tests/invariance); `make check INVARIANCE_IN_CHECK=0` leaves it out.
if [ "${INVARIANCE_IN_CHECK:-1}" = 1 ]; then
    run "invariance (300 generated cases, every path)" \
        bash tests/invariance/run.sh "${INVARIANCE:-build/tests/invariance_driver}" 300 1
else
    echo "== invariance: not run (make check INVARIANCE_IN_CHECK=1, or make invariance)"
fi

# The same suites through the parallel reader: 3 threads and tiny chunks, so
# record boundaries (quoted fields, CRLF) fall everywhere, and every error
# takes the fallback to the sequential reader.
threaded="$tmp/dialtone-threads"
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cat >"$threaded" <<EOS
#!/bin/sh
if [ "\$1" = stats ] || [ "\$1" = diff ]; then c=\$1; shift; exec "$abs_bin" "\$c" --threads 3 "\$@"; fi
exec "$abs_bin" "\$@"
EOS
chmod +x "$threaded"
export DIALTONE_CHUNK_SIZE=97
run "cli golden, parallel reader" bash tests/cli/run.sh "$threaded"
run "diff, parallel reader" bash tests/diff/run.sh "$threaded"
export DIALTONE_CHUNK_SIZE=4099
run "bundled sample, parallel reader" bash bench/check_truth.sh datasets/kansas "$threaded"
unset DIALTONE_CHUNK_SIZE
# Fresh synthetic states with tricky layouts, checked against the generator's own arithmetic.
# Each also has a block layer (GeoPackage, FlatGeobuf, zipped shapefile) and county polygons.
for spec in "08 1 2 3000 gpkg" "31 2 9 2500 fgb" "20 3 1 1500 shp.zip"; do
    set -- $spec
    python3 bench/gen_bdc.py --out "$tmp/gen$2" --state "$1" --seed "$2" --files "$3" \
        --blocks "$4" --zip-some --fabric --truth --plans --blocks-layer --layer-format "$5" >/dev/null 2>&1 ||
        { echo "generator failed for $spec"; failed=$((failed + 1)); continue; }
    run "generated state $1 seed $2 ($3 files)" bash bench/check_truth.sh "$tmp/gen$2" "$bin"
    DIALTONE_CHUNK_SIZE=65536 run "generated state $1 seed $2, parallel" \
        bash bench/check_truth.sh "$tmp/gen$2" "$threaded"
done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$suites_failed" -eq 0 ]
