/* SPDX-License-Identifier: MIT */
/* A layer of region polygons: one reader into vertices, rings, features and region ids. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

void dti_region_layer_init(dti_region_layer *rl, int keep_geometry)
{
    memset(rl, 0, sizeof *rl);
    dti_strtab_init(&rl->ids);
    rl->keep_geometry = keep_geometry;
}

void dti_region_layer_free(dti_region_layer *rl)
{
    if (!rl)
        return;
    free(rl->x);
    free(rl->y);
    free(rl->ring_point);
    free(rl->ring_outer);
    free(rl->feature_ring);
    free(rl->feature_region);
    for (size_t r = 0; r < rl->region_count; r++) {
        if (rl->names)
            free(rl->names[r]);
        if (rl->geometry && rl->geometry[r])
            OGR_G_DestroyGeometry(rl->geometry[r]);
    }
    free(rl->names);
    free(rl->geometry);
    dti_strtab_free(&rl->ids);
    memset(rl, 0, sizeof *rl);
}

/* ---- geometry ---- */

/* Sum of the absolute areas of the fan of triangles from the first vertex: zero exactly when
 * every vertex lies on one line (a self-crossing "bow tie" has zero signed area, not this). */
static double ring_fan_area(const double *x, const double *y, size_t n)
{
    double a = 0;
    for (size_t i = 0; i + 1 < n; i++)
        a += fabs((x[i] - x[0]) * (y[i + 1] - y[0]) - (x[i + 1] - x[0]) * (y[i] - y[0]));
    return a / 2;
}

enum { ADDED = 0, DEGENERATE = 1, NOT_POLYGON = 2, NO_MEMORY = -1, TOO_MANY = -2 };

/* Append ring as a closed ring (its area to *area when area is not NULL and it is outer). */
static int add_ring(dti_region_layer *rl, OGRGeometryH ring, int outer, double *area)
{
    int n = OGR_G_GetPointCount(ring);
    size_t start = rl->point_count;
    if (n < 3)
        return DEGENERATE;
    if (start + (size_t)n + 1 >= UINT32_MAX)
        return TOO_MANY;
    void *const points[] = {&rl->x, &rl->y};
    const size_t point_size[] = {sizeof *rl->x, sizeof *rl->y};
    if (dti_grow_n(points, point_size, 2, &rl->point_cap, start + (size_t)n + 1, 256) != 0)
        return NO_MEMORY;
    double *x = rl->x + start, *y = rl->y + start;
    OGR_G_GetPoints(ring, x, sizeof(double), y, sizeof(double), NULL, 0);
    size_t count = (size_t)n;
    if (x[count - 1] != x[0] || y[count - 1] != y[0]) {
        x[count] = x[0];
        y[count] = y[0];
        count++;
    }
    if (count < 4)
        return DEGENERATE;
    void *const rings[] = {&rl->ring_point, &rl->ring_outer};
    const size_t ring_size[] = {sizeof *rl->ring_point, sizeof *rl->ring_outer};
    if (dti_grow_n(rings, ring_size, 2, &rl->ring_cap, rl->ring_count + 2, 256) != 0)
        return NO_MEMORY;
    if (area && outer)
        *area += ring_fan_area(x, y, count);
    rl->ring_outer[rl->ring_count] = (uint8_t)outer;
    rl->ring_point[rl->ring_count] = (uint32_t)start;
    rl->ring_point[++rl->ring_count] = (uint32_t)(start + count);
    rl->point_count = start + count;
    return ADDED;
}

/* The rings of a linear Polygon, MultiPolygon or collection of them; a hole follows its
 * exterior ring, and the holes of a degenerate exterior ring are left out with it.
 * *type: what is not a polygon. */
static int add_rings(dti_region_layer *rl, OGRGeometryH g, double *area, OGRwkbGeometryType *type)
{
    *type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (*type == wkbPolygon) {
        int rings = OGR_G_GetGeometryCount(g);
        for (int r = 0; r < rings; r++) {
            int added = add_ring(rl, OGR_G_GetGeometryRef(g, r), r == 0, area);
            if (added < 0)
                return added;
            if (added == DEGENERATE)
                rl->notes.bad_rings++;
            if (added == DEGENERATE && r == 0)
                break; /* no exterior: the holes mean nothing */
        }
        return ADDED;
    }
    if (*type != wkbMultiPolygon && *type != wkbGeometryCollection)
        return NOT_POLYGON;
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++) {
        int added = add_rings(rl, OGR_G_GetGeometryRef(g, i), area, type);
        if (added != ADDED)
            return added;
    }
    return ADDED;
}

