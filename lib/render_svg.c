/* SPDX-License-Identifier: MIT */
/* The map as SVG, written by dialtone itself so a graphics desk can edit it: one <path> per
 * region (id="r-GEOID", a <title> with its name and value), class colours as CSS classes,
 * live <text> in a named font, the legend, insets and furniture as groups. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "internal.h"

void dti_svg_text(FILE *stream, const char *text)
{
    FILE *fp = stream;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        switch (*c) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default:
            if (*c < 0x20 && *c != '\t' && *c != '\n')
                fputc(' ', fp); /* not allowed in XML 1.0 */
            else
                fputc(*c, fp);
        }
}

/* An XML name from any region id: letters, digits, '-' and '.' as they are, the rest as _hh. */
static void svg_id(FILE *fp, const char *prefix, const char *id)
{
    fputs(prefix, fp);
    for (const unsigned char *c = (const unsigned char *)id; *c; c++)
        if ((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
            *c == '-' || *c == '.')
            fputc(*c, fp);
        else
            fprintf(fp, "_%02x", *c);
}

/* The value as the table has it, as near as a double prints: 12.5, 1234, 0.768. */
static void value_text(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.15g", v == 0 ? 0 : v);
}

void dti_svg_region_attributes(FILE *stream, const dti_map_model *m, uint32_t region,
                               const char *prefix)
{
    FILE *fp = stream;
    char value[64] = "";
    const char *id = dti_strtab_get(&m->layer->geo.ids, region);
    fputs(" id=\"", fp);
    svg_id(fp, prefix, id);
    fputs("\" data-geoid=\"", fp);
    dti_svg_text(fp, id);
    if (!isnan(m->layer->values[region]))
        value_text(value, sizeof value, m->layer->values[region]);
    fprintf(fp, "\" data-value=\"%s\"", value);
}

void dti_svg_region_title(FILE *stream, const dti_map_model *m, uint32_t region)
{
    FILE *fp = stream;
    const dti_map_layer *ml = m->layer;
    const char *name = ml->geo.names ? ml->geo.names[region] : NULL;
    const char *id = dti_strtab_get(&ml->geo.ids, region);
    fputs("<title>", fp);
    if (name) {
        dti_svg_text(fp, name);
        fputs(" (", fp);
        dti_svg_text(fp, id);
        fputs(")", fp);
    } else {
        dti_svg_text(fp, id);
    }
    fputs(": ", fp);
    double v = ml->values[region];
    if (isnan(v)) {
        dti_svg_text(fp, m->no_data_label ? m->no_data_label : "No data");
    } else {
        char value[64];
        value_text(value, sizeof value, v);
        fputs(value, fp);
        if (m->suffix)
            dti_svg_text(fp, m->suffix);
        if (m->units) {
            fputc(' ', fp);
            dti_svg_text(fp, m->units);
        }
    }
    fputs("</title>", fp);
}

static void class_styles(FILE *fp, const dti_map_model *m, double outline)
{
    fputs("<style>\n", fp);
    for (int c = 0; c < m->class_count; c++)
        fprintf(fp, ".c%d{fill:#%02x%02x%02x}\n", c, m->class_colors[c].r, m->class_colors[c].g,
                m->class_colors[c].b);
    fprintf(fp, ".nd{fill:#%02x%02x%02x}\n", m->no_data_color.r, m->no_data_color.g,
            m->no_data_color.b);
    fputs("#regions path{fill-rule:evenodd;stroke-linejoin:round", fp);
    if (outline > 0)
        fprintf(fp, ";stroke:#ffffff;stroke-width:%.2f", outline);
    fputs("}\n</style>\n", fp);
}

/* One path per region (its features may be apart in the layer): regions in layer order. */
static dt_status region_paths(dti_canvas *cv, const dti_map_model *m, const dti_pen *p,
                              dt_error *err)
{
    const dti_map_layer *ml = m->layer;
    FILE *fp = cv->svg;
    size_t *first = calloc(ml->geo.region_count + 1, sizeof *first);
    size_t *order = malloc((ml->geo.feature_count ? ml->geo.feature_count : 1) * sizeof *order);
    if (!first || !order) {
        free(first);
        free(order);
        return dti_nomem(err);
    }
    for (size_t f = 0; f < ml->geo.feature_count; f++)
        first[ml->geo.feature_region[f] + 1]++;
    for (size_t r = 0; r < ml->geo.region_count; r++)
        first[r + 1] += first[r];
    size_t *next = malloc((ml->geo.region_count ? ml->geo.region_count : 1) * sizeof *next);
    if (!next) {
        free(first);
        free(order);
        return dti_nomem(err);
    }
    memcpy(next, first, ml->geo.region_count * sizeof *next);
    for (size_t f = 0; f < ml->geo.feature_count; f++)
        order[next[ml->geo.feature_region[f]]++] = f;
    free(next);
    dti_canvas_group(cv, "regions");
    for (size_t r = 0; r < ml->geo.region_count; r++) {
        if (first[r] == first[r + 1])
            continue; /* not drawn */
        int cls = m->view == DTI_VIEW_CHOROPLETH ? m->region_class[r]
                  : isnan(ml->values[r])         ? DTI_NO_DATA_CLASS
                                                 : 0;
        fputs("<path", fp);
        dti_svg_region_attributes(fp, m, (uint32_t)r, "r-");
        if (cls == DTI_NO_DATA_CLASS)
            fputs(" class=\"nd\" d=\"", fp);
        else
            fprintf(fp, " class=\"c%d\" d=\"", cls);
        for (size_t k = first[r]; k < first[r + 1]; k++) {
            size_t f = order[k];
            for (size_t ring = ml->geo.feature_ring[f]; ring < ml->geo.feature_ring[f + 1]; ring++)
                dti_pen_ring(cv, ml, p, ring, DTI_RINGS_ALL);
        }
        fputs("\">", fp);
        dti_svg_region_title(fp, m, (uint32_t)r);
        fputs("</path>\n", fp);
    }
    dti_canvas_group_end(cv);
    free(first);
    free(order);
    return DT_OK;
}

dt_status dti_render_svg(const dti_map_model *m, FILE *stream, const char *display, dt_error *err)
{
    FILE *fp = stream;
    dti_layout lay;
    cairo_t *scratch = NULL;
    dti_render_measure(m, &lay, &scratch);
    dti_canvas cv = {scratch, fp};
    dti_pen p = dti_render_pen(&lay, 1.0);
    fprintf(fp,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dialtone-map\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
            lay.page_w, lay.page_h, lay.page_w, lay.page_h);
    fputs("<title>", fp);
    dti_svg_text(fp, m->title ? m->title : "");
    fputs("</title>\n", fp);
    if (m->subtitle && m->subtitle[0]) {
        fputs("<desc>", fp);
        dti_svg_text(fp, m->subtitle);
        fputs("</desc>\n", fp);
    }
    if (m->provenance) {
        fputs("<metadata id=\"provenance\">", fp);
        dti_svg_text(fp, m->provenance);
        fputs("</metadata>\n", fp);
    }
    class_styles(fp, m, dti_render_outlines(m, p.s) ? 0.7 * lay.unit : 0);
    fprintf(fp, "<rect id=\"background\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
            lay.page_w, lay.page_h);
    dt_status status = region_paths(&cv, m, &p, err);
    if (status == DT_OK) {
        dti_render_outer_boundary(&cv, m->layer, &p, lay.unit);
        dti_render_frames(&cv, m, &p, lay.unit);
        if (m->view == DTI_VIEW_SYMBOLS)
            status = dti_render_symbols(&cv, m, &p, lay.symbol_max_radius, lay.unit, err);
    }
    if (status == DT_OK) {
        dti_layout_draw(&cv, m, &lay, NULL);
        fputs("</svg>\n", fp);
    }
    cairo_destroy(scratch);
    if (status == DT_OK && (fflush(fp) != 0 || ferror(fp)))
        status = dti_error_set(err, DT_ERR_IO, display, 0, "cannot write SVG");
    return status;
}
