#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Golden CLI tests for `dialtone stats`: run from the project root as `tests/cli/run.sh [BIN]`.
#
# Every expected file in tests/expected/ was computed by hand from the fixtures in tests/data/
# (the arithmetic is in tests/data/README.md), never by running the tool. Outputs are compared
# as exact text. Prints `ok NAME` or `FAIL NAME` (with the reasons) per case, then one line
# `N passed, N failed`; exits 1 if any case failed.

set -u

bin=${1:-bin/dialtone}
# Resolve a relative BIN against the caller's directory before moving to the project root.
case $bin in
  /*) ;;
  */*) bin="$PWD/$bin" ;;
esac
cd "$(dirname "$0")/../.." || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

data=tests/data
expected=tests/expected
main_files=("$data/main/part1.csv" "$data/main/part2.csv")

# A hung binary must fail its case, not the whole run.
limit=()
if command -v timeout >/dev/null 2>&1; then
  limit=(timeout 60)
fi

passed=0
failed=0
name=
work=
problems=
rc=0

# begin NAME: start a case with a fresh work dir; $work/out is where -o files go.
begin() {
  name=$1
  problems=
  work="$tmp/$name"
  mkdir -p "$work/out"
}

problem() {
  problems+="$1"$'\n'
}

# run ARGS...: run the binary, capturing stdout, stderr and the exit status.
run() {
  ${limit[@]+"${limit[@]}"} "$bin" "$@" >"$work/stdout" 2>"$work/stderr" </dev/null
  rc=$?
}

expect_status() {
  if [ "$rc" -ne "$1" ]; then
    problem "exit status $rc, expected $1"
  fi
}

