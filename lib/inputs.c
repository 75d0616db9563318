/* SPDX-License-Identifier: MIT */
/* Expand the user's input arguments (files, globs, .zip archives) into CSVs. */
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include "internal.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static dt_status add_input(dti_inputs *in, size_t *cap, const char *path, const char *display,
                           dt_error *err)
{
    uint64_t size;
    int is_dir;
    if (dti_stream_stat(path, &size, &is_dir) != 0)
        return dti_error_set(err, DT_ERR_IO, display, 0, "cannot open: no such file");
    if (is_dir)
        return dti_error_set(err, DT_ERR_IO, display, 0, "is a directory, not a CSV file");
    void *const arrays[] = {&in->paths, &in->display, &in->sizes, &in->prints};
    const size_t sizes[] = {sizeof *in->paths, sizeof *in->display, sizeof *in->sizes,
                            sizeof *in->prints};
    if (dti_grow_n(arrays, sizes, 4, cap, in->count + 1, 8) != 0)
        return dti_nomem(err);
    in->owns_prints = 1;
    in->paths[in->count] = strdup(path);
    in->display[in->count] = strdup(dti_input_name(path, display));
    in->prints[in->count] = calloc(1, sizeof **in->prints);
    if (!in->paths[in->count] || !in->display[in->count] || !in->prints[in->count]) {
        free(in->paths[in->count]);
        free(in->display[in->count]);
        free(in->prints[in->count]);
        return dti_nomem(err);
    }
    in->sizes[in->count] = size;
    in->total_size += size;
    in->count++;
    return DT_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every CSV inside a zip archive, in name order. */
static dt_status add_zip(dti_inputs *in, size_t *cap, const char *zip_path, dt_error *err)
{
    uint64_t size;
    int is_dir, is_reg;
    if (dti_path_stat(zip_path, &size, &is_dir, &is_reg) != 0)
        return dti_error_set(err, DT_ERR_IO, zip_path, 0, "cannot open: no such file");
    char *root = CPLStrdup(CPLSPrintf("/vsizip/%s", zip_path));
    char **members = VSIReadDirRecursive(root);
    if (!members) {
        CPLFree(root);
        return dti_error_set(err, DT_ERR_FORMAT, zip_path, 0,
                             "cannot read this zip archive: it is truncated, damaged or not a "
                             "zip file");
    }
    int n = CSLCount(members);
    if (n > 0)
        qsort(members, (size_t)n, sizeof *members, compare_strings);
    dt_status status = DT_OK;
    int found = 0;
    const char *shapefile = NULL;
    for (int i = 0; i < n && status == DT_OK; i++) {
        if (!shapefile && ends_with(members[i], ".shp"))
            shapefile = members[i];
        if (!ends_with(members[i], ".csv"))
            continue;
        found++;
        char *path = CPLStrdup(CPLSPrintf("%s/%s", root, members[i]));
        char *display = CPLStrdup(CPLSPrintf("%s/%s", zip_path, members[i]));
        status = add_input(in, cap, path, display, err);
        CPLFree(path);
        CPLFree(display);
    }
    /* a zipped shapefile (the Census ships its blocks so) says where it goes */
    if (status == DT_OK && !found && shapefile)
        status = dti_error_set(err, DT_ERR_FORMAT, zip_path, 0,
                               "holds a shapefile (%s) and no .csv file: census blocks go with "
                               "--blocks, a polygon layer with --regions",
                               shapefile);
    else if (status == DT_OK && !found)
        status = dti_error_set(err, DT_ERR_FORMAT, zip_path, 0,
                               "no .csv file inside this archive (is it a zip file?)");
    CSLDestroy(members);
    CPLFree(root);
    return status;
}

static dt_status add_one(dti_inputs *in, size_t *cap, const char *path, dt_error *err)
{
    if (strncmp(path, "/vsi", 4) != 0 && ends_with(path, ".zip"))
        return add_zip(in, cap, path, err);
    if (strncmp(path, "/vsi", 4) != 0 && ends_with(path, ".gz")) {
        /* "/vsigzip/" marks it for dti_stream_open, which inflates it itself: no GDAL */
        size_t len = strlen("/vsigzip/") + strlen(path) + 1;
        char *vsi = malloc(len);
        if (!vsi)
            return dti_nomem(err);
        snprintf(vsi, len, "/vsigzip/%s", path);
        dt_status status = add_input(in, cap, vsi, path, err);
        free(vsi);
        return status;
    }
    return add_input(in, cap, path, path, err);
}

dt_status dti_inputs_expand(char *const *args, size_t nargs, dti_inputs *out, dt_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    dt_status status = DT_OK;
    for (size_t a = 0; a < nargs && status == DT_OK; a++) {
        const char *arg = args[a];
        uint64_t size;
        int is_dir, is_reg;
        /* A pattern the shell did not expand (quoted, or from a config). */
        if (strpbrk(arg, "*?[") && dti_path_stat(arg, &size, &is_dir, &is_reg) != 0) {
            glob_t g;
            int rc = glob(arg, 0, NULL, &g);
            if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
                status = dti_error_set(err, DT_ERR_IO, arg, 0, "no file matches this pattern");
            } else if (rc != 0) {
                status = dti_error_set(err, DT_ERR_IO, arg, 0, "cannot expand this pattern");
            } else {
                for (size_t i = 0; i < g.gl_pathc && status == DT_OK; i++)
                    status = add_one(out, &cap, g.gl_pathv[i], err);
            }
            if (rc == 0)
                globfree(&g);
            continue;
        }
        status = add_one(out, &cap, arg, err);
    }
    if (status != DT_OK)
        dti_inputs_free(out);
    return status;
}

