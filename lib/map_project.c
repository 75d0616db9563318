/* SPDX-License-Identifier: MIT */
/* Map projection through OGR/PROJ: a fitted Albers equal-area conic, or any CRS. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <ogr_srs_api.h>

#include "internal.h"

void dti_map_projection_free(dti_map_projection *proj)
{
    if (!proj)
        return;
    if (proj->transform)
        OCTDestroyCoordinateTransformation(proj->transform);
    proj->transform = NULL;
    for (int z = 0; z < DTI_ZONE_COUNT; z++) {
        if (proj->zone_transform[z])
            OCTDestroyCoordinateTransformation(proj->zone_transform[z]);
        proj->zone_transform[z] = NULL;
    }
    if (proj->to_lonlat)
        OCTDestroyCoordinateTransformation(proj->to_lonlat);
    proj->to_lonlat = NULL;
}

static void extent(const double *x, const double *y, size_t n, double box[4])
{
    box[0] = box[1] = INFINITY;
    box[2] = box[3] = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        box[0] = x[i] < box[0] ? x[i] : box[0];
        box[1] = y[i] < box[1] ? y[i] : box[1];
        box[2] = x[i] > box[2] ? x[i] : box[2];
        box[3] = y[i] > box[3] ? y[i] : box[3];
    }
}

static double half_up(double v, double step) { return floor(v / step + 0.5) * step; }

/* The longitude extent of geographic data, the shorter way round: a layer that crosses 180
 * degrees (the Aleutians reach 172 E) spans 172 .. 230 rather than -180 .. 180. */
static void longitude_extent(const double *lon, size_t n, double *west, double *east)
{
    double box[2][2] = {{INFINITY, -INFINITY}, {INFINITY, -INFINITY}};
    for (size_t i = 0; i < n; i++) {
        double a = lon[i], b = lon[i] < 0 ? lon[i] + 360 : lon[i];
        box[0][0] = fmin(box[0][0], a), box[0][1] = fmax(box[0][1], a);
        box[1][0] = fmin(box[1][0], b), box[1][1] = fmax(box[1][1], b);
    }
    int k = box[1][1] - box[1][0] < box[0][1] - box[0][0] - 1e-9;
    *west = box[k][0];
    *east = box[k][1];
}

/* Albers equal-area conic on the source's own datum (no datum shift), fitted to the
 * longitude/latitude extent of the data. */
static dt_status fitted_albers(OGRSpatialReferenceH src, const dti_map_layer *ml,
                               OGRSpatialReferenceH *target, char *description, size_t size,
                               dt_error *err)
{
    double box[4];
    extent(ml->geo.x, ml->geo.y, ml->geo.point_count, box);
    OGRSpatialReferenceH geog = OSRCloneGeogCS(src);
    if (!geog)
        return dti_error_gdal(err, DT_ERR_CRS, NULL, "the layer's CRS has no geographic base");
    OSRSetAxisMappingStrategy(geog, OAMS_TRADITIONAL_GIS_ORDER);
    double lon0 = box[0], lat0 = box[1], lon1 = box[2], lat1 = box[3];
    if (OSRIsGeographic(src))
        longitude_extent(ml->geo.x, ml->geo.point_count, &lon0, &lon1);
    else {
        OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, geog);
        int ok = ct && OCTTransformBounds(ct, box[0], box[1], box[2], box[3], &lon0, &lat0, &lon1,
                                          &lat1, 21);
        if (ct)
            OCTDestroyCoordinateTransformation(ct);
        if (!ok) {
            OSRDestroySpatialReference(geog);
            return dti_error_gdal(err, DT_ERR_CRS, NULL,
                                  "cannot find the longitude/latitude extent of the layer");
        }
    }
    double span = lat1 - lat0;
    /* rounded to 0.01 degree: the same data gives the same projection, readable in notes */
    double p1 = half_up(lat0 + span / 6, 0.01), p2 = half_up(lat0 + 5 * span / 6, 0.01);
    double centre_lat = half_up((lat0 + lat1) / 2, 0.01);
    double centre_lon = half_up((lon0 + lon1) / 2, 0.01);
    centre_lon = centre_lon > 180 ? centre_lon - 360 : centre_lon;
    if (p1 == p2) /* a sliver of latitude: one standard parallel */
        p2 = p1 + 0.01;
    OSRSetACEA(geog, p1, p2, centre_lat, centre_lon, 0, 0);
    OSRSetLinearUnits(geog, SRS_UL_METER, 1.0);
    OSRSetProjCS(geog, "dialtone fitted Albers equal-area");
    *target = geog;
    snprintf(description, size,
             "Albers equal-area conic, standard parallels %.2f and %.2f, centred on %.2f, %.2f", p1,
             p2, centre_lat, centre_lon);
    return DT_OK;
}

