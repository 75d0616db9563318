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
/* ---- partial results (partial.c) ---- */
typedef struct dti_histogram {
    int64_t *values; /* best_down, micro-Mbps */
    uint64_t *counts;
    size_t n, cap;
} dti_histogram;

/* Region aggregates that merge exactly: counts add, provider sets unite,
 * best_down histograms add (so medians stay exact). */
typedef struct dti_partial {
    dti_rules rules;
    int has_rules, digits;
    dti_strtab ids; /* region id text -> index */
    dti_region_stats *stats;
    dti_histogram *downs;
    size_t cap;
    dti_strtab providers;
    dti_u64set region_providers; /* region << 32 | provider */
    uint64_t locations;
} dti_partial;

/* rules NULL: taken from the first partial file read. */
dt_status dti_partial_init(dti_partial *p, const dti_rules *rules, int digits, dt_error *err);
void dti_partial_free(dti_partial *p);
/* Add one coverage's regions (e.g. one state's) to p. */
dt_status dti_partial_add(dti_partial *p, const dti_coverage *cov,
                          const dti_region_table *regions, dt_error *err);
/* Regions sorted by id with final statistics; caller frees both. */
dt_status dti_partial_finish(dti_partial *p, dti_region_table *regions, dti_region_stats **stats,
                             dt_error *err);
/* Write p as a partial file (FILE *stream); dti_partial_read merges one in. */
void dti_partial_write(const dti_partial *p, void *stream);
dt_status dti_partial_read(dti_partial *p, const char *path, dt_error *err);


#endif

/* ---- errors (error.c) ---- */
/* Fill err (may be NULL) and return status. file may be NULL, line 0. */
dt_status dti_error_set(dt_error *err, dt_status status, const char *file, long line,
                        const char *fmt, ...) DTI_PRINTF(5, 6);
/* Copy GDAL's last error message into err with status. */
dt_status dti_error_gdal(dt_error *err, dt_status status, const char *file, const char *what);
/* Quiet GDAL errors (the library never prints); dti_ogr_init also registers
 * GDAL's drivers, for OGR and raster work. */
void dti_gdal_init(void);
void dti_ogr_init(void);

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

/* Open-addressing map from 64-bit key (never DTI_EMPTY_KEY) to uint32;
 * key and value share a slot so a lookup touches one cache line. */
typedef struct dti_u64slot {
    uint64_t key;
    uint32_t value;
} dti_u64slot;

typedef struct dti_u64map {
    dti_u64slot *slots;
    size_t mask; /* capacity - 1 */
    size_t count;
} dti_u64map;

static inline void dti_u64map_prefetch(const dti_u64map *map, uint64_t key)
{
    __builtin_prefetch(&map->slots[dti_hash64(key) & map->mask]);
}

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
static inline void dti_u64set_prefetch(const dti_u64set *set, uint64_t key)
{
    __builtin_prefetch(&set->keys[dti_hash64(key) & set->mask]);
}

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

/* SWAR: the high bit of each byte of word that equals c (eight at a time). */
static inline uint64_t dti_byte_mask(uint64_t word, unsigned char c)
{
    const uint64_t ones = 0x0101010101010101ULL, lows = 0x7f7f7f7f7f7f7f7fULL;
    uint64_t x = word ^ (ones * c); /* matching bytes become zero */
    return ~(((x & lows) + lows) | x) & (ones << 7);
}

/* How many bits a dti_byte_mask has, without needing a popcount instruction. */
static inline unsigned dti_byte_mask_count(uint64_t mask)
{
    return (unsigned)(((mask >> 7) * 0x0101010101010101ULL) >> 56);
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

#define DTI_MAX_FIELDS 64

typedef struct dti_csv dti_csv;
/* Open path through VSI; display names it in messages. Strips a UTF-8 BOM. */
dti_csv *dti_csv_open(const char *path, const char *display, dt_error *err);
/* Read records from data[0, len), which the caller keeps (fields are
 * unquoted in place); line numbers start at first_line. */
dti_csv *dti_csv_open_memory(char *data, size_t len, const char *display, long first_line,
                             dt_error *err);
/* Read the header record and find each of names[0..count) in it; an error
 * names the missing column. */
dt_status dti_csv_read_header(dti_csv *csv, const char *const *names, int count, int *columns,
                              int *header_fields, const char *what, dt_error *err);
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
    /* dti_tech_bit of the reliable rows that met the served / underserved threshold */
    uint8_t served_techs, underserved_techs;
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
    dti_u64map provider_numbers; /* numeric provider_id -> index */
    dti_strtab location_names; /* location ids that are not plain numbers */
    dti_u64set block_providers;    /* block << 32 | provider */
    dti_u64set location_providers; /* location << 32 | provider, when tracked */
    uint64_t rows, bad_rows, fabric_added;
    uint64_t conflicts; /* rows whose location was seen in another block */
    int state_filter;      /* >= 0: rows are expected in this state only */
    uint64_t foreign_rows; /* rows of another state than state_filter */
    size_t files;
} dti_coverage;

