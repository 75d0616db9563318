/* SPDX-License-Identifier: MIT */
/* dialtone plan: ranking projects, greedy allocation and the exact 0/1 knapsack. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* a*b against c*d without overflow */
static int compare_products(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    dti_u128 x = (dti_u128)a * b, y = (dti_u128)c * d;
    return x < y ? -1 : x > y;
}

/* Rank order: projects that reach nothing last; then cost per unit reached, lowest first
 * (cost_a / benefit_a < cost_b / benefit_b, cross-multiplied); then the larger share of the
 * region's locations to connect (the neediest first); then the region id. */
static int compare_projects(const void *pa, const void *pb)
{
    const dti_project *a = pa, *b = pb;
    if ((a->benefit == 0) != (b->benefit == 0))
        return a->benefit == 0 ? 1 : -1;
    int c = a->benefit == 0 ? (a->cost > b->cost) - (a->cost < b->cost)
                            : compare_products((uint64_t)a->cost, (uint64_t)b->benefit,
                                               (uint64_t)b->cost, (uint64_t)a->benefit);
    if (c)
        return c;
    c = compare_products(b->connect, a->locations, a->connect, b->locations);
    if (c)
        return c;
    return strcmp(a->geoid, b->geoid);
}

void dti_plan_rank(dti_project *p, size_t n)
{
    if (n > 1)
        qsort(p, n, sizeof *p, compare_projects);
}

dti_money dti_plan_greedy(dti_project *p, size_t n, dti_money budget)
{
    dti_money left = budget; /* cost <= left: no subtraction goes below 0 */
    for (size_t i = 0; i < n; i++) {
        p[i].funded_greedy = p[i].benefit > 0 && p[i].cost <= left;
        if (p[i].funded_greedy)
            left -= p[i].cost;
    }
    return budget - left;
}

/* Dynamic programming over the amount reached, not over money, from the lowest-ranked project
 * up: after project k, least[v] is the least cost of reaching exactly v with projects k..,
 * and of the ways that cost that, the one funding the higher-ranked projects. Adding k, a
 * way with k against an equal-cost way without it differs first at k: the way with k wins
 * (<=), and each way's own rest was already the best of the projects after k, so the order
 * (most reached, then cheapest, then by rank) is kept exactly at every step. Ways over the
 * budget count as unreachable (adding projects to one cannot bring it back under), so no sum
 * exceeds the budget. least[v] holds cost + 1, 0 unreachable: calloc'd pages never written
 * cost no memory. take[k][v] records the choices for the walk forward. */
int dti_plan_exact(dti_project *p, size_t n, dti_money budget, uint64_t max_cells,
                   dti_exact_size *size)
{
    size_t *items = malloc((n ? n : 1) * sizeof *items), count = 0;
    if (!items)
        return -1;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        p[i].funded = 0;
        if (p[i].benefit > 0 && p[i].cost <= budget) {
            items[count++] = i;
            uint64_t b = (uint64_t)p[i].benefit;
            total = total > UINT64_MAX - b ? UINT64_MAX : total + b;
        }
    }
    size->projects = count;
    size->reach = total;
    size->cells = count && total > UINT64_MAX / count ? UINT64_MAX : (uint64_t)count * total;
    if (total > DTI_EXACT_MAX_REACH || size->cells > max_cells) {
        free(items);
        return 0;
    }
    uint64_t width = total + 1, words = (width + 63) / 64;
    uint64_t *least = calloc(width, sizeof *least);
    uint64_t *take = calloc(count ? count * words : 1, sizeof *take);
    if (!least || !take) {
        free(items);
        free(least);
        free(take);
        return -1;
    }
    least[0] = 1;
    /* from <= limit and cost <= DTI_MONEY_MAX: from + cost stays far below 2^64 */
    uint64_t reach = 0, limit = (uint64_t)budget + 1;
    for (size_t k = count; k-- > 0;) {
        const dti_project *q = &p[items[k]];
        uint64_t b = (uint64_t)q->benefit, cost = (uint64_t)q->cost, *row = take + k * words;
        for (uint64_t v = reach + b; v >= b; v--) {
            uint64_t from = least[v - b];
            if (from && from + cost <= limit && (!least[v] || from + cost <= least[v])) {
                least[v] = from + cost;
                row[v / 64] |= 1ULL << (v % 64);
            }
            if (v == b)
                break;
        }
        reach += b;
    }
    uint64_t v = total;
    while (v > 0 && !least[v])
        v--;
    for (size_t k = 0; k < count; k++)
        if (take[k * words + v / 64] >> (v % 64) & 1) {
            p[items[k]].funded = 1;
            v -= (uint64_t)p[items[k]].benefit;
        }
    free(items);
    free(least);
    free(take);
    return 1;
}
