/* SPDX-License-Identifier: MIT */
/* dialtone stats: its tables out (CSV or OGR), census geometry in a run, the price, speed and
 * analysts' tables. */
#ifndef DIALTONE_STATS_H
#define DIALTONE_STATS_H

#include <pthread.h>
#include <stdio.h>

#include "geo.h"
#include "money.h"

/* ---- tables out: dialtone's CSV or any OGR vector format (vector_out.c) ---- */
typedef enum dti_cell_type { DTI_CELL_TEXT, DTI_CELL_INTEGER, DTI_CELL_REAL } dti_cell_type;

typedef struct dti_column {
    const char *name;
    dti_cell_type type;
} dti_column;

typedef struct dti_table_out dti_table_out;

/* The GDAL driver a user's -of names, or the one a file extension implies
 * (.gpkg .geojson .fgb .shp) when format is NULL; *driver = NULL means
 * dialtone's own CSV. DT_ERR_USAGE for a name that is no writable vector format. */
dt_status dti_vector_format(const char *format, const char *path, const char **driver,
                            dt_error *err);
/* Open a table: driver NULL writes CSV (stdout when path is NULL or "-");
 * otherwise an OGR layer named layer_name, with MultiPolygon geometry in srs
 * when with_geometry (Point geometry when it is DTI_GEOMETRY_POINTS). Everything goes to a
 * temporary name until commit. */
enum { DTI_GEOMETRY_POINTS = 2 };
dti_table_out *dti_table_open(const char *path, const char *driver, const char *layer_name,
                              const dti_column *columns, int ncolumns, int with_geometry,
                              OGRSpatialReferenceH srs, dt_error *err);
/* One row: ncolumns cells as text (an empty REAL cell is null); geometry
 * (OGRGeometryH) may be NULL. */
dt_status dti_table_write(dti_table_out *table, const char *const *cells, OGRGeometryH geometry,
                          dt_error *err);
/* What the table means: a CSV's sidecar, a vector dataset's metadata (DIALTONE_PROVENANCE). */
void dti_table_set_provenance(dti_table_out *table, struct json_t *provenance);
/* Finish and rename into place; frees table. */
dt_status dti_table_commit(dti_table_out *table, dt_error *err);
/* Remove everything written; frees table. Accepts NULL. */
void dti_table_abort(dti_table_out *table);

/* ---- tables in memory: dt_table (table.c) ---- */
/* A table with these columns (names copied) and no rows; NULL when out of memory. */
dt_table *dti_table_new(const dti_column *columns, int ncolumns);
/* Append a row of ncolumns cells (copied); 0, or -1 when out of memory. */
int dti_table_add_row(dt_table *table, const char *const *cells);

/* ---- census geometry in a dialtone stats run (stats_geo.c) ---- */
typedef struct dti_geo_options {
    char *const *blocks; /* block layer specs */
    size_t block_count;
    const char *regions, *id_field; /* polygon regions, or NULL for GEOID prefixes */
    const char *households;         /* geoid,households file or NULL */
    int prefix_digits;              /* GEOID prefix regions */
    int area;                       /* 1 urban, 2 rural: only the blocks of that UR20; 0 all */
    int keep_region_geometry, verbose;
} dti_geo_options;

typedef struct dti_stats_geo {
    int have_blocks, have_households;
    dti_blocks blocks;
    dti_block_counts households;
    dti_polygons *polygons; /* NULL with GEOID prefix regions */
    dti_polygons_report polygons_report;
    uint32_t *layer_region; /* per block of the layers */
    /* the layers' blocks located in the polygons (by the layers' thread, or later) */
    int assigned;
    dti_assign_report assign_report;
    uint8_t *several; /* with --verbose: per block of the layers, in more than one region */
    uint32_t *household_region; /* per households entry */
    dti_block_tally *tallies;   /* per coverage block */
    /* per region */
    dti_units_sums *housing, *household_sums;
    uint64_t *pop;
    int64_t *aland;
} dti_stats_geo;