/* The BDC columns dialtone reads, by position in the header. */
enum {
    DTI_BDC_PROVIDER,
    DTI_BDC_LOCATION,
    DTI_BDC_TECHNOLOGY,
    DTI_BDC_DOWN,
    DTI_BDC_UP,
    DTI_BDC_LATENCY,
    DTI_BDC_BLOCK,
    DTI_BDC_USE,
    DTI_BDC_NCOLS
};
extern const char *const dti_bdc_columns[DTI_BDC_NCOLS];

typedef struct dti_bdc_layout {
    int col[DTI_BDC_NCOLS];
    int header_fields;
} dti_bdc_layout;

/* Per-reader memo of the last provider id seen. */
typedef struct dti_row_cache {
    uint32_t provider;
    char provider_text[48];
} dti_row_cache;
void dti_row_cache_init(dti_row_cache *cache);

/* One BDC row, checked and reduced to what a location keeps. */
typedef struct dti_parsed_row {
    uint64_t key, geoid;
    int64_t down, up; /* 0 for rows that are not reliable */
    uint32_t provider;
    uint32_t block, index; /* filled by dti_coverage_apply */
    uint8_t flags, residential;
    uint8_t tech; /* dti_tech_bit of a reliable row, 0 otherwise */
    long line;
} dti_parsed_row;

/* Check and parse one BDC row: 0 ok; 1 bad row (reason in why); -1 out of
 * memory. Interns provider and location names in cov. */
int dti_bdc_parse_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                      int nfields, dti_row_cache *cache, dti_parsed_row *row, char *why,
                      size_t why_size);
/* Apply parsed rows in order: 0 all applied; 1 rows[*stop] puts a location
 * in a second block (rows before it applied, it and later ones not; reason
 * in why); -1 out of memory. */
int dti_coverage_apply(dti_coverage *cov, dti_parsed_row *rows, size_t n, size_t *stop, char *why,
                       size_t why_size);
/* Fold src into dst (locations, blocks, providers); a location found in two
 * different blocks counts in dst->conflicts. */
dt_status dti_coverage_merge(dti_coverage *dst, const dti_coverage *src, dt_error *err);

#define DTI_NAMED_BIT (1ULL << 63)
/* A 15-digit block GEOID divided by this is its 2-digit state FIPS. */
#define DTI_STATE_DIVISOR 10000000000000ULL

/* Fold one availability row into a location (classify.c): only reliable
 * rows count, and each row's download and upload are judged together. */
void dti_location_add_row(dti_location *loc, const dti_rules *rules, int technology,
                          int low_latency, int64_t down, int64_t up);

dt_status dti_coverage_init(dti_coverage *cov, const dti_rules *rules, dt_error *err);
void dti_coverage_free(dti_coverage *cov);
/* Size an empty coverage's tables for about input_bytes of BDC rows. */
dt_status dti_coverage_reserve(dti_coverage *cov, uint64_t input_bytes, dt_error *err);
/* Read every BDC CSV of inputs into cov (bdc_read.c), on up to `threads`
 * threads; the result and any error are those of a sequential read. */
dt_status dti_coverage_read_bdc(dti_coverage *cov, const dti_inputs *inputs, int threads,
                                dt_progress_fn progress, void *user, dt_error *err);
/* Add fabric locations (bsl_flag true) that have no availability row. */
dt_status dti_coverage_read_fabric(dti_coverage *cov, const dti_inputs *inputs, dt_error *err);
/* State FIPS of the first data row of a CSV with a block_geoid column:
 * 1 found (*state), 0 no data row, -1 error. */
int dti_peek_state(const char *path, const char *display, int *state, dt_error *err);
/* Location id text of dense index i into buf. */
const char *dti_location_id(const dti_coverage *cov, size_t i, char *buf, size_t size);

/* ---- regions and their statistics (regions.c) ---- */
typedef struct dti_region_table {
    size_t count;
    char **ids;             /* region id text, sorted */
    uint32_t *block_region; /* per coverage block: region index */
} dti_region_table;

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
/* The region table of `dialtone stats` (SPEC's columns) to a FILE *stream;
 * regions without locations are left out. */
