#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `dialtone report`: the page is self-contained; in headless Chromium its script runs, its tables
# hold the numbers of the tables it was made from (computed here from those CSVs, never pasted),
# clicking-order sorting works, and the screenshot shows a map. Installs nothing: without
# Chromium (CI installs Debian's chromium from packages.txt) the browser checks are skipped.
# Usage: tests/report/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-report.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. tests/lib.sh

kansas=datasets/kansas
stats=$kansas/truth_county_fabric.csv # a dialtone stats table (the generator's own arithmetic)
top=25
page=$tmp/report.html

# a plan to show, and its map
"$bin" plan -q --budget 20000000 --regions "$kansas/counties.gpkg" --map "$tmp/plan.png" \
    --region-noun counties -o "$tmp/plan.csv" "$stats" 2>"$tmp/stderr" ||
    fail "plan for the report" "$(cat "$tmp/stderr")"
if "$bin" report -q --stats "$stats" --regions "$kansas/counties.gpkg" --region-noun counties \
    --plan "$tmp/plan.csv" --plan-map "$tmp/plan.png" --budget 20000000 --fabric \
    --title "Kansas <test> & report" --top $top -o "$page" 2>"$tmp/stderr"; then
    pass "report with a drawn map and a plan"
else
    fail "report with a drawn map and a plan" "$(cat "$tmp/stderr")"
fi

