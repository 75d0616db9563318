/* SPDX-License-Identifier: MIT */
/* Measured speeds from Ookla's open-data fixed tiles: reading and checking a
 * tile layer, the tile of a location, and splitting a tile's tests over
 * regions by its share of located locations or of its area. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

enum { TILE_DOWN, TILE_UP, TILE_TESTS, TILE_FIELDS };
static const char *const tile_fields[TILE_FIELDS] = {"avg_d_kbps", "avg_u_kbps", "tests"};

struct dti_tiles {
    char *display;
    GDALDatasetH dataset;
    OGRLayerH layer;
    int field[TILE_FIELDS];
    OGRSpatialReferenceH srs;                 /* the layer's CRS, longitude/latitude order */
    OGRCoordinateTransformationH from_lonlat; /* EPSG:4326 -> layer CRS; NULL when the same */
    size_t count, cap;
    double *minx, *miny, *maxx, *maxy;
    int64_t *down, *up, *tests; /* kbps, kbps, count */
    OGRGeometryH *shape;        /* tiles that are not axis-aligned rectangles; else NULL */
    dti_boxgrid index;
    int loaded;
};

/* ---- the tile layer ---- */

static OGRSpatialReferenceH lonlat_srs(int epsg)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs && OSRImportFromEPSG(srs, epsg) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    if (srs)
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

void dti_tiles_free(dti_tiles *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->shape && i < t->count; i++)
        if (t->shape[i])
            OGR_G_DestroyGeometry(t->shape[i]);
    free(t->shape);
    free(t->minx), free(t->miny), free(t->maxx), free(t->maxy);
    free(t->down), free(t->up), free(t->tests);
    dti_boxgrid_free(&t->index);
    if (t->from_lonlat)
        OCTDestroyCoordinateTransformation(t->from_lonlat);
    if (t->srs)
        OSRDestroySpatialReference(t->srs);
    if (t->dataset)
        GDALClose(t->dataset);
    free(t->display);
    free(t);
}

size_t dti_tiles_count(const dti_tiles *t) { return t ? t->count : 0; }

static dt_status open_layer(dti_tiles *t, const char *spec, dt_error *err)
{
    dti_layer l;
    dt_status status = dti_layer_open(spec, &l, err);
    t->dataset = l.dataset;
    t->layer = l.layer;
    free(l.display); /* the dataset is closed with the tiles */
    return status;
}

dti_tiles *dti_tiles_open(const char *spec, dt_error *err)
{
    dti_ogr_init();
    dti_tiles *t = calloc(1, sizeof *t);
    if (!t || !(t->display = strdup(spec))) {
        free(t);
        dti_nomem(err);
        return NULL;
    }
    dt_status status = open_layer(t, spec, err);
    OGRFeatureDefnH defn = status == DT_OK ? OGR_L_GetLayerDefn(t->layer) : NULL;
    for (int k = 0; defn && k < TILE_FIELDS && status == DT_OK; k++) {
        t->field[k] = OGR_FD_GetFieldIndex(defn, tile_fields[k]);
        OGRFieldType type =
            t->field[k] >= 0 ? OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, t->field[k])) : OFTInteger;
        if (t->field[k] < 0 ||
            (type != OFTInteger && type != OFTInteger64 && type != OFTReal && type != OFTString)) {
            char have[512] = "";
            for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++)
                snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", i ? ", " : "",
                         OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
            status = dti_error_set(err, DT_ERR_FORMAT, spec, 0,
                                   "not an Ookla fixed tile layer: %s field '%s' (needs "
                                   "avg_d_kbps, avg_u_kbps, tests; the layer has: %s)",
                                   t->field[k] < 0 ? "no" : "a non-numeric", tile_fields[k],
                                   have[0] ? have : "no fields");
        }
    }
    OGRSpatialReferenceH layer_srs = status == DT_OK ? OGR_L_GetSpatialRef(t->layer) : NULL;
    if (status == DT_OK && !layer_srs)
        status = dti_error_set(err, DT_ERR_CRS, spec, 0,
                               "the tile layer has no coordinate reference system (Ookla's "
                               "tiles are in EPSG:4326)");
    OGRSpatialReferenceH wgs84 = status == DT_OK ? lonlat_srs(4326) : NULL;
    if (status == DT_OK && (!wgs84 || !(t->srs = OSRClone(layer_srs))))
        status = dti_error_set(err, DT_ERR_CRS, spec, 0, "cannot set up EPSG:4326");
    if (status == DT_OK) {
        OSRSetAxisMappingStrategy(t->srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (!OSRIsSame(t->srs, wgs84) &&
            !(t->from_lonlat = OCTNewCoordinateTransformation(wgs84, t->srs)))
            status =
                dti_error_gdal(err, DT_ERR_CRS, spec,
                               "cannot transform longitude/latitude into the tile layer's CRS");
    }
    if (wgs84)
        OSRDestroySpatialReference(wgs84);
    if (status != DT_OK) {
        dti_tiles_free(t);
        return NULL;
    }
    return t;
}

