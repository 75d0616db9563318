/* SPDX-License-Identifier: MIT */
/* Unit tests of dialtone plan's pieces: the exact knapsack against brute force, ranking,
 * density classes at their bounds, money, the CSV table, land from polygons. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

static uint64_t seed = 12345;
static uint64_t next_random(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return seed >> 33;
}

/* The best subset by trying every one: the most reached within the budget, then the
 * cheapest, then the one funding the higher-ranked projects (at the first index where two
 * subsets differ, the one that funds it). Projects that reach nothing are never funded. */
static uint32_t brute_force(const dti_project *p, size_t n, int64_t budget)
{
    uint32_t best = 0;
    int64_t reach = 0, cost = 0;
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        int64_t b = 0, c = 0;
        int useless = 0;
        for (size_t i = 0; i < n; i++)
            if (mask >> i & 1) {
                b += p[i].benefit, c += p[i].cost;
                useless |= p[i].benefit == 0;
            }
        if (useless || c > budget)
            continue;
        uint32_t differ = mask ^ best;
        int higher = differ && (mask >> __builtin_ctz(differ) & 1);
        if (b > reach || (b == reach && (c < cost || (c == cost && higher))))
            best = mask, reach = b, cost = c;
    }
    return best;
}

static uint32_t funded_mask(const dti_project *p, size_t n, int greedy)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < n; i++)
        if (greedy ? p[i].funded_greedy : p[i].funded)
            mask |= 1u << i;
    return mask;
}

/* Small random instances, many with ties (costs and benefits from few values), against brute
 * force: the whole funded set must be the same, not only its reach and cost. */
static void check_exact_against_brute_force(void)
{
    int mismatches = 0, greedy_worse = 0, ties = 0, greedy_same = 0;
    for (int trial = 0; trial < 3000; trial++) {
        size_t n = 1 + next_random() % 12;
        /* a third of the trials from wide ranges; a third with costs of 1-4 units and reaches
         * of 0-3; a third where a project costs as many units as it reaches (1-3): ties */
        int mode = trial % 3;
        dti_project p[12];
        int64_t total = 0;
        memset(p, 0, sizeof p);
        for (size_t i = 0; i < n; i++) {
            p[i].geoid = "x";
            p[i].benefit = (int64_t)(next_random() % (mode == 0   ? 40
                                                      : mode == 1 ? 4
                                                                  : 3)) +
                           (mode == 2); /* zero now and then, but in the third mode */
            p[i].connect = (uint64_t)p[i].benefit;
            p[i].locations = 100;
            p[i].cost =
                (mode == 2 ? p[i].benefit : (int64_t)(1 + next_random() % (mode == 0 ? 5000 : 4))) *
                100000;
            total += p[i].cost;
        }
        int64_t budget = (int64_t)(next_random() % (uint64_t)(total + 1));
        if (trial % 2 == 0) /* rank order as plan ranks; else any order is a rank order */
            dti_plan_rank(p, n);
        dti_plan_greedy(p, n, budget);
        dti_exact_size size;
        CHECK_INT(dti_plan_exact(p, n, budget, DTI_EXACT_MAX_CELLS, &size), 1);
        uint32_t got = funded_mask(p, n, 0), want = brute_force(p, n, budget);
        uint32_t greedy = funded_mask(p, n, 1);
        int64_t gb = 0, gc = 0, wb = 0, wc = 0;
        for (size_t i = 0; i < n; i++) {
            if (greedy >> i & 1)
                gb += p[i].benefit, gc += p[i].cost;
            if (want >> i & 1)
                wb += p[i].benefit, wc += p[i].cost;
        }
        /* another subset of the same reach and cost exists: the rank order decided */
        for (uint32_t m = 0; m < (1u << n); m++) {
            int64_t b = 0, c = 0;
            if (m == want)
                continue;
            for (size_t i = 0; i < n; i++)
                if (m >> i & 1)
                    b += p[i].benefit, c += p[i].cost;
            if (b == wb && c == wc) {
                ties++;
                break;
            }
        }
        mismatches += got != want;
        greedy_worse += gb < wb;
        if (gb == wb && gc == wc) { /* greedy optimal: exact funds the same set */
            greedy_same++;
            CHECK_INT(got, greedy);
        }
        CHECK(gc <= budget);
        CHECK(gb <= wb);
    }
    CHECK_INT(mismatches, 0);
    CHECK(greedy_worse > 0); /* the instances do tell the two apart */
    CHECK(ties > 300);       /* and hold many ties */
    CHECK(greedy_same > 300);
}

