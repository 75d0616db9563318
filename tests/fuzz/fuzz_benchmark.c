/* SPDX-License-Identifier: MIT */
/* Fuzz target: the --benchmark file (name,median_down_mbps,monthly_price) of stats. */
#include "fuzz_extra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_extra(data, size, 1); }
