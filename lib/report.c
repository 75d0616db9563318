/* dialtone report: options, reading the tables and images, and the run. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"

struct dt_report_options {
    char *stats, *output, *regions, *layer, *id_field, *plan, *plan_map, *diff, *costs;
    char *title, *subtitle, *source, *region_noun;
    char **maps;
    size_t map_count;
    int64_t budget;
    int has_budget, top, fabric, quiet, help, version;
    int rules_given; /* --ulfw, --served or --underserved: checked against the data's */
    dti_rules rules;
};

static const char usage_text[] =
    "Usage: dialtone report --stats CSV [OPTIONS] -o FILE.html\n"
    "\n"
    "Write one self-contained HTML page (images inside, no network needed) with the\n"
    "headline numbers, the maps, a sortable table of the regions with the largest\n"
    "share unserved, the plan and the change since the last filing when given, prices\n"
    "and speeds when the table has them, and notes on how the numbers were made.\n"
    "\n"
    "Options:\n"
    "  --stats CSV           the region table of dialtone stats (required)\n"
    "  -o, --output FILE     the page to write (default: stdout)\n"
    "  --map FILE.png        a map to show (repeat for more; their PNG titles become\n"
    "                        captions)\n"
    "  --regions LAYER       region polygons: names for the table (NAMELSAD or NAME),\n"
    "                        and, without --map, a map of the share unserved\n"
    "  --layer NAME, --id-field FIELD   which layer and id field of LAYER\n"
    "  --plan CSV            a plan table of dialtone plan, with --budget DOLLARS,\n"
    "                        --plan-map FILE.png and --costs FILE (the cost model used;\n"
    "                        without it the built-in illustrative defaults)\n"
    "  --diff CSV            a region table of dialtone diff\n"
    "  --top N               rows in the table of regions (default 25; 0: all)\n"
    "  --title T, --subtitle T, --source T, --region-noun N\n"
    "  --ulfw, --served D/U, --underserved D/U, --fabric\n"
    "                        the rules the stats were made with, for the notes\n"
    "  -q, --quiet           no progress or notes on stderr\n"
    "  -h, --help            show this help\n"
    "  --version             show the version\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

const char *dt_report_usage(void) { return usage_text; }
int dt_report_options_wants_help(const dt_report_options *o) { return o->help; }
int dt_report_options_wants_version(const dt_report_options *o) { return o->version; }
int dt_report_options_quiet(const dt_report_options *o) { return o->quiet; }

static const struct {
    const char *name;
    size_t offset;
} text_options[] = {
    {"--stats", offsetof(dt_report_options, stats)},
    {"--output", offsetof(dt_report_options, output)},
    {"-o", offsetof(dt_report_options, output)},
    {"--regions", offsetof(dt_report_options, regions)},
    {"--layer", offsetof(dt_report_options, layer)},
    {"--id-field", offsetof(dt_report_options, id_field)},
    {"--plan", offsetof(dt_report_options, plan)},
    {"--plan-map", offsetof(dt_report_options, plan_map)},
    {"--diff", offsetof(dt_report_options, diff)},
    {"--costs", offsetof(dt_report_options, costs)},
    {"--title", offsetof(dt_report_options, title)},
    {"--subtitle", offsetof(dt_report_options, subtitle)},
    {"--source", offsetof(dt_report_options, source)},
    {"--region-noun", offsetof(dt_report_options, region_noun)},
};

void dt_report_options_free(dt_report_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < sizeof text_options / sizeof *text_options; i++)
        if (strcmp(text_options[i].name, "-o") != 0)
            free(*(char **)((char *)o + text_options[i].offset));
    for (size_t i = 0; i < o->map_count; i++)
        free(o->maps[i]);
    free(o->maps);
    free(o);
}

