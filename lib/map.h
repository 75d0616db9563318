/* SPDX-License-Identifier: MIT */
/* Maps: class breaks, colours, the region layer, projection and layout, drawing, PNG files. */
#ifndef DIALTONE_MAP_H
#define DIALTONE_MAP_H

#include <ogr_srs_api.h>

#include <stdio.h>

#include "core.h"
#include "geo.h"

/* ==== maps: dialtone map (map*.c, classify_breaks.c, palette.c, render*.c, png_out.c) ==== */

/* ---- class breaks (classify_breaks.c) ---- */
/* Classes are lower-inclusive: with interior breaks b[0] < ... < b[n-1], class 0 holds
 * v < b[0], class i holds b[i-1] <= v < b[i], class n holds v >= b[n-1]. A value equal to
 * a break goes up, as policy thresholds do ("at least 25 Mbps"). */
typedef enum dti_break_method {
    DTI_BREAKS_QUANTILE,
    DTI_BREAKS_EQUAL,
    DTI_BREAKS_JENKS,
    DTI_BREAKS_PRETTY,
    DTI_BREAKS_MANUAL
} dti_break_method;

#define DTI_MAX_CLASSES 9

/* Interior breaks for k classes of sorted (ascending, finite, n > 0) values, written to
 * breaks (room for k - 1); returns how many, fewer than k - 1 when ties leave fewer
 * distinct classes (0 when every value is equal), -1 when out of memory. Not for MANUAL. */
int dti_breaks_compute(dti_break_method method, const double *sorted, size_t n, int k,
                       double *breaks);
/* Fisher's exact optimum (Jenks natural breaks): the partition of sorted values into at
 * most k groups of consecutive values with the least total squared deviation from the
 * group means. Returns the breaks (first value of each group after the first) as above. */
int dti_breaks_jenks(const double *sorted, size_t n, int k, double *breaks);
/* Class of v for interior breaks (see above). */
int dti_class_of_value(const double *breaks, int nbreaks, double v);
/* Round data breaks to the fewest decimals (at most 6) that keep them distinct and inside
 * (min, max]; returns those decimals. Breaks already at <= max_decimals stay exact. */
int dti_breaks_round(double *breaks, int nbreaks, double min, double max);
/* Decimals a legend needs to print every break and the data range exactly enough. */
int dti_breaks_decimals(const double *breaks, int nbreaks, double min, double max);
/* A number with `decimals` decimals and thousands separators ("12,345.6"). */
char *dti_format_number(char *buf, size_t size, double v, int decimals);
/* A "nice" number (1, 2 or 5 times a power of ten) close to v (round) or >= v (ceil). */
double dti_nice_number(double v, int round_it);

/* ---- colours (palette.c) ---- */
typedef struct dti_rgb {
    uint8_t r, g, b;
} dti_rgb;

/* "#rrggbb", "rrggbb" or "#rgb". 0 ok, -1 bad. */
int dti_parse_color(const char *text, dti_rgb *out);
/* k colours (1..9) for a ColorBrewer scheme name (YlOrRd, Blues, RdYlBu ...; "_r" at the
 * end reverses it) or a comma-separated list of hex colours (at least k; evenly picked
 * when longer). DT_ERR_USAGE for an unknown name or bad list. */
dt_status dti_palette_colors(const char *spec, int k, dti_rgb *out, dt_error *err);
/* Comma-separated names of the ColorBrewer schemes, in names; returns names. */
const char *dti_palette_names(char *names, size_t size);

/* ---- region layer: polygons in flat arrays (map_layer.c) ---- */
typedef struct dti_map_layer {
    dti_region_layer geo; /* vertices (source CRS until dti_map_project()), rings, features,
                             ids (the layer's first), names; notes of what was left out */
    double *values;       /* per region (region_cap): NaN when no data */
    size_t region_cap;
    size_t *outer_edges; /* point i: edge (i, i + 1) lies on the outer boundary */
    size_t outer_edge_count;
    int outer_edges_usable; /* 0: neighbours' edges do not match, no outer line */
    char *srs_wkt;
    char *layer_name;
    uint8_t *region_hidden; /* per region: 1 when a layout leaves all of it out; NULL: none */
    size_t hidden_count;
} dti_map_layer;

/* Read the polygons of path's layer (layer_name, or the first), each with its id_field text
 * (NULL: GEOID, GEOID20 or geoid when present, else the feature id); value_column (NULL
 * when values come from a stats table) gives each region's value. Empty and zero-area
 * geometry is left out and counted. dti_map_layer_free() frees it, also after a failure. */
