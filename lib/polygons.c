/* SPDX-License-Identifier: MIT */
/* Region polygons: read a layer, index its parts, and find the polygon containing a point. */
#define _GNU_SOURCE /* qsort_r: the comparison's context is an argument, not a static */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

/*
 * Every polygon part (one shell and its holes) is a unit of the index. A
 * uniform grid over the parts' envelopes gives the candidate parts of a point;
 * within a part, the edges are bucketed into horizontal slabs, and the
 * even-odd rule over the edges of the point's slab decides. Holes need no
 * special case: a point in a hole crosses the shell and the hole.
 *
 * Boundaries: an edge counts when y1 <= py < y2 (ends ordered by y) and the
 * point lies strictly left of it. Both polygons that share an edge see it
 * with the same ordered ends and compute the same answer, so a point on a
 * shared boundary belongs to exactly one of them.
 */
struct dti_polygons {
    OGRSpatialReferenceH srs;
    dti_region_layer own;          /* the layer read or added to here */
    const dti_region_layer *layer; /* &own, or a layer the caller keeps (dti_polygons_over) */
    uint32_t *order;               /* sorted position -> region of the layer */
    size_t region_count;
    const double *x, *y; /* the layer's vertices */
    /* parts: an exterior ring and its holes */
    uint32_t *part_ring;   /* per part: first ring; +1 sentinel */
    uint32_t *part_region; /* sorted position of its region */
    double *box;           /* per part: xmin, ymin, xmax, ymax */
    size_t part_count;
    /* slabs per part */
    uint32_t *slab_first; /* per part: first slab; part_count + 1 */
    double *slab_height;
    size_t *slab_start;   /* per slab: first edge in slab_edges; total + 1 */
    uint32_t *slab_edges; /* first vertex of an edge */
    dti_boxgrid grid;     /* over the parts' boxes */
};

dti_polygons *dti_polygons_new(OGRSpatialReferenceH srs, int keep_geometry)
{
    dti_polygons *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    dti_region_layer_init(&p->own, keep_geometry);
    p->layer = &p->own;
    if (srs && !(p->srs = OSRClone(srs))) {
        dti_polygons_free(p);
        return NULL;
    }
    if (p->srs)
        OSRSetAxisMappingStrategy(p->srs, OAMS_TRADITIONAL_GIS_ORDER);
    return p;
}

void dti_polygons_free(dti_polygons *p)
{
    if (!p)
        return;
    if (p->srs)
        OSRDestroySpatialReference(p->srs);
    dti_region_layer_free(&p->own);
    free(p->order);
    free(p->part_ring);
    free(p->part_region);
    free(p->box);
    free(p->slab_first);
    free(p->slab_height);
    free(p->slab_start);
    free(p->slab_edges);
    dti_boxgrid_free(&p->grid);
    free(p);
}

size_t dti_polygons_count(const dti_polygons *p) { return p->region_count; }
const char *dti_polygons_id(const dti_polygons *p, size_t r)
{
    return dti_strtab_get(&p->layer->ids, p->order[r]);
}
OGRGeometryH dti_polygons_geometry(const dti_polygons *p, size_t r)
{
    return p->layer->geometry ? p->layer->geometry[p->order[r]] : NULL;
}
OGRSpatialReferenceH dti_polygons_srs(const dti_polygons *p) { return p->srs; }

dt_status dti_polygons_add(dti_polygons *p, const char *id, OGRGeometryH g, dt_error *err)
{
    return dti_region_layer_add(&p->own, id, g, err);
}

typedef struct region_sort {
    const dti_polygons *polygons;
    int numeric;
} region_sort;

static int compare_regions(const void *a, const void *b, void *context)
{
    const region_sort *sort = context;
    const char *x = dti_strtab_get(&sort->polygons->layer->ids, *(const uint32_t *)a);
    const char *y = dti_strtab_get(&sort->polygons->layer->ids, *(const uint32_t *)b);
    if (sort->numeric) {
        long long u = strtoll(x, NULL, 10), v = strtoll(y, NULL, 10);
        if (u != v)
            return u < v ? -1 : 1;
    }
    return strcmp(x, y);
}

static long slab_of(double y, double y0, double height, long n)
{
    long s = (long)floor((y - y0) / height);
    return s < 0 ? 0 : s >= n ? n - 1 : s;
}