# expect_same ACTUAL GOLDEN: exact text comparison.
expect_same() {
  if [ ! -f "$2" ]; then
    problem "golden file $2 is missing"
  elif [ ! -f "$1" ]; then
    problem "output file $1 was not written"
  elif ! cmp -s "$2" "$1"; then
    problem "output differs from $2:"$'\n'"$(diff -u --label "$2" --label "${1#"$tmp"/}" "$2" "$1")"
  fi
}

expect_stdout_empty() {
  if [ -s "$work/stdout" ]; then
    problem "stdout should be empty when -o is given, got: $(head -c 300 "$work/stdout")"
  fi
}

# expect_stderr_has TEXT: stderr contains TEXT literally (e.g. `bad_speed.csv:5:`).
expect_stderr_has() {
  if ! grep -qF -- "$1" "$work/stderr"; then
    problem "stderr does not contain '$1'"
  fi
}

# expect_stderr_lacks TEXT: stderr does not contain TEXT.
expect_stderr_lacks() {
  if grep -qF -- "$1" "$work/stderr"; then
    problem "stderr should not contain '$1', got: $(head -c 300 "$work/stderr")"
  fi
}

# expect_out_dir FILE...: the -o directory holds exactly these names (none: it must be empty),
# so a failed run leaves neither the output nor a temporary file behind.
expect_out_dir() {
  local want have
  want=$(printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort)
  have=$(cd "$work/out" && find . -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort)
  if [ "$want" != "$have" ]; then
    problem "output directory holds [$(echo "$have" | tr '\n' ' ')], expected [$(echo "$want" | tr '\n' ' ')]"
  fi
}

# expect_skip_count N: some stderr line says "skipped" together with the count N
# ("skipped 4 rows", "4 bad rows skipped"); a `file:4:` location does not count as the number.
expect_skip_count() {
  local n=$1
  if ! grep -Eiq "skipped[^0-9]*(^|[^0-9])${n}([^0-9]|\$)|(^|[^0-9:])${n}[^0-9:]*skipped" "$work/stderr"; then
    problem "stderr does not say that $n rows were skipped"
  fi
}

finish() {
  if [ -z "$problems" ]; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    printf '%s' "$problems" | sed 's/^/    /'
    if [ -s "$work/stderr" ]; then
      echo "    --- stderr (first 20 lines):"
      head -n 20 "$work/stderr" | sed 's/^/    | /'
    fi
    failed=$((failed + 1))
  fi
}

# golden_case NAME GOLDEN ARGS...: `stats -o OUT ARGS...` exits 0, prints nothing on stdout,
# and writes exactly GOLDEN.
golden_case() {
  local golden=$2
  begin "$1"
  shift 2
  run stats -o "$work/out/result.csv" "$@"
  expect_status 0
  expect_stdout_empty
  expect_same "$work/out/result.csv" "$expected/$golden"
  finish
}

# bad_input_case NAME FILE:LINE ARGS...: `stats -o OUT ARGS...` exits 1, names FILE:LINE on
# stderr and leaves nothing in the output directory.
bad_input_case() {
  local where=$2
  begin "$1"
  shift 2
  run stats -o "$work/out/result.csv" "$@"
  expect_status 1
  expect_stderr_has "$where"
  expect_out_dir
  finish
}

# usage_case NAME ARGS...: exits 2 and writes no output file.
usage_case() {
  begin "$1"
  shift
  run stats -o "$work/out/result.csv" "$@"
  expect_status 2
  expect_out_dir
  finish
}

if [ ! -x "$bin" ] && ! command -v "$bin" >/dev/null 2>&1; then
  echo "note: $bin is not an executable; every case will fail" >&2
fi

# --- region levels, options, outputs -------------------------------------------------------

golden_case county county.csv "${main_files[@]}"
golden_case by_county_explicit county.csv --by county -q "${main_files[@]}"
golden_case by_state state.csv --by state "${main_files[@]}"
golden_case by_tract tract.csv --by tract "${main_files[@]}"
golden_case by_blockgroup blockgroup.csv --by blockgroup "${main_files[@]}"
golden_case ulfw county_ulfw.csv --ulfw "${main_files[@]}"
golden_case thresholds county_thresholds.csv --served 50/10 --underserved 10/1 "${main_files[@]}"
golden_case fabric county_fabric.csv --fabric "$data/main/fabric.csv" "${main_files[@]}"
# The tool expands the quoted pattern itself; it matches part1.csv and part2.csv.
golden_case glob county.csv "$data/main/part*.csv"
golden_case file_order county.csv "$data/main/part2.csv" "$data/main/part1.csv"

begin locations_out
run stats -o "$work/out/result.csv" --locations-out "$work/out/locations.csv" "${main_files[@]}"
expect_status 0
expect_same "$work/out/result.csv" "$expected/county.csv"
expect_same "$work/out/locations.csv" "$expected/locations.csv"
finish

begin fabric_locations_out
run stats -o "$work/out/result.csv" --fabric "$data/main/fabric.csv" \
  --locations-out "$work/out/locations.csv" "${main_files[@]}"
expect_status 0
expect_same "$work/out/result.csv" "$expected/county_fabric.csv"
expect_same "$work/out/locations.csv" "$expected/locations_fabric.csv"
finish

# Location 5001 has one row in plain.csv and one inside more.zip (which holds two CSVs).
begin zip_split
run stats -o "$work/out/result.csv" --locations-out "$work/out/locations.csv" \
  "$data/split/plain.csv" "$data/split/more.zip"
expect_status 0
expect_same "$work/out/result.csv" "$expected/split_county.csv"
expect_same "$work/out/locations.csv" "$expected/split_locations.csv"
finish

begin stdout
run stats "${main_files[@]}"
expect_status 0
expect_same "$work/stdout" "$expected/county.csv"
finish

begin stdout_by_state
run stats --by state -q "${main_files[@]}"
expect_status 0
expect_same "$work/stdout" "$expected/state.csv"
finish

# --- "-" reads standard input, for every table or CSV input -----------------------------------
# run_in FILE ARGS...: run with FILE as standard input.
run_in() {
  local input=$1
  shift
  ${limit[@]+"${limit[@]}"} "$bin" "$@" >"$work/stdout" 2>"$work/stderr" <"$input"
  rc=$?
}

# the same county table as from the two files (county.csv, by hand), part1 read from stdin
begin stdin_bdc
run_in "$data/main/part1.csv" stats -o "$work/out/result.csv" - "$data/main/part2.csv"
expect_status 0
expect_same "$work/out/result.csv" "$expected/county.csv"
grep -q '"name": "standard input"' "$work/out/result.csv-metadata.json" ||
  problem "provenance does not name standard input"
grep -q "\"file_bytes\": $(wc -c <"$data/main/part1.csv")," "$work/out/result.csv-metadata.json" ||
  problem "provenance does not give the bytes read from standard input"
finish

begin stdin_fabric
run_in "$data/main/fabric.csv" stats -o "$work/out/result.csv" --fabric - "${main_files[@]}"
expect_status 0
expect_same "$work/out/result.csv" "$expected/county_fabric.csv"
finish

# a bad row on standard input is named as such, with its line
begin stdin_bad_row
run_in "$data/bad/bad_speed.csv" stats -o "$work/out/result.csv" -
expect_status 1
expect_stderr_has "standard input:5:"
expect_out_dir
finish

# standard input is read once: two inputs cannot both be "-"
begin stdin_twice
run_in "$data/main/fabric.csv" stats -o "$work/out/result.csv" --fabric - -
expect_status 2
expect_stderr_has "--fabric - and BDC_FILE -: standard input can be read by one input only"
expect_out_dir
finish

# --- bad input: exit 1, FILE:LINE on stderr, no output left behind ---------------------------

bad_input_case missing_file does_not_exist.csv "$data/main/part1.csv" "$data/bad/does_not_exist.csv"
bad_input_case bad_header bad_header.csv:1: "$data/bad/bad_header.csv"
bad_input_case wrong_field_count wrong_fields.csv:3: "$data/bad/wrong_fields.csv"
bad_input_case bad_speed bad_speed.csv:5: "$data/bad/bad_speed.csv"
bad_input_case bad_geoid bad_geoid.csv:3: "$data/bad/bad_geoid.csv"
bad_input_case geoid_conflict geoid_conflict.csv:5: "$data/bad/geoid_conflict.csv"
# A bad file after a good one must still leave nothing behind.
bad_input_case bad_after_good bad_speed.csv:5: "${main_files[@]}" "$data/bad/bad_speed.csv"

# Neither the -o file nor the --locations-out file may be left behind.
begin bad_locations_out
run stats -o "$work/out/result.csv" --locations-out "$work/out/locations.csv" "$data/bad/bad_geoid.csv"
expect_status 1
expect_stderr_has bad_geoid.csv:3:
expect_out_dir
finish

begin keeps_existing_output
cp "$expected/county.csv" "$work/out/result.csv"
run stats -o "$work/out/result.csv" "$data/bad/bad_speed.csv"
expect_status 1
expect_stderr_has bad_speed.csv:5:
expect_same "$work/out/result.csv" "$expected/county.csv"
expect_out_dir result.csv
finish

# --- --skip-bad-rows ----------------------------------------------------------------------------

begin skip_bad_rows
run stats --skip-bad-rows -o "$work/out/result.csv" \
  "$data/bad/wrong_fields.csv" "$data/bad/bad_speed.csv" "$data/bad/bad_geoid.csv"
expect_status 0
expect_same "$work/out/result.csv" "$expected/skip_bad_rows.csv"
expect_skip_count 4
finish

begin skip_geoid_conflict
run stats --skip-bad-rows -o "$work/out/result.csv" "$data/bad/geoid_conflict.csv"
expect_status 0
expect_same "$work/out/result.csv" "$expected/skip_conflict.csv"
expect_skip_count 1
finish

# --- prices, speeds, measured speeds (tests/data/prices/README.md has the arithmetic) ----------

p=$data/prices
price_files=("$p/bdc_ks.csv" "$p/bdc_ne.csv")
golden_case prices_plans prices_plans.csv --plans "$p/plans.csv" "${price_files[@]}"
golden_case prices_served_threshold prices_served_25_3.csv --served 25/3 --underserved 10/1 \
  --plans "$p/plans.csv" "${price_files[@]}"
golden_case prices_state_speed prices_state_speed.csv --by state --speed "${price_files[@]}"

# --measured over polygon regions: a tile straddling two regions is split by area share
# (tests/data/area/README.md has the arithmetic)
a=$data/area
golden_case measured_by_area area_measured.csv --blocks "$a/blocks.gpkg" --regions "$a/regions.gpkg" \
  --id-field REGION --measured "$a/tiles.gpkg" "$a/bdc.csv"

begin prices_all
run stats -o "$work/out/result.csv" --plans "$p/plans.csv" --income "$p/income.csv" \
  --benchmark "$p/benchmark.csv" --speed --measured "$p/tiles.geojson" --fabric "$p/fabric.csv" \
  "${price_files[@]}"
expect_status 0
expect_same "$work/out/result.csv" "$expected/prices_all.csv"
expect_stderr_has "1 duplicate plans"
expect_stderr_has "3 of 13 reliable rows at served speeds matched no plan"
expect_stderr_has "no income (no row, empty or 0) for 2 of 3 regions"
expect_stderr_has "median served price \$75.00, 1.50 times the benchmark's \$50.00; median best speed 100 Mbps, 1/2.50 of the benchmark's 250 Mbps"
expect_stderr_has "6 tiles read; 16 locations have fabric coordinates, 10 of them lie in a tile"
finish

begin prices_locations
run stats -o "$work/out/result.csv" --locations-out "$work/out/locations.csv" \
  --plans "$p/plans.csv" "${price_files[@]}"
expect_status 0
expect_same "$work/out/result.csv" "$expected/prices_plans.csv"
expect_same "$work/out/locations.csv" "$expected/prices_locations.csv"
finish

# Without the new options nothing changes: the same golden as ever, with the price fixtures' files.
begin prices_options_absent
run stats -o "$work/out/result.csv" "${main_files[@]}"
expect_status 0
expect_same "$work/out/result.csv" "$expected/county.csv"
if grep -q "plans\|tiles" "$work/stderr"; then
  problem "notes about prices or tiles without --plans or --measured"
fi
finish

# The bundled sample with every option: runs, and the columns and notes are there.
begin bundled_sample_every_option
k=datasets/kansas
run stats -o "$work/out/result.csv" --fabric "$k/fabric.csv" --plans "$k/plans.csv" \
  --income "$k/income.csv" --benchmark datasets/benchmark_example.csv --speed \
  --measured "$k/tiles.gpkg" "$k"/bdc_*
expect_status 0
if [ "$(head -n 1 "$work/out/result.csv" 2>/dev/null | tr ',' '\n' | wc -l)" -ne 30 ] ||
  [ "$(wc -l <"$work/out/result.csv" 2>/dev/null)" -ne 106 ]; then
  problem "expected 30 columns and 105 counties"
fi
expect_stderr_has "state 20 as a whole: median served price \$"
expect_stderr_has "the same as the benchmark's 250 Mbps"
expect_stderr_has "tiles.gpkg: 2534 tiles read"
finish

bad_input_case plans_negative plans_negative.csv:3: --plans "$p/bad/plans_negative.csv" "${price_files[@]}"
bad_input_case plans_not_a_price plans_text.csv:4: --plans "$p/bad/plans_text.csv" "${price_files[@]}"
bad_input_case plans_header plans_header.csv:1: --plans "$p/bad/plans_header.csv" "${price_files[@]}"
bad_input_case plans_state plans_state.csv:2: --plans "$p/bad/plans_state.csv" "${price_files[@]}"
bad_input_case income_not_a_number income_bad.csv:3: --plans "$p/plans.csv" \
  --income "$p/bad/income_bad.csv" "${price_files[@]}"
bad_input_case benchmark_two_rows benchmark_two.csv:3: --plans "$p/plans.csv" \
  --benchmark "$p/bad/benchmark_two.csv" "${price_files[@]}"
bad_input_case tiles_missing_field "tiles_no_tests.geojson: not an Ookla fixed tile layer: no field 'tests'" \
  --measured "$p/bad/tiles_no_tests.geojson" --fabric "$p/fabric.csv" "${price_files[@]}"
bad_input_case tiles_bad_feature "tiles_bad_feature.geojson: feature FID 2: tests -3" \
  --measured "$p/bad/tiles_bad_feature.geojson" --fabric "$p/fabric.csv" "${price_files[@]}"
bad_input_case fabric_bad_coordinate fabric_bad_coordinate.csv:5: --measured "$p/tiles.geojson" \
  --fabric "$p/bad/fabric_bad_coordinate.csv" "${price_files[@]}"
bad_input_case plans_missing no_such_plans.csv --plans "$p/no_such_plans.csv" "${price_files[@]}"

usage_case income_without_plans --income "$p/income.csv" "${price_files[@]}"
usage_case benchmark_without_plans --benchmark "$p/benchmark.csv" "${price_files[@]}"
usage_case measured_without_fabric --measured "$p/tiles.geojson" "${price_files[@]}"
usage_case plans_with_partial_out --plans "$p/plans.csv" --partial-out "$tmp/x.part" \
  "${price_files[@]}"

# --- usage, help, version -----------------------------------------------------------------------

usage_case unknown_option --bogus "${main_files[@]}"
usage_case bad_by_value --by planet "${main_files[@]}"
usage_case bad_threshold --served fast "${main_files[@]}"
usage_case no_input_file

begin stats_help
run stats --help
expect_status 0
if ! grep -qi usage "$work/stdout"; then
  problem "stdout of 'stats --help' does not mention usage"
fi
finish

begin help
run --help
expect_status 0
if ! grep -qi usage "$work/stdout"; then
  problem "stdout of '--help' does not mention usage"
fi
finish

begin version
run --version
expect_status 0
if [ ! -s "$work/stdout" ]; then
  problem "stdout of '--version' is empty"
fi
finish

# --- census geometry: TIGER blocks, polygon regions, households (tests/data/geo/README.md) ------

geo=$data/geo
geo_blocks=(--blocks "$geo/tl_2020_31_tabblock20.zip" --blocks "$geo/tl_2020_20_tabblock20.fgb")
geo_regions=(--regions "$geo/areas_5070.gpkg" --id-field AREA_ID)

# expect_ogr FILE TEXT...: `ogrinfo -al -geom=SUMMARY FILE` shows every TEXT.
expect_ogr() {
  local file=$1 text
  shift
  ogrinfo -ro -al -geom=SUMMARY "$file" >"$work/ogrinfo" 2>&1 || problem "ogrinfo cannot read $file"
  for text in "$@"; do
    grep -qF -- "$text" "$work/ogrinfo" || problem "ogrinfo $file does not show '$text'"
  done
}

# expect_ogr_table FILE GOLDEN: the attributes of FILE, converted to CSV by ogr2ogr, are GOLDEN.
expect_ogr_table() {
  rm -f "$work/table.csv"
  ogr2ogr -f CSV -lco STRING_QUOTING=IF_NEEDED "$work/table.csv" "$1" >/dev/null 2>&1 || problem "ogr2ogr cannot convert $1"
  expect_same "$work/table.csv" "$2"
}

# Blocks of two states (a zipped shapefile and a FlatGeobuf, EPSG:4269) in regions of EPSG:5070:
# A has a hole holding block 310630001001003 and the island C; B has two parts.
begin geo_regions
run stats -o "$work/out/result.csv" "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv" "$geo/bdc_extra.csv"
expect_status 0
expect_same "$work/out/result.csv" "$expected/geo_regions.csv"
expect_stderr_has "2 of 8 blocks lie in no region"
expect_stderr_has "1 block with 1 location is not in the block layers (first: 310630001003000)"
# counted nouns agree with their counts: 8 blocks in the two layers (tests/data/geo/README.md),
# one block with one location missing from them, one of them lying in no region
expect_stderr_has "8 blocks from 2 block layers"
expect_stderr_has "their 1 location is left out"
finish

# The same blocks from one GeoPackage, the same regions reprojected to EPSG:4269: same numbers.
golden_case geo_regions_gpkg_4269 geo_regions.csv --blocks "$geo/blocks.gpkg" \
  --regions "$geo/areas_4269.gpkg" --id-field AREA_ID "$geo/bdc.csv" "$geo/bdc_extra.csv"

begin geo_verbose
run stats -o "$work/out/result.csv" --verbose "${geo_blocks[@]}" "${geo_regions[@]}" \
  "$geo/bdc.csv" "$geo/bdc_extra.csv"
expect_status 0
expect_same "$work/out/result.csv" "$expected/geo_regions.csv"
expect_stderr_has "block 310630001001003 (1 location) lies in no region"
expect_stderr_has "block 200390001001001 (0 locations) lies in no region"
expect_stderr_has "block 310630001003000 (1 location) is not in the block layers"
finish

golden_case geo_households geo_regions_households.csv "${geo_blocks[@]}" "${geo_regions[@]}" \
  --households "$geo/households.csv" "$geo/bdc.csv" "$geo/bdc_extra.csv"
golden_case geo_by_county geo_county.csv --by county "${geo_blocks[@]}" "$geo/bdc.csv"
golden_case geo_county_households geo_county_households.csv --households "$geo/households.csv" \
  "$geo/bdc.csv"
golden_case geo_bowtie_repaired geo_bowtie.csv --blocks "$geo/blocks.gpkg" \
  --regions "$geo/areas_bowtie.gpkg" --id-field AREA_ID "$geo/bdc.csv"
# Without any new option the output is what it always was.
golden_case geo_blocks_unused county.csv "${main_files[@]}"

begin geo_blocks_out_csv
run stats -o "$work/out/result.csv" --blocks-out "$work/out/blocks.csv" "${geo_blocks[@]}" \
  "${geo_regions[@]}" "$geo/bdc.csv" "$geo/bdc_extra.csv"
expect_status 0
expect_same "$work/out/result.csv" "$expected/geo_regions.csv"
expect_same "$work/out/blocks.csv" "$expected/geo_blocks.csv"
finish

begin geo_gpkg
run stats -of GPKG -o "$work/out/regions.gpkg" --blocks-out "$work/out/blocks.gpkg" \
  "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv" "$geo/bdc_extra.csv"
expect_status 0
expect_out_dir blocks.gpkg regions.gpkg
expect_ogr "$work/out/regions.gpkg" "Geometry: Multi Polygon" "Feature Count: 3" 'ID["EPSG",5070]' \
  "POLYGON : 5 points, 1 inner rings (5 points)" "MULTIPOLYGON : 2 geometries:" \
  "locations_per_km2: Real" "geoid (String) = A"
expect_ogr_table "$work/out/regions.gpkg" "$expected/geo_regions_ogr.csv"
expect_ogr "$work/out/blocks.gpkg" "Geometry: Multi Polygon" "Feature Count: 8" 'ID["EPSG",4269]' \
  "region (String) = A" "POLYGON : 5 points"
expect_ogr_table "$work/out/blocks.gpkg" "$expected/geo_blocks_ogr.csv"
finish

# -o FILE.geojson implies GeoJSON, written as RFC 7946: longitude/latitude in WGS84.
begin geo_geojson
run stats -q -o "$work/out/regions.geojson" "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv"
expect_status 0
expect_out_dir regions.geojson
if ! grep -Eq '"geoid": "A".*"coordinates": \[ \[ \[ -100\.[0-9]+, 39\.[0-9]+ \]' "$work/out/regions.geojson"; then
  problem "regions.geojson does not hold region A in longitude/latitude"
fi
finish

begin geo_flatgeobuf
run stats -q -of FlatGeobuf -o "$work/out/regions.fgb" --blocks-out "$work/out/blocks.fgb" \
  "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv"
expect_status 0
expect_out_dir blocks.fgb regions.fgb
expect_ogr "$work/out/regions.fgb" "Feature Count: 3" "unserved_housing (Real) = 3.6"
expect_ogr "$work/out/blocks.fgb" "Feature Count: 8" "Geometry: Multi Polygon"
finish

# A failed run leaves an earlier GeoPackage as it was, and no temporary directory.
begin geo_keeps_existing_gpkg
run stats -q -o "$work/out/regions.gpkg" "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv"
cp "$work/out/regions.gpkg" "$work/good.gpkg"
run stats -q -o "$work/out/regions.gpkg" "${geo_blocks[@]}" --regions "$geo/areas_degenerate.gpkg" \
  --id-field AREA_ID "$geo/bdc.csv"
expect_status 1
expect_out_dir regions.gpkg
cmp -s "$work/good.gpkg" "$work/out/regions.gpkg" || problem "the earlier regions.gpkg changed"
finish

bad_input_case geo_no_id_field "no field 'NOPE'" "${geo_blocks[@]}" --regions "$geo/areas_5070.gpkg" \
  --id-field NOPE "$geo/bdc.csv"
bad_input_case geo_no_housing_field "no field 'HOUSING20'" --blocks "$geo/blocks_nohousing.gpkg" \
  "$geo/bdc.csv"
bad_input_case geo_no_crs "blocks_noprj.shp: the layer has no coordinate reference system" \
  --blocks "$geo/blocks_noprj.shp" "$geo/bdc.csv"
bad_input_case geo_unknown_crs "blocks_local.shp: unknown coordinate reference system" \
  --blocks "$geo/blocks_local.shp" "$geo/bdc.csv"
bad_input_case geo_bad_point "feature 2 (GEOID20 310630001001001): INTPTLAT20 'north' is not a latitude" \
  --blocks "$geo/blocks_bad_point.gpkg" "$geo/bdc.csv"
bad_input_case geo_numeric_geoid "GEOID20 '80010001001001' is not a 15-digit block GEOID" \
  --blocks "$geo/blocks_numeric_geoid.gpkg" "$geo/bdc.csv"
bad_input_case geo_layer_twice "block 310630001001000 is already in" \
  --blocks "$geo/tl_2020_31_tabblock20.zip" --blocks "$geo/tl_2020_31_tabblock20.zip" "$geo/bdc.csv"
bad_input_case geo_unrepairable "feature 2 (id Y) has an invalid geometry" "${geo_blocks[@]}" \
  --regions "$geo/areas_degenerate.gpkg" --id-field AREA_ID "$geo/bdc.csv"
bad_input_case geo_missing_layer "nothere.gpkg: cannot open" --blocks "$geo/nothere.gpkg" "$geo/bdc.csv"
# the layers are read on a thread of their own while the rows are: a bad row still comes first,
# as when one was read after the other, and a bad layer still stops a good reading
bad_input_case geo_row_error_first bad_speed.csv:5: \
  --blocks "$geo/blocks_bad_point.gpkg" "$data/bad/bad_speed.csv"
begin geo_row_error_only
run stats -o "$work/out/result.csv" --blocks "$geo/nothere.gpkg" "$data/bad/bad_speed.csv"
expect_status 1
expect_stderr_has bad_speed.csv:5:
expect_stderr_lacks nothere.gpkg
expect_out_dir
finish
bad_input_case geo_layer_error_after_rows "feature 2 (GEOID20 310630001001001): INTPTLAT20" \
  --threads 2 --blocks "$geo/blocks_bad_point.gpkg" "$geo/bdc.csv"
# With --by, a block with locations but not in the layers would make housing wrong.
bad_input_case geo_county_missing_block "first: 310630001003000" --by county "${geo_blocks[@]}" \
  "$geo/bdc.csv" "$geo/bdc_extra.csv"
bad_input_case geo_households_missing_block "not in this households file" \
  --households "$geo/households.csv" "$geo/bdc.csv" "$data/main/part1.csv"
# No location lands in any region: the regions and the data are of different places.
bad_input_case geo_nothing_in_regions "no location lies in any region" --blocks "$geo/blocks.gpkg" \
  --regions "$geo/areas_bowtie.gpkg" --id-field AREA_ID "$geo/bdc_extra.csv"

usage_case geo_regions_without_id --blocks "$geo/blocks.gpkg" --regions "$geo/areas_5070.gpkg" "$geo/bdc.csv"
usage_case geo_id_without_regions --id-field AREA_ID "$geo/bdc.csv"
usage_case geo_regions_and_by --by county "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv"
usage_case geo_regions_without_blocks "${geo_regions[@]}" "$geo/bdc.csv"
usage_case geo_blocks_out_without_blocks --blocks-out blocks.gpkg "$geo/bdc.csv"
usage_case geo_of_with_by -of GPKG --by county "${geo_blocks[@]}" "$geo/bdc.csv"
usage_case geo_of_unknown -of Bogus "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv"

begin geo_of_stdout
run stats -of GPKG "${geo_blocks[@]}" "${geo_regions[@]}" "$geo/bdc.csv"
expect_status 2
expect_stderr_has "needs -o FILE"
finish

# ---- messages that say what the user did (issue 18, item 1) ----
# One rule for directories: where BDC files are read a directory stands for its .csv and .zip
# files (name order), so a directory holding part1.csv and part2.csv gives county.csv; where
# one file is read, a directory is refused before any work, naming the option and the files in
# it that it could mean.
begin dir_of_bdc_files
mkdir -p "$work/bdc" && cp "$data/main/part1.csv" "$data/main/part2.csv" "$work/bdc/"
run stats -o "$work/out/result.csv" "$work/bdc"
expect_status 0
expect_same "$work/out/result.csv" "$expected/county.csv"
finish
begin dir_for_fabric
mkdir -p "$work/in" && cp "$data/main/fabric.csv" "$work/in/"
run stats -o "$work/out/result.csv" --fabric "$work/in" "${main_files[@]}"
expect_status 1
expect_stderr_has "$work/in: is a directory, and --fabric reads one file: name one (in it: fabric.csv)"
expect_out_dir
finish
begin dir_for_regions
mkdir -p "$work/in" && cp "$geo/areas_4269.gpkg" "$geo/bdc.csv" "$work/in/"
run map --regions "$work/in" --stats "$expected/county.csv" --column pct_unserved \
  -o "$work/out/map.png"
expect_status 1
expect_stderr_has "$work/in: is a directory, and --regions reads one file: name one (in it: areas_4269.gpkg)"
expect_out_dir
finish
begin dir_for_plan_table
mkdir -p "$work/in"
run plan --budget 100 -o "$work/out/plan.csv" "$work/in"
expect_status 1
expect_stderr_has "$work/in: is a directory, and STATS_CSV reads one file: name one"
expect_out_dir
finish
# A GeoPackage or a zipped shapefile given as BDC data says what it is and where it goes.
bad_input_case gpkg_as_bdc "areas_4269.gpkg: is a GeoPackage (an SQLite database), not a CSV file: a polygon layer goes with --regions, census blocks with --blocks" "$geo/areas_4269.gpkg"
bad_input_case shapefile_zip_as_bdc "tl_2020_31_tabblock20.zip: holds a shapefile (tl_2020_31_tabblock20.shp) and no .csv file: census blocks go with --blocks" "$geo/tl_2020_31_tabblock20.zip"
# An output into a directory that does not exist, or named as a directory, is refused before
# any input is read: the input here does not exist, so reading it would be a different error.
begin out_missing_parent
run stats -o "$work/out/nothere/result.csv" "$data/bad/does_not_exist.csv"
expect_status 1
expect_stderr_has "$work/out/nothere/result.csv: cannot write: the directory $work/out/nothere does not exist"
expect_out_dir
finish
begin out_names_a_directory
run stats -o "$work/out/nothere/" "$data/bad/does_not_exist.csv"
expect_status 1
expect_stderr_has "names a directory (it ends in /) that does not exist: give a file name"
expect_out_dir
finish
begin plan_map_missing_parent
run plan --budget 100 --regions "$geo/areas_4269.gpkg" --map "$work/out/no/plan.png" \
  -o "$work/out/plan.csv" "$data/bad/does_not_exist.csv"
expect_status 1
expect_stderr_has "$work/out/no/plan.png: cannot write: the directory $work/out/no does not exist"
# ---- the analysts' tables: --by-technology, --providers-out (tests/data/README.md, "tables/") ----
tables=$data/tables

# expect_rows FILE GOLDEN: every line of GOLDEN (hand-worked rows) is a line of FILE.
expect_rows() {
  local line
  while IFS= read -r line; do
    grep -qxF -- "$line" "$1" || problem "missing row: $line"
  done <"$2"
}

# expect_unions FILE: no union row below one of its parts, per region, area and biz_res.
expect_unions() {
  local bad
  bad=$(awk -F, -v OFS=, '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "technology") t = i; next }
    { key = ""; for (i = 1; i < t; i++) key = key $i SUBSEP; for (s = 1; s <= 6; s++) v[key, $t, s] = $(t + 1 + s); keys[key] = 1 }
    END {
      n = split("All Cable or Fiber:Cable,Fiber;All Fixed Wireless:Licensed Fixed Wireless,Unlicensed Fixed Wireless;All Satellite:Geostationary Satellite,Non-geostationary Satellite;All Terrestrial:Copper,Cable,Fiber,Licensed Fixed Wireless,Unlicensed Fixed Wireless,All Wired,All Cable or Fiber;All Wired:Copper,Cable,Fiber;All Wired and Licensed Fixed Wireless:All Wired,Licensed Fixed Wireless;All Technologies:All Terrestrial,All Satellite,Other", u, ";")
      for (k in keys) for (j = 1; j <= n; j++) {
        split(u[j], pu, ":"); m = split(pu[2], parts, ",")
        for (p = 1; p <= m; p++) for (s = 1; s <= 6; s++)
          if (v[k, pu[1], s] + 0 < v[k, parts[p], s] + 0) print pu[1] " < " parts[p]
      }
    }' "$1")
  [ -z "$bad" ] || problem "union below a part: $bad"
}

begin tables_by_county
run stats -q --by county --by-technology "$work/out/tech.csv" --providers-out "$work/out/providers.csv" \
  -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
expect_same "$work/out/providers.csv" "$expected/tables_providers.csv"
expect_rows "$work/out/tech.csv" "$expected/tables_tech_rows.csv"
head -n 1 "$work/out/tech.csv" >"$work/header"
echo "geoid,biz_res,technology,total_locations,speed_02_02,speed_10_1,speed_25_3,speed_100_20,speed_250_25,speed_1000_100" >"$work/header_want"
expect_same "$work/header" "$work/header_want"
# 20001: R, B, X, all; 20003: R, B, all (no location has both): 7 x 15 rows and the header
[ "$(wc -l <"$work/out/tech.csv")" -eq 106 ] || problem "expected 106 lines, got $(wc -l <"$work/out/tech.csv")"
expect_unions "$work/out/tech.csv"
[ -f "$work/out/tech.csv-metadata.json" ] || problem "no provenance sidecar beside tech.csv"
finish

# A plain file is read in one range per thread, each from a line end past its share: with a
# line end inside a quoted field on every row, the guess is often wrong, and the sequential
# reader reads it again. Expected by construction: location i (300 in all, the first 150 in
# county 20001) is served when i % 3 is 0, underserved when 1, unserved when 2.
begin ranges_quoted_newlines
awk 'BEGIN {
  print "frn,provider_id,brand_name,location_id,technology,max_advertised_download_speed,max_advertised_upload_speed,low_latency,business_residential_code,state_usps,block_geoid,h3_res8_id"
  for (i = 0; i < 300; i++) {
    speed = i % 3 == 0 ? "100,20" : i % 3 == 1 ? "25,3" : "10,1"
    block = sprintf("%s%010d", i < 150 ? "20001" : "20003", i % 7)
    printf "0001,131415,\"Co-op\nline %d\n\"\"x\"\"\",%d,50,%s,1,R,KS,%s,8826\n", i, 1000 + i, speed, block
  }
}' >"$work/quoted.csv"
for variant in "1 0" "2 40" "3 97" "4 211" "2 4099" "3 16" "2 97 1" "3 40 300"; do
  set -- $variant
  # a third number: the ranges cut again whenever that many bytes are left (DIALTONE_SPLIT_REST;
  # empty: unset)
  DIALTONE_CHUNK_SIZE=$2 DIALTONE_SPLIT_REST=${3:-} \
    run stats -q --threads "$1" --by county -o "$work/out/t$1_$2.csv" "$work/quoted.csv"
  expect_status 0
  got=$(cut -d, -f1-5 "$work/out/t$1_$2.csv" | tr '\n' ' ')
  [ "$got" = "geoid,locations,unserved,underserved,served 20001,150,50,50,50 20003,150,50,50,50 " ] ||
    problem "threads $1, chunk $2: $got"
done
finish

# Every path gives the same two tables: threads with tiny chunks, the states split or together,
# file order with one location's rows in two files.
begin tables_paths
head -n 6 "$tables/bdc.csv" >"$work/a.csv"
{ head -n 1 "$tables/bdc.csv"; tail -n +7 "$tables/bdc.csv"; } >"$work/b.csv"
run stats -q --threads 1 --by-technology "$work/t1.csv" --providers-out "$work/p1.csv" -o "$work/r1.csv" "$tables/bdc.csv"
for variant in "3 64 split a b" "2 100 together b a" "3 16 auto b a"; do
  set -- $variant
  DIALTONE_CHUNK_SIZE=$2 DIALTONE_STATES=$3 run stats -q --threads "$1" --by-technology "$work/t2.csv" \
    --providers-out "$work/p2.csv" -o "$work/r2.csv" "$work/$4.csv" "$work/$5.csv"
  expect_status 0
  cmp -s "$work/t1.csv" "$work/t2.csv" || problem "by-technology differs: $variant"
  cmp -s "$work/p1.csv" "$work/p2.csv" || problem "providers differ: $variant"
  cmp -s "$work/r1.csv" "$work/r2.csv" || problem "region table differs: $variant"
done
expect_same "$work/p1.csv" "$expected/tables_providers.csv"
# The named region table (--regions, --keep-fields, --area) and the location layer: the same on
# every path too (the pairs compacted on every fill with DIALTONE_PAIR_COMPACT=1)
geo_args=(--blocks "$tables/blocks.gpkg" --regions "$tables/areas_fields.gpkg" --id-field sa_id
  --keep-fields county_fips,pop_est --fabric "$tables/fabric.csv")
for area in total rural; do
  run stats -q --threads 1 "${geo_args[@]}" --area $area --providers-out "$work/p1.csv" \
    --locations-out "$work/l1.gpkg" -o "$work/r1.csv" "$tables/bdc.csv"
  expect_status 0
  ogr2ogr -f CSV "$work/l1.csv" "$work/l1.gpkg" && rm -f "$work/l1.gpkg"
  for variant in "3 64 split a b 1" "2 100 together b a 4194304" "3 16 auto b a 1"; do
    set -- $variant
    DIALTONE_PAIR_COMPACT=$6 DIALTONE_CHUNK_SIZE=$2 DIALTONE_STATES=$3 run stats -q --threads "$1" \
      "${geo_args[@]}" --area $area --providers-out "$work/p2.csv" --locations-out "$work/l2.gpkg" \
      -o "$work/r2.csv" "$work/$4.csv" "$work/$5.csv"
    expect_status 0
    ogr2ogr -f CSV "$work/l2.csv" "$work/l2.gpkg" && rm -f "$work/l2.gpkg"
    cmp -s "$work/p1.csv" "$work/p2.csv" || problem "providers differ: $area $variant"
    cmp -s "$work/r1.csv" "$work/r2.csv" || problem "named region table differs: $area $variant"
    cmp -s "$work/l1.csv" "$work/l2.csv" || problem "location layer differs: $area $variant"
    rm -f "$work/l2.csv"
  done
  rm -f "$work/l1.csv"
done
finish

# The location layer (tests/data/README.md, "tables/"): points from the fabric, the class, the
# best speeds, and who offers served speeds with what. L2: 101 cable 1000/50 and 102 fiber
# 1000/1000 both meet 100/20 -> served, 101;102, 40;50. L4: its 71 row is 50/5 (underserved),
# 70 is not reliable -> no served provider. L8 is in the fabric only: unserved, no provider.
begin locations_layer
run stats -q --by county --fabric "$tables/fabric.csv" --locations-out "$work/out/locations.gpkg" \
  -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
expect_ogr "$work/out/locations.gpkg" "Geometry: Point" "Feature Count: 8" 'ID["EPSG",4326]' \
  "served_providers (String) = 101;102" "served_technologies (String) = 40;50" \
  "region (String) = 20003" "class (String) = unserved"
ogrinfo -ro -al -geom=ISO_WKT "$work/out/locations.gpkg" | grep -qF "POINT (-94.94 37.06)" || problem "L2's point"
ogr2ogr -f CSV -lco STRING_QUOTING=IF_NEEDED "$work/loc.csv" "$work/out/locations.gpkg" -sql \
  "SELECT location_id, region, class, best_down, best_up, providers, served_providers, served_technologies FROM locations"
grep -qxF '4,20001,underserved,50,5,1,,' "$work/loc.csv" || problem "L4's row"
grep -qxF '8,20003,unserved,0,0,0,,' "$work/loc.csv" || problem "L8's row"
grep -qxF '2,20001,served,1000,1000,2,"101;102","40;50"' "$work/loc.csv" || problem "L2's row"
# with --regions, the region is the polygon's id
run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas.gpkg" --id-field sa_id \
  --fabric "$tables/fabric.csv" --locations-out "$work/out/locations.geojson" -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
expect_ogr "$work/out/locations.geojson" "Feature Count: 8" "region (String) = SA2" "location_id (String) = 7"
# the CSV location table ends in the same region and fabric coordinates as the point layer
run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas.gpkg" --id-field sa_id \
  --fabric "$tables/fabric.csv" --locations-out "$work/out/locations.csv" -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
head -n 1 "$work/out/locations.csv" | grep -qxF \
  "location_id,block_geoid,class,best_down,best_up,providers,region,latitude,longitude" ||
  problem "CSV location header: $(head -n 1 "$work/out/locations.csv")"
ogr2ogr -f CSV -lco STRING_QUOTING=IF_NEEDED "$work/layer.csv" "$work/out/locations.geojson" -sql \
  "SELECT location_id, region, latitude, longitude FROM locations"
tail -n +2 "$work/layer.csv" | sort >"$work/layer.sorted"
cut -d, -f1,7-9 "$work/out/locations.csv" | tail -n +2 | sort >"$work/csv.sorted"
cmp -s "$work/layer.sorted" "$work/csv.sorted" || problem "CSV and point layer disagree on region or coordinates"
grep -q '^7,.*,SA2,' "$work/out/locations.csv" || problem "location 7 is not in SA2 in the CSV"
finish
usage_case locations_layer_no_fabric --locations-out l.gpkg "$tables/bdc.csv"

# Urban and rural from UR20 of the blocks, names from --names.
begin tables_area_names
run stats -q --by county --blocks "$tables/blocks.gpkg" --names "$tables/names.csv" \
  --by-technology "$work/out/tech.csv" --providers-out "$work/out/providers.csv" -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
expect_rows "$work/out/tech.csv" "$expected/tables_area_rows.csv"
grep -qxF '20001,"Allen, KS",102,"FiberCo, Inc.",50,1,1,0.2000,0.0000,0.5000' "$work/out/providers.csv" ||
  problem "no named provider row"
# Total, Urban and Rural per biz_res present: 20001 Total 4, Urban 4 (L2 is B and X), Rural 4;
# 20003 Total 3, Urban 2 (B, all), Rural 2 (R, all): 19 x 15 rows and the header
[ "$(wc -l <"$work/out/tech.csv")" -eq 286 ] || problem "expected 286 lines, got $(wc -l <"$work/out/tech.csv")"
expect_unions "$work/out/tech.csv"
finish

# Polygon regions: the layer's NAME (default) or another field names them.
begin tables_regions_names
run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas.gpkg" --id-field sa_id \
  --providers-out "$work/out/providers.csv" -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
grep -qxF 'SA2,East Area,106,Starry Sky,61,1,0,0.5000,1.0000,0.0000' "$work/out/providers.csv" ||
  problem "no row of SA2 named East Area"
run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas.gpkg" --id-field sa_id --name-field sa_id \
  --providers-out "$work/out/providers.csv" -o "$work/out/result.csv" "$tables/bdc.csv"
grep -qxF 'SA1,SA1,101,Cable One,40,2,1,0.4000,0.4000,0.0000' "$work/out/providers.csv" ||
  problem "--name-field sa_id not used"
finish

usage_case tables_partial_out --by-technology tech.csv --partial-out p.partial "$tables/bdc.csv"
usage_case tables_names_with_regions --providers-out p.csv --names "$tables/names.csv" --blocks "$tables/blocks.gpkg" \
  --regions "$tables/areas.gpkg" --id-field sa_id "$tables/bdc.csv"
usage_case tables_keep_without_regions --keep-fields NAME "$tables/bdc.csv"
usage_case tables_area_without_blocks --area urban "$tables/bdc.csv"
usage_case tables_area_bad --blocks "$tables/blocks.gpkg" --area suburban "$tables/bdc.csv"
usage_case tables_keep_clash --blocks "$tables/blocks.gpkg" --regions "$tables/areas_fields.gpkg" --id-field sa_id \
  --keep-fields county_fips,locations "$tables/bdc.csv"
usage_case tables_keep_missing --blocks "$tables/blocks.gpkg" --regions "$tables/areas_fields.gpkg" --id-field sa_id \
  --keep-fields NOPE "$tables/bdc.csv"
usage_case tables_txt --by-technology tech.txt "$tables/bdc.csv"
usage_case tables_two_levels --by county,tract --by-technology tech.csv "$tables/bdc.csv"

begin tables_bad_names
printf 'geoid,name\n20001,A\n20001,B\n' >"$work/names.csv"
run stats -o "$work/out/result.csv" --names "$work/names.csv" --by-technology "$work/out/tech.csv" "$tables/bdc.csv"
expect_status 1
expect_stderr_has "$work/names.csv:3: geoid 20001 is named twice"
expect_out_dir
finish

begin tables_bad_field
run stats -o "$work/out/result.csv" --blocks "$tables/blocks.gpkg" --regions "$tables/areas.gpkg" --id-field sa_id \
  --name-field NOPE --providers-out "$work/out/p.csv" "$tables/bdc.csv"
expect_status 2
expect_stderr_has "NOPE"
expect_out_dir
finish

# Names in the region table (tests/data/README.md, "tables/"): --names with --by county, the
# layer's NAME and --keep-fields with --regions; in vector outputs the id field under its own
# name too. Counts by hand: 20001 = SA1 holds L1 (300/10: underserved), L2 (served), L3
# (satellite: unserved), L4 (71 at 50/5: underserved), L5 (0.1/0.1: unserved); 20003 = SA2 holds
# L6 (underserved) and L7 (unserved).
begin tables_region_names
run stats -q --by county --names "$tables/names.csv" -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
head -n 1 "$work/out/result.csv" | grep -q '^geoid,name,locations,unserved,' || problem "no name column after geoid"
grep -q '^20001,"Allen, KS",5,2,2,1,40.00,' "$work/out/result.csv" || problem "20001 not named Allen, KS"
grep -q '^20003,Anderson,2,1,1,0,50.00,' "$work/out/result.csv" || problem "20003 not named Anderson"
run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas_fields.gpkg" --id-field sa_id \
  --keep-fields county_fips,pop_est -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
head -n 1 "$work/out/result.csv" | grep -q '^geoid,name,county_fips,pop_est,locations,' || problem "kept fields missing"
grep -q '^SA1,West Area,20001,1200,5,2,2,1,40.00,' "$work/out/result.csv" || problem "SA1's row"
grep -q '^SA2,East Area,20003,340,2,1,1,0,50.00,' "$work/out/result.csv" || problem "SA2's row"
# --names names every level of --by county,tract it holds; 20003 and its tract it does not
printf 'geoid,name\n20001,"Allen, KS"\n20001000100,Tract One\n' >"$work/names.csv"
run stats -q --by county,tract --names "$work/names.csv" -o "$work/out/{by}.csv" "$tables/bdc.csv"
expect_status 0
grep -q '^20001000100,Tract One,5,2,2,1,40.00,' "$work/out/tract.csv" || problem "tract not named"
grep -q '^20003000100,,2,1,1,0,50.00,' "$work/out/tract.csv" || problem "unnamed tract"
grep -q '^20001,"Allen, KS",5,' "$work/out/county.csv" || problem "county not named"
rm -f "$work/out/"*
for ext in gpkg geojson; do
  int=Integer64
  [ $ext = geojson ] && int=Integer # GeoJSON reads small whole numbers as 32-bit
  run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas_fields.gpkg" --id-field sa_id \
    --keep-fields pop_est -o "$work/out/regions.$ext" "$tables/bdc.csv"
  expect_status 0
  expect_ogr "$work/out/regions.$ext" "geoid (String) = SA2" "sa_id (String) = SA2" "name (String) = East Area" \
    "pop_est ($int) = 340" "locations ($int) = 2"
  rm -f "$work/out/regions.$ext"
done
finish

# --area: only the locations of urban (or rural) blocks. Urban: SA1 holds L1 (underserved) and L2
# (served), SA2 L6 (underserved). Rural: 20001 holds L3, L5 (unserved) and L4 (underserved): 2 of 3
# unserved = 66.67; 20003 holds L7 (unserved). Providers: 103 104 105 in 20001; 106 107 in 20003.
begin tables_area_filter
run stats -q --blocks "$tables/blocks.gpkg" --regions "$tables/areas.gpkg" --id-field sa_id --area urban \
  -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
grep -q '^SA1,West Area,2,0,1,1,0.00,2,' "$work/out/result.csv" || problem "urban SA1"
grep -q '^SA2,East Area,1,0,1,0,0.00,1,' "$work/out/result.csv" || problem "urban SA2"
run stats -q --by county --blocks "$tables/blocks.gpkg" --names "$tables/names.csv" --area rural \
  -o "$work/out/result.csv" "$tables/bdc.csv"
expect_status 0
grep -q '^20001,"Allen, KS",3,2,1,0,66.67,3,0.1,' "$work/out/result.csv" || problem "rural 20001"
grep -q '^20003,Anderson,1,1,0,0,100.00,2,0,' "$work/out/result.csv" || problem "rural 20003"
[ "$(wc -l <"$work/out/result.csv")" -eq 3 ] || problem "expected a header and 2 rows"
grep -q '"area": *"rural"' "$work/out/result.csv-metadata.json" || problem "no area in the provenance"
finish

# Block layers without UR20 cannot say urban or rural: refused, nothing written.
begin tables_area_no_ur20
run stats -o "$work/out/result.csv" "${geo_blocks[@]}" --area urban "$geo/bdc.csv"
expect_status 1
expect_stderr_has "--area urban: no block of the block layers has a UR20 of U or R"
expect_out_dir
finish

# A GeoPackage block layer is read with SQLite itself (lib/blocks.c read_gpkg), OGR's way for
# any value SQLite's column functions would read otherwise: the same table, the same error,
# the same exit status as through OGR (DIALTONE_GPKG=ogr) on copies of blocks.gpkg spoiled in
# every way; DIALTONE_GPKG=sqlite-only shows which ones SQLite read itself.
begin gpkg_sqlite_as_ogr
spoil() { # NAME SQL: a copy of blocks.gpkg with the statement applied (without the R-tree's
  # triggers, which call SpatiaLite functions; the attributes are all that changes)
  cp "$geo/blocks.gpkg" "$work/$1.gpkg"
  [ -z "$2" ] || python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for (name,) in c.execute("SELECT name FROM sqlite_master WHERE type = ? AND name LIKE ?", ("trigger", "rtree%")).fetchall():
    c.execute("DROP TRIGGER \"%s\"" % name)
c.executescript(sys.argv[2])
c.commit()' "$work/$1.gpkg" "$2" || problem "$1: cannot spoil the copy"
}
# NAME, SQL, and whether SQLite reads it all itself (1) or the layer goes to OGR (0)
while IFS='|' read -r case sql own; do
  spoil "$case" "$sql"
  for mode in ogr sqlite; do
    DIALTONE_GPKG=$mode run stats --by county -o "$work/out/$case.$mode.csv" --blocks "$work/$case.gpkg" "$geo/bdc.csv"
    echo "$rc" >"$work/$case.$mode.rc"
    sed "s/$mode\.csv/MODE.csv/g" "$work/stderr" >"$work/$case.$mode.err"
    cp "$work/stdout" "$work/$case.$mode.out"
  done
  for part in rc err out; do
    cmp -s "$work/$case.ogr.$part" "$work/$case.sqlite.$part" ||
      problem "$case: the $part differs: $(cat "$work/$case.ogr.$part") / $(cat "$work/$case.sqlite.$part")"
  done
  if [ -f "$work/out/$case.ogr.csv" ] || [ -f "$work/out/$case.sqlite.csv" ]; then
    cmp -s "$work/out/$case.ogr.csv" "$work/out/$case.sqlite.csv" || problem "$case: the tables differ"
  fi
  DIALTONE_GPKG=sqlite-only run stats -q --by county -o "$work/out/$case.only.csv" --blocks "$work/$case.gpkg" "$geo/bdc.csv"
  if [ "$own" = 1 ]; then
    grep -q "not read through SQLite" "$work/stderr" && problem "$case: not read with SQLite: $(cat "$work/stderr")"
  else
    grep -q "not read through SQLite" "$work/stderr" || problem "$case: read with SQLite, yet it holds a value OGR reads otherwise"
  fi
done <<'CASES'
plain||1
text_in_integer|UPDATE tabblock20 SET HOUSING20 = '12 units' WHERE fid = 3|0
number_text_in_integer|UPDATE tabblock20 SET HOUSING20 = '12' WHERE fid = 3|1
real_in_integer|UPDATE tabblock20 SET ALAND20 = 12.5 WHERE fid = 2|0
blob_in_integer|UPDATE tabblock20 SET AWATER20 = X'01' WHERE fid = 1|0
null_count|UPDATE tabblock20 SET POP20 = NULL WHERE fid = 4|1
negative_count|UPDATE tabblock20 SET HOUSING20 = -3 WHERE fid = 2|1
huge_count|UPDATE tabblock20 SET HOUSING20 = 5000000000 WHERE fid = 7|1
bad_point|UPDATE tabblock20 SET INTPTLAT20 = '+99.0000000' WHERE fid = 5|1
null_point|UPDATE tabblock20 SET INTPTLON20 = NULL WHERE fid = 5|1
short_geoid|UPDATE tabblock20 SET GEOID20 = '31063000100100' WHERE fid = 8|1
duplicate|UPDATE tabblock20 SET GEOID20 = '310630001001001' WHERE fid = 6|1
duplicate_then_bad|UPDATE tabblock20 SET GEOID20 = '310630001001001' WHERE fid = 6; UPDATE tabblock20 SET INTPTLAT20 = 'x' WHERE fid = 8|1
bad_then_duplicate|UPDATE tabblock20 SET INTPTLAT20 = 'x' WHERE fid = 2; UPDATE tabblock20 SET GEOID20 = '310630001001001' WHERE fid = 6|1
rows_reordered|UPDATE tabblock20 SET fid = fid + 100 WHERE fid <= 3|1
CASES
# and the plain copy's table is the golden one
cmp -s "$work/out/plain.sqlite.csv" "$work/out/plain.ogr.csv" || problem "plain: the tables differ"
finish

# --- start-up: GDAL (and cairo, libpng, PROJ) are loaded only by a command that needs them ------
# bin/dialtone binds them lazily (tools/lazy_stub.sh) unless built with LAZY=0 (make check says
# which in DIALTONE_LAZY; by hand: lazily on x86-64). The dynamic loader's LD_DEBUG=files names
# every library it loads on stderr, "file=libgdal.so.32 [0]; dynamically loaded by ..." for one
# loaded by dlopen; the outputs are the goldens above (computed by hand).
lazy=${DIALTONE_LAZY:-$([ "$(uname -m)" = x86_64 ] && echo 1 || echo 0)}
# loads LIB...: each LIB (a soname prefix such as libgdal.so) was loaded; loads_none: none was.
loads() {
  local lib
  for lib in "$@"; do
    grep -q "file=$lib" "$work/stderr" || problem "$lib was not loaded"
  done
}
loads_none() {
  local lib
  for lib in "$@"; do
    ! grep -q "file=$lib" "$work/stderr" || problem "$lib was loaded: $(grep -m 1 "file=$lib" "$work/stderr")"
  done
}
heavy=(libgdal.so libproj.so libcairo.so libpng16.so libfontconfig.so)
if [ "$lazy" = 1 ]; then
  begin startup_version
  LD_DEBUG=files run --version
  expect_status 0
  [ "$(cat "$work/stdout")" = "dialtone $(sed -n 's/^#define DT_VERSION "\(.*\)"/\1/p' include/dialtone/dialtone.h)" ] ||
    problem "--version printed: $(head -c 200 "$work/stdout")"
  loads_none "${heavy[@]}"
  grep -q "NEEDED.*libgdal" <(readelf -d "$bin" 2>/dev/null) && problem "$bin is linked with libgdal"
  finish

  # plain CSVs, a .gz (inflated by zlib) and standard input: the county table, no GDAL
  begin startup_plain_stats
  gzip -c "$data/main/part2.csv" >"$work/part2.csv.gz"
  LD_DEBUG=files run_in "$data/main/part1.csv" stats -o "$work/out/result.csv" - "$work/part2.csv.gz"
  expect_status 0
  expect_same "$work/out/result.csv" "$expected/county.csv"
  loads_none "${heavy[@]}"
  LD_DEBUG=files run stats -o "$work/out/result.csv" --fabric "$data/main/fabric.csv" "${main_files[@]}"
  expect_status 0
  expect_same "$work/out/result.csv" "$expected/county_fabric.csv"
  loads_none "${heavy[@]}"
  finish

  # a zip archive (read through GDAL's /vsizip/) loads GDAL in the middle of the call
  begin startup_zip_loads_gdal
  (cd "$data/main" && python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED); [z.write(f) for f in sys.argv[2:]]; z.close()" "$work/parts.zip" part1.csv part2.csv)
  LD_DEBUG=files run stats -o "$work/out/result.csv" "$work/parts.zip"
  expect_status 0
  expect_same "$work/out/result.csv" "$expected/county.csv"
  grep -q "file=libgdal.so.* dynamically loaded" "$work/stderr" || problem "libgdal was not loaded by dlopen"
  finish

  begin startup_blocks_load_gdal
  LD_DEBUG=files run stats -o "$work/out/result.csv" --by county "${geo_blocks[@]}" "$geo/bdc.csv"
  expect_status 0
  expect_same "$work/out/result.csv" "$expected/geo_county.csv"
  loads libgdal.so libproj.so
  finish

  # GDAL's errors in a call that loaded GDAL midway still go into the one message (no GDAL
  # "ERROR 4: ..." line of its own on stderr), as when GDAL is there from the start
  begin startup_gdal_error_quiet
  # (SQLite reports the truncated GeoPackage through GDAL: "database disk image is malformed")
  head -c $(($(wc -c <"$geo/blocks.gpkg") / 2)) "$geo/blocks.gpkg" >"$work/truncated.gpkg"
  run stats -o "$work/out/result.csv" --blocks "$work/truncated.gpkg" "$geo/bdc.csv"
  expect_status 1
  [ "$(wc -l <"$work/stderr")" -eq 1 ] && grep -q "^dialtone stats: $work/truncated.gpkg" "$work/stderr" ||
    problem "stderr is not the one message naming truncated.gpkg"
  expect_out_dir
  finish
else
  begin startup_linked_normally
  grep -q "NEEDED.*libgdal" <(readelf -d "$bin" 2>/dev/null) || problem "LAZY=0, yet $bin does not link libgdal"
  finish
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
