/* SPDX-License-Identifier: MIT */
/* Coverage: per-location state from BDC rows, regions and their statistics, partial results, a run
 * one state at a time. */
#ifndef DIALTONE_COVERAGE_H
#define DIALTONE_COVERAGE_H

#include <stdio.h>

#include "read.h"

/* ---- coverage: per-location state from BDC rows (coverage.c) ---- */
/* A set of 2-digit state FIPS codes (0-99). */
typedef struct dti_state_set {
    uint64_t bits[2];
} dti_state_set;
static inline void dti_state_set_add(dti_state_set *set, int state)
{
    set->bits[state >> 6] |= 1ULL << (state & 63);
}
static inline int dti_state_set_has(const dti_state_set *set, int state)
{
    return (int)(set->bits[state >> 6] >> (state & 63)) & 1;
}

typedef struct dti_location {
    int64_t best_down, best_up; /* micro-Mbps over reliable rows */
    uint32_t block;             /* index into coverage blocks */
    uint8_t flags;              /* OR of dti_row_flags over reliable rows */
    uint8_t residential;        /* some row has business_residential_code R or X */
    /* dti_tech_bit of the reliable rows that met the served / underserved threshold */
    uint8_t served_techs, underserved_techs;
} dti_location;

/* The distinct providers of each block: a bitmap per block over provider ordinals, indexed
 * directly by block (no hashing, no rehash); its width grows 1, 2, 4 ... words with the
 * providers seen, up to max_bits. A provider ordinal beyond the widest bitmap goes to the
 * pair set instead, so a coverage with thousands of providers is still counted exactly. */
typedef struct dti_block_providers {
    uint64_t *bits;  /* blocks * words, zero where no row was seen */
    size_t blocks;   /* blocks the bitmaps cover */
    size_t words;    /* per block */
    size_t limit;    /* providers below it have their bit now: min(words * 64, max_bits) */
    size_t max_bits; /* DTI_PROVIDER_BITS, or DIALTONE_PROVIDER_BITS for tests */
    dti_u64set wide; /* block << 32 | provider for providers >= max_bits */
} dti_block_providers;

/* 512 providers per block bitmap (64 bytes: one cache line); a state has a few hundred. */
#define DTI_PROVIDER_BITS 512

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
    dti_strtab providers;        /* provider_id text -> index */
    dti_u64map provider_numbers; /* numeric provider_id -> index */
    dti_strtab location_names;   /* location ids that are not plain numbers */
    dti_block_providers block_providers;
    dti_u64set location_providers; /* location << 32 | provider, when tracked */
    uint64_t rows, bad_rows, fabric_added;
    uint64_t conflicts;    /* rows whose location was seen in another block */
    int state_filter;      /* >= 0: rows are expected in this state only */
    uint64_t foreign_rows; /* rows of another state than state_filter */
    /* bsl_flag false fabric rows of locations not in the universe: key -> index
     * into fabric_other_blocks (their block GEOID) */
    dti_u64map fabric_other;
    uint64_t *fabric_other_blocks;
    size_t fabric_other_count, fabric_other_cap;
    size_t files;
    int threads; /* the threads it was read on (dti_coverage_read_bdc); statistics use as many */
    struct dti_coverage_extras *extras; /* prices and served providers (prices.c); NULL: off */
    struct dti_coverage_tables *tables; /* by technology and provider (stats_tech.c); NULL: off */
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
    DTI_BDC_STATE,
    DTI_BDC_NCOLS
};
extern const char *const dti_bdc_columns[DTI_BDC_NCOLS];

typedef struct dti_bdc_layout {
    int col[DTI_BDC_NCOLS];
    int brand; /* brand_name, an optional column: -1 when absent */
    int header_fields;
} dti_bdc_layout;

/* Per-reader memo of provider ids: ids of 1 to 8 bytes (all of the FCC's) in a small
 * direct-mapped table, each entry the id's bytes as two 4-byte words (overlapping for shorter
 * ids, three single bytes below 4) and its length, which together are exactly the id; a longer
 * id as the last one seen. */
