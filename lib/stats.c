/* dialtone stats: options, the run, and the region and location tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct dt_stats_options {
    dti_rules rules;
    int prefix_digits;
    const char *level_name;
    char *output, *locations_out, *fabric, *partial_out;
    char **inputs;
    size_t input_count;
    int skip_bad_rows, quiet, help, version;
    int threads; /* 0: one per CPU */
    dti_extra_options extra; /* --plans --income --benchmark --speed --measured */
};

static const char usage_text[] =
    "Usage: dialtone stats [OPTIONS] BDC_FILE...\n"
    "\n"
    "Classify every location of FCC BDC fixed availability files as served,\n"
    "underserved or unserved (BEAD rules) and write one row per region.\n"
    "BDC_FILE: CSV files, .zip archives of CSVs, or quoted glob patterns.\n"
    "\n"
    "Options:\n"
    "  --by LEVEL            region: state, county (default), tract, blockgroup, block\n"
    "  -o, --output FILE     write the region table to FILE (default: stdout)\n"
    "  --locations-out FILE  also write one row per location\n"
    "  --fabric FILE         location fabric CSV: add its locations with no\n"
    "                        availability row as unserved\n"
    "  --ulfw                count unlicensed fixed wireless (technology 70) as reliable\n"
    "  --served D/U          served threshold in Mbps (default 100/20)\n"
    "  --underserved D/U     underserved threshold in Mbps (default 25/3)\n"
    "  --skip-bad-rows       skip and count bad rows instead of stopping\n"
    "  --threads N           parse with N threads (default: one per CPU)\n"
    "  --partial-out FILE    also write a partial result that 'dialtone merge'\n"
    "                        combines exactly with others (no table unless -o)\n"
    "  --plans FILE          plans and prices: add median_served_price, priced_share,\n"
    "                        median_usd_per_mbps (and cheapest_served_price per location)\n"
    "  --income FILE         geoid,median_household_income: add affordability_pct\n"
    "  --benchmark FILE      name,median_down_mbps,monthly_price: add speed_ratio and\n"
    "                        price_ratio, and a summary in words on stderr\n"
    "  --speed               add p90_max_down, median_max_up, p90_max_up and the\n"
    "                        locations with 0, 1, 2+ providers at served speeds\n"
    "  --measured LAYER      Ookla fixed tiles (avg_d_kbps, avg_u_kbps, tests; needs\n"
    "                        --fabric): add measured_down, measured_up, measured_tests,\n"
    "                        measured_to_advertised\n"
    "  -q, --quiet           no progress or notes on stderr\n"
    "  -h, --help            show this help\n"
    "  --version             show the version\n"
    "\n"
    "Columns: geoid,locations,unserved,underserved,served,pct_unserved,providers,\n"
    "median_max_down,share_02_02,share_10_1,share_25_3,share_100_20,share_250_25,\n"
    "share_1000_100 (see the dialtone-stats(1) manual for exact definitions).\n"
    "Files of several states are read one state at a time (memory bounded by the\n"
    "largest state) unless --locations-out is given.\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

const char *dt_stats_usage(void) { return usage_text; }

void dt_stats_options_free(dt_stats_options *o)
{
    if (!o)
        return;
    free(o->output);
    free(o->locations_out);
    free(o->fabric);
    free(o->partial_out);
    dti_extra_options_free(&o->extra);
    for (size_t i = 0; i < o->input_count; i++)
        free(o->inputs[i]);
    free(o->inputs);
    free(o);
}

int dt_stats_options_wants_help(const dt_stats_options *o) { return o->help; }
int dt_stats_options_wants_version(const dt_stats_options *o) { return o->version; }
int dt_stats_options_quiet(const dt_stats_options *o) { return o->quiet; }

static int set_level(dt_stats_options *o, const char *name)
{
    static const struct {
        const char *name;
        int digits;
    } levels[] = {{"state", 2}, {"county", 5}, {"tract", 11}, {"blockgroup", 12}, {"block", 15}};
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        if (strcmp(name, levels[i].name) == 0) {
            o->prefix_digits = levels[i].digits;
            o->level_name = levels[i].name;
            return 0;
        }
    return -1;
}

/* The value of option argv[*i]: "--opt=value" or the next argument. */
static const char *option_value(int argc, char **argv, int *i, const char *name, dt_error *err)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq && strncmp(argv[*i], "--", 2) == 0)
        return eq + 1;
    if (*i + 1 >= argc) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "option %s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

static int is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || (arg[n] == '=' && name[1] == '-'));
}

static int replace(char **slot, const char *value)
{
    free(*slot);
    *slot = strdup(value);
    return *slot ? 0 : -1;
}

