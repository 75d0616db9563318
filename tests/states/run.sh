#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Several states read one at a time or together, on 1-3 threads, in several file orders: the
# same hand-worked tables (tests/data/states/README.md) or the same refusal in every path.
# Usage: tests/states/run.sh BIN
set -u
bin=${1:-bin/dialtone}
data=tests/data/states
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# every_path NAME EXPECTED ARGS...: each mode, thread count and chunk size prints EXPECTED
every_path() {
    local name=$1 expected=$2 bad=0
    shift 2
    for mode in split together auto; do
        for threads in 1 2 3; do
            if ! DIALTONE_STATES=$mode DIALTONE_CHUNK_SIZE=16 "$bin" stats -q --threads "$threads" \
                -o "$tmp/got.csv" "$@" 2>"$tmp/err" || ! cmp -s "$expected" "$tmp/got.csv"; then
                [ $bad -eq 0 ] && { echo "  $mode, $threads threads:"; cat "$tmp/err"; diff "$expected" "$tmp/got.csv" | head -n 5; }
                bad=1
            fi
            rm -f "$tmp/got.csv"
        done
    done
    [ $bad -eq 0 ] && pass "$name" || fail "$name"
}

# every_path_fails NAME MESSAGE ARGS...: each path exits 1 with MESSAGE and writes nothing
every_path_fails() {
    local name=$1 message=$2 bad=0
    shift 2
    for mode in split together auto; do
        for threads in 1 3; do
            DIALTONE_STATES=$mode DIALTONE_CHUNK_SIZE=16 "$bin" stats -q --threads "$threads" \
                -o "$tmp/got.csv" "$@" 2>"$tmp/err"
            local status=$?
            if [ $status -ne 1 ] || ! grep -qF -- "$message" "$tmp/err" || [ -e "$tmp/got.csv" ]; then
                [ $bad -eq 0 ] && { echo "  $mode, $threads threads: exit $status"; cat "$tmp/err"; }
                bad=1
            fi
            rm -f "$tmp/got.csv"
        done
    done
    [ $bad -eq 0 ] && pass "$name" || fail "$name"
}

d=$data
every_path "national fabric, its first row of a third state" $d/expected_fabric.csv \
    --fabric $d/fabric.csv $d/co.csv $d/ks.csv
every_path "national fabric, files in the other order" $d/expected_fabric.csv \
    --fabric $d/fabric.csv $d/ks.csv $d/co.csv
every_path "header-only file first, a state only in the fabric" $d/expected_fabric_co.csv \
    --fabric $d/fabric.csv $d/empty.csv $d/co.csv
every_path "header-only file last" $d/expected_fabric_co.csv \
    --fabric $d/fabric.csv $d/co.csv $d/empty.csv
for order in "mixed ks co" "ks mixed co" "co ks mixed" "ks co mixed"; do
    set -- $order
    every_path "a file of two states, a location in two files ($order)" $d/expected_mixed.csv \
        $d/$1.csv $d/$2.csv $d/$3.csv
done
every_path_fails "one location in blocks of two states" \
    "two.csv:2: location 100 has block_geoid 200010001001000 here but 080010001001000" \
    $d/co.csv $d/two.csv
every_path_fails "one non-numeric location in blocks of two states" \
    "ks_named.csv:2: location A7 has block_geoid 200010001001000 here" \
    $d/co_named.csv $d/ks_named.csv
every_path_fails "a fabric location in two blocks" \
    "fabric_twice.csv:3: location 104 is in block 080010001001003 here but in block 080010001001002 at $d/fabric_twice.csv:2" \
    --fabric $d/fabric_twice.csv $d/co.csv $d/ks.csv
every_path_fails "a bsl_flag false fabric row in another block than the availability rows" \
    "fabric_false_conflict.csv:2: location 101 is in block 080010001001002 here but in block 080010001001001 at $d/co.csv:3" \
    --fabric $d/fabric_false_conflict.csv $d/co.csv $d/ks.csv
every_path_fails "a fabric row in another state than the availability rows" \
    "fabric_other_state.csv:2: location 201 is in block 080010001001002 here but in block 200010001001001 at $d/ks.csv:3" \
    --fabric $d/fabric_other_state.csv $d/co.csv $d/ks.csv

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
