/* SPDX-License-Identifier: MIT */
/* dialtone diff: two BDC releases compared location by location, per region. */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static void diff_init(void *request)
{
    dt_diff_options *o = request;
    dti_rules_default(&o->rules);
    o->prefix_digits = 5;
}

static int add_release_arg(dt_diff_options *o, int which, const char *arg)
{
    char **grown = realloc(o->release[which], (o->release_count[which] + 2) * sizeof *grown);
    if (!grown)
        return -1;
    o->release[which] = grown;
    grown[o->release_count[which] + 1] = NULL;
    return (grown[o->release_count[which]++] = strdup(arg)) ? 0 : -1;
}

static dt_status diff_check(void *request, dt_error *err)
{
    dt_diff_options *o = request;
    o->level_name = dti_level_name(o->prefix_digits);
    if (o->operand_count > 2)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "expected two releases, OLD and NEW; more files of a release go "
                             "with --old FILE or --new FILE, or in a directory (%s)",
                             o->operands[2]);
    if (dti_thresholds_check(&o->rules, DT_ERR_USAGE, NULL, 0, err) != DT_OK)
        return err->status;
    int named = o->release_count[0] || o->release_count[1];
    if (o->operand_count == 2 || (!named && o->operand_count < 2)) {
        if (o->operand_count < 2)
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "expected two releases: OLD NEW");
        for (int r = 0; r < 2; r++)
            if (add_release_arg(o, r, o->operands[r]) != 0)
                return dti_nomem(err);
    } else if (o->operand_count == 1) {
        /* one operand with --old/--new: it completes the release that has no file */
        int r = o->release_count[0] ? 1 : 0;
        if (add_release_arg(o, r, o->operands[0]) != 0)
            return dti_nomem(err);
    }
    if (!o->release_count[0] || !o->release_count[1])
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no %s release given",
                             o->release_count[0] ? "NEW" : "OLD");
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", o->output);
    if (o->changes_out)
        dti_path_output(&c, "--changes-out", o->changes_out);
    for (int r = 0; r < 2; r++)
        for (size_t i = 0; i < o->release_count[r]; i++)
            dti_path_input(&c, r ? "NEW" : "OLD", o->release[r][i], DTI_INPUT_DIRECTORY);
    dt_status status = dti_path_check_finish(&c, err);
    if (status == DT_OK)
        status = dti_output_named("-o", o->output, "csv", err);
    if (status == DT_OK)
        status = dti_output_named("--changes-out", o->changes_out, "csv", err);
    return status;
}

static dt_status diff_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                          dt_error *err)
{
    return dt_diff(request, progress, note, user, err);
}

#define D(field) offsetof(dt_diff_options, field)
static const dti_opt diff_options[] = {
    DTI_SHARE(dti_opt_by, dt_diff_options, prefix_digits),
    DTI_SHARE_HELP(dti_opt_output, dt_diff_options, output,
                   "write the region table to FILE (default: stdout)"),
    {DTI_OPT_STRING, .names = "--changes-out", .meta = "FILE", .offset = D(changes_out),
     .help = "also write one row per location that changed"},
    {DTI_OPT_LIST, .names = "--old", .meta = "FILE", .offset = D(release[0]),
     .offset2 = D(release_count[0]), .help = "add a file to the old release (instead of OLD)"},
    {DTI_OPT_LIST, .names = "--new", .meta = "FILE", .offset = D(release[1]),
     .offset2 = D(release_count[1]), .help = "add a file to the new release (instead of NEW)"},
    DTI_SHARE(dti_opt_ulfw, dt_diff_options, rules),
    DTI_SHARE(dti_opt_served, dt_diff_options, rules),
    DTI_SHARE(dti_opt_underserved, dt_diff_options, rules),
    DTI_SHARE(dti_opt_threads, dt_diff_options, threads),
    {0}};
#undef D

const dti_command dti_diff_command = {
    .name = "diff",
    .summary = "what changed between two BDC releases, per region and technology",
    .synopsis = "[OPTIONS] OLD NEW",
    .description =
        "Compare two BDC releases (say the June and December filings) per region:\n"
        "served, underserved and unserved in each and the change; locations that changed\n"
        "class, counted by the technology that made the change; locations that appeared\n"
        "or vanished. OLD and NEW: a CSV file, a .zip archive, a quoted glob pattern, or\n"
        "a directory (every .csv and .zip in it). More files: --old FILE and --new FILE,\n"
        "repeated.\n",
    .epilogue = "An upgrade is credited to the technology of the new release's reliable rows\n"
                "that meet the location's new class, a downgrade to that of the old release's\n"
                "rows that met its old class; when several did, to the first of fiber, cable,\n"
                "copper, licensed, licensed-by-rule and unlicensed fixed wireless. The releases\n"
                "must cover the same states. See the dialtone-diff(1) manual for every column.\n"
                "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = diff_options,
    .operands = {DTI_OPT_LIST, .meta = "OLD NEW", .offset = offsetof(dt_diff_options, operands),
                 .offset2 = offsetof(dt_diff_options, operand_count)},
    .size = sizeof(dt_diff_options),
    .init = diff_init,
    .check = diff_check,
    .run = diff_run,
};

dt_diff_options *dti_call_diff_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_diff_command, argc, argv, err);
}

void dt_diff_options_free(dt_diff_options *o) { dti_request_free(o); }

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

dt_status dti_call_diff(const dt_diff_options *o, dt_progress_fn progress, dt_note_fn note,
                        void *user, dt_table **memory, dt_error *err)
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
    /* the table goes to a file with -o, or to stdout when it is not kept in memory */
    int to_file = o->output || !memory;
    dt_status status =
        !to_file || (table = dti_outfile_open(o->output, note, user, err)) ? DT_OK : err->status;
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
        if (dti_diff_write(table ? dti_outfile_stream(table) : NULL, memory, &d) != 0)
            status = dti_nomem(err);
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
        if (table)
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
    if (status == DT_OK && table) {
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
            dti_say(note, user, "%s: %llu %s from %llu %s in %zu %s (states %s)", names[r],
                    (unsigned long long)cov[r].location_count,
                    dti_plural(cov[r].location_count, "location", "locations"),
                    (unsigned long long)cov[r].rows, dti_plural(cov[r].rows, "row", "rows"),
                    inputs[r].count, dti_plural(inputs[r].count, "file", "files"), states[r]);
        dti_say(note, user,
                "%zu %s %s: %llu %s upgraded, %llu downgraded, %llu "
                "appeared, %llu vanished",
                d.count, o->level_name, dti_plural(d.count, "region", "regions"),
                (unsigned long long)t[2], dti_plural(t[2], "location", "locations"),
                (unsigned long long)t[3], (unsigned long long)(t[0] - d.moved),
                (unsigned long long)(t[1] - d.moved));
        if (d.moved)
            dti_say(note, user,
                    "%llu %s in another %s in NEW (%s block changed): "
                    "counted as vanished from the old region and appeared in the new",
                    (unsigned long long)d.moved,
                    dti_plural(d.moved, "location is", "locations are"), o->level_name,
                    dti_plural(d.moved, "its", "their"));
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
    if (status != DT_OK && memory) {
        dt_table_free(*memory);
        *memory = NULL;
    }
    return status;
}