/* A non-negative integral field value, or -1 with the reason in why. */
static int64_t count_field(OGRFeatureH f, int field, const char *name, char *why, size_t size)
{
    if (!OGR_F_IsFieldSetAndNotNull(f, field))
        return snprintf(why, size, "%s is empty", name), -1;
    const char *text = OGR_F_GetFieldAsString(f, field);
    double v = OGR_F_GetFieldAsDouble(f, field);
    uint64_t u;
    if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, field)) == OFTString) {
        if (dti_parse_u64(text, strlen(text), &u) != 0)
            return snprintf(why, size, "%s '%.40s' is not a whole number of 0 or more", name, text),
                   -1;
        return (int64_t)u;
    }
    if (!isfinite(v) || v < 0 || v != floor(v) || v > 1e15)
        return snprintf(why, size, "%s %.40s is not a whole number of 0 or more", name, text), -1;
    return (int64_t)v;
}

/* Append one feature; NULL why: good. -1 no memory. */
static int add_tile(dti_tiles *t, OGRFeatureH f, char *why, size_t size)
{
    int64_t v[TILE_FIELDS];
    for (int k = 0; k < TILE_FIELDS; k++)
        if ((v[k] = count_field(f, t->field[k], tile_fields[k], why, size)) < 0)
            return 0;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    OGRwkbGeometryType type = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
    if (!g || OGR_G_IsEmpty(g))
        return snprintf(why, size, "no tile polygon"), 0;
    if (type != wkbPolygon && type != wkbMultiPolygon)
        return snprintf(why, size, "a %s, not a tile polygon", OGRGeometryTypeToName(type)), 0;
    if (!dti_geometry_finite(g))
        return snprintf(why, size, "a tile polygon with a coordinate that is not a finite number"),
               0;
    void *const arrays[] = {&t->minx, &t->miny, &t->maxx,  &t->maxy,
                            &t->down, &t->up,   &t->tests, &t->shape};
    const size_t sizes[] = {sizeof *t->minx, sizeof *t->miny, sizeof *t->maxx,  sizeof *t->maxy,
                            sizeof *t->down, sizeof *t->up,   sizeof *t->tests, sizeof *t->shape};
    if (dti_grow_n(arrays, sizes, 8, &t->cap, t->count + 1, 1024) != 0)
        return -1;
    OGREnvelope env;
    OGR_G_GetEnvelope(g, &env);
    size_t i = t->count;
    t->minx[i] = env.MinX, t->miny[i] = env.MinY, t->maxx[i] = env.MaxX, t->maxy[i] = env.MaxY;
    t->down[i] = v[TILE_DOWN], t->up[i] = v[TILE_UP], t->tests[i] = v[TILE_TESTS];
    /* quadkey tiles are rectangles: keep only the others' shapes */
    double box = (env.MaxX - env.MinX) * (env.MaxY - env.MinY);
    int rect = type == wkbPolygon && OGR_G_GetGeometryCount(g) == 1 &&
               OGR_G_GetPointCount(OGR_G_GetGeometryRef(g, 0)) <= 5 &&
               fabs(OGR_G_Area(g) - box) <= 1e-9 * box;
    t->shape[i] = NULL;
    if (!rect && !(t->shape[i] = OGR_G_Clone(g)))
        return -1;
    t->count++;
    return 0;
}

