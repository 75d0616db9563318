/* SPDX-License-Identifier: MIT */
/* dialtone map: options, classification and labels, and the run. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_breaks(dt_map_options *o, const char *list)
{
    o->break_count = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        double v;
        if (o->break_count == DTI_MAX_CLASSES - 1 || dti_parse_value(p, len, &v) != 0 || isnan(v) ||
            (o->break_count && v <= o->breaks[o->break_count - 1]))
            return -1;
        o->breaks[o->break_count++] = v;
        p += len;
        if (*p == ',' && *++p == '\0')
            return -1;
    }
    return o->break_count > 0 ? 0 : -1;
}

static int check_required(dt_map_options *o, dt_error *err)
{
    const char *missing = !o->regions  ? "--regions"
                          : !o->column ? "--column"
                          : !o->output ? "-o (the map to write, .png or .svg)"
                                       : NULL;
    if (missing) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s is required", missing);
        return -1;
    }
    if (o->break_count && o->method_given && o->method != DTI_BREAKS_MANUAL) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--breaks goes with --method manual");
        return -1;
    }
    if (o->method == DTI_BREAKS_MANUAL && !o->break_count) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--method manual needs --breaks, e.g. 25,100");
        return -1;
    }
    if (o->break_count)
        o->method = DTI_BREAKS_MANUAL;
    if (o->crs && (o->layout == DTI_LAYOUT_US || o->layout == DTI_LAYOUT_CONUS)) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                      "--layout %s makes its own projections: leave out --crs %s",
                      o->layout == DTI_LAYOUT_US ? "us" : "conus", o->crs);
        return -1;
    }
    if (o->width * o->scale > 32000 || o->height * o->scale > 32000) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "the image would be over 32000 pixels wide");
        return -1;
    }
    dti_rgb probe[1];
    if (o->palette && dti_palette_colors(o->palette, 1, probe, err) != DT_OK)
        return -1;
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, "-o", o->output);
    if (o->svg)
        dti_path_output(&c, "--svg", o->svg);
    dti_path_input(&c, "--regions", o->regions, 0);
    dti_path_input(&c, "--stats", o->stats, 0);
    if (dti_path_check_finish(&c, err) != DT_OK)
        return -1;
    /* the format follows the name: .png or .svg; a stream or a device (no name) gets PNG */
    const char *dot = strrchr(o->output, '.'), *slash = strrchr(o->output, '/');
    const char *ext = dot && (!slash || dot > slash) ? dot + 1 : NULL;
    struct stat st;
    int stream = strcmp(o->output, "-") == 0 ||
                 (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
    o->output_svg = ext && strcasecmp(ext, "svg") == 0;
    if (!o->output_svg && !(ext && strcasecmp(ext, "png") == 0) && !stream) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                      "-o %s: give the map a .png or .svg name (its format follows the name)",
                      o->output);
        return -1;
    }
    if (o->output_svg && o->svg) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                      "-o %s is already the SVG: with --svg, give -o a .png name", o->output);
        return -1;
    }
    return 0;
}

static dt_status parse_breaks_opt(void *request, const dti_opt *opt, const char *name,
                                  const char *v, dt_error *err)
{
    (void)opt, (void)name;
    if (parse_breaks(request, v) == 0)
        return DT_OK;
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                         "--breaks %s: expected 1 to 8 increasing numbers, e.g. 25,100", v);
}

static dt_status method_given(void *request, const dti_opt *opt, const char *name, const char *v,
                              dt_error *err)
{
    (void)opt, (void)name, (void)v, (void)err;
    ((dt_map_options *)request)->method_given = 1;
    return DT_OK;
}

static dt_status parse_height(void *request, const dti_opt *opt, const char *name, const char *v,
                              dt_error *err)
{
    (void)opt;
    dt_map_options *o = request;
    if (parse_int(v, 0, 16000, &o->height) == 0 && (o->height == 0 || o->height >= 150))
        return DT_OK;
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: expected 0 (fit) or 150 to 16000",
                         name, v);
}

static dt_status parse_color_opt(void *request, const dti_opt *opt, const char *name, const char *v,
                                 dt_error *err)
{
    if (dti_parse_color(v, (dti_rgb *)((char *)request + opt->offset)) == 0)
        return DT_OK;
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: expected a colour like #cccccc", name,
                         v);
}

