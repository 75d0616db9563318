/* SPDX-License-Identifier: MIT */
/* Temporary file names beside an output. */
#define _GNU_SOURCE /* mkstemps */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

char *dti_temp_beside(const char *path, const char *suffix, dt_error *err)
{
    size_t n = strlen(path) + strlen(suffix) + 16;
    char *name = malloc(n);
    if (!name) {
        dti_nomem(err);
        return NULL;
    }
    snprintf(name, n, "%s.tmp.XXXXXX%s", path, suffix);
    sigset_t mask;
    dti_signals_hold(&mask); /* made and listed together: an interruption between would leave it */
    int fd = mkstemps(name, (int)strlen(suffix)), saved = errno;
    int listed = fd >= 0 && dti_temp_add(name, DTI_TEMP_FILE) == 0;
    if (fd >= 0 && !listed)
        unlink(name);
    dti_signals_release(&mask);
    if (fd < 0) {
        dti_error_set(err, DT_ERR_IO, path, 0, "cannot write: %s", strerror(saved));
        free(name);
        return NULL;
    }
    close(fd);
    if (!listed) {
        free(name);
        dti_nomem(err);
        return NULL;
    }
    return name;
}
