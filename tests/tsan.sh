#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The threaded paths under ThreadSanitizer (make tsan): every worker, the chunk feeder, the
# merge and the region statistics, with tiny chunks so that record boundaries and bad rows fall
# in every worker.
# Usage: tests/tsan.sh BIN (a binary built with -fsanitize=thread)
set -u
bin=${1:?usage: tests/tsan.sh BIN}
cd "$(dirname "$0")/.." || exit 1
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$PWD/tests/tsan.supp"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
threaded="$tmp/dialtone-threads"
cat >"$threaded" <<EOS
#!/bin/sh
if [ "\$1" = stats ] || [ "\$1" = diff ]; then c=\$1; shift; exec "$abs_bin" "\$c" --threads 3 "\$@"; fi
exec "$abs_bin" "\$@"
EOS
chmod +x "$threaded"
status=0
suite() {
    echo "== $1"
    shift
    "$@" >"$tmp/out" 2>&1 || status=1
    grep -E 'ThreadSanitizer|passed, [0-9]+ failed|^FAIL' "$tmp/out" | head -n 20
}
suite "several states, every thread count" bash tests/states/run.sh "$bin"
DIALTONE_CHUNK_SIZE=97 suite "cli golden, parallel reader" bash tests/cli/run.sh "$threaded"
DIALTONE_CHUNK_SIZE=4099 suite "bundled sample, parallel reader" \
    bash bench/check_truth.sh datasets/kansas "$threaded"
DIALTONE_CHUNK_SIZE=4099 DIALTONE_SPLIT_REST=1000 suite "bundled sample, ranges cut as read" \
    bash bench/check_truth.sh datasets/kansas "$threaded"
# two stats calls on two threads of one process (the embedding contract), when built beside it
embedding=$(dirname "$bin")/../tests/test_embedding
[ -x "$embedding" ] && suite "two calls on two threads in one process" "$embedding"
# the merge of the threads' tables in parts, on 2, 3 and 7 threads (tests/unit/test_merge.c)
merge=$(dirname "$bin")/../tests/test_merge
[ -x "$merge" ] && suite "the threads' merge in parts" "$merge"
# the region statistics in parts, on 2, 3 and 7 threads (tests/unit/test_region_stats.c)
region_stats=$(dirname "$bin")/../tests/test_region_stats
[ -x "$region_stats" ] && suite "the region statistics in parts" "$region_stats"
if [ $status -eq 0 ]; then echo "tsan: clean"; else echo "tsan: FAILED"; fi
exit $status
