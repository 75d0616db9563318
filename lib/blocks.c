/* SPDX-License-Identifier: MIT */
/* Census blocks from TIGER/Line 2020 tabblock20 layers: GEOID, areas, internal point, counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>

#include "internal.h"

/* The fields SPEC.md names; nothing else is read. */
enum { F_GEOID, F_ALAND, F_AWATER, F_LAT, F_LON, F_HOUSING, F_POP, NFIELDS };
static const char *const field_names[NFIELDS] = {
    "GEOID20", "ALAND20", "AWATER20", "INTPTLAT20", "INTPTLON20", "HOUSING20", "POP20"};
static const char layer_what[] = "TIGER/Line block layer (tl_2020_SS_tabblock20)";

void dti_blocks_free(dti_blocks *b)
{
    if (!b)
        return;
    free(b->geoids);
    free(b->lon);
    free(b->lat);
    free(b->aland);
    free(b->awater);
    free(b->housing);
    free(b->pop);
    free(b->area);
    dti_u64map_free(&b->index);
    for (size_t s = 0; s < b->source_count; s++) {
        free(b->sources[s]);
        if (b->layer_srs[s])
            OSRDestroySpatialReference(b->layer_srs[s]);
        if (b->point_srs[s])
            OSRDestroySpatialReference(b->point_srs[s]);
    }
    free(b->sources);
    free(b->source_end);
    free(b->layer_srs);
    free(b->point_srs);
    memset(b, 0, sizeof *b);
}

uint32_t dti_blocks_find(const dti_blocks *b, uint64_t geoid)
{
    return b->count ? dti_u64map_get(&b->index, geoid) : UINT32_MAX;
}

/* Room for need blocks. */
static int reserve(dti_blocks *b, size_t need)
{
    void *const arrays[] = {&b->geoids, &b->lon,     &b->lat, &b->aland,
                            &b->awater, &b->housing, &b->pop, &b->area};
    const size_t sizes[] = {sizeof *b->geoids, sizeof *b->lon,     sizeof *b->lat, sizeof *b->aland,
                            sizeof *b->awater, sizeof *b->housing, sizeof *b->pop, sizeof *b->area};
    return dti_grow_n(arrays, sizes, 8, &b->cap, need, 1 << 14);
}

/* A feature of the layer: through OGR, or a row of the GeoPackage's table read with SQLite
 * (columns: the FID, then field k of the enum at k + 1, UR20 at NFIELDS + 1), which holds
 * only values OGR's GeoPackage driver reads the same way (gpkg_row_fits). */
typedef struct feature {
    OGRFeatureH f; /* NULL: a GeoPackage row */
    sqlite3_stmt *row;
    const int *col; /* the OGR field of each of ours */
} feature;

static int is_set(const feature *x, int k)
{
    return x->f ? OGR_F_IsFieldSetAndNotNull(x->f, x->col[k])
                : sqlite3_column_type(x->row, k + 1) != SQLITE_NULL;
}

static const char *as_string(const feature *x, int k)
{
    if (x->f)
        return OGR_F_GetFieldAsString(x->f, x->col[k]);
    const char *s = (const char *)sqlite3_column_text(x->row, k + 1);
    return s ? s : "";
}

static int64_t as_int64(const feature *x, int k)
{
    return x->f ? OGR_F_GetFieldAsInteger64(x->f, x->col[k]) : sqlite3_column_int64(x->row, k + 1);
}

static double as_double(const feature *x, int k)
{
    return x->f ? OGR_F_GetFieldAsDouble(x->f, x->col[k]) : sqlite3_column_double(x->row, k + 1);
}

static GIntBig fid_of(const feature *x)
{
    return x->f ? OGR_F_GetFID(x->f) : (GIntBig)sqlite3_column_int64(x->row, 0);
}

/* TIGER writes internal points as signed text with 7 decimals ('+38.1234567',
 * '-098.7654321'). Accept that and plain decimals; nothing else. */
