/* SPDX-License-Identifier: MIT */
/* dialtone stats: options, the run, and the region and location tables. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* --by LEVEL[,LEVEL...]: the first is the main level, the rest extra. */
static int set_level(dt_stats_options *o, const char *list)
{
    int count = 0;
    for (const char *p = list; count == 0 || *p; count++) {
        size_t len = strcspn(p, ",");
        int digits = dti_level_digits(p, len);
        if (digits < 0 || count > 4)
            return -1;
        if (count == 0) {
            o->prefix_digits = digits;
            o->level_name = dti_level_name(digits);
        } else {
            o->extra_digits[count - 1] = digits;
            o->extra_names[count - 1] = dti_level_name(digits);
        }
        p += len;
        if (*p == ',')
            p++;
    }
    o->extra_levels = count - 1;
    return 0;
}

/* The output name for one level: {by} replaced by the level's name. */
static char *level_path(const char *pattern, const char *level)
{
    const char *at = strstr(pattern, "{by}");
    size_t n = strlen(pattern) + strlen(level) + 1;
    char *path = malloc(n);
    if (!path)
        return NULL;
    if (!at)
        snprintf(path, n, "%s", pattern);
    else
        snprintf(path, n, "%.*s%s%s", (int)(at - pattern), pattern, level, at + 4);
    return path;
}

/* Outputs that are one file, or one of the inputs: refused before any work (SPEC "Outputs"). */
static dt_status check_paths(const dt_stats_options *o, dt_error *err)
{
    dti_path_check c;
    dti_path_check_init(&c);
    /* with --partial-out alone there is no table */
    for (int k = -1; k < o->extra_levels && (o->output || !o->partial_out); k++) {
        char *path =
            o->output ? level_path(o->output, k < 0 ? o->level_name : o->extra_names[k]) : NULL;
        if (o->output && !path)
            c.nomem = 1;
        dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", path);
        free(path);
    }
    static const struct {
        const char *name;
        size_t offset;
    } outputs[] = {{"--locations-out", offsetof(dt_stats_options, locations_out)},
                   {"--partial-out", offsetof(dt_stats_options, partial_out)},
                   {"--blocks-out", offsetof(dt_stats_options, blocks_out)},
                   {"--by-technology", offsetof(dt_stats_options, tech_out)},
                   {"--providers-out", offsetof(dt_stats_options, providers_out)}},
      inputs[] = {{"--fabric", offsetof(dt_stats_options, fabric)},
                  {"--regions", offsetof(dt_stats_options, regions)},
                  {"--households", offsetof(dt_stats_options, households)},
                  {"--plans", offsetof(dt_stats_options, extra.plans)},
                  {"--income", offsetof(dt_stats_options, extra.income)},
                  {"--benchmark", offsetof(dt_stats_options, extra.benchmark)},
                  {"--measured", offsetof(dt_stats_options, extra.measured)},
                  {"--names", offsetof(dt_stats_options, names)}};
    for (size_t k = 0; k < sizeof outputs / sizeof *outputs; k++) {
        const char *path = *(char *const *)((const char *)o + outputs[k].offset);
        if (path)
            dti_path_output(&c, outputs[k].name, path);
    }
    for (size_t k = 0; k < sizeof inputs / sizeof *inputs; k++)
        dti_path_input(&c, inputs[k].name, *(char *const *)((const char *)o + inputs[k].offset), 0);
    for (size_t i = 0; i < o->input_count; i++)
        dti_path_input(&c, "BDC_FILE", o->inputs[i], DTI_INPUT_DIRECTORY);
    for (size_t i = 0; i < o->block_count; i++)
        dti_path_input(&c, "--blocks", o->blocks[i], 0);
    dt_status status = dti_path_check_finish(&c, err);
    static const char *const tables = "csv,gpkg,geojson,json,fgb,shp";
    if (status == DT_OK && !o->format)
        status = dti_output_named("-o", o->output, tables, err);
    if (status == DT_OK)
        status = dti_output_named("--locations-out", o->locations_out, tables, err);
    if (status == DT_OK)
        status = dti_output_named("--blocks-out", o->blocks_out, tables, err);
    if (status == DT_OK)
        status = dti_output_named("--by-technology", o->tech_out, "csv", err);
    if (status == DT_OK)
        status = dti_output_named("--providers-out", o->providers_out, "csv", err);
    return status;
}

/* A vector output that cannot go where it is asked to: OGR formats need a file (a GeoPackage
 * is rewritten in place), and a shapefile is several. */
static dt_status check_vector_output(const char *option, const char *path, const char *driver,
                                     dt_error *err)
{
    if (!driver || !path)
        return DT_OK;
    if (strcmp(path, "-") == 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s -: %s output cannot be a stream; give %s FILE", option, driver,
                             option);
    if (strcmp(driver, "ESRI Shapefile") == 0 && dti_output_kind(path, NULL) == DTI_OUT_DIRECT)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s %s: a shapefile is several files; it cannot go to a FIFO or "
                             "device",
                             option, path);
    return DT_OK;
}

