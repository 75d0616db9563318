#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SPEC's reading rules, through both readers: line ends, NUL bytes, speeds and thresholds,
# low_latency/bsl_flag spellings, headers, empty ids and damaged .gz/.zip inputs.
# Usage: tests/rules/run.sh [BIN]. The inputs are base.csv and fabric.csv re-encoded by
# tests/data/rules/make_variants.py; the goldens were worked out by hand (tests/data/rules/README.md).
# Every stats case runs twice: --threads 1, and --threads 3 with DIALTONE_CHUNK_SIZE=97 (chunk
# boundaries everywhere: inside CRLFs, quoted fields, gzip and zip reads).
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-rules.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
in=$tmp/in
python3 tests/data/rules/make_variants.py "$in" || { echo "make_variants.py failed"; exit 1; }
expected=tests/expected
passed=0
failed=0
problems=

pass() { passed=$((passed + 1)); echo "ok   $1"; }
problem() { problems+="$1"$'\n'; }
finish() {
    if [ -z "$problems" ]; then
        pass "$1"
    else
        failed=$((failed + 1))
        echo "FAIL $1"
        printf '%s' "$problems" | sed 's/^/     /'
        sed 's/^/     | /' "$tmp/stderr" | head -n 8
    fi
    problems=
}

# run READER ARGS...: READER 1 is --threads 1, 3 is --threads 3 with 97-byte chunks.
run() {
    local threads=$1
    shift
    local cmd=$1
    shift
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    (cd "$in" && ls -A) >"$tmp/before"
    if [ "$cmd" = stats ] || [ "$cmd" = diff ]; then
        DIALTONE_CHUNK_SIZE=$([ "$threads" = 3 ] && echo 97 || echo 0) \
            "$bin" "$cmd" --threads "$threads" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    else
        "$bin" "$cmd" "$@" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    fi
    rc=$?
    (cd "$in" && ls -A) >"$tmp/after"
    cmp -s "$tmp/before" "$tmp/after" ||
        problem "files appeared beside the inputs: $(comm -13 "$tmp/before" "$tmp/after" | tr '\n' ' ')"
}

expect_status() { [ "$rc" -eq "$1" ] || problem "exit status $rc, expected $1"; }
expect_stderr_has() { grep -qF -- "$1" "$tmp/stderr" || problem "stderr lacks '$1'"; }
expect_same() {
    if [ ! -f "$2" ]; then
        problem "$2 was not written"
    elif ! cmp -s "$1" "$2"; then
        problem "$(diff -u "$1" "$2" | head -n 20)"
    fi
}
expect_no_output() {
    [ -z "$(ls -A "$tmp/out")" ] || problem "the output directory holds $(ls -A "$tmp/out" | tr '\n' ' ')"
}

# good NAME GOLDEN [LOCATIONS_GOLDEN] -- ARGS...: both readers write exactly GOLDEN.
good() {
    local name=$1 golden=$2 locations=
    shift 2
    if [ "$1" != -- ]; then locations=$1; shift; fi
    shift
    local t
    for t in 1 3; do
        local extra=()
        [ -n "$locations" ] && extra=(--locations-out "$tmp/out/locations.csv")
        run $t stats -o "$tmp/out/result.csv" ${extra[@]+"${extra[@]}"} "$@"
        expect_status 0
        expect_same "$expected/$golden" "$tmp/out/result.csv"
        [ -n "$locations" ] && expect_same "$expected/$locations" "$tmp/out/locations.csv"
        finish "$name (threads $t)"
    done
}

# bad NAME TEXT... -- ARGS...: both readers exit 1, stderr holds every TEXT, nothing written.
bad() {
    local name=$1 texts=()
    shift
    while [ "$1" != -- ]; do texts+=("$1"); shift; done
    shift
    local t text
    for t in 1 3; do
        run $t stats -o "$tmp/out/result.csv" "$@"
        expect_status 1
        for text in "${texts[@]}"; do expect_stderr_has "$text"; done
        expect_no_output
        finish "$name (threads $t)"
    done
}

# usage NAME CMD ARGS...: exit status 2, nothing written.
usage() {
    local name=$1
    shift
    run 1 "$@"
    expect_status 2
    expect_no_output
    finish "$name"
}

