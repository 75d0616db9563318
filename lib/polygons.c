/* SPDX-License-Identifier: MIT */
/* Region polygons: read a layer, index its parts, and find the polygon containing a point. */
#define _GNU_SOURCE /* qsort_r: the comparison's context is an argument, not a static */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
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
    int keep_geometry;
    dti_strtab ids;         /* region id text -> index in order of appearance */
    OGRGeometryH *geometry; /* per region (appearance order): MultiPolygon when kept */
    size_t geometry_cap;
    uint32_t *order; /* sorted position -> appearance index */
    size_t region_count;
    /* vertices of every ring, rings closed (last == first) */
    double *x, *y;
    size_t vertex_count, vertex_cap;
    /* parts */
    uint32_t *part_region;           /* appearance index until dti_polygons_index, then sorted */
    uint32_t *part_first, *part_end; /* vertex range */
    uint32_t *ring_ends;             /* ring end offsets, all parts */
    uint32_t *part_rings;            /* per part: first index into ring_ends; +1 sentinel */
    size_t ring_count, ring_cap;
    double *box; /* per part: xmin, ymin, xmax, ymax */
    size_t part_count, part_cap;
    /* slabs per part */
    uint32_t *slab_first; /* per part: first slab; part_count + 1 */
    double *slab_height;
    size_t *slab_start;   /* per slab: first edge in slab_edges; total + 1 */
    uint32_t *slab_edges; /* first vertex of an edge */
    dti_boxgrid grid;     /* over the parts' boxes */
};

static int ensure(void **array, size_t *cap, size_t need, size_t size, int count)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    for (int i = 0; i < count; i++) {
        void *p = realloc(array[i], n * size);
        if (!p)
            return -1;
        array[i] = p;
    }
    *cap = n;
    return 0;
}

dti_polygons *dti_polygons_new(OGRSpatialReferenceH srs, int keep_geometry)
{
    dti_polygons *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    dti_strtab_init(&p->ids);
    p->keep_geometry = keep_geometry;
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
    if (p->geometry) /* a region whose slot could not be made has none */
        for (size_t r = 0; r < p->ids.count && r < p->geometry_cap; r++)
            if (p->geometry[r])
                OGR_G_DestroyGeometry(p->geometry[r]);
    if (p->srs)
        OSRDestroySpatialReference(p->srs);
    dti_strtab_free(&p->ids);
    free(p->geometry);
    free(p->order);
    free(p->x);
    free(p->y);
    free(p->part_region);
    free(p->part_first);
    free(p->part_end);
    free(p->part_rings);
    free(p->ring_ends);
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
    return dti_strtab_get(&p->ids, p->order[r]);
}
OGRGeometryH dti_polygons_geometry(const dti_polygons *p, size_t r)
{
    return p->geometry ? p->geometry[p->order[r]] : NULL;
}
OGRSpatialReferenceH dti_polygons_srs(const dti_polygons *p) { return p->srs; }

static int add_ring(dti_polygons *p, OGRGeometryH ring)
{
    int n = OGR_G_GetPointCount(ring);
    if (n < 3)
        return 0; /* a degenerate ring encloses nothing */
    double fx = OGR_G_GetX(ring, 0), fy = OGR_G_GetY(ring, 0);
    int closed = OGR_G_GetX(ring, n - 1) == fx && OGR_G_GetY(ring, n - 1) == fy;
    size_t need = p->vertex_count + (size_t)n + 1;
    void *xy[2] = {p->x, p->y};
    int failed = need >= UINT32_MAX || ensure(xy, &p->vertex_cap, need, sizeof(double), 2);
    p->x = xy[0]; /* also after a failure: the arrays that did grow moved */
    p->y = xy[1];
    if (failed)
        return -1;
    for (int i = 0; i < n; i++) {
        p->x[p->vertex_count] = OGR_G_GetX(ring, i);
        p->y[p->vertex_count++] = OGR_G_GetY(ring, i);
    }
    if (!closed) {
        p->x[p->vertex_count] = fx;
        p->y[p->vertex_count++] = fy;
    }
    void *ends[1] = {p->ring_ends};
    int failed_ends = ensure(ends, &p->ring_cap, p->ring_count + 1, sizeof(uint32_t), 1);
    p->ring_ends = ends[0];
    if (failed_ends)
        return -1;
    p->ring_ends[p->ring_count++] = (uint32_t)p->vertex_count;
    return 0;
}

