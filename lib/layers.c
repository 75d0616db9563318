/* SPDX-License-Identifier: MIT */
/* Opening the vector layers a user names, and checking their coordinate reference systems. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

/* QGIS names one layer of a multi-layer source as "path|layername=NAME". */
static const char layer_suffix[] = "|layername=";

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The layer names of a source, "a, b, c", for messages. */
static void list_layers(GDALDatasetH ds, char *buf, size_t size)
{
    buf[0] = '\0';
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                 OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    }
}

dt_status dti_layer_spec(const char *path, const char *layer_name, char **spec, dt_error *err)
{
    *spec = NULL;
    if (!path)
        return DT_OK;
    const char *bar = strstr(path, layer_suffix);
    if (layer_name && bar && strcmp(bar + strlen(layer_suffix), layer_name) != 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s names layer '%s' and --layer names '%s': give one", path,
                             bar + strlen(layer_suffix), layer_name);
    size_t n = strlen(path) + (layer_name ? strlen(layer_suffix) + strlen(layer_name) : 0) + 1;
    if (!(*spec = malloc(n)))
        return dti_nomem(err);
    if (layer_name && !bar)
        snprintf(*spec, n, "%s%s%s", path, layer_suffix, layer_name);
    else
        snprintf(*spec, n, "%s", path);
    return DT_OK;
}

dt_status dti_layer_open_named(const char *path, const char *layer_name, dti_layer *layer,
                               dt_error *err)
{
    char *spec;
    memset(layer, 0, sizeof *layer);
    dt_status status = dti_layer_spec(path, layer_name, &spec, err);
    if (status == DT_OK)
        status = dti_layer_open(spec, layer, err);
    free(spec);
    return status;
}

dt_status dti_layer_open(const char *spec, dti_layer *layer, dt_error *err)
{
    memset(layer, 0, sizeof *layer);
    dti_ogr_init();
    char *path = strdup(spec);
    layer->display = strdup(spec);
    if (!path || !layer->display) {
        free(path);
        dti_layer_close(layer);
        return dti_nomem(err);
    }
    const char *name = NULL;
    char *bar = strstr(path, layer_suffix);
    if (bar) {
        *bar = '\0';
        name = bar + strlen(layer_suffix);
    }
    /* A zipped shapefile as the Census ships it (tl_2020_SS_tabblock20.zip):
     * GDAL reads it only through /vsizip/. */
    const char *open_path = path;
    char *zip_path = NULL;
    if (strncmp(path, "/vsi", 4) != 0 && ends_with(path, ".zip")) {
        zip_path = CPLStrdup(CPLSPrintf("/vsizip/%s", path));
        open_path = zip_path;
    }
    dt_status status = DT_OK;
    VSIStatBufL st;
    if (strncmp(path, "/vsi", 4) != 0 && VSIStatL(path, &st) != 0) {
        status = dti_error_set(err, DT_ERR_IO, path, 0, "cannot open: no such file");
        goto done;
    }
    CPLErrorReset();
    layer->dataset = GDALOpenEx(open_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!layer->dataset) {
        status = dti_error_gdal(err, DT_ERR_FORMAT, path, "cannot open as a vector data source");
        goto done;
    }
    int count = GDALDatasetGetLayerCount(layer->dataset);
    if (name) {
        layer->layer = GDALDatasetGetLayerByName(layer->dataset, name);
        if (!layer->layer) {
            char names[512];
            list_layers(layer->dataset, names, sizeof names);
            status = dti_error_set(err, DT_ERR_FORMAT, path, 0, "no layer '%s' (layers: %s)", name,
                                   names);
        }
    } else if (count == 1) {
        layer->layer = GDALDatasetGetLayer(layer->dataset, 0);
    } else if (count == 0) {
        status = dti_error_set(err, DT_ERR_FORMAT, path, 0, "holds no vector layer");
    } else {
        char names[512];
        list_layers(layer->dataset, names, sizeof names);
        status = dti_error_set(err, DT_ERR_USAGE, path, 0,
                               "holds %d layers (%s): name one as '%s%sNAME' or with --layer "
                               "NAME",
                               count, names, path, layer_suffix);
    }
done:
    CPLFree(zip_path);
    free(path);
    if (status != DT_OK)
        dti_layer_close(layer);
    return status;
}

int dti_geometry_finite(OGRGeometryH g)
{
    int parts = OGR_G_GetGeometryCount(g);
    for (int k = 0; k < parts; k++)
        if (!dti_geometry_finite(OGR_G_GetGeometryRef(g, k)))
            return 0;
    int n = OGR_G_GetPointCount(g);
    for (int i = 0; i < n; i++) {
        double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
        if (!isfinite(x) || !isfinite(y))
            return 0;
    }
    return 1;
}