#define DTI_ROW_CACHE_SLOTS 256
typedef struct dti_row_cache {
    struct {
        uint32_t lo, hi, len, provider; /* len 0: empty */
    } slot[DTI_ROW_CACHE_SLOTS];
    uint32_t provider;
    char provider_text[48];
    dti_flags_cache flags; /* under the rules of the coverage the reader reads into */
} dti_row_cache;
void dti_row_cache_init(dti_row_cache *cache, const dti_rules *rules);

/* One BDC row, checked and reduced to what a location keeps. */
typedef struct dti_parsed_row {
    uint64_t key, geoid;
    int64_t down, up; /* 0 for rows that are not reliable */
    uint32_t provider;
    uint32_t block, index; /* filled by dti_coverage_apply */
    uint8_t flags, residential;
    uint8_t tech; /* dti_tech_bit of a reliable row, 0 otherwise */
    long line;
    int64_t price; /* cheapest plan of a served row, micro-USD; -1 none (prices.c) */
    /* the analysts' tables (stats_tech.c), filled only when cov->tables is on: */
    uint8_t group, any_tiers; /* technology group; tier bits of the row, any latency */
    uint16_t pair_bits;       /* DTI_PAIR_* bits the row gives its location and provider */
    uint32_t brand_slot;      /* index into tables->brand_rows, UINT32_MAX none */
} dti_parsed_row;

/* Check and parse one BDC row: 0 ok; 1 bad row (reason in why); -1 out of
 * memory. Interns provider and location names in cov. */
int dti_bdc_parse_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                      int nfields, dti_row_cache *cache, dti_parsed_row *row, char *why,
                      size_t why_size);
/* The part of dti_bdc_parse_row after the checks, for a row whose fields are read: provider,
 * use, the row's flags, price and tables. 0 ok, -1 out of memory. */
int dti_bdc_finish_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                       dti_row_cache *cache, dti_parsed_row *row, int technology, int low_latency,
                       int64_t down, int64_t up);

/* The fast way through a plain row (bdc_fast.c): what each column of a file's header is read
 * as. ncols 0: the file's rows all go the reference way (dti_csv_next, dti_bdc_parse_row). */
#define DTI_FAST_COLS 32
typedef struct dti_bdc_fast {
    int ncols, fcc; /* fcc: the FCC's columns in the FCC's order */
    uint8_t kind[DTI_FAST_COLS];
} dti_bdc_fast;
/* The plan for a layout; reference nonzero (or DIALTONE_ROWS=reference, for tests): none. */
void dti_bdc_fast_init(dti_bdc_fast *fast, const dti_bdc_layout *layout, int reference);
/* Read the row at p (end: the end of the data at hand) when it is plain and good: its text
 * fields (all but the numbers: location_id, technology, the speeds, low_latency, block_geoid)
 * in f as dti_csv_next gives them, and *row as dti_bdc_parse_row fills it. Returns the bytes
 * taken, with its LF or CRLF; 0 when the row goes the reference way instead (a quote, a
 * control byte, a lone CR, a field or number it does not read, a bad row, too near end);
 * -1 out of memory. */
long dti_bdc_fast_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_bdc_fast *fast,
                      char *p, const char *end, dti_field *f, dti_row_cache *cache,
                      dti_parsed_row *row);

/* Apply parsed rows in order: 0 all applied; 1 rows[*stop] puts a location
 * in a second block (rows before it applied, it and later ones not; reason
 * in why); -1 out of memory. */
int dti_coverage_apply(dti_coverage *cov, dti_parsed_row *rows, size_t n, size_t *stop, char *why,
                       size_t why_size);
