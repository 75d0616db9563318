/* SPDX-License-Identifier: MIT */
/* Unit tests of class breaks (Jenks against brute force), number labels and palettes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

/* Sum of squared deviations from group means for the grouping given by breaks. */
static double grouping_cost(const double *v, size_t n, const double *breaks, int nb)
{
    double cost = 0;
    size_t start = 0;
    for (int g = 0; g <= nb; g++) {
        size_t end = start;
        while (end < n && (g == nb || v[end] < breaks[g]))
            end++;
        double mean = 0;
        for (size_t i = start; i < end; i++)
            mean += v[i];
        mean /= (double)(end - start ? end - start : 1);
        for (size_t i = start; i < end; i++)
            cost += (v[i] - mean) * (v[i] - mean);
        start = end;
    }
    return cost;
}

/* Brute force: every way to cut n sorted values into k non-empty runs of distinct values. */
static double best_cost(const double *v, size_t n, int k, double *breaks, int depth, size_t from)
{
    if (depth == k - 1)
        return grouping_cost(v, n, breaks, k - 1);
    double best = INFINITY;
    for (size_t i = from; i < n; i++) {
        if (v[i] == v[i - 1])
            continue; /* a cut inside a run of ties is no cut */
        breaks[depth] = v[i];
        double c = best_cost(v, n, k, breaks, depth + 1, i + 1);
        best = c < best ? c : best;
    }
    return best;
}

