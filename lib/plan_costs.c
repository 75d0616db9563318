/* The cost model of dialtone plan: density classes read from a CSV and checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_vsi.h>

#include "internal.h"

#define INFINITE_DENSITY INT64_MAX

void dti_cost_model_free(dti_cost_model *m)
{
    if (!m)
        return;
    free(m->classes);
    memset(m, 0, sizeof *m);
}

/* A bound in micro-locations per km2; an empty or "inf" max has no bound. 0 ok, -1 bad. */
static int parse_bound(const char *s, int is_max, int64_t *micro)
{
    if (is_max && (*s == '\0' || strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0)) {
        *micro = INFINITE_DENSITY;
        return 0;
    }
    return dti_parse_decimal(s, 6, micro) >= 0 && *micro < INFINITE_DENSITY ? 0 : -1;
}

char *dti_format_density(char *buf, size_t size, int64_t micro)
{
    if (micro == INFINITE_DENSITY)
        snprintf(buf, size, "inf");
    else
        dti_format_fixed(buf, size, micro, 6);
    return buf;
}

static int compare_classes(const void *a, const void *b)
{
    const dti_cost_class *x = a, *y = b;
    if (x->min_micro != y->min_micro)
        return x->min_micro < y->min_micro ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static dt_status read_rows(dti_cost_model *m, const dti_csv_table *t, dt_error *err)
{
    static const char *const names[] = {"min_density", "max_density", "cost_per_location"};
    int col[3];
    dt_status status = dti_csv_table_require(t, names, 3, col, "a cost model", err);
    if (status != DT_OK)
        return status;
    int label = dti_csv_table_column(t, "label");
    if (t->nrows == 0)
        return dti_error_set(err, DT_ERR_FORMAT, t->path, 0, "no density class in the file");
    if (!(m->classes = calloc(t->nrows, sizeof *m->classes)))
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t r = 0; r < t->nrows; r++) {
        dti_cost_class *c = &m->classes[m->count++];
        const char *min = dti_csv_table_cell(t, r, col[0]), *max = dti_csv_table_cell(t, r, col[1]);
        const char *cost = dti_csv_table_cell(t, r, col[2]);
        long line = t->lines[r];
        c->line = line;
        if (parse_bound(min, 0, &c->min_micro) != 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "min_density '%.40s' is not a number of at least 0", min);
        if (parse_bound(max, 1, &c->max_micro) != 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "max_density '%.40s' is not a number (leave it empty for no "
                                 "upper bound)",
                                 max);
        if (c->max_micro <= c->min_micro)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "max_density %s is not above min_density %s", max, min);
        int rc = dti_parse_cents(cost, &c->cost_per_location);
        if (rc != 0)
            return dti_error_set(
                err, DT_ERR_FORMAT, t->path, line,
                "cost_per_location '%.40s' is %s (dollars, e.g. 12000 or 12000.50)", cost,
                dti_money_error(rc));
        if (c->cost_per_location > DTI_COST_PER_LOCATION_MAX)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "cost_per_location %s is over $100,000,000 per location", cost);
        snprintf(c->label, sizeof c->label, "%s",
                 label >= 0 ? dti_csv_table_cell(t, r, label) : "");
    }
    return DT_OK;
}

/* Sorted by min_density, the classes must tile [0, infinity). */
static dt_status check_tiling(const dti_cost_model *m, const char *path, dt_error *err)
{
    char a[40], b[40], c[40], d[40];
    const dti_cost_class *k = m->classes;
    if (k[0].min_micro != 0)
        return dti_error_set(err, DT_ERR_FORMAT, path, k[0].line,
                             "the lowest density class starts at %s: densities from 0 up to %s "
                             "have no cost (start it at 0)",
                             dti_format_density(a, sizeof a, k[0].min_micro), a);
    for (size_t i = 1; i < m->count; i++) {
        const dti_cost_class *prev = &k[i - 1], *cur = &k[i];
        dti_format_density(a, sizeof a, cur->min_micro);
        dti_format_density(b, sizeof b, cur->max_micro);
        dti_format_density(c, sizeof c, prev->min_micro);
        dti_format_density(d, sizeof d, prev->max_micro);
        if (cur->min_micro < prev->max_micro)
            return dti_error_set(err, DT_ERR_FORMAT, path, cur->line,
                                 "density class %s to %s overlaps the class on line %ld (%s to "
                                 "%s)",
                                 a, b, prev->line, c, d);
        if (cur->min_micro > prev->max_micro)
            return dti_error_set(err, DT_ERR_FORMAT, path, cur->line,
                                 "gap: no class covers densities from %s to %s (the class on line "
                                 "%ld ends at %s, this one starts at %s)",
                                 d, a, prev->line, d, a);
    }
    const dti_cost_class *last = &k[m->count - 1];
    if (last->max_micro != INFINITE_DENSITY)
        return dti_error_set(err, DT_ERR_FORMAT, path, last->line,
                             "the highest density class ends at %s: densities of %s and more "
                             "have no cost (leave its max_density empty)",
                             dti_format_density(a, sizeof a, last->max_micro), a);
    return DT_OK;
}

dt_status dti_cost_model_read(dti_cost_model *m, const char *path, dt_error *err)
{
    static const char memory_path[] = "/vsimem/dialtone/cost_model.csv";
    memset(m, 0, sizeof *m);
    dti_gdal_init();
    snprintf(m->source, sizeof m->source, "%s", path ? path : DTI_DEFAULT_COSTS_NAME);
    if (!path) {
        VSILFILE *fp = VSIFileFromMemBuffer(memory_path, (GByte *)(uintptr_t)dti_default_costs,
                                            (vsi_l_offset)strlen(dti_default_costs), FALSE);
        if (!fp)
            return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        VSIFCloseL(fp);
    }
    dti_csv_table t;
    dt_status status = dti_csv_table_read(&t, path ? path : memory_path, m->source, 1, err);
    if (!path)
        VSIUnlink(memory_path);
    if (status == DT_OK)
        status = read_rows(m, &t, err);
    if (status == DT_OK) {
        qsort(m->classes, m->count, sizeof *m->classes, compare_classes);
        status = check_tiling(m, t.path, err);
    }
    dti_csv_table_free(&t);
    if (status != DT_OK)
        dti_cost_model_free(m);
    return status;
}

const dti_cost_class *dti_cost_class_of(const dti_cost_model *m, uint64_t locations,
                                        int64_t land_m2)
{
    /* density >= min  <=>  locations / (land_m2 / 1e6) >= min_micro / 1e6
     *                 <=>  locations * 1e12 >= min_micro * land_m2, exactly in 128 bits;
     * no land: an infinite density, the last class */
    const dti_cost_class *found = &m->classes[0];
    for (size_t i = 1; i < m->count; i++) {
        const dti_cost_class *c = &m->classes[i];
        if (land_m2 > 0 && (dti_u128)locations * 1000000000000ULL <
                               (dti_u128)(uint64_t)c->min_micro * (uint64_t)land_m2)
            break;
        found = c;
    }
    return found;
}
