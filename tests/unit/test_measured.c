/* SPDX-License-Identifier: MIT */
/* Unit tests of measured speeds: tile layers (fields, CRS, bad features),
 * the tile of a point (edges), and a tile's tests split over regions by
 * locations and by area (tiles straddling two regions). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"
#include "unit.h"

/* A temporary file with this suffix (GDAL picks drivers by extension). */
static const char *temp_with(const char *suffix, const char *text)
{
    static char paths[8][80];
    static int next;
    char *path = paths[next++ % 8];
    snprintf(path, 80, "/tmp/dialtone-unit-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror("temp file");
        exit(1);
    }
    close(fd);
    return path;
}

/* A GeoJSON FeatureCollection of lon/lat boxes: x0 y0 x1 y1 down up tests. */
static const char *tiles_geojson(const double (*boxes)[7], int n, const char *fields)
{
    static char text[8192];
    size_t used =
        (size_t)snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < n; i++) {
        const double *b = boxes[i];
        used += (size_t)snprintf(
            text + used, sizeof text - used,
            "%s{\"type\":\"Feature\",\"id\":%d,\"properties\":{%s\"avg_d_kbps\":%.0f,"
            "\"avg_u_kbps\":%.0f,\"tests\":%.0f},\"geometry\":{\"type\":\"Polygon\","
            "\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}}",
            i ? "," : "", i + 1, fields, b[4], b[5], b[6], b[0], b[1], b[2], b[1], b[2], b[3], b[0],
            b[3], b[0], b[1]);
    }
    snprintf(text + used, sizeof text - used, "]}\n");
    return temp_with(".geojson", text);
}

static dti_tiles *load(const char *path)
{
    dt_error err = {0};
    dti_tiles *t = dti_tiles_open(path, &err);
    if (t && dti_tiles_load(t, NULL, &err) != DT_OK) {
        dti_tiles_free(t);
        t = NULL;
    }
    if (!t)
        fprintf(stderr, "     %s\n", err.message);
    return t;
}

static void test_find(void)
{
    static const double boxes[][7] = {{-101.00, 38.00, -100.99, 38.01, 100000, 20000, 9},
                                      {-100.99, 38.00, -100.98, 38.01, 40000, 5000, 4},
                                      {-101.00, 38.01, -100.99, 38.02, 250000, 50000, 10}};
    dti_tiles *t = load(tiles_geojson(boxes, 3, "\"quadkey\":\"x\","));
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(dti_tiles_count(t), 3);
    CHECK_INT(dti_tiles_find(t, -100.995, 38.005), 0);
    CHECK_INT(dti_tiles_find(t, -100.985, 38.005), 1);
    CHECK_INT(dti_tiles_find(t, -100.995, 38.015), 2);
    CHECK_INT(dti_tiles_find(t, -100.99, 38.001), 1);           /* shared edge: the east tile */
    CHECK_INT(dti_tiles_find(t, -100.995, 38.01), 2);           /* shared edge: the north tile */
    CHECK_INT(dti_tiles_find(t, -101.00, 38.00), 0);            /* west and south edges belong */
    CHECK_INT(dti_tiles_find(t, -100.98, 38.005), UINT32_MAX);  /* east edge of the last */
    CHECK_INT(dti_tiles_find(t, -100.985, 38.015), UINT32_MAX); /* no tile there */
    CHECK_INT(dti_tiles_find(t, 10.0, -40.0), UINT32_MAX);
    dti_tiles_free(t);
}

static void test_bad_layers(void)
{
    dt_error err = {0};
    static const double boxes[][7] = {{0, 0, 1, 1, 10, 1, 3}, {1, 0, 2, 1, 10, 1, -3}};
    /* no tests field */
    const char *path =
        temp_with(".geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                              "\"properties\":{\"avg_d_kbps\":1,\"avg_u_kbps\":1,\"devices\":1},"
                              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}\n");
    CHECK(dti_tiles_open(path, &err) == NULL);
    CHECK_INT(err.status, DT_ERR_FORMAT);
    CHECK(strstr(err.message, "no field 'tests'") != NULL);
    CHECK(strstr(err.file, "dialtone-unit-") != NULL);
    /* a negative count in the second feature */
    dti_tiles *t = dti_tiles_open(tiles_geojson(boxes, 2, ""), &err);
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(dti_tiles_load(t, NULL, &err), DT_ERR_FORMAT);
        CHECK(strstr(err.message, "feature FID 2: tests -3") != NULL);
        dti_tiles_free(t);
    }
    /* a point where a tile polygon should be */
    path = temp_with(".geojson",
                     "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":5,"
                     "\"properties\":{\"avg_d_kbps\":1,\"avg_u_kbps\":1,\"tests\":1},"
                     "\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]}}]}\n");
    t = dti_tiles_open(path, &err);
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(dti_tiles_load(t, NULL, &err), DT_ERR_FORMAT);
        CHECK(strstr(err.message, "feature FID 5: a Point, not a tile polygon") != NULL);
        dti_tiles_free(t);
    }
    /* a layer with no CRS: never assumed */
    path = temp_with(".csv", "WKT,avg_d_kbps,avg_u_kbps,tests\n"
                             "\"POLYGON ((0 0,1 0,1 1,0 1,0 0))\",1,1,1\n");
    CHECK(dti_tiles_open(path, &err) == NULL);
    CHECK_INT(err.status, DT_ERR_CRS);
    CHECK(dti_tiles_open("/nonexistent/tiles.gpkg", &err) == NULL);
    CHECK_INT(err.status, DT_ERR_IO);
}

