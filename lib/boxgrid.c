/* SPDX-License-Identifier: MIT */
/* One index of boxes for every spatial lookup (region polygons' parts, Ookla tiles, regions
 * against tiles): a uniform grid of about four cells per box over the boxes' extent, stored
 * compactly (each cell's items in one array), with the boxes that would fill too many cells
 * kept apart and offered to every query. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { MAX_SIDE = 2048, MAX_CELLS_PER_ITEM = 64 };

void dti_boxgrid_free(dti_boxgrid *g)
{
    if (!g)
        return;
    free(g->cell_start);
    free(g->cell_items);
    free(g->big);
    memset(g, 0, sizeof *g);
}

/* The cell of coordinate v, clamped to [0, n): the division stays in double until it is
 * clamped, so a far-off point cannot overflow the conversion. */
static long cell_of(double v, double v0, double size, long n)
{
    double c = floor((v - v0) / size);
    return !(c >= 0) ? 0 : c >= (double)n ? n - 1 : (long)c;
}

static void cells_of(const dti_boxgrid *g, double minx, double miny, double maxx, double maxy,
                     long *cx0, long *cy0, long *cx1, long *cy1)
{
    *cx0 = cell_of(minx, g->x0, g->cw, g->nx), *cx1 = cell_of(maxx, g->x0, g->cw, g->nx);
    *cy0 = cell_of(miny, g->y0, g->ch, g->ny), *cy1 = cell_of(maxy, g->y0, g->ch, g->ny);
}

int dti_boxgrid_build(dti_boxgrid *g, const double *minx, const double *miny, const double *maxx,
                      const double *maxy, size_t stride, size_t n)
{
    memset(g, 0, sizeof *g);
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    size_t finite = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = i * stride;
        if (!isfinite(minx[j]) || !isfinite(miny[j]) || !isfinite(maxx[j]) || !isfinite(maxy[j]))
            continue; /* big: outside the extent */
        x0 = fmin(x0, minx[j]), y0 = fmin(y0, miny[j]);
        x1 = fmax(x1, maxx[j]), y1 = fmax(y1, maxy[j]);
        finite++;
    }
    if (finite == 0)
        x0 = y0 = 0, x1 = y1 = 1;
    double w = x1 - x0 > 0 ? x1 - x0 : 1, h = y1 - y0 > 0 ? y1 - y0 : 1;
    g->x0 = x0, g->y0 = y0, g->x1 = x1, g->y1 = y1;
    if (!isfinite(w) || !isfinite(h)) {
        /* an extent wider than a double holds (or a NaN box): every box is big */
        g->nx = g->ny = 0;
    } else {
        double cells = 4.0 * (double)(n ? n : 1), side = ceil(sqrt(cells * w / h));
        g->nx = side < 1 ? 1 : side > MAX_SIDE ? MAX_SIDE : (long)side;
        double rows = ceil(cells / (double)g->nx);
        g->ny = rows < 1 ? 1 : rows > MAX_SIDE ? MAX_SIDE : (long)rows;
        g->cw = w / (double)g->nx, g->ch = h / (double)g->ny;
    }
    size_t ncells = (size_t)g->nx * (size_t)g->ny;
    g->cell_start = calloc(ncells + 2, sizeof *g->cell_start);
    if (!g->cell_start)
        return -1;
    size_t nbig = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            for (size_t c = 0; c < ncells; c++)
                g->cell_start[c + 1] += g->cell_start[c];
            size_t total = g->cell_start[ncells];
            g->cell_items = malloc((total ? total : 1) * sizeof *g->cell_items);
            g->big = malloc((nbig ? nbig : 1) * sizeof *g->big);
            if (!g->cell_items || !g->big)
                return -1;
        }
        size_t *count = g->cell_start + (pass == 0);
        for (size_t i = 0; i < n; i++) {
            const double *b[4] = {minx + i * stride, miny + i * stride, maxx + i * stride,
                                  maxy + i * stride};
            long cx0 = 0, cy0 = 0, cx1 = -1, cy1 = -1;
            int in = isfinite(*b[0]) && isfinite(*b[1]) && isfinite(*b[2]) && isfinite(*b[3]);
            if (ncells && in)
                cells_of(g, *b[0], *b[1], *b[2], *b[3], &cx0, &cy0, &cx1, &cy1);
            if (!ncells || !in ||
                (double)(cx1 - cx0 + 1) * (double)(cy1 - cy0 + 1) > MAX_CELLS_PER_ITEM) {
                if (pass == 0)
                    nbig++;
                else
                    g->big[g->nbig++] = (uint32_t)i;
                continue;
            }
            for (long cy = cy0; cy <= cy1; cy++)
                for (long cx = cx0; cx <= cx1; cx++) {
                    size_t c = (size_t)cy * (size_t)g->nx + (size_t)cx;
                    if (pass == 0)
                        count[c]++;
                    else
                        g->cell_items[count[c]++] = (uint32_t)i;
                }
        }
        if (pass == 1) {
            for (size_t c = ncells; c > 0; c--)
                g->cell_start[c] = g->cell_start[c - 1];
            g->cell_start[0] = 0;
        }
    }
    return 0;
}

size_t dti_boxgrid_point(const dti_boxgrid *g, double x, double y, const uint32_t **items)
{
    *items = NULL;
    if (!g->nx || !(x >= g->x0 && y >= g->y0 && x <= g->x1 && y <= g->y1))
        return 0;
    size_t c = (size_t)cell_of(y, g->y0, g->ch, g->ny) * (size_t)g->nx +
               (size_t)cell_of(x, g->x0, g->cw, g->nx);
    *items = g->cell_items + g->cell_start[c];
    return g->cell_start[c + 1] - g->cell_start[c];
}

int dti_boxgrid_query(const dti_boxgrid *g, double minx, double miny, double maxx, double maxy,
                      dti_boxgrid_visit visit, void *user)
{
    int rc = 0;
    for (size_t k = 0; k < g->nbig && !rc; k++)
        rc = visit(g->big[k], user);
    if (rc || !g->nx || !(maxx >= g->x0 && maxy >= g->y0 && minx <= g->x1 && miny <= g->y1))
        return rc;
    long cx0, cy0, cx1, cy1;
    cells_of(g, minx, miny, maxx, maxy, &cx0, &cy0, &cx1, &cy1);
    for (long cy = cy0; cy <= cy1 && !rc; cy++)
        for (long cx = cx0; cx <= cx1 && !rc; cx++) {
            size_t c = (size_t)cy * (size_t)g->nx + (size_t)cx;
            for (size_t k = g->cell_start[c]; k < g->cell_start[c + 1] && !rc; k++)
                rc = visit(g->cell_items[k], user);
        }
    return rc;
}
