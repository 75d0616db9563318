/* SPDX-License-Identifier: MIT */
/* Unit tests of household apportioning (SPEC: Households) and exact fraction sums. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

/* round-half-up(sum * 10^decimals) of the fractions nums[i]/dens[i]. */
static long long rounded(const uint64_t *nums, const uint32_t *dens, int n, int decimals)
{
    dti_fraction_sums *s = dti_fraction_sums_new(3);
    for (int i = 0; i < n; i++)
        dti_fraction_sums_add(s, 1, nums[i], dens[i]);
    uint64_t v = 0;
    CHECK(dti_fraction_sums_round(s, 1, decimals, &v) == 0);
    dti_fraction_sums_free(s);
    return (long long)v;
}

static void test_exact_sums(void)
{
    /* exact ties round up; a truncated fixed-point sum of 1/30 + 1/60 lands below 0.05 */
    CHECK_INT(rounded((uint64_t[]){1, 2}, (uint32_t[]){60, 60}, 2, 1), 1);
    CHECK_INT(rounded((uint64_t[]){1, 1}, (uint32_t[]){30, 60}, 2, 1), 1);
    CHECK_INT(rounded((uint64_t[]){1, 1}, (uint32_t[]){12, 15}, 2, 1), 2); /* 0.15 */
    CHECK_INT(rounded((uint64_t[]){3, 2}, (uint32_t[]){4, 5}, 2, 1), 12); /* 1.15, 1.1 in doubles */
    CHECK_INT(rounded((uint64_t[]){9}, (uint32_t[]){4}, 1, 1), 23);       /* 2.25 half up */
    CHECK_INT(rounded((uint64_t[]){1, 1}, (uint32_t[]){4, 5}, 2, 1), 5);  /* 0.45 */
    CHECK_INT(rounded((uint64_t[]){10}, (uint32_t[]){4}, 1, 0), 3);       /* 2.5 -> 3 */
    CHECK_INT(rounded((uint64_t[]){2, 2}, (uint32_t[]){3, 3}, 2, 1), 13); /* 4/3 */
    CHECK_INT(rounded((uint64_t[]){0, 7}, (uint32_t[]){3, 1}, 2, 1), 70); /* whole numbers */
    CHECK_INT(rounded((uint64_t[]){1, 1}, (uint32_t[]){3, 3}, 1, 1), 3);  /* 0.333 only once */
    /* the harmonic number H(200): 200 denominators, a common multiple of ~90 digits */
    uint64_t nums[200];
    uint32_t dens[200];
    for (int d = 1; d <= 200; d++)
        nums[d - 1] = 1, dens[d - 1] = (uint32_t)d;
    CHECK_INT(rounded(nums, dens, 200, 1), 59);         /* 5.9 */
    CHECK_INT(rounded(nums, dens, 200, 4), 58780);      /* 5.8780 */
    CHECK_INT(rounded(nums, dens, 200, 9), 5878030948); /* H(200) = 5.8780309481... */
    /* sums stay apart; an empty sum is 0 */
    dti_fraction_sums *s = dti_fraction_sums_new(2);
    dti_fraction_sums_add(s, 0, 7, 3);
    uint64_t v0 = 9, v1 = 9;
    CHECK(dti_fraction_sums_round(s, 0, 1, &v0) == 0 && dti_fraction_sums_round(s, 1, 1, &v1) == 0);
    CHECK_INT(v0, 23);
    CHECK_INT(v1, 0);
    dti_fraction_sums_free(s);
}

static const char bdc[] =
    "frn,provider_id,brand_name,location_id,technology,max_advertised_download_speed,"
    "max_advertised_upload_speed,low_latency,business_residential_code,state_usps,block_geoid,"
    "h3_res8_id\n"
    /* K1 = 080010001001001, HOUSING20 10: residential 1 served, 2 underserved, 3 unserved;
     * 4 is a business (B) and does not count */
    "1,100001,P,1,50,1000,1000,1,R,CO,080010001001001,x\n"
    "1,100001,P,2,40,50,5,1,R,CO,080010001001001,x\n"
    "1,100001,P,3,60,100,20,1,R,CO,080010001001001,x\n"
    "1,100001,P,4,0,25,3,1,B,CO,080010001001001,x\n"
    /* K2 = 080010001001002, HOUSING20 6: 5 unserved (X), 6 unserved, 7 underserved, 8 served */
    "1,100001,P,5,10,10,1,1,X,CO,080010001001002,x\n"
    "1,100001,P,6,10,4,1,1,R,CO,080010001001002,x\n"
    "1,100001,P,7,71,25,3,1,R,CO,080010001001002,x\n"
    "1,100001,P,8,50,100,20,1,R,CO,080010001001002,x\n"
    /* K3 = 080010001001003, HOUSING20 5: only a business, so no residential data */
    "1,100001,P,9,50,1000,1000,1,B,CO,080010001001003,x\n"
    /* a second row makes 6 residential although its first row said B */
    "1,100002,Q,4,10,1,1,1,X,CO,080010001001001,x\n";

