/* Running one library step for another: a map through dt_map, temporary file names. */
#define _GNU_SOURCE /* mkstemps */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

dt_status dti_map_call(int argc, const char *const *argv, dt_progress_fn progress, dt_note_fn note,
                       void *user, dt_error *err)
{
    /* the parser copies every value; it never writes to argv */
    dt_map_options *options = dt_map_options_new(argc, (char **)(uintptr_t)argv, err);
    if (!options)
        return err ? err->status : DT_ERR_USAGE;
    dt_status status = dt_map(options, progress, note, user, err);
    dt_map_options_free(options);
    return status;
}

char *dti_temp_beside(const char *path, const char *suffix, dt_error *err)
{
    size_t n = strlen(path) + strlen(suffix) + 16;
    char *name = malloc(n);
    if (!name) {
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    snprintf(name, n, "%s.tmp.XXXXXX%s", path, suffix);
    int fd = mkstemps(name, (int)strlen(suffix));
    if (fd < 0) {
        dti_error_set(err, DT_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
        free(name);
        return NULL;
    }
    close(fd);
    if (dti_temp_add(name, DTI_TEMP_FILE) != 0) {
        unlink(name);
        free(name);
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    return name;
}
