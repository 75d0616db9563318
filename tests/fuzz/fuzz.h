/* SPDX-License-Identifier: MIT */
/* What every fuzz target shares: its input as a file the library can open (GDAL's /vsimem/,
 * or a real file for code that stats paths), and one-time GDAL setup. */
#ifndef DIALTONE_FUZZ_H
#define DIALTONE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* GDAL's drivers registered and its errors quiet, once. */
void fuzz_init(void);
/* The input as /vsimem/fuzz/NAME (a copy the caller removes with fuzz_vsimem_drop). */
const char *fuzz_vsimem(const char *name, const uint8_t *data, size_t size);
void fuzz_vsimem_drop(const char *path);
/* The input as a real file NAME in a private directory made once per process (the commands
 * check their inputs with stat()). Returns its path (static storage until the next call). */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);
/* The private directory (for outputs a command writes). */
const char *fuzz_dir(void);
/* Stop with a message when a property the library promises does not hold: libFuzzer reports
 * it as a crash with its input. */
void fuzz_check(int ok, const char *what, const dt_error *err);
/* An error must say what it is about: a non-empty message. */
void fuzz_check_error(dt_status status, const dt_error *err);

#endif
