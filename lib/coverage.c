/* SPDX-License-Identifier: MIT */
/* Per-location coverage state built by streaming BDC availability rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdc_row.h"
#include "internal.h"

/* BDC columns read; the header may hold them in any order. */
const char *const dti_bdc_columns[DTI_BDC_NCOLS] = {"provider_id",
                                                    "location_id",
                                                    "technology",
                                                    "max_advertised_download_speed",
                                                    "max_advertised_upload_speed",
                                                    "low_latency",
                                                    "block_geoid",
                                                    "business_residential_code",
                                                    "state_usps"};

dt_status dti_coverage_init(dti_coverage *cov, const dti_rules *rules, dt_error *err)
{
    memset(cov, 0, sizeof *cov);
    cov->rules = *rules;
    cov->state_filter = -1;
    dti_strtab_init(&cov->providers);
    dti_strtab_init(&cov->location_names);
    if (dti_u64map_init(&cov->location_index, 1 << 16) ||
        dti_u64map_init(&cov->block_index, 1 << 14) ||
        dti_block_providers_init(&cov->block_providers) ||
        dti_u64set_init(&cov->location_providers, 16) ||
        dti_u64map_init(&cov->provider_numbers, 256) || dti_u64map_init(&cov->fabric_other, 16)) {
        dti_coverage_free(cov);
        return dti_nomem(err);
    }
    return DT_OK;
}

dt_status dti_coverage_init_like(dti_coverage *cov, const dti_coverage *model, dt_error *err)
{
    dt_status status = dti_coverage_init(cov, &model->rules, err);
    if (status != DT_OK)
        return status;
    cov->skip_bad_rows = model->skip_bad_rows;
    cov->track_location_providers = model->track_location_providers;
    cov->state_filter = model->state_filter;
    if (model->extras &&
        (status = dti_coverage_track_extras(cov, model->extras->plans, err)) != DT_OK)
        dti_coverage_free(cov);
    if (status == DT_OK && model->tables &&
        (status = dti_coverage_track_tables(cov, model->tables->providers, err)) != DT_OK)
        dti_coverage_free(cov);
    return status;
}

/* Bytes per BDC row in the first 64 KiB of the first input; 0 when it cannot tell (the
 * reading proper reports any error). */
static uint64_t sampled_row_bytes(const dti_inputs *inputs)
{
    dt_error quiet = {0};
    dti_csv *csv = dti_csv_open_sized(inputs->paths[0], inputs->display[0], 64 << 10, &quiet);
    dti_field f[DTI_MAX_FIELDS];
    int n;
    uint64_t rows = 0, start = 0, end = 0;
    if (csv && dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, &quiet) > 0) { /* the header */
        start = end = dti_csv_offset(csv);
        while (end - start < (60 << 10) && dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, &quiet) > 0)
            rows++, end = dti_csv_offset(csv);
    }
    dti_csv_close(csv);
    return rows >= 16 ? (end - start) / rows : 0;
}

/* Room for need locations (location_keys and locations share location_cap); 0 ok, -1 no memory. */
static int grow_locations(dti_coverage *cov, size_t need, size_t first)
{
    void *const arrays[] = {&cov->location_keys, &cov->locations};
    const size_t sizes[] = {sizeof *cov->location_keys, sizeof *cov->locations};
    return dti_grow_n(arrays, sizes, 2, &cov->location_cap, need, first);
}

size_t dti_coverage_expected_locations(const dti_inputs *inputs)
{
    /* A location has several rows (5.6 in the generator's states), a block
     * several locations (3 there, more in real states). Growing a big table
     * costs a rehash of every key and both tables at once, so start near the
     * expected size, from the row length of the first rows (brand names and
     * line ends vary; still growing when it is exceeded). */
    uint64_t bytes = inputs->total_size;
    if (inputs->count == 0 || bytes < (16u << 20))
        return 0;
    uint64_t row_bytes = sampled_row_bytes(inputs);
    size_t locations = (size_t)(row_bytes ? bytes * 10 / (row_bytes * 56) : bytes / 700);
    return locations < (1 << 16) ? 0 : locations;
}

dt_status dti_coverage_reserve_for(dti_coverage *cov, size_t locations, dt_error *err)
{
    if (locations == 0 || cov->location_index.count)
        return DT_OK;
    size_t blocks = locations / 4, cap = locations + locations / 4;
    dti_u64map_free(&cov->location_index);
    dti_u64map_free(&cov->block_index);
    /* the arrays with a margin: pages never reached are never touched */
    if (grow_locations(cov, cap, cap) != 0 || dti_u64map_init(&cov->location_index, locations) ||
        dti_u64map_init(&cov->block_index, blocks) ||
        dti_block_providers_reserve(&cov->block_providers, blocks))
        return dti_nomem(err);
    if (cov->tables && cov->tables->providers) { /* several pairs a location */
        if (dti_tables_reserve_pairs(cov->tables, locations * 2) != 0)
            return dti_nomem(err);
    }
    return DT_OK;
}

