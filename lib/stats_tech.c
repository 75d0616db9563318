/* SPDX-License-Identifier: MIT */
/* The tables analysts hold against the FCC's: availability by technology, and by provider. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>

#include "internal.h"

enum { GROUP_COPPER, GROUP_CABLE, GROUP_FIBER, GROUP_LFW, GROUP_ULFW, GROUP_GSO, GROUP_NGSO };
#define G(x) (1u << GROUP_##x)

/* The FCC's names (fixed broadband summary by geography), so the tables join. */
const char *const dti_tech_row_names[DTI_TECH_ROWS] = {"Copper",
                                                       "Cable",
                                                       "Fiber",
                                                       "Licensed Fixed Wireless",
                                                       "Unlicensed Fixed Wireless",
                                                       "Geostationary Satellite",
                                                       "Non-geostationary Satellite",
                                                       "Other",
                                                       "All Cable or Fiber",
                                                       "All Fixed Wireless",
                                                       "All Satellite",
                                                       "All Terrestrial",
                                                       "All Wired",
                                                       "All Wired and Licensed Fixed Wireless",
                                                       "All Technologies"};
const uint8_t dti_tech_row_groups[DTI_TECH_ROWS] = {G(COPPER),
                                                    G(CABLE),
                                                    G(FIBER),
                                                    G(LFW),
                                                    G(ULFW),
                                                    G(GSO),
                                                    G(NGSO),
                                                    1u << 7,
                                                    G(CABLE) | G(FIBER),
                                                    G(LFW) | G(ULFW),
                                                    G(GSO) | G(NGSO),
                                                    G(COPPER) | G(CABLE) | G(FIBER) | G(LFW) |
                                                        G(ULFW),
                                                    G(COPPER) | G(CABLE) | G(FIBER),
                                                    G(COPPER) | G(CABLE) | G(FIBER) | G(LFW),
                                                    0xff};

const int dti_pair_tech_codes[9] = {0, 10, 40, 50, 60, 61, 70, 71, 72};

int dti_tech_group(int technology)
{
    switch (technology) {
    case 10: return GROUP_COPPER;
    case 40: return GROUP_CABLE;
    case 50: return GROUP_FIBER;
    case 71:
    case 72: return GROUP_LFW;
    case 70: return GROUP_ULFW;
    case 60: return GROUP_GSO;
    case 61: return GROUP_NGSO;
    default: /* 0 and codes the FCC has not defined */ return 7;
    }
}

static unsigned pair_tech_bit(int technology)
{
    switch (technology) { /* the bits of dti_pair_tech_codes */
    case 10: return 1u << 1;
    case 40: return 1u << 2;
    case 50: return 1u << 3;
    case 60: return 1u << 4;
    case 61: return 1u << 5;
    case 70: return 1u << 6;
    case 71: return 1u << 7;
    case 72: return 1u << 8;
    default: return 1u; /* Other */
    }
}

dt_status dti_coverage_track_tables(dti_coverage *cov, int providers, dt_error *err)
{
    dti_coverage_tables *t = calloc(1, sizeof *t);
    if (!t)
        return dti_nomem(err);
    dti_strtab_init(&t->brands);
    t->providers = providers;
    /* DIALTONE_PAIR_COMPACT=N: compact from N records on (tests: 1, on every fill) */
    long compact = atol(dti_config_option("DIALTONE_PAIR_COMPACT", "4194304"));
    t->compact_at = compact > 0 ? (size_t)compact : 4194304;
    if (dti_u64map_init(&t->brand_index, 256)) {
        dti_tables_free(t);
        return dti_nomem(err);
    }
    cov->tables = t;
    return DT_OK;
}

void dti_tables_free(dti_coverage_tables *t)
{
    if (!t)
        return;
    free(t->tiers);
    free(t->use);
    free(t->pairs);
    dti_strtab_free(&t->brands);
    dti_u64map_free(&t->brand_index);
    free(t->brand_rows);
    free(t->brand_text);
    free(t->provider_memo);
    free(t);
}

