/* SPDX-License-Identifier: MIT */
/* dialtone report: the page's data and HTML. */
#ifndef DIALTONE_REPORT_H
#define DIALTONE_REPORT_H

#include <stdio.h>

#include "tables.h"

/* ---- dialtone report (report.c, report_html.c, report_data.c) ---- */
/* A PNG to show: its bytes, size and the Title / Description of its text chunks. */
typedef struct dti_figure {
    char path[1024];
    char title[512], description[1024];
    int width, height;
    unsigned char *png;
    size_t size;
    char *svg; /* the same map as dialtone's SVG, shown live in the page; NULL: the PNG only */
} dti_figure;

dt_status dti_figure_read(dti_figure *f, const char *path, dt_error *err);
/* Add the SVG document at path (dialtone map's) to a figure read from its PNG. */
dt_status dti_figure_read_svg(dti_figure *f, const char *path, dt_error *err);
void dti_figure_free(dti_figure *f);
/* Base64 of data to a FILE *. */
void dti_base64_write(FILE *stream, const unsigned char *data, size_t n);

/* Region names from a polygon layer (NAMELSAD, NAME...), by region id. */
typedef struct dti_names {
    dti_strtab ids;
    char **names;
    size_t count;
} dti_names;

dt_status dti_names_read(dti_names *names, const char *path, const char *layer,
                         const char *id_field, dt_error *err);
const char *dti_names_find(dti_names *names, const char *id); /* NULL: none */
void dti_names_free(dti_names *names);

typedef struct dti_report_totals {
    uint64_t locations, unserved, underserved, served;
    size_t majority; /* regions where half or more of the locations are unserved */
} dti_report_totals;

typedef struct dti_plan_totals {
    size_t funded, waiting;
    dti_money cost;        /* of the funded projects */
    uint64_t locations[2]; /* unserved, underserved connected */
} dti_plan_totals;

typedef struct dti_report_change {
    uint64_t old[4], now[4]; /* locations, served, underserved, unserved */
    uint64_t appeared, vanished, upgraded, downgraded;
    uint64_t upgraded_by[DTI_TECH_COUNT], downgraded_by[DTI_TECH_COUNT];
} dti_report_change;

typedef struct dti_report {
    const char *title, *subtitle, *source, *region_noun, *costs;
    char *stats_link; /* the stats table as the page links it (beside the page: its name) */
    dti_csv_table stats;
    struct {
        int geoid, locations, unserved, underserved, served, pct, providers, median;
    } col;
    uint64_t *counts; /* per row: locations, unserved, underserved, served */
    char (*pct)[32];  /* per row: pct_unserved as the table has it (or computed) */
    size_t *worst;    /* rows, the largest share unserved first */
    dti_report_totals totals;
    int has_plan, has_budget, has_plan_map, has_diff, fabric;
    dti_csv_table plan;
    dti_plan_totals plan_totals;
    char plan_method_note[640]; /* where the exact allocation differs from greedy, and why */
    size_t *funded_rows;
    dti_money budget;
    dti_figure plan_map;
    dti_csv_table diff;
    dti_report_change change;
    dti_figure *maps;
    size_t map_count;
    dti_names names;
    size_t top;
    dti_rules rules;
    size_t *priced_rows, priced_count;
    double *price_values;
} dti_report;

/* The page to a FILE *. */
void dti_report_write(FILE *stream, dti_report *r);

#endif
