/* Drawing a map with cairo: class fills, outlines, outer boundary, symbols; PNG and SVG. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>
#include <cairo.h>

#include "internal.h"

typedef struct pen {
    double ox, oy, s, xmin, ymax, tolerance;
} pen;

/* Add ring r to the path in page coordinates, dropping vertices closer than the tolerance
 * (a fraction of a pixel) to the last one kept: a million blocks stay fast. */
static void add_ring(cairo_t *cr, const dti_map_layer *ml, const pen *p, size_t r)
{
    size_t a = ml->ring_point[r], b = ml->ring_point[r + 1];
    const double *x = ml->x, *y = ml->y;
    double lx = p->ox + p->s * (x[a] - p->xmin), ly = p->oy + p->s * (p->ymax - y[a]);
    cairo_move_to(cr, lx, ly);
    int kept = 1;
    for (size_t i = a + 1; i + 1 < b; i++) {
        double px = p->ox + p->s * (x[i] - p->xmin), py = p->oy + p->s * (p->ymax - y[i]);
        if (fabs(px - lx) + fabs(py - ly) < p->tolerance)
            continue;
        cairo_line_to(cr, px, py);
        lx = px, ly = py;
        kept++;
    }
    if (kept < 3) /* smaller than the tolerance: keep its shape anyway */
        for (size_t i = a + 1; i + 1 < b; i++)
            cairo_line_to(cr, p->ox + p->s * (x[i] - p->xmin), p->oy + p->s * (p->ymax - y[i]));
    cairo_close_path(cr);
}

static void add_feature(cairo_t *cr, const dti_map_layer *ml, const pen *p, size_t f)
{
    for (size_t r = ml->feature_ring[f]; r < ml->feature_ring[f + 1]; r++)
        add_ring(cr, ml, p, r);
}