/* A level named twice in --by (county,county): NULL when none is. */
static const char *repeated_level(const dt_stats_options *o)
{
    for (int k = 0; k < o->extra_levels; k++) {
        if (o->extra_digits[k] == o->prefix_digits)
            return o->level_name;
        for (int j = 0; j < k; j++)
            if (o->extra_digits[j] == o->extra_digits[k])
                return o->extra_names[k];
    }
    return NULL;
}

/* The options the tables' labels and areas come from. */
static dti_label_options label_options(const dt_stats_options *o)
{
    return (dti_label_options){.tech_out = o->tech_out,
                               .providers_out = o->providers_out,
                               .output = o->output,
                               .partial_out = o->partial_out,
                               .names = o->names,
                               .regions = o->regions,
                               .id_field = o->id_field,
                               .name_field = o->name_field,
                               .keep_fields = o->keep_fields,
                               .extra_levels = o->extra_levels,
                               .area_given = o->area_given,
                               .block_count = o->block_count};
}

/* Combinations of the census geometry options that cannot work. */
static dt_status check_geometry_options(dt_stats_options *o, dt_error *err)
{
    if (o->regions && o->by_given)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--by and --regions both say what a region is: give one");
    if (o->extra_levels &&
        (o->block_count || o->households || o->partial_out || dti_extra_options_any(&o->extra) ||
         !o->output || !strstr(o->output, "{by}")))
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--by with several levels writes one table each: give -o with "
                             "{by} in the name (e.g. -o out/{by}.csv); not with --blocks, "
                             "--households, --partial-out or price and speed options");
    if (o->regions && !o->id_field)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--regions needs --id-field FIELD (the field that names a region)");
    if (o->id_field && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--id-field needs --regions LAYER");
    if (o->regions && !o->block_count)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--regions needs --blocks LAYER: a location goes to the region "
                             "holding its block's internal point");
    if (o->partial_out && (o->block_count || o->households))
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--partial-out holds the BDC columns only: not with --blocks, "
                             "--regions or --households");
    if (o->blocks_out && !o->block_count)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "--blocks-out needs --blocks LAYER");
    dti_label_options labels = label_options(o);
    dt_status tables = dti_tables_options_check(&labels, err);
    if (tables != DT_OK)
        return tables;
    /* without -of, an output name ending .gpkg, .geojson, .fgb or .shp names the format */
    dt_status status = dti_vector_format(o->format, o->format ? NULL : o->output, &o->driver, err);
    if (status != DT_OK)
        return status;
    if (o->driver && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s output holds region polygons: give --regions LAYER --id-field "
                             "FIELD (with --by the table is CSV)",
                             o->driver);
    if (o->layer_name && !o->driver)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "-nln names the layer of a vector output (-o FILE.gpkg, -of FORMAT)");
    if (o->driver && (!o->output || strcmp(o->output, "-") == 0))
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "-of %s needs -o FILE", o->driver);
    if (o->blocks_out) {
        status = dti_vector_format(NULL, o->blocks_out, &o->blocks_driver, err);
        if (status == DT_OK && !o->blocks_driver)
            o->blocks_driver = o->driver;
    }
    if (status == DT_OK && o->locations_out) {
        /* a point layer: from the name (.gpkg ...), or -of when the name does not say CSV */
        size_t len = strlen(o->locations_out);
        status = dti_vector_format(NULL, o->locations_out, &o->locations_driver, err);
        if (status == DT_OK && !o->locations_driver &&
            !(len >= 4 && strcasecmp(o->locations_out + len - 4, ".csv") == 0))
            o->locations_driver = o->driver;
        if (status == DT_OK && o->locations_driver && !o->fabric)
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                 "--locations-out %s writes points: give --fabric FILE (the "
                                 "locations' latitude and longitude)",
                                 o->locations_out);
    }
    if (status == DT_OK)
        status = check_vector_output("--locations-out", o->locations_out, o->locations_driver, err);
    if (status == DT_OK)
        status = check_vector_output("-o", o->output, o->driver, err);
    if (status == DT_OK)
        status = check_vector_output("--blocks-out", o->blocks_out, o->blocks_driver, err);
    return status;
}

/* --by LEVEL[,LEVEL...] */
static dt_status parse_by(void *request, const dti_opt *opt, const char *name, const char *v,
                          dt_error *err)
{
    (void)opt;
    dt_stats_options *o = request;
    o->by_given = 1;
    if (set_level(o, v) != 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s %s: expected state, county, tract, blockgroup or block "
                             "(or several, comma-separated)",
                             name, v);
    if (repeated_level(o))
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s %s names %s twice: each level writes one table", name, v,
                             repeated_level(o));
    return DT_OK;
}

