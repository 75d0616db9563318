/* SPDX-License-Identifier: MIT */
/* dialtone plan: options, projects from a region table, the ranked plan table and its map. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

enum { METHOD_AUTO, METHOD_GREEDY, METHOD_EXACT };

static dt_status parse_budget(void *request, const dti_opt *opt, const char *name, const char *v,
                              dt_error *err)
{
    (void)opt;
    dt_plan_options *o = request;
    int rc = dti_parse_budget(v, &o->budget);
    if (rc == 0) {
        o->has_budget = 1;
        return DT_OK;
    }
    return dti_budget_refused(err, DT_ERR_USAGE, NULL, 0, name, v, rc);
}

static void plan_init(void *request) { ((dt_plan_options *)request)->width = 1200; }

static dt_status plan_check(void *request, dt_error *err)
{
    dt_plan_options *o = request;
    const char *missing = !o->stats        ? "a stats table (STATS_CSV)"
                          : !o->has_budget ? "--budget"
                                           : NULL;
    if (missing)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s is required", missing);
    if (o->map && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--map needs --regions (the polygons to draw)");
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", o->output);
    if (o->map)
        dti_path_output(&c, "--map", o->map);
    dti_path_input(&c, "STATS_CSV", o->stats, 0);
    dti_path_input(&c, "--costs", o->costs, 0);
    dti_path_input(&c, "--land", o->land, 0);
    dti_path_input(&c, "--regions", o->regions, 0);
    dt_status status = dti_path_check_finish(&c, err);
    if (status == DT_OK)
        status = dti_output_named("-o", o->output, "csv", err);
    if (status == DT_OK)
        status = dti_output_named("--map", o->map, "png", err);
    return status;
}

static dt_status plan_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                          dt_error *err)
{
    return dt_plan(request, progress, note, user, err);
}

static const char *const method_words[] = {"auto", "greedy", "exact", NULL};
static const char *const scale_bar_words[] = {"none", "km", "mi", NULL};

#define P(field) offsetof(dt_plan_options, field)
static const dti_opt plan_options[] = {
    {DTI_OPT_CALL, .names = "--budget", .meta = "DOLLARS", .parse = parse_budget,
     .help = "the money to allocate, e.g. 25000000 (required)"},
    DTI_SHARE_HELP(dti_opt_output, dt_plan_options, output,
                   "write the plan table to FILE (default: stdout)"),
    {DTI_OPT_STRING, .names = "--stats", .meta = "CSV", .offset = P(stats),
     .help = "the stats table (or as the operand STATS_CSV)"},
    {DTI_OPT_STRING, .names = "--costs", .meta = "FILE", .offset = P(costs),
     .help = "cost model CSV: min_density,max_density,\n"
             "cost_per_location (default: datasets/cost_model.csv,\n"
             "built in; illustrative model defaults, not measured\n"
             "costs)"},
    {DTI_OPT_FLAG, .names = "--households", .offset = P(households),
     .help = "rank and fund by households reached (needs the stats\n"
             "columns unserved_households or unserved_housing)"},
    {DTI_OPT_CHOICE, .names = "--method", .meta = "M", .offset = P(method), .words = method_words,
     .help = "auto (default: exact when the problem is small enough,\n"
             "else greedy), greedy, or exact"},
    DTI_SECTION("Land area (first found: --land, a land_km2 column of the stats table,\n"
                "or --regions):"),
    {DTI_OPT_STRING, .names = "--land", .meta = "FILE", .offset = P(land),
     .help = "geoid,land_km2"},
    {DTI_OPT_STRING, .names = "--regions", .meta = "LAYER", .offset = P(regions),
     .help = "polygon layer: its ALAND20/ALAND field (square\n"
             "metres), or else its polygons' area in an equal-area\n"
             "projection"},
    DTI_SHARE_HELP(dti_opt_layer, dt_plan_options, layer, "which layer of LAYER"),
    DTI_SHARE_HELP(dti_opt_id_field, dt_plan_options, id_field, "the region id field of LAYER"),
    DTI_SECTION("Map (needs --regions):"),
    {DTI_OPT_STRING, .names = "--map", .meta = "FILE.png", .offset = P(map),
     .help = "draw funded and unfunded regions"},
    DTI_SHARE(dti_opt_title, dt_plan_options, title),
    DTI_SHARE(dti_opt_subtitle, dt_plan_options, subtitle),
    DTI_SHARE(dti_opt_source, dt_plan_options, source),
    DTI_SHARE(dti_opt_region_noun, dt_plan_options, region_noun),
    DTI_SHARE_HELP(dti_opt_width, dt_plan_options, width, "map width in points (default 1200)"),
    {DTI_OPT_CHOICE, .names = "--scale-bar", .meta = "km|mi", .offset = P(scale_bar),
     .words = scale_bar_words, .expect = "km or mi", .help = "draw a scale bar on the map"},
    {0}};
#undef P

const dti_command dti_plan_command = {
    .name = "plan",
    .summary = "rank and cost regions, fund them from a budget (BEAD order)",
    .synopsis = "--budget DOLLARS [OPTIONS] STATS_CSV",
    .description = "Rank the regions of a stats table (dialtone stats) by the cost of connecting\n"
                   "their unserved locations, then their underserved ones, and fund them from a\n"
                   "budget. A region's project costs its locations to connect times the cost per\n"
                   "location of its density class (locations per km2 of land).\n",
    .epilogue = "Columns: rank,geoid,pass,density,density_class,cost_per_location,\n"
                "project_locations[,project_households],cost[,cost_per_household],funded,\n"
                "cumulative_cost,cumulative_locations[,cumulative_households]\n"
                "(see the dialtone-plan(1) manual).\n"
                "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = plan_options,
    .operands = {DTI_OPT_STRING, .meta = "STATS_CSV", .offset = offsetof(dt_plan_options, stats)},
    .size = sizeof(dt_plan_options),
    .init = plan_init,
    .check = plan_check,
    .run = plan_run,
};

dt_plan_options *dti_call_plan_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_plan_command, argc, argv, err);
}

void dt_plan_options_free(dt_plan_options *o) { dti_request_free(o); }

/* ---- projects from the stats table ---- */

