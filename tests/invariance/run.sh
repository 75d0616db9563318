#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The invariance harness: generate CASES adversarial cases with SEED (tests/invariance/gen_cases.py)
# and run every path of stats, merge and diff over each in-process (tests/invariance/driver.c).
# Usage: tests/invariance/run.sh DRIVER [CASES [SEED]]   (make invariance CASES=N SEED=S)
set -u
driver=${1:?usage: tests/invariance/run.sh DRIVER [CASES [SEED]]}
cases=${2:-300}
seed=${3:-1}
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-invariance.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
python3 tests/invariance/gen_cases.py --out "$tmp" --cases "$cases" --seed "$seed" || {
    echo "invariance: the generator failed"
    echo "invariance: 0 passed, 1 failed"
    exit 1
}
"$driver" "$tmp"