static int parse_degrees(const char *text, double limit, double *value)
{
    return dti_parse_double(text, strlen(text), value) == 0 && fabs(*value) <= limit ? 0 : -1;
}

/* A non-negative whole number from an integer, real or text field (type: the field's). */
static int parse_count(const feature *x, int field, OGRFieldType type, int64_t *value)
{
    if (!is_set(x, field))
        return -1;
    if (type == OFTInteger || type == OFTInteger64) {
        *value = as_int64(x, field);
    } else if (type == OFTReal) {
        double d = as_double(x, field);
        if (!(d >= 0 && d < 9e15 && d == floor(d)))
            return -1;
        *value = (int64_t)d;
    } else {
        const char *s = as_string(x, field);
        uint64_t u;
        if (dti_parse_u64(s, strlen(s), &u) != 0)
            return -1;
        *value = (int64_t)u;
    }
    return *value >= 0 ? 0 : -1;
}

/* GEOID20 as 15 digits of text; a number field would have lost a leading 0. */
static int parse_geoid(const feature *x, int field, uint64_t *geoid)
{
    const char *s = as_string(x, field);
    return strlen(s) == 15 && dti_parse_u64(s, 15, geoid) == 0 ? 0 : -1;
}

/* An error naming the feature, its GEOID when known (UINT64_MAX: not), the field and its value. */
static dt_status bad_feature(dt_error *err, const dti_layer *layer, const feature *x,
                             uint64_t geoid, int field, const char *what)
{
    char text[24], *geoid_text = NULL;
    if (geoid != UINT64_MAX)
        snprintf(geoid_text = text, sizeof text, "%015llu", (unsigned long long)geoid);
    const char *value = is_set(x, field) ? as_string(x, field) : "(null)";
    return dti_error_set(err, DT_ERR_FORMAT, layer->display, 0,
                         "feature %lld%s%s%s: %s '%s' is not %s", (long long)fid_of(x),
                         geoid_text ? " (GEOID20 " : "", geoid_text ? geoid_text : "",
                         geoid_text ? ")" : "", field_names[field], value, what);
}

/* Features read but not yet in the GEOID index: their values are in place at b->count on, and
 * they go into the index a batch at a time, each slot fetched ahead (a million blocks, one
 * cache miss after another, otherwise). */
#define FEATURE_BATCH 256
#define FEATURE_AHEAD 16
typedef struct pending {
    size_t n;
    GIntBig fid[FEATURE_BATCH];
} pending;

/* The pending features into the index, in order: an error for the first whose block is there
 * already. */
static dt_status index_pending(dti_blocks *b, const dti_layer *layer, pending *q, size_t source,
                               dt_error *err)
{
    for (size_t j = 0; j < q->n; j++) {
        if (j + FEATURE_AHEAD < q->n)
            dti_u64map_prefetch(&b->index, b->geoids[b->count + FEATURE_AHEAD]);
        uint64_t geoid = b->geoids[b->count];
        int inserted;
        uint32_t *slot = dti_u64map_put(&b->index, geoid, (uint32_t)b->count, &inserted);
        if (!slot)
            return dti_nomem(err);
        if (!inserted) {
            size_t first = 0;
            while (b->source_end[first] <= *slot && first < source)
                first++;
            return dti_error_set(err, DT_ERR_FORMAT, layer->display, 0,
                                 "feature %lld: block %015llu is already in %s: a layer given "
                                 "twice, or overlapping extracts?",
                                 (long long)q->fid[j], (unsigned long long)geoid,
                                 b->sources[first]);
        }
        b->count++;
    }
    q->n = 0;
    return DT_OK;
}

