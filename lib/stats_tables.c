/* SPDX-License-Identifier: MIT */
/* The tables dialtone stats writes: regions, blocks and locations, with exact numbers. */
#define _GNU_SOURCE /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ogr_api.h>

#include "internal.h"

enum { MAX_COLUMNS = 60, CELL = 48 };

typedef struct row {
    dti_column columns[MAX_COLUMNS];
    char names[MAX_COLUMNS][CELL]; /* the columns' names: each table's own */
    char cells[MAX_COLUMNS][CELL];
    const char *text[MAX_COLUMNS];
    int count;
} row;

static void column(row *r, const char *name, dti_cell_type type)
{
    snprintf(r->names[r->count], CELL, "%.*s", CELL - 1, name);
    r->columns[r->count].name = r->names[r->count];
    r->columns[r->count].type = type;
    r->text[r->count] = r->cells[r->count];
    r->count++;
}

static char *cell(row *r, int *at) { return r->cells[(*at)++]; }

static void put_u64(row *r, int *at, uint64_t v)
{
    snprintf(cell(r, at), CELL, "%llu", (unsigned long long)v);
}

/* One decimal, always printed ("3.0"), from a value already rounded x10. */
static void put_x10(row *r, int *at, uint64_t x10)
{
    dti_format_ratio(cell(r, at), CELL, x10, 10, 1);
}

static void units_columns(row *r, const char *units)
{
    char names[4][CELL];
    snprintf(names[0], sizeof names[0], "%s", units);
    snprintf(names[1], sizeof names[1], "unserved_%s", units);
    snprintf(names[2], sizeof names[2], "underserved_%s", units);
    snprintf(names[3], sizeof names[3], "%s_no_data", units);
    column(r, names[0], DTI_CELL_INTEGER);
    column(r, names[1], DTI_CELL_REAL);
    column(r, names[2], DTI_CELL_REAL);
    column(r, names[3], DTI_CELL_INTEGER);
}

static void put_units(row *r, int *at, const dti_units_sums *s)
{
    put_u64(r, at, s->units);
    put_x10(r, at, s->unserved_x10);
    put_x10(r, at, s->underserved_x10);
    put_u64(r, at, s->no_data);
}

/* The price, speed and measured writers print ",a,b,c" to a stream; catch
 * that text and split it into cells (numbers and names hold no commas). */
static int extra_cells(const dti_extra_run *extra, long region, char out[][CELL], int max)
{
    char *text = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&text, &size);
    if (!fp)
        return -1;
    if (region < 0)
        dti_extra_write_header(extra, fp);
    else
        dti_extra_write_row(extra, (size_t)region, fp);
    fclose(fp);
    int n = 0;
    for (char *p = text; p && *p == ',' && n < max; n++) {
        size_t len = strcspn(p + 1, ",");
        snprintf(out[n], CELL, "%.*s", (int)len, p + 1);
        p += 1 + len;
    }
    free(text);
    return n;
}

static void extra_columns(row *r, const dti_extra_run *extra)
{
    char names[MAX_COLUMNS][CELL];
    int n = extra_cells(extra, -1, names, MAX_COLUMNS - r->count);
    for (int i = 0; i < n; i++)
        column(r, names[i],
               strncmp(names[i], "served_providers_", 17) == 0 ||
                       strcmp(names[i], "measured_tests") == 0
                   ? DTI_CELL_INTEGER
                   : DTI_CELL_REAL);
}

/* The label columns after geoid: the id field under its own name (vector outputs; not when it
 * is spelled geoid), name, the kept fields. Their count. */
static int label_columns(row *r, const dti_tables_context *labels, int vector)
{
    int before = r->count;
    if (!labels)
        return 0;
    if (vector && labels->id_field && strcasecmp(labels->id_field, "geoid") != 0)
        column(r, labels->id_field, DTI_CELL_TEXT);
    if (labels->name_found && labels->region_names)
        column(r, "name", DTI_CELL_TEXT);
    for (int j = 0; j < labels->keep_count; j++)
        column(r, labels->keep_names[j], labels->keep_types[j]);
    return r->count - before;
}

