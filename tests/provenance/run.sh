#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Provenance: every table records what it means (a W3C CSV on the Web sidecar), and the
# commands that read dialtone's tables state and check it. Expected values come from the
# options given and from independent tools: xxhsum for fingerprints, Python's csv and json
# for rows, columns and datatypes.
# Usage: tests/provenance/run.sh BIN
set -u
bin=${1:-bin/dialtone}
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # NAME CMD...
    local name=$1
    shift
    if "$@" >"$tmp/check.out" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$tmp/check.out" | head -n 8
    fi
}
# refuses NAME STATUS MESSAGE CMD...: exit STATUS, MESSAGE on stderr
refuses() {
    local name=$1 want=$2 message=$3
    shift 3
    "$@" >/dev/null 2>"$tmp/err"
    local got=$?
    if [ $got -eq "$want" ] && grep -qF -- "$message" "$tmp/err"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $got)"
        sed 's/^/     /' "$tmp/err" | head -n 4
    fi
}
xxh3() { xxhsum -H3 "$1" | sed 's/.* = //'; }
k=datasets/kansas
# the sample's files under FCC-style names (the _J24 of a June 2024 release)
mkdir -p "$tmp/in"
for f in $k/bdc_20_*; do
    base=$(basename "$f")
    cp "$f" "$tmp/in/${base%.*}_J24.${base##*.}"
done
cp $k/fabric.csv "$tmp/in/fabric.csv"

"$bin" stats -q --served 50/10 --ulfw --fabric "$tmp/in/fabric.csv" -o "$tmp/s.csv" "$tmp"/in/bdc_*
side=$tmp/s.csv-metadata.json
check "stats writes FILE.csv-metadata.json beside the table" test -s "$side"
check "the sidecar describes the table (CSVW: url, columns from the header, rows, fingerprint)" \
    python3 - "$tmp/s.csv" "$side" "$(xxh3 "$tmp/s.csv")" <<'PY'
import csv, json, sys
table, side, hash_ = sys.argv[1:]
d = json.load(open(side))
rows = list(csv.reader(open(table, newline="")))
assert d["@context"][0] == "http://www.w3.org/ns/csvw", d["@context"]
assert d["url"] == "s.csv", d["url"]
cols = d["tableSchema"]["columns"]
assert [c["name"] for c in cols] == rows[0], [c["name"] for c in cols]
types = {c["name"]: c["datatype"] for c in cols}
assert types["geoid"] == "string" and types["locations"] == "integer", types
assert types["pct_unserved"] == "decimal" and types["share_25_3"] == "decimal", types
assert d["dialtone:rows"] == len(rows) - 1 == 105, d["dialtone:rows"]
assert d["dialtone:xxh3"] == hash_, (d["dialtone:xxh3"], hash_)
PY
check "its provenance: the rules given, the fabric, the state, the vintage of the names" \
    python3 - "$side" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["dialtone:provenance"]
r = p["rules"]
assert p["command"] == "stats" and p["regions"] == {"level": "county"}, p
assert r["served"] == "50/10" and r["underserved"] == "25/3" and r["ulfw"] is True, r
assert r["reliable_technologies"] == [10, 40, 50, 71, 72, 70], r
assert p["fabric"][0]["name"].endswith("fabric.csv") and p["states"] == ["20"], p
assert p["vintage"] == ["June 2024"], p["vintage"]
assert len(p["inputs"]) == 4 and p["inputs"][3]["name"].endswith(".zip/bdc_20_Other_fixed_broadband.csv"), p["inputs"]
PY
check "each input's fingerprint is the XXH3 of its bytes (xxhsum; a zip member's inflated)" \
    python3 - "$side" "$tmp/in" <<'PY'
import json, subprocess, sys, zipfile, os
p = json.load(open(sys.argv[1]))["dialtone:provenance"]
for i in p["inputs"] + p["fabric"]:
    name = i["name"]
    if ".zip/" in name:
        archive, member = name.split(".zip/")
        data = zipfile.ZipFile(archive + ".zip").read(member)
        out = subprocess.run(["xxhsum", "-H3", "-"], input=data, capture_output=True).stdout
    else:
        out = subprocess.run(["xxhsum", "-H3", name], capture_output=True).stdout
        assert i["bytes"] == os.path.getsize(name), i
    want = out.decode().split(" = ")[-1].strip()
    assert i["xxh3"] == want, (name, i["xxh3"], want)
