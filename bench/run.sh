#!/usr/bin/env bash
# Benchmark: dialtone stats against the ogr2ogr (SQLite dialect) peer on the same synthetic state,
# in one run. Checks both give the same county numbers; prints wall time, peak RSS and the ratio.
# Usage: bench/run.sh [small|medium|large]... (default: small medium)   BIN=bin/dialtone
#        PEER=0 skips ogr2ogr (about a minute a run on large); REPEAT=N runs each command N
#        times (default 3) and reports the median time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-bin/dialtone}
data=${BENCH_DATA:-/tmp/dialtone-bench}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(small medium)
[ -x "$bin" ] || make -s
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

blocks_for() {
    case $1 in
    small) echo 20000 ;;
    medium) echo 200000 ;;
    large) echo 1000000 ;;
    *) echo "bench: unknown size $1" >&2; exit 2 ;;
    esac
}

# measure LABEL CMD...: one warm-up run, then REPEAT runs (default 3); print the median
# "seconds KB" (the same for every tool: one slow or fast run does not decide the ratio).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repeat=${REPEAT:-3}
measure() {
    local label=$1
    shift
    : >"$tmp/$label.times"
    # one run first, not counted: the VM's cores are slow for a moment after idling
    "$@" >/dev/null 2>&1 || true
    for _ in $(seq "$repeat"); do
        /usr/bin/time -f "%e %M" -o "$tmp/$label.time" "$@" >"$tmp/$label.log" 2>&1 ||
            { echo "bench: $label failed:"; cat "$tmp/$label.log"; exit 1; }
        cat "$tmp/$label.time" >>"$tmp/$label.times"
    done
    sort -n "$tmp/$label.times" | awk '{ t[NR] = $1; m[NR] = $2 } END { print t[int((NR + 1) / 2)], m[int((NR + 1) / 2)] }'
}

# county polygons for the maps of the pipeline line (60 rectangles, the bench states' counties)
counties="$data/counties60/counties.gpkg"
[ -f "$counties" ] || python3 bench/gen_bdc.py --out "$data/counties60" --seed 42 --blocks 2000 \
    --counties 60 --blocks-layer >/dev/null 2>&1
printf '%-7s %10s %9s %10s %10s %9s %8s %10s\n' size rows dialtone_s dt_rss_MB ogr2ogr_s ogr_rss_MB ratio pipeline_s
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
    if [ "${PEER:-1}" = 0 ]; then
        printf '%-7s %10d %9.2f %10d %10s %9s %8s %10s\n' "$size" "$rows" "$dt_s" $((dt_kb / 1024)) - - - "$pipe_s"
        continue
    fi
    # The peer: OGR's CSV driver over a union VRT of the files, SQLite dialect, the same rules.
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
    ratio=$(awk -v a="$ogr_s" -v b="$dt_s" 'BEGIN { printf "%.1fx", a / (b > 0 ? b : 0.01) }')
    printf '%-7s %10d %9.2f %10d %10.2f %9d %8s %10s\n' "$size" "$rows" "$dt_s" $((dt_kb / 1024)) "$ogr_s" $((ogr_kb / 1024)) "$ratio" "$pipe_s"
done
echo "(dialtone $("$bin" --version | cut -d' ' -f2), $(nproc) cores; ratio = ogr2ogr time / dialtone time;"
echo " pipeline = stats --by county,tract from one read + dialtone map of the counties)"
