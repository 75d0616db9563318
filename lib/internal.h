/* Cross-file internals of the dialtone library (not installed). */
#ifndef DIALTONE_INTERNAL_H
#define DIALTONE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/dialtone.h"

#if defined(__GNUC__)
#define DTI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DTI_PRINTF(a, b)
#endif

/* ---- errors (error.c) ---- */
/* Fill err (may be NULL) and return status. file may be NULL, line 0. */
dt_status dti_error_set(dt_error *err, dt_status status, const char *file, long line,
                        const char *fmt, ...) DTI_PRINTF(5, 6);
/* Copy GDAL's last error message into err with status. */
dt_status dti_error_gdal(dt_error *err, dt_status status, const char *file, const char *what);
void dti_gdal_init(void);
/* Pass a formatted note to the user's note callback (which may be NULL). */
void dti_say(dt_note_fn note, void *user, const char *fmt, ...) DTI_PRINTF(3, 4);

/* ---- hashing (hash.c) ---- */
#define DTI_EMPTY_KEY UINT64_MAX

static inline uint64_t dti_hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Open-addressing map from 64-bit key (never DTI_EMPTY_KEY) to uint32. */
typedef struct dti_u64map {
    uint64_t *keys;
    uint32_t *values;
    size_t mask; /* capacity - 1 */
    size_t count;
} dti_u64map;

int dti_u64map_init(dti_u64map *map, size_t expected);
void dti_u64map_free(dti_u64map *map);
/* Returns the value slot for key, inserting it (value = new_value) when new;
 * *inserted says which. NULL when out of memory. */
uint32_t *dti_u64map_put(dti_u64map *map, uint64_t key, uint32_t new_value, int *inserted);
/* Value for key or UINT32_MAX. */
uint32_t dti_u64map_get(const dti_u64map *map, uint64_t key);

/* Open-addressing set of 64-bit keys (never DTI_EMPTY_KEY). */
typedef struct dti_u64set {
    uint64_t *keys;
    size_t mask;
    size_t count;
} dti_u64set;

int dti_u64set_init(dti_u64set *set, size_t expected);
void dti_u64set_free(dti_u64set *set);
/* 1 when added, 0 when present, -1 out of memory. */
int dti_u64set_add(dti_u64set *set, uint64_t key);

/* Interned strings: each distinct string gets a dense index from 0. */
typedef struct dti_strtab {
    char *arena;
    size_t arena_used, arena_cap;
    uint32_t *offsets; /* per index: start in arena (string is NUL terminated) */
    size_t count, offsets_cap;
    uint32_t *slots; /* hash slots: index + 1, 0 empty */
    size_t mask;
} dti_strtab;

void dti_strtab_init(dti_strtab *tab);
void dti_strtab_free(dti_strtab *tab);
/* Index of the string, adding it when new; UINT32_MAX when out of memory. */
uint32_t dti_strtab_intern(dti_strtab *tab, const char *s, size_t len);
static inline const char *dti_strtab_get(const dti_strtab *tab, uint32_t index)
{
    return tab->arena + tab->offsets[index];
}

/* ---- numbers (numbers.c) ---- */
/* Speeds are kept as integer micro-Mbps (1e-6 Mbps), truncated past the 6th
 * decimal: for thresholds with at most 6 decimals, comparing truncated values
 * gives the same answer as comparing the doubles. */
#define DTI_MICRO 1000000LL
/* Parse a non-negative decimal ("100", "0.768", ".5", "1e2"). 0 ok, -1 bad. */
int dti_parse_speed(const char *s, size_t len, int64_t *micro);
/* Parse an unsigned integer of at most 18 digits. 0 ok, -1 bad. */
int dti_parse_u64(const char *s, size_t len, uint64_t *value);
/* Print value / 10^scale as a plain decimal without trailing zeros. */
char *dti_format_fixed(char *buf, size_t size, int64_t value, int scale);
/* Round-half-up ratio num/den with `decimals` decimals, exact in integers. */
char *dti_format_ratio(char *buf, size_t size, uint64_t num, uint64_t den, int decimals);
/* Parse "D/U" thresholds into micro-Mbps. 0 ok, -1 bad. */
int dti_parse_threshold(const char *text, int64_t *down, int64_t *up);

