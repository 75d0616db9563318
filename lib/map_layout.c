/* SPDX-License-Identifier: MIT */
/* The US layout: the lower 48, Alaska, Hawaii and Puerto Rico each in its own projection and
 * place, as the Census Bureau's and d3's albersUsa maps draw the nation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <ogr_srs_api.h>

#include "internal.h"

/* A ring that lies in none of the zones: a territory the layout leaves out, or elsewhere. */
enum { ZONE_OTHER = DTI_ZONE_COUNT, ZONE_OUTSIDE = 250 };

static const struct {
    const char *name;
    double lon0, lon1, lat0, lat1;
} territories[] = {
    {"Guam", 144.4, 145.1, 13.1, 13.8},
    {"the Northern Mariana Islands", 144.8, 146.3, 14.0, 20.7},
    {"American Samoa", -171.2, -168.0, -14.7, -10.9},
    {"the Northwestern Hawaiian Islands", -180.0, -160.8, 22.6, 29.0},
};
enum { TERRITORY_COUNT = sizeof territories / sizeof *territories };

/* Each part: its Albers (standard parallels, origin), its scale beside the lower 48's, and
 * d3's albersUsa placement: the part's centre (anchor) goes to the lower 48's centre plus
 * (dx, dy) earth radii, y downwards as on the page. EPSG:5070's parameters for the lower 48
 * and EPSG:3338's for Alaska; Hawaii's and Puerto Rico's as d3 (and d3-composite) draw them. */
static const struct {
    const char *name;
    double p1, p2, lat0, lon0, scale, anchor_lon, anchor_lat, dx, dy;
} zones[DTI_ZONE_COUNT] = {
    {"the lower 48", 29.5, 45.5, 23, -96, 1, -96.6, 38.7, 0, 0},
    {"Alaska", 55, 65, 50, -154, 0.35, -156, 58.5, -0.307, 0.201},
    {"Hawaii", 8, 18, 13, -157, 1, -160, 19.9, -0.205, 0.212},
    {"Puerto Rico and the US Virgin Islands", 8, 18, 13, -66, 1, -66, 18, 0.350, 0.224},
};

static int inside(double lon, double lat, double lon0, double lon1, double lat0, double lat1)
{
    return lon >= lon0 && lon <= lon1 && lat >= lat0 && lat <= lat1;
}

/* The zone of a longitude/latitude point; *territory gets the territory's index for OTHER. */
static int zone_of(double lon, double lat, int *territory)
{
    lon = lon > 180 ? lon - 360 : lon;
    if (lat > 50.5 && lat < 72 && (lon < -129.9 || lon > 170))
        return DTI_ZONE_ALASKA; /* the Aleutians reach 172 E */
    if (inside(lon, lat, -160.8, -154.4, 18.5, 22.6))
        return DTI_ZONE_HAWAII;
    if (inside(lon, lat, -68.2, -64.2, 17.4, 18.9))
        return DTI_ZONE_CARIBBEAN;
    if (inside(lon, lat, -125.5, -66.5, 24.0, 49.5))
        return DTI_ZONE_CONUS;
    for (int t = 0; t < TERRITORY_COUNT; t++)
        if (inside(lon, lat, territories[t].lon0, territories[t].lon1, territories[t].lat0,
                   territories[t].lat1)) {
            *territory = t;
            return ZONE_OTHER;
        }
    return ZONE_OUTSIDE;
}

/* Longitude/latitude of one source point. */
static int to_lonlat(void *ct, double *x, double *y)
{
    int ok = 1;
    return !ct || (OCTTransformEx(ct, 1, x, y, NULL, &ok) && ok) ? 0 : -1;
}

/* Drop the rings whose zone is not kept, and the features and points left without rings;
 * a region with nothing left is hidden. zone[] is compacted along. */
