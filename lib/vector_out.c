/* SPDX-License-Identifier: MIT */
/* Output tables: dialtone's exact CSV, or any OGR vector format with geometry, renamed into place.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

struct dti_table_out {
    int ncolumns;
    dti_cell_type *types;
    /* CSV */
    dti_outfile *csv;
    /* OGR: GDAL writes the file (or files) the outfile names, moved into place on commit */
    dti_outfile *files;
    GDALDatasetH dataset;
    OGRLayerH layer;
    char *path;
    int in_transaction;
    int points;          /* point geometry (DTI_GEOMETRY_POINTS), else multipolygons */
    int provenance_lost; /* set_provenance ran out of memory: commit fails */
};

/* File extensions that name a vector format without -of. */
static const struct {
    const char *extension, *driver;
} by_extension[] = {{".gpkg", "GPKG"},
                    {".geojson", "GeoJSON"},
                    {".json", "GeoJSON"},
                    {".fgb", "FlatGeobuf"},
                    {".shp", "ESRI Shapefile"}};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

dt_status dti_vector_format(const char *format, const char *path, const char **driver,
                            dt_error *err)
{
    *driver = NULL;
    if (!format) {
        for (size_t i = 0; path && i < sizeof by_extension / sizeof *by_extension; i++)
            if (ends_with(path, by_extension[i].extension)) {
                *driver = by_extension[i].driver;
                return DT_OK;
            }
        return DT_OK;
    }
    if (strcasecmp(format, "CSV") == 0)
        return DT_OK;
    dti_ogr_init();
    GDALDriverH d = GDALGetDriverByName(format);
    if (!d || !GDALGetMetadataItem(d, GDAL_DCAP_VECTOR, NULL) ||
        !GDALGetMetadataItem(d, GDAL_DCAP_CREATE, NULL))
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "-of %s: not a vector format GDAL can write here (try GPKG, "
                             "GeoJSON, FlatGeobuf, \"ESRI Shapefile\" or CSV)",
                             format);
    *driver = GDALGetDriverShortName(d);
    return DT_OK;
}

void dti_csv_put_field(FILE *stream, const char *text)
{
    FILE *fp = stream;
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, fp);
        return;
    }
    fputc('"', fp);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

static dti_table_out *fail(dti_table_out *t, dt_status status, const char *path, const char *what,
                           dt_error *err)
{
    dti_error_gdal(err, status, path, what);
    dti_table_abort(t);
    return NULL;
}

/* Into an existing GeoPackage: a copy of it, updated, with dialtone's layer replaced and the
 * user's other layers kept (ogr2ogr -update -overwrite -nln NAME). A file that is not a
 * GeoPackage is replaced as a new one. 0 ok (t->dataset open, or NULL to create), -1 error. */
static int open_existing(dti_table_out *t, const char *layer_name, dt_error *err)
{
    int copied = dti_outfile_start_from_target(t->files, err);
    if (copied <= 0)
        return copied;
    static const char *const gpkg[] = {"GPKG", NULL};
    t->dataset =
        GDALOpenEx(dti_outfile_path(t->files), GDAL_OF_VECTOR | GDAL_OF_UPDATE, gpkg, NULL, NULL);
    if (!t->dataset) {
        CPLErrorReset();
        VSIUnlink(dti_outfile_path(t->files)); /* not a GeoPackage: written anew */
        return 0;
    }
    for (int i = 0; i < GDALDatasetGetLayerCount(t->dataset); i++) {
        OGRLayerH layer = GDALDatasetGetLayer(t->dataset, i);
        if (strcmp(OGR_L_GetName(layer), layer_name) == 0 &&
            GDALDatasetDeleteLayer(t->dataset, i) != OGRERR_NONE) {
            dti_error_gdal(err, DT_ERR_IO, t->path, "cannot replace its layer");
            return -1;
        }
    }
    return 0;
}

