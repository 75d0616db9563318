/* SPDX-License-Identifier: MIT */
/* Fuzz target: the --income file (geoid,median_household_income) of stats (stats_extra.c). */
#include "fuzz_extra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_extra(data, size, 0); }
