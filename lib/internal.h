/* Cross-file internals of the dialtone library (not installed). */
#ifndef DIALTONE_INTERNAL_H
#define DIALTONE_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "dialtone/dialtone.h"

#if defined(__GNUC__)
#define DTI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DTI_PRINTF(a, b)
#endif

struct json_t; /* jansson's, for provenance (provenance.c) */

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
/* Index of the string, or UINT32_MAX when it is not in the table. */
uint32_t dti_strtab_find(const dti_strtab *tab, const char *s, size_t len);
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
/* Speeds are kept as integer micro-Mbps (1e-6 Mbps). SPEC allows at most 6
 * decimals, so every speed and threshold is held exactly and compared exactly. */
#define DTI_MICRO 1000000LL
/* Parse a plain decimal digits[.digits] (also ".5" and "5.") with at most 6
 * decimals, into millionths, at most max; no sign, exponent or spaces. 0 ok, -1 bad. */
int dti_parse_micro(const char *s, size_t len, int64_t max, int64_t *micro);
/* A speed in Mbps as dti_parse_micro reads it ("100", "0.768"), up to 1e9 Mbps. */
int dti_parse_speed(const char *s, size_t len, int64_t *micro);
#define DTI_SPEED_SYNTAX "a plain decimal of Mbps with at most 6 decimals"
/* Parse an unsigned integer of at most 18 digits. 0 ok, -1 bad. */
int dti_parse_u64(const char *s, size_t len, uint64_t *value);
/* Counts of locations read back from dialtone's own tables and partials are at most this, and
 * so are their sums (dti_count_add): far above any real count (the US has about 1.2e8
 * locations), and low enough that the exact shares and percentages cannot overflow. */
#define DTI_COUNT_MAX 100000000000000ULL /* 10^14 */
/* *sum += v: 0 ok; -1 when v or the sum would pass DTI_COUNT_MAX (*sum unchanged). */
static inline int dti_count_add(uint64_t *sum, uint64_t v)
{
    if (v > DTI_COUNT_MAX || *sum > DTI_COUNT_MAX - v)
        return -1;
    *sum += v;
    return 0;
}
/* Print value / 10^scale as a plain decimal without trailing zeros. */
char *dti_format_fixed(char *buf, size_t size, int64_t value, int scale);
/* Round-half-up ratio num/den with `decimals` decimals, exact in integers. */
char *dti_format_ratio(char *buf, size_t size, uint64_t num, uint64_t den, int decimals);
/* Parse "D/U" thresholds into micro-Mbps: two speeds, both above 0. 0 ok, -1 bad. */
int dti_parse_threshold(const char *text, int64_t *down, int64_t *up);
#define DTI_THRESHOLD_SYNTAX                                                                       \
    "expected DOWN/UP in Mbps, both above 0 with at most 6 decimals, e.g. 100/20"

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
/* Underserved must not exceed served in either component (numbers.c; checked
 * once all options are read, in whatever order they came). DT_OK, or status
 * with err naming file and line (NULL, 0 for command-line options). */
dt_status dti_thresholds_check(const dti_rules *rules, dt_status status, const char *file,
                               long line, dt_error *err);
int dti_is_reliable(const dti_rules *rules, int technology, int low_latency);
/* Flags earned by one reliable row: tier bits and served/underserved bits. */
unsigned dti_row_flags(const dti_rules *rules, int64_t down, int64_t up);
dti_class dti_class_of(unsigned flags);
const char *dti_class_name(dti_class c);

/* ---- inputs (inputs.c) ---- */
/* The readable CSV members behind the user's arguments: plain files, globs,
 * .zip archives (each CSV inside, through /vsizip/), /vsi paths. */
/* What an input held when it was read to its end: its bytes (after decompression) and their
 * XXH3-64 hash, computed as they are read (provenance: which file a table was made from). */
typedef struct dti_fingerprint {
    uint64_t xxh3, bytes;
    int done; /* read to the end */
} dti_fingerprint;