dt_status dti_map_layer_read(dti_map_layer *ml, const char *path, const char *layer_name,
                             const char *id_field, const char *value_column,
                             dt_progress_fn progress, void *user, dt_error *err);
void dti_map_layer_free(dti_map_layer *ml);
/* Parse a mapped value: empty, NaN, NA, null give NaN (no data). 0 ok, -1 not a number. */
int dti_parse_value(const char *s, size_t len, double *value);
/* Join a stats CSV (first column named geoid; `column` numeric) by region id as text.
 * *unmatched counts its rows naming no region of the layer. */
dt_status dti_map_join_stats(dti_map_layer *ml, const char *path, const char *column,
                             size_t *unmatched, dt_error *err);
/* Values given in memory by another step (plan's funded regions, report's default map)
 * instead of a --stats table: ids[i] has values[i] (NaN: no data). what names them in notes
 * and the map's provenance. */
typedef struct dti_map_values {
    const char *what;
    size_t count;
    const char *const *ids;
    const double *values;
} dti_map_values;
/* The same rules as a table: an id twice is an error, ids of no region are counted. */
dt_status dti_map_join_values(dti_map_layer *ml, const dti_map_values *v, size_t *unmatched,
                              dt_error *err);
/* Edges that belong to one polygon only (exact vertex match): the outer boundary. */
dt_status dti_map_outer_edges(dti_map_layer *ml, dt_error *err);

/* ---- projection (map_project.c, map_layout.c) ---- */
/* How the map lays out a nation: AUTO is US when the layer holds the lower 48 and Alaska,
 * Hawaii or Puerto Rico (and nothing outside the US), else NONE (one fitted projection). */
typedef enum dti_map_layout {
    DTI_LAYOUT_AUTO,
    DTI_LAYOUT_NONE,
    DTI_LAYOUT_US,
    DTI_LAYOUT_CONUS
} dti_map_layout;

/* The parts of the US layout; rings elsewhere are left out. */
enum { DTI_ZONE_CONUS, DTI_ZONE_ALASKA, DTI_ZONE_HAWAII, DTI_ZONE_CARIBBEAN, DTI_ZONE_COUNT };

typedef struct dti_map_projection {
    char description[512];
    double meters_per_unit;                 /* 0 for a geographic CRS: no scale bar */
    double xmin, ymin, xmax, ymax;          /* projected extent of the layer (and inset frames) */
    OGRCoordinateTransformationH transform; /* source to map */
    /* a composed layout: each zone its own projection, then x * scale + dx, y * scale + dy */
    int zoned;
    OGRCoordinateTransformationH zone_transform[DTI_ZONE_COUNT];
    OGRCoordinateTransformationH
        to_lonlat; /* source to longitude/latitude; NULL when the source is geographic */
    double zone_scale[DTI_ZONE_COUNT], zone_dx[DTI_ZONE_COUNT], zone_dy[DTI_ZONE_COUNT];
    int has_frame[DTI_ZONE_COUNT]; /* insets get a thin frame: xmin, ymin, xmax, ymax */
    double frame[DTI_ZONE_COUNT][4];
    char left_out[256]; /* what the layout left out, named; "" when nothing */
    size_t left_out_rings;
} dti_map_projection;

/* Project ml's vertices in place into crs (any GDAL/PROJ definition), or when crs is NULL
 * into an Albers equal-area conic fitted to the data: standard parallels at 1/6 and 5/6
 * of its latitude span, centred on it (on the shorter way round when the data crosses 180
 * degrees). With the US layout (layout US or CONUS, or AUTO on a national layer) each part
 * gets its own projection and place, and rings outside it are removed from ml (regions
 * wholly removed are marked hidden). Free with dti_map_projection_free(). */
dt_status dti_map_project(dti_map_layer *ml, const char *crs, dti_map_layout layout,
                          dti_map_projection *proj, dt_error *err);
/* The US layout (map_layout.c): picks the layout, projects and places each part; called
 * by dti_map_project on a geographic copy of the layer's CRS. *applied is 0 when the
 * layout is NONE after all (AUTO on a layer that is not national). */
dt_status dti_map_layout_apply(dti_map_layer *ml, dti_map_layout layout,
                               OGRSpatialReferenceH src_srs, dti_map_projection *proj, int *applied,
                               dt_error *err);
/* One source point through the US layout (its zone's projection and place): 0 ok, -1 when
 * it lies in no part of the layout. */
