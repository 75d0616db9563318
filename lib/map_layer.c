/* SPDX-License-Identifier: MIT */
/* The region layer of a map: polygons read through OGR into flat arrays, values joined. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

static int reserve(void *slot, size_t *cap, size_t need, size_t elem)
{
    void **p = slot;
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

void dti_map_layer_free(dti_map_layer *ml)
{
    if (!ml)
        return;
    free(ml->x);
    free(ml->y);
    free(ml->ring_point);
    free(ml->ring_outer);
    free(ml->feature_ring);
    free(ml->feature_region);
    free(ml->values);
    free(ml->outer_edges);
    free(ml->srs_wkt);
    free(ml->layer_name);
    for (size_t r = 0; ml->names && r < ml->region_count; r++)
        free(ml->names[r]);
    free(ml->names);
    free(ml->region_hidden);
    dti_strtab_free(&ml->ids);
    memset(ml, 0, sizeof *ml);
}

int dti_parse_value(const char *s, size_t len, double *value)
{
    while (len > 0 && isspace((unsigned char)*s))
        s++, len--;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    static const char *const missing[] = {"nan", "na", "n/a", "null", "-"};
    int is_missing = len == 0;
    for (size_t i = 0; i < sizeof missing / sizeof *missing && !is_missing; i++)
        is_missing = len == strlen(missing[i]) && strncasecmp(s, missing[i], len) == 0;
    if (is_missing) {
        *value = NAN;
        return 0;
    }
    char text[64], *end;
    if (len >= sizeof text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    double v = strtod(text, &end);
    if (end != text + len || !isfinite(v))
        return -1;
    *value = v;
    return 0;
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

/* Append ring as a closed ring; 0 added, 1 left out as degenerate, -1 out of memory. */
static int add_ring(dti_map_layer *ml, OGRGeometryH ring, int outer, double *area)
{
    int n = OGR_G_GetPointCount(ring);
    size_t start = ml->point_count;
    if (n < 3)
        return 1;
    size_t old_cap = ml->point_cap;
    if (reserve(&ml->x, &ml->point_cap, start + (size_t)n + 1, sizeof *ml->x) != 0)
        return -1;
    if (!ml->y || old_cap != ml->point_cap) { /* y follows x's capacity */
        double *y = realloc(ml->y, ml->point_cap * sizeof *y);
        if (!y)
            return -1;
        ml->y = y;
    }
    double *x = ml->x + start, *y = ml->y + start;
    OGR_G_GetPoints(ring, x, sizeof(double), y, sizeof(double), NULL, 0);
    size_t count = (size_t)n;
    for (size_t i = 0; i < count; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return 1;
    if (x[count - 1] != x[0] || y[count - 1] != y[0]) {
        x[count] = x[0];
        y[count] = y[0];
        count++;
    }
    if (count < 4)
        return 1;
    size_t old_ring_cap = ml->ring_cap;
    if (reserve(&ml->ring_point, &ml->ring_cap, ml->ring_count + 2, sizeof *ml->ring_point) != 0)
        return -1;
    if (!ml->ring_outer || old_ring_cap != ml->ring_cap) {
        uint8_t *flags = realloc(ml->ring_outer, ml->ring_cap);
        if (!flags)
            return -1;
        ml->ring_outer = flags;
    }
    double a = ring_fan_area(x, y, count);
    *area += outer ? a : 0;
    ml->ring_outer[ml->ring_count] = (uint8_t)outer;
    ml->ring_point[ml->ring_count] = start;
    ml->ring_point[++ml->ring_count] = start + count;
    ml->point_count = start + count;
    return 0;
}

static dt_status add_geometry(dti_map_layer *ml, OGRGeometryH g, double *area, const char *path,
                              const char *id, dt_error *err)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (OGR_GT_IsNonLinear(type)) {
        OGRGeometryH linear = OGR_G_GetLinearGeometry(g, 0, NULL);
        if (!linear)
            return dti_error_gdal(err, DT_ERR_FORMAT, path, "cannot linearize a curve");
        dt_status status = add_geometry(ml, linear, area, path, id, err);
        OGR_G_DestroyGeometry(linear);
        return status;
    }
    if (type == wkbPolygon) {
        int rings = OGR_G_GetGeometryCount(g);
        for (int r = 0; r < rings; r++) {
            int added = add_ring(ml, OGR_G_GetGeometryRef(g, r), r == 0, area);
            if (added < 0)
                return dti_error_set(err, DT_ERR_NOMEM, path, 0, "out of memory");
            if (added > 0)
                ml->bad_rings++;
            if (added > 0 && r == 0)
                break; /* no exterior: the holes mean nothing */
        }
        return DT_OK;
    }
    if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
        int parts = OGR_G_GetGeometryCount(g);
        for (int i = 0; i < parts; i++) {
            dt_status status = add_geometry(ml, OGR_G_GetGeometryRef(g, i), area, path, id, err);
            if (status != DT_OK)
                return status;
        }
        return DT_OK;
    }
    return dti_error_set(err, DT_ERR_FORMAT, path, 0,
                         "region %s: its geometry is a %s, not a polygon (a map needs a "
                         "polygon layer)",
                         id, OGRGeometryTypeToName(type));
}

