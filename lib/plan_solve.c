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

int64_t dti_plan_greedy(dti_project *p, size_t n, int64_t budget)
{
    int64_t left = budget;
    for (size_t i = 0; i < n; i++) {
        p[i].funded_greedy = p[i].benefit > 0 && p[i].cost <= left;
        if (p[i].funded_greedy)
            left -= p[i].cost;
    }
    return budget - left;
}

/* Dynamic programming over the amount reached, not over money: best[v] is the least cost
 * of reaching exactly v (locations, or tenths of households) with the projects seen so far.
 * The answer is the largest v whose least cost fits the budget: the most reached, and the
 * cheapest way to reach it. A project replaces an equal-cost way only when strictly cheaper,
 * so ties keep the higher-ranked projects. take[i][v] records the choices for the walk back. */
int dti_plan_exact(dti_project *p, size_t n, int64_t budget, uint64_t max_cells, uint64_t *cells)
{
    size_t *items = malloc((n ? n : 1) * sizeof *items), count = 0;
    if (!items)
        return -1;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        p[i].funded = 0;
        if (p[i].benefit > 0 && p[i].cost <= budget) {
            items[count++] = i;
            total += (uint64_t)p[i].benefit;
        }
    }
    uint64_t width = total + 1; /* v = 0 .. total */
    *cells = (uint64_t)count * width;
    if (count && (width > DTI_EXACT_MAX_REACH || *cells > max_cells)) {
        free(items);
        return 0;
    }
    int64_t *best = malloc(width * sizeof *best);
    uint64_t words = (width + 63) / 64;
    uint64_t *take = calloc(count ? count * words : 1, sizeof *take);
    if (!best || !take) {
        free(items);
        free(best);
        free(take);
        return -1;
    }
    best[0] = 0;
    for (uint64_t v = 1; v < width; v++)
        best[v] = INT64_MAX;
    uint64_t reach = 0; /* the largest v reachable so far */
    for (size_t k = 0; k < count; k++) {
        const dti_project *q = &p[items[k]];
        uint64_t b = (uint64_t)q->benefit, *row = take + k * words;
        for (uint64_t v = reach + b; v >= b; v--) {
            int64_t from = best[v - b];
            if (from != INT64_MAX && from + q->cost < best[v]) {
                best[v] = from + q->cost;
                row[v / 64] |= 1ULL << (v % 64);
            }
            if (v == b)
                break;
        }
        reach += b;
    }
    uint64_t v = 0;
    for (uint64_t u = width; u-- > 0;)
        if (best[u] <= budget) {
            v = u;
            break;
        }
    for (size_t k = count; k-- > 0;) {
        if (take[k * words + v / 64] >> (v % 64) & 1) {
            p[items[k]].funded = 1;
            v -= (uint64_t)p[items[k]].benefit;
        }
    }
    free(items);
    free(best);
    free(take);
    return 1;
}
