/* SPDX-License-Identifier: MIT */
/* Render tests: draw hand-made regions, decode the PNG with libpng, probe pixels. */
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <ogr_srs_api.h>
#include <png.h>

#include "internal.h"
#include "unit.h"

#define DATA "tests/data/map/"

static char dir[64];
static char notes[4096];

static void collect_note(const char *note, void *user)
{
    (void)user;
    strncat(notes, note, sizeof notes - strlen(notes) - 2);
    strcat(notes, "\n");
}

static const char *out_path(const char *name)
{
    static char paths[4][128];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

typedef struct run_result {
    dt_status status;
    dt_error err;
    dti_map_probe probe;
    dti_map_projection proj;
} run_result;

/* Run dialtone map on a NULL-terminated argument list. */
static run_result run(const char *first, ...)
{
    run_result r;
    memset(&r, 0, sizeof r);
    char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    notes[0] = '\0';
    dt_map_options *o = dt_map_options_new(argc, argv, &r.err);
    if (!o) {
        r.status = r.err.status;
        return r;
    }
    r.status = dti_map_run(o, NULL, collect_note, NULL, &r.probe, &r.proj, &r.err);
    dt_map_options_free(o);
    return r;
}

typedef struct image {
    int width, height;
    unsigned char *rgb;
} image;

static image decode(const char *path)
{
    image im = {0, 0, NULL};
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path))
        return im;
    png.format = PNG_FORMAT_RGB;
    im.rgb = malloc(PNG_IMAGE_SIZE(png));
    if (!im.rgb || !png_image_finish_read(&png, NULL, im.rgb, 0, NULL)) {
        free(im.rgb);
        im.rgb = NULL;
        return im;
    }
    im.width = (int)png.width;
    im.height = (int)png.height;
    return im;
}

/* The text of a tEXt/iTXt chunk, or "" */
static const char *png_text_of(const char *path, const char *key)
{
    static char value[512];
    value[0] = '\0';
    FILE *fp = fopen(path, "rb");
    png_structp png = fp ? png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (info && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, fp);
        png_read_info(png, info);
        png_textp text;
        int n = 0;
        png_get_text(png, info, &text, &n);
        for (int i = 0; i < n; i++)
            if (strcmp(text[i].key, key) == 0)
                snprintf(value, sizeof value, "%s", text[i].text);
    }
    if (png)
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
    if (fp)
        fclose(fp);
    return value;
}

static int pixel_is(const image *im, double x, double y, dti_rgb want)
{
    int px = (int)floor(x), py = (int)floor(y);
    if (!im->rgb || px < 0 || py < 0 || px >= im->width || py >= im->height)
        return 0;
    const unsigned char *p = im->rgb + 3 * ((size_t)py * (size_t)im->width + (size_t)px);
    if (p[0] == want.r && p[1] == want.g && p[2] == want.b)
        return 1;
    fprintf(stderr, "     pixel (%d, %d) is #%02x%02x%02x, want #%02x%02x%02x\n", px, py, p[0],
            p[1], p[2], want.r, want.g, want.b);
    return 0;
}

/* Pixel of a longitude/latitude point of the fixtures. */
static int region_pixel_is(const image *im, const run_result *r, double lon, double lat,
                           dti_rgb want)
{
    double x = lon, y = lat;
    if (dti_map_project_point(&r->proj, &x, &y) != 0)
        return 0;
    return pixel_is(im, r->probe.origin_x + r->probe.pixels_per_unit * (x - r->probe.xmin),
                    r->probe.origin_y + r->probe.pixels_per_unit * (r->probe.ymax - y), want);
}

static int legend_box_is(const image *im, const run_result *r, int box, dti_rgb want)
{
    return r->probe.box_x[box] > 0 && pixel_is(im, r->probe.box_x[box], r->probe.box_y[box], want);
}

static dti_rgb rgb(unsigned hex)
{
    return (dti_rgb){(uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex};
}

static int no_temp_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int clean = 1;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp."))
            clean = 0;
    if (d)
        closedir(d);
    return clean;
}

/* Interior points of the fixture's regions (three.geojson). */
#define WEST -99.5, 40.5
#define EAST -98.5, 40.5
#define SOUTH -99.8, 39.2
#define HOLE -99.0, 39.5