dt_status dti_coverage_reserve(dti_coverage *cov, const dti_inputs *inputs, dt_error *err)
{
    if (cov->location_index.count)
        return DT_OK;
    return dti_coverage_reserve_for(cov, dti_coverage_expected_locations(inputs), err);
}

void dti_coverage_free(dti_coverage *cov)
{
    if (!cov)
        return;
    dti_u64map_free(&cov->location_index);
    dti_u64map_free(&cov->block_index);
    dti_u64map_free(&cov->provider_numbers);
    dti_block_providers_free(&cov->block_providers);
    dti_u64set_free(&cov->location_providers);
    dti_u64map_free(&cov->fabric_other);
    free(cov->fabric_other_blocks);
    dti_strtab_free(&cov->providers);
    dti_strtab_free(&cov->location_names);
    free(cov->location_keys);
    free(cov->locations);
    free(cov->block_geoids);
    dti_extras_free(cov->extras);
    dti_tables_free(cov->tables);
    memset(cov, 0, sizeof *cov);
}

/* Dense index of a block GEOID (hash: its dti_hash64), adding it when new; UINT32_MAX: no
 * memory. */
static uint32_t block_of_hashed(dti_coverage *cov, uint64_t geoid, uint64_t hash)
{
    int inserted;
    dti_u64slot *found = dti_u64map_put_hashed(&cov->block_index, geoid, hash,
                                               (uint32_t)cov->block_count, &inserted);
    if (!found)
        return UINT32_MAX;
    uint32_t *slot = &found->value;
    if (inserted) {
        if (dti_grow(&cov->block_geoids, &cov->block_cap, cov->block_count + 1,
                     sizeof *cov->block_geoids, 1024) != 0)
            return UINT32_MAX;
        cov->block_geoids[cov->block_count++] = geoid;
    }
    return *slot;
}

static uint32_t block_of(dti_coverage *cov, uint64_t geoid)
{
    return block_of_hashed(cov, geoid, dti_hash64(geoid));
}

/* Location key: a plain number (no leading zero) is its own key; any other
 * id is interned and flagged, so "0123" and "123" stay distinct. */
static int location_key(dti_coverage *cov, const dti_field *f, uint64_t *key)
{
    if (f->len == 0)
        return -1;
    if ((f->s[0] != '0' || f->len == 1) && dti_parse_u64(f->s, f->len, key) == 0)
        return 0;
    uint32_t name = dti_strtab_intern(&cov->location_names, f->s, f->len);
    if (name == UINT32_MAX)
        return -2;
    *key = DTI_NAMED_BIT | name;
    return 0;
}

/* Dense index of a location, creating it in block when new. *index is
 * UINT32_MAX when out of memory. Returns the location's stored block, which
 * the hash slot keeps beside the index (its tag): one cache line per lookup,
 * not a second miss on cov->locations. */
static uint32_t location_of_hashed(dti_coverage *cov, uint64_t key, uint64_t hash, uint32_t block,
                                   uint32_t *index)
{
    int inserted;
    dti_u64slot *slot = dti_u64map_put_hashed(&cov->location_index, key, hash,
                                              (uint32_t)cov->location_count, &inserted);
    *index = UINT32_MAX;
    if (!slot)
        return block;
    if (inserted) {
        if (grow_locations(cov, cov->location_count + 1, 1 << 16) != 0)
            return block;
        slot->tag = block;
        cov->location_keys[cov->location_count] = key;
        cov->locations[cov->location_count] = (dti_location){.block = block};
        cov->location_count++;
    }
    *index = slot->value;
    return slot->tag;
}

static uint32_t location_of(dti_coverage *cov, uint64_t key, uint32_t block, uint32_t *index)
{
    return location_of_hashed(cov, key, dti_hash64(key), block, index);
}

const char *dti_location_id(const dti_coverage *cov, size_t i, char *buf, size_t size)
{
    uint64_t key = cov->location_keys[i];
    if (key & DTI_NAMED_BIT)
        return dti_strtab_get(&cov->location_names, (uint32_t)(key & ~DTI_NAMED_BIT));
    snprintf(buf, size, "%llu", (unsigned long long)key);
    return buf;
}

