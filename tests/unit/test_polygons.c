/* SPDX-License-Identifier: MIT */
/* Unit tests of point in polygon: holes, multipolygons, shared edges, overlaps, reprojection. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"
#include "unit.h"

static void add(dti_polygons *p, const char *id, const char *wkt)
{
    char *text = (char *)wkt;
    OGRGeometryH g = NULL;
    CHECK(OGR_G_CreateFromWkt(&text, NULL, &g) == OGRERR_NONE);
    dt_error err = {0};
    CHECK_INT(dti_polygons_add(p, id, g, &err), DT_OK);
    OGR_G_DestroyGeometry(g);
}

static dti_polygons *build(const char *const *ids, const char *const *wkts, int n, int numeric)
{
    dti_polygons *p = dti_polygons_new(NULL, 0);
    for (int i = 0; i < n; i++)
        add(p, ids[i], wkts[i]);
    dt_error err = {0};
    CHECK_INT(dti_polygons_index(p, numeric, &err), DT_OK);
    return p;
}

/* Region id at (x, y), "" for none. */
static const char *at(const dti_polygons *p, double x, double y)
{
    int several;
    uint32_t r = dti_polygons_locate(p, x, y, &several);
    return r == DTI_NO_REGION ? "" : dti_polygons_id(p, r);
}

/* The fixture of tests/data/geo: A has a hole, C sits in the hole, B has two parts. */
static const char *const areas_ids[] = {"B", "C", "A"};
static const char *const areas_wkt[] = {
    "MULTIPOLYGON (((-335000 1880000,-325000 1880000,-325000 1890000,-335000 1890000,-335000 "
    "1880000)),((-320000 1895000,-310000 1895000,-310000 1905000,-320000 1905000,-320000 "
    "1895000)))",
    "POLYGON ((-352000 1888000,-348000 1888000,-348000 1892000,-352000 1892000,-352000 1888000))",
    "POLYGON ((-360000 1880000,-340000 1880000,-340000 1900000,-360000 1900000,-360000 "
    "1880000),(-355000 1885000,-355000 1895000,-345000 1895000,-345000 1885000,-355000 "
    "1885000))",
};

static void test_holes_and_parts(void)
{
    dti_polygons *p = build(areas_ids, areas_wkt, 3, 0);
    CHECK_INT(dti_polygons_count(p), 3);
    CHECK_STR(dti_polygons_id(p, 0), "A"); /* sorted by id */
    CHECK_STR(dti_polygons_id(p, 2), "C");
    CHECK_STR(at(p, -357500, 1882500), "A"); /* shell, left of the hole */
    CHECK_STR(at(p, -342500, 1897500), "A"); /* shell, right of the hole */
    CHECK_STR(at(p, -353500, 1893500), "");  /* in the hole, beside the island */
    CHECK_STR(at(p, -350000, 1890000), "C"); /* the island in the hole */
    CHECK_STR(at(p, -330000, 1885000), "B"); /* first part */
    CHECK_STR(at(p, -315000, 1900000), "B"); /* second part */
    CHECK_STR(at(p, -330000, 1892500), "");  /* between the parts */
    CHECK_STR(at(p, -400000, 1890000), "");  /* outside everything */
    CHECK_STR(at(p, -350000, 1880000), "A"); /* on A's bottom edge: a bottom edge belongs */
    CHECK_STR(at(p, -350000, 1900000), "");  /* on A's top edge: a top edge does not */
    dti_polygons_free(p);
}

/* A point on the boundary shared by neighbours belongs to exactly one of them. */
static void test_shared_boundaries(void)
{
    static const char *const ids[] = {"SW", "SE", "NW", "NE"};
    static const char *const wkts[] = {
        "POLYGON ((0 0,10 0,10 10,0 10,0 0))",
        "POLYGON ((10 0,20 0,20 10,10 10,10 0))",
        "POLYGON ((0 10,10 10,10 20,0 20,0 10))",
        /* the same edges listed in the other direction */
        "POLYGON ((10 10,10 20,20 20,20 10,10 10))",
    };
    dti_polygons *p = build(ids, wkts, 4, 0);
    static const double points[][2] = {{10, 5}, {5, 10}, {10, 10}, {15, 10}, {10, 15}, {10, 0}};
    static const char *const want[] = {"SE", "NW", "NE", "NE", "NE", "SE"};
    for (int i = 0; i < 6; i++) {
        int several = 0;
        uint32_t r = dti_polygons_locate(p, points[i][0], points[i][1], &several);
        CHECK(!several);
        CHECK_STR(r == DTI_NO_REGION ? "" : dti_polygons_id(p, r), want[i]);
    }
    /* an edge shared on a slanted line, with non-integer crossings */
    static const char *const tri_ids[] = {"lower", "upper"};
    static const char *const tri[] = {"POLYGON ((0 0,3 0,3 7,0 0))", "POLYGON ((0 0,3 7,0 7,0 0))"};
    dti_polygons *q = build(tri_ids, tri, 2, 0);
    int hits = 0;
    for (int k = 1; k < 70; k++) { /* points on the diagonal y = 7x/3 */
        double y = k * 0.1, x = y * 3 / 7;
        hits += at(q, x, y)[0] != '\0';
        int several;
        dti_polygons_locate(q, x, y, &several);
        CHECK(!several);
    }
    CHECK_INT(hits, 69);
    dti_polygons_free(q);
    dti_polygons_free(p);
}