static void test_choropleth(const char *crs, const char *scale)
{
    const char *png = out_path("three.png");
    run_result r =
        run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
            "pct_unserved", "--method", "manual", "--breaks", "25,75", "--palette", "Blues",
            "--title", "Three regions", "--source", "hand-made fixture", "--width", "800",
            "--scale", scale, "--scale-bar", "km", "-o", png, crs ? "--crs" : NULL, crs, NULL);
    CHECK_INT(r.status, DT_OK);
    image im = decode(png);
    CHECK(im.rgb != NULL);
    CHECK_INT(im.width, (int)(800 * atof(scale)));
    dti_rgb blues[3];
    dti_palette_colors("Blues", 3, blues, NULL);
    /* 5.5 < 25 <= 50 < 75 <= 95.25 */
    CHECK(region_pixel_is(&im, &r, WEST, blues[0]));
    CHECK(region_pixel_is(&im, &r, EAST, blues[1]));
    CHECK(region_pixel_is(&im, &r, SOUTH, blues[2]));
    CHECK(region_pixel_is(&im, &r, HOLE, rgb(0xffffff))); /* a hole is not filled */
    for (int c = 0; c < 3; c++)
        CHECK(legend_box_is(&im, &r, c, blues[c]));
    CHECK(r.probe.box_x[3] == 0);               /* three classes only */
    CHECK(r.probe.box_x[DTI_MAX_CLASSES] == 0); /* no "No data" row */
    CHECK_STR(png_text_of(png, "Title"), "Three regions");
    CHECK_STR(png_text_of(png, "Source"), "Source: hand-made fixture");
    CHECK_STR(png_text_of(png, "Software"), "dialtone " DT_VERSION);
    /* the row whose id lost its leading zero joins nothing (one row: counted nouns agree) */
    CHECK(strstr(notes, "1 row of " DATA "three_stats.csv names no region") != NULL);
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