/* Fisher's O(k n^2) table, the textbook way: least total SSD of n sorted values in k groups. */
static double fisher_cost(const double *v, int n, int k)
{
    static double d[10][500];
    for (int i = 0; i < n; i++) {
        double s = 0, q = 0;
        for (int j = 0; j <= i; j++)
            s += v[j], q += v[j] * v[j];
        d[1][i] = q - s * s / (i + 1);
    }
    for (int c = 2; c <= k; c++)
        for (int i = c - 1; i < n; i++) {
            double best = INFINITY, s = 0, q = 0;
            for (int j = i; j >= c - 1; j--) { /* last group j..i */
                s += v[j], q += v[j] * v[j];
                double cost = d[c - 1][j - 1] + q - s * s / (i - j + 1);
                best = cost < best ? cost : best;
            }
            d[c][i] = best;
        }
    return d[k][n - 1];
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void check_breaks(const double *got, int ngot, const double *want, int nwant)
{
    CHECK_INT(ngot, nwant);
    for (int i = 0; i < ngot && i < nwant; i++)
        CHECK(fabs(got[i] - want[i]) < 1e-12);
}

int main(void)
{
    double b[DTI_MAX_CLASSES], scratch[DTI_MAX_CLASSES];
    char buf[64];

    /* Jenks: three obvious clusters */
    double clusters[] = {1, 2, 3, 10, 11, 12, 20, 21, 22};
    double want3[] = {10, 20};
    check_breaks(b, dti_breaks_jenks(clusters, 9, 3, b), want3, 2);
    /* a known optimum worked by hand: {1,2,4,5,6,9,10} in 2 groups -> {1,2,4,5,6}{9,10}
     * (SSD 17.2 + 0.5 = 17.7) beats {1,2,4,5}{6,9,10} (10 + 8.67) and {1,2}{4,...} (27.3) */
    double hand[] = {1, 2, 4, 5, 6, 9, 10};
    double want_hand[] = {9};
    check_breaks(b, dti_breaks_jenks(hand, 7, 2, b), want_hand, 1);
    CHECK(fabs(grouping_cost(hand, 7, b, 1) - 17.7) < 1e-9);
    /* fewer distinct values than classes: every value its own class */
    double few[] = {1, 1, 2, 2, 5};
    double want_few[] = {2, 5};
    check_breaks(b, dti_breaks_jenks(few, 5, 4, b), want_few, 2);
    /* against brute force on random vectors with ties */
    srand(7);
    for (int trial = 0; trial < 200; trial++) {
        double v[11];
        size_t n = 5 + (size_t)(trial % 7);
        for (size_t i = 0; i < n; i++)
            v[i] = (double)(rand() % 30) / (trial % 3 ? 1 : 4);
        qsort(v, n, sizeof *v, compare);
        int k = 2 + trial % 4;
        int nb = dti_breaks_jenks(v, n, k, b);
        size_t distinct = 1;
        for (size_t i = 1; i < n; i++)
            distinct += v[i] != v[i - 1];
        if ((size_t)k >= distinct) {
            CHECK_INT(nb, (int)distinct - 1);
            continue;
        }
        CHECK_INT(nb, k - 1);
        double brute = best_cost(v, n, k, scratch, 0, 1);
        CHECK(fabs(grouping_cost(v, n, b, nb) - brute) <= 1e-9 * (1 + brute));
    }

    /* against the textbook table on a bigger vector: 400 skewed values, 7 classes */
    double big[400];
    for (int i = 0; i < 400; i++)
        big[i] = pow((double)(rand() % 10000) / 100.0, 1.7);
    qsort(big, 400, sizeof *big, compare);
    int nbig = dti_breaks_jenks(big, 400, 7, b);
    CHECK_INT(nbig, 6);
    double table = fisher_cost(big, 400, 7);
    CHECK(fabs(grouping_cost(big, 400, b, nbig) - table) <= 1e-9 * table);

    /* quantile, equal, pretty, and the lower-inclusive class rule */
    double ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    double want_q[] = {3, 5, 7, 9};
    check_breaks(b, dti_breaks_compute(DTI_BREAKS_QUANTILE, ten, 10, 5, b), want_q, 4);
    double range[] = {0, 30, 100};
    double want_e[] = {25, 50, 75};
    check_breaks(b, dti_breaks_compute(DTI_BREAKS_EQUAL, range, 3, 4, b), want_e, 3);
    double spread[] = {0.3, 12, 55, 87.5};
    double want_p[] = {20, 40, 60, 80};
    check_breaks(b, dti_breaks_compute(DTI_BREAKS_PRETTY, spread, 4, 5, b), want_p, 4);
    double small[] = {0.012, 0.3, 0.47};
    double want_ps[] = {0.1, 0.2, 0.3, 0.4};
    check_breaks(b, dti_breaks_compute(DTI_BREAKS_PRETTY, small, 3, 5, b), want_ps, 4);
    double same[] = {20, 20, 20};
    CHECK_INT(dti_breaks_compute(DTI_BREAKS_QUANTILE, same, 3, 5, b), 0);
    CHECK_INT(dti_breaks_compute(DTI_BREAKS_JENKS, same, 3, 5, b), 0);
    CHECK_INT(dti_breaks_compute(DTI_BREAKS_EQUAL, same, 3, 5, b), 0);
    CHECK_INT(dti_breaks_compute(DTI_BREAKS_PRETTY, same, 3, 5, b), 0);
    /* ties: quantile breaks (values at ranks 2, 4, 6, 8: 0, 0, 0, 2) never repeat and never
     * sit at the minimum, so fewer classes remain */
    double ties[] = {0, 0, 0, 0, 0, 0, 0, 1, 2, 3};
    double want_t[] = {2};
    check_breaks(b, dti_breaks_compute(DTI_BREAKS_QUANTILE, ties, 10, 5, b), want_t, 1);
    double policy[] = {25, 100};
    CHECK_INT(dti_class_of_value(policy, 2, 24.99), 0);
    CHECK_INT(dti_class_of_value(policy, 2, 25), 1);
    CHECK_INT(dti_class_of_value(policy, 2, 99.9), 1);
    CHECK_INT(dti_class_of_value(policy, 2, 100), 2);
    CHECK_INT(dti_class_of_value(policy, 0, 5), 0);

    /* rounding data breaks for the legend keeps them distinct and inside the range */
    double raw[] = {4.4123, 8.2071, 19.449};
    CHECK_INT(dti_breaks_round(raw, 3, 0, 63.7), 1);
    CHECK(raw[0] == 4.4 && raw[1] == 8.2 && raw[2] == 19.4);
    double close[] = {1.01, 1.02};
    CHECK_INT(dti_breaks_round(close, 2, 0, 60), 2);
    double exact[] = {25, 100};
    CHECK_INT(dti_breaks_decimals(exact, 2, 0, 1000), 0);
    double quarter[] = {0.25, 2.5};
    CHECK_INT(dti_breaks_decimals(quarter, 2, 0, 10), 2);
    CHECK_STR(dti_format_number(buf, sizeof buf, 12345.678, 1), "12,345.7");
    CHECK_STR(dti_format_number(buf, sizeof buf, 1234567, 0), "1,234,567");
    CHECK_STR(dti_format_number(buf, sizeof buf, 999, 0), "999");
    CHECK_STR(dti_format_number(buf, sizeof buf, -0.001, 1), "0.0");
    CHECK_STR(dti_format_number(buf, sizeof buf, -2500.5, 1), "-2,500.5");
    CHECK(dti_nice_number(347, 0) == 500 && dti_nice_number(347, 1) == 500);
    CHECK(dti_nice_number(0.13, 1) == 0.1);

    /* palettes */
    dti_rgb c[9];
    dt_error err;
    CHECK_INT(dti_palette_colors("YlOrRd", 5, c, &err), DT_OK);
    CHECK(c[0].r == 0xff && c[0].g == 0xff && c[0].b == 0xb2);
    CHECK(c[4].r == 0xbd && c[4].g == 0x00 && c[4].b == 0x26);
    CHECK_INT(dti_palette_colors("blues_r", 3, c, &err), DT_OK);
    CHECK(c[0].r == 0x31 && c[0].g == 0x82 && c[0].b == 0xbd);
    CHECK_INT(dti_palette_colors("RdYlBu", 9, c, &err), DT_OK);
    CHECK(c[8].r == 0x45 && c[8].g == 0x75 && c[8].b == 0xb4);
    CHECK_INT(dti_palette_colors("YlOrRd", 1, c, &err), DT_OK); /* the middle of three */
    CHECK(c[0].r == 0xfe && c[0].g == 0xb2 && c[0].b == 0x4c);
    CHECK_INT(dti_palette_colors("#000,#808080,#ffffff", 2, c, &err), DT_OK);
    CHECK(c[0].r == 0 && c[1].r == 0xff);
    CHECK_INT(dti_palette_colors("#000,#fff", 3, c, &err), DT_ERR_USAGE);
    CHECK_INT(dti_palette_colors("#000,#ggg", 2, c, &err), DT_ERR_USAGE);
    CHECK_INT(dti_palette_colors("Rainbow", 5, c, &err), DT_ERR_USAGE);
    CHECK(strstr(err.message, "YlOrRd") != NULL);
    CHECK_INT(dti_parse_color("#1a2B3c", c), 0);
    CHECK(c[0].r == 0x1a && c[0].g == 0x2b && c[0].b == 0x3c);
    CHECK_INT(dti_parse_color("12345", c), -1);

    /* values: empty and NaN are no data; words are errors */
    double v;
    CHECK(dti_parse_value("", 0, &v) == 0 && isnan(v));
    CHECK(dti_parse_value("NaN", 3, &v) == 0 && isnan(v));
    CHECK(dti_parse_value(" 12.5 ", 6, &v) == 0 && v == 12.5);
    CHECK(dti_parse_value("lots", 4, &v) == -1);
    CHECK(dti_parse_value("inf", 3, &v) == -1);
    return dt_unit_report("breaks");
}