static int parse_block(const dti_field *f, uint64_t *geoid)
{
    return f->len == 15 && dti_parse_u64(f->s, 15, geoid) == 0 ? 0 : -1;
}

static void field_text(const dti_field *f, char *buf, size_t size)
{
    size_t n = f->len < size - 1 ? f->len : size - 1;
    memcpy(buf, f->s, n);
    buf[n] = '\0';
}

/* The spellings of a flag that SPEC's reading rules accept, for messages. */
#define FLAG_SPELLINGS "0 or 1, true/false, t/f, yes/no or y/n in any case"

/* A flag (low_latency, bsl_flag): 1 true, 0 false, -1 not a flag. */
static int parse_flag(const dti_field *f)
{
    static const char *const yes[] = {"1", "true", "t", "yes", "y"};
    static const char *const no[] = {"0", "false", "f", "no", "n"};
    if (f->len == 1 && (f->s[0] == '0' || f->s[0] == '1'))
        return f->s[0] == '1';
    char lower[8];
    if (f->len >= sizeof lower)
        return -1;
    for (size_t i = 0; i < f->len; i++)
        lower[i] = f->s[i] >= 'A' && f->s[i] <= 'Z' ? (char)(f->s[i] - 'A' + 'a') : f->s[i];
    dti_field folded = {lower, f->len};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (dti_field_is(&folded, yes[i]))
            return 1;
        if (dti_field_is(&folded, no[i]))
            return 0;
    }
    return -1;
}

/* 0 when a BDC row is good; otherwise -1 with the reason in why[]. */
static int check_row(const dti_field *f, const int *col, int64_t *down, int64_t *up,
                     uint64_t *technology, int *low_latency, uint64_t *geoid, char *why,
                     size_t why_size)
{
    char text[64];
    const dti_field *tech = &f[col[DTI_BDC_TECHNOLOGY]], *lat = &f[col[DTI_BDC_LATENCY]];
    if (f[col[DTI_BDC_PROVIDER]].len == 0)
        return snprintf(why, why_size, "empty provider_id"), -1;
    if (dti_parse_u64(tech->s, tech->len, technology) != 0 || *technology > 999) {
        field_text(tech, text, sizeof text);
        return snprintf(why, why_size, "technology '%s' is not a technology code", text), -1;
    }
    if (dti_parse_speed(f[col[DTI_BDC_DOWN]].s, f[col[DTI_BDC_DOWN]].len, down) != 0) {
        field_text(&f[col[DTI_BDC_DOWN]], text, sizeof text);
        return snprintf(why, why_size,
                        "max_advertised_download_speed '%s' is not a speed (" DTI_SPEED_SYNTAX ")",
                        text),
               -1;
    }
    if (dti_parse_speed(f[col[DTI_BDC_UP]].s, f[col[DTI_BDC_UP]].len, up) != 0) {
        field_text(&f[col[DTI_BDC_UP]], text, sizeof text);
        return snprintf(why, why_size,
                        "max_advertised_upload_speed '%s' is not a speed (" DTI_SPEED_SYNTAX ")",
                        text),
               -1;
    }
    *low_latency = lat->len == 1 && (lat->s[0] == '0' || lat->s[0] == '1') ? lat->s[0] == '1'
                                                                           : parse_flag(lat);
    if (*low_latency < 0) {
        field_text(lat, text, sizeof text);
        return snprintf(why, why_size, "low_latency '%s' is not a flag: expected " FLAG_SPELLINGS,
                        text),
               -1;
    }
    if (parse_block(&f[col[DTI_BDC_BLOCK]], geoid) != 0) {
        field_text(&f[col[DTI_BDC_BLOCK]], text, sizeof text);
        return snprintf(why, why_size, "block_geoid '%s' is not a 15-digit census block GEOID",
                        text),
               -1;
    }
    return 0;
}

void dti_row_cache_init(dti_row_cache *cache, const dti_rules *rules)
{
    memset(cache->slot, 0, sizeof cache->slot);
    dti_flags_cache_init(&cache->flags, rules);
    cache->provider = UINT32_MAX;
    cache->provider_text[0] = '\0';
}

/* Index of a provider id, adding it when new. Numeric ids (all of the
 * FCC's) are found through a small integer map; UINT32_MAX: no memory. */