static void stats_init(void *request)
{
    dt_stats_options *o = request;
    dti_rules_default(&o->rules);
    set_level(o, "county");
}

/* What cannot be seen one option at a time. */
static dt_status stats_check(void *request, dt_error *err)
{
    dt_stats_options *o = request;
    if (o->input_count == 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no BDC availability file given");
    if (o->layer && !o->regions)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--layer names a layer of --regions: give --regions FILE");
    if (o->layer) { /* one spelling from here on: FILE|layername=NAME */
        char *spec;
        if (dti_layer_spec(o->regions, o->layer, &spec, err) != DT_OK)
            return err->status;
        free(o->regions);
        o->regions = spec;
    }
    dt_status status = dti_thresholds_check(&o->rules, DT_ERR_USAGE, NULL, 0, err);
    if (status == DT_OK)
        status = check_geometry_options(o, err);
    if (status == DT_OK)
        status = dti_extra_options_check(&o->extra, o->partial_out != NULL,
                                         o->fabric != NULL || o->regions != NULL, err);
    if (status == DT_OK)
        status = check_paths(o, err);
    return status;
}

static dt_status stats_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                           dt_error *err)
{
    return dt_stats(request, progress, note, user, err);
}

#define S(field) offsetof(dt_stats_options, field)
static const char *const area_words[] = {"total", "urban", "rural", NULL};
static const dti_opt stats_options[] = {
    {DTI_OPT_CALL, .names = "--by", .meta = "LEVEL", .parse = parse_by,
     .help = "region: state, county (default), tract, blockgroup,\n"
             "block; several (--by county,tract) from one read,\n"
             "with -o naming each table by {by} (-o out/{by}.csv)"},
    DTI_SHARE_HELP(dti_opt_output, dt_stats_options, output,
                   "write the region table to FILE (default: stdout)"),
    {DTI_OPT_STRING, .names = "--locations-out", .meta = "FILE", .offset = S(locations_out),
     .help = "also write one row per location"},
    {DTI_OPT_STRING, .names = "--fabric", .meta = "FILE", .offset = S(fabric),
     .help = "location fabric CSV: add its locations with no\n"
             "availability row as unserved"},
    DTI_SHARE(dti_opt_ulfw, dt_stats_options, rules),
    DTI_SHARE(dti_opt_served, dt_stats_options, rules),
    DTI_SHARE(dti_opt_underserved, dt_stats_options, rules),
    {DTI_OPT_FLAG, .names = "--skip-bad-rows", .offset = S(skip_bad_rows),
     .help = "skip and count bad rows instead of stopping"},
    DTI_SHARE(dti_opt_threads, dt_stats_options, threads),
    {DTI_OPT_STRING, .names = "--partial-out", .meta = "FILE", .offset = S(partial_out),
     .help = "also write a partial result that 'dialtone merge'\n"
             "combines exactly with others (no table unless -o;\n"
             "not with the census geometry options)"},
    DTI_SECTION("Tables to hold against the FCC's summaries:"),
    {DTI_OPT_STRING, .names = "--by-technology", .meta = "FILE", .offset = S(tech_out),
     .help = "also write the FCC's fixed broadband summary layout: per\n"
             "region, biz_res and technology group, the share of\n"
             "locations at 0.2/0.2 ... 1000/100 (any latency)"},
    {DTI_OPT_STRING, .names = "--providers-out", .meta = "FILE", .offset = S(providers_out),
     .help = "also write one row per region and provider"},
    {DTI_OPT_STRING, .names = "--names", .meta = "FILE", .offset = S(names),
     .help = "CSV geoid,name: a name column after geoid in every\n"
             "table of --by regions"},
    {DTI_OPT_STRING, .names = "--name-field", .meta = "FIELD", .offset = S(name_field),
     .help = "the --regions layer's name field, the tables' name\n"
             "column (default NAME, NAMELSAD)"},
    {DTI_OPT_STRING, .names = "--keep-fields", .meta = "F1,F2", .offset = S(keep_fields),
     .help = "more fields of the --regions layer in the region table"},
    {DTI_OPT_CHOICE, .names = "--area", .meta = "AREA", .offset = S(area), .words = area_words,
     .expect = "urban, rural or total", .given = S(area_given),
     .help = "count only locations in urban or rural blocks (UR20\n"
             "of --blocks), or all of them (total, the default)"},
    DTI_SECTION("Prices and speeds:"),
    {DTI_OPT_STRING, .names = "--plans", .meta = "FILE", .offset = S(extra.plans),
     .help = "plans and prices: add median_served_price,\n"
             "priced_share, median_usd_per_mbps (and\n"
             "cheapest_served_price per location)"},
    {DTI_OPT_STRING, .names = "--income", .meta = "FILE", .offset = S(extra.income),
     .help = "geoid,median_household_income: add affordability_pct"},
    {DTI_OPT_STRING, .names = "--benchmark", .meta = "FILE", .offset = S(extra.benchmark),
     .help = "name,median_down_mbps,monthly_price: add speed_ratio and\n"
             "price_ratio, and a summary in words on stderr"},
    {DTI_OPT_FLAG, .names = "--speed", .offset = S(extra.speed),
     .help = "add p90_max_down, median_max_up, p90_max_up and the\n"
             "locations with 0, 1, 2+ providers at served speeds"},
    {DTI_OPT_STRING, .names = "--measured", .meta = "LAYER", .offset = S(extra.measured),
     .help = "Ookla fixed tiles (avg_d_kbps, avg_u_kbps, tests; needs\n"
             "--fabric): add measured_down, measured_up,\n"
             "measured_tests, measured_to_advertised"},
    DTI_SECTION("Census geometry (TIGER/Line 2020 blocks; any OGR vector source):"),
    {DTI_OPT_LIST, .names = "--blocks", .meta = "LAYER", .offset = S(blocks),
     .offset2 = S(block_count),
     .help = "block layer tl_2020_SS_tabblock20 (.shp, .zip, .gpkg,\n"
             ".fgb, ...); repeat for several states. Adds housing,\n"
             "unserved_housing, underserved_housing, housing_no_data,\n"
             "pop, land_km2 and locations_per_km2"},
    {DTI_OPT_STRING, .names = "--regions", .meta = "LAYER", .offset = S(regions),
     .help = "polygon regions in any CRS, instead of --by: a block\n"
             "belongs to the polygon holding its internal point"},
    DTI_SHARE_HELP(dti_opt_layer, dt_stats_options, layer,
                   "the layer of --regions (or --regions\n"
                   "FILE|layername=NAME)"),
    DTI_SHARE_HELP(dti_opt_id_field, dt_stats_options, id_field,
                   "the regions' id field (the geoid column)"),
    {DTI_OPT_STRING, .names = "--households", .meta = "FILE", .offset = S(households),
     .help = "CSV geoid,households (occupied units per block): adds\n"
             "households, unserved_households, ... columns"},
    {DTI_OPT_STRING, .names = "-of", .meta = "FORMAT", .offset = S(format),
     .help = "region table format: CSV (default), or an OGR vector\n"
             "format with the region geometry (GPKG, GeoJSON,\n"
             "FlatGeobuf, \"ESRI Shapefile\"); needs --regions, -o FILE;\n"
             "-o FILE.gpkg (.geojson .fgb .shp) implies it; into an\n"
             "existing GeoPackage, only dialtone's layer is replaced"},
    {DTI_OPT_STRING, .names = "-nln", .meta = "NAME", .offset = S(layer_name),
     .help = "the layer's name (default regions), as in ogr2ogr"},
    {DTI_OPT_STRING, .names = "--blocks-out", .meta = "FILE", .offset = S(blocks_out),
     .help = "one row per block with its counts, housing and geometry\n"
             "(format from the extension: .gpkg .geojson .fgb .shp;\n"
             "otherwise -of, else CSV without geometry)"},
    {DTI_OPT_FLAG, .names = "--verbose", .offset = S(verbose),
     .help = "list every block left out or in overlapping regions"},
    DTI_NOTE("LAYER is a file (a .zip is read through /vsizip/) or FILE|layername=NAME."),
    {0}};
