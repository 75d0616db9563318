#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark: dialtone stats --by county against its peers on the same synthetic state, in one run:
# DuckDB (SQL over read_csv, bench/duckdb_county.mjs), ogr2ogr (OGR's SQLite dialect) and a floor
# (`wc -l` over the same files: reading the bytes and finding the newlines). dialtone and DuckDB
# must both give the generator's county truth byte for byte, ogr2ogr the same first five columns.
# Prints median wall time and peak RSS of each, and the ratios to dialtone.
# Usage: bench/run.sh [small|medium|large]... (default: small medium)   BIN=bin/dialtone
#        PEER=0 skips ogr2ogr (about a minute a run on large), DUCKDB=0 skips DuckDB;
#        REPEAT=N runs each command N times (default 3) and reports the median time.
# DuckDB comes from the npm package @duckdb/node-api, installed on first use under bench/.duckdb
# (git-ignored; not a dependency of dialtone); DUCKDB_DIR=DIR uses an installation elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/dialtone}
data=${BENCH_DATA:-/tmp/dialtone-bench}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(small medium)
[ -x "$bin" ] || make -s
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
# The batched hash lookups only pay when their prefetches are in the binary: GCC 12 deleted a
# loop of __builtin_prefetch calls (lib/core.h dti_prefetch says why). Warn when they are gone.
# With LTO, dti_coverage_apply is inlined into its one caller, bdc_read.c's flush_batch (whose
# name may carry a suffix such as .constprop.0): count the prefetches of either.
if [ "$(uname -m)" = x86_64 ] && command -v objdump >/dev/null; then
    prefetches=$(objdump -d --no-show-raw-insn "$bin" |
        awk '/^[0-9a-f]+ <(dti_coverage_apply|flush_batch)[.>]/, /^$/' | grep -c prefetch || true)
    [ "$prefetches" -ge 3 ] ||
        echo "bench: warning: dti_coverage_apply (or flush_batch, where it is inlined) has $prefetches prefetch instructions (expected 3 or more)" >&2
fi

duckdb_version=1.5.6-r.1
duckdb_dir=${DUCKDB_DIR:-bench/.duckdb}
use_duckdb=${DUCKDB:-1}
if [ "$use_duckdb" != 0 ] && [ ! -f "$duckdb_dir/node_modules/@duckdb/node-api/package.json" ]; then
    if ! command -v npm >/dev/null; then
        echo "bench: no npm: DuckDB skipped (apt-get install npm)" >&2
        use_duckdb=0
    elif ! npm install --prefix "$duckdb_dir" --no-audit --no-fund --no-save --loglevel=error \
        "@duckdb/node-api@$duckdb_version" >&2; then
        echo "bench: npm could not install @duckdb/node-api@$duckdb_version: DuckDB skipped" >&2
        use_duckdb=0
    fi
fi
export DUCKDB_DIR=$duckdb_dir

. bench/lib.sh # blocks_for, measure (and $tmp, removed at exit)

# county polygons for the maps of the pipeline line (60 rectangles, the bench states' counties)
counties="$data/counties60/counties.gpkg"
[ -f "$counties" ] || python3 bench/gen_bdc.py --out "$data/counties60" --seed 42 --blocks 2000 \
    --counties 60 --blocks-layer >/dev/null 2>&1
# cell SECONDS KB: "S MB" for the table, "- -" when not measured;
# times_of A B: A / B as "N.Nx", "-" when either was not measured
cell() { if [ "$1" = - ]; then printf '%8s %7s' - -; else printf '%8.3f %7d' "$1" $(($2 / 1024)); fi; }
times_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.1fx", a / (b > 0 ? b : 0.005) }'; }
printf '%-7s %9s %8s %7s %8s %7s %8s %7s %8s %7s %7s %7s %7s %10s\n' size rows dialtone MB duckdb MB \
    ogr2ogr MB floor MB duck/dt ogr/dt dt/floor pipeline_s