dt_status dti_tiles_load(dti_tiles *t, const double *bbox, dt_error *err)
{
    if (bbox) {
        double b[4] = {bbox[0], bbox[1], bbox[2], bbox[3]};
        if (t->from_lonlat && !OCTTransformBounds(t->from_lonlat, bbox[0], bbox[1], bbox[2],
                                                  bbox[3], &b[0], &b[1], &b[2], &b[3], 21))
            return dti_error_gdal(err, DT_ERR_CRS, t->display,
                                  "cannot transform the locations' "
                                  "extent into the tile layer's CRS");
        OGR_L_SetSpatialFilterRect(t->layer, b[0], b[1], b[2], b[3]);
    }
    OGR_L_ResetReading(t->layer);
    OGRFeatureH f;
    size_t features = 0;
    dt_status status = DT_OK;
    while (status == DT_OK && (f = OGR_L_GetNextFeature(t->layer)) != NULL) {
        char why[256] = "";
        features++;
        int rc = add_tile(t, f, why, sizeof why);
        if (rc < 0)
            status = dti_nomem(err);
        else if (why[0])
            status = dti_error_set(err, DT_ERR_FORMAT, t->display, 0, "feature FID %lld: %s",
                                   (long long)OGR_F_GetFID(f), why);
        OGR_F_Destroy(f);
    }
    if (status == DT_OK && CPLGetLastErrorType() == CE_Failure && features == 0 &&
        CPLGetLastErrorMsg()[0])
        status = dti_error_gdal(err, DT_ERR_IO, t->display, "cannot read the tiles");
    if (status == DT_OK &&
        dti_boxgrid_build(&t->index, t->minx, t->miny, t->maxx, t->maxy, 1, t->count) != 0)
        status = dti_nomem(err);
    t->loaded = status == DT_OK;
    return status;
}

typedef struct point_query {
    const dti_tiles *tiles;
    double x, y;
    OGRGeometryH point; /* made only for a tile that is not a rectangle */
    uint32_t found;
} point_query;

/* Inside a tile that is not a rectangle (its edges included). */
static int in_shape(point_query *q, OGRGeometryH shape)
{
    if (!q->point && (q->point = OGR_G_CreateGeometry(wkbPoint)) != NULL)
        OGR_G_SetPoint_2D(q->point, 0, q->x, q->y);
    return q->point && OGR_G_Intersects(shape, q->point);
}

static int visit_point(uint32_t i, void *user)
{
    point_query *q = user;
    const dti_tiles *t = q->tiles;
    if (i >= q->found)
        return 0;
    if (t->shape[i]
            ? q->x >= t->minx[i] && q->x <= t->maxx[i] && q->y >= t->miny[i] &&
                  q->y <= t->maxy[i] && in_shape(q, t->shape[i])
            : q->x >= t->minx[i] && q->x < t->maxx[i] && q->y >= t->miny[i] && q->y < t->maxy[i])
        q->found = i; /* the lowest index wins where tiles overlap */
    return 0;
}

uint32_t dti_tiles_find(const dti_tiles *t, double lon, double lat)
{
    point_query q = {t, lon, lat, NULL, UINT32_MAX};
    if (!t->loaded)
        return UINT32_MAX;
    if (t->from_lonlat && !OCTTransform(t->from_lonlat, 1, &q.x, &q.y, NULL))
        return UINT32_MAX;
    dti_boxgrid_query(&t->index, q.x, q.y, q.x, q.y, visit_point, &q);
    if (q.point)
        OGR_G_DestroyGeometry(q.point);
    return q.found;
}