void dti_write_region_table(void *stream, const dti_region_table *regions,
                            const dti_region_stats *stats);
/* Median of values (reordered in place), doubled so it stays an integer. */
int64_t dti_median_x2(int64_t *values, size_t n);

/* ---- partial results (partial.c) ---- */
typedef struct dti_histogram {
    int64_t *values; /* best_down, micro-Mbps */
    uint64_t *counts;
    size_t n, cap;
} dti_histogram;

/* Region aggregates that merge exactly: counts add, provider sets unite,
 * best_down histograms add (so medians stay exact). */
typedef struct dti_partial {
    dti_rules rules;
    int has_rules, digits;
    dti_strtab ids; /* region id text -> index */
    dti_region_stats *stats;
    dti_histogram *downs;
    size_t cap;
    dti_strtab providers;
    dti_u64set region_providers; /* region << 32 | provider */
    uint64_t locations;
} dti_partial;

/* rules NULL: taken from the first partial file read. */
dt_status dti_partial_init(dti_partial *p, const dti_rules *rules, int digits, dt_error *err);
void dti_partial_free(dti_partial *p);
/* Add one coverage's regions (e.g. one state's) to p. */
dt_status dti_partial_add(dti_partial *p, const dti_coverage *cov,
                          const dti_region_table *regions, dt_error *err);
/* Regions sorted by id with final statistics; caller frees both. */
dt_status dti_partial_finish(dti_partial *p, dti_region_table *regions, dti_region_stats **stats,
                             dt_error *err);
/* Write p as a partial file (FILE *stream); dti_partial_read merges one in. */
void dti_partial_write(const dti_partial *p, void *stream);
dt_status dti_partial_read(dti_partial *p, const char *path, dt_error *err);

/* ---- option parsing helpers (options.c) ---- */
/* The value of option argv[*i]: "--opt=value" or the next argument (advancing *i);
 * NULL with a usage error when there is none. */
const char *dti_option_value(int argc, char **argv, int *i, const char *name, dt_error *err);
/* arg is the option name, or "--name=value". */
int dti_is_option(const char *arg, const char *name);
/* Replace *slot with a copy of value. 0 ok, -1 out of memory. */
int dti_replace_string(char **slot, const char *value);

/* ==== maps: dialtone map (map*.c, classify_breaks.c, palette.c, render*.c, png_out.c) ==== */

/* ---- class breaks (classify_breaks.c) ---- */
/* Classes are lower-inclusive: with interior breaks b[0] < ... < b[n-1], class 0 holds
 * v < b[0], class i holds b[i-1] <= v < b[i], class n holds v >= b[n-1]. A value equal to
 * a break goes up, as policy thresholds do ("at least 25 Mbps"). */
typedef enum dti_break_method {
    DTI_BREAKS_QUANTILE,
    DTI_BREAKS_EQUAL,
    DTI_BREAKS_JENKS,
    DTI_BREAKS_PRETTY,
    DTI_BREAKS_MANUAL
} dti_break_method;

#define DTI_MAX_CLASSES 9

/* Interior breaks for k classes of sorted (ascending, finite, n > 0) values, written to
 * breaks (room for k - 1); returns how many, fewer than k - 1 when ties leave fewer
 * distinct classes (0 when every value is equal), -1 when out of memory. Not for MANUAL. */
int dti_breaks_compute(dti_break_method method, const double *sorted, size_t n, int k,
                       double *breaks);
/* Fisher's exact optimum (Jenks natural breaks): the partition of sorted values into at
 * most k groups of consecutive values with the least total squared deviation from the
 * group means. Returns the breaks (first value of each group after the first) as above. */
int dti_breaks_jenks(const double *sorted, size_t n, int k, double *breaks);
/* Class of v for interior breaks (see above). */
int dti_class_of_value(const double *breaks, int nbreaks, double v);
/* Round data breaks to the fewest decimals (at most 6) that keep them distinct and inside
 * (min, max]; returns those decimals. Breaks already at <= max_decimals stay exact. */
int dti_breaks_round(double *breaks, int nbreaks, double min, double max);
/* Decimals a legend needs to print every break and the data range exactly enough. */
int dti_breaks_decimals(const double *breaks, int nbreaks, double min, double max);
/* A number with `decimals` decimals and thousands separators ("12,345.6"). */
char *dti_format_number(char *buf, size_t size, double v, int decimals);
/* A "nice" number (1, 2 or 5 times a power of ten) close to v (round) or >= v (ceil). */
double dti_nice_number(double v, int round_it);

