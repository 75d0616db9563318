#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of dialtone's other paths on one synthetic state with its census layers
# (bench/gen_bdc.py --blocks-layer: a TIGER-like block GeoPackage and 60 county polygons):
#   stats --by county                                  (the baseline of bench/run.sh)
#   stats --by county --blocks BLOCKS.gpkg             (housing, pop and land from the blocks)
#   stats --regions counties.gpkg --blocks BLOCKS.gpkg (every block located in the polygons)
#   stats --by county,tract                            (two tables from one read)
#   stats --plans --income --speed                     (prices, speeds and competition)
#   diff OLD NEW                                       (the state against itself without its
#                                                       fixed-wireless file: a changed release)
# The stats tables must equal the generator's truth byte for byte (truth_county_blocks.csv for
# the two with blocks, truth_county_prices.csv with the plans) or the script stops; the diff's
# old and new totals must equal the state tables of stats on each release. Prints the median
# wall time and peak RSS of each.
# The map of a million blocks has its own script: bench/map_bench.sh.
# Usage: bench/paths.sh [small|medium|large] (default large)   BIN=bin/dialtone REPEAT=3
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/dialtone}
data=${BENCH_DATA:-/tmp/dialtone-bench}
size=${1:-large}
[ -x "$bin" ] || make -s
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
. bench/lib.sh # blocks_for, measure (and $tmp, removed at exit)
blocks=$(blocks_for "$size")
dir="$data/$size-layers"
if [ ! -f "$dir/truth_county_blocks.csv" ] || [ ! -f "$dir/truth_county_prices.csv" ]; then
    echo "bench: generating $size with its block layer and plans ($blocks blocks) in $dir ..." >&2
    python3 bench/gen_bdc.py --out "$dir" --seed 42 --blocks "$blocks" --counties 60 --truth \
        --blocks-layer --plans >/dev/null
fi
layer=$(ls "$dir"/tl_*_tabblock20.gpkg)
all=("$dir"/bdc_*.csv)
# the new release: every file but the fixed-wireless one
new=()
for f in "${all[@]}"; do case $f in *Fixed-Wireless*) ;; *) new+=("$f") ;; esac; done
cat "${all[@]}" "$layer" >/dev/null # a warm page cache for every run
same() { cmp -s "$1" "$2" || { echo "bench: $3 differs from the truth on $size"; exit 1; }; }

printf '%-44s %8s %7s\n' "$size ($blocks blocks, $(($(cat "${all[@]}" | wc -l) - ${#all[@]})) rows)" seconds MB
row() { printf '%-44s %8.3f %7d\n' "$1" "$2" $(($3 / 1024)); }

read -r s kb < <(measure county "$bin" stats -q --by county -o "$tmp/county.csv" "${all[@]}")
same "$tmp/county.csv" "$dir/truth_county.csv" "stats --by county"
row "stats --by county" "$s" "$kb"

read -r s kb < <(measure blocks "$bin" stats -q --by county --blocks "$layer" -o "$tmp/blocks.csv" "${all[@]}")
same "$tmp/blocks.csv" "$dir/truth_county_blocks.csv" "stats --blocks"
row "stats --by county --blocks (GeoPackage)" "$s" "$kb"

read -r s kb < <(measure regions "$bin" stats -q --regions "$dir/counties.gpkg" --id-field GEOID \
    --blocks "$layer" -o "$tmp/regions.csv" "${all[@]}")
same "$tmp/regions.csv" "$dir/truth_county_blocks.csv" "stats --regions --blocks"
row "stats --regions (60 polygons) --blocks" "$s" "$kb"

read -r s kb < <(measure levels "$bin" stats -q --by county,tract -o "$tmp/levels_{by}.csv" "${all[@]}")
same "$tmp/levels_county.csv" "$dir/truth_county.csv" "stats --by county,tract (county)"
same "$tmp/levels_tract.csv" "$dir/truth_tract.csv" "stats --by county,tract (tract)"
row "stats --by county,tract" "$s" "$kb"

read -r s kb < <(measure prices "$bin" stats -q --by county --plans "$dir/plans.csv" \
    --income "$dir/income.csv" --speed -o "$tmp/prices.csv" "${all[@]}")
same "$tmp/prices.csv" "$dir/truth_county_prices.csv" "stats --plans --income --speed"
row "stats --plans --income --speed" "$s" "$kb"

# the diff's totals against the state table of stats on each release
"$bin" stats -q --by state -o "$tmp/old_state.csv" "${all[@]}"
"$bin" stats -q --by state -o "$tmp/new_state.csv" "${new[@]}"
old_args=()
for f in "${all[@]}"; do old_args+=(--old "$f"); done
new_args=()
for f in "${new[@]}"; do new_args+=(--new "$f"); done
read -r s kb < <(measure diff "$bin" diff -q --by state -o "$tmp/diff.csv" "${old_args[@]}" "${new_args[@]}")
# diff's columns <class>_old and <class>_new hold what stats counts in each release
python3 - "$tmp/diff.csv" "$tmp/old_state.csv" "$tmp/new_state.csv" <<'EOF'
import csv, sys
diff = next(csv.DictReader(open(sys.argv[1])))
for side, path in (("old", sys.argv[2]), ("new", sys.argv[3])):
    stats = next(csv.DictReader(open(path)))
    for c in ("locations", "unserved", "underserved", "served"):
        if diff["%s_%s" % (c, side)] != stats[c]:
            sys.exit("bench: diff's %s_%s %s != stats' %s" % (c, side, diff["%s_%s" % (c, side)], stats[c]))
EOF
row "diff (a release without its fixed wireless)" "$s" "$kb"
echo "(dialtone $("$bin" --version | cut -d' ' -f2), $(ogr2ogr --version | cut -d, -f1), $(nproc) cores,"
echo " load average $(cut -d' ' -f1-3 /proc/loadavg); wall medians of $repeat runs after one warm-up, MB peak RSS)"