#undef S

const dti_command dti_stats_command = {
    .name = "stats",
    .summary = "served / underserved / unserved counts per region (BEAD rules)",
    .synopsis = "[OPTIONS] BDC_FILE...",
    .description = "Classify every location of FCC BDC fixed availability files as served,\n"
                   "underserved or unserved (BEAD rules) and write one row per region.\n"
                   "BDC_FILE: CSV files, .zip archives of CSVs, quoted glob patterns, or\n"
                   "directories (every .csv and .zip file in each).\n",
    .epilogue = "Columns: geoid,locations,unserved,underserved,served,pct_unserved,providers,\n"
                "median_max_down,share_02_02,share_10_1,share_25_3,share_100_20,share_250_25,\n"
                "share_1000_100, then the census geometry columns asked for (see the\n"
                "dialtone-stats(1) manual for exact definitions).\n"
                "Files of several states are read one state at a time (memory bounded by the\n"
                "largest state) unless --locations-out or census geometry options are given.\n"
                "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = stats_options,
    .operands = {DTI_OPT_LIST, .meta = "BDC_FILE", .offset = offsetof(dt_stats_options, inputs),
                 .offset2 = offsetof(dt_stats_options, input_count)},
    .size = sizeof(dt_stats_options),
    .init = stats_init,
    .check = stats_check,
    .run = stats_run,
};

