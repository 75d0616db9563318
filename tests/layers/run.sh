#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One way to name a layer everywhere: every command that reads a layer takes FILE|layername=X
# and --layer X alike (the same output byte for byte), map takes the layer as its operand too,
# a source with several layers and no name is refused with the list of layers, and two
# different names for one layer are refused. Usage: tests/layers/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-layers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
k=datasets/kansas

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$tmp/err" ] && sed 's/^/     /' "$tmp/err"; }

# check NAME WANT_STATUS PATTERN -- ARGS...
check() {
    local name=$1 want=$2 pattern=$3
    shift 4
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local rc=$?
    if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" "$tmp/err"; then ok "$name"; else
        echo "     status $rc (want $want)"; bad "$name"; fi
}

same() { if cmp -s "$2" "$3"; then ok "$1"; else bad "$1: $2 and $3 differ"; fi; }

# A GeoPackage of two layers: the counties, and the same polygons with other ids.
ogr2ogr -q -f GPKG "$tmp/two.gpkg" $k/counties.gpkg counties -nln counties
ogr2ogr -q -update -f GPKG "$tmp/two.gpkg" $k/counties.gpkg -nln others \
    -sql "SELECT geom, 'x' || GEOID AS GEOID, NAME FROM counties"
blocks=$k/tl_2020_20_tabblock20.zip
bdc=($k/bdc_20_*.csv $k/bdc_20_*.zip)

# stats --regions
"$bin" stats -q "${bdc[@]}" --blocks $blocks --regions "$tmp/two.gpkg|layername=counties" \
    --id-field GEOID -o "$tmp/stats_pipe.csv" 2>"$tmp/err" || bad "stats FILE|layername="
"$bin" stats -q "${bdc[@]}" --blocks $blocks --regions "$tmp/two.gpkg" --layer counties \
    --id-field GEOID -o "$tmp/stats_layer.csv" 2>"$tmp/err" || bad "stats --layer"
same "stats: --layer X and FILE|layername=X give the same table" "$tmp/stats_pipe.csv" \
    "$tmp/stats_layer.csv"
# the one-layer source gives the same numbers as the first layer of the two
"$bin" stats -q "${bdc[@]}" --blocks $blocks --regions $k/counties.gpkg --id-field GEOID \
    -o "$tmp/stats_one.csv" 2>"$tmp/err" || bad "stats one-layer source"
same "stats: the layer named in a two-layer source = the one-layer source" \
    "$tmp/stats_one.csv" "$tmp/stats_layer.csv"
check "stats: two layers and no name: refused, naming both" 2 \
    "holds 2 layers \(counties, others\).*--layer" -- \
    stats "${bdc[@]}" --blocks $blocks --regions "$tmp/two.gpkg" --id-field GEOID \
    -o "$tmp/never.csv"
check "stats: two different names for one layer" 2 \
    "names layer 'counties' and --layer names 'others': give one" -- \
    stats "${bdc[@]}" --blocks $blocks --regions "$tmp/two.gpkg|layername=counties" \
    --layer others --id-field GEOID -o "$tmp/never.csv"
check "stats: --layer without --regions" 2 "--layer names a layer of --regions" -- \
    stats "${bdc[@]}" --layer counties -o "$tmp/never.csv"
if [ -e "$tmp/never.csv" ]; then bad "refused runs wrote nothing"; else ok "refused runs wrote nothing"; fi

# map: --regions F --layer X, --regions F|layername=X, and F|layername=X as the operand
"$bin" stats -q "${bdc[@]}" -o "$tmp/county.csv" || bad "county table"
common=(--stats "$tmp/county.csv" --column pct_unserved --title T)
"$bin" map -q --regions "$tmp/two.gpkg" --layer counties "${common[@]}" -o "$tmp/m1.png" \
    2>"$tmp/err" || bad "map --layer"
"$bin" map -q --regions "$tmp/two.gpkg|layername=counties" "${common[@]}" -o "$tmp/m2.png" \
    2>"$tmp/err" || bad "map FILE|layername="
"$bin" map -q "$tmp/two.gpkg|layername=counties" "${common[@]}" -o "$tmp/m3.png" \
    2>"$tmp/err" || bad "map operand"