/* Options with a value that is not plain text: 1 handled, 0 not ours, -1 error. */
static int parse_choice(dt_report_options *o, const char *a, const char *v, dt_error *err)
{
    if (dti_is_option(a, "--map")) {
        if ((o->maps[o->map_count] = strdup(v)) != NULL)
            return o->map_count++, 1;
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    } else if (dti_is_option(a, "--budget")) {
        int rc = dti_parse_cents(v, &o->budget);
        if (rc == 0)
            return o->has_budget = 1;
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--budget %s: %s; expected dollars", v,
                      dti_money_error(rc));
    } else if (dti_is_option(a, "--top")) {
        char *end;
        long top = strtol(v, &end, 10);
        if (end != v && !*end && top >= 0 && top <= 100000)
            return o->top = (int)top, 1;
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--top %s: expected 0 (all) to 100000", v);
    } else if (dti_is_option(a, "--served") || dti_is_option(a, "--underserved")) {
        int served = dti_is_option(a, "--served");
        if (dti_parse_threshold(v, served ? &o->rules.served_down : &o->rules.underserved_down,
                                served ? &o->rules.served_up : &o->rules.underserved_up) == 0)
            return o->rules_given = 1;
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: " DTI_THRESHOLD_SYNTAX, a, v);
    } else {
        return 0;
    }
    return -1;
}

dt_report_options *dt_report_options_new(int argc, char **argv, dt_error *err)
{
    dt_report_options *o = calloc(1, sizeof *o);
    if (!o || !(o->maps = calloc((size_t)argc + 1, sizeof *o->maps))) {
        free(o);
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    o->top = 25;
    dti_rules_default(&o->rules);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
            continue;
        } else if (strcmp(a, "--version") == 0) {
            o->version = 1;
            continue;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        } else if (strcmp(a, "--ulfw") == 0) {
            o->rules.ulfw = o->rules_given = 1;
            continue;
        } else if (strcmp(a, "--fabric") == 0) {
            o->fabric = 1;
            continue;
        }
        size_t t = 0, nt = sizeof text_options / sizeof *text_options;
        while (t < nt && !dti_is_option(a, text_options[t].name))
            t++;
        int known = t < nt || dti_is_option(a, "--map") || dti_is_option(a, "--budget") ||
                    dti_is_option(a, "--top") || dti_is_option(a, "--served") ||
                    dti_is_option(a, "--underserved");
        if (!known) {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                          a[0] == '-' ? "unknown option %s" : "unexpected argument %s", a);
            goto fail;
        }
        if (!(v = dti_option_value(argc, argv, &i, a, err)))
            goto fail;
        if (t < nt) {
            if (dti_replace_string((char **)((char *)o + text_options[t].offset), v) != 0) {
                dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
                goto fail;
            }
        } else if (parse_choice(o, a, v, err) < 0) {
            goto fail;
        }
    }
    if (o->help || o->version)
        return o;
    if (dti_thresholds_check(&o->rules, DT_ERR_USAGE, NULL, 0, err) != DT_OK)
        goto fail;
    if (!o->stats) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                      "--stats is required (a table of dialtone "
                      "stats)");
        goto fail;
    }
    if ((o->plan_map || o->has_budget || o->costs) && !o->plan) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                      "--plan-map, --budget and --costs go with "
                      "--plan");
        goto fail;
    }
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", o->output);
    static const struct {
        const char *name;
        size_t offset;
    } inputs[] = {{"--stats", offsetof(dt_report_options, stats)},
                  {"--regions", offsetof(dt_report_options, regions)},
                  {"--plan", offsetof(dt_report_options, plan)},
                  {"--plan-map", offsetof(dt_report_options, plan_map)},
                  {"--diff", offsetof(dt_report_options, diff)},
                  {"--costs", offsetof(dt_report_options, costs)}};
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++)
        dti_path_input(&c, inputs[k].name, *(char **)((char *)o + inputs[k].offset), 0);
    for (size_t i = 0; i < o->map_count; i++)
        dti_path_input(&c, "--map", o->maps[i], 0);
    if (dti_path_check_finish(&c, err) != DT_OK ||
        dti_output_named("-o", o->output, "html,htm", err) != DT_OK)
        goto fail;
    return o;
fail:
    dt_report_options_free(o);
    return NULL;
}

/* ---- reading ---- */

static void report_free(dti_report *r)
{
    dti_csv_table_free(&r->stats);
    dti_csv_table_free(&r->plan);
    dti_csv_table_free(&r->diff);
    for (size_t i = 0; i < r->map_count; i++)
        dti_figure_free(&r->maps[i]);
    free(r->maps);
    dti_figure_free(&r->plan_map);
    dti_names_free(&r->names);
    free(r->pct);
    free(r->worst);
    free(r->counts);
    free(r->funded_rows);
    free(r->priced_rows);
    free(r->price_values);
}