/* Region i's label cells, pointing at the labels' text (names may be long). */
static void label_cells(row *r, int *at, const dti_tables_context *labels, int vector,
                        const dti_region_table *regions, size_t i)
{
    if (!labels)
        return;
    if (vector && labels->id_field && strcasecmp(labels->id_field, "geoid") != 0)
        r->text[(*at)++] = regions->ids[i];
    if (labels->name_found && labels->region_names) {
        const char *name = labels->region_names[i];
        r->text[(*at)++] = name ? name : "";
    }
    for (int j = 0; j < labels->keep_count; j++) {
        const char *v = labels->keep_values[i * (size_t)labels->keep_count + (size_t)j];
        r->text[(*at)++] = v ? v : "";
    }
}

static void region_columns(row *r, const dti_stats_geo *geo, const dti_tables_context *labels,
                           int vector)
{
    static const char *const counts[] = {"locations", "unserved", "underserved", "served"};
    column(r, "geoid", DTI_CELL_TEXT);
    label_columns(r, labels, vector);
    for (int i = 0; i < 4; i++)
        column(r, counts[i], DTI_CELL_INTEGER);
    column(r, "pct_unserved", DTI_CELL_REAL);
    column(r, "providers", DTI_CELL_INTEGER);
    column(r, "median_max_down", DTI_CELL_REAL);
    for (int t = 0; t < DTI_TIER_COUNT; t++)
        column(r, dti_tier_names[t], DTI_CELL_REAL);
    /* new columns only after the existing ones, only when asked for */
    if (geo->have_blocks)
        units_columns(r, "housing");
    if (geo->have_households)
        units_columns(r, "households");
    if (geo->have_blocks) {
        column(r, "pop", DTI_CELL_INTEGER);
        column(r, "land_km2", DTI_CELL_REAL);
        column(r, "locations_per_km2", DTI_CELL_REAL);
    }
}

/* One row of the region table, formatted as the CSV holds it, into the file and the memory
 * table (either may be NULL): both take the very same cells. */
static dt_status region_rows(row *r, int before_extra, const dti_region_table *regions,
                             const dti_region_stats *stats, const dti_stats_geo *geo,
                             const dti_extra_run *extra, const dti_tables_context *labels,
                             int vector, int with_geometry, dti_table_out *t, dt_table *mem,
                             dt_error *err)
{
    for (size_t i = 0; i < regions->count; i++) {
        const dti_region_stats *s = &stats[i];
        if (s->locations == 0)
            continue;
        int at = 0;
        snprintf(cell(r, &at), CELL, "%s", ""); /* the id may be long: point at it instead */
        r->text[0] = regions->ids[i];
        label_cells(r, &at, labels, vector, regions, i);
        put_u64(r, &at, s->locations);
        put_u64(r, &at, s->unserved);
        put_u64(r, &at, s->underserved);
        put_u64(r, &at, s->served);
        dti_format_ratio(cell(r, &at), CELL, 100 * s->unserved, s->locations, 2);
        put_u64(r, &at, s->providers);
        /* twice the median in micro-Mbps: print it at 7 decimals, exactly */
        dti_format_fixed(cell(r, &at), CELL, s->median_down_x2 * 5, 7);
        for (int k = 0; k < DTI_TIER_COUNT; k++)
            dti_format_ratio(cell(r, &at), CELL, s->tiers[k], s->locations, 4);
        if (geo->have_blocks)
            put_units(r, &at, &geo->housing[i]);
        if (geo->have_households)
            put_units(r, &at, &geo->household_sums[i]);
        if (geo->have_blocks) {
            put_u64(r, &at, geo->pop[i]);
            dti_format_fixed(cell(r, &at), CELL, geo->aland[i], 6);
            dti_format_ratio(cell(r, &at), CELL, s->locations * 1000000, (uint64_t)geo->aland[i],
                             2);
        }
        if (extra && extra_cells(extra, (long)i, r->cells + before_extra,
                                 r->count - before_extra) != r->count - before_extra)
            return dti_nomem(err);
        OGRGeometryH geometry = with_geometry ? dti_polygons_geometry(geo->polygons, i) : NULL;
        if (t && dti_table_write(t, r->text, geometry, err) != DT_OK)
            return err->status;
        if (mem && dti_table_add_row(mem, r->text) != 0)
            return dti_nomem(err);
    }
    return DT_OK;
}

