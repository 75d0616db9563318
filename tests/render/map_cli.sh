#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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
# dialtone's own SVG: one <path> per region (id r-GEOID, a <title> with name and value),
# class colours as CSS classes, live <text>, the legend as a group. Expected values by hand
# from three_stats.csv: 5.5 < 25 <= 50 < 75 <= 95.25, so classes c0, c1, c2.
check "svg of three regions" 0 "projection" -- map "${common[@]}" --column pct_unserved \
    --breaks 25,75 --title "Three & <more>" -o "$tmp/three.svg"
expect "svg: one path per region, ids, titles, classes, text" python3 - "$tmp/three.svg" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
regions = root.find(ns + "g[@id='regions']")
paths = regions.findall(ns + "path")
got = [(p.get("id"), p.get("class"), p.find(ns + "title").text) for p in paths]
want = [("r-01001", "c0", "West (01001): 5.5%"), ("r-01003", "c1", "East (01003): 50%"),
        ("r-01005", "c2", "South (01005): 95.25%")]
texts = ["".join(t.itertext()) for t in root.iter(ns + "text")]
legend = root.find(ns + "g[@id='legend']")
style = root.find(ns + "style").text
ok = (got == want and "Three & <more>" in texts and legend is not None and
      {"Under 25%", "25 \u2013 75%", "75% or more"} <= set("".join(t.itertext()) for t in legend.iter(ns + "text")) and
      ".c0{fill:#" in style and root.get("font-family", "").startswith("DejaVu Sans") and
      root.find(".//" + ns + "image") is None and root.find(".//" + ns + "use") is None)