/* Region of id, added (with its name and kept geometry slots) when new: *is_new. */
static dt_status intern_region(dti_region_layer *rl, const char *id, uint32_t *region, int *is_new,
                               dt_error *err)
{
    *region = dti_strtab_intern(&rl->ids, id, strlen(id));
    if (*region == UINT32_MAX)
        return dti_nomem(err);
    *is_new = *region == rl->region_count;
    if (!*is_new)
        return DT_OK;
    if (rl->keep_names || rl->keep_geometry) {
        void *const arrays[] = {&rl->names, &rl->geometry};
        const size_t sizes[] = {sizeof *rl->names, sizeof *rl->geometry};
        /* names first: with names only, the geometry array is not grown */
        int count = rl->keep_geometry ? 2 : 1;
        void *const geometry_only[] = {&rl->geometry};
        if (rl->keep_names
                ? dti_grow_n(arrays, sizes, count, &rl->region_cap, rl->region_count + 1, 256)
                : dti_grow_n(geometry_only, sizes + 1, 1, &rl->region_cap, rl->region_count + 1,
                             256))
            return dti_nomem(err);
    }
    if (rl->keep_names)
        rl->names[*region] = NULL;
    if (rl->keep_geometry)
        rl->geometry[*region] = NULL;
    rl->region_count++;
    if (rl->keep_geometry && !(rl->geometry[*region] = OGR_G_CreateGeometry(wkbMultiPolygon)))
        return dti_nomem(err);
    return DT_OK;
}

/* The polygons of g to the region's kept MultiPolygon. */
static dt_status keep_geometry(dti_region_layer *rl, uint32_t region, OGRGeometryH g, dt_error *err)
{
    OGRErr rc = OGRERR_NONE;
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPolygon)
        rc = OGR_G_AddGeometry(rl->geometry[region], g);
    else
        for (int k = 0; k < OGR_G_GetGeometryCount(g) && rc == OGRERR_NONE; k++)
            rc = OGR_G_AddGeometry(rl->geometry[region], OGR_G_GetGeometryRef(g, k));
    return rc == OGRERR_NONE ? DT_OK : dti_nomem(err);
}

/* The rings added since ring_start as one feature of region. */
static dt_status add_feature(dti_region_layer *rl, uint32_t region, size_t ring_start,
                             dt_error *err)
{
    void *const features[] = {&rl->feature_ring, &rl->feature_region};
    const size_t feature_size[] = {sizeof *rl->feature_ring, sizeof *rl->feature_region};
    if (dti_grow_n(features, feature_size, 2, &rl->feature_cap, rl->feature_count + 2, 256) != 0)
        return dti_nomem(err);
    rl->feature_region[rl->feature_count] = region;
    rl->feature_ring[rl->feature_count] = (uint32_t)ring_start;
    rl->feature_ring[++rl->feature_count] = (uint32_t)rl->ring_count;
    return DT_OK;
}

static dt_status rings_status(int added, OGRwkbGeometryType type, dt_error *err)
{
    if (added == NO_MEMORY)
        return dti_nomem(err);
    if (added == TOO_MANY)
        return dti_error_set(err, DT_ERR_FORMAT, NULL, 0, "more than %u polygon vertices",
                             UINT32_MAX - 1);
    if (added == NOT_POLYGON)
        return dti_error_set(err, DT_ERR_FORMAT, NULL, 0, "a %s is not a polygon",
                             OGRGeometryTypeToName(type));
    return DT_OK;
}

dt_status dti_region_layer_add(dti_region_layer *rl, const char *id, OGRGeometryH g, dt_error *err)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type != wkbPolygon && type != wkbMultiPolygon)
        return rings_status(NOT_POLYGON, type, err);
    uint32_t region;
    int is_new;
    size_t ring_start = rl->ring_count;
    dt_status status = intern_region(rl, id, &region, &is_new, err);
    if (status == DT_OK && rl->keep_geometry)
        status = keep_geometry(rl, region, g, err);
    if (status == DT_OK)
        status = rings_status(add_rings(rl, g, NULL, &type), type, err);
    if (status == DT_OK)
        status = add_feature(rl, region, ring_start, err);
    return status;
}

/* ---- fields ---- */

int dti_region_id_field(OGRFeatureDefnH defn, const char *id_field)
{
    if (id_field)
        return OGR_FD_GetFieldIndex(defn, id_field);
    static const char *const names[] = {"GEOID", "GEOID20", "GEOID10", "geoid"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int index = OGR_FD_GetFieldIndex(defn, names[i]);
        if (index >= 0)
            return index;
    }
    return -1;
}

const char *const dti_region_name_fields[] = {"NAMELSAD", "NAMELSAD20", "NAME",
                                              "NAME20",   "name",       NULL};

