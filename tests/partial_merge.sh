#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Partial results merge exactly: two generated states, each run with --partial-out and merged
# with `dialtone merge`, equal the generator's truths (medians from histograms). Partials that
# would count a location twice (two of one state, two made from one input file) are refused.
# Also: several states in one run are read one state at a time and give the same table.
# Usage: tests/partial_merge.sh BIN
set -u
bin=${1:-bin/dialtone}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # NAME EXPECTED GOT
    if cmp -s "$2" "$3"; then
        echo "ok   $1"
        passed=$((passed + 1))
    else
        echo "FAIL $1"
        diff "$2" "$3" | head -n 10
        failed=$((failed + 1))
    fi
}

python3 bench/gen_bdc.py --out "$tmp/a" --state 08 --seed 21 --blocks 2500 --truth --fabric >/dev/null 2>&1
python3 bench/gen_bdc.py --out "$tmp/b" --state 31 --seed 22 --blocks 2000 --truth --zip-some >/dev/null 2>&1
# split state a by location_id parity, keeping every row of a location together
python3 - "$tmp/a" "$tmp/even" "$tmp/odd" <<'PY'
import csv, glob, os, sys
src, even, odd = sys.argv[1:]
for d in (even, odd):
    os.makedirs(d)
for path in sorted(glob.glob(os.path.join(src, "bdc_*.csv"))):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    outs = {}
    for d in (even, odd):
        outs[d] = open(os.path.join(d, os.path.basename(path)), "w", newline="")
    writers = {d: csv.writer(outs[d], lineterminator="\n") for d in outs}
    for d in outs:
        writers[d].writerow(rows[0])
    for row in rows[1:]:
        writers[even if int(row[3]) % 2 == 0 else odd].writerow(row)
    for d in outs:
        outs[d].close()
PY
# Merging never counts a location twice: two partials of one state (the halves above; or one
# state's technology files split over two runs, as the FCC publishes a state) are refused, and
# so are two partials made from the same input file; nothing is written.
refused() { # NAME MESSAGE PARTIAL...
    local name=$1 message=$2
    shift 2
    rm -f "$tmp/merged.csv"
    if "$bin" merge -o "$tmp/merged.csv" "$@" 2>"$tmp/err"; then
        echo "FAIL $name: accepted"
        failed=$((failed + 1))
    elif ! grep -qF -- "$message" "$tmp/err" || [ -e "$tmp/merged.csv" ]; then
        echo "FAIL $name"
        cat "$tmp/err"
        failed=$((failed + 1))
    else
        echo "ok   $name"
        passed=$((passed + 1))
    fi
}
"$bin" stats -q --partial-out "$tmp/even.part" "$tmp"/even/bdc_*.csv
"$bin" stats -q --partial-out "$tmp/odd.part" "$tmp"/odd/bdc_*.csv
refused "two partials of one state refused" \
    "odd.part:3: holds state 08, as $tmp/even.part does: a state's files must all go into one partial" \
    "$tmp/even.part" "$tmp/odd.part"
files=("$tmp"/a/bdc_*.csv)
"$bin" stats -q --partial-out "$tmp/tech1.part" "${files[@]:0:2}"
"$bin" stats -q --partial-out "$tmp/tech2.part" "${files[@]:2}"
refused "one state's technology files split over two partials refused" \
    "holds state 08, as $tmp/tech1.part does" "$tmp/tech1.part" "$tmp/tech2.part"
refused "the same partial twice refused" "holds state 08, as $tmp/tech1.part does" \
    "$tmp/tech1.part" "$tmp/tech1.part"
head -1 "$tmp"/a/bdc_*Cable*.csv >"$tmp/header_only.csv"
"$bin" stats -q --partial-out "$tmp/with_a.part" "$tmp/header_only.csv" "$tmp"/a/bdc_*
"$bin" stats -q --partial-out "$tmp/with_b.part" "$tmp/header_only.csv" "$tmp"/b/bdc_*
refused "two partials made from the same input file refused" \
    "made from header_only.csv" "$tmp/with_a.part" "$tmp/with_b.part"
sed '1s/,2,/,1,/' "$tmp/tech1.part" | grep -v '^[si],' >"$tmp/old.part"
refused "a partial of the older format refused" "old.part:1: partial file of an older dialtone" \
    "$tmp/old.part" "$tmp/tech2.part"
# a location whose rows name blocks of two states: one run stops (tests/states); the two
# states' partials must not merge either (partials carry their locations' identities)
"$bin" stats -q --partial-out "$tmp/co.part" tests/data/states/co.csv
"$bin" stats -q --partial-out "$tmp/two.part" tests/data/states/two.csv
refused "a location in two states' partials refused" \
    "two.part: counts location 100, which $tmp/co.part counts too" "$tmp/co.part" "$tmp/two.part"