if not ok:
    print(got, texts, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
# counts get whole-number classes: unserved 10, 400, 1000 with --breaks 100,500 hold 0-99,
# 100-499 and 500 or more; symbols on a share say it is not a count
check "whole-number legend for counts" 0 "projection" -- map "${common[@]}" --column unserved \
    --breaks 100,500 -o "$tmp/counts.svg"
expect "count classes read 0 - 99, 100 - 499, 500 or more" python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
legend = ET.parse(sys.argv[1]).getroot().find(ns + "g[@id=\"legend\"]")
labels = ["".join(t.itertext()) for t in legend.iter(ns + "text")]
sys.exit(0 if all(l in labels for l in ["0 \u2013 99", "100 \u2013 499", "500 or more"]) else 1)' "$tmp/counts.svg"
check "symbols on a share say so" 0 "--view symbols sizes circles by counts, and pct_unserved is not a count" -- \
    map "${common[@]}" --column pct_unserved --view symbols -o "$tmp/sym.png"
# a share (fraction) with --suffix % is shown as percent: 0.125 is 12.5%
printf 'geoid,share_100_20\n01001,0.125\n01003,0.5\n01005,0.875\n' >"$tmp/shares.csv"
check "share with --suffix % scaled to percent" 0 "share_100_20 holds shares \(fractions\): shown times 100" -- \
    map --regions "$data/three.geojson" --stats "$tmp/shares.csv" --column share_100_20 \
    --suffix % --breaks 25,75 -o "$tmp/shares.svg"
expect "share titles and legend in percent" python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
titles = [p.find(ns + "title").text for p in root.find(ns + "g[@id=\"regions\"]").findall(ns + "path")]
labels = ["".join(t.itertext()) for t in root.find(ns + "g[@id=\"legend\"]").iter(ns + "text")]
sys.exit(0 if titles == ["West (01001): 12.5%", "East (01003): 50%", "South (01005): 87.5%"]
         and "Under 25%" in labels else 1)' "$tmp/shares.svg"
# --stats -: the table from standard input draws the same map (the provenance names "-")
"$bin" map --regions "$data/three.geojson" --stats - --column pct_unserved -q -o "$tmp/in.svg" \
    <"$data/three_stats.csv"
"$bin" map "${common[@]}" --column pct_unserved -q -o "$tmp/file.svg"
expect "--stats - draws what --stats FILE draws" cmp -s <(grep -v '<metadata' "$tmp/in.svg") \
    <(grep -v '<metadata' "$tmp/file.svg")
# text in any script: a CJK title names a fallback family after DejaVu Sans (the PNG draws
# it in that font, tests/unit/test_render.c); an accented title is in DejaVu: no attribute
check "CJK title" 0 "projection" -- map "${common[@]}" --column unserved \
    --title "$(printf '\345\256\275\345\270\246 Kansas')" --subtitle "Caf$(printf '\303\251')" \
    -o "$tmp/cjk.svg"
expect "svg: CJK title in a fallback family, accents in DejaVu" python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
texts = {"".join(t.itertext()): t.get("font-family") for t in ET.parse(sys.argv[1]).getroot().iter(ns + "text")}
family = texts.get("\u5bbd\u5e26 Kansas") or ""
ok = (family.startswith("DejaVu Sans, ") and family.endswith(", sans-serif")
      and len(family) > len("DejaVu Sans, , sans-serif") and "Caf\u00e9" in texts
      and texts["Caf\u00e9"] is None)
sys.exit(0 if ok else 1)' "$tmp/cjk.svg"
check "--layout takes us, conus or none" 2 "--layout world: expected us, conus or none" -- \
    map "${common[@]}" --column unserved --layout world -o "$tmp/x.png"
# the national layer: one path per drawn county, id r-GEOID, title "NAME (GEOID): value"
# with the value of the table (synthetic numbers: the sum of the GEOID's digits, by awk here)
ogrinfo -q -ro datasets/us/us_counties_states.gpkg -sql "SELECT GEOID, NAME, STATEFP FROM counties" 2>/dev/null |
    awk -F' = ' '/GEOID \(String\)/ { id = $2 } /NAME \(String\)/ { name = $2 }
        /STATEFP \(String\)/ { print id "\t" name "\t" $2 }' >"$tmp/counties.tsv"
{ echo "geoid,locations"; awk -F'\t' '{ s = 0; for (i = 1; i <= 5; i++) s += substr($1, i, 1); print $1 "," s }' "$tmp/counties.tsv"; } >"$tmp/counties.csv"
check "national county map, PNG and SVG" 0 "left out of the US layout: Guam, the Northern Mariana Islands and American Samoa" -- \
    map --regions datasets/us/us_counties_states.gpkg --layer counties --stats "$tmp/counties.csv" \
    --column locations -o "$tmp/us.png" --svg "$tmp/us.svg"
expect "national svg: a path per county (territories left out), ids and titles from the table" \
    python3 - "$tmp/us.svg" "$tmp/counties.tsv" "$tmp/counties.csv" <<'PY'
import csv, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
names = {l.split("\t")[0]: l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[2]) if l.strip()}
values = {r["geoid"]: r["locations"] for r in csv.DictReader(open(sys.argv[3]))}
paths = root.find(ns + "g[@id='regions']").findall(ns + "path")
# territories outside the layout (Guam 66, the Marianas 69, American Samoa 60) are not drawn,
# and Falls Church (51610) has no geometry at this scale
want = {g for g, (n, st) in names.items() if st not in ("60", "66", "69") and g != "51610"}
got = {p.get("id")[2:]: p.find(ns + "title").text for p in paths}
bad = [g for g in want if got.get(g) != "%s (%s): %s" % (names[g][0], g, values[g])]
ok = len(paths) == len(want) == len(got) and not bad and root.find(ns + "g[@id='insets']") is not None
if not ok:
    print(len(paths), len(want), bad[:5], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
"$bin" map "${common[@]}" --column unserved --view symbols -q -o "$tmp/s.png" >"$tmp/quiet" 2>&1
expect "quiet run prints nothing" test ! -s "$tmp/quiet" -a -s "$tmp/s.png"
expect "no temporary files" test -z "$(find "$tmp" -name '*.tmp.*')"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
