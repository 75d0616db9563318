/* SPDX-License-Identifier: MIT */
/* What names a region in the tables of dialtone stats: a geoid,name file, or the region
 * layer's name field and the fields --keep-fields carries; the area (UR20) of each block; the
 * options that ask for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ogr_api.h>

#include "internal.h"

dt_status dti_tables_options_check(const dti_label_options *o, dt_error *err)
{
    int any = o->tech_out || o->providers_out;
    if (any && o->partial_out)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--by-technology and --providers-out cannot be merged from partials "
                             "yet: not with --partial-out (run stats on all the states at once)");
    if (any && o->extra_levels)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--by-technology and --providers-out take one level: not with "
                             "several --by levels");
    if (o->names && o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--names is for --by regions; with --regions the names come from "
                             "the layer (--name-field FIELD)");
    if (o->name_field && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--name-field needs --regions LAYER");
    if (o->keep_fields && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--keep-fields needs --regions LAYER");
    if (o->names && o->partial_out && !o->output)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--names names the region table: with --partial-out, give -o too");
    if (o->area_given && !o->block_count)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--area needs --blocks LAYER: a block's UR20 says urban or rural");
    if (o->keep_fields) {
        const char *p = o->keep_fields;
        for (;;) {
            size_t len = strcspn(p, ",");
            if (len == 0)
                return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                     "--keep-fields %s: expected FIELD[,FIELD...] (no empty "
                                     "field)",
                                     o->keep_fields);
            if (!p[len])
                break;
            p += len + 1;
        }
    }
    return DT_OK;
}

/* Labels by region id: ids interned, cells[index * stride + c] (c 0: name, 1 + j: kept field j),
 * NULL for none. */
typedef struct label_list {
    dti_strtab ids;
    char **cells;
    size_t cap;
    int stride;
} label_list;

/* 0 added, 1 named before, -1 no memory. */
static int label_add(label_list *l, const char *id, const char *const *cells)
{
    size_t before = l->ids.count;
    uint32_t index = dti_strtab_intern(&l->ids, id, strlen(id));
    if (index == UINT32_MAX)
        return -1;
    if (index < before)
        return 1;
    /* a row of stride cells per id */
    if (dti_grow(&l->cells, &l->cap, (size_t)index + 1, (size_t)l->stride * sizeof *l->cells,
                 256) != 0)
        return -1;
    char **at = l->cells + (size_t)index * (size_t)l->stride;
    int ok = 1;
    for (int c = 0; c < l->stride; c++)
        ok &= (at[c] = cells[c] ? strdup(cells[c]) : NULL) != NULL || !cells[c];
    return ok ? 0 : -1;
}

static void label_list_free(label_list *l)
{
    for (size_t i = 0; l->cells && i < l->ids.count * (size_t)l->stride; i++)
        free(l->cells[i]);
    free(l->cells);
    dti_strtab_free(&l->ids);
}

/* geoid,name from a CSV; a geoid named twice is an error. */
static dt_status names_from_csv(label_list *l, const char *path, dt_error *err)
{
    static const char *const columns[] = {"geoid", "name"};
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv)
        return err->status;
    int col[2], header_fields, n, rc;
    dt_status status =
        dti_csv_read_header(csv, columns, 2, col, &header_fields, "names (geoid,name)", err);
    dti_field f[DTI_MAX_FIELDS];
    while (status == DT_OK && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) != 0) {
        if (rc < 0) {
            status = dti_csv_bad_record(csv) ? dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv),
                                                             dti_csv_line(csv), "a NUL byte")
                                             : err->status;
            break;
        }
        if (n != header_fields) {
            status =
                dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), dti_csv_line(csv),
                              "expected %d fields as in the header, found %d", header_fields, n);
            break;
        }
        char id[64], name[512];
        snprintf(id, sizeof id, "%.*s", (int)f[col[0]].len, f[col[0]].s);
        snprintf(name, sizeof name, "%.*s", (int)f[col[1]].len, f[col[1]].s);
        const char *cells[1] = {name};
        int added = f[col[0]].len && f[col[0]].len < sizeof id ? label_add(l, id, cells) : 2;
        if (added < 0)
            status = dti_nomem(err);
        else if (added > 0)
            status = dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), dti_csv_line(csv),
                                   added == 1 ? "geoid %s is named twice" : "bad geoid '%s'", id);
    }
    dti_csv_close(csv);
    return status;
}