static dt_status read_feature(dti_blocks *b, const dti_layer *layer, const OGRFieldType *types,
                              const feature *x, size_t source, pending *q, dt_error *err)
{
    dt_status status;
    if (q->n == FEATURE_BATCH && (status = index_pending(b, layer, q, source, err)) != DT_OK)
        return status;
    uint64_t geoid;
    /* a bad field comes after every earlier feature's block is checked */
    if (parse_geoid(x, F_GEOID, &geoid) != 0)
        return (status = index_pending(b, layer, q, source, err)) != DT_OK
                   ? status
                   : bad_feature(err, layer, x, UINT64_MAX, F_GEOID,
                                 "a 15-digit block GEOID (a number field loses the leading 0 of "
                                 "states 01-09)");
    double lat, lon;
    int bad = -1; /* the field that is bad */
    const char *what = NULL;
    if (!is_set(x, F_LAT) || parse_degrees(as_string(x, F_LAT), 90, &lat) != 0)
        bad = F_LAT, what = "a latitude such as +38.1234567";
    else if (!is_set(x, F_LON) || parse_degrees(as_string(x, F_LON), 180, &lon) != 0)
        bad = F_LON, what = "a longitude such as -098.7654321";
    int64_t v[NFIELDS];
    for (int k = F_ALAND; bad < 0 && k < NFIELDS; k++) {
        if (k == F_LAT || k == F_LON)
            continue;
        if (parse_count(x, k, types[k], &v[k]) != 0 ||
            ((k == F_HOUSING || k == F_POP) && v[k] > (int64_t)UINT32_MAX))
            bad = k, what = "a whole number >= 0";
    }
    if (bad >= 0)
        return (status = index_pending(b, layer, q, source, err)) != DT_OK
                   ? status
                   : bad_feature(err, layer, x, geoid, bad, what);
    /* in place after the pending ones (b->count + q->n), indexed with them */
    size_t i = b->count + q->n;
    if (reserve(b, i + 1) != 0)
        return dti_nomem(err);
    q->fid[q->n++] = fid_of(x);
    b->geoids[i] = geoid;
    b->lat[i] = lat;
    b->lon[i] = lon;
    b->aland[i] = v[F_ALAND];
    b->awater[i] = v[F_AWATER];
    b->housing[i] = (uint32_t)v[F_HOUSING];
    b->pop[i] = (uint32_t)v[F_POP];
    /* UR20 (optional): U urban, R rural, anything else unknown */
    const char *ur = x->col[NFIELDS] >= 0 && is_set(x, NFIELDS) ? as_string(x, NFIELDS) : "";
    b->area[i] = strcmp(ur, "U") == 0 ? 1 : strcmp(ur, "R") == 0 ? 2 : 0;
    b->with_area += b->area[i] != 0;
    return DT_OK;
}

/* One more feature read: progress every 65,536 of them; DT_ERR_CANCEL when cancelled. */
static dt_status count_feature(size_t *done, GIntBig total, const dti_layer *layer,
                               dt_progress_fn progress, void *user, dt_error *err)
{
    if ((++*done & 0xffff) == 0 && progress && total > 0 &&
        !progress((double)*done / (double)total, layer->display, user))
        return dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    return DT_OK;
}

/* Where a layer is not read with SQLite: 0 (read it through OGR), or with
 * DIALTONE_GPKG=sqlite-only (tests) 1 with an error saying why. */
static int not_sqlite(int only, const dti_layer *layer, dt_status *status, dt_error *err,
                      const char *why)
{
    if (only)
        *status = dti_error_set(err, DT_ERR_INTERNAL, layer->display, 0,
                                "not read through SQLite (DIALTONE_GPKG=sqlite-only): %s", why);
    return only;
}

/* Whether OGR's GeoPackage driver reads each of the row's values as SQLite's column functions
 * give it: a text in a text field, an integer in an integer field (in range for a 32-bit one),
 * or null. Any other (a text in an integer column, a real, a blob) sends the layer to OGR. */
static int gpkg_row_fits(sqlite3_stmt *row, const OGRFieldType *types, int with_ur)
{
    for (int k = 0; k < NFIELDS + with_ur; k++) {
        int t = sqlite3_column_type(row, k + 1);
        OGRFieldType type = k < NFIELDS ? types[k] : OFTString;
        if (t == SQLITE_NULL || (type == OFTString && t == SQLITE_TEXT) ||
            (type == OFTInteger64 && t == SQLITE_INTEGER))
            continue;
        if (type == OFTInteger && t == SQLITE_INTEGER) {
            sqlite3_int64 v = sqlite3_column_int64(row, k + 1);
            if (v >= INT32_MIN && v <= INT32_MAX)
                continue;
        }
        return 0;
    }
    return 1;
}