int dti_block_providers_init(dti_block_providers *bp); /* 0 ok, -1 out of memory */
void dti_block_providers_free(dti_block_providers *bp);
/* Bitmaps for at least `blocks` blocks (grown as needed anyway). 0 ok, -1 out of memory. */
int dti_block_providers_reserve(dti_block_providers *bp, size_t blocks);
/* Add src's pairs of its first src_blocks blocks to dst, block b as blocks[b] and provider p
 * as providers[p]. 0 ok, -1 out of memory. */
int dti_block_providers_merge(dti_block_providers *dst, const dti_block_providers *src,
                              size_t src_blocks, const uint32_t *blocks, const uint32_t *providers);
/* Record that provider has a row in block (the slow path of dti_block_providers_add: wider
 * or more bitmaps, or the pair set): 0 ok, -1 out of memory. */
int dti_block_providers_widen(dti_block_providers *bp, uint32_t block, uint32_t provider);
static inline int dti_block_providers_add(dti_block_providers *bp, uint32_t block,
                                          uint32_t provider)
{
    if (block < bp->blocks && provider < bp->limit) {
        bp->bits[block * bp->words + (provider >> 6)] |= 1ULL << (provider & 63);
        return 0;
    }
    return dti_block_providers_widen(bp, block, provider);
}
static inline void dti_block_providers_prefetch(const dti_block_providers *bp, uint32_t block,
                                                uint32_t provider)
{
    if (block < bp->blocks && provider < bp->limit)
        dti_prefetch(&bp->bits[block * bp->words + (provider >> 6)]);
}
/* Call visit(user, region, provider) once for each distinct pair of a region (block_region[block]
 * over the nreg regions; DTI_NO_REGION left out) and a provider with a row in one of its blocks.
 * 0 ok, -1 out of memory, or visit's nonzero return, which stops the walk. */
int dti_region_providers_each(const dti_coverage *cov, const uint32_t *block_region, size_t nreg,
                              int (*visit)(void *user, uint32_t region, uint32_t provider),
                              void *user);

/* Fold src into dst (locations, blocks, providers); a location found in two
 * different blocks counts in dst->conflicts. */
dt_status dti_coverage_merge(dti_coverage *dst, const dti_coverage *src, int threads,
                             dt_error *err);

#define DTI_NAMED_BIT (1ULL << 63)
/* A 15-digit block GEOID divided by this is its 2-digit state FIPS. */
#define DTI_STATE_DIVISOR 10000000000000ULL

/* The one rule of what a row says (classify.c): only reliable rows count, and each row's
 * download and upload are judged together. Sets row's flags, tech, down and up (all 0 for a
 * row that is not reliable); cache: a memo of the flags under these rules, or NULL. */
static inline void dti_row_reduce(dti_parsed_row *row, const dti_rules *rules,
                                  dti_flags_cache *cache, int technology, int low_latency,
                                  int64_t down, int64_t up)
{
    unsigned tech = dti_reliable_tech_bit(rules, technology, low_latency);
    if (tech) {
        row->flags = (uint8_t)(cache ? dti_row_flags_cached(cache, rules, down, up)
                                     : dti_row_flags(rules, down, up));
        row->tech = (uint8_t)tech;
        row->down = down;
        row->up = up;
    } else { /* unreliable rows still name a provider and the location */
        row->flags = row->tech = 0;
        row->down = row->up = 0;
    }
}

/* Fold a reduced row into its location: flags and technologies united, the best download
 * and the best upload kept (they may come from different rows). */
static inline void dti_location_fold_row(dti_location *loc, const dti_parsed_row *row)
{
    /* written without branches: whether a row raises its location's best changes from row to
     * row, and mispredicted branches cost more than the stores */
    loc->flags |= row->flags;
    loc->residential |= row->residential;
    loc->served_techs |= row->flags & DTI_FLAG_SERVED ? row->tech : 0;
    loc->underserved_techs |= row->flags & DTI_FLAG_UNDERSERVED ? row->tech : 0;
    int64_t down = loc->best_down, up = loc->best_up;
    loc->best_down = row->down > down ? row->down : down;
    loc->best_up = row->up > up ? row->up : up;
}

