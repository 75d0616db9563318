/* SPDX-License-Identifier: MIT */
/* Errors, hashing, exact numbers and the BEAD classification rules: what every other part of the
 * library uses. */
#ifndef DIALTONE_CORE_H
#define DIALTONE_CORE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
/* The one out-of-memory error: err filled (may be NULL), DT_ERR_NOMEM returned. */
dt_status dti_nomem(dt_error *err);
/* Copy GDAL's last error message into err with status. */
dt_status dti_error_gdal(dt_error *err, dt_status status, const char *file, const char *what);
/* GDAL's process-wide set-up, once (pthread_once); dti_ogr_init also registers GDAL's
 * drivers, for OGR and raster work. */
void dti_gdal_init(void);
void dti_ogr_init(void);
/* Whether GDAL is loaded: always, linked normally; bin/dialtone loads it at its first use
 * (tools/lazy), defines this function and calls dti_gdal_loaded_hook once GDAL is there. */
int dti_gdal_loaded(void);
void dti_gdal_loaded_hook(void);
/* CPLGetConfigOption(key, fallback), without loading GDAL for it (before, the environment). */
const char *dti_config_option(const char *key, const char *fallback);
/* A public call's hold on GDAL's error handling: enter pushes a quiet handler (the library
 * never prints) whose state is this scope, leave pops it and gives the caller back its own
 * last GDAL error. Every public call that may reach GDAL runs between the two (calls.c).
 * A call that begins before GDAL is loaded pushes nothing; should GDAL be loaded during it,
 * the process-wide handler set then keeps it quiet just as well. */
typedef struct dti_gdal_scope {
    unsigned long failures; /* GDAL errors of class CE_Failure or worse during the call */
    int caller_class, caller_number;
    char caller_message[1024];
    int pushed;                   /* GDAL was loaded on entering, the handler pushed */
    struct dti_gdal_scope *outer; /* when not: the enclosing call's unpushed scope */
} dti_gdal_scope;
void dti_gdal_enter(dti_gdal_scope *scope);
void dti_gdal_leave(dti_gdal_scope *scope);
/* The public calls' bodies; calls.c wraps each in a dti_gdal_scope. dti_call_stats keeps the
 * region table in *table when table is not NULL (and then writes it to a file only with -o). */
dt_stats_options *dti_call_stats_options_new(int argc, char **argv, dt_error *err);
dt_merge_options *dti_call_merge_options_new(int argc, char **argv, dt_error *err);
dt_map_options *dti_call_map_options_new(int argc, char **argv, dt_error *err);
dt_plan_options *dti_call_plan_options_new(int argc, char **argv, dt_error *err);
dt_diff_options *dti_call_diff_options_new(int argc, char **argv, dt_error *err);
dt_report_options *dti_call_report_options_new(int argc, char **argv, dt_error *err);
dt_run_options *dti_call_run_options_new(int argc, char **argv, dt_error *err);
dt_info_options *dti_call_info_options_new(int argc, char **argv, dt_error *err);
dt_status dti_call_stats(const dt_stats_options *options, dt_progress_fn progress, dt_note_fn note,
                         void *user, dt_table **table, dt_error *err);
dt_status dti_call_merge(const dt_merge_options *options, dt_error *err);
dt_status dti_call_info(const dt_info_options *options, char **text, dt_error *err);
dt_request *dti_call_request_new(const dt_command *command, int argc, char **argv, dt_error *err);
dt_status dti_call_request_run(dt_request *request, dt_progress_fn progress, dt_note_fn note,
                               void *user, dt_error *err);
dt_status dti_call_map(const dt_map_options *options, dt_progress_fn progress, dt_note_fn note,
                       void *user, dt_error *err);
dt_status dti_call_plan(const dt_plan_options *options, dt_progress_fn progress, dt_note_fn note,
                        void *user, dt_table **table, dt_error *err);
dt_status dti_call_diff(const dt_diff_options *options, dt_progress_fn progress, dt_note_fn note,
                        void *user, dt_table **table, dt_error *err);
dt_status dti_call_report(const dt_report_options *options, dt_progress_fn progress,
                          dt_note_fn note, void *user, dt_error *err);
dt_status dti_call_run(const dt_run_options *options, dt_progress_fn progress, dt_note_fn note,
                       void *user, dt_error *err);
/* Pass a formatted note to the user's note callback (which may be NULL). */
void dti_say(dt_note_fn note, void *user, const char *fmt, ...) DTI_PRINTF(3, 4);