# --- good inputs: every encoding gives base.csv's goldens, 8 rows read --------------------------
for v in lf crlf cr mixed bom_cr cr_noend base.csv.gz multi.csv.gz padded.csv.gz deflated.zip \
    stored.zip; do
    f=$in/$v
    case $v in *.*) ;; *) f=$in/$v.csv ;; esac
    good "read $v" rules_county.csv rules_locations.csv -- "$f"
    expect_stderr_has "from 8 rows in 1 file"
    finish "read $v: 8 rows"
    # the parallel reader's workers skip bad rows themselves, without the sequential fallback
    # that would hide a record split in the wrong place: none may be found
    good "read $v, skipping bad rows" rules_county.csv -- --skip-bad-rows "$f"
    ! grep -q "skipped" "$tmp/stderr" || problem "bad rows were skipped"
    finish "read $v: no bad row"
done
good "a header-only file (CR) adds nothing" rules_county.csv -- "$in/header_only.csv" "$in/cr.csv"
good "fabric, LF" rules_county_fabric.csv -- --fabric tests/data/rules/fabric.csv "$in/lf.csv"
good "fabric, CR only" rules_county_fabric.csv -- --fabric "$in/fabric_cr.csv" "$in/cr.csv"
good "fabric, .gz" rules_county_fabric.csv -- --fabric "$in/fabric.csv.gz" "$in/mixed.csv"
good "thresholds with 6 decimals" rules_county_thresholds.csv -- --served 99.999999/20 \
    --underserved 0.5/0.5 "$in/lf.csv"

# --- line numbers: CR, LF and CRLF each end one line (base.csv has a quoted newline) ------------
for v in lf crlf cr mixed; do
    bad "line numbers, $v" "${v}_bad.csv:11:" "'fast' is not a speed" -- "$in/${v}_bad.csv"
done

# --- speeds: only digits[.digits] with at most 6 decimals ---------------------------------------
while read -r f; do
    bad "speed spelling $f" "$f:11:" "is not a speed" -- "$in/$f"
done <"$in/speed_list.txt"
mapfile -t speed_files < <(sed "s|^|$in/|" "$in/speed_list.txt")
good "skipping bad speeds" rules_county.csv -- --skip-bad-rows "${speed_files[@]}"
expect_stderr_has "skipped ${#speed_files[@]} bad rows"
finish "skipping bad speeds: counted"

# --- NUL bytes ----------------------------------------------------------------------------------
bad "NUL in a speed" "nul_speed.csv:11:" "NUL byte" -- "$in/nul_speed.csv"
bad "NUL in a quoted field" "nul_quoted.csv:11:" "NUL byte" -- "$in/nul_quoted.csv"
bad "NUL in the header" "nul_header.csv:1:" "NUL byte" -- "$in/nul_header.csv"
good "skipping NUL rows" rules_county.csv -- --skip-bad-rows "$in/nul_speed.csv" "$in/nul_quoted.csv"
expect_stderr_has "skipped 2 bad rows"
finish "skipping NUL rows: counted"
bad "NUL in a fabric row" "fabric_nul.csv:7:" "NUL byte" -- --fabric "$in/fabric_nul.csv" "$in/lf.csv"
good "skipping a NUL fabric row" rules_county_fabric.csv -- --skip-bad-rows \
    --fabric "$in/fabric_nul.csv" "$in/lf.csv"
# --measured reads the fabric's coordinates again: the skipped row stays skipped
run 1 stats --skip-bad-rows --fabric "$in/fabric_nul.csv" --measured tests/data/prices/tiles.geojson \
    -o "$tmp/out/result.csv" "$in/lf.csv"
expect_status 0
expect_stderr_has "skipped 1 bad row "
finish "skipping a NUL fabric row, with --measured"

# --- flags, identifiers, headers ----------------------------------------------------------------
bad "low_latency maybe" "flag_bad.csv:11:" "'maybe'" "true/false, t/f, yes/no or y/n" -- \
    "$in/flag_bad.csv"
bad "bsl_flag sometimes" "fabric_flag_bad.csv:7:" "true/false, t/f, yes/no or y/n" -- \
    --fabric "$in/fabric_flag_bad.csv" "$in/lf.csv"
bad "empty location_id" "empty_location.csv:11:" "empty location_id" -- "$in/empty_location.csv"
bad "empty provider_id" "empty_provider.csv:11:" "empty provider_id" -- "$in/empty_provider.csv"
bad "fabric: empty location_id" "fabric_empty_location.csv:7:" "empty location_id" -- \
    --fabric "$in/fabric_empty_location.csv" "$in/lf.csv"
