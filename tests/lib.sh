# SPDX-License-Identifier: MIT
# What the test scripts share: the pass/fail counters and their two reporters. A script sources
# it after `cd` to the repository root and prints its own closing "N passed, N failed".
# pass NAME; fail NAME [DETAIL...] (each DETAIL line indented under the FAIL line).
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    shift
    printf '%s\n' "$@" | sed 's/^/     /'
}