static void test_three_blocks(void)
{
    dt_error err = {0};
    const char *path = dt_unit_temp_file(bdc, strlen(bdc));
    char *args[] = {(char *)path};
    dti_inputs inputs;
    dti_coverage cov;
    dti_rules rules;
    dti_rules_default(&rules);
    CHECK_INT(dti_inputs_expand(args, 1, &inputs, &err), DT_OK);
    CHECK_INT(dti_coverage_init(&cov, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_read_bdc(&cov, &inputs, 1, NULL, NULL, &err), DT_OK);
    dti_block_tally *t = NULL;
    CHECK_INT(dti_block_tallies(&cov, &t, &err), DT_OK);
    uint32_t k1 = dti_u64map_get(&cov.block_index, 80010001001001ULL);
    CHECK_INT(t[k1].locations, 4);
    CHECK_INT(t[k1].residential, 4); /* 1, 2, 3 and 4 (its X row) */
    CHECK_INT(t[k1].residential_unserved, 2);
    CHECK_INT(t[k1].residential_underserved, 1);

    /* K1: 10 * 2/4 = 5 unserved, 10 * 1/4 = 2.5 underserved;
     * K2: 6 * 2/4 = 3 unserved, 6 * 1/4 = 1.5 underserved; K3: 5 without data;
     * a fourth block in another region with no location: 4 without data. */
    uint64_t geoids[] = {80010001001001ULL, 80010001001002ULL, 80010001001003ULL,
                         80010001002001ULL};
    uint32_t housing[] = {10, 6, 5, 4}, region[] = {0, 0, 0, 1};
    dti_units_split split =
        dti_units_split_block(6, &t[dti_u64map_get(&cov.block_index, geoids[1])]);
    CHECK_INT(split.den, 4);
    CHECK_INT(split.unserved_num, 12);
    CHECK_INT(split.underserved_num, 6);
    dti_units_sums *sums = NULL;
    CHECK_INT(dti_units_sum(&cov, t, geoids, housing, region, 4, 2, &sums, &err), DT_OK);
    CHECK_INT(sums[0].units, 21);
    CHECK_INT(sums[0].unserved_x10, 80);    /* 5 + 3 = 8.0 */
    CHECK_INT(sums[0].underserved_x10, 40); /* 2.5 + 1.5 = 4.0 */
    CHECK_INT(sums[0].no_data, 5);
    CHECK_INT(sums[1].units, 4);
    CHECK_INT(sums[1].no_data, 4);
    CHECK_INT(sums[1].unserved_x10, 0);
    free(sums);
    /* HOUSING20 7 in each block: quarters that add up to whole and half units */
    uint32_t seven[] = {7, 7, 7, 0};
    uint32_t one_region[] = {0, 0, 0, 0};
    CHECK_INT(dti_units_sum(&cov, t, geoids, seven, one_region, 4, 1, &sums, &err), DT_OK);
    /* K1 7*2/4 = 3.5, K2 7*2/4 = 3.5 -> 7.0; underserved 7/4 + 7/4 = 3.5 */
    CHECK_INT(sums[0].unserved_x10, 70);
    CHECK_INT(sums[0].underserved_x10, 35);
    CHECK_INT(sums[0].no_data, 7);
    free(sums);
    free(t);
    dti_coverage_free(&cov);
    dti_inputs_free(&inputs);
}

static void test_households_file(void)
{
    static const char good[] = "households,geoid\n3,080010001001001\n0,080010001001002\n";
    static const char dup[] = "geoid,households\n080010001001001,3\n080010001001001,4\n";
    static const char bad[] = "geoid,households\n80010001001001,3\n";
    dt_error err = {0};
    dti_block_counts c;
    CHECK_INT(dti_households_read(dt_unit_temp_file(good, strlen(good)), &c, &err), DT_OK);
    CHECK_INT(c.count, 2);
    CHECK_INT(c.values[dti_u64map_get(&c.index, 80010001001001ULL)], 3);
    dti_block_counts_free(&c);
    CHECK_INT(dti_households_read(dt_unit_temp_file(dup, strlen(dup)), &c, &err), DT_ERR_FORMAT);
    CHECK_INT(err.line, 3);
    CHECK_INT(dti_households_read(dt_unit_temp_file(bad, strlen(bad)), &c, &err), DT_ERR_FORMAT);
    CHECK_INT(err.line, 2);
}

int main(void)
{
    dti_gdal_init();
    test_exact_sums();
    test_three_blocks();
    test_households_file();
    return dt_unit_report("households");
}