typedef struct plan_state {
    dti_csv_table table;
    dti_cost_model model;
    dti_land land;
    int have_land_file;
    int col[4];                  /* geoid, locations, unserved, underserved */
    int col_land, col_hh[2];     /* -1 when absent */
    const char *households_from; /* the household columns' kind, or NULL */
    dti_project *projects;
    size_t count, first_underserved; /* pass 0 projects come first */
    size_t no_land;                  /* regions with a land area of 0 */
    char no_land_first[64];
    const char *land_source, *land_name;
} plan_state;

static dt_status find_columns(plan_state *s, const dt_plan_options *o, dt_error *err)
{
    static const char *const names[] = {"geoid", "locations", "unserved", "underserved"};
    dti_csv_table *t = &s->table;
    dt_status status = dti_csv_table_require(t, names, 4, s->col,
                                             "a region table of dialtone "
                                             "stats",
                                             err);
    if (status != DT_OK)
        return status;
    s->col_land = dti_csv_table_column(t, "land_km2");
    static const char *const kinds[][3] = {
        {"unserved_households", "underserved_households", "households"},
        {"unserved_housing", "underserved_housing", "housing units"}};
    s->col_hh[0] = s->col_hh[1] = -1;
    for (int k = 0; k < 2 && s->col_hh[0] < 0; k++) {
        s->col_hh[0] = dti_csv_table_column(t, kinds[k][0]);
        s->col_hh[1] = dti_csv_table_column(t, kinds[k][1]);
        if (s->col_hh[0] >= 0 && s->col_hh[1] >= 0)
            s->households_from = kinds[k][2];
        else
            s->col_hh[0] = s->col_hh[1] = -1;
    }
    if (o->households && !s->households_from)
        return dti_error_set(err, DT_ERR_FORMAT, t->path, 1,
                             "--households needs the columns unserved_households and "
                             "underserved_households, or unserved_housing and "
                             "underserved_housing (dialtone stats --blocks ...)");
    return DT_OK;
}

static dt_status load_land(plan_state *s, const dt_plan_options *o, dt_error *err)
{
    if (o->land) {
        s->have_land_file = 1;
        s->land_name = o->land;
        dt_status status = dti_land_read_csv(&s->land, o->land, err);
        s->land_source = s->land.source;
        return status;
    }
    if (s->col_land >= 0) {
        s->land_source = "the land_km2 column of the stats table";
        return DT_OK;
    }
    if (o->regions) {
        s->have_land_file = 1;
        s->land_name = o->regions;
        dt_status status = dti_land_read_layer(&s->land, o->regions, o->layer, o->id_field, err);
        s->land_source = s->land.source;
        return status;
    }
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                         "no land area: give --land FILE (geoid,land_km2), --regions LAYER, or "
                         "a stats table with a land_km2 column (dialtone stats --blocks)");
}