/* Room for location index; 0 ok, -1 no memory. */
static int grow(dti_coverage_tables *t, size_t index)
{
    void *const arrays[] = {&t->tiers, &t->use};
    const size_t sizes[] = {sizeof *t->tiers, sizeof *t->use};
    if (dti_grow_n(arrays, sizes, 2, &t->cap, index + 1, 1 << 16) != 0)
        return -1;
    for (; t->count <= index; t->count++) {
        t->tiers[t->count] = 0;
        t->use[t->count] = 0;
    }
    return 0;
}

/* Slot of (provider, brand spelling) in brand_rows, added when new; UINT32_MAX no memory. */
static uint32_t brand_slot(dti_coverage_tables *t, uint32_t provider, const char *s, size_t len)
{
    uint32_t brand = dti_strtab_intern(&t->brands, s, len);
    int inserted;
    uint32_t *slot = brand == UINT32_MAX
                         ? NULL
                         : dti_u64map_put(&t->brand_index, (uint64_t)provider << 32 | brand,
                                          (uint32_t)t->brand_count, &inserted);
    if (!slot)
        return UINT32_MAX;
    if (inserted) {
        void *const arrays[] = {&t->brand_rows, &t->brand_text};
        const size_t sizes[] = {sizeof *t->brand_rows, sizeof *t->brand_text};
        if (dti_grow_n(arrays, sizes, 2, &t->brand_cap, t->brand_count + 1, 64) != 0)
            return UINT32_MAX;
        t->brand_rows[t->brand_count] = 0;
        t->brand_text[t->brand_count++] = brand;
    }
    return *slot;
}

/* The slot of a row's brand: most providers use one spelling, so the last spelling of each
 * provider is tried first. UINT32_MAX no memory. */
static uint32_t row_brand_slot(dti_coverage_tables *t, uint32_t provider, const dti_field *b)
{
    if (provider < t->memo_cap && t->provider_memo[provider]) {
        uint32_t slot = t->provider_memo[provider] - 1;
        const char *text = dti_strtab_get(&t->brands, t->brand_text[slot]);
        if (strncmp(text, b->s, b->len) == 0 && text[b->len] == '\0')
            return slot;
    }
    uint32_t slot = brand_slot(t, provider, b->s, b->len);
    if (slot == UINT32_MAX)
        return slot;
    if (provider >= t->memo_cap) {
        size_t old = t->memo_cap;
        if (dti_grow(&t->provider_memo, &t->memo_cap, (size_t)provider + 1,
                     sizeof *t->provider_memo, 256) != 0)
            return UINT32_MAX;
        memset(t->provider_memo + old, 0, (t->memo_cap - old) * sizeof *t->provider_memo);
    }
    t->provider_memo[provider] = slot + 1;
    return slot;
}

int dti_tables_parse_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                         dti_parsed_row *row, int technology, int64_t down, int64_t up)
{
    dti_coverage_tables *t = cov->tables;
    row->group = (uint8_t)dti_tech_group(technology);
    /* a reliable row's flags hold its tiers already (dti_row_reduce) */
    unsigned flags = row->tech ? row->flags : dti_row_flags(&cov->rules, down, up);
    row->any_tiers = (uint8_t)(flags & ((1u << DTI_TIER_COUNT) - 1));
    const dti_field *use = &f[layout->col[DTI_BDC_USE]];
    unsigned bits = pair_tech_bit(technology);
    if (use->len == 1 && (use->s[0] == 'R' || use->s[0] == 'X'))
        bits |= DTI_PAIR_RESIDENTIAL;
    if (use->len == 1 && (use->s[0] == 'B' || use->s[0] == 'X'))
        bits |= DTI_PAIR_BUSINESS;
    if (row->flags & DTI_FLAG_SERVED) /* flags are set only for reliable rows */
        bits |= DTI_PAIR_SERVED;
    row->pair_bits = (uint16_t)bits;
    row->brand_slot = UINT32_MAX;
    if (!t->providers || layout->brand < 0)
        return 0;
    row->brand_slot = row_brand_slot(t, row->provider, &f[layout->brand]);
    return row->brand_slot == UINT32_MAX ? -1 : 0;
}