/* ---- growable arrays (grow.c) ---- */
/* Room for at least need elements of elem_size bytes in the array whose address is array_ptr
 * (a T **, passed as void *) and whose capacity is *cap elements: a capacity of 0 becomes first
 * (at least 1), and a capacity doubles until it holds need. 0 ok (*cap is the new capacity),
 * -1 out of memory or a size past SIZE_MAX bytes; then the array and *cap are as they were.
 * need <= *cap does nothing (inline); dti_grow_to is the growing part. The caller frees the
 * array. */
int dti_grow_to(void *array_ptr, size_t *cap, size_t need, size_t elem_size, size_t first);
static inline int dti_grow(void *array_ptr, size_t *cap, size_t need, size_t elem_size,
                           size_t first)
{
    /* the check inline: most calls, one per element added, find room */
    return need <= *cap ? 0 : dti_grow_to(array_ptr, cap, need, elem_size, first);
}
/* The same for count parallel arrays that share the capacity *cap: arrays[i] is the address of
 * the i-th (a T **), elem_sizes[i] its element size. All grow or *cap stays: after a failure the
 * arrays grown before it have moved to their larger blocks, and every array is still valid,
 * freeable and holds at least *cap elements with its old contents, so *cap describes them all
 * and a later call grows the rest. */
int dti_grow_n_to(void *const arrays[], const size_t elem_sizes[], int count, size_t *cap,
                  size_t need, size_t first);
static inline int dti_grow_n(void *const arrays[], const size_t elem_sizes[], int count,
                             size_t *cap, size_t need, size_t first)
{
    return need <= *cap ? 0 : dti_grow_n_to(arrays, elem_sizes, count, cap, need, first);
}

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
 * key and value share a slot so a lookup touches one cache line. The slot's
 * other 4 bytes (tag, 0 on insertion) are the caller's: what it would
 * otherwise fetch from a second array on every lookup. */
typedef struct dti_u64slot {
    uint64_t key;
    uint32_t value;
    uint32_t tag;
} dti_u64slot;

typedef struct dti_u64map {
    dti_u64slot *slots;
    size_t mask; /* capacity - 1 */
    size_t count;
} dti_u64map;

/* Start fetching the cache line at p. GCC 12 at -O2 deletes a loop of nothing but
 * __builtin_prefetch calls whose addresses come from loaded pointers (the batched lookups'
 * first pass: every prefetch of the hash tables was gone from the binary), so on x86 the
 * instruction is an asm volatile, which no optimisation may remove. p must point into an
 * object (the operand names the byte). */
static inline void dti_prefetch(const void *p)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
    __builtin_prefetch(p);
#endif
}

static inline void dti_u64map_prefetch(const dti_u64map *map, uint64_t key)
{
    dti_prefetch(&map->slots[dti_hash64(key) & map->mask]);
}

int dti_u64map_init(dti_u64map *map, size_t expected);
void dti_u64map_free(dti_u64map *map);
/* Returns the value slot for key, inserting it (value = new_value) when new;
 * *inserted says which. NULL when out of memory. */
uint32_t *dti_u64map_put(dti_u64map *map, uint64_t key, uint32_t new_value, int *inserted);
/* The same, returning the whole slot (valid until the next insertion). */
dti_u64slot *dti_u64map_put_slot(dti_u64map *map, uint64_t key, uint32_t new_value, int *inserted);
/* dti_u64map_put_slot for a key whose dti_hash64 the caller has (it prefetched the slot): the
 * probe inline, the insertion that grows the table out of line. */
static inline dti_u64slot *dti_u64map_put_hashed(dti_u64map *map, uint64_t key, uint64_t hash,
                                                 uint32_t new_value, int *inserted)
{
    for (size_t slot = hash & map->mask;; slot = (slot + 1) & map->mask) {
        uint64_t k = map->slots[slot].key;
        if (k == key) {
            *inserted = 0;
            return &map->slots[slot];
        }
        if (k == DTI_EMPTY_KEY)
            break;
    }
    return dti_u64map_put_slot(map, key, new_value, inserted);
}
/* Value for key or UINT32_MAX. */
uint32_t dti_u64map_get(const dti_u64map *map, uint64_t key);
/* The slot of key (its dti_hash64 is hash), or NULL when it is not in the map. */
static inline const dti_u64slot *dti_u64map_find_hashed(const dti_u64map *map, uint64_t key,
                                                        uint64_t hash)
{
    for (size_t slot = hash & map->mask;; slot = (slot + 1) & map->mask) {
        uint64_t k = map->slots[slot].key;
        if (k == key)
            return &map->slots[slot];
        if (k == DTI_EMPTY_KEY)
            return NULL;
    }
}
/* Run fn(user, part, parts) for each part 0 to parts - 1 (at most DTI_PARALLEL_MAX), each but
 * the first on a thread of its own, the first on the caller's; returns when all have run. A
 * part whose thread cannot start runs on the caller's thread after the first. */
