/* SPDX-License-Identifier: MIT */
/* Unit tests of prices: money parsing and rounding, plan matching (exact
 * speeds, technology, state), duplicates, ties, exact $/Mbps medians, and
 * percentiles and medians worked out by hand for odd and even counts. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

static int64_t money(const char *text)
{
    dti_money v = -7;
    return dti_money_parse(text, strlen(text), DTI_MONEY_PRICE_DECIMALS, DTI_MAX_PRICE, &v) == 0
               ? v
               : -1;
}

static int64_t speed(const char *text)
{
    int64_t v = -1;
    dti_parse_speed(text, strlen(text), &v);
    return v;
}

static uint32_t provider(const dti_plans *plans, const char *id)
{
    return dti_strtab_find(&plans->providers, id, strlen(id));
}

/* Price of a row: provider id text, technology, speeds as text, state. */
static int64_t price(const dti_plans *p, const char *id, int tech, const char *down, const char *up,
                     const char *state)
{
    uint32_t i = provider(p, id);
    if (i == UINT32_MAX)
        return -2;
    return dti_plans_price(p, i, tech, dti_state_code(state, strlen(state)), speed(down),
                           speed(up));
}

static void test_money(void)
{
    char buf[64];
    CHECK_INT(money("49.99"), 49990000);
    CHECK_INT(money("0"), 0);
    CHECK_INT(money("1200."), 1200000000);
    CHECK_INT(money(".5"), 500000);
    CHECK_INT(money("55.250000"), 55250000);
    CHECK_INT(money("1000000"), 1000000000000LL);
    CHECK_INT(money("1000000.01"), -1); /* above the limit */
    CHECK_INT(money("49.9999999"), -1); /* 7 decimals: not silently truncated */
    CHECK_INT(money("-5"), -1);
    CHECK_INT(money("$5"), -1);
    CHECK_INT(money("1e2"), -1);
    CHECK_INT(money(" 5"), -1);
    CHECK_INT(money(""), -1);
    CHECK_INT(money("."), -1);
    CHECK_INT(money("call us"), -1);
    /* medians are doubled: x2 / 2 micro-dollars, rounded half up to cents */
#define X2(x2) dti_money_format_scaled(buf, sizeof buf, (x2), 1, 2, DTI_MONEY_2_DECIMALS)
    CHECK_STR(X2(2 * 75000000LL), "75.00");
    CHECK_STR(X2(55250000LL + 80000000LL), "67.63"); /* 67.625 */
    CHECK_STR(X2(135240000LL), "67.62");
    CHECK_STR(X2(2 * 4999LL), "0.00");     /* 0.004999 */
    CHECK_STR(X2(2 * 5000LL), "0.01");     /* 0.005 */
    CHECK_STR(X2(2 * 5000LL - 1), "0.00"); /* 0.0049995 */
    CHECK_STR(X2(0), "0.00");
#undef X2
    /* one price, not a median: the same rounding */
    CHECK_STR(dti_money_format(buf, sizeof buf, 49990000, DTI_MONEY_2_DECIMALS), "49.99");
    CHECK_STR(dti_money_format(buf, sizeof buf, 1200000000, DTI_MONEY_2_DECIMALS), "1200.00");
    CHECK_STR(dti_money_format(buf, sizeof buf, 994999, DTI_MONEY_2_DECIMALS), "0.99");
    CHECK_STR(dti_money_format(buf, sizeof buf, 995000, DTI_MONEY_2_DECIMALS), "1.00");
    CHECK_INT(dti_state_code("KS", 2), 'K' << 8 | 'S');
    CHECK_INT(dti_state_code("ks", 2), 'K' << 8 | 'S');
    CHECK_INT(dti_state_code("K", 1), 0);
    CHECK_INT(dti_state_code("K1", 2), 0);
    CHECK_INT(dti_state_code("KSX", 3), 0);
}