static void map_init(void *request)
{
    dt_map_options *o = request;
    o->classes = 5;
    o->width = 1600;
    o->scale = 1;
    o->no_data_color = (dti_rgb){0xcc, 0xcc, 0xcc};
    o->symbol_color = (dti_rgb){0xcb, 0x18, 0x1d};
}

static dt_status map_check(void *request, dt_error *err)
{
    return check_required(request, err) == 0 ? DT_OK : err->status;
}

static dt_status map_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                         dt_error *err)
{
    return dt_map(request, progress, note, user, err);
}

static const char *const method_words[] = {"quantile", "equal", "jenks", "pretty", "manual", NULL};
static const char *const view_words[] = {"choropleth", "symbols", NULL};
static const char *const scale_bar_words[] = {"none", "km", "mi", NULL};
static const char *const layout_words[] = {"auto", "none", "us", "conus", NULL};

#define M(field) offsetof(dt_map_options, field)
static const dti_opt map_options[] = {
    DTI_SECTION("Data:"),
    {DTI_OPT_STRING, .names = "--regions", .meta = "LAYER", .offset = M(regions),
     .help = "polygon layer (GeoPackage, GeoJSON, shapefile,\n"
             "FlatGeobuf...), or as the operand LAYER"},
    DTI_SHARE_HELP(dti_opt_layer, dt_map_options, layer,
                   "the layer of a source with several (or\n"
                   "LAYER as FILE|layername=NAME)"),
    DTI_SHARE(dti_opt_id_field, dt_map_options, id_field),
    {DTI_OPT_STRING, .names = "--stats", .meta = "CSV", .offset = M(stats),
     .help = "table to join by its geoid column, as text (e.g. the\n"
             "output of dialtone stats); without it the column is\n"
             "read from the layer"},
    {DTI_OPT_STRING, .names = "--column", .meta = "NAME", .offset = M(column),
     .help = "the numeric column to map; empty or NaN is no data"},
    DTI_SECTION("Output:"),
    DTI_SHARE_HELP(dti_opt_output, dt_map_options, output,
                   "the map to write: FILE.png or FILE.svg (- : PNG on\n"
                   "stdout)"),
    {DTI_OPT_STRING, .names = "--svg", .meta = "FILE", .offset = M(svg),
     .help = "also write the map as SVG"},
    DTI_SHARE_HELP(dti_opt_width, dt_map_options, width, "page width in points (default 1600)"),
    {DTI_OPT_CALL, .names = "--height", .meta = "N", .parse = parse_height,
     .help = "page height (default: as tall as the map needs)"},
    {DTI_OPT_NUMBER, .names = "--scale", .meta = "F", .offset = M(scale), .min = 0.25, .max = 4,
     .expect = "0.25 to 4",
     .help = "pixels per point, e.g. 2 for high-density screens\n"
             "(default 1)"},
    DTI_SECTION("Classes and colours:"),
    {DTI_OPT_CHOICE, .names = "--method", .meta = "M", .offset = M(method), .words = method_words,
     .parse = method_given, .help = "quantile (default), equal, jenks, pretty, manual"},
    {DTI_OPT_INT, .names = "--classes", .meta = "N", .offset = M(classes), .min = 3,
     .max = DTI_MAX_CLASSES, .expect = "3 to 9", .help = "3 to 9 classes (default 5)"},
    {DTI_OPT_CALL, .names = "--breaks", .meta = "B1,B2,...", .parse = parse_breaks_opt,
     .help = "manual class breaks, e.g. 25,100; a value equal to a\n"
             "break goes to the upper class"},
    {DTI_OPT_STRING, .names = "--palette", .meta = "P", .offset = M(palette),
     .help = "ColorBrewer scheme (YlOrRd, Blues, Purples, RdYlBu ...;\n"
             "NAME_r reversed) or hex colours #fee5d9,#fcae91,..."},
    {DTI_OPT_CALL, .names = "--no-data-color", .meta = "HEX", .offset = M(no_data_color),
     .parse = parse_color_opt, .help = "colour of regions without a value (default #cccccc)"},
    {DTI_OPT_STRING, .names = "--class-labels", .meta = "L1,...", .offset = M(class_labels),
     .help = "legend labels instead of value ranges, one per class\n"
             "(categories: --breaks 0.5 --class-labels \"No,Yes\")"},
    {DTI_OPT_STRING, .names = "--no-data-label", .meta = "T", .offset = M(no_data_label),
     .help = "legend label of regions without a value (default No\n"
             "data)"},
    DTI_SECTION("View:"),
    {DTI_OPT_CHOICE, .names = "--view", .meta = "V", .offset = M(view), .words = view_words,
     .help = "choropleth (default) or symbols: circles sized by the\n"
             "value (for counts such as unserved locations)"},
    {DTI_OPT_CALL, .names = "--symbol-color", .meta = "HEX", .offset = M(symbol_color),
     .parse = parse_color_opt, .help = "circle colour (default #cb181d)"},
    {DTI_OPT_STRING, .names = "--crs", .meta = "CRS", .offset = M(crs),
     .help = "map projection (EPSG:5070, EPSG:3418...; default: an\n"
             "equal-area Albers fitted to the data)"},
    {DTI_OPT_CHOICE, .names = "--layout", .meta = "L", .offset = M(layout), .words = layout_words,
     .expect = "us, conus or none",
     .help = "us: the lower 48 with Alaska, Hawaii and Puerto Rico as\n"
             "insets (the default for such a layer); conus: the lower\n"
             "48 only; none: one projection for everything"},
    {DTI_OPT_CHOICE, .names = "--scale-bar", .meta = "km|mi", .offset = M(scale_bar),
     .words = scale_bar_words, .expect = "km or mi", .help = "draw a scale bar"},
    DTI_SECTION("Text:"),
    DTI_SHARE(dti_opt_title, dt_map_options, title),
    DTI_SHARE(dti_opt_subtitle, dt_map_options, subtitle),
    DTI_SHARE(dti_opt_source, dt_map_options, source),
    {DTI_OPT_STRING, .names = "--legend-title", .meta = "T", .offset = M(legend_title),
     .help = "the legend's heading"},
    {DTI_OPT_STRING, .names = "--units", .meta = "U", .offset = M(units),
     .help = "after legend numbers with a space (\"Mbps\")"},
    {DTI_OPT_STRING, .names = "--suffix", .meta = "S", .offset = M(suffix),
     .help = "after legend numbers directly (\"%\")"},
    DTI_SHARE_HELP(dti_opt_region_noun, dt_map_options, region_noun,
                   "what the legend counts (default \"regions\")"),
    {0}};
