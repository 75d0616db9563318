/* SPDX-License-Identifier: MIT */
/* A very small unit-test harness: CHECK macros and a closing count line. */
#ifndef DIALTONE_TESTS_UNIT_H
#define DIALTONE_TESTS_UNIT_H

#include <stdint.h>

void dt_unit_check(int ok, const char *expr, const char *file, int line);
void dt_unit_check_str(const char *got, const char *want, const char *expr, const char *file,
                       int line);
void dt_unit_check_int(long long got, long long want, const char *expr, const char *file,
                       int line);
/* Print "SUITE: N passed, N failed"; returns the exit status. */
int dt_unit_report(const char *suite);
/* Write text to a fresh temporary file; returns its path (static buffer per call slot). */
const char *dt_unit_temp_file(const char *text, size_t len);

#define CHECK(cond) dt_unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(got, want) dt_unit_check_str((got), (want), #got, __FILE__, __LINE__)
#define CHECK_INT(got, want) dt_unit_check_int((long long)(got), (long long)(want), #got, __FILE__, __LINE__)

#endif
