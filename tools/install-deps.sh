#!/bin/sh
# SPDX-License-Identifier: MIT
# Install dialtone's build and test dependencies from Debian's packages.
set -eu
here=$(dirname "$0")
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2046
$SUDO apt-get install -y -qq --no-install-recommends $(grep -v '^#' "$here/../packages.txt") >/dev/null
echo "dialtone: dependencies installed"
