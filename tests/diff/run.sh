#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `dialtone diff`: golden tables worked out by hand (tests/data/diff/README.md) and bad input
# (exit status, message, nothing written). Usage: tests/diff/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-diff.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
data=tests/data/diff
expected=tests/expected/diff
. tests/lib.sh

# golden NAME EXPECTED [CHANGES_EXPECTED] -- ARGS...: the tables written with -o (and
# --changes-out) equal the hand-made ones.
golden() {
    local name=$1 want=$expected/$2.csv changes=
    shift 2
    if [ "$1" != -- ]; then changes=$expected/$1.csv; shift; fi
    shift
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    local extra=()
    [ -n "$changes" ] && extra=(--changes-out "$tmp/out/changes.csv")
    "$bin" diff -q -o "$tmp/out/diff.csv" ${extra[@]+"${extra[@]}"} "$@" >"$tmp/stdout" \
        2>"$tmp/stderr" </dev/null
    local rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit status $rc" "$(cat "$tmp/stderr")"
    elif ! cmp -s "$want" "$tmp/out/diff.csv"; then
        fail "$name" "$(diff -u "$want" "$tmp/out/diff.csv")"
    elif [ -n "$changes" ] && ! cmp -s "$changes" "$tmp/out/changes.csv"; then
        fail "$name" "$(diff -u "$changes" "$tmp/out/changes.csv")"
    else
        pass "$name"
    fi
}

# refuse NAME STATUS TEXT ARGS...: fails with STATUS, stderr holds TEXT, nothing is written.
refuse() {
    local name=$1 want=$2 text=$3
    shift 3
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    "$bin" diff -o "$tmp/out/diff.csv" --changes-out "$tmp/out/changes.csv" "$@" \
        >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
    local rc=$? left
    left=$(ls -A "$tmp/out")
    if [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, expected $want" "$(cat "$tmp/stderr")"
    elif ! grep -qF -- "$text" "$tmp/stderr"; then
        fail "$name" "stderr lacks: $text" "$(cat "$tmp/stderr")"
    elif [ -n "$left" ]; then
        fail "$name" "left behind: $left"
    else
        pass "$name"
    fi
}

golden "county, releases as directories" county changes_county -- "$data/old" "$data/new"
golden "county, files with --old and --new" county -- --old "$data/old/part2.csv" \
    --old "$data/old/part1.csv" --new "$data/new/bdc_20_december.csv"
golden "county, a quoted glob for OLD" county -- "$data/old/part*.csv" "$data/new"
golden "--ulfw" county_ulfw -- --ulfw "$data/old" "$data/new"
golden "--by state: no location moves" state -- --by state "$data/old" "$data/new"
golden "--by state --ulfw, changed locations" state_ulfw changes_state_ulfw -- --by state --ulfw \
    "$data/old" "$data/new"

"$bin" diff "$data/old" "$data/new" >"$tmp/stdout" 2>"$tmp/stderr"
if cmp -s "$expected/county.csv" "$tmp/stdout" &&
    grep -q "1 location is in another county in NEW (its block changed)" "$tmp/stderr"; then
    pass "stdout, and the moved location in the notes"
else
    fail "stdout, and the moved location in the notes" "$(cat "$tmp/stderr")"
fi

# a release against itself: no change anywhere, and each side's counts are stats' (the
# generator's truth for the bundled sample)
kansas="datasets/kansas/bdc_*"
if "$bin" diff -q --old "$kansas" --new "$kansas" -o "$tmp/self.csv" 2>"$tmp/stderr" &&
    awk -F, 'NR > 1 { for (i = 13; i <= NF; i++) if ($i != 0) bad = 1
        if ($4 != 0 || $7 != 0 || $10 != 0) bad = 1 } END { exit bad }' "$tmp/self.csv" &&
    [ "$(cut -d, -f1,2,5,8,11 "$tmp/self.csv" | tail -n +2)" = \
        "$(awk -F, 'NR > 1 { print $1 "," $2 "," $5 "," $4 "," $3 }' datasets/kansas/truth_county.csv)" ]; then
    pass "the bundled sample against itself: no change, stats' counts"
else
    fail "the bundled sample against itself: no change, stats' counts" "$(cat "$tmp/stderr")"
fi

# two states, the files of each release in every order, 1 to 3 threads, default and tiny
# (97-byte) chunks: every run writes the same bytes, the tables of tests/data/diff/README.md
# ("Two states"). old/late.csv holds rows of both states (for locations also in ks.csv).
two=$data/two_states
olds=("ks ne late" "ks late ne" "ne ks late" "ne late ks" "late ks ne" "late ne ks")
news=("ks ne" "ne ks")
runs=0
bad=
for old in "${olds[@]}"; do
    for new in "${news[@]}"; do
        for threads in 1 2 3; do
            for chunk in "" 97; do
                args=()
                for f in $old; do args+=(--old "$two/old/$f.csv"); done
                for f in $new; do args+=(--new "$two/new/$f.csv"); done
                rm -rf "$tmp/out" && mkdir -p "$tmp/out"
                runs=$((runs + 1))
                if ! env ${chunk:+DIALTONE_CHUNK_SIZE=$chunk} "$bin" diff -q --threads "$threads" \
                    -o "$tmp/out/diff.csv" --changes-out "$tmp/out/changes.csv" "${args[@]}" \
                    2>"$tmp/stderr" </dev/null ||
                    ! cmp -s "$expected/two_states.csv" "$tmp/out/diff.csv" ||
                    ! cmp -s "$expected/changes_two_states.csv" "$tmp/out/changes.csv"; then
                    bad="OLD $old, NEW $new, --threads $threads, chunk ${chunk:-default}: $(cat "$tmp/stderr")"
                    break 4
                fi
            done
        done
    done
done
[ -z "$bad" ] && pass "two states: the same tables in $runs file orders, thread counts, chunks" ||
    fail "two states: file order, threads and chunks change nothing" "$bad" \
        "$(diff -u "$expected/two_states.csv" "$tmp/out/diff.csv")"
refuse "two states against one: the states of each named" 1 \
    "OLD ($two/old/ks.csv and 2 more) holds 20, 31 and NEW ($two/new/ks.csv) holds 20;" \
    --old "$two/old/ks.csv" --old "$two/old/ne.csv" --old "$two/old/late.csv" --new "$two/new/ks.csv"
refuse "a second state only in a late file of OLD" 1 "holds 20, 31 and NEW ($two/new/ks.csv) holds 20;" \
    --old "$two/old/ks.csv" --old "$two/old/late.csv" --new "$two/new/ks.csv"

refuse "releases of different states" 1 "the releases are of different states" \
    "$data/old" "$data/other_state"
refuse "different states found after the first row" 1 "holds 20 and NEW" \
    "$data/old" --new "$data/new/bdc_20_december.csv" --new "$data/other_state/bdc_31.csv"
refuse "one release" 2 "expected two releases: OLD NEW" "$data/old"
refuse "three releases" 2 "expected two releases, OLD and NEW" "$data/old" "$data/new" "$data/new"
refuse "missing release file" 1 "no_such.csv: cannot open" "$data/old" "$data/no_such.csv"
mkdir -p "$tmp/empty"
refuse "empty directory" 1 "a directory with no .csv or .zip file" "$data/old" "$tmp/empty"
refuse "bad level" 2 "--by town" --by town "$data/old" "$data/new"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
