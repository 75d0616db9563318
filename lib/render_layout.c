/* SPDX-License-Identifier: MIT */
/* Map furniture: title, subtitle, legend, scale bar, source line, and where each goes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "internal.h"

#define SVG(cv) ((FILE *)(cv)->svg)

enum { MAX_LINES = 6 };

typedef struct text_style {
    double size;
    int bold;
    double gray; /* 0 black .. 1 white */
} text_style;

static void use_style(cairo_t *cr, text_style st)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           st.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, st.size);
    cairo_set_source_rgb(cr, st.gray, st.gray, st.gray);
}

static double text_width(cairo_t *cr, const char *text) { return dti_text_advance(cr, text); }

static void svg_color(FILE *fp, const char *attr, double gray)
{
    int v = (int)lround(gray * 255);
    fprintf(fp, " %s=\"#%02x%02x%02x\"", attr, v, v, v);
}

/* Text with its baseline at (x, y) in style st (cr's font must be st's); anchored at its end
 * when end is set. SVG gets live <text> in the page's font, so it stays editable; text that
 * font lacks characters for names the fallback families the PNG would use. */
static void canvas_text(dti_canvas *cv, text_style st, double x, double y, const char *text,
                        int end)
{
    if (!text || !text[0])
        return;
    if (cv->svg) {
        fprintf(SVG(cv), "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\"%s%s", x, y, st.size,
                st.bold ? " font-weight=\"bold\"" : "", end ? " text-anchor=\"end\"" : "");
        svg_color(SVG(cv), "fill", st.gray);
        char families[256];
        if (dti_text_fallback_families(cv->cr, text, families, sizeof families)) {
            fputs(" font-family=\"DejaVu Sans, ", SVG(cv));
            dti_svg_text(cv->svg, families);
            fputs(", sans-serif\"", SVG(cv));
        }
        fputc('>', SVG(cv));
        dti_svg_text(cv->svg, text);
        fputs("</text>\n", SVG(cv));
        return;
    }
    cairo_move_to(cv->cr, end ? x - text_width(cv->cr, text) : x, y);
    dti_text_show(cv->cr, text);
}

static void rgb_attr(FILE *fp, const char *attr, dti_rgb c)
{
    fprintf(fp, " %s=\"#%02x%02x%02x\"", attr, c.r, c.g, c.b);
}

void dti_canvas_rect(dti_canvas *cv, double x, double y, double w, double h, const dti_rgb *fill,
                     double stroke_gray, double stroke_alpha, double stroke_width)
{
    if (cv->svg) {
        fprintf(SVG(cv), "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", x, y, w, h);
        if (fill)
            rgb_attr(SVG(cv), "fill", *fill);
        else
            fputs(" fill=\"none\"", SVG(cv));
        if (stroke_width > 0) {
            svg_color(SVG(cv), "stroke", stroke_gray);
            fprintf(SVG(cv), " stroke-width=\"%.2f\"", stroke_width);
            if (stroke_alpha < 1)
                fprintf(SVG(cv), " stroke-opacity=\"%.2f\"", stroke_alpha);
        }
        fputs("/>\n", SVG(cv));
        return;
    }
    cairo_t *cr = cv->cr;
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, h);
    if (fill) {
        cairo_set_source_rgb(cr, fill->r / 255.0, fill->g / 255.0, fill->b / 255.0);
        cairo_fill_preserve(cr);
    }
    if (stroke_width > 0) {
        cairo_set_source_rgba(cr, stroke_gray, stroke_gray, stroke_gray, stroke_alpha);
        cairo_set_line_width(cr, stroke_width);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

void dti_canvas_circle(dti_canvas *cv, double x, double y, double r, dti_rgb fill, double rim)
{
    if (cv->svg) {
        fprintf(SVG(cv), "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", x, y, r);
        rgb_attr(SVG(cv), "fill", fill);
        fprintf(SVG(cv), " stroke=\"#ffffff\" stroke-width=\"%.2f\"/>\n", rim);
        return;
    }
    cairo_t *cr = cv->cr;
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, fill.r / 255.0, fill.g / 255.0, fill.b / 255.0);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, rim);
    cairo_stroke(cr);
}