/* ---- colours (palette.c) ---- */
typedef struct dti_rgb {
    uint8_t r, g, b;
} dti_rgb;

/* "#rrggbb", "rrggbb" or "#rgb". 0 ok, -1 bad. */
int dti_parse_color(const char *text, dti_rgb *out);
/* k colours (1..9) for a ColorBrewer scheme name (YlOrRd, Blues, RdYlBu ...; "_r" at the
 * end reverses it) or a comma-separated list of hex colours (at least k; evenly picked
 * when longer). DT_ERR_USAGE for an unknown name or bad list. */
dt_status dti_palette_colors(const char *spec, int k, dti_rgb *out, dt_error *err);
/* Comma-separated names of the ColorBrewer schemes; static storage. */
const char *dti_palette_names(void);

/* ---- region layer: polygons in flat arrays (map_layer.c) ---- */
typedef struct dti_map_layer {
    double *x, *y; /* every vertex; source CRS until dti_map_project() */
    size_t point_count, point_cap;
    size_t *ring_point; /* ring r: points [ring_point[r], ring_point[r + 1]) */
    uint8_t *ring_outer; /* 1 for an exterior ring, 0 for a hole */
    size_t ring_count, ring_cap;
    size_t *feature_ring; /* feature f: rings [feature_ring[f], feature_ring[f + 1]) */
    uint32_t *feature_region;
    size_t feature_count, feature_cap;
    dti_strtab ids;      /* region ids (text); the layer's come first */
    size_t region_count; /* regions drawn: ids 0 .. region_count - 1 */
    double *values;      /* per region (region_cap): NaN when no data */
    size_t region_cap;
    size_t *outer_edges; /* point i: edge (i, i + 1) lies on the outer boundary */
    size_t outer_edge_count;
    int outer_edges_usable; /* 0: neighbours' edges do not match, no outer line */
    char *srs_wkt;
    char *layer_name;
    /* what was left out, for notes */
    size_t skipped_empty, skipped_zero_area, bad_rings;
    size_t invalid; /* self-intersecting and the like (checked up to 50,000 features) */
    char first_skipped[128], first_invalid[128];
} dti_map_layer;

/* Read the polygons of path's layer (layer_name, or the first), each with its id_field text
 * (NULL: GEOID, GEOID20 or geoid when present, else the feature id); value_column (NULL
 * when values come from a stats table) gives each region's value. Empty and zero-area
 * geometry is left out and counted. dti_map_layer_free() frees it, also after a failure. */
dt_status dti_map_layer_read(dti_map_layer *ml, const char *path, const char *layer_name,
                             const char *id_field, const char *value_column,
                             dt_progress_fn progress, void *user, dt_error *err);
void dti_map_layer_free(dti_map_layer *ml);
/* Parse a mapped value: empty, NaN, NA, null give NaN (no data). 0 ok, -1 not a number. */
int dti_parse_value(const char *s, size_t len, double *value);
/* Join a stats CSV (first column named geoid; `column` numeric) by region id as text.
 * *unmatched counts its rows naming no region of the layer. */
dt_status dti_map_join_stats(dti_map_layer *ml, const char *path, const char *column,
                             size_t *unmatched, dt_error *err);
/* Edges that belong to one polygon only (exact vertex match): the outer boundary. */
dt_status dti_map_outer_edges(dti_map_layer *ml, dt_error *err);

/* ---- projection (map_project.c) ---- */
typedef struct dti_map_projection {
    char description[256];
    double meters_per_unit; /* 0 for a geographic CRS: no scale bar */
    double xmin, ymin, xmax, ymax; /* projected extent of the layer */
    void *transform;        /* OGRCoordinateTransformationH, source to map */
} dti_map_projection;

/* Project ml's vertices in place into crs (any GDAL/PROJ definition), or when crs is NULL
 * into an Albers equal-area conic fitted to the data: standard parallels at 1/6 and 5/6
 * of its latitude span, centred on it. Free with dti_map_projection_free(). */
dt_status dti_map_project(dti_map_layer *ml, const char *crs, dti_map_projection *proj,
                          dt_error *err);
/* Project one source point: 0 ok, -1 failed. */
int dti_map_project_point(const dti_map_projection *proj, double *x, double *y);
void dti_map_projection_free(dti_map_projection *proj);