/* ---- classification (classify.c) ---- */
enum {
    DTI_TIER_COUNT = 6,           /* 0.2/0.2 10/1 25/3 100/20 250/25 1000/100 */
    DTI_FLAG_SERVED = 1 << 6,     /* a reliable row met the served threshold */
    DTI_FLAG_UNDERSERVED = 1 << 7 /* a reliable row met the underserved one */
};

typedef enum dti_class { DTI_UNSERVED = 0, DTI_UNDERSERVED = 1, DTI_SERVED = 2 } dti_class;

typedef struct dti_rules {
    int ulfw; /* technology 70 counts as reliable */
    int64_t served_down, served_up, underserved_down, underserved_up;
} dti_rules;

extern const char *const dti_tier_names[DTI_TIER_COUNT];
void dti_rules_default(dti_rules *rules);
int dti_is_reliable(const dti_rules *rules, int technology, int low_latency);
/* Flags earned by one reliable row: tier bits and served/underserved bits. */
unsigned dti_row_flags(const dti_rules *rules, int64_t down, int64_t up);
dti_class dti_class_of(unsigned flags);
const char *dti_class_name(dti_class c);

/* ---- inputs (inputs.c) ---- */
/* The readable CSV members behind the user's arguments: plain files, globs,
 * .zip archives (each CSV inside, through /vsizip/), /vsi paths. */
typedef struct dti_inputs {
    char **paths;   /* what GDAL's VSI layer opens */
    char **display; /* what messages name */
    uint64_t *sizes;
    uint64_t total_size;
    size_t count;
} dti_inputs;

dt_status dti_inputs_expand(char *const *args, size_t nargs, dti_inputs *out, dt_error *err);
void dti_inputs_free(dti_inputs *inputs);

/* ---- CSV reading (csv_read.c) ---- */
typedef struct dti_field {
    const char *s;
    size_t len;
} dti_field;

typedef struct dti_csv dti_csv;
/* Open path through VSI; display names it in messages. Strips a UTF-8 BOM. */
dti_csv *dti_csv_open(const char *path, const char *display, dt_error *err);
/* Next record: 1 row, 0 end, -1 error. *nfields is the true count even when
 * it exceeds max_fields (only max_fields are stored). Fields point into the
 * reader's buffer until the next call; quotes are removed. */
int dti_csv_next(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, dt_error *err);
long dti_csv_line(const dti_csv *csv); /* line where the last record starts */
const char *dti_csv_name(const dti_csv *csv);
uint64_t dti_csv_offset(const dti_csv *csv); /* bytes consumed */
void dti_csv_close(dti_csv *csv);
/* Index of the column named name in a header, or -1. */
int dti_csv_column(const dti_field *header, int nfields, const char *name);
int dti_field_is(const dti_field *f, const char *text);

/* ---- atomic outputs (outfile.c) ---- */
typedef struct dti_outfile dti_outfile;
/* path "-" or NULL writes stdout. Otherwise a temporary file beside path. */
dti_outfile *dti_outfile_open(const char *path, dt_error *err);
void *dti_outfile_stream(dti_outfile *out); /* FILE* */
/* Flush, close and rename into place; frees out. */
dt_status dti_outfile_commit(dti_outfile *out, dt_error *err);
/* Remove the temporary file; frees out. Accepts NULL. */
void dti_outfile_abort(dti_outfile *out);

