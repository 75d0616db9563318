/* SPDX-License-Identifier: MIT */
/* Land area per region for dialtone plan: a geoid,land_km2 file, or a polygon layer
 * (its ALAND20 / ALAND field, else the polygons' area in an equal-area projection). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dti_land_free(dti_land *land)
{
    if (!land)
        return;
    dti_strtab_free(&land->ids);
    free(land->km2);
    memset(land, 0, sizeof *land);
}

static void land_init(dti_land *land)
{
    memset(land, 0, sizeof *land);
    dti_strtab_init(&land->ids);
}

/* 0 set, 1 the id already has an area, -1 out of memory. */
static int land_set(dti_land *land, const char *id, dti_decimal km2)
{
    uint32_t index = dti_strtab_intern(&land->ids, id, strlen(id));
    if (index == UINT32_MAX)
        return -1;
    if (index >= land->cap) {
        size_t old = land->cap;
        if (dti_grow(&land->km2, &land->cap, (size_t)index + 1, sizeof *land->km2, 256) != 0)
            return -1;
        for (size_t i = old; i < land->cap; i++)
            land->km2[i] = (dti_decimal){0, -1};
    }
    if (land->km2[index].scale >= 0)
        return 1;
    land->km2[index] = km2;
    return 0;
}

/* Square metres, rounded to whole ones, as km2; refuses an absurdly large area. */
static dt_status land_set_m2(dti_land *land, const char *id, double m2, const char *path,
                             dt_error *err)
{
    dti_decimal km2;
    if (!(m2 < 1e17) || dti_decimal_from_micro((uint64_t)llround(m2), &km2) != 0)
        return dti_error_set(err, DT_ERR_FORMAT, path, 0,
                             "region %s: a land area of %.0f square metres is not a region's", id,
                             m2);
    if (land_set(land, id, km2) < 0)
        return dti_nomem(err);
    return DT_OK;
}

int dti_land_find(dti_land *land, const char *id, dti_decimal *km2)
{
    uint32_t index = dti_strtab_intern(&land->ids, id, strlen(id));
    if (index >= land->cap || land->km2[index].scale < 0)
        return -1;
    *km2 = land->km2[index];
    return 0;
}

dt_status dti_land_read_csv(dti_land *land, const char *path, dt_error *err)
{
    static const char *const names[] = {"geoid", "land_km2"};
    land_init(land);
    snprintf(land->source, sizeof land->source, "land_km2 of %s", path);
    dti_csv_table t;
    int col[2];
    dt_status status = dti_csv_table_read(&t, path, path, 0, err);
    if (status == DT_OK)
        status = dti_csv_table_require(&t, names, 2, col, "a land area file (geoid,land_km2)", err);
    for (size_t r = 0; status == DT_OK && r < t.nrows; r++) {
        dti_decimal km2; /* exactly as written, any number of decimals */
        status = dti_csv_table_exact(&t, r, col[1], &km2, err);
        const char *id = dti_csv_table_cell(&t, r, col[0]);
        int rc = status == DT_OK ? land_set(land, id, km2) : 0;
        if (rc < 0)
            status = dti_nomem(err);
        else if (rc > 0)
            status = dti_error_set(err, DT_ERR_FORMAT, t.path, t.lines[r],
                                   "region %s appears twice", id);
    }
    dti_csv_table_free(&t);
    if (status != DT_OK)
        dti_land_free(land);
    return status;
}

/* Twice the signed area of a closed ring, coordinates taken relative to its first point
 * (so large projected coordinates lose no precision). */
static double ring_area2(const double *x, const double *y, size_t n)
{
    double a = 0;
    for (size_t i = 0; i + 1 < n; i++)
        a += (x[i] - x[0]) * (y[i + 1] - y[0]) - (x[i + 1] - x[0]) * (y[i] - y[0]);
    return a;
}

/* Area of each region's polygons (exterior rings less holes) after projection. */
static dt_status areas_from_geometry(dti_land *land, dti_map_layer *ml, dt_error *err)
{
    dti_map_projection proj;
    dt_status status = dti_map_project(ml, NULL, DTI_LAYOUT_NONE, &proj, err);
    if (status != DT_OK)
        return status;
    double *area = calloc(ml->geo.region_count ? ml->geo.region_count : 1, sizeof *area);
    if (!area) {
        dti_map_projection_free(&proj);
        return dti_nomem(err);
    }
    for (size_t f = 0; f < ml->geo.feature_count; f++)
        for (size_t r = ml->geo.feature_ring[f]; r < ml->geo.feature_ring[f + 1]; r++) {
            size_t p = ml->geo.ring_point[r], n = ml->geo.ring_point[r + 1] - p;
            double a = fabs(ring_area2(ml->geo.x + p, ml->geo.y + p, n)) / 2;
            area[ml->geo.feature_region[f]] += ml->geo.ring_outer[r] ? a : -a;
        }
    /* the areas are doubles (projected coordinates, summed rings): rounded once, to whole
     * square metres, and exact from there on; holes larger than their ring give 0 */
    double unit2 = proj.meters_per_unit * proj.meters_per_unit;
    for (size_t r = 0; status == DT_OK && r < ml->geo.region_count; r++)
        status = land_set_m2(land, dti_strtab_get(&ml->geo.ids, (uint32_t)r),
                             area[r] > 0 ? area[r] * unit2 : 0, land->layer_path, err);
    snprintf(land->source, sizeof land->source,
             "the area of the polygons of %s (layer %s), projected to an %s (ALAND would leave "
             "out inland water; these areas include it)",
             land->layer_path, ml->layer_name, proj.description);
    free(area);
    dti_map_projection_free(&proj);
    return status;
}

dt_status dti_land_read_layer(dti_land *land, const char *path, const char *layer,
                              const char *id_field, dt_error *err)
{
    static const char *const fields[] = {"ALAND20", "ALAND"};
    land_init(land);
    snprintf(land->layer_path, sizeof land->layer_path, "%s", path);
    dti_map_layer ml;
    /* the layer and its id field first, so that a missing ALAND below means only that */
    dt_status status = dti_map_layer_read(&ml, path, layer, id_field, NULL, NULL, NULL, err);
    for (size_t i = 0; status == DT_OK && i < sizeof fields / sizeof *fields; i++) {
        dti_map_layer with;
        dt_error quiet = {0};
        if (dti_map_layer_read(&with, path, layer, id_field, fields[i], NULL, NULL, &quiet) !=
            DT_OK) {
            dti_map_layer_free(&with);
            continue;
        }
        for (size_t r = 0; status == DT_OK && r < with.geo.region_count; r++) {
            double v = with.values[r]; /* square metres: whole numbers in TIGER/Line, exact */
            if (!isnan(v) && v >= 0)
                status = land_set_m2(land, dti_strtab_get(&with.geo.ids, (uint32_t)r), v, path, err);
        }
        snprintf(land->source, sizeof land->source, "field %s of %s (layer %s)", fields[i], path,
                 with.layer_name);
        dti_map_layer_free(&with);
        dti_map_layer_free(&ml);
        if (status != DT_OK)
            dti_land_free(land);
        return status;
    }
    if (status == DT_OK)
        status = areas_from_geometry(land, &ml, err);
    dti_map_layer_free(&ml);
    if (status != DT_OK)
        dti_land_free(land);
    return status;
}
