/* SPDX-License-Identifier: MIT */
/* Class breaks for maps: quantile, equal interval, Jenks (Fisher's optimum), pretty. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int dti_class_of_value(const double *breaks, int nbreaks, double v)
{
    int lo = 0, hi = nbreaks; /* first break greater than v */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (breaks[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Keep candidate breaks that leave every class non-empty-able: strictly increasing and
 * above the minimum (a break at the minimum would make the first class empty). */
static int keep_increasing(double *breaks, int count, double min)
{
    int kept = 0;
    for (int i = 0; i < count; i++)
        if (breaks[i] > min && (kept == 0 || breaks[i] > breaks[kept - 1]))
            breaks[kept++] = breaks[i];
    return kept;
}

static double pow10i(int e)
{
    double p = 1;
    for (int i = 0; i < (e < 0 ? -e : e); i++)
        p *= 10;
    return p;
}

/* q * mult * 10^e as the double nearest the decimal (dividing by an exact power of ten). */
static double decimal_value(double q, int mult, int e)
{
    return e >= 0 ? q * mult * pow10i(e) : q * mult / pow10i(-e);
}

static int pretty_breaks(const double *sorted, size_t n, int k, double *breaks)
{
    double min = sorted[0], max = sorted[n - 1], range = max - min;
    if (!(range > 0))
        return 0;
    int e = (int)floor(log10(range / k));
    static const int mults[] = {1, 2, 5, 10};
    for (;; e++)
        for (int m = 0; m < 4; m++) {
            double step = decimal_value(1, mults[m], e);
            double lo = floor(min / step), hi = ceil(max / step);
            if (hi - lo > k)
                continue;
            int count = 0;
            for (double q = lo + 1; q < hi; q++)
                breaks[count++] = decimal_value(q, mults[m], e);
            return keep_increasing(breaks, count, min);
        }
}

/* ---- Fisher's exact optimum over distinct weighted values ----
 * D[c][i]: least squared deviation of values 0..i in c groups; the last group starts at
 * opt[c][i]. The optimal start is monotone in i (the cost satisfies the quadrangle
 * inequality), so each layer is solved by divide and conquer in O(m log m) (as in
 * Ckmeans.1d.dp), exactly the optimum of Fisher's O(k m^2) table. */
typedef struct fisher {
    const double *v;
    double *cw, *cs, *cq; /* prefix sums of weight, w*v, w*v^2 (values centred) */
    double *prev, *cur;
    uint32_t *opt; /* opt[c * m + i] */
    size_t m;
} fisher;

static double group_cost(const fisher *f, size_t j, size_t i)
{
    double w = f->cw[i + 1] - f->cw[j], s = f->cs[i + 1] - f->cs[j];
    double q = f->cq[i + 1] - f->cq[j];
    double cost = q - s * s / w;
    return cost > 0 ? cost : 0;
}

static void fisher_layer(fisher *f, int c, size_t lo, size_t hi, size_t opt_lo, size_t opt_hi)
{
    if (lo > hi)
        return;
    size_t mid = lo + (hi - lo) / 2;
    size_t first = opt_lo > (size_t)(c - 1) ? opt_lo : (size_t)(c - 1);
    size_t last = opt_hi < mid ? opt_hi : mid;
    double best = INFINITY;
    size_t best_j = first;
    for (size_t j = first; j <= last; j++) {
        double d = f->prev[j - 1] + group_cost(f, j, mid);
        if (d < best) {
            best = d;
            best_j = j;
        }
    }
    f->cur[mid] = best;
    f->opt[(size_t)c * f->m + mid] = (uint32_t)best_j;
    if (mid > lo)
        fisher_layer(f, c, lo, mid - 1, opt_lo, best_j);
    fisher_layer(f, c, mid + 1, hi, best_j, opt_hi);
}

int dti_breaks_jenks(const double *sorted, size_t n, int k, double *breaks)
{
    /* distinct values and their weights */
    double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
    fisher f = {0};
    int result = -1;
    if (!v || !w)
        goto done;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && sorted[i] == v[m - 1]) {
            w[m - 1]++;
            continue;
        }
        v[m] = sorted[i];
        w[m++] = 1;
    }
    if ((size_t)k >= m) { /* every distinct value is its own class */
        for (size_t i = 1; i < m; i++)
            breaks[i - 1] = v[i];
        result = (int)m - 1;
        goto done;
    }
    f.v = v;
    f.m = m;
    f.cw = malloc((m + 1) * sizeof *f.cw);
    f.cs = malloc((m + 1) * sizeof *f.cs);
    f.cq = malloc((m + 1) * sizeof *f.cq);
    f.prev = malloc(m * sizeof *f.prev);
    f.cur = malloc(m * sizeof *f.cur);
    f.opt = malloc((size_t)(k + 1) * m * sizeof *f.opt);
    if (!f.cw || !f.cs || !f.cq || !f.prev || !f.cur || !f.opt)
        goto done;
    double centre = v[m / 2]; /* centring keeps the sums of squares accurate */
    f.cw[0] = f.cs[0] = f.cq[0] = 0;
    for (size_t i = 0; i < m; i++) {
        double d = v[i] - centre;
        f.cw[i + 1] = f.cw[i] + w[i];
        f.cs[i + 1] = f.cs[i] + w[i] * d;
        f.cq[i + 1] = f.cq[i] + w[i] * d * d;
    }
    for (size_t i = 0; i < m; i++)
        f.prev[i] = group_cost(&f, 0, i);
    for (int c = 2; c <= k; c++) {
        for (size_t i = 0; i < (size_t)(c - 1); i++)
            f.cur[i] = INFINITY;
        fisher_layer(&f, c, (size_t)(c - 1), m - 1, (size_t)(c - 1), m - 1);
        double *t = f.prev;
        f.prev = f.cur;
        f.cur = t;
    }
    size_t i = m - 1;
    for (int c = k; c >= 2; c--) {
        size_t j = f.opt[(size_t)c * m + i];
        breaks[c - 2] = v[j];
        i = j - 1;
    }
    result = k - 1;
done:
    free(v);
    free(w);
    free(f.cw);
    free(f.cs);
    free(f.cq);
    free(f.prev);
    free(f.cur);
    free(f.opt);
    return result;
}

