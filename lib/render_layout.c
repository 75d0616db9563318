/* Map furniture: title, subtitle, legend, scale bar, source line, and where each goes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "internal.h"

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

static double text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t ext;
    cairo_text_extents(cr, text, &ext);
    return ext.x_advance;
}

/* Greedy word wrap of text into at most MAX_LINES lines of width at most `width`. */
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
        for (;;) {
            size_t word = strcspn(q, " \n");
            char trial[256];
            snprintf(trial, sizeof trial, "%.*s%s%.*s", (int)used, line, used ? " " : "",
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

/* Draw wrapped text with its first baseline at y + ascent; returns the height used. */
static double draw_block(cairo_t *cr, const char *text, text_style st, double x, double y,
                         double width, int draw)
{
    if (!text || !text[0])
        return 0;
    char lines[MAX_LINES][256];
    use_style(cr, st);
    int n = wrap(cr, text, width, lines);
    double leading = st.size * 1.28;
    for (int i = 0; draw && i < n; i++) {
        cairo_move_to(cr, x, y + st.size * 0.95 + i * leading);
        cairo_show_text(cr, lines[i]);
    }
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
        dti_format_number(count, sizeof count, (double)m->layer->region_count, 0);
        double cw = text_width(cr, count), hw = text_width(cr, m->region_noun);
        g->width += 28 * u + (cw > hw ? cw : hw);
    }
    g->width = g->width < 200 * u ? 200 * u : g->width;
    g->title_h = draw_block(cr, m->legend_title, legend_title_style(u), 0, 0, g->width, 0);
    g->head_h = m->view == DTI_VIEW_CHOROPLETH ? 24 * u : 12 * u;
    g->body_y = g->title_h + g->head_h;
    double body = m->view == DTI_VIEW_CHOROPLETH ? m->class_count * g->row_h
                                                 : symbol_legend_height(rmax, u);
    if (m->no_data_count)
        body += g->row_h + 10 * u;
    g->height = g->body_y + body;
}

static void set_rgb(cairo_t *cr, dti_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

static void right_text(cairo_t *cr, const char *text, double right, double baseline)
{
    cairo_move_to(cr, right - text_width(cr, text), baseline);
    cairo_show_text(cr, text);
}

/* One legend row: a colour box, its label, and (choropleth) the region count. */
static void legend_row(cairo_t *cr, const dti_map_model *m, const legend_geometry *g, double u,
                       double x, double y, dti_rgb color, const char *label, size_t count,
                       int show_count, double scale, double *probe_x, double *probe_y)
{
    cairo_rectangle(cr, x, y, g->box_w, g->box_h);
    set_rgb(cr, color);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.25);
    cairo_set_line_width(cr, 0.8 * u);
    cairo_stroke(cr);
    if (probe_x) {
        *probe_x = (x + g->box_w / 2) * scale;
        *probe_y = (y + g->box_h / 2) * scale;
    }
    double baseline = y + g->box_h / 2 + 5 * u;
    use_style(cr, label_style(u));
    cairo_move_to(cr, x + g->label_x, baseline);
    cairo_show_text(cr, label);
    if (show_count) {
        char text[32];
        dti_format_number(text, sizeof text, (double)count, 0);
        use_style(cr, count_style(u));
        right_text(cr, text, x + g->width, baseline);
    }
    (void)m;
}

static void draw_symbol_legend(cairo_t *cr, const dti_map_model *m, const legend_geometry *g,
                               double u, double rmax, double x, double y)
{
    double cx = x + rmax, bottom = y + g->body_y + 2 * rmax, last_label = -INFINITY;
    for (int i = 0; i < 3; i++) {
        double v = m->symbol_legend[i];
        if (!(v > 0) || !(m->symbol_max_value > 0))
            continue;
        double r = rmax * sqrt(v / m->symbol_max_value);
        cairo_new_path(cr);
        cairo_arc(cr, cx, bottom - r, r, 0, 2 * M_PI);
        set_rgb(cr, m->symbol_color); /* drawn as on the map: solid, white rim */
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
        /* a leader from the circle's top to its label, labels kept a line apart */
        double ty = bottom - 2 * r, label_y = fmax(ty, last_label + 15 * u);
        last_label = label_y;
        cairo_move_to(cr, cx, ty);
        cairo_line_to(cr, x + 2 * rmax + 2 * u, ty);
        cairo_line_to(cr, x + g->label_x - 4 * u, label_y);
        cairo_set_line_width(cr, 0.6 * u);
        cairo_stroke(cr);
        use_style(cr, label_style(u));
        cairo_move_to(cr, x + g->label_x, label_y + 5 * u);
        cairo_show_text(cr, m->symbol_labels[i]);
    }
}

static void draw_legend(cairo_t *cr, const dti_map_model *m, const dti_layout *lay,
                        dti_map_probe *probe)
{
    double u = lay->unit, x = lay->legend_x, y = lay->legend_y;
    double scale = m->scale;
    legend_geometry g;
    legend_measure(cr, m, u, lay->symbol_max_radius, &g);
    draw_block(cr, m->legend_title, legend_title_style(u), x, y, g.width, 1);
    double row_y = y + g.body_y;
    if (m->view == DTI_VIEW_CHOROPLETH) {
        use_style(cr, count_style(u));
        right_text(cr, m->region_noun, x + g.width, row_y - 8 * u);
        for (int c = 0; c < m->class_count; c++, row_y += g.row_h)
            legend_row(cr, m, &g, u, x, row_y, m->class_colors[c], m->class_labels[c],
                       m->class_counts[c], 1, scale, probe ? &probe->box_x[c] : NULL,
                       probe ? &probe->box_y[c] : NULL);
    } else {
        draw_symbol_legend(cr, m, &g, u, lay->symbol_max_radius, x, y);
        row_y += symbol_legend_height(lay->symbol_max_radius, u);
    }
    if (m->no_data_count)
        legend_row(cr, m, &g, u, x, row_y + 10 * u, m->no_data_color,
                   m->no_data_label ? m->no_data_label : "No data",
                   m->no_data_count, m->view == DTI_VIEW_CHOROPLETH, scale,
                   probe ? &probe->box_x[DTI_MAX_CLASSES] : NULL,
                   probe ? &probe->box_y[DTI_MAX_CLASSES] : NULL);
}

/* ---- scale bar ---- */

static void draw_scale_bar(cairo_t *cr, const dti_map_model *m, const dti_layout *lay)
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
    double x = lay->ox, y = lay->oy + lay->s * (m->projection->ymax - m->projection->ymin) +
                             14 * u;
    double h = 5 * u;
    cairo_set_line_width(cr, 0.8 * u);
    cairo_rectangle(cr, x, y, bar / 2, h);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_fill(cr);
    cairo_rectangle(cr, x, y, bar, h);
    cairo_stroke(cr);
    char text[64], num[32];
    text_style st = {12 * u, 0, 0.3};
    use_style(cr, st);
    cairo_move_to(cr, x - 3 * u, y + h + 14 * u);
    cairo_show_text(cr, "0");
    snprintf(text, sizeof text, "%s %s", dti_format_number(num, sizeof num, length, length < 1 ? 1 : 0),
             m->scale_bar == DTI_SCALE_BAR_MI ? "mi" : "km");
    cairo_move_to(cr, x + bar - text_width(cr, num) / 2, y + h + 14 * u);
    cairo_show_text(cr, text);
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
    double header = margin + draw_block(cr, m->title, title_style(u), 0, 0, inner, 0);
    if (m->subtitle && m->subtitle[0])
        header += 4 * u + draw_block(cr, m->subtitle, subtitle_style(u), 0, 0, inner, 0);
    header += 22 * u;
    double footer = draw_block(cr, m->source, source_style_for(u), 0, 0, inner, 0);
    double bar_h = m->scale_bar != DTI_SCALE_BAR_NONE && m->projection->meters_per_unit > 0
                       ? 36 * u
                       : 0;
    lay->symbol_max_radius = m->view == DTI_VIEW_SYMBOLS ? 0.036 * (H > 0 && H < W ? H : W * 0.62) : 0;
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

void dti_layout_draw(cairo_t *cr, const dti_map_model *m, const dti_layout *lay,
                     dti_map_probe *probe)
{
    double u = lay->unit, margin = 28 * u, inner = lay->page_w - 2 * margin;
    double y = margin;
    y += draw_block(cr, m->title, title_style(u), margin, y, inner, 1);
    if (m->subtitle && m->subtitle[0])
        draw_block(cr, m->subtitle, subtitle_style(u), margin, y + 4 * u, inner, 1);
    draw_block(cr, m->source, source_style_for(u), margin, lay->footer_y, inner, 1);
    draw_legend(cr, m, lay, probe);
    draw_scale_bar(cr, m, lay);
}
