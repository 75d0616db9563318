#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs each fuzz target for SECONDS (one process at a time, at the lowest priority), from its
# seed corpus (tests/fuzz/corpus/NAME, read only) into a working corpus under BUILD/corpus,
# with the BDC dictionary. Prints each target's run time, executions and outcome, and fails
# when a target found a crash, a leak, a timeout or an out-of-memory. A timeout is
# FUZZ_TIMEOUT seconds of wall-clock time per input (default 1; on a loaded shared machine
# use more: the replay of `make check` holds every corpus input to 1 s of CPU time instead).
# libFuzzer runs in one process (no -jobs/-workers: those fork and log to ./fuzz-N.log).
# FUZZ_SEED (default 1) fixes the mutations, so that CI's smoke explores what a developer's
# run of the same command explored and cannot fail at random; FUZZ_SEED=0 lets libFuzzer pick
# a new seed each run (the development campaigns: new ground every time).
# Usage: tests/fuzz/run_fuzz.sh BUILD SECONDS NAME...
set -u
build=${1:?usage: run_fuzz.sh BUILD SECONDS NAME...}
seconds=${2:?usage: run_fuzz.sh BUILD SECONDS NAME...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
failed=0
passed=0
mkdir -p "$build/artifacts"
for name in "$@"; do
    work="$build/corpus/$name"
    mkdir -p "$work" "$here/corpus/$name"
    log="$build/fuzz_$name.log"
    start=$(date +%s)
    TIMEFORMAT='%3U %3S'
    { time ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        nice -n 19 "$build/fuzz_$name" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-1}" -seed="${FUZZ_SEED:-1}" \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 -dict="$here/bdc.dict" \
        -artifact_prefix="$build/artifacts/$name-" "$work" "$here/corpus/$name" >"$log" 2>&1; } \
        2>"$log.time"
    status=$?
    cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$log.time")
    end=$(date +%s)
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
    corpus=$(find "$work" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        echo "fuzz $name: $((end - start)) s ($cpu s CPU), ${execs:-?} executions, $cov, corpus $corpus, no failure"
        passed=$((passed + 1))
    else
        echo "fuzz $name: FAILED after $((end - start)) s (exit $status); log $log, inputs:"
        ls "$build/artifacts/$name-"* 2>/dev/null
        grep -E 'ERROR|SUMMARY|fuzz: ' "$log" | head -n 5
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