static uint32_t provider_index(dti_coverage *cov, const char *text, size_t len)
{
    uint64_t number = 0;
    int numeric = len > 0 && text[0] != '0' && dti_parse_u64(text, len, &number) == 0;
    uint32_t provider = numeric ? dti_u64map_get(&cov->provider_numbers, number) : UINT32_MAX;
    if (provider != UINT32_MAX)
        return provider;
    provider = dti_strtab_intern(&cov->providers, text, len);
    int inserted;
    if (provider != UINT32_MAX && numeric &&
        !dti_u64map_put(&cov->provider_numbers, number, provider, &inserted))
        return UINT32_MAX;
    return provider;
}

uint32_t dti_coverage_provider(dti_coverage *cov, const char *text, size_t len)
{
    return provider_index(cov, text, len);
}

uint32_t dti_coverage_find_location(const dti_coverage *cov, const char *id, size_t len)
{
    uint64_t key;
    if (len == 0)
        return UINT32_MAX;
    if ((id[0] != '0' || len == 1) && dti_parse_u64(id, len, &key) == 0)
        return dti_u64map_get(&cov->location_index, key);
    uint32_t name = dti_strtab_find(&cov->location_names, id, len);
    return name == UINT32_MAX ? UINT32_MAX
                              : dti_u64map_get(&cov->location_index, DTI_NAMED_BIT | name);
}

/* dti_provider_of (bdc_row.h) when the row cache does not have the id: looked up, and kept. */
uint32_t dti_provider_of_miss(dti_coverage *cov, const dti_field *f, dti_row_cache *cache)
{
    if (f->len - 1 < 8) {
        uint32_t lo, hi, h = dti_provider_slot(f, &lo, &hi);
        uint32_t provider = provider_index(cov, f->s, f->len);
        if (provider != UINT32_MAX) {
            cache->slot[h].lo = lo;
            cache->slot[h].hi = hi;
            cache->slot[h].len = (uint32_t)f->len;
            cache->slot[h].provider = provider;
        }
        return provider;
    }
    if (cache->provider != UINT32_MAX && f->len < sizeof cache->provider_text &&
        memcmp(f->s, cache->provider_text, f->len) == 0 && cache->provider_text[f->len] == '\0')
        return cache->provider;
    uint32_t provider = provider_index(cov, f->s, f->len);
    if (provider != UINT32_MAX && f->len < sizeof cache->provider_text) {
        memcpy(cache->provider_text, f->s, f->len);
        cache->provider_text[f->len] = '\0';
        cache->provider = provider;
    }
    return provider;
}

int dti_bdc_parse_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                      int nfields, dti_row_cache *cache, dti_parsed_row *row, char *why,
                      size_t why_size)
{
    const int *col = layout->col;
    int64_t down, up;
    uint64_t technology;
    int low_latency;
    if (nfields != layout->header_fields)
        return snprintf(why, why_size, "expected %d fields as in the header, found %d",
                        layout->header_fields, nfields),
               1;
    if (check_row(f, col, &down, &up, &technology, &low_latency, &row->geoid, why, why_size) != 0)
        return 1;
    int k = location_key(cov, &f[col[DTI_BDC_LOCATION]], &row->key);
    if (k == -2)
        return -1;
    if (k != 0)
        return snprintf(why, why_size, "empty location_id"), 1;
    return dti_bdc_finish_row(cov, layout, f, cache, row, (int)technology, low_latency, down, up);
}

int dti_bdc_finish_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                       dti_row_cache *cache, dti_parsed_row *row, int technology, int low_latency,
                       int64_t down, int64_t up)
{
    return dti_bdc_finish_row_inline(cov, layout, f, cache, row, technology, low_latency, down, up);
}

/* A row's location is looked up first: it holds its block (the slot's tag), so the block's
 * own lookup is needed only for a new location, and a known one's block is checked against
 * the row's by its GEOID. Rows come in batches so that what a row needs is being fetched from
 * memory while earlier rows are resolved, instead of one cache miss after another (a whole
 * batch at once overflows the core's outstanding misses: the last ones are still in flight
 * when they are needed): the location slot of the row APPLY_AHEAD on, then, half way, what
 * that slot says the row will need: its block's GEOID when the location is known, else the
 * block's slot. */