static void test_overlap_and_numeric_ids(void)
{
    static const char *const ids[] = {"10", "9", "100"};
    static const char *const wkts[] = {
        "POLYGON ((0 0,10 0,10 10,0 10,0 0))",
        "POLYGON ((5 5,15 5,15 15,5 15,5 5))",
        "POLYGON ((20 20,30 20,30 30,20 30,20 20))",
    };
    dti_polygons *p = build(ids, wkts, 3, 1);
    CHECK_STR(dti_polygons_id(p, 0), "9"); /* numeric order, not text order */
    CHECK_STR(dti_polygons_id(p, 1), "10");
    CHECK_STR(dti_polygons_id(p, 2), "100");
    int several = 0;
    uint32_t r = dti_polygons_locate(p, 7, 7, &several);
    CHECK(several);
    CHECK_STR(dti_polygons_id(p, r), "9"); /* the smallest id wins */
    CHECK_STR(at(p, 2, 2), "10");
    CHECK_STR(at(p, 25, 25), "100");
    dti_polygons_free(p);
}

/* Brute-force even-odd over every edge of a ring. */
static int brute_inside(const double *x, const double *y, int n, double px, double py)
{
    int inside = 0;
    for (int i = 0; i + 1 < n; i++) {
        double x1 = x[i], y1 = y[i], x2 = x[i + 1], y2 = y[i + 1];
        if (y1 > y2) {
            double t = x1;
            x1 = x2, x2 = t, t = y1, y1 = y2, y2 = t;
        }
        if (y1 <= py && py < y2 && (px - x1) * (y2 - y1) < (x2 - x1) * (py - y1))
            inside = !inside;
    }
    return inside;
}

/* A wiggly star of 20,000 vertices: the slab index must agree with every edge. */
static void test_many_vertices(void)
{
    enum { N = 20000 };
    static double x[N + 1], y[N + 1];
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    for (int i = 0; i <= N; i++) {
        double a = 2 * M_PI * (i % N) / N, radius = 100 + 30 * sin(37 * a) + 7 * cos(501 * a);
        x[i] = radius * cos(a);
        y[i] = radius * sin(a);
        OGR_G_AddPoint_2D(ring, x[i], y[i]);
    }
    OGRGeometryH polygon = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(polygon, ring);
    dti_polygons *p = dti_polygons_new(NULL, 0);
    dt_error err = {0};
    CHECK_INT(dti_polygons_add(p, "star", polygon, &err), DT_OK);
    CHECK_INT(dti_polygons_index(p, 0, &err), DT_OK);
    uint64_t seed = 12345;
    int disagree = 0, inside = 0;
    for (int k = 0; k < 20000; k++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double px = ((double)(seed >> 11) / 9007199254740992.0) * 300 - 150;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double py = ((double)(seed >> 11) / 9007199254740992.0) * 300 - 150;
        int want = brute_inside(x, y, N + 1, px, py), several;
        int got = dti_polygons_locate(p, px, py, &several) != DTI_NO_REGION;
        disagree += want != got;
        inside += got;
    }
    CHECK_INT(disagree, 0);
    CHECK(inside > 5000 && inside < 15000);
    OGR_G_DestroyGeometry(polygon);
    dti_polygons_free(p);
}