static dt_status region_land(plan_state *s, size_t row, const char *geoid, dti_decimal *km2,
                             dt_error *err)
{
    dti_csv_table *t = &s->table;
    if (!s->have_land_file) {
        const char *cell = dti_csv_table_cell(t, row, s->col_land);
        if (*cell == '\0')
            return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                 "region %s has no land_km2 (give --land FILE)", geoid);
        return dti_csv_table_exact(t, row, s->col_land, km2, err);
    }
    if (dti_land_find(&s->land, geoid, km2) != 0)
        return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                             "no land area for region %s in %s", geoid, s->land_name);
    return DT_OK;
}

static dt_status add_projects(plan_state *s, const dt_plan_options *o, size_t row, dti_strtab *seen,
                              dt_error *err)
{
    dti_csv_table *t = &s->table;
    const char *geoid = dti_csv_table_cell(t, row, s->col[0]);
    uint64_t n, need[2];
    dt_status status = dti_csv_table_count(t, row, s->col[1], &n, err);
    for (int pass = 0; pass < 2 && status == DT_OK; pass++)
        status = dti_csv_table_count(t, row, s->col[2 + pass], &need[pass], err);
    if (status != DT_OK)
        return status;
    size_t known = seen->count;
    if (dti_strtab_intern(seen, geoid, strlen(geoid)) == UINT32_MAX)
        return dti_nomem(err);
    if (seen->count == known)
        return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row], "region %s appears twice",
                             geoid);
    if (need[0] + need[1] > n)
        return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                             "region %s: unserved + underserved (%llu) is more than its "
                             "locations (%llu)",
                             geoid, (unsigned long long)(need[0] + need[1]), (unsigned long long)n);
    if (need[0] + need[1] == 0)
        return DT_OK;
    dti_decimal land;
    if ((status = region_land(s, row, geoid, &land, err)) != DT_OK)
        return status;
    if (land.digits == 0 && s->no_land++ == 0)
        snprintf(s->no_land_first, sizeof s->no_land_first, "%s", geoid);
    const dti_cost_class *cls = dti_cost_class_of(&s->model, n, land);
    for (int pass = 0; pass < 2; pass++) {
        if (need[pass] == 0)
            continue;
        dti_project *p = &s->projects[s->count++];
        memset(p, 0, sizeof *p);
        p->geoid = geoid;
        p->row = row;
        p->pass = pass;
        p->locations = n;
        p->connect = need[pass];
        p->land_km2 = land;
        p->cost_class = cls;
        p->households_x10 = -1;
        if (s->households_from &&
            (status = dti_csv_table_decimal(t, row, s->col_hh[pass], 1, &p->households_x10, err)) !=
                DT_OK)
            return status;
        char per[32];
        if (dti_money_mul(cls->cost_per_location, p->connect, &p->cost) != 0)
            return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                                 "region %s: the project (%llu locations at $%s) would cost "
                                 "more than $1,000,000,000,000 (10^12)",
                                 geoid, (unsigned long long)p->connect,
                                 dti_money_format(per, sizeof per, cls->cost_per_location, 0));
        p->benefit = o->households ? p->households_x10 : (int64_t)p->connect;
    }
    return DT_OK;
}

/* Pass 0 projects first, then pass 1, each group in table order for now. */
static dt_status build_projects(plan_state *s, const dt_plan_options *o, dt_error *err)
{
    dti_csv_table *t = &s->table;
    dti_strtab seen;
    dti_strtab_init(&seen);
    s->projects = calloc(2 * t->nrows + 1, sizeof *s->projects);
    dt_status status = s->projects ? DT_OK : dti_nomem(err);
    for (size_t r = 0; status == DT_OK && r < t->nrows; r++)
        status = add_projects(s, o, r, &seen, err);
    dti_strtab_free(&seen);
    if (status != DT_OK)
        return status;
    /* stable split: unserved projects before underserved ones */
    dti_project *sorted = malloc((s->count + 1) * sizeof *sorted);
    if (!sorted)
        return dti_nomem(err);
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            s->first_underserved = k;
        for (size_t i = 0; i < s->count; i++)
            if (s->projects[i].pass == pass)
                sorted[k++] = s->projects[i];
    }
    free(s->projects);
    s->projects = sorted;
    return DT_OK;
}

