# SPDX-License-Identifier: MIT
# What bench/run.sh, bench/paths.sh and bench/states.sh share (sourced, not run).

blocks_for() {
    case $1 in
    small) echo 20000 ;;
    medium) echo 200000 ;;
    large) echo 1000000 ;;
    *) echo "bench: unknown size $1" >&2; exit 2 ;;
    esac
}

# measure LABEL CMD...: one warm-up run, then REPEAT runs (default 3); print the median
# "seconds KB" (the same for every tool: one slow or fast run does not decide the ratio). The
# wall time is bash's clock around the run (to the millisecond), the peak RSS GNU time's.
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
        local t0=$EPOCHREALTIME
        /usr/bin/time -f "%M" -o "$tmp/$label.time" "$@" >"$tmp/$label.log" 2>&1 ||
            { echo "bench: $label failed:"; cat "$tmp/$label.log"; exit 1; }
        local t1=$EPOCHREALTIME
        awk -v a="$t0" -v b="$t1" -v kb="$(cat "$tmp/$label.time")" 'BEGIN { printf "%.3f %d\n", b - a, kb }' \
            >>"$tmp/$label.times"
    done
    sort -n "$tmp/$label.times" | awk '{ t[NR] = $1; m[NR] = $2 } END { print t[int((NR + 1) / 2)], m[int((NR + 1) / 2)] }'
}