/* Slabs of every part: about 8 edges each, at most 4096 per part. */
static dt_status build_slabs(dti_polygons *p, dt_error *err)
{
    size_t np = p->part_count, total = 0;
    p->slab_first = malloc((np + 1) * sizeof *p->slab_first);
    p->slab_height = malloc((np ? np : 1) * sizeof *p->slab_height);
    if (!p->slab_first || !p->slab_height)
        return dti_nomem(err);
    for (size_t i = 0; i < np; i++) {
        const uint32_t *rp = p->layer->ring_point;
        size_t edges = rp[p->part_ring[i + 1]] - rp[p->part_ring[i]];
        size_t n = edges / 8 + 1;
        if (n > 4096)
            n = 4096;
        double height = (p->box[4 * i + 3] - p->box[4 * i + 1]) / (double)n;
        if (!(height > 0)) {
            n = 1;
            height = 1;
        }
        if (total + n >= UINT32_MAX)
            return dti_error_set(err, DT_ERR_FORMAT, NULL, 0, "too many polygon edges");
        p->slab_first[i] = (uint32_t)total;
        p->slab_height[i] = height;
        total += n;
    }
    p->slab_first[np] = (uint32_t)total;
    p->slab_start = calloc(total + 2, sizeof *p->slab_start);
    if (!p->slab_start)
        return dti_nomem(err);
    /* two passes over the edges: count per slab, then place */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            for (size_t s = 0; s < total; s++)
                p->slab_start[s + 1] += p->slab_start[s];
            p->slab_edges =
                malloc((p->slab_start[total] ? p->slab_start[total] : 1) * sizeof *p->slab_edges);
            if (!p->slab_edges)
                return dti_nomem(err);
        }
        for (size_t i = 0; i < np; i++) {
            long n = (long)(p->slab_first[i + 1] - p->slab_first[i]);
            double y0 = p->box[4 * i + 1], h = p->slab_height[i];
            size_t *count = p->slab_start + p->slab_first[i] + (pass == 0);
            for (uint32_t r = p->part_ring[i]; r < p->part_ring[i + 1]; r++) {
                const uint32_t *rp = p->layer->ring_point;
                for (uint32_t v = rp[r]; v + 1 < rp[r + 1]; v++) {
                    double ya = p->y[v], yb = p->y[v + 1];
                    if (ya == yb)
                        continue; /* horizontal: never crossed by a horizontal ray */
                    long lo = slab_of(fmin(ya, yb), y0, h, n), hi = slab_of(fmax(ya, yb), y0, h, n);
                    for (long s = lo; s <= hi; s++) {
                        if (pass == 0)
                            count[s]++;
                        else
                            p->slab_edges[count[s]++] = v;
                    }
                }
            }
        }
        if (pass == 1) /* the placing pass advanced every start to the next slab's */
            for (size_t s = total; s > 0; s--)
                p->slab_start[s] = p->slab_start[s - 1];
        if (pass == 1)
            p->slab_start[0] = 0;
    }
    return DT_OK;
}

/* The parts of the layer (an exterior ring and the holes after it), with their boxes and
 * the sorted positions of their regions (rank). */
static dt_status build_parts(dti_polygons *p, const uint32_t *rank, dt_error *err)
{
    const dti_region_layer *rl = p->layer;
    size_t np = 0;
    for (size_t r = 0; r < rl->ring_count; r++)
        np += rl->ring_outer[r];
    p->part_ring = malloc((np + 1) * sizeof *p->part_ring);
    p->part_region = malloc((np ? np : 1) * sizeof *p->part_region);
    p->box = malloc((np ? np : 1) * 4 * sizeof *p->box);
    if (!p->part_ring || !p->part_region || !p->box)
        return dti_nomem(err);
    for (size_t f = 0; f < rl->feature_count; f++)
        for (uint32_t r = rl->feature_ring[f]; r < rl->feature_ring[f + 1]; r++) {
            if (!rl->ring_outer[r])
                continue; /* a hole follows its exterior ring, in the same feature */
            p->part_region[p->part_count] = rank[rl->feature_region[f]];
            p->part_ring[p->part_count++] = r;
        }
    p->part_ring[np] = (uint32_t)rl->ring_count;
    for (size_t i = 0; i < np; i++) {
        size_t first = rl->ring_point[p->part_ring[i]], end = rl->ring_point[p->part_ring[i + 1]];
        double *b = &p->box[4 * i];
        b[0] = b[2] = rl->x[first];
        b[1] = b[3] = rl->y[first];
        for (size_t v = first; v < end; v++) {
            b[0] = fmin(b[0], rl->x[v]);
            b[1] = fmin(b[1], rl->y[v]);
            b[2] = fmax(b[2], rl->x[v]);
            b[3] = fmax(b[3], rl->y[v]);
        }
    }
    return DT_OK;
}