PY
check "dialtone info prints it" sh -c "'$bin' info '$tmp/s.csv' | grep -q '\"served\": \"50/10\"'"

# the report states the data's rules, and refuses flags that contradict them
"$bin" report -q --stats "$tmp/s.csv" -o "$tmp/r.html"
check "report states the rules of the data (50/10), not its defaults" \
    sh -c "grep -q '50/10 counts as served' '$tmp/r.html' && ! grep -q '100/20 counts as served' '$tmp/r.html'"
refuses "report --served 100/20 on a 50/10 table" 2 \
    "--served 100/20 --underserved 25/3, but $tmp/s.csv was made with --served 50/10 --underserved 25/3 --ulfw" \
    "$bin" report -q --stats "$tmp/s.csv" --served 100/20 -o "$tmp/r2.html"
check "nothing written" test ! -e "$tmp/r2.html"
"$bin" stats -q -o "$tmp/nofab.csv" "$tmp"/in/bdc_*
refuses "report --fabric on a table made without one" 2 "was made without a fabric" \
    "$bin" report -q --fabric --stats "$tmp/nofab.csv" -o "$tmp/r3.html"
"$bin" plan -q --budget 20000000 --regions $k/counties.gpkg -o "$tmp/plan.csv" "$tmp/s.csv"
check "the plan records its budget and the table it came from" python3 - "$tmp/plan.csv-metadata.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["dialtone:provenance"]
assert p["command"] == "plan" and p["budget"] == "20000000", p
assert p["source"]["rules"]["served"] == "50/10", p["source"]
PY
refuses "report --budget 5000000 with a plan made for 20000000" 2 \
    "--budget 5000000, but $tmp/plan.csv was made with a budget of \$20000000" \
    "$bin" report -q --stats "$tmp/s.csv" --plan "$tmp/plan.csv" --budget 5000000 -o "$tmp/r4.html"
"$bin" report -q --stats "$tmp/s.csv" --plan "$tmp/plan.csv" -o "$tmp/r5.html"
check "report takes the budget from the plan" grep -q 'With a budget of \$20,000,000' "$tmp/r5.html"
"$bin" plan -q --budget 20000000 --regions $k/counties.gpkg -o "$tmp/plan100.csv" "$tmp/nofab.csv"
refuses "a plan of other rules never meets the table in one report" 1 "one report holds tables of one set of rules" \
    "$bin" report -q --stats "$tmp/s.csv" --plan "$tmp/plan100.csv" -o "$tmp/r6.html"

# the report says where the exact allocation differs from greedy (tests/data/plan/README.md:
# at $100,000 exact funds 01007 alone, 36 locations for $90,000; greedy 01005 and 01001, 25
# locations for $95,000)
"$bin" plan -q --budget 100000 --costs tests/data/plan/costs.csv --land tests/data/plan/land.csv \
    -o "$tmp/p100k.csv" tests/data/plan/stats.csv 2>/dev/null
"$bin" report -q --stats tests/data/plan/stats.csv --plan "$tmp/p100k.csv" -o "$tmp/r100k.html"
check "the report says how exact and greedy differ" grep -qF "For unserved locations the plan funds the projects that together reach the most locations within the budget: 36 locations for \$90000 (1 project). Going down the ranking and funding each project that still fits would reach 25 locations for \$95000 (2 projects)." "$tmp/r100k.html"
# a table edited by hand: refused while its sidecar says otherwise; without one, a note
cp "$tmp/s.csv" "$tmp/edited.csv"
cp "$side" "$tmp/edited.csv-metadata.json"
sed -i '2s/^\(20[0-9]*\),\([0-9]*\),/\1,999,/' "$tmp/edited.csv"
refuses "report on an edited table (same rows) refused" 1 "edited.csv: does not match its metadata edited.csv-metadata.json (its bytes hash to" \
    "$bin" report -q --stats "$tmp/edited.csv" -o "$tmp/r7.html"