static const dti_report *sort_report;

/* The largest share unserved first (exactly: u1 / n1 > u2 / n2), then more unserved, then id. */
static int compare_worst(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const uint64_t *x = sort_report->counts + 4 * a, *y = sort_report->counts + 4 * b;
    dti_u128 l = (dti_u128)x[1] * y[0], r = (dti_u128)y[1] * x[0];
    if (l != r)
        return l > r ? -1 : 1;
    if (x[1] != y[1])
        return x[1] > y[1] ? -1 : 1;
    return strcmp(dti_csv_table_cell(&sort_report->stats, a, sort_report->col.geoid),
                  dti_csv_table_cell(&sort_report->stats, b, sort_report->col.geoid));
}

static dt_status read_stats(dti_report *r, const dt_report_options *o, dt_error *err)
{
    static const char *const names[] = {"geoid", "locations", "unserved", "underserved", "served"};
    int col[5];
    dti_csv_table *t = &r->stats;
    dt_status status = dti_csv_table_read(t, o->stats, o->stats, 0, err);
    if (status == DT_OK)
        status = dti_csv_table_require(t, names, 5, col, "a region table of dialtone stats", err);
    if (status != DT_OK)
        return status;
    r->col.geoid = col[0];
    r->col.locations = col[1];
    r->col.unserved = col[2];
    r->col.underserved = col[3];
    r->col.served = col[4];
    r->col.pct = dti_csv_table_column(t, "pct_unserved");
    r->col.providers = dti_csv_table_column(t, "providers");
    r->col.median = dti_csv_table_column(t, "median_max_down");
    size_t n = t->nrows;
    r->counts = malloc((4 * n + 1) * sizeof *r->counts);
    r->pct = malloc((n + 1) * sizeof *r->pct);
    r->worst = malloc((n + 1) * sizeof *r->worst);
    if (!r->counts || !r->pct || !r->worst)
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t row = 0; row < n; row++) {
        uint64_t *c = r->counts + 4 * row; /* locations, unserved, underserved, served */
        for (int k = 0; k < 4 && status == DT_OK; k++)
            status = dti_csv_table_count(t, row, col[1 + k], &c[k], err);
        if (status != DT_OK)
            return status;
        if (c[1] + c[2] + c[3] != c[0])
            return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                 "unserved + underserved + served is not locations");
        if (dti_count_add(&r->totals.locations, c[0]) || dti_count_add(&r->totals.unserved, c[1]) ||
            dti_count_add(&r->totals.underserved, c[2]) || dti_count_add(&r->totals.served, c[3]))
            return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                 "the regions' counts add up to more than 10^14 locations");
        r->totals.majority += c[0] && 2 * c[1] >= c[0];
        if (r->col.pct >= 0)
            snprintf(r->pct[row], sizeof r->pct[row], "%s", dti_csv_table_cell(t, row, r->col.pct));
        else
            dti_format_ratio(r->pct[row], sizeof r->pct[row], 100 * c[1], c[0], 2);
        r->worst[row] = row;
    }
    sort_report = r;
    qsort(r->worst, n, sizeof *r->worst, compare_worst);
    return DT_OK;
}

static const dti_report *price_report;

static int compare_price(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    double x = price_report->price_values[a], y = price_report->price_values[b];
    if (x != y)
        return x > y ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Rows with a median served price, the highest first (the section shows when there are). */
static dt_status read_prices(dti_report *r, dt_error *err)
{
    const dti_csv_table *t = &r->stats;
    int col = dti_csv_table_column(t, "median_served_price");
    if (col < 0)
        return DT_OK;
    r->priced_rows = malloc((t->nrows + 1) * sizeof *r->priced_rows);
    r->price_values = malloc((t->nrows + 1) * sizeof *r->price_values);
    if (!r->priced_rows || !r->price_values)
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t row = 0; row < t->nrows; row++) {
        const char *cell = dti_csv_table_cell(t, row, col);
        double v;
        if (dti_parse_value(cell, strlen(cell), &v) != 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                 "median_served_price '%.40s' is not a number", cell);
        r->price_values[row] = v;
        if (v == v) /* not NaN: a price */
            r->priced_rows[r->priced_count++] = row;
    }
    price_report = r;
    qsort(r->priced_rows, r->priced_count, sizeof *r->priced_rows, compare_price);
    return DT_OK;
}

