#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The installed library (make check stages `make install DESTDIR=STAGE`): its layout, the
# soname and exported symbols, examples/ built through pkg-config --define-prefix against it
# and run, and the Python module's tests (python/tests) loading it. The expected table is
# tests/expected/county.csv (by hand, tests/data/README.md).
# Usage: STAGE=DIR STAGE_PREFIX=/usr/local STAGE_LIBDIR=/usr/local/lib tests/install/run.sh [BIN]
set -u
bin=${1:-bin/dialtone}
case $bin in /*) ;; */*) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/../.." || exit 1
stage=${STAGE:?STAGE: the DESTDIR of a staged make install}
prefix=${STAGE_PREFIX:-/usr/local}
libdir=$stage${STAGE_LIBDIR:-$prefix/lib}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. tests/lib.sh
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "$(head -n 5 "$tmp/stderr" 2>/dev/null)"; fi
}

check "installed: binary, static and shared library, header, pkg-config file, manuals" \
    test -x "$stage$prefix/bin/dialtone" -a -f "$libdir/libdialtone.a" \
    -a -L "$libdir/libdialtone.so" -a -L "$libdir/libdialtone.so.0" \
    -a -f "$libdir/pkgconfig/dialtone.pc" -a -f "$stage$prefix/include/dialtone/dialtone.h" \
    -a -f "$stage$prefix/share/man/man1/dialtone-stats.1"
so=$(readlink -f "$libdir/libdialtone.so")
check "the soname is libdialtone.so.0" \
    test "$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = libdialtone.so.0
# every defined dynamic symbol is a dt_ one with the version node (or the node itself)
nm -D --defined-only "$so" | awk '{print $3}' | grep -v -e '^dt_[a-z0-9_]*@@DIALTONE_0$' \
    -e '^DIALTONE_0$' >"$tmp/stderr"
check "exports: only dt_* symbols, each versioned DIALTONE_0" test ! -s "$tmp/stderr"
check "exports: dt_stats_table and the dt_table accessors" \
    test "$(nm -D --defined-only "$so" | grep -c -e ' dt_stats_table@' -e ' dt_table_')" -eq 11

export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --define-prefix --cflags --libs dialtone 2>"$tmp/stderr")
check "pkg-config --define-prefix finds the staged tree" \
    test -n "$flags" -a "$(pkg-config --define-prefix --variable=libdir dialtone)" = "$libdir"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/stats_table.c $flags ${LDFLAGS:-} \
    -o "$tmp/stats_table" 2>"$tmp/stderr"
check "examples/stats_table.c builds with pkg-config's flags alone" test -x "$tmp/stats_table"
check "the example links the shared library" \
    test "$(readelf -d "$tmp/stats_table" | grep -c 'NEEDED.*libdialtone.so.0')" -eq 1
LD_LIBRARY_PATH=$libdir "$tmp/stats_table" tests/data/main/part1.csv tests/data/main/part2.csv \
    >"$tmp/out.csv" 2>"$tmp/stderr"
check "the example's table is the county golden, byte for byte" \
    cmp -s "$tmp/out.csv" tests/expected/county.csv
# the golden's unserved column, summed
want=$(awk -F, 'NR > 1 {u += $3} END {print u}' tests/expected/county.csv)
check "the example reads typed cells (unserved $want)" \
    grep -q "^unserved locations: $want in " "$tmp/stderr"
LD_LIBRARY_PATH=$libdir "$tmp/stats_table" "$tmp/missing.csv" >"$tmp/out.csv" 2>"$tmp/stderr"
check "the example reports an error with its file: exit 1" \
    test $? -eq 1 -a "$(grep -c "^stats_table: $tmp/missing.csv: cannot open" "$tmp/stderr")" -eq 1

# the static library: ordinary code only (make install strips LTO's sections, which another
# compiler would refuse), and the example links it (its dependencies as shared libraries, the
# pkg-config file's Requires.private: the static forms of GDAL's are not installed) and gives
# the same table
objdump -h "$libdir/libdialtone.a" 2>"$tmp/stderr" | grep -c '\.gnu\.lto_' >"$tmp/lto"
check "the static library holds no LTO sections" test "$(cat "$tmp/lto")" -eq 0
requires=$(sed -n 's/^Requires.private: *//p' "$libdir/pkgconfig/dialtone.pc")
private=$(sed -n 's/^Libs.private: *//p' "$libdir/pkgconfig/dialtone.pc")
# shellcheck disable=SC2086
sflags="$(pkg-config --define-prefix --cflags dialtone) $libdir/libdialtone.a $(pkg-config --libs $requires) $private"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror examples/stats_table.c $sflags ${LDFLAGS:-} \
    -o "$tmp/stats_static" 2>"$tmp/stderr"
check "examples/stats_table.c links the static library" \
    test -x "$tmp/stats_static" -a "$(readelf -d "$tmp/stats_static" 2>/dev/null | grep -c 'NEEDED.*libdialtone')" -eq 0
"$tmp/stats_static" tests/data/main/part1.csv tests/data/main/part2.csv >"$tmp/out.csv" 2>"$tmp/stderr"
check "the statically linked example's table is the county golden" \
    cmp -s "$tmp/out.csv" tests/expected/county.csv

# the Python module over the installed library; a sanitizer build's library needs its runtime
# first (ASan), and Python's own allocations are not dialtone's leaks
preload=
case " ${LDFLAGS:-} " in
*sanitize=address*)
    preload="$(${CC:-cc} -print-file-name=libasan.so) $(${CC:-cc} -print-file-name=libubsan.so)"
    export ASAN_OPTIONS=detect_leaks=0
    ;;
esac
LD_PRELOAD=$preload DIALTONE_LIBRARY="$libdir/libdialtone.so.0" DIALTONE_BIN="$bin" \
    PYTHONPATH="$PWD/python" python3 python/tests/test_dialtone.py >"$tmp/python" 2>&1
status=$?
grep -E '^(FAIL|ERROR):|Error|python: ' "$tmp/python" | head -n 20
line=$(grep -E '^python: [0-9]+ passed, [0-9]+ failed' "$tmp/python")
p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
[ $status -eq 0 ] || [ "${f:-1}" -gt 0 ] || failed=$((failed + 1))

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
