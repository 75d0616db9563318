#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `dialtone plan`: golden plan tables worked out by hand (tests/data/plan/README.md), bad
# input (exit status, message, nothing written), and the map of funded regions (pixels probed
# with GDAL, never byte-compared). Usage: tests/plan/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-plan.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
data=tests/data/plan
expected=tests/expected/plan
. tests/lib.sh

# golden NAME EXPECTED ARGS...: the plan table written with -o equals the hand-made one.
golden() {
    local name=$1 want=$expected/$2.csv
    shift 2
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    "$bin" plan -q -o "$tmp/out/plan.csv" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit status $rc" "$(cat "$tmp/stderr")"
    elif ! cmp -s "$want" "$tmp/out/plan.csv"; then
        fail "$name" "$(diff -u "$want" "$tmp/out/plan.csv")"
    else
        pass "$name"
    fi
}

# refuse NAME STATUS TEXT ARGS...: fails with STATUS, stderr holds TEXT, nothing is written.
refuse() {
    local name=$1 want=$2 text=$3
    shift 3
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    "$bin" plan -o "$tmp/out/plan.csv" --map "$tmp/out/plan.png" --regions "$data/regions.geojson" \
        "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    local rc=$? left
    left=$(ls -A "$tmp/out")
    if [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, expected $want" "$(cat "$tmp/stderr")"
    elif ! grep -qF -- "$text" "$tmp/stderr"; then
        fail "$name" "stderr lacks: $text" "$(cat "$tmp/stderr")"
    elif [ -n "$left" ]; then
        fail "$name" "left behind: $left"
    else
        pass "$name"
    fi
}

base=(--costs "$data/costs.csv" --land "$data/land.csv")
golden "exact allocation, budget 100000" budget_100k_exact --budget 100000 "${base[@]}" \
    "$data/stats.csv"
golden "greedy allocation, budget 100000 (differs)" budget_100k_greedy --method greedy \
    --budget 100000 "${base[@]}" "$data/stats.csv"
golden "exact allocation, budget 300000 (underserved pass)" budget_300k --method exact \
    --budget 300000 "${base[@]}" "$data/stats.csv"
golden "greedy allocation, budget 300000 (the same)" budget_300k --method greedy \
    --budget 300000 "${base[@]}" "$data/stats.csv"
golden "budget with cents" budget_300k --budget 300000.00 "${base[@]}" "$data/stats.csv"
# the spellings people type: commas between groups of three, a dollar sign (300,000 dollars)
golden "budget with commas" budget_300k --budget 300,000 "${base[@]}" "$data/stats.csv"
golden "budget with a dollar sign" budget_300k --budget '$300,000.00' "${base[@]}" "$data/stats.csv"
# STATS_CSV "-": the stats table from standard input, the same plan
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
if "$bin" plan -q -o "$tmp/out/plan.csv" --budget 100000 "${base[@]}" - <"$data/stats.csv" \
    2>"$tmp/stderr" && cmp -s "$expected/budget_100k_exact.csv" "$tmp/out/plan.csv"; then
    pass "stats table from standard input"
else
    fail "stats table from standard input" "$(cat "$tmp/stderr")"
fi
golden "land from the layer's ALAND20" budget_100k_exact --budget 100000 --costs \
    "$data/costs.csv" --regions "$data/regions.geojson" "$data/stats.csv"
golden "--households, budget 100000" households_100k --households --budget 100000 \
    --costs "$data/costs.csv" "$data/stats_households.csv"
golden "--households, budget 300000" households_300k --households --budget 300000 \
    --costs "$data/costs.csv" "$data/stats_households.csv"
golden "household columns shown without --households" housing_columns_100k --budget 100000 \
    --costs "$data/costs.csv" "$data/stats_households.csv"
golden "land read exactly: 1.0000001 and 0.0000001 km2 (--land)" exact_land --budget 1000 \
    --costs "$data/costs_exact.csv" --land "$data/land_exact.csv" "$data/stats_exact.csv"
golden "land read exactly: the land_km2 column" exact_land --budget 1000 \
    --costs "$data/costs_exact.csv" "$data/stats_exact_land.csv"
golden "exact at its limit: a total reach of 2^24" reach_2_24 --method exact \
    --budget 20000000000 --costs "$data/costs.csv" "$data/stats_reach_2_24.csv"
"$bin" plan --budget 20000000000 --costs "$data/costs.csv" "$data/stats_reach_2_24_1.csv" \
    >/dev/null 2>"$tmp/stderr"
grep -qF "unserved: greedy only: the projects that fit the budget (1) reach 16777217 in all, more than the exact solver's limit of 16777216 (2^24)" "$tmp/stderr" &&
    pass "auto over the exact limit: greedy, and the note says why" ||
    fail "auto over the exact limit: greedy, and the note says why" "$(cat "$tmp/stderr")"

# the table on stdout without -o, notes on stderr
"$bin" plan --budget 100000 "${base[@]}" "$data/stats.csv" >"$tmp/stdout" 2>"$tmp/stderr"
if cmp -s "$expected/budget_100k_exact.csv" "$tmp/stdout" &&
    grep -q "greedy would reach 25 for \$95,000" "$tmp/stderr"; then
    pass "stdout, and the greedy comparison in the notes"
else
    fail "stdout, and the greedy comparison in the notes" "$(cat "$tmp/stderr")"
fi
"$bin" plan --budget 1 --land "$data/land.csv" "$data/stats.csv" >/dev/null 2>"$tmp/stderr"
if grep -q "built in): illustrative model defaults, not measured costs" "$tmp/stderr"; then
    pass "the built-in cost model says what it is"
else
    fail "the built-in cost model says what it is" "$(cat "$tmp/stderr")"
fi

refuse "negative budget" 2 "--budget -5: negative" --budget -5 "${base[@]}" "$data/stats.csv"
refuse "budget with a suffix" 2 "--budget 25M: a suffix (k, M, B) is not read" --budget 25M "${base[@]}" \
    "$data/stats.csv"
refuse "budget with fractions of cents" 2 "more than 2 decimals" --budget 1.005 "${base[@]}" \
    "$data/stats.csv"
refuse "budget grouped otherwise" 2 "--budget 3,00,000: commas go between groups of three digits; write dollars of at least 0 as 25000000, 25,000,000, \$25,000,000 or 25000000.50" \
    --budget 3,00,000 "${base[@]}" "$data/stats.csv"
refuse "no budget" 2 "--budget is required" "${base[@]}" "$data/stats.csv"
refuse "cost classes with a gap" 1 "costs_gap.csv:3: gap: no class covers densities from 2 to 3" \
    --budget 100 --costs "$data/costs_gap.csv" "$data/stats.csv"
refuse "overlapping cost classes" 1 \
    "costs_overlap.csv:3: density class 1.5 to 10 overlaps the class on line 2 (0 to 2)" \
    --budget 100 --costs "$data/costs_overlap.csv" "$data/stats.csv"
refuse "cost classes not starting at 0" 1 "costs_start.csv:2: the lowest density class starts at 1" \
    --budget 100 --costs "$data/costs_start.csv" "$data/stats.csv"
refuse "cost classes with an upper end" 1 "costs_end.csv:3: the highest density class ends at 100" \
    --budget 100 --costs "$data/costs_end.csv" "$data/stats.csv"
refuse "cost that is not a number" 1 "costs_bad.csv:3: cost_per_location 'lots' is not a number" \
    --budget 100 --costs "$data/costs_bad.csv" "$data/stats.csv"
refuse "negative cost (rows out of order)" 1 "costs_negative.csv:3: cost_per_location '-5' is negative" \
    --budget 100 --costs "$data/costs_negative.csv" "$data/stats.csv"
refuse "region without land area" 1 "stats.csv:5: no land area for region 01007 in" \
    --budget 100 --land "$data/land_missing.csv" "$data/stats.csv"
refuse "not a stats table" 1 "no column 'underserved'" --budget 100 \
    "$data/stats_no_underserved.csv"
refuse "--households without household columns" 1 "--households needs the columns" \
    --households --budget 100 "${base[@]}" "$data/stats.csv"
refuse "exact over its limit: a total reach of 2^24 + 1" 2 \
    "--method exact: the projects that fit the budget (1) reach 16777217 in all, more than the exact solver's limit of 16777216 (2^24); use --method greedy" \
    --method exact --budget 20000000000 --costs "$data/costs.csv" "$data/stats_reach_2_24_1.csv"
refuse "land area with more than 18 digits" 1 \
    "land_long.csv:3: column 'land_km2' holds '1234567890.123456789': more than 18 digits" \
    --budget 1000 --costs "$data/costs_exact.csv" --land "$data/land_long.csv" "$data/stats_exact.csv"
refuse "density bound with more than 18 digits" 1 \
    "costs_long.csv:2: max_density '0.0000000000000000001' has more than 18 digits" \
    --budget 1000 --costs "$data/costs_long.csv" "${base[@]:2}" "$data/stats.csv"
refuse "missing cost file" 1 "nothere.csv: cannot open" --budget 100 --costs "$data/nothere.csv" \
    "$data/stats.csv"

# money at its limits (tests/data/plan/README.md, "Money at its limits"): budgets, costs and
# their sums and products at most $10^12, a cost per location at most $10^8
golden "money at the limit: \$10^12 budget, cost and sum; \$10^13 per household" money_limit \
    --households --budget '$1,000,000,000,000' --costs "$data/costs_max.csv" "$data/stats_money.csv"
refuse "budget a cent above \$10^12" 2 \
    "--budget 1000000000000.01: above the limit of \$1,000,000,000,000 (10^12); write dollars" \
    --budget 1000000000000.01 "${base[@]}" "$data/stats.csv"
refuse "cost per location a cent above \$10^8" 1 \
    "costs_over.csv:2: cost_per_location 100000000.01 is over \$100,000,000 per location" \
    --budget 100 --costs "$data/costs_over.csv" "$data/stats_money.csv"
refuse "a project cost above \$10^12" 1 \
    "stats_money_over.csv:3: region 03003: the project (10001 locations at \$100000000) would cost more than \$1,000,000,000,000 (10^12)" \
    --budget 100 --costs "$data/costs_max.csv" "$data/stats_money_over.csv"
refuse "a project cost that would wrap 64 bits to \$55,926,290.45" 1 \
    "stats_money_wrap.csv:2: region 03005: the project (184468 locations at \$100000000) would cost more than \$1,000,000,000,000 (10^12)" \
    --budget 100000000 --costs "$data/costs_max.csv" "$data/stats_money_wrap.csv"

# the map: funded 01007 (4th square) in the funded colour, 01003 (2nd) and 01009 (5th) in the
# unfunded one, a neutral grey (#c6c6c6) that recedes; the scale bar the options ask for
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
if "$bin" plan -q --budget 100000 --costs "$data/costs.csv" --regions "$data/regions.geojson" \
    --scale-bar km --map "$tmp/out/plan.png" -o "$tmp/out/plan.csv" "$data/stats.csv" 2>"$tmp/stderr"; then
    pass "plan with a map"
else
    fail "plan with a map" "$(cat "$tmp/stderr")"
fi
pixel() { gdallocationinfo -valonly "$1" "$2" "$3" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
# the page is 1200 points wide; the five squares fill x 24..970, y 143..366 (each 189 wide)
got=$(pixel "$tmp/out/plan.png" 700 250)
[ "$got" = "33 113 181" ] && pass "funded region drawn #2171b5" ||
    fail "funded region drawn #2171b5" "pixel (700,250) is [$got]"
for x in 300 870; do
    got=$(pixel "$tmp/out/plan.png" $x 250)
    [ "$got" = "198 198 198" ] && pass "unfunded region drawn a neutral grey #c6c6c6 (x $x)" ||
        fail "unfunded region drawn a neutral grey #c6c6c6 (x $x)" "pixel ($x,250) is [$got]"
done
# the scale bar's filled half (#333333) starts at the map's left edge, 14 points below it
got=$(pixel "$tmp/out/plan.png" 50 381)
[ "$got" = "51 51 51" ] && pass "--scale-bar km draws the scale bar" ||
    fail "--scale-bar km draws the scale bar" "pixel (50,381) is [$got]"
"$bin" plan -q --budget 100000 --costs "$data/costs.csv" --regions "$data/regions.geojson" \
    --map "$tmp/out/plain.png" -o "$tmp/out/plain.csv" "$data/stats.csv"
got=$(pixel "$tmp/out/plain.png" 50 381)
[ "$got" != "51 51 51" ] && pass "no scale bar unless asked" || fail "no scale bar unless asked"
refuse "a bad --scale-bar" 2 "--scale-bar ft: expected km or mi" --budget 100 --scale-bar ft \
    "$data/stats.csv"
[ -z "$(find "$tmp" -name '*.tmp.*')" ] && pass "no temporary files left" ||
    fail "no temporary files left" "$(find "$tmp" -name '*.tmp.*')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