static dt_status keep_rings(dti_map_layer *ml, uint8_t *zone, const uint8_t keep[256],
                            dt_error *err)
{
    uint8_t *drawn = calloc(ml->geo.region_count ? ml->geo.region_count : 1, 1);
    if (!drawn)
        return dti_nomem(err);
    size_t np = 0, nr = 0, nf = 0;
    for (size_t f = 0; f < ml->geo.feature_count; f++) {
        size_t r0 = ml->geo.feature_ring[f], r1 = ml->geo.feature_ring[f + 1], first = nr;
        uint32_t region = ml->geo.feature_region[f];
        for (size_t r = r0; r < r1; r++) {
            size_t a = ml->geo.ring_point[r], b = ml->geo.ring_point[r + 1];
            if (!keep[zone[r]])
                continue;
            memmove(ml->geo.x + np, ml->geo.x + a, (b - a) * sizeof *ml->geo.x);
            memmove(ml->geo.y + np, ml->geo.y + a, (b - a) * sizeof *ml->geo.y);
            ml->geo.ring_point[nr] = np;
            ml->geo.ring_outer[nr] = ml->geo.ring_outer[r];
            zone[nr++] = zone[r];
            np += b - a;
        }
        if (nr > first) {
            ml->geo.feature_ring[nf] = first;
            ml->geo.feature_region[nf++] = region;
            drawn[region] = 1;
        }
    }
    ml->geo.ring_point[nr] = np;
    ml->geo.feature_ring[nf] = nr;
    ml->geo.point_count = np;
    ml->geo.ring_count = nr;
    ml->geo.feature_count = nf;
    ml->hidden_count = 0;
    for (size_t r = 0; r < ml->geo.region_count; r++)
        ml->hidden_count += !drawn[r];
    free(ml->region_hidden);
    ml->region_hidden = NULL;
    if (ml->hidden_count) {
        for (size_t r = 0; r < ml->geo.region_count; r++)
            drawn[r] = !drawn[r];
        ml->region_hidden = drawn;
    } else {
        free(drawn);
    }
    return DT_OK;
}

static OGRSpatialReferenceH zone_srs(OGRSpatialReferenceH geog, int z)
{
    OGRSpatialReferenceH t = OSRClone(geog);
    if (!t)
        return NULL;
    OSRSetACEA(t, zones[z].p1, zones[z].p2, zones[z].lat0, zones[z].lon0, 0, 0);
    OSRSetLinearUnits(t, SRS_UL_METER, 1.0);
    OSRSetProjCS(t, "dialtone US layout part");
    OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
    return t;
}

/* Which rings go where; counts per zone, and the territories met. */
static dt_status assign_zones(dti_map_layer *ml, void *ct, uint8_t *zone, size_t counts[256],
                              int met[TERRITORY_COUNT], dt_error *err)
{
    int z = ZONE_OUTSIDE;
    for (size_t r = 0; r < ml->geo.ring_count; r++) {
        if (ml->geo.ring_outer[r]) { /* holes follow their exterior ring */
            double x = ml->geo.x[ml->geo.ring_point[r]], y = ml->geo.y[ml->geo.ring_point[r]];
            int t = -1;
            if (to_lonlat(ct, &x, &y) != 0)
                return dti_error_gdal(err, DT_ERR_CRS, NULL,
                                      "cannot find the longitude/latitude of the layer");
            z = zone_of(x, y, &t);
            if (t >= 0)
                met[t] = 1;
        }
        zone[r] = (uint8_t)z;
        counts[z] += ml->geo.ring_outer[r];
    }
    return DT_OK;
}

static void name_left_out(dti_map_projection *proj, dti_map_layout layout, const size_t *counts,
                          const int *met)
{
    const char *names[TERRITORY_COUNT + DTI_ZONE_COUNT + 1];
    int n = 0;
    if (layout == DTI_LAYOUT_CONUS)
        for (int z = 1; z < DTI_ZONE_COUNT; z++)
            if (counts[z])
                names[n++] = zones[z].name;
    for (int t = 0; t < TERRITORY_COUNT; t++)
        if (met[t])
            names[n++] = territories[t].name;
    if (counts[ZONE_OUTSIDE])
        names[n++] = "polygons outside the United States";
    size_t used = 0;
    proj->left_out[0] = '\0';
    for (int i = 0; i < n && used < sizeof proj->left_out; i++)
        used += (size_t)snprintf(proj->left_out + used, sizeof proj->left_out - used, "%s%s",
                                 i == 0       ? ""
                                 : i == n - 1 ? " and "
                                              : ", ",
                                 names[i]);
}