typedef struct dti_inputs {
    char **paths;   /* what GDAL's VSI layer opens */
    char **display; /* what messages name */
    uint64_t *sizes;
    uint64_t total_size;
    size_t count;
    /* per input, filled by the readers; shared by copies (one state's inputs) */
    dti_fingerprint **prints;
    int owns_prints;
} dti_inputs;

dt_status dti_inputs_expand(char *const *args, size_t nargs, dti_inputs *out, dt_error *err);
void dti_inputs_free(dti_inputs *inputs);

/* ---- one input's bytes, checked to the end (input_stream.c) ---- */
/* A "/vsigzip/FILE" is inflated with zlib (every member's CRC-32 and length
 * checked); a "/vsizip/ARCHIVE.zip/MEMBER" is read through GDAL and checked
 * against its central directory's CRC-32 and size; a GDAL error during a read
 * is an error. Messages name display. */
typedef struct dti_stream dti_stream;
dti_stream *dti_stream_open(const char *path, const char *display, dt_error *err);
/* Read up to n bytes; *got < n only at the end, once the end is checked.
 * 0 ok; -1 error (a truncated or damaged input: DT_ERR_FORMAT naming it). */
int dti_stream_read(dti_stream *s, void *buf, size_t n, size_t *got, dt_error *err);
uint64_t dti_stream_tell(const dti_stream *s); /* bytes read so far */
/* When the stream is read to its end, write its fingerprint into *record (NULL: none). */
void dti_stream_record(dti_stream *s, dti_fingerprint *record);
void dti_stream_close(dti_stream *s);          /* accepts NULL */
/* Size (a .gz: its uncompressed size from the trailer, never inflated) and
 * whether path is a directory. 0 ok, -1 no such file. */
int dti_stream_stat(const char *path, uint64_t *size, int *is_dir);

/* ---- CSV reading (csv_read.c) ---- */
typedef struct dti_field {
    const char *s;
    size_t len;
} dti_field;

#define DTI_MAX_FIELDS 64

typedef struct dti_csv dti_csv;
/* Open path through VSI; display names it in messages. Strips a UTF-8 BOM. */
dti_csv *dti_csv_open(const char *path, const char *display, dt_error *err);
/* The same, reading chunk bytes at a time (a look at the first rows). */
dti_csv *dti_csv_open_sized(const char *path, const char *display, size_t chunk, dt_error *err);
/* Input i of inputs, its fingerprint recorded in inputs->prints[i] once read to the end. */
dti_csv *dti_csv_open_input(const dti_inputs *inputs, size_t i, dt_error *err);
/* Read records from data[0, len), which the caller keeps (fields are
 * unquoted in place); line numbers start at first_line. */
dti_csv *dti_csv_open_memory(char *data, size_t len, const char *display, long first_line,
                             dt_error *err);
/* Read the header record and find each of names[0..count) in it; an error
 * names the missing column, or a column named twice (dti_csv_check_header). */
dt_status dti_csv_read_header(dti_csv *csv, const char *const *names, int count, int *columns,
                              int *header_fields, const char *what, dt_error *err);
/* Next record: 1 row, 0 end, -1 error. *nfields is the true count even when
 * it exceeds max_fields (only max_fields are stored). Fields point into the
 * reader's buffer until the next call; quotes are removed. CR, LF and CRLF
 * each end a record (and a line). A record holding a NUL byte is -1 with
 * dti_csv_bad_record() true: a bad row, after which reading may go on. */