/* ---- fields ---- */

static void list_fields(OGRFeatureDefnH defn, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < OGR_FD_GetFieldCount(defn) && used + 4 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    if (used >= size)
        strcpy(buf + size - 4, "...");
}

static int find_id_field(OGRFeatureDefnH defn, const char *id_field)
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

static int find_name_field(OGRFeatureDefnH defn)
{
    for (int i = 0; dti_region_name_fields[i]; i++) {
        int index = OGR_FD_GetFieldIndex(defn, dti_region_name_fields[i]);
        if (index >= 0)
            return index;
    }
    return -1;
}

/* Keep OGR from parsing fields the map does not use: faster on big layers. */
static void ignore_other_fields(OGRLayerH layer, OGRFeatureDefnH defn, int keep1, int keep2,
                                int keep3)
{
    int n = OGR_FD_GetFieldCount(defn), used = 0;
    const char **names = calloc((size_t)n + 2, sizeof *names);
    if (!names)
        return;
    for (int i = 0; i < n; i++)
        if (i != keep1 && i != keep2 && i != keep3)
            names[used++] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    names[used++] = "OGR_STYLE";
    OGR_L_SetIgnoredFields(layer, names);
    free(names);
}

static dt_status open_layer(const char *path, const char *layer_name, GDALDatasetH *ds,
                            OGRLayerH *layer, dt_error *err)
{
    dti_layer l;
    dt_status status = dti_layer_open_named(path, layer_name, &l, err);
    *ds = l.dataset;
    *layer = l.layer;
    free(l.display); /* the dataset is the caller's to close */
    return status;
}

/* The value of a feature's column: numeric fields directly, text fields parsed. */
static dt_status feature_value(OGRFeatureH f, int index, int is_text, const char *path,
                               const char *column, const char *id, double *value, dt_error *err)
{
    if (!OGR_F_IsFieldSetAndNotNull(f, index)) {
        *value = NAN;
        return DT_OK;
    }
    if (!is_text) {
        *value = OGR_F_GetFieldAsDouble(f, index);
        return DT_OK;
    }
    const char *text = OGR_F_GetFieldAsString(f, index);
    if (dti_parse_value(text, strlen(text), value) != 0)
        return dti_error_set(err, DT_ERR_FORMAT, path, 0,
                             "region %s: column '%s' holds '%.40s', not a number", id, column,
                             text);
    return DT_OK;
}