#undef M

const dti_command dti_map_command = {
    .name = "map",
    .summary = "choropleth or proportional-symbol map of a region column (PNG, SVG)",
    .synopsis = "[--regions] LAYER --column NAME -o FILE.png [OPTIONS]",
    .description = "Draw a choropleth map (or proportional symbols) of one column per region and\n"
                   "write it as PNG, optionally also SVG.\n",
    .epilogue = "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = map_options,
    .operands = {DTI_OPT_STRING, .meta = "LAYER", .offset = offsetof(dt_map_options, regions)},
    .size = sizeof(dt_map_options),
    .init = map_init,
    .check = map_check,
    .run = map_run,
};

dt_map_options *dti_call_map_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_map_command, argc, argv, err);
}

void dt_map_options_free(dt_map_options *o) { dti_request_free(o); }

/* ---- defaults for dialtone's own columns ---- */

/* What a column holds: counts get whole-number legends; shares (fractions) show as percent
 * with --suffix %; a column dialtone does not know is a count when its values are whole. */
typedef enum column_kind {
    KIND_UNKNOWN,
    KIND_COUNT,
    KIND_PERCENT,
    KIND_SHARE,
    KIND_MEASURE
} column_kind;

static const struct {
    const char *prefix, *legend, *suffix, *units, *palette;
    column_kind kind;
} known_columns[] = {
    {"pct_unserved", "Locations unserved", "%", NULL, "YlOrRd", KIND_PERCENT},
    {"pct_underserved", "Locations underserved", "%", NULL, "YlOrRd", KIND_PERCENT},
    {"pct_", NULL, "%", NULL, NULL, KIND_PERCENT},
    {"unserved", "Unserved locations", NULL, NULL, "YlOrRd", KIND_COUNT},
    {"underserved", "Underserved locations", NULL, NULL, "YlOrRd", KIND_COUNT},
    {"served", "Served locations", NULL, NULL, "YlGnBu", KIND_COUNT},
    {"locations", "Broadband serviceable locations", NULL, NULL, "YlGnBu", KIND_COUNT},
    {"providers", "Providers", NULL, NULL, "YlGnBu", KIND_COUNT},
    {"median_max_down", "Median best download speed", NULL, "Mbps", "YlGnBu", KIND_MEASURE},
    {"median_", NULL, NULL, NULL, NULL, KIND_MEASURE},
    {"share_", NULL, NULL, NULL, "YlGnBu", KIND_SHARE},
    {"priced_share", NULL, NULL, NULL, "YlGnBu", KIND_SHARE},
    {"affordability_pct", NULL, "%", NULL, NULL, KIND_PERCENT},
};