bad "header: location_id twice" "header_dup_location.csv:1:" "'location_id' is named twice" -- \
    "$in/header_dup_location.csv"
bad "header: an unused column twice" "header_dup_unused.csv:1:" "'frn' is named twice" -- \
    "$in/header_dup_unused.csv"
bad "header: a column twice, once with spaces" "header_dup_spaced.csv:1:" "'state_usps' is named twice" -- \
    "$in/header_dup_spaced.csv"
bad "header: a missing column" "header_missing.csv:1:" "no column 'low_latency'" -- \
    "$in/header_missing.csv"
bad "fabric header: a column twice" "fabric_dup.csv:1:" "'latitude' is named twice" -- \
    --fabric "$in/fabric_dup.csv" "$in/lf.csv"
bad "plans header: a column twice" "plans_dup.csv:1:" "'monthly_price' is named twice" -- \
    --plans "$in/plans_dup.csv" "$in/lf.csv"
bad "plans: a speed 1E2" "plans_speed.csv:2:" "is not a speed" -- --plans "$in/plans_speed.csv" \
    "$in/lf.csv"
bad "benchmark: a speed 2.5e2" "benchmark_speed.csv:2:" "is not a speed" -- \
    --plans "$in/plans_good.csv" --benchmark "$in/benchmark_speed.csv" "$in/lf.csv"

# --- damaged compressed inputs: an error naming the file, never a shorter read -----------------
for v in trunc.csv.gz notrailer.csv.gz badcrc.csv.gz badsize.csv.gz garbage.csv.gz \
    multi_badcrc.csv.gz cut_record.csv.gz deflated_badcrc.zip stored_badcrc.zip \
    deflated_bigsize.zip deflated_smallsize.zip stored_bigsize.zip stored_smallsize.zip \
    deflated_corrupt.zip trunc.zip; do
    case $v in *.gz) what="gzip file" ;; *) what="zip archive" ;; esac
    bad "damaged $v" "$v" "$what" -- "$in/$v"
done
bad "damaged fabric .gz" "fabric_trunc.csv.gz: truncated gzip file" -- \
    --fabric "$in/fabric_trunc.csv.gz" "$in/lf.csv"
[ -z "$(find "$in" -name '*.properties')" ] && pass "no .properties file beside any input" ||
    { problem "$(find "$in" -name '*.properties')"; finish "no .properties file beside any input"; }

# --- thresholds: the same syntax, positive, underserved <= served, in any option order -----------
for t in 0/0 100/0 1E2/20 +100/20 100.0000001/20 "100 /20" 100/20/3 100 /20; do
    usage "stats --served '$t'" stats --served "$t" -o "$tmp/out/result.csv" "$in/lf.csv"
done
usage "underserved above the default served" stats --underserved 150/30 -o "$tmp/out/r.csv" "$in/lf.csv"
usage "underserved above served (download), served first" stats --served 40/20 --underserved 50/10 \
    -o "$tmp/out/r.csv" "$in/lf.csv"
usage "underserved above served (download), served last" stats --underserved 50/10 --served 40/20 \
    -o "$tmp/out/r.csv" "$in/lf.csv"
usage "underserved above served (upload)" stats --served 40/20 --underserved 30/30 \
    -o "$tmp/out/r.csv" "$in/lf.csv"
expect_stderr_has "exceeds the served threshold 40/20 in upload"
finish "the message says upload"
usage "diff --served 0/0" diff --served 0/0 -o "$tmp/out/d.csv" "$in/lf.csv" "$in/cr.csv"
usage "diff --underserved above served" diff --underserved 150/30 -o "$tmp/out/d.csv" \
    "$in/lf.csv" "$in/cr.csv"
usage "report --served 1e2/20" report --served 1e2/20 --stats "$expected/rules_county.csv" \
    -o "$tmp/out/report.html"
usage "report --underserved above served" report --served 10/1 --underserved 25/3 \
    --stats "$expected/rules_county.csv" -o "$tmp/out/report.html"
# run's configuration: a bad threshold is a bad line of that file (FILE:LINE, exit 1)
for conf in "served = 0/0" "underserved = 100.5/3" "served = 1e2/20"; do
    printf 'bdc = %s\nout = %s\n%s\n' "$in/lf.csv" "$tmp/out/run" "$conf" >"$tmp/bad.conf"
    run 1 run "$tmp/bad.conf"
    expect_status 1
    expect_stderr_has "bad.conf:3:"
    expect_no_output
    finish "run config '$conf'"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
