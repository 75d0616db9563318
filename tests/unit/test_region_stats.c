/* SPDX-License-Identifier: MIT */
/* Unit tests of the per-region statistics (dti_region_stats_compute) in parts: on many generated
 * coverages and region tables (blocks left out of every region among them), the statistics on
 * 1, 2, 3 and 7 parts equal the ones worked out here location by location, with each median
 * from a sort of the region's best downloads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>

#include "internal.h"
#include "unit.h"

static unsigned long long rng;
static unsigned next_rand(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The statistics as SPEC.md defines them, one location after another: its class from its
 * flags (served, else underserved, else unserved), a tier counted where its bit is set, the
 * median the middle of the sorted best downloads (the mean of the two middles, doubled). */
static void expected_stats(const dti_coverage *cov, const dti_region_table *regions,
                           dti_region_stats *want)
{
    memset(want, 0, regions->count * sizeof *want);
    int64_t *downs = malloc((cov->location_count + 1) * sizeof *downs);
    for (size_t r = 0; r < regions->count; r++) {
        size_t n = 0;
        for (size_t i = 0; i < cov->location_count; i++) {
            const dti_location *loc = &cov->locations[i];
            if (regions->block_region[loc->block] != r)
                continue;
            dti_region_stats *s = &want[r];
            s->locations++;
            if (loc->flags & DTI_FLAG_SERVED)
                s->served++;
            else if (loc->flags & DTI_FLAG_UNDERSERVED)
                s->underserved++;
            else
                s->unserved++;
            for (int t = 0; t < DTI_TIER_COUNT; t++)
                if (loc->flags & (1u << t))
                    s->tiers[t]++;
            downs[n++] = loc->best_down;
        }
        qsort(downs, n, sizeof *downs, compare_i64);
        want[r].median_down_x2 = n == 0  ? 0
                                 : n % 2 ? 2 * downs[n / 2]
                                         : downs[n / 2 - 1] + downs[n / 2];
    }
    free(downs);
}

static int same_stats(const dti_region_stats *a, const dti_region_stats *b)
{
    if (a->locations != b->locations || a->unserved != b->unserved ||
        a->underserved != b->underserved || a->served != b->served ||
        a->median_down_x2 != b->median_down_x2)
        return 0;
    for (int t = 0; t < DTI_TIER_COUNT; t++)
        if (a->tiers[t] != b->tiers[t])
            return 0;
    return 1;
}

/* An empty coverage under the default rules. */
static void new_coverage(dti_coverage *cov)
{
    dt_error err = {0};
    dti_rules rules;
    dti_rules_default(&rules);
    CHECK_INT(dti_coverage_init(cov, &rules, &err), DT_OK);
}

static void compare(unsigned c)
{
    dt_error err = {0};
    dti_coverage cov;
    new_coverage(&cov);
    unsigned nblocks = 1 + next_rand(300), rows = next_rand(5000);
    unsigned key_range = 1 + next_rand(4000), speeds = 1 + next_rand(c % 2 ? 8 : 2000);
    uint32_t provider = dti_coverage_provider(&cov, "130077", 6);
    int applied = 1;
    for (unsigned i = 0; i < rows; i++) {
        dti_parsed_row r;
        memset(&r, 0, sizeof r);
        r.key = 1 + next_rand(key_range);
        r.geoid = 80010000000000ULL + r.key % nblocks; /* a location keeps its block */
        r.provider = provider;
        r.price = -1;
        r.flags = (uint8_t)next_rand(256);
        r.down = (int64_t)next_rand(speeds) * DTI_MICRO / 4;
        r.up = r.down / 8;
        size_t stop;
        char why[256];
        applied &= dti_coverage_apply(&cov, &r, 1, &stop, why, sizeof why) == 0;
    }
    CHECK(applied);
    /* regions: blocks drawn into a few or many, some left out */
    dti_region_table regions = {0};
    regions.count = 1 + next_rand(c % 3 ? 12 : 200);
    regions.block_region = malloc((cov.block_count + 1) * sizeof *regions.block_region);
    unsigned left_out = next_rand(4); /* 0: none left out */
    for (size_t b = 0; b < cov.block_count; b++)
        regions.block_region[b] = left_out && next_rand(4) < left_out
                                      ? DTI_NO_REGION
                                      : (uint32_t)next_rand((unsigned)regions.count);
    dti_region_stats *want = malloc(regions.count * sizeof *want);
    expected_stats(&cov, &regions, want);
    static const int parts[] = {1, 2, 3, 7};
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
        cov.threads = parts[k];
        dti_region_stats *got = NULL;
        CHECK_INT(dti_region_stats_compute(&cov, &regions, &got, &err), DT_OK);
        int same = 1;
        for (size_t r = 0; got && r < regions.count; r++)
            same &= same_stats(&got[r], &want[r]);
        CHECK(same);
        if (!same)
            fprintf(stderr, "region statistics in %d parts differ: case %u, %zu locations\n",
                    parts[k], c, cov.location_count);
        free(got);
    }
    free(want);
    free(regions.block_region);
    dti_coverage_free(&cov);
}