for size in "${sizes[@]}"; do
    blocks=$(blocks_for "$size")
    dir="$data/$size"
    if [ ! -f "$dir/truth_county.csv" ]; then
        echo "bench: generating $size ($blocks blocks) in $dir ..." >&2
        python3 bench/gen_bdc.py --out "$dir" --seed 42 --blocks "$blocks" --counties 60 --truth >/dev/null
    fi
    rows=$(($(cat "$dir"/bdc_*.csv | wc -l) - $(ls "$dir"/bdc_*.csv | wc -l)))
    cat "$dir"/bdc_*.csv >/dev/null # same warm page cache for both
    read -r dt_s dt_kb < <(measure dialtone "$bin" stats -q --by county -o "$tmp/dialtone.csv" "$dir"/bdc_*.csv)
    cmp -s "$tmp/dialtone.csv" "$dir/truth_county.csv" || { echo "bench: dialtone differs from truth on $size"; exit 1; }
    # the pipeline: county and tract tables from one read, then the county map
    start=$(date +%s.%N)
    "$bin" stats -q --by county,tract -o "$tmp/pipe_{by}.csv" "$dir"/bdc_*.csv
    "$bin" map -q --regions "$counties" --stats "$tmp/pipe_county.csv" --column pct_unserved \
        -o "$tmp/pipe.png"
    pipe_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    cmp -s "$tmp/pipe_tract.csv" "$dir/truth_tract.csv" || { echo "bench: tract table differs from truth on $size"; exit 1; }
    duck_s=- duck_kb=0 ogr_s=- ogr_kb=0
    if [ "$use_duckdb" != 0 ]; then
        read -r duck_s duck_kb < <(measure duckdb node bench/duckdb_county.mjs "$tmp/duckdb.csv" "$dir"/bdc_*.csv)
        cmp -s "$tmp/duckdb.csv" "$dir/truth_county.csv" || { echo "bench: DuckDB differs from truth on $size"; diff "$tmp/duckdb.csv" "$dir/truth_county.csv" | head; exit 1; }
    fi
    if [ "${PEER:-1}" != 0 ]; then
        # OGR's CSV driver over a union VRT of the files, SQLite dialect, the same rules.
        {
            echo '<OGRVRTDataSource><OGRVRTUnionLayer name="bdc">'
            for f in "$dir"/bdc_*.csv; do
                echo "<OGRVRTLayer name=\"$(basename "$f" .csv)\"><SrcDataSource>$f</SrcDataSource></OGRVRTLayer>"
            done
            echo '</OGRVRTUnionLayer></OGRVRTDataSource>'
        } >"$tmp/bdc.vrt"
        reliable="technology IN ('10','40','50','71','72') AND low_latency = '1'"
        down="CAST(max_advertised_download_speed AS REAL)"
        up="CAST(max_advertised_upload_speed AS REAL)"
        sql="SELECT substr(block_geoid, 1, 5) AS geoid, COUNT(*) AS locations,
               SUM(cls = 0) AS unserved, SUM(cls = 1) AS underserved, SUM(cls = 2) AS served
             FROM (SELECT location_id, MIN(block_geoid) AS block_geoid,
                     MAX(CASE WHEN $reliable AND $down >= 100 AND $up >= 20 THEN 2
                              WHEN $reliable AND $down >= 25 AND $up >= 3 THEN 1 ELSE 0 END) AS cls
                   FROM bdc GROUP BY location_id)
             GROUP BY 1 ORDER BY 1"
        read -r ogr_s ogr_kb < <(measure ogr2ogr ogr2ogr -f CSV "$tmp/ogr.csv" "$tmp/bdc.vrt" -dialect SQLite -sql "$sql")
        # same county numbers: the first five columns
        cut -d, -f1-5 "$tmp/dialtone.csv" | tr -d '"' >"$tmp/a"
        tr -d '"' <"$tmp/ogr.csv" | cut -d, -f1-5 >"$tmp/b"
        cmp -s "$tmp/a" "$tmp/b" || { echo "bench: ogr2ogr and dialtone disagree on $size"; diff "$tmp/a" "$tmp/b" | head; exit 1; }
    fi
    # the floor: every byte read and every newline found, nothing else
    read -r wc_s wc_kb < <(measure floor wc -l "$dir"/bdc_*.csv)
    printf '%-7s %9d %s %s %s %s %7s %7s %7s %10s\n' "$size" "$rows" "$(cell "$dt_s" "$dt_kb")" \
        "$(cell "$duck_s" "$duck_kb")" "$(cell "$ogr_s" "$ogr_kb")" "$(cell "$wc_s" "$wc_kb")" \
        "$(times_of "$duck_s" "$dt_s")" "$(times_of "$ogr_s" "$dt_s")" "$(times_of "$dt_s" "$wc_s")" "$pipe_s"
done
duck_v=-
[ "$use_duckdb" = 0 ] || duck_v=$(node -e "console.log(require('$(realpath "$duckdb_dir")/node_modules/@duckdb/node-api/package.json').version)" 2>/dev/null || echo '?')
echo "(dialtone $("$bin" --version | cut -d' ' -f2), DuckDB node-api $duck_v, $(ogr2ogr --version | cut -d, -f1), $(nproc) cores,"
echo " load average $(cut -d' ' -f1-3 /proc/loadavg); seconds are wall medians of $repeat runs, MB peak RSS;"
echo " duck/dt = DuckDB time / dialtone time, ogr/dt likewise, dt/floor = dialtone time / wc -l time;"
echo " pipeline = stats --by county,tract from one read + dialtone map of the counties)"
