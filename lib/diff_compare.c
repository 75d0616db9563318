/* SPDX-License-Identifier: MIT */
/* dialtone diff: the per-location comparison of two coverages and its tables. */
#define _GNU_SOURCE /* qsort_r: the comparison's context is an argument, not a static */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dti_diff_free(dti_diff *d)
{
    if (!d)
        return;
    for (size_t r = 0; r < d->count; r++)
        free(d->ids[r]);
    free(d->ids);
    free(d->regions);
    free(d->block_region[0]);
    free(d->block_region[1]);
    free(d->changes);
    memset(d, 0, sizeof *d);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Regions: the GEOID prefixes of both coverages' blocks, sorted; each block's region. */
static dt_status make_regions(dti_diff *d, const dti_coverage *const cov[2], int digits,
                              dt_error *err)
{
    uint64_t divisor = 1;
    for (int i = digits; i < 15; i++)
        divisor *= 10;
    size_t total = cov[0]->block_count + cov[1]->block_count;
    uint64_t *prefixes = malloc((total ? total : 1) * sizeof *prefixes);
    dti_u64map index;
    if (!prefixes || dti_u64map_init(&index, 1024) != 0) {
        free(prefixes);
        return dti_nomem(err);
    }
    dt_status status = DT_OK;
    size_t count = 0;
    for (int c = 0; c < 2 && status == DT_OK; c++)
        for (size_t b = 0; b < cov[c]->block_count; b++) {
            int inserted;
            uint64_t prefix = cov[c]->block_geoids[b] / divisor;
            if (!dti_u64map_put(&index, prefix, 0, &inserted)) {
                status = dti_nomem(err);
                break;
            }
            if (inserted)
                prefixes[count++] = prefix;
        }
    if (status == DT_OK) {
        qsort(prefixes, count, sizeof *prefixes, compare_u64);
        d->ids = calloc(count + 1, sizeof *d->ids);
        d->regions = calloc(count + 1, sizeof *d->regions);
        for (int c = 0; c < 2; c++)
            d->block_region[c] = malloc((cov[c]->block_count + 1) * sizeof(uint32_t));
        if (!d->ids || !d->regions || !d->block_region[0] || !d->block_region[1])
            status = dti_nomem(err);
    }
    for (size_t r = 0; status == DT_OK && r < count; r++) {
        int inserted;
        *dti_u64map_put(&index, prefixes[r], 0, &inserted) = (uint32_t)r;
        if (!(d->ids[r] = malloc((size_t)digits + 1))) {
            status = dti_nomem(err);
            break;
        }
        snprintf(d->ids[r], (size_t)digits + 1, "%0*llu", digits, (unsigned long long)prefixes[r]);
        d->count = r + 1;
    }
    for (int c = 0; c < 2 && status == DT_OK; c++)
        for (size_t b = 0; b < cov[c]->block_count; b++)
            d->block_region[c][b] = dti_u64map_get(&index, cov[c]->block_geoids[b] / divisor);
    free(prefixes);
    dti_u64map_free(&index);
    return status;
}

/* The index in NEW of OLD's location i, or UINT32_MAX. Names are looked up by their text
 * (interning into NEW's table, which only adds names no location uses). */
static uint32_t find_in_new(const dti_coverage *old, dti_coverage *new_cov, size_t i)
{
    uint64_t key = old->location_keys[i];
    if (key & DTI_NAMED_BIT) {
        const char *name = dti_strtab_get(&old->location_names, (uint32_t)(key & ~DTI_NAMED_BIT));
        uint32_t index = dti_strtab_intern(&new_cov->location_names, name, strlen(name));
        if (index == UINT32_MAX)
            return UINT32_MAX - 1; /* out of memory */
        key = DTI_NAMED_BIT | index;
    }
    return dti_u64map_get(&new_cov->location_index, key);
}

/* The technology credited: the first (fiber, cable, ...) whose rows met the class. */
static int credited(const dti_location *loc, dti_class c)
{
    unsigned mask = c == DTI_SERVED ? loc->served_techs : loc->underserved_techs;
    return mask ? __builtin_ctz(mask) : -1;
}

static int add_change(dti_diff *d, uint32_t old_index, uint32_t new_index, int kind, int tech)
{
    if (dti_grow(&d->changes, &d->change_cap, d->change_count + 1, sizeof *d->changes, 256) != 0)
        return -1;
    d->changes[d->change_count++] =
        (dti_diff_change){old_index, new_index, (uint8_t)kind, (int8_t)tech};
    return 0;
}

static void count_class(dti_diff_region *r, int release, dti_class c)
{
    r->locations[release]++;
    if (c == DTI_SERVED)
        r->served[release]++;
    else if (c == DTI_UNDERSERVED)
        r->underserved[release]++;
    else
        r->unserved[release]++;
}

dt_status dti_diff_compare(const dti_coverage *old, dti_coverage *new_cov, int digits,
                           int want_changes, dti_diff *d, dt_error *err)
{
    memset(d, 0, sizeof *d);
    const dti_coverage *const cov[2] = {old, new_cov};
    dt_status status = make_regions(d, cov, digits, err);
    uint8_t *matched = calloc(new_cov->location_count + 1, 1);
    if (status == DT_OK && !matched)
        status = dti_nomem(err);
    for (size_t i = 0; status == DT_OK && i < old->location_count; i++) {
        const dti_location *a = &old->locations[i];
        dti_class ca = dti_class_of(a->flags);
        dti_diff_region *ra = &d->regions[d->block_region[0][a->block]];
        count_class(ra, 0, ca);
        uint32_t j = find_in_new(old, new_cov, i);
        int kind = -1, tech = -1;
        if (j == UINT32_MAX - 1) {
            status = dti_nomem(err);
            break;
        }
        if (j == UINT32_MAX) {
            ra->vanished++;
            kind = DTI_CHANGE_VANISHED;
        } else {
            matched[j] = 1;
            const dti_location *b = &new_cov->locations[j];
            dti_class cb = dti_class_of(b->flags);
            dti_diff_region *rb = &d->regions[d->block_region[1][b->block]];
            if (rb != ra) { /* its block is in another region now */
                ra->vanished++;
                rb->appeared++;
                d->moved++;
                kind = DTI_CHANGE_MOVED;
            } else if (cb > ca) {
                tech = credited(b, cb);
                ra->upgraded++;
                ra->upgraded_by[tech]++;
                kind = DTI_CHANGE_UPGRADED;
            } else if (cb < ca) {
                tech = credited(a, ca);
                ra->downgraded++;
                ra->downgraded_by[tech]++;
                kind = DTI_CHANGE_DOWNGRADED;
            }
        }
        if (want_changes && kind >= 0 && add_change(d, (uint32_t)i, j, kind, tech) != 0)
            status = dti_nomem(err);
    }
    for (size_t j = 0; status == DT_OK && j < new_cov->location_count; j++) {
        const dti_location *b = &new_cov->locations[j];
        dti_diff_region *rb = &d->regions[d->block_region[1][b->block]];
        count_class(rb, 1, dti_class_of(b->flags));
        if (matched[j])
            continue;
        rb->appeared++;
        if (want_changes && add_change(d, UINT32_MAX, (uint32_t)j, DTI_CHANGE_APPEARED, -1) != 0)
            status = dti_nomem(err);
    }
    free(matched);
    if (status != DT_OK)
        dti_diff_free(d);
    return status;
}

/* ---- tables ---- */

/* The region table's columns: geoid, then counts (the changes may be negative). */
static int diff_columns(dti_column *cols, char names[][40])
{
    static const char *const fixed[] = {
        "geoid",           "locations_old",      "locations_new", "locations_change",
        "served_old",      "served_new",         "served_change", "underserved_old",
        "underserved_new", "underserved_change", "unserved_old",  "unserved_new",
        "unserved_change", "appeared",           "vanished",      "upgraded",
        "downgraded"};
    int n = 0;
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        cols[n++] = (dti_column){fixed[k], k ? DTI_CELL_INTEGER : DTI_CELL_TEXT};
    for (int up = 1; up >= 0; up--)
        for (int t = 0; t < DTI_TECH_COUNT; t++) {
            snprintf(names[n], 40, "%s_%s", up ? "upgraded" : "downgraded", dti_tech_names[t]);
            cols[n] = (dti_column){names[n], DTI_CELL_INTEGER};
            n++;
        }
    return n;
}

int dti_diff_write(FILE *fp, dt_table **mem, const dti_diff *d)
{
    enum { MAX_COLUMNS = 17 + 2 * DTI_TECH_COUNT };
    dti_column cols[MAX_COLUMNS];
    char names[MAX_COLUMNS][40];
    int n = diff_columns(cols, names);
    if (mem && !(*mem = dti_table_new(cols, n)))
        return -1;
    for (int c = 0; fp && c < n; c++)
        fprintf(fp, "%s%s", c ? "," : "", cols[c].name);
    if (fp)
        fputc('\n', fp);
    char v[MAX_COLUMNS][24];
    const char *cells[MAX_COLUMNS];
    for (size_t r = 0; r < d->count; r++) {
        const dti_diff_region *g = &d->regions[r];
        int k = 0;
        cells[k++] = d->ids[r];
#define COUNT(x)                                                                                   \
    (snprintf(v[k], sizeof v[k], "%llu", (unsigned long long)(x)), cells[k] = v[k], k++)
#define CHANGE(a, b)                                                                               \
    (COUNT(a), COUNT(b), snprintf(v[k], sizeof v[k], "%lld", (long long)(b) - (long long)(a)),     \
     cells[k] = v[k], k++)
        CHANGE(g->locations[0], g->locations[1]);
        CHANGE(g->served[0], g->served[1]);
        CHANGE(g->underserved[0], g->underserved[1]);
        CHANGE(g->unserved[0], g->unserved[1]);
        COUNT(g->appeared), COUNT(g->vanished), COUNT(g->upgraded), COUNT(g->downgraded);
        for (int t = 0; t < DTI_TECH_COUNT; t++)
            COUNT(g->upgraded_by[t]);
        for (int t = 0; t < DTI_TECH_COUNT; t++)
            COUNT(g->downgraded_by[t]);
#undef CHANGE
#undef COUNT
        for (int c = 0; fp && c < k; c++) {
            if (c)
                fputc(',', fp);
            fputs(cells[c], fp); /* GEOID prefixes and counts: never quoted */
        }
        if (fp)
            fputc('\n', fp);
        if (mem && dti_table_add_row(*mem, cells) != 0)
            return -1;
    }
    return 0;
}

/* A change's location key and the coverage (of covs: old, new) that names it. */
static uint64_t change_key(const dti_diff_change *c, const dti_coverage *const *covs,
                           const dti_coverage **cov)
{
    int which = c->old_index == UINT32_MAX;
    *cov = covs[which];
    return covs[which]->location_keys[which ? c->new_index : c->old_index];
}

/* In location id order, as stats' location table (dti_location_id_compare). */
static int compare_changes(const void *pa, const void *pb, void *covs)
{
    const dti_coverage *ca, *cb;
    uint64_t x = change_key(pa, covs, &ca), y = change_key(pb, covs, &cb);
    return dti_location_key_compare(ca, x, cb, y);
}

void dti_diff_write_changes(FILE *stream, dti_diff *d, const dti_coverage *old,
                            const dti_coverage *new_cov)
{
    static const char *const kinds[] = {"upgraded", "downgraded", "appeared", "vanished", "moved"};
    FILE *fp = stream;
    const dti_coverage *covs[2] = {old, new_cov};
    qsort_r(d->changes, d->change_count, sizeof *d->changes, compare_changes, covs);
    fputs("location_id,change,class_old,class_new,region_old,region_new,technology\n", fp);
    for (size_t i = 0; i < d->change_count; i++) {
        const dti_diff_change *c = &d->changes[i];
        const dti_location *a = c->old_index != UINT32_MAX ? &old->locations[c->old_index] : NULL;
        const dti_location *b =
            c->new_index != UINT32_MAX ? &new_cov->locations[c->new_index] : NULL;
        char id[32];
        const char *text = a ? dti_location_id(old, c->old_index, id, sizeof id)
                             : dti_location_id(new_cov, c->new_index, id, sizeof id);
        dti_csv_put_field(fp, text);
        fprintf(fp, ",%s,%s,%s,%s,%s,%s\n", kinds[c->kind],
                a ? dti_class_name(dti_class_of(a->flags)) : "",
                b ? dti_class_name(dti_class_of(b->flags)) : "",
                a ? d->ids[d->block_region[0][a->block]] : "",
                b ? d->ids[d->block_region[1][b->block]] : "",
                c->tech >= 0 ? dti_tech_names[c->tech] : "");
    }
}
