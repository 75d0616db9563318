/* dialtone run: the whole pipeline (stats, maps, plan, change, report) from one config file. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct dt_run_options {
    char *config, *out;
    int quiet, help, version;
};

static const char usage_text[] =
    "Usage: dialtone run [OPTIONS] CONFIG\n"
    "\n"
    "Run the whole pipeline from one configuration file: read the BDC files, write the\n"
    "region table (dialtone stats), draw the maps (dialtone map), fund a budget\n"
    "(dialtone plan, when the config has one), compare with a previous release\n"
    "(dialtone diff, when it names one) and write the report (dialtone report).\n"
    "\n"
    "CONFIG: key = value lines; # starts a comment; paths are relative to CONFIG's\n"
    "directory. bdc is required; see the dialtone-run(1) manual for every key, e.g.\n"
    "  bdc = bdc_20_*.csv bdc_20_*.zip\n"
    "  fabric = fabric.csv\n"
    "  blocks = tl_2020_20_tabblock20.zip   (adds housing; households = yes uses it)\n"
    "  by = county\n"
    "  regions = counties.gpkg\n"
    "  budget = 20000000\n"
    "  out = ../../out\n"
    "\n"
    "Options:\n"
    "  --out DIR             write into DIR instead of the config's out\n"
    "  -q, --quiet           no progress or notes on stderr\n"
    "  -h, --help            show this help\n"
    "  --version             show the version\n"
    "\n"
    "Nothing is written unless every step succeeds: the outputs are made in a\n"
    "temporary directory inside the output directory and moved into place at the end.\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

const char *dt_run_usage(void) { return usage_text; }
int dt_run_options_wants_help(const dt_run_options *o) { return o->help; }
int dt_run_options_wants_version(const dt_run_options *o) { return o->version; }
int dt_run_options_quiet(const dt_run_options *o) { return o->quiet; }

void dt_run_options_free(dt_run_options *o)
{
    if (!o)
        return;
    free(o->config);
    free(o->out);
    free(o);
}

dt_run_options *dt_run_options_new(int argc, char **argv, dt_error *err)
{
    dt_run_options *o = calloc(1, sizeof *o);
    if (!o) {
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
        } else if (strcmp(a, "--version") == 0) {
            o->version = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (dti_is_option(a, "--out")) {
            if (!(v = dti_option_value(argc, argv, &i, "--out", err)))
                goto fail;
            if (dti_replace_string(&o->out, v) != 0)
                goto nomem;
        } else if (a[0] == '-') {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "unknown option %s", a);
            goto fail;
        } else if (o->config) {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "one configuration file only (%s and %s)",
                          o->config, a);
            goto fail;
        } else if (dti_replace_string(&o->config, a) != 0) {
            goto nomem;
        }
    }
    if (!o->help && !o->version && !o->config) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no configuration file given");
        goto fail;
    }
    return o;
nomem:
    dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
fail:
    dt_run_options_free(o);
    return NULL;
}

/* ---- the steps ---- */

typedef struct run_state {
    const dti_run_config *c;
    char *out;  /* the output directory */
    char *work; /* the temporary directory inside it */
    const char *name, *level;
    int created_out; /* the run made the output directory: a failed run removes it */
    char **made;     /* file names made in work, to move into out */
    size_t made_count;
    dt_progress_fn progress;
    dt_note_fn note;
    void *user;
    const char *step;
    double from, span;
} run_state;

/* The arguments of one step: any number (a national release is hundreds of
 * files), with the strings formatted for it owned here. */
typedef struct argv_list {
    const char **v;
    int n, cap;
    char **owned;
    int owned_count, owned_cap;
    int no_memory;
} argv_list;