static dt_status read_plan(dti_report *r, const char *path, dt_error *err)
{
    static const char *const names[] = {"geoid", "pass", "funded", "cost", "project_locations"};
    int col[5];
    dti_csv_table *t = &r->plan;
    dt_status status = dti_csv_table_read(t, path, path, 0, err);
    if (status == DT_OK)
        status = dti_csv_table_require(t, names, 5, col, "a plan table of dialtone plan", err);
    if (status == DT_OK && !(r->funded_rows = malloc((t->nrows + 1) * sizeof *r->funded_rows)))
        status = dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    int unserved_left = 0;
    for (size_t row = 0; status == DT_OK && row < t->nrows; row++) {
        int under = strcmp(dti_csv_table_cell(t, row, col[1]), "underserved") == 0;
        int funded = strcmp(dti_csv_table_cell(t, row, col[2]), "yes") == 0;
        int64_t cost;
        uint64_t locations;
        if (dti_parse_cents(dti_csv_table_cell(t, row, col[3]), &cost) != 0)
            status = dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                   "cost '%.40s' is not an amount of dollars",
                                   dti_csv_table_cell(t, row, col[3]));
        else
            status = dti_csv_table_count(t, row, col[4], &locations, err);
        if (status != DT_OK)
            break;
        if (funded) {
            r->funded_rows[r->plan_totals.funded++] = row;
            r->plan_totals.cost += cost;
            r->plan_totals.locations[under] += locations;
        } else if (!under) {
            unserved_left = 1;
        } else if (unserved_left) {
            r->plan_totals.waiting++;
        }
    }
    r->has_plan = status == DT_OK;
    return status;
}

static dt_status read_diff(dti_report *r, const char *path, dt_error *err)
{
    static const char *const names[] = {"locations_old",   "served_old",    "underserved_old",
                                        "unserved_old",    "locations_new", "served_new",
                                        "underserved_new", "unserved_new",  "appeared",
                                        "vanished",        "upgraded",      "downgraded"};
    int col[12], by[2][DTI_TECH_COUNT];
    dti_csv_table *t = &r->diff;
    dt_status status = dti_csv_table_read(t, path, path, 0, err);
    if (status == DT_OK)
        status = dti_csv_table_require(t, names, 12, col, "a region table of dialtone diff", err);
    for (int t_ = 0; t_ < DTI_TECH_COUNT; t_++)
        for (int up = 0; up < 2; up++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", up ? "upgraded" : "downgraded",
                     dti_tech_names[t_]);
            by[up][t_] = status == DT_OK ? dti_csv_table_column(t, name) : -1;
        }
    dti_report_change *d = &r->change;
    for (size_t row = 0; status == DT_OK && row < t->nrows; row++) {
        uint64_t v[12];
        for (int k = 0; k < 12 && status == DT_OK; k++)
            status = dti_csv_table_count(t, row, col[k], &v[k], err);
        for (int k = 0; k < 4 && status == DT_OK; k++) {
            d->old[k] += v[k];
            d->now[k] += v[4 + k];
        }
        d->appeared += v[8];
        d->vanished += v[9];
        d->upgraded += v[10];
        d->downgraded += v[11];
        for (int t_ = 0; t_ < DTI_TECH_COUNT && status == DT_OK; t_++)
            for (int up = 0; up < 2 && status == DT_OK; up++) {
                uint64_t n = 0;
                if (by[up][t_] >= 0)
                    status = dti_csv_table_count(t, row, by[up][t_], &n, err);
                (up ? d->upgraded_by : d->downgraded_by)[t_] += n;
            }
    }
    r->has_diff = status == DT_OK;
    return status;
}