/* ---- location x provider pairs ---- */

int dti_tables_reserve_pairs(dti_coverage_tables *t, size_t pairs)
{
    /* pairs exactly at first; the callers grow a list that has pairs by doubling it */
    return dti_grow(&t->pairs, &t->pair_cap, pairs, sizeof *t->pairs, pairs);
}

/* Sort pair records (hi << 32 | provider << 12 | bits, hi a location or a region) by hi, then
 * provider: an LSD radix sort, 11 bits a pass, over the bits that vary only, with the provider
 * field packed down to the bits it uses (a state's few hundred providers need 9 of its 20).
 * 0 ok, -1 no memory. */
static int sort_pairs(uint64_t *pairs, size_t n)
{
    if (n < 2)
        return 0;
    uint64_t providers = 0, all_or = 0, all_and = ~0ULL;
    for (size_t i = 0; i < n; i++)
        providers |= pairs[i] >> 12 & 0xfffffu;
    unsigned width = providers ? 32u - (unsigned)__builtin_clz((unsigned)providers) : 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = (pairs[i] >> 32) << width | (pairs[i] >> 12 & 0xfffffu);
        pairs[i] = key << 12 | (pairs[i] & 0xfffu);
        all_or |= key;
        all_and &= key;
    }
    uint64_t *tmp = malloc(n * sizeof *tmp), *from = pairs, *to = tmp;
    if (!tmp)
        return -1;
    uint64_t vary = all_or ^ all_and;
    size_t count[2048];
    for (unsigned shift = 0; shift < 52 && vary >> shift; shift += 11) {
        if ((vary >> shift & 2047u) == 0)
            continue; /* every key has this digit */
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[from[i] >> (12 + shift) & 2047u]++;
        for (size_t d = 0, at = 0; d < 2048; d++) {
            size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[from[i] >> (12 + shift) & 2047u]++] = from[i];
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    uint64_t low = (1ULL << width) - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t key = from[i] >> 12;
        pairs[i] = (key >> width) << 32 | (key & low) << 12 | (from[i] & 0xfffu);
    }
    free(tmp);
    return 0;
}

/* Collapse each (location, provider) of sorted pairs[0..n) to one record; the new count. */
static size_t collapse_pairs(uint64_t *pairs, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out && (pairs[out - 1] ^ pairs[i]) >> 12 == 0)
            pairs[out - 1] |= pairs[i];
        else
            pairs[out++] = pairs[i];
    }
    return out;
}

int dti_tables_pairs_finish(dti_coverage_tables *t)
{
    if (sort_pairs(t->pairs, t->pair_count) != 0)
        return -1;
    t->pair_count = collapse_pairs(t->pairs, t->pair_count);
    return 0;
}

/* Append one pair record. A full list grows; a big one (compact_at records, 32 MB) is
 * first sorted and collapsed, and grows only when that frees no more than half of it, so that
 * memory follows the distinct pairs, not the rows. 0 ok, -1 no memory. */
static int add_pair(dti_coverage_tables *t, uint32_t location, uint32_t provider, unsigned bits)
{
    if (provider >= DTI_PAIR_MAX_PROVIDERS) {
        t->pair_overflow = 1;
        return 0;
    }
    uint64_t pair = (uint64_t)location << 32 | (uint64_t)provider << 12 | bits;
    if (t->pair_count && (t->pairs[t->pair_count - 1] ^ pair) >> 12 == 0) {
        t->pairs[t->pair_count - 1] |= pair; /* the rows of a pair often come together */
        return 0;
    }
    if (t->pair_count == t->pair_cap) {
        if (t->pair_cap >= t->compact_at && dti_tables_pairs_finish(t) != 0)
            return -1;
        if (t->pair_count * 2 >= t->pair_cap &&
            dti_tables_reserve_pairs(t, t->pair_cap ? t->pair_cap * 2 : 1 << 12) != 0)
            return -1;
    }
    t->pairs[t->pair_count++] = pair;
    return 0;
}

