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

dt_status dti_region_stats_compute(const dti_coverage *cov, const dti_region_table *regions,
                                   dti_region_stats **out, dt_error *err)
{
    size_t nreg = regions->count, nloc = cov->location_count;
    dti_region_stats *stats = calloc(nreg ? nreg : 1, sizeof *stats);
    size_t *start = calloc(nreg + 1, sizeof *start);
    int64_t *downs = malloc((nloc ? nloc : 1) * sizeof *downs);
    if (!stats || !start || !downs) {
        free(stats);
        free(start);
        free(downs);
        return dti_nomem(err);
    }
    for (size_t i = 0; i < nloc; i++) {
        const dti_location *loc = &cov->locations[i];
        if (regions->block_region[loc->block] == DTI_NO_REGION)
            continue;
        dti_region_stats *s = &stats[regions->block_region[loc->block]];
        s->locations++;
        switch (dti_class_of(loc->flags)) {
        case DTI_SERVED: s->served++; break;
        case DTI_UNDERSERVED: s->underserved++; break;
        case DTI_UNSERVED: s->unserved++; break;
        }
        for (int t = 0; t < DTI_TIER_COUNT; t++)
            s->tiers[t] += (loc->flags >> t) & 1u;
    }
    /* best_down grouped by region (a counting sort), then one selection each */
    for (size_t r = 0; r < nreg; r++)
        start[r + 1] = start[r] + stats[r].locations;
    size_t *fill = calloc(nreg ? nreg : 1, sizeof *fill);
    if (!fill) {
        free(stats);
        free(start);
        free(downs);
        return dti_nomem(err);
    }
    for (size_t i = 0; i < nloc; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        if (r == DTI_NO_REGION)
            continue;
        downs[start[r] + fill[r]++] = cov->locations[i].best_down;
    }
    for (size_t r = 0; r < nreg; r++)
        stats[r].median_down_x2 = dti_median_x2(downs + start[r], stats[r].locations);
    free(fill);
    free(start);
    free(downs);
    /* distinct (region, provider): the OR of the region's block bitmaps */
    if (dti_region_providers_each(cov, regions->block_region, nreg, count_provider, stats) != 0) {
        free(stats);
        return dti_nomem(err);
    }
    *out = stats;
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