/* A line through n points, in gray. */
static void canvas_line(dti_canvas *cv, const double *xy, int n, double gray, double width)
{
    if (cv->svg) {
        fputs("<polyline points=\"", SVG(cv));
        for (int i = 0; i < n; i++)
            fprintf(SVG(cv), "%s%.2f,%.2f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
        fputs("\" fill=\"none\"", SVG(cv));
        svg_color(SVG(cv), "stroke", gray);
        fprintf(SVG(cv), " stroke-width=\"%.2f\"/>\n", width);
        return;
    }
    cairo_new_path(cv->cr);
    for (int i = 0; i < n; i++)
        (i ? cairo_line_to : cairo_move_to)(cv->cr, xy[2 * i], xy[2 * i + 1]);
    cairo_set_source_rgb(cv->cr, gray, gray, gray);
    cairo_set_line_width(cv->cr, width);
    cairo_stroke(cv->cr);
}

void dti_canvas_group(dti_canvas *cv, const char *id)
{
    if (cv->svg)
        fprintf(SVG(cv), "<g id=\"%s\">\n", id);
}

void dti_canvas_group_end(dti_canvas *cv)
{
    if (cv->svg)
        fputs("</g>\n", SVG(cv));
}

/* Greedy word wrap of text into at most MAX_LINES lines of width at most `width`; text in
 * scripts without spaces breaks between characters. */
static int wrap(cairo_t *cr, const char *text, double width, char lines[MAX_LINES][256])
{
    int count = 0;
    const char *p = text;
    while (*p && count < MAX_LINES) {
        while (*p == ' ')
            p++;
        char line[256] = "";
        size_t used = 0;
        const char *q = p;
        int gap = 0; /* spaces before the word: CJK pieces join without one */
        for (;;) {
            size_t word = dti_text_word(q);
            char trial[256];
            snprintf(trial, sizeof trial, "%.*s%s%.*s", (int)used, line, used && gap ? " " : "",
                     (int)word, q);
            if (used && text_width(cr, trial) > width)
                break;
            snprintf(line, sizeof line, "%s", trial);
            used = strlen(line);
            q += word;
            if (*q == '\n') {
                q++;
                break;
            }
            gap = *q == ' ';
            while (*q == ' ')
                q++;
            if (!*q)
                break;
        }
        if (q == p) /* a word wider than the line: take it whole */
            q += strcspn(q, " \n");
        snprintf(lines[count++], 256, "%s", line[0] ? line : "");
        p = q;
    }
    return count;
}

/* Wrapped text with its first baseline at y + ascent, drawn when cv is set (else only
 * measured with cr); returns the height used. */
static double draw_block(cairo_t *cr, dti_canvas *cv, const char *text, text_style st, double x,
                         double y, double width)
{
    if (!text || !text[0])
        return 0;
    char lines[MAX_LINES][256];
    use_style(cr, st);
    int n = wrap(cr, text, width, lines);
    double leading = st.size * 1.28;
    for (int i = 0; cv && i < n; i++)
        canvas_text(cv, st, x, y + st.size * 0.95 + i * leading, lines[i], 0);
    return n * leading;
}

static text_style title_style(double u) { return (text_style){30 * u, 1, 0.08}; }
static text_style subtitle_style(double u) { return (text_style){18 * u, 0, 0.30}; }
static text_style source_style(double u) { return (text_style){13 * u, 0, 0.40}; }
static text_style legend_title_style(double u) { return (text_style){15 * u, 1, 0.12}; }
static text_style label_style(double u) { return (text_style){14 * u, 0, 0.15}; }
static text_style count_style(double u) { return (text_style){13 * u, 0, 0.45}; }

/* ---- legend ---- */

typedef struct legend_geometry {
    double box_w, box_h, row_h, label_x, width, height, title_h, head_h, body_y;
} legend_geometry;

static double max_label_width(cairo_t *cr, const dti_map_model *m)
{
    double w = 0;
    int n = m->view == DTI_VIEW_CHOROPLETH ? m->class_count : 3;
    for (int c = 0; c < n; c++) {
        double t = text_width(cr, m->view == DTI_VIEW_CHOROPLETH ? m->class_labels[c]
                                                                 : m->symbol_labels[c]);
        w = t > w ? t : w;
    }
    if (m->no_data_count) {
        double t = text_width(cr, m->no_data_label ? m->no_data_label : "No data");
        w = t > w ? t : w;
    }
    return w;
}

/* Nested circles, with room for three labels a line apart. */
static double symbol_legend_height(double rmax, double u) { return fmax(2 * rmax, 36 * u) + 8 * u; }

static void legend_measure(cairo_t *cr, const dti_map_model *m, double u, double rmax,
                           legend_geometry *g)
{
    memset(g, 0, sizeof *g);
    g->box_w = 34 * u;
    g->box_h = 22 * u;
    g->row_h = 30 * u;
    use_style(cr, label_style(u));
    double label_w = max_label_width(cr, m);
    double lead = m->view == DTI_VIEW_SYMBOLS && 2 * rmax > g->box_w ? 2 * rmax : g->box_w;
    g->label_x = lead + 12 * u;
    g->width = g->label_x + label_w;
    if (m->view == DTI_VIEW_CHOROPLETH) {
        char count[32];
        use_style(cr, count_style(u));
        dti_format_number(count, sizeof count, (double)m->layer->geo.region_count, 0);
        double cw = text_width(cr, count), hw = text_width(cr, m->region_noun);
        g->width += 28 * u + (cw > hw ? cw : hw);
    }
    g->width = g->width < 200 * u ? 200 * u : g->width;
    g->title_h = draw_block(cr, NULL, m->legend_title, legend_title_style(u), 0, 0, g->width);
    g->head_h = m->view == DTI_VIEW_CHOROPLETH ? 24 * u : 12 * u;
    g->body_y = g->title_h + g->head_h;
    double body =
        m->view == DTI_VIEW_CHOROPLETH ? m->class_count * g->row_h : symbol_legend_height(rmax, u);
    if (m->no_data_count)
        body += g->row_h + 10 * u;
    g->height = g->body_y + body;
}

/* One legend row: a colour box, its label, and (choropleth) the region count. */
static void legend_row(dti_canvas *cv, const legend_geometry *g, double u, double x, double y,
                       dti_rgb color, const char *label, size_t count, int show_count, double scale,
                       double *probe_x, double *probe_y)
{
    dti_canvas_rect(cv, x, y, g->box_w, g->box_h, &color, 0, 0.25, 0.8 * u);
    if (probe_x) {
        *probe_x = (x + g->box_w / 2) * scale;
        *probe_y = (y + g->box_h / 2) * scale;
    }
    double baseline = y + g->box_h / 2 + 5 * u;
    use_style(cv->cr, label_style(u));
    canvas_text(cv, label_style(u), x + g->label_x, baseline, label, 0);
    if (show_count) {
        char text[32];
        dti_format_number(text, sizeof text, (double)count, 0);
        use_style(cv->cr, count_style(u));
        canvas_text(cv, count_style(u), x + g->width, baseline, text, 1);
    }
}

static void draw_symbol_legend(dti_canvas *cv, const dti_map_model *m, const legend_geometry *g,
                               double u, double rmax, double x, double y)
{
    double cx = x + rmax, bottom = y + g->body_y + 2 * rmax, last_label = -INFINITY;
    for (int i = 0; i < 3; i++) {
        double v = m->symbol_legend[i];
        if (!(v > 0) || !(m->symbol_max_value > 0))
            continue;
        double r = rmax * sqrt(v / m->symbol_max_value);
        dti_canvas_circle(cv, cx, bottom - r, r, m->symbol_color, 0.8 * u); /* as on the map */
        /* a leader from the circle's top to its label, labels kept a line apart */
        double ty = bottom - 2 * r, label_y = fmax(ty, last_label + 15 * u);
        last_label = label_y;
        double leader[6] = {cx, ty, x + 2 * rmax + 2 * u, ty, x + g->label_x - 4 * u, label_y};
        canvas_line(cv, leader, 3, 0.35, 0.6 * u);
        use_style(cv->cr, label_style(u));
        canvas_text(cv, label_style(u), x + g->label_x, label_y + 5 * u, m->symbol_labels[i], 0);
    }
}

static void draw_legend(dti_canvas *cv, const dti_map_model *m, const dti_layout *lay,
                        dti_map_probe *probe)
{
    double u = lay->unit, x = lay->legend_x, y = lay->legend_y;
    double scale = m->scale;
    legend_geometry g;
    legend_measure(cv->cr, m, u, lay->symbol_max_radius, &g);
    dti_canvas_group(cv, "legend");
    draw_block(cv->cr, cv, m->legend_title, legend_title_style(u), x, y, g.width);
    double row_y = y + g.body_y;
    if (m->view == DTI_VIEW_CHOROPLETH) {
        use_style(cv->cr, count_style(u));
        canvas_text(cv, count_style(u), x + g.width, row_y - 8 * u, m->region_noun, 1);
        for (int c = 0; c < m->class_count; c++, row_y += g.row_h)
            legend_row(cv, &g, u, x, row_y, m->class_colors[c], m->class_labels[c],
                       m->class_counts[c], 1, scale, probe ? &probe->box_x[c] : NULL,
                       probe ? &probe->box_y[c] : NULL);
    } else {
        draw_symbol_legend(cv, m, &g, u, lay->symbol_max_radius, x, y);
        row_y += symbol_legend_height(lay->symbol_max_radius, u);
    }
    if (m->no_data_count)
        legend_row(cv, &g, u, x, row_y + 10 * u, m->no_data_color,
                   m->no_data_label ? m->no_data_label : "No data", m->no_data_count,
                   m->view == DTI_VIEW_CHOROPLETH, scale,
                   probe ? &probe->box_x[DTI_MAX_CLASSES] : NULL,
                   probe ? &probe->box_y[DTI_MAX_CLASSES] : NULL);
    dti_canvas_group_end(cv);
}

/* ---- scale bar ---- */

static void draw_scale_bar(dti_canvas *cv, const dti_map_model *m, const dti_layout *lay)
{
    double mpu = m->projection->meters_per_unit;
    if (m->scale_bar == DTI_SCALE_BAR_NONE || !(mpu > 0))
        return;
    double u = lay->unit;
    double unit_m = m->scale_bar == DTI_SCALE_BAR_MI ? 1609.344 : 1000.0;
    double map_w = lay->s * (m->projection->xmax - m->projection->xmin);
    double want = 0.22 * map_w / lay->s * mpu / unit_m; /* ground length in km or mi */
    double length = dti_nice_number(want, 1);
    if (length > want * 1.4)
        length /= 2;
    double bar = length * unit_m / mpu * lay->s;
    double x = lay->ox, y = lay->oy + lay->s * (m->projection->ymax - m->projection->ymin) + 14 * u;
    double h = 5 * u;
    dti_rgb dark = {0x33, 0x33, 0x33};
    dti_canvas_group(cv, "scale-bar");
    dti_canvas_rect(cv, x, y, bar / 2, h, &dark, 0, 0, 0);
    dti_canvas_rect(cv, x, y, bar, h, NULL, 0.2, 1, 0.8 * u);
    char text[96], num[32];
    text_style st = {12 * u, 0, 0.3};
    use_style(cv->cr, st);
    canvas_text(cv, st, x - 3 * u, y + h + 14 * u, "0", 0);
    /* in a composed layout the insets have scales of their own: the bar is the lower 48's */
    snprintf(text, sizeof text, "%s %s%s",
             dti_format_number(num, sizeof num, length, length < 1 ? 1 : 0),
             m->scale_bar == DTI_SCALE_BAR_MI ? "mi" : "km",
             m->projection->zoned ? " (the lower 48; insets at their own scales)" : "");
    canvas_text(cv, st, x + bar - text_width(cv->cr, num) / 2, y + h + 14 * u, text, 0);
    dti_canvas_group_end(cv);
}

/* ---- page layout ---- */

static text_style source_style_for(double u) { return source_style(u); }

void dti_layout_compute(cairo_t *cr, const dti_map_model *m, dti_layout *lay)
{
    memset(lay, 0, sizeof *lay);
    double W = m->width, H = m->height;
    /* text shrinks more slowly than the page: small maps stay readable */
    double u = sqrt(W / 1600.0);
    u = u < 0.8 ? 0.8 : u > 1.6 ? 1.6 : u;
    lay->unit = u;
    double margin = 28 * u, inner = W - 2 * margin;
    double header = margin + draw_block(cr, NULL, m->title, title_style(u), 0, 0, inner);
    if (m->subtitle && m->subtitle[0])
        header += 4 * u + draw_block(cr, NULL, m->subtitle, subtitle_style(u), 0, 0, inner);
    header += 22 * u;
    double footer = draw_block(cr, NULL, m->source, source_style_for(u), 0, 0, inner);
    double bar_h =
        m->scale_bar != DTI_SCALE_BAR_NONE && m->projection->meters_per_unit > 0 ? 36 * u : 0;
    lay->symbol_max_radius =
        m->view == DTI_VIEW_SYMBOLS ? 0.036 * (H > 0 && H < W ? H : W * 0.62) : 0;
    legend_geometry g;
    legend_measure(cr, m, u, lay->symbol_max_radius, &g);
    double dx = m->projection->xmax - m->projection->xmin;
    double dy = m->projection->ymax - m->projection->ymin;
    dx = dx > 0 ? dx : 1;
    dy = dy > 0 ? dy : 1;
    double gap = 36 * u;
    double right_w = inner - g.width - gap;
    if (H <= 0) { /* fit the page to a map as wide as the legend leaves room for */
        double group_h = right_w / dx * dy + bar_h;
        group_h = group_h > g.height ? group_h : g.height;
        H = header + group_h + 16 * u + footer + margin;
        H = H > 1.25 * W ? 1.25 * W : H < 0.4 * W ? 0.4 * W : H;
        H = ceil(H);
    }
    lay->page_w = W;
    lay->page_h = H;
    lay->footer_y = H - margin - footer;
    lay->header_h = header;
    double band_h = lay->footer_y - 16 * u - header;
    double s_right = fmin(right_w / dx, (band_h - bar_h) / dy);
    double s_below = fmin(inner / dx, (band_h - bar_h - g.height - 20 * u) / dy);
    lay->legend_right = s_right >= 0.97 * s_below || s_below <= 0;
    double s = lay->legend_right ? s_right : s_below;
    s = s > 0 ? s : 1e-9;
    double mw = s * dx, mh = s * dy;
    if (lay->legend_right) {
        double group_w = mw + gap + g.width, group_h = fmax(mh + bar_h, g.height);
        double gx = margin + (inner - group_w) / 2, gy = header + (band_h - group_h) / 2;
        lay->map_x = gx;
        lay->map_y = gy;
        lay->legend_x = gx + mw + gap;
        lay->legend_y = gy;
    } else {
        double group_h = mh + bar_h + 20 * u + g.height;
        lay->map_x = margin + (inner - mw) / 2;
        lay->map_y = header + (band_h - group_h) / 2;
        lay->legend_x = lay->map_x;
        lay->legend_y = lay->map_y + mh + bar_h + 20 * u;
    }
    lay->map_w = mw;
    lay->map_h = mh;
    lay->legend_w = g.width;
    lay->legend_h = g.height;
    lay->s = s;
    lay->ox = lay->map_x;
    lay->oy = lay->map_y;
    lay->xmin = m->projection->xmin;
    lay->ymax = m->projection->ymax;
}

void dti_layout_draw(dti_canvas *cv, const dti_map_model *m, const dti_layout *lay,
                     dti_map_probe *probe)
{
    double u = lay->unit, margin = 28 * u, inner = lay->page_w - 2 * margin;
    double y = margin;
    cairo_t *cr = cv->cr;
    dti_canvas_group(cv, "title");
    y += draw_block(cr, cv, m->title, title_style(u), margin, y, inner);
    dti_canvas_group_end(cv);
    if (m->subtitle && m->subtitle[0]) {
        dti_canvas_group(cv, "subtitle");
        draw_block(cr, cv, m->subtitle, subtitle_style(u), margin, y + 4 * u, inner);
        dti_canvas_group_end(cv);
    }
    if (m->source && m->source[0]) {
        dti_canvas_group(cv, "source");
        draw_block(cr, cv, m->source, source_style_for(u), margin, lay->footer_y, inner);
        dti_canvas_group_end(cv);
    }
    draw_legend(cv, m, lay, probe);
    draw_scale_bar(cv, m, lay);
}