/* Ties worked out by hand; p in rank order. */
static void check_exact_ties(void)
{
    dti_exact_size size;
    /* A (1 location, $1), B (2, $2), C (1, $1), $2: {B} and {A, C} both reach 2 for $2; the
     * higher-ranked A decides: {A, C}, which greedy funds too (A, then B does not fit, C). The
     * old DP, keeping the first equal-cost way found in rank order, funded {B}. */
    dti_project t[3] = {{.geoid = "A", .benefit = 1, .cost = 100},
                        {.geoid = "B", .benefit = 2, .cost = 200},
                        {.geoid = "C", .benefit = 1, .cost = 100}};
    CHECK_INT(dti_plan_exact(t, 3, 200, DTI_EXACT_MAX_CELLS, &size), 1);
    CHECK_INT(funded_mask(t, 3, 0), 5); /* A and C */
    /* the cheaper way first, whatever the ranks: A (2, $3), B (1, $1), C (1, $1), $3: A alone
     * or B + C reach 2 (A + B: 3 for $4 is over); B + C costs $2: {B, C} */
    dti_project u[3] = {{.geoid = "A", .benefit = 2, .cost = 300},
                        {.geoid = "B", .benefit = 1, .cost = 100},
                        {.geoid = "C", .benefit = 1, .cost = 100}};
    CHECK_INT(dti_plan_exact(u, 3, 300, DTI_EXACT_MAX_CELLS, &size), 1);
    CHECK_INT(funded_mask(u, 3, 0), 6);
    /* seven projects of 2 for $2, then two of 1 for $1; reach and cost are equal everywhere,
     * so every way of spending $14 reaches 14: dropping the last two, or any one of the first
     * seven. The first difference decides: ranks 1-7, the set greedy funds. */
    dti_project w[9];
    memset(w, 0, sizeof w);
    for (int i = 0; i < 9; i++) {
        w[i].geoid = "w";
        w[i].benefit = i < 7 ? 2 : 1;
        w[i].cost = i < 7 ? 200 : 100;
    }
    CHECK_INT(dti_plan_greedy(w, 9, 1400), 1400);
    CHECK_INT(dti_plan_exact(w, 9, 1400, DTI_EXACT_MAX_CELLS, &size), 1);
    CHECK_INT(funded_mask(w, 9, 0), 0x7f);
    CHECK_INT(funded_mask(w, 9, 0), funded_mask(w, 9, 1));
    /* $15 reaches 15 by leaving out one of ranks 8 and 9: rank 8 is funded */
    CHECK_INT(dti_plan_exact(w, 9, 1500, DTI_EXACT_MAX_CELLS, &size), 1);
    CHECK_INT(funded_mask(w, 9, 0), 0xff);
}