void dti_layer_close(dti_layer *layer)
{
    if (!layer)
        return;
    if (layer->dataset)
        GDALClose(layer->dataset);
    free(layer->display);
    memset(layer, 0, sizeof *layer);
}

dt_status dti_layer_fields(const dti_layer *layer, const char *const *names, int count, int *index,
                           const char *what, dt_error *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer->layer);
    for (int i = 0; i < count; i++) {
        index[i] = OGR_FD_GetFieldIndex(defn, names[i]);
        if (index[i] >= 0)
            continue;
        char fields[600] = "";
        int n = OGR_FD_GetFieldCount(defn);
        for (int f = 0; f < n && strlen(fields) < sizeof fields - 80; f++) {
            size_t used = strlen(fields);
            snprintf(fields + used, sizeof fields - used, "%s%s", f ? ", " : "",
                     OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, f)));
        }
        return dti_error_set(err, DT_ERR_FORMAT, layer->display, 0,
                             "no field '%s' in this %s (fields: %s)", names[i], what,
                             n ? fields : "none");
    }
    return DT_OK;
}

void dti_layer_read_only(const dti_layer *layer, const int *index, int count, int with_geometry)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer->layer);
    int n = OGR_FD_GetFieldCount(defn);
    const char **ignored = calloc((size_t)n + 3, sizeof *ignored);
    if (!ignored)
        return; /* reading every field is slower, never wrong */
    int k = 0;
    for (int f = 0; f < n; f++) {
        int wanted = 0;
        for (int i = 0; i < count; i++)
            wanted |= index[i] == f;
        if (!wanted)
            ignored[k++] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, f));
    }
    if (!with_geometry)
        ignored[k++] = "OGR_GEOMETRY";
    ignored[k++] = "OGR_STYLE";
    OGR_L_SetIgnoredFields(layer->layer, ignored);
    free(ignored);
}

dt_status dti_layer_srs(const dti_layer *layer, OGRSpatialReferenceH *srs, dt_error *err)
{
    *srs = NULL;
    OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef(layer->layer);
    if (!layer_srs)
        return dti_error_set(err, DT_ERR_CRS, layer->display, 0,
                             "the layer has no coordinate reference system (a shapefile without "
                             "its .prj?); dialtone never guesses one: assign it, e.g. "
                             "ogr2ogr -a_srs EPSG:4269 for TIGER/Line files");
    if (!OSRIsGeographic(layer_srs) && !OSRIsProjected(layer_srs)) {
        const char *name = OSRGetName(layer_srs);
        return dti_error_set(err, DT_ERR_CRS, layer->display, 0,
                             "unknown coordinate reference system '%s': neither geographic nor "
                             "projected, so its coordinates cannot be placed on the earth",
                             name ? name : "unnamed");
    }
    OGRSpatialReferenceH copy = OSRClone(layer_srs);
    if (!copy)
        return dti_nomem(err);
    /* x = longitude (easting), y = latitude (northing), whatever EPSG says */
    OSRSetAxisMappingStrategy(copy, OAMS_TRADITIONAL_GIS_ORDER);
    *srs = copy;
    return DT_OK;
}

const char *dti_srs_name(OGRSpatialReferenceH h, char *name, size_t size)
{
    const char *authority = OSRGetAuthorityName(h, NULL);
    const char *code = OSRGetAuthorityCode(h, NULL);
    if (authority && code)
        snprintf(name, size, "%s:%s", authority, code);
    else
        snprintf(name, size, "%s", OSRGetName(h) ? OSRGetName(h) : "unnamed CRS");
    return name;
}

dt_status dti_srs_transform(OGRSpatialReferenceH from, OGRSpatialReferenceH to,
                            OGRCoordinateTransformationH *ct, const char *what, dt_error *err)
{
    *ct = NULL;
    if (OSRIsSame(from, to))
        return DT_OK;
    CPLErrorReset();
    *ct = OCTNewCoordinateTransformation(from, to);
    if (!*ct) {
        char from_name[160], to_name[160];
        return dti_error_gdal(err, DT_ERR_CRS, what,
                              CPLSPrintf("no transformation from %s to %s",
                                         dti_srs_name(from, from_name, sizeof from_name),
                                         dti_srs_name(to, to_name, sizeof to_name)));
    }
    return DT_OK;
}