/* ---- what a map shows (render.c, render_layout.c) ---- */
typedef enum dti_map_view { DTI_VIEW_CHOROPLETH, DTI_VIEW_SYMBOLS } dti_map_view;
typedef enum dti_scale_bar { DTI_SCALE_BAR_NONE, DTI_SCALE_BAR_KM, DTI_SCALE_BAR_MI } dti_scale_bar;

#define DTI_NO_DATA_CLASS 255

typedef struct dti_map_model {
    const dti_map_layer *layer;
    const dti_map_projection *projection;
    dti_map_view view;
    int width, height; /* in points; pixels are these times scale */
    double scale;
    const char *title, *subtitle, *source, *legend_title, *region_noun;
    const char *no_data_label; /* NULL: "No data" */
    /* choropleth classes */
    int class_count;
    dti_rgb class_colors[DTI_MAX_CLASSES];
    char class_labels[DTI_MAX_CLASSES][96];
    size_t class_counts[DTI_MAX_CLASSES];
    uint8_t *region_class; /* per region: class, or DTI_NO_DATA_CLASS */
    dti_rgb no_data_color;
    size_t no_data_count;
    /* proportional symbols: three legend values and their labels */
    dti_rgb symbol_color;
    double symbol_max_value;
    double symbol_legend[3];
    char symbol_labels[3][64];
    dti_scale_bar scale_bar;
} dti_map_model;

/* Where things landed, in pixels: the affine map from projected coordinates, the centres of
 * the legend's colour boxes. Filled by the renderer for tests. */
typedef struct dti_map_probe {
    double origin_x, origin_y, pixels_per_unit, xmin, ymax;
    double box_x[DTI_MAX_CLASSES + 1], box_y[DTI_MAX_CLASSES + 1]; /* last: no data */
    int width, height;
} dti_map_probe;

/* Write the map as PNG (libpng, with Title/Source/Software text chunks) or SVG (cairo) to
 * fp; display names it in messages. probe may be NULL. */
dt_status dti_render_png(const dti_map_model *model, void *fp, const char *display,
                         dti_map_probe *probe, dt_error *err);
dt_status dti_render_svg(const dti_map_model *model, void *fp, const char *display,
                         dt_error *err);

/* ---- drawing (render.c: surfaces and the map; render_layout.c: text, legend, layout) ---- */
struct _cairo; /* cairo_t */

typedef struct dti_layout {
    double unit;                        /* text and furniture size factor */
    double map_x, map_y, map_w, map_h;  /* the frame the map fits in, points */
    double ox, oy, s, xmin, ymax;       /* projected (x,y) -> (ox + s(x - xmin), oy + s(ymax - y)) */
    double legend_x, legend_y, legend_w, legend_h;
    double header_h, footer_y;
    double page_w, page_h; /* page_h is the model's height, or fitted when that is 0 */
    double symbol_max_radius;
    int legend_right;
} dti_layout;

/* Place title, legend, map and source on the page (measures text with cr). When the
 * model's height is 0 the page is made as tall as the map and legend need. */
void dti_layout_compute(struct _cairo *cr, const dti_map_model *m, dti_layout *lay);
/* Draw the title, subtitle, legend, scale bar and source line; probe may be NULL. */
void dti_layout_draw(struct _cairo *cr, const dti_map_model *m, const dti_layout *lay,
                     dti_map_probe *probe);

/* ---- PNG files (png_out.c) ---- */
typedef struct dti_png_text {
    const char *key, *text;
} dti_png_text;

/* Write 8-bit RGB from cairo's ARGB32 pixels (opaque) to fp with text chunks (tEXt, or
 * iTXt for non-ASCII text). dpi_scale sets pHYs to 72 * dpi_scale pixels per inch. */
dt_status dti_png_write(void *fp, const char *display, const unsigned char *argb, int width,
                        int height, int stride, const dti_png_text *texts, int text_count,
                        double dpi_scale, dt_error *err);

/* ---- the run (map.c), for tests: dt_map() that also reports where things landed ---- */
dt_status dti_map_run(const dt_map_options *options, dt_progress_fn progress, dt_note_fn note,
                      void *user, dti_map_probe *probe, dti_map_projection *projection,
                      dt_error *err);

/* ==== plan, diff, report and run (csv_table.c, plan*.c, diff.c, report*.c, run*.c) ==== */

/* ---- technologies of the rows that met a class (classify.c; dti_location keeps them) ---- */
/* Reliable technologies as bits, in the order a change of class is credited to
 * them: fiber 50, cable 40, copper 10, licensed 71, licensed-by-rule 72 and
 * unlicensed 70 fixed wireless. 0 for other technologies. */
