#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Where every command's outputs go (SPEC "Outputs"): through a symbolic link to its target (the
# link survives), `-o -` as a stream, straight into /dev/null and FIFOs; two outputs naming one
# file and an output onto an input refused (exit 2) before any work, the input's bytes unchanged;
# and the order of --locations-out (tests/data/outputs/README.md). The expected tables are the
# hand-made goldens of the other suites. Usage: tests/outputs/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-outputs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. tests/lib.sh
# check NAME COMMAND...: pass when the command succeeds, else fail showing stderr
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "$(head -n 5 "$tmp/stderr" 2>/dev/null)"; fi
}
signature() { head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n'; }
png=89504e470d0a1a0a
sums() { (cd "$1" && find . -type f -exec sha1sum {} + | LC_ALL=C sort); }

main=(tests/data/main/part1.csv tests/data/main/part2.csv)
expected=tests/expected
plan_data=tests/data/plan
kansas=datasets/kansas
plan_args=(--budget 100000 --costs "$plan_data/costs.csv" --land "$plan_data/land.csv")
map_args=(--regions "$kansas/counties.gpkg" --stats "$kansas/truth_county.csv" --column pct_unserved)

# run ARGS...: the binary with stdout and stderr kept; $rc its status
run() {
    "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    rc=$?
}

# --- 1. one mechanism: links, streams, devices, FIFOs ----------------------------------------

w=$tmp/link && mkdir -p "$w/real"
echo old >"$w/real/county.csv"
ln -s real/county.csv "$w/county.csv"
run stats -q -o "$w/county.csv" "${main[@]}"
check "stats -o onto a symlink: the link stays, its target is the table" \
    test "$rc" -eq 0 -a -L "$w/county.csv" -a "$(readlink "$w/county.csv")" = real/county.csv
check "stats -o onto a symlink: the target holds the county table" \
    cmp -s "$w/real/county.csv" "$expected/county.csv"
check "stats -o onto a symlink: nothing else left beside it (its metadata beside the link)" \
    test "$(ls -A "$w" "$w/real" | tr '\n' ' ')" = "$w: county.csv county.csv-metadata.json real  $w/real: county.csv "

# a chain of two links, the second relative to its own directory
mkdir -p "$w/a" "$w/b"
ln -s ../b/loc.csv "$w/a/loc.csv"
ln -s a/loc.csv "$w/loc.csv"
run stats -q -o /dev/null --locations-out "$w/loc.csv" "${main[@]}"
check "--locations-out through a chain of links reaches the last target" \
    cmp -s "$w/b/loc.csv" "$expected/locations.csv"

run stats -q -o - "${main[@]}"
check "stats -o - writes the table to stdout" cmp -s "$tmp/stdout" "$expected/county.csv"
run stats -q -o /dev/stdout "${main[@]}"
check "stats -o /dev/stdout writes into stdout (a file here), not over /dev/stdout" \
    cmp -s "$tmp/stdout" "$expected/county.csv"

run stats -o /dev/null "${main[@]}"
check "stats -o /dev/null succeeds and /dev/null stays a character device" \
    test "$rc" -eq 0 -a -c /dev/null -a ! -s "$tmp/stdout"

w=$tmp/fifo && mkdir -p "$w"
mkfifo "$w/table" "$w/locations"
cat "$w/table" >"$w/table.got" &
reader1=$!
cat "$w/locations" >"$w/locations.got" &
reader2=$!
run stats -q -o "$w/table" --locations-out "$w/locations" "${main[@]}"
wait "$reader1" "$reader2"
check "stats into two FIFOs read by background cats: exit 0, both still FIFOs" \
    test "$rc" -eq 0 -a -p "$w/table" -a -p "$w/locations"
check "stats into a FIFO: the reader got the county table" cmp -s "$w/table.got" "$expected/county.csv"
check "--locations-out into a FIFO: the reader got the location table" \
    cmp -s "$w/locations.got" "$expected/locations.csv"

# map: PNG through a link, SVG into a FIFO; and the PNG on stdout is the same image bytes as a file
w=$tmp/map && mkdir -p "$w"
ln -s elsewhere.png "$w/map.png"
mkfifo "$w/map.svg"
cat "$w/map.svg" >"$w/svg.got" &
reader1=$!
run map -q "${map_args[@]}" -o "$w/map.png" --svg "$w/map.svg"
wait "$reader1"
check "map -o onto a dangling link makes its target, the link stays" \
    test "$rc" -eq 0 -a -L "$w/map.png" -a "$(signature "$w/elsewhere.png")" = "$png"
check "map --svg into a FIFO: the reader got an SVG" grep -q '<svg' "$w/svg.got"
run map -q "${map_args[@]}" -o -
check "map -o -: the same PNG as the file" cmp -s "$tmp/stdout" "$w/elsewhere.png"

# plan: the table into /dev/null with a note, the map through a link
w=$tmp/plan && mkdir -p "$w/real"
echo old >"$w/real/plan.png"
ln -s real/plan.png "$w/plan.png"
run plan "${plan_args[@]}" --regions "$plan_data/regions.geojson" --map "$w/plan.png" \
    -o /dev/null "$plan_data/stats.csv"
check "plan -o /dev/null --map LINK: exit 0, the note says /dev/null is written into" \
    grep -q '/dev/null is a character device: written into directly' "$tmp/stderr"
check "plan --map onto a link: the link stays, its target is the map" \
    test -L "$w/plan.png" -a "$(signature "$w/real/plan.png")" = "$png" -a -c /dev/null
check "plan --map: no temporary file left" test "$(find "$w" | wc -l)" -eq 4
run plan -q "${plan_args[@]}" -o - "$plan_data/stats.csv"
check "plan -o -: the hand-made plan table" cmp -s "$tmp/stdout" "$expected/plan/budget_100k_exact.csv"

# diff: the table into a FIFO, the changes through a link
w=$tmp/diff && mkdir -p "$w"
mkfifo "$w/diff.csv"
ln -s changes.real "$w/changes.csv"
cat "$w/diff.csv" >"$w/diff.got" &
reader1=$!
run diff -q -o "$w/diff.csv" --changes-out "$w/changes.csv" tests/data/diff/old tests/data/diff/new
wait "$reader1"
check "diff -o into a FIFO: the reader got the region table" \
    cmp -s "$w/diff.got" "$expected/diff/county.csv"
check "diff --changes-out onto a link: the target holds the changes, the link stays" \
    test -L "$w/changes.csv" -a -p "$w/diff.csv" -a "$(cat "$w/changes.real" | cmp - "$expected/diff/changes_county.csv" && echo same)" = same

# merge and report through links
w=$tmp/merge && mkdir -p "$w"
run stats -q --partial-out "$w/all.partial" "${main[@]}"
ln -s merged.csv "$w/link.csv"
run merge -o "$w/link.csv" "$w/all.partial"
check "merge -o onto a link: the target is the county table" \
    test -L "$w/link.csv" -a "$(cmp "$w/merged.csv" "$expected/county.csv" && echo same)" = same
ln -s page.html "$w/report.html"
run report -q --stats "$expected/county.csv" -o "$w/report.html"
check "report -o onto a link: the target is the page" \
    test -L "$w/report.html" -a "$(grep -c '<html' "$w/page.html")" -ge 1

# run: an output name that is a link, and one that is a FIFO
w=$tmp/run && mkdir -p "$w/out"
printf 'bdc = %s\nname = t\nout = out\n' "$PWD/tests/data/main/part1.csv $PWD/tests/data/main/part2.csv" \
    >"$w/t.conf"
ln -s ../kept.csv "$w/out/t_county_stats.csv"
mkfifo "$w/out/t_report.html"
cat "$w/out/t_report.html" >"$w/report.got" &
reader1=$!
run run "$w/t.conf"
wait "$reader1"
check "run: the stats output through a link reaches its target, the link stays" \
    test "$rc" -eq 0 -a -L "$w/out/t_county_stats.csv" -a "$(cmp "$w/kept.csv" "$expected/county.csv" && echo same)" = same
check "run: the report into a FIFO, which stays a FIFO" \
    test -p "$w/out/t_report.html" -a "$(grep -c '<html' "$w/report.got")" -ge 1

# vector formats: a GeoPackage through a link and into a FIFO; no stream, no shapefile device
geo=tests/data/geo
geo_args=(--blocks "$geo/blocks.gpkg" --regions "$geo/areas_5070.gpkg" --id-field AREA_ID "$geo/bdc.csv")
w=$tmp/vector && mkdir -p "$w/real"
ln -s real/regions.gpkg "$w/regions.gpkg"
run stats -q -o "$w/regions.gpkg" "${geo_args[@]}"
check "stats -o GPKG onto a link: the target is a GeoPackage, the link stays" \
    test "$rc" -eq 0 -a -L "$w/regions.gpkg" -a "$(head -c 15 "$w/real/regions.gpkg")" = "SQLite format 3"
mkfifo "$w/fifo.gpkg"
cat "$w/fifo.gpkg" >"$w/fifo.got" &
reader1=$!
run stats -q -o "$w/fifo.gpkg" "${geo_args[@]}"
wait "$reader1"
check "stats -o GPKG into a FIFO: the reader got a GeoPackage" \
    test "$rc" -eq 0 -a "$(head -c 15 "$w/fifo.got")" = "SQLite format 3"
run stats -q -of FlatGeobuf -o /dev/null --blocks-out /dev/null "${geo_args[@]}"
check "FlatGeobuf tables into /dev/null" test "$rc" -eq 0 -a -c /dev/null
run stats -q -of GPKG -o "$w/x.gpkg" --blocks-out - "${geo_args[@]}"
check "--blocks-out - with GPKG: usage error" \
    test "$rc" -eq 2 -a ! -e "$w/x.gpkg" -a "$(grep -c 'cannot be a stream' "$tmp/stderr")" -eq 1
run stats -q -o "$w/fifo.gpkg" -of "ESRI Shapefile" "${geo_args[@]}"
check "a shapefile into a FIFO: usage error" \
    test "$rc" -eq 2 -a "$(grep -c 'several files' "$tmp/stderr")" -eq 1
check "no temporary directory left by the vector outputs" \
    test -z "$(find "$w" "${TMPDIR:-/tmp}" -maxdepth 1 -name '.output.tmp.*' -newer "$tmp/stdout" 2>/dev/null)"

# --- 2. two outputs naming one file ---------------------------------------------------------

# same NAME TEXT ARGS...: exit 2, stderr holds TEXT, the work dir holds only what it held before
same() {
    local name=$1 text=$2 before after
    shift 2
    before=$(ls -A "$w")
    run "$@"
    after=$(ls -A "$w")
    if [ "$rc" -ne 2 ]; then
        fail "$name" "exit status $rc, expected 2" "$(cat "$tmp/stderr")"
    elif ! grep -qF -- "$text" "$tmp/stderr"; then
        fail "$name" "stderr lacks: $text" "$(cat "$tmp/stderr")"
    elif [ "$before" != "$after" ]; then
        fail "$name" "the directory changed: $after"
    else
        pass "$name"
    fi
}
w=$tmp/same && mkdir -p "$w/sub" "$w/by"
same "-o X --locations-out X" "-o $w/x.csv and --locations-out $w/x.csv are the same file" \
    stats -o "$w/x.csv" --locations-out "$w/x.csv" "${main[@]}"
same "-o X --partial-out sub/../X" "-o $w/x.csv and --partial-out $w/sub/../x.csv are the same file" \
    stats -o "$w/x.csv" --partial-out "$w/sub/../x.csv" "${main[@]}"
same "-o X --blocks-out ./X" "and --blocks-out $w/./x.csv are the same file" \
    stats -o "$w/x.csv" --blocks-out "$w/./x.csv" "${geo_args[@]}"
ln -s ../x.csv "$w/sub/link.csv"
same "--locations-out through a link onto -o" "are the same file" \
    stats -o "$w/x.csv" --locations-out "$w/sub/link.csv" "${main[@]}"
same "--by county,county" "--by county,county names county twice" \
    stats --by county,county -o "$w/by/{by}.csv" "${main[@]}"
ln -s county.csv "$w/by/tract.csv"
same "-o {by} expansions that are one file" "-o $w/by/county.csv and -o $w/by/tract.csv are the same file" \
    stats --by county,tract -o "$w/by/{by}.csv" "${main[@]}"
same "--locations-out - with the table on stdout" "(no -o: stdout) - and --locations-out - are the same file" \
    stats --locations-out - "${main[@]}"
same "map -o X --svg X" "-o $w/m and --svg $w/m are the same file" map "${map_args[@]}" -o "$w/m" --svg "$w/m"
same "plan -o X --map X" "are the same file" plan "${plan_args[@]}" --regions "$plan_data/regions.geojson" \
    -o "$w/p" --map "$w/sub/../p" "$plan_data/stats.csv"
same "diff -o X --changes-out X" "are the same file" diff -o "$w/d" --changes-out "$w/d" \
    tests/data/diff/old tests/data/diff/new
check "the refused runs left /dev/null a character device" test -c /dev/null

# --- 3. no output onto an input -------------------------------------------------------------

# onto NAME TEXT DIR ARGS...: exit 2 naming both, and every file under DIR has its bytes
onto() {
    local name=$1 text=$2 dir=$3 before
    shift 3
    before=$(sums "$dir")
    run "$@"
    if [ "$rc" -ne 2 ]; then
        fail "$name" "exit status $rc, expected 2" "$(cat "$tmp/stderr")"
    elif ! grep -qF -- "$text" "$tmp/stderr"; then
        fail "$name" "stderr lacks: $text" "$(cat "$tmp/stderr")"
    elif [ "$before" != "$(sums "$dir")" ]; then
        fail "$name" "an input changed"
    else
        pass "$name"
    fi
}
w=$tmp/onto && mkdir -p "$w" && cp -r "$kansas" "$w/kansas" && cp -r tests/data/main "$w/main" &&
    cp -r tests/data/diff "$w/diff" && cp -r "$plan_data" "$w/plan"
k=$w/kansas
# the shell expands the glob: -o gets the first BDC file, the others are the inputs
onto "stats -o bdc_* (an output name forgotten)" "-o $k/bdc_20_Cable_fixed_broadband.csv is a BDC availability file" \
    "$k" stats -o "$k"/bdc_*
onto "stats --fabric F -o F" "-o $k/fabric.csv is the input --fabric $k/fabric.csv" \
    "$k" stats --fabric "$k/fabric.csv" -o "$k/fabric.csv" "$k/bdc_20_Cable_fixed_broadband.csv"
onto "stats -o onto a zip input" "-o $k/bdc_20_Other_fixed_broadband.zip is the input BDC_FILE" \
    "$k" stats -o "$k/bdc_20_Other_fixed_broadband.zip" "$k/bdc_20_Other_fixed_broadband.zip"
onto "stats -o onto a quoted glob's match" "is the input BDC_FILE $w/main/part2.csv" \
    "$w/main" stats -o "$w/main/part2.csv" "$w/main/part*.csv"
ln "$w/main/part1.csv" "$w/hard.csv"
onto "stats --locations-out onto another name of an input (a hard link)" \
    "--locations-out $w/hard.csv is the input BDC_FILE $w/main/part1.csv" \
    "$w/main" stats -o /dev/null --locations-out "$w/hard.csv" "$w/main/part1.csv"
ln -s kansas/plans.csv "$w/plans_link.csv"
onto "stats -o through a link onto --plans" "is the input --plans $k/plans.csv" \
    "$k" stats -o "$w/plans_link.csv" --plans "$k/plans.csv" "$k/bdc_20_Cable_fixed_broadband.csv"
onto "stats --blocks-out onto --regions" "is the input --regions" "$k" stats -o /dev/null \
    --blocks "$k/tl_2020_20_tabblock20.zip" --regions "$k/counties.gpkg" --id-field GEOID \
    --blocks-out "$k/counties.gpkg" "$k/bdc_20_Cable_fixed_broadband.csv"
onto "map -o onto --stats" "-o $k/truth_county.csv is the input --stats" "$k" map \
    --regions "$k/counties.gpkg" --stats "$k/truth_county.csv" --column pct_unserved -o "$k/truth_county.csv"
onto "map --svg onto --regions" "--svg $k/counties.gpkg is the input --regions" "$k" map \
    --regions "$k/counties.gpkg" --stats "$k/truth_county.csv" --column pct_unserved \
    -o "$w/m.png" --svg "$k/counties.gpkg"
onto "plan -o onto the stats table" "is the input STATS_CSV" "$w/plan" plan --budget 100 \
    -o "$w/plan/stats.csv" "$w/plan/stats.csv"
onto "plan --map onto --land" "--map $w/plan/land.csv is the input --land" "$w/plan" plan \
    --budget 100 --land "$w/plan/land.csv" --regions "$w/plan/regions.geojson" \
    --map "$w/plan/land.csv" "$w/plan/stats.csv"
onto "diff -o onto a file of a release directory" "is the input NEW $w/diff/new/bdc_20_december.csv" \
    "$w/diff" diff -o "$w/diff/new/bdc_20_december.csv" "$w/diff/old" "$w/diff/new"
onto "diff --changes-out onto an OLD file" "is the input OLD" "$w/diff" diff -o /dev/null \
    --changes-out "$w/diff/old/part1.csv" "$w/diff/old" "$w/diff/new"
onto "report -o onto --stats" "is the input --stats" "$w/plan" report --stats "$w/plan/stats.csv" \
    -o "$w/plan/stats.csv"
run stats -q --partial-out "$w/main/all.partial" "$w/main/part1.csv" "$w/main/part2.csv"
onto "merge -o onto a partial" "is the input PARTIAL" "$w/main" merge -o "$w/main/all.partial" \
    "$w/main/all.partial"
before=$(sums "$w/main")
"$bin" stats -o - "$w/main/part1.csv" >>"$w/main/part1.csv" 2>"$tmp/stderr" </dev/null
rc=$?
check "stats -o - with stdout appended onto an input: exit 2, the input unchanged" \
    test "$rc" -eq 2 -a "$before" = "$(sums "$w/main")" \
    -a "$(grep -cF -- "-o - is the input BDC_FILE $w/main/part1.csv" "$tmp/stderr")" -eq 1
mkdir -p "$w/r"
mv "$w/main/part1.csv" "$w/main/part1_county_stats.csv"
printf 'bdc = ../main/part1_county_stats.csv\nname = part1\nout = ../main\n' >"$w/r/a.conf"
onto "run: an output the config names as bdc" "is the input bdc (line 1 of $w/r/a.conf)" \
    "$w/main" run "$w/r/a.conf"
printf 'bdc = ../main/part2.csv\nname = a\nout = .\nby = county\n' >"$w/r/a.conf"
ln -s a.conf "$w/r/a_report.html"
onto "run: the report onto the config (through a link)" "is the input CONFIG $w/r/a.conf" \
    "$w/r" run "$w/r/a.conf"

# --- 4. the order of --locations-out ---------------------------------------------------------

run stats -q -o /dev/null --locations-out "$tmp/ids.csv" tests/data/outputs/ids.csv
check "--locations-out: digit-only ids by value (ties by text), then the rest by bytes" \
    cmp -s "$tmp/ids.csv" "$expected/outputs/ids_locations.csv"

# --- 5. into an existing GeoPackage: dialtone's layer replaced, the user's kept ----------------

k=datasets/kansas
geo=(--blocks $k/tl_2020_20_tabblock20.zip --regions $k/counties.gpkg --id-field GEOID)
printf 'id,note\n1,keep me\n2,and me\n' >"$tmp/notes.csv"
ogr2ogr -f GPKG "$tmp/user.gpkg" "$tmp/notes.csv" -nln notes
run stats -q "${geo[@]}" -o "$tmp/user.gpkg" $k/bdc_*
run stats -q "${geo[@]}" -o "$tmp/user.gpkg" $k/bdc_*
layers=$(ogrinfo -q -nomd "$tmp/user.gpkg" 2>/dev/null | sed 's/^[0-9]*: //' | sort | tr '\n' ' ')
check "a GeoPackage written twice keeps the user's layer and one regions layer" \
    test "$layers" = "notes (None) regions (Multi Polygon) "
check "its regions layer holds the 105 counties once" \
    test "$(ogrinfo -so "$tmp/user.gpkg" regions | grep -c 'Feature Count: 105')" -eq 1
check "the user's rows are unchanged" \
    test "$(ogrinfo "$tmp/user.gpkg" notes | grep -c 'note (String) = \(keep me\|and me\)')" -eq 2
run stats -q "${geo[@]}" -o "$tmp/user.gpkg" -nln counties $k/bdc_*
layers=$(ogrinfo -q -nomd "$tmp/user.gpkg" 2>/dev/null | sed 's/^[0-9]*: //' | sort | tr '\n' ' ')
check "-nln counties adds a layer of that name beside the others" \
    test "$layers" = "counties (Multi Polygon) notes (None) regions (Multi Polygon) "
"$bin" stats -q --by county -nln x $k/bdc_* >/dev/null 2>"$tmp/stderr"
check "-nln without a vector output is a usage error" \
    test $? -eq 2 -a "$(grep -c -- '-nln names the layer of a vector output' "$tmp/stderr")" -eq 1

# --- 6. the format follows the name: an extension a command does not write is refused ---------

"$bin" stats -q -o "$tmp/table.txt" $k/bdc_* 2>"$tmp/stderr"
check "stats -o table.txt: exit 2, named, nothing written" test $? -eq 2 -a ! -e "$tmp/table.txt" \
    -a "$(grep -c -- "-o $tmp/table.txt: the format follows the name, and .txt is not one this writes" "$tmp/stderr")" -eq 1
"$bin" stats -q -o "$tmp/t.csv" --locations-out "$tmp/l.xlsx" $k/bdc_* 2>"$tmp/stderr"
check "--locations-out l.xlsx: exit 2, nothing written" test $? -eq 2 -a ! -e "$tmp/l.xlsx" -a ! -e "$tmp/t.csv"
"$bin" report -q --stats $k/truth_county.csv -o "$tmp/r.pdf" 2>"$tmp/stderr"
check "report -o r.pdf: exit 2 (it writes .html)" test $? -eq 2 -a ! -e "$tmp/r.pdf" \
    -a "$(grep -c "expected html,htm" "$tmp/stderr")" -eq 1
"$bin" stats -q -o "$tmp/table" $k/bdc_* 2>"$tmp/stderr"
check "stats -o NAME without an extension writes CSV" cmp -s "$tmp/table" $k/truth_county.csv

# --- 7. a new output's mode is 0666 less the umask, as a plain file's would be (the library
# creates it with that mode and never changes the umask, not even to read it) -----------------

for mask in 022 027 002 077; do
    want=$(printf '%o' $((0666 & ~0$mask)))
    rm -f "$tmp/mode.csv" "$tmp/mode.csv-metadata.json"
    (umask $mask && "$bin" stats -q -o "$tmp/mode.csv" $k/bdc_*) 2>"$tmp/stderr"
    check "umask $mask: the table and its sidecar are mode $want" \
        test "$(stat -c %a "$tmp/mode.csv" "$tmp/mode.csv-metadata.json" | tr '\n' ' ')" = "$want $want "
done

echo "outputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
