/* SPDX-License-Identifier: MIT */
/* dialtone run: the whole pipeline (stats, maps, plan, change, report) from one config file. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static dt_status run_check(void *request, dt_error *err)
{
    if (!((dt_run_options *)request)->config)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no configuration file given");
    return DT_OK;
}

static dt_status run_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                         dt_error *err)
{
    return dt_run(request, progress, note, user, err);
}

static const dti_opt run_options[] = {{DTI_OPT_STRING, .names = "--out", .meta = "DIR",
                                       .offset = offsetof(dt_run_options, out),
                                       .help = "write into DIR instead of the config's out"},
                                      {0}};

const dti_command dti_run_command = {
    .name = "run",
    .summary = "the whole pipeline (stats, maps, plan, report) from a config file",
    .synopsis = "[OPTIONS] CONFIG",
    .description =
        "Run the whole pipeline from one configuration file: read the BDC files, write\n"
        "the region table (dialtone stats), draw the maps (dialtone map), fund a budget\n"
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
        "  out = ../../out\n",
    .epilogue = "Nothing is written unless every step succeeds: the outputs are made in a\n"
                "temporary directory inside the output directory and moved into place at the\n"
                "end.\n"
                "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = run_options,
    .operands = {DTI_OPT_STRING, .meta = "CONFIG", .offset = offsetof(dt_run_options, config)},
    .size = sizeof(dt_run_options),
    .check = run_check,
    .run = run_run,
};

dt_run_options *dti_call_run_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_run_command, argc, argv, err);
}

void dt_run_options_free(dt_run_options *o) { dti_request_free(o); }

/* ---- the steps ---- */

typedef struct run_state {
    const dti_run_config *c;
    char *out;  /* the output directory */
    char *work; /* the temporary directory inside it */
    const char *name, *level;
    char **created; /* directories the run made (the output directory last): a failed run
                     * removes them */
    size_t created_count;
    char **made; /* file names made in work, to move into out */
    size_t made_count;
    dt_progress_fn progress;
    dt_note_fn note;
    void *user;
    const char *step;
    double from, span;
    char projection[1024]; /* the projection note said: once per run, not once per map */
} run_state;

/* ---- filling a step's request from the configuration: typed, through each command's option
 * table (the same checks and messages as its command line), never through an argv array ---- */

typedef struct step {
    run_state *s;
    void *request; /* dt_stats_options *, dt_map_options *, ... */
    dt_status status;
    dt_error *err;
} step;

static step step_new(run_state *s, const dti_command *command, dt_error *err)
{
    step st = {s, dti_request_new(command, err), DT_OK, err};
    if (!st.request)
        st.status = err->status;
    return st;
}
/* An option set to value (nothing when value is NULL). */
static void set(step *st, const char *option, const char *value)
{
    if (st->status == DT_OK && value)
        st->status = dti_request_set(st->request, option, value, st->err);
}
static void flag(step *st, const char *option, int on)
{
    if (st->status == DT_OK && on)
        st->status = dti_request_set(st->request, option, NULL, st->err);
}
static void operand(step *st, const char *value)
{
    if (st->status == DT_OK)
        st->status = dti_request_operand(st->request, value, st->err);
}
/* An option copied from the config when it has the key. */
static void set_key(step *st, const char *option, int key)
{
    set(st, option, dti_run_config_text(st->s->c, key));
}
static void set_path(step *st, const char *option, int key)
{
    set(st, option, dti_run_config_path(st->s->c, key));
}

