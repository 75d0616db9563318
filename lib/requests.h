/* SPDX-License-Identifier: MIT */
/* The typed request of every command: the struct the option engine fills from argv, and
 * that the library's own callers (dialtone run, plan's map, report's default map) fill field
 * by field. Text fields are owned by the request (dti_request_free frees them); fields the
 * tables do not fill (map's values) are borrowed. */
#ifndef DIALTONE_REQUESTS_H
#define DIALTONE_REQUESTS_H

#include "map.h"
#include "options.h"
#include "stats.h"

struct dt_stats_options {
    dti_common common; /* -q, -h, --version */
    dti_rules rules;
    int prefix_digits, by_given;
    const char *level_name;
    /* --by county,tract: more levels from one read, -o naming each with {by} */
    int extra_levels;
    int extra_digits[4];
    const char *extra_names[4];
    char *output, *locations_out, *fabric, *partial_out;
    char *layer_name; /* -nln: the layer of a vector output (default "regions") */
    char **inputs;
    size_t input_count;
    int skip_bad_rows, verbose;
    int threads;             /* 0: one per CPU */
    dti_extra_options extra; /* --plans --income --benchmark --speed --measured */
    /* census geometry */
    char **blocks;
    size_t block_count;
    char *regions, *layer, *id_field, *households, *format, *blocks_out;
    const char *driver, *blocks_driver, *locations_driver; /* OGR driver names, NULL for CSV */
    /* the analysts' tables (stats_tech.c) */
    char *tech_out, *providers_out, *names, *name_field, *keep_fields;
    int area, area_given; /* --area: 0 total, 1 urban, 2 rural (as dti_blocks.area) */
};

struct dt_merge_options {
    dti_common common; /* -q, -h, --version */
    char *output;
    char **partials;
    size_t count;
};

struct dt_map_options {
    dti_common common; /* -q, -h, --version */
    char *regions, *layer, *id_field, *stats, *column, *output, *svg;
    int output_svg; /* -o names an .svg file */
    char *title, *subtitle, *source, *legend_title, *region_noun, *units, *suffix;
    char *palette, *crs;
    char *class_labels, *no_data_label; /* categorical maps: names instead of ranges */
    dti_rgb no_data_color, symbol_color;
    dti_break_method method;
    int method_given, classes;
    double breaks[DTI_MAX_CLASSES];
    int break_count;
    int width, height;
    double scale;
    dti_map_view view;
    dti_scale_bar scale_bar;
    dti_map_layout layout;
    const dti_map_values *values; /* borrowed: the values in memory, instead of --stats */
};

struct dt_diff_options {
    dti_common common; /* -q, -h, --version */
    dti_rules rules;
    int prefix_digits;
    const char *level_name;
    char *output, *changes_out;
    char **release[2]; /* the files, globs, archives or directories of OLD and NEW */
    size_t release_count[2];
    char **operands; /* OLD NEW, or one that completes --old/--new */
    size_t operand_count;
    int threads;
};

struct dt_plan_options {
    dti_common common; /* -q, -h, --version */
    char *stats, *output, *costs, *land, *regions, *layer, *id_field, *map;
    char *title, *subtitle, *source, *region_noun;
    dti_money budget;
    int has_budget, households, method, width;
    dti_scale_bar scale_bar; /* of the map */
};

struct dt_report_options {
    dti_common common; /* -q, -h, --version */
    char *stats, *output, *regions, *layer, *id_field, *plan, *plan_map, *diff, *costs;
    char *title, *subtitle, *source, *region_noun;
    char **maps;
    size_t map_count;
    dti_money budget;
    int has_budget, top, fabric;
    int rules_given; /* --ulfw, --served or --underserved: checked against the data's */
    dti_rules rules;
};

struct dt_run_options {
    dti_common common; /* -q, -h, --version */
    char *config, *out;
};

struct dt_info_options {
    dti_common common; /* -q, -h, --version */
    char **files;
    size_t count;
};

#endif
