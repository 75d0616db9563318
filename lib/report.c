/* SPDX-License-Identifier: MIT */
/* dialtone report: options, reading the tables and images, and the run. */
#define _GNU_SOURCE /* qsort_r: the comparison's context is an argument, not a static */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"

static dt_status parse_budget(void *request, const dti_opt *opt, const char *name, const char *v,
                              dt_error *err)
{
    (void)opt;
    dt_report_options *o = request;
    int rc = dti_parse_budget(v, &o->budget);
    if (rc == 0)
        return DT_OK;
    return dti_budget_refused(err, DT_ERR_USAGE, NULL, 0, name, v, rc);
}

static void report_init(void *request)
{
    dt_report_options *o = request;
    o->top = 25;
    dti_rules_default(&o->rules);
}

static dt_status report_check(void *request, dt_error *err)
{
    dt_report_options *o = request;
    if (dti_thresholds_check(&o->rules, DT_ERR_USAGE, NULL, 0, err) != DT_OK)
        return err->status;
    if (!o->stats)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--stats is required (a table of dialtone stats)");
    if ((o->plan_map || o->has_budget || o->costs) && !o->plan)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--plan-map, --budget and --costs go with --plan");
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
    dt_status status = dti_path_check_finish(&c, err);
    return status != DT_OK ? status : dti_output_named("-o", o->output, "html,htm", err);
}

static dt_status report_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                            dt_error *err)
{
    return dt_report(request, progress, note, user, err);
}

#define R(field) offsetof(dt_report_options, field)
static const dti_opt report_options[] = {
    {DTI_OPT_STRING, .names = "--stats", .meta = "CSV", .offset = R(stats),
     .help = "the region table of dialtone stats (required)"},
    DTI_SHARE_HELP(dti_opt_output, dt_report_options, output,
                   "the page to write (default: stdout)"),
    {DTI_OPT_LIST, .names = "--map", .meta = "FILE.png", .offset = R(maps), .offset2 = R(map_count),
     .help = "a map to show (repeat for more; their PNG titles become\n"
             "captions)"},
    {DTI_OPT_STRING, .names = "--regions", .meta = "LAYER", .offset = R(regions),
     .help = "region polygons: names for the table (NAMELSAD or\n"
             "NAME), and, without --map, a map of the share unserved"},
    DTI_SHARE_HELP(dti_opt_layer, dt_report_options, layer, "which layer of LAYER"),
    DTI_SHARE_HELP(dti_opt_id_field, dt_report_options, id_field, "the id field of LAYER"),
    {DTI_OPT_STRING, .names = "--plan", .meta = "CSV", .offset = R(plan),
     .help = "a plan table of dialtone plan"},
    {DTI_OPT_CALL, .names = "--budget", .meta = "DOLLARS", .parse = parse_budget,
     .given = R(has_budget), .help = "the plan's budget"},
    {DTI_OPT_STRING, .names = "--plan-map", .meta = "FILE.png", .offset = R(plan_map),
     .help = "the plan's map"},
    {DTI_OPT_STRING, .names = "--costs", .meta = "FILE", .offset = R(costs),
     .help = "the plan's cost model (without it the built-in\n"
             "illustrative defaults)"},
    {DTI_OPT_STRING, .names = "--diff", .meta = "CSV", .offset = R(diff),
     .help = "a region table of dialtone diff"},
    {DTI_OPT_INT, .names = "--top", .meta = "N", .offset = R(top), .min = 0, .max = 100000,
     .expect = "0 (all) to 100000", .help = "rows in the table of regions (default 25; 0: all)"},
    DTI_SECTION("Text:"),
    DTI_SHARE(dti_opt_title, dt_report_options, title),
    DTI_SHARE(dti_opt_subtitle, dt_report_options, subtitle),
    DTI_SHARE(dti_opt_source, dt_report_options, source),
    DTI_SHARE(dti_opt_region_noun, dt_report_options, region_noun),
    DTI_SECTION("The rules the stats were made with, for the notes (checked against the\n"
                "table's provenance):"),
    DTI_SHARE_GIVEN(dti_opt_ulfw, dt_report_options, rules, rules_given),
    DTI_SHARE_GIVEN(dti_opt_served, dt_report_options, rules, rules_given),
    DTI_SHARE_GIVEN(dti_opt_underserved, dt_report_options, rules, rules_given),
    {DTI_OPT_FLAG, .names = "--fabric", .offset = R(fabric),
     .help = "the stats were made with a location fabric"},
    {0}};