int dti_breaks_compute(dti_break_method method, const double *sorted, size_t n, int k,
                       double *breaks)
{
    double min = sorted[0], max = sorted[n - 1];
    int count = 0;
    if (k < 2 || !(max > min))
        return 0;
    switch (method) {
    case DTI_BREAKS_QUANTILE:
        for (int i = 1; i < k; i++)
            breaks[count++] = sorted[(size_t)i * n / (size_t)k];
        break;
    case DTI_BREAKS_EQUAL:
        for (int i = 1; i < k; i++)
            breaks[count++] = min + (max - min) * i / k;
        break;
    case DTI_BREAKS_JENKS:
        return dti_breaks_jenks(sorted, n, k, breaks);
    case DTI_BREAKS_PRETTY:
        return pretty_breaks(sorted, n, k, breaks);
    case DTI_BREAKS_MANUAL:
        return 0;
    }
    return keep_increasing(breaks, count, min);
}

static double round_to(double v, int decimals)
{
    double p = pow10i(decimals);
    return round(v * p) / p;
}

static int prints_exactly(double v, int decimals)
{
    return fabs(round_to(v, decimals) - v) <= 1e-9 * (fabs(v) > 1 ? fabs(v) : 1);
}

int dti_breaks_decimals(const double *breaks, int nbreaks, double min, double max)
{
    int d = 0;
    for (int i = 0; i < nbreaks; i++)
        while (d < 6 && !prints_exactly(breaks[i], d))
            d++;
    (void)min;
    (void)max;
    return d;
}

int dti_breaks_round(double *breaks, int nbreaks, double min, double max)
{
    double range = max - min;
    int d = range > 0 ? 2 - (int)floor(log10(range)) : 2;
    d = d < 0 ? 0 : d > 6 ? 6 : d;
    for (; d < 6; d++) {
        int ok = 1;
        for (int i = 0; i < nbreaks && ok; i++) {
            double r = round_to(breaks[i], d);
            ok = r > min && r <= max && (i == 0 || r > round_to(breaks[i - 1], d));
        }
        if (ok)
            break;
    }
    for (int i = 0; i < nbreaks; i++)
        if (!prints_exactly(breaks[i], d))
            breaks[i] = round_to(breaks[i], d);
    return d;
}

char *dti_format_number(char *buf, size_t size, double v, int decimals)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v) < 0.5 / pow10i(decimals) ? 0.0 : v);
    const char *p = digits;
    size_t out = 0;
    if (*p == '-')
        buf[out++] = *p++;
    size_t int_len = strcspn(p, ".");
    for (size_t i = 0; p[i] && out + 2 < size; i++) {
        if (i < int_len && i > 0 && (int_len - i) % 3 == 0 && int_len > 3)
            buf[out++] = ',';
        buf[out++] = p[i];
    }
    buf[out] = '\0';
    return buf;
}

double dti_nice_number(double v, int round_it)
{
    if (!(v > 0))
        return 0;
    double e = floor(log10(v)), p = pow(10, e), f = v / p, nice;
    if (round_it)
        nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * p;
}
