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

/* The best (most reached, then cheapest) subset by trying every one. */
static void brute_force(const dti_project *p, size_t n, int64_t budget, int64_t *reach,
                        int64_t *cost)
{
    *reach = 0;
    *cost = 0;
    for (uint32_t mask = 0; mask < (1u << n); mask++) {
        int64_t b = 0, c = 0;
        for (size_t i = 0; i < n; i++)
            if (mask >> i & 1)
                b += p[i].benefit, c += p[i].cost;
        if (c <= budget && (b > *reach || (b == *reach && c < *cost)))
            *reach = b, *cost = c;
    }
}

static void check_exact_against_brute_force(void)
{
    int mismatches = 0, greedy_worse = 0;
    for (int trial = 0; trial < 400; trial++) {
        size_t n = 1 + next_random() % 12;
        dti_project p[12];
        int64_t total = 0;
        memset(p, 0, sizeof p);
        for (size_t i = 0; i < n; i++) {
            p[i].geoid = "x";
            p[i].benefit = (int64_t)(next_random() % 40); /* zero benefit now and then */
            p[i].connect = (uint64_t)p[i].benefit;
            p[i].locations = 100;
            p[i].cost = (int64_t)(1 + next_random() % 5000) * 100;
            total += p[i].cost;
        }
        int64_t budget = (int64_t)(next_random() % (uint64_t)(total + 1));
        dti_plan_rank(p, n);
        dti_plan_greedy(p, n, budget);
        uint64_t cells;
        CHECK_INT(dti_plan_exact(p, n, budget, DTI_EXACT_MAX_CELLS, &cells), 1);
        int64_t b = 0, c = 0, gb = 0, gc = 0, want_b, want_c;
        for (size_t i = 0; i < n; i++) {
            if (p[i].funded)
                b += p[i].benefit, c += p[i].cost;
            if (p[i].funded_greedy)
                gb += p[i].benefit, gc += p[i].cost;
        }
        brute_force(p, n, budget, &want_b, &want_c);
        mismatches += b != want_b || c != want_c;
        greedy_worse += gb < want_b;
        CHECK(gc <= budget);
        CHECK(gb <= want_b);
    }
    CHECK_INT(mismatches, 0);
    CHECK(greedy_worse > 0); /* the instances do tell the two apart */
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
    /* too large for the exact table: refused, not approximated */
    uint64_t cells;
    dti_project big = {.geoid = "big",
                       .connect = 1,
                       .locations = 1,
                       .cost = 1,
                       .benefit = (int64_t)DTI_EXACT_MAX_REACH};
    CHECK_INT(dti_plan_exact(&big, 1, 10, DTI_EXACT_MAX_CELLS, &cells), 0);
}

static void check_cost_model(void)
{
    dti_cost_model m;
    dt_error err = {0};
    CHECK_INT(dti_cost_model_read(&m, NULL, &err), DT_OK); /* datasets/cost_model.csv */
    CHECK_INT(m.count, 5);
    CHECK_INT(m.classes[0].cost_per_location, 3000000);
    CHECK_STR(m.source, DTI_DEFAULT_COSTS_NAME);
    /* 5 locations on 5 km2 is density 1 exactly: the class from 1 up */
    CHECK_INT(dti_cost_class_of(&m, 5, 5000000)->min_micro, 1000000);
    CHECK_INT(dti_cost_class_of(&m, 4, 5000000)->min_micro, 0);
    CHECK_INT(dti_cost_class_of(&m, 1, 0)->min_micro, 100000000); /* no land: the top class */
    dti_cost_model_free(&m);

    const char *text = "# a comment line, with commas\nmin_density,max_density,cost_per_location\n"
                       "25,inf,10.5\n0,25,99\n";
    CHECK_INT(dti_cost_model_read(&m, dt_unit_temp_file(text, strlen(text)), &err), DT_OK);
    CHECK_INT(m.count, 2);
    CHECK_INT(m.classes[1].cost_per_location, 1050);
    CHECK_INT(m.classes[1].line, 3);
    dti_cost_model_free(&m);
}

static void check_money(void)
{
    int64_t c;
    CHECK_INT(dti_parse_cents("25000000", &c), 0);
    CHECK_INT(c, 2500000000LL);
    CHECK_INT(dti_parse_cents("0.5", &c), 0);
    CHECK_INT(c, 50);
    CHECK_INT(dti_parse_cents("-1", &c), -2);
    CHECK_INT(dti_parse_cents("1e6", &c), -1);
    CHECK_INT(dti_parse_cents("", &c), -1);
    CHECK_INT(dti_parse_cents(".", &c), -1);
    CHECK_INT(dti_parse_cents("1.001", &c), -3);
    CHECK_INT(dti_parse_cents("99999999999999999999", &c), -4);
    char buf[32];
    CHECK_STR(dti_format_money(buf, sizeof buf, 123456), "1234.56");
    CHECK_STR(dti_format_money(buf, sizeof buf, 123400), "1234");
    int64_t v;
    CHECK_INT(dti_parse_decimal("3.25", 1, &v), 1); /* rounded half up */
    CHECK_INT(v, 33);
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
    int64_t m2 = dti_land_find(&land, "20173");
    CHECK(m2 > 2607640000LL && m2 < 2612860000LL);
    CHECK_INT(dti_land_find(&land, "99999"), -1);
    dti_land_free(&land);
}

int main(void)
{
    check_exact_against_brute_force();
    check_ranking();
    check_cost_model();
    check_money();
    check_table();
    check_land_from_geometry();
    return dt_unit_report("plan");
}