dt_status dti_region_table_write(const char *path, const char *driver, const char *layer_name,
                                 const dti_region_table *regions, const dti_region_stats *stats,
                                 const dti_stats_geo *geo, const dti_extra_run *extra,
                                 dti_table_out **file, dt_table **mem, dt_error *err)
{
    return dti_region_table_write_labeled(path, driver, layer_name, regions, stats, geo, extra,
                                          NULL, file, mem, err);
}

int dti_region_column_known(const char *name)
{
    row *r = calloc(1, sizeof *r);
    dti_stats_geo geo;
    memset(&geo, 0, sizeof geo);
    geo.have_blocks = geo.have_households = 1;
    int known = 0;
    if (r)
        region_columns(r, &geo, NULL, 0);
    for (int c = 0; r && c < r->count; c++)
        known |= strcasecmp(r->columns[c].name, name) == 0;
    free(r);
    return known;
}

dt_status dti_region_table_write_labeled(const char *path, const char *driver,
                                         const char *layer_name, const dti_region_table *regions,
                                         const dti_region_stats *stats, const dti_stats_geo *geo,
                                         const dti_extra_run *extra,
                                         const dti_tables_context *labels, dti_table_out **file,
                                         dt_table **mem, dt_error *err)
{
    row *r = calloc(1, sizeof *r);
    if (file)
        *file = NULL;
    if (mem)
        *mem = NULL;
    if (!r)
        return dti_nomem(err);
    int vector = driver != NULL;
    region_columns(r, geo, labels, vector);
    int before_extra = r->count;
    if (extra)
        extra_columns(r, extra);
    int with_geometry = driver && geo->polygons;
    dti_table_out *t = NULL;
    dt_table *m = NULL;
    dt_status status = DT_OK;
    if (file && !(t = dti_table_open(path, driver, layer_name ? layer_name : "regions", r->columns,
                                     r->count, with_geometry,
                                     geo->polygons ? dti_polygons_srs(geo->polygons) : NULL, err)))
        status = err->status;
    if (status == DT_OK && mem && !(m = dti_table_new(r->columns, r->count)))
        status = dti_nomem(err);
    if (status == DT_OK)
        status = region_rows(r, before_extra, regions, stats, geo, extra, labels, vector,
                             with_geometry, t, m, err);
    free(r);
    if (status != DT_OK) {
        dti_table_abort(t);
        dt_table_free(m);
        return status;
    }
    if (file)
        *file = t;
    if (mem)
        *mem = m;
    return DT_OK;
}

/* ---- blocks ---- */

typedef struct block_writer {
    dti_table_out *table;
    row r;
    const dti_coverage *cov;
    const dti_region_table *regions;
    const dti_stats_geo *geo;
    int prefix_digits;
} block_writer;

static void put_split(row *r, int *at, uint32_t units, const dti_block_tally *tally)
{
    dti_units_split split = dti_units_split_block(units, tally);
    put_u64(r, at, units);
    dti_format_ratio(cell(r, at), CELL, split.den ? split.unserved_num : 0,
                     split.den ? split.den : 1, 1);
    dti_format_ratio(cell(r, at), CELL, split.den ? split.underserved_num : 0,
                     split.den ? split.den : 1, 1);
    put_u64(r, at, split.no_data);
}