dt_stats_options *dt_stats_options_new(int argc, char **argv, dt_error *err)
{
    dt_stats_options *o = calloc(1, sizeof *o);
    if (!o || !(o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs))) {
        free(o);
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    dti_rules_default(&o->rules);
    set_level(o, "county");
    int only_files = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int bad = 0;
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            if (!(o->inputs[o->input_count] = strdup(a)))
                goto nomem;
            o->input_count++;
        } else if (strcmp(a, "--") == 0) {
            only_files = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
        } else if (strcmp(a, "--version") == 0) {
            o->version = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--ulfw") == 0) {
            o->rules.ulfw = 1;
        } else if (strcmp(a, "--skip-bad-rows") == 0) {
            o->skip_bad_rows = 1;
        } else if (strcmp(a, "--speed") == 0) {
            o->extra.speed = 1;
        } else if (dti_extra_option_name(a)) {
            const char *name = dti_extra_option_name(a);
            if (!(v = option_value(argc, argv, &i, name, err)))
                goto fail;
            bad = dti_extra_option_set(&o->extra, name, v);
        } else if (is_option(a, "--by")) {
            if (!(v = option_value(argc, argv, &i, "--by", err)))
                goto fail;
            if (set_level(o, v) != 0) {
                dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                              "--by %s: expected state, county, tract, blockgroup or block", v);
                goto fail;
            }
        } else if (is_option(a, "-o") || is_option(a, "--output")) {
            if (!(v = option_value(argc, argv, &i, a, err)))
                goto fail;
            bad = replace(&o->output, v);
        } else if (is_option(a, "--locations-out")) {
            if (!(v = option_value(argc, argv, &i, "--locations-out", err)))
                goto fail;
            bad = replace(&o->locations_out, v);
        } else if (is_option(a, "--threads")) {
            if (!(v = option_value(argc, argv, &i, "--threads", err)))
                goto fail;
            char *end;
            long threads = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || threads < 1 || threads > 64) {
                dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--threads %s: expected 1 to 64", v);
                goto fail;
            }
            o->threads = (int)threads;
        } else if (is_option(a, "--partial-out")) {
            if (!(v = option_value(argc, argv, &i, "--partial-out", err)))
                goto fail;
            bad = replace(&o->partial_out, v);
        } else if (is_option(a, "--fabric")) {
            if (!(v = option_value(argc, argv, &i, "--fabric", err)))
                goto fail;
            bad = replace(&o->fabric, v);
        } else if (is_option(a, "--served") || is_option(a, "--underserved")) {
            int served = is_option(a, "--served");
            if (!(v = option_value(argc, argv, &i, served ? "--served" : "--underserved", err)))
                goto fail;
            int64_t *down = served ? &o->rules.served_down : &o->rules.underserved_down;
            int64_t *up = served ? &o->rules.served_up : &o->rules.underserved_up;
            if (dti_parse_threshold(v, down, up) != 0) {
                dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                              "%s %s: expected DOWN/UP in Mbps, e.g. 100/20",
                              served ? "--served" : "--underserved", v);
                goto fail;
            }
        } else {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "unknown option %s", a);
            goto fail;
        }
        if (bad)
            goto nomem;
    }
    if (!o->help && !o->version && o->input_count == 0) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no BDC availability file given");
        goto fail;
    }
    if (dti_extra_options_check(&o->extra, o->partial_out != NULL, o->fabric != NULL, err))
        goto fail;
    return o;
nomem:
    dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
fail:
    dt_stats_options_free(o);
    return NULL;
}

void dti_write_region_table(void *stream, const dti_region_table *regions,
                            const dti_region_stats *stats, const dti_extra_run *extra)
{
    FILE *fp = stream;
    char pct[32], median[48], share[32];
    fputs("geoid,locations,unserved,underserved,served,pct_unserved,providers,median_max_down",
          fp);
    for (int t = 0; t < DTI_TIER_COUNT; t++)
        fprintf(fp, ",%s", dti_tier_names[t]);
    if (extra)
        dti_extra_write_header(extra, fp);
    fputc('\n', fp);
    for (size_t r = 0; r < regions->count; r++) {
        const dti_region_stats *s = &stats[r];
        if (s->locations == 0)
            continue;
        /* twice the median in micro-Mbps: print it at 7 decimals, exactly */
        dti_format_fixed(median, sizeof median, s->median_down_x2 * 5, 7);
        fprintf(fp, "%s,%llu,%llu,%llu,%llu,%s,%llu,%s", regions->ids[r],
                (unsigned long long)s->locations, (unsigned long long)s->unserved,
                (unsigned long long)s->underserved, (unsigned long long)s->served,
                dti_format_ratio(pct, sizeof pct, 100 * s->unserved, s->locations, 2),
                (unsigned long long)s->providers, median);
        for (int t = 0; t < DTI_TIER_COUNT; t++)
            fprintf(fp, ",%s", dti_format_ratio(share, sizeof share, s->tiers[t], s->locations, 4));
        if (extra)
            dti_extra_write_row(extra, r, fp);
        fputc('\n', fp);
    }
}