dti_table_out *dti_table_open(const char *path, const char *driver, const char *layer_name,
                              const dti_column *columns, int ncolumns, int with_geometry,
                              OGRSpatialReferenceH srs, dt_error *err)
{
    dti_table_out *t = calloc(1, sizeof *t);
    if (!t || !(t->types = malloc((size_t)ncolumns * sizeof *t->types))) {
        free(t);
        dti_nomem(err);
        return NULL;
    }
    t->ncolumns = ncolumns;
    for (int c = 0; c < ncolumns; c++)
        t->types[c] = columns[c].type;
    if (!driver) {
        if (!(t->csv = dti_outfile_open(path, NULL, NULL, err))) {
            dti_table_abort(t);
            return NULL;
        }
        FILE *fp = dti_outfile_stream(t->csv);
        for (int c = 0; c < ncolumns; c++) {
            if (c)
                fputc(',', fp);
            dti_csv_put_field(fp, columns[c].name);
        }
        fputc('\n', fp);
        return t;
    }
    dti_ogr_init();
    if (!path || strcmp(path, "-") == 0) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s output needs a file name (-o FILE)", driver);
        dti_table_abort(t);
        return NULL;
    }
    /* written into a stream or device: the driver's extension names the temporary file */
    const char *extension =
        GDALGetMetadataItem(GDALGetDriverByName(driver), GDAL_DMD_EXTENSION, NULL);
    char suffix[32];
    snprintf(suffix, sizeof suffix, "%s%s", extension ? "." : "", extension ? extension : "");
    if (!(t->path = strdup(path))) {
        dti_nomem(err);
        dti_table_abort(t);
        return NULL;
    }
    if (!(t->files = dti_outfile_open_file(path, suffix, NULL, NULL, err))) {
        dti_table_abort(t);
        return NULL;
    }
    CPLErrorReset();
    if (strcmp(driver, "GPKG") == 0 && open_existing(t, layer_name, err) != 0) {
        dti_table_abort(t);
        return NULL;
    }
    if (!t->dataset)
        t->dataset = GDALCreate(GDALGetDriverByName(driver), dti_outfile_path(t->files), 0, 0, 0,
                                GDT_Unknown, NULL);
    if (!t->dataset)
        return fail(t, DT_ERR_IO, path, "cannot create", err);
    /* RFC 7946 GeoJSON is WGS84 longitude/latitude: GDAL reprojects on writing */
    char **options = NULL;
    if (strcmp(driver, "GeoJSON") == 0)
        options = CSLSetNameValue(options, "RFC7946", "YES");
    t->points = with_geometry == DTI_GEOMETRY_POINTS;
    t->layer = GDALDatasetCreateLayer(t->dataset, layer_name, srs,
                                      t->points       ? wkbPoint
                                      : with_geometry ? wkbMultiPolygon
                                                      : wkbNone,
                                      options);
    CSLDestroy(options);
    if (!t->layer)
        return fail(t, DT_ERR_IO, path, "cannot create the layer", err);
    for (int c = 0; c < ncolumns; c++) {
        OGRFieldType type = columns[c].type == DTI_CELL_INTEGER ? OFTInteger64
                            : columns[c].type == DTI_CELL_REAL  ? OFTReal
                                                                : OFTString;
        OGRFieldDefnH field = OGR_Fld_Create(columns[c].name, type);
        OGRErr rc = OGR_L_CreateField(t->layer, field, TRUE);
        OGR_Fld_Destroy(field);
        if (rc != OGRERR_NONE)
            return fail(t, DT_ERR_IO, path, "cannot create a field", err);
    }
    /* one transaction: GeoPackage writes a million rows in seconds, not hours */
    t->in_transaction = GDALDatasetStartTransaction(t->dataset, FALSE) == OGRERR_NONE;
    return t;
}

dt_status dti_table_write(dti_table_out *t, const char *const *cells, OGRGeometryH geometry,
                          dt_error *err)
{
    if (t->csv) {
        FILE *fp = dti_outfile_stream(t->csv);
        for (int c = 0; c < t->ncolumns; c++) {
            if (c)
                fputc(',', fp);
            dti_csv_put_field(fp, cells[c]);
        }
        fputc('\n', fp);
        return DT_OK;
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t->layer));
    if (!f)
        return dti_nomem(err);
    for (int c = 0; c < t->ncolumns; c++) {
        if (t->types[c] != DTI_CELL_TEXT && cells[c][0] == '\0')
            OGR_F_SetFieldNull(f, c);
        else if (t->types[c] == DTI_CELL_INTEGER)
            OGR_F_SetFieldInteger64(f, c, strtoll(cells[c], NULL, 10));
        else if (t->types[c] == DTI_CELL_REAL)
            OGR_F_SetFieldDouble(f, c, CPLAtof(cells[c]));
        else
            OGR_F_SetFieldString(f, c, cells[c]);
    }
    OGRErr rc = OGRERR_NONE;
    if (geometry) {
        OGRGeometryH multi =
            t->points ? OGR_G_Clone(geometry) : OGR_G_ForceToMultiPolygon(OGR_G_Clone(geometry));
        rc = multi ? OGR_F_SetGeometryDirectly(f, multi) : OGRERR_NOT_ENOUGH_MEMORY;
    }
    if (rc == OGRERR_NONE) {
        CPLErrorReset();
        rc = OGR_L_CreateFeature(t->layer, f);
    }
    OGR_F_Destroy(f);
    if (rc != OGRERR_NONE)
        return dti_error_gdal(err, DT_ERR_IO, t->path, "cannot write a feature");
    return DT_OK;
}

void dti_table_set_provenance(dti_table_out *t, struct json_t *provenance)
{
    if (t->csv) {
        dti_outfile_set_provenance(t->csv, provenance);
        return;
    }
    char *text = dti_prov_text(provenance); /* NULL: out of memory */
    if (!text || !t->dataset ||
        GDALSetMetadataItem(t->dataset, "DIALTONE_PROVENANCE", text, NULL) != CE_None)
        t->provenance_lost = 1;
    free(text);
}

dt_status dti_table_commit(dti_table_out *t, dt_error *err)
{
    if (t->csv) {
        dt_status status = dti_outfile_commit(t->csv, err);
        t->csv = NULL;
        dti_table_abort(t);
        return status;
    }
    dt_status status = t->provenance_lost ? dti_nomem(err) : DT_OK;
    CPLErrorReset();
    if (status == DT_OK && t->in_transaction &&
        GDALDatasetCommitTransaction(t->dataset) != OGRERR_NONE)
        status = dti_error_gdal(err, DT_ERR_IO, t->path, "cannot commit the output");
    GDALClose(t->dataset);
    t->dataset = NULL;
    if (status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
        status = dti_error_gdal(err, DT_ERR_IO, t->path, "cannot finish the output");
    if (status == DT_OK) {
        status = dti_outfile_commit(t->files, err);
        t->files = NULL;
    }
    dti_table_abort(t);
    return status;
}

void dti_table_abort(dti_table_out *t)
{
    if (!t)
        return;
    dti_outfile_abort(t->csv);
    if (t->dataset)
        GDALClose(t->dataset);
    dti_outfile_abort(t->files); /* after GDAL has closed its files */
    free(t->path);
    free(t->types);
    free(t);
}