#define DTI_TECH_COUNT 6
extern const int dti_tech_codes[DTI_TECH_COUNT];
extern const char *const dti_tech_names[DTI_TECH_COUNT]; /* fiber, cable, ... */
unsigned dti_tech_bit(int technology);

/* ---- a whole CSV table in memory (csv_table.c) ---- */
typedef struct dti_csv_table {
    char *path;            /* as messages name it */
    size_t ncols, nrows;
    char **names;          /* column names, then the cells: one block */
    char **cells;          /* row-major, nrows * ncols, NUL-terminated */
    long *lines;           /* file line of each row */
    char *arena;
    size_t arena_used;
} dti_csv_table;

/* Read path (display names it; NULL: path) through VSI. Blank lines are skipped, and with
 * comments records whose first field starts with '#'. Every row must have the header's
 * field count. dti_csv_table_free() frees it (also after a failure). */
dt_status dti_csv_table_read(dti_csv_table *t, const char *path, const char *display,
                             int comments, dt_error *err);
void dti_csv_table_free(dti_csv_table *t);
/* Index of a column or -1. */
int dti_csv_table_column(const dti_csv_table *t, const char *name);
/* Find every name (columns[i]); the error lists the columns there are. what: "a stats table". */
dt_status dti_csv_table_require(const dti_csv_table *t, const char *const *names, int count,
                                int *columns, const char *what, dt_error *err);
static inline const char *dti_csv_table_cell(const dti_csv_table *t, size_t row, int col)
{
    return t->cells[row * t->ncols + (size_t)col];
}
/* A cell as a count, or as a non-negative decimal scaled by 10^decimals (rounded half up);
 * errors name file, line and column. */
dt_status dti_csv_table_count(const dti_csv_table *t, size_t row, int col, uint64_t *value,
                              dt_error *err);
dt_status dti_csv_table_decimal(const dti_csv_table *t, size_t row, int col, int decimals,
                                int64_t *value, dt_error *err);
/* "12", "12.5": value * 10^decimals, rounded half up past `decimals`. 0 exact, 1 rounded,
 * -1 not a number, -2 negative, -4 too large. */
int dti_parse_decimal(const char *s, int decimals, int64_t *value);

/* ---- money: whole cents in int64 ---- */
#define DTI_MONEY_MAX 100000000000000000LL /* $10^15 in cents: sums stay far from overflow */
/* Dollars with at most 2 decimals into cents: 0 ok, -1 not a number, -2 negative,
 * -3 more than 2 decimals, -4 above DTI_MONEY_MAX. dti_money_error() words the code. */
int dti_parse_money(const char *s, int64_t *cents);
const char *dti_money_error(int code);
/* "1234" or "1234.50" */
char *dti_format_money(char *buf, size_t size, int64_t cents);

/* A note for the user through note (may be NULL). */
void dti_say(dt_note_fn note, void *user, const char *fmt, ...) DTI_PRINTF(3, 4);

/* ---- dialtone plan: cost model (plan_costs.c), land (plan_land.c), solver (plan_solve.c) ---- */
__extension__ typedef unsigned __int128 dti_u128;

#define DTI_COST_PER_LOCATION_MAX 10000000000LL /* $100,000,000 in cents */
#define DTI_DEFAULT_COSTS_NAME "datasets/cost_model.csv (built in)"
/* The text of datasets/cost_model.csv, compiled in by the Makefile (cost_model.c). */
extern const char dti_default_costs[];

/* Densities are micro-locations per km2: locations per km2 times 10^6, exactly. */
typedef struct dti_cost_class {
    int64_t min_micro, max_micro; /* [min, max); max INT64_MAX: no upper bound */
    int64_t cost_per_location;    /* cents */
    long line;
    char label[96];
} dti_cost_class;

typedef struct dti_cost_model {
    dti_cost_class *classes; /* sorted by min_micro, tiling [0, infinity) */
    size_t count;
    char source[1024];
} dti_cost_model;

/* Read and check a cost model (path NULL: the built-in one): the classes must cover 0 to
 * infinity without gaps or overlaps; errors name the file and line. Free with
 * dti_cost_model_free(), also after a failure. */
dt_status dti_cost_model_read(dti_cost_model *m, const char *path, dt_error *err);
void dti_cost_model_free(dti_cost_model *m);
/* The class of locations / land (land_m2 0: an infinite density, the last class). */
const dti_cost_class *dti_cost_class_of(const dti_cost_model *m, uint64_t locations,
                                        int64_t land_m2);