static void test_plans(void)
{
    static const char text[] =
        "provider_id,technology,max_advertised_download_speed,max_advertised_upload_speed,"
        "monthly_price,plan_name,state_usps\n"
        "100001,50,1000,1000,80.00,Fiber Gig,\n"
        "100001,50,1000,1000,95.00,\"Fiber Gig, list price\",\n" /* duplicate: dearer */
        "100002,40,300,20,75,Cable 300,\n"
        "100002,40,300,20,65,Cable 300 Nebraska,NE\n" /* cheaper in one state */
        "100002,40,500,50,60,Cable 500,\n"
        "100002,40,500,50,70,Cable 500 Kansas,ks\n"         /* dearer in one state: 60 wins */
        "100003,71,100.0,20,55.25,Wireless 100 Kansas,KS\n" /* only through its state */
        "100004,10,25,3,40,DSL,\n"
        "100004,10,25,3,35.5,DSL promo,\n"; /* duplicate: cheaper, wins */
    dti_plans plans;
    dt_error err = {0};
    CHECK_INT(dti_plans_read(dt_unit_temp_file(text, sizeof text - 1), &plans, &err), DT_OK);
    CHECK_INT(plans.rows, 9);
    CHECK_INT(plans.duplicates, 2);
    CHECK_INT(plans.count, 7);
    CHECK(plans.has_states);
    CHECK_INT(plans.providers.count, 4);
    CHECK_INT(price(&plans, "100001", 50, "1000", "1000", "KS"), 80000000);
    CHECK_INT(price(&plans, "100001", 50, "1000.000", "1000", ""), 80000000); /* exact decimals */
    CHECK_INT(price(&plans, "100001", 50, "1000", "999.999", ""), -1);
    CHECK_INT(price(&plans, "100001", 40, "1000", "1000", ""), -1); /* another technology */
    CHECK_INT(price(&plans, "100002", 40, "300", "20", "KS"), 75000000);
    CHECK_INT(price(&plans, "100002", 40, "300", "20", "NE"), 65000000);
    CHECK_INT(price(&plans, "100002", 40, "300", "20", "ne"), 65000000);
    CHECK_INT(price(&plans, "100002", 40, "300", "20", ""), 75000000);
    CHECK_INT(price(&plans, "100002", 40, "500", "50", "KS"), 60000000);
    CHECK_INT(price(&plans, "100003", 71, "100", "20", "KS"), 55250000);
    CHECK_INT(price(&plans, "100003", 71, "100", "20", "NE"), -1);
    CHECK_INT(price(&plans, "100003", 71, "100", "20", ""), -1);
    CHECK_INT(price(&plans, "100004", 10, "25", "3", "KS"), 35500000);
    CHECK_INT(price(&plans, "100005", 10, "25", "3", "KS"), -2); /* no plan names it */
    dti_plans_free(&plans);

    static const char negative[] =
        "provider_id,technology,max_advertised_download_speed,max_advertised_upload_speed,"
        "monthly_price\n100001,50,1000,1000,80\n100001,50,500,500,-1\n";
    CHECK_INT(dti_plans_read(dt_unit_temp_file(negative, sizeof negative - 1), &plans, &err),
              DT_ERR_FORMAT);
    CHECK_INT(err.line, 3);
    CHECK(strstr(err.message, "negative") != NULL);
    static const char fields[] =
        "provider_id,technology,max_advertised_download_speed,max_advertised_upload_speed,"
        "monthly_price\n100001,50,1000,1000\n";
    CHECK_INT(dti_plans_read(dt_unit_temp_file(fields, sizeof fields - 1), &plans, &err),
              DT_ERR_FORMAT);
    CHECK_INT(err.line, 2);
}

/* Ties and merges of what a location keeps. */
static void test_extras(void)
{
    dti_coverage_extras a = {0}, b = {0};
    dti_parsed_row row = {0};
    row.flags = DTI_FLAG_SERVED;
    row.index = 2;
    row.provider = 0;
    row.price = 80000000, row.down = 500000000;
    CHECK_INT(dti_extras_apply_row(&a, &row), 0);
    row.price = 80000000, row.down = 1000000000; /* the same price: the larger download */
    CHECK_INT(dti_extras_apply_row(&a, &row), 0);
    row.price = 80000000, row.down = 300000000;
    CHECK_INT(dti_extras_apply_row(&a, &row), 0);
    dti_location_extra e = dti_extras_of(&a, 2);
    CHECK_INT(e.price, 80000000);
    CHECK_INT(e.price_down, 1000000000);
    CHECK_INT(e.served_providers, 1);
    CHECK_INT(dti_extras_of(&a, 1).price, -1); /* untouched locations have nothing */
    CHECK_INT(dti_extras_of(&a, 99).served_providers, 0);
    row.flags = DTI_FLAG_UNDERSERVED; /* not served: neither priced nor a served provider */
    row.provider = 1, row.price = 10000000;
    CHECK_INT(dti_extras_apply_row(&a, &row), 0);
    CHECK_INT(dti_extras_of(&a, 2).served_providers, 1);
    CHECK_INT(a.served_rows, 3);

    /* merge: a's provider 0 is b's provider 7; b's location 5 has provider 7 already */
    row.flags = DTI_FLAG_SERVED;
    row.index = 5, row.provider = 7, row.price = -1, row.down = 100000000;
    CHECK_INT(dti_extras_apply_row(&b, &row), 0);
    uint32_t providers[] = {7, 8};
    CHECK_INT(dti_extras_merge_location(&b, 5, &a, 2, providers), 0);
    CHECK_INT(dti_extras_of(&b, 5).served_providers, 1);
    CHECK_INT(dti_extras_of(&b, 5).price, 80000000);
    providers[0] = 9; /* another provider: two or more */
    CHECK_INT(dti_extras_merge_location(&b, 5, &a, 2, providers), 0);
    CHECK_INT(dti_extras_of(&b, 5).served_providers, 2);
    free(a.locations);
    free(b.locations);
}

