/* SPDX-License-Identifier: MIT */
/* Unit tests of the distinct providers per block and region (bitmaps over provider ordinals, the
 * pair set beyond them), through the threads' merge and the partials, and of the location's
 * block kept in its hash slot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>

#include "internal.h"
#include "unit.h"

/* The fixture, worked by hand: 600 providers "1000".."1599" (more than the 512 a bitmap holds),
 * three locations in three blocks of two counties.
 *   location 1, block 080010001001001 (county 08001): a row of every provider, 600
 *   location 2, block 080010001001002 (county 08001): providers 1000, 1500..1520 (22, all
 *               of them also in block ...001)
 *   location 3, block 080030001001001 (county 08003): 1010, 1511, 1512, 1599 (4)
 * so county 08001 has 600 distinct providers, 08003 has 4; blocks 600, 22 and 4; state 08: 600. */
#define B1 80010001001001ULL
#define B2 80010001001002ULL
#define B3 80030001001001ULL

static uint32_t provider(dti_coverage *cov, int id)
{
    char text[16];
    int n = snprintf(text, sizeof text, "%d", id);
    return dti_coverage_provider(cov, text, (size_t)n);
}

static void row(dti_coverage *cov, uint64_t location, uint64_t block, int provider_id)
{
    dti_parsed_row r;
    memset(&r, 0, sizeof r);
    r.key = location;
    r.geoid = block;
    r.provider = provider(cov, provider_id);
    r.price = -1;
    size_t stop = 0;
    char why[256];
    CHECK_INT(dti_coverage_apply(cov, &r, 1, &stop, why, sizeof why), 0);
}

/* Rows of the fixture; part 0: all of them, part 1 and 2: two halves (location 1's providers
 * split between them). */
static void fill(dti_coverage *cov, int part)
{
    for (int p = 1000; p < 1600; p++)
        if (part == 0 || (part == 1) == (p < 1300))
            row(cov, 1, B1, p);
    if (part == 1)
        return;
    row(cov, 2, B2, 1000);
    for (int p = 1500; p <= 1520; p++)
        row(cov, 2, B2, p);
    row(cov, 3, B3, 1010);
    row(cov, 3, B3, 1511);
    row(cov, 3, B3, 1512);
    row(cov, 3, B3, 1599);
    row(cov, 3, B3, 1599); /* a repeat adds nothing */
}

/* Providers per region at a GEOID level, in region id order, into counts. */
static size_t providers_by(const dti_coverage *cov, int digits, uint64_t *counts)
{
    dt_error err = {0};
    dti_region_table regions;
    dti_region_stats *stats = NULL;
    CHECK_INT(dti_regions_by_prefix(cov, digits, &regions, &err), DT_OK);
    CHECK_INT(dti_region_stats_compute(cov, &regions, &stats, &err), DT_OK);
    for (size_t r = 0; stats && r < regions.count; r++)
        counts[r] = stats[r].providers;
    size_t n = regions.count;
    /* the partials' provider sets agree */
    dti_partial p;
    dti_region_table merged;
    dti_region_stats *finished = NULL;
    CHECK_INT(dti_partial_init(&p, &cov->rules, digits, &err), DT_OK);
    CHECK_INT(dti_partial_add(&p, cov, &regions, stats, &err), DT_OK);
    CHECK_INT(dti_partial_finish(&p, &merged, &finished, &err), DT_OK);
    CHECK_INT(merged.count, n);
    for (size_t r = 0; finished && r < merged.count && r < n; r++)
        CHECK_INT(finished[r].providers, counts[r]);
    free(finished);
    dti_regions_free(&merged);
    dti_partial_free(&p);
    free(stats);
    dti_regions_free(&regions);
    return n;
}

static void check_fixture(const dti_coverage *cov)
{
    uint64_t counts[8] = {0};
    CHECK_INT(providers_by(cov, 5, counts), 2);
    CHECK_INT(counts[0], 600);
    CHECK_INT(counts[1], 4);
    CHECK_INT(providers_by(cov, 15, counts), 3);
    CHECK_INT(counts[0], 600);
    CHECK_INT(counts[1], 22);
    CHECK_INT(counts[2], 4);
    CHECK_INT(providers_by(cov, 2, counts), 1);
    CHECK_INT(counts[0], 600);
}

