/* dialtone diff: two BDC releases compared location by location, per region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct dt_diff_options {
    dti_rules rules;
    int prefix_digits;
    const char *level_name;
    char *output, *changes_out;
    char **release[2]; /* the files, globs, archives or directories of OLD and NEW */
    size_t release_count[2];
    int threads, quiet, help, version;
};

static const char usage_text[] =
    "Usage: dialtone diff [OPTIONS] OLD NEW\n"
    "\n"
    "Compare two BDC releases (say the June and December filings) per region: served,\n"
    "underserved and unserved in each and the change; locations that changed class,\n"
    "counted by the technology that made the change; locations that appeared or vanished.\n"
    "OLD and NEW: a CSV file, a .zip archive, a quoted glob pattern, or a directory\n"
    "(every .csv and .zip in it). More files: --old FILE and --new FILE, repeated.\n"
    "\n"
    "Options:\n"
    "  --by LEVEL            region: state, county (default), tract, blockgroup, block\n"
    "  -o, --output FILE     write the region table to FILE (default: stdout)\n"
    "  --changes-out FILE    also write one row per location that changed\n"
    "  --old FILE, --new FILE  add a file to a release (instead of OLD NEW)\n"
    "  --ulfw                count unlicensed fixed wireless (technology 70) as reliable\n"
    "  --served D/U          served threshold in Mbps (default 100/20)\n"
    "  --underserved D/U     underserved threshold in Mbps (default 25/3)\n"
    "  --threads N           parse with N threads (default: one per CPU)\n"
    "  -q, --quiet           no progress or notes on stderr\n"
    "  -h, --help            show this help\n"
    "  --version             show the version\n"
    "\n"
    "An upgrade is credited to the technology of the new release's reliable rows that\n"
    "meet the location's new class, a downgrade to that of the old release's rows that\n"
    "met its old class; when several did, to the first of fiber, cable, copper,\n"
    "licensed, licensed-by-rule and unlicensed fixed wireless. The releases must cover\n"
    "the same states. See the dialtone-diff(1) manual for every column.\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

const char *dt_diff_usage(void) { return usage_text; }
int dt_diff_options_wants_help(const dt_diff_options *o) { return o->help; }
int dt_diff_options_wants_version(const dt_diff_options *o) { return o->version; }
int dt_diff_options_quiet(const dt_diff_options *o) { return o->quiet; }

void dt_diff_options_free(dt_diff_options *o)
{
    if (!o)
        return;
    free(o->output);
    free(o->changes_out);
    for (int r = 0; r < 2; r++) {
        for (size_t i = 0; i < o->release_count[r]; i++)
            free(o->release[r][i]);
        free(o->release[r]);
    }
    free(o);
}

static int set_level(dt_diff_options *o, const char *name)
{
    int digits = dti_level_digits(name, strlen(name));
    if (digits < 0)
        return -1;
    o->prefix_digits = digits;
    o->level_name = dti_level_name(digits);
    return 0;
}

static int add_release_arg(dt_diff_options *o, int which, const char *arg)
{
    return (o->release[which][o->release_count[which]++] = strdup(arg)) ? 0 : -1;
}

/* Options that take a value; 0 ok, -1 error (err filled). */
static int parse_valued(dt_diff_options *o, int argc, char **argv, int *i, int *positional_used,
                        dt_error *err)
{
    const char *a = argv[*i], *v = dti_option_value(argc, argv, i, a, err);
    if (!v)
        return -1;
    if (dti_is_option(a, "--by")) {
        if (set_level(o, v) == 0)
            return 0;
        dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                      "--by %s: expected state, county, tract, blockgroup or block", v);
    } else if (dti_is_option(a, "-o") || dti_is_option(a, "--output")) {
        return dti_replace_string(&o->output, v)
                   ? (dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory"), -1)
                   : 0;
    } else if (dti_is_option(a, "--changes-out")) {
        return dti_replace_string(&o->changes_out, v)
                   ? (dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory"), -1)
                   : 0;
    } else if (dti_is_option(a, "--old") || dti_is_option(a, "--new")) {
        *positional_used = 1;
        if (add_release_arg(o, dti_is_option(a, "--new"), v) == 0)
            return 0;
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    } else if (dti_is_option(a, "--threads")) {
        char *end;
        long threads = strtol(v, &end, 10);
        if (*v && !*end && threads >= 1 && threads <= 64)
            return o->threads = (int)threads, 0;
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--threads %s: expected 1 to 64", v);
    } else { /* --served / --underserved */
        int served = dti_is_option(a, "--served");
        if (dti_parse_threshold(v, served ? &o->rules.served_down : &o->rules.underserved_down,
                                served ? &o->rules.served_up : &o->rules.underserved_up) == 0)
            return 0;
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: " DTI_THRESHOLD_SYNTAX,
                      served ? "--served" : "--underserved", v);
    }
    return -1;
}