dt_stats_options *dti_call_stats_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_stats_command, argc, argv, err);
}

void dt_stats_options_free(dt_stats_options *o) { dti_request_free(o); }

/* What the tables of this run mean (the region level or layer is set per table). */
static struct json_t *run_provenance(const dt_stats_options *o, const dti_inputs *inputs,
                                     const dti_inputs *fabric, const dti_state_set *states)
{
    struct json_t *p = dti_prov_new("stats");
    dti_prov_rules(p, &o->rules);
    dti_prov_regions(p, o->level_name, o->regions, o->id_field);
    dti_prov_set_text(p, "universe",
                      o->fabric ? "reported locations and the fabric's unreported "
                                  "ones (as unserved)"
                                : "reported locations only");
    if (o->fabric)
        dti_prov_inputs(p, "fabric", fabric);
    else
        dti_prov_set_text(p, "fabric", NULL);
    dti_prov_states(p, states);
    dti_prov_inputs(p, "inputs", inputs);
    if (o->block_count)
        dti_prov_set_int(p, "block_layers", (long long)o->block_count);
    if (o->area) /* --area urban|rural: the tables count the locations of those blocks only */
        dti_prov_set_text(p, "area", o->area == 1 ? "urban" : "rural");
    return p;
}

/* Tables of the extra --by levels, written but not yet committed. */
static dt_status write_extra_levels(const dt_stats_options *o, const dti_coverage *cov,
                                    struct json_t *prov, dti_table_out **tables, dt_error *err)
{
    dti_stats_geo no_geometry;
    memset(&no_geometry, 0, sizeof no_geometry);
    dt_status status = DT_OK;
    for (int k = 0; k < o->extra_levels && status == DT_OK; k++) {
        dti_region_table regions = {0};
        dti_region_stats *stats = NULL;
        char *path = level_path(o->output, o->extra_names[k]);
        status =
            path ? dti_regions_by_prefix(cov, o->extra_digits[k], &regions, err) : dti_nomem(err);
        if (status == DT_OK)
            status = dti_region_stats_compute(cov, &regions, &stats, err);
        dti_tables_run names; /* --names: the file names every level's regions it holds */
        memset(&names, 0, sizeof names);
        dti_label_options labels = {.names = o->names};
        if (status == DT_OK && o->names)
            status = dti_tables_prepare(&names, cov, &regions, NULL, &labels, err);
        if (status == DT_OK)
            status = dti_region_table_write_labeled(path, o->driver, NULL, &regions, stats,
                                                    &no_geometry, NULL, o->names ? &names : NULL,
                                                    &tables[k], NULL, err);
        dti_tables_run_free(&names);
        if (status == DT_OK) {
            dti_prov_regions(prov, o->extra_names[k], NULL, NULL);
            dti_table_set_provenance(tables[k], prov);
            dti_prov_regions(prov, o->level_name, o->regions, o->id_field);
        }
        free(path);
        free(stats);
        dti_regions_free(&regions);
    }
    return status;
}

/* Open, write and commit every output; side tables first: stdout, once
 * written, cannot be undone. */