#undef R

const dti_command dti_report_command = {
    .name = "report",
    .summary = "one self-contained HTML page: numbers, maps, tables, method",
    .synopsis = "--stats CSV [OPTIONS] -o FILE.html",
    .description =
        "Write one self-contained HTML page (images inside, no network needed) with the\n"
        "headline numbers, the maps, a sortable table of the regions with the largest\n"
        "share unserved, the plan and the change since the last filing when given,\n"
        "prices and speeds when the table has them, and notes on how the numbers were\n"
        "made.\n",
    .epilogue = "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = report_options,
    .size = sizeof(dt_report_options),
    .init = report_init,
    .check = report_check,
    .run = report_run,
};

dt_report_options *dti_call_report_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_report_command, argc, argv, err);
}

void dt_report_options_free(dt_report_options *o) { dti_request_free(o); }

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
    free(r->stats_link);
    free(r->worst);
    free(r->counts);
    free(r->funded_rows);
    free(r->priced_rows);
    free(r->price_values);
}

/* The largest share unserved first (exactly: u1 / n1 > u2 / n2), then more unserved, then id. */
static int compare_worst(const void *pa, const void *pb, void *report)
{
    const dti_report *sort_report = report;
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
        return dti_nomem(err);
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
    qsort_r(r->worst, n, sizeof *r->worst, compare_worst, r);
    return DT_OK;
}