dt_diff_options *dt_diff_options_new(int argc, char **argv, dt_error *err)
{
    static const char *const valued[] = {"--by",  "-o",        "--output", "--changes-out", "--old",
                                         "--new", "--threads", "--served", "--underserved"};
    dt_diff_options *o = calloc(1, sizeof *o);
    if (!o || !(o->release[0] = calloc((size_t)argc + 1, sizeof(char *))) ||
        !(o->release[1] = calloc((size_t)argc + 1, sizeof(char *)))) {
        dt_diff_options_free(o);
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    dti_rules_default(&o->rules);
    set_level(o, "county");
    char *positional[2] = {NULL, NULL};
    int npositional = 0, named = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int is_valued = 0;
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
            is_valued |= dti_is_option(a, valued[k]);
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
        } else if (strcmp(a, "--version") == 0) {
            o->version = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--ulfw") == 0) {
            o->rules.ulfw = 1;
        } else if (is_valued) {
            if (parse_valued(o, argc, argv, &i, &named, err) != 0)
                goto fail;
        } else if (a[0] == '-' && strcmp(a, "-") != 0) {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "unknown option %s", a);
            goto fail;
        } else if (npositional == 2) {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                          "expected two releases, OLD and NEW; more files of a release go "
                          "with --old FILE or --new FILE, or in a directory (%s)",
                          a);
            goto fail;
        } else {
            positional[npositional++] = argv[i];
        }
    }
    if (o->help || o->version)
        return o;
    if (dti_thresholds_check(&o->rules, DT_ERR_USAGE, NULL, 0, err) != DT_OK)
        goto fail;
    if (npositional == 2 || (!named && npositional < 2)) {
        if (npositional < 2) {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "expected two releases: OLD NEW");
            goto fail;
        }
        for (int r = 0; r < 2; r++)
            if (add_release_arg(o, r, positional[r]) != 0)
                goto nomem;
    } else if (npositional == 1) {
        /* one positional with --old/--new: it completes the release that has no file */
        int r = o->release_count[0] ? 1 : 0;
        if (add_release_arg(o, r, positional[0]) != 0)
            goto nomem;
    }
    if (!o->release_count[0] || !o->release_count[1]) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no %s release given",
                      o->release_count[0] ? "NEW" : "OLD");
        goto fail;
    }
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", o->output);
    if (o->changes_out)
        dti_path_output(&c, "--changes-out", o->changes_out);
    for (int r = 0; r < 2; r++)
        for (size_t i = 0; i < o->release_count[r]; i++)
            dti_path_input(&c, r ? "NEW" : "OLD", o->release[r][i], DTI_INPUT_DIRECTORY);
    if (dti_path_check_finish(&c, err) != DT_OK ||
        dti_output_named("-o", o->output, "csv", err) != DT_OK ||
        dti_output_named("--changes-out", o->changes_out, "csv", err) != DT_OK)
        goto fail;
    return o;
nomem:
    dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
fail:
    dt_diff_options_free(o);
    return NULL;
}

/* ---- reading a release ---- */

typedef struct release_progress {
    dt_progress_fn progress;
    void *user;
    double from, span;
} release_progress;

static int scaled_progress(double frac, const char *msg, void *user)
{
    release_progress *p = user;
    return p->progress(p->from + p->span * frac, msg, p->user);
}

static dt_status read_release(const dt_diff_options *o, int which, dti_coverage *cov,
                              dti_inputs *inputs, dt_progress_fn progress, void *user,
                              dt_error *err)
{
    dt_status status =
        dti_inputs_expand_dirs(o->release[which], o->release_count[which], inputs, err);
    if (status == DT_OK)
        status = dti_coverage_init(cov, &o->rules, err);
    release_progress scaled = {progress, user, which * 0.45, 0.45};
    if (status == DT_OK)
        status = dti_coverage_read_bdc(cov, inputs, o->threads, progress ? scaled_progress : NULL,
                                       &scaled, err);
    return status;
}

/* The states (block GEOID FIPS) a coverage holds, as a bit set and as text. */
static void states_of(const dti_coverage *cov, uint64_t set[2], char *text, size_t size)
{
    set[0] = set[1] = 0;
    for (size_t b = 0; b < cov->block_count; b++) {
        unsigned s = (unsigned)(cov->block_geoids[b] / DTI_STATE_DIVISOR);
        set[s / 64] |= 1ULL << (s % 64);
    }
    size_t used = 0;
    text[0] = '\0';
    for (unsigned s = 0; s < 100 && used + 8 < size; s++)
        if (set[s / 64] >> (s % 64) & 1)
            used += (size_t)snprintf(text + used, size - used, "%s%02u", used ? ", " : "", s);
    if (!used)
        snprintf(text, size, "none");
}

/* A release as the user named it: its first argument, and how many more there are. */
static const char *release_label(const dt_diff_options *o, int which, char *buf, size_t size)
{
    size_t more = o->release_count[which] - 1;
    if (more)
        snprintf(buf, size, "%.200s and %zu more", o->release[which][0], more);
    else
        snprintf(buf, size, "%.200s", o->release[which][0]);
    return buf;
}

/* ---- the run ---- */