static void test_location_shares(void)
{
    /* tile 0 holds four located locations, three in region 0 and one in 1;
     * tile 1 holds two in region 0; location 6 is in no tile, 7 in no region */
    uint32_t tile_of[] = {0, 0, 1, 0, 1, 0, UINT32_MAX, 1};
    uint32_t region_of[] = {0, 0, 0, 1, 0, 0, 1, UINT32_MAX};
    dti_tile_share *shares;
    size_t n;
    dt_error err;
    CHECK_INT(dti_tiles_location_shares(8, tile_of, region_of, &shares, &n, &err), DT_OK);
    CHECK_INT(n, 3);
    CHECK(shares[0].tile == 0 && shares[0].region == 0 && shares[0].share == 0.75);
    CHECK(shares[1].tile == 0 && shares[1].region == 1 && shares[1].share == 0.25);
    CHECK(shares[2].tile == 1 && shares[2].region == 0 && shares[2].share == 1.0);
    /* weights: tests * share; means weighted by them */
    static const double boxes[][7] = {{0, 0, 1, 1, 100000, 20000, 9}, {1, 0, 2, 1, 40000, 5000, 4}};
    dti_tiles *t = load(tiles_geojson(boxes, 2, ""));
    CHECK(t != NULL);
    if (t) {
        dti_measured m[2];
        dti_tiles_measure(t, shares, n, 2, m);
        CHECK(m[0].tests == 10.75 && m[1].tests == 2.25);
        CHECK(m[0].down_kbps == 835000 && m[1].down_kbps == 225000);
        CHECK(m[0].up_kbps == 155000 && m[0].tiles == 2 && m[1].tiles == 1);
        dti_tiles_free(t);
    }
    free(shares);
}

/* A lon/lat rectangle as a polygon, densified so it can be reprojected. */
static OGRGeometryH box(double x0, double y0, double x1, double y1)
{
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing), polygon;
    double x[] = {x0, x1, x1, x0, x0}, y[] = {y0, y0, y1, y1, y0};
    for (int k = 0; k < 5; k++)
        OGR_G_AddPoint_2D(ring, x[k], y[k]);
    polygon = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(polygon, ring);
    OGR_G_Segmentize(polygon, 0.001);
    return polygon;
}

static double share_of(const dti_tile_share *s, size_t n, uint32_t tile, uint32_t region)
{
    for (size_t k = 0; k < n; k++)
        if (s[k].tile == tile && s[k].region == region)
            return s[k].share;
    return 0;
}