/* The default map: the share unserved, drawn to a temporary PNG and read back. */
static dt_status default_map(dti_report *r, const dt_report_options *o, const char *temp,
                             dt_progress_fn progress, dt_note_fn note, void *user, dt_error *err)
{
    const char *argv[24];
    int argc = 0;
    argv[argc++] = "--regions", argv[argc++] = o->regions;
    if (o->layer)
        argv[argc++] = "--layer", argv[argc++] = o->layer;
    if (o->id_field)
        argv[argc++] = "--id-field", argv[argc++] = o->id_field;
    argv[argc++] = "--stats", argv[argc++] = o->stats;
    argv[argc++] = "--column", argv[argc++] = "pct_unserved";
    argv[argc++] = "--title", argv[argc++] = "Where locations lack basic broadband";
    argv[argc++] = "--subtitle",
    argv[argc++] = "Share of locations with no reliable 25/3 Mbps service (quintiles)";
    if (o->source)
        argv[argc++] = "--source", argv[argc++] = o->source;
    if (o->region_noun)
        argv[argc++] = "--region-noun", argv[argc++] = o->region_noun;
    argv[argc++] = "--width", argv[argc++] = "1200";
    argv[argc++] = "-o", argv[argc++] = temp;
    dt_status status = dti_map_call(argc, argv, progress, note, user, err);
    if (status == DT_OK && !(r->maps = calloc(1, sizeof *r->maps)))
        status = dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    if (status == DT_OK && (status = dti_figure_read(&r->maps[0], temp, err)) == DT_OK)
        r->map_count = 1;
    return status;
}

static int same_rules(const dti_rules *a, const dti_rules *b)
{
    return a->ulfw == b->ulfw && a->served_down == b->served_down && a->served_up == b->served_up &&
           a->underserved_down == b->underserved_down && a->underserved_up == b->underserved_up;
}

static void rules_text(const dti_rules *r, char *buf, size_t size)
{
    char sd[32], su[32], ud[32], uu[32];
    snprintf(buf, size, "--served %s/%s --underserved %s/%s%s",
             dti_format_fixed(sd, sizeof sd, r->served_down, 6),
             dti_format_fixed(su, sizeof su, r->served_up, 6),
             dti_format_fixed(ud, sizeof ud, r->underserved_down, 6),
             dti_format_fixed(uu, sizeof uu, r->underserved_up, 6), r->ulfw ? " --ulfw" : "");
}

/* A plan's or a diff's table (path, provenance p) made with the rules of the stats table. */
static dt_status same_rules_as_stats(const struct json_t *p, const char *path, const dti_report *r,
                                     const dt_report_options *o, dt_error *err)
{
    dti_rules rules;
    char want[160], have[160];
    if (dti_prov_get_rules(p, &rules) != 0 || same_rules(&rules, &r->rules))
        return DT_OK;
    rules_text(&rules, want, sizeof want);
    rules_text(&r->rules, have, sizeof have);
    return dti_error_set(err, DT_ERR_FORMAT, path, 0,
                         "made with other rules (%s) than %s (%s): one report holds tables of one "
                         "set of rules",
                         want, o->stats, have);
}

/* The report states what the data was made with: the rules and fabric of the stats table,
 * the budget of the plan, all from their metadata; a flag that says otherwise, or tables
 * made with different rules, stop it. Without metadata (a table made by hand) it says so
 * and states its own flags. */
static dt_status from_provenance(dti_report *r, const dt_report_options *o, dt_note_fn note,
                                 void *user, dt_error *err)
{
    struct json_t *stats = NULL, *plan = NULL, *diff = NULL;
    dt_status status = DT_OK;
    char want[160], have[160];
    int rc = dti_sidecar_read(o->stats, &stats, err);
    if (rc < 0)
        return err->status;
    if (rc == 0) {
        dti_say(note, user,
                "%s has no metadata beside it (made by hand?): the rules the page states are "
                "this command's flags",
                o->stats);
    } else {
        dti_rules made;
        if (dti_prov_get_rules(stats, &made) != 0)
            status = dti_error_set(err, DT_ERR_FORMAT, o->stats, 0,
                                   "its metadata does not say which rules it was made with");
        int fabric = json_is_array(json_object_get(stats, "fabric"));
        if (status == DT_OK && o->rules_given && !same_rules(&o->rules, &made)) {
            rules_text(&o->rules, want, sizeof want);
            rules_text(&made, have, sizeof have);
            status = dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                   "%s, but %s was made with %s (its metadata): the page states "
                                   "the rules of the data; drop the flags or make the table again",
                                   want, o->stats, have);
        } else if (status == DT_OK && o->fabric && !fabric) {
            status = dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                   "--fabric, but %s was made without a fabric (its metadata): "
                                   "its counts cover reported locations only",
                                   o->stats);
        }
        r->rules = made;
        r->fabric = fabric;
    }
    if (status == DT_OK && o->plan && (rc = dti_sidecar_read(o->plan, &plan, err)) < 0)
        status = err->status;
    if (status == DT_OK && plan) {
        const char *budget = dti_prov_get_text(plan, "budget");
        int64_t cents = 0;
        struct json_t *source = dti_prov_get_object(plan, "source");
        if (!budget || dti_parse_cents(budget, &cents) != 0)
            status = dti_error_set(err, DT_ERR_FORMAT, o->plan, 0,
                                   "its metadata does not say its budget");
        else if (o->has_budget && cents != o->budget)
            status = dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                   "--budget %s, but %s was made with a budget of $%s (its "
                                   "metadata): drop --budget or make the plan again",
                                   dti_format_money(want, sizeof want, o->budget), o->plan, budget);
        else if (stats && source)
            status = same_rules_as_stats(source, o->plan, r, o, err);
        r->budget = cents;
        r->has_budget = 1;
        dti_prov_method_note(plan, r->plan_method_note, sizeof r->plan_method_note);
    }
    if (status == DT_OK && o->diff && (rc = dti_sidecar_read(o->diff, &diff, err)) < 0)
        status = err->status;
    if (status == DT_OK && diff && stats)
        status = same_rules_as_stats(diff, o->diff, r, o, err);
    dti_prov_free(stats);
    dti_prov_free(plan);
    dti_prov_free(diff);
    return status;
}

