/* SPDX-License-Identifier: MIT */
/* The unit-test harness behind unit.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_error.h>

#include "unit.h"

/* The unit tests call library internals directly, outside the public calls that hold a quiet
 * GDAL error handler each: as the program, they keep GDAL quiet for the whole process. */
__attribute__((constructor)) static void quiet_gdal(void)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
}

static int passed, failed;

void dt_unit_check(int ok, const char *expr, const char *file, int line)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
}

void dt_unit_check_str(const char *got, const char *want, const char *expr, const char *file,
                       int line)
{
    int ok = got && want && strcmp(got, want) == 0;
    dt_unit_check(ok, expr, file, line);
    if (!ok)
        fprintf(stderr, "     got '%s', want '%s'\n", got ? got : "(null)", want ? want : "(null)");
}

void dt_unit_check_int(long long got, long long want, const char *expr, const char *file, int line)
{
    dt_unit_check(got == want, expr, file, line);
    if (got != want)
        fprintf(stderr, "     got %lld, want %lld\n", got, want);
}

int dt_unit_report(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed ? 1 : 0;
}

const char *dt_unit_temp_file(const char *text, size_t len)
{
    static char paths[8][64];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 64, "/tmp/dialtone-unit-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
        perror("temp file");
        exit(1);
    }
    close(fd);
    return path;
}