static dt_status write_block(uint32_t k, void *geometry, void *user, dt_error *err)
{
    block_writer *w = user;
    const dti_blocks *b = &w->geo->blocks;
    row *r = &w->r;
    uint32_t cb = dti_u64map_get(&w->cov->block_index, b->geoids[k]);
    const dti_block_tally *tally = cb == UINT32_MAX ? NULL : &w->geo->tallies[cb];
    static const dti_block_tally none = {0, 0, 0, 0, 0, 0, 0};
    const dti_block_tally *t = tally ? tally : &none;
    int at = 0;
    snprintf(cell(r, &at), CELL, "%015llu", (unsigned long long)b->geoids[k]);
    char *region = cell(r, &at);
    if (w->geo->polygons)
        snprintf(region, CELL, "%s", "");
    else
        snprintf(region, CELL, "%.*s", w->prefix_digits, r->cells[0]);
    r->text[1] = region;
    uint32_t reg = w->geo->layer_region[k];
    if (w->geo->polygons && reg != DTI_NO_REGION)
        r->text[1] = w->regions->ids[reg];
    put_u64(r, &at, t->locations);
    put_u64(r, &at, t->unserved);
    put_u64(r, &at, t->underserved);
    put_u64(r, &at, t->served);
    put_u64(r, &at, t->residential);
    put_split(r, &at, b->housing[k], tally);
    if (w->geo->have_households) {
        uint32_t h = dti_u64map_get(&w->geo->households.index, b->geoids[k]);
        if (h == UINT32_MAX)
            for (int i = 0; i < 4; i++) /* not in the file: unknown, not zero */
                cell(r, &at)[0] = '\0';
        else
            put_split(r, &at, w->geo->households.values[h], tally);
    }
    put_u64(r, &at, b->pop[k]);
    dti_format_fixed(cell(r, &at), CELL, b->aland[k], 6);
    dti_format_fixed(cell(r, &at), CELL, b->awater[k], 6);
    return dti_table_write(w->table, r->text, geometry, err);
}

dti_table_out *dti_block_table_write(const char *path, const char *driver, const dti_coverage *cov,
                                     const dti_region_table *regions, const dti_stats_geo *geo,
                                     int prefix_digits, dt_error *err)
{
    block_writer *w = calloc(1, sizeof *w);
    if (!w) {
        dti_nomem(err);
        return NULL;
    }
    static const char *const counts[] = {"locations", "unserved", "underserved", "served",
                                         "residential"};
    column(&w->r, "geoid", DTI_CELL_TEXT);
    column(&w->r, "region", DTI_CELL_TEXT);
    for (int i = 0; i < 5; i++)
        column(&w->r, counts[i], DTI_CELL_INTEGER);
    units_columns(&w->r, "housing");
    if (geo->have_households)
        units_columns(&w->r, "households");
    column(&w->r, "pop", DTI_CELL_INTEGER);
    column(&w->r, "land_km2", DTI_CELL_REAL);
    column(&w->r, "water_km2", DTI_CELL_REAL);
    w->cov = cov;
    w->regions = regions;
    w->geo = geo;
    w->prefix_digits = prefix_digits;
    int with_geometry = driver != NULL;
    w->table = dti_table_open(path, driver, "blocks", w->r.columns, w->r.count, with_geometry,
                              geo->blocks.layer_srs[0], err);
    dti_table_out *t = w->table;
    if (t && dti_blocks_each(&geo->blocks, with_geometry, write_block, w, err) != DT_OK) {
        dti_table_abort(t);
        t = NULL;
    }
    free(w);
    return t;
}

/* ---- locations ---- */

int dti_location_id_compare(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int digits_a = la && strspn(a, "0123456789") == la,
        digits_b = lb && strspn(b, "0123456789") == lb;
    if (digits_a != digits_b)
        return digits_a ? -1 : 1;
    if (digits_a) { /* by value, however many digits: without leading zeros, shorter is smaller */
        const char *va = a + strspn(a, "0"), *vb = b + strspn(b, "0");
        size_t na = la - (size_t)(va - a), nb = lb - (size_t)(vb - b);
        if (na != nb)
            return na < nb ? -1 : 1;
        int c = memcmp(va, vb, na);
        if (c)
            return c < 0 ? -1 : 1;
    }
    int c = strcmp(a, b); /* "007" before "7"; other ids in byte order */
    return (c > 0) - (c < 0);
}