/* ---- coverage: per-location state from BDC rows (coverage.c) ---- */
typedef struct dti_location {
    int64_t best_down, best_up; /* micro-Mbps over reliable rows */
    uint32_t block;             /* index into coverage blocks */
    uint8_t flags;              /* OR of dti_row_flags over reliable rows */
    uint8_t residential;        /* some row has business_residential_code R or X */
} dti_location;

typedef struct dti_coverage {
    dti_rules rules;
    int track_location_providers;
    int skip_bad_rows;
    dti_u64map location_index; /* location key -> dense index */
    uint64_t *location_keys;   /* dense: key (numeric id, or DTI_NAMED_BIT|name index) */
    dti_location *locations;
    size_t location_count, location_cap;
    dti_u64map block_index; /* 15-digit block GEOID -> dense index */
    uint64_t *block_geoids;
    size_t block_count, block_cap;
    dti_strtab providers;      /* provider_id text -> index */
    dti_strtab location_names; /* location ids that are not plain numbers */
    dti_u64set block_providers;    /* block << 32 | provider */
    dti_u64set location_providers; /* location << 32 | provider, when tracked */
    uint64_t rows, bad_rows, fabric_added;
    size_t files;
} dti_coverage;

#define DTI_NAMED_BIT (1ULL << 63)

/* Fold one availability row into a location (classify.c): only reliable
 * rows count, and each row's download and upload are judged together. */
void dti_location_add_row(dti_location *loc, const dti_rules *rules, int technology,
                          int low_latency, int64_t down, int64_t up);

dt_status dti_coverage_init(dti_coverage *cov, const dti_rules *rules, dt_error *err);
void dti_coverage_free(dti_coverage *cov);
/* Read every BDC CSV of inputs into cov. */
dt_status dti_coverage_read_bdc(dti_coverage *cov, const dti_inputs *inputs,
                                dt_progress_fn progress, void *user, dt_error *err);
/* Add fabric locations (bsl_flag true) that have no availability row. */
dt_status dti_coverage_read_fabric(dti_coverage *cov, const char *path, dt_error *err);
/* Location id text of dense index i into buf. */
const char *dti_location_id(const dti_coverage *cov, size_t i, char *buf, size_t size);

/* ---- regions and their statistics (regions.c) ---- */
typedef struct dti_region_table {
    size_t count;
    char **ids;             /* region id text, sorted */
    uint32_t *block_region; /* per coverage block: region index, DTI_NO_REGION when left out */
} dti_region_table;

/* A block (and its locations) that belongs to no region: left out of every count. */
#define DTI_NO_REGION UINT32_MAX

/* Regions as GEOID prefixes of `digits` characters (2, 5, 11, 12, 15). */
dt_status dti_regions_by_prefix(const dti_coverage *cov, int digits, dti_region_table *regions,
                                dt_error *err);
void dti_regions_free(dti_region_table *regions);

typedef struct dti_region_stats {
    uint64_t locations, unserved, underserved, served, providers;
    uint64_t tiers[DTI_TIER_COUNT];
    int64_t median_down_x2; /* twice the median best_down, micro-Mbps */
} dti_region_stats;

/* Per-region statistics; caller frees *stats with free(). */
dt_status dti_region_stats_compute(const dti_coverage *cov, const dti_region_table *regions,
                                   dti_region_stats **stats, dt_error *err);
/* Median of values (reordered in place), doubled so it stays an integer. */
int64_t dti_median_x2(int64_t *values, size_t n);

/* ---- vector layers named by the user (layers.c) ---- */
/* A layer of an OGR data source. The user names it as PATH (a source with one
 * layer; a .zip is read through /vsizip/) or PATH|layername=NAME (QGIS's form). */
typedef struct dti_layer {
    void *dataset; /* GDALDatasetH */
    void *layer;   /* OGRLayerH */
    char *display; /* the user's text, for messages */
} dti_layer;

dt_status dti_layer_open(const char *spec, dti_layer *layer, dt_error *err);
void dti_layer_close(dti_layer *layer);
/* Field indices of names[0..count) into index[]; an error names the first
 * missing field and lists the layer's fields. what: "TIGER block layer". */