dt_status dti_polygons_index(dti_polygons *p, int numeric_ids, dt_error *err)
{
    size_t n = p->layer->region_count;
    p->region_count = n;
    p->x = p->layer->x;
    p->y = p->layer->y;
    p->order = malloc((n ? n : 1) * sizeof *p->order);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!p->order || !rank) {
        free(rank);
        return dti_nomem(err);
    }
    for (size_t r = 0; r < n; r++)
        p->order[r] = (uint32_t)r;
    region_sort sort = {p, numeric_ids};
    qsort_r(p->order, n, sizeof *p->order, compare_regions, &sort);
    for (size_t r = 0; r < n; r++)
        rank[p->order[r]] = (uint32_t)r;
    dt_status status = build_parts(p, rank, err);
    free(rank);
    if (status == DT_OK)
        status = build_slabs(p, err);
    if (status == DT_OK && dti_boxgrid_build(&p->grid, p->box, p->box + 1, p->box + 2, p->box + 3,
                                             4, p->part_count) != 0)
        status = dti_nomem(err);
    return status;
}

dti_polygons *dti_polygons_over(const dti_region_layer *layer, OGRSpatialReferenceH srs,
                                int numeric_ids, dt_error *err)
{
    dti_polygons *p = dti_polygons_new(srs, 0);
    if (!p) {
        dti_nomem(err);
        return NULL;
    }
    p->layer = layer;
    if (dti_polygons_index(p, numeric_ids, err) != DT_OK) {
        dti_polygons_free(p);
        return NULL;
    }
    return p;
}

/* Even-odd rule over the edges of the point's slab in part i. */
static int part_contains(const dti_polygons *p, size_t i, double px, double py)
{
    long n = (long)(p->slab_first[i + 1] - p->slab_first[i]);
    size_t s = p->slab_first[i] + (size_t)slab_of(py, p->box[4 * i + 1], p->slab_height[i], n);
    int inside = 0;
    for (size_t k = p->slab_start[s]; k < p->slab_start[s + 1]; k++) {
        uint32_t v = p->slab_edges[k];
        double x1 = p->x[v], y1 = p->y[v], x2 = p->x[v + 1], y2 = p->y[v + 1];
        if (y1 > y2) { /* order the ends by y: the same edge of a neighbour agrees */
            double t = x1;
            x1 = x2;
            x2 = t;
            t = y1;
            y1 = y2;
            y2 = t;
        }
        if (y1 <= py && py < y2 && (px - x1) * (y2 - y1) < (x2 - x1) * (py - y1))
            inside = !inside;
    }
    return inside;
}

/* Part i's region when it contains (x, y), else DTI_NO_REGION. */
static uint32_t part_hit(const dti_polygons *p, uint32_t i, double x, double y, uint32_t found)
{
    const double *b = &p->box[4 * i];
    if (x < b[0] || x > b[2] || y < b[1] || y > b[3] || p->part_region[i] == found)
        return DTI_NO_REGION;
    return part_contains(p, i, x, y) ? p->part_region[i] : DTI_NO_REGION;
}

uint32_t dti_polygons_locate(const dti_polygons *p, double x, double y, int *several)
{
    *several = 0;
    const uint32_t *cell;
    size_t n = dti_boxgrid_point(&p->grid, x, y, &cell);
    uint32_t found = DTI_NO_REGION;
    for (size_t k = 0; k < n + p->grid.nbig; k++) {
        uint32_t r = part_hit(p, k < n ? cell[k] : p->grid.big[k - n], x, y, found);
        if (r == DTI_NO_REGION)
            continue;
        if (found != DTI_NO_REGION)
            *several = 1;
        if (r < found)
            found = r;
    }
    return found;
}