/* Read the block layers, the households file and the region polygons. */
dt_status dti_geo_load(dti_stats_geo *geo, const dti_geo_options *options, dt_progress_fn progress,
                       void *user, dt_error *err);
/* dti_geo_load on a thread of its own beside the reading of the BDC files (neither needs the
 * other: a state's million-block layer takes as long to read as its rows). The thread reports
 * no progress and stops at a cancellation of the reading; its error counts only after the
 * reading's own (the same first error as one after the other). */
typedef struct dti_geo_job {
    pthread_t thread;
    int started;
    dti_stats_geo *geo;
    const dti_geo_options *options;
    dt_status status;
    dt_error err;
    int cancelled;           /* atomic: the reading failed or was cancelled */
    dt_progress_fn progress; /* the reading's, through dti_geo_job_progress */
    void *user;
} dti_geo_job;
/* Start reading (when there is anything to read and a thread can be had; otherwise
 * dti_geo_load_finish reads it). */
void dti_geo_load_start(dti_geo_job *job, dti_stats_geo *geo, const dti_geo_options *options,
                        dt_progress_fn progress, void *user);
/* The progress function to give the reading (user: the job): the caller's, and a cancellation
 * stops the layers' thread too. */
int dti_geo_job_progress(double fraction, const char *what, void *job);
/* Wait for the layers; with reading_ok 0 (the reading failed: its error stands) they are only
 * waited for. The layers' status, err set on failure. */
dt_status dti_geo_load_finish(dti_geo_job *job, int reading_ok, dt_error *err);

/* The region table (polygons or GEOID prefixes), every block's region, the
 * checks and notes of blocks left out, and the per-region sums. */
dt_status dti_geo_regions(dti_stats_geo *geo, const dti_geo_options *options,
                          const dti_coverage *cov, dti_region_table *regions,
                          dt_progress_fn progress, dt_note_fn note, void *user, dt_error *err);
void dti_geo_free(dti_stats_geo *geo);

/* ---- the tables of dialtone stats (stats_tables.c) ---- */
/* Write the region table (not yet committed); geometry from geo->polygons
 * when driver is an OGR format. */
struct dti_extra_run;
/* extra (may be NULL) appends the price, speed and measured columns; layer_name NULL:
 * "regions". */
/* *file (file not NULL) gets the table written but not committed; *mem (mem not NULL) the same
 * rows in memory, cell for cell the text of the CSV (the caller frees it with dt_table_free). */
dt_status dti_region_table_write(const char *path, const char *driver, const char *layer_name,
                                 const dti_region_table *regions, const dti_region_stats *stats,
                                 const dti_stats_geo *geo, const struct dti_extra_run *extra,
                                 dti_table_out **file, dt_table **mem, dt_error *err);
/* The same with labels (NULL: none): the name, the kept fields and, in vector outputs, the id
 * field under its own name, after geoid. */
struct dti_tables_context;
dt_status dti_region_table_write_labeled(const char *path, const char *driver,
                                         const char *layer_name, const dti_region_table *regions,
                                         const dti_region_stats *stats, const dti_stats_geo *geo,
                                         const struct dti_extra_run *extra,
                                         const struct dti_tables_context *labels,
                                         dti_table_out **file, dt_table **mem, dt_error *err);
/* Write one row per block of the layers (not yet committed), in layer order. */
dti_table_out *dti_block_table_write(const char *path, const char *driver, const dti_coverage *cov,
                                     const dti_region_table *regions, const dti_stats_geo *geo,
                                     int prefix_digits, dt_error *err);
/* What a location table adds to each location: its region (regions NULL: none) and, with a
 * fabric, its coordinates (lon, lat per location, NAN unknown; NULL: no fabric). */
typedef struct dti_location_context {
    const dti_region_table *regions;
    const double *lon, *lat;
} dti_location_context;
/* One row per location, sorted by location id (dti_location_id_compare); region, latitude and
 * longitude after the other columns. */