dt_status dti_layer_fields(const dti_layer *layer, const char *const *names, int count,
                           int *index, const char *what, dt_error *err);
/* Read only these fields (indices) and the geometry when with_geometry. */
void dti_layer_read_only(const dti_layer *layer, const int *index, int count, int with_geometry);
/* The layer's CRS, cloned, in longitude/latitude (x/y) axis order; an error
 * (DT_ERR_CRS) when it has none or one that is neither geographic nor
 * projected. The caller frees *srs with OSRDestroySpatialReference(). */
dt_status dti_layer_srs(const dti_layer *layer, void **srs, dt_error *err);
/* Short name of a CRS for messages ("EPSG:4269" or its name); static buffer. */
const char *dti_srs_name(const void *srs);
/* A transformation between two CRS, or *ct = NULL when they are the same.
 * The caller frees *ct with OCTDestroyCoordinateTransformation(). */
dt_status dti_srs_transform(const void *from, const void *to, void **ct, const char *what,
                            dt_error *err);

/* ---- census blocks: TIGER/Line 2020 tabblock20 layers (blocks.c) ---- */
typedef struct dti_blocks {
    size_t count, cap;
    uint64_t *geoids;        /* GEOID20 */
    double *lon, *lat;       /* INTPTLON20 / INTPTLAT20, degrees */
    int64_t *aland, *awater; /* ALAND20 / AWATER20, square metres */
    uint32_t *housing, *pop; /* HOUSING20 / POP20 */
    dti_u64map index;        /* GEOID -> block index */
    size_t source_count;
    char **sources;         /* the layer specs as given */
    size_t *source_end;     /* blocks of source s: [source_end[s-1], source_end[s]) */
    void **layer_srs;       /* per source: the layer's CRS (OGRSpatialReferenceH) */
    void **point_srs;       /* per source: CRS of the internal points (its geographic CRS) */
} dti_blocks;

/* Read every block layer (attributes and internal points only). A GEOID seen
 * twice is an error. Free with dti_blocks_free(). */
dt_status dti_blocks_read(dti_blocks *blocks, char *const *specs, size_t count,
                          dt_progress_fn progress, void *user, dt_error *err);
void dti_blocks_free(dti_blocks *blocks);
/* Index of a block, or UINT32_MAX when it is not in the layers. */
uint32_t dti_blocks_find(const dti_blocks *blocks, uint64_t geoid);
/* Read the layers again and call fn for every block in layer order, with its
 * geometry (OGRGeometryH in the first layer's CRS, NULL when with_geometry is
 * 0 or it has none). fn returns 0 to go on, else a status to stop with. */
typedef dt_status (*dti_block_fn)(uint32_t block, void *geometry, void *user, dt_error *err);
dt_status dti_blocks_each(const dti_blocks *blocks, int with_geometry, dti_block_fn fn,
                          void *user, dt_error *err);

/* ---- region polygons: read, index, point in polygon (polygons.c) ---- */
typedef struct dti_polygons dti_polygons;

/* What reading a region layer found worth telling the user. */
typedef struct dti_polygons_report {
    size_t features, repaired, empty;
    int64_t repaired_fids[8], empty_fids[8]; /* the first few */
    int validity_checked;                    /* 0: GDAL has no GEOS */
} dti_polygons_report;

/* Read the region layer spec with id_field; keep_geometry keeps one
 * multipolygon per region for outputs. Free with dti_polygons_free(). */
dti_polygons *dti_polygons_read(const char *spec, const char *id_field, int keep_geometry,
                                dti_polygons_report *report, dt_error *err);
/* An empty set in srs (OGRSpatialReferenceH, cloned); add polygons, then index. */
dti_polygons *dti_polygons_new(const void *srs, int keep_geometry);
/* Add a Polygon or MultiPolygon (OGRGeometryH, not taken) to region id. */
dt_status dti_polygons_add(dti_polygons *polygons, const char *id, const void *geometry,
                           dt_error *err);
