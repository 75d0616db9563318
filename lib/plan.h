/* SPDX-License-Identifier: MIT */
/* dialtone plan: cost model, land area, the solver. */
#ifndef DIALTONE_PLAN_H
#define DIALTONE_PLAN_H

#include "tables.h"

/* ---- dialtone plan: cost model (plan_costs.c), land (plan_land.c), solver (plan_solve.c) ---- */
__extension__ typedef unsigned __int128 dti_u128;

#define DTI_DEFAULT_COSTS_NAME "datasets/cost_model.csv (built in)"
/* The text of datasets/cost_model.csv, compiled in by the Makefile (cost_model.c). */
extern const char dti_default_costs[];

/* Density bounds in locations per km2, exactly as the cost model writes them. */
typedef struct dti_cost_class {
    dti_decimal min, max;        /* [min, max) */
    int unbounded;               /* no max: up to infinity */
    dti_money cost_per_location; /* at most DTI_COST_PER_LOCATION_MAX */
    long line;
    char label[96];
} dti_cost_class;

typedef struct dti_cost_model {
    dti_cost_class *classes; /* sorted by min, tiling [0, infinity) */
    size_t count;
    char source[1024];
} dti_cost_model;

/* Read and check a cost model (path NULL: the built-in one): the classes must cover 0 to
 * infinity without gaps or overlaps; errors name the file and line. Free with
 * dti_cost_model_free(), also after a failure. */
dt_status dti_cost_model_read(dti_cost_model *m, const char *path, dt_error *err);
void dti_cost_model_free(dti_cost_model *m);
/* The class of the density locations / land_km2, compared with the bounds exactly (land 0:
 * an infinite density, the last class). */
const dti_cost_class *dti_cost_class_of(const dti_cost_model *m, uint64_t locations,
                                        dti_decimal land_km2);

/* Land area per region id in km2, exactly as read (a layer's square metres: 6 decimals). */
typedef struct dti_land {
    dti_strtab ids;
    dti_decimal *km2; /* per id index; scale -1 unknown */
    size_t cap;
    char source[1400]; /* where the areas come from, for notes and reports */
    char layer_path[256];
} dti_land;

/* geoid,land_km2 (errors name file and line). */
dt_status dti_land_read_csv(dti_land *land, const char *path, dt_error *err);
/* A polygon layer: ALAND20 or ALAND (square metres) when the layer has it, else the area of
 * the polygons in an Albers equal-area projection fitted to the layer. */
dt_status dti_land_read_layer(dti_land *land, const char *path, const char *layer,
                              const char *id_field, dt_error *err);
/* The land of a region: 0, or -1 when unknown. */
int dti_land_find(dti_land *land, const char *id, dti_decimal *km2);
void dti_land_free(dti_land *land);

/* One project: connect a region's unserved (pass 0) or underserved (pass 1) locations. */
typedef struct dti_project {
    const char *geoid;
    size_t row; /* row of the stats table */
    int pass;
    uint64_t locations;     /* all the region's locations */
    uint64_t connect;       /* locations the project connects */
    int64_t households_x10; /* households it reaches, tenths; -1 unknown */
    dti_decimal land_km2;
    const dti_cost_class *cost_class;
    dti_money cost;  /* connect * cost_per_location, at most DTI_MONEY_MAX */
    int64_t benefit; /* what the plan maximises: connect, or households_x10 */
    int funded, funded_greedy;
} dti_project;

/* The exact solver runs when the projects that fit the budget could reach at most 2^24 in
 * all (its table of least costs: 128 MiB) and projects x that total is at most 2^30 (its
 * choices, one bit each: 128 MiB), both limits included. */
#define DTI_EXACT_MAX_REACH (1ULL << 24)
#define DTI_EXACT_MAX_CELLS (1ULL << 30)

/* The size of an exact problem: the projects that can be funded and the total they reach. */
typedef struct dti_exact_size {
    size_t projects;
    uint64_t reach, cells; /* cells = projects x reach */
} dti_exact_size;

/* Sort into rank order (see plan_solve.c). */
void dti_plan_rank(dti_project *p, size_t n);
/* In rank order, fund (funded_greedy) every project that reaches something and still fits;
 * returns the money spent. */
dti_money dti_plan_greedy(dti_project *p, size_t n, dti_money budget);
/* The 0/1 knapsack solved exactly (funded), p in rank order: the most reached within the
 * budget; of those allocations the cheapest; of those the one that funds the higher-ranked
 * projects (the first rank where two differ is funded), so that exact funds greedy's set
 * whenever greedy's is optimal. 1 solved, 0 too large (size->reach over DTI_EXACT_MAX_REACH
 * or size->cells over max_cells), -1 out of memory. */
int dti_plan_exact(dti_project *p, size_t n, dti_money budget, uint64_t max_cells,
                   dti_exact_size *size);
/* Create an empty file beside path named path.tmp.XXXXXX + suffix; caller frees the name
 * and removes the file. NULL with err on failure. */
char *dti_temp_beside(const char *path, const char *suffix, dt_error *err);

#endif
