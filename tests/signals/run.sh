#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Interrupted runs leave nothing behind: SIGINT or SIGTERM at several moments of a stats run
# (CSV, GeoPackage, several outputs) and of a whole `dialtone run` exits 130 or 143 (or 0 when
# it finished first, with every output whole), with no temporary file or directory left, no
# output written, and an output directory the run made removed again.
# Usage: tests/signals/run.sh BIN
set -u
set -m # job control: background commands keep SIGINT (a plain script makes them ignore it)
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-signals.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; printf '     %s\n' "$@"; }

python3 bench/gen_bdc.py --out "$tmp/data" --state 20 --seed 9 --blocks 20000 --truth --fabric \
    >/dev/null 2>&1 || { echo "generator failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$tmp/scratch"
export TMPDIR=$tmp/scratch # where stream outputs keep their temporaries

# leftovers DIR: temporary names dialtone makes, anywhere under DIR or the scratch directory
leftovers() { find "$1" "$tmp/scratch" -name '*.tmp.*' -o -name '.dialtone-run.tmp.*' | head -n 3; }

# duration CMD...: seconds one uninterrupted run takes (the delays are fractions of it)
duration() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }' 
}
fractions="0.05 0.2 0.4 0.6 0.8 0.95"
at() { awk -v t="$1" -v f="$2" 'BEGIN { printf "%.3f", t * f }'; }

# same_outputs DIR REF: DIR holds the files REF holds, CSV ones byte for byte
same_outputs() {
    [ "$(cd "$1" && find . -type f | sort)" = "$(cd "$2" && find . -type f | sort)" ] || return 1
    local f
    for f in $(cd "$2" && find . -name '*.csv'); do cmp -s "$1/$f" "$2/$f" || return 1; done
}

# interrupt NAME SIGNAL DELAY OUTDIR REF CMD...: start CMD (writing into OUTDIR, empty), send
# SIGNAL after DELAY seconds. Interrupted: nothing written, or (the signal came while the
# outputs were being renamed into place, which it waits for) every output whole, as in REF;
# finished first: the outputs of REF.
interrupt() {
    local name=$1 sig=$2 delay=$3 dir=$4 ref=$5
    shift 5
    "$@" >/dev/null 2>"$tmp/err" &
    local pid=$!
    sleep "$delay"
    kill -s "$sig" $pid 2>/dev/null
    wait $pid 2>/dev/null
    local status=$? want=130
    [ "$sig" = TERM ] && want=143
    local left
    left=$(leftovers "$dir")
    if [ -n "$left" ]; then
        fail "$name: temporaries left" "$left"
    elif [ $status -eq $want ] && [ -n "$(find "$dir" -mindepth 1 | head -n 1)" ] &&
        ! same_outputs "$dir" "$ref"; then
        fail "$name: exit $status with some outputs written" "$(find "$dir" -mindepth 1)"
    elif [ $status -eq 0 ] && ! same_outputs "$dir" "$ref"; then
        fail "$name: finished with other outputs" "$(find "$dir" -mindepth 1)"
    elif [ $status -ne $want ] && [ $status -ne 0 ]; then
        fail "$name: exit $status" "$(cat "$tmp/err")"
    else
        case $status in
        0) pass "$name (finished first)" ;;
        *) [ -z "$(find "$dir" -mindepth 1 | head -n 1)" ] && pass "$name (exit $status, nothing written)" ||
            pass "$name (exit $status after every output was in place)" ;;
        esac
    fi
}

d=$tmp/data
mkdir -p "$tmp/o"
total=$(duration "$bin" stats -q --threads 2 --fabric "$d/fabric.csv" -o "$tmp/o/t.csv" \
    --locations-out "$tmp/o/l.csv" "$d"/bdc_*)
mv "$tmp/o" "$tmp/o.ref"
for f in $fractions; do
    delay=$(at "$total" $f)
    rm -rf "$tmp/o" && mkdir -p "$tmp/o" && true
    interrupt "stats -o CSV --locations-out, SIGINT after ${delay}s" INT $delay "$tmp/o" "$tmp/o.ref" \
        "$bin" stats -q --threads 2 --fabric "$d/fabric.csv" -o "$tmp/o/t.csv" \
        --locations-out "$tmp/o/l.csv" "$d"/bdc_*
done
rm -rf "$tmp/g" && mkdir -p "$tmp/g"
total=$(duration "$bin" stats -q --by county,tract -o "$tmp/g/{by}.csv" "$d"/bdc_*)
mv "$tmp/g" "$tmp/g.ref"
for f in $fractions; do
    delay=$(at "$total" $f)
    rm -rf "$tmp/g" && mkdir -p "$tmp/g" && true
    interrupt "stats --by county,tract -o {by}.csv, SIGTERM after ${delay}s" TERM $delay "$tmp/g" "$tmp/g.ref" \
        "$bin" stats -q --by county,tract -o "$tmp/g/{by}.csv" "$d"/bdc_*
done
# GeoPackages through GDAL (made in a temporary directory beside the target)
python3 bench/gen_bdc.py --out "$tmp/geo" --state 20 --seed 10 --blocks 3000 --blocks-layer \
    --layer-format gpkg >/dev/null 2>&1
geo=(--blocks "$tmp/geo/tl_2020_20_tabblock20.gpkg" --regions "$tmp/geo/counties.gpkg" --id-field GEOID)
rm -rf "$tmp/k" && mkdir -p "$tmp/k"
total=$(duration "$bin" stats -q "${geo[@]}" -o "$tmp/k/r.gpkg" --blocks-out "$tmp/k/b.gpkg" "$tmp/geo"/bdc_*)
mv "$tmp/k" "$tmp/k.ref"
for f in $fractions; do
    delay=$(at "$total" $f)
    rm -rf "$tmp/k" && mkdir -p "$tmp/k" && true
    interrupt "stats -o GPKG --blocks-out GPKG, SIGINT after ${delay}s" INT $delay "$tmp/k" "$tmp/k.ref" \
        "$bin" stats -q "${geo[@]}" -o "$tmp/k/r.gpkg" --blocks-out "$tmp/k/b.gpkg" "$tmp/geo"/bdc_*
done
# the whole pipeline into an output directory it makes: removed again when interrupted
k=$root/datasets/kansas
cat >"$tmp/kansas.conf" <<EOC
bdc = $d/bdc_*.csv
fabric = $d/fabric.csv
by = county
regions = $k/counties.gpkg
budget = 20000000
name = ks
EOC
rm -rf "$tmp/r" && mkdir -p "$tmp/r"
total=$(duration "$bin" run -q --out "$tmp/r/out" "$tmp/kansas.conf")
mv "$tmp/r" "$tmp/r.ref"
for f in $fractions; do
    delay=$(at "$total" $f)
    rm -rf "$tmp/r" && mkdir -p "$tmp/r" && true
    interrupt "dialtone run, SIGTERM after ${delay}s" TERM $delay "$tmp/r" "$tmp/r.ref" \
        "$bin" run -q --out "$tmp/r/out" "$tmp/kansas.conf"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