/* Sort regions by id (numerically when numeric_ids) and build the index. */
dt_status dti_polygons_index(dti_polygons *polygons, int numeric_ids, dt_error *err);
void dti_polygons_free(dti_polygons *polygons);
size_t dti_polygons_count(const dti_polygons *polygons);
const char *dti_polygons_id(const dti_polygons *polygons, size_t region);
const void *dti_polygons_geometry(const dti_polygons *polygons, size_t region);
const void *dti_polygons_srs(const dti_polygons *polygons);
/* Region containing (x, y) in the layer's CRS, DTI_NO_REGION for none. When
 * regions overlap there, the smallest index wins and *several is set. */
uint32_t dti_polygons_locate(const dti_polygons *polygons, double x, double y, int *several);

/* Where the blocks' internal points fell. */
typedef struct dti_assign_report {
    size_t in_no_region, in_several, not_transformed;
} dti_assign_report;

/* Region of every block's internal point (transformed into the regions' CRS);
 * several (may be NULL) flags the blocks that fell in overlapping regions. */
dt_status dti_polygons_assign(const dti_polygons *polygons, const dti_blocks *blocks,
                              uint32_t *block_region, uint8_t *several, dti_assign_report *report,
                              dt_progress_fn progress, void *user, dt_error *err);

/* Region table from polygons: ids copied; every coverage block gets the region
 * of its layer block (layer_region), DTI_NO_REGION when not in the layers. */
dt_status dti_regions_from_polygons(const dti_coverage *cov, const dti_blocks *blocks,
                                    const uint32_t *layer_region, const dti_polygons *polygons,
                                    dti_region_table *regions, dt_error *err);

/* ---- exact sums of fractions (exact_sum.c) ---- */
/* Many independent sums of num/den, kept exactly and rounded half up only at
 * the end: region sums of apportioned housing units. */
typedef struct dti_fraction_sums dti_fraction_sums;

dti_fraction_sums *dti_fraction_sums_new(size_t count);
void dti_fraction_sums_free(dti_fraction_sums *sums);
/* sums[which] += num / den (den > 0). 0 ok, -1 out of memory. */
int dti_fraction_sums_add(dti_fraction_sums *sums, size_t which, uint64_t num, uint32_t den);
/* round-half-up(sums[which] * 10^decimals), decimals 0..9. 0 ok, -1 out of memory. */
int dti_fraction_sums_round(dti_fraction_sums *sums, size_t which, int decimals,
                            uint64_t *scaled);

/* ---- households: housing units apportioned to classes (households.c) ---- */
/* Locations of one coverage block by class, all and residential (R or X). */
typedef struct dti_block_tally {
    uint32_t locations, unserved, underserved, served;
    uint32_t residential, residential_unserved, residential_underserved;
} dti_block_tally;

/* Per coverage block tallies; caller frees *tallies with free(). */
dt_status dti_block_tallies(const dti_coverage *cov, dti_block_tally **tallies, dt_error *err);

/* Block counts from a file `geoid,households` (PL 94-171 H1_002N). */
typedef struct dti_block_counts {
    size_t count;
    uint64_t *geoids;
    uint32_t *values;
    dti_u64map index; /* GEOID -> entry */
} dti_block_counts;

dt_status dti_households_read(const char *path, dti_block_counts *counts, dt_error *err);
void dti_block_counts_free(dti_block_counts *counts);

/* One region's units (HOUSING20 or households) and how they split (SPEC). */
typedef struct dti_units_sums {
    uint64_t units, no_data;
    uint64_t unserved_x10, underserved_x10; /* one decimal, rounded half up at the end */
} dti_units_sums;

/* Units of a block split by its residential locations: unserved and
 * underserved as exact fractions num/den (den 0 when there is no residential
 * location, and then the units have no data). */