int dti_csv_next(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, dt_error *err);
int dti_csv_bad_record(const dti_csv *csv);
long dti_csv_line(const dti_csv *csv); /* line where the last record starts */
const char *dti_csv_name(const dti_csv *csv);
uint64_t dti_csv_offset(const dti_csv *csv); /* bytes consumed */
void dti_csv_close(dti_csv *csv);
/* Write one CSV field to a FILE *stream, quoted when it needs to be. */
void dti_csv_put_field(void *stream, const char *text);
/* Index of the column named name in a header, or -1. */
int dti_csv_column(const dti_field *header, int nfields, const char *name);
/* SPEC's header rule for every CSV input: no column of header[0..stored)
 * (ignoring the spaces around it; empty names aside) is named twice. DT_OK,
 * or an error naming the file, the header's line and the column. */
dt_status dti_csv_check_header(const dti_csv *csv, const dti_field *header, int stored,
                               dt_error *err);
int dti_field_is(const dti_field *f, const char *text);

/* ---- outputs (outfile.c): every output of every command goes through these ---- */
typedef enum dti_out_kind {
    DTI_OUT_RENAME, /* a regular file or a new name: a temporary file beside it, renamed */
    DTI_OUT_DIRECT, /* a FIFO or character device (/dev/null): written into, never replaced */
    DTI_OUT_STDOUT  /* "-" */
} dti_out_kind;

typedef struct dti_outfile dti_outfile;
/* Stream mode: path "-" or NULL writes stdout. A symbolic link is followed to its target (the
 * link survives); note (may be NULL) is told when the target is a FIFO or device. */
dti_outfile *dti_outfile_open(const char *path, dt_note_fn note, void *user, dt_error *err);
/* File mode, for writers that need a file name (GDAL, a map step): they write
 * dti_outfile_path(out), a new name in a temporary directory (beside the target; for a stream,
 * in TMPDIR, named "output" + suffix). Commit moves every file made there beside the target,
 * or copies the one file into the stream. */
dti_outfile *dti_outfile_open_file(const char *path, const char *suffix, dt_note_fn note,
                                   void *user, dt_error *err);
void *dti_outfile_stream(dti_outfile *out); /* FILE*; NULL in file mode */
const char *dti_outfile_path(const dti_outfile *out);
/* File mode, a regular file already at the target: copy it to dti_outfile_path(out), so that
 * the writer can update a copy (keep a GeoPackage's other layers) renamed over it on commit.
 * 1 copied, 0 no such file (or a stream or device), -1 error set. */
int dti_outfile_start_from_target(dti_outfile *out, dt_error *err);
/* An empty scratch file (not an output) where out's temporary files go; the caller removes it
 * and frees the name. out NULL: in TMPDIR. */
char *dti_outfile_scratch(const dti_outfile *out, const char *suffix, dt_error *err);
/* Give a CSV output a CSV on the Web sidecar (FILE-metadata.json beside it, written and renamed
 * with it on commit) recording provenance (kept: the caller may free its own reference). A
 * stream or a device gets none. */
void dti_outfile_set_provenance(dti_outfile *out, struct json_t *provenance);
/* Flush, close and rename into place (or copy into the stream); frees out. */
dt_status dti_outfile_commit(dti_outfile *out, dt_error *err);
/* Remove the temporary file(s); frees out. Accepts NULL. */
void dti_outfile_abort(dti_outfile *out);
/* Move a finished file onto path as dti_outfile_commit would (renamed onto a file, copied into a
 * stream or device or across file systems); file is gone afterwards on success. */
dt_status dti_outfile_install(const char *file, const char *path, dt_note_fn note, void *user,
                              dt_error *err);
/* The kind of output path would be; -1 (err set) for a directory and the like. */
int dti_output_kind(const char *path, dt_error *err);
/* path with its chain of symbolic links followed (a dangling link: the name it points at).
 * Caller frees; NULL with err on failure. */
char *dti_path_resolve_links(const char *path, dt_error *err);

/* ---- outputs and inputs of one command, checked before any work (paths.c) ---- */
typedef struct dti_path_entry dti_path_entry;
typedef struct dti_path_check {
    dti_path_entry *outputs, *inputs;
    size_t output_count, input_count, output_cap, input_cap;
    int nomem;
} dti_path_check;