int dti_tables_apply_row(dti_coverage_tables *t, const dti_parsed_row *row)
{
    if (grow(t, row->index) != 0)
        return -1;
    t->tiers[row->index] |= (uint64_t)row->any_tiers << (6 * row->group);
    t->use[row->index] |= (uint8_t)(row->pair_bits >> 10);
    if (row->brand_slot != UINT32_MAX)
        t->brand_rows[row->brand_slot]++;
    if (t->providers && add_pair(t, row->index, row->provider, row->pair_bits) != 0)
        return -1;
    return 0;
}

int dti_tables_merge_location(dti_coverage_tables *dst, uint32_t index,
                              const dti_coverage_tables *src, size_t i)
{
    if (i >= src->count || (!src->tiers[i] && !src->use[i]))
        return 0;
    if (grow(dst, index) != 0)
        return -1;
    dst->tiers[index] |= src->tiers[i];
    dst->use[index] |= src->use[i];
    return 0;
}

int dti_tables_merge_pairs(dti_coverage *dst, const dti_coverage *src, const uint32_t *locations,
                           const uint32_t *providers)
{
    dti_coverage_tables *d = dst->tables;
    const dti_coverage_tables *s = src->tables;
    d->pair_overflow |= s->pair_overflow;
    for (size_t i = 0; i < s->pair_count; i++) {
        uint64_t pair = s->pairs[i];
        if (add_pair(d, locations[pair >> 32], providers[(pair >> 12) & 0xfffffu],
                     (unsigned)(pair & 0xfffu)) != 0)
            return -1;
    }
    for (size_t i = 0; i <= s->brand_index.mask; i++) {
        const dti_u64slot *slot = &s->brand_index.slots[i];
        if (slot->key == DTI_EMPTY_KEY)
            continue;
        const char *text = dti_strtab_get(&s->brands, (uint32_t)(slot->key & 0xffffffffu));
        uint32_t to = brand_slot(d, providers[slot->key >> 32], text, strlen(text));
        if (to == UINT32_MAX)
            return -1;
        d->brand_rows[to] += s->brand_rows[slot->value];
    }
    return 0;
}

/* ---- writing ---- */

/* Locations grouped by region: order[start[r], start[r + 1]) are region r's. Locations of
 * no region are left out. 0 ok, -1 no memory (both freed). */
static int group_by_region(const dti_coverage *cov, const dti_region_table *regions,
                           uint32_t **order, size_t **start)
{
    size_t n = cov->location_count, nr = regions->count;
    *order = malloc((n ? n : 1) * sizeof **order);
    *start = calloc(nr + 2, sizeof **start);
    if (!*order || !*start) {
        free(*order);
        free(*start);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        if (r != DTI_NO_REGION)
            (*start)[r + 2]++;
    }
    for (size_t r = 0; r < nr; r++)
        (*start)[r + 2] += (*start)[r + 1];
    for (size_t i = 0; i < n; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        if (r != DTI_NO_REGION)
            (*order)[(*start)[r + 1]++] = (uint32_t)i;
    }
    return 0;
}

static const char *region_name(const dti_tables_context *ctx, size_t r)
{
    const char *name = ctx && ctx->region_names ? ctx->region_names[r] : NULL;
    return name ? name : "";
}