/* ---- allocation ---- */

/* The funded costs add up past the money range (a budget is at most DTI_MONEY_MAX, so this
 * would be a bug: refused rather than wrapped). */
static dt_status money_overflow(dt_error *err)
{
    return dti_error_set(err, DT_ERR_FORMAT, NULL, 0,
                         "the funded costs add up to more than $1,000,000,000,000 (10^12)");
}

typedef struct pass_result {
    dti_money spent, spent_greedy;
    uint64_t reached, reached_greedy; /* locations */
    int64_t benefit, benefit_greedy;
    size_t funded, funded_greedy, count;
    int exact, considered, all_funded;
    dti_exact_size size; /* of the exact problem, when it was too large */
} pass_result;

/* Why the exact solver does not run, with the real quantity and its limit. */
static void exact_too_large(char *buf, size_t size, const dti_exact_size *z, int households)
{
    const char *unit = households ? " tenths of households" : "";
    if (z->reach > DTI_EXACT_MAX_REACH)
        snprintf(buf, size,
                 "the projects that fit the budget (%zu) reach %llu%s in all, more than the "
                 "exact solver's limit of %llu (2^24)",
                 z->projects, (unsigned long long)z->reach, unit,
                 (unsigned long long)DTI_EXACT_MAX_REACH);
    else
        snprintf(buf, size,
                 "the projects that fit the budget (%zu) times the %llu%s they reach in all "
                 "make %llu, more than the exact solver's limit of %llu (2^30)",
                 z->projects, (unsigned long long)z->reach, unit, (unsigned long long)z->cells,
                 (unsigned long long)DTI_EXACT_MAX_CELLS);
}

static dt_status allocate(dti_project *p, size_t n, dti_money budget, int method, int households,
                          pass_result *r, dt_error *err)
{
    memset(r, 0, sizeof *r);
    r->count = n;
    r->considered = 1;
    dti_plan_rank(p, n);
    dti_plan_greedy(p, n, budget);
    if (method != METHOD_GREEDY) {
        dti_exact_size size;
        int rc = dti_plan_exact(p, n, budget, DTI_EXACT_MAX_CELLS, &size);
        if (rc < 0)
            return dti_nomem(err);
        if (rc == 0 && method == METHOD_EXACT) {
            char why[400];
            exact_too_large(why, sizeof why, &size, households);
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                 "--method exact: %s; use --method greedy", why);
        }
        r->exact = rc == 1;
        if (rc == 0)
            r->size = size;
    }
    r->all_funded = 1;
    for (size_t i = 0; i < n; i++) {
        if (!r->exact)
            p[i].funded = p[i].funded_greedy;
        if (p[i].funded) {
            if (dti_money_add(r->spent, p[i].cost, &r->spent) != 0)
                return money_overflow(err);
            r->reached += p[i].connect;
            r->benefit += p[i].benefit;
            r->funded++;
        }
        if (p[i].funded_greedy) {
            if (dti_money_add(r->spent_greedy, p[i].cost, &r->spent_greedy) != 0)
                return money_overflow(err);
            r->reached_greedy += p[i].connect;
            r->benefit_greedy += p[i].benefit;
            r->funded_greedy++;
        }
        if (p[i].benefit > 0 && !p[i].funded)
            r->all_funded = 0;
    }
    return DT_OK;
}

/* ---- the plan table ---- */

/* locations / land_km2 rounded half up to 2 decimals, exactly (empty without land): the
 * long division of the digits of locations * 100 * 10^scale by the land's digits, so that
 * no quotient can leave a machine word. */
