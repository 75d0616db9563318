/* SPDX-License-Identifier: MIT */
/* Unit tests of the one box index (lib/boxgrid.c): on many generated sets of boxes, the
 * candidates of a point and of a query box hold exactly the boxes a brute-force scan finds
 * (boxes of every size, far-off and infinite extents, empty sets). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

static uint64_t rng = 88172645463325252ULL;
static double uniform(void) /* xorshift64: [0, 1) */
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

typedef struct seen {
    uint8_t *mark;
    size_t n;
} seen;

static int mark(uint32_t item, void *user)
{
    seen *s = user;
    if (item < s->n)
        s->mark[item] = 1;
    return 0;
}

static int stop_at_first(uint32_t item, void *user)
{
    (void)item, (void)user;
    return 7;
}

/* Every box the brute force finds is among the candidates (candidates may be more). */
static int covers(const dti_boxgrid *g, const double *b, size_t n, double x0, double y0, double x1,
                  double y1, int point)
{
    seen s = {calloc(n ? n : 1, 1), n};
    if (point) {
        const uint32_t *cell;
        size_t k = dti_boxgrid_point(g, x0, y0, &cell);
        for (size_t i = 0; i < k; i++)
            mark(cell[i], &s);
        for (size_t i = 0; i < g->nbig; i++)
            mark(g->big[i], &s);
    } else {
        if (dti_boxgrid_query(g, x0, y0, x1, y1, mark, &s) != 0) {
            free(s.mark);
            return 0;
        }
    }
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        const double *c = b + 4 * i;
        int hit = c[0] <= x1 && x0 <= c[2] && c[1] <= y1 && y0 <= c[3];
        if (hit && !s.mark[i])
            ok = 0;
    }
    free(s.mark);
    return ok;
}

static void test_random_sets(void)
{
    int bad = 0;
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(uniform() * 400);
        double scale = pow(10, uniform() * 12 - 4); /* 1e-4 .. 1e8 */
        double *b = malloc((n ? n : 1) * 4 * sizeof *b);
        for (size_t i = 0; i < n; i++) {
            double x = (uniform() - 0.5) * scale, y = (uniform() - 0.5) * scale;
            double size = uniform() < 0.05 ? scale : uniform() * scale / 50; /* a few huge */
            double w = uniform() < 0.1 ? 0 : size * uniform();               /* some are points */
            b[4 * i] = x, b[4 * i + 1] = y, b[4 * i + 2] = x + w, b[4 * i + 3] = y + size;
        }
        dti_boxgrid g;
        if (dti_boxgrid_build(&g, b, b + 1, b + 2, b + 3, 4, n) != 0)
            bad++;
        for (int q = 0; q < 200; q++) {
            double x = (uniform() - 0.5) * scale * 1.2, y = (uniform() - 0.5) * scale * 1.2;
            if (q % 2 == 0 && n) { /* a corner of a box: the closed boundary counts */
                size_t i = (size_t)(uniform() * (double)n);
                x = b[4 * i + 2], y = b[4 * i + 3];
            }
            if (!covers(&g, b, n, x, y, x, y, 1))
                bad++;
            double w = uniform() * scale / 10;
            if (!covers(&g, b, n, x, y, x + w, y + w, 0))
                bad++;
        }
        dti_boxgrid_free(&g);
        free(b);
    }
    CHECK_INT(bad, 0);
}

static void test_extremes(void)
{
    /* an extent wider than a double holds: every box is big, nothing is lost */
    double wide[8] = {-1e308, 0, -1e308, 1, 1e308, 0, 1e308, 1};
    dti_boxgrid g;
    CHECK_INT(dti_boxgrid_build(&g, wide, wide + 1, wide + 2, wide + 3, 4, 2), 0);
    CHECK_INT(g.nbig, 2);
    CHECK(covers(&g, wide, 2, 1e308, 0.5, 1e308, 0.5, 1));
    dti_boxgrid_free(&g);
    /* an infinite or NaN box goes to big; the others stay on the grid */
    double odd[12] = {0, 0, 1, 1, -INFINITY, 0, 5, 1, NAN, 2, 3, 3};
    CHECK_INT(dti_boxgrid_build(&g, odd, odd + 1, odd + 2, odd + 3, 4, 3), 0);
    CHECK_INT(g.nbig, 2);
    CHECK(covers(&g, odd, 3, 0.5, 0.5, 0.5, 0.5, 1));
    const uint32_t *cell;
    CHECK_INT(dti_boxgrid_point(&g, NAN, 0, &cell), 0); /* a NaN point is in no cell */
    CHECK_INT(dti_boxgrid_point(&g, 1e300, 0, &cell), 0);
    CHECK_INT(dti_boxgrid_query(&g, 0, 0, 1, 1, stop_at_first, NULL), 7);
    dti_boxgrid_free(&g);
    /* no boxes at all */
    CHECK_INT(dti_boxgrid_build(&g, NULL, NULL, NULL, NULL, 4, 0), 0);
    CHECK_INT(dti_boxgrid_point(&g, 0.5, 0.5, &cell), 0);
    CHECK_INT(dti_boxgrid_query(&g, 0, 0, 1, 1, stop_at_first, NULL), 0);
    dti_boxgrid_free(&g);
    /* one box: the point on its far corner finds it */
    double one[4] = {2, 3, 4, 5};
    CHECK_INT(dti_boxgrid_build(&g, one, one + 1, one + 2, one + 3, 4, 1), 0);
    CHECK_INT(dti_boxgrid_point(&g, 4, 5, &cell), 1);
    CHECK_INT(cell[0], 0);
    dti_boxgrid_free(&g);
}

int main(void)
{
    test_random_sets();
    test_extremes();
    return dt_unit_report("boxgrid");
}