static const dti_coverage *sort_coverage;

/* Plain numeric ids first in numeric order, then other ids as text. */
static int compare_locations(const void *a, const void *b)
{
    uint64_t x = sort_coverage->location_keys[*(const uint32_t *)a];
    uint64_t y = sort_coverage->location_keys[*(const uint32_t *)b];
    int xn = (x & DTI_NAMED_BIT) != 0, yn = (y & DTI_NAMED_BIT) != 0;
    if (xn != yn)
        return xn - yn;
    if (!xn)
        return x < y ? -1 : x > y;
    return strcmp(dti_strtab_get(&sort_coverage->location_names, (uint32_t)(x & ~DTI_NAMED_BIT)),
                  dti_strtab_get(&sort_coverage->location_names, (uint32_t)(y & ~DTI_NAMED_BIT)));
}

static dt_status write_location_table(FILE *fp, const dti_coverage *cov,
                                      const dti_extra_run *extra, dt_error *err)
{
    size_t n = cov->location_count;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *providers = calloc(n ? n : 1, sizeof *providers);
    if (!order || !providers) {
        free(order);
        free(providers);
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    sort_coverage = cov;
    qsort(order, n, sizeof *order, compare_locations);
    const dti_u64set *pairs = &cov->location_providers;
    for (size_t i = 0; i <= pairs->mask; i++)
        if (pairs->keys[i] != DTI_EMPTY_KEY)
            providers[pairs->keys[i] >> 32]++;
    fputs("location_id,block_geoid,class,best_down,best_up,providers", fp);
    if (extra)
        dti_extra_write_location_header(extra, fp);
    fputc('\n', fp);
    for (size_t k = 0; k < n; k++) {
        uint32_t i = order[k];
        const dti_location *loc = &cov->locations[i];
        char id[32], down[32], up[32];
        fprintf(fp, "%s,%015llu,%s,%s,%s,%u", dti_location_id(cov, i, id, sizeof id),
                (unsigned long long)cov->block_geoids[loc->block],
                dti_class_name(dti_class_of(loc->flags)),
                dti_format_fixed(down, sizeof down, loc->best_down, 6),
                dti_format_fixed(up, sizeof up, loc->best_up, 6), providers[i]);
        if (extra)
            dti_extra_write_location(extra, cov, i, fp);
        fputc('\n', fp);
    }
    free(order);
    free(providers);
    return DT_OK;
}

static void say(dt_note_fn note, void *user, const char *fmt, ...) DTI_PRINTF(3, 4);

static void say(dt_note_fn note, void *user, const char *fmt, ...)
{
    if (!note)
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    note(text, user);
}

/* The inputs whose state (from dti_peek_state) is state; strings copied. */
static dt_status inputs_of_state(const dti_inputs *all, const int *states, int state,
                                 dti_inputs *out, dt_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < all->count; i++)
        n += states[i] == state;
    out->paths = calloc(n + 1, sizeof *out->paths);
    out->display = calloc(n + 1, sizeof *out->display);
    out->sizes = calloc(n + 1, sizeof *out->sizes);
    int ok = out->paths && out->display && out->sizes;
    for (size_t i = 0; ok && i < all->count; i++) {
        if (states[i] != state)
            continue;
        out->paths[out->count] = strdup(all->paths[i]);
        out->display[out->count] = strdup(all->display[i]);
        out->sizes[out->count] = all->sizes[i];
        out->total_size += all->sizes[i];
        ok = out->paths[out->count] && out->display[out->count];
        out->count++;
    }
    if (!ok) {
        dti_inputs_free(out);
        return dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
    }
    return DT_OK;
}

/* The state of each input (-1: no data row). */
static dt_status peek_states(const dti_inputs *inputs, int *states, dt_error *err)
{
    for (size_t i = 0; i < inputs->count; i++) {
        states[i] = -1;
        if (dti_peek_state(inputs->paths[i], inputs->display[i], &states[i], err) < 0)
            return err->status;
    }
    return DT_OK;
}

typedef struct run_totals {
    uint64_t locations, rows, bad_rows, fabric_added;
    size_t files, groups;
} run_totals;