static void test_area_shares(void)
{
    /* regions A = [-98, -97.5] and B = [-97.5, -97] in longitude, 38..38.5 in
     * latitude. In an equal-area CRS a lon/lat rectangle's area is
     * proportional to its width in longitude, so a tile from -97.6 to -97.4
     * is half in A and half in B, one from -97.6 to -97.45 two thirds in A. */
    static const double boxes[][7] = {{-97.60, 38.1, -97.40, 38.2, 1000, 100, 10},
                                      {-97.60, 38.1, -97.45, 38.2, 1000, 100, 10},
                                      {-97.90, 38.1, -97.80, 38.2, 1000, 100, 10},
                                      {-95.00, 38.1, -94.90, 38.2, 1000, 100, 10},
                                      {-97.55, 38.45, -97.45, 38.55, 1000, 100, 10}};
    dti_tiles *t = load(tiles_geojson(boxes, 5, ""));
    CHECK(t != NULL);
    if (!t)
        return;
    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    OGRGeometryH regions[2] = {box(-98, 38, -97.5, 38.5), box(-97.5, 38, -97, 38.5)};
    dti_tile_share *s;
    size_t n;
    dt_error err = {0};
    CHECK_INT(dti_tiles_area_shares(t, 2, regions, wgs84, &s, &n, &err), DT_OK);
    CHECK(fabs(share_of(s, n, 0, 0) - 0.5) < 1e-9);
    CHECK(fabs(share_of(s, n, 0, 1) - 0.5) < 1e-9);
    CHECK(fabs(share_of(s, n, 1, 0) - 2.0 / 3) < 1e-9);
    CHECK(fabs(share_of(s, n, 1, 1) - 1.0 / 3) < 1e-9);
    CHECK(fabs(share_of(s, n, 2, 0) - 1.0) < 1e-9); /* inside A */
    CHECK(share_of(s, n, 2, 1) == 0);
    CHECK(share_of(s, n, 3, 0) == 0 && share_of(s, n, 3, 1) == 0); /* outside both */
    /* a tile over A's and B's northern edge: a quarter in each (half is outside) */
    double quarter = share_of(s, n, 4, 0);
    CHECK(quarter > 0.2499 && quarter < 0.2501);
    CHECK(fabs(share_of(s, n, 4, 1) - quarter) < 1e-9);
    CHECK_INT(n, 7);
    free(s);

    /* the same regions in a projected CRS (CONUS Albers, EPSG:5070): same shares */
    OGRSpatialReferenceH albers = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(albers, 5070);
    OSRSetAxisMappingStrategy(albers, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs84, albers);
    for (int r = 0; r < 2; r++)
        OGR_G_Transform(regions[r], ct);
    CHECK_INT(dti_tiles_area_shares(t, 2, regions, albers, &s, &n, &err), DT_OK);
    CHECK(fabs(share_of(s, n, 0, 0) - 0.5) < 1e-4);
    CHECK(fabs(share_of(s, n, 1, 1) - 1.0 / 3) < 1e-4);
    free(s);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(albers);
    OSRDestroySpatialReference(wgs84);
    for (int r = 0; r < 2; r++)
        OGR_G_DestroyGeometry(regions[r]);
    dti_tiles_free(t);
}

/* Real county lines (NAD83) and a tile (WGS 84) on the border of Allen (20001)
 * and Anderson (20003) counties, Kansas: split between the two, nothing lost. */
static void test_county_border(void)
{
    GDALDatasetH ds = GDALOpenEx("datasets/kansas/counties.gpkg", GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds)
        return;
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    OGRGeometryH regions[2] = {NULL, NULL};
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        const char *id = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "GEOID"));
        int r = strcmp(id, "20001") == 0 ? 0 : strcmp(id, "20003") == 0 ? 1 : -1;
        if (r >= 0)
            regions[r] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
        OGR_F_Destroy(f);
    }
    CHECK(regions[0] && regions[1]);
    if (!regions[0] || !regions[1])
        return;
    /* a point of their shared border, away from its ends */
    OGRGeometryH border = OGR_G_Intersection(regions[0], regions[1]);
    CHECK(border && OGR_G_Length(border) > 0.1);
    OGRGeometryH line = OGR_G_ForceToLineString(OGR_G_Clone(border));
    OGRGeometryH at = OGR_G_Value(line, OGR_G_Length(line) / 2);
    double x = OGR_G_GetX(at, 0), y = OGR_G_GetY(at, 0);
    const double boxes[][7] = {{x - 0.003, y - 0.002, x + 0.003, y + 0.004, 50000, 10000, 7}};
    dti_tiles *t = load(tiles_geojson(boxes, 1, ""));
    dti_tile_share *s = NULL;
    size_t n = 0;
    dt_error err;
    CHECK(t &&
          dti_tiles_area_shares(t, 2, regions, OGR_L_GetSpatialRef(layer), &s, &n, &err) == DT_OK);
    CHECK_INT(n, 2);
    double a = share_of(s, n, 0, 0), b = share_of(s, n, 0, 1);
    CHECK(a > 0.05 && a < 0.95 && b > 0.05 && b < 0.95);
    CHECK(fabs(a + b - 1) < 1e-3); /* the tile lies in the two counties only */
    free(s);
    dti_tiles_free(t);
    OGR_G_DestroyGeometry(at);
    OGR_G_DestroyGeometry(line);
    OGR_G_DestroyGeometry(border);
    OGR_G_DestroyGeometry(regions[0]);
    OGR_G_DestroyGeometry(regions[1]);
    GDALClose(ds);
}

int main(void)
{
    dti_ogr_init();
    test_find();
    test_bad_layers();
    test_location_shares();
    test_area_shares();
    test_county_border();
    return dt_unit_report("measured");
}