int dti_map_layout_project_point(const dti_map_projection *proj, double *x, double *y);
/* Project one source point: 0 ok, -1 failed. */
int dti_map_project_point(const dti_map_projection *proj, double *x, double *y);
void dti_map_projection_free(dti_map_projection *proj);

/* ---- what a map shows (render.c, render_layout.c) ---- */
typedef enum dti_map_view { DTI_VIEW_CHOROPLETH, DTI_VIEW_SYMBOLS } dti_map_view;
typedef enum dti_scale_bar { DTI_SCALE_BAR_NONE, DTI_SCALE_BAR_KM, DTI_SCALE_BAR_MI } dti_scale_bar;

#define DTI_NO_DATA_CLASS 255

typedef struct dti_map_model {
    const dti_map_layer *layer;
    const dti_map_projection *projection;
    dti_map_view view;
    int width, height; /* in points; pixels are these times scale */
    double scale;
    const char *title, *subtitle, *source, *legend_title, *region_noun;
    const char *no_data_label; /* NULL: "No data" */
    /* choropleth classes */
    int class_count;
    dti_rgb class_colors[DTI_MAX_CLASSES];
    char class_labels[DTI_MAX_CLASSES][96];
    size_t class_counts[DTI_MAX_CLASSES];
    uint8_t *region_class; /* per region: class, or DTI_NO_DATA_CLASS */
    dti_rgb no_data_color;
    size_t no_data_count;
    /* proportional symbols: three legend values and their labels */
    dti_rgb symbol_color;
    double symbol_max_value;
    double symbol_legend[3];
    char symbol_labels[3][64];
    dti_scale_bar scale_bar;
    const char *provenance; /* JSON: what the map shows and the table it came from; may be NULL */
    const char *column;     /* what the values are, and how they print (SVG titles) */
    const char *suffix, *units;
} dti_map_model;

/* Where things landed, in pixels: the affine map from projected coordinates, the centres of
 * the legend's colour boxes. Filled by the renderer for tests. */
typedef struct dti_map_probe {
    double origin_x, origin_y, pixels_per_unit, xmin, ymax;
    double box_x[DTI_MAX_CLASSES + 1], box_y[DTI_MAX_CLASSES + 1]; /* last: no data */
    int width, height;
    double map_x, map_y, map_w, map_h; /* the map's frame */
} dti_map_probe;

/* Write the map as PNG (libpng, with Title/Source/Software text chunks) or SVG (cairo) to
 * fp; display names it in messages. probe may be NULL. */
dt_status dti_render_png(const dti_map_model *model, FILE *fp, const char *display,
                         dti_map_probe *probe, dt_error *err);
dt_status dti_render_svg(const dti_map_model *model, FILE *fp, const char *display, dt_error *err);
/* How many of the drawn regions are smaller than a pixel (each of their rings) at the size the
 * PNG has; those are drawn as one-pixel squares. */
size_t dti_render_subpixel_regions(const dti_map_model *model);

/* ---- drawing (render.c: surfaces and the map; render_layout.c: text, legend, layout) ---- */
struct _cairo; /* cairo_t */

typedef struct dti_layout {
    double unit;                       /* text and furniture size factor */
    double map_x, map_y, map_w, map_h; /* the frame the map fits in, points */
    double ox, oy, s, xmin, ymax;      /* projected (x,y) -> (ox + s(x - xmin), oy + s(ymax - y)) */
    double legend_x, legend_y, legend_w, legend_h;
    double header_h, footer_y;
    double page_w, page_h; /* page_h is the model's height, or fitted when that is 0 */
    double symbol_max_radius;
    int legend_right;
} dti_layout;

/* Where drawing goes: cairo (PNG), or SVG elements written to svg (then cr only measures
 * text). One set of drawing calls serves both. */
typedef struct dti_canvas {
    struct _cairo *cr;
    FILE *svg; /* or NULL */
} dti_canvas;

/* A rectangle, filled (fill non-NULL) and/or outlined (stroke_width > 0, in gray). */
void dti_canvas_rect(dti_canvas *cv, double x, double y, double w, double h, const dti_rgb *fill,
                     double stroke_gray, double stroke_alpha, double stroke_width);
/* A filled circle with a white rim. */
void dti_canvas_circle(dti_canvas *cv, double x, double y, double r, dti_rgb fill, double rim);
/* A group of elements in SVG (<g id=...>); nothing in cairo. */
void dti_canvas_group(dti_canvas *cv, const char *id);
void dti_canvas_group_end(dti_canvas *cv);
/* XML-escaped text to an SVG file. */
void dti_svg_text(FILE *fp, const char *text);