/* A density bound as text ("inf" for none). */
char *dti_format_density(char *buf, size_t size, int64_t micro);

/* Land area per region id, in square metres (km2 with 6 decimals). */
typedef struct dti_land {
    dti_strtab ids;
    int64_t *m2; /* per id index; -1 unknown */
    size_t cap;
    char source[1400];    /* where the areas come from, for notes and reports */
    char layer_path[256];
} dti_land;

/* geoid,land_km2 (errors name file and line). */
dt_status dti_land_read_csv(dti_land *land, const char *path, dt_error *err);
/* A polygon layer: ALAND20 or ALAND (square metres) when the layer has it, else the area of
 * the polygons in an Albers equal-area projection fitted to the layer. */
dt_status dti_land_read_layer(dti_land *land, const char *path, const char *layer,
                              const char *id_field, dt_error *err);
/* Square metres of a region, -1 when unknown. */
int64_t dti_land_find(dti_land *land, const char *id);
void dti_land_free(dti_land *land);

/* One project: connect a region's unserved (pass 0) or underserved (pass 1) locations. */
typedef struct dti_project {
    const char *geoid;
    size_t row;                 /* row of the stats table */
    int pass;
    uint64_t locations;         /* all the region's locations */
    uint64_t connect;           /* locations the project connects */
    int64_t households_x10;     /* households it reaches, tenths; -1 unknown */
    int64_t land_m2;
    const dti_cost_class *cost_class;
    int64_t cost;               /* cents: connect * cost_per_location */
    int64_t benefit;            /* what the plan maximises: connect, or households_x10 */
    int funded, funded_greedy;
} dti_project;

#define DTI_EXACT_MAX_REACH (1ULL << 24)  /* the exact solver's table: at most 128 MiB */
#define DTI_EXACT_MAX_CELLS (1ULL << 30)  /* and its choices: at most 128 MiB of bits */

/* Sort into rank order (see plan_solve.c). */
void dti_plan_rank(dti_project *p, size_t n);
/* In rank order, fund (funded_greedy) every project that reaches something and still fits;
 * returns the money spent. */
int64_t dti_plan_greedy(dti_project *p, size_t n, int64_t budget);
/* The 0/1 knapsack solved exactly (funded): the most reached within the budget, the cheapest
 * such allocation. 1 solved, 0 too large (*cells: projects x (total reach + 1) is over
 * max_cells), -1 out of memory. */
int dti_plan_exact(dti_project *p, size_t n, int64_t budget, uint64_t max_cells,
                   uint64_t *cells);

/* ---- running one library step for another (steps.c) ---- */
/* Run dt_map with arguments as on its command line. */
dt_status dti_map_call(int argc, const char *const *argv, dt_progress_fn progress,
                       dt_note_fn note, void *user, dt_error *err);
/* Create an empty file beside path named path.tmp.XXXXXX + suffix; caller frees the name
 * and removes the file. NULL with err on failure. */
char *dti_temp_beside(const char *path, const char *suffix, dt_error *err);

/* ---- dialtone diff: two coverages compared location by location (diff_compare.c) ---- */
enum {
    DTI_CHANGE_UPGRADED,
    DTI_CHANGE_DOWNGRADED,
    DTI_CHANGE_APPEARED,
    DTI_CHANGE_VANISHED,
    DTI_CHANGE_MOVED /* its block is in another region in the new release */
};

typedef struct dti_diff_region {
    uint64_t locations[2], served[2], underserved[2], unserved[2]; /* [0] old, [1] new */
    uint64_t appeared, vanished, upgraded, downgraded;
    uint64_t upgraded_by[DTI_TECH_COUNT], downgraded_by[DTI_TECH_COUNT];
} dti_diff_region;

typedef struct dti_diff_change {
    uint32_t old_index, new_index; /* UINT32_MAX where the location is absent */
    uint8_t kind;                  /* DTI_CHANGE_* */
    int8_t tech;                   /* index into dti_tech_names, -1 for none */
} dti_diff_change;

typedef struct dti_diff {
    char **ids; /* region ids, sorted: the GEOID prefixes of both releases */
    size_t count;
    dti_diff_region *regions;
    uint32_t *block_region[2]; /* per block of the old and the new coverage */
    uint64_t moved;
    dti_diff_change *changes; /* when asked for */
    size_t change_count, change_cap;
} dti_diff;

/* Compare old and new (whose location name table may grow by lookups) per region of
 * `digits` GEOID digits. A location that changed region counts as vanished from the old
 * region and appeared in the new one. Free with dti_diff_free(), also after a failure. */