typedef struct name_list {
    char **names;
    size_t count, cap;
} name_list;

static int push_name(name_list *l, const char *dir, const char *name)
{
    if (dti_grow(&l->names, &l->cap, l->count + 1, sizeof *l->names, 16) != 0)
        return -1;
    size_t len = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    if (!(l->names[l->count] = malloc(len)))
        return -1;
    snprintf(l->names[l->count++], len, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
    return 0;
}

dt_status dti_inputs_expand_dirs(char *const *args, size_t n, dti_inputs *out, dt_error *err)
{
    name_list l = {0};
    dt_status status = DT_OK;
    for (size_t i = 0; i < n && status == DT_OK; i++) {
        struct stat st;
        DIR *dir = stat(args[i], &st) == 0 && S_ISDIR(st.st_mode) ? opendir(args[i]) : NULL;
        if (!dir) {
            if (push_name(&l, NULL, args[i]) != 0)
                status = dti_nomem(err);
            continue;
        }
        size_t before = l.count;
        struct dirent *e;
        while (status == DT_OK && (e = readdir(dir)))
            if (e->d_name[0] != '.' &&
                (ends_with(e->d_name, ".csv") || ends_with(e->d_name, ".zip")) &&
                push_name(&l, args[i], e->d_name) != 0)
                status = dti_nomem(err);
        closedir(dir);
        if (status == DT_OK && l.count == before)
            status =
                dti_error_set(err, DT_ERR_IO, args[i], 0, "a directory with no .csv or .zip file");
        if (l.count > before) /* directory order is arbitrary: make runs repeatable */
            qsort(l.names + before, l.count - before, sizeof *l.names, compare_strings);
    }
    if (status == DT_OK)
        status = dti_inputs_expand(l.names, l.count, out, err);
    for (size_t i = 0; i < l.count; i++)
        free(l.names[i]);
    free(l.names);
    return status;
}

void dti_inputs_free(dti_inputs *inputs)
{
    if (!inputs)
        return;
    for (size_t i = 0; i < inputs->count; i++) {
        free(inputs->paths[i]);
        free(inputs->display[i]);
        if (inputs->owns_prints)
            free(inputs->prints[i]);
    }
    free(inputs->prints);
    free(inputs->paths);
    free(inputs->display);
    free(inputs->sizes);
    memset(inputs, 0, sizeof *inputs);
}

uint64_t dti_input_size(const dti_inputs *inputs, size_t i)
{
    const dti_fingerprint *f = inputs->prints ? inputs->prints[i] : NULL;
    return dti_is_stdin(inputs->paths[i]) && f && f->done ? f->bytes : inputs->sizes[i];
}
