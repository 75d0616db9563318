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

void dti_map_layer_free(dti_map_layer *ml)
{
    if (!ml)
        return;
    dti_region_layer_free(&ml->geo);
    free(ml->values);
    free(ml->outer_edges);
    free(ml->srs_wkt);
    free(ml->layer_name);
    free(ml->region_hidden);
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

/* A new region's value (NaN when the layer gives none). */
typedef struct value_read {
    dti_map_layer *ml;
    int index, is_text; /* the value column, -1: none */
    const char *path, *column;
} value_read;

static dt_status new_region(OGRFeatureH f, uint32_t region, const char *id, void *user,
                            dt_error *err)
{
    value_read *v = user;
    dti_map_layer *ml = v->ml;
    if (dti_grow(&ml->values, &ml->region_cap, ml->geo.region_count, sizeof *ml->values, 256) != 0)
        return dti_nomem(err);
    ml->values[region] = NAN;
    if (v->index < 0)
        return DT_OK;
    return feature_value(f, v->index, v->is_text, v->path, v->column, id, &ml->values[region], err);
}

dt_status dti_map_layer_read(dti_map_layer *ml, const char *path, const char *layer_name,
                             const char *id_field, const char *value_column,
                             dt_progress_fn progress, void *user, dt_error *err)
{
    memset(ml, 0, sizeof *ml);
    dti_region_layer_init(&ml->geo, 0);
    dti_layer opened;
    dt_status status = dti_layer_open_named(path, layer_name, &opened, err);
    if (status != DT_OK)
        return status;
    OGRLayerH layer = opened.layer;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    char fields[600];
    ml->layer_name = strdup(OGR_L_GetName(layer));
    int id_index = dti_region_id_field(defn, id_field), value_index = -1, value_is_text = 0;
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
        value_read values = {ml, value_index, value_is_text, path, value_column};
        dti_region_read how = {.display = path,
                               .id_index = id_index,
                               .names = 1,
                               .skip_zero_area = 1,
                               .fields = &value_index,
                               .field_count = 1,
                               .new_region = new_region,
                               .region_user = &values,
                               .progress = progress,
                               .user = user};
        status = dti_region_layer_read(&ml->geo, &opened, &how, err);
    }
    if (status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
        status = dti_error_gdal(err, DT_ERR_FORMAT, path, "cannot read the layer");
    if (status == DT_OK && ml->geo.feature_count == 0)
        status = dti_error_set(err, DT_ERR_FORMAT, path, 0,
                               "layer '%s' has no polygon with an area to draw (%zu empty, %zu "
                               "of zero area)",
                               OGR_L_GetName(layer), ml->geo.notes.empty, ml->geo.notes.zero_area);
    dti_layer_close(&opened);
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
    uint8_t *seen = calloc(ml->geo.region_count ? ml->geo.region_count : 1, 1);
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
    for (size_t r = 0; r < ml->geo.region_count; r++)
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
        uint32_t r = dti_strtab_intern(&ml->geo.ids, fields[id_col].s, fields[id_col].len);
        if (r == UINT32_MAX) {
            status = dti_error_set(err, DT_ERR_NOMEM, path, line, "out of memory");
        } else if (r >= ml->geo.region_count) {
            (*unmatched)++;
        } else if (seen[r]) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, line, "region %s appears twice",
                                   dti_strtab_get(&ml->geo.ids, r));
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
    for (size_t r = 0; r < ml->geo.region_count; r++)
        ml->values[r] = NAN;
    uint8_t *seen = calloc(ml->geo.region_count ? ml->geo.region_count : 1, 1);
    if (!seen)
        return dti_nomem(err);
    dt_status status = DT_OK;
    for (size_t i = 0; i < v->count && status == DT_OK; i++) {
        uint32_t r = dti_strtab_intern(&ml->geo.ids, v->ids[i], strlen(v->ids[i]));
        if (r == UINT32_MAX)
            status = dti_nomem(err);
        else if (r >= ml->geo.region_count)
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
    if (ml->geo.x[b] < ml->geo.x[a] ||
        (ml->geo.x[b] == ml->geo.x[a] && ml->geo.y[b] < ml->geo.y[a]))
        a = i + 1, b = i;
    e[0] = ml->geo.x[a], e[1] = ml->geo.y[a], e[2] = ml->geo.x[b], e[3] = ml->geo.y[b];
}

dt_status dti_map_outer_edges(dti_map_layer *ml, dt_error *err)
{
    size_t edges = 0;
    for (size_t r = 0; r < ml->geo.ring_count; r++)
        edges += ml->geo.ring_point[r + 1] - ml->geo.ring_point[r] - 1;
    size_t cap = 16;
    while (cap < 2 * edges)
        cap *= 2;
    size_t *slots = calloc(cap, sizeof *slots); /* point index + 1 */
    uint8_t *shared = calloc(ml->geo.point_count ? ml->geo.point_count : 1, 1);
    free(ml->outer_edges);
    ml->outer_edges = NULL;
    ml->outer_edge_count = 0;
    if (!slots || !shared) {
        free(slots);
        free(shared);
        return dti_nomem(err);
    }
    size_t matched = 0, real_edges = 0;
    for (size_t r = 0; r < ml->geo.ring_count; r++)
        for (size_t i = ml->geo.ring_point[r]; i + 1 < ml->geo.ring_point[r + 1]; i++) {
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
    for (size_t r = 0; r < ml->geo.ring_count; r++)
        for (size_t i = ml->geo.ring_point[r]; i + 1 < ml->geo.ring_point[r + 1]; i++)
            if (!shared[i])
                ml->outer_edges[ml->outer_edge_count++] = i;
    free(shared);
    /* Neighbours whose edges do not match vertex for vertex would draw the outer line
     * through the interior: leave it out when most edges of many regions are unshared
     * (a few regions may be islands). */
    ml->outer_edges_usable = !(ml->geo.feature_count >= 20 && outer * 2 > real_edges);
    return DT_OK;
}