enum { AREAS = 3, USES = 4, TALLIES = 1 + DTI_TIER_COUNT };
static const char *const area_names[AREAS] = {"Total", "Urban", "Rural"};
static const char *const use_names[USES] = {"R", "B", "X", "all"};
static const char *const speed_names[DTI_TIER_COUNT] = {
    "speed_02_02", "speed_10_1", "speed_25_3", "speed_100_20", "speed_250_25", "speed_1000_100"};

/* Per (area, exact use 0..3, table row): how many locations have each pattern of tier bits;
 * a location costs one increment per row, and the counts are read once per region. */
typedef uint64_t tech_tally[AREAS][4][DTI_TECH_ROWS][64];

/* The tier fields (6 bits at 6g) of the groups each row unites. */
static uint64_t row_field_mask(int k)
{
    uint64_t mask = 0;
    for (unsigned groups = dti_tech_row_groups[k]; groups; groups &= groups - 1)
        mask |= 63ULL << (6 * __builtin_ctz(groups));
    return mask;
}

/* Add location i (whose block's area is area: 0 unknown, 1 urban, 2 rural) to tally; *used
 * collects the (area, use) classes touched. fields: row_field_mask of each row. */
static void tally_location(const dti_coverage_tables *t, size_t i, int area, tech_tally *tally,
                           unsigned *used, const uint64_t *fields)
{
    uint64_t tiers = i < t->count ? t->tiers[i] : 0;
    unsigned use = i < t->count ? t->use[i] : 0;
    uint64_t(*c)[64] = (*tally)[area][use];
    *used |= 1u << (area * 4 + use);
    for (int k = 0; k < DTI_TECH_GROUPS; k++) /* the groups themselves */
        c[k][(tiers >> (6 * k)) & 63u]++;
    for (int k = DTI_TECH_GROUPS; k < DTI_TECH_ROWS; k++) { /* unions: OR the 8 fields */
        uint64_t x = tiers & fields[k];
        x |= x >> 24;
        x |= x >> 12;
        x |= x >> 6;
        c[k][x & 63u]++;
    }
}

/* Whether a location of exact use class `use` belongs to biz_res row u (R, B, X, all). */
static int use_matches(int u, unsigned use)
{
    return u == 3 || (u == 0 && (use & 1)) || (u == 1 && (use & 2)) || (u == 2 && use == 3);
}

/* The counts of each (area, exact use, row) class used: [0] locations, [1 + s] at tier s. */
typedef uint64_t tech_sums[AREAS][4][DTI_TECH_ROWS][TALLIES];

static void tally_sum(tech_tally *tally, unsigned used, tech_sums *sums)
{
    for (unsigned bit = 0; bit < AREAS * 4; bit++) {
        if (!(used >> bit & 1))
            continue;
        for (int k = 0; k < DTI_TECH_ROWS; k++) {
            const uint64_t *c = (*tally)[bit / 4][bit % 4][k];
            uint64_t *out = (*sums)[bit / 4][bit % 4][k];
            memset(out, 0, TALLIES * sizeof *out);
            for (unsigned bits = 0; bits < 64; bits++) {
                if (!c[bits])
                    continue;
                out[0] += c[bits];
                for (int s = 0; s < DTI_TIER_COUNT; s++)
                    out[1 + s] += bits >> s & 1 ? c[bits] : 0;
            }
        }
    }
}

/* The counts of output row (a: Total, Urban, Rural; u: biz_res; k: technology row):
 * out[0] locations, out[1 + s] those at tier s. */
static void tally_counts(tech_sums *sums, unsigned used, int a, int u, int k, uint64_t *out)
{
    memset(out, 0, TALLIES * sizeof *out);
    for (int area = 0; area < AREAS; area++) {
        if (a && area != a)
            continue;
        for (unsigned use = 0; use < 4; use++) {
            if (!(used >> (area * 4 + use) & 1) || !use_matches(u, use))
                continue;
            for (int s = 0; s < TALLIES; s++)
                out[s] += (*sums)[area][use][k][s];
        }
    }
}

