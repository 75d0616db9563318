/* Outputs written to a temporary name beside the target, renamed on success. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct dti_outfile {
    FILE *fp;
    char *path; /* NULL for stdout */
    char *temp;
};

dti_outfile *dti_outfile_open(const char *path, dt_error *err)
{
    dti_outfile *out = calloc(1, sizeof *out);
    if (!out) {
        dti_error_set(err, DT_ERR_NOMEM, path, 0, "out of memory");
        return NULL;
    }
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        return out;
    }
    size_t n = strlen(path) + 16;
    out->path = strdup(path);
    out->temp = malloc(n);
    if (!out->path || !out->temp) {
        dti_error_set(err, DT_ERR_NOMEM, path, 0, "out of memory");
        dti_outfile_abort(out);
        return NULL;
    }
    snprintf(out->temp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(out->temp);
    if (fd < 0) {
        dti_error_set(err, DT_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
        free(out->temp);
        out->temp = NULL;
        dti_outfile_abort(out);
        return NULL;
    }
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        close(fd);
        dti_error_set(err, DT_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
        dti_outfile_abort(out);
        return NULL;
    }
    /* mkstemp makes 0600; give the usual permissions of a new file */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    setvbuf(out->fp, NULL, _IOFBF, 1 << 20);
    return out;
}

void *dti_outfile_stream(dti_outfile *out) { return out->fp; }

dt_status dti_outfile_commit(dti_outfile *out, dt_error *err)
{
    dt_status status = DT_OK;
    if (!out->path) {
        if (fflush(out->fp) != 0 || ferror(out->fp))
            status = dti_error_set(err, DT_ERR_IO, "<stdout>", 0, "write failed");
        free(out);
        return status;
    }
    int failed = ferror(out->fp);
    failed |= fclose(out->fp) != 0;
    out->fp = NULL;
    if (failed)
        status = dti_error_set(err, DT_ERR_IO, out->path, 0, "write failed: %s", strerror(errno));
    else if (rename(out->temp, out->path) != 0)
        status = dti_error_set(err, DT_ERR_IO, out->path, 0, "cannot rename into place: %s",
                               strerror(errno));
    if (status != DT_OK) {
        dti_outfile_abort(out);
        return status;
    }
    free(out->temp);
    free(out->path);
    free(out);
    return DT_OK;
}

void dti_outfile_abort(dti_outfile *out)
{
    if (!out)
        return;
    if (out->path) {
        if (out->fp)
            fclose(out->fp);
        if (out->temp)
            unlink(out->temp);
    }
    free(out->temp);
    free(out->path);
    free(out);
}