static int compare_price(const void *pa, const void *pb, void *report)
{
    const dti_report *price_report = report;
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
        return dti_nomem(err);
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
    qsort_r(r->priced_rows, r->priced_count, sizeof *r->priced_rows, compare_price, r);
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
        status = dti_nomem(err);
    int unserved_left = 0;
    for (size_t row = 0; status == DT_OK && row < t->nrows; row++) {
        int under = strcmp(dti_csv_table_cell(t, row, col[1]), "underserved") == 0;
        int funded = strcmp(dti_csv_table_cell(t, row, col[2]), "yes") == 0;
        const char *cell = dti_csv_table_cell(t, row, col[3]);
        dti_money cost;
        uint64_t locations;
        if (dti_money_parse(cell, strlen(cell), DTI_MONEY_CENTS, DTI_MONEY_MAX, &cost) != 0)
            status = dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                   "cost '%.40s' is not an amount of dollars", cell);
        else
            status = dti_csv_table_count(t, row, col[4], &locations, err);
        if (status == DT_OK && funded &&
            dti_money_add(r->plan_totals.cost, cost, &r->plan_totals.cost) != 0)
            status = dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                   "the funded costs up to this row add up to more than "
                                   "$1,000,000,000,000 (10^12)");
        if (status != DT_OK)
            break;
        if (funded) {
            r->funded_rows[r->plan_totals.funded++] = row;
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

/* The default map: the share unserved, drawn to a temporary PNG (for print) and SVG (live
 * in the page) and read back. */
static dt_status default_map(dti_report *r, const dt_report_options *o, const char *temp,
                             const char *temp_svg, dt_progress_fn progress, dt_note_fn note,
                             void *user, dt_error *err)
{
    dt_map_options *m = dti_request_new(&dti_map_command, err);
    if (!m)
        return err->status;
    int bad = dti_set_text(&m->regions, o->regions) | dti_set_text(&m->layer, o->layer) |
              dti_set_text(&m->id_field, o->id_field) | dti_set_text(&m->stats, o->stats) |
              dti_set_text(&m->column, "pct_unserved") |
              dti_set_text(&m->title, "Where locations lack basic broadband") |
              dti_set_text(&m->subtitle,
                           "Share of locations with no reliable 25/3 Mbps service (quintiles)") |
              dti_set_text(&m->source, o->source) | dti_set_text(&m->region_noun, o->region_noun) |
              dti_set_text(&m->output, temp) | dti_set_text(&m->svg, temp_svg);
    m->width = 1200;
    dt_status status = bad ? dti_nomem(err) : dti_request_check(m, err);
    if (status == DT_OK)
        status = dt_map(m, progress, note, user, err);
    dti_request_free(m);
    if (status == DT_OK && !(r->maps = calloc(1, sizeof *r->maps)))
        status = dti_nomem(err);
    if (status == DT_OK && (status = dti_figure_read(&r->maps[0], temp, err)) == DT_OK)
        r->map_count = 1;
    if (status == DT_OK)
        status = dti_figure_read_svg(&r->maps[0], temp_svg, err);
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
        dti_money made_with = 0;
        struct json_t *source = dti_prov_get_object(plan, "source");
        if (!budget || dti_money_parse(budget, strlen(budget), DTI_MONEY_CENTS, DTI_MONEY_MAX,
                                       &made_with) != 0)
            status = dti_error_set(err, DT_ERR_FORMAT, o->plan, 0,
                                   "its metadata does not say its budget");
        else if (o->has_budget && made_with != o->budget)
            status =
                dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                              "--budget %s, but %s was made with a budget of $%s (its "
                              "metadata): drop --budget or make the plan again",
                              dti_money_format(want, sizeof want, o->budget, 0), o->plan, budget);
        else if (stats && source)
            status = same_rules_as_stats(source, o->plan, r, o, err);
        r->budget = made_with;
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

/* The stats table as the page links it: its name when it is beside the page, else its path
 * as given (relative to where the command ran); NULL for standard input. Caller frees. */
static char *stats_link(const char *stats, const char *output)
{
    if (dti_is_stdin(stats))
        return NULL; /* no file to link */
    const char *base = strrchr(stats, '/');
    base = base ? base + 1 : stats;
    char *stats_dir = realpath(stats, NULL), *out_dir = NULL;
    if (output && strcmp(output, "-") != 0) {
        const char *slash = strrchr(output, '/');
        char *dir =
            slash ? strndup(output, (size_t)(slash - output) + (slash == output)) : strdup(".");
        out_dir = dir ? realpath(dir, NULL) : NULL;
        free(dir);
    }
    char *slash = stats_dir ? strrchr(stats_dir, '/') : NULL;
    if (slash)
        *(slash == stats_dir ? slash + 1 : slash) = '\0';
    int beside = stats_dir && out_dir && strcmp(stats_dir, out_dir) == 0;
    free(stats_dir);
    free(out_dir);
    return strdup(beside ? base : stats);
}

dt_status dti_call_report(const dt_report_options *o, dt_progress_fn progress, dt_note_fn note,
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
    r.stats_link = stats_link(o->stats, o->output);
    r.rules = o->rules;
    r.fabric = o->fabric;
    r.budget = o->budget;
    r.has_budget = o->has_budget;
    char *temp = NULL, *temp_svg = NULL;
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
            status = dti_nomem(err);
        for (size_t i = 0; status == DT_OK && i < o->map_count; i++, r.map_count++)
            status = dti_figure_read(&r.maps[i], o->maps[i], err);
    } else if (status == DT_OK && o->regions) {
        if (!(temp = dti_outfile_scratch(out, ".png", err)) ||
            !(temp_svg = dti_outfile_scratch(out, ".svg", err)))
            status = err->status;
        else
            status = default_map(&r, o, temp, temp_svg, progress, note, user, err);
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
        size_t maps = r.map_count + (size_t)r.has_plan_map;
        dti_say(note, user, "%zu %s, %llu %s, %s%% unserved; %zu %s%s%s", r.stats.nrows,
                dti_plural(r.stats.nrows, "region", "regions"),
                (unsigned long long)r.totals.locations,
                dti_plural(r.totals.locations, "location", "locations"), pct, maps,
                dti_plural(maps, "map", "maps"), r.has_plan ? ", the plan" : "",
                r.has_diff ? ", the change since the last filing" : "");
        if (r.priced_count)
            dti_say(note, user, "%zu %s with prices", r.priced_count,
                    dti_plural(r.priced_count, "region", "regions"));
    }
    if (temp) {
        dti_temp_unlink(temp);
        free(temp);
    }
    if (temp_svg) {
        dti_temp_unlink(temp_svg);
        free(temp_svg);
    }
    dti_outfile_abort(out);
    report_free(&r);
    return status;
}