static dt_status write_outputs(const dt_stats_options *o, const dti_coverage *cov,
                               const dti_region_table *regions, const dti_region_stats *stats,
                               const dti_stats_geo *geo, const dti_partial *partial,
                               const dti_extra_run *extra, const dti_inputs *fabric,
                               dti_table_out **level_tables, const dti_tables_run *analyst,
                               struct json_t *prov, dt_table **memory, dt_error *err)
{
    dti_outfile *locations_out = NULL, *partial_out = NULL;
    dti_table_out *blocks_out = NULL, *table = NULL, *tech_out = NULL, *providers_out = NULL;
    dti_table_out *locations_layer = NULL;
    dt_status status = DT_OK;
    if (o->partial_out) {
        if (!(partial_out = dti_outfile_open(o->partial_out, NULL, NULL, err)))
            return err->status;
        dti_partial_write(partial, dti_outfile_stream(partial_out));
    }
    if (o->locations_out) {
        /* each location's region and, with a fabric, its coordinates; the CSV names the
         * region only for a polygon layer (a GEOID level's region is the block's prefix) */
        dti_location_context where = {.regions = regions};
        dti_location_context csv_where = {.regions = o->regions ? regions : NULL};
        size_t n = cov->location_count + 1, located;
        double *lon = o->fabric ? malloc(n * sizeof *lon) : NULL;
        double *lat = o->fabric ? malloc(n * sizeof *lat) : NULL;
        if (o->fabric && (!lon || !lat))
            status = dti_nomem(err);
        else if (o->fabric)
            status = dti_fabric_coordinates(cov, fabric, lon, lat, &located, err);
        where.lon = csv_where.lon = lon;
        where.lat = csv_where.lat = lat;
        if (status == DT_OK && o->locations_driver) {
            if (!(locations_layer = dti_location_layer_write(o->locations_out, o->locations_driver,
                                                             cov, &where, err)))
                status = err->status;
        } else if (status == DT_OK) {
            if (!(locations_out = dti_outfile_open(o->locations_out, NULL, NULL, err)))
                status = err->status;
            else
                status = dti_location_table_write(dti_outfile_stream(locations_out), cov, extra,
                                                  &csv_where, err);
        }
        free(lon);
        free(lat);
        dti_prov_set_text(prov, "table", "locations");
        if (locations_out)
            dti_outfile_set_provenance(locations_out, prov);
        if (locations_layer)
            dti_table_set_provenance(locations_layer, prov);
    }
    if (status == DT_OK && o->blocks_out &&
        !(blocks_out = dti_block_table_write(o->blocks_out, o->blocks_driver, cov, regions, geo,
                                             o->prefix_digits, err)))
        status = err->status;
    if (blocks_out) {
        dti_prov_set_text(prov, "table", "blocks");
        dti_table_set_provenance(blocks_out, prov);
    }
    if (status == DT_OK && o->tech_out &&
        !(tech_out = dti_tech_table_write(o->tech_out, cov, regions, analyst, err)))
        status = err->status;
    if (tech_out) {
        dti_prov_set_text(prov, "table", "by_technology");
        dti_table_set_provenance(tech_out, prov);
    }
    if (status == DT_OK && o->providers_out &&
        !(providers_out = dti_provider_table_write(o->providers_out, cov, regions, analyst, err)))
        status = err->status;
    if (providers_out) {
        dti_prov_set_text(prov, "table", "providers");
        dti_table_set_provenance(providers_out, prov);
    }
    /* with --partial-out alone, the partial is the result; a table kept in memory is written
     * to a file only with -o */
    char *path = o->output ? level_path(o->output, o->level_name) : NULL;
    if (o->output && !path)
        status = dti_nomem(err);
    int to_file = o->output || (!o->partial_out && !memory);
    if (status == DT_OK && (to_file || memory))
        status =
            dti_region_table_write_labeled(path, o->driver, o->layer_name, regions, stats, geo,
                                           extra, analyst, to_file ? &table : NULL, memory, err);
    dti_prov_set_text(prov, "table", "regions");
    if (table)
        dti_table_set_provenance(table, prov);
    free(path);
    /* every output written: renamed into place together, an interruption waits */
    sigset_t mask;
    dti_signals_hold(&mask);
    if (status == DT_OK && locations_out) {
        status = dti_outfile_commit(locations_out, err);
        locations_out = NULL;
    }
    if (status == DT_OK && locations_layer) {
        status = dti_table_commit(locations_layer, err);
        locations_layer = NULL;
    }
    if (status == DT_OK && blocks_out) {
        status = dti_table_commit(blocks_out, err);
        blocks_out = NULL;
    }
    if (status == DT_OK && partial_out) {
        status = dti_outfile_commit(partial_out, err);
        partial_out = NULL;
    }
    if (status == DT_OK && tech_out) {
        status = dti_table_commit(tech_out, err);
        tech_out = NULL;
    }
    if (status == DT_OK && providers_out) {
        status = dti_table_commit(providers_out, err);
        providers_out = NULL;
    }
    if (status == DT_OK && table) {
        status = dti_table_commit(table, err);
        table = NULL;
    }
    for (int k = 0; k < o->extra_levels; k++) {
        if (status == DT_OK)
            status = dti_table_commit(level_tables[k], err);
        else
            dti_table_abort(level_tables[k]);
        level_tables[k] = NULL;
    }
    dti_signals_release(&mask);
    dti_outfile_abort(locations_out);
    dti_table_abort(locations_layer);
    dti_outfile_abort(partial_out);
    dti_table_abort(blocks_out);
    dti_table_abort(tech_out);
    dti_table_abort(providers_out);
    dti_table_abort(table);
    if (status != DT_OK && memory) {
        dt_table_free(*memory);
        *memory = NULL;
    }
    return status;
}

/* Read BDC rows (and fabric) of every state into a fresh coverage. */
static dt_status read_coverage(const dt_stats_options *o, const dti_inputs *bdc,
                               const dti_inputs *fabric, const dti_extra_run *extra,
                               dti_coverage *cov, dt_progress_fn progress, void *user,
                               dt_error *err)
{
    dt_status status = dti_coverage_init(cov, &o->rules, err);
    if (status == DT_OK && dti_extra_tracks_locations(extra))
        status = dti_coverage_track_extras(cov, dti_extra_plans(extra), err);
    /* the provider pairs: the provider table, the location layer's served providers */
    int pairs = o->providers_out != NULL || o->locations_driver != NULL;
    if (status == DT_OK && (o->tech_out || pairs))
        status = dti_coverage_track_tables(cov, pairs, err);
    if (status != DT_OK)
        return status;
    cov->skip_bad_rows = o->skip_bad_rows;
    cov->track_location_providers = o->locations_out != NULL;
    status = dti_coverage_read_bdc(cov, bdc, o->threads, progress, user, err);
    if (status == DT_OK && fabric)
        status = dti_coverage_read_fabric(cov, fabric, bdc, NULL, 0, err);
    if (status == DT_OK && cov->tables && dti_tables_pairs_finish(cov->tables) != 0)
        status = dti_nomem(err);
    return status;
}