dt_status dt_report(const dt_report_options *o, dt_progress_fn progress, dt_note_fn note,
                    void *user, dt_error *err)
{
    dti_report r;
    memset(&r, 0, sizeof r);
    r.title = o->title;
    r.subtitle = o->subtitle;
    r.source = o->source;
    r.region_noun = o->region_noun;
    r.costs = o->costs;
    r.top = (size_t)o->top;
    r.rules = o->rules;
    r.fabric = o->fabric;
    r.budget = o->budget;
    r.has_budget = o->has_budget;
    char *temp = NULL;
    dti_outfile *out = NULL;
    dti_gdal_init();
    dt_status status = (out = dti_outfile_open(o->output, note, user, err)) ? DT_OK : err->status;
    if (status == DT_OK)
        status = from_provenance(&r, o, note, user, err);
    if (status == DT_OK)
        status = read_stats(&r, o, err);
    if (status == DT_OK)
        status = read_prices(&r, err);
    if (status == DT_OK && o->plan)
        status = read_plan(&r, o->plan, err);
    if (status == DT_OK && o->diff)
        status = read_diff(&r, o->diff, err);
    if (status == DT_OK && o->regions)
        status = dti_names_read(&r.names, o->regions, o->layer, o->id_field, err);
    if (status == DT_OK && o->map_count) {
        if (!(r.maps = calloc(o->map_count, sizeof *r.maps)))
            status = dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; status == DT_OK && i < o->map_count; i++, r.map_count++)
            status = dti_figure_read(&r.maps[i], o->maps[i], err);
    } else if (status == DT_OK && o->regions) {
        if (!(temp = dti_outfile_scratch(out, ".png", err)))
            status = err->status;
        else
            status = default_map(&r, o, temp, progress, note, user, err);
    }
    if (status == DT_OK && o->plan_map) {
        status = dti_figure_read(&r.plan_map, o->plan_map, err);
        r.has_plan_map = status == DT_OK;
    }
    if (status == DT_OK) {
        dti_report_write(dti_outfile_stream(out), &r);
        status = dti_outfile_commit(out, err);
        out = NULL;
    }
    if (status == DT_OK) {
        char pct[32];
        dti_format_ratio(pct, sizeof pct, 100 * r.totals.unserved, r.totals.locations, 1);
        dti_say(note, user, "%zu regions, %llu locations, %s%% unserved; %zu maps%s%s",
                r.stats.nrows, (unsigned long long)r.totals.locations, pct,
                r.map_count + (size_t)r.has_plan_map, r.has_plan ? ", the plan" : "",
                r.has_diff ? ", the change since the last filing" : "");
        if (r.priced_count)
            dti_say(note, user, "%zu regions with prices", r.priced_count);
    }
    if (temp) {
        dti_temp_unlink(temp);
        free(temp);
    }
    dti_outfile_abort(out);
    report_free(&r);
    return status;
}