/* Fold what another reading of a location found into it (threads' and partials' merges). */
static inline void dti_location_fold(dti_location *to, const dti_location *from)
{
    to->flags |= from->flags;
    to->residential |= from->residential;
    to->served_techs |= from->served_techs;
    to->underserved_techs |= from->underserved_techs;
    if (from->best_down > to->best_down)
        to->best_down = from->best_down;
    if (from->best_up > to->best_up)
        to->best_up = from->best_up;
}

dt_status dti_coverage_init(dti_coverage *cov, const dti_rules *rules, dt_error *err);
/* A fresh coverage configured like model (rules, state filter, bad-row and
 * tracking settings, price extras), to be merged into it. */
dt_status dti_coverage_init_like(dti_coverage *cov, const dti_coverage *model, dt_error *err);
void dti_coverage_free(dti_coverage *cov);
/* Size an empty coverage's tables for the BDC rows of inputs (their total size and the row
 * length of the first input's first rows). */
dt_status dti_coverage_reserve(dti_coverage *cov, const dti_inputs *inputs, dt_error *err);
/* The same in two steps: the locations to expect (0: no reservation; reads the first input's
 * first rows), then the tables sized for them (in each reading thread, which so zeroes its own
 * tables' pages in parallel with the others). */
size_t dti_coverage_expected_locations(const dti_inputs *inputs);
dt_status dti_coverage_reserve_for(dti_coverage *cov, size_t locations, dt_error *err);
/* Read every BDC CSV of inputs into cov (bdc_read.c), on up to `threads`
 * threads; the result and any error are those of a sequential read. */
dt_status dti_coverage_read_bdc(dti_coverage *cov, const dti_inputs *inputs, int threads,
                                dt_progress_fn progress, void *user, dt_error *err);
/* Add fabric locations (bsl_flag true) that have no availability row, after
 * checking that every fabric row names the block of the location's other rows
 * (availability rows, earlier fabric rows); bdc names the availability inputs
 * for that message. With cov->state_filter >= 0 rows of other states are
 * skipped. seen (NULL, or one per fabric input) collects the states of each
 * input's rows; seen_known: it is complete, so files without the filtered
 * state are not read. */
dt_status dti_coverage_read_fabric(dti_coverage *cov, const dti_inputs *inputs,
                                   const dti_inputs *bdc, dti_state_set *seen, int seen_known,
                                   dt_error *err);
/* State FIPS of the first data row of a CSV with a block_geoid column:
 * 1 found (*state), 0 no data row, -1 error. */
int dti_peek_state(const char *path, const char *display, int *state, dt_error *err);
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

/* The GEOID levels (state 2, county 5, tract 11, blockgroup 12, block 15): the digits of the
 * level named by name[0, len), -1 for another name; the name of a level (static), or NULL. */
int dti_level_digits(const char *name, size_t len);
const char *dti_level_name(int digits);
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

/* Location identities across coverages and partials: a numeric id is itself, a non-numeric
 * one a 64-bit hash of its text with DTI_NAMED_BIT set (a collision can only refuse or send a
 * run to the read of all states together, never change a count). */
typedef struct dti_key_list {
    uint64_t *keys; /* sorted, distinct */
    size_t n;
} dti_key_list;
/* The identities of every location cov has seen (its universe and bsl_flag false fabric
 * rows). 0 ok, -1 out of memory; free(out->keys). */
int dti_key_list_collect(const dti_coverage *cov, dti_key_list *out);
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
    int fabric;     /* the counts include a fabric's unreported locations (f record); -1 unknown */
    dti_strtab ids; /* region id text -> index */
    dti_region_stats *stats;
    dti_histogram *downs;
    size_t cap;
    dti_strtab providers;
    dti_u64set region_providers; /* region << 32 | provider */
    uint64_t locations;
    /* What the partial covers, so that merge never counts a location twice:
     * the states with locations, and the BDC inputs ("name<TAB>size"). */
    dti_state_set states;
    dti_strtab inputs;
    /* merge: which partial file brought each state and input (index into sources) */
    char **sources;
    size_t source_count;
    uint32_t state_source[100];
    uint32_t *input_source;
    /* the identities of the locations counted (k records), so that merge can refuse a
     * location counted in two partials; kept only when track_keys */
    int track_keys;
    uint64_t *keys;
    size_t key_count, key_cap;
    dti_key_list *source_keys; /* merge: per partial file read */
} dti_partial;