/* The region's name (the first feature's), kept beside its value. */
static dt_status keep_name(dti_map_layer *ml, size_t *names_cap, OGRFeatureH f, int name_index,
                           uint32_t region, dt_error *err)
{
    if (name_index < 0)
        return DT_OK;
    if (*names_cap != ml->region_cap) {
        char **names = realloc(ml->names, ml->region_cap * sizeof *names);
        if (!names)
            return dti_nomem(err);
        ml->names = names;
        *names_cap = ml->region_cap;
    }
    const char *name =
        OGR_F_IsFieldSetAndNotNull(f, name_index) ? OGR_F_GetFieldAsString(f, name_index) : "";
    ml->names[region] = name[0] ? strdup(name) : NULL;
    return name[0] && !ml->names[region] ? dti_nomem(err) : DT_OK;
}

static dt_status read_features(dti_map_layer *ml, OGRLayerH layer, int id_index, int value_index,
                               int value_is_text, int name_index, const char *path,
                               const char *column, dt_progress_fn progress, void *user,
                               dt_error *err)
{
    size_t names_cap = 0;
    GIntBig total = OGR_L_GetFeatureCount(layer, FALSE);
    OGRFeatureH f;
    dt_status status = DT_OK;
    char fid_text[32];
    size_t feature_ring_cap = 0;
    OGR_L_ResetReading(layer);
    while (status == DT_OK && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        const char *id = fid_text;
        if (id_index >= 0)
            id = OGR_F_GetFieldAsString(f, id_index);
        else
            snprintf(fid_text, sizeof fid_text, "%lld", (long long)OGR_F_GetFID(f));
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        size_t ring_start = ml->ring_count, point_start = ml->point_count;
        double area = 0;
        if (g && !OGR_G_IsEmpty(g) && !dti_geometry_finite(g))
            status = dti_error_set(err, DT_ERR_FORMAT, path, 0,
                                   "region %s has a coordinate that is not a finite number", id);
        else if (g && !OGR_G_IsEmpty(g))
            status = add_geometry(ml, g, &area, path, id, err);
        if (status == DT_OK && !(area > 0)) {
            /* nothing to draw: roll back the rings of a degenerate feature */
            if (g && !OGR_G_IsEmpty(g))
                ml->skipped_zero_area++;
            else
                ml->skipped_empty++;
            if (!ml->first_skipped[0])
                snprintf(ml->first_skipped, sizeof ml->first_skipped, "%s", id);
            ml->ring_count = ring_start;
            ml->point_count = point_start;
        } else if (status == DT_OK) {
            /* GEOS's check costs ~20 us a polygon: affordable up to county-sized layers */
            if (total > 0 && total <= 50000 && !OGR_G_IsValid(g) && ml->invalid++ == 0)
                snprintf(ml->first_invalid, sizeof ml->first_invalid, "%s", id);
            uint32_t region = dti_strtab_intern(&ml->ids, id, strlen(id));
            size_t feature = ml->feature_count;
            if (region == UINT32_MAX || reserve(&ml->feature_region, &ml->feature_cap, feature + 2,
                                                sizeof *ml->feature_region) != 0) {
                status = dti_error_set(err, DT_ERR_NOMEM, path, 0, "out of memory");
            } else {
                size_t *rings = ml->feature_ring;
                if (!rings || feature_ring_cap != ml->feature_cap) {
                    rings = realloc(ml->feature_ring, ml->feature_cap * sizeof *rings);
                    if (rings) {
                        ml->feature_ring = rings;
                        feature_ring_cap = ml->feature_cap;
                    }
                }
                if (!rings ||
                    reserve(&ml->values, &ml->region_cap, ml->ids.count, sizeof *ml->values) != 0) {
                    status = dti_error_set(err, DT_ERR_NOMEM, path, 0, "out of memory");
                } else {
                    ml->feature_region[feature] = region;
                    rings[feature] = ring_start;
                    rings[feature + 1] = ml->ring_count;
                    ml->feature_count++;
                    if (region == ml->region_count) { /* a new region */
                        ml->region_count++;
                        ml->values[region] = NAN;
                        status = keep_name(ml, &names_cap, f, name_index, region, err);
                        if (status == DT_OK && value_index >= 0)
                            status = feature_value(f, value_index, value_is_text, path, column, id,
                                                   &ml->values[region], err);
                    }
                }
            }
        }
        OGR_F_Destroy(f);
        if (status == DT_OK && progress && total > 0 && (ml->feature_count & 4095) == 0 &&
            !progress(0.4 * (double)ml->feature_count / (double)total, "reading regions", user))
            status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    }
    if (status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
        status = dti_error_gdal(err, DT_ERR_FORMAT, path, "cannot read the layer");
    return status;
}

dt_status dti_map_layer_read(dti_map_layer *ml, const char *path, const char *layer_name,
                             const char *id_field, const char *value_column,
                             dt_progress_fn progress, void *user, dt_error *err)
{
    memset(ml, 0, sizeof *ml);
    dti_strtab_init(&ml->ids);
    dti_ogr_init();
    CPLErrorReset();
    GDALDatasetH ds = NULL;
    OGRLayerH layer = NULL;
    dt_status status = open_layer(path, layer_name, &ds, &layer, err);
    if (status != DT_OK) {
        if (ds)
            GDALClose(ds);
        return status;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    char fields[600];
    ml->layer_name = strdup(OGR_L_GetName(layer));
    int id_index = find_id_field(defn, id_field), value_index = -1, value_is_text = 0;
    if (id_field && id_index < 0) {
        list_fields(defn, fields, sizeof fields);
        status = dti_error_set(err, DT_ERR_USAGE, path, 0,
                               "--id-field %s: no such field in layer '%s' (fields: %s)", id_field,
                               OGR_L_GetName(layer), fields);
    }
    if (status == DT_OK && value_column) {
        value_index = OGR_FD_GetFieldIndex(defn, value_column);
        OGRFieldType type =
            value_index >= 0 ? OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, value_index)) : OFTString;
        value_is_text = type == OFTString;
        list_fields(defn, fields, sizeof fields);
        if (value_index < 0)
            status = dti_error_set(err, DT_ERR_USAGE, path, 0,
                                   "--column %s: no such column in layer '%s' (columns: %s)",
                                   value_column, OGR_L_GetName(layer), fields);
        else if (type != OFTInteger && type != OFTInteger64 && type != OFTReal && !value_is_text)
            status =
                dti_error_set(err, DT_ERR_USAGE, path, 0, "--column %s: a %s column, not numbers",
                              value_column, OGR_GetFieldTypeName(type));
    }
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (status == DT_OK && !srs)
        status = dti_error_set(err, DT_ERR_CRS, path, 0,
                               "layer '%s' has no coordinate reference system; assign one "
                               "(ogr2ogr -a_srs EPSG:4269 ...)",
                               OGR_L_GetName(layer));
    if (status == DT_OK && OSRExportToWkt(srs, &ml->srs_wkt) != OGRERR_NONE)
        status = dti_error_gdal(err, DT_ERR_CRS, path, "cannot read the layer's CRS");
    if (status == DT_OK) {
        int name_index = find_name_field(defn);
        ignore_other_fields(layer, defn, id_index, value_index, name_index);
        status = read_features(ml, layer, id_index, value_index, value_is_text, name_index, path,
                               value_column, progress, user, err);
    }
    if (status == DT_OK && ml->feature_count == 0)
        status = dti_error_set(err, DT_ERR_FORMAT, path, 0,
                               "layer '%s' has no polygon with an area to draw (%zu empty, %zu "
                               "of zero area)",
                               OGR_L_GetName(layer), ml->skipped_empty, ml->skipped_zero_area);
    GDALClose(ds);
    return status;
}

