/* dialtone stats: options, the run, and the region and location tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct dt_stats_options {
    dti_rules rules;
    int prefix_digits, by_given;
    const char *level_name;
    char *output, *locations_out, *fabric;
    char **inputs;
    size_t input_count;
    int skip_bad_rows, quiet, help, version, verbose;
    /* census geometry */
    char **blocks;
    size_t block_count;
    char *regions, *id_field, *households, *format, *blocks_out;
    const char *driver, *blocks_driver; /* OGR driver names, NULL for CSV */
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
    "\n"
    "Census geometry (TIGER/Line 2020 blocks; any OGR vector source):\n"
    "  --blocks LAYER        block layer tl_2020_SS_tabblock20 (.shp, .zip, .gpkg,\n"
    "                        .fgb, ...); repeat for several states. Adds housing,\n"
    "                        unserved_housing, underserved_housing, housing_no_data,\n"
    "                        pop, land_km2 and locations_per_km2\n"
    "  --regions LAYER       polygon regions in any CRS, instead of --by: a block\n"
    "                        belongs to the polygon holding its internal point\n"
    "  --id-field FIELD      the regions' id field (the geoid column)\n"
    "  --households FILE     CSV geoid,households (occupied units per block): adds\n"
    "                        households, unserved_households, ... columns\n"
    "  -of FORMAT            region table format: CSV (default), or an OGR vector\n"
    "                        format with the region geometry (GPKG, GeoJSON,\n"
    "                        FlatGeobuf, \"ESRI Shapefile\"); needs --regions, -o FILE;\n"
    "                        -o FILE.gpkg (.geojson .fgb .shp) implies it\n"
    "  --blocks-out FILE     one row per block with its counts, housing and geometry\n"
    "                        (format from the extension: .gpkg .geojson .fgb .shp;\n"
    "                        otherwise -of, else CSV without geometry)\n"
    "  --verbose             list every block left out or in overlapping regions\n"
    "  LAYER is a file (a .zip is read through /vsizip/) or FILE|layername=NAME.\n"
    "\n"
    "General:\n"
    "  -q, --quiet           no progress or notes on stderr\n"
    "  -h, --help            show this help\n"
    "  --version             show the version\n"
    "\n"
    "Columns: geoid,locations,unserved,underserved,served,pct_unserved,providers,\n"
    "median_max_down,share_02_02,share_10_1,share_25_3,share_100_20,share_250_25,\n"
    "share_1000_100, then the census geometry columns asked for (see the\n"
    "dialtone-stats(1) manual for exact definitions).\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

const char *dt_stats_usage(void) { return usage_text; }

