/* SPDX-License-Identifier: MIT */
/* Housing units and households per block, split by the classes of its residential locations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

dt_status dti_block_tallies(const dti_coverage *cov, dti_block_tally **out, dt_error *err)
{
    size_t n = cov->block_count;
    dti_block_tally *t = calloc(n ? n : 1, sizeof *t);
    if (!t)
        return dti_nomem(err);
    for (size_t i = 0; i < cov->location_count; i++) {
        const dti_location *loc = &cov->locations[i];
        dti_block_tally *b = &t[loc->block];
        dti_class c = dti_class_of(loc->flags);
        b->locations++;
        b->unserved += c == DTI_UNSERVED;
        b->underserved += c == DTI_UNDERSERVED;
        b->served += c == DTI_SERVED;
        if (loc->residential) {
            b->residential++;
            b->residential_unserved += c == DTI_UNSERVED;
            b->residential_underserved += c == DTI_UNDERSERVED;
        }
    }
    *out = t;
    return DT_OK;
}

dti_units_split dti_units_split_block(uint32_t units, const dti_block_tally *tally)
{
    dti_units_split split = {0, 0, 0, 0};
    if (!tally || tally->residential == 0) {
        split.no_data = units;
        return split;
    }
    split.unserved_num = (uint64_t)units * tally->residential_unserved;
    split.underserved_num = (uint64_t)units * tally->residential_underserved;
    split.den = tally->residential;
    return split;
}

dt_status dti_units_sum(const dti_coverage *cov, const dti_block_tally *tallies,
                        const uint64_t *geoids, const uint32_t *units, const uint32_t *region,
                        size_t count, size_t nregions, dti_units_sums **out, dt_error *err)
{
    dti_units_sums *sums = calloc(nregions ? nregions : 1, sizeof *sums);
    dti_fraction_sums *unserved = dti_fraction_sums_new(nregions);
    dti_fraction_sums *underserved = dti_fraction_sums_new(nregions);
    dt_status status = sums && unserved && underserved ? DT_OK : DT_ERR_NOMEM;
    uint32_t blocks[DTI_STRETCH]; /* the coverage block of each entry of a stretch */
    for (size_t i = 0; i < count && status == DT_OK; i++) {
        dti_u64map_get_stretch(&cov->block_index, geoids, i, count, blocks);
        uint32_t r = region[i];
        if (r == DTI_NO_REGION)
            continue;
        uint32_t block = blocks[i % DTI_STRETCH];
        dti_units_split split =
            dti_units_split_block(units[i], block == UINT32_MAX ? NULL : &tallies[block]);
        sums[r].units += units[i];
        sums[r].no_data += split.no_data;
        if (split.den &&
            (dti_fraction_sums_add(unserved, r, split.unserved_num, split.den) != 0 ||
             dti_fraction_sums_add(underserved, r, split.underserved_num, split.den) != 0))
            status = DT_ERR_NOMEM;
    }
    for (size_t r = 0; r < nregions && status == DT_OK; r++)
        if (dti_fraction_sums_round(unserved, r, 1, &sums[r].unserved_x10) != 0 ||
            dti_fraction_sums_round(underserved, r, 1, &sums[r].underserved_x10) != 0)
            status = DT_ERR_NOMEM;
    dti_fraction_sums_free(unserved);
    dti_fraction_sums_free(underserved);
    if (status != DT_OK) {
        free(sums);
        return dti_error_set(err, status, NULL, 0, "out of memory");
    }
    *out = sums;
    return DT_OK;
}

void dti_block_counts_free(dti_block_counts *c)
{
    if (!c)
        return;
    free(c->geoids);
    free(c->values);
    dti_u64map_free(&c->index);
    memset(c, 0, sizeof *c);
}

dt_status dti_households_read(const char *path, dti_block_counts *c, dt_error *err)
{
    memset(c, 0, sizeof *c);
    if (dti_u64map_init(&c->index, 1 << 14) != 0)
        return dti_nomem(err);
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv) {
        dti_block_counts_free(c);
        return err->status;
    }
    enum { MAXF = 64 };
    dti_field f[MAXF];
    int n, rc, geoid_col = -1, value_col = -1, header_fields = 0;
    size_t cap = 0;
    dt_status status = DT_OK;
    rc = dti_csv_next(csv, f, MAXF, &n, err);
    if (rc > 0) {
        header_fields = n;
        geoid_col = dti_csv_column(f, n < MAXF ? n : MAXF, "geoid");
        value_col = dti_csv_column(f, n < MAXF ? n : MAXF, "households");
    }
    if (rc < 0)
        status = err->status;
    else if (rc > 0)
        status = dti_csv_check_header(csv, f, n < MAXF ? n : MAXF, err);
    if (status == DT_OK && (geoid_col < 0 || value_col < 0))
        status = dti_error_set(err, DT_ERR_FORMAT, path, 1,
                               "not a households file: expected a header with columns "
                               "'geoid' and 'households'");
    while (status == DT_OK && (rc = dti_csv_next(csv, f, MAXF, &n, err)) > 0) {
        uint64_t geoid, value;
        const dti_field *g = &f[geoid_col], *v = &f[value_col];
        const char *why = NULL;
        if (n != header_fields)
            why = "wrong number of fields for the header";
        else if (g->len != 15 || dti_parse_u64(g->s, 15, &geoid) != 0)
            why = "geoid is not a 15-digit census block GEOID";
        else if (dti_parse_u64(v->s, v->len, &value) != 0 || value > UINT32_MAX)
            why = "households is not a whole number >= 0";
        if (why) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, dti_csv_line(csv), "%s", why);
            break;
        }
        void *const arrays[] = {&c->geoids, &c->values};
        const size_t sizes[] = {sizeof *c->geoids, sizeof *c->values};
        if (dti_grow_n(arrays, sizes, 2, &cap, c->count + 1, 1 << 14) != 0) {
            status = dti_nomem(err);
            break;
        }
        int inserted;
        uint32_t *slot = dti_u64map_put(&c->index, geoid, (uint32_t)c->count, &inserted);
        if (!slot) {
            status = dti_nomem(err);
        } else if (!inserted) {
            status =
                dti_error_set(err, DT_ERR_FORMAT, path, dti_csv_line(csv),
                              "block %015llu appears a second time", (unsigned long long)geoid);
        } else {
            c->geoids[c->count] = geoid;
            c->values[c->count++] = (uint32_t)value;
        }
    }
    if (status == DT_OK && rc < 0)
        status = err->status;
    dti_csv_close(csv);
    if (status != DT_OK)
        dti_block_counts_free(c);
    return status;
}