#define APPLY_AHEAD 16
#define APPLY_PEEK (APPLY_AHEAD / 2)
int dti_coverage_apply(dti_coverage *cov, dti_parsed_row *rows, size_t n, size_t *stop, char *why,
                       size_t why_size)
{
    /* the location keys' hashes, taken once for the prefetch and the lookup */
    uint64_t location_hash[APPLY_AHEAD];
    const dti_u64map *blocks = &cov->block_index, *locations = &cov->location_index;
    size_t ahead = n < APPLY_AHEAD ? n : APPLY_AHEAD;
    for (size_t i = 0; i < ahead; i++) {
        location_hash[i] = dti_hash64(rows[i].key);
        dti_prefetch(&locations->slots[location_hash[i] & locations->mask]);
    }
    size_t resolved = 0;
    int result = 0;
    for (; resolved < n; resolved++) {
        dti_parsed_row *row = &rows[resolved];
        size_t at = resolved % APPLY_AHEAD;
        uint64_t lhash = location_hash[at];
        if (resolved + APPLY_PEEK < n) { /* a peek at the first slot of a row half way on */
            const dti_parsed_row *next = &row[APPLY_PEEK];
            const dti_u64slot *first =
                &locations->slots[location_hash[(at + APPLY_PEEK) % APPLY_AHEAD] & locations->mask];
            if (first->key == next->key && first->tag < cov->block_count)
                dti_prefetch(&cov->block_geoids[first->tag]);
            else
                dti_prefetch(&blocks->slots[dti_hash64(next->geoid) & blocks->mask]);
        }
        if (resolved + APPLY_AHEAD < n) { /* the row APPLY_AHEAD on takes this place in the ring */
            location_hash[at] = dti_hash64(row[APPLY_AHEAD].key);
            dti_prefetch(&locations->slots[location_hash[at] & locations->mask]);
        }
        int inserted;
        dti_u64slot *slot = dti_u64map_put_hashed(&cov->location_index, row->key, lhash,
                                                  (uint32_t)cov->location_count, &inserted);
        if (!slot)
            return -1;
        if (inserted) {
            uint32_t block = block_of(cov, row->geoid);
            if (block == UINT32_MAX || grow_locations(cov, cov->location_count + 1, 1 << 16) != 0)
                return -1;
            slot->tag = block;
            cov->location_keys[cov->location_count] = row->key;
            cov->locations[cov->location_count] = (dti_location){.block = block};
            cov->location_count++;
        } else if (cov->block_geoids[slot->tag] != row->geoid) {
            char id[32];
            snprintf(
                why, why_size,
                "location %s has block_geoid %015llu here but %015llu on an earlier row",
                row->key & DTI_NAMED_BIT
                    ? dti_strtab_get(&cov->location_names, (uint32_t)(row->key & ~DTI_NAMED_BIT))
                    : (snprintf(id, sizeof id, "%llu", (unsigned long long)row->key), id),
                (unsigned long long)row->geoid, (unsigned long long)cov->block_geoids[slot->tag]);
            cov->conflicts++;
            *stop = resolved;
            result = 1;
            break;
        }
        row->block = slot->tag;
        row->index = slot->value;
        dti_block_providers_prefetch(&cov->block_providers, row->block, row->provider);
        dti_prefetch(&cov->locations[row->index]);
    }
    for (size_t i = 0; i < resolved; i++) {
        const dti_parsed_row *row = &rows[i];
        if (dti_block_providers_add(&cov->block_providers, row->block, row->provider) != 0 ||
            (cov->track_location_providers &&
             dti_u64set_add(&cov->location_providers, (uint64_t)row->index << 32 | row->provider) <
                 0))
            return -1;
        if (cov->extras && dti_extras_apply_row(cov->extras, row) != 0)
            return -1;
        if (cov->tables && dti_tables_apply_row(cov->tables, row) != 0)
            return -1;
        dti_location_fold_row(&cov->locations[row->index], row);
    }
    cov->rows += resolved;
    return result;
}

/* Locations a part of the merge has at least (fewer: fewer parts, down to one, the caller's
 * thread). */
#ifndef MERGE_PART_MIN
#define MERGE_PART_MIN 32
#endif

/* Re-key src's location into dst's name table. UINT64_MAX: no memory. */
static uint64_t rekey(dti_coverage *dst, const dti_coverage *src, uint64_t key)
{
    if (!(key & DTI_NAMED_BIT))
        return key;
    const char *name = dti_strtab_get(&src->location_names, (uint32_t)(key & ~DTI_NAMED_BIT));
    uint32_t index = dti_strtab_intern(&dst->location_names, name, strlen(name));
    return index == UINT32_MAX ? UINT64_MAX : (DTI_NAMED_BIT | index);
}

/* The merge of src's blocks, then its locations, into dst's in parts (dti_parallel): first
 * each part looks its keys up in dst (nothing is written to dst), then, dst's arrays and table
 * grown for the new ones, each part writes its new ones at its own place (the parts' new ones
 * in src's order, as one pass puts them) and folds its known locations, each dst location
 * touched by the one src location of its key only. */