void dt_stats_options_free(dt_stats_options *o)
{
    if (!o)
        return;
    free(o->output);
    free(o->locations_out);
    free(o->fabric);
    for (size_t i = 0; i < o->input_count; i++)
        free(o->inputs[i]);
    free(o->inputs);
    for (size_t i = 0; i < o->block_count; i++)
        free(o->blocks[i]);
    free(o->blocks);
    free(o->regions);
    free(o->id_field);
    free(o->households);
    free(o->format);
    free(o->blocks_out);
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

/* The options that take one text value: 1 when argv[*i] is one of them
 * (*bad: 0 ok, -1 error set, 1 out of memory), 0 otherwise. */
static int string_option(int argc, char **argv, int *i, dt_stats_options *o, int *bad,
                         dt_error *err)
{
    static const struct {
        const char *name;
        size_t offset;
    } options[] = {
        {"--regions", offsetof(dt_stats_options, regions)},
        {"--id-field", offsetof(dt_stats_options, id_field)},
        {"--households", offsetof(dt_stats_options, households)},
        {"-of", offsetof(dt_stats_options, format)},
        {"--blocks-out", offsetof(dt_stats_options, blocks_out)},
    };
    for (size_t k = 0; k < sizeof options / sizeof *options; k++) {
        if (!is_option(argv[*i], options[k].name))
            continue;
        const char *v = option_value(argc, argv, i, options[k].name, err);
        char **slot = (char **)((char *)o + options[k].offset);
        if (!v || replace(slot, v) != 0) {
            if (v)
                dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
            *bad = -1;
        }
        return 1;
    }
    return 0;
}

/* Combinations of the census geometry options that cannot work. */
static dt_status check_geometry_options(dt_stats_options *o, dt_error *err)
{
    if (o->regions && o->by_given)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--by and --regions both say what a region is: give one");
    if (o->regions && !o->id_field)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--regions needs --id-field FIELD (the field that names a region)");
    if (o->id_field && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--id-field needs --regions LAYER");
    if (o->regions && !o->block_count)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--regions needs --blocks LAYER: a location goes to the region "
                             "holding its block's internal point");
    if (o->blocks_out && !o->block_count)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--blocks-out needs --blocks LAYER");
    /* without -of, an output name ending .gpkg, .geojson, .fgb or .shp names the format */
    dt_status status = dti_vector_format(o->format, o->format ? NULL : o->output, &o->driver, err);
    if (status != DT_OK)
        return status;
    if (o->driver && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s output holds region polygons: give --regions LAYER --id-field "
                             "FIELD (with --by the table is CSV)",
                             o->driver);
    if (o->driver && (!o->output || strcmp(o->output, "-") == 0))
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "-of %s needs -o FILE", o->driver);
    if (o->blocks_out) {
        status = dti_vector_format(NULL, o->blocks_out, &o->blocks_driver, err);
        if (status == DT_OK && !o->blocks_driver)
            o->blocks_driver = o->driver;
    }
    return status;
}

dt_stats_options *dt_stats_options_new(int argc, char **argv, dt_error *err)
{
    dt_stats_options *o = calloc(1, sizeof *o);
    if (!o || !(o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs)) ||
        !(o->blocks = calloc((size_t)argc + 1, sizeof *o->blocks))) {
        if (o)
            free(o->inputs);
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
        } else if (strcmp(a, "--verbose") == 0) {
            o->verbose = 1;
        } else if (is_option(a, "--blocks")) {
            if (!(v = option_value(argc, argv, &i, "--blocks", err)))
                goto fail;
            if (!(o->blocks[o->block_count] = strdup(v)))
                goto nomem;
            o->block_count++;
        } else if (string_option(argc, argv, &i, o, &bad, err)) {
            if (bad < 0)
                goto fail;
        } else if (is_option(a, "--by")) {
            if (!(v = option_value(argc, argv, &i, "--by", err)))
                goto fail;
            o->by_given = 1;
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
    if (!o->help && !o->version && check_geometry_options(o, err) != DT_OK)
        goto fail;
    return o;
nomem:
    dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
fail:
    dt_stats_options_free(o);
    return NULL;
}

/* Open, write and commit every output; side tables first: stdout, once
 * written, cannot be undone. */
static dt_status write_outputs(const dt_stats_options *o, const dti_coverage *cov,
                               const dti_region_table *regions, const dti_region_stats *stats,
                               const dti_stats_geo *geo, dt_error *err)
{
    dti_outfile *locations_out = NULL;
    dti_table_out *blocks_out = NULL, *table = NULL;
    dt_status status = DT_OK;
    if (o->locations_out) {
        if (!(locations_out = dti_outfile_open(o->locations_out, err)))
            return err->status;
        status = dti_location_table_write(dti_outfile_stream(locations_out), cov, err);
    }
    if (status == DT_OK && o->blocks_out &&
        !(blocks_out = dti_block_table_write(o->blocks_out, o->blocks_driver, cov, regions, geo,
                                             o->prefix_digits, err)))
        status = err->status;
    if (status == DT_OK &&
        !(table = dti_region_table_write(o->output, o->driver, regions, stats, geo, err)))
        status = err->status;
    if (status == DT_OK && locations_out) {
        status = dti_outfile_commit(locations_out, err);
        locations_out = NULL;
    }
    if (status == DT_OK && blocks_out) {
        status = dti_table_commit(blocks_out, err);
        blocks_out = NULL;
    }
    if (status == DT_OK) {
        status = dti_table_commit(table, err);
        table = NULL;
    }
    dti_outfile_abort(locations_out);
    dti_table_abort(blocks_out);
    dti_table_abort(table);
    return status;
}