/* The GEOID index holding the blocks before `count` only (a source read again through OGR). */
static int index_again(dti_blocks *b, size_t count)
{
    dti_u64map_free(&b->index);
    if (dti_u64map_init(&b->index, count > (1 << 16) ? count : 1 << 16) != 0)
        return -1;
    int inserted;
    for (size_t i = 0; i < count; i++)
        if (!dti_u64map_put(&b->index, b->geoids[i], (uint32_t)i, &inserted))
            return -1;
    b->count = count;
    return 0;
}

/* A GeoPackage layer's table read with SQLite itself, without building an OGR feature per row
 * (half the CPU of reading a million blocks): only from a plain file, a layer whose fields are
 * text (GEOID20, the internal point, UR20) or integer or text (the counts), and rows whose
 * values OGR would read the same way (gpkg_row_fits); else, from the first row that is not,
 * the layer goes to OGR from its start. DIALTONE_GPKG=ogr: every layer through OGR;
 * DIALTONE_GPKG=sqlite-only (tests): an error where a layer would go to OGR. 1 read (*status
 * says how), 0 not (read it through OGR). */
static int read_gpkg(dti_blocks *b, size_t s, const dti_layer *layer, const int *col,
                     const OGRFieldType *types, pending *q, dt_progress_fn progress, void *user,
                     GIntBig total, dt_status *status, dt_error *err)
{
    const char *mode = dti_config_option("DIALTONE_GPKG", "sqlite");
    if (strcmp(mode, "ogr") == 0)
        return 0;
    int only = strcmp(mode, "sqlite-only") == 0;
    GDALDriverH driver = GDALGetDatasetDriver(layer->dataset);
    const char *path = GDALGetDescription(layer->dataset), *fid = OGR_L_GetFIDColumn(layer->layer);
    VSIStatBufL st;
    if (!driver || strcmp(GDALGetDriverShortName(driver), "GPKG") != 0 ||
        strncmp(path, "/vsi", 4) == 0 || VSIStatL(path, &st) != 0 || !VSI_ISREG(st.st_mode) ||
        !fid || !*fid)
        return not_sqlite(only, layer, status, err, "not a GeoPackage file with a FID column");
    for (int k = 0; k < NFIELDS; k++) {
        int text = k == F_GEOID || k == F_LAT || k == F_LON;
        if (text ? types[k] != OFTString
                 : types[k] != OFTInteger && types[k] != OFTInteger64 && types[k] != OFTString)
            return not_sqlite(only, layer, status, err, "a field of another type");
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer->layer);
    int with_ur = col[NFIELDS] >= 0;
    if (with_ur && OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, col[NFIELDS])) != OFTString)
        return not_sqlite(only, layer, status, err, "a field of another type");
    /* SELECT "fid", "GEOID20", ... FROM "table" ORDER BY "fid": names quoted, " doubled */
    char *sql = sqlite3_mprintf("SELECT \"%w\"", fid);
    for (int k = 0; sql && k < NFIELDS + with_ur; k++) {
        char *more = sqlite3_mprintf("%s, \"%w\"", sql,
                                     OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, col[k])));
        sqlite3_free(sql);
        sql = more;
    }
    if (sql) {
        char *more = sqlite3_mprintf("%s FROM \"%w\" ORDER BY \"%w\"", sql,
                                     OGR_L_GetName(layer->layer), fid);
        sqlite3_free(sql);
        sql = more;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *row = NULL;
    if (!sql ||
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &row, NULL) != SQLITE_OK) {
        sqlite3_free(sql);
        sqlite3_close(db);
        /* OGR says why, if anything is wrong */
        return not_sqlite(only, layer, status, err, "SQLite cannot read its table");
    }
    sqlite3_free(sql);
    size_t start = b->count, done = 0;
    feature x = {NULL, row, col};
    int rc, taken = 1;
    while (*status == DT_OK && (rc = sqlite3_step(row)) == SQLITE_ROW) {
        if (!gpkg_row_fits(row, types, with_ur)) {
            q->n = 0;
            if (only) {
                char why[96];
                snprintf(why, sizeof why, "feature %lld holds a value OGR reads otherwise",
                         (long long)sqlite3_column_int64(row, 0));
                not_sqlite(only, layer, status, err, why);
            } else if (index_again(b, start) != 0)
                *status = dti_nomem(err);
            else
                taken = 0;
            break;
        }
        *status = read_feature(b, layer, types, &x, s, q, err);
        if (*status == DT_OK)
            *status = count_feature(&done, total, layer, progress, user, err);
    }
    if (taken && *status == DT_OK && rc != SQLITE_DONE)
        *status = dti_error_set(err, DT_ERR_IO, layer->display, 0, "reading failed: %s",
                                sqlite3_errmsg(db));
    sqlite3_finalize(row);
    sqlite3_close(db);
    return taken;
}

