/* SPDX-License-Identifier: MIT */
/* dialtone run: the configuration file. */
#ifndef DIALTONE_RUN_H
#define DIALTONE_RUN_H

#include "core.h"
#include "money.h"

/* ---- dialtone run: the configuration file (run_config.c) ---- */
enum {
    DTI_RUN_BDC,
    DTI_RUN_PREVIOUS,
    DTI_RUN_FABRIC,
    DTI_RUN_REGIONS,
    DTI_RUN_LAYER,
    DTI_RUN_ID_FIELD,
    DTI_RUN_BY,
    DTI_RUN_OUT,
    DTI_RUN_NAME,
    DTI_RUN_TITLE,
    DTI_RUN_SUBTITLE,
    DTI_RUN_SOURCE,
    DTI_RUN_NOUN,
    DTI_RUN_ULFW,
    DTI_RUN_SERVED,
    DTI_RUN_UNDERSERVED,
    DTI_RUN_THREADS,
    DTI_RUN_BUDGET,
    DTI_RUN_COSTS,
    DTI_RUN_LAND,
    DTI_RUN_HOUSEHOLDS,
    DTI_RUN_METHOD, /* plan_method: the plan's allocation */
    DTI_RUN_TOP,
    DTI_RUN_SCALE_BAR,
    DTI_RUN_BLOCKS,
    DTI_RUN_OLD_METHOD, /* method, the old name of plan_method: read as it, with a note */
    DTI_RUN_MAP_COLUMN, /* the choropleth map: its column, colours, classes and texts */
    DTI_RUN_MAP_PALETTE,
    DTI_RUN_MAP_CLASSIFICATION,
    DTI_RUN_MAP_CLASSES,
    DTI_RUN_MAP_TITLE,
    DTI_RUN_MAP_SUBTITLE,
    DTI_RUN_MAP_UNITS,
    DTI_RUN_SYMBOLS_TITLE, /* the map of unserved counts */
    DTI_RUN_PLAN_TITLE,    /* the plan's map */
    DTI_RUN_KEY_COUNT
};

typedef struct dti_run_config {
    char *path, *dir;                /* the file, and the directory its paths are relative to */
    char *text[DTI_RUN_KEY_COUNT];   /* each key's value as written */
    long line[DTI_RUN_KEY_COUNT];    /* its line, 0 when absent */
    char **paths[DTI_RUN_KEY_COUNT]; /* file keys: the words, resolved against dir */
    size_t count[DTI_RUN_KEY_COUNT];
    int flag[DTI_RUN_KEY_COUNT]; /* yes/no keys */
    dti_money budget;
    int old_method; /* plan_method was given by its old name, method */
} dti_run_config;

/* Read and check a configuration: unknown keys, bad values and missing files are errors
 * naming the config's line. Free with dti_run_config_free(), also after a failure. */
dt_status dti_run_config_read(dti_run_config *c, const char *path, dt_error *err);
void dti_run_config_free(dti_run_config *c);
/* A key's text, or its first path; NULL when the config does not have the key. */
const char *dti_run_config_text(const dti_run_config *c, int key);
const char *dti_run_config_path(const dti_run_config *c, int key);
const char *dti_run_config_key(int key); /* "bdc", "fabric", ... */

#endif