/* The exact solver's limits, both included: a total reach of 2^24, projects x reach 2^30. */
static void check_exact_limits(void)
{
    dti_exact_size size;
    dti_project big = {.geoid = "big", .connect = 1, .locations = 1, .cost = 1};
    big.benefit = (int64_t)DTI_EXACT_MAX_REACH; /* 2^24: accepted */
    CHECK_INT(dti_plan_exact(&big, 1, 10, DTI_EXACT_MAX_CELLS, &size), 1);
    CHECK_INT(big.funded, 1);
    CHECK_INT(size.reach, 16777216);
    big.benefit++; /* 2^24 + 1: refused, not approximated */
    CHECK_INT(dti_plan_exact(&big, 1, 10, DTI_EXACT_MAX_CELLS, &size), 0);
    CHECK_INT(size.reach, 16777217);
    CHECK_INT(size.projects, 1);
    CHECK_INT(big.funded, 0);
    /* two of 2^23 and 2^23 + 1: 2^24 + 1 in all */
    dti_project two[2] = {{.geoid = "a", .benefit = 1 << 23, .cost = 1},
                          {.geoid = "b", .benefit = (1 << 23) + 1, .cost = 1}};
    CHECK_INT(dti_plan_exact(two, 2, 10, DTI_EXACT_MAX_CELLS, &size), 0);
    /* projects that do not fit the budget are not in the problem: b alone costs 11 */
    two[1].cost = 11;
    CHECK_INT(dti_plan_exact(two, 2, 10, DTI_EXACT_MAX_CELLS, &size), 1);
    CHECK_INT(size.projects, 1);
    /* cells: 4 projects reaching 25 in all is 100 cells; at most 100 runs, 99 does not */
    dti_project four[4];
    memset(four, 0, sizeof four);
    for (int i = 0; i < 4; i++)
        four[i] = (dti_project){.geoid = "f", .benefit = i == 0 ? 7 : 6, .cost = 1};
    CHECK_INT(dti_plan_exact(four, 4, 100, 100, &size), 1);
    CHECK_INT(size.cells, 100);
    CHECK_INT(funded_mask(four, 4, 0), 15);
    CHECK_INT(dti_plan_exact(four, 4, 100, 99, &size), 0);
}

static void check_ranking(void)
{
    /* equal cost per location: the larger share of the region's locations first, then id */
    dti_project p[3];
    memset(p, 0, sizeof p);
    p[0] =
        (dti_project){.geoid = "b", .connect = 10, .locations = 100, .cost = 1000, .benefit = 10};
    p[1] =
        (dti_project){.geoid = "a", .connect = 10, .locations = 100, .cost = 1000, .benefit = 10};
    p[2] = (dti_project){.geoid = "c", .connect = 10, .locations = 50, .cost = 1000, .benefit = 10};
    dti_plan_rank(p, 3);
    CHECK_STR(p[0].geoid, "c");
    CHECK_STR(p[1].geoid, "a");
    CHECK_STR(p[2].geoid, "b");
    /* nothing reached: last, whatever its cost */
    dti_project q[2];
    memset(q, 0, sizeof q);
    q[0] = (dti_project){.geoid = "zero", .connect = 5, .locations = 5, .cost = 1, .benefit = 0};
    q[1] = (dti_project){.geoid = "dear", .connect = 1, .locations = 5, .cost = 900, .benefit = 1};
    dti_plan_rank(q, 2);
    CHECK_STR(q[0].geoid, "dear");
    CHECK_INT(dti_plan_greedy(q, 2, 1000), 900);
    CHECK(!q[1].funded_greedy); /* a project that reaches nothing is never funded */
}

static void check_cost_model(void)
{
    dti_cost_model m;
    dt_error err = {0};
    CHECK_INT(dti_cost_model_read(&m, NULL, &err), DT_OK); /* datasets/cost_model.csv */
    CHECK_INT(m.count, 5);
    CHECK_INT(m.classes[0].cost_per_location, 30000000000LL); /* $30,000 */
    CHECK_STR(m.source, DTI_DEFAULT_COSTS_NAME);
    /* 5 locations on 5 km2 is density 1 exactly: the class from 1 up */
    dti_decimal five = {5, 0}, none = {0, 0};
    CHECK_INT(dti_cost_class_of(&m, 5, five)->cost_per_location, 15000000000LL);
    CHECK_INT(dti_cost_class_of(&m, 4, five)->cost_per_location, 30000000000LL);
    CHECK_INT(dti_cost_class_of(&m, 1, none)->cost_per_location,
              2000000000LL); /* no land: the top */
    dti_cost_model_free(&m);

    const char *text = "# a comment line, with commas\nmin_density,max_density,cost_per_location\n"
                       "25,inf,10.5\n0,25,99\n";
    CHECK_INT(dti_cost_model_read(&m, dt_unit_temp_file(text, strlen(text)), &err), DT_OK);
    CHECK_INT(m.count, 2);
    CHECK_INT(m.classes[1].cost_per_location, 10500000); /* $10.50 */
    CHECK_INT(m.classes[1].line, 3);
    dti_cost_model_free(&m);
}