enum {
    DTI_INPUT_DIRECTORY = 1 /* a directory stands for its .csv and .zip files (diff) */
};

void dti_path_check_init(dti_path_check *c);
/* An output of option (path NULL or "-": stdout). */
void dti_path_output(dti_path_check *c, const char *option, const char *path);
/* An input of option (path NULL: none): a quoted glob stands for its matches, a /vsi path or a
 * layer (FILE|layername=NAME) for its file, a .zip for the archive itself. */
void dti_path_input(dti_path_check *c, const char *option, const char *path, int flags);
/* A usage error naming both when two outputs are the same file (the same target after links,
 * . and .., or the same device and inode) or an output is one of the inputs; frees c. */
dt_status dti_path_check_finish(dti_path_check *c, dt_error *err);
/* An output's name against the formats a command writes ("csv" or "csv,gpkg,..."): a known
 * extension, no extension, or a stream or device pass; any other extension is a usage error
 * (the format follows the name, as map's .png and .svg do). */
dt_status dti_output_named(const char *option, const char *path, const char *formats,
                           dt_error *err);

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
    dti_strtab providers;          /* provider_id text -> index */
    dti_u64map provider_numbers;   /* numeric provider_id -> index */
    dti_strtab location_names;     /* location ids that are not plain numbers */
    dti_u64set block_providers;    /* block << 32 | provider */
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
    struct dti_coverage_extras *extras; /* prices and served providers (prices.c); NULL: off */
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
    int64_t price; /* cheapest plan of a served row, micro-USD; -1 none (prices.c) */
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
/* A fresh coverage configured like model (rules, state filter, bad-row and
 * tracking settings, price extras), to be merged into it. */
dt_status dti_coverage_init_like(dti_coverage *cov, const dti_coverage *model, dt_error *err);
void dti_coverage_free(dti_coverage *cov);
/* Size an empty coverage's tables for about input_bytes of BDC rows. */
dt_status dti_coverage_reserve(dti_coverage *cov, uint64_t input_bytes, dt_error *err);
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
    int fabric; /* the counts include a fabric's unreported locations (f record); -1 unknown */
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
void dti_partial_write(const dti_partial *p, void *stream);
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
    size_t *ring_point;  /* ring r: points [ring_point[r], ring_point[r + 1]) */
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
    double meters_per_unit;        /* 0 for a geographic CRS: no scale bar */
    double xmin, ymin, xmax, ymax; /* projected extent of the layer */
    void *transform;               /* OGRCoordinateTransformationH, source to map */
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
    const char *provenance; /* JSON: what the map shows and the table it came from; may be NULL */
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
dt_status dti_render_svg(const dti_map_model *model, void *fp, const char *display, dt_error *err);

/* ---- drawing (render.c: surfaces and the map; render_layout.c: text, legend, layout) ---- */
struct _cairo; /* cairo_t */