/* work/NAME_what into path (size 1024), remembered as an output; "" when it fails. */
static const char *output(step *st, const char *what, char *path)
{
    run_state *s = st->s;
    path[0] = '\0';
    if (st->status != DT_OK)
        return path;
    if ((size_t)snprintf(path, 1024, "%s/%s_%s", s->work, s->name, what) >= 1024) {
        path[0] = '\0';
        st->status = dti_error_set(st->err, DT_ERR_USAGE, s->work, 0,
                                   "the output path is too long (over 1023 bytes)");
        return path;
    }
    char **made = realloc(s->made, (s->made_count + 1) * sizeof *made);
    if (made)
        s->made = made;
    if (!made || !(made[s->made_count] = strdup(path + strlen(s->work) + 1)))
        st->status = dti_nomem(st->err);
    else
        s->made_count++;
    return path;
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
    if (strncmp(text, "projection: ", 12) == 0) { /* every map of a run has the same */
        if (strcmp(text, s->projection) == 0)
            return;
        snprintf(s->projection, sizeof s->projection, "%s", text);
    }
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

/* Check and run a step's request, then free it. */
static dt_status run_step(step *st, const char *name)
{
    run_state *s = st->s;
    s->step = name;
    dt_status status = st->status;
    if (status == DT_OK)
        status = dti_request_check(st->request, st->err);
    if (status == DT_OK) {
        const dti_common *common = st->request;
        status = common->command->run(st->request, s->progress ? step_progress : NULL,
                                      s->note ? step_note : NULL, s, st->err);
    }
    dti_request_free(st->request);
    if (status != DT_OK)
        explain(s, st->err);
    return status;
}

static void rules_args(step *st)
{
    flag(st, "--ulfw", st->s->c->flag[DTI_RUN_ULFW]);
    set_key(st, "--served", DTI_RUN_SERVED);
    set_key(st, "--underserved", DTI_RUN_UNDERSERVED);
}

/* The maps: the share unserved (quintiles, or as the config's map_ keys say) and the unserved
 * counts (circles). */
static const struct {
    const char *file, *column, *view, *title, *subtitle;
} views[2] = {{"unserved.png", "pct_unserved", "choropleth", "Where locations lack basic broadband",
               "Share of locations with no reliable"},
              {"unserved_symbols.png", "unserved", "symbols", "Where the unserved locations are",
               "Locations with no reliable"}};
/* The other files a run makes, after NAME_ */
static const char plan_file[] = "plan.csv", plan_map_file[] = "plan.png",
                  change_file[] = "change.csv", report_file[] = "report.html";

static void stats_file(const run_state *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s_stats.csv", s->level);
}

static dt_status run_stats(run_state *s, char *stats_path, dt_error *err)
{
    step st = step_new(s, &dti_stats_command, err);
    set(&st, "--by", s->level);
    set_path(&st, "--fabric", DTI_RUN_FABRIC);
    /* census blocks add the housing columns (households = yes ranks the plan by them) */
    for (size_t i = 0; i < s->c->count[DTI_RUN_BLOCKS]; i++)
        set(&st, "--blocks", s->c->paths[DTI_RUN_BLOCKS][i]);
    set_key(&st, "--threads", DTI_RUN_THREADS);
    rules_args(&st);
    char what[64];
    stats_file(s, what, sizeof what);
    set(&st, "-o", output(&st, what, stats_path));
    for (size_t i = 0; i < s->c->count[DTI_RUN_BDC]; i++)
        operand(&st, s->c->paths[DTI_RUN_BDC][i]);
    return run_step(&st, "stats");
}

static void region_args(step *st)
{
    set_path(st, "--regions", DTI_RUN_REGIONS);
    set_key(st, "--layer", DTI_RUN_LAYER);
    set_key(st, "--id-field", DTI_RUN_ID_FIELD);
}

/* What the classes are, for the subtitle: "quintiles", "6 natural breaks (Jenks)"... */
static void classes_phrase(const run_state *s, char *buf, size_t size)
{
    const char *method = dti_run_config_text(s->c, DTI_RUN_MAP_CLASSIFICATION);
    const char *count = dti_run_config_text(s->c, DTI_RUN_MAP_CLASSES);
    int n = count ? atoi(count) : 5; /* dialtone map's defaults: 5 quantiles */
    static const char *const quantiles[] = {"terciles", "quartiles", "quintiles"};
    if (!method || strcmp(method, "quantile") == 0) {
        if (n >= 3 && n <= 5)
            snprintf(buf, size, "%s", quantiles[n - 3]);
        else
            snprintf(buf, size, "%d quantiles", n);
    } else if (strcmp(method, "equal") == 0) {
        snprintf(buf, size, "%d equal intervals", n);
    } else if (strcmp(method, "jenks") == 0) {
        snprintf(buf, size, "%d natural breaks (Jenks)", n);
    } else {
        snprintf(buf, size, "%d classes with round breaks", n);
    }
}

static dt_status run_maps(run_state *s, const char *stats, char maps[2][1024], dt_error *err)
{
    const char *threshold = dti_run_config_text(s->c, DTI_RUN_UNDERSERVED);
    const char *column = dti_run_config_text(s->c, DTI_RUN_MAP_COLUMN);
    dt_status status = DT_OK;
    for (int v = 0; v < 2 && status == DT_OK; v++) {
        step st = step_new(s, &dti_map_command, err);
        char subtitle[512], title[512], classes[64] = "";
        /* a column of the config's own is named by its name, not by the built-in titles */
        int own = v == 0 && column && strcmp(column, views[0].column) != 0;
        if (v == 0)
            classes_phrase(s, classes, sizeof classes);
        if (own)
            snprintf(subtitle, sizeof subtitle, "%s, by %s (%s)", column, s->level, classes);
        else
            snprintf(subtitle, sizeof subtitle, "%s %s Mbps service, by %s%s%s%s",
                     views[v].subtitle, threshold ? threshold : "25/3", s->level,
                     v == 0 ? " (" : "", classes, v == 0 ? ")" : "");
        snprintf(title, sizeof title, "%s", own ? column : views[v].title);
        const char *own_title =
            dti_run_config_text(s->c, v == 0 ? DTI_RUN_MAP_TITLE : DTI_RUN_SYMBOLS_TITLE);
        const char *own_subtitle = v == 0 ? dti_run_config_text(s->c, DTI_RUN_MAP_SUBTITLE) : NULL;
        region_args(&st);
        set(&st, "--stats", stats);
        set(&st, "--column", own ? column : views[v].column);
        set(&st, "--view", views[v].view);
        set(&st, "--title", own_title ? own_title : title);
        set(&st, "--subtitle", own_subtitle ? own_subtitle : subtitle);
        if (v == 0) {
            set_key(&st, "--palette", DTI_RUN_MAP_PALETTE);
            set_key(&st, "--method", DTI_RUN_MAP_CLASSIFICATION);
            set_key(&st, "--classes", DTI_RUN_MAP_CLASSES);
            set_key(&st, "--units", DTI_RUN_MAP_UNITS);
        }
        set_key(&st, "--source", DTI_RUN_SOURCE);
        set_key(&st, "--region-noun", DTI_RUN_NOUN);
        set_key(&st, "--scale-bar", DTI_RUN_SCALE_BAR);
        set(&st, "--width", "1200");
        set(&st, "-o", output(&st, views[v].file, maps[v]));
        status = run_step(&st, "map");
    }
    return status;
}

static dt_status run_plan(run_state *s, const char *stats, char *plan, char *plan_map,
                          dt_error *err)
{
    step st = step_new(s, &dti_plan_command, err);
    set_key(&st, "--budget", DTI_RUN_BUDGET);
    set_path(&st, "--costs", DTI_RUN_COSTS);
    set_path(&st, "--land", DTI_RUN_LAND);
    set_key(&st, "--method", DTI_RUN_METHOD);
    flag(&st, "--households", s->c->flag[DTI_RUN_HOUSEHOLDS]);
    region_args(&st);
    if (dti_run_config_path(s->c, DTI_RUN_REGIONS)) {
        set(&st, "--map", output(&st, plan_map_file, plan_map));
        set_key(&st, "--source", DTI_RUN_SOURCE);
        set_key(&st, "--region-noun", DTI_RUN_NOUN);
        set_key(&st, "--scale-bar", DTI_RUN_SCALE_BAR);
        set_key(&st, "--title", DTI_RUN_PLAN_TITLE);
    }
    set(&st, "-o", output(&st, plan_file, plan));
    operand(&st, stats);
    return run_step(&st, "plan");
}

static dt_status run_diff(run_state *s, char *change, dt_error *err)
{
    step st = step_new(s, &dti_diff_command, err);
    set(&st, "--by", s->level);
    set_key(&st, "--threads", DTI_RUN_THREADS);
    rules_args(&st);
    for (size_t i = 0; i < s->c->count[DTI_RUN_PREVIOUS]; i++)
        set(&st, "--old", s->c->paths[DTI_RUN_PREVIOUS][i]);
    for (size_t i = 0; i < s->c->count[DTI_RUN_BDC]; i++)
        set(&st, "--new", s->c->paths[DTI_RUN_BDC][i]);
    set(&st, "-o", output(&st, change_file, change));
    return run_step(&st, "diff");
}

static dt_status run_report(run_state *s, const char *stats, char maps[2][1024], const char *plan,
                            const char *plan_map, const char *change, dt_error *err)
{
    step st = step_new(s, &dti_report_command, err);
    set(&st, "--stats", stats);
    for (int v = 0; v < 2; v++)
        if (maps[v][0])
            set(&st, "--map", maps[v]);
    region_args(&st);
    if (plan[0]) {
        set(&st, "--plan", plan);
        set_key(&st, "--budget", DTI_RUN_BUDGET);
        set_path(&st, "--costs", DTI_RUN_COSTS);
        if (plan_map[0])
            set(&st, "--plan-map", plan_map);
    }
    if (change[0])
        set(&st, "--diff", change);
    set_key(&st, "--title", DTI_RUN_TITLE);
    set_key(&st, "--subtitle", DTI_RUN_SUBTITLE);
    set_key(&st, "--source", DTI_RUN_SOURCE);
    set_key(&st, "--region-noun", DTI_RUN_NOUN);
    set_key(&st, "--top", DTI_RUN_TOP);
    rules_args(&st);
    flag(&st, "--fabric", dti_run_config_path(s->c, DTI_RUN_FABRIC) != NULL);
    char report[1024];
    set(&st, "-o", output(&st, report_file, report));
    return run_step(&st, "report");
}

/* ---- the run ---- */

/* The output directory and any missing parents (as mkdir -p), each remembered so that a failed
 * or interrupted run removes what it made. */
static dt_status make_out_dir(run_state *s, dt_error *err)
{
    char *path = strdup(s->out);
    dt_status status = path ? DT_OK : dti_nomem(err);
    for (char *end = path ? path + 1 : NULL; status == DT_OK && end;) {
        char *slash = strchr(end, '/');
        if (slash)
            *slash = '\0';
        struct stat st;
        if (stat(path, &st) != 0) {
            char **created = realloc(s->created, (s->created_count + 1) * sizeof *created);
            if (!created || !(created[s->created_count] = strdup(path))) {
                if (created)
                    s->created = created;
                status = dti_nomem(err);
            } else {
                s->created = created;
                sigset_t mask; /* made and listed together */
                dti_signals_hold(&mask);
                int made = mkdir(path, 0777) == 0, saved = errno;
                int listed =
                    made && dti_temp_add(created[s->created_count], DTI_TEMP_EMPTY_DIR) == 0;
                if (made && !listed)
                    rmdir(path);
                dti_signals_release(&mask);
                if (!made) {
                    free(created[s->created_count]);
                    status = dti_error_set(err, DT_ERR_IO, s->out, 0,
                                           "cannot create the output directory %s: %s", path,
                                           strerror(saved));
                } else if (!listed) {
                    free(created[s->created_count]);
                    status = dti_nomem(err);
                } else {
                    s->created_count++;
                }
            }
        } else if (!S_ISDIR(st.st_mode)) {
            status = dti_error_set(err, DT_ERR_IO, s->out, 0, "%s is not a directory", path);
        }
        if (!slash)
            break;
        *slash = '/';
        end = slash + 1;
    }
    free(path);
    return status;
}

/* Remove the directories the run made, the deepest first (only when empty). */
static void remove_made_dirs(run_state *s, int failed)
{
    for (size_t i = s->created_count; i-- > 0;) {
        if (failed)
            rmdir(s->created[i]);
        dti_temp_forget(s->created[i]);
        free(s->created[i]);
    }
    free(s->created);
}

static dt_status make_work_dir(run_state *s, dt_error *err)
{
    struct stat st;
    dt_status status = make_out_dir(s, err);
    if (status != DT_OK)
        return status;
    if (stat(s->out, &st) != 0 || !S_ISDIR(st.st_mode))
        return dti_error_set(err, DT_ERR_IO, s->out, 0, "not a directory");
    size_t n = strlen(s->out) + 32;
    if (!(s->work = malloc(n)))
        return dti_nomem(err);
    snprintf(s->work, n, "%s/.dialtone-run.tmp.XXXXXX", s->out);
    sigset_t mask;
    dti_signals_hold(&mask); /* made and listed together: an interruption between would leave it */
    int made = mkdtemp(s->work) != NULL, saved = errno;
    int listed = made && dti_temp_add(s->work, DTI_TEMP_TREE) == 0;
    if (made && !listed)
        rmdir(s->work);
    dti_signals_release(&mask);
    if (!made) {
        free(s->work);
        s->work = NULL;
        return dti_error_set(err, DT_ERR_IO, s->out, 0, "cannot write: %s", strerror(saved));
    }
    if (!listed) {
        free(s->work);
        s->work = NULL;
        return dti_nomem(err);
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

/* After a run has put its outputs in place: the outputs of an earlier run of the same name that
 * this configuration no longer makes (a plan from a budget since removed, the table of a level
 * since changed) are removed, with their sidecars, so that none sits beside the new report. */
static void remove_stale(run_state *s)
{
    static const char *const levels[] = {"state", "county", "tract", "blockgroup", "block"};
    const char *names[16];
    char stats[5][64], path[2048];
    size_t n = 0;
    for (int l = 0; l < 5; l++) {
        snprintf(stats[l], sizeof stats[l], "%s_stats.csv", levels[l]);
        names[n++] = stats[l];
    }
    names[n++] = views[0].file, names[n++] = views[1].file;
    names[n++] = plan_file, names[n++] = plan_map_file;
    names[n++] = change_file, names[n++] = report_file;
    for (size_t i = 0; i < n; i++) {
        int made = 0;
        snprintf(path, sizeof path, "%s_%s", s->name, names[i]);
        for (size_t m = 0; m < s->made_count && !made; m++)
            made = strcmp(s->made[m], path) == 0;
        snprintf(path, sizeof path, "%s/%s_%s", s->out, s->name, names[i]);
        struct stat st;
        if (made || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (unlink(path) == 0)
            dti_say(s->note, s->user,
                    "removed %s: an earlier run made it, and this configuration no longer does",
                    path);
        size_t used = strlen(path);
        snprintf(path + used, sizeof path - used, "-metadata.json");
        unlink(path);
    }
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
        return dti_nomem(err);
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
    if (status == DT_OK)
        remove_stale(s);
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
    check.makes_parents = 1; /* the output directory and its parents are made */
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
            dti_path_input(&check, path, c->paths[k][i],
                           k == DTI_RUN_BDC || k == DTI_RUN_PREVIOUS ? DTI_INPUT_DIRECTORY : 0);
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

dt_status dti_call_run(const dt_run_options *o, dt_progress_fn progress, dt_note_fn note,
                       void *user, dt_error *err)
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
    status = s.out ? check_paths(&s, o->config, err) : dti_nomem(err);
    if (status == DT_OK && c.old_method)
        dti_say(note, user,
                "%s:%ld: method is now plan_method (the plan's allocation, not the maps' "
                "classification, which is map_classification): read as plan_method",
                c.path, c.line[DTI_RUN_METHOD]);
    if (status == DT_OK)
        status = make_work_dir(&s, err);
    char stats[1024] = "", maps[2][1024] = {"", ""}, plan[1024] = "", plan_map[1024] = "",
         change[1024] = "";
    int have_regions = dti_run_config_path(&c, DTI_RUN_REGIONS) != NULL;
    s.from = 0, s.span = 0.6;
    if (status == DT_OK)
        status = run_stats(&s, stats, err);
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
    remove_made_dirs(&s, status != DT_OK);
    for (size_t i = 0; i < s.made_count; i++)
        free(s.made[i]);
    free(s.made);
    free(s.work);
    free(s.out);
    dti_run_config_free(&c);
    return status;
}