/* One Polygon (shell and holes) as a part of region. */
static int add_part(dti_polygons *p, OGRGeometryH polygon, uint32_t region)
{
    size_t first_vertex = p->vertex_count, first_ring = p->ring_count;
    int rings = OGR_G_GetGeometryCount(polygon);
    for (int k = 0; k < rings; k++)
        if (add_ring(p, OGR_G_GetGeometryRef(polygon, k)) != 0)
            return -1;
    if (p->ring_count == first_ring)
        return 0;
    void *arrays[4] = {p->part_region, p->part_first, p->part_end, p->part_rings};
    size_t cap = p->part_cap;
    int failed = ensure(arrays, &cap, p->part_count + 2, sizeof(uint32_t), 4);
    void *boxes[1] = {p->box};
    size_t box_cap = p->part_cap;
    failed = failed || ensure(boxes, &box_cap, p->part_count + 2, 4 * sizeof(double), 1);
    /* also after a failure: the arrays that did grow moved (part_cap stays the smallest) */
    p->part_region = arrays[0];
    p->part_first = arrays[1];
    p->part_end = arrays[2];
    p->part_rings = arrays[3];
    p->box = boxes[0];
    if (failed)
        return -1;
    p->part_cap = cap;
    size_t i = p->part_count++;
    p->part_region[i] = region;
    p->part_first[i] = (uint32_t)first_vertex;
    p->part_end[i] = (uint32_t)p->vertex_count;
    p->part_rings[i] = (uint32_t)first_ring;
    p->part_rings[i + 1] = (uint32_t)p->ring_count;
    double *b = &p->box[4 * i];
    b[0] = b[2] = p->x[first_vertex];
    b[1] = b[3] = p->y[first_vertex];
    for (size_t v = first_vertex; v < p->vertex_count; v++) {
        b[0] = fmin(b[0], p->x[v]);
        b[1] = fmin(b[1], p->y[v]);
        b[2] = fmax(b[2], p->x[v]);
        b[3] = fmax(b[3], p->y[v]);
    }
    return 0;
}

dt_status dti_polygons_add(dti_polygons *p, const char *id, OGRGeometryH g, dt_error *err)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type != wkbPolygon && type != wkbMultiPolygon)
        return dti_error_set(err, DT_ERR_FORMAT, NULL, 0, "a %s is not a polygon",
                             OGRGeometryTypeToName(type));
    size_t before = p->ids.count;
    uint32_t region = dti_strtab_intern(&p->ids, id, strlen(id));
    if (region == UINT32_MAX)
        return dti_nomem(err);
    if (p->keep_geometry) {
        if (p->ids.count > before) {
            void *arrays[1] = {p->geometry};
            int failed = ensure(arrays, &p->geometry_cap, p->ids.count, sizeof(OGRGeometryH), 1);
            p->geometry = arrays[0];
            if (failed)
                return dti_nomem(err);
            p->geometry[region] = OGR_G_CreateGeometry(wkbMultiPolygon);
            if (!p->geometry[region])
                return dti_nomem(err);
        }
        OGRErr rc = OGRERR_NONE;
        if (type == wkbPolygon)
            rc = OGR_G_AddGeometry(p->geometry[region], g);
        else
            for (int k = 0; k < OGR_G_GetGeometryCount(g) && rc == OGRERR_NONE; k++)
                rc = OGR_G_AddGeometry(p->geometry[region], OGR_G_GetGeometryRef(g, k));
        if (rc != OGRERR_NONE)
            return dti_nomem(err);
    }
    if (type == wkbPolygon)
        return add_part(p, g, region) == 0 ? DT_OK : dti_nomem(err);
    for (int k = 0; k < OGR_G_GetGeometryCount(g); k++)
        if (add_part(p, OGR_G_GetGeometryRef(g, k), region) != 0)
            return dti_nomem(err);
    return DT_OK;
}

typedef struct region_sort {
    const dti_polygons *polygons;
    int numeric;
} region_sort;

