/* SPDX-License-Identifier: MIT */
/* Drawing a map: class fills, outlines, outer boundary, inset frames, symbols; the PNG. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "internal.h"

#define SVG(cv) ((FILE *)(cv)->svg)

static void path_point(dti_canvas *cv, double x, double y, int first)
{
    if (cv->svg)
        fprintf(SVG(cv), "%c%.1f %.1f", first ? 'M' : 'L', x, y);
    else
        (first ? cairo_move_to : cairo_line_to)(cv->cr, x, y);
}

static void path_close(dti_canvas *cv)
{
    if (cv->svg)
        fputc('Z', SVG(cv));
    else
        cairo_close_path(cv->cr);
}

/* Ring r in page coordinates, dropping vertices closer than the tolerance (a fraction of a
 * pixel) to the last one kept: a million blocks stay fast. */
int dti_pen_ring(dti_canvas *cv, const dti_map_layer *ml, const dti_pen *p, size_t r, int which)
{
    size_t a = ml->geo.ring_point[r], b = ml->geo.ring_point[r + 1];
    const double *x = ml->geo.x, *y = ml->geo.y;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = a; i < b; i++) {
        x0 = fmin(x0, x[i]), x1 = fmax(x1, x[i]);
        y0 = fmin(y0, y[i]), y1 = fmax(y1, y[i]);
    }
    if (p->s * (x1 - x0) < p->pixel && p->s * (y1 - y0) < p->pixel) {
        /* under a pixel: antialiased at its size it would vanish; the pixel under its
         * centre shows its colour instead (holes in it would show nothing) */
        if (!(which & DTI_RINGS_SQUARES) || !ml->geo.ring_outer[r])
            return 0;
        double cx = p->ox + p->s * ((x0 + x1) / 2 - p->xmin);
        double cy = p->oy + p->s * (p->ymax - (y0 + y1) / 2);
        double px = floor(cx / p->pixel) * p->pixel, py = floor(cy / p->pixel) * p->pixel;
        path_point(cv, px, py, 1);
        path_point(cv, px + p->pixel, py, 0);
        path_point(cv, px + p->pixel, py + p->pixel, 0);
        path_point(cv, px, py + p->pixel, 0);
        path_close(cv);
        return 1;
    }
    if (!(which & DTI_RINGS_SHAPES))
        return 0;
    double lx = p->ox + p->s * (x[a] - p->xmin), ly = p->oy + p->s * (p->ymax - y[a]);
    path_point(cv, lx, ly, 1);
    int kept = 1;
    for (size_t i = a + 1; i + 1 < b; i++) {
        double px = p->ox + p->s * (x[i] - p->xmin), py = p->oy + p->s * (p->ymax - y[i]);
        if (fabs(px - lx) + fabs(py - ly) < p->tolerance)
            continue;
        path_point(cv, px, py, 0);
        lx = px, ly = py;
        kept++;
    }
    if (kept < 3) /* smaller than the tolerance: keep its shape anyway */
        for (size_t i = a + 1; i + 1 < b; i++)
            path_point(cv, p->ox + p->s * (x[i] - p->xmin), p->oy + p->s * (p->ymax - y[i]), 0);
    path_close(cv);
    return 1;
}

static int add_feature(dti_canvas *cv, const dti_map_layer *ml, const dti_pen *p, size_t f,
                       int which)
{
    int any = 0;
    for (size_t r = ml->geo.feature_ring[f]; r < ml->geo.feature_ring[f + 1]; r++)
        any |= dti_pen_ring(cv, ml, p, r, which);
    return any;
}

