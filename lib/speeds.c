/* SPDX-License-Identifier: MIT */
/* Speed and price statistics of a group of locations (a region or the whole
 * run): percentiles, medians of prices and of exact $/Mbps ratios, competition. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "select.h"

int64_t dti_percentile(int64_t *values, size_t n, unsigned pct)
{
    /* nearest rank: the ceil(pct * n / 100)-th smallest, at least the first */
    size_t rank = (size_t)(((uint64_t)n * pct + 99) / 100);
    return dti_select_kth(values, n, rank ? rank - 1 : 0);
}

/* Exact comparisons of price/down ratios need 128-bit products:
 * micro-dollars (< 2^40) times micro-Mbps (< 2^50). */
__extension__ typedef unsigned __int128 u128;

static int ratio_less(dti_ratio a, dti_ratio b)
{
    return (u128)a.num * (u128)b.den < (u128)b.num * (u128)a.den;
}

/* k-th smallest ratio (0-based), reordering v: exact fractions instead of integers. */
DTI_DEFINE_SELECT(select_ratio, dti_ratio, ratio_less)

uint64_t dti_ratio_median_q4(dti_ratio *v, size_t n)
{
    if (n == 0)
        return 0;
    dti_ratio upper = select_ratio(v, n, n / 2);
    u128 num = (u128)(uint64_t)upper.num, den = (u128)(uint64_t)upper.den;
    if (n % 2 == 0) { /* mean of the two middle ratios: (a/b + c/d) / 2 = (ad + cb) / 2bd */
        dti_ratio lower = v[0];
        for (size_t i = 1; i < n / 2; i++)
            if (ratio_less(lower, v[i]))
                lower = v[i];
        num = (u128)(uint64_t)lower.num * (uint64_t)upper.den +
              (u128)(uint64_t)upper.num * (uint64_t)lower.den;
        den = 2 * (u128)(uint64_t)lower.den * (uint64_t)upper.den;
    }
    /* round half up to 4 decimals, exactly */
    return (uint64_t)((2 * (u128)10000 * num + den) / (2 * den));
}

void dti_group_prices(const dti_coverage *cov, const uint32_t *locs, size_t n, int64_t *scratch,
                      dti_ratio *ratios, dti_group_extra *out)
{
    size_t priced = 0, nratios = 0;
    out->served = 0;
    for (size_t k = 0; k < n; k++) {
        if (dti_class_of(cov->locations[locs[k]].flags) != DTI_SERVED)
            continue;
        out->served++;
        dti_location_extra e = dti_extras_of(cov->extras, locs[k]);
        if (e.price < 0)
            continue;
        scratch[priced++] = e.price;
        if (e.price_down > 0) /* a served threshold of 0 down could allow 0 */
            ratios[nratios++] = (dti_ratio){e.price, e.price_down};
    }
    out->priced = priced;
    out->median_price_x2 = priced ? dti_median_x2(scratch, priced) : 0;
    out->per_mbps_count = nratios;
    out->per_mbps_q4 = dti_ratio_median_q4(ratios, nratios);
}

void dti_group_speeds(const dti_coverage *cov, const uint32_t *locs, size_t n, int64_t *scratch,
                      dti_group_extra *out)
{
    memset(out->competition, 0, sizeof out->competition);
    out->locations = n;
    if (n == 0)
        return;
    for (size_t k = 0; k < n; k++)
        scratch[k] = cov->locations[locs[k]].best_down;
    out->median_down_x2 = dti_median_x2(scratch, n);
    out->p90_down = dti_percentile(scratch, n, 90);
    for (size_t k = 0; k < n; k++)
        scratch[k] = cov->locations[locs[k]].best_up;
    out->median_up_x2 = dti_median_x2(scratch, n);
    out->p90_up = dti_percentile(scratch, n, 90);
    for (size_t k = 0; k < n; k++)
        out->competition[dti_extras_of(cov->extras, locs[k]).served_providers]++;
}