/* Money is micro-dollars: $1 is 10^6. Budgets and costs take at most 2 decimals (never
 * rounded), are at most $10^12, and sums and products past $10^12 are refused. */
static dti_money cents_rule(const char *text, int *rc)
{
    dti_money m = -7;
    *rc = dti_money_parse(text, strlen(text), DTI_MONEY_CENTS, DTI_MONEY_MAX, &m);
    return m;
}

static void check_money(void)
{
    int rc;
    CHECK_INT(cents_rule("25000000", &rc), 25000000000000LL);
    CHECK_INT(rc, 0);
    CHECK_INT(cents_rule("0.5", &rc), 500000);
    CHECK_INT(rc, 0);
    CHECK_INT(cents_rule("12.34", &rc), 12340000);
    CHECK_INT(rc, 0);
    CHECK_INT(cents_rule("1000000000000", &rc), 1000000000000000000LL); /* $10^12: the limit */
    CHECK_INT(rc, 0);
    static const struct {
        const char *text;
        int rc;
    } refused[] = {{"-1", -2},
                   {"1e6", -1},
                   {"", -1},
                   {".", -1},
                   {"1.001", -3},
                   {"1.000", -3},
                   {"1,000", -1},
                   {" 1", -1},
                   {"1 ", -1},
                   {"1000000000000.01", -4}, /* a cent past $10^12 */
                   {"1000000000001", -4},
                   {"99999999999999999999", -4},
                   {"99999999999999999999999999999999", -4}};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cents_rule(refused[i].text, &rc);
        if (rc != refused[i].rc)
            fprintf(stderr, "     money '%s': %d\n", refused[i].text, rc);
        CHECK_INT(rc, refused[i].rc);
    }
    CHECK_STR(dti_money_error(-4), "above the limit of $1,000,000,000,000 (10^12)");
    char buf[32];
    CHECK_STR(dti_money_format(buf, sizeof buf, 1234560000, 0), "1234.56");
    CHECK_STR(dti_money_format(buf, sizeof buf, 1234000000, 0), "1234");
    CHECK_STR(dti_money_format(buf, sizeof buf, 1234000000, DTI_MONEY_2_DECIMALS), "1234.00");
    CHECK_STR(dti_money_format(buf, sizeof buf, DTI_MONEY_MAX, 0), "1000000000000");
    CHECK_STR(dti_money_format(buf, sizeof buf, 0, 0), "0");
    /* per household, by hand: $1000 over 3 households (30 tenths) is 333.333.. -> 333.33;
     * $1000.05 over 30 tenths is 333.35 exactly; $0.05 over 2 tenths (0.2) is 0.25;
     * $0.01 over 20 tenths is 0.005 -> 0.01 (half up); $10^12 over 1 tenth is $10^13 */
    CHECK_STR(dti_money_format_scaled(buf, sizeof buf, 1000000000, 10, 30, 0), "333.33");
    CHECK_STR(dti_money_format_scaled(buf, sizeof buf, 1000050000, 10, 30, 0), "333.35");
    CHECK_STR(dti_money_format_scaled(buf, sizeof buf, 50000, 10, 2, 0), "0.25");
    CHECK_STR(dti_money_format_scaled(buf, sizeof buf, 10000, 10, 20, 0), "0.01");
    CHECK_STR(dti_money_format_scaled(buf, sizeof buf, DTI_MONEY_MAX, 10, 1, 0), "10000000000000");
    CHECK(dti_money_dollars(25000000050000LL) == 2500000005.0 / 100); /* $25,000,000.05 */
    /* checked sums and products */
    dti_money m = 5;
    CHECK_INT(dti_money_add(DTI_MONEY_MAX - 1, 1, &m), 0);
    CHECK_INT(m, DTI_MONEY_MAX);
    m = 5;
    CHECK_INT(dti_money_add(DTI_MONEY_MAX, 1, &m), -1);
    CHECK_INT(m, 5); /* untouched */
    CHECK_INT(dti_money_add(INT64_MAX, INT64_MAX, &m), -1);
    CHECK_INT(dti_money_mul(DTI_COST_PER_LOCATION_MAX, 10000, &m), 0); /* $10^8 x 10^4 */
    CHECK_INT(m, DTI_MONEY_MAX);
    CHECK_INT(dti_money_mul(DTI_COST_PER_LOCATION_MAX, 10001, &m), -1);
    CHECK_INT(dti_money_mul(2, UINT64_MAX, &m), -1); /* would wrap in 64 bits */
    CHECK_INT(dti_money_mul(0, UINT64_MAX, &m), 0);
    CHECK_INT(m, 0);
    int64_t v;
    CHECK_INT(dti_parse_decimal("3.25", 1, &v), 1); /* rounded half up */
    CHECK_INT(v, 33);
}

