#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The fuzz targets without libFuzzer (make check): each replay driver runs its target on its
# seed corpus (tests/fuzz/corpus/NAME) and on the inputs that once made it fail
# (tests/fuzz/regress/NAME, one file per bug fixed). Every input must run through without a
# crash, a broken property or a sanitizer report, in under 1 s of CPU time.
# Usage: tests/fuzz/run.sh REPLAY...   (build/tests/fuzz/replay_NAME)
set -u
cd "$(dirname "$0")/../.." || exit 1
passed=0
failed=0
for replay in "$@"; do
    name=${replay##*/replay_}
    dirs=(tests/fuzz/corpus/"$name")
    [ -d tests/fuzz/regress/"$name" ] && dirs+=(tests/fuzz/regress/"$name")
    if out=$("$replay" "${dirs[@]}" 2>&1); then
        echo "ok   $name: ${out#*: }"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        echo "$out" | tail -n 15 | sed 's/^/     /'
        failed=$((failed + 1))
    fi
done
echo "fuzz replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
