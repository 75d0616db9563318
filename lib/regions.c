/* SPDX-License-Identifier: MIT */
/* Regions (GEOID prefixes or polygons) and the per-region statistics of SPEC.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "select.h"

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

dt_status dti_regions_by_prefix(const dti_coverage *cov, int digits, dti_region_table *regions,
                                dt_error *err)
{
    memset(regions, 0, sizeof *regions);
    uint64_t divisor = 1;
    for (int i = digits; i < 15; i++)
        divisor *= 10;
    size_t nblocks = cov->block_count;
    uint64_t *prefixes = malloc((nblocks ? nblocks : 1) * sizeof *prefixes);
    regions->block_region = malloc((nblocks ? nblocks : 1) * sizeof *regions->block_region);
    dti_u64map index;
    if (!prefixes || !regions->block_region || dti_u64map_init(&index, 1024) != 0) {
        free(prefixes);
        dti_regions_free(regions);
        return dti_nomem(err);
    }
    /* Distinct prefixes, sorted: fixed-width numbers sort as their text. */
    size_t count = 0;
    for (size_t b = 0; b < nblocks; b++) {
        int inserted;
        uint64_t prefix = cov->block_geoids[b] / divisor;
        if (!dti_u64map_put(&index, prefix, 0, &inserted))
            goto nomem;
        if (inserted)
            prefixes[count++] = prefix;
    }
    qsort(prefixes, count, sizeof *prefixes, compare_u64);
    regions->ids = calloc(count ? count : 1, sizeof *regions->ids);
    if (!regions->ids)
        goto nomem;
    regions->count = count;
    for (size_t r = 0; r < count; r++) {
        int inserted;
        *dti_u64map_put(&index, prefixes[r], (uint32_t)r, &inserted) = (uint32_t)r;
        regions->ids[r] = malloc((size_t)digits + 1);
        if (!regions->ids[r])
            goto nomem;
        snprintf(regions->ids[r], (size_t)digits + 1, "%0*llu", digits,
                 (unsigned long long)prefixes[r]);
    }
    for (size_t b = 0; b < nblocks; b++)
        regions->block_region[b] = dti_u64map_get(&index, cov->block_geoids[b] / divisor);
    free(prefixes);
    dti_u64map_free(&index);
    return DT_OK;
nomem:
    free(prefixes);
    dti_u64map_free(&index);
    dti_regions_free(regions);
    return dti_nomem(err);
}

dt_status dti_regions_from_polygons(const dti_coverage *cov, const dti_blocks *blocks,
                                    const uint32_t *layer_region, const dti_polygons *polygons,
                                    dti_region_table *regions, dt_error *err)
{
    memset(regions, 0, sizeof *regions);
    size_t count = dti_polygons_count(polygons), nblocks = cov->block_count;
    regions->ids = calloc(count ? count : 1, sizeof *regions->ids);
    regions->block_region = malloc((nblocks ? nblocks : 1) * sizeof *regions->block_region);
    if (!regions->ids || !regions->block_region) {
        dti_regions_free(regions);
        return dti_nomem(err);
    }
    regions->count = count;
    for (size_t r = 0; r < count; r++)
        if (!(regions->ids[r] = strdup(dti_polygons_id(polygons, r)))) {
            dti_regions_free(regions);
            return dti_nomem(err);
        }
    /* SPEC: a location whose block is not in the blocks layer is left out */
    dti_u64map_get_many(&blocks->index, cov->block_geoids, nblocks, regions->block_region);
    for (size_t b = 0; b < nblocks; b++) {
        uint32_t k = regions->block_region[b]; /* the layer block, until here */
        regions->block_region[b] =
            k == UINT32_MAX || blocks->count == 0 ? DTI_NO_REGION : layer_region[k];
    }
    return DT_OK;
}

void dti_regions_free(dti_region_table *regions)
{
    if (!regions)
        return;
    if (regions->ids)
        for (size_t r = 0; r < regions->count; r++)
            free(regions->ids[r]);
    free(regions->ids);
    free(regions->block_region);
    memset(regions, 0, sizeof *regions);
}

#define INT64_LESS(a, b) ((a) < (b))
DTI_DEFINE_SELECT(select_int64, int64_t, INT64_LESS)

int64_t dti_select_kth(int64_t *values, size_t n, size_t k) { return select_int64(values, n, k); }

int64_t dti_median_x2(int64_t *values, size_t n)
{
    if (n == 0)
        return 0;
    int64_t upper = dti_select_kth(values, n, n / 2);
    if (n % 2)
        return 2 * upper;
    /* the lower middle is the largest value left of n/2 after selection */
    int64_t lower = values[0];
    for (size_t i = 1; i < n / 2; i++)
        if (values[i] > lower)
            lower = values[i];
    return lower + upper;
}

static int count_provider(void *user, uint32_t region, uint32_t provider)
{
    (void)provider;
    ((dti_region_stats *)user)[region].providers++;
    return 0;
}

/* The statistics in parts (dti_parallel), each part a slice of the locations: first each part
 * counts its slice into counts of its own, which are added up; then, every region given its
 * place in one array of best_downs from the counts (a counting sort), each part writes its
 * slice's best_downs at its own place within each region (in the order one pass gives); then
 * each part takes the medians of the regions that start in its slice of that array. */