#define DTI_PARALLEL_MAX 64
void dti_parallel(int parts, void (*fn)(void *user, int part, int parts), void *user);
/* The part-th of parts equal slices of [0, n): [*from, *to). */
static inline void dti_slice(size_t n, int part, int parts, size_t *from, size_t *to)
{
    *from = n / (size_t)parts * (size_t)part +
            (n % (size_t)parts < (size_t)part ? n % (size_t)parts : (size_t)part);
    *to = *from + n / (size_t)parts + ((size_t)part < n % (size_t)parts);
}

/* Parts for n items on `threads` threads: one a thread (1 to DTI_PARALLEL_MAX), fewer while a
 * part would hold fewer than min_each items. */
static inline int dti_parts_for(int threads, size_t n, size_t min_each)
{
    int parts = threads < 1 ? 1 : threads > DTI_PARALLEL_MAX ? DTI_PARALLEL_MAX : threads;
    while (parts > 1 && n / (size_t)parts < min_each)
        parts--;
    return parts;
}

/* Room for count keys in all without growing (filled to 3/4): 0, or -1 out of memory. */
int dti_u64map_reserve(dti_u64map *map, size_t count);
/* Insert a key that is not in the map, from one of several threads that insert at once
 * (distinct keys; none looks a key up meanwhile; dti_u64map_reserve made room for them all;
 * the caller adds them to map->count afterwards). */
void dti_u64map_insert_shared(dti_u64map *map, uint64_t key, uint64_t hash, uint32_t value,
                              uint32_t tag);
/* out[i] = dti_u64map_get(map, keys[i]) for n keys, each slot fetched ahead (a pass over a
 * million keys waits for one miss at a time otherwise). */
void dti_u64map_get_many(const dti_u64map *map, const uint64_t *keys, size_t n, uint32_t *out);
/* For a pass over keys[0, n) that looks up one key after another: at each i that starts a
 * stretch of DTI_STRETCH keys, the stretch's values into found, so that keys[i]'s is
 * found[i % DTI_STRETCH] (a buffer on the stack, not an array as long as the keys). */
#define DTI_STRETCH 4096
static inline void dti_u64map_get_stretch(const dti_u64map *map, const uint64_t *keys, size_t i,
                                          size_t n, uint32_t found[DTI_STRETCH])
{
    if (i % DTI_STRETCH == 0)
        dti_u64map_get_many(map, keys + i, n - i < DTI_STRETCH ? n - i : DTI_STRETCH, found);
}

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
    dti_prefetch(&set->keys[dti_hash64(key) & set->mask]);
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
/* The words for a count of n: one when n is 1, else many ("block layer", "block layers";
 * "region has", "regions have"). Every message that counts things words them through this. */
const char *dti_plural(uint64_t n, const char *one, const char *many);
/* Speeds are kept as integer micro-Mbps (1e-6 Mbps). SPEC allows at most 6
 * decimals, so every speed and threshold is held exactly and compared exactly. */
#define DTI_MICRO 1000000LL
/* Parse a plain decimal digits[.digits] (also ".5" and "5.") with at most 6
 * decimals, into millionths, at most max; no sign, exponent or spaces. 0 ok, -1 bad. */
int dti_parse_micro(const char *s, size_t len, int64_t max, int64_t *micro);
/* Speeds above this many Mbps are treated as bad input (and keep int64 safe). */
#define DTI_MAX_SPEED_MBPS 1000000000LL
/* A speed in Mbps as dti_parse_micro reads it ("100", "0.768"), up to 1e9 Mbps. Whole
 * numbers of at most 9 digits (every advertised speed) are read here, the rest there. */
static inline int dti_parse_speed(const char *s, size_t len, int64_t *micro)
{
    if (len - 1 < 9) { /* 1 to 9 digits: at most 999,999,999 Mbps, below the limit */
        int64_t v = 0;
        size_t i = 0;
        for (; i < len && (unsigned char)(s[i] - '0') <= 9; i++)
            v = v * 10 + (s[i] - '0');
        if (i == len) {
            *micro = v * DTI_MICRO;
            return 0;
        }
    }
    return dti_parse_micro(s, len, DTI_MAX_SPEED_MBPS * DTI_MICRO, micro);
}
#define DTI_SPEED_SYNTAX "a plain decimal of Mbps with at most 6 decimals"
/* The double nearest a plain decimal [+-]digits[.digits] of len bytes (at least one digit),
 * exactly as strtod gives it: up to 15 significant digits as an integer divided by a power of
 * ten (both exact doubles, and one correctly rounded division: Clinger's fast path), longer
 * ones through strtod. 0 ok, -1 not such a decimal. */