/* Page coordinates of projected (x, y): (ox + s(x - xmin), oy + s(ymax - y)); vertices closer
 * than tolerance are dropped; pixel is one device pixel in points. */
typedef struct dti_pen {
    double ox, oy, s, xmin, ymax, tolerance, pixel;
} dti_pen;

/* Ring r of the layer as a path (cairo's current path, or SVG path data). A ring smaller
 * than a pixel each way becomes the device pixel under its centre (a hole: nothing), so
 * that dense small regions read as colour. which: DTI_RINGS_SHAPES draws only the larger
 * rings, DTI_RINGS_SQUARES only the squares, DTI_RINGS_ALL both. 1 when something was added. */
enum { DTI_RINGS_SHAPES = 1, DTI_RINGS_SQUARES = 2, DTI_RINGS_ALL = 3 };
int dti_pen_ring(dti_canvas *cv, const dti_map_layer *ml, const dti_pen *p, size_t r, int which);

/* Shared by the PNG (render.c) and the SVG writer (render_svg.c). The layout, measured with
 * a scratch cairo context (returned in *scratch when not NULL: cairo_destroy it). */
void dti_render_measure(const dti_map_model *m, dti_layout *lay, struct _cairo **scratch);
dti_pen dti_render_pen(const dti_layout *lay, double pixel);
/* Whether thin lines between regions are drawn: only when regions are big enough. */
int dti_render_outlines(const dti_map_model *m, double s);
void dti_render_outer_boundary(dti_canvas *cv, const dti_map_layer *ml, const dti_pen *p, double u);
/* The thin frames of the US layout's insets. */
void dti_render_frames(dti_canvas *cv, const dti_map_model *m, const dti_pen *p, double u);
/* Circles with area proportional to the value, at the centroid of each region's largest
 * exterior ring, the largest drawn first so small ones stay visible. */
dt_status dti_render_symbols(dti_canvas *cv, const dti_map_model *m, const dti_pen *p, double rmax,
                             double u, dt_error *err);
/* SVG: a region's id="r-GEOID" (prefix: "r-", or "s-" for symbols) and data attributes;
 * its <title>: name, id and value. */
void dti_svg_region_attributes(FILE *fp, const dti_map_model *m, uint32_t region,
                               const char *prefix);
void dti_svg_region_title(FILE *fp, const dti_map_model *m, uint32_t region);

/* Place title, legend, map and source on the page (measures text with cr). When the
 * model's height is 0 the page is made as tall as the map and legend need. */
void dti_layout_compute(struct _cairo *cr, const dti_map_model *m, dti_layout *lay);
/* Draw the title, subtitle, legend, scale bar and source line; probe may be NULL. */
void dti_layout_draw(dti_canvas *cv, const dti_map_model *m, const dti_layout *lay,
                     dti_map_probe *probe);

/* Text in cr's current font (a toy face), with the characters that font lacks taken from
 * the first font of fontconfig's fallback order that has them (render_text.c): the advance
 * of text, and text drawn at the current point. Both walk the same runs, so what is measured
 * is what is drawn; text the font covers is measured and drawn as cairo's own calls do. */
double dti_text_advance(struct _cairo *cr, const char *text);
void dti_text_show(struct _cairo *cr, const char *text);
/* The fallback families text would use in cr's font, ", "-separated, into buf (size bytes):
 * "" when the font covers the text. The length written. */
size_t dti_text_fallback_families(struct _cairo *cr, const char *text, char *buf, size_t size);
/* The length of text's first piece a line must not break inside: up to a space or newline,
 * or one character of a script written without spaces (CJK), with the closing punctuation
 * after it. */
size_t dti_text_word(const char *text);

/* ---- PNG files (png_out.c) ---- */
typedef struct dti_png_text {
    const char *key, *text;
} dti_png_text;

/* Write 8-bit RGB from cairo's ARGB32 pixels (opaque) to fp with text chunks (tEXt, or
 * iTXt for non-ASCII text). dpi_scale sets pHYs to 72 * dpi_scale pixels per inch. */
dt_status dti_png_write(FILE *fp, const char *display, const unsigned char *argb, int width,
                        int height, int stride, const dti_png_text *texts, int text_count,
                        double dpi_scale, dt_error *err);

/* ---- the run (map.c), for tests: dt_map() that also reports where things landed ---- */
dt_status dti_map_run(const dt_map_options *options, dt_progress_fn progress, dt_note_fn note,
                      void *user, dti_map_probe *probe, dti_map_projection *projection,
                      dt_error *err);

#endif