head -n 50 "$tmp/s.csv" >"$tmp/edited.csv"
refuses "a table with rows removed refused" 1 "(49 rows, the metadata says 105" \
    "$bin" plan -q --budget 1000 --regions $k/counties.gpkg -o "$tmp/p7.csv" "$tmp/edited.csv"
check "nothing written for either" test ! -e "$tmp/r7.html" -a ! -e "$tmp/p7.csv"
rm "$tmp/edited.csv-metadata.json"
"$bin" report --stats "$tmp/edited.csv" -o "$tmp/r8.html" 2>"$tmp/err"
check "a hand-made table (no sidecar) is read, with a note saying so" \
    grep -q "edited.csv has no metadata beside it (made by hand?)" "$tmp/err"
refuses "dialtone info on a table without provenance" 1 "no provenance: no $tmp/edited.csv-metadata.json" \
    "$bin" info "$tmp/edited.csv"
echo '{"not": "dialtone"}' >"$tmp/edited.csv-metadata.json"
refuses "a sidecar that is not dialtone's" 1 "not a dialtone table's metadata" \
    "$bin" report -q --stats "$tmp/edited.csv" -o "$tmp/r9.html"

# maps, vector tables, merges, partials and diffs carry it too
"$bin" map -q --regions $k/counties.gpkg --id-field GEOID --stats "$tmp/s.csv" --column pct_unserved -o "$tmp/m.png"
check "the PNG map's text chunk names its column and its table's rules" \
    sh -c "'$bin' info '$tmp/m.png' | python3 -c 'import json,sys; p=json.load(sys.stdin); assert p[\"column\"]==\"pct_unserved\" and p[\"source\"][\"rules\"][\"served\"]==\"50/10\"'"
"$bin" stats -q --blocks $k/tl_2020_20_tabblock20.zip --regions $k/counties.gpkg --id-field GEOID -o "$tmp/g.gpkg" "$tmp"/in/bdc_*
check "a GeoPackage holds it in its metadata" \
    sh -c "'$bin' info '$tmp/g.gpkg' | grep -q '\"id_field\": \"GEOID\"'"
python3 bench/gen_bdc.py --out "$tmp/ne" --state 31 --seed 4 --blocks 800 >/dev/null 2>&1
"$bin" stats -q --partial-out "$tmp/ks.part" "$tmp"/in/bdc_*
"$bin" stats -q --partial-out "$tmp/ne.part" "$tmp"/ne/bdc_*
"$bin" merge -o "$tmp/merged.csv" "$tmp/ks.part" "$tmp/ne.part"
check "a merge records both states, their inputs and the partials" python3 - "$tmp/merged.csv-metadata.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["dialtone:provenance"]
assert p["command"] == "merge" and p["states"] == ["20", "31"], p["states"]
assert len(p["inputs"]) == 8 and len(p["partials"]) == 2, p
PY
"$bin" diff -q "$tmp/ne" "$tmp/ne" -o "$tmp/d.csv"
check "a diff records both releases" python3 - "$tmp/d.csv-metadata.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["dialtone:provenance"]
assert p["command"] == "diff" and len(p["old"]) == 4 and len(p["inputs"]) == 4, p
PY
# A skipped row leaves no trace: a location's second block (in Kansas) skipped by
# --skip-bad-rows adds neither that block nor its state; the one and two threads alike.
sed '$s/,310550002002001,/,201090002002001,/' tests/data/bad/geoid_conflict.csv >"$tmp/conflict.csv"
for threads in 1 2; do
    DIALTONE_CHUNK_SIZE=64 "$bin" stats -q --skip-bad-rows --threads $threads \
        -o "$tmp/skip$threads.csv" "$tmp/conflict.csv"
    check "a skipped row adds no state to the provenance ($threads threads)" \
        python3 - "$tmp/skip$threads.csv-metadata.json" "$tmp/conflict.csv" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["dialtone:provenance"]
rows = open(sys.argv[2]).read().splitlines()
assert rows[-1].split(",")[10] == "201090002002001", rows[-1]  # the skipped row is in Kansas
assert p["states"] == ["31"], p["states"]
PY
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