# self-contained: no address outside the page, every image inline
if grep -Eiq '(src|href)="(https?:)?//|url\((https?:)?//|@import|<link' "$page"; then
    fail "no external resource" "$(grep -Eio '(src|href)="[^"]{0,60}|url\([^)]{0,60}|@import[^;]{0,60}|<link[^>]{0,60}' "$page" | head -3)"
else
    pass "no external resource"
fi
images=$(grep -o '<img ' "$page" | wc -l)
inline=$(grep -o '<img [^>]*src="data:image/png;base64,' "$page" | wc -l)
[ "$images" -eq 2 ] && [ "$inline" -eq 2 ] && pass "two maps, both inline" ||
    fail "two maps, both inline" "$images images, $inline inline"
grep -q '<title>Kansas &lt;test&gt; &amp; report</title>' "$page" && pass "title escaped" ||
    fail "title escaped"
grep -q 'illustrative model defaults, not measured costs' "$page" &&
    pass "the plan's costs are called illustrative defaults" ||
    fail "the plan's costs are called illustrative defaults"

# the table of regions holds every region (105 counties: 25 shown, 80 marked as more), and its
# note names the full table (not beside the page: the path as given)
[ "$(grep -o '<tr class="more">' "$page" | wc -l)" -eq 80 ] &&
    grep -qF '80 more counties in the full table, <a href="datasets/kansas/truth_county_fabric.csv">' "$page" &&
    pass "the page holds every region and links the full table" ||
    fail "the page holds every region and links the full table"

# --stats -: the table from standard input; the note says where the full table came from.
# The plan's budget in another spelling is the same budget (report checks it against the plan's)
if "$bin" report -q --stats - --region-noun counties --plan "$tmp/plan.csv" \
    --budget '$20,000,000' --top $top -o "$tmp/stdin.html" <"$stats" 2>"$tmp/stderr"; then
    [ "$(grep -o '<tr class="more">' "$tmp/stdin.html" | wc -l)" -eq 80 ] &&
        grep -qF '80 more counties in the full table, read from standard input' "$tmp/stdin.html" &&
        pass "--stats - and --budget \$20,000,000" ||
        fail "--stats - and --budget \$20,000,000" "the page's note or rows"
else
    fail "--stats - and --budget \$20,000,000" "$(cat "$tmp/stderr")"
fi

# bad input: nothing written
mkdir -p "$tmp/bad"
refuse() {
    local name=$1 want=$2 text=$3
    shift 3
    "$bin" report -o "$tmp/bad/r.html" "$@" >/dev/null 2>"$tmp/stderr"
    local rc=$?
    if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$tmp/stderr" && [ -z "$(ls -A "$tmp/bad")" ]; then
        pass "$name"
    else
        fail "$name" "exit status $rc (want $want), left: $(ls -A "$tmp/bad")" "$(cat "$tmp/stderr")"
    fi
}
refuse "missing stats table" 1 "nothere.csv: cannot open" --stats "$tmp/nothere.csv"
refuse "missing map" 1 "nothere.png: cannot open" --stats "$stats" --map "$tmp/nothere.png"
refuse "a map that is not a PNG" 1 "not a PNG image" --stats "$stats" --map "$stats"
refuse "--budget without --plan" 2 "go with --plan" --stats "$stats" --budget 5
refuse "--budget with a suffix" 2 "--budget \$20M: a suffix (k, M, B) is not read" --stats "$stats" \
    --plan "$tmp/plan.csv" --budget '$20M'
refuse "not a stats table" 1 "no column 'underserved'" --stats tests/data/plan/stats_no_underserved.csv
# two funded projects of $600,000,000,000 each (hand-made plan table): each is within the money
# limit of $10^12, their sum of $1.2 * 10^12 is not, and is refused rather than wrapped
refuse "funded costs adding up past \$10^12" 1 \
    "plan_over_limit.csv:3: the funded costs up to this row add up to more than \$1,000,000,000,000 (10^12)" \
    --stats "$stats" --plan tests/data/report/plan_over_limit.csv

# ---- in the browser ----
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "SKIP browser checks: chromium is not installed here (CI installs Debian's chromium"
    echo "     from packages.txt; locally: sudo apt-get install chromium)"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi
browse() { # browse ARGS... URL: headless, no network, a fresh profile each time
    local profile
    profile=$(mktemp -d "$tmp/profile.XXXXXX")
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --virtual-time-budget=5000 \
        --window-size=1200,2000 "$@" 2>>"$tmp/chromium.log"
}
url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
ogrinfo -q -al "$kansas/counties.gpkg" 2>/dev/null |
    awk -F' = ' '/GEOID \(String\)/ { id = $2 } /NAME \(String\)/ { print id "\t" $2 }' >"$tmp/names.txt"

browse --dump-dom "$url" >"$tmp/dom.html"
python3 tests/report/check_dom.py "$tmp/dom.html" ready >"$tmp/check" 2>&1
python3 tests/report/check_dom.py "$tmp/dom.html" worst "$stats" $top "$tmp/names.txt" >>"$tmp/check" 2>&1
browse --dump-dom "$url#sort=locations" >"$tmp/dom_sorted.html"
python3 tests/report/check_dom.py "$tmp/dom_sorted.html" sorted "$stats" locations $top >>"$tmp/check" 2>&1

# the live map: hovering or focusing a region shows its numbers; #region=GEOID focuses one the
# same way. The tooltip's numbers are the stats table's (share unserved recomputed here from
# the counts, by SPEC.md's integer formula); the regions are keyboard-focusable; the PNG stays
# for print
for geoid in $(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(rows[0]["geoid"], rows[len(rows) // 2]["geoid"], rows[-1]["geoid"])' "$stats"); do
    browse --dump-dom "$url#region=$geoid" >"$tmp/dom_region.html"
    python3 - "$tmp/dom_region.html" "$stats" "$geoid" "$tmp/names.txt" <<'PY' >>"$tmp/check" 2>&1
import csv, re, sys
dom, geoid = open(sys.argv[1]).read(), sys.argv[3]
row = next(r for r in csv.DictReader(open(sys.argv[2])) if r["geoid"] == geoid)
names = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[4]) if "\t" in l)
tip = re.search(r'<div class="map-tip"[^>]*data-geoid="%s"[^>]*>(.*?)</div></div>' % geoid, dom)
got = dict(re.findall(r'<span data-key="(\w+)" data-value="([^"]*)">', tip.group(1))) if tip else {}
loc, un = int(row["locations"]), int(row["unserved"])
pct = (20000 * un + loc) // (2 * loc)
want = {"locations": row["locations"], "unserved": row["unserved"], "underserved": row["underserved"],
        "served": row["served"], "pct_unserved": "%d.%02d" % (pct // 100, pct % 100),
        "median_max_down": row["median_max_down"]}
shown = re.sub("<[^>]+>", " ", tip.group(1)) if tip else ""
ok = got == want and names.get(geoid, "?") + " (" + geoid + ")" in shown and \
     ("%s%%" % want["pct_unserved"]) in shown and \
     re.search(r'<path id="r-%s"[^>]*class="[^"]*\bhl\b' % geoid, dom) is not None
print(("ok   " if ok else "FAIL ") + "live map: region %s's tooltip holds the table's numbers%s"
      % (geoid, "" if ok else ": %r, expected %r" % (got, want)))
PY
done
python3 - "$tmp/dom.html" "$stats" <<'PY' >>"$tmp/check" 2>&1
import csv, re, sys
dom = open(sys.argv[1]).read()
ids = {r["geoid"] for r in csv.DictReader(open(sys.argv[2]))}
live = dom[dom.index('class="map-live"'):]
paths = re.findall(r'<path ([^>]*data-geoid="[^"]*"[^>]*)>', live[:live.index("</svg>")])
focusable = [p for p in paths if 'tabindex="0"' in p]
got = {re.search(r'data-geoid="([^"]*)"', p).group(1) for p in paths}
ok = got == ids and len(focusable) == len(paths) and 'class="map-print"' in dom
print(("ok   " if ok else "FAIL ") + "live map: one focusable path per region, the PNG kept for print"
      + ("" if ok else ": %d paths, %d focusable, %d regions" % (len(paths), len(focusable), len(ids))))
PY
# the price and speed section, from a table that has prices; the change since the last filing
"$bin" report -q --stats tests/data/report/prices.csv --diff tests/expected/diff/county.csv \
    -o "$tmp/prices.html" || fail "report with prices and a change"
browse --dump-dom "file://$tmp/prices.html" >"$tmp/dom_prices.html"
python3 tests/report/check_dom.py "$tmp/dom_prices.html" prices tests/data/report/prices.csv >>"$tmp/check" 2>&1
python3 tests/report/check_dom.py "$tmp/dom_prices.html" change tests/expected/diff/county.csv >>"$tmp/check" 2>&1
# the change section says which locations it counts when the headline counts the fabric's too
"$bin" report -q --fabric --stats tests/data/report/prices.csv --diff tests/expected/diff/county.csv \
    -o "$tmp/change_fabric.html" || fail "report with a change and --fabric"
grep -q "they leave out the fabric's locations that no provider reports" "$tmp/change_fabric.html" &&
    ! grep -q "leave out the fabric" "$tmp/prices.html" &&
    echo "ok   the change section names its universe when the headline has the fabric's" >>"$tmp/check" ||
    echo "FAIL the change section names its universe when the headline has the fabric's" >>"$tmp/check"
# the prices table with region names: each name in its column, beside its region's id
"$bin" report -q --stats "$kansas/truth_county_prices.csv" --regions "$kansas/counties.gpkg" \
    -o "$tmp/prices_named.html" || fail "report with prices and names"
python3 - "$tmp/prices_named.html" "$tmp/names.txt" >>"$tmp/check" 2>&1 <<'PY'
import re, sys
html, names = open(sys.argv[1]).read(), dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]))
table = html[html.index('id="price-table"'):]
table = table[:table.index("</table>")]
head = [re.sub("<[^>]*>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table)[1:]]
ok = head[:2] == ["Region", "Name"] and rows and all(r[1] == names[r[0]] for r in rows)
print(("ok   " if ok else "FAIL ") + "prices table: the name column follows the region id, %d names right" % len(rows))
PY
while IFS= read -r line; do
    case $line in
    "ok   "*) pass "${line#ok   }" ;;
    FAIL*) fail "${line#FAIL }" ;;
    box*) box=${line#box } ;;
    *) echo "     $line" ;;
    esac
