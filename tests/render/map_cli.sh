#!/usr/bin/env bash
# `dialtone map` from the command line: exit statuses, messages, outputs left (or not).
# Pixels are probed by the C render tests (tests/unit/test_render.c); here only the PNG and
# SVG signatures are checked, never their bytes. Usage: tests/render/map_cli.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-mapcli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
data=tests/data/map
passed=0
failed=0

# check NAME WANT_STATUS PATTERN -- ARGS...: run, compare the status, grep stdout+stderr.
check() {
    local name=$1 want=$2 pattern=$3
    shift 4
    "$bin" "$@" >"$tmp/out" 2>&1 </dev/null
    local rc=$?
    if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" "$tmp/out"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name: status $rc (want $want), output:"
        sed 's/^/     /' "$tmp/out"
    fi
}

# expect NAME CONDITION...: a shell test.
expect() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
    fi
}

signature() { head -c "$2" "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n'; }

common=(--regions "$data/three.geojson" --stats "$data/three_stats.csv")
check "lists map" 2 "map +choropleth" --
check "help" 0 "Usage: dialtone map" -- map --help
check "no column" 2 "--column is required" -- map --regions "$data/three.geojson" -o "$tmp/x.png"
check "unknown column" 2 "--column speed: no such column \(columns: geoid, pct_unserved" -- \
    map "${common[@]}" --column speed -o "$tmp/x.png"
check "bad classes" 2 "--classes 2: expected 3 to 9" -- map "${common[@]}" --column unserved \
    --classes 2 -o "$tmp/x.png"
check "non-numeric value" 1 "three_bad.csv:3: column 'pct_unserved' holds 'lots', not a number" -- \
    map --regions "$data/three.geojson" --stats "$data/three_bad.csv" --column pct_unserved \
    -o "$tmp/x.png"
check "unwritable output" 1 "/nonexistent/x.png: cannot write" -- map "${common[@]}" \
    --column unserved -o /nonexistent/x.png
expect "nothing written on failure" test ! -e "$tmp/x.png"
check "class labels must match the classes" 2 "--class-labels: 3 labels for 2 classes" -- map \
    "${common[@]}" --column unserved --breaks 5 --class-labels "a,b,c" -o "$tmp/x.png"
check "categorical map" 0 "projection" -- map "${common[@]}" --column unserved --breaks 5 \
    --class-labels "Few,Many" --no-data-label "Nothing" -o "$tmp/c.png"
check "map with svg" 0 "projection: Albers equal-area" -- map "${common[@]}" --column pct_unserved \
    --breaks 25,100 --units Mbps --svg "$tmp/m.svg" -o "$tmp/m.png"
expect "png signature" test "$(signature "$tmp/m.png" 8)" = "89504e470d0a1a0a"
expect "svg document" grep -q "<svg" "$tmp/m.svg"
# the format follows -o's name: an .svg is an SVG document (parsed as XML), not PNG bytes
check "map -o x.svg" 0 "projection" -- map "${common[@]}" --column pct_unserved -o "$tmp/only.svg"
expect "map -o x.svg writes an SVG document" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
sys.exit(0 if root.tag == "{http://www.w3.org/2000/svg}svg" else 1)' "$tmp/only.svg"
check "map -o with an unknown extension" 2 "-o $tmp/x.jpg: give the map a .png or .svg name" -- \
    map "${common[@]}" --column pct_unserved -o "$tmp/x.jpg"
expect "nothing written for an unknown extension" test ! -e "$tmp/x.jpg"
check "-o x.svg with --svg" 2 "is already the SVG" -- map "${common[@]}" --column pct_unserved \
    -o "$tmp/a.svg" --svg "$tmp/b.svg"
"$bin" map "${common[@]}" --column unserved --view symbols -q -o "$tmp/s.png" >"$tmp/quiet" 2>&1
expect "quiet run prints nothing" test ! -s "$tmp/quiet" -a -s "$tmp/s.png"
expect "no temporary files" test -z "$(find "$tmp" -name '*.tmp.*')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