dt_status dti_location_table_write(FILE *fp, const dti_coverage *cov,
                                   const struct dti_extra_run *extra,
                                   const dti_location_context *ctx, dt_error *err);
/* The same as a point layer "locations" of an OGR format (not yet committed): class, best
 * speeds, providers, and the providers and technologies at served speed (cov tracks tables
 * with providers) (stats_locations.c). */
dti_table_out *dti_location_layer_write(const char *path, const char *driver,
                                        const dti_coverage *cov, const dti_location_context *ctx,
                                        dt_error *err);
/* Location indices in table order; NULL no memory. The caller frees it. */
uint32_t *dti_location_order(const dti_coverage *cov);
/* Providers of each location (the location_providers set); NULL no memory. */
uint32_t *dti_location_provider_counts(const dti_coverage *cov);
/* The order of location tables (stats_tables.c): ids of digits only by value (any number of
 * digits; equal values such as "007" and "7" by text), then every other id by text (bytes). */
int dti_location_id_compare(const char *a, const char *b);
/* The same for location keys of two coverages (which may be one). */
int dti_location_key_compare(const dti_coverage *ca, uint64_t x, const dti_coverage *cb,
                             uint64_t y);
/* ---- prices, speeds and measured speeds (prices.c, speeds.c, measured.c, stats_extra.c) ---- */
/* Read a header with names[0..required) required and names[required..count)
 * optional (columns[i] = -1 when absent); an error names the first missing
 * required column and what was expected (NULL: the message of dti_csv_read_header) (csv_read.c). */
dt_status dti_csv_read_header_optional(dti_csv *csv, const char *const *names, int required,
                                       int count, int *columns, int *header_fields,
                                       const char *what, const char *expected, dt_error *err);
/* Prices are dti_money (money.h): micro-dollars, read with DTI_MONEY_PRICE_DECIMALS decimals
 * up to DTI_MAX_PRICE and shown with DTI_MONEY_2_DECIMALS. */

/* k-th smallest (0-based) of values[0..n), reordering values (regions.c). */
int64_t dti_select_kth(int64_t *values, size_t n, size_t k);
/* Nearest-rank percentile: the smallest value with at least pct% of the
 * values <= it, i.e. the ceil(pct * n / 100)-th smallest (reorders values;
 * n > 0). */
int64_t dti_percentile(int64_t *values, size_t n, unsigned pct);

/* One priced plan of a plans file (SPEC "Prices"). */
typedef struct dti_plan {
    int64_t down, up;           /* micro-Mbps */
    dti_money price;            /* a month */
    uint32_t provider;          /* index into dti_plans.providers */
    uint16_t technology, state; /* state: two letters as c0 << 8 | c1, 0 any state */
    long line;
} dti_plan;

typedef struct dti_plans {
    dti_plan *plans; /* one per distinct (provider, technology, speeds, state): the cheapest */
    size_t count, cap;
    uint32_t *slots; /* open addressing over plans: index + 1, 0 empty */
    size_t mask;
    dti_strtab providers; /* provider_id text; interned first into every tracking coverage */
    int has_states;
    uint64_t rows, duplicates; /* plan rows read; rows whose key repeats an earlier row */
} dti_plans;

/* Read a plans file (header provider_id, technology,
 * max_advertised_download_speed, max_advertised_upload_speed, monthly_price,
 * optional plan_name and state_usps); bad rows stop with file and line. */
dt_status dti_plans_read(const char *path, dti_plans *plans, dt_error *err);
void dti_plans_free(dti_plans *plans);
/* Price of the cheapest plan for this provider (an index of plans->providers),
 * technology, speeds and state (0: unknown), or -1. A plan with a state
 * applies only to rows of that state; one without applies everywhere. */
dti_money dti_plans_price(const dti_plans *plans, uint32_t provider, int technology, uint16_t state,
                          int64_t down, int64_t up);