/* Read BDC rows (and fabric) into a fresh coverage; state >= 0 counts rows
 * of other states in cov->foreign_rows. */
static dt_status read_coverage(const dt_stats_options *o, const dti_inputs *bdc,
                               const dti_inputs *fabric, int state, const dti_extra_run *extra,
                               dti_coverage *cov, dt_progress_fn progress, void *user,
                               dt_error *err)
{
    dt_status status = dti_coverage_init(cov, &o->rules, err);
    if (status == DT_OK && dti_extra_tracks_locations(extra))
        status = dti_coverage_track_extras(cov, dti_extra_plans(extra), err);
    if (status != DT_OK)
        return status;
    cov->skip_bad_rows = o->skip_bad_rows;
    cov->track_location_providers = o->locations_out != NULL;
    cov->state_filter = state;
    status = dti_coverage_read_bdc(cov, bdc, o->threads, progress, user, err);
    if (status == DT_OK && fabric)
        status = dti_coverage_read_fabric(cov, fabric, err);
    return status;
}

static void add_totals(run_totals *t, const dti_coverage *cov)
{
    t->locations += cov->location_count;
    t->rows += cov->rows;
    t->bad_rows += cov->bad_rows;
    t->fabric_added += cov->fabric_added;
    t->files += cov->files;
    t->groups++;
}

/* A national release, one state at a time: memory is bounded by the largest
 * state. *fallback is set when a file holds rows of several states. */
static dt_status stats_by_state(const dt_stats_options *o, const dti_inputs *bdc,
                                const int *bdc_states, const dti_inputs *fabric,
                                const int *fabric_states, dti_partial *partial, run_totals *totals,
                                int *fallback, dt_progress_fn progress, void *user, dt_error *err)
{
    dt_status status = DT_OK;
    *fallback = 0;
    for (int state = 0; state < 100 && status == DT_OK && !*fallback; state++) {
        int present = 0;
        for (size_t i = 0; i < bdc->count; i++)
            present |= bdc_states[i] == state || (state == 0 && bdc_states[i] < 0);
        if (!present)
            continue;
        dti_inputs group_bdc, group_fabric = {0};
        dti_coverage cov;
        dti_region_table regions = {0};
        status = inputs_of_state(bdc, bdc_states, state, &group_bdc, err);
        if (status != DT_OK)
            break;
        if (fabric)
            status = inputs_of_state(fabric, fabric_states, state, &group_fabric, err);
        if (status == DT_OK)
            status = read_coverage(o, &group_bdc, fabric ? &group_fabric : NULL, state, NULL,
                                   &cov, progress, user, err);
        if (status == DT_OK && cov.foreign_rows)
            *fallback = 1;
        else if (status == DT_OK)
            status = dti_regions_by_prefix(&cov, o->prefix_digits, &regions, err);
        if (status == DT_OK && !*fallback)
            status = dti_partial_add(partial, &cov, &regions, err);
        if (status == DT_OK)
            add_totals(totals, &cov);
        dti_regions_free(&regions);
        dti_coverage_free(&cov);
        dti_inputs_free(&group_bdc);
        dti_inputs_free(&group_fabric);
    }
    return status;
}