/* ---- the stats table ---- */

dt_status dti_map_join_stats(dti_map_layer *ml, const char *path, const char *column,
                             size_t *unmatched, dt_error *err)
{
    enum { MAX_FIELDS = 256 };
    dti_field fields[MAX_FIELDS];
    int n;
    *unmatched = 0;
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv)
        return err ? err->status : DT_ERR_IO;
    uint8_t *seen = calloc(ml->region_count ? ml->region_count : 1, 1);
    dt_status status = DT_OK;
    int got = dti_csv_next(csv, fields, MAX_FIELDS, &n, err);
    int id_col = -1, value_col = -1;
    if (got < 0)
        status = err->status;
    else if (!seen)
        status = dti_error_set(err, DT_ERR_NOMEM, path, 0, "out of memory");
    else if (got == 0)
        status = dti_error_set(err, DT_ERR_FORMAT, path, 1, "empty file: expected a header");
    else
        status = dti_csv_check_header(csv, fields, n < MAX_FIELDS ? n : MAX_FIELDS, err);
    if (status == DT_OK) {
        n = n < MAX_FIELDS ? n : MAX_FIELDS;
        id_col = dti_csv_column(fields, n, "geoid");
        if (id_col < 0)
            id_col = dti_csv_column(fields, n, "GEOID");
        value_col = dti_csv_column(fields, n, column);
        char names[600];
        size_t used = 0;
        names[0] = '\0';
        for (int i = 0; i < n && used + 40 < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%.*s", i ? ", " : "",
                                     (int)fields[i].len, fields[i].s);
        if (id_col < 0)
            status = dti_error_set(err, DT_ERR_FORMAT, path, 1,
                                   "no geoid column to join on (columns: %s)", names);
        else if (value_col < 0)
            status = dti_error_set(err, DT_ERR_USAGE, path, 1,
                                   "--column %s: no such column (columns: %s)", column, names);
    }
    for (size_t r = 0; r < ml->region_count; r++)
        ml->values[r] = NAN;
    int need = (id_col > value_col ? id_col : value_col) + 1;
    while (status == DT_OK && (got = dti_csv_next(csv, fields, MAX_FIELDS, &n, err)) > 0) {
        long line = dti_csv_line(csv);
        if (n == 1 && fields[0].len == 0)
            continue; /* blank line */
        if (n < need) {
            status =
                dti_error_set(err, DT_ERR_FORMAT, path, line, "%d fields, expected %d", n, need);
            break;
        }
        double v;
        if (dti_parse_value(fields[value_col].s, fields[value_col].len, &v) != 0) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, line,
                                   "column '%s' holds '%.*s', not a number", column,
                                   (int)(fields[value_col].len < 40 ? fields[value_col].len : 40),
                                   fields[value_col].s);
            break;
        }
        uint32_t r = dti_strtab_intern(&ml->ids, fields[id_col].s, fields[id_col].len);
        if (r == UINT32_MAX) {
            status = dti_error_set(err, DT_ERR_NOMEM, path, line, "out of memory");
        } else if (r >= ml->region_count) {
            (*unmatched)++;
        } else if (seen[r]) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, line, "region %s appears twice",
                                   dti_strtab_get(&ml->ids, r));
        } else {
            seen[r] = 1;
            ml->values[r] = v;
        }
    }
    if (status == DT_OK && got < 0)
        status = err->status;
    free(seen);
    dti_csv_close(csv);
    return status;
}