/* Two letters as a state code (upper-cased), 0 when the field is not two letters. */
uint16_t dti_state_code(const char *s, size_t len);

/* What a tracking coverage keeps per location beyond dti_location. */
typedef struct dti_location_extra {
    dti_money price;           /* cheapest served price; -1 none */
    int64_t price_down;        /* download of the plan at that price: the largest among ties */
    uint32_t served_provider;  /* one provider with a reliable served row; UINT32_MAX none */
    uint32_t served_providers; /* 0, 1, or 2 meaning two or more */
} dti_location_extra;

typedef struct dti_coverage_extras {
    const dti_plans *plans;        /* NULL: no prices */
    dti_location_extra *locations; /* per location index below count */
    size_t count, cap;
    uint64_t served_rows, unpriced_rows; /* reliable served rows; of them, matching no plan */
} dti_coverage_extras;

/* Index of a provider id in cov's provider table, adding it when new
 * (coverage.c); UINT32_MAX: out of memory. */
uint32_t dti_coverage_provider(dti_coverage *cov, const char *text, size_t len);
/* Dense index of a location id in cov, or UINT32_MAX (coverage.c). */
uint32_t dti_coverage_find_location(const dti_coverage *cov, const char *id, size_t len);
/* Start tracking prices (plans may be NULL) and served providers in a fresh
 * coverage: the plans' providers are interned first, so that their indices
 * are the same in every coverage (threads' coverages merge by them). */
dt_status dti_coverage_track_extras(dti_coverage *cov, const dti_plans *plans, dt_error *err);
/* Row hooks of coverage.c: price a parsed row (technology and state field
 * from the BDC row); fold a parsed row into its location (0 ok, -1 no memory);
 * fold src's location i into dst's location index (providers: src -> dst). */
void dti_extras_price_row(dti_coverage_extras *x, dti_parsed_row *row, int technology,
                          const dti_field *state);
int dti_extras_apply_row(dti_coverage_extras *x, const dti_parsed_row *row);
int dti_extras_merge_location(dti_coverage_extras *dst, uint32_t index,
                              const dti_coverage_extras *src, size_t i, const uint32_t *providers);
void dti_extras_free(dti_coverage_extras *x);
/* The extras of location i (a location no row has touched has none). */
dti_location_extra dti_extras_of(const dti_coverage_extras *x, size_t i);

/* Statistics of a group of locations (a region, or the whole run) (speeds.c). */
typedef struct dti_group_extra {
    uint64_t locations, served, priced; /* priced: served locations with a price */
    dti_money median_price_x2;          /* twice the median price (priced > 0) */
    uint64_t per_mbps_count;            /* priced locations whose plan has a download > 0 */
    uint64_t per_mbps_q4;               /* their median price / download, $/Mbps * 10^4 */
    int64_t median_down_x2, p90_down, median_up_x2, p90_up; /* micro-Mbps */
    uint64_t competition[3]; /* locations with 0, 1, 2 or more providers of served rows */
} dti_group_extra;

/* An exact fraction: price (micro-USD) over download (micro-Mbps), den > 0. */
typedef struct dti_ratio {
    int64_t num, den;
} dti_ratio;
/* Median of the fractions v[0..n) (reordered; an even count takes the mean
 * of the middle two), times 10^4 rounded half up, exactly. 0 when n is 0. */
uint64_t dti_ratio_median_q4(dti_ratio *v, size_t n);
/* Price columns of locations locs[0..n): scratch and ratios hold n each. */
void dti_group_prices(const dti_coverage *cov, const uint32_t *locs, size_t n, int64_t *scratch,
                      dti_ratio *ratios, dti_group_extra *out);
/* Speed and competition columns of locations locs[0..n); scratch holds n. */
void dti_group_speeds(const dti_coverage *cov, const uint32_t *locs, size_t n, int64_t *scratch,
                      dti_group_extra *out);