"$bin" map -q $k/counties.gpkg "${common[@]}" -o "$tmp/m4.png" 2>"$tmp/err" ||
    bad "map one-layer operand"
same "map: --layer X = FILE|layername=X" "$tmp/m1.png" "$tmp/m2.png"
same "map: the operand = --regions" "$tmp/m2.png" "$tmp/m3.png"
same "map: the named layer = the one-layer source" "$tmp/m3.png" "$tmp/m4.png"
check "map: two layers and no name: refused" 2 "holds 2 layers \(counties, others\)" -- \
    map "$tmp/two.gpkg" "${common[@]}" -o "$tmp/never.png"
check "map: --regions and an operand" 2 "one LAYER only" -- \
    map --regions $k/counties.gpkg $k/counties.gpkg "${common[@]}" -o "$tmp/never.png"
check "map: an unknown layer, with the list" 1 "no layer 'nope' \(layers: counties, others\)" -- \
    map "$tmp/two.gpkg" --layer nope "${common[@]}" -o "$tmp/never.png"

# plan and report: --layer X = FILE|layername=X
"$bin" plan -q "$tmp/county.csv" --budget 20000000 --regions "$tmp/two.gpkg" --layer counties \
    -o "$tmp/p1.csv" 2>"$tmp/err" || bad "plan --layer"
"$bin" plan -q "$tmp/county.csv" --budget 20000000 --regions "$tmp/two.gpkg|layername=counties" \
    -o "$tmp/p2.csv" 2>"$tmp/err" || bad "plan FILE|layername="
same "plan: --layer X = FILE|layername=X" "$tmp/p1.csv" "$tmp/p2.csv"
check "plan: two layers and no name: refused" 2 "holds 2 layers" -- \
    plan "$tmp/county.csv" --budget 20000000 --regions "$tmp/two.gpkg" -o "$tmp/never.csv"
"$bin" report -q --stats "$tmp/county.csv" --map "$tmp/m1.png" --regions "$tmp/two.gpkg" \
    --layer counties -o "$tmp/r1.html" 2>"$tmp/err" || bad "report --layer"
"$bin" report -q --stats "$tmp/county.csv" --map "$tmp/m1.png" \
    --regions "$tmp/two.gpkg|layername=counties" -o "$tmp/r2.html" 2>"$tmp/err" ||
    bad "report FILE|layername="
same "report: --layer X = FILE|layername=X" "$tmp/r1.html" "$tmp/r2.html"
if grep -q "Morton" "$tmp/r1.html"; then ok "report: names come from the named layer"; else
    bad "report: no county name in the page"; fi

# A coordinate that is not a finite number (GDAL reads "-inf" in WKT) is refused by every
# reader of polygons, naming the file and the feature, before any output is written.
printf 'WKT,GEOID\n"POLYGON ((-100 38,-99 38,-99 39,-100 39,-100 38))",20001\n%s\n' \
    '"POLYGON ((-98 38,-inf 38,-97 39,-98 39,-98 38))",20003' >"$tmp/inf.csv"
ogr2ogr -q -f GPKG "$tmp/inf.gpkg" "$tmp/inf.csv" -a_srs EPSG:4326 -nln regions 2>/dev/null
check "stats: a polygon with an infinite coordinate is refused" 1 \
    "inf.gpkg: feature 2 \(id 20003\) has a coordinate that is not a finite number" -- \
    stats "${bdc[@]}" --blocks $blocks --regions "$tmp/inf.gpkg" --id-field GEOID \
    -o "$tmp/never.csv"
check "map: a polygon with an infinite coordinate is refused" 1 \
    "inf.gpkg: region 20003 has a coordinate that is not a finite number" -- \
    map "$tmp/inf.gpkg" --stats "$tmp/county.csv" --column unserved --id-field GEOID \
    -o "$tmp/never.png"
if [ -e "$tmp/never.csv" ] || [ -e "$tmp/never.png" ]; then bad "refused runs wrote nothing"; else
    ok "refused runs wrote nothing (infinite coordinates)"; fi

echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