/* ---- shares of a tile's tests ---- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

dt_status dti_tiles_location_shares(size_t nlocations, const uint32_t *tile_of,
                                    const uint32_t *region_of, dti_tile_share **shares,
                                    size_t *count, dt_error *err)
{
    uint64_t *pairs = malloc((nlocations ? nlocations : 1) * sizeof *pairs);
    size_t n = 0;
    *shares = NULL;
    *count = 0;
    if (!pairs)
        return dti_nomem(err);
    for (size_t i = 0; i < nlocations; i++)
        if (tile_of[i] != UINT32_MAX && region_of[i] != UINT32_MAX)
            pairs[n++] = (uint64_t)tile_of[i] << 32 | region_of[i];
    qsort(pairs, n, sizeof *pairs, cmp_u64);
    *shares = malloc((n ? n : 1) * sizeof **shares);
    if (!*shares) {
        free(pairs);
        return dti_nomem(err);
    }
    for (size_t i = 0; i < n;) { /* one tile: pairs[i .. end) */
        size_t end = i;
        while (end < n && pairs[end] >> 32 == pairs[i] >> 32)
            end++;
        for (size_t j = i; j < end;) {
            size_t same = j;
            while (same < end && pairs[same] == pairs[j])
                same++;
            (*shares)[(*count)++] = (dti_tile_share){(uint32_t)(pairs[j] >> 32), (uint32_t)pairs[j],
                                                     (double)(same - j) / (double)(end - i)};
            j = same;
        }
        i = end;
    }
    free(pairs);
    return DT_OK;
}

static int cmp_share(const void *a, const void *b)
{
    const dti_tile_share *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    return x->tile < y->tile ? -1 : x->tile > y->tile;
}

void dti_tiles_measure(const dti_tiles *t, dti_tile_share *shares, size_t count, size_t nregions,
                       dti_measured *out)
{
    memset(out, 0, nregions * sizeof *out);
    qsort(shares, count, sizeof *shares, cmp_share);
    for (size_t k = 0; k < count; k++) {
        const dti_tile_share *s = &shares[k];
        if (s->region >= nregions || t->tests[s->tile] == 0)
            continue;
        double w = (double)t->tests[s->tile] * s->share;
        dti_measured *m = &out[s->region];
        m->tests += w;
        m->down_kbps += w * (double)t->down[s->tile];
        m->up_kbps += w * (double)t->up[s->tile];
        m->tiles++;
    }
}

/* A copy of g, densified and transformed by ct (NULL: none); NULL on failure. */
static OGRGeometryH equal_area_copy(OGRGeometryH g, OGRSpatialReferenceH from,
                                    OGRCoordinateTransformationH ct)
{
    OGRGeometryH copy = OGR_G_Clone(g);
    if (!copy)
        return NULL;
    /* straight edges stay close to the true lines once projected */
    OGR_G_Segmentize(copy, OSRIsGeographic(from) ? 0.01 : 1000.0);
    if (ct && OGR_G_Transform(copy, ct) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(copy);
        return NULL;
    }
    return copy;
}

static OGRGeometryH tile_polygon(const dti_tiles *t, size_t i)
{
    if (t->shape[i])
        return OGR_G_Clone(t->shape[i]);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGRGeometryH polygon = OGR_G_CreateGeometry(wkbPolygon);
    if (!ring || !polygon) {
        if (ring)
            OGR_G_DestroyGeometry(ring);
        if (polygon)
            OGR_G_DestroyGeometry(polygon);
        return NULL;
    }
    double x[] = {t->minx[i], t->maxx[i], t->maxx[i], t->minx[i], t->minx[i]};
    double y[] = {t->miny[i], t->miny[i], t->maxy[i], t->maxy[i], t->miny[i]};
    for (int k = 0; k < 5; k++)
        OGR_G_AddPoint_2D(ring, x[k], y[k]);
    OGR_G_AddGeometryDirectly(polygon, ring);
    return polygon;
}

typedef struct area_query {
    OGRGeometryH tile, *regions;
    double tile_area;
    uint32_t tile_index, *stamp;
    dti_tile_share *out;
    size_t count, cap;
} area_query;

