#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs `dialtone stats` on a directory made by bench/gen_bdc.py --truth and compares every output
# byte for byte with the generator's truth files (and, with --blocks-layer, the polygon join).
# Usage: bench/check_truth.sh DIR [BIN]   (BIN defaults to bin/dialtone)
set -u

dir=${1:?usage: bench/check_truth.sh DIR [BIN]}
bin=${2:-bin/dialtone}
[ -x "$bin" ] || { echo "check_truth: no executable $bin" >&2; exit 2; }
[ -f "$dir/truth_county.csv" ] || { echo "check_truth: $dir has no truth files (gen_bdc.py --truth)" >&2; exit 2; }

shopt -s nullglob
inputs=("$dir"/bdc_*.csv "$dir"/bdc_*.zip)
[ ${#inputs[@]} -gt 0 ] || { echo "check_truth: no bdc_* files in $dir" >&2; exit 2; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME EXPECTED GOT -- command...: run the command, then compare GOT with EXPECTED.
# check NAME EXPECTED GOT -- CMD...; with -name instead of --, GOT's name column (the polygon
# layer's NAME, which the GEOID-prefix truth has not), when it has one, is dropped first.
check() {
    local name=$1 expected=$2 got=$3 drop=$4
    shift 4
    rm -f "$got"
    "$@" >"$tmp/log" 2>&1
    local status=$?
    if [ "$status" -eq 0 ] && [ "$drop" = -name ]; then
        python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
k = rows[0].index("name") if "name" in rows[0] else len(rows[0])
w = csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n")
w.writerows(r[:k] + r[k + 1:] for r in rows)' "$got" || status=1
    fi
    if [ "$status" -ne 0 ]; then
        echo "FAIL $name: exit status $status from: $*"
        sed 's/^/    /' "$tmp/log" | head -n 20
        failed=$((failed + 1))
    elif ! cmp -s "$expected" "$got"; then
        echo "FAIL $name: output differs from $expected"
        diff "$expected" "$got" | head -n 20 | sed 's/^/    /'
        failed=$((failed + 1))
    else
        echo "ok   $name"
        passed=$((passed + 1))
    fi
}

for level in county tract; do
    for ulfw in "" _ulfw; do
        for fabric in "" _fabric; do
            truth="$dir/truth_${level}${ulfw}${fabric}.csv"
            [ -f "$truth" ] || continue
            opts=(--by "$level")
            [ -n "$ulfw" ] && opts+=(--ulfw)
            [ -n "$fabric" ] && opts+=(--fabric "$dir/fabric.csv")
            check "stats ${opts[*]}" "$truth" "$tmp/out.csv" -- \
                "$bin" stats -q "${opts[@]}" -o "$tmp/out.csv" "${inputs[@]}"
        done
    done
done

# price, speed and competition columns (gen_bdc.py --plans)
for level in county tract; do
    truth="$dir/truth_${level}_prices.csv"
    [ -f "$truth" ] || continue
    opts=(--by "$level" --plans "$dir/plans.csv" --speed)
    [ "$level" = county ] && opts+=(--income "$dir/income.csv")
    check "stats ${opts[*]}" "$truth" "$tmp/out.csv" -- \
        "$bin" stats -q "${opts[@]}" -o "$tmp/out.csv" "${inputs[@]}"
done

if [ -f "$dir/truth_locations.csv" ]; then
    check "stats --locations-out" "$dir/truth_locations.csv" "$tmp/locations.csv" -- \
        "$bin" stats -q --by county -o "$tmp/out.csv" --locations-out "$tmp/locations.csv" "${inputs[@]}"
fi

# With --blocks-layer: the county polygons must give exactly the GEOID-prefix counties, housing
# columns included, in the layer's CRS and reprojected to NAD83 / Conus Albers (EPSG:5070).
layers=("$dir"/tl_*_tabblock20.*)
if [ -f "$dir/truth_county_blocks.csv" ] && [ ${#layers[@]} -gt 0 ] && [ -f "$dir/counties.gpkg" ]; then
    blocks=(--blocks "${layers[0]}")
    polygons=(--regions "$dir/counties.gpkg" --id-field GEOID)
    check "stats --by county --blocks" "$dir/truth_county_blocks.csv" "$tmp/out.csv" -- \
        "$bin" stats -q --by county "${blocks[@]}" -o "$tmp/out.csv" "${inputs[@]}"
    check "stats --regions counties --blocks" "$dir/truth_county_blocks.csv" "$tmp/out.csv" -name \
        "$bin" stats -q "${polygons[@]}" "${blocks[@]}" -o "$tmp/out.csv" "${inputs[@]}"
    if [ -f "$dir/truth_county_blocks_fabric.csv" ]; then
        check "stats --regions counties --blocks --fabric" "$dir/truth_county_blocks_fabric.csv" \
            "$tmp/out.csv" -name "$bin" stats -q "${polygons[@]}" "${blocks[@]}" \
            --fabric "$dir/fabric.csv" -o "$tmp/out.csv" "${inputs[@]}"
    fi
    if ogr2ogr -f GPKG -t_srs EPSG:5070 -segmentize 0.01 "$tmp/counties_5070.gpkg" \
        "$dir/counties.gpkg" >/dev/null 2>&1; then
        check "stats --regions counties in EPSG:5070" "$dir/truth_county_blocks.csv" "$tmp/out.csv" -name \
            "$bin" stats -q --regions "$tmp/counties_5070.gpkg" --id-field GEOID "${blocks[@]}" \
            -o "$tmp/out.csv" "${inputs[@]}"
    else
        echo "FAIL ogr2ogr could not reproject $dir/counties.gpkg"
        failed=$((failed + 1))
    fi
    # The GeoPackage holds one feature per county row, with its geometry.
    rm -f "$tmp/regions.gpkg"
    counties=$(($(wc -l <"$dir/truth_county_blocks.csv") - 1))
    if "$bin" stats -q "${polygons[@]}" "${blocks[@]}" -o "$tmp/regions.gpkg" "${inputs[@]}" &&
        ogrinfo -ro -so -al "$tmp/regions.gpkg" | grep -q "Feature Count: $counties\$" &&
        ogrinfo -ro -so -al "$tmp/regions.gpkg" | grep -q "Geometry: Multi Polygon"; then
        echo "ok   stats -o regions.gpkg ($counties counties with geometry)"
        passed=$((passed + 1))
    else
        echo "FAIL stats -o regions.gpkg: not $counties multipolygon features"
        failed=$((failed + 1))
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