dti_table_out *dti_tech_table_write(const char *path, const dti_coverage *cov,
                                    const dti_region_table *regions, const dti_tables_context *ctx,
                                    dt_error *err)
{
    dti_column columns[16];
    int nc = 0, with_names = ctx && ctx->region_names, with_area = ctx && ctx->block_area;
    columns[nc++] = (dti_column){"geoid", DTI_CELL_TEXT};
    if (with_names)
        columns[nc++] = (dti_column){"name", DTI_CELL_TEXT};
    if (with_area)
        columns[nc++] = (dti_column){"area_data_type", DTI_CELL_TEXT};
    columns[nc++] = (dti_column){"biz_res", DTI_CELL_TEXT};
    columns[nc++] = (dti_column){"technology", DTI_CELL_TEXT};
    columns[nc++] = (dti_column){"total_locations", DTI_CELL_INTEGER};
    for (int s = 0; s < DTI_TIER_COUNT; s++)
        columns[nc++] = (dti_column){speed_names[s], DTI_CELL_REAL};
    uint32_t *order;
    size_t *start;
    tech_tally *tally = calloc(1, sizeof *tally);
    tech_sums *sums = malloc(sizeof *sums);
    uint64_t fields[DTI_TECH_ROWS];
    for (int k = 0; k < DTI_TECH_ROWS; k++)
        fields[k] = row_field_mask(k);
    if (!tally || !sums || group_by_region(cov, regions, &order, &start) != 0) {
        free(tally);
        free(sums);
        dti_nomem(err);
        return NULL;
    }
    dti_table_out *out = dti_table_open(path, NULL, NULL, columns, nc, 0, NULL, err);
    dt_status status = out ? DT_OK : err->status;
    for (size_t r = 0; r < regions->count && status == DT_OK; r++) {
        if (start[r] == start[r + 1])
            continue;
        unsigned used = 0;
        for (size_t k = start[r]; k < start[r + 1]; k++) {
            uint32_t i = order[k];
            int area = with_area ? ctx->block_area[cov->locations[i].block] : 0;
            tally_location(cov->tables, i, area, tally, &used, fields);
        }
        tally_sum(tally, used, sums);
        for (int a = 0; a < (with_area ? AREAS : 1) && status == DT_OK; a++)
            for (int u = 0; u < USES && status == DT_OK; u++) {
                uint64_t t[TALLIES];
                tally_counts(sums, used, a, u, DTI_TECH_ROWS - 1, t);
                if (t[0] == 0)
                    continue; /* no such location in the region */
                for (int k = 0; k < DTI_TECH_ROWS && status == DT_OK; k++) {
                    char cells[DTI_TIER_COUNT + 1][32];
                    const char *text[16];
                    int c = 0;
                    tally_counts(sums, used, a, u, k, t);
                    text[c++] = regions->ids[r];
                    if (with_names)
                        text[c++] = region_name(ctx, r);
                    if (with_area)
                        text[c++] = area_names[a];
                    text[c++] = use_names[u];
                    text[c++] = dti_tech_row_names[k];
                    snprintf(cells[0], sizeof cells[0], "%llu", (unsigned long long)t[0]);
                    text[c++] = cells[0];
                    for (int s = 0; s < DTI_TIER_COUNT; s++)
                        text[c++] =
                            dti_format_ratio(cells[1 + s], sizeof cells[1 + s], t[1 + s], t[0], 4);
                    status = dti_table_write(out, text, NULL, err);
                }
            }
        for (unsigned bit = 0; bit < AREAS * 4; bit++) /* clear what this region used */
            if (used >> bit & 1)
                memset((*tally)[bit / 4][bit % 4], 0, sizeof(*tally)[0][0]);
    }
    free(tally);
    free(sums);
    free(order);
    free(start);
    if (status != DT_OK) {
        dti_table_abort(out);
        return NULL;
    }
    return out;
}

/* ---- by provider ---- */

typedef struct provider_row {
    uint32_t region, provider;
    unsigned techs;
    uint64_t locations, served, residential, business;
} provider_row;