/* Project the rings of each zone and move them into place. */
static dt_status place_zones(dti_map_layer *ml, const uint8_t *zone, const size_t *counts,
                             OGRSpatialReferenceH src, OGRSpatialReferenceH geog,
                             dti_map_projection *proj, dt_error *err)
{
    const double R = 6378137.0; /* d3's offsets are in earth radii */
    double cx = zones[0].anchor_lon, cy = zones[0].anchor_lat;
    int ok = 1;
    for (int z = 0; z < DTI_ZONE_COUNT; z++) {
        OGRSpatialReferenceH t = zone_srs(geog, z);
        proj->zone_transform[z] = t ? OCTNewCoordinateTransformation(src, t) : NULL;
        OGRCoordinateTransformationH anchor_ct = t ? OCTNewCoordinateTransformation(geog, t) : NULL;
        if (t)
            OSRDestroySpatialReference(t);
        double ax = zones[z].anchor_lon, ay = zones[z].anchor_lat;
        if (!proj->zone_transform[z] || !anchor_ct ||
            !OCTTransformEx(anchor_ct, 1, &ax, &ay, NULL, &ok) || !ok) {
            if (anchor_ct)
                OCTDestroyCoordinateTransformation(anchor_ct);
            return dti_error_gdal(err, DT_ERR_CRS, NULL, "cannot make the US layout's projections");
        }
        OCTDestroyCoordinateTransformation(anchor_ct);
        if (z == 0)
            cx = ax, cy = ay;
        double s = zones[z].scale;
        proj->zone_scale[z] = s;
        proj->zone_dx[z] = z ? cx + zones[z].dx * R - s * ax : 0;
        proj->zone_dy[z] = z ? cy - zones[z].dy * R - s * ay : 0;
    }
    for (size_t r = 0; r < ml->geo.ring_count; r++) {
        int z = zone[r];
        size_t a = ml->geo.ring_point[r], n = ml->geo.ring_point[r + 1] - a;
        int *each = malloc(n * sizeof *each);
        int all = each &&
                  OCTTransformEx(proj->zone_transform[z], (int)n, ml->geo.x + a, ml->geo.y + a, NULL, each);
        for (size_t i = 0; all && i < n; i++) {
            all = each[i] && isfinite(ml->geo.x[a + i]) && isfinite(ml->geo.y[a + i]);
            ml->geo.x[a + i] = ml->geo.x[a + i] * proj->zone_scale[z] + proj->zone_dx[z];
            ml->geo.y[a + i] = ml->geo.y[a + i] * proj->zone_scale[z] + proj->zone_dy[z];
        }
        free(each);
        if (!all)
            return dti_error_gdal(err, DT_ERR_CRS, NULL,
                                  "cannot project the layer for the US layout");
    }
    /* thin frames around the insets, a little larger than what they hold */
    for (int z = 1; z < DTI_ZONE_COUNT; z++) {
        if (!counts[z])
            continue;
        double *b = proj->frame[z];
        b[0] = b[1] = INFINITY;
        b[2] = b[3] = -INFINITY;
        for (size_t r = 0; r < ml->geo.ring_count; r++)
            for (size_t i = ml->geo.ring_point[r]; zone[r] == z && i < ml->geo.ring_point[r + 1]; i++) {
                b[0] = fmin(b[0], ml->geo.x[i]), b[1] = fmin(b[1], ml->geo.y[i]);
                b[2] = fmax(b[2], ml->geo.x[i]), b[3] = fmax(b[3], ml->geo.y[i]);
            }
        double pad = 0.012 * R;
        b[0] -= pad, b[1] -= pad, b[2] += pad, b[3] += pad;
        proj->has_frame[z] = b[0] < b[2];
    }
    /* Alaska's Aleutians reach further west than d3 (which clips them) allows for: Hawaii
     * moves right until its frame clears Alaska's */
    double *ak = proj->frame[DTI_ZONE_ALASKA], *hi = proj->frame[DTI_ZONE_HAWAII];
    double shift = ak[2] + 0.01 * R - hi[0];
    if (proj->has_frame[DTI_ZONE_ALASKA] && proj->has_frame[DTI_ZONE_HAWAII] && shift > 0 &&
        hi[1] < ak[3] && ak[1] < hi[3]) {
        for (size_t r = 0; r < ml->geo.ring_count; r++)
            for (size_t i = ml->geo.ring_point[r];
                 zone[r] == DTI_ZONE_HAWAII && i < ml->geo.ring_point[r + 1]; i++)
                ml->geo.x[i] += shift;
        hi[0] += shift, hi[2] += shift;
        proj->zone_dx[DTI_ZONE_HAWAII] += shift;
    }
    return DT_OK;
}