typedef struct merge_job {
    dti_coverage *dst;
    const dti_coverage *src;
    int locations; /* 0: the blocks, 1: the locations */
    int write;     /* the second pass */
    const uint64_t *keys;
    size_t count;
    dti_u64map *map;
    uint32_t *to;           /* src's -> dst's (UINT32_MAX: new, after the first pass) */
    const uint32_t *blocks; /* src block -> dst block, for the locations */
    size_t fresh[DTI_PARALLEL_MAX], conflicts[DTI_PARALLEL_MAX], base[DTI_PARALLEL_MAX];
} merge_job;

static void merge_part(void *user, int part, int parts)
{
    merge_job *j = user;
    dti_coverage *dst = j->dst;
    const dti_coverage *src = j->src;
    size_t from, to;
    dti_slice(j->count, part, parts, &from, &to);
    if (!j->write) {
        size_t fresh = 0, conflicts = 0;
        for (size_t i = from; i < to; i++) {
            if (i + APPLY_AHEAD < to)
                dti_u64map_prefetch(j->map, j->keys[i + APPLY_AHEAD]);
            const dti_u64slot *slot =
                dti_u64map_find_hashed(j->map, j->keys[i], dti_hash64(j->keys[i]));
            j->to[i] = slot ? slot->value : UINT32_MAX;
            fresh += !slot;
            conflicts += j->locations && slot && slot->tag != j->blocks[src->locations[i].block];
        }
        j->fresh[part] = fresh;
        j->conflicts[part] = conflicts;
        return;
    }
    size_t next = j->base[part];
    for (size_t i = from; i < to; i++) {
        if (i + APPLY_AHEAD < to) { /* a new one's hash slot, a known location */
            if (j->to[i + APPLY_AHEAD] == UINT32_MAX)
                dti_u64map_prefetch(j->map, j->keys[i + APPLY_AHEAD]);
            else if (j->locations)
                dti_prefetch(&dst->locations[j->to[i + APPLY_AHEAD]]);
        }
        uint32_t index = j->to[i];
        uint64_t key = j->keys[i];
        if (!j->locations) {
            if (index == UINT32_MAX) {
                index = j->to[i] = (uint32_t)next++;
                dst->block_geoids[index] = key;
                dti_u64map_insert_shared(j->map, key, dti_hash64(key), index, 0);
            }
            continue;
        }
        if (index == UINT32_MAX) {
            uint32_t block = j->blocks[src->locations[i].block];
            index = j->to[i] = (uint32_t)next++;
            dst->location_keys[index] = key;
            dst->locations[index] = (dti_location){.block = block};
            dti_u64map_insert_shared(j->map, key, dti_hash64(key), index, block);
        }
        dti_location_fold(&dst->locations[index], &src->locations[i]);
    }
}

/* One of the two merges in parts; 0, or -1 out of memory. */
static int merge_in_parts(merge_job *j, int parts)
{
    dti_coverage *dst = j->dst;
    j->write = 0;
    dti_parallel(parts, merge_part, j);
    size_t *count = j->locations ? &dst->location_count : &dst->block_count, fresh = 0;
    for (int k = 0; k < parts; k++) {
        j->base[k] = *count + fresh;
        fresh += j->fresh[k];
        dst->conflicts += j->conflicts[k];
    }
    size_t all = *count + fresh;
    if (all >= UINT32_MAX || dti_u64map_reserve(j->map, all) != 0 ||
        (j->locations ? grow_locations(dst, all, 1 << 16)
                      : dti_grow(&dst->block_geoids, &dst->block_cap, all,
                                 sizeof *dst->block_geoids, 1024)) != 0)
        return -1;
    j->write = 1;
    dti_parallel(parts, merge_part, j);
    *count = all;
    j->map->count = all;
    return 0;
}

/* src's blocks and locations (their keys in dst's terms: keys) into dst in parts; 0, or -1 out
 * of memory. */
static int merge_parts(dti_coverage *dst, const dti_coverage *src, const uint64_t *keys,
                       uint32_t *blocks, uint32_t *locations, int parts)
{
    merge_job *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    *j = (merge_job){.dst = dst,
                     .src = src,
                     .keys = src->block_geoids,
                     .count = src->block_count,
                     .map = &dst->block_index,
                     .to = blocks};
    int rc = merge_in_parts(j, parts);
    j->locations = 1;
    j->keys = keys;
    j->count = src->location_count;
    j->map = &dst->location_index;
    j->to = locations;
    j->blocks = blocks;
    if (rc == 0)
        rc = merge_in_parts(j, parts);
    free(j);
    return rc;
}