typedef struct map_texts {
    const char *legend_title, *suffix, *units, *palette, *noun;
    column_kind kind;
    int whole;   /* the values shown are counts: whole-number class labels */
    int percent; /* a share shown with --suffix %: values times 100 */
    char title[512], source[512], share_title[96];
} map_texts;

/* "share_100_20" -> "Share of locations with 100/20 Mbps" ("02" is 0.2, as in stats). */
static const char *share_title(const char *column, char *buf, size_t size)
{
    unsigned down, up;
    char d[8], u[8];
    if (sscanf(column, "share_%7[0-9]_%7[0-9]", d, u) != 2)
        return NULL;
    down = (unsigned)atoi(d);
    up = (unsigned)atoi(u);
    snprintf(buf, size, "Share of locations with %s%u/%s%u Mbps", d[0] == '0' ? "0." : "", down,
             u[0] == '0' ? "0." : "", up);
    return buf;
}

/* Whether a --source text already says what it is, so that "Source: " would repeat it: it
 * begins with the word source, sources or data (any case: "Sources: FCC", "Data: FCC BDC",
 * "Data from the FCC"), or with one word and a colon, in any language ("Quelle: FCC",
 * "Fuente:", a full-width colon too). */
static int says_source(const char *text)
{
    static const char *const words[] = {"sources", "source", "data"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (strncasecmp(text, words[i], n) == 0 && !isalpha((unsigned char)text[n]))
            return 1;
    }
    size_t word = 0; /* letters, any byte of a UTF-8 letter included */
    while (text[word] &&
           (isalpha((unsigned char)text[word]) || (unsigned char)text[word] >= 0x80) &&
           strncmp(text + word, "\xef\xbc\x9a", 3) != 0)
        word++;
    return word > 0 && (text[word] == ':' || strncmp(text + word, "\xef\xbc\x9a", 3) == 0);
}

static void resolve_texts(const dt_map_options *o, map_texts *t)
{
    memset(t, 0, sizeof *t);
    t->palette = "YlOrRd";
    for (size_t i = 0; i < sizeof known_columns / sizeof *known_columns; i++) {
        const char *p = known_columns[i].prefix;
        size_t n = strlen(p);
        int match = p[n - 1] == '_' ? strncmp(o->column, p, n) == 0 : strcmp(o->column, p) == 0;
        if (!match)
            continue;
        t->legend_title = known_columns[i].legend;
        t->suffix = known_columns[i].suffix;
        t->units = known_columns[i].units;
        t->palette = known_columns[i].palette ? known_columns[i].palette : t->palette;
        t->kind = known_columns[i].kind;
        break;
    }
    if (!t->legend_title)
        t->legend_title = share_title(o->column, t->share_title, sizeof t->share_title);
    if (o->legend_title)
        t->legend_title = o->legend_title;
    if (!t->legend_title)
        t->legend_title = o->column;
    if (o->suffix || o->units) { /* either one replaces both defaults */
        t->suffix = o->suffix;
        t->units = o->units;
    }
    if (o->palette)
        t->palette = o->palette;
    t->percent = t->kind == KIND_SHARE && t->suffix && strcmp(t->suffix, "%") == 0;
    t->noun = o->region_noun ? o->region_noun : "regions";
    snprintf(t->title, sizeof t->title, "%s", o->title ? o->title : t->legend_title);
    if (o->source && o->source[0])
        snprintf(t->source, sizeof t->source, "%s%s",
                 says_source(o->source) ? "" : "Source: ", o->source);
}