static int visit_region(uint32_t r, void *user)
{
    area_query *q = user;
    if (q->stamp[r] == q->tile_index + 1 || !q->regions[r])
        return 0;
    q->stamp[r] = q->tile_index + 1;
    CPLErrorReset();
    OGRGeometryH both = OGR_G_Intersection(q->tile, q->regions[r]);
    if (!both)
        return CPLGetLastErrorType() == CE_Failure ? -2 : 0;
    double share = OGR_G_Area(both) / q->tile_area;
    OGR_G_DestroyGeometry(both);
    if (!(share > 1e-12))
        return 0;
    if (dti_grow(&q->out, &q->cap, q->count + 1, sizeof *q->out, 256) != 0)
        return -1;
    q->out[q->count++] = (dti_tile_share){q->tile_index, r, share > 1 ? 1 : share};
    return 0;
}

dt_status dti_tiles_area_shares(const dti_tiles *t, size_t nregions, const OGRGeometryH *geometries,
                                OGRSpatialReferenceH srs, dti_tile_share **shares, size_t *count,
                                dt_error *err)
{
    dt_status status = DT_OK;
    area_query q = {0};
    OGRSpatialReferenceH area_srs = lonlat_srs(6933); /* WGS 84 / NSIDC EASE-Grid 2.0 Global */
    OGRSpatialReferenceH region_srs = srs ? OSRClone(srs) : NULL;
    OGRCoordinateTransformationH tile_ct = NULL, region_ct = NULL;
    double *box = malloc((nregions ? nregions : 1) * 4 * sizeof *box);
    q.regions = calloc(nregions ? nregions : 1, sizeof *q.regions);
    q.stamp = calloc(nregions ? nregions : 1, sizeof *q.stamp);
    dti_boxgrid index = {0};
    *shares = NULL;
    *count = 0;
    if (!area_srs || !region_srs)
        status = dti_error_set(err, DT_ERR_CRS, NULL, 0, "no CRS for the area split");
    else if (!box || !q.regions || !q.stamp)
        status = dti_nomem(err);
    if (status == DT_OK) {
        OSRSetAxisMappingStrategy(region_srs, OAMS_TRADITIONAL_GIS_ORDER);
        tile_ct = OCTNewCoordinateTransformation(t->srs, area_srs);
        region_ct = OCTNewCoordinateTransformation(region_srs, area_srs);
        if (!tile_ct || !region_ct)
            status = dti_error_gdal(err, DT_ERR_CRS, t->display,
                                    "cannot transform into the equal-area EPSG:6933");
    }
    for (size_t r = 0; status == DT_OK && r < nregions; r++) {
        OGREnvelope env = {0, 0, 0, 0};
        if (geometries[r] &&
            !(q.regions[r] = equal_area_copy((OGRGeometryH)geometries[r], region_srs, region_ct)))
            status = dti_error_gdal(err, DT_ERR_CRS, NULL, "cannot project a region polygon");
        else if (q.regions[r])
            OGR_G_GetEnvelope(q.regions[r], &env);
        box[r] = env.MinX, box[nregions + r] = env.MinY;
        box[2 * nregions + r] = env.MaxX, box[3 * nregions + r] = env.MaxY;
    }
    if (status == DT_OK && dti_boxgrid_build(&index, box, box + nregions, box + 2 * nregions,
                                             box + 3 * nregions, 1, nregions) != 0)
        status = dti_nomem(err);
    for (size_t i = 0; status == DT_OK && i < t->count; i++) {
        OGRGeometryH plain = tile_polygon(t, i);
        q.tile = plain ? equal_area_copy(plain, t->srs, tile_ct) : NULL;
        if (plain)
            OGR_G_DestroyGeometry(plain);
        if (!q.tile) {
            status = dti_error_gdal(err, DT_ERR_CRS, t->display, "cannot project a tile");
            break;
        }
        OGREnvelope env;
        OGR_G_GetEnvelope(q.tile, &env);
        q.tile_area = OGR_G_Area(q.tile);
        q.tile_index = (uint32_t)i;
        int rc = q.tile_area > 0 ? dti_boxgrid_query(&index, env.MinX, env.MinY, env.MaxX, env.MaxY,
                                                     visit_region, &q)
                                 : 0;
        OGR_G_DestroyGeometry(q.tile);
        if (rc == -1)
            status = dti_nomem(err);
        else if (rc)
            status = dti_error_gdal(err, DT_ERR_FORMAT, t->display,
                                    "cannot intersect a tile with a region polygon");
    }
    for (size_t r = 0; q.regions && r < nregions; r++)
        if (q.regions[r])
            OGR_G_DestroyGeometry(q.regions[r]);
    if (tile_ct)
        OCTDestroyCoordinateTransformation(tile_ct);
    if (region_ct)
        OCTDestroyCoordinateTransformation(region_ct);
    if (area_srs)
        OSRDestroySpatialReference(area_srs);
    if (region_srs)
        OSRDestroySpatialReference(region_srs);
    dti_boxgrid_free(&index);
    free(box);
    free(q.regions);
    free(q.stamp);
    if (status != DT_OK) {
        free(q.out);
        return status;
    }
    *shares = q.out;
    *count = q.count;
    return DT_OK;
}