typedef struct dti_units_split {
    uint64_t unserved_num, underserved_num, no_data;
    uint32_t den;
} dti_units_split;
dti_units_split dti_units_split_block(uint32_t units, const dti_block_tally *tally);

/* Sum blocks (geoids[i], units[i], in region[i] or DTI_NO_REGION) into
 * sums[0..nregions); a block without locations has all its units without data.
 * Caller frees *sums with free(). */
dt_status dti_units_sum(const dti_coverage *cov, const dti_block_tally *tallies,
                        const uint64_t *geoids, const uint32_t *units, const uint32_t *region,
                        size_t count, size_t nregions, dti_units_sums **sums, dt_error *err);

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
 * when with_geometry. Everything goes to a temporary name until commit. */
dti_table_out *dti_table_open(const char *path, const char *driver, const char *layer_name,
                              const dti_column *columns, int ncolumns, int with_geometry,
                              const void *srs, dt_error *err);
/* One row: ncolumns cells as text (an empty REAL cell is null); geometry
 * (OGRGeometryH) may be NULL. */
dt_status dti_table_write(dti_table_out *table, const char *const *cells, const void *geometry,
                          dt_error *err);
/* Finish and rename into place; frees table. */
dt_status dti_table_commit(dti_table_out *table, dt_error *err);
/* Remove everything written; frees table. Accepts NULL. */
void dti_table_abort(dti_table_out *table);

/* ---- census geometry in a dialtone stats run (stats_geo.c) ---- */
typedef struct dti_geo_options {
    char *const *blocks; /* block layer specs */
    size_t block_count;
    const char *regions, *id_field; /* polygon regions, or NULL for GEOID prefixes */
    const char *households;         /* geoid,households file or NULL */
    int prefix_digits;              /* GEOID prefix regions */
    int keep_region_geometry, verbose;
} dti_geo_options;

typedef struct dti_stats_geo {
    int have_blocks, have_households;
    dti_blocks blocks;
    dti_block_counts households;
    dti_polygons *polygons;     /* NULL with GEOID prefix regions */
    dti_polygons_report polygons_report;
    uint32_t *layer_region;     /* per block of the layers */
    uint32_t *household_region; /* per households entry */
    dti_block_tally *tallies;   /* per coverage block */
    /* per region */
    dti_units_sums *housing, *household_sums;
    uint64_t *pop;
    int64_t *aland;
} dti_stats_geo;

/* Read the block layers, the households file and the region polygons. */
dt_status dti_geo_load(dti_stats_geo *geo, const dti_geo_options *options,
                       dt_progress_fn progress, void *user, dt_error *err);
/* The region table (polygons or GEOID prefixes), every block's region, the
 * checks and notes of blocks left out, and the per-region sums. */
dt_status dti_geo_regions(dti_stats_geo *geo, const dti_geo_options *options,
                          const dti_coverage *cov, dti_region_table *regions,
                          dt_progress_fn progress, dt_note_fn note, void *user, dt_error *err);
void dti_geo_free(dti_stats_geo *geo);

/* ---- the tables of dialtone stats (stats_tables.c) ---- */
/* Write the region table (not yet committed); geometry from geo->polygons
 * when driver is an OGR format. */
dti_table_out *dti_region_table_write(const char *path, const char *driver,
                                      const dti_region_table *regions,
                                      const dti_region_stats *stats, const dti_stats_geo *geo,
                                      dt_error *err);
/* Write one row per block of the layers (not yet committed), in layer order. */
dti_table_out *dti_block_table_write(const char *path, const char *driver,
                                     const dti_coverage *cov, const dti_region_table *regions,
                                     const dti_stats_geo *geo, int prefix_digits, dt_error *err);
/* One row per location, sorted by location id. */
dt_status dti_location_table_write(void *fp, const dti_coverage *cov, dt_error *err);

#endif