"$bin" stats -q --partial-out "$tmp/co_named.part" tests/data/states/co_named.csv
"$bin" stats -q --partial-out "$tmp/ks_named.part" tests/data/states/ks_named.csv
refused "a non-numeric location in two states' partials refused" \
    "counts location with a non-numeric id, which $tmp/co_named.part counts too" \
    "$tmp/co_named.part" "$tmp/ks_named.part"
# partials with and without a fabric count different universes: never merged
"$bin" stats -q --fabric "$tmp/a/fabric.csv" --partial-out "$tmp/a_fabric.part" "$tmp"/a/bdc_*
"$bin" stats -q --partial-out "$tmp/b_plain.part" "$tmp"/b/bdc_*
refused "a partial with a fabric and one without refused" \
    "b_plain.part:2: made without a fabric, the partials before it with one" \
    "$tmp/a_fabric.part" "$tmp/b_plain.part"
# partials of different states merge exactly (medians from the histograms): the two truths
for level in county tract; do
    { cat "$tmp/a/truth_$level.csv"; tail -n +2 "$tmp/b/truth_$level.csv"; } >"$tmp/both.csv"
    "$bin" stats -q --by "$level" --partial-out "$tmp/a.part" "$tmp"/a/bdc_*
    "$bin" stats -q --by "$level" --partial-out "$tmp/b.part" "$tmp"/b/bdc_*
    "$bin" merge -o "$tmp/merged.csv" "$tmp/b.part" "$tmp/a.part"
    check "merge of two states' partials, --by $level" "$tmp/both.csv" "$tmp/merged.csv"
done
# a partial from standard input ("-") merges the same (the tract partials of the last pass)
"$bin" merge -o "$tmp/merged.csv" "$tmp/b.part" - <"$tmp/a.part"
{ cat "$tmp/a/truth_tract.csv"; tail -n +2 "$tmp/b/truth_tract.csv"; } >"$tmp/both.csv"
check "merge with a partial from standard input" "$tmp/both.csv" "$tmp/merged.csv"
# two states in one run: one at a time, the same table as the two truths together
for level in county tract; do
    { cat "$tmp/a/truth_$level.csv"; tail -n +2 "$tmp/b/truth_$level.csv"; } >"$tmp/both.csv"
    "$bin" stats -q --by "$level" -o "$tmp/got.csv" "$tmp"/a/bdc_* "$tmp"/b/bdc_*
    check "two states one at a time, --by $level" "$tmp/both.csv" "$tmp/got.csv"
done
{ cat "$tmp/a/truth_county_fabric.csv"; tail -n +2 "$tmp/b/truth_county.csv"; } >"$tmp/both.csv"
"$bin" stats -q --fabric "$tmp/a/fabric.csv" -o "$tmp/got.csv" "$tmp"/a/bdc_* "$tmp"/b/bdc_*
check "two states one at a time, fabric of one" "$tmp/both.csv" "$tmp/got.csv"
# several levels from one read: one table each, named by {by}
"$bin" stats -q --by county,tract --fabric "$tmp/a/fabric.csv" -o "$tmp/lv_{by}.csv" "$tmp"/a/bdc_*
check "--by county,tract: county table" "$tmp/a/truth_county_fabric.csv" "$tmp/lv_county.csv"
check "--by county,tract: tract table" "$tmp/a/truth_tract_fabric.csv" "$tmp/lv_tract.csv"
if "$bin" stats -q --by county,tract -o "$tmp/no_pattern.csv" "$tmp"/a/bdc_* 2>/dev/null; then
    echo "FAIL several levels without {by} accepted"
    failed=$((failed + 1))
elif [ -e "$tmp/no_pattern.csv" ]; then
    echo "FAIL several levels without {by} left a file"
    failed=$((failed + 1))
else
    echo "ok   several levels need {by} in -o"
    passed=$((passed + 1))
fi
# mismatched partials are refused
"$bin" stats -q --by county --partial-out "$tmp/county.part" "$tmp"/a/bdc_*
"$bin" stats -q --by tract --partial-out "$tmp/tract.part" "$tmp"/b/bdc_*
if "$bin" merge "$tmp/county.part" "$tmp/tract.part" >/dev/null 2>"$tmp/err"; then
    echo "FAIL merge of different levels accepted"
    failed=$((failed + 1))
elif grep -q "tract.part:1:" "$tmp/err"; then
    echo "ok   merge of different levels refused"
    passed=$((passed + 1))
else
    echo "FAIL merge error does not name the file"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