static void test_no_data_and_one_class(void)
{
    const char *png = out_path("gaps.png");
    /* West empty, East NA, South 7: one value, so one class; two regions of no data */
    run_result r = run("--regions", DATA "three.geojson", "--stats", DATA "three_gaps.csv",
                       "--column", "median_max_down", "--no-data-color", "#123456", "--palette",
                       "Purples", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    image im = decode(png);
    dti_rgb one[1];
    dti_palette_colors("Purples", 1, one, NULL);
    CHECK(region_pixel_is(&im, &r, WEST, rgb(0x123456)));
    CHECK(region_pixel_is(&im, &r, EAST, rgb(0x123456)));
    CHECK(region_pixel_is(&im, &r, SOUTH, one[0]));
    CHECK(legend_box_is(&im, &r, 0, one[0]));
    CHECK(r.probe.box_x[1] == 0);
    CHECK(legend_box_is(&im, &r, DTI_MAX_CLASSES, rgb(0x123456)));
    CHECK(strstr(notes, "2 of 3 regions have no median_max_down value") != NULL);
    free(im.rgb);
    dti_map_projection_free(&r.proj);

    /* every value equal: one class, and every region has its colour */
    r = run("--regions", DATA "three.geojson", "--stats", DATA "three_equal.csv", "--column",
            "pct_unserved", "--method", "jenks", "--palette", "YlOrRd", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    im = decode(png);
    dti_palette_colors("YlOrRd", 1, one, NULL);
    CHECK(region_pixel_is(&im, &r, WEST, one[0]));
    CHECK(region_pixel_is(&im, &r, EAST, one[0]));
    CHECK(region_pixel_is(&im, &r, SOUTH, one[0]));
    CHECK(legend_box_is(&im, &r, 0, one[0]));
    CHECK(r.probe.box_x[1] == 0 && r.probe.box_x[DTI_MAX_CLASSES] == 0);
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

static void test_jenks_and_layer_column(void)
{
    const char *png = out_path("jenks.png");
    /* three distinct values, five classes asked: each value is its own class */
    run_result r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv",
                       "--column", "unserved", "--method", "jenks", "--classes", "5", "--palette",
                       "#ff0000,#00ff00,#0000ff", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    image im = decode(png);
    CHECK(region_pixel_is(&im, &r, WEST, rgb(0xff0000)));
    CHECK(region_pixel_is(&im, &r, EAST, rgb(0x00ff00)));
    CHECK(region_pixel_is(&im, &r, SOUTH, rgb(0x0000ff)));
    free(im.rgb);
    dti_map_projection_free(&r.proj);

    /* values from the layer itself; empty and zero-area features are left out and named */
    r = run("--regions", DATA "degenerate.geojson", "--column", "pct_unserved", "--palette",
            "Greens", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    im = decode(png);
    dti_rgb two[2]; /* West 10 and the bow tie 50 are left: two classes */
    dti_palette_colors("Greens", 2, two, NULL);
    CHECK(region_pixel_is(&im, &r, WEST, two[0]));
    CHECK(region_pixel_is(&im, &r, -96.1, 40.5, two[1])); /* inside one loop of the bow tie */
    CHECK(region_pixel_is(&im, &r, -96.5, 40.1, rgb(0xffffff))); /* between its loops */
    CHECK(strstr(notes, "left out 1 feature with empty and 2 with zero-area geometry "
                        "(first: 01003)") != NULL);
    CHECK(strstr(notes, "1 region has an invalid polygon (self-intersecting or the like; "
                        "first: 01009)") != NULL);
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

static void test_symbols(void)
{
    const char *png = out_path("symbols.png");
    run_result r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv",
                       "--column", "unserved", "--view", "symbols", "--symbol-color", "#aa0011",
                       "--title", "Unversorgte Anschl\u00fcsse \u2013 Kansas", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    /* non-ASCII text goes to an iTXt chunk, as UTF-8 */
    CHECK_STR(png_text_of(png, "Title"), "Unversorgte Anschl\u00fcsse \u2013 Kansas");
    image im = decode(png);
    /* circles at the centroids: West's; South's centroid falls in its hole, so its circle
     * goes to the middle of the first widest stretch of South along that line */
    CHECK(region_pixel_is(&im, &r, WEST, rgb(0xaa0011)));
    CHECK(region_pixel_is(&im, &r, -99.65, 39.5, rgb(0xaa0011)));
    CHECK(region_pixel_is(&im, &r, -99.0, 39.5, rgb(0xffffff)));
    CHECK(region_pixel_is(&im, &r, -98.5, 40.9, rgb(0xe6e6e6))); /* base fill, no circle */
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

static void test_bad_input(void)
{
    const char *png = out_path("good.png");
    run_result r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv",
                       "--column", "pct_unserved", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    dti_map_projection_free(&r.proj);
    FILE *fp = fopen(png, "rb");
    char before[65536], after[65536];
    size_t before_n = fp ? fread(before, 1, sizeof before, fp) : 0;
    if (fp)
        fclose(fp);

    r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
            "pct_nothing", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_USAGE);
    CHECK(strstr(r.err.message, "--column pct_nothing: no such column") != NULL);
    r = run("--regions", DATA "three.geojson", "--stats", DATA "three_bad.csv", "--column",
            "pct_unserved", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_FORMAT);
    CHECK_INT(r.err.line, 3);
    CHECK(strstr(r.err.message, "'lots', not a number") != NULL);
    r = run("--regions", DATA "three.geojson", "--column", "NAME", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_FORMAT);
    CHECK(strstr(r.err.message, "not a number") != NULL);
    r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--id-field",
            "NAME", "--column", "pct_unserved", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_FORMAT);
    CHECK(strstr(r.err.message, "no region has a value") != NULL);
    r = run("--regions", DATA "all_degenerate.geojson", "--column", "pct_unserved", "-o", png,
            NULL);
    CHECK_INT(r.status, DT_ERR_FORMAT);
    CHECK(strstr(r.err.message, "no polygon with an area") != NULL);
    r = run("--regions", DATA "points.geojson", "--column", "pct_unserved", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_FORMAT);
    CHECK(strstr(r.err.message, "not a polygon") != NULL);
    r = run("--regions", DATA "missing.geojson", "--column", "pct_unserved", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_IO);
    r = run("--regions", DATA "three.geojson", "--column", "pct_unserved", "--crs", "EPSG:999999",
            "--stats", DATA "three_stats.csv", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_USAGE);
    r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
            "pct_unserved", "-o", "/nonexistent-dir/map.png", NULL);
    CHECK_INT(r.status, DT_ERR_IO);
    CHECK_STR(r.err.file, "/nonexistent-dir/map.png");
    /* a failed SVG leaves neither output */
    r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
            "pct_unserved", "-o", out_path("never.png"), "--svg", "/nonexistent-dir/map.svg", NULL);
    CHECK_INT(r.status, DT_ERR_IO);
    CHECK(access(out_path("never.png"), F_OK) != 0);

    /* the good map survived every failure, and nothing half-written is left */
    fp = fopen(png, "rb");
    size_t after_n = fp ? fread(after, 1, sizeof after, fp) : 0;
    if (fp)
        fclose(fp);
    CHECK(before_n > 0 && before_n == after_n && memcmp(before, after, before_n) == 0);
    CHECK(no_temp_files());

    /* options */
    dt_error err;
    char *classes[] = {"--regions", "x", "--column", "c", "-o", "x.png", "--classes", "12"};
    CHECK(dt_map_options_new(8, classes, &err) == NULL && err.status == DT_ERR_USAGE);
    char *breaks[] = {"--regions", "x", "--column", "c", "-o", "x.png", "--breaks", "100,25"};
    CHECK(dt_map_options_new(8, breaks, &err) == NULL && err.status == DT_ERR_USAGE);
    char *palette[] = {"--regions", "x", "--column", "c", "-o", "x.png", "--palette", "Rainbow"};
    CHECK(dt_map_options_new(8, palette, &err) == NULL && err.status == DT_ERR_USAGE);
    char *no_out[] = {"--regions", "x", "--column", "c"};
    CHECK(dt_map_options_new(4, no_out, &err) == NULL && strstr(err.message, "-o") != NULL);
    char *mixed[] = {"--regions", "x",     "--column",       "c",
                     "-o",        "x.png", "--method=jenks", "--breaks=25"};
    CHECK(dt_map_options_new(8, mixed, &err) == NULL && err.status == DT_ERR_USAGE);
}

/* Pixels of an image inside a pixel box that have colour c. */
static double share_of(const image *im, double x0, double y0, double x1, double y1, dti_rgb c)
{
    size_t hits = 0, all = 0;
    for (int y = (int)y0; y < (int)y1 && y < im->height; y++)
        for (int x = (int)x0; x < (int)x1 && x < im->width; x++, all++) {
            const unsigned char *p = im->rgb + 3 * ((size_t)y * (size_t)im->width + (size_t)x);
            hits += p[0] == c.r && p[1] == c.g && p[2] == c.b;
        }
    return all ? (double)hits / (double)all : 0;
}

/* A longitude/latitude point in pixels through the layout's part z (even outside it). */
static int zone_pixel(const run_result *r, int z, double lon, double lat, double *px, double *py)
{
    int ok = 0;
    if (!OCTTransformEx(r->proj.zone_transform[z], 1, &lon, &lat, NULL, &ok) || !ok)
        return -1;
    double x = lon * r->proj.zone_scale[z] + r->proj.zone_dx[z];
    double y = lat * r->proj.zone_scale[z] + r->proj.zone_dy[z];
    *px = r->probe.origin_x + r->probe.pixels_per_unit * (x - r->probe.xmin);
    *py = r->probe.origin_y + r->probe.pixels_per_unit * (r->probe.ymax - y);
    return 0;
}

/* A frame of the layout in pixels: x0, y0, x1, y1. */
static void frame_pixels(const run_result *r, int z, double box[4])
{
    const double *f = r->proj.frame[z];
    box[0] = r->probe.origin_x + r->probe.pixels_per_unit * (f[0] - r->probe.xmin);
    box[2] = r->probe.origin_x + r->probe.pixels_per_unit * (f[2] - r->probe.xmin);
    box[1] = r->probe.origin_y + r->probe.pixels_per_unit * (r->probe.ymax - f[3]);
    box[3] = r->probe.origin_y + r->probe.pixels_per_unit * (r->probe.ymax - f[1]);
}

/* The national layer (us-atlas states): every state one colour (--column GEOID reads the
 * state FIPS as a number, all under the break 100). */
static void test_us_layout(void)
{
    const char *png = out_path("us.png");
    run_result r = run("--regions", "datasets/us/us_counties_states.gpkg", "--layer", "states",
                       "--column", "GEOID", "--breaks", "100", "--palette", "#ff0000,#0000ff",
                       "--width", "1000", "--scale-bar", "km", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    CHECK(r.proj.zoned);
    image im = decode(png);
    dti_rgb red = rgb(0xff0000), white = rgb(0xffffff);
    double mx = r.probe.map_x, my = r.probe.map_y, mw = r.probe.map_w, mh = r.probe.map_h;
    /* the lower 48: their extreme points (Cape Flattery, Maine's east, Key West, the Northwest
     * Angle, Cape Sable Island's longitude) span at least half of the frame */
    double west[2], east[2], south[2], north[2];
    CHECK(zone_pixel(&r, DTI_ZONE_CONUS, -124.7, 48.38, &west[0], &west[1]) == 0);
    CHECK(zone_pixel(&r, DTI_ZONE_CONUS, -66.95, 44.8, &east[0], &east[1]) == 0);
    CHECK(zone_pixel(&r, DTI_ZONE_CONUS, -81.8, 24.55, &south[0], &south[1]) == 0);
    CHECK(zone_pixel(&r, DTI_ZONE_CONUS, -95.15, 49.38, &north[0], &north[1]) == 0);
    double conus_w = east[0] - west[0], conus_h = south[1] - north[1];
    CHECK(conus_w * conus_h >= 0.5 * mw * mh);
    CHECK(region_pixel_is(&im, &r, -98.5, 38.5, red));  /* Kansas */
    CHECK(region_pixel_is(&im, &r, -150, 64.5, red));   /* interior Alaska */
    CHECK(region_pixel_is(&im, &r, -155.5, 19.6, red)); /* the Big Island */
    CHECK(region_pixel_is(&im, &r, -66.5, 18.22, red)); /* Puerto Rico */
    /* Alaska's inset in the lower left quarter, Puerto Rico's in the lower right */
    double ak[4], pr[4], hi[4];
    frame_pixels(&r, DTI_ZONE_ALASKA, ak);
    frame_pixels(&r, DTI_ZONE_CARIBBEAN, pr);
    frame_pixels(&r, DTI_ZONE_HAWAII, hi);
    CHECK(r.proj.has_frame[DTI_ZONE_ALASKA] && r.proj.has_frame[DTI_ZONE_CARIBBEAN]);
    CHECK(ak[0] >= mx - 1 && ak[2] <= mx + mw / 2 && ak[1] >= my + mh / 2 && ak[3] <= my + mh + 1);
    CHECK(pr[0] >= mx + mw / 2 && pr[2] <= mx + mw + 1 && pr[1] >= my + mh / 2);
    CHECK(hi[0] >= ak[2] && hi[1] >= my + mh / 2); /* Hawaii beside Alaska, not over it */
    /* nothing drawn across the frame: the oceans and Canada are empty (Pacific, Gulf of
     * Mexico, Atlantic, Manitoba), and so is the frame's left edge above Alaska's inset */
    static const double empty[][2] = {{-131, 40}, {-90, 26.5}, {-62, 36}, {-98, 53.5}};
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        double x, y;
        CHECK(zone_pixel(&r, DTI_ZONE_CONUS, empty[i][0], empty[i][1], &x, &y) == 0);
        CHECK(pixel_is(&im, x, y, white));
    }
    CHECK(share_of(&im, mx, my, mx + 4, ak[1] - 2, white) == 1);
    CHECK(strstr(notes, "left out of the US layout: Guam, the Northern Mariana Islands and "
                        "American Samoa") != NULL);
    free(im.rgb);
    dti_map_projection_free(&r.proj);

    /* the lower 48 alone: no insets, the territories named */
    r = run("--regions", "datasets/us/us_counties_states.gpkg", "--layer", "states", "--column",
            "GEOID", "--layout", "conus", "--width", "600", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    CHECK(!r.proj.has_frame[DTI_ZONE_ALASKA] && !r.proj.has_frame[DTI_ZONE_HAWAII]);
    CHECK(strstr(notes, "left out of the lower 48 layout: Alaska, Hawaii, Puerto Rico and the "
                        "US Virgin Islands, Guam") != NULL);
    dti_map_projection_free(&r.proj);

    /* --layout none: one Albers for all, centred the short way round (not near 0) */
    r = run("--regions", "datasets/us/us_counties_states.gpkg", "--layer", "states", "--column",
            "GEOID", "--layout", "none", "--width", "600", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    CHECK(!r.proj.zoned && strstr(r.proj.description, "centred on") != NULL);
    double lat = 0, lon = 0;
    CHECK(sscanf(strstr(r.proj.description, "centred on"), "centred on %lf, %lf", &lat, &lon) == 2);
    CHECK(lon < -100 && lon > -180);
    dti_map_projection_free(&r.proj);

    /* a layout with --crs is a usage error */
    r = run("--regions", "datasets/us/us_counties_states.gpkg", "--column", "GEOID", "--layout",
            "us", "--crs", "EPSG:5070", "-o", png, NULL);
    CHECK_INT(r.status, DT_ERR_USAGE);
}

/* Alaska alone crosses 180 degrees (Attu at 173 E): fitted, contiguous, filling its frame. */
static void test_alaska(void)
{
    const char *png = out_path("alaska.png");
    run_result r = run("--regions", DATA "alaska.geojson", "--column", "GEOID", "--breaks", "5000",
                       "--palette", "#ff0000,#0000ff", "--width", "800", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    CHECK(!r.proj.zoned);
    double lat = 0, lon = 0;
    CHECK(sscanf(strstr(r.proj.description, "centred on"), "centred on %lf, %lf", &lat, &lon) == 2);
    CHECK(lon > -175 && lon < -145); /* the data's middle, not 0.32 */
    image im = decode(png);
    double mx = r.probe.map_x, my = r.probe.map_y, mw = r.probe.map_w, mh = r.probe.map_h;
    /* Attu (west of 180), interior Alaska and the panhandle: inside the frame, drawn */
    static const double points[][2] = {{173.2, 52.85}, {-150, 64.5}, {-133.5, 56.5}};
    for (size_t i = 0; i < 3; i++) {
        double x = points[i][0], y = points[i][1];
        CHECK(dti_map_project_point(&r.proj, &x, &y) == 0);
        double px = r.probe.origin_x + r.probe.pixels_per_unit * (x - r.probe.xmin);
        double py = r.probe.origin_y + r.probe.pixels_per_unit * (r.probe.ymax - y);
        CHECK(px >= mx && px <= mx + mw && py >= my && py <= my + mh);
    }
    CHECK(region_pixel_is(&im, &r, -150, 64.5, rgb(0xff0000)));
    /* the whole state is one piece: Attu lies left of the mainland, not across the page */
    double attu_x = 173.2, attu_y = 52.85, ak_x = -150, ak_y = 64.5;
    dti_map_project_point(&r.proj, &attu_x, &attu_y);
    dti_map_project_point(&r.proj, &ak_x, &ak_y);
    CHECK(attu_x < ak_x);
    CHECK(mw >= 0.5 * r.probe.width); /* it fills the page's width, not a corner */
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

/* 100,000 squares far under a pixel each: the map is not blank, and a note says why. */
static void test_subpixel(void)
{
    char path[160];
    snprintf(path, sizeof path, "%s/grid.geojson", dir);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fputs("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
          "\"urn:ogc:def:crs:EPSG::4269\"}},\"features\":[\n",
          fp);
    for (int k = 0; k < 100000; k++) { /* 0.0005 degree squares, 0.01 degree apart */
        double x = -100 + (k / 313) * 0.01, y = 40 + (k % 313) * 0.01, d = 0.0005;
        fprintf(fp,
                "%s{\"type\":\"Feature\",\"properties\":{\"GEOID\":\"g%06d\",\"v\":%d},"
                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.4f,%.4f],[%.4f,%.4f],"
                "[%.4f,%.4f],[%.4f,%.4f],[%.4f,%.4f]]]}}\n",
                k ? "," : "", k, k % 2, x, y, x + d, y, x + d, y + d, x, y + d, x, y);
    }
    fputs("]}\n", fp);
    fclose(fp);
    const char *png = out_path("grid.png");
    run_result r = run("--regions", path, "--column", "v", "--breaks", "0.5", "--palette",
                       "#ff0000,#0000ff", "--width", "400", "-o", png, NULL);
    CHECK_INT(r.status, DT_OK);
    image im = decode(png);
    double mx = r.probe.map_x, my = r.probe.map_y, mw = r.probe.map_w, mh = r.probe.map_h;
    double coloured = share_of(&im, mx + 2, my + 2, mx + mw - 2, my + mh - 2, rgb(0xff0000)) +
                      share_of(&im, mx + 2, my + 2, mx + mw - 2, my + mh - 2, rgb(0x0000ff));
    CHECK(coloured > 0.5);
    CHECK(strstr(notes, "100000 of 100000 regions are smaller than a pixel") != NULL);
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

/* Text drawn at (8, 40) on a white 160 x 60 page, in DejaVu Sans 30 (bold when asked), by
 * dialtone's text call (fallback 1) or cairo's toy call; the page's pixels, ARGB32. */
static unsigned char *text_pixels(const char *text, int bold, int fallback)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 160, 60);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 30);
    cairo_move_to(cr, 8, 40);
    (fallback ? dti_text_show : cairo_show_text)(cr, text);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    size_t size = (size_t)cairo_image_surface_get_stride(s) * 60;
    unsigned char *copy = malloc(size);
    if (copy)
        memcpy(copy, cairo_image_surface_get_data(s), size);
    cairo_surface_destroy(s);
    return copy;
}

static int same_pixels(const unsigned char *a, const unsigned char *b)
{
    return a && b && memcmp(a, b, (size_t)160 * 4 * 60) == 0;
}

static int blank_pixels(const unsigned char *a)
{
    for (size_t i = 0; a && i < (size_t)160 * 60; i++)
        if (a[4 * i] != 0xff)
            return 0;
    return a != NULL;
}

/* Characters DejaVu Sans lacks come from a fallback font (packages.txt installs a CJK one,
 * fonts-wqy-microhei). With cairo's toy call every missing character is the same .notdef
 * box, so two different ideographs draw the same pixels, and the same as U+10FFFD, which is
 * unassigned and in no font; drawn by dti_text_show they are real glyphs, so they differ
 * from each other and from the box. Accented Latin is in DejaVu: drawn as before. */
static void test_text_fallback(void)
{
    for (int bold = 0; bold < 2; bold++) {
        unsigned char *box = text_pixels("\U0010FFFD", bold, 1);
        unsigned char *toy_zhong = text_pixels("\u4e2d", bold, 0);
        unsigned char *toy_wen = text_pixels("\u6587", bold, 0);
        unsigned char *zhong = text_pixels("\u4e2d", bold, 1);
        unsigned char *wen = text_pixels("\u6587", bold, 1);
        CHECK(!blank_pixels(box));
        CHECK(same_pixels(toy_zhong, toy_wen)); /* the toy API: both the box */
        CHECK(same_pixels(toy_zhong, box));
        CHECK(!blank_pixels(zhong) && !blank_pixels(wen));
        CHECK(!same_pixels(zhong, box));
        CHECK(!same_pixels(wen, box));
        CHECK(!same_pixels(zhong, wen));
        unsigned char *cafe_toy = text_pixels("Caf\u00e9", bold, 0);
        unsigned char *cafe = text_pixels("Caf\u00e9", bold, 1);
        unsigned char *plain = text_pixels("Cafe", bold, 1);
        CHECK(same_pixels(cafe, cafe_toy)); /* covered text: cairo's own call, same pixels */
        CHECK(!same_pixels(cafe, plain));   /* and the accent is drawn */
        free(box), free(toy_zhong), free(toy_wen), free(zhong), free(wen);
        free(cafe_toy), free(cafe), free(plain);
    }
    /* Measuring walks the same runs as drawing: the advance is where drawing leaves the
     * current point. An ideograph is full-width: one em, the font size (30), in any CJK
     * font; "A" and "B" keep DejaVu's advances. */
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
    cairo_t *cr = cairo_create(s);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 30);
    CHECK(fabs(dti_text_advance(cr, "\u4e2d") - 30) < 0.01);
    cairo_text_extents_t a, b;
    cairo_text_extents(cr, "A", &a);
    cairo_text_extents(cr, "B", &b);
    double mixed = dti_text_advance(cr, "A\u4e2d\u6587B");
    CHECK(fabs(mixed - (a.x_advance + 60 + b.x_advance)) < 0.01);
    cairo_move_to(cr, 5, 20);
    dti_text_show(cr, "A\u4e2d\u6587B");
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    /* cairo keeps the current point in 24.8 fixed point: 1/256 per run at most */
    CHECK(fabs(x - 5 - mixed) < 3.0 / 256 && y == 20);
    char families[128];
    CHECK(dti_text_fallback_families(cr, "Caf\u00e9", families, sizeof families) == 0);
    CHECK_STR(families, "");
    CHECK(dti_text_fallback_families(cr, "A\u4e2dB\u6587", families, sizeof families) > 0);
    CHECK(strstr(families, "DejaVu") == NULL && strchr(families, ',') == NULL); /* one font */
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    /* line breaks: at spaces, and between CJK characters (3 bytes each in UTF-8), never
     * before closing punctuation (U+FF0C, the full-width comma) */
    CHECK_INT(dti_text_word("Kansas counties"), 6);
    CHECK_INT(dti_text_word("\u4e2d\u6587"), 3);
    CHECK_INT(dti_text_word("ab\u4e2d"), 2);
    CHECK_INT(dti_text_word("\u4e2d\uff0c\u6587"), 6);
    CHECK_INT(dti_text_word("Caf\u00e9 x"), 5);
}

/* A map whose title is CJK: the title band differs from the same title in boxes. */
static void test_cjk_title(void)
{
    const char *cjk = out_path("cjk.png"), *boxes = out_path("boxes.png");
    run_result r =
        run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
            "unserved", "--title", "\u5bbd\u5e26\u8986\u76d6", "--width", "400", "-o", cjk, NULL);
    CHECK_INT(r.status, DT_OK);
    dti_map_projection_free(&r.proj);
    run_result q =
        run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
            "unserved", "--title", "\U0010FFFD\U0010FFFD\U0010FFFD\U0010FFFD", "--width", "400",
            "-o", boxes, NULL);
    CHECK_INT(q.status, DT_OK);
    dti_map_projection_free(&q.proj);
    image a = decode(cjk), b = decode(boxes);
    CHECK(a.rgb && b.rgb && a.width == b.width && a.height == b.height);
    size_t differ = 0, band = (size_t)r.probe.map_y * (size_t)a.width * 3;
    for (size_t i = 0; a.rgb && b.rgb && a.width == b.width && i < band; i++)
        differ += a.rgb[i] != b.rgb[i];
    CHECK(differ > 100);
    free(a.rgb);
    free(b.rgb);
}