static void set_rgb(cairo_t *cr, dti_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

/* One path per class: no seams between neighbours of the same class, and few fills. Shapes
 * fill even-odd (holes); the squares of regions under a pixel, all drawn the same way round,
 * fill by winding, so that two in one pixel do not cancel. */
static void draw_fills(cairo_t *cr, const dti_map_model *m, const dti_pen *p)
{
    const dti_map_layer *ml = m->layer;
    dti_canvas cv = {cr, NULL};
    for (int c = 0; c <= m->class_count; c++) {
        int cls = c < m->class_count ? c : DTI_NO_DATA_CLASS;
        for (int pass = 0; pass < 2; pass++) {
            int any = 0;
            cairo_new_path(cr);
            for (size_t f = 0; f < ml->geo.feature_count; f++) {
                int fc = m->view == DTI_VIEW_CHOROPLETH ? m->region_class[ml->geo.feature_region[f]]
                         : isnan(ml->values[ml->geo.feature_region[f]]) ? DTI_NO_DATA_CLASS
                                                                    : 0;
                if (fc == cls)
                    any |= add_feature(&cv, ml, p, f, pass ? DTI_RINGS_SQUARES : DTI_RINGS_SHAPES);
            }
            if (!any)
                continue;
            cairo_set_fill_rule(cr, pass ? CAIRO_FILL_RULE_WINDING : CAIRO_FILL_RULE_EVEN_ODD);
            set_rgb(cr, cls == DTI_NO_DATA_CLASS ? m->no_data_color : m->class_colors[c]);
            cairo_fill(cr);
        }
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
}

/* Thin lines between regions, drawn only when regions are big enough to read them. */
int dti_render_outlines(const dti_map_model *m, double s)
{
    const dti_map_layer *ml = m->layer;
    double page_area = s * s * (m->projection->xmax - m->projection->xmin) *
                       (m->projection->ymax - m->projection->ymin);
    /* not when a region is under ~6 x 6 points on average */
    return ml->geo.feature_count >= 2 && page_area / (double)ml->geo.feature_count >= 40.0;
}

static void draw_outlines(cairo_t *cr, const dti_map_model *m, const dti_pen *p, double u)
{
    const dti_map_layer *ml = m->layer;
    if (!dti_render_outlines(m, p->s))
        return;
    dti_canvas cv = {cr, NULL};
    cairo_new_path(cr);
    for (size_t f = 0; f < ml->geo.feature_count; f++)
        add_feature(&cv, ml, p, f, DTI_RINGS_SHAPES);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.7 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
}

/* The outline of the whole area: chains of edges no two polygons share. */
void dti_render_outer_boundary(dti_canvas *cv, const dti_map_layer *ml, const dti_pen *p, double u)
{
    if (!ml->outer_edges_usable || !ml->outer_edge_count)
        return;
    cairo_t *cr = cv->cr;
    if (cv->svg)
        fputs("<path id=\"outline\" fill=\"none\" stroke=\"#404040\" stroke-linejoin=\"round\" "
              "stroke-linecap=\"round\" d=\"",
              SVG(cv));
    else
        cairo_new_path(cr);
    size_t last = (size_t)-1;
    for (size_t k = 0; k < ml->outer_edge_count; k++) {
        size_t i = ml->outer_edges[k];
        double ax = p->ox + p->s * (ml->geo.x[i] - p->xmin), ay = p->oy + p->s * (p->ymax - ml->geo.y[i]);
        double bx = p->ox + p->s * (ml->geo.x[i + 1] - p->xmin);
        double by = p->oy + p->s * (p->ymax - ml->geo.y[i + 1]);
        if (last == (size_t)-1 || i != last + 1)
            path_point(cv, ax, ay, 1);
        path_point(cv, bx, by, 0);
        last = i;
    }
    if (cv->svg) {
        fprintf(SVG(cv), "\" stroke-width=\"%.2f\"/>\n", 1.3 * u);
        return;
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
    size_t s0 = ml->geo.ring_point[r], s1 = ml->geo.ring_point[r + 1];
    double x0 = ml->geo.x[s0], y0 = ml->geo.y[s0];
    for (size_t i = s0; i + 1 < s1; i++) {
        double xa = ml->geo.x[i] - x0, ya = ml->geo.y[i] - y0;
        double xb = ml->geo.x[i + 1] - x0, yb = ml->geo.y[i + 1] - y0;
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
        for (size_t i = ml->geo.ring_point[r]; i + 1 < ml->geo.ring_point[r + 1] && n < cap; i++) {
            double ya = ml->geo.y[i], yb = ml->geo.y[i + 1];
            if ((ya > y) != (yb > y))
                xs[n++] = ml->geo.x[i] + (y - ya) / (yb - ya) * (ml->geo.x[i + 1] - ml->geo.x[i]);
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
    uint32_t region;
} symbol;

static int larger_first(const void *a, const void *b)
{
    double x = ((const symbol *)a)->value, y = ((const symbol *)b)->value;
    return x < y ? 1 : x > y ? -1 : 0;
}

dt_status dti_render_symbols(dti_canvas *cv, const dti_map_model *m, const dti_pen *p, double rmax,
                             double u, dt_error *err)
{
    const dti_map_layer *ml = m->layer;
    symbol *sym = calloc(ml->geo.region_count ? ml->geo.region_count : 1, sizeof *sym);
    double *best = calloc(ml->geo.region_count ? ml->geo.region_count : 1, sizeof *best);
    if (!sym || !best) {
        free(sym);
        free(best);
        return dti_nomem(err);
    }
    for (size_t f = 0; f < ml->geo.feature_count; f++) {
        uint32_t region = ml->geo.feature_region[f];
        for (size_t r = ml->geo.feature_ring[f]; r < ml->geo.feature_ring[f + 1]; r++) {
            if (!ml->geo.ring_outer[r])
                continue;
            size_t end = r + 1; /* the holes of this exterior ring follow it */
            while (end < ml->geo.feature_ring[f + 1] && !ml->geo.ring_outer[end])
                end++;
            double area = 0;
            anchor_point(ml, r, end, &area, &sym[region].x, &sym[region].y, best[region]);
            if (area > best[region])
                best[region] = area;
        }
    }
    size_t n = 0;
    for (size_t r = 0; r < ml->geo.region_count; r++) {
        double v = ml->values[r];
        if (!(v > 0) || !(best[r] > 0))
            continue;
        sym[n].x = p->ox + p->s * (sym[r].x - p->xmin);
        sym[n].y = p->oy + p->s * (p->ymax - sym[r].y);
        sym[n].region = (uint32_t)r;
        sym[n++].value = v;
    }
    qsort(sym, n, sizeof *sym, larger_first);
    dti_canvas_group(cv, "symbols");
    for (size_t i = 0; i < n; i++) {
        double radius = rmax * sqrt(sym[i].value / m->symbol_max_value);
        radius = radius < 0.8 * u ? 0.8 * u : radius;
        if (cv->svg) {
            fputs("<g class=\"symbol\"", SVG(cv));
            dti_svg_region_attributes(cv->svg, m, sym[i].region, "s-");
            fputs(">", SVG(cv));
            dti_svg_region_title(cv->svg, m, sym[i].region);
        }
        dti_canvas_circle(cv, sym[i].x, sym[i].y, radius, m->symbol_color, 0.8 * u);
        if (cv->svg)
            fputs("</g>\n", SVG(cv));
    }
    dti_canvas_group_end(cv);
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

void dti_render_measure(const dti_map_model *m, dti_layout *lay, struct _cairo **scratch)
{
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(surface);
    cairo_surface_destroy(surface); /* cr holds it */
    set_text_options(cr);
    dti_layout_compute(cr, m, lay);
    if (scratch)
        *scratch = cr;
    else
        cairo_destroy(cr);
}

dti_pen dti_render_pen(const dti_layout *lay, double pixel)
{
    return (dti_pen){lay->ox, lay->oy, lay->s, lay->xmin, lay->ymax, 0.3 * pixel, pixel};
}

void dti_render_frames(dti_canvas *cv, const dti_map_model *m, const dti_pen *p, double u)
{
    const dti_map_projection *proj = m->projection;
    dti_canvas_group(cv, "insets");
    for (int z = 0; z < DTI_ZONE_COUNT; z++) {
        if (!proj->has_frame[z])
            continue;
        const double *b = proj->frame[z];
        double x = p->ox + p->s * (b[0] - p->xmin), y = p->oy + p->s * (p->ymax - b[3]);
        dti_canvas_rect(cv, x, y, p->s * (b[2] - b[0]), p->s * (b[3] - b[1]), NULL, 0.55, 1,
                        0.7 * u);
    }
    dti_canvas_group_end(cv);
}

size_t dti_render_subpixel_regions(const dti_map_model *m)
{
    dti_layout lay;
    dti_render_measure(m, &lay, NULL);
    dti_pen p = dti_render_pen(&lay, 1.0 / m->scale);
    const dti_map_layer *ml = m->layer;
    uint8_t *large = calloc(ml->geo.region_count ? ml->geo.region_count : 1, 1);
    if (!large)
        return 0;
    for (size_t f = 0; f < ml->geo.feature_count; f++)
        for (size_t r = ml->geo.feature_ring[f]; r < ml->geo.feature_ring[f + 1]; r++) {
            size_t a = ml->geo.ring_point[r], b = ml->geo.ring_point[r + 1];
            double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
            for (size_t i = a; i < b; i++) {
                x0 = fmin(x0, ml->geo.x[i]), x1 = fmax(x1, ml->geo.x[i]);
                y0 = fmin(y0, ml->geo.y[i]), y1 = fmax(y1, ml->geo.y[i]);
            }
            if (p.s * (x1 - x0) >= p.pixel || p.s * (y1 - y0) >= p.pixel)
                large[ml->geo.feature_region[f]] = 1;
        }
    size_t small = 0;
    for (size_t r = 0; r < ml->geo.region_count; r++)
        small += !large[r] && !(ml->region_hidden && ml->region_hidden[r]);
    free(large);
    return small;
}

static dt_status draw_page(cairo_t *cr, const dti_map_model *m, const dti_layout *lay, double pixel,
                           dti_map_probe *probe, dt_error *err)
{
    set_text_options(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    dti_canvas cv = {cr, NULL};
    dti_pen p = dti_render_pen(lay, pixel);
    draw_fills(cr, m, &p);
    draw_outlines(cr, m, &p, lay->unit);
    dti_render_outer_boundary(&cv, m->layer, &p, lay->unit);
    dti_render_frames(&cv, m, &p, lay->unit);
    dt_status status = DT_OK;
    if (m->view == DTI_VIEW_SYMBOLS)
        status = dti_render_symbols(&cv, m, &p, lay->symbol_max_radius, lay->unit, err);
    dti_layout_draw(&cv, m, lay, probe);
    if (status == DT_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        status = dti_error_set(err, DT_ERR_INTERNAL, NULL, 0, "drawing failed: %s",
                               cairo_status_to_string(cairo_status(cr)));
    return status;
}

dt_status dti_render_png(const dti_map_model *m, FILE *fp, const char *display,
                         dti_map_probe *probe, dt_error *err)
{
    dti_layout lay;
    dti_render_measure(m, &lay, NULL);
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
        probe->map_x = lay.map_x * m->scale;
        probe->map_y = lay.map_y * m->scale;
        probe->map_w = lay.map_w * m->scale;
        probe->map_h = lay.map_h * m->scale;
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
