#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Map benchmark (run by hand, not in make check): 3,000 synthetic counties at 1600x1000 and
# one million synthetic blocks, each drawn by `dialtone map`; prints the wall time of each.
# Usage: bench/map_bench.sh [BIN] [WORKDIR]
set -eu
bin=${1:-bin/dialtone}
work=${2:-/tmp/dialtone-mapbench}
mkdir -p "$work"
here=$(dirname "$0")
make_layer() { # NAME COLS ROWS EDGE_POINTS
    if [ ! -s "$work/$1.gpkg" ]; then
        python3 "$here/gen_map.py" --out "$work" --name "$1" --cols "$2" --rows "$3" --edge-points "$4"
        ogr2ogr -f GPKG "$work/$1.gpkg" "$work/$1.csv" -nln "$1" -a_srs EPSG:4269 \
            -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -nlt POLYGON
    fi
}
timed() { # LABEL CMD...
    local label=$1
    shift
    local start end
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    awk -v l="$label" -v s="$start" -v e="$end" 'BEGIN { printf "%-46s %6.2f s\n", l, e - s }'
}
make_layer counties 60 50 8
make_layer blocks 1000 1000 1
for run in 1 2 3; do
    timed "3,000 counties, 1600x1000 (run $run)" "$bin" map -q --regions "$work/counties.gpkg" \
        --stats "$work/counties_stats.csv" --column pct_unserved --width 1600 --height 1000 \
        --title "3,000 synthetic counties" -o "$work/counties.png"
done
timed "3,000 counties, symbols" "$bin" map -q --regions "$work/counties.gpkg" \
    --stats "$work/counties_stats.csv" --column unserved --view symbols --width 1600 \
    --height 1000 -o "$work/counties_symbols.png"
timed "3,000 counties, jenks, --scale 2" "$bin" map -q --regions "$work/counties.gpkg" \
    --stats "$work/counties_stats.csv" --column pct_unserved --method jenks --scale 2 \
    --width 1600 --height 1000 -o "$work/counties_2x.png"
for run in 1 2; do
    timed "1,000,000 blocks, 1600x1000 (run $run)" "$bin" map -q --regions "$work/blocks.gpkg" \
        --stats "$work/blocks_stats.csv" --column pct_unserved --method jenks --width 1600 \
        --height 1000 --title "1,000,000 synthetic blocks" -o "$work/blocks.png"
done