/* --source gets "Source: " unless it already says what it is. */
static void test_source_label(void)
{
    static const char *const cases[][2] = {
        {"hand-made fixture", "Source: hand-made fixture"},
        {"Sources: FCC BDC; Census", "Sources: FCC BDC; Census"},
        {"Source FCC BDC", "Source FCC BDC"},
        {"Data: FCC BDC", "Data: FCC BDC"},
        {"data from the FCC", "data from the FCC"},
        {"Quelle: FCC", "Quelle: FCC"},
        {"\u51fa\u5178\uff1aFCC", "\u51fa\u5178\uff1aFCC"}, /* a full-width colon */
        {"Database of the FCC", "Source: Database of the FCC"},
        {"FCC BDC, June 2024", "Source: FCC BDC, June 2024"},
    };
    const char *png = out_path("source.png");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r =
            run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv", "--column",
                "unserved", "--source", cases[i][0], "--width", "300", "-o", png, NULL);
        CHECK_INT(r.status, DT_OK);
        CHECK_STR(png_text_of(png, "Source"), cases[i][1]);
        dti_map_projection_free(&r.proj);
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/dialtone-render-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_choropleth(NULL, "1");
    test_choropleth("EPSG:5070", "2");
    test_no_data_and_one_class();
    test_jenks_and_layer_column();
    test_symbols();
    test_bad_input();
    test_us_layout();
    test_alaska();
    test_subpixel();
    test_text_fallback();
    test_cjk_title();
    test_source_label();
    char command[128];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    if (system(command) != 0)
        return 1;
    return dt_unit_report("render");
}