/* Measured speeds: Ookla's open-data fixed tiles (measured.c). A tile layer
 * is any OGR polygon source (shapefile, GeoPackage...) with fields avg_d_kbps,
 * avg_u_kbps and tests, named PATH or PATH|layername=NAME. */
typedef struct dti_tiles dti_tiles;
/* Open the layer and check its fields and CRS; no feature is read yet. */
dti_tiles *dti_tiles_open(const char *spec, dt_error *err);
void dti_tiles_free(dti_tiles *tiles);
/* Read and check the tiles; bbox (minx, miny, maxx, maxy: EPSG:4326
 * longitude/latitude) or NULL limits reading to the tiles that touch it. */
dt_status dti_tiles_load(dti_tiles *tiles, const double *bbox, dt_error *err);
size_t dti_tiles_count(const dti_tiles *tiles);
/* The tile containing the point (EPSG:4326 longitude, latitude), or
 * UINT32_MAX. A point on an edge shared by two tiles goes to the tile on its
 * east or north: tiles are half-open, [minx, maxx) x [miny, maxy). */
uint32_t dti_tiles_find(const dti_tiles *tiles, double lon, double lat);

/* The share of a tile's tests that goes to a region. */
typedef struct dti_tile_share {
    uint32_t tile, region;
    double share;
} dti_tile_share;
/* Shares by area over polygon regions: area(tile & region) / area(tile) for
 * every pair that overlaps, computed in an equal-area CRS (EPSG:6933).
 * geometries: nregions OGRGeometryH (NULL for none) in srs
 * (OGRSpatialReferenceH). The caller frees *shares with free(). */
dt_status dti_tiles_area_shares(const dti_tiles *tiles, size_t nregions,
                                const OGRGeometryH *geometries, OGRSpatialReferenceH srs,
                                dti_tile_share **shares, size_t *count, dt_error *err);
/* Shares by locations over any regions: the fraction of a tile's located
 * locations that lie in the region (tile_of, region_of: per location,
 * UINT32_MAX for none). The caller frees *shares with free(). */
dt_status dti_tiles_location_shares(size_t nlocations, const uint32_t *tile_of,
                                    const uint32_t *region_of, dti_tile_share **shares,
                                    size_t *count, dt_error *err);
/* Test-weighted sums of a region: weight = tests * share. */
typedef struct dti_measured {
    double tests, down_kbps, up_kbps; /* sum of weights; of weight * avg_d_kbps, avg_u_kbps */
    uint64_t tiles;
} dti_measured;
/* Sum shares (sorted here, so the sums do not depend on the order of
 * locations) into out[0..nregions), zeroed first. */
void dti_tiles_measure(const dti_tiles *tiles, dti_tile_share *shares, size_t count,
                       size_t nregions, dti_measured *out);
/* Longitude and latitude of cov's locations from fabric CSVs (columns
 * location_id, latitude, longitude); NAN where unknown. *located counts the
 * locations given coordinates. A coordinate that is not a number in range
 * stops with file and line. */
dt_status dti_fabric_coordinates(const dti_coverage *cov, const dti_inputs *fabric, double *lon,
                                 double *lat, size_t *located, dt_error *err);

/* ---- the price, speed and measured columns of a stats run (stats_extra.c) ---- */
typedef struct dti_extra_options {
    char *plans, *income, *benchmark, *measured;
    int speed;
} dti_extra_options;

int dti_extra_options_any(const dti_extra_options *x);
/* Combinations that cannot work (DT_ERR_USAGE). */
dt_status dti_extra_options_check(const dti_extra_options *x, int partial_out, int fabric,
                                  dt_error *err);

typedef struct dti_extra_run dti_extra_run;
/* Read the plans, income, benchmark and tile files (before any BDC row, so
 * a bad one stops the run early). Free with dti_extra_free(). */