/* "12.5%" or "25 Mbps" */
static char *format_value(char *buf, size_t size, double v, int decimals, const map_texts *t)
{
    char num[64];
    dti_format_number(num, sizeof num, v, decimals);
    int n = snprintf(buf, size, "%s%s%s%s", num, t->suffix ? t->suffix : "", t->units ? " " : "",
                     t->units ? t->units : "");
    return n < 0 ? strcpy(buf, "") : buf; /* a long suffix is cut: legends are short */
}

/* ---- classes ---- */

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* --class-labels: one comma-separated label per class, in class order. */
static dt_status apply_class_labels(const char *list, dti_map_model *m, dt_error *err)
{
    int count = 1;
    for (const char *p = list; *p; p++)
        count += *p == ',';
    if (count != m->class_count)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--class-labels: %d labels for %d classes",
                             count, m->class_count);
    const char *p = list;
    for (int c = 0; c < count; c++) {
        size_t len = strcspn(p, ",");
        snprintf(m->class_labels[c], sizeof m->class_labels[c], "%.*s", (int)len, p);
        p += len + (p[len] == ',');
    }
    return DT_OK;
}

/* A class of counts by the whole numbers it holds: "0", "1 – 2", "3 – 5", "6 or
 * more". Class c holds breaks[c-1] <= v < breaks[c], so its counts are ceil(breaks[c-1]) to
 * ceil(breaks[c]) - 1. 0 when the class holds no whole number (the decimal label stays). */
static int whole_label(char *label, size_t size, int c, int nb, const double *breaks, double min,
                       double max, int threshold_labels, const map_texts *t)
{
    double lo = nb == 0  ? min
                : c == 0 ? (threshold_labels ? fmin(0, min) : min)
                         : ceil(breaks[c - 1]);
    double hi = nb == 0 ? max : c == nb ? (threshold_labels ? INFINITY : max) : ceil(breaks[c]) - 1;
    char a[64], b[80];
    if (lo > hi)
        return 0;
    if (isinf(hi))
        snprintf(label, size, "%s or more", format_value(a, sizeof a, lo, 0, t));
    else if (lo == hi)
        format_value(label, size, lo, 0, t);
    else
        snprintf(label, size, "%s \u2013 %s", dti_format_number(a, sizeof a, lo, 0),
                 format_value(b, sizeof b, hi, 0, t));
    return 1;
}

/* Breaks, classes, counts, colours and legend labels for the choropleth. */
static dt_status classify(const dt_map_options *o, const map_texts *t, dti_map_model *m,
                          double *sorted, size_t n, dt_error *err)
{
    const dti_map_layer *ml = m->layer;
    double breaks[DTI_MAX_CLASSES];
    int nb, decimals, threshold_labels = o->method == DTI_BREAKS_MANUAL;
    double min = sorted[0], max = sorted[n - 1];
    if (o->method == DTI_BREAKS_MANUAL) {
        nb = o->break_count;
        memcpy(breaks, o->breaks, sizeof breaks);
        decimals = dti_breaks_decimals(breaks, nb, min, max);
    } else {
        nb = dti_breaks_compute(o->method, sorted, n, o->classes, breaks);
        if (nb < 0)
            return dti_nomem(err);
        threshold_labels = o->method == DTI_BREAKS_PRETTY && nb > 0;
        decimals = threshold_labels ? dti_breaks_decimals(breaks, nb, min, max)
                                    : dti_breaks_round(breaks, nb, min, max);
    }
    m->class_count = nb + 1;
    dt_status status = dti_palette_colors(t->palette, m->class_count, m->class_colors, err);
    if (status != DT_OK)
        return status;
    for (size_t r = 0; r < ml->geo.region_count; r++) {
        double v = ml->values[r];
        int c = isnan(v) ? DTI_NO_DATA_CLASS : dti_class_of_value(breaks, nb, v);
        m->region_class[r] = (uint8_t)c;
        if (ml->region_hidden && ml->region_hidden[r])
            m->region_class[r] = DTI_NO_DATA_CLASS; /* not on the map: counted nowhere */
        else if (c == DTI_NO_DATA_CLASS)
            m->no_data_count++;
        else
            m->class_counts[c]++;
    }
    char lo[64], hi[80];
    for (int c = 0; c < m->class_count; c++) {
        char *label = m->class_labels[c];
        size_t size = sizeof m->class_labels[c];
        if (t->whole && whole_label(label, size, c, nb, breaks, min, max, threshold_labels, t))
            continue;
        if (nb == 0) { /* every value equal: one class, named by its value */
            format_value(label, size, min, dti_breaks_decimals(&min, 1, min, max), t);
        } else if (threshold_labels) {
            if (c == 0)
                snprintf(label, size, "Under %s",
                         format_value(hi, sizeof hi, breaks[0], decimals, t));
            else if (c == nb)
                snprintf(label, size, "%s or more",
                         format_value(lo, sizeof lo, breaks[nb - 1], decimals, t));
            else
                snprintf(label, size, "%s \u2013 %s",
                         dti_format_number(lo, sizeof lo, breaks[c - 1], decimals),
                         format_value(hi, sizeof hi, breaks[c], decimals, t));
        } else {
            double a = c == 0 ? min : breaks[c - 1], b = c == nb ? max : breaks[c];
            format_value(hi, sizeof hi, b, decimals, t);
            if (a == b) /* one value in the class */
                snprintf(label, size, "%s", hi);
            else
                snprintf(label, size, "%s \u2013 %s", dti_format_number(lo, sizeof lo, a, decimals),
                         hi);
        }
    }
    return o->class_labels ? apply_class_labels(o->class_labels, m, err) : DT_OK;
}