/* rules NULL: taken from the first partial file read. */
dt_status dti_partial_init(dti_partial *p, const dti_rules *rules, int digits, dt_error *err);
void dti_partial_free(dti_partial *p);
/* Add one coverage's regions (e.g. one state's), with their statistics from
 * dti_region_stats_compute, to p. */
dt_status dti_partial_add(dti_partial *p, const dti_coverage *cov, const dti_region_table *regions,
                          const dti_region_stats *stats, dt_error *err);
/* Regions sorted by id with final statistics; caller frees both. */
dt_status dti_partial_finish(dti_partial *p, dti_region_table *regions, dti_region_stats **stats,
                             dt_error *err);
/* After every partial is read (merge): 0 when no location is in two of them, otherwise an
 * error naming both files. */
dt_status dti_partial_check_keys(const dti_partial *p, dt_error *err);
/* Record the BDC inputs a partial is made from. */
dt_status dti_partial_add_inputs(dti_partial *p, const dti_inputs *inputs, dt_error *err);
/* Write p as a partial file (FILE *stream); dti_partial_read merges one in,
 * refusing one that covers a state or an input of a partial read before. */
void dti_partial_write(const dti_partial *p, FILE *stream);
dt_status dti_partial_read(dti_partial *p, const char *path, dt_error *err);

/* ---- stats one state at a time (stats_states.c) ---- */
typedef struct dti_run_totals {
    uint64_t locations, rows, bad_rows, fabric_added;
    size_t files, groups;
} dti_run_totals;
void dti_run_totals_add(dti_run_totals *totals, const dti_coverage *cov);

/* The state of each input's first data row, -1 where there is none (or the
 * file cannot be read: the read itself reports that); *distinct counts the
 * states. NULL when out of memory; free() it. */
int *dti_peek_states(const dti_inputs *inputs, size_t *distinct);

typedef struct dti_state_run {
    const dti_rules *rules;
    int skip_bad_rows, threads, prefix_digits;
    const dti_inputs *bdc;
    const int *bdc_states;    /* from dti_peek_states */
    const dti_inputs *fabric; /* NULL: none */
    dt_progress_fn progress;
    void *user;
} dti_state_run;

/* Sort keys[0, n) in place. 0 ok, -1 out of memory. */
int dti_keys_sort(uint64_t *keys, size_t n);
/* 1 when an identity is in two of the k lists (*key, in lists *first and *second), 0 none, -1
 * out of memory. */
int dti_key_lists_shared(const dti_key_list *lists, size_t k, size_t *first, size_t *second,
                         uint64_t *key);

/* Why the states must be read together after all. */
typedef enum dti_state_fallback {
    DTI_FALLBACK_NONE,
    DTI_FALLBACK_ERROR,      /* an error, which the read of all states reports */
    DTI_FALLBACK_MIXED_FILE, /* a BDC file holds rows of several states */
    DTI_FALLBACK_TWO_STATES  /* a location appears in the rows of two states */
} dti_state_fallback;

/* Read the BDC files one state at a time (fabric rows counted with their own
 * state, whichever file holds them) into partial. Returns an error only for
 * cancellation or lack of memory; any other outcome that reading all states
 * together would give differently sets *fallback, and the caller must then
 * read them together (from a fresh partial and totals). */
dt_status dti_stats_by_state(const dti_state_run *run, dti_partial *partial, dti_run_totals *totals,
                             dti_state_fallback *fallback, dt_error *err);

#endif