static void test_ratios(void)
{
    dti_ratio one[] = {{80000000, 1000000000}};
    CHECK_INT(dti_ratio_median_q4(one, 1), 800); /* $0.08 per Mbps */
    dti_ratio two[] = {{55250000, 100000000}, {80000000, 1000000000}};
    CHECK_INT(dti_ratio_median_q4(two, 2), 3163); /* (0.5525 + 0.08) / 2 = 0.31625 -> up */
    dti_ratio three[] = {{2, 3}, {1, 2}, {1, 3}};
    CHECK_INT(dti_ratio_median_q4(three, 3), 5000);
    dti_ratio third[] = {{1, 3}};
    CHECK_INT(dti_ratio_median_q4(third, 1), 3333);
    dti_ratio twothirds[] = {{2, 3}};
    CHECK_INT(dti_ratio_median_q4(twothirds, 1), 6667);
    dti_ratio tiny[] = {{1, 20000}, {1, 20000}}; /* 0.00005 -> 0.0001 */
    CHECK_INT(dti_ratio_median_q4(tiny, 2), 1);
    /* 1/3 and 2/3 are exact; 0.3333 + 0.6667 would be a different sum */
    dti_ratio even[] = {{2, 3}, {1, 7}, {1, 3}, {5, 1}};
    CHECK_INT(dti_ratio_median_q4(even, 4), 5000); /* (1/3 + 2/3) / 2 */
    CHECK_INT(dti_ratio_median_q4(NULL, 0), 0);
    /* big: $1,000,000 over 0.000001 Mbps and over 1,000,000,000 Mbps */
    dti_ratio big[] = {{1000000000000LL, 1}, {1000000000000LL, 1000000000000000LL}};
    CHECK_INT(dti_ratio_median_q4(big, 2), 5000000000000005ULL); /* (1e12 + 0.001) / 2 */
}

static void test_percentiles(void)
{
    /* nearest rank: the ceil(0.9 n)-th smallest */
    int64_t one[] = {7};
    CHECK_INT(dti_percentile(one, 1, 90), 7);
    int64_t two[] = {9, 3};
    CHECK_INT(dti_percentile(two, 2, 90), 9); /* rank ceil(1.8) = 2 */
    int64_t five[] = {5, 1, 4, 2, 3};
    CHECK_INT(dti_percentile(five, 5, 90), 5); /* rank ceil(4.5) = 5 */
    CHECK_INT(dti_percentile(five, 5, 50), 3); /* rank ceil(2.5) = 3 */
    int64_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK_INT(dti_percentile(ten, 10, 90), 9); /* rank 9: 9 of 10 values are <= 9 */
    CHECK_INT(dti_percentile(ten, 10, 50), 5); /* rank 5 (the median would be 5.5) */
    CHECK_INT(dti_percentile(ten, 10, 100), 10);
    CHECK_INT(dti_percentile(ten, 10, 0), 1);
    int64_t eleven[] = {0, 0, 10, 25, 25, 50, 100, 200, 300, 500, 1000}; /* county 20001 */
    CHECK_INT(dti_percentile(eleven, 11, 90), 500);                      /* rank ceil(9.9) = 10 */
    int64_t nineteen[19], twenty[20];
    for (int i = 0; i < 20; i++)
        twenty[i] = (i * 7) % 20 + 1; /* 1..20 shuffled */
    for (int i = 0; i < 19; i++)
        nineteen[i] = (i * 5) % 19 + 1;              /* 1..19 shuffled */
    CHECK_INT(dti_percentile(twenty, 20, 90), 18);   /* rank 18 */
    CHECK_INT(dti_percentile(nineteen, 19, 90), 18); /* rank ceil(17.1) = 18 */
    int64_t zeros[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 100};
    CHECK_INT(dti_percentile(zeros, 10, 90), 0); /* 9 of 10 (90%) are <= 0 */
    int64_t zeros11[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 100};
    CHECK_INT(dti_percentile(zeros11, 11, 90), 100); /* 9 of 11 is under 90% */
    /* medians, doubled, by hand: odd and even counts */
    int64_t up11[] = {1000, 20, 20, 3, 0, 1, 5, 25, 500, 3, 0};
    CHECK_INT(dti_median_x2(up11, 11), 10); /* 6th of 11: 5 */
    int64_t up4[] = {1000, 50, 10, 20};
    CHECK_INT(dti_median_x2(up4, 4), 70); /* (20 + 50) / 2 = 35 */
    int64_t price4[] = {80, 75, 55, 75};
    CHECK_INT(dti_median_x2(price4, 4), 150); /* (75 + 75) / 2 */
}

int main(void)
{
    dti_gdal_init();
    test_money();
    test_plans();
    test_extras();
    test_ratios();
    test_percentiles();
    return dt_unit_report("prices");
}