/* Budgets as people type them: "$" and commas between groups of three are read; a suffix
 * and any other grouping are refused (never guessed). By hand: dollars times 10^6. */
static void check_budget_spellings(void)
{
    static const struct {
        const char *text;
        int rc;
        dti_money micro;
    } cases[] = {
        {"25000000", 0, 25000000000000LL},
        {"25,000,000", 0, 25000000000000LL},
        {"$25,000,000", 0, 25000000000000LL},
        {"$25000000", 0, 25000000000000LL},
        {"25,000,000.50", 0, 25000000500000LL},
        {"1,000", 0, 1000000000},
        {"$0.5", 0, 500000},
        {"999", 0, 999000000},
        {"$1,000,000,000,000", 0, 1000000000000000000LL}, /* the limit, $10^12 */
        {"$20M", -5, 0},
        {"20MM", -5, 0},
        {"20k", -5, 0},
        {"1.5B", -5, 0},
        {"25,00,000", -6, 0},
        {"2,5", -6, 0},
        {"1000,000", -6, 0},
        {"1,0000", -6, 0},
        {"1.000,50", -6, 0},
        {"1,000,", -6, 0},
        {",000", -6, 0},
        {"20 million", -1, 0},
        {"$", -1, 0},
        {"$$5", -1, 0},
        {"-5", -2, 0},
        {"$-5", -2, 0},
        {"1,000.001", -3, 0},
        {"99,999,999,999,999,999", -4, 0},
        {"1,000,000,000,000.01", -4, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dti_money c = -1;
        int rc = dti_parse_budget(cases[i].text, &c);
        if (rc != cases[i].rc || (rc == 0 && c != cases[i].micro))
            fprintf(stderr, "     budget '%s': %d, %lld\n", cases[i].text, rc, (long long)c);
        CHECK(rc == cases[i].rc && (rc != 0 || c == cases[i].micro));
    }
    dt_error err = {0};
    dti_budget_refused(&err, DT_ERR_USAGE, NULL, 0, "--budget", "$20M", -5);
    CHECK(strstr(err.message, "--budget $20M: a suffix (k, M, B) is not read") == err.message);
    CHECK(strstr(err.message, "25,000,000, $25,000,000") != NULL);
}

static void check_exact_decimals(void)
{
    dti_decimal d;
    char buf[64];
    CHECK_INT(dti_parse_exact("1.0000001", &d), 0);
    CHECK_INT(d.digits, 10000001);
    CHECK_INT(d.scale, 7);
    CHECK_INT(dti_parse_exact("0.0000001", &d), 0);
    CHECK_INT(d.digits, 1);
    CHECK_INT(d.scale, 7);
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "0.0000001");
    CHECK_INT(dti_parse_exact("40.000", &d), 0); /* trailing zeros dropped */
    CHECK_INT(d.digits, 40);
    CHECK_INT(d.scale, 0);
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "40");
    CHECK_INT(dti_parse_exact("007.50", &d), 0);
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "7.5");
    CHECK_INT(dti_parse_exact(".5", &d), 0);
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "0.5");
    CHECK_INT(dti_parse_exact("5.", &d), 0);
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "5");
    /* 18 digits in all, leading zeros and trailing decimal zeros not counted */
    CHECK_INT(dti_parse_exact("123456789.123456789", &d), 0);
    CHECK_INT(d.digits, 123456789123456789ULL);
    CHECK_INT(dti_parse_exact("1234567890.123456789", &d), -4);
    CHECK_INT(dti_parse_exact("0.000000000000000001", &d), 0);
    CHECK_INT(d.scale, 18);
    CHECK_INT(dti_parse_exact("0.0000000000000000001", &d), -4);
    CHECK_INT(dti_parse_exact("00000000000000000000001.50000000000000000000000", &d), 0);
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "1.5");
    const char *bad[] = {"", ".", "1e3", " 1", "1 ", "1.2.3", "+1", "0x10", "inf", "1,5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_INT(dti_parse_exact(bad[i], &d), -1);
    CHECK_INT(dti_parse_exact("-1", &d), -2);
    dti_decimal ten = {10, 0}, ten_too = {100, 1}, tiny = {1, 7}, zero = {0, 0};
    CHECK_INT(dti_decimal_compare(ten, ten_too), 0);
    CHECK_INT(dti_decimal_compare(tiny, zero), 1);
    CHECK_INT(dti_decimal_compare(zero, tiny), -1);
    CHECK_INT(dti_decimal_from_micro(2610250000ULL, &d), 0); /* 2610250000 m2 */
    CHECK_STR(dti_format_decimal(buf, sizeof buf, d), "2610.25");
    CHECK_INT(dti_decimal_from_micro(1000000000000000000ULL, &d), -1);
}

