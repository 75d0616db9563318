/* SPDX-License-Identifier: MIT */
/* dialtone info: what a dialtone output means, read back from its provenance (a CSV's
 * metadata sidecar, a vector dataset's metadata, a PNG's text chunk, a partial's header). */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gdal.h>
#include <jansson.h>
#include <png.h>

#include "internal.h"

static dt_status info_check(void *request, dt_error *err)
{
    if (((dt_info_options *)request)->count == 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no file given");
    return DT_OK;
}

static dt_status info_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                          dt_error *err)
{
    (void)progress, (void)note, (void)user;
    dt_info_options *o = request;
    free(o->common.output_text);
    o->common.output_text = NULL;
    return dt_info(o, &o->common.output_text, err);
}

static const dti_opt info_options[] = {{0}};

const dti_command dti_info_command = {
    .name = "info",
    .summary = "what an output means: version, rules, regions, fabric, inputs",
    .synopsis = "FILE...",
    .description =
        "Print what a dialtone output means: the dialtone version and command, the\n"
        "rules (served and underserved thresholds, --ulfw, the reliable technologies),\n"
        "the region level or layer, whether a fabric was used, the states, the FCC\n"
        "vintage and every input with its size and XXH3 fingerprint, as JSON. FILE is a\n"
        "CSV table (its FILE.csv-metadata.json is read and checked against the table),\n"
        "the sidecar itself, a GeoPackage or other vector output, a PNG map, or a\n"
        "partial of --partial-out.\n",
    .epilogue = "Exit status: 0 success, 1 a file without provenance or whose metadata does not\n"
                "match it, 2 usage error.\n",
    .options = info_options,
    .operands = {DTI_OPT_LIST, .meta = "FILE", .offset = offsetof(dt_info_options, files),
                 .offset2 = offsetof(dt_info_options, count)},
    .size = sizeof(dt_info_options),
    .check = info_check,
    .run = info_run,
};

dt_info_options *dti_call_info_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_info_command, argc, argv, err);
}

void dt_info_options_free(dt_info_options *o) { dti_request_free(o); }

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The dialtone:provenance text chunk of a PNG, or NULL (malloc'd). */
static char *png_provenance(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *found = NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (png && info && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, fp);
        png_read_info(png, info);
        png_textp texts;
        int n = 0;
        png_get_text(png, info, &texts, &n);
        for (int i = 0; i < n && !found; i++)
            if (strcmp(texts[i].key, "dialtone:provenance") == 0)
                found = strdup(texts[i].text);
    }
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    fclose(fp);
    return found;
}

/* The provenance of one file as a JSON object (new reference), or NULL with err set. */
static json_t *provenance_of(const char *path, dt_error *err)
{
    if (ends_with(path, "-metadata.json")) {
        json_t *doc = dti_json_read_file(path, err), *p = NULL; /* NULL: err is set */
        if (doc && (!(p = json_object_get(doc, "dialtone:provenance")) || !json_is_object(p))) {
            dti_error_set(err, DT_ERR_FORMAT, path, 0, "not a dialtone table's metadata");
            p = NULL;
        } else if (doc) {
            json_incref(p);
        }
        json_decref(doc);
        return p;
    }
    if (ends_with(path, ".png")) {
        char *text = png_provenance(path);
        json_t *p = text ? dti_json_parse(text, strlen(text), path, err) : NULL;
        if (!p && (!text || err->status != DT_ERR_NOMEM))
            dti_error_set(err, DT_ERR_FORMAT, path, 0,
                          "no dialtone provenance in this PNG (not made by dialtone map?)");
        free(text);
        return p;
    }
    FILE *fp = fopen(path, "rb");
    char head[32] = "";
    size_t got = fp ? fread(head, 1, sizeof head - 1, fp) : 0;
    if (fp)
        fclose(fp);
    else {
        dti_error_set(err, DT_ERR_IO, path, 0, "cannot open");
        return NULL;
    }
    head[got] = '\0';
    if (strncmp(head, "dialtone-partial", 16) == 0) {
        dti_partial partial;
        json_t *p = NULL;
        if (dti_partial_init(&partial, NULL, 0, err) == DT_OK &&
            dti_partial_read(&partial, path, err) == DT_OK) {
            p = dti_prov_new("stats --partial-out");
            dti_prov_partial(p, &partial);
            json_object_del(p, "partials");
            if (!dti_prov_ok(p)) {
                json_decref(p);
                p = NULL;
                dti_nomem(err);
            }
        }
        dti_partial_free(&partial);
        return p;
    }
    if (!ends_with(path, ".csv")) {
        dti_ogr_init();
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        const char *text = ds ? GDALGetMetadataItem(ds, "DIALTONE_PROVENANCE", NULL) : NULL;
        json_t *p = text ? dti_json_parse(text, strlen(text), path, err) : NULL;
        if (ds)
            GDALClose(ds);
        if (ds && !p && (!text || err->status != DT_ERR_NOMEM))
            dti_error_set(err, DT_ERR_FORMAT, path, 0, "no dialtone provenance in its metadata");
        if (ds)
            return p;
    }
    json_t *p = NULL;
    int rc = dti_sidecar_read(path, &p, err);
    if (rc == 0)
        dti_error_set(err, DT_ERR_FORMAT, path, 0,
                      "no provenance: no %s-metadata.json beside it (made by hand, or moved "
                      "without it?)",
                      path);
    return rc == 1 ? p : NULL;
}

dt_status dti_call_info(const dt_info_options *o, char **text, dt_error *err)
{
    dti_gdal_init();
    *text = NULL;
    size_t used = 0, cap = 0;
    for (size_t i = 0; i < o->count; i++) {
        json_t *p = provenance_of(o->files[i], err);
        if (!p) {
            free(*text);
            *text = NULL;
            return err->status ? err->status : DT_ERR_FORMAT;
        }
        char *pretty = dti_prov_pretty(p);
        json_decref(p);
        size_t need = (pretty ? strlen(pretty) : 0) + strlen(o->files[i]) + 8;
        if (!pretty || dti_grow(text, &cap, used + need, 1, 4096) != 0) {
            free(pretty);
            free(*text);
            *text = NULL;
            return dti_nomem(err);
        }
        used += (size_t)snprintf(*text + used, cap - used, o->count > 1 ? "%s:\n%s\n" : "%.0s%s\n",
                                 o->files[i], pretty);
        free(pretty);
    }
    return DT_OK;
}