static dti_cell_type field_cell_type(OGRFieldType type)
{
    switch (type) {
    case OFTInteger:
    case OFTInteger64: return DTI_CELL_INTEGER;
    case OFTReal: return DTI_CELL_REAL;
    default: return DTI_CELL_TEXT;
    }
}

/* The id field's, the name field's and the kept fields' text of every feature of a region
 * layer (the first feature of an id labels it, as the region's polygons are united). */
static dt_status labels_from_layer(label_list *l, dti_tables_run *run, const char *spec,
                                   const char *id_field, const char *name_field, dt_error *err)
{
    static const char *const defaults[] = {"NAME", "NAMELSAD", "NAME20", "NAMELSAD20", "name"};
    dti_layer layer;
    dt_status status = dti_layer_open(spec, &layer, err);
    if (status != DT_OK)
        return status;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer.layer);
    int id = OGR_FD_GetFieldIndex(defn, id_field), name = -1;
    if (name_field)
        name = OGR_FD_GetFieldIndex(defn, name_field);
    for (size_t k = 0; !name_field && name < 0 && k < sizeof defaults / sizeof *defaults; k++)
        name = OGR_FD_GetFieldIndex(defn, defaults[k]);
    if (name_field && name < 0)
        status = dti_error_set(err, DT_ERR_USAGE, layer.display, 0,
                               "--name-field %s: the layer has no such field", name_field);
    int *fields = calloc((size_t)run->keep_count + 2, sizeof *fields);
    if (status == DT_OK && !fields)
        status = dti_nomem(err);
    for (int j = 0; status == DT_OK && j < run->keep_count; j++) {
        int at = OGR_FD_GetFieldIndex(defn, run->keep_names[j]);
        if (at < 0)
            status =
                dti_error_set(err, DT_ERR_USAGE, layer.display, 0,
                              "--keep-fields %s: the layer has no such field", run->keep_names[j]);
        else
            run->keep_types[j] = field_cell_type(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, at)));
        if (fields)
            fields[2 + j] = at;
    }
    run->name_found = name >= 0;
    if (status == DT_OK && id >= 0) {
        fields[0] = id;
        fields[1] = name >= 0 ? name : id;
        dti_layer_read_only(&layer, fields, 2 + run->keep_count, 0);
        OGR_L_ResetReading(layer.layer);
        OGRFeatureH f;
        const char **cells = calloc((size_t)l->stride, sizeof *cells);
        if (!cells)
            status = dti_nomem(err);
        /* copies: the text of a number field lives only until the next call */
        char *id_text = NULL;
        while (status == DT_OK && (f = OGR_L_GetNextFeature(layer.layer)) != NULL) {
            int ok = (id_text = strdup(OGR_F_GetFieldAsString(f, id))) != NULL;
            cells[0] = name >= 0 && ok ? strdup(OGR_F_GetFieldAsString(f, name)) : NULL;
            ok &= name < 0 || cells[0];
            for (int j = 0; j < run->keep_count; j++) {
                cells[1 + j] = strdup(OGR_F_IsFieldSetAndNotNull(f, fields[2 + j])
                                          ? OGR_F_GetFieldAsString(f, fields[2 + j])
                                          : "");
                ok &= cells[1 + j] != NULL;
            }
            if (!ok || label_add(l, id_text, cells) < 0)
                status = dti_nomem(err);
            for (int c = 0; c < l->stride; c++)
                free((char *)cells[c]);
            free(id_text);
            OGR_F_Destroy(f);
        }
        free(cells);
    }
    free(fields);
    dti_layer_close(&layer);
    return status;
}

/* --keep-fields F1,F2 into run->keep_names; a field that would repeat a column of the region
 * table (geoid, name, the id field, a count) is refused. */