dt_status dti_map_join_values(dti_map_layer *ml, const dti_map_values *v, size_t *unmatched,
                              dt_error *err)
{
    *unmatched = 0;
    for (size_t r = 0; r < ml->region_count; r++)
        ml->values[r] = NAN;
    uint8_t *seen = calloc(ml->region_count ? ml->region_count : 1, 1);
    if (!seen)
        return dti_nomem(err);
    dt_status status = DT_OK;
    for (size_t i = 0; i < v->count && status == DT_OK; i++) {
        uint32_t r = dti_strtab_intern(&ml->ids, v->ids[i], strlen(v->ids[i]));
        if (r == UINT32_MAX)
            status = dti_nomem(err);
        else if (r >= ml->region_count)
            (*unmatched)++;
        else if (seen[r])
            status = dti_error_set(err, DT_ERR_FORMAT, NULL, 0, "%s: region %s appears twice",
                                   v->what, v->ids[i]);
        else {
            seen[r] = 1;
            ml->values[r] = v->values[i];
        }
    }
    free(seen);
    return status;
}

/* ---- outer boundary: edges no other polygon shares ---- */

static uint64_t edge_hash(double ax, double ay, double bx, double by)
{
    uint64_t h = 0, bits;
    double c[4] = {ax, ay, bx, by};
    for (int i = 0; i < 4; i++) {
        double v = c[i] == 0 ? 0 : c[i]; /* -0 and 0 alike */
        memcpy(&bits, &v, sizeof bits);
        h = dti_hash64(h ^ bits) + (uint64_t)i;
    }
    return h;
}

