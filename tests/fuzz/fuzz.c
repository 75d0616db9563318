/* SPDX-License-Identifier: MIT */
/* Helpers shared by the fuzz targets (tests/fuzz/fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_vsi.h>

static char private_dir[256];

static void remove_private_dir(void)
{
    if (private_dir[0])
        dti_temp_remove_tree(private_dir, 3);
}

void fuzz_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    dti_ogr_init();
    /* no *.aux.xml, no network, nothing written beside an input */
    CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "none");
}

const char *fuzz_vsimem(const char *name, const uint8_t *data, size_t size)
{
    static char path[256];
    snprintf(path, sizeof path, "/vsimem/fuzz/%s", name);
    GByte *copy = VSIMalloc(size ? size : 1);
    if (!copy)
        abort();
    if (size)
        memcpy(copy, data, size);
    VSILFILE *fp = VSIFileFromMemBuffer(path, copy, size, TRUE);
    if (!fp)
        abort();
    VSIFCloseL(fp);
    return path;
}

void fuzz_vsimem_drop(const char *path) { VSIUnlink(path); }

const char *fuzz_dir(void)
{
    if (!private_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(private_dir, sizeof private_dir, "%s/dialtone-fuzz.XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(private_dir))
            abort();
        atexit(remove_private_dir);
    }
    return private_dir;
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
        abort();
    return path;
}

void fuzz_check(int ok, const char *what, const dt_error *err)
{
    if (ok)
        return;
    fprintf(stderr, "fuzz: property broken: %s\n", what);
    if (err)
        fprintf(stderr, "fuzz: last error: status %d, %s:%ld: %s\n", (int)err->status, err->file,
                err->line, err->message);
    remove_private_dir(); /* abort() runs no atexit handler; libFuzzer keeps the input */
    abort();
}

void fuzz_check_error(dt_status status, const dt_error *err)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose)
        fprintf(stderr, "fuzz: status %d %s:%ld: %s\n", (int)status, err->file, err->line,
                status == DT_OK ? "" : err->message);
    if (status == DT_OK)
        return;
    fuzz_check(err->status == status, "the error's status is the status returned", err);
    fuzz_check(err->message[0] != '\0', "an error has a message", err);
}