static char *format_density(char *buf, size_t size, uint64_t locations, dti_decimal land)
{
    buf[0] = '\0';
    if (land.digits == 0 || size < 4)
        return buf;
    char numerator[64], quotient[64];
    int n = snprintf(numerator, sizeof numerator, "%llu", (unsigned long long)locations);
    for (int i = 0; i < 2 + land.scale; i++)
        numerator[n++] = '0';
    dti_u128 rest = 0;
    int q = 0;
    for (int i = 0; i < n; i++) {
        rest = rest * 10 + (unsigned)(numerator[i] - '0'); /* below 10 * land.digits */
        int digit = (int)(rest / land.digits);
        rest %= land.digits;
        if (q > 0 || digit > 0)
            quotient[q++] = (char)('0' + digit);
    }
    while (q < 3) { /* at least 0.0x */
        memmove(quotient + 1, quotient, (size_t)q++);
        quotient[0] = '0';
    }
    if (2 * rest >= land.digits) { /* half up: carry from the last digit */
        int i = q - 1;
        for (; i >= 0 && quotient[i] == '9'; i--)
            quotient[i] = '0';
        if (i < 0) {
            memmove(quotient + 1, quotient, (size_t)q++);
            quotient[0] = '1';
        } else {
            quotient[i]++;
        }
    }
    snprintf(buf, size, "%.*s.%.2s", q - 2, quotient, quotient + q - 2);
    return buf;
}