dt_status dti_map_layout_apply(dti_map_layer *ml, dti_map_layout layout, void *src_srs,
                               dti_map_projection *proj, int *applied, dt_error *err)
{
    OGRSpatialReferenceH src = src_srs;
    *applied = 0;
    if (layout == DTI_LAYOUT_NONE)
        return DT_OK;
    OGRSpatialReferenceH geog = OSRCloneGeogCS(src);
    if (!geog)
        return dti_error_gdal(err, DT_ERR_CRS, NULL, "the layer's CRS has no geographic base");
    OSRSetAxisMappingStrategy(geog, OAMS_TRADITIONAL_GIS_ORDER);
    void *ct = OSRIsGeographic(src) ? NULL : OCTNewCoordinateTransformation(src, geog);
    uint8_t *zone = malloc(ml->geo.ring_count ? ml->geo.ring_count : 1);
    size_t counts[256] = {0};
    int met[TERRITORY_COUNT] = {0};
    dt_status status = DT_OK;
    if (!zone)
        status = dti_nomem(err);
    else if (!OSRIsGeographic(src) && !ct)
        status = dti_error_gdal(err, DT_ERR_CRS, NULL, "cannot find the layer's longitudes");
    if (status == DT_OK)
        status = assign_zones(ml, ct, zone, counts, met, err);
    int parts = counts[DTI_ZONE_ALASKA] || counts[DTI_ZONE_HAWAII] || counts[DTI_ZONE_CARIBBEAN];
    int national = counts[DTI_ZONE_CONUS] && parts && !counts[ZONE_OUTSIDE];
    if (status == DT_OK && layout == DTI_LAYOUT_AUTO && !national)
        goto done; /* not a national layer: one fitted projection */
    if (status == DT_OK && !counts[DTI_ZONE_CONUS] && !(layout == DTI_LAYOUT_US && parts))
        status =
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--layout %s: the layer has no polygon in %s",
                          layout == DTI_LAYOUT_CONUS ? "conus" : "us",
                          layout == DTI_LAYOUT_CONUS ? "the lower 48" : "the United States");
    if (status == DT_OK) {
        uint8_t keep[256] = {0};
        keep[DTI_ZONE_CONUS] = 1;
        for (int z = 1; z < DTI_ZONE_COUNT; z++)
            keep[z] = layout != DTI_LAYOUT_CONUS;
        for (int z = 0; z < 256; z++)
            proj->left_out_rings += keep[z] ? 0 : counts[z];
        name_left_out(proj, layout, counts, met);
        if (layout == DTI_LAYOUT_CONUS)
            memset(counts + 1, 0, (DTI_ZONE_COUNT - 1) * sizeof *counts);
        status = keep_rings(ml, zone, keep, err);
    }
    if (status == DT_OK)
        status = place_zones(ml, zone, counts, src, geog, proj, err);
    if (status == DT_OK) {
        *applied = 1;
        proj->zoned = 1;
        proj->meters_per_unit = 1; /* the lower 48's: the scale bar is theirs */
        proj->to_lonlat = ct;
        ct = NULL;
        if (layout == DTI_LAYOUT_CONUS)
            snprintf(proj->description, sizeof proj->description,
                     "the lower 48 in Albers equal-area conic (EPSG:5070's parameters: standard "
                     "parallels 29.5 and 45.5, centred on 23, -96)");
        else
            snprintf(proj->description, sizeof proj->description,
                     "US layout: the lower 48 in Albers equal-area conic (EPSG:5070's "
                     "parameters); %s%s%s%s%s",
                     counts[DTI_ZONE_ALASKA] ? "Alaska in its own (EPSG:3338's), at 0.35 scale, "
                                               "lower left; "
                                             : "",
                     counts[DTI_ZONE_HAWAII] ? "Hawaii" : "",
                     counts[DTI_ZONE_HAWAII] && counts[DTI_ZONE_CARIBBEAN] ? " and " : "",
                     counts[DTI_ZONE_CARIBBEAN] ? "Puerto Rico and the US Virgin Islands" : "",
                     counts[DTI_ZONE_HAWAII] || counts[DTI_ZONE_CARIBBEAN]
                         ? " in Albers conics of their own at the lower 48's scale"
                         : "");
    }
done:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(geog);
    free(zone);
    return status;
}

int dti_map_layout_project_point(const dti_map_projection *proj, double *x, double *y)
{
    double lon = *x, lat = *y;
    int t = -1, ok = 0;
    if (to_lonlat(proj->to_lonlat, &lon, &lat) != 0)
        return -1;
    int z = zone_of(lon, lat, &t);
    if (z >= DTI_ZONE_COUNT || !proj->zone_transform[z] ||
        !OCTTransformEx(proj->zone_transform[z], 1, x, y, NULL, &ok) || !ok)
        return -1;
    *x = *x * proj->zone_scale[z] + proj->zone_dx[z];
    *y = *y * proj->zone_scale[z] + proj->zone_dy[z];
    return 0;
}