static void test_fixture(const char *bits)
{
    dt_error err = {0};
    dti_rules rules;
    dti_rules_default(&rules);
    CPLSetConfigOption("DIALTONE_PROVIDER_BITS", bits);
    dti_coverage one, a, b;
    CHECK_INT(dti_coverage_init(&one, &rules, &err), DT_OK);
    fill(&one, 0);
    check_fixture(&one);

    /* the threads' merge: b knows the providers in the reverse order (other ordinals), and
     * holds the fixture's second half */
    CHECK_INT(dti_coverage_init(&a, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_init_like(&b, &a, &err), DT_OK);
    for (int p = 1599; p >= 1000; p--)
        provider(&b, p);
    fill(&a, 1);
    fill(&b, 2);
    CHECK_INT(dti_coverage_merge(&a, &b, 1, &err), DT_OK);
    CHECK_INT(a.location_count, 3);
    CHECK_INT(a.conflicts, 0);
    check_fixture(&a);
    dti_coverage_free(&one);
    dti_coverage_free(&a);
    dti_coverage_free(&b);
    CPLSetConfigOption("DIALTONE_PROVIDER_BITS", NULL);
}

/* A location's block comes from its hash slot: a row in another block is refused, naming both. */
static void test_location_block(void)
{
    dt_error err = {0};
    dti_rules rules;
    dti_rules_default(&rules);
    dti_coverage cov;
    CHECK_INT(dti_coverage_init(&cov, &rules, &err), DT_OK);
    row(&cov, 7, B1, 1000);
    row(&cov, 8, B2, 1000);
    row(&cov, 7, B1, 1001);
    dti_parsed_row r;
    memset(&r, 0, sizeof r);
    r.key = 7;
    r.geoid = B3;
    r.provider = 0;
    r.price = -1;
    size_t stop = 9;
    char why[256] = "";
    CHECK_INT(dti_coverage_apply(&cov, &r, 1, &stop, why, sizeof why), 1);
    CHECK_INT(stop, 0);
    CHECK_STR(why, "location 7 has block_geoid 080030001001001 here but 080010001001001 on an "
                   "earlier row");
    CHECK_INT(cov.location_count, 2);
    CHECK_INT(cov.locations[dti_u64map_get(&cov.location_index, 8)].block,
              dti_u64map_get(&cov.block_index, B2));
    dti_coverage_free(&cov);
}

/* The reader's memo of provider ids (dti_row_cache: ids of up to 8 bytes in a direct-mapped
 * table keyed by their bytes and length): ids that share prefixes, suffixes and lengths,
 * interleaved at random, must each give the index an uncached lookup gives. */
static void test_provider_memo(void)
{
    static const char *const ids[] = {
        "1",         "12",       "21",         "123",        "132",     "1234",
        "1243",      "2134",     "12345",      "123456",     "1234567", "12345678",
        "123456789", "02345",    "2345",       "012345",     "242542",  "250461",
        "242543",    "342542",   "x",          "xy",         "xyz",     "abcdefgh",
        "abcdefgi",  "bbcdefgh", "abcdefghij", "abcdefghik", "a,b",     "1 2"};
    const int nids = (int)(sizeof ids / sizeof *ids);
    dti_rules rules;
    dti_rules_default(&rules);
    dt_error err;
    dti_coverage cov, plain;
    CHECK_INT(dti_coverage_init(&cov, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_init(&plain, &rules, &err), DT_OK);
    dti_bdc_layout layout;
    for (int c = 0; c < DTI_BDC_NCOLS; c++)
        layout.col[c] = c;
    layout.brand = -1;
    layout.header_fields = DTI_BDC_NCOLS;
    dti_row_cache cache;
    dti_row_cache_init(&cache, &rules);
    uint64_t state = 99;
    int wrong = 0, bad = 0;
    for (int i = 0; i < 20000; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        /* runs of one id and jumps between them */
        const char *id = ids[(state >> 33) % (uint64_t)nids];
        dti_field f[DTI_BDC_NCOLS];
        const char *text[DTI_BDC_NCOLS];
        text[DTI_BDC_PROVIDER] = id;
        text[DTI_BDC_LOCATION] = "1000";
        text[DTI_BDC_TECHNOLOGY] = "50";
        text[DTI_BDC_DOWN] = "100";
        text[DTI_BDC_UP] = "20";
        text[DTI_BDC_LATENCY] = "1";
        text[DTI_BDC_BLOCK] = "080010001001001";
        text[DTI_BDC_USE] = "R";
        text[DTI_BDC_STATE] = "CO";
        for (int c = 0; c < DTI_BDC_NCOLS; c++)
            f[c] = (dti_field){text[c], strlen(text[c])};
        dti_parsed_row row;
        memset(&row, 0, sizeof row);
        char why[128];
        if (dti_bdc_parse_row(&cov, &layout, f, DTI_BDC_NCOLS, &cache, &row, why, sizeof why) !=
            0) {
            bad++;
            continue;
        }
        /* the same id's index in cov, looked up without the memo */
        uint32_t expect = dti_coverage_provider(&cov, id, strlen(id));
        wrong += row.provider != expect;
        /* and the same order of first appearance as a coverage that sees them in turn */
        wrong += dti_coverage_provider(&plain, id, strlen(id)) != expect;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(wrong, 0);
    CHECK_INT((long long)cov.providers.count, nids);
    dti_coverage_free(&cov);
    dti_coverage_free(&plain);
}

int main(void)
{
    dti_gdal_init();
    test_provider_memo();
    test_fixture(NULL); /* bitmaps for providers 0-511 (ordinals), the pair set for 512-599 */
    test_fixture("0");  /* every provider in the pair set */
    test_fixture("70"); /* bitmaps of 2 words, 70 providers in them */
    test_location_block();
    return dt_unit_report("providers");
}