int dti_location_key_compare(const dti_coverage *ca, uint64_t x, const dti_coverage *cb, uint64_t y)
{
    if (!((x | y) & DTI_NAMED_BIT)) /* plain numbers have no leading zero: their value decides */
        return x < y ? -1 : x > y;
    char bx[24], by[24];
    const char *a = x & DTI_NAMED_BIT
                        ? dti_strtab_get(&ca->location_names, (uint32_t)(x & ~DTI_NAMED_BIT))
                        : (snprintf(bx, sizeof bx, "%llu", (unsigned long long)x), bx);
    const char *b = y & DTI_NAMED_BIT
                        ? dti_strtab_get(&cb->location_names, (uint32_t)(y & ~DTI_NAMED_BIT))
                        : (snprintf(by, sizeof by, "%llu", (unsigned long long)y), by);
    return dti_location_id_compare(a, b);
}

static int compare_locations(const void *a, const void *b, void *coverage)
{
    const dti_coverage *sort_coverage = coverage;
    return dti_location_key_compare(
        sort_coverage, sort_coverage->location_keys[*(const uint32_t *)a], sort_coverage,
        sort_coverage->location_keys[*(const uint32_t *)b]);
}

uint32_t *dti_location_order(const dti_coverage *cov)
{
    size_t n = cov->location_count;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, compare_locations, (void *)cov);
    return order;
}

uint32_t *dti_location_provider_counts(const dti_coverage *cov)
{
    uint32_t *providers = calloc(cov->location_count + 1, sizeof *providers);
    const dti_u64set *pairs = &cov->location_providers;
    for (size_t i = 0; providers && i <= pairs->mask; i++)
        if (pairs->keys[i] != DTI_EMPTY_KEY)
            providers[pairs->keys[i] >> 32]++;
    return providers;
}

dt_status dti_location_table_write(FILE *stream, const dti_coverage *cov,
                                   const dti_extra_run *extra, const dti_location_context *ctx,
                                   dt_error *err)
{
    FILE *fp = stream;
    size_t n = cov->location_count;
    uint32_t *order = dti_location_order(cov);
    uint32_t *providers = order ? dti_location_provider_counts(cov) : NULL;
    if (!order || !providers) {
        free(order);
        free(providers);
        return dti_nomem(err);
    }
    int with_region = ctx && ctx->regions, with_coordinates = ctx && ctx->lon;
    fputs("location_id,block_geoid,class,best_down,best_up,providers", fp);
    if (extra)
        dti_extra_write_location_header(extra, fp);
    if (with_region)
        fputs(",region", fp);
    if (with_coordinates)
        fputs(",latitude,longitude", fp);
    fputc('\n', fp);
    for (size_t k = 0; k < n; k++) {
        uint32_t i = order[k];
        const dti_location *loc = &cov->locations[i];
        char id[32], down[32], up[32];
        fprintf(fp, "%s,%015llu,%s,%s,%s,%u", dti_location_id(cov, i, id, sizeof id),
                (unsigned long long)cov->block_geoids[loc->block],
                dti_class_name(dti_class_of(loc->flags)),
                dti_format_fixed(down, sizeof down, loc->best_down, 6),
                dti_format_fixed(up, sizeof up, loc->best_up, 6), providers[i]);
        if (extra)
            dti_extra_write_location(extra, cov, i, fp);
        if (with_region) {
            uint32_t r = ctx->regions->block_region[loc->block];
            fputc(',', fp);
            if (r != DTI_NO_REGION)
                dti_csv_put_field(fp, ctx->regions->ids[r]);
        }
        if (with_coordinates && !isnan(ctx->lat[i]))
            fprintf(fp, ",%.15g,%.15g", ctx->lat[i], ctx->lon[i]);
        else if (with_coordinates)
            fputs(",,", fp);
        fputc('\n', fp);
    }
    free(order);
    free(providers);
    return DT_OK;
}