typedef struct stats_job {
    const dti_coverage *cov;
    const uint32_t *block_region;
    size_t nreg;
    int phase; /* 0 count, 1 best_downs, 2 medians */
    dti_region_stats *counts[DTI_PARALLEL_MAX];
    size_t *fill[DTI_PARALLEL_MAX]; /* per region: the part's next place in downs */
    const size_t *start;            /* per region: its first place (nreg + 1) */
    int64_t *downs;
    dti_region_stats *stats;
} stats_job;

static void stats_part(void *user, int part, int parts)
{
    stats_job *j = user;
    const dti_location *locations = j->cov->locations;
    const uint32_t *block_region = j->block_region;
    size_t from, to;
    if (j->phase == 2) {
        dti_slice(j->start[j->nreg], part, parts, &from, &to);
        for (size_t r = 0; r < j->nreg; r++)
            if (j->stats[r].locations && j->start[r] >= from && j->start[r] < to)
                j->stats[r].median_down_x2 =
                    dti_median_x2(j->downs + j->start[r], j->stats[r].locations);
        return;
    }
    dti_slice(j->cov->location_count, part, parts, &from, &to);
    if (j->phase == 1) {
        size_t *fill = j->fill[part];
        for (size_t i = from; i < to; i++) {
            uint32_t r = block_region[locations[i].block];
            if (r != DTI_NO_REGION)
                j->downs[fill[r]++] = locations[i].best_down;
        }
        return;
    }
    dti_region_stats *counts = j->counts[part];
    for (size_t i = from; i < to; i++) {
        const dti_location *loc = &locations[i];
        uint32_t r = block_region[loc->block];
        if (r == DTI_NO_REGION)
            continue;
        dti_region_stats *s = &counts[r];
        s->locations++;
        switch (dti_class_of(loc->flags)) {
        case DTI_SERVED: s->served++; break;
        case DTI_UNDERSERVED: s->underserved++; break;
        case DTI_UNSERVED: s->unserved++; break;
        }
        for (int t = 0; t < DTI_TIER_COUNT; t++)
            s->tiers[t] += (loc->flags >> t) & 1u;
    }
}

dt_status dti_region_stats_compute(const dti_coverage *cov, const dti_region_table *regions,
                                   dti_region_stats **out, dt_error *err)
{
    size_t nreg = regions->count, nloc = cov->location_count;
    /* as many parts as the coverage was read on, each with 64 Ki locations or more (tests:
     * DIALTONE_STATS_PART_MIN), while the parts' own counts (about 100 bytes a region) stay
     * small: 64 Ki regions in all, or an eighth of the locations */
    size_t part_min =
        (size_t)strtoull(dti_config_option("DIALTONE_STATS_PART_MIN", "65536"), NULL, 10);
    int parts = dti_parts_for(cov->threads, nloc, part_min);
    while (parts > 1 && nreg * (size_t)parts > ((size_t)1 << 16) && nreg * (size_t)parts > nloc / 8)
        parts--;
    stats_job j = {.cov = cov, .block_region = regions->block_region, .nreg = nreg};
    size_t *start = calloc(nreg + 1, sizeof *start);
    j.stats = calloc(nreg ? nreg : 1, sizeof *j.stats);
    j.downs = malloc((nloc ? nloc : 1) * sizeof *j.downs);
    int ok = start && j.stats && j.downs;
    for (int k = 0; ok && k < parts; k++)
        ok = (j.counts[k] = calloc(nreg ? nreg : 1, sizeof *j.counts[k])) != NULL &&
             (j.fill[k] = malloc((nreg ? nreg : 1) * sizeof *j.fill[k])) != NULL;
    if (ok) {
        dti_parallel(parts, stats_part, &j);
        for (size_t r = 0; r < nreg; r++) {
            dti_region_stats *s = &j.stats[r];
            size_t at = start[r];
            for (int k = 0; k < parts; k++) {
                const dti_region_stats *c = &j.counts[k][r];
                j.fill[k][r] = at;
                at += c->locations;
                s->locations += c->locations;
                s->unserved += c->unserved;
                s->underserved += c->underserved;
                s->served += c->served;
                for (int t = 0; t < DTI_TIER_COUNT; t++)
                    s->tiers[t] += c->tiers[t];
            }
            start[r + 1] = at;
        }
        j.start = start;
        j.phase = 1;
        dti_parallel(parts, stats_part, &j);
        j.phase = 2;
        dti_parallel(parts, stats_part, &j);
    }
    for (int k = 0; k < parts; k++) {
        free(j.counts[k]);
        free(j.fill[k]);
    }
    free(start);
    free(j.downs);
    /* distinct (region, provider): the OR of the region's block bitmaps */
    if (!ok ||
        dti_region_providers_each(cov, regions->block_region, nreg, count_provider, j.stats) != 0) {
        free(j.stats);
        return dti_nomem(err);
    }
    *out = j.stats;
    return DT_OK;
}

/* The GEOID prefix levels, in one place for every command. */
static const struct {
    const char *name;
    int digits;
} levels[] = {{"state", 2}, {"county", 5}, {"tract", 11}, {"blockgroup", 12}, {"block", 15}};

int dti_level_digits(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        if (strlen(levels[i].name) == len && strncmp(name, levels[i].name, len) == 0)
            return levels[i].digits;
    return -1;
}

const char *dti_level_name(int digits)
{
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        if (levels[i].digits == digits)
            return levels[i].name;
    return NULL;
}
