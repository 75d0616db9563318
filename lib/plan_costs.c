/* SPDX-License-Identifier: MIT */
/* The cost model of dialtone plan: density classes read from a CSV and checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_vsi.h>

#include "internal.h"

void dti_cost_model_free(dti_cost_model *m)
{
    if (!m)
        return;
    free(m->classes);
    memset(m, 0, sizeof *m);
}

/* An empty or "inf" max has no bound (*unbounded). 0 ok, else dti_parse_exact's code. */
static int parse_bound(const char *s, int *unbounded, dti_decimal *d)
{
    if (unbounded && (*s == '\0' || strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0)) {
        *unbounded = 1;
        return 0;
    }
    return dti_parse_exact(s, d);
}

static const char *bound_error(int rc)
{
    return rc == -4 ? "has more than 18 digits (leading zeros and trailing zeros after the point "
                      "not counted)"
                    : "is not a number of at least 0";
}

/* A bound as text ("inf" for none). */
static char *format_bound(char *buf, size_t size, const dti_decimal *d, int unbounded)
{
    if (unbounded)
        snprintf(buf, size, "inf");
    else
        dti_format_decimal(buf, size, *d);
    return buf;
}

static int compare_classes(const void *a, const void *b)
{
    const dti_cost_class *x = a, *y = b;
    int c = dti_decimal_compare(x->min, y->min);
    if (c)
        return c;
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
        return dti_nomem(err);
    for (size_t r = 0; r < t->nrows; r++) {
        dti_cost_class *c = &m->classes[m->count++];
        const char *min = dti_csv_table_cell(t, r, col[0]), *max = dti_csv_table_cell(t, r, col[1]);
        const char *cost = dti_csv_table_cell(t, r, col[2]);
        long line = t->lines[r];
        c->line = line;
        int rc = parse_bound(min, NULL, &c->min);
        if (rc != 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line, "min_density '%.40s' %s", min,
                                 bound_error(rc));
        if ((rc = parse_bound(max, &c->unbounded, &c->max)) != 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "max_density '%.40s' %s (leave it empty for no upper bound)", max,
                                 bound_error(rc));
        if (!c->unbounded && dti_decimal_compare(c->max, c->min) <= 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "max_density %s is not above min_density %s", max, min);
        rc = dti_money_parse(cost, strlen(cost), DTI_MONEY_CENTS, DTI_COST_PER_LOCATION_MAX,
                             &c->cost_per_location);
        if (rc == -4)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                 "cost_per_location %s is over $100,000,000 per location", cost);
        if (rc != 0)
            return dti_error_set(
                err, DT_ERR_FORMAT, t->path, line,
                "cost_per_location '%.40s' is %s (dollars, e.g. 12000 or 12000.50)", cost,
                dti_money_error(rc));
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
    if (k[0].min.digits != 0)
        return dti_error_set(err, DT_ERR_FORMAT, path, k[0].line,
                             "the lowest density class starts at %s: densities from 0 up to %s "
                             "have no cost (start it at 0)",
                             dti_format_decimal(a, sizeof a, k[0].min), a);
    for (size_t i = 1; i < m->count; i++) {
        const dti_cost_class *prev = &k[i - 1], *cur = &k[i];
        format_bound(a, sizeof a, &cur->min, 0);
        format_bound(b, sizeof b, &cur->max, cur->unbounded);
        format_bound(c, sizeof c, &prev->min, 0);
        format_bound(d, sizeof d, &prev->max, prev->unbounded);
        /* an unbounded class below another overlaps it */
        int order = prev->unbounded ? 1 : dti_decimal_compare(prev->max, cur->min);
        if (order > 0)
            return dti_error_set(err, DT_ERR_FORMAT, path, cur->line,
                                 "density class %s to %s overlaps the class on line %ld (%s to "
                                 "%s)",
                                 a, b, prev->line, c, d);
        if (order < 0)
            return dti_error_set(err, DT_ERR_FORMAT, path, cur->line,
                                 "gap: no class covers densities from %s to %s (the class on line "
                                 "%ld ends at %s, this one starts at %s)",
                                 d, a, prev->line, d, a);
    }
    const dti_cost_class *last = &k[m->count - 1];
    if (!last->unbounded)
        return dti_error_set(err, DT_ERR_FORMAT, path, last->line,
                             "the highest density class ends at %s: densities of %s and more "
                             "have no cost (leave its max_density empty)",
                             dti_format_decimal(a, sizeof a, last->max), a);
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
            return dti_nomem(err);
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

/* locations / land >= bound, exactly: with land = l / 10^p and bound = b / 10^q,
 * locations * 10^p / l >= b / 10^q  <=>  locations * 10^(p+q) >= b * l, where b * l and
 * 10^(p+q) are below 10^36 and locations * 10^(p+q) >= b * l  <=>  10^(p+q) >= ceil(b * l /
 * locations): no product leaves 128 bits, no double, no rounding. */
static int density_at_least(uint64_t locations, dti_decimal land, dti_decimal bound)
{
    dti_u128 product = (dti_u128)bound.digits * land.digits;
    if (product == 0)
        return 1;
    if (locations == 0)
        return 0;
    dti_u128 power = 1;
    for (int i = 0; i < land.scale + bound.scale; i++)
        power *= 10;
    return power >= product / locations + (product % locations != 0);
}

const dti_cost_class *dti_cost_class_of(const dti_cost_model *m, uint64_t locations,
                                        dti_decimal land_km2)
{
    /* no land: an infinite density, the last class */
    const dti_cost_class *found = &m->classes[0];
    for (size_t i = 1; i < m->count; i++) {
        const dti_cost_class *c = &m->classes[i];
        if (land_km2.digits > 0 && !density_at_least(locations, land_km2, c->min))
            break;
        found = c;
    }
    return found;
}