static const dti_coverage *sort_cov;

static int compare_provider_rows(const void *a, const void *b)
{
    const provider_row *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    return dti_location_id_compare(dti_strtab_get(&sort_cov->providers, x->provider),
                                   dti_strtab_get(&sort_cov->providers, y->provider));
}

/* The most frequent brand_name of each provider (ties: the first in byte order); NULL none. */
static const char **best_brands(const dti_coverage *cov)
{
    const dti_coverage_tables *t = cov->tables;
    size_t np = cov->providers.count;
    const char **best = calloc(np ? np : 1, sizeof *best);
    uint64_t *rows = calloc(np ? np : 1, sizeof *rows);
    if (!best || !rows) {
        free(best);
        free(rows);
        return NULL;
    }
    for (size_t i = 0; i <= t->brand_index.mask; i++) {
        const dti_u64slot *slot = &t->brand_index.slots[i];
        if (slot->key == DTI_EMPTY_KEY)
            continue;
        uint32_t p = (uint32_t)(slot->key >> 32);
        const char *text = dti_strtab_get(&t->brands, (uint32_t)(slot->key & 0xffffffffu));
        uint64_t n = t->brand_rows[slot->value];
        if (!best[p] || n > rows[p] || (n == rows[p] && strcmp(text, best[p]) < 0)) {
            best[p] = text;
            rows[p] = n;
        }
    }
    free(rows);
    return best;
}

/* A share with 4 decimals, empty when the region has no such location. */
static const char *share(char *buf, size_t size, uint64_t num, uint64_t den)
{
    if (!den)
        return buf[0] = '\0', buf;
    return dti_format_ratio(buf, size, num, den, 4);
}

/* Locations of each region: all, residential (a row R or X), business (a row B or X). */
static uint64_t (*region_totals(const dti_coverage *cov, const dti_region_table *regions))[3]
{
    uint64_t(*totals)[3] = calloc(regions->count + 1, sizeof *totals);
    const dti_coverage_tables *t = cov->tables;
    for (size_t i = 0; totals && i < cov->location_count; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        if (r == DTI_NO_REGION)
            continue;
        unsigned use = i < t->count ? t->use[i] : 0;
        totals[r][0]++;
        totals[r][1] += use & 1;
        totals[r][2] += use >> 1 & 1;
    }
    return totals;
}

/* One provider_row per (region, provider) with a row; sorted. NULL no memory. The pairs
 * (finished: one per location and provider) become region << 32 | provider << 12 | bits,
 * sorted again, so that each (region, provider) is one run. */
static provider_row *provider_rows(const dti_coverage *cov, const dti_region_table *regions,
                                   size_t *count)
{
    const dti_coverage_tables *t = cov->tables;
    size_t n = 0, np = 0;
    uint64_t *keys = malloc((t->pair_count + 1) * sizeof *keys);
    provider_row *rows = NULL;
    if (!keys)
        return NULL;
    for (size_t i = 0; i < t->pair_count; i++) {
        uint32_t r = regions->block_region[cov->locations[t->pairs[i] >> 32].block];
        if (r != DTI_NO_REGION)
            keys[n++] = (uint64_t)r << 32 | (t->pairs[i] & 0xffffffffu);
    }
    if (sort_pairs(keys, n) != 0)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        np += i == 0 || (keys[i] ^ keys[i - 1]) >> 12 != 0;
    if (!(rows = calloc(np + 1, sizeof *rows)))
        goto nomem;
    np = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || (keys[i] ^ keys[i - 1]) >> 12 != 0)
            rows[np++] = (provider_row){.region = (uint32_t)(keys[i] >> 32),
                                        .provider = (uint32_t)(keys[i] >> 12) & 0xfffffu};
        provider_row *p = &rows[np - 1];
        unsigned bits = (unsigned)(keys[i] & 0xfffu);
        p->techs |= bits & DTI_PAIR_TECHS;
        p->locations++;
        p->served += (bits & DTI_PAIR_SERVED) != 0;
        p->residential += (bits & DTI_PAIR_RESIDENTIAL) != 0;
        p->business += (bits & DTI_PAIR_BUSINESS) != 0;
    }
    free(keys);
    sort_cov = cov;
    if (np)
        qsort(rows, np, sizeof *rows, compare_provider_rows);
    *count = np;
    return rows;