dt_status dt_stats(const dt_stats_options *o, dt_progress_fn progress, dt_note_fn note,
                   void *user, dt_error *err)
{
    dti_gdal_init();
    dti_inputs inputs, fabric = {0};
    dti_coverage cov = {0};
    dti_partial partial = {0};
    dti_region_table regions = {0};
    dti_region_stats *stats = NULL;
    dti_outfile *table_out = NULL, *locations_out = NULL, *partial_out = NULL;
    dti_extra_run *extra = NULL;
    run_totals totals = {0};
    int *bdc_states = NULL, *fabric_states = NULL, grouped = 0, have_cov = 0;
    dt_status status = dti_inputs_expand(o->inputs, o->input_count, &inputs, err);
    if (status != DT_OK)
        return status;
    if (o->fabric) {
        char *const args[] = {o->fabric};
        status = dti_inputs_expand(args, 1, &fabric, err);
    }
    if (status == DT_OK)
        status = dti_partial_init(&partial, &o->rules, o->prefix_digits, err);
    if (status == DT_OK && dti_extra_options_any(&o->extra) &&
        !(extra = dti_extra_load(&o->extra, err)))
        status = err->status;
    /* Several states: one at a time, unless a location table is asked for
     * (it is sorted over all locations) or price, speed or measured columns
     * (their medians and percentiles need every location at once). */
    if (status == DT_OK && inputs.count > 1 && !o->locations_out && !extra) {
        bdc_states = calloc(inputs.count, sizeof *bdc_states);
        fabric_states = calloc(fabric.count + 1, sizeof *fabric_states);
        if (!bdc_states || !fabric_states)
            status = dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        if (status == DT_OK)
            status = peek_states(&inputs, bdc_states, err);
        if (status == DT_OK && o->fabric)
            status = peek_states(&fabric, fabric_states, err);
        for (size_t i = 1; status == DT_OK && i < inputs.count; i++)
            grouped |= bdc_states[i] >= 0 && bdc_states[i] != bdc_states[0];
    }
    if (status == DT_OK && grouped) {
        int fallback = 0;
        status = stats_by_state(o, &inputs, bdc_states, o->fabric ? &fabric : NULL,
                                fabric_states, &partial, &totals, &fallback, progress, user, err);
        if (status == DT_OK && fallback) {
            say(note, user, "a file holds rows of several states: reading all states together");
            dti_partial_free(&partial);
            memset(&totals, 0, sizeof totals);
            status = dti_partial_init(&partial, &o->rules, o->prefix_digits, err);
            grouped = 0;
        }
    }
    if (status == DT_OK && !grouped) {
        status = read_coverage(o, &inputs, o->fabric ? &fabric : NULL, -1, extra, &cov, progress,
                               user, err);
        have_cov = 1;
        if (status == DT_OK)
            add_totals(&totals, &cov);
        if (status == DT_OK)
            status = dti_regions_by_prefix(&cov, o->prefix_digits, &regions, err);
        if (status == DT_OK && o->partial_out)
            status = dti_partial_add(&partial, &cov, &regions, err);
        if (status == DT_OK)
            status = dti_region_stats_compute(&cov, &regions, &stats, err);
        if (status == DT_OK && extra)
            status = dti_extra_compute(extra, &cov, &regions, stats, o->fabric ? &fabric : NULL,
                                       err);
    }
    if (status == DT_OK && grouped)
        status = dti_partial_finish(&partial, &regions, &stats, err);
    int want_table = o->output || !o->partial_out;
    if (status == DT_OK && want_table && !(table_out = dti_outfile_open(o->output, err)))
        status = err->status;
    if (status == DT_OK && o->locations_out &&
        !(locations_out = dti_outfile_open(o->locations_out, err)))
        status = err->status;
    if (status == DT_OK && o->partial_out && !(partial_out = dti_outfile_open(o->partial_out, err)))
        status = err->status;
    if (status == DT_OK) {
        if (table_out)
            dti_write_region_table(dti_outfile_stream(table_out), &regions, stats, extra);
        if (partial_out)
            dti_partial_write(&partial, dti_outfile_stream(partial_out));
        if (locations_out)
            status = write_location_table(dti_outfile_stream(locations_out), &cov, extra, err);
    }
    /* commit the side files first: stdout, once written, cannot be undone */
    if (status == DT_OK && locations_out) {
        status = dti_outfile_commit(locations_out, err);
        locations_out = NULL;
    }
    if (status == DT_OK && partial_out) {
        status = dti_outfile_commit(partial_out, err);
        partial_out = NULL;
    }
    if (status == DT_OK && table_out) {
        status = dti_outfile_commit(table_out, err);
        table_out = NULL;
    }
    dti_outfile_abort(locations_out);
    dti_outfile_abort(partial_out);
    dti_outfile_abort(table_out);
    if (status == DT_OK) {
        size_t with_locations = 0;
        for (size_t r = 0; r < regions.count; r++)
            with_locations += stats[r].locations > 0;
        say(note, user, "%llu locations in %zu %s regions from %llu rows in %zu files%s",
            (unsigned long long)totals.locations, with_locations, o->level_name,
            (unsigned long long)totals.rows, totals.files,
            grouped ? ", one state at a time" : "");
        if (totals.bad_rows)
            say(note, user, "skipped %llu bad rows (--skip-bad-rows)",
                (unsigned long long)totals.bad_rows);
        if (o->fabric)
            say(note, user, "added %llu fabric locations with no availability row as unserved",
                (unsigned long long)totals.fabric_added);
        else
            say(note, user, "counts cover reported locations only: no --fabric was given, so "
                            "locations that no provider reports are missing");
        if (extra)
            dti_extra_notes(extra, note, user);
    }
    dti_extra_free(extra);
    free(stats);
    free(bdc_states);
    free(fabric_states);
    dti_partial_free(&partial);
    dti_regions_free(&regions);
    if (have_cov)
        dti_coverage_free(&cov);
    dti_inputs_free(&inputs);
    dti_inputs_free(&fabric);
    return status;
}