/* Blocks in NAD83 longitude/latitude against regions in NAD83 / Conus Albers. */
static void test_assign_reprojected(void)
{
    OGRSpatialReferenceH albers = OSRNewSpatialReference(NULL);
    OGRSpatialReferenceH nad83 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(albers, 5070);
    OSRImportFromEPSG(nad83, 4269);
    OSRSetAxisMappingStrategy(nad83, OAMS_TRADITIONAL_GIS_ORDER);
    dti_polygons *p = dti_polygons_new(albers, 0);
    for (int i = 0; i < 3; i++)
        add(p, areas_ids[i], areas_wkt[i]);
    dt_error err = {0};
    CHECK_INT(dti_polygons_index(p, 0, &err), DT_OK);
    /* the internal points of tests/data/geo (README.md lists their Albers coordinates) */
    double lon[] = {-100.2195124, -100.0502293, -100.2273826, -100.1780664,
                    -100.1349531, -99.8965223,  -99.7265348,  -99.9001547};
    double lat[] = {39.8891968, 40.0287633, 40.0229348, 39.9888484,
                    39.9590074, 39.9219643, 40.0610969, 39.9888430};
    static const char *const want[] = {"A", "A", "A", "", "C", "B", "B", ""};
    char source[] = "test";
    char *sources[] = {source};
    size_t end[] = {8};
    void *srs[] = {nad83};
    dti_blocks blocks;
    memset(&blocks, 0, sizeof blocks);
    blocks.count = 8;
    blocks.lon = lon;
    blocks.lat = lat;
    blocks.source_count = 1;
    blocks.sources = sources;
    blocks.source_end = end;
    blocks.point_srs = srs;
    blocks.layer_srs = srs;
    uint32_t region[8];
    dti_assign_report report;
    CHECK_INT(dti_polygons_assign(p, &blocks, region, NULL, &report, NULL, NULL, &err), DT_OK);
    for (int i = 0; i < 8; i++)
        CHECK_STR(region[i] == DTI_NO_REGION ? "" : dti_polygons_id(p, region[i]), want[i]);
    CHECK_INT(report.in_no_region, 2);
    CHECK_INT(report.in_several, 0);
    /* the same points read as Albers metres would be nowhere near: the transform ran */
    int several;
    CHECK(dti_polygons_locate(p, lon[0], lat[0], &several) == DTI_NO_REGION);
    dti_polygons_free(p);
    OSRDestroySpatialReference(albers);
    OSRDestroySpatialReference(nad83);
}

/* One read of tests/data/geo/areas_5070.gpkg (README.md: A with a hole, C in the hole, B in
 * two parts) serves a point lookup and then a map: the index borrows the map's layer. */
static void test_one_layer_for_lookup_and_map(void)
{
    dti_map_layer ml;
    dt_error err = {0};
    CHECK_INT(dti_map_layer_read(&ml, "tests/data/geo/areas_5070.gpkg", NULL, "AREA_ID", NULL, NULL,
                                 NULL, &err),
              DT_OK);
    const dti_region_layer *rl = &ml.geo;
    /* the layer as written: A (shell, hole), B (two shells), C (one shell), 5 points a ring */
    CHECK_INT(rl->region_count, 3);
    CHECK_INT(rl->feature_count, 3);
    CHECK_INT(rl->ring_count, 5);
    CHECK_INT(rl->point_count, 25);
    static const int outer[] = {1, 0, 1, 1, 1}, feature_ring[] = {0, 2, 4, 5};
    for (int r = 0; r < 5; r++)
        CHECK_INT(rl->ring_outer[r], outer[r]);
    for (int f = 0; f < 4; f++)
        CHECK_INT(rl->feature_ring[f], feature_ring[f]);
    CHECK_STR(dti_strtab_get(&rl->ids, 0), "A");
    CHECK_STR(rl->names[2], "Island in the hole of A");
    dti_polygons *p = dti_polygons_over(rl, NULL, 0, &err);
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(dti_polygons_count(p), 3);
        CHECK_STR(at(p, -357500, 1882500), "A"); /* A's shell, left of its hole */
        CHECK_STR(at(p, -350000, 1890000), "C"); /* the island in A's hole */
        CHECK_STR(at(p, -346000, 1886000), "");  /* A's hole, outside C */
        CHECK_STR(at(p, -330000, 1885000), "B"); /* B's first part */
        CHECK_STR(at(p, -315000, 1900000), "B"); /* B's second part */
        CHECK_STR(at(p, -322000, 1892500), "");  /* the strip between B's parts */
        dti_polygons_free(p);
    }
    /* the map: no two rings share an edge, so all 5 x 4 edges are outer boundary */
    CHECK_INT(dti_map_outer_edges(&ml, &err), DT_OK);
    CHECK_INT(ml.outer_edge_count, 20);
    CHECK_INT(ml.outer_edges_usable, 1);
    dti_map_projection proj;
    memset(&proj, 0, sizeof proj);
    CHECK_INT(dti_map_project(&ml, NULL, DTI_LAYOUT_NONE, &proj, &err), DT_OK);
    CHECK_INT(ml.geo.point_count, 25);
    CHECK(proj.xmin < proj.xmax && proj.ymin < proj.ymax);
    dti_map_projection_free(&proj);
    dti_map_layer_free(&ml);
}

int main(void)
{
    dti_gdal_init();
    test_holes_and_parts();
    test_shared_boundaries();
    test_overlap_and_numeric_ids();
    test_many_vertices();
    test_assign_reprojected();
    test_one_layer_for_lookup_and_map();
    return dt_unit_report("polygons");
}