int dti_map_project_point(const dti_map_projection *proj, double *x, double *y)
{
    int ok = 0;
    if (proj->zoned)
        return dti_map_layout_project_point(proj, x, y);
    if (!proj->transform)
        return -1;
    return OCTTransformEx(proj->transform, 1, x, y, NULL, &ok) && ok ? 0 : -1;
}

dt_status dti_map_project(dti_map_layer *ml, const char *crs, dti_map_layout layout,
                          dti_map_projection *proj, dt_error *err)
{
    memset(proj, 0, sizeof *proj);
    CPLErrorReset();
    OGRSpatialReferenceH src = OSRNewSpatialReference(ml->srs_wkt), target = NULL;
    dt_status status = DT_OK;
    if (!src)
        return dti_error_gdal(err, DT_ERR_CRS, NULL, "cannot read the layer's CRS");
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    int zoned = 0;
    if (!crs)
        status = dti_map_layout_apply(ml, layout, src, proj, &zoned, err);
    if (status != DT_OK || zoned) {
        /* the layout projected every part itself */
    } else if (crs) {
        target = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(target, crs) != OGRERR_NONE)
            status = dti_error_gdal(err, DT_ERR_USAGE, NULL, "--crs: not a CRS GDAL/PROJ knows");
        else if (OSRIsGeographic(target))
            snprintf(proj->description, sizeof proj->description,
                     "%s (longitude/latitude as x/y: shapes and areas are distorted)",
                     OSRGetName(target));
        else
            snprintf(proj->description, sizeof proj->description, "%s", OSRGetName(target));
    } else {
        status = fitted_albers(src, ml, &target, proj->description, sizeof proj->description, err);
    }
    if (status == DT_OK && !zoned) {
        OSRSetAxisMappingStrategy(target, OAMS_TRADITIONAL_GIS_ORDER);
        proj->meters_per_unit = OSRIsProjected(target) ? OSRGetLinearUnits(target, NULL) : 0;
        proj->transform = OCTNewCoordinateTransformation(src, target);
        if (!proj->transform)
            status = dti_error_gdal(err, DT_ERR_CRS, NULL,
                                    "cannot transform from the layer's CRS to the map's");
    }
    /* in blocks: a failure names the first point that would not project */
    int *ok = status == DT_OK && !zoned ? malloc(65536 * sizeof *ok) : NULL;
    if (status == DT_OK && !zoned && !ok)
        status = dti_nomem(err);
    for (size_t i = 0; status == DT_OK && !zoned && i < ml->geo.point_count; i += 65536) {
        size_t n = ml->geo.point_count - i < 65536 ? ml->geo.point_count - i : 65536;
        int all = OCTTransformEx(proj->transform, (int)n, ml->geo.x + i, ml->geo.y + i, NULL, ok);
        for (size_t j = 0; j < n && status == DT_OK; j++)
            if (!all || !ok[j] || !isfinite(ml->geo.x[i + j]) || !isfinite(ml->geo.y[i + j]))
                status = dti_error_gdal(err, DT_ERR_CRS, NULL,
                                        "cannot project the layer into the map's CRS");
    }
    free(ok);
    if (status == DT_OK) {
        double box[4];
        extent(ml->geo.x, ml->geo.y, ml->geo.point_count, box);
        for (int z = 0; z < DTI_ZONE_COUNT; z++)
            if (proj->has_frame[z]) { /* the insets' frames are part of the map */
                box[0] = fmin(box[0], proj->frame[z][0]), box[1] = fmin(box[1], proj->frame[z][1]);
                box[2] = fmax(box[2], proj->frame[z][2]), box[3] = fmax(box[3], proj->frame[z][3]);
            }
        proj->xmin = box[0], proj->ymin = box[1], proj->xmax = box[2], proj->ymax = box[3];
    }
    OSRDestroySpatialReference(src);
    if (target)
        OSRDestroySpatialReference(target);
    if (status != DT_OK)
        dti_map_projection_free(proj);
    return status;
}