static int compare_regions(const void *a, const void *b, void *context)
{
    const region_sort *sort = context;
    const char *x = dti_strtab_get(&sort->polygons->ids, *(const uint32_t *)a);
    const char *y = dti_strtab_get(&sort->polygons->ids, *(const uint32_t *)b);
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
        size_t edges = p->part_end[i] - p->part_first[i];
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
            for (uint32_t r = p->part_rings[i]; r < p->part_rings[i + 1]; r++) {
                uint32_t first = r == p->part_rings[i] ? p->part_first[i] : p->ring_ends[r - 1];
                for (uint32_t v = first; v + 1 < p->ring_ends[r]; v++) {
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

dt_status dti_polygons_index(dti_polygons *p, int numeric_ids, dt_error *err)
{
    size_t n = p->ids.count;
    p->region_count = n;
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
    for (size_t i = 0; i < p->part_count; i++)
        p->part_region[i] = rank[p->part_region[i]];
    free(rank);
    dt_status status = build_slabs(p, err);
    if (status == DT_OK && dti_boxgrid_build(&p->grid, p->box, p->box + 1, p->box + 2, p->box + 3,
                                             4, p->part_count) != 0)
        status = dti_nomem(err);
    return status;
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

/* Polygons only, from what MakeValid returns (it may add lines or points). */
static OGRGeometryH polygons_of(OGRGeometryH g)
{
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type == wkbPolygon || type == wkbMultiPolygon)
        return OGR_G_Clone(g);
    OGRGeometryH out = OGR_G_CreateGeometry(wkbMultiPolygon);
    if (type == wkbGeometryCollection && out)
        for (int k = 0; k < OGR_G_GetGeometryCount(g); k++) {
            OGRGeometryH part = OGR_G_GetGeometryRef(g, k);
            OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(part));
            if (t == wkbPolygon)
                OGR_G_AddGeometry(out, part);
            else if (t == wkbMultiPolygon)
                for (int j = 0; j < OGR_G_GetGeometryCount(part); j++)
                    OGR_G_AddGeometry(out, OGR_G_GetGeometryRef(part, j));
        }
    return out;
}

static int have_geos(void)
{
#if defined(GDAL_VERSION_NUM) && GDAL_VERSION_NUM >= 3040000
    int major, minor, patch;
    return OGRGetGEOSVersion(&major, &minor, &patch) ? 1 : 0;
#else
    return 1;
#endif
}

static void remember(int64_t *fids, size_t count, int64_t fid)
{
    if (count <= 8)
        fids[count - 1] = fid;
}

/* One feature into p: linear, valid (repaired when GDAL can), polygonal. */
static dt_status read_feature(dti_polygons *p, const dti_layer *layer, int id_field, OGRFeatureH f,
                              dti_polygons_report *report, dt_error *err)
{
    long long fid = (long long)OGR_F_GetFID(f);
    if (!OGR_F_IsFieldSetAndNotNull(f, id_field) || !*OGR_F_GetFieldAsString(f, id_field))
        return dti_error_set(err, DT_ERR_FORMAT, layer->display, 0,
                             "feature %lld has no value in the id field", fid);
    const char *id = OGR_F_GetFieldAsString(f, id_field);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g)) {
        remember(report->empty_fids, ++report->empty, fid);
        return DT_OK;
    }
    if (!dti_geometry_finite(g))
        return dti_error_set(err, DT_ERR_FORMAT, layer->display, 0,
                             "feature %lld (id %s) has a coordinate that is not a finite number",
                             fid, id);
    OGRGeometryH owned = NULL;
    if (OGR_G_HasCurveGeometry(g, TRUE))
        g = owned = OGR_G_GetLinearGeometry(g, 0, NULL);
    dt_status status = DT_OK;
    if (!g)
        return dti_nomem(err);
    if (report->validity_checked && !OGR_G_IsValid(g)) {
        OGRGeometryH fixed = OGR_G_MakeValid(g);
        OGRGeometryH polygons = fixed ? polygons_of(fixed) : NULL;
        if (fixed)
            OGR_G_DestroyGeometry(fixed);
        if (!polygons || OGR_G_IsEmpty(polygons)) {
            if (polygons)
                OGR_G_DestroyGeometry(polygons);
            if (owned)
                OGR_G_DestroyGeometry(owned);
            return dti_error_gdal(err, DT_ERR_FORMAT, layer->display,
                                  CPLSPrintf("feature %lld (id %s) has an invalid geometry that "
                                             "MakeValid cannot repair into polygons",
                                             fid, id));
        }
        if (owned)
            OGR_G_DestroyGeometry(owned);
        g = owned = polygons;
        remember(report->repaired_fids, ++report->repaired, fid);
    }
    status = dti_polygons_add(p, id, g, err);
    if (owned)
        OGR_G_DestroyGeometry(owned);
    if (status == DT_ERR_FORMAT) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err ? err->message : "not a polygon");
        return dti_error_set(err, DT_ERR_FORMAT, layer->display, 0, "feature %lld (id %s): %s", fid,
                             id, why);
    }
    return status;
}

dti_polygons *dti_polygons_read(const char *spec, const char *id_field, int keep_geometry,
                                dti_polygons_report *report, dt_error *err)
{
    memset(report, 0, sizeof *report);
    dti_layer layer;
    if (dti_layer_open(spec, &layer, err) != DT_OK)
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
        dti_layer_read_only(&layer, &col, 1, 1);
        report->validity_checked = have_geos();
        OGRFieldType type =
            OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer.layer), col));
        OGR_L_ResetReading(layer.layer);
        CPLErrorReset();
        OGRFeatureH f;
        while (status == DT_OK && (f = OGR_L_GetNextFeature(layer.layer)) != NULL) {
            report->features++;
            status = read_feature(p, &layer, col, f, report, err);
            OGR_F_Destroy(f);
        }
        if (status == DT_OK && CPLGetLastErrorType() >= CE_Failure)
            status = dti_error_gdal(err, DT_ERR_IO, layer.display, "reading failed");
        if (status == DT_OK && p->ids.count == 0)
            status = dti_error_set(err, DT_ERR_FORMAT, layer.display, 0,
                                   "no region polygon in this layer");
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