dt_status dti_diff_compare(const dti_coverage *old, dti_coverage *new_cov, int digits,
                           int want_changes, dti_diff *d, dt_error *err);
void dti_diff_free(dti_diff *d);
/* The region table and the table of changed locations (sorted by location id) to a FILE *. */
void dti_diff_write(void *stream, const dti_diff *d);
void dti_diff_write_changes(void *stream, dti_diff *d, const dti_coverage *old,
                            const dti_coverage *new_cov);

/* A CSV cell to a FILE *, quoted when it holds a comma, a quote or a line end. */
void dti_csv_put_cell(void *stream, const char *text);

/* ---- dialtone report (report.c, report_html.c, report_data.c) ---- */
/* A PNG to show: its bytes, size and the Title / Description of its text chunks. */
typedef struct dti_figure {
    char path[1024];
    char title[512], description[1024];
    int width, height;
    unsigned char *png;
    size_t size;
} dti_figure;

dt_status dti_figure_read(dti_figure *f, const char *path, dt_error *err);
void dti_figure_free(dti_figure *f);
/* Base64 of data to a FILE *. */
void dti_base64_write(void *stream, const unsigned char *data, size_t n);

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
    int64_t cost;           /* cents */
    uint64_t locations[2];  /* unserved, underserved connected */
} dti_plan_totals;

typedef struct dti_report_change {
    uint64_t old[4], now[4]; /* locations, served, underserved, unserved */
    uint64_t appeared, vanished, upgraded, downgraded;
    uint64_t upgraded_by[DTI_TECH_COUNT], downgraded_by[DTI_TECH_COUNT];
} dti_report_change;

typedef struct dti_report {
    const char *title, *subtitle, *source, *region_noun, *costs;
    dti_csv_table stats;
    struct {
        int geoid, locations, unserved, underserved, served, pct, providers, median;
    } col;
    uint64_t *counts;   /* per row: locations, unserved, underserved, served */
    char (*pct)[32];    /* per row: pct_unserved as the table has it (or computed) */
    size_t *worst;      /* rows, the largest share unserved first */
    dti_report_totals totals;
    int has_plan, has_budget, has_plan_map, has_diff, fabric;
    dti_csv_table plan;
    dti_plan_totals plan_totals;
    size_t *funded_rows;
    int64_t budget;
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
void dti_report_write(void *stream, dti_report *r);

/* ---- dialtone run: the configuration file (run_config.c) ---- */
enum {
    DTI_RUN_BDC, DTI_RUN_PREVIOUS, DTI_RUN_FABRIC, DTI_RUN_REGIONS, DTI_RUN_LAYER,
    DTI_RUN_ID_FIELD, DTI_RUN_BY, DTI_RUN_OUT, DTI_RUN_NAME, DTI_RUN_TITLE, DTI_RUN_SUBTITLE,
    DTI_RUN_SOURCE, DTI_RUN_NOUN, DTI_RUN_ULFW, DTI_RUN_SERVED, DTI_RUN_UNDERSERVED,
    DTI_RUN_THREADS, DTI_RUN_BUDGET, DTI_RUN_COSTS, DTI_RUN_LAND, DTI_RUN_HOUSEHOLDS,
    DTI_RUN_METHOD, DTI_RUN_TOP, DTI_RUN_SCALE_BAR, DTI_RUN_KEY_COUNT
};

typedef struct dti_run_config {
    char *path, *dir;                /* the file, and the directory its paths are relative to */
    char *text[DTI_RUN_KEY_COUNT];   /* each key's value as written */
    long line[DTI_RUN_KEY_COUNT];    /* its line, 0 when absent */
    char **paths[DTI_RUN_KEY_COUNT]; /* file keys: the words, resolved against dir */
    size_t count[DTI_RUN_KEY_COUNT];
    int flag[DTI_RUN_KEY_COUNT];     /* yes/no keys */
    int64_t budget;                  /* cents */
} dti_run_config;

/* Read and check a configuration: unknown keys, bad values and missing files are errors
 * naming the config's line. Free with dti_run_config_free(), also after a failure. */
dt_status dti_run_config_read(dti_run_config *c, const char *path, dt_error *err);
void dti_run_config_free(dti_run_config *c);
/* A key's text, or its first path; NULL when the config does not have the key. */
const char *dti_run_config_text(const dti_run_config *c, int key);
const char *dti_run_config_path(const dti_run_config *c, int key);

#endif
