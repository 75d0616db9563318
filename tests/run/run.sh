#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `dialtone run CONFIG`: the bundled sample's pipeline end to end, a config with a previous
# release, and configs with one mistake each (clear error naming the config's line, nothing
# written, no temporary directory left). Usage: tests/run/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. tests/lib.sh
signature() { head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n'; }

# the bundled sample, written elsewhere with --out
out=$tmp/kansas
if "$bin" run -q --out "$out" datasets/kansas/dialtone.conf 2>"$tmp/stderr"; then
    pass "the bundled sample's config runs"
else
    fail "the bundled sample's config runs" "$(cat "$tmp/stderr")"
fi
cmp -s "$out/kansas_county_stats.csv" datasets/kansas/truth_county_fabric.csv &&
    pass "its region table is the generator's truth" ||
    fail "its region table is the generator's truth"
for png in kansas_unserved.png kansas_unserved_symbols.png kansas_plan.png; do
    [ "$(signature "$out/$png")" = 89504e470d0a1a0a ] && pass "map $png" || fail "map $png"
done
# with census blocks: housing columns, and a plan ranked by unserved housing units
k=$PWD/datasets/kansas
cat >"$tmp/blocks.conf" <<EOC
bdc = $k/bdc_20_*.csv $k/bdc_20_*.zip
fabric = $k/fabric.csv
blocks = $k/tl_2020_20_tabblock20.zip
by = county
regions = $k/counties.gpkg
budget = 20000000
households = yes
name = kansas
EOC
if "$bin" run -q --out "$tmp/blocks" "$tmp/blocks.conf" 2>"$tmp/stderr"; then
    pass "a config with blocks and households = yes runs"
else
    fail "a config with blocks and households = yes runs" "$(cat "$tmp/stderr")"
fi
cmp -s "$tmp/blocks/kansas_county_stats.csv" datasets/kansas/truth_county_blocks_fabric.csv &&
    pass "its region table (housing columns) is the generator's truth" ||
    fail "its region table (housing columns) is the generator's truth"
head -n 1 "$tmp/blocks/kansas_plan.csv" 2>/dev/null | grep -q cost_per_household &&
    pass "its plan is ranked per household" || fail "its plan is ranked per household"
funded=$(grep -c ',yes,' "$out/kansas_plan.csv" 2>/dev/null)
[ "${funded:-0}" -gt 0 ] && pass "plan with funded projects ($funded)" || fail "plan with funded projects"
grep -q '<h1>Kansas broadband coverage (synthetic sample)</h1>' "$out/kansas_report.html" &&
    [ "$(grep -o 'src="data:image/png;base64,' "$out/kansas_report.html" | wc -l)" -eq 3 ] &&
    pass "report with its title and three maps" || fail "report with its title and three maps"
[ -z "$(find "$tmp" -name '.dialtone-run*')" ] && pass "no temporary directory left" ||
    fail "no temporary directory left"

# a config with a previous release: the change table is diff's
mkdir -p "$tmp/change"
cat >"$tmp/change/change.conf" <<CONF
# absolute paths stay as they are; out is relative to this file
bdc = $root/tests/data/diff/new/bdc_20_december.csv
previous = "$root/tests/data/diff/old/part1.csv" $root/tests/data/diff/old/part2.csv
by = county
title = "  Change test  "
out = result
CONF
if "$bin" run -q "$tmp/change/change.conf" 2>"$tmp/stderr" &&
    cmp -s "$tmp/change/result/change_change.csv" tests/expected/diff/county.csv &&
    grep -q 'id="change-totals"' "$tmp/change/result/change_report.html" &&
    grep -q '<h1>  Change test  </h1>' "$tmp/change/result/change_report.html"; then
    pass "previous release: the change table and its report section"
else
    fail "previous release: the change table and its report section" "$(cat "$tmp/stderr")" \
        "$(ls "$tmp/change/result" 2>&1)"
fi

# refuse NAME STATUS TEXT CONFIG_LINES...: the run fails with STATUS and TEXT, and the output
# directory holds only what it held before
refuse() {
    local name=$1 want=$2 text=$3
    shift 3
    rm -rf "$tmp/bad" && mkdir -p "$tmp/bad/out" && echo keep >"$tmp/bad/out/earlier.txt"
    printf '%s\n' "$@" >"$tmp/bad/bad.conf"
    "$bin" run "$tmp/bad/bad.conf" >/dev/null 2>"$tmp/stderr"
    local rc=$? left
    left=$(cd "$tmp/bad/out" && ls -A)
    if [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, expected $want" "$(cat "$tmp/stderr")"
    elif ! grep -qF -- "$text" "$tmp/stderr"; then
        fail "$name" "stderr lacks: $text" "$(cat "$tmp/stderr")"
    elif [ "$left" != earlier.txt ]; then
        fail "$name" "the output directory holds: $left"
    else
        pass "$name"
    fi
}
k=$root/datasets/kansas
refuse "a missing BDC file" 1 "bad.conf:2: bdc: $k/nothere.csv: No such file or directory" \
    "out = out" "bdc = $k/bdc_20_Cable_fixed_broadband.csv $k/nothere.csv"
refuse "a glob that matches nothing" 1 "bad.conf:1: bdc: no file matches" \
    "bdc = $k/bdc_99_*.csv" "out = out"
refuse "a missing fabric" 1 "bad.conf:3: fabric: $k/fabric_v2.csv: No such file" \
    "out = out" "bdc = $k/bdc_*.csv" "fabric = $k/fabric_v2.csv"
# one rule for directories (as stats and diff): bdc and previous take one of BDC files, other
# keys name one file
mkdir -p "$tmp/no_csv" && touch "$tmp/no_csv/notes.txt"
refuse "a directory for bdc with no BDC file" 1 \
    "bad.conf:1: bdc: $tmp/no_csv is a directory with no .csv or .zip file" "bdc = $tmp/no_csv" "out = out"
refuse "a directory for fabric" 1 \
    "bad.conf:2: fabric: $root/tests/data/main is a directory, not a file: name one (in it: fabric.csv, part1.csv, part2.csv)" \
    "bdc = $k/bdc_*.csv" "fabric = $root/tests/data/main" "out = out"
refuse "an unknown key" 1 "bad.conf:2: unknown key 'bcd'" "out = out" "bcd = x.csv"
refuse "no bdc" 1 "no 'bdc = FILES' line" "out = out" "by = county"
refuse "a key twice" 1 "bad.conf:3: by is given twice (also on line 2)" "bdc = $k/bdc_*.csv" \
    "by = county" "by = tract" "out = out"
refuse "a bad level" 1 "bad.conf:2: by = town" "bdc = $k/bdc_*.csv" "by = town" "out = out"
refuse "a negative budget" 1 "bad.conf:2: budget = -5: negative" "bdc = $k/bdc_*.csv" \
    "budget = -5" "out = out"
refuse "a budget that is not a number" 1 "bad.conf:2: budget = lots: not a number" \
    "bdc = $k/bdc_*.csv" "budget = lots" "out = out"
refuse "a budget with a suffix" 1 "bad.conf:2: budget = \$20M: a suffix (k, M, B) is not read" \
    "bdc = $k/bdc_*.csv" "budget = \$20M" "out = out"
refuse "a budget above \$10^12" 1 \
    "bad.conf:2: budget = 1,000,000,000,001: above the limit of \$1,000,000,000,000 (10^12)" \
    "bdc = $k/bdc_*.csv" "budget = 1,000,000,000,001" "out = out"
refuse "a bad scale bar" 1 "bad.conf:2: scale_bar = ft: expected km or mi" \
    "bdc = $k/bdc_*.csv" "scale_bar = ft" "out = out"
refuse "not key = value" 1 "bad.conf:1: expected key = value" "bdc $k/bdc_*.csv" "out = out"
refuse "a step fails after others succeeded" 1 "no land area for region" "bdc = $k/bdc_*.csv" \
    "budget = 100" "land = $root/tests/data/plan/land.csv" "out = out"
[ -z "$(find "$tmp" -name '.dialtone-run*')" ] && pass "no temporary directory left after failures" ||
    fail "no temporary directory left after failures" "$(find "$tmp" -name '.dialtone-run*')"
"$bin" run "$tmp/none.conf" >/dev/null 2>"$tmp/stderr"
[ $? -eq 1 ] && grep -q "none.conf: cannot open" "$tmp/stderr" && pass "a missing config" ||
    fail "a missing config" "$(cat "$tmp/stderr")"
"$bin" run "$k" >/dev/null 2>"$tmp/stderr"
[ $? -eq 1 ] && grep -qF "$k: is a directory: name the configuration file (in it: dialtone.conf)" "$tmp/stderr" &&
    pass "a directory for the config" || fail "a directory for the config" "$(cat "$tmp/stderr")"
# a directory of BDC files (bdc = DIR) reads its .csv files in name order: the diff fixture's
# old release (part1.csv, part2.csv) gives the table of stats over the two files
mkdir -p "$tmp/dirs"
printf 'bdc = %s/tests/data/diff/old\nby = county\nname = d\n' "$root" >"$tmp/dirs/d.conf"
"$bin" stats -q -o "$tmp/dirs/want.csv" tests/data/diff/old/part1.csv tests/data/diff/old/part2.csv
# --out into missing parents: made (mkdir -p), and removed again when the run fails
if "$bin" run -q --out "$tmp/dirs/a/b/c" "$tmp/dirs/d.conf" 2>"$tmp/stderr" &&
    cmp -s "$tmp/dirs/a/b/c/d_county_stats.csv" "$tmp/dirs/want.csv"; then
    pass "bdc = DIR, and --out into missing parents"
else
    fail "bdc = DIR, and --out into missing parents" "$(cat "$tmp/stderr")"
fi
printf 'bdc = %s/bdc_20_*.csv\nbudget = 100\nland = %s/tests/data/plan/land.csv\n' "$k" "$root" \
    >"$tmp/dirs/fails.conf"
"$bin" run -q --out "$tmp/dirs/x/y" "$tmp/dirs/fails.conf" 2>/dev/null
[ $? -eq 1 ] && [ ! -e "$tmp/dirs/x" ] && pass "a failed run removes the parents it made" ||
    fail "a failed run removes the parents it made" "$(ls -R "$tmp/dirs")"
"$bin" run >/dev/null 2>"$tmp/stderr"
[ $? -eq 2 ] && grep -q "no configuration file given" "$tmp/stderr" && pass "no config" ||
    fail "no config" "$(cat "$tmp/stderr")"
# No fixed limit on inputs: the sample's rows dealt round-robin into 2,000 files (a location's
# rows end up spread over several files, which SPEC allows), named in one long config line,
# then through a glob, and given to stats directly: the table is still the generator's truth.
many=$tmp/many
python3 - "$k" "$many" <<'PY'
import csv, glob, io, os, sys, zipfile
src, out = sys.argv[1:]
os.makedirs(out)
rows, header = [], None
def take(text):
    global header
    r = list(csv.reader(io.StringIO(text)))
    header = r[0]
    rows.extend(r[1:])
for path in sorted(glob.glob(os.path.join(src, "bdc_20_*.csv"))):
    take(open(path, encoding="utf-8-sig", newline="").read())
for path in sorted(glob.glob(os.path.join(src, "bdc_20_*.zip"))):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            take(z.read(name).decode("utf-8-sig"))
files = [[] for _ in range(2000)]
for i, row in enumerate(rows):
    files[i % 2000].append(row)
for i, part in enumerate(files):
    with open(os.path.join(out, "bdc_%04d.csv" % i), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(part)
PY
{
    printf 'bdc ='
    for f in "$many"/bdc_*.csv; do printf ' %s' "$f"; done
    printf '\nfabric = %s/fabric.csv\nby = county\nname = many\n' "$k"
} >"$tmp/many.conf"
if "$bin" run -q --out "$tmp/many_out" "$tmp/many.conf" 2>"$tmp/stderr" &&
    cmp -s "$tmp/many_out/many_county_stats.csv" "$k/truth_county_fabric.csv"; then
    pass "a config naming 2,000 BDC files in one line of $(wc -c <"$tmp/many.conf") bytes"
else
    fail "a config naming 2,000 BDC files in one line" "$(cat "$tmp/stderr")"
fi
printf 'bdc = %s/bdc_*.csv\nfabric = %s/fabric.csv\nby = county\nname = many\n' "$many" "$k" >"$tmp/glob.conf"
if "$bin" run -q --out "$tmp/glob_out" "$tmp/glob.conf" 2>"$tmp/stderr" &&
    cmp -s "$tmp/glob_out/many_county_stats.csv" "$k/truth_county_fabric.csv"; then
    pass "a config whose glob expands to 2,000 BDC files"
else
    fail "a config whose glob expands to 2,000 BDC files" "$(cat "$tmp/stderr")"
fi
if "$bin" stats -q --fabric "$k/fabric.csv" -o "$tmp/many.csv" "$many/bdc_*.csv" 2>"$tmp/stderr" &&
    cmp -s "$tmp/many.csv" "$k/truth_county_fabric.csv"; then
    pass "stats over a quoted glob of 2,000 files"
else
    fail "stats over a quoted glob of 2,000 files" "$(cat "$tmp/stderr")"
fi
# ---- run's config for the maps, plan_method, stale outputs, notes once (issue 18, item 4) ----
png_text() { # FILE KEY: a PNG text chunk's value
    python3 - "$1" "$2" <<'PY'
import struct, sys
data, key = open(sys.argv[1], "rb").read()[8:], sys.argv[2].encode()
while data:
    n, kind = struct.unpack(">I4s", data[:8])
    if kind == b"tEXt" and data[8:8 + n].split(b"\0")[0] == key:
        print(data[8:8 + n].split(b"\0", 1)[1].decode("latin-1"))
    data = data[12 + n:]
PY
}
pixel() { gdallocationinfo -valonly "$1" "$2" "$3" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
mk=$tmp/mapkeys && mkdir -p "$mk"
cat >"$mk/with_plan.conf" <<EOC
bdc = $k/bdc_20_*.csv $k/bdc_20_*.zip
fabric = $k/fabric.csv
regions = $k/counties.gpkg
budget = 20000000
method = greedy
map_column = share_100_20
map_palette = Blues
map_classification = jenks
map_classes = 4
map_title = "Gigabit-ready? Share at 100/20"
map_units = percent
name = k
out = o
EOC
if "$bin" run --out "$mk/o" "$mk/with_plan.conf" 2>"$mk/stderr"; then
    pass "a config with map keys and the old name method runs"
else
    fail "a config with map keys and the old name method runs" "$(cat "$mk/stderr")"
fi
grep -qF "with_plan.conf:5: method is now plan_method" "$mk/stderr" &&
    grep -q '"method": "greedy"' "$mk/o/k_plan.csv-metadata.json" &&
    pass "method is read as plan_method, with a note" ||
    fail "method is read as plan_method, with a note" "$(cat "$mk/stderr")"
# three maps, one projection: the note once per run
[ "$(grep -c 'projection:' "$mk/stderr")" -eq 1 ] && pass "the projection note once per run" ||
    fail "the projection note once per run" "$(grep 'projection:' "$mk/stderr")"
[ "$(png_text "$mk/o/k_unserved.png" Title)" = "Gigabit-ready? Share at 100/20" ] &&
    pass "map_title titles the map" || fail "map_title titles the map" "$(png_text "$mk/o/k_unserved.png" Title)"
[ "$(png_text "$mk/o/k_unserved.png" Description)" = "share_100_20, by county (4 natural breaks (Jenks))" ] &&
    pass "the subtitle names the column and the classification" ||
    fail "the subtitle names the column and the classification" "$(png_text "$mk/o/k_unserved.png" Description)"
png_text "$mk/o/k_unserved.png" dialtone:provenance | grep -q '"column":"share_100_20"' &&
    pass "map_column is the column mapped" || fail "map_column is the column mapped"
# the legend's boxes, top to bottom, are ColorBrewer's Blues for 4 classes: #eff3ff #bdd7e7 .. #2171b5
# (their place: with map_units = percent, the labels "0.294 - 0.474 percent" set it)
[ "$(pixel "$mk/o/k_unserved.png" 950 163)" = "239 243 255" ] &&
    [ "$(pixel "$mk/o/k_unserved.png" 950 189)" = "189 215 231" ] &&
    [ "$(pixel "$mk/o/k_unserved.png" 950 241)" = "33 113 181" ] &&
    pass "map_palette and map_classes colour the legend" ||
    fail "map_palette and map_classes colour the legend" "$(pixel "$mk/o/k_unserved.png" 950 163)"
# the same name without a budget: the plan of the earlier run goes, with its sidecar
grep -v '^budget\|^method' "$mk/with_plan.conf" >"$mk/no_plan.conf"
if "$bin" run --out "$mk/o" "$mk/no_plan.conf" 2>"$mk/stderr" && [ ! -e "$mk/o/k_plan.csv" ] &&
    [ ! -e "$mk/o/k_plan.png" ] && [ ! -e "$mk/o/k_plan.csv-metadata.json" ] &&
    [ -e "$mk/o/k_report.html" ] && grep -qF "removed $mk/o/k_plan.csv" "$mk/stderr"; then
    pass "a second run removes the outputs its config no longer makes"
else
    fail "a second run removes the outputs its config no longer makes" "$(cat "$mk/stderr")" "$(ls "$mk/o")"
fi
printf 'bdc = %s/bdc_*.csv\nmethod = exact\nplan_method = greedy\n' "$k" >"$mk/both.conf"
"$bin" run --out "$mk/o2" "$mk/both.conf" 2>"$mk/stderr"
[ $? -eq 1 ] && grep -qF "both.conf:2: method is the old name of plan_method, given on line 3" "$mk/stderr" &&
    [ ! -e "$mk/o2" ] && pass "method and plan_method together are refused" ||
    fail "method and plan_method together are refused" "$(cat "$mk/stderr")"
refuse "a bad map_classification" 1 "bad.conf:2: map_classification = quintiles: expected quantile, equal, jenks or pretty" \
    "bdc = $k/bdc_*.csv" "map_classification = quintiles" "out = out"
refuse "a bad map_palette" 1 "bad.conf:2: map_palette = Nope:" "bdc = $k/bdc_*.csv" \
    "map_palette = Nope" "out = out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