nomem:
    free(keys);
    free(rows);
    return NULL;
}

dti_table_out *dti_provider_table_write(const char *path, const dti_coverage *cov,
                                        const dti_region_table *regions,
                                        const dti_tables_context *ctx, dt_error *err)
{
    static const dti_column all[] = {{"geoid", DTI_CELL_TEXT},
                                     {"name", DTI_CELL_TEXT},
                                     {"provider_id", DTI_CELL_TEXT},
                                     {"brand_name", DTI_CELL_TEXT},
                                     {"technologies", DTI_CELL_TEXT},
                                     {"locations", DTI_CELL_INTEGER},
                                     {"served_locations", DTI_CELL_INTEGER},
                                     {"share", DTI_CELL_REAL},
                                     {"res_share", DTI_CELL_REAL},
                                     {"bus_share", DTI_CELL_REAL}};
    int with_names = ctx && ctx->region_names;
    dti_column columns[10];
    int nc = 0;
    for (int c = 0; c < 10; c++)
        if (c != 1 || with_names)
            columns[nc++] = all[c];
    size_t n = 0;
    if (cov->tables->pair_overflow) {
        dti_error_set(err, DT_ERR_FORMAT, NULL, 0,
                      "--providers-out: more than %u distinct provider_id values; the provider "
                      "table holds at most that many",
                      DTI_PAIR_MAX_PROVIDERS);
        return NULL;
    }
    provider_row *rows = provider_rows(cov, regions, &n);
    const char **brands = rows ? best_brands(cov) : NULL;
    uint64_t(*totals)[3] = brands ? region_totals(cov, regions) : NULL;
    if (!totals) {
        free(rows);
        free(brands);
        dti_nomem(err);
        return NULL;
    }
    dti_table_out *out = dti_table_open(path, NULL, NULL, columns, nc, 0, NULL, err);
    dt_status status = out ? DT_OK : err->status;
    for (size_t k = 0; k < n && status == DT_OK; k++) {
        const provider_row *p = &rows[k];
        char techs[64] = "", counts[2][24], shares[3][24];
        for (int b = 0; b < 9; b++)
            if (p->techs >> b & 1)
                snprintf(techs + strlen(techs), sizeof techs - strlen(techs), "%s%d",
                         techs[0] ? ";" : "", dti_pair_tech_codes[b]);
        snprintf(counts[0], sizeof counts[0], "%llu", (unsigned long long)p->locations);
        snprintf(counts[1], sizeof counts[1], "%llu", (unsigned long long)p->served);
        const char *text[10];
        int c = 0;
        text[c++] = regions->ids[p->region];
        if (with_names)
            text[c++] = region_name(ctx, p->region);
        text[c++] = dti_strtab_get(&cov->providers, p->provider);
        text[c++] = brands[p->provider] ? brands[p->provider] : "";
        text[c++] = techs;
        text[c++] = counts[0];
        text[c++] = counts[1];
        text[c++] = share(shares[0], sizeof shares[0], p->locations, totals[p->region][0]);
        text[c++] = share(shares[1], sizeof shares[1], p->residential, totals[p->region][1]);
        text[c++] = share(shares[2], sizeof shares[2], p->business, totals[p->region][2]);
        status = dti_table_write(out, text, NULL, err);
    }
    free(rows);
    free(brands);
    free(totals);
    if (status != DT_OK) {
        dti_table_abort(out);
        return NULL;
    }
    return out;
}