/* Density classes at their bounds, compared exactly (worked out by hand): classes 0-10,
 * 10-100000000, 100000000 up; a density is locations * 10^p / l against a bound. */
static void check_density_bounds(void)
{
    const char *text = "min_density,max_density,cost_per_location\n0,10,100\n"
                       "10,100000000,50\n100000000,,10\n";
    dti_cost_model m;
    dt_error err = {0};
    CHECK_INT(dti_cost_model_read(&m, dt_unit_temp_file(text, strlen(text)), &err), DT_OK);
    dti_decimal d;
    /* 10 / 1.0000001 = 9.9999990000001: below 10 (10 * 10^7 = 10^8 < 10 * 10000001) */
    dti_parse_exact("1.0000001", &d);
    CHECK_INT(dti_cost_class_of(&m, 10, d)->cost_per_location, 100 * DTI_MONEY_UNIT);
    dti_parse_exact("1", &d); /* 10 exactly: the class from 10 */
    CHECK_INT(dti_cost_class_of(&m, 10, d)->cost_per_location, 50 * DTI_MONEY_UNIT);
    dti_parse_exact("0.9999999", &d); /* 10.0000010000001 */
    CHECK_INT(dti_cost_class_of(&m, 10, d)->cost_per_location, 50 * DTI_MONEY_UNIT);
    /* 0.0000001 km2 is land: 1 location on it is 10^7, not an infinite density */
    dti_parse_exact("0.0000001", &d);
    CHECK_INT(dti_cost_class_of(&m, 1, d)->cost_per_location, 50 * DTI_MONEY_UNIT);
    CHECK_INT(dti_cost_class_of(&m, 10, d)->cost_per_location,
              10 * DTI_MONEY_UNIT); /* 10^8 exactly */
    CHECK_INT(dti_cost_class_of(&m, 9, d)->cost_per_location, 50 * DTI_MONEY_UNIT); /* 9 * 10^7 */
    dti_parse_exact("0", &d); /* no land: infinite */
    CHECK_INT(dti_cost_class_of(&m, 1, d)->cost_per_location, 10 * DTI_MONEY_UNIT);
    /* the largest counts and finest areas stay exact: 2^64 - 1 locations on 10^-18 km2 */
    dti_parse_exact("0.000000000000000001", &d);
    CHECK_INT(dti_cost_class_of(&m, UINT64_MAX, d)->cost_per_location, 10 * DTI_MONEY_UNIT);
    CHECK_INT(dti_cost_class_of(&m, 0, d)->cost_per_location, 100 * DTI_MONEY_UNIT);
    dti_cost_model_free(&m);

    /* a bound with 10 decimals: 2 locations per km2 is under 2.0000000001, 20000000001
     * locations on 10^10 km2 are on it */
    const char *fine = "min_density,max_density,cost_per_location\n0,2.0000000001,100\n"
                       "2.0000000001,,50\n";
    CHECK_INT(dti_cost_model_read(&m, dt_unit_temp_file(fine, strlen(fine)), &err), DT_OK);
    dti_parse_exact("1", &d);
    CHECK_INT(dti_cost_class_of(&m, 2, d)->cost_per_location, 100 * DTI_MONEY_UNIT);
    dti_parse_exact("10000000000", &d);
    CHECK_INT(dti_cost_class_of(&m, 20000000001ULL, d)->cost_per_location, 50 * DTI_MONEY_UNIT);
    CHECK_INT(dti_cost_class_of(&m, 20000000000ULL, d)->cost_per_location, 100 * DTI_MONEY_UNIT);
    dti_cost_model_free(&m);

    const char *gap = "min_density,max_density,cost_per_location\n0,2.0000000001,100\n"
                      "2.00000000011,,50\n";
    CHECK_INT(dti_cost_model_read(&m, dt_unit_temp_file(gap, strlen(gap)), &err), DT_ERR_FORMAT);
    CHECK(strstr(err.message, "gap: no class covers densities from 2.0000000001 to 2.00000000011"));
    const char *long_bound =
        "min_density,max_density,cost_per_location\n0,1234567890.123456789,100\n"
        "1234567890.123456789,,50\n";
    CHECK_INT(dti_cost_model_read(&m, dt_unit_temp_file(long_bound, strlen(long_bound)), &err),
              DT_ERR_FORMAT);
    CHECK_INT(err.line, 2);
    CHECK(strstr(err.message, "max_density '1234567890.123456789' has more than 18 digits"));
}