static void closing_notes(const dt_stats_options *o, const dti_run_totals *totals,
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
        dti_say(note, user, "%llu of %llu %s in %zu %s of %s from %llu %s in %zu %s",
                (unsigned long long)counted, (unsigned long long)totals->locations,
                dti_plural(totals->locations, "location", "locations"), with_locations,
                dti_plural(with_locations, "region", "regions"), o->regions,
                (unsigned long long)totals->rows, dti_plural(totals->rows, "row", "rows"),
                totals->files, dti_plural(totals->files, "file", "files"));
    else
        dti_say(note, user, "%llu %s in %zu %s %s from %llu %s in %zu %s%s",
                (unsigned long long)totals->locations,
                dti_plural(totals->locations, "location", "locations"), with_locations,
                o->level_name, dti_plural(with_locations, "region", "regions"),
                (unsigned long long)totals->rows, dti_plural(totals->rows, "row", "rows"),
                totals->files, dti_plural(totals->files, "file", "files"),
                totals->groups > 1 ? ", one state at a time" : "");
    if (geo->have_blocks)
        dti_say(note, user, "%zu %s from %zu %s", geo->blocks.count,
                dti_plural(geo->blocks.count, "block", "blocks"), geo->blocks.source_count,
                dti_plural(geo->blocks.source_count, "block layer", "block layers"));
    if (totals->bad_rows)
        dti_say(note, user, "skipped %llu bad %s (--skip-bad-rows)",
                (unsigned long long)totals->bad_rows, dti_plural(totals->bad_rows, "row", "rows"));
    if (o->fabric)
        dti_say(note, user, "added %llu fabric %s with no availability row as unserved",
                (unsigned long long)totals->fabric_added,
                dti_plural(totals->fabric_added, "location", "locations"));
    else
        dti_say(note, user,
                "counts cover reported locations only: no --fabric was given, so "
                "locations that no provider reports are missing");
}