int dti_region_name_field(OGRFeatureDefnH defn)
{
    for (int i = 0; dti_region_name_fields[i]; i++) {
        int index = OGR_FD_GetFieldIndex(defn, dti_region_name_fields[i]);
        if (index >= 0)
            return index;
    }
    return -1;
}

/* ---- reading ---- */

static int have_geos(void)
{
#if defined(GDAL_VERSION_NUM) && GDAL_VERSION_NUM >= 3040000
    int major, minor, patch;
    return OGRGetGEOSVersion(&major, &minor, &patch) ? 1 : 0;
#else
    return 1;
#endif
}

static void remember(int64_t *fids, size_t count, int64_t fid)
{
    if (count <= 8)
        fids[count - 1] = fid;
}

/* Polygons only, from what MakeValid returns (it may add lines or points). */
static OGRGeometryH polygons_of(OGRGeometryH g)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type == wkbPolygon || type == wkbMultiPolygon)
        return OGR_G_Clone(g);
    OGRGeometryH out = OGR_G_CreateGeometry(wkbMultiPolygon);
    if (type == wkbGeometryCollection && out)
        for (int k = 0; k < OGR_G_GetGeometryCount(g); k++) {
            OGRGeometryH part = OGR_G_GetGeometryRef(g, k);
            OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(part));
            if (t == wkbPolygon)
                OGR_G_AddGeometry(out, part);
            else if (t == wkbMultiPolygon)
                for (int j = 0; j < OGR_G_GetGeometryCount(part); j++)
                    OGR_G_AddGeometry(out, OGR_G_GetGeometryRef(part, j));
        }
    return out;
}

/* One feature being read: its names for messages and the geometry it owns. */
typedef struct feature_read {
    const dti_region_read *how;
    long long fid;
    const char *id;
    OGRGeometryH owned; /* linearized or repaired */
} feature_read;

/* A message about the feature: "feature FID (id ID)" where features must carry an id, else
 * "region ID" (the id may be the feature id). */
static dt_status feature_error(const feature_read *fr, const char *what, dt_error *err)
{
    if (fr->how->id_required)
        return dti_error_set(err, DT_ERR_FORMAT, fr->how->display, 0, "feature %lld (id %s)%s",
                             fr->fid, fr->id, what);
    return dti_error_set(err, DT_ERR_FORMAT, fr->how->display, 0, "region %s%s", fr->id, what);
}

/* Linear and, when repairing, valid polygons of the feature's geometry g: *out. */
static dt_status linear_valid(dti_region_layer *rl, feature_read *fr, OGRGeometryH g,
                              OGRGeometryH *out, dt_error *err)
{
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        g = fr->owned = OGR_G_GetLinearGeometry(g, 0, NULL);
        if (!g)
            return fr->how->id_required ? dti_nomem(err)
                                        : dti_error_gdal(err, DT_ERR_FORMAT, fr->how->display,
                                                         "cannot linearize a curve");
    }
    *out = g;
    if (!fr->how->repair || !rl->notes.validity_checked || OGR_G_IsValid(g))
        return DT_OK;
    OGRGeometryH fixed = OGR_G_MakeValid(g);
    OGRGeometryH polygons = fixed ? polygons_of(fixed) : NULL;
    if (fixed)
        OGR_G_DestroyGeometry(fixed);
    if (!polygons || OGR_G_IsEmpty(polygons)) {
        if (polygons)
            OGR_G_DestroyGeometry(polygons);
        return dti_error_gdal(err, DT_ERR_FORMAT, fr->how->display,
                              CPLSPrintf("feature %lld (id %s) has an invalid geometry that "
                                         "MakeValid cannot repair into polygons",
                                         fr->fid, fr->id));
    }
    if (fr->owned)
        OGR_G_DestroyGeometry(fr->owned);
    *out = fr->owned = polygons;
    remember(rl->notes.repaired_fids, ++rl->notes.repaired, fr->fid);
    return DT_OK;
}

/* A feature left out: empty, or of zero area. */
static void skip_feature(dti_region_layer *rl, const char *id, int empty)
{
    if (empty)
        rl->notes.empty++;
    else
        rl->notes.zero_area++;
    if (!rl->notes.first_skipped[0])
        snprintf(rl->notes.first_skipped, sizeof rl->notes.first_skipped, "%s", id);
}