dt_status dt_diff(const dt_diff_options *o, dt_progress_fn progress, dt_note_fn note, void *user,
                  dt_error *err)
{
    static const char *const names[2] = {"OLD", "NEW"};
    dti_gdal_init();
    dti_inputs inputs[2];
    dti_coverage cov[2];
    dti_diff d;
    memset(inputs, 0, sizeof inputs);
    memset(cov, 0, sizeof cov);
    memset(&d, 0, sizeof d);
    dti_outfile *table = NULL, *changes = NULL;
    dt_status status = (table = dti_outfile_open(o->output, note, user, err)) ? DT_OK : err->status;
    if (status == DT_OK && o->changes_out &&
        !(changes = dti_outfile_open(o->changes_out, note, user, err)))
        status = err->status;
    /* releases are compared by the sets of states their rows hold, known only once read:
     * a first row tells nothing of the others (files of several states, in any order) */
    char states[2][400], label[2][300];
    uint64_t set[2][2];
    for (int r = 0; r < 2 && status == DT_OK; r++)
        status = read_release(o, r, &cov[r], &inputs[r], progress, user, err);
    for (int r = 0; r < 2 && status == DT_OK; r++)
        states_of(&cov[r], set[r], states[r], sizeof states[r]);
    if (status == DT_OK && (set[0][0] != set[1][0] || set[0][1] != set[1][1]))
        status = dti_error_set(err, DT_ERR_FORMAT, NULL, 0,
                               "the releases are of different states: OLD (%s) holds %s and "
                               "NEW (%s) holds %s; compare two filings of the same states",
                               release_label(o, 0, label[0], sizeof label[0]), states[0],
                               release_label(o, 1, label[1], sizeof label[1]), states[1]);
    if (status == DT_OK && progress && !progress(0.92, "comparing", user))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    if (status == DT_OK)
        status = dti_diff_compare(&cov[0], &cov[1], o->prefix_digits, changes != NULL, &d, err);
    if (status == DT_OK) {
        dti_diff_write(dti_outfile_stream(table), &d);
        if (changes)
            dti_diff_write_changes(dti_outfile_stream(changes), &d, &cov[0], &cov[1]);
        /* what the tables mean: the rules, the level, both releases and their states */
        struct json_t *prov = dti_prov_new("diff");
        dti_state_set new_states = {{0, 0}};
        for (size_t b = 0; b < cov[1].block_count; b++)
            dti_state_set_add(&new_states, (int)(cov[1].block_geoids[b] / DTI_STATE_DIVISOR));
        dti_prov_rules(prov, &o->rules);
        dti_prov_regions(prov, o->level_name, NULL, NULL);
        dti_prov_set_text(prov, "universe", "reported locations of each release (no fabric)");
        dti_prov_states(prov, &new_states);
        dti_prov_inputs(prov, "old", &inputs[0]);
        dti_prov_inputs(prov, "inputs", &inputs[1]);
        dti_prov_set_text(prov, "table", "regions");
        dti_outfile_set_provenance(table, prov);
        if (changes) {
            dti_prov_set_text(prov, "table", "changes");
            dti_outfile_set_provenance(changes, prov);
        }
        dti_prov_free(prov);
    }
    /* the side file first: stdout, once written, cannot be undone; an interruption waits */
    sigset_t mask;
    dti_signals_hold(&mask);
    if (status == DT_OK && changes) {
        status = dti_outfile_commit(changes, err);
        changes = NULL;
    }
    if (status == DT_OK) {
        status = dti_outfile_commit(table, err);
        table = NULL;
    }
    dti_signals_release(&mask);
    if (status == DT_OK) {
        uint64_t t[5] = {0};
        for (size_t r = 0; r < d.count; r++) {
            t[0] += d.regions[r].appeared;
            t[1] += d.regions[r].vanished;
            t[2] += d.regions[r].upgraded;
            t[3] += d.regions[r].downgraded;
        }
        for (int r = 0; r < 2; r++)
            dti_say(note, user, "%s: %llu locations from %llu rows in %zu files (states %s)",
                    names[r], (unsigned long long)cov[r].location_count,
                    (unsigned long long)cov[r].rows, inputs[r].count, states[r]);
        dti_say(note, user,
                "%zu %s regions: %llu locations upgraded, %llu downgraded, %llu "
                "appeared, %llu vanished",
                d.count, o->level_name, (unsigned long long)t[2], (unsigned long long)t[3],
                (unsigned long long)(t[0] - d.moved), (unsigned long long)(t[1] - d.moved));
        if (d.moved)
            dti_say(note, user,
                    "%llu locations are in another %s in NEW (their block changed): "
                    "counted as vanished from the old region and appeared in the new",
                    (unsigned long long)d.moved, o->level_name);
        dti_say(note, user,
                "counts cover reported locations only: locations no provider "
                "reports are in neither release");
    }
    dti_outfile_abort(table);
    dti_outfile_abort(changes);
    dti_diff_free(&d);
    for (int r = 0; r < 2; r++) {
        dti_coverage_free(&cov[r]);
        dti_inputs_free(&inputs[r]);
    }
    return status;
}