static dt_status keep_fields_split(dti_tables_run *run, const char *list, const char *id_field,
                                   dt_error *err)
{
    int count = 1;
    for (const char *p = list; *p; p++)
        count += *p == ',';
    run->keep_names = calloc((size_t)count, sizeof *run->keep_names);
    run->keep_types = calloc((size_t)count, sizeof *run->keep_types);
    if (!run->keep_names || !run->keep_types)
        return dti_nomem(err);
    const char *p = list;
    for (int j = 0; j < count; j++) {
        size_t len = strcspn(p, ",");
        if (!(run->keep_names[j] = strndup(p, len)))
            return dti_nomem(err);
        run->keep_count = j + 1;
        const char *f = run->keep_names[j];
        int clash = strcasecmp(f, "geoid") == 0 || strcasecmp(f, "name") == 0 ||
                    strcasecmp(f, id_field) == 0 || dti_region_column_known(f);
        for (int k = 0; k < j; k++)
            clash |= strcasecmp(f, run->keep_names[k]) == 0;
        if (clash)
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                 "--keep-fields %s: the table has a column %s already (the id "
                                 "field and the name are carried without --keep-fields)",
                                 list, f);
        p += len + (p[len] == ',');
    }
    return DT_OK;
}

dt_status dti_tables_prepare(dti_tables_run *run, const dti_coverage *cov,
                             const dti_region_table *regions, const dti_blocks *blocks,
                             const dti_label_options *o, dt_error *err)
{
    memset(run, 0, sizeof *run);
    if (blocks && blocks->with_area) {
        uint8_t *area = calloc(cov->block_count + 1, 1);
        if (!area)
            return dti_nomem(err);
        for (size_t b = 0; b < cov->block_count; b++) {
            uint32_t at = dti_blocks_find(blocks, cov->block_geoids[b]);
            area[b] = at == UINT32_MAX ? 0 : blocks->area[at];
        }
        run->block_area = area;
    }
    if (!o->names && !o->regions)
        return DT_OK;
    run->id_field = o->regions ? o->id_field : NULL;
    dt_status status =
        o->keep_fields ? keep_fields_split(run, o->keep_fields, o->id_field, err) : DT_OK;
    if (status != DT_OK)
        return status;
    label_list l;
    memset(&l, 0, sizeof l);
    dti_strtab_init(&l.ids);
    l.stride = 1 + run->keep_count;
    if (o->names) {
        status = names_from_csv(&l, o->names, err);
        run->name_found = 1;
    } else {
        status = labels_from_layer(&l, run, o->regions, o->id_field, o->name_field, err);
    }
    size_t nr = regions->count, nk = (size_t)run->keep_count;
    const char **by_region = calloc(nr + 1, sizeof *by_region);
    char **kept = calloc(nr + 1, sizeof *kept);
    char **values = calloc(nr * nk + 1, sizeof *values);
    run->region_names = by_region;
    run->kept_names = kept;
    run->keep_values = values;
    run->region_count = nr;
    if (status == DT_OK && (!by_region || !kept || !values))
        status = dti_nomem(err);
    for (size_t r = 0; status == DT_OK && r < nr; r++) {
        uint32_t i = dti_strtab_find(&l.ids, regions->ids[r], strlen(regions->ids[r]));
        if (i == UINT32_MAX)
            continue;
        char *const *cells = l.cells + (size_t)i * (size_t)l.stride;
        if (cells[0] && !(by_region[r] = kept[r] = strdup(cells[0])))
            status = dti_nomem(err);
        for (size_t j = 0; status == DT_OK && j < nk; j++)
            if (!(values[r * nk + j] = strdup(cells[1 + j])))
                status = dti_nomem(err);
    }
    label_list_free(&l);
    return status;
}

void dti_tables_run_free(dti_tables_run *run)
{
    free((void *)run->block_area);
    for (size_t r = 0; run->kept_names && r < run->region_count; r++)
        free(run->kept_names[r]);
    for (size_t i = 0; run->keep_values && i < run->region_count * (size_t)run->keep_count; i++)
        free(run->keep_values[i]);
    for (int j = 0; run->keep_names && j < run->keep_count; j++)
        free(run->keep_names[j]);
    free(run->keep_names);
    free(run->keep_types);
    free(run->keep_values);
    free(run->kept_names);
    free((void *)run->region_names);
    memset(run, 0, sizeof *run);
}