/* By hand: five locations in two regions and a block left out.
 *   region 0: best downs 100, 25, 50 (served, underserved, unserved): median 50
 *   region 1: best downs 10, 940: median (10 + 940) / 2, doubled 950 */
static void test_fixture(int threads)
{
    dt_error err = {0};
    dti_coverage cov;
    new_coverage(&cov);
    const struct {
        uint64_t key, geoid;
        int down;
        uint8_t flags;
    } rows[] = {{1, 80010001001001ULL, 100, DTI_FLAG_SERVED | DTI_FLAG_UNDERSERVED | 1},
                {2, 80010001001001ULL, 25, DTI_FLAG_UNDERSERVED | 1},
                {3, 80010001001002ULL, 50, 0},
                {4, 80030001001001ULL, 10, 1},
                {5, 80030001001001ULL, 940, DTI_FLAG_SERVED | 3},
                {6, 80050001001001ULL, 1000, DTI_FLAG_SERVED}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        dti_parsed_row r;
        memset(&r, 0, sizeof r);
        r.key = rows[i].key;
        r.geoid = rows[i].geoid;
        r.down = r.up = (int64_t)rows[i].down * DTI_MICRO;
        r.flags = rows[i].flags;
        r.provider = dti_coverage_provider(&cov, "130077", 6);
        r.price = -1;
        size_t stop;
        char why[256];
        CHECK_INT(dti_coverage_apply(&cov, &r, 1, &stop, why, sizeof why), 0);
    }
    uint32_t block_region[] = {0, 0, 1, DTI_NO_REGION}; /* the blocks in their rows' order */
    dti_region_table regions = {.count = 2, .block_region = block_region};
    cov.threads = threads;
    dti_region_stats *s = NULL;
    CHECK_INT(dti_region_stats_compute(&cov, &regions, &s, &err), DT_OK);
    CHECK_INT(s[0].locations, 3);
    CHECK_INT(s[0].served, 1);
    CHECK_INT(s[0].underserved, 1);
    CHECK_INT(s[0].unserved, 1);
    CHECK_INT(s[0].tiers[0], 2);
    CHECK_INT(s[0].median_down_x2, 100 * DTI_MICRO);
    CHECK_INT(s[0].providers, 1);
    CHECK_INT(s[1].locations, 2);
    CHECK_INT(s[1].served, 1);
    CHECK_INT(s[1].unserved, 1);
    CHECK_INT(s[1].tiers[0], 2);
    CHECK_INT(s[1].tiers[1], 1);
    CHECK_INT(s[1].median_down_x2, 950 * DTI_MICRO);
    free(s);
    dti_coverage_free(&cov);
}

int main(void)
{
    /* every part worth a part, however few its locations */
    CPLSetConfigOption("DIALTONE_STATS_PART_MIN", "1");
    setenv("DIALTONE_STATS_PART_MIN", "1", 1);
    for (int threads = 1; threads <= 3; threads++)
        test_fixture(threads);
    for (unsigned c = 0; c < 300; c++) {
        rng = 0x9e3779b97f4a7c15ULL + c;
        compare(c);
    }
    return dt_unit_report("region_stats");
}