dt_status dti_call_stats(const dt_stats_options *o, dt_progress_fn progress, dt_note_fn note,
                         void *user, dt_table **memory, dt_error *err)
{
    dti_gdal_init();
    dti_inputs inputs, fabric = {0};
    dti_coverage cov;
    dti_partial partial = {0};
    dti_region_table regions = {0};
    dti_region_stats *stats = NULL;
    dti_stats_geo geo;
    dti_geo_options geo_options = {.blocks = o->blocks,
                                   .block_count = o->block_count,
                                   .regions = o->regions,
                                   .id_field = o->id_field,
                                   .households = o->households,
                                   .prefix_digits = o->prefix_digits,
                                   .keep_region_geometry =
                                       o->driver != NULL || o->extra.measured != NULL,
                                   .area = o->area,
                                   .verbose = o->verbose};
    dti_run_totals totals = {0};
    dti_extra_run *extra = NULL;
    dti_tables_run analyst;
    memset(&analyst, 0, sizeof analyst);
    int *bdc_states = NULL, grouped = 0;
    memset(&geo, 0, sizeof geo);
    memset(&cov, 0, sizeof cov);
    dt_status status = dti_inputs_expand_dirs(o->inputs, o->input_count, &inputs, err);
    if (status != DT_OK)
        return status;
    if (o->fabric) {
        char *const args[] = {o->fabric};
        status = dti_inputs_expand(args, 1, &fabric, err);
    }
    if (status == DT_OK)
        status = dti_partial_init(&partial, &o->rules, o->prefix_digits, err);
    partial.track_keys = o->partial_out != NULL;
    partial.fabric = o->fabric != NULL;
    if (status == DT_OK)
        status = dti_partial_add_inputs(&partial, &inputs, err);
    if (status == DT_OK && dti_extra_options_any(&o->extra) &&
        !(extra = dti_extra_load(&o->extra, err)))
        status = err->status;
    /* Several states: one at a time, unless a location table (sorted over
     * all locations), census geometry, price, speed or measured columns
     * (their medians and percentiles need every location at once), or the
     * by-technology and provider tables (not kept in partials yet) are asked
     * for. DIALTONE_STATES=split or together forces either way (tests: both
     * must give the same tables). */
    const char *mode = dti_config_option("DIALTONE_STATES", "auto");
    int forced = strcmp(mode, "split") == 0, never = strcmp(mode, "together") == 0;
    int geometry = o->block_count || o->regions || o->households || o->blocks_out;
    if (status == DT_OK && (inputs.count > 1 || forced) && !never && !o->locations_out &&
        !geometry && !o->extra_levels && !extra && !o->tech_out && !o->providers_out) {
        size_t distinct = 0;
        if (!(bdc_states = dti_peek_states(&inputs, &distinct)))
            status = dti_nomem(err);
        grouped = distinct >= (forced ? 1u : 2u);
    }
    if (status == DT_OK && grouped) {
        dti_state_run run = {.rules = &o->rules,
                             .skip_bad_rows = o->skip_bad_rows,
                             .threads = o->threads,
                             .prefix_digits = o->prefix_digits,
                             .bdc = &inputs,
                             .bdc_states = bdc_states,
                             .fabric = o->fabric ? &fabric : NULL,
                             .progress = progress,
                             .user = user};
        dti_state_fallback fallback;
        status = dti_stats_by_state(&run, &partial, &totals, &fallback, err);
        if (status == DT_OK && fallback) {
            if (fallback == DTI_FALLBACK_MIXED_FILE)
                dti_say(note, user,
                        "a file holds rows of several states: reading all states "
                        "together");
            else if (fallback == DTI_FALLBACK_TWO_STATES)
                dti_say(note, user,
                        "a location appears in the rows of two states: reading all "
                        "states together");
            dti_partial_free(&partial);
            memset(&totals, 0, sizeof totals);
            status = dti_partial_init(&partial, &o->rules, o->prefix_digits, err);
            partial.track_keys = o->partial_out != NULL;
            partial.fabric = o->fabric != NULL;
            if (status == DT_OK)
                status = dti_partial_add_inputs(&partial, &inputs, err);
            grouped = 0;
        }
        if (status == DT_OK && grouped)
            status = dti_partial_finish(&partial, &regions, &stats, err);
    }
    if (status == DT_OK && !grouped) {
        dti_geo_job layers; /* the census layers read meanwhile */
        dti_geo_load_start(&layers, &geo, &geo_options, progress, user);
        status = read_coverage(o, &inputs, o->fabric ? &fabric : NULL, extra, &cov,
                               progress ? dti_geo_job_progress : NULL, &layers, err);
        if (status == DT_OK)
            dti_run_totals_add(&totals, &cov);
        dt_status layers_status = dti_geo_load_finish(&layers, status == DT_OK, err);
        if (status == DT_OK)
            status = layers_status;
        if (status == DT_OK)
            status = dti_geo_regions(&geo, &geo_options, &cov, &regions, progress, note, user, err);
        if (status == DT_OK)
            status = dti_region_stats_compute(&cov, &regions, &stats, err);
        if (status == DT_OK && o->partial_out)
            status = dti_partial_add(&partial, &cov, &regions, stats, err);
        if (status == DT_OK && extra)
            status = dti_extra_compute(extra, &cov, &regions, stats, o->fabric ? &fabric : NULL,
                                       geo.polygons, err);
        dti_label_options labels = label_options(o);
        if (status == DT_OK && (o->tech_out || o->providers_out || o->names || o->regions))
            status = dti_tables_prepare(&analyst, &cov, &regions,
                                        geo.have_blocks ? &geo.blocks : NULL, &labels, err);
    }
    dti_table_out *level_tables[4] = {NULL};
    dti_state_set states = partial.states;
    for (size_t b = 0; !grouped && b < cov.block_count; b++)
        dti_state_set_add(&states, (int)(cov.block_geoids[b] / DTI_STATE_DIVISOR));
    struct json_t *prov = status == DT_OK ? run_provenance(o, &inputs, &fabric, &states) : NULL;
    dti_prov_set_text(prov, "table", "regions");
    if (status == DT_OK && o->extra_levels)
        status = write_extra_levels(o, &cov, prov, level_tables, err);
    if (status == DT_OK)
        status = write_outputs(o, &cov, &regions, stats, &geo, &partial, extra, &fabric,
                               level_tables, &analyst, prov, memory, err);
    dti_prov_free(prov);
    for (int k = 0; k < o->extra_levels; k++)
        dti_table_abort(level_tables[k]); /* not written: NULL, or an error before them */
    if (status == DT_OK)
        closing_notes(o, &totals, &regions, stats, &geo, note, user);
    if (status == DT_OK && extra)
        dti_extra_notes(extra, note, user);
    dti_extra_free(extra);
    dti_tables_run_free(&analyst);
    free(stats);
    free(bdc_states);
    dti_partial_free(&partial);
    dti_regions_free(&regions);
    dti_geo_free(&geo);
    dti_coverage_free(&cov);
    dti_inputs_free(&inputs);
    dti_inputs_free(&fabric);
    return status;
}