static dt_status read_source(dti_blocks *b, size_t s, dt_progress_fn progress, void *user,
                             dt_error *err)
{
    dti_layer layer;
    dt_status status = dti_layer_open(b->sources[s], &layer, err);
    if (status != DT_OK)
        return status;
    int col[NFIELDS + 1];
    status = dti_layer_fields(&layer, field_names, NFIELDS, col, layer_what, err);
    col[NFIELDS] = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer.layer), "UR20");
    if (status == DT_OK)
        status = dti_layer_srs(&layer, &b->layer_srs[s], err);
    if (status == DT_OK) {
        /* TIGER's internal points are longitude/latitude in the layer's
         * geographic CRS (NAD83), even when the polygons were reprojected. */
        b->point_srs[s] = OSRCloneGeogCS(b->layer_srs[s]);
        if (!b->point_srs[s])
            status = dti_error_gdal(err, DT_ERR_CRS, layer.display,
                                    "no geographic CRS under the layer's CRS");
        else
            OSRSetAxisMappingStrategy(b->point_srs[s], OAMS_TRADITIONAL_GIS_ORDER);
    }
    if (status != DT_OK) {
        dti_layer_close(&layer);
        return status;
    }
    dti_layer_read_only(&layer, col, NFIELDS + 1, 0);
    OGRFieldType types[NFIELDS];
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer.layer);
    for (int k = 0; k < NFIELDS; k++)
        types[k] = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, col[k]));
    GIntBig total = OGR_L_GetFeatureCount(layer.layer, FALSE);
    /* the index sized for the layer at once (no rehash of a growing table) */
    if (b->count == 0 && total > (1 << 16)) {
        dti_u64map_free(&b->index);
        if (dti_u64map_init(&b->index, (size_t)total) != 0) {
            dti_layer_close(&layer);
            return dti_nomem(err);
        }
    }
    pending q = {0};
    int through_ogr = !read_gpkg(b, s, &layer, col, types, &q, progress, user, total, &status, err);
    if (through_ogr) {
        OGR_L_ResetReading(layer.layer);
        CPLErrorReset();
        OGRFeatureH f;
        size_t done = 0;
        while (status == DT_OK && (f = OGR_L_GetNextFeature(layer.layer)) != NULL) {
            feature x = {f, NULL, col};
            status = read_feature(b, &layer, types, &x, s, &q, err);
            OGR_F_Destroy(f);
            if (status == DT_OK)
                status = count_feature(&done, total, &layer, progress, user, err);
        }
    }
    if (status == DT_OK)
        status = index_pending(b, &layer, &q, s, err);
    if (through_ogr && status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
        status = dti_error_gdal(err, DT_ERR_IO, layer.display, "reading failed");
    b->source_end[s] = b->count;
    dti_layer_close(&layer);
    return status;
}