dt_status dti_coverage_merge(dti_coverage *dst, const dti_coverage *src, int threads, dt_error *err)
{
    uint32_t *providers = malloc((src->providers.count + 1) * sizeof *providers);
    uint32_t *blocks = malloc((src->block_count + 1) * sizeof *blocks);
    uint32_t *locations = malloc((src->location_count + 1) * sizeof *locations);
    int ok = providers && blocks && locations;
    for (size_t i = 0; ok && i < src->providers.count; i++) {
        const char *text = dti_strtab_get(&src->providers, (uint32_t)i);
        ok = (providers[i] = provider_index(dst, text, strlen(text))) != UINT32_MAX;
    }
    /* the keys in dst's terms: a named location's name interned in dst's table, in src's order */
    const uint64_t *keys = src->location_keys;
    uint64_t *rekeyed = NULL;
    if (ok && src->location_names.count) {
        ok = (rekeyed = malloc((src->location_count + 1) * sizeof *rekeyed)) != NULL;
        for (size_t i = 0; ok && i < src->location_count; i++)
            ok = (rekeyed[i] = rekey(dst, src, src->location_keys[i])) != UINT64_MAX;
        keys = rekeyed;
    }
    /* a part for each thread, each worth a thread */
    int parts = dti_parts_for(threads, src->location_count, MERGE_PART_MIN);
    ok = ok && merge_parts(dst, src, keys, blocks, locations, parts) == 0;
    free(rekeyed);
    for (size_t i = 0; ok && (dst->extras || dst->tables) && i < src->location_count; i++) {
        uint32_t index = locations[i];
        if (dst->extras && src->extras)
            ok = dti_extras_merge_location(dst->extras, index, src->extras, i, providers) == 0;
        if (ok && dst->tables && src->tables)
            ok = dti_tables_merge_location(dst->tables, index, src->tables, i) == 0;
    }
    if (ok)
        ok = dti_block_providers_merge(&dst->block_providers, &src->block_providers,
                                       src->block_count, blocks, providers) == 0;
    for (size_t i = 0; ok && i <= src->location_providers.mask; i++) {
        uint64_t pair = src->location_providers.keys[i];
        if (pair != DTI_EMPTY_KEY)
            ok = dti_u64set_add(&dst->location_providers, (uint64_t)locations[pair >> 32] << 32 |
                                                              providers[pair & 0xffffffffu]) >= 0;
    }
    if (ok && dst->tables && src->tables)
        ok = dti_tables_merge_pairs(dst, src, locations, providers) == 0;
    dst->rows += src->rows;
    dst->bad_rows += src->bad_rows;
    dst->conflicts += src->conflicts;
    dst->foreign_rows += src->foreign_rows;
    if (dst->extras && src->extras) {
        dst->extras->served_rows += src->extras->served_rows;
        dst->extras->unpriced_rows += src->extras->unpriced_rows;
    }
    free(providers);
    free(blocks);
    free(locations);
    return ok ? DT_OK : dti_nomem(err);
}

/* "FILE:LINE" of the first row of location id in inputs, or "an earlier row":
 * for messages only (the error path reads the inputs again). */
static void first_row_of(const dti_inputs *inputs, const char *id, char *place, size_t size)
{
    static const char *const names[] = {"location_id"};
    snprintf(place, size, "an earlier row");
    size_t len = strlen(id);
    for (size_t i = 0; inputs && i < inputs->count; i++) {
        dt_error quiet = {0};
        dti_csv *csv = dti_csv_open(inputs->paths[i], inputs->display[i], &quiet);
        int col, header_fields, n, found = 0;
        dti_field f[DTI_MAX_FIELDS];
        if (csv && dti_csv_read_header(csv, names, 1, &col, &header_fields, "CSV", &quiet) == DT_OK)
            while (!found && dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, &quiet) > 0)
                if (col < n && f[col].len == len && memcmp(f[col].s, id, len) == 0) {
                    snprintf(place, size, "%s:%ld", dti_csv_name(csv), dti_csv_line(csv));
                    found = 1;
                }
        dti_csv_close(csv);
        if (found)
            return;
    }
}

/* The block a fabric row of location key must agree with: its availability
 * rows' or an earlier fabric row's. 0 when the location is new. */
static uint64_t known_block(const dti_coverage *cov, uint64_t key, size_t from_bdc, int *in_bdc,
                            int *counted)
{
    uint32_t index = dti_u64map_get(&cov->location_index, key);
    *in_bdc = index != UINT32_MAX && index < from_bdc;
    *counted = index != UINT32_MAX;
    if (index != UINT32_MAX)
        return cov->block_geoids[cov->locations[index].block] + 1;
    index = dti_u64map_get(&cov->fabric_other, key);
    return index == UINT32_MAX ? 0 : cov->fabric_other_blocks[index] + 1;
}