/* The largest value and three round legend values for proportional symbols. */
static dt_status symbol_scale(const map_texts *t, dti_map_model *m, const double *sorted, size_t n,
                              dt_error *err)
{
    double max = sorted[n - 1];
    if (!(max > 0))
        return dti_error_set(err, DT_ERR_FORMAT, NULL, 0,
                             "--view symbols needs positive values: the largest is %g", max);
    if (sorted[0] < 0)
        return dti_error_set(err, DT_ERR_FORMAT, NULL, 0,
                             "--view symbols sizes circles by counts: %g is negative", sorted[0]);
    m->symbol_max_value = max;
    m->class_count = 1;
    m->class_colors[0] = (dti_rgb){0xe6, 0xe6, 0xe6};
    double p = pow(10, floor(log10(max))), f = max / p;
    double v = (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p; /* the largest 1, 2 or 5 not above max */
    double values[3] = {v, dti_nice_number(v / 4, 1), dti_nice_number(v / 16, 1)};
    int decimals = dti_breaks_decimals(values, 3, 0, max);
    for (int i = 0; i < 3; i++) {
        m->symbol_legend[i] = i > 0 && values[i] >= values[i - 1] ? 0 : values[i];
        format_value(m->symbol_labels[i], sizeof m->symbol_labels[i], values[i], decimals, t);
    }
    for (size_t r = 0; r < m->layer->geo.region_count; r++)
        m->no_data_count +=
            isnan(m->layer->values[r]) && !(m->layer->region_hidden && m->layer->region_hidden[r]);
    return DT_OK;
}

/* ---- the run ---- */

static int step(dt_progress_fn progress, void *user, double frac, const char *what)
{
    return !progress || progress(frac, what, user);
}

/* Notes on what the map leaves out or assumes. */
static void report(const dt_map_options *o, const map_texts *t, const dti_map_layer *ml,
                   const dti_map_model *m, const dti_map_projection *proj, size_t unmatched,
                   size_t subpixel, dt_note_fn note, void *user)
{
    if (proj->left_out[0])
        dti_say(note, user,
                "left out of the %s layout: %s (%zu polygons; %zu regions wholly; --layout "
                "none draws everything)",
                o->layout == DTI_LAYOUT_CONUS ? "lower 48" : "US", proj->left_out,
                proj->left_out_rings, ml->hidden_count);
    size_t drawn = ml->geo.region_count - ml->hidden_count;
    if (subpixel && 2 * subpixel > drawn)
        dti_say(note, user,
                "%zu of %zu %s smaller than a pixel at this size: each is drawn as "
                "the pixel under it, so dense areas show their colour; a larger --width or "
                "--scale shows their shapes",
                subpixel, drawn, dti_plural(subpixel, "regions is", "regions are"));
    if (t->percent)
        dti_say(note, user, "%s holds shares (fractions): shown times 100, as percent", o->column);
    if (o->view == DTI_VIEW_SYMBOLS && !t->whole)
        dti_say(note, user,
                "--view symbols sizes circles by counts, and %s is not a count (%s): a "
                "choropleth (the default view) shows it better",
                o->column,
                t->kind == KIND_PERCENT || t->kind == KIND_SHARE ? "a share"
                : t->kind == KIND_MEASURE                        ? "a speed or price"
                                                                 : "it has fractional values");
    if (ml->geo.notes.empty || ml->geo.notes.zero_area)
        dti_say(note, user,
                "left out %zu %s with empty and %zu with zero-area geometry "
                "(first: %s)",
                ml->geo.notes.empty, dti_plural(ml->geo.notes.empty, "feature", "features"),
                ml->geo.notes.zero_area, ml->geo.notes.first_skipped);
    if (ml->geo.notes.bad_rings)
        dti_say(note, user,
                "left out %zu invalid polygon %s (fewer than 3 points or "
                "non-finite coordinates)",
                ml->geo.notes.bad_rings, dti_plural(ml->geo.notes.bad_rings, "ring", "rings"));
    if (ml->geo.notes.invalid)
        dti_say(note, user,
                "%zu %s (self-intersecting or the like; "
                "first: %s): drawn as given, overlaps filled even-odd",
                ml->geo.notes.invalid,
                dti_plural(ml->geo.notes.invalid, "region has an invalid polygon",
                           "regions have invalid polygons"),
                ml->geo.notes.first_invalid);
    if (!ml->outer_edges_usable)
        dti_say(note, user, "no outer boundary line: neighbouring regions do not share vertices");
    if (unmatched)
        dti_say(note, user, "%zu %s of %s %s no region of the layer", unmatched,
                dti_plural(unmatched, "row", "rows"),
                o->stats ? dti_input_name(o->stats, NULL) : o->values->what,
                dti_plural(unmatched, "names", "name"));
    if (m->no_data_count)
        dti_say(note, user, "%zu of %zu %s no %s value (drawn as No data)", m->no_data_count,
                ml->geo.region_count, dti_plural(m->no_data_count, "regions has", "regions have"),
                o->column);
    dti_say(note, user, "projection: %s", proj->description);
}

dt_status dti_map_run(const dt_map_options *o, dt_progress_fn progress, dt_note_fn note, void *user,
                      dti_map_probe *probe, dti_map_projection *projection, dt_error *err)
{
    dti_ogr_init();
    dti_map_layer ml;
    dti_map_projection proj = {0};
    dti_map_model m;
    map_texts t;
    dti_outfile *png = NULL, *svg = NULL;
    double *sorted = NULL;
    size_t unmatched = 0, n = 0;
    memset(&m, 0, sizeof m);
    memset(&ml, 0, sizeof ml);
    resolve_texts(o, &t);
    /* open the outputs first: an unwritable path fails before the work */
    dt_status status = (png = dti_outfile_open(o->output, note, user, err)) ? DT_OK : err->status;
    if (status == DT_OK && o->svg && !(svg = dti_outfile_open(o->svg, note, user, err)))
        status = err->status;
    if (status == DT_OK)
        status = dti_map_layer_read(&ml, o->regions, o->layer, o->id_field,
                                    o->stats || o->values ? NULL : o->column, progress, user, err);
    if (status == DT_OK && o->stats)
        status = dti_map_join_stats(&ml, o->stats, o->column, &unmatched, err);
    else if (status == DT_OK && o->values)
        status = dti_map_join_values(&ml, o->values, &unmatched, err);
    /* what the map shows: its column, and the table's own provenance */
    struct json_t *source = NULL, *prov = NULL;
    char *prov_text = NULL;
    if (status == DT_OK && o->stats && dti_sidecar_read(o->stats, &source, err) < 0)
        status = err->status;
    if (status == DT_OK) {
        prov = dti_prov_new("map");
        dti_prov_set_text(prov, "column", o->column);
        /* by name: a run makes it in a temporary directory, then moves it */
        dti_prov_set_text(prov, "stats",
                          o->stats && strrchr(o->stats, '/') ? strrchr(o->stats, '/') + 1
                          : o->stats                         ? o->stats
                          : o->values                        ? o->values->what
                                                             : NULL);
        dti_prov_set_object(prov, "source", source);
        if (!(prov_text = dti_prov_text(prov))) /* never a map without its provenance */
            status = dti_nomem(err);
    }
    dti_prov_free(source);
    dti_prov_free(prov);
    if (status == DT_OK && !step(progress, user, 0.42, "projecting"))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    if (status == DT_OK)
        status = dti_map_project(&ml, o->crs, o->layout, &proj, err);
    /* after the layout, which may leave parts out; shared vertices project alike */
    if (status == DT_OK && !step(progress, user, 0.5, "outer boundary"))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    if (status == DT_OK)
        status = dti_map_outer_edges(&ml, err);
    if (status == DT_OK && !step(progress, user, 0.55, "classifying"))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    if (status == DT_OK) {
        sorted = malloc((ml.geo.region_count ? ml.geo.region_count : 1) * sizeof *sorted);
        m.region_class = malloc(ml.geo.region_count ? ml.geo.region_count : 1);
        if (!sorted || !m.region_class)
            status = dti_nomem(err);
    }
    if (status == DT_OK) {
        t.whole = t.kind == KIND_COUNT || (t.kind == KIND_UNKNOWN && !t.percent &&
                                           !(t.suffix && strcmp(t.suffix, "%") == 0));
        for (size_t r = 0; r < ml.geo.region_count; r++) {
            if (t.percent)
                ml.values[r] *= 100;
            double v = ml.values[r];
            if (!isnan(v) && !(ml.region_hidden && ml.region_hidden[r])) {
                sorted[n++] = v;
                t.whole &= v >= 0 && v == floor(v) && v < 1e15;
            }
        }
        if (n == 0)
            status = dti_error_set(err, DT_ERR_FORMAT, o->stats ? o->stats : o->regions, 0,
                                   "no region has a value in column '%s'%s", o->column,
                                   o->stats ? " (do the ids match the layer's?)" : "");
        qsort(sorted, n, sizeof *sorted, compare_double);
    }
    m.layer = &ml;
    m.projection = &proj;
    m.view = o->view;
    m.width = o->width;
    m.height = o->height;
    m.scale = o->scale;
    m.title = t.title;
    m.subtitle = o->subtitle;
    m.source = t.source;
    m.legend_title = t.legend_title;
    m.region_noun = t.noun;
    m.no_data_color = o->no_data_color;
    m.no_data_label = o->no_data_label;
    m.symbol_color = o->symbol_color;
    m.scale_bar = o->scale_bar;
    m.provenance = prov_text;
    m.column = o->column;
    m.suffix = t.suffix;
    m.units = t.units;
    if (status == DT_OK)
        status = o->view == DTI_VIEW_SYMBOLS ? symbol_scale(&t, &m, sorted, n, err)
                                             : classify(o, &t, &m, sorted, n, err);
    size_t subpixel = status == DT_OK ? dti_render_subpixel_regions(&m) : 0;
    if (status == DT_OK && !step(progress, user, 0.6, "drawing"))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    if (status == DT_OK && o->output_svg)
        status = dti_render_svg(&m, dti_outfile_stream(png), o->output, err);
    else if (status == DT_OK)
        status = dti_render_png(&m, dti_outfile_stream(png), o->output, probe, err);
    if (status == DT_OK && svg)
        status = dti_render_svg(&m, dti_outfile_stream(svg), o->svg, err);
    sigset_t mask; /* both in place, or neither: an interruption waits */
    dti_signals_hold(&mask);
    if (status == DT_OK) {
        status = dti_outfile_commit(png, err);
        png = NULL;
    }
    if (status == DT_OK && svg) {
        status = dti_outfile_commit(svg, err);
        svg = NULL;
    }
    dti_signals_release(&mask);
    if (status == DT_OK) {
        report(o, &t, &ml, &m, &proj, unmatched, subpixel, note, user);
        step(progress, user, 1.0, NULL);
    }
    dti_outfile_abort(png);
    dti_outfile_abort(svg);
    free(prov_text);
    free(sorted);
    free(m.region_class);
    if (projection && status == DT_OK)
        *projection = proj;
    else
        dti_map_projection_free(&proj);
    dti_map_layer_free(&ml);
    return status;
}

dt_status dti_call_map(const dt_map_options *options, dt_progress_fn progress, dt_note_fn note,
                       void *user, dt_error *err)
{
    return dti_map_run(options, progress, note, user, NULL, NULL, err);
}