int dti_parse_double(const char *s, size_t len, double *value);
/* dti_parse_u64: an unsigned integer of at most 18 digits. 0 ok, -1 bad. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The value of eight ASCII digits (the first in the lowest byte), or -1 when
 * one of them is not a digit: all eight at once (SWAR). */
static inline int64_t dti_eight_digits_value(uint64_t word) /* when all eight are digits */
{
    word = (word & 0x0f0f0f0f0f0f0f0fULL) * 2561 >> 8;     /* pairs of digits */
    word = (word & 0x00ff00ff00ff00ffULL) * 6553601 >> 16; /* fours */
    return (int64_t)((word & 0x0000ffff0000ffffULL) * 42949672960001ULL >> 32); /* eight */
}

static inline int64_t dti_eight_digits(uint64_t word)
{
    /* each byte 0x30..0x39: its high nibble 3, and adding 6 leaves it 3 */
    if (((word & 0xf0f0f0f0f0f0f0f0ULL) |
         (((word + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) >> 4)) != 0x3333333333333333ULL)
        return -1;
    return dti_eight_digits_value(word);
}

static inline int dti_parse_u64(const char *s, size_t len, uint64_t *value)
{
    if (len == 0 || len > 18)
        return -1;
    uint64_t v = 0;
    size_t i = 0;
    if (len >= 8) {
        /* the first len % 8 digits as the last ones of eight ('0' before them),
         * then eight at a time: every load inside s[0, len) */
        size_t head = len % 8;
        uint64_t word;
        if (head) {
            memcpy(&word, s, 8);
            word = word << (8 * (8 - head)) | (0x3030303030303030ULL >> (8 * head));
            int64_t part = dti_eight_digits(word);
            if (part < 0)
                return -1;
            v = (uint64_t)part;
            i = head;
        }
        for (; i < len; i += 8) {
            memcpy(&word, s + i, 8);
            int64_t part = dti_eight_digits(word);
            if (part < 0)
                return -1;
            v = v * 100000000u + (uint64_t)part;
        }
        *value = v;
        return 0;
    }
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *value = v;
    return 0;
}
#else
static inline int dti_parse_u64(const char *s, size_t len, uint64_t *value)
{
    if (len == 0 || len > 18)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *value = v;
    return 0;
}
#endif
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
/* A reliable row's dti_tech_bit, 0 for a row that is not reliable: dti_is_reliable and
 * dti_tech_bit in one, by a table instead of branches that a mix of technologies, row after
 * row, mispredicts (tests/unit/test_classify.c checks them against each other). */
enum { DTI_ULFW_BIT = 1u << 5 }; /* dti_tech_bit(70): dti_tech_codes[5] */
extern const uint8_t dti_reliable_tech_bits[128];
static inline unsigned dti_reliable_tech_bit(const dti_rules *rules, int technology,
                                             int low_latency)
{
    unsigned b = dti_reliable_tech_bits[technology & 127] &
                 -(unsigned)((unsigned)technology < 128) & -(unsigned)(low_latency == 1);
    return rules->ulfw ? b : b & ~(unsigned)DTI_ULFW_BIT;
}
/* Flags earned by one reliable row: tier bits and served/underserved bits. */
unsigned dti_row_flags(const dti_rules *rules, int64_t down, int64_t up);
/* A memo of dti_row_flags under one set of rules (a reader's, for one coverage): the speed
 * pairs of a state's plans are few, and a pair found here takes neither the comparisons nor
 * their mispredicted branches. Direct-mapped; every slot holds a pair and its flags. */
#define DTI_FLAGS_CACHE_SLOTS 64
typedef struct dti_flags_cache {
    struct {
        int64_t down, up;
        unsigned flags;
    } slot[DTI_FLAGS_CACHE_SLOTS];
} dti_flags_cache;
void dti_flags_cache_init(dti_flags_cache *cache, const dti_rules *rules);
static inline unsigned dti_row_flags_cached(dti_flags_cache *cache, const dti_rules *rules,
                                            int64_t down, int64_t up)
{
    uint64_t h = ((uint64_t)down ^ (uint64_t)up << 7) * 0x9E3779B97F4A7C15ULL >> 58;
    if (cache->slot[h].down != down || cache->slot[h].up != up) {
        cache->slot[h].down = down;
        cache->slot[h].up = up;
        cache->slot[h].flags = dti_row_flags(rules, down, up);
    }
    return cache->slot[h].flags;
}
dti_class dti_class_of(unsigned flags);
const char *dti_class_name(dti_class c);

#endif