dti_polygons *dti_polygons_read(const char *spec, const char *id_field, int keep_geometry,
                                dti_polygons_report *report, dt_error *err)
{
    memset(report, 0, sizeof *report);
    dti_layer layer;
    if (dti_layer_open_named(spec, NULL, &layer, err) != DT_OK)
        return NULL;
    int col;
    void *srs = NULL;
    dti_polygons *p = NULL;
    dt_status status =
        dti_layer_fields(&layer, &id_field, 1, &col, "region layer (--id-field)", err);
    if (status == DT_OK)
        status = dti_layer_srs(&layer, &srs, err);
    if (status == DT_OK && !(p = dti_polygons_new(srs, keep_geometry)))
        status = dti_nomem(err);
    if (srs)
        OSRDestroySpatialReference(srs);
    if (status == DT_OK) {
        dti_region_read how = {
            .display = layer.display, .id_index = col, .id_required = 1, .repair = 1};
        status = dti_region_layer_read(&p->own, &layer, &how, err);
        const dti_region_notes *notes = &p->own.notes;
        report->features = notes->features;
        report->repaired = notes->repaired;
        report->empty = notes->empty;
        memcpy(report->repaired_fids, notes->repaired_fids, sizeof report->repaired_fids);
        memcpy(report->empty_fids, notes->empty_fids, sizeof report->empty_fids);
        report->validity_checked = notes->validity_checked;
        if (status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
            status = dti_error_gdal(err, DT_ERR_IO, layer.display, "reading failed");
        if (status == DT_OK && p->own.region_count == 0)
            status = dti_error_set(err, DT_ERR_FORMAT, layer.display, 0,
                                   "no region polygon in this layer");
        OGRFieldType type =
            OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer.layer), col));
        if (status == DT_OK)
            status = dti_polygons_index(p, type == OFTInteger || type == OFTInteger64, err);
    }
    dti_layer_close(&layer);
    if (status != DT_OK) {
        dti_polygons_free(p);
        return NULL;
    }
    return p;
}

dt_status dti_polygons_assign(const dti_polygons *p, const dti_blocks *blocks,
                              uint32_t *block_region, uint8_t *several_out,
                              dti_assign_report *report, dt_progress_fn progress, void *user,
                              dt_error *err)
{
    enum { CHUNK = 1 << 16 };
    memset(report, 0, sizeof *report);
    double *x = malloc(CHUNK * sizeof *x), *y = malloc(CHUNK * sizeof *y);
    int *ok = malloc(CHUNK * sizeof *ok);
    dt_status status = x && y && ok ? DT_OK : dti_nomem(err);
    size_t start = 0;
    for (size_t s = 0; s < blocks->source_count && status == DT_OK; s++) {
        void *ct = NULL;
        status = dti_srs_transform(blocks->point_srs[s], p->srs, &ct, blocks->sources[s], err);
        while (status == DT_OK && start < blocks->source_end[s]) {
            size_t n = blocks->source_end[s] - start;
            n = n > CHUNK ? CHUNK : n;
            memcpy(x, blocks->lon + start, n * sizeof *x);
            memcpy(y, blocks->lat + start, n * sizeof *y);
            for (size_t i = 0; i < n; i++)
                ok[i] = 1;
            if (ct) /* failures are flagged per point in ok[] */
                OCTTransformEx(ct, (int)n, x, y, NULL, ok);
            for (size_t i = 0; i < n; i++) {
                int several = 0;
                uint32_t r = DTI_NO_REGION;
                if (!ok[i] || !isfinite(x[i]) || !isfinite(y[i]))
                    report->not_transformed++;
                else
                    r = dti_polygons_locate(p, x[i], y[i], &several);
                block_region[start + i] = r;
                if (several_out)
                    several_out[start + i] = (uint8_t)several;
                report->in_no_region += r == DTI_NO_REGION;
                report->in_several += several;
            }
            start += n;
            if (progress && !progress((double)start / (double)blocks->count, "regions", user))
                status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
        }
        if (ct)
            OCTDestroyCoordinateTransformation(ct);
    }
    free(x);
    free(y);
    free(ok);
    return status;
}