static void check_table(void)
{
    dti_csv_table t;
    dt_error err = {0};
    const char *bad = "geoid,n\n01,1\n\n02,2,3\n";
    CHECK_INT(dti_csv_table_read(&t, dt_unit_temp_file(bad, strlen(bad)), "bad.csv", 0, &err),
              DT_ERR_FORMAT);
    CHECK_INT(err.line, 4);
    const char *good = "geoid,\"name, long\"\n\"01\",\"a \"\"b\"\"\"\n";
    CHECK_INT(dti_csv_table_read(&t, dt_unit_temp_file(good, strlen(good)), NULL, 0, &err), DT_OK);
    CHECK_INT(t.nrows, 1);
    CHECK_INT(dti_csv_table_column(&t, "name, long"), 1);
    CHECK_STR(dti_csv_table_cell(&t, 0, 1), "a \"b\"");
    uint64_t n;
    CHECK_INT(dti_csv_table_count(&t, 0, 1, &n, &err), DT_ERR_FORMAT);
    dti_csv_table_free(&t);
}

static void check_land_from_geometry(void)
{
    /* Sedgwick County (20173) in the bundled layer: 2610.25 km2 by
     * ogrinfo -dialect sqlite -sql "SELECT ST_Area(ST_Transform(geom, 5070))/1e6 ..."
     * (CONUS Albers, EPSG:5070); the fitted Albers must agree to 0.1% */
    dti_land land;
    dt_error err = {0};
    CHECK_INT(dti_land_read_layer(&land, "datasets/kansas/counties.gpkg", NULL, NULL, &err), DT_OK);
    dti_decimal km2;
    CHECK_INT(dti_land_find(&land, "20173", &km2), 0);
    /* whole square metres: km2 with at most 6 decimals */
    CHECK(km2.scale <= 6);
    dti_decimal lo = {260764, 2}, hi = {261286, 2};
    CHECK(dti_decimal_compare(km2, lo) > 0 && dti_decimal_compare(km2, hi) < 0);
    CHECK_INT(dti_land_find(&land, "99999", &km2), -1);
    dti_land_free(&land);
}

int main(void)
{
    check_exact_against_brute_force();
    check_budget_spellings();
    check_exact_ties();
    check_exact_limits();
    check_ranking();
    check_cost_model();
    check_money();
    check_exact_decimals();
    check_density_bounds();
    check_table();
    check_land_from_geometry();
    return dt_unit_report("plan");
}
