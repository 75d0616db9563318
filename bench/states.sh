#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of many states in one command (the issue's "ten states of 3 million rows each"):
# STATES synthetic states (bench/gen_bdc.py --state SS --seed 1SS --blocks 180000 --counties 30,
# about 3 million rows and 290 MB each), then `dialtone stats -q --by county` over all their
# files at once, which reads them one state at a time. The county table must equal the states'
# truths one after another (each state's counties sorted, the states in FIPS order) byte for
# byte, or the script stops. Prints the median wall time and peak RSS.
# Usage: bench/states.sh   BIN=bin/dialtone REPEAT=3 BENCH_DATA=/tmp/dialtone-bench
#        STATES="19 20 ..." (two-digit FIPS codes, default ten plains and midwest states)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/dialtone}
data=${BENCH_DATA:-/tmp/dialtone-bench}/states
read -r -a states <<<"${STATES:-19 20 27 29 31 38 40 46 55 56}"
[ -x "$bin" ] || make -s
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
. bench/lib.sh

mapfile -t states < <(printf '%s\n' "${states[@]}" | sort -u) # each state once, in FIPS order
inputs=()
: >"$tmp/truth.csv"
for ss in "${states[@]}"; do
    [[ $ss =~ ^[0-9][0-9]$ ]] || { echo "bench: STATES holds $ss, not a two-digit FIPS code" >&2; exit 2; }
    dir=$data/$ss
    if [ ! -f "$dir/truth_county.csv" ]; then
        echo "bench: generating state $ss (180000 blocks) in $dir ..." >&2
        python3 bench/gen_bdc.py --out "$dir" --state "$ss" --seed "1$ss" --blocks 180000 \
            --counties 30 --truth >&2
    fi
    # the first state's header, then every state's rows
    if [ -s "$tmp/truth.csv" ]; then tail -n +2 "$dir/truth_county.csv"; else cat "$dir/truth_county.csv"; fi \
        >>"$tmp/truth.csv"
    inputs+=("$dir"/bdc_*.csv)
done

rows=0
for f in "${inputs[@]}"; do rows=$((rows + $(wc -l <"$f") - 1)); done
bytes=$(stat -c %s "${inputs[@]}" | awk '{ n += $1 } END { print n }')

out=$tmp/counties.csv
"$bin" stats -q --by county -o "$out" "${inputs[@]}"
cmp -s "$out" "$tmp/truth.csv" || {
    echo "bench: the county table of ${#states[@]} states differs from their truths:" >&2
    diff "$tmp/truth.csv" "$out" | head >&2
    exit 1
}
read -r seconds kb < <(measure states "$bin" stats -q --by county -o "$out" "${inputs[@]}")
cmp -s "$out" "$tmp/truth.csv" || { echo "bench: a timed run's table differs from the truths" >&2; exit 1; }
printf '%d states, %d rows, %d MB of CSV: stats --by county %s s, peak %d MiB\n' \
    "${#states[@]}" "$rows" $((bytes / 1000000)) "$seconds" $((kb / 1024))
printf '(dialtone %s, %s cores, load average %s; wall median of %s runs after one warm-up)\n' \
    "$("$bin" --version | awk '{print $2; exit}')" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "${REPEAT:-3}"