static void add(argv_list *a, const char *x)
{
    if (a->n + 1 >= a->cap) {
        int cap = a->cap ? a->cap * 2 : 32;
        const char **v = realloc(a->v, (size_t)cap * sizeof *v);
        if (!v) {
            a->no_memory = 1;
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    a->v[a->n] = NULL;
}
static void add2(argv_list *a, const char *x, const char *y)
{
    add(a, x);
    add(a, y);
}
/* A copy of text kept until the step ends; NULL when out of memory. */
static const char *own(argv_list *a, const char *text)
{
    if (a->owned_count == a->owned_cap) {
        int cap = a->owned_cap ? a->owned_cap * 2 : 8;
        char **owned = realloc(a->owned, (size_t)cap * sizeof *owned);
        if (!owned) {
            a->no_memory = 1;
            return NULL;
        }
        a->owned = owned;
        a->owned_cap = cap;
    }
    char *copy = strdup(text);
    if (!copy)
        a->no_memory = 1;
    else
        a->owned[a->owned_count++] = copy;
    return copy;
}
static void argv_free(argv_list *a)
{
    for (int i = 0; i < a->owned_count; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->v);
}
/* An option copied from the config when it has the key. */
static void add_key(argv_list *a, const run_state *s, const char *option, int key)
{
    const char *v = dti_run_config_text(s->c, key);
    if (v)
        add2(a, option, v);
}
static void add_path(argv_list *a, const run_state *s, const char *option, int key)
{
    const char *v = dti_run_config_path(s->c, key);
    if (v)
        add2(a, option, v);
}

/* work/NAME_what, remembered as an output */
static const char *output(argv_list *a, run_state *s, const char *what)
{
    size_t n = strlen(s->work) + strlen(s->name) + strlen(what) + 3;
    char *path = malloc(n);
    if (!path) {
        a->no_memory = 1;
        return "";
    }
    snprintf(path, n, "%s/%s_%s", s->work, s->name, what);
    const char *slot = own(a, path);
    free(path);
    if (!slot)
        return "";
    char **made = realloc(s->made, (s->made_count + 1) * sizeof *made);
    if (made)
        s->made = made;
    char *name = made ? strdup(slot + strlen(s->work) + 1) : NULL;
    if (!name) { /* an output not remembered would never be moved into place */
        a->no_memory = 1;
        return slot;
    }
    s->made[s->made_count++] = name;
    return slot;
}

static int step_progress(double frac, const char *msg, void *user)
{
    run_state *s = user;
    return s->progress(s->from + s->span * frac, msg ? msg : s->step, s->user);
}

static void step_note(const char *text, void *user)
{
    run_state *s = user;
    char buf[1400];
    snprintf(buf, sizeof buf, "%s: %s", s->step, text);
    s->note(buf, s->user);
}

/* A step's error names the output, not its temporary directory, and says which step. */
static void explain(const run_state *s, dt_error *err)
{
    size_t n = strlen(s->work);
    if (strncmp(err->file, s->work, n) == 0 && err->file[n] == '/')
        memmove(err->file, err->file + n + 1, strlen(err->file + n + 1) + 1);
    size_t used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used, " (dialtone %s; nothing written)",
             s->step);
}

#define RUN_STEP(kind, state, list, err)                                                           \
    do {                                                                                           \
        dt_##kind##_options *opt =                                                                 \
            (list)->no_memory ? NULL                                                               \
                              : dt_##kind##_options_new((list)->n, (char **)(list)->v, err);       \
        if ((list)->no_memory)                                                                     \
            dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");                            \
        status = opt ? dt_##kind(opt, (state)->progress ? step_progress : NULL,                    \
                                 (state)->note ? step_note : NULL, state, err)                     \
                     : (err)->status;                                                              \
        dt_##kind##_options_free(opt);                                                             \
        argv_free(list);                                                                           \
        if (status != DT_OK && err)                                                                \
            explain(state, err);                                                                   \
    } while (0)

static void rules_args(argv_list *a, const run_state *s)
{
    if (s->c->flag[DTI_RUN_ULFW])
        add(a, "--ulfw");
    add_key(a, s, "--served", DTI_RUN_SERVED);
    add_key(a, s, "--underserved", DTI_RUN_UNDERSERVED);
}

/* The maps: the share unserved (quintiles) and the unserved counts (circles). */
static const struct {
    const char *file, *column, *view, *title, *subtitle, *by;
} views[2] = {{"unserved.png", "pct_unserved", "choropleth", "Where locations lack basic broadband",
               "Share of locations with no reliable", "(quintiles)"},
              {"unserved_symbols.png", "unserved", "symbols", "Where the unserved locations are",
               "Locations with no reliable", ""}};
/* The other files a run makes, after NAME_ */
static const char plan_file[] = "plan.csv", plan_map_file[] = "plan.png",
                  change_file[] = "change.csv", report_file[] = "report.html";

static void stats_file(const run_state *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s_stats.csv", s->level);
}

static dt_status run_stats(run_state *s, char *stats_path, size_t size, dt_error *err)
{
    argv_list a = {0};
    dt_status status;
    add2(&a, "--by", s->level);
    add_path(&a, s, "--fabric", DTI_RUN_FABRIC);
    /* census blocks add the housing columns (households = yes ranks the plan by them) */
    for (size_t i = 0; i < s->c->count[DTI_RUN_BLOCKS]; i++)
        add2(&a, "--blocks", s->c->paths[DTI_RUN_BLOCKS][i]);
    add_key(&a, s, "--threads", DTI_RUN_THREADS);
    rules_args(&a, s);
    char what[64];
    stats_file(s, what, sizeof what);
    snprintf(stats_path, size, "%s", output(&a, s, what));
    add2(&a, "-o", stats_path);
    for (size_t i = 0; i < s->c->count[DTI_RUN_BDC]; i++)
        add(&a, s->c->paths[DTI_RUN_BDC][i]);
    s->step = "stats";
    RUN_STEP(stats, s, &a, err);
    return status;
}

static void region_args(argv_list *a, const run_state *s)
{
    add_path(a, s, "--regions", DTI_RUN_REGIONS);
    add_key(a, s, "--layer", DTI_RUN_LAYER);
    add_key(a, s, "--id-field", DTI_RUN_ID_FIELD);
}

static dt_status run_maps(run_state *s, const char *stats, char maps[2][1024], dt_error *err)
{
    const char *threshold = dti_run_config_text(s->c, DTI_RUN_UNDERSERVED);
    dt_status status = DT_OK;
    for (int v = 0; v < 2 && status == DT_OK; v++) {
        argv_list a = {0};
        char subtitle[256], title[512];
        snprintf(subtitle, sizeof subtitle, "%s %s Mbps service, by %s %s", views[v].subtitle,
                 threshold ? threshold : "25/3", s->level, views[v].by);
        snprintf(title, sizeof title, "%s", views[v].title);
        region_args(&a, s);
        add2(&a, "--stats", stats);
        add2(&a, "--column", views[v].column);
        add2(&a, "--view", views[v].view);
        add2(&a, "--title", title);
        add2(&a, "--subtitle", subtitle);
        add_key(&a, s, "--source", DTI_RUN_SOURCE);
        add_key(&a, s, "--region-noun", DTI_RUN_NOUN);
        add_key(&a, s, "--scale-bar", DTI_RUN_SCALE_BAR);
        add2(&a, "--width", "1200");
        snprintf(maps[v], 1024, "%s", output(&a, s, views[v].file));
        add2(&a, "-o", maps[v]);
        s->step = "map";
        RUN_STEP(map, s, &a, err);
    }
    return status;
}

static dt_status run_plan(run_state *s, const char *stats, char *plan, char *plan_map,
                          dt_error *err)
{
    argv_list a = {0};
    dt_status status;
    add2(&a, "--budget", dti_run_config_text(s->c, DTI_RUN_BUDGET));
    add_path(&a, s, "--costs", DTI_RUN_COSTS);
    add_path(&a, s, "--land", DTI_RUN_LAND);
    add_key(&a, s, "--method", DTI_RUN_METHOD);
    if (s->c->flag[DTI_RUN_HOUSEHOLDS])
        add(&a, "--households");
    region_args(&a, s);
    if (dti_run_config_path(s->c, DTI_RUN_REGIONS)) {
        snprintf(plan_map, 1024, "%s", output(&a, s, plan_map_file));
        add2(&a, "--map", plan_map);
        add_key(&a, s, "--source", DTI_RUN_SOURCE);
        add_key(&a, s, "--region-noun", DTI_RUN_NOUN);
    }
    snprintf(plan, 1024, "%s", output(&a, s, plan_file));
    add2(&a, "-o", plan);
    add(&a, stats);
    s->step = "plan";
    RUN_STEP(plan, s, &a, err);
    return status;
}

static dt_status run_diff(run_state *s, char *change, dt_error *err)
{
    argv_list a = {0};
    dt_status status;
    add2(&a, "--by", s->level);
    add_key(&a, s, "--threads", DTI_RUN_THREADS);
    rules_args(&a, s);
    for (size_t i = 0; i < s->c->count[DTI_RUN_PREVIOUS]; i++)
        add2(&a, "--old", s->c->paths[DTI_RUN_PREVIOUS][i]);
    for (size_t i = 0; i < s->c->count[DTI_RUN_BDC]; i++)
        add2(&a, "--new", s->c->paths[DTI_RUN_BDC][i]);
    snprintf(change, 1024, "%s", output(&a, s, change_file));
    add2(&a, "-o", change);
    s->step = "diff";
    RUN_STEP(diff, s, &a, err);
    return status;
}

static dt_status run_report(run_state *s, const char *stats, char maps[2][1024], const char *plan,
                            const char *plan_map, const char *change, dt_error *err)
{
    argv_list a = {0};
    dt_status status;
    add2(&a, "--stats", stats);
    for (int v = 0; v < 2; v++)
        if (maps[v][0])
            add2(&a, "--map", maps[v]);
    region_args(&a, s);
    if (plan[0]) {
        add2(&a, "--plan", plan);
        add_key(&a, s, "--budget", DTI_RUN_BUDGET);
        add_path(&a, s, "--costs", DTI_RUN_COSTS);
        if (plan_map[0])
            add2(&a, "--plan-map", plan_map);
    }
    if (change[0])
        add2(&a, "--diff", change);
    add_key(&a, s, "--title", DTI_RUN_TITLE);
    add_key(&a, s, "--subtitle", DTI_RUN_SUBTITLE);
    add_key(&a, s, "--source", DTI_RUN_SOURCE);
    add_key(&a, s, "--region-noun", DTI_RUN_NOUN);
    add_key(&a, s, "--top", DTI_RUN_TOP);
    rules_args(&a, s);
    if (dti_run_config_path(s->c, DTI_RUN_FABRIC))
        add(&a, "--fabric");
    add2(&a, "-o", output(&a, s, report_file));
    s->step = "report";
    RUN_STEP(report, s, &a, err);
    return status;
}

/* ---- the run ---- */

static dt_status make_work_dir(run_state *s, dt_error *err)
{
    struct stat st;
    if (stat(s->out, &st) != 0) {
        if (mkdir(s->out, 0777) != 0)
            return dti_error_set(err, DT_ERR_IO, s->out, 0,
                                 "cannot create the output directory: %s", strerror(errno));
        s->created_out = 1;
        if (dti_temp_add(s->out, DTI_TEMP_EMPTY_DIR) != 0)
            return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (stat(s->out, &st) != 0 || !S_ISDIR(st.st_mode))
        return dti_error_set(err, DT_ERR_IO, s->out, 0, "not a directory");
    size_t n = strlen(s->out) + 32;
    if (!(s->work = malloc(n)))
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    snprintf(s->work, n, "%s/.dialtone-run.tmp.XXXXXX", s->out);
    if (!mkdtemp(s->work)) {
        free(s->work);
        s->work = NULL;
        return dti_error_set(err, DT_ERR_IO, s->out, 0, "cannot write: %s", strerror(errno));
    }
    if (dti_temp_add(s->work, DTI_TEMP_TREE) != 0) {
        rmdir(s->work);
        free(s->work);
        s->work = NULL;
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    }
    return DT_OK;
}

/* Remove the temporary directory and whatever is left in it. */
static void remove_work_dir(run_state *s)
{
    if (!s->work)
        return;
    dti_temp_remove_tree(s->work, 2);
    dti_temp_forget(s->work);
}

/* Move every output from the temporary directory into the output directory. */
static dt_status move_outputs(run_state *s, dt_error *err)
{
    char from[2048], to[2048];
    dt_status status = DT_OK;
    sigset_t mask;
    /* which targets are new: a failure partway (out of memory, a full disk) removes the new
     * ones it already moved, so that a failed run leaves no output */
    unsigned char *fresh = calloc(2 * s->made_count + 1, 1);
    if (!fresh)
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < 2 * s->made_count; i++) {
        snprintf(to, sizeof to, "%s/%s%s", s->out, s->made[i / 2], i % 2 ? "-metadata.json" : "");
        fresh[i] = access(to, F_OK) != 0;
    }
    size_t moved = 0;        /* files (i, side) moved: 2 * i + side */
    dti_signals_hold(&mask); /* all of them in place, or none */
    for (size_t i = 0; i < s->made_count && status == DT_OK; i++) {
        /* each table's metadata sidecar goes with it */
        for (int side = 0; side < 2 && status == DT_OK; side++, moved++) {
            const char *suffix = side ? "-metadata.json" : "";
            snprintf(from, sizeof from, "%s/%s%s", s->work, s->made[i], suffix);
            snprintf(to, sizeof to, "%s/%s%s", s->out, s->made[i], suffix);
            if (side == 0 || access(from, F_OK) == 0)
                status = dti_outfile_install(from, to, s->note, s->user, err);
        }
    }
    for (size_t k = 0; status != DT_OK && k + 1 < moved; k++)
        if (fresh[k]) {
            snprintf(to, sizeof to, "%s/%s%s", s->out, s->made[k / 2],
                     k % 2 ? "-metadata.json" : "");
            unlink(to);
        }
    dti_signals_release(&mask);
    free(fresh);
    return status;
}

/* Before any work: the files the steps will make (as they name them) are not one file and not
 * the config or a file it names. */
static dt_status check_paths(const run_state *s, const char *config, dt_error *err)
{
    const dti_run_config *c = s->c;
    const char *what[8];
    char stats[64];
    size_t n = 0;
    stats_file(s, stats, sizeof stats);
    what[n++] = stats;
    if (dti_run_config_path(c, DTI_RUN_REGIONS))
        what[n++] = views[0].file, what[n++] = views[1].file;
    if (dti_run_config_text(c, DTI_RUN_BUDGET) && dti_run_config_path(c, DTI_RUN_REGIONS))
        what[n++] = plan_map_file;
    if (dti_run_config_text(c, DTI_RUN_BUDGET))
        what[n++] = plan_file;
    if (c->count[DTI_RUN_PREVIOUS])
        what[n++] = change_file;
    what[n++] = report_file;
    dti_path_check check;
    dti_path_check_init(&check);
    char path[2048];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s_%s", s->out, s->name, what[i]);
        dti_path_output(&check, "output", path);
    }
    dti_path_input(&check, "CONFIG", config, 0);
    for (int k = 0; k < DTI_RUN_KEY_COUNT; k++)
        for (size_t i = 0; k != DTI_RUN_OUT && i < c->count[k]; i++) {
            snprintf(path, sizeof path, "%s (line %ld of %s)", dti_run_config_key(k), c->line[k],
                     c->path);
            dti_path_input(&check, path, c->paths[k][i], 0);
        }
    return dti_path_check_finish(&check, err);
}

/* The default name of the outputs: the config's file name without its extension. */
static void default_name(const char *config, char *buf, size_t size)
{
    const char *base = strrchr(config, '/');
    base = base ? base + 1 : config;
    snprintf(buf, size, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
}

dt_status dt_run(const dt_run_options *o, dt_progress_fn progress, dt_note_fn note, void *user,
                 dt_error *err)
{
    dti_run_config c;
    dt_status status = dti_run_config_read(&c, o->config, err);
    if (status != DT_OK)
        return status;
    run_state s = {.c = &c, .progress = progress, .note = note, .user = user};
    char name[256];
    default_name(o->config, name, sizeof name);
    s.name = dti_run_config_text(&c, DTI_RUN_NAME) ? dti_run_config_text(&c, DTI_RUN_NAME) : name;
    s.level = dti_run_config_text(&c, DTI_RUN_BY) ? dti_run_config_text(&c, DTI_RUN_BY) : "county";
    const char *out = o->out ? o->out : dti_run_config_path(&c, DTI_RUN_OUT);
    char default_out[1100];
    snprintf(default_out, sizeof default_out, "%s/out", c.dir);
    s.out = strdup(out ? out : default_out);
    status = s.out ? check_paths(&s, o->config, err)
                   : dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    if (status == DT_OK)
        status = make_work_dir(&s, err);
    char stats[1024] = "", maps[2][1024] = {"", ""}, plan[1024] = "", plan_map[1024] = "",
         change[1024] = "";
    int have_regions = dti_run_config_path(&c, DTI_RUN_REGIONS) != NULL;
    s.from = 0, s.span = 0.6;
    if (status == DT_OK)
        status = run_stats(&s, stats, sizeof stats, err);
    s.from = 0.6, s.span = 0.15;
    if (status == DT_OK && have_regions)
        status = run_maps(&s, stats, maps, err);
    s.from = 0.75, s.span = 0.05;
    if (status == DT_OK && dti_run_config_text(&c, DTI_RUN_BUDGET))
        status = run_plan(&s, stats, plan, plan_map, err);
    s.from = 0.8, s.span = 0.15;
    if (status == DT_OK && c.count[DTI_RUN_PREVIOUS])
        status = run_diff(&s, change, err);
    s.from = 0.95, s.span = 0.05;
    if (status == DT_OK)
        status = run_report(&s, stats, maps, plan, plan_map, change, err);
    if (status == DT_OK)
        status = move_outputs(&s, err);
    if (status == DT_OK && note) {
        char list[2048];
        size_t used = 0;
        list[0] = '\0';
        for (size_t i = 0; i < s.made_count && used + 200 < sizeof list; i++)
            used +=
                (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", s.made[i]);
        dti_say(note, user, "wrote %s in %s", list, s.out);
    }
    remove_work_dir(&s);
    if (status != DT_OK && s.created_out)
        rmdir(s.out);
    if (s.created_out)
        dti_temp_forget(s.out);
    for (size_t i = 0; i < s.made_count; i++)
        free(s.made[i]);
    free(s.made);
    free(s.work);
    free(s.out);
    dti_run_config_free(&c);
    return status;
}