dti_extra_run *dti_extra_load(const dti_extra_options *x, dt_error *err);
void dti_extra_free(dti_extra_run *run);
const dti_plans *dti_extra_plans(const dti_extra_run *run);
/* Whether the coverage must keep prices and served providers per location. */
int dti_extra_tracks_locations(const dti_extra_run *run);
/* Per-region columns from the coverage (fabric: the fabric inputs, for the
 * locations' coordinates of --measured; polygons: polygon regions, whose
 * area splits the measured tiles, or NULL). */
dt_status dti_extra_compute(dti_extra_run *run, const dti_coverage *cov,
                            const dti_region_table *regions, const dti_region_stats *stats,
                            const dti_inputs *fabric, const dti_polygons *polygons, dt_error *err);
/* ",name,..." after the region table's header, and region r's cells. */
void dti_extra_write_header(const dti_extra_run *run, FILE *stream);
void dti_extra_write_row(const dti_extra_run *run, size_t region, FILE *stream);
/* The location table's extra column(s): header and location i's cells. */
void dti_extra_write_location_header(const dti_extra_run *run, FILE *stream);
void dti_extra_write_location(const dti_extra_run *run, const dti_coverage *cov, size_t i,
                              FILE *stream);
/* Notes for the user: unmatched rows, duplicate plans, the plain-words summary. */
void dti_extra_notes(const dti_extra_run *run, dt_note_fn note, void *user);

/* ---- the analysts' tables: by technology and by provider (stats_tech.c) ---- */
/* The FCC's technology groups of its fixed broadband summary: Copper (10), Cable (40), Fiber
 * (50), Licensed Fixed Wireless (71, 72), Unlicensed Fixed Wireless (70), Geostationary (60)
 * and Non-geostationary Satellite (61), Other (0 and any other code). */
enum { DTI_TECH_GROUPS = 8, DTI_TECH_ROWS = 15 /* groups, then the FCC's unions */ };
extern const char *const dti_tech_row_names[DTI_TECH_ROWS];
/* The groups (bits) each row of the table unites. */
extern const uint8_t dti_tech_row_groups[DTI_TECH_ROWS];
int dti_tech_group(int technology);

enum {
    DTI_PAIR_TECHS = (1 << 9) - 1,  /* bit i: technology dti_pair_tech_codes[i] offered */
    DTI_PAIR_SERVED = 1 << 9,       /* a reliable row at the served threshold */
    DTI_PAIR_RESIDENTIAL = 1 << 10, /* a row coded R or X */
    DTI_PAIR_BUSINESS = 1 << 11     /* a row coded B or X */
};
extern const int dti_pair_tech_codes[9];  /* 0 10 40 50 60 61 70 71 72 */
#define DTI_PAIR_MAX_PROVIDERS (1u << 20) /* provider indices a pair record holds */

typedef struct dti_coverage_tables {
    int providers;   /* keep location x provider pairs and brand names */
    uint64_t *tiers; /* per location: tier bits of group g at bits 6g .. 6g+5 (any latency) */
    uint8_t *use;    /* per location: DTI_PAIR_RESIDENTIAL >> 10 | DTI_PAIR_BUSINESS >> 10 */
    size_t count, cap;
    /* location x provider pairs: one record per row appended (location << 32 | provider << 12 |
     * DTI_PAIR_* bits), sorted and collapsed to one per pair when the list fills up and before
     * it is read (dti_tables_pairs_finish): sequential writes instead of a hash probe a row */
    uint64_t *pairs;
    size_t pair_count, pair_cap, compact_at; /* compact_at: sort a full list from this size */
    int pair_overflow; /* a provider index beyond DTI_PAIR_MAX_PROVIDERS: refused when read */
    dti_strtab brands;
    dti_u64map brand_index; /* provider << 32 | brand -> index into brand_rows */
    uint64_t *brand_rows;   /* rows of each (provider, brand_name spelling) */
    uint32_t *brand_text;   /* the spelling (index into brands) of each */
    size_t brand_count, brand_cap;
    uint32_t *provider_memo; /* per provider: 1 + the slot of its last spelling, 0 none */
    size_t memo_cap;
} dti_coverage_tables;