dt_status dti_blocks_read(dti_blocks *b, char *const *specs, size_t count, dt_progress_fn progress,
                          void *user, dt_error *err)
{
    memset(b, 0, sizeof *b);
    dti_ogr_init();
    b->sources = calloc(count ? count : 1, sizeof *b->sources);
    b->source_end = calloc(count ? count : 1, sizeof *b->source_end);
    b->layer_srs = calloc(count ? count : 1, sizeof *b->layer_srs);
    b->point_srs = calloc(count ? count : 1, sizeof *b->point_srs);
    if (!b->sources || !b->source_end || !b->layer_srs || !b->point_srs ||
        dti_u64map_init(&b->index, 1 << 16) != 0) {
        dti_blocks_free(b);
        return dti_nomem(err);
    }
    b->source_count = count;
    for (size_t s = 0; s < count; s++)
        if (!(b->sources[s] = strdup(specs[s]))) {
            dti_blocks_free(b);
            return dti_nomem(err);
        }
    for (size_t s = 0; s < count; s++) {
        dt_status status = read_source(b, s, progress, user, err);
        if (status != DT_OK) {
            dti_blocks_free(b);
            return status;
        }
    }
    if (progress && !progress(1.0, NULL, user)) {
        dti_blocks_free(b);
        return dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    }
    return DT_OK;
}

/* One source's features again, in layer order, with the geometry if asked. */
static dt_status each_in_source(const dti_blocks *b, size_t s, int with_geometry, dti_block_fn fn,
                                void *user, dt_error *err)
{
    dti_layer layer;
    dt_status status = dti_layer_open(b->sources[s], &layer, err);
    if (status != DT_OK)
        return status;
    int col;
    status = dti_layer_fields(&layer, field_names, 1, &col, layer_what, err);
    void *ct = NULL;
    if (status == DT_OK && with_geometry)
        status = dti_srs_transform(b->layer_srs[s], b->layer_srs[0], &ct, layer.display, err);
    if (status != DT_OK) {
        dti_layer_close(&layer);
        return status;
    }
    dti_layer_read_only(&layer, &col, 1, with_geometry);
    OGR_L_ResetReading(layer.layer);
    CPLErrorReset();
    OGRFeatureH f;
    while (status == DT_OK && (f = OGR_L_GetNextFeature(layer.layer)) != NULL) {
        uint64_t geoid;
        uint32_t block;
        /* the first pass checked every GEOID; a changed file is an error */
        feature x = {f, NULL, &col}; /* the GEOID (F_GEOID, 0) only */
        if (parse_geoid(&x, F_GEOID, &geoid) != 0 ||
            (block = dti_blocks_find(b, geoid)) == UINT32_MAX) {
            status = dti_error_set(err, DT_ERR_IO, layer.display, 0,
                                   "feature %lld changed while dialtone was reading the layer",
                                   (long long)OGR_F_GetFID(f));
        } else {
            OGRGeometryH geometry = with_geometry ? OGR_F_GetGeometryRef(f) : NULL;
            if (geometry && !dti_geometry_finite(geometry))
                status = dti_error_set(err, DT_ERR_FORMAT, layer.display, 0,
                                       "feature %lld has a coordinate that is not a finite number",
                                       (long long)OGR_F_GetFID(f));
            else if (geometry && ct && OGR_G_Transform(geometry, ct) != OGRERR_NONE)
                status = dti_error_gdal(err, DT_ERR_CRS, layer.display,
                                        CPLSPrintf("feature %lld: cannot transform the geometry",
                                                   (long long)OGR_F_GetFID(f)));
            else
                status = fn(block, geometry, user, err);
        }
        OGR_F_Destroy(f);
    }
    if (status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
        status = dti_error_gdal(err, DT_ERR_IO, layer.display, "reading failed");
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    dti_layer_close(&layer);
    return status;
}

dt_status dti_blocks_each(const dti_blocks *b, int with_geometry, dti_block_fn fn, void *user,
                          dt_error *err)
{
    for (size_t s = 0; s < b->source_count; s++) {
        dt_status status = each_in_source(b, s, with_geometry, fn, user, err);
        if (status != DT_OK)
            return status;
    }
    return DT_OK;
}