done <"$tmp/check"

# the screenshot: 1200 x 2000, and the map area (where the page's script says the first map
# is) is not blank: a good part of its pixels are not white
browse --screenshot="$tmp/shot.png" "$url" >/dev/null
size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]) if d[:8]==b"\x89PNG\r\n\x1a\n" else "not a PNG")' "$tmp/shot.png" 2>/dev/null)
[ "$size" = 1200x2000 ] && pass "screenshot 1200x2000" || fail "screenshot 1200x2000" "got $size"
IFS=, read -r bx by bw bh <<<"${box:-0,0,0,0}"
if [ "${bw:-0}" -gt 100 ] && [ "$((by + bh))" -le 2000 ]; then
    gdal_translate -q -of VRT -srcwin "$bx" "$by" "$bw" "$bh" "$tmp/shot.png" "$tmp/map.vrt"
    # a pixel is not white when any band is dark: the largest share over the bands is a lower
    # bound of the share of pixels that are not white
    share=$(gdalinfo -json -hist "$tmp/map.vrt" 2>/dev/null | python3 -c '
import json, sys
best = 0
for band in json.load(sys.stdin)["bands"][:3]:
    h = band["histogram"]
    width = (h["max"] - h["min"]) / len(h["buckets"])
    dark = sum(n for i, n in enumerate(h["buckets"]) if h["min"] + (i + 1) * width <= 240)
    best = max(best, int(100 * dark / sum(h["buckets"])))
print(best)')
    [ "${share:-0}" -ge 20 ] && pass "map area not blank ($share% of its pixels are not white)" ||
        fail "map area not blank" "only ${share:-0}% of the pixels in $box are darker than 240"
else
    fail "map area inside the screenshot" "map box [$box]"
fi
# print: the bundled sample's report (three maps, a table of 25 of 105 counties, the plan)
# prints on 2 or 3 pages, without the screen's hints and buttons; its note links the table
# beside it by its name
"$bin" run -q --out "$tmp/sample" datasets/kansas/dialtone.conf 2>"$tmp/stderr" ||
    fail "the sample's report for print" "$(cat "$tmp/stderr")"
grep -qF '80 more counties in the full table, <a href="kansas_county_stats.csv">' "$tmp/sample/kansas_report.html" &&
    pass "the sample's note links kansas_county_stats.csv beside it" ||
    fail "the sample's note links kansas_county_stats.csv beside it"
browse --print-to-pdf="$tmp/sample.pdf" --no-pdf-header-footer "file://$tmp/sample/kansas_report.html" >/dev/null
pages=$(python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page(?![a-z])", open(sys.argv[1],"rb").read())))' "$tmp/sample.pdf" 2>/dev/null)
[ "${pages:-0}" -ge 2 ] && [ "${pages:-0}" -le 3 ] && pass "the sample prints on $pages pages" ||
    fail "the sample prints on 2 or 3 pages" "${pages:-no} pages"
if command -v pdftotext >/dev/null 2>&1; then # poppler-utils, where installed
    text=$(pdftotext "$tmp/sample.pdf" - 2>/dev/null)
    ! grep -qi 'click a column\|show all' <<<"$text" && grep -q 'kansas_county_stats.csv' <<<"$text" &&
        pass "print leaves out the screen's hints, keeps the table's name" ||
        fail "print leaves out the screen's hints, keeps the table's name"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