/* Edge at point i in canonical order (smaller end first). */
static void edge_ends(const dti_map_layer *ml, size_t i, double e[4])
{
    size_t a = i, b = i + 1;
    if (ml->x[b] < ml->x[a] || (ml->x[b] == ml->x[a] && ml->y[b] < ml->y[a]))
        a = i + 1, b = i;
    e[0] = ml->x[a], e[1] = ml->y[a], e[2] = ml->x[b], e[3] = ml->y[b];
}

dt_status dti_map_outer_edges(dti_map_layer *ml, dt_error *err)
{
    size_t edges = 0;
    for (size_t r = 0; r < ml->ring_count; r++)
        edges += ml->ring_point[r + 1] - ml->ring_point[r] - 1;
    size_t cap = 16;
    while (cap < 2 * edges)
        cap *= 2;
    size_t *slots = calloc(cap, sizeof *slots); /* point index + 1 */
    uint8_t *shared = calloc(ml->point_count ? ml->point_count : 1, 1);
    free(ml->outer_edges);
    ml->outer_edges = NULL;
    ml->outer_edge_count = 0;
    if (!slots || !shared) {
        free(slots);
        free(shared);
        return dti_nomem(err);
    }
    size_t matched = 0, real_edges = 0;
    for (size_t r = 0; r < ml->ring_count; r++)
        for (size_t i = ml->ring_point[r]; i + 1 < ml->ring_point[r + 1]; i++) {
            double e[4];
            edge_ends(ml, i, e);
            if (e[0] == e[2] && e[1] == e[3]) {
                shared[i] = 1; /* zero length: nothing to draw */
                continue;
            }
            real_edges++;
            size_t slot = edge_hash(e[0], e[1], e[2], e[3]) & (cap - 1);
            for (;; slot = (slot + 1) & (cap - 1)) {
                if (!slots[slot]) {
                    slots[slot] = i + 1;
                    break;
                }
                double o[4];
                edge_ends(ml, slots[slot] - 1, o);
                if (memcmp(o, e, sizeof o) == 0 && !shared[slots[slot] - 1]) {
                    shared[slots[slot] - 1] = 1;
                    shared[i] = 1;
                    matched++;
                    break;
                }
            }
        }
    free(slots);
    size_t outer = real_edges - 2 * matched;
    ml->outer_edges = malloc((outer ? outer : 1) * sizeof *ml->outer_edges);
    if (!ml->outer_edges) {
        free(shared);
        return dti_nomem(err);
    }
    for (size_t r = 0; r < ml->ring_count; r++)
        for (size_t i = ml->ring_point[r]; i + 1 < ml->ring_point[r + 1]; i++)
            if (!shared[i])
                ml->outer_edges[ml->outer_edge_count++] = i;
    free(shared);
    /* Neighbours whose edges do not match vertex for vertex would draw the outer line
     * through the interior: leave it out when most edges of many regions are unshared
     * (a few regions may be islands). */
    ml->outer_edges_usable = !(ml->feature_count >= 20 && outer * 2 > real_edges);
    return DT_OK;
}