static void set_rgb(cairo_t *cr, dti_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

/* One path per class: no seams between neighbours of the same class, and few fills. */
static void draw_fills(cairo_t *cr, const dti_map_model *m, const pen *p)
{
    const dti_map_layer *ml = m->layer;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (int c = 0; c <= m->class_count; c++) {
        int cls = c < m->class_count ? c : DTI_NO_DATA_CLASS;
        int any = 0;
        cairo_new_path(cr);
        for (size_t f = 0; f < ml->feature_count; f++) {
            int fc = m->view == DTI_VIEW_CHOROPLETH ? m->region_class[ml->feature_region[f]]
                     : isnan(ml->values[ml->feature_region[f]]) ? DTI_NO_DATA_CLASS
                                                                : 0;
            if (fc != cls)
                continue;
            add_feature(cr, ml, p, f);
            any = 1;
        }
        if (!any)
            continue;
        set_rgb(cr, cls == DTI_NO_DATA_CLASS ? m->no_data_color : m->class_colors[c]);
        cairo_fill(cr);
    }
}

/* Thin lines between regions, drawn only when regions are big enough to read them. */
static void draw_outlines(cairo_t *cr, const dti_map_model *m, const pen *p, double u)
{
    const dti_map_layer *ml = m->layer;
    if (ml->feature_count < 2)
        return;
    double page_area = p->s * p->s * (m->projection->xmax - m->projection->xmin) *
                       (m->projection->ymax - m->projection->ymin);
    if (page_area / (double)ml->feature_count < 40.0) /* a region under ~6 x 6 points */
        return;
    cairo_new_path(cr);
    for (size_t f = 0; f < ml->feature_count; f++)
        add_feature(cr, ml, p, f);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.7 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

/* The outline of the whole area: chains of edges no two polygons share. */
static void draw_outer_boundary(cairo_t *cr, const dti_map_layer *ml, const pen *p, double u)
{
    if (!ml->outer_edges_usable)
        return;
    cairo_new_path(cr);
    size_t last = (size_t)-1;
    for (size_t k = 0; k < ml->outer_edge_count; k++) {
        size_t i = ml->outer_edges[k];
        double ax = p->ox + p->s * (ml->x[i] - p->xmin), ay = p->oy + p->s * (p->ymax - ml->y[i]);
        double bx = p->ox + p->s * (ml->x[i + 1] - p->xmin);
        double by = p->oy + p->s * (p->ymax - ml->y[i + 1]);
        if (last == (size_t)-1 || i != last + 1)
            cairo_move_to(cr, ax, ay);
        cairo_line_to(cr, bx, by);
        last = i;
    }
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    cairo_set_line_width(cr, 1.3 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(cr);
}

static double ring_area2(const dti_map_layer *ml, size_t r, double *cx, double *cy)
{
    double a = 0, sx = 0, sy = 0;
    size_t s0 = ml->ring_point[r], s1 = ml->ring_point[r + 1];
    double x0 = ml->x[s0], y0 = ml->y[s0];
    for (size_t i = s0; i + 1 < s1; i++) {
        double xa = ml->x[i] - x0, ya = ml->y[i] - y0;
        double xb = ml->x[i + 1] - x0, yb = ml->y[i + 1] - y0;
        double cross = xa * yb - xb * ya;
        a += cross;
        sx += (xa + xb) * cross;
        sy += (ya + yb) * cross;
    }
    /* twice the area, and the first moments about the first vertex, made absolute */
    double sign = a < 0 ? -1 : 1;
    *cx = sign * sx / 3 + fabs(a) * x0;
    *cy = sign * sy / 3 + fabs(a) * y0;
    return fabs(a);
}

/* Crossings of the horizontal line at y with rings [r0, r1), sorted into xs. */
static size_t scanline(const dti_map_layer *ml, size_t r0, size_t r1, double y, double *xs,
                       size_t cap)
{
    size_t n = 0;
    for (size_t r = r0; r < r1; r++)
        for (size_t i = ml->ring_point[r]; i + 1 < ml->ring_point[r + 1] && n < cap; i++) {
            double ya = ml->y[i], yb = ml->y[i + 1];
            if ((ya > y) != (yb > y))
                xs[n++] = ml->x[i] + (y - ya) / (yb - ya) * (ml->x[i + 1] - ml->x[i]);
        }
    for (size_t i = 1; i < n; i++) /* insertion sort: crossings are few */
        for (size_t j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
            double t = xs[j];
            xs[j] = xs[j - 1];
            xs[j - 1] = t;
        }
    return n;
}

/* Where a polygon's symbol goes (exterior ring r0, holes up to r1): its centroid when that
 * lies inside, else the middle of the widest inside stretch of the line through it. Sets
 * *x, *y only when the polygon is larger than `larger_than`; *area gets its area. */
static void anchor_point(const dti_map_layer *ml, size_t r0, size_t r1, double *area, double *x,
                         double *y, double larger_than)
{
    double a = 0, mx = 0, my = 0;
    for (size_t r = r0; r < r1; r++) {
        double cx, cy, ra = ring_area2(ml, r, &cx, &cy);
        double sign = r == r0 ? 1 : -1;
        a += sign * ra;
        mx += sign * cx;
        my += sign * cy;
    }
    *area = a / 2;
    if (!(a > 0) || !(*area > larger_than))
        return;
    double px = mx / a, py = my / a, xs[256];
    size_t n = scanline(ml, r0, r1, py, xs, 256);
    int inside = 0;
    double widest = -1, mid = px;
    for (size_t i = 0; i + 1 < n; i += 2) {
        inside |= xs[i] <= px && px <= xs[i + 1];
        if (xs[i + 1] - xs[i] > widest) {
            widest = xs[i + 1] - xs[i];
            mid = (xs[i] + xs[i + 1]) / 2;
        }
    }
    *x = inside || n < 2 ? px : mid;
    *y = py;
}

typedef struct symbol {
    double x, y, value;
} symbol;

static int larger_first(const void *a, const void *b)
{
    double x = ((const symbol *)a)->value, y = ((const symbol *)b)->value;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Circles with area proportional to the value, at the centroid of each region's largest
 * exterior ring, the largest drawn first so small ones stay visible. */
static dt_status draw_symbols(cairo_t *cr, const dti_map_model *m, const pen *p, double rmax,
                              double u, dt_error *err)
{
    const dti_map_layer *ml = m->layer;
    symbol *sym = calloc(ml->region_count ? ml->region_count : 1, sizeof *sym);
    double *best = calloc(ml->region_count ? ml->region_count : 1, sizeof *best);
    if (!sym || !best) {
        free(sym);
        free(best);
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t f = 0; f < ml->feature_count; f++) {
        uint32_t region = ml->feature_region[f];
        for (size_t r = ml->feature_ring[f]; r < ml->feature_ring[f + 1]; r++) {
            if (!ml->ring_outer[r])
                continue;
            size_t end = r + 1; /* the holes of this exterior ring follow it */
            while (end < ml->feature_ring[f + 1] && !ml->ring_outer[end])
                end++;
            double area = 0;
            anchor_point(ml, r, end, &area, &sym[region].x, &sym[region].y, best[region]);
            if (area > best[region])
                best[region] = area;
        }
    }
    size_t n = 0;
    for (size_t r = 0; r < ml->region_count; r++) {
        double v = ml->values[r];
        if (!(v > 0) || !(best[r] > 0))
            continue;
        sym[n].x = p->ox + p->s * (sym[r].x - p->xmin);
        sym[n].y = p->oy + p->s * (p->ymax - sym[r].y);
        sym[n++].value = v;
    }
    qsort(sym, n, sizeof *sym, larger_first);
    for (size_t i = 0; i < n; i++) {
        double radius = rmax * sqrt(sym[i].value / m->symbol_max_value);
        radius = radius < 0.8 * u ? 0.8 * u : radius;
        cairo_new_path(cr);
        cairo_arc(cr, sym[i].x, sym[i].y, radius, 0, 2 * M_PI);
        set_rgb(cr, m->symbol_color);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
    }
    free(sym);
    free(best);
    return DT_OK;
}

static void set_text_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* Layout, measured on a scratch surface (the page height may depend on it). */
static void measure(const dti_map_model *m, dti_layout *lay)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    set_text_options(cr);
    dti_layout_compute(cr, m, lay);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
}

static dt_status draw_page(cairo_t *cr, const dti_map_model *m, const dti_layout *lay, double pixel,
                           dti_map_probe *probe, dt_error *err)
{
    set_text_options(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    pen p = {lay->ox, lay->oy, lay->s, lay->xmin, lay->ymax, 0.3 * pixel};
    draw_fills(cr, m, &p);
    draw_outlines(cr, m, &p, lay->unit);
    draw_outer_boundary(cr, m->layer, &p, lay->unit);
    dt_status status = DT_OK;
    if (m->view == DTI_VIEW_SYMBOLS)
        status = draw_symbols(cr, m, &p, lay->symbol_max_radius, lay->unit, err);
    dti_layout_draw(cr, m, lay, probe);
    if (status == DT_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        status = dti_error_set(err, DT_ERR_INTERNAL, NULL, 0, "drawing failed: %s",
                               cairo_status_to_string(cairo_status(cr)));
    return status;
}

dt_status dti_render_png(const dti_map_model *m, void *fp, const char *display,
                         dti_map_probe *probe, dt_error *err)
{
    dti_layout lay;
    measure(m, &lay);
    int w = (int)lround(lay.page_w * m->scale), h = (int)lround(lay.page_h * m->scale);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return dti_error_set(err, DT_ERR_NOMEM, display, 0, "cannot make a %d x %d image: %s", w, h,
                             cairo_status_to_string(cairo_surface_status(surface)));
    }
    cairo_t *cr = cairo_create(surface);
    cairo_scale(cr, m->scale, m->scale);
    if (probe) {
        memset(probe, 0, sizeof *probe);
        probe->origin_x = lay.ox * m->scale;
        probe->origin_y = lay.oy * m->scale;
        probe->pixels_per_unit = lay.s * m->scale;
        probe->xmin = lay.xmin;
        probe->ymax = lay.ymax;
        probe->width = w;
        probe->height = h;
    }
    dt_status status = draw_page(cr, m, &lay, 1.0 / m->scale, probe, err);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    if (status == DT_OK) {
        dti_png_text texts[] = {{"Title", m->title},
                                {"Description", m->subtitle},
                                {"Source", m->source},
                                {"Software", "dialtone " DT_VERSION},
                                {"dialtone:provenance", m->provenance}};
        status = dti_png_write(fp, display, cairo_image_surface_get_data(surface), w, h,
                               cairo_image_surface_get_stride(surface), texts,
                               m->provenance ? 5 : 4, m->scale, err);
    }
    cairo_surface_destroy(surface);
    return status;
}

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

dt_status dti_render_svg(const dti_map_model *m, void *fp, const char *display, dt_error *err)
{
    dti_layout lay;
    measure(m, &lay);
    cairo_surface_t *surface =
        cairo_svg_surface_create_for_stream(write_stream, fp, lay.page_w, lay.page_h);
    cairo_t *cr = cairo_create(surface);
    dt_status status = draw_page(cr, m, &lay, 1.0, NULL, err);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (status == DT_OK && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
        status = dti_error_set(err, DT_ERR_IO, display, 0, "cannot write SVG: %s",
                               cairo_status_to_string(cairo_surface_status(surface)));
    cairo_surface_destroy(surface);
    return status;
}