/* Remember a bsl_flag false row (not a location of the universe) so that a
 * later row of the same location in another block is still caught. */
static int remember_other(dti_coverage *cov, uint64_t key, uint64_t geoid)
{
    int inserted;
    uint32_t *slot =
        dti_u64map_put(&cov->fabric_other, key, (uint32_t)cov->fabric_other_count, &inserted);
    if (!slot)
        return -1;
    if (!inserted)
        return 0;
    if (dti_grow(&cov->fabric_other_blocks, &cov->fabric_other_cap, cov->fabric_other_count + 1,
                 sizeof *cov->fabric_other_blocks, 256) != 0)
        return -1;
    cov->fabric_other_blocks[cov->fabric_other_count++] = geoid;
    return 0;
}

dt_status dti_coverage_read_fabric(dti_coverage *cov, const dti_inputs *inputs,
                                   const dti_inputs *bdc, dti_state_set *seen, int seen_known,
                                   dt_error *err)
{
    static const char *const names[] = {"location_id", "block_geoid", "bsl_flag"};
    dt_status status = DT_OK;
    size_t from_bdc = cov->location_count;
    for (size_t i = 0; i < inputs->count && status == DT_OK; i++) {
        if (seen && seen_known && cov->state_filter >= 0 &&
            !dti_state_set_has(&seen[i], cov->state_filter))
            continue; /* no row of this state in the file */
        dti_csv *csv = dti_csv_open_input(inputs, i, err);
        if (!csv) {
            status = err->status;
            break;
        }
        int col[3], header_fields, n, rc;
        status = dti_csv_read_header(csv, names, 3, col, &header_fields, "location fabric", err);
        dti_field f[DTI_MAX_FIELDS];
        while (status == DT_OK && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) != 0) {
            uint64_t key, geoid;
            int flag = -2, k = 0;
            const char *why = NULL;
            if (rc < 0) { /* a NUL byte is a bad row like any other; the rest stop */
                if (dti_csv_bad_record(csv) && cov->skip_bad_rows) {
                    cov->bad_rows++;
                    continue;
                }
                status = err->status;
                break;
            }
            if (n != header_fields)
                why = "wrong number of fields for the header";
            else if ((flag = parse_flag(&f[col[2]])) < 0)
                why = "bsl_flag is not a flag: expected " FLAG_SPELLINGS;
            else if (parse_block(&f[col[1]], &geoid) != 0)
                why = "block_geoid is not a 15-digit census block GEOID";
            else if ((k = location_key(cov, &f[col[0]], &key)) == -1)
                why = "empty location_id";
            if (k == -2) {
                status = dti_nomem(err);
                break;
            }
            if (why) {
                if (cov->skip_bad_rows) {
                    cov->bad_rows++;
                    continue;
                }
                status = dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), dti_csv_line(csv),
                                       "%s", why);
                break;
            }
            /* a fabric may hold several states: its rows count for their own state */
            int state = (int)(geoid / DTI_STATE_DIVISOR);
            if (seen)
                dti_state_set_add(&seen[i], state);
            if (cov->state_filter >= 0 && state != cov->state_filter)
                continue;
            int in_bdc, counted;
            uint64_t known = known_block(cov, key, from_bdc, &in_bdc, &counted);
            if (known && known - 1 != geoid) {
                char id[64], place[512];
                field_text(&f[col[0]], id, sizeof id);
                first_row_of(in_bdc ? bdc : inputs, id, place, sizeof place);
                status = dti_error_set(
                    err, DT_ERR_FORMAT, dti_csv_name(csv), dti_csv_line(csv),
                    "location %s is in block %015llu here but in block %015llu at %s "
                    "(every row of a location must name the same block)",
                    id, (unsigned long long)geoid, (unsigned long long)(known - 1), place);
                break;
            }
            if (counted)
                continue; /* reported, or listed again */
            if (!flag) {
                if (remember_other(cov, key, geoid) != 0)
                    status = dti_nomem(err);
                continue;
            }
            uint32_t block = block_of(cov, geoid), index;
            if (block != UINT32_MAX)
                location_of(cov, key, block, &index);
            if (block == UINT32_MAX || index == UINT32_MAX)
                status = dti_nomem(err);
            cov->fabric_added++;
        }
        dti_csv_close(csv);
    }
    return status;
}