static char *format_tenths(char *buf, size_t size, int64_t tenths)
{
    snprintf(buf, size, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
    return buf;
}

static void class_text(char *buf, size_t size, const dti_cost_class *c)
{
    char lo[40], hi[40];
    if (c->label[0])
        snprintf(buf, size, "%s", c->label);
    else if (c->unbounded)
        snprintf(buf, size, "%s-inf", dti_format_decimal(lo, sizeof lo, c->min));
    else
        snprintf(buf, size, "%s-%s", dti_format_decimal(lo, sizeof lo, c->min),
                 dti_format_decimal(hi, sizeof hi, c->max));
}

/* One row of the plan table: to the CSV (fp) and to the table in memory (mem), either NULL.
 * 0, or -1 out of memory. */
static int emit(FILE *fp, dt_table *mem, const char *const *cells, int n)
{
    for (int c = 0; fp && c < n; c++) {
        if (c)
            fputc(',', fp);
        dti_csv_put_field(fp, cells[c]);
    }
    if (fp)
        fputc('\n', fp);
    return mem ? dti_table_add_row(mem, cells) : 0;
}

/* The columns of the plan table (rank,geoid,...: see the usage's epilogue). */
static int plan_columns(dti_column *cols, int hh, int households)
{
    int n = 0;
#define COL(name, type) (cols[n++] = (dti_column){(name), (type)})
    COL("rank", DTI_CELL_INTEGER), COL("geoid", DTI_CELL_TEXT), COL("pass", DTI_CELL_TEXT);
    COL("density", DTI_CELL_REAL), COL("density_class", DTI_CELL_TEXT);
    COL("cost_per_location", DTI_CELL_REAL), COL("project_locations", DTI_CELL_INTEGER);
    if (hh)
        COL("project_households", DTI_CELL_REAL);
    COL("cost", DTI_CELL_REAL);
    if (households)
        COL("cost_per_household", DTI_CELL_REAL);
    COL("funded", DTI_CELL_TEXT), COL("cumulative_cost", DTI_CELL_REAL);
    COL("cumulative_locations", DTI_CELL_INTEGER);
    if (hh)
        COL("cumulative_households", DTI_CELL_REAL);
#undef COL
    return n;
}

/* The plan table to fp and/or *mem (made here; NULL when out of memory). 0, -1 out of memory,
 * or -2 a cumulative cost past DTI_MONEY_MAX. */
static int write_table(FILE *fp, dt_table **mem, const plan_state *s, int households)
{
    int hh = s->households_from != NULL;
    dti_column cols[16];
    int n = plan_columns(cols, hh, households);
    const char *names[16];
    for (int c = 0; c < n; c++)
        names[c] = cols[c].name;
    if (mem && !(*mem = dti_table_new(cols, n)))
        return -1;
    if (fp && emit(fp, NULL, names, n) != 0)
        return -1;
    dti_money cum_cost = 0;
    int64_t cum_hh = 0;
    uint64_t cum_loc = 0;
    for (size_t i = 0; i < s->count; i++) {
        const dti_project *p = &s->projects[i];
        char v[16][128];
        const char *cells[16];
        int k = 0;
#define CELL (cells[k] = v[k], v[k++])
        snprintf(CELL, 128, "%zu", i + 1);
        cells[k++] = p->geoid;
        cells[k++] = p->pass ? "underserved" : "unserved";
        format_density(CELL, 128, p->locations, p->land_km2);
        class_text(CELL, 128, p->cost_class);
        dti_money_format(CELL, 128, p->cost_class->cost_per_location, 0);
        snprintf(CELL, 128, "%llu", (unsigned long long)p->connect);
        if (hh)
            format_tenths(CELL, 128, p->households_x10);
        dti_money_format(CELL, 128, p->cost, 0);
        if (households) {
            /* per household: cost * 10 / tenths, rounded half up to the cent */
            char *b = CELL;
            if (p->households_x10 > 0)
                dti_money_format_scaled(b, 128, p->cost, 10, (uint64_t)p->households_x10, 0);
            else
                b[0] = '\0';
        }
        if (p->funded) {
            if (dti_money_add(cum_cost, p->cost, &cum_cost) != 0)
                return -2;
            cum_loc += p->connect;
            cum_hh += p->households_x10 > 0 ? p->households_x10 : 0;
            cells[k++] = "yes";
            dti_money_format(CELL, 128, cum_cost, 0);
            snprintf(CELL, 128, "%llu", (unsigned long long)cum_loc);
            if (hh)
                format_tenths(CELL, 128, cum_hh);
        } else {
            cells[k++] = "no";
            for (int e = 0; e < (hh ? 3 : 2); e++)
                cells[k++] = "";
        }
#undef CELL
        if (emit(fp, mem ? *mem : NULL, cells, k) != 0)
            return -1;
    }
    return 0;
}

/* ---- the map of funded regions ---- */

static dt_status draw_map(const dt_plan_options *o, const plan_state *s, const pass_result *r,
                          const dti_outfile *map, dt_progress_fn progress, dt_note_fn note,
                          void *user, dt_error *err)
{
    /* per row: 1 has a project, 2 funded; the map gets 1 when any project of the region is
     * funded, 0 when none is, and regions without a project stay out (no data) */
    uint8_t *state = calloc(s->table.nrows + 1, 1);
    const char **ids = malloc((s->table.nrows + 1) * sizeof *ids);
    double *values = malloc((s->table.nrows + 1) * sizeof *values);
    dt_map_options *m = state && ids && values ? dti_request_new(&dti_map_command, err) : NULL;
    dt_status status = m ? DT_OK : dti_nomem(err);
    size_t regions = 0, funded = 0;
    for (size_t i = 0; status == DT_OK && i < s->count; i++) {
        uint8_t v = s->projects[i].funded ? 2 : 1;
        if (v > state[s->projects[i].row])
            state[s->projects[i].row] = v;
    }
    for (size_t row = 0; status == DT_OK && row < s->table.nrows; row++) {
        if (!state[row])
            continue;
        ids[regions] = dti_csv_table_cell(&s->table, row, s->col[0]);
        values[regions++] = state[row] - 1;
        funded += state[row] == 2;
    }
    dti_map_values funded_values = {"the plan", regions, ids, values};
    char money[64], unserved[64], underserved[80], subtitle[512], funded_label[128];
    dti_format_number(money, sizeof money, dti_money_dollars(o->budget), 0);
    dti_format_number(unserved, sizeof unserved, (double)r[0].reached, 0);
    underserved[0] = '\0';
    if (r[1].reached)
        snprintf(underserved, sizeof underserved, " and %s underserved",
                 dti_format_number(subtitle, sizeof subtitle, (double)r[1].reached, 0));
    snprintf(subtitle, sizeof subtitle,
             "Budget $%s: %zu of %zu %s funded, connecting %s unserved%s locations (%s "
             "allocation)",
             money, funded, regions, o->region_noun ? o->region_noun : "regions", unserved,
             underserved, r[0].exact ? "exact" : "greedy");
    /* the legend says what funded means: the budget, unserved projects first; funded regions
     * stand out in blue, unfunded ones recede in a neutral grey, darker than the near-white of
     * regions with nothing to build */
    snprintf(funded_label, sizeof funded_label, "Budget $%s, unserved first", money);
    if (status == DT_OK) {
        int bad =
            dti_set_text(&m->regions, o->regions) | dti_set_text(&m->layer, o->layer) |
            dti_set_text(&m->id_field, o->id_field) | dti_set_text(&m->column, "plan_funded") |
            dti_set_text(&m->palette, "#c6c6c6,#2171b5") |
            dti_set_text(&m->class_labels, "Not funded,Funded") |
            dti_set_text(&m->no_data_label, "Nothing to build") |
            dti_set_text(&m->legend_title, funded_label) |
            dti_set_text(&m->title, o->title ? o->title : "Where the budget goes") |
            dti_set_text(&m->subtitle, o->subtitle ? o->subtitle : subtitle) |
            dti_set_text(&m->source, o->source) | dti_set_text(&m->region_noun, o->region_noun) |
            dti_set_text(&m->output, dti_outfile_path(map));
        m->breaks[0] = 0.5;
        m->break_count = 1;
        m->no_data_color = (dti_rgb){0xf0, 0xf0, 0xf0};
        m->width = o->width;
        m->scale_bar = o->scale_bar;
        m->values = &funded_values;
        status = bad ? dti_nomem(err) : dti_request_check(m, err);
    }
    if (status == DT_OK)
        status = dt_map(m, progress, note, user, err);
    dti_request_free(m);
    free(values);
    free(ids);
    free(state);
    return status;
}

/* ---- the run ---- */

static void report(const dt_plan_options *o, const plan_state *s, const pass_result *r,
                   dt_note_fn note, void *user)
{
    char a[64], b[64], c[64];
    const char *unit = o->households ? "households" : "locations";
    if (!o->costs)
        dti_say(note, user, "cost model: %s: illustrative model defaults, not measured costs",
                s->model.source);
    else
        dti_say(note, user, "cost model: %s (%zu density %s)", s->model.source, s->model.count,
                dti_plural(s->model.count, "class", "classes"));
    dti_say(note, user, "land area: %s", s->land_source);
    if (s->no_land)
        dti_say(note, user,
                "%zu %s no land area (first: %s): their density counts as "
                "infinite, the highest class",
                s->no_land, dti_plural(s->no_land, "region has", "regions have"), s->no_land_first);
    if (s->households_from)
        dti_say(note, user, "households: census %s (columns %s and %s)", s->households_from,
                s->table.names[s->col_hh[0]], s->table.names[s->col_hh[1]]);
    for (int pass = 0; pass < 2; pass++) {
        const pass_result *q = &r[pass];
        const char *what = pass ? "underserved" : "unserved";
        if (q->count == 0)
            continue;
        if (!q->considered) {
            dti_say(note, user,
                    "%zu %s for underserved locations %s: BEAD funds every "
                    "unserved project first, and some are not funded",
                    q->count, dti_plural(q->count, "project", "projects"),
                    dti_plural(q->count, "waits", "wait"));
            continue;
        }
        dti_say(note, user,
                "%s: funded %zu of %zu %s for $%s, connecting %llu %s "
                "%s (%s)",
                what, q->funded, q->count, dti_plural(q->count, "project", "projects"),
                dti_format_number(a, sizeof a, dti_money_dollars(q->spent), 0),
                (unsigned long long)q->reached, what,
                dti_plural(q->reached, "location", "locations"),
                q->exact ? "exact allocation" : "greedy");
        if (q->exact && (q->benefit_greedy != q->benefit || q->spent_greedy != q->spent)) {
            if (o->households)
                dti_say(note, user,
                        "%s: the exact allocation reaches %s households; greedy "
                        "would reach %s for $%s",
                        what, dti_format_number(b, sizeof b, (double)q->benefit / 10, 1),
                        dti_format_number(c, sizeof c, (double)q->benefit_greedy / 10, 1),
                        dti_format_number(a, sizeof a, dti_money_dollars(q->spent_greedy), 0));
            else
                dti_say(note, user,
                        "%s: the exact allocation reaches %llu %s; greedy would "
                        "reach %llu for $%s",
                        what, (unsigned long long)q->reached, unit,
                        (unsigned long long)q->reached_greedy,
                        dti_format_number(a, sizeof a, dti_money_dollars(q->spent_greedy), 0));
        } else if (!q->exact && o->method == METHOD_AUTO) {
            char why[400];
            exact_too_large(why, sizeof why, &q->size, o->households);
            dti_say(note, user, "%s: greedy only: %s", what, why);
        }
    }
    /* spent <= budget in each pass, the second from what the first left */
    dti_say(
        note, user, "budget $%s: $%s left",
        dti_format_number(a, sizeof a, dti_money_dollars(o->budget), 0),
        dti_format_number(b, sizeof b, dti_money_dollars(o->budget - r[0].spent - r[1].spent), 0));
}

dt_status dti_call_plan(const dt_plan_options *o, dt_progress_fn progress, dt_note_fn note,
                        void *user, dt_table **table, dt_error *err)
{
    plan_state s;
    memset(&s, 0, sizeof s);
    pass_result r[2];
    memset(r, 0, sizeof r);
    dti_outfile *out = NULL, *map = NULL;
    dti_gdal_init();
    /* the outputs first: an unwritable path fails before the work */
    /* the table goes to a file with -o, or to stdout when it is not kept in memory */
    int to_file = o->output || !table;
    dt_status status =
        !to_file || (out = dti_outfile_open(o->output, note, user, err)) ? DT_OK : err->status;
    if (status == DT_OK && o->map &&
        !(map = dti_outfile_open_file(o->map, ".png", note, user, err)))
        status = err->status;
    if (status == DT_OK)
        status = dti_cost_model_read(&s.model, o->costs, err);
    if (status == DT_OK)
        status = dti_csv_table_read(&s.table, o->stats, o->stats, 0, err);
    if (status == DT_OK)
        status = find_columns(&s, o, err);
    if (status == DT_OK)
        status = load_land(&s, o, err);
    if (status == DT_OK && progress && !progress(0.2, "ranking", user))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    if (status == DT_OK)
        status = build_projects(&s, o, err);
    if (status == DT_OK)
        status = allocate(s.projects, s.first_underserved, o->budget, o->method, o->households,
                          &r[0], err);
    size_t n_under = s.count - s.first_underserved;
    if (status == DT_OK && r[0].all_funded)
        status = allocate(s.projects + s.first_underserved, n_under, o->budget - r[0].spent,
                          o->method, o->households, &r[1], err);
    else if (status == DT_OK) { /* BEAD: underserved projects only once every unserved one is */
        r[1].count = n_under;
        dti_plan_rank(s.projects + s.first_underserved, n_under);
    }
    struct json_t *source = NULL, *prov = NULL;
    int known = status == DT_OK ? dti_sidecar_read(o->stats, &source, err) : 0;
    if (known < 0)
        status = err->status;
    else if (status == DT_OK && !known)
        dti_say(note, user,
                "%s has no metadata beside it (made by hand?): the plan cannot say which rules "
                "its counts were made with",
                o->stats);
    if (status == DT_OK) {
        int rc = write_table(out ? dti_outfile_stream(out) : NULL, table, &s, o->households);
        if (rc != 0)
            status = rc == -2 ? money_overflow(err) : dti_nomem(err);
        char money[64];
        prov = dti_prov_new("plan");
        dti_prov_set_text(prov, "budget", dti_money_format(money, sizeof money, o->budget, 0));
        dti_prov_set_text(prov, "method",
                          o->method == METHOD_EXACT    ? "exact"
                          : o->method == METHOD_GREEDY ? "greedy"
                                                       : "auto");
        dti_prov_set_text(prov, "cost_model", o->costs ? o->costs : "built in (illustrative)");
        dti_prov_set_bool(prov, "households", o->households);
        /* by name: a run makes it in a temporary directory, then moves it */
        dti_prov_set_text(prov, "stats",
                          o->stats && strrchr(o->stats, '/') ? strrchr(o->stats, '/') + 1
                                                             : o->stats);
        dti_prov_set_object(prov, "source", source);
        static const char *const passes[2] = {"unserved", "underserved"};
        for (int k = 0; k < 2; k++)
            if (r[k].considered && r[k].count)
                dti_prov_add_pass(prov, passes[k], r[k].exact, r[k].funded, r[k].reached,
                                  r[k].spent, r[k].funded_greedy, r[k].reached_greedy,
                                  r[k].spent_greedy);
        if (out)
            dti_outfile_set_provenance(out, prov);
    }
    if (status == DT_OK && map)
        status = draw_map(o, &s, r, map, progress, note, user, err);
    sigset_t mask; /* both in place, or neither: an interruption waits */
    dti_signals_hold(&mask);
    if (status == DT_OK && out) {
        status = dti_outfile_commit(out, err);
        out = NULL;
    }
    if (status == DT_OK && map) {
        status = dti_outfile_commit(map, err);
        map = NULL;
    }
    dti_signals_release(&mask);
    if (status == DT_OK)
        report(o, &s, r, note, user);
    dti_prov_free(prov);
    dti_prov_free(source);
    dti_outfile_abort(out);
    dti_outfile_abort(map);
    free(s.projects);
    dti_land_free(&s.land);
    dti_csv_table_free(&s.table);
    dti_cost_model_free(&s.model);
    if (status != DT_OK && table) {
        dt_table_free(*table);
        *table = NULL;
    }
    return status;
}
