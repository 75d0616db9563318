#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two dialtone binaries on the same command, paired, without favouring either: the order
# alternates pair by pair (OLD first, then NEW first, ...), and each run can wait IDLE seconds
# before it starts. Why both: on the 2-core VM this project is measured on, the first run of a
# back-to-back pair is about 15% slower than the second (the same binary against itself; the
# difference is system time: memory the first gets back is cold), so a pairing that always
# starts with the same command measures its order, not the code. With IDLE > 0 every run starts
# cold, as one run of a user's does; with IDLE 0 the runs follow each other (warm).
# Prints, for each binary, the median wall, user and system seconds and peak RSS of its runs
# (min and max beside the wall), and the median of the pairs' NEW/OLD wall ratios. Each run's
# output is compared with the first run's (the command's -o file, given as OUT): the two
# binaries must write the same bytes, or the script stops.
# Usage: bench/pair.sh [-n PAIRS] [-i IDLE] [-o OUT] OLD NEW -- ARGS...
#   e.g. bench/pair.sh -n 8 -i 3 -o /tmp/t.csv old/bin/dialtone bin/dialtone -- \
#        stats -q --by county -o /tmp/t.csv /tmp/dialtone-bench/large/bdc_*.csv
set -euo pipefail
pairs=8 idle=3 out=
usage() { echo "usage: bench/pair.sh [-n PAIRS] [-i IDLE] [-o OUT] OLD NEW -- ARGS..." >&2; exit 2; }
while getopts n:i:o: opt; do
    case $opt in
    n) pairs=$OPTARG ;;
    i) idle=$OPTARG ;;
    o) out=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] && [ "$3" = -- ] || usage
old=$1 new=$2
shift 3
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_one WHICH BIN ARGS...: one run after the idle time, its "wall user sys kb" appended to
# $tmp/WHICH
run_one() {
    local which=$1 bin=$2
    shift 2
    sleep "$idle"
    local t0=$EPOCHREALTIME
    /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$bin" "$@" >"$tmp/log" 2>&1 ||
        { echo "bench: $bin failed:"; cat "$tmp/log"; exit 1; }
    local t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" '{ printf "%.3f %s %s %s\n", b - a, $1, $2, $3 }' "$tmp/time" >>"$tmp/$which"
    if [ -n "$out" ]; then
        if [ -f "$tmp/first" ]; then
            cmp -s "$out" "$tmp/first" || { echo "bench: $bin wrote another $out than the first run"; exit 1; }
        else
            cp "$out" "$tmp/first"
        fi
    fi
}

: >"$tmp/old"
: >"$tmp/new"
for i in $(seq "$pairs"); do
    if [ $((i % 2)) = 1 ]; then
        run_one old "$old" "$@"
        run_one new "$new" "$@"
    else
        run_one new "$new" "$@"
        run_one old "$old" "$@"
    fi
done

python3 - "$tmp/old" "$tmp/new" "$old" "$new" <<'PY'
import statistics, sys
runs = [[list(map(float, line.split())) for line in open(path)] for path in sys.argv[1:3]]
for label, binary, rows in zip(("OLD", "NEW"), sys.argv[3:5], runs):
    wall, user, sys_s, kb = (statistics.median(r[i] for r in rows) for i in range(4))
    print(f"{label} {binary}: wall {wall:.3f} s (min {min(r[0] for r in rows):.3f}, "
          f"max {max(r[0] for r in rows):.3f})  user {user:.3f} s  sys {sys_s:.3f} s  "
          f"peak {kb / 1024:.0f} MB  ({len(rows)} runs)")
ratios = [n[0] / o[0] for o, n in zip(*runs)]
print(f"NEW/OLD wall, median of {len(ratios)} pairs: {statistics.median(ratios):.3f} "
      f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
PY