/* ---- the locations' coordinates ---- */

/* A number in [-limit, limit]: 0 ok, -1 bad, 1 empty. */
static int parse_degrees(const dti_field *f, double limit, double *v)
{
    char buf[64];
    if (f->len == 0)
        return 1;
    if (f->len >= sizeof buf)
        return -1;
    memcpy(buf, f->s, f->len);
    buf[f->len] = '\0';
    char *end;
    *v = strtod(buf, &end);
    if (end != buf + f->len || strpbrk(buf, "xXnNiI \t") || !isfinite(*v) || fabs(*v) > limit)
        return -1;
    return 0;
}

dt_status dti_fabric_coordinates(const dti_coverage *cov, const dti_inputs *fabric, double *lon,
                                 double *lat, size_t *located, dt_error *err)
{
    static const char *const names[] = {"location_id", "latitude", "longitude"};
    *located = 0;
    for (size_t i = 0; i < cov->location_count; i++)
        lon[i] = lat[i] = NAN;
    dt_status status = DT_OK;
    for (size_t k = 0; fabric && k < fabric->count && status == DT_OK; k++) {
        dti_csv *csv = dti_csv_open(fabric->paths[k], fabric->display[k], err);
        if (!csv)
            return err->status;
        int col[3], header_fields, n, rc;
        dti_field f[DTI_MAX_FIELDS];
        status = dti_csv_read_header(csv, names, 3, col, &header_fields,
                                     "location fabric (with latitude and longitude)", err);
        while (status == DT_OK && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) != 0) {
            if (rc < 0 && !dti_csv_bad_record(csv)) {
                status = err->status;
                break;
            }
            if (rc < 0 || n != header_fields)
                continue; /* the fabric reader has already judged such rows */
            uint32_t i = dti_coverage_find_location(cov, f[col[0]].s, f[col[0]].len);
            if (i == UINT32_MAX || !isnan(lon[i]))
                continue;
            double y, x;
            int bad_y = parse_degrees(&f[col[1]], 90, &y),
                bad_x = parse_degrees(&f[col[2]], 180, &x);
            if (bad_y < 0 || bad_x < 0) {
                const dti_field *bad = &f[col[bad_y < 0 ? 1 : 2]];
                status =
                    dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), dti_csv_line(csv),
                                  "%s '%.*s' is not a number of degrees (%s)",
                                  names[bad_y < 0 ? 1 : 2], (int)(bad->len < 40 ? bad->len : 40),
                                  bad->s, bad_y < 0 ? "-90 to 90" : "-180 to 180");
                break;
            }
            if (bad_y || bad_x)
                continue; /* no coordinates: left out of the measured speeds */
            lon[i] = x;
            lat[i] = y;
            ++*located;
        }
        dti_csv_close(csv);
    }
    return status;
}