/* One feature f into rl. */
static dt_status read_feature(dti_region_layer *rl, feature_read *fr, OGRFeatureH f, int name_index,
                              GIntBig total, dt_error *err)
{
    const dti_region_read *how = fr->how;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g)) {
        remember(rl->notes.empty_fids, rl->notes.empty + 1, fr->fid);
        skip_feature(rl, fr->id, 1);
        return DT_OK;
    }
    if (!dti_geometry_finite(g))
        return feature_error(fr, " has a coordinate that is not a finite number", err);
    OGRGeometryH shape = g;
    dt_status status = linear_valid(rl, fr, g, &shape, err);
    if (status != DT_OK)
        return status;
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(shape));
    if (how->id_required && type != wkbPolygon && type != wkbMultiPolygon) {
        char what[128];
        snprintf(what, sizeof what, ": a %s is not a polygon", OGRGeometryTypeToName(type));
        return feature_error(fr, what, err);
    }
    size_t ring_start = rl->ring_count, point_start = rl->point_count;
    double area = 0;
    int added = add_rings(rl, shape, how->skip_zero_area ? &area : NULL, &type);
    if (added == NOT_POLYGON) {
        char what[160];
        snprintf(what, sizeof what,
                 ": its geometry is a %s, not a polygon (a map needs a polygon layer)",
                 OGRGeometryTypeToName(type));
        return feature_error(fr, what, err);
    }
    if (added != ADDED)
        return rings_status(added, type, err);
    if (how->skip_zero_area && !(area > 0)) { /* nothing to draw: roll its rings back */
        rl->ring_count = ring_start;
        rl->point_count = point_start;
        skip_feature(rl, fr->id, 0);
        return DT_OK;
    }
    /* GEOS's check costs ~20 us a polygon: affordable up to county-sized layers */
    if (!how->repair && total > 0 && total <= 50000 && !OGR_G_IsValid(g) &&
        rl->notes.invalid++ == 0)
        snprintf(rl->notes.first_invalid, sizeof rl->notes.first_invalid, "%s", fr->id);
    uint32_t region;
    int is_new = 0; /* set by intern_region when it succeeds */
    status = intern_region(rl, fr->id, &region, &is_new, err);
    if (status == DT_OK && rl->keep_geometry)
        status = keep_geometry(rl, region, shape, err);
    if (status == DT_OK)
        status = add_feature(rl, region, ring_start, err);
    if (status == DT_OK && is_new && rl->keep_names) {
        const char *name =
            OGR_F_IsFieldSetAndNotNull(f, name_index) ? OGR_F_GetFieldAsString(f, name_index) : "";
        if (name[0] && !(rl->names[region] = strdup(name)))
            status = dti_nomem(err);
    }
    if (status == DT_OK && is_new && how->new_region)
        status = how->new_region(f, region, fr->id, how->region_user, err);
    return status;
}

dt_status dti_region_layer_read(dti_region_layer *rl, const dti_layer *layer,
                                const dti_region_read *how, dt_error *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer->layer);
    int name_index = how->names ? dti_region_name_field(defn) : -1;
    rl->keep_names = name_index >= 0;
    enum { MAX_READ = 8 };
    int fields[MAX_READ] = {how->id_index, name_index}, count = 2;
    for (int i = 0; i < how->field_count && count < MAX_READ; i++)
        fields[count++] = how->fields[i];
    dti_layer_read_only(layer, fields, count, 1);
    rl->notes.validity_checked = how->repair ? have_geos() : 0;
    GIntBig total = !how->repair || how->progress ? OGR_L_GetFeatureCount(layer->layer, FALSE) : 0;
    OGR_L_ResetReading(layer->layer);
    CPLErrorReset();
    dt_status status = DT_OK;
    char fid_text[32];
    OGRFeatureH f;
    while (status == DT_OK && (f = OGR_L_GetNextFeature(layer->layer)) != NULL) {
        feature_read fr = {how, (long long)OGR_F_GetFID(f), fid_text, NULL};
        rl->notes.features++;
        if (how->id_index < 0)
            snprintf(fid_text, sizeof fid_text, "%lld", fr.fid);
        else if (how->id_required && (!OGR_F_IsFieldSetAndNotNull(f, how->id_index) ||
                                      !*OGR_F_GetFieldAsString(f, how->id_index)))
            status = dti_error_set(err, DT_ERR_FORMAT, how->display, 0,
                                   "feature %lld has no value in the id field", fr.fid);
        else
            fr.id = OGR_F_GetFieldAsString(f, how->id_index);
        if (status == DT_OK)
            status = read_feature(rl, &fr, f, name_index, total, err);
        if (fr.owned)
            OGR_G_DestroyGeometry(fr.owned);
        OGR_F_Destroy(f);
        if (status == DT_OK && how->progress && total > 0 && (rl->feature_count & 4095) == 0 &&
            !how->progress(0.4 * (double)rl->feature_count / (double)total, "reading regions",
                           how->user))
            status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    }
    return status;
}