static void closing_notes(const dt_stats_options *o, const dti_coverage *cov,
                          const dti_region_table *regions, const dti_region_stats *stats,
                          const dti_stats_geo *geo, dt_note_fn note, void *user)
{
    size_t with_locations = 0;
    uint64_t counted = 0;
    for (size_t r = 0; r < regions->count; r++) {
        with_locations += stats[r].locations > 0;
        counted += stats[r].locations;
    }
    if (o->regions)
        dti_say(note, user, "%llu of %zu locations in %zu regions of %s from %llu rows in %zu files",
                (unsigned long long)counted, cov->location_count, with_locations, o->regions,
                (unsigned long long)cov->rows, cov->files);
    else
        dti_say(note, user, "%zu locations in %zu %s regions from %llu rows in %zu files",
                cov->location_count, with_locations, o->level_name, (unsigned long long)cov->rows,
                cov->files);
    if (geo->have_blocks)
        dti_say(note, user, "%zu blocks from %zu block layers", geo->blocks.count,
                geo->blocks.source_count);
    if (cov->bad_rows)
        dti_say(note, user, "skipped %llu bad rows (--skip-bad-rows)",
                (unsigned long long)cov->bad_rows);
    if (o->fabric)
        dti_say(note, user, "added %llu fabric locations with no availability row as unserved",
                (unsigned long long)cov->fabric_added);
    else
        dti_say(note, user, "counts cover reported locations only: no --fabric was given, so "
                            "locations that no provider reports are missing");
}

dt_status dt_stats(const dt_stats_options *o, dt_progress_fn progress, dt_note_fn note,
                   void *user, dt_error *err)
{
    dti_gdal_init();
    dti_inputs inputs;
    dti_coverage cov;
    dti_region_table regions = {0};
    dti_region_stats *stats = NULL;
    dti_stats_geo geo;
    dti_geo_options geo_options = {.blocks = o->blocks,
                                   .block_count = o->block_count,
                                   .regions = o->regions,
                                   .id_field = o->id_field,
                                   .households = o->households,
                                   .prefix_digits = o->prefix_digits,
                                   .keep_region_geometry = o->driver != NULL,
                                   .verbose = o->verbose};
    memset(&geo, 0, sizeof geo);
    dt_status status = dti_inputs_expand(o->inputs, o->input_count, &inputs, err);
    if (status != DT_OK)
        return status;
    status = dti_coverage_init(&cov, &o->rules, err);
    if (status != DT_OK) {
        dti_inputs_free(&inputs);
        return status;
    }
    cov.skip_bad_rows = o->skip_bad_rows;
    cov.track_location_providers = o->locations_out != NULL;
    status = dti_coverage_read_bdc(&cov, &inputs, progress, user, err);
    if (status == DT_OK && o->fabric)
        status = dti_coverage_read_fabric(&cov, o->fabric, err);
    if (status == DT_OK)
        status = dti_geo_load(&geo, &geo_options, progress, user, err);
    if (status == DT_OK)
        status = dti_geo_regions(&geo, &geo_options, &cov, &regions, progress, note, user, err);
    if (status == DT_OK)
        status = dti_region_stats_compute(&cov, &regions, &stats, err);
    if (status == DT_OK)
        status = write_outputs(o, &cov, &regions, stats, &geo, err);
    if (status == DT_OK)
        closing_notes(o, &cov, &regions, stats, &geo, note, user);
    free(stats);
    dti_regions_free(&regions);
    dti_geo_free(&geo);
    dti_coverage_free(&cov);
    dti_inputs_free(&inputs);
    return status;
}
