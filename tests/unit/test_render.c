/* Render tests: draw hand-made regions, decode the PNG with libpng, probe pixels. */
#include <dirent.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    run_result r = run("--regions", DATA "three.geojson", "--stats", DATA "three_stats.csv",
                       "--column", "pct_unserved", "--method", "manual", "--breaks", "25,75",
                       "--palette", "Blues", "--title", "Three regions", "--source",
                       "hand-made fixture", "--width", "800", "--scale", scale, "--scale-bar",
                       "km", "-o", png, crs ? "--crs" : NULL, crs, NULL);
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
    CHECK(r.probe.box_x[3] == 0);              /* three classes only */
    CHECK(r.probe.box_x[DTI_MAX_CLASSES] == 0); /* no "No data" row */
    CHECK_STR(png_text_of(png, "Title"), "Three regions");
    CHECK_STR(png_text_of(png, "Source"), "Source: hand-made fixture");
    CHECK_STR(png_text_of(png, "Software"), "dialtone " DT_VERSION);
    /* the row whose id lost its leading zero joins nothing */
    CHECK(strstr(notes, "1 rows of " DATA "three_stats.csv name no region") != NULL);
    free(im.rgb);
    dti_map_projection_free(&r.proj);
}

static void test_no_data_and_one_class(void)
{
    const char *png = out_path("gaps.png");
    /* West empty, East NA, South 7: one value, so one class; two regions of no data */
    run_result r = run("--regions", DATA "three.geojson", "--stats", DATA "three_gaps.csv",
                       "--column", "median_max_down", "--no-data-color", "#123456",
                       "--palette", "Purples", "-o", png, NULL);
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
                       "--column", "unserved", "--method", "jenks", "--classes", "5",
                       "--palette", "#ff0000,#00ff00,#0000ff", "-o", png, NULL);
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
    CHECK(region_pixel_is(&im, &r, -96.1, 40.5, two[1]));  /* inside one loop of the bow tie */
    CHECK(region_pixel_is(&im, &r, -96.5, 40.1, rgb(0xffffff))); /* between its loops */
    CHECK(strstr(notes, "left out 1 features with empty and 2 with zero-area geometry "
                        "(first: 01003)") != NULL);
    CHECK(strstr(notes, "1 regions have invalid polygons (self-intersecting or the like; "
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
            "pct_unserved", "-o", out_path("never.png"), "--svg", "/nonexistent-dir/map.svg",
            NULL);
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
    char *mixed[] = {"--regions", "x", "--column", "c", "-o", "x.png", "--method=jenks",
                     "--breaks=25"};
    CHECK(dt_map_options_new(8, mixed, &err) == NULL && err.status == DT_ERR_USAGE);
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
    char command[128];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    if (system(command) != 0)
        return 1;
    return dt_unit_report("render");
}