/* Start the tables in a fresh coverage (providers: also the provider pairs and brands). */
dt_status dti_coverage_track_tables(dti_coverage *cov, int providers, dt_error *err);
void dti_tables_free(dti_coverage_tables *t);
/* Row hooks of coverage.c: parse (0 ok, -1 no memory), apply, merge a worker's tables. */
int dti_tables_parse_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                         dti_parsed_row *row, int technology, int64_t down, int64_t up);
int dti_tables_apply_row(dti_coverage_tables *t, const dti_parsed_row *row);
int dti_tables_merge_location(dti_coverage_tables *dst, uint32_t index,
                              const dti_coverage_tables *src, size_t i);
/* Pairs and brands of src (after its locations are merged: locations[i], providers[p] are
 * their indices in dst). 0 ok, -1 no memory. */
int dti_tables_merge_pairs(dti_coverage *dst, const dti_coverage *src, const uint32_t *locations,
                           const uint32_t *providers);
/* Room for about `pairs` pair records up front (a big state); 0 ok, -1 no memory. */
int dti_tables_reserve_pairs(dti_coverage_tables *t, size_t pairs);
/* Sort and collapse the pairs: one record per (location, provider), bits ORed, in order
 * (after the last row, before the tables are written).
 * 0 ok, -1 no memory. */
int dti_tables_pairs_finish(dti_coverage_tables *t);

/* block_area: urban (1) or rural (2) of each coverage block from UR20 of the block layers, 0
 * unknown; NULL: no area split. region_names (NULL: none) names each region (NULL: unnamed);
 * name_found: a names file or a name field of the layer gave them (the region table has a
 * name column only then). keep_count fields of the region layer (--keep-fields): their names,
 * cell types, and region r's values at keep_values[r * keep_count + j] (NULL: no feature).
 * id_field: the region layer's id field, which vector outputs carry under its own name too. */
typedef struct dti_tables_context {
    const uint8_t *block_area;
    const char *const *region_names;
    char **kept_names; /* what region_names point into */
    size_t region_count;
    int name_found, keep_count;
    char **keep_names;
    dti_cell_type *keep_types;
    char **keep_values;
    const char *id_field;
} dti_tables_context, dti_tables_run;
/* What the tables' labels and areas come from (options of dialtone stats). */
typedef struct dti_label_options {
    const char *tech_out, *providers_out, *output, *partial_out;
    const char *names, *regions, *id_field, *name_field, *keep_fields;
    int extra_levels, area_given;
    size_t block_count;
} dti_label_options;
/* Usage errors of --by-technology, --providers-out, --names, --name-field, --keep-fields and
 * --area (stats_names.c). */
dt_status dti_tables_options_check(const dti_label_options *o, dt_error *err);
/* The areas of cov's blocks (blocks NULL or without UR20: none) and the regions' names and
 * kept fields, from o->names (a CSV geoid,name) or the region layer (o->regions: its
 * o->name_field, NULL: NAME, NAMELSAD, ...; o->keep_fields). */
dt_status dti_tables_prepare(dti_tables_run *run, const dti_coverage *cov,
                             const dti_region_table *regions, const dti_blocks *blocks,
                             const dti_label_options *o, dt_error *err);
void dti_tables_run_free(dti_tables_run *run);
/* Whether name is a column of the region table (any case) (stats_tables.c). */
int dti_region_column_known(const char *name);
/* The by-technology table (FCC's fixed broadband summary layout) and the provider table,
 * written to path as CSV (not yet committed). */
dti_table_out *dti_tech_table_write(const char *path, const dti_coverage *cov,
                                    const dti_region_table *regions, const dti_tables_context *ctx,
                                    dt_error *err);
dti_table_out *dti_provider_table_write(const char *path, const dti_coverage *cov,
                                        const dti_region_table *regions,
                                        const dti_tables_context *ctx, dt_error *err);

#endif