typedef struct dti_layout {
    double unit;                       /* text and furniture size factor */
    double map_x, map_y, map_w, map_h; /* the frame the map fits in, points */
    double ox, oy, s, xmin, ymax;      /* projected (x,y) -> (ox + s(x - xmin), oy + s(ymax - y)) */
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
dt_status dti_layer_fields(const dti_layer *layer, const char *const *names, int count, int *index,
                           const char *what, dt_error *err);
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
    char **sources;     /* the layer specs as given */
    size_t *source_end; /* blocks of source s: [source_end[s-1], source_end[s]) */
    void **layer_srs;   /* per source: the layer's CRS (OGRSpatialReferenceH) */
    void **point_srs;   /* per source: CRS of the internal points (its geographic CRS) */
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
dt_status dti_blocks_each(const dti_blocks *blocks, int with_geometry, dti_block_fn fn, void *user,
                          dt_error *err);

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
int dti_fraction_sums_round(dti_fraction_sums *sums, size_t which, int decimals, uint64_t *scaled);

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
/* What the table means: a CSV's sidecar, a vector dataset's metadata (DIALTONE_PROVENANCE). */
void dti_table_set_provenance(dti_table_out *table, struct json_t *provenance);
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
    dti_polygons *polygons; /* NULL with GEOID prefix regions */
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
dt_status dti_geo_load(dti_stats_geo *geo, const dti_geo_options *options, dt_progress_fn progress,
                       void *user, dt_error *err);
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
dti_table_out *dti_region_table_write(const char *path, const char *driver, const char *layer_name,
                                      const dti_region_table *regions,
                                      const dti_region_stats *stats, const dti_stats_geo *geo,
                                      const struct dti_extra_run *extra, dt_error *err);
/* Write one row per block of the layers (not yet committed), in layer order. */
dti_table_out *dti_block_table_write(const char *path, const char *driver,
                                     const dti_coverage *cov, const dti_region_table *regions,
                                     const dti_stats_geo *geo, int prefix_digits, dt_error *err);
/* One row per location, sorted by location id (dti_location_id_compare). */
dt_status dti_location_table_write(void *fp, const dti_coverage *cov,
                                   const struct dti_extra_run *extra, dt_error *err);
/* The order of location tables (stats_tables.c): ids of digits only by value (any number of
 * digits; equal values such as "007" and "7" by text), then every other id by text (bytes). */
int dti_location_id_compare(const char *a, const char *b);
/* The same for location keys of two coverages (which may be one). */
int dti_location_key_compare(const dti_coverage *ca, uint64_t x, const dti_coverage *cb,
                             uint64_t y);
/* ---- prices, speeds and measured speeds (prices.c, speeds.c, measured.c, stats_extra.c) ---- */
/* Read a header with names[0..required) required and names[required..count)
 * optional (columns[i] = -1 when absent); an error names the first missing
 * required column and what was expected (csv_read.c). */
dt_status dti_csv_read_header_optional(dti_csv *csv, const char *const *names, int required,
                                       int count, int *columns, int *header_fields,
                                       const char *what, const char *expected, dt_error *err);
/* Money is integer micro-dollars (1e-6 USD), like speeds in micro-Mbps. */
#define DTI_MAX_PRICE (1000000LL * DTI_MICRO) /* a monthly price above $1,000,000 is bad input */
/* Parse a price: a plain non-negative decimal of dollars with at most 6
 * decimals ("49.99", "0", "1200."); no sign, exponent, currency sign or
 * spaces; at most DTI_MAX_PRICE. 0 ok, -1 bad. */
int dti_parse_money(const char *s, size_t len, int64_t *micro);
/* Twice an amount of micro-dollars (a median) as dollars with 2 decimals,
 * rounded half up exactly: "67.63". */
char *dti_format_money_x2(char *buf, size_t size, int64_t micro_x2);
/* k-th smallest (0-based) of values[0..n), reordering values (regions.c). */
int64_t dti_select_kth(int64_t *values, size_t n, size_t k);
/* Nearest-rank percentile: the smallest value with at least pct% of the
 * values <= it, i.e. the ceil(pct * n / 100)-th smallest (reorders values;
 * n > 0). */
int64_t dti_percentile(int64_t *values, size_t n, unsigned pct);

/* One priced plan of a plans file (SPEC "Prices"). */
typedef struct dti_plan {
    int64_t down, up, price;    /* micro-Mbps, micro-USD a month */
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
int64_t dti_plans_price(const dti_plans *plans, uint32_t provider, int technology, uint16_t state,
                        int64_t down, int64_t up);
/* Two letters as a state code (upper-cased), 0 when the field is not two letters. */
uint16_t dti_state_code(const char *s, size_t len);

/* What a tracking coverage keeps per location beyond dti_location. */
typedef struct dti_location_extra {
    int64_t price;             /* cheapest served price, micro-USD; -1 none */
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
    int64_t median_price_x2;            /* twice the median price, micro-USD (priced > 0) */
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
                                const void *const *geometries, const void *srs,
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

/* The canonical name when arg is one of the options taking a value
 * (--plans, --income, --benchmark, --measured, also as --opt=value). */
const char *dti_extra_option_name(const char *arg);
/* Set option name to value: 0 ok, -1 out of memory. */
int dti_extra_option_set(dti_extra_options *x, const char *name, const char *value);
void dti_extra_options_free(dti_extra_options *x);
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
void dti_extra_write_header(const dti_extra_run *run, void *stream);
void dti_extra_write_row(const dti_extra_run *run, size_t region, void *stream);
/* The location table's extra column(s): header and location i's cells. */
void dti_extra_write_location_header(const dti_extra_run *run, void *stream);
void dti_extra_write_location(const dti_extra_run *run, const dti_coverage *cov, size_t i,
                              void *stream);
/* Notes for the user: unmatched rows, duplicate plans, the plain-words summary. */
void dti_extra_notes(const dti_extra_run *run, dt_note_fn note, void *user);

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
    char *path; /* as messages name it */
    size_t ncols, nrows;
    char **names; /* column names, then the cells: one block */
    char **cells; /* row-major, nrows * ncols, NUL-terminated */
    long *lines;  /* file line of each row */
    char *arena;
    size_t arena_used;
} dti_csv_table;

/* Read path (display names it; NULL: path) through VSI. Blank lines are skipped, and with
 * comments records whose first field starts with '#'. Every row must have the header's
 * field count. dti_csv_table_free() frees it (also after a failure). */
dt_status dti_csv_table_read(dti_csv_table *t, const char *path, const char *display, int comments,
                             dt_error *err);
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

/* An exact non-negative decimal, digits / 10^scale, as the text wrote it: no rounding. The
 * text has at most DTI_DECIMAL_MAX_DIGITS digits, not counting leading zeros and trailing
 * zeros after the point, so digits < 10^18 and scale <= 18 (products of two fit 128 bits). */
#define DTI_DECIMAL_MAX_DIGITS 18
typedef struct dti_decimal {
    uint64_t digits;
    int scale; /* decimals, trailing zeros dropped; -1 in a table: no value */
} dti_decimal;
/* digits[.digits] (also ".5" and "5."), no sign, exponent or spaces: 0 ok, -1 not a
 * number, -2 negative, -4 more than DTI_DECIMAL_MAX_DIGITS digits. */
int dti_parse_exact(const char *s, dti_decimal *d);
/* A cell read exactly; errors name file, line and column. */
dt_status dti_csv_table_exact(const dti_csv_table *t, size_t row, int col, dti_decimal *d,
                              dt_error *err);
/* micro / 10^6 exactly (whole square metres as km2): 0, or -1 when micro is 10^18 or more. */
int dti_decimal_from_micro(uint64_t micro, dti_decimal *d);
/* -1, 0, 1 as a < b, a == b, a > b, exactly. */
int dti_decimal_compare(dti_decimal a, dti_decimal b);
/* The exact value: "0.0000001", "40", "7.5". */
char *dti_format_decimal(char *buf, size_t size, dti_decimal d);

/* ---- money: whole cents in int64 ---- */
#define DTI_MONEY_MAX 100000000000000000LL /* $10^15 in cents: sums stay far from overflow */
/* Dollars with at most 2 decimals into cents: 0 ok, -1 not a number, -2 negative,
 * -3 more than 2 decimals, -4 above DTI_MONEY_MAX. dti_money_error() words the code. */
int dti_parse_cents(const char *s, int64_t *cents);
const char *dti_money_error(int code);
/* "1234" or "1234.50" */
char *dti_format_money(char *buf, size_t size, int64_t cents);

/* ---- dialtone plan: cost model (plan_costs.c), land (plan_land.c), solver (plan_solve.c) ---- */
__extension__ typedef unsigned __int128 dti_u128;

#define DTI_COST_PER_LOCATION_MAX 10000000000LL /* $100,000,000 in cents */
#define DTI_DEFAULT_COSTS_NAME "datasets/cost_model.csv (built in)"
/* The text of datasets/cost_model.csv, compiled in by the Makefile (cost_model.c). */
extern const char dti_default_costs[];

/* Density bounds in locations per km2, exactly as the cost model writes them. */
typedef struct dti_cost_class {
    dti_decimal min, max;      /* [min, max) */
    int unbounded;             /* no max: up to infinity */
    int64_t cost_per_location; /* cents */
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
    uint64_t locations;         /* all the region's locations */
    uint64_t connect;           /* locations the project connects */
    int64_t households_x10;     /* households it reaches, tenths; -1 unknown */
    dti_decimal land_km2;
    const dti_cost_class *cost_class;
    int64_t cost;    /* cents: connect * cost_per_location */
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
int64_t dti_plan_greedy(dti_project *p, size_t n, int64_t budget);
/* The 0/1 knapsack solved exactly (funded), p in rank order: the most reached within the
 * budget; of those allocations the cheapest; of those the one that funds the higher-ranked
 * projects (the first rank where two differ is funded), so that exact funds greedy's set
 * whenever greedy's is optimal. 1 solved, 0 too large (size->reach over DTI_EXACT_MAX_REACH
 * or size->cells over max_cells), -1 out of memory. */
int dti_plan_exact(dti_project *p, size_t n, int64_t budget, uint64_t max_cells,
                   dti_exact_size *size);

/* ---- running one library step for another (steps.c) ---- */
/* Run dt_map with arguments as on its command line. */
dt_status dti_map_call(int argc, const char *const *argv, dt_progress_fn progress, dt_note_fn note,
                       void *user, dt_error *err);
/* Create an empty file beside path named path.tmp.XXXXXX + suffix; caller frees the name
 * and removes the file. NULL with err on failure. */
char *dti_temp_beside(const char *path, const char *suffix, dt_error *err);

/* ---- provenance (provenance.c): what an output means, and its CSV on the Web sidecar ---- */
/* A new provenance object {"dialtone": version, "command": command}; dti_prov_free it. */
struct json_t *dti_prov_new(const char *command);
void dti_prov_free(struct json_t *p);
void dti_prov_rules(struct json_t *p, const dti_rules *rules);
/* regions: a GEOID level, or a polygon layer (level NULL) and its id field */
void dti_prov_regions(struct json_t *p, const char *level, const char *layer, const char *id_field);
void dti_prov_states(struct json_t *p, const dti_state_set *states);
/* key: [{name, file_bytes, bytes, xxh3}] (fingerprints of the inputs read whole), and for
 * BDC inputs "vintage": the FCC releases their names carry (_J24: June 2024). */
void dti_prov_inputs(struct json_t *p, const char *key, const dti_inputs *inputs);
void dti_prov_set_text(struct json_t *p, const char *key, const char *value);
void dti_prov_set_int(struct json_t *p, const char *key, long long value);
void dti_prov_set_bool(struct json_t *p, const char *key, int value);
void dti_prov_set_object(struct json_t *p, const char *key, struct json_t *value);
/* Compact JSON text (PNG chunks, partial headers); free() it. NULL when out of memory. */
char *dti_prov_text(const struct json_t *p);
char *dti_prov_pretty(const struct json_t *p);
/* FILE.csv-metadata.json for FILE.csv (W3C CSV on the Web's place for it); free() it. */
char *dti_sidecar_path(const char *csv_path);
/* Write the sidecar of the CSV at csv_file (named csv_name) into sidecar_file: columns and
 * their datatypes, row count and fingerprint of the CSV, and the provenance. */
dt_status dti_sidecar_write(const char *csv_file, const char *csv_name, const char *sidecar_file,
                            const struct json_t *provenance, dt_error *err);
/* The provenance of a dialtone CSV table from its sidecar: 1 (*provenance, decref it), 0 no
 * sidecar, -1 a sidecar that is not dialtone's or does not match the table (error set). */
int dti_sidecar_read(const char *csv_path, struct json_t **provenance, dt_error *err);
/* A string at a dotted path ("rules.served"), or NULL. */
const char *dti_prov_get_text(const struct json_t *p, const char *path);
int dti_prov_get_rules(const struct json_t *p, dti_rules *rules); /* 0 ok, -1 missing */
int dti_prov_get_int(const struct json_t *p, const char *key, long long *value);
struct json_t *dti_prov_get_object(const struct json_t *p, const char *key); /* borrowed */

/* One pass of a plan's allocation ("unserved", "underserved") into p's "allocation" list:
 * what it funded (exact or greedy) and what greedy would have funded. */
void dti_prov_add_pass(struct json_t *p, const char *pass, int exact, size_t funded,
                       uint64_t locations, int64_t cents, size_t greedy_funded,
                       uint64_t greedy_locations, int64_t greedy_cents);
/* The sentence a report gives when a pass's exact allocation differs from greedy (empty when
 * none does), from a plan's provenance. */
void dti_prov_method_note(const struct json_t *plan, char *buf, size_t size);
/* A merge's provenance: the partials' rules, level, states and inputs, and the partials. */
void dti_prov_partial(struct json_t *p, const dti_partial *partial);

/* ---- temporaries (temporaries.c): what dt_remove_temporaries removes ---- */
typedef enum dti_temp_kind {
    DTI_TEMP_FILE = 1,     /* unlinked */
    DTI_TEMP_TREE = 2,     /* a directory removed with what it holds */
    DTI_TEMP_EMPTY_DIR = 3 /* a directory removed when empty (an output directory made) */
} dti_temp_kind;
/* Register a temporary: 0 ok, -1 out of memory (the caller removes it and fails). */
int dti_temp_add(const char *path, dti_temp_kind kind);
/* It was renamed into place or removed: no longer the handler's to remove. */
void dti_temp_forget(const char *path);
/* unlink() and forget. */
void dti_temp_unlink(const char *path);
/* Remove a directory and what it holds, depth levels down (system calls only). */
void dti_temp_remove_tree(const char *path, int depth);
/* SIGINT, SIGTERM and SIGHUP held back in this thread while several outputs are renamed
 * into place, so that an interruption finds either all of them or none in place. */
void dti_signals_hold(sigset_t *old_mask);
void dti_signals_release(const sigset_t *old_mask);

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
    int64_t cost;          /* cents */
    uint64_t locations[2]; /* unserved, underserved connected */
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
    uint64_t *counts; /* per row: locations, unserved, underserved, served */
    char (*pct)[32];  /* per row: pct_unserved as the table has it (or computed) */
    size_t *worst;    /* rows, the largest share unserved first */
    dti_report_totals totals;
    int has_plan, has_budget, has_plan_map, has_diff, fabric;
    dti_csv_table plan;
    dti_plan_totals plan_totals;
    char plan_method_note[640]; /* where the exact allocation differs from greedy, and why */
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
    DTI_RUN_METHOD,
    DTI_RUN_TOP,
    DTI_RUN_SCALE_BAR,
    DTI_RUN_BLOCKS,
    DTI_RUN_KEY_COUNT
};

typedef struct dti_run_config {
    char *path, *dir;                /* the file, and the directory its paths are relative to */
    char *text[DTI_RUN_KEY_COUNT];   /* each key's value as written */
    long line[DTI_RUN_KEY_COUNT];    /* its line, 0 when absent */
    char **paths[DTI_RUN_KEY_COUNT]; /* file keys: the words, resolved against dir */
    size_t count[DTI_RUN_KEY_COUNT];
    int flag[DTI_RUN_KEY_COUNT]; /* yes/no keys */
    int64_t budget;              /* cents */
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
