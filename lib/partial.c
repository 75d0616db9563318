/* SPDX-License-Identifier: MIT */
/* Partial results: per-region counts, provider sets and best_down histograms
 * that merge exactly (medians included), across states or batch jobs. */
#define _GNU_SOURCE /* qsort_r */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PARTIAL_MAGIC "dialtone-partial"
/* 2: the states, inputs and location identities covered (s, i and k records) */
#define PARTIAL_VERSION 2

dt_status dti_partial_init(dti_partial *p, const dti_rules *rules, int digits, dt_error *err)
{
    memset(p, 0, sizeof *p);
    if (rules) {
        p->rules = *rules;
        p->has_rules = 1;
    }
    p->digits = digits;
    p->fabric = -1;
    dti_strtab_init(&p->ids);
    dti_strtab_init(&p->providers);
    dti_strtab_init(&p->inputs);
    if (dti_u64set_init(&p->region_providers, 1024) != 0)
        return dti_nomem(err);
    return DT_OK;
}

void dti_partial_free(dti_partial *p)
{
    if (!p)
        return;
    for (size_t r = 0; r < p->ids.count && r < p->cap; r++) { /* a region may lack its slot */
        free(p->downs[r].values);
        free(p->downs[r].counts);
    }
    free(p->downs);
    free(p->stats);
    dti_strtab_free(&p->ids);
    dti_strtab_free(&p->providers);
    dti_u64set_free(&p->region_providers);
    dti_strtab_free(&p->inputs);
    for (size_t i = 0; i < p->source_count; i++)
        free(p->sources[i]);
    free(p->sources);
    free(p->input_source);
    free(p->keys);
    for (size_t i = 0; p->source_keys && i < p->source_count; i++)
        free(p->source_keys[i].keys);
    free(p->source_keys);
    memset(p, 0, sizeof *p);
}

/* Index of region id, adding an empty region when new; UINT32_MAX: no memory. */
static uint32_t region_of(dti_partial *p, const char *id, size_t len)
{
    size_t before = p->ids.count;
    uint32_t r = dti_strtab_intern(&p->ids, id, len);
    if (r == UINT32_MAX || p->ids.count == before)
        return r;
    void *const arrays[] = {&p->stats, &p->downs};
    const size_t sizes[] = {sizeof *p->stats, sizeof *p->downs};
    if (dti_grow_n(arrays, sizes, 2, &p->cap, p->ids.count, 256) != 0)
        return UINT32_MAX;
    memset(&p->stats[r], 0, sizeof p->stats[r]);
    memset(&p->downs[r], 0, sizeof p->downs[r]);
    return r;
}

static int histogram_add(dti_histogram *h, int64_t value, uint64_t count)
{
    if (h->n > 0 && h->values[h->n - 1] == value)
        return dti_count_add(&h->counts[h->n - 1], count) == 0 ? 0 : -2;
    void *const arrays[] = {&h->values, &h->counts};
    const size_t sizes[] = {sizeof *h->values, sizeof *h->counts};
    if (dti_grow_n(arrays, sizes, 2, &h->cap, h->n + 1, 8) != 0)
        return -1;
    h->values[h->n] = value;
    h->counts[h->n++] = count;
    return 0;
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct bin {
    int64_t value;
    uint64_t count;
} bin;

static int compare_bins(const void *a, const void *b)
{
    return compare_i64(&((const bin *)a)->value, &((const bin *)b)->value);
}

/* Sort a histogram by value and combine equal values. */
static int histogram_normalize(dti_histogram *h)
{
    if (h->n < 2)
        return 0;
    bin *bins = malloc(h->n * sizeof *bins);
    if (!bins)
        return -1;
    for (size_t i = 0; i < h->n; i++)
        bins[i] = (bin){h->values[i], h->counts[i]};
    qsort(bins, h->n, sizeof *bins, compare_bins);
    size_t n = h->n;
    h->n = 0;
    for (size_t i = 0; i < n; i++)
        histogram_add(h, bins[i].value, bins[i].count); /* never grows */
    free(bins);
    return 0;
}

/* Twice the median of a normalized histogram holding total values. */
static int64_t histogram_median_x2(const dti_histogram *h, uint64_t total)
{
    if (total == 0)
        return 0;
    uint64_t lower = (total - 1) / 2, upper = total / 2, seen = 0;
    int64_t low = 0, high = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (seen <= lower && lower < seen + h->counts[i])
            low = h->values[i];
        if (seen <= upper && upper < seen + h->counts[i]) {
            high = h->values[i];
            break;
        }
        seen += h->counts[i];
    }
    return low + high;
}

/* The identities of cov's locations, added to p->keys (sorted when written). */
static int append_keys(dti_partial *p, const dti_coverage *cov)
{
    dti_key_list list;
    if (dti_key_list_collect(cov, &list) != 0)
        return -1;
    if (dti_grow(&p->keys, &p->key_cap, p->key_count + list.n, sizeof *p->keys, 1024) != 0) {
        free(list.keys);
        return -1;
    }
    if (list.n) /* p->keys may still be NULL when there is nothing to add */
        memcpy(p->keys + p->key_count, list.keys, list.n * sizeof *list.keys);
    p->key_count += list.n;
    free(list.keys);
    return 0;
}

/* ---- k records: sorted identities as varint deltas in base64, KEY_LINE bytes a line ---- */
#define KEY_LINE 3072
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put_base64(FILE *fp, const unsigned char *data, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)data[i] << 16 | (i + 1 < n ? (unsigned)data[i + 1] << 8 : 0) |
                     (i + 2 < n ? data[i + 2] : 0);
        fputc(b64[v >> 18 & 63], fp);
        fputc(b64[v >> 12 & 63], fp);
        fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', fp);
        fputc(i + 2 < n ? b64[v & 63] : '=', fp);
    }
}

static void write_keys(dti_partial *p, FILE *fp)
{
    if (dti_keys_sort(p->keys, p->key_count) != 0)
        return; /* out of memory: the caller's check of the stream fails the write */
    unsigned char line[KEY_LINE + 10];
    size_t used = 0;
    uint64_t last = 0;
    for (size_t i = 0; i <= p->key_count; i++) {
        if (i < p->key_count) {
            if (i > 0 && p->keys[i] == last)
                continue;
            uint64_t delta = i == 0 ? p->keys[i] : p->keys[i] - last;
            last = p->keys[i];
            do {
                line[used++] = (unsigned char)((delta & 127) | (delta > 127 ? 128 : 0));
                delta >>= 7;
            } while (delta);
        }
        if (used > 0 && (used >= KEY_LINE || i == p->key_count)) {
            fputs("k,", fp);
            put_base64(fp, line, used);
            fputc('\n', fp);
            used = 0;
        }
    }
}

/* A k record into source's list: -1 not base64 or not ascending, -2 out of memory. */
static int read_keys(dti_key_list *list, size_t *cap, const dti_field *f)
{
    unsigned char data[KEY_LINE + 16];
    size_t n = 0;
    unsigned bits = 0, value = 0;
    if (f->len % 4 != 0 || f->len / 4 * 3 > sizeof data)
        return -1;
    for (size_t i = 0; i < f->len; i++) {
        const char *at = f->s[i] == '=' ? NULL : memchr(b64, f->s[i], 64);
        if (f->s[i] == '=')
            continue;
        if (!at || !f->s[i])
            return -1;
        value = value << 6 | (unsigned)(at - b64);
        if ((bits += 6) >= 8) {
            bits -= 8;
            data[n++] = (unsigned char)(value >> bits);
        }
    }
    uint64_t key = list->n ? list->keys[list->n - 1] : 0, delta = 0;
    int shift = 0;
    for (size_t i = 0; i < n; i++) {
        if (shift > 63)
            return -1;
        delta |= (uint64_t)(data[i] & 127) << shift;
        shift += 7;
        if (data[i] & 128)
            continue;
        if (list->n > 0 && delta == 0)
            return -1; /* not ascending */
        key += delta;
        if (dti_grow(&list->keys, cap, list->n + 1, sizeof *list->keys, 1024) != 0)
            return -2;
        list->keys[list->n++] = key;
        delta = 0;
        shift = 0;
    }
    return shift == 0 ? 0 : -1;
}

dt_status dti_partial_check_keys(const dti_partial *p, dt_error *err)
{
    size_t first, second;
    uint64_t key;
    int shared = dti_key_lists_shared(p->source_keys, p->source_count, &first, &second, &key);
    if (shared < 0)
        return dti_nomem(err);
    if (!shared)
        return DT_OK;
    char id[32];
    snprintf(id, sizeof id, "%" PRIu64, key);
    return dti_error_set(err, DT_ERR_FORMAT, p->sources[second], 0,
                         "counts location %s, which %s counts too (its rows name blocks of two "
                         "states): merging would count it twice",
                         key & DTI_NAMED_BIT ? "with a non-numeric id" : id, p->sources[first]);
}

typedef struct add_providers {
    dti_partial *p;
    const dti_coverage *cov;
    const uint32_t *target; /* per coverage region: its index in p, UINT32_MAX none */
} add_providers;

/* One distinct (region, provider) pair of a coverage into the partial's pairs. */
static int add_provider(void *user, uint32_t region, uint32_t provider)
{
    const add_providers *ap = user;
    uint32_t r = ap->target[region];
    if (r == UINT32_MAX)
        return 0;
    const char *text = dti_strtab_get(&ap->cov->providers, provider);
    uint32_t index = dti_strtab_intern(&ap->p->providers, text, strlen(text));
    return index != UINT32_MAX &&
                   dti_u64set_add(&ap->p->region_providers, (uint64_t)r << 32 | index) >= 0
               ? 0
               : -1;
}

dt_status dti_partial_add(dti_partial *p, const dti_coverage *cov, const dti_region_table *regions,
                          const dti_region_stats *stats, dt_error *err)
{
    size_t nreg = regions->count, nloc = cov->location_count;
    uint32_t *target = malloc((nreg ? nreg : 1) * sizeof *target);
    size_t *start = calloc(nreg + 1, sizeof *start);
    int64_t *downs = malloc((nloc ? nloc : 1) * sizeof *downs);
    int ok = target && start && downs;
    for (size_t r = 0; ok && r < nreg; r++) {
        target[r] = UINT32_MAX;
        if (stats[r].locations == 0)
            continue;
        ok = (target[r] = region_of(p, regions->ids[r], strlen(regions->ids[r]))) != UINT32_MAX;
        if (!ok)
            break;
        dti_region_stats *to = &p->stats[target[r]];
        to->locations += stats[r].locations;
        to->unserved += stats[r].unserved;
        to->underserved += stats[r].underserved;
        to->served += stats[r].served;
        for (int t = 0; t < DTI_TIER_COUNT; t++)
            to->tiers[t] += stats[r].tiers[t];
    }
    /* best_down grouped by region, sorted, run-length coded into histograms */
    for (size_t r = 0; ok && r < nreg; r++)
        start[r + 1] = start[r] + stats[r].locations;
    for (size_t i = 0; ok && i < nloc; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        downs[start[r]++] = cov->locations[i].best_down;
    }
    for (size_t r = 0, from = 0; ok && r < nreg; from = start[r], r++) {
        size_t n = start[r] - from;
        qsort(downs + from, n, sizeof *downs, compare_i64);
        for (size_t i = 0; ok && i < n; i++)
            ok = histogram_add(&p->downs[target[r]], downs[from + i], 1) == 0;
    }
    add_providers ap = {p, cov, target};
    if (ok)
        ok = dti_region_providers_each(cov, regions->block_region, nreg, add_provider, &ap) == 0;
    for (size_t b = 0; b < cov->block_count; b++)
        dti_state_set_add(&p->states, (int)(cov->block_geoids[b] / DTI_STATE_DIVISOR));
    if (ok && p->track_keys)
        ok = append_keys(p, cov) == 0;
    p->locations += nloc;
    free(target);
    free(start);
    free(downs);
    return ok ? DT_OK : dti_nomem(err);
}

/* An input's identity in a partial: its file name (without directories) and size. */
static int input_key(const char *display, uint64_t size, char *buf, size_t buf_size)
{
    const char *slash = strrchr(display, '/');
    return snprintf(buf, buf_size, "%s\t%" PRIu64, slash ? slash + 1 : display, size);
}

dt_status dti_partial_add_inputs(dti_partial *p, const dti_inputs *inputs, dt_error *err)
{
    for (size_t i = 0; i < inputs->count; i++) {
        char key[1200];
        int n = input_key(inputs->display[i], dti_input_size(inputs, i), key, sizeof key);
        if (n < 0 || (size_t)n >= sizeof key ||
            dti_strtab_intern(&p->inputs, key, (size_t)n) == UINT32_MAX)
            return dti_nomem(err);
    }
    return DT_OK;
}

static int compare_ids(const void *a, const void *b, void *tab)
{
    return strcmp(dti_strtab_get(tab, *(const uint32_t *)a),
                  dti_strtab_get(tab, *(const uint32_t *)b));
}

dt_status dti_partial_finish(dti_partial *p, dti_region_table *regions, dti_region_stats **out,
                             dt_error *err)
{
    size_t n = p->ids.count;
    memset(regions, 0, sizeof *regions);
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    dti_region_stats *stats = calloc(n ? n : 1, sizeof *stats);
    regions->ids = calloc(n ? n : 1, sizeof *regions->ids);
    int ok = order && stats && regions->ids;
    for (size_t r = 0; ok && r < n; r++)
        order[r] = (uint32_t)r;
    if (ok)
        qsort_r(order, n, sizeof *order, compare_ids, &p->ids);
    for (size_t i = 0; ok && i <= p->region_providers.mask; i++)
        if (p->region_providers.keys[i] != DTI_EMPTY_KEY)
            p->stats[p->region_providers.keys[i] >> 32].providers++;
    for (size_t k = 0; ok && k < n; k++) {
        uint32_t r = order[k];
        ok = histogram_normalize(&p->downs[r]) == 0 &&
             (regions->ids[k] = strdup(dti_strtab_get(&p->ids, r))) != NULL;
        if (!ok)
            break;
        regions->count = k + 1;
        stats[k] = p->stats[r];
        stats[k].median_down_x2 = histogram_median_x2(&p->downs[r], stats[k].locations);
    }
    free(order);
    if (!ok) {
        free(stats);
        dti_regions_free(regions);
        return dti_nomem(err);
    }
    *out = stats;
    return DT_OK;
}

void dti_partial_write(const dti_partial *p, FILE *stream)
{
    FILE *fp = stream;
    const dti_rules *q = &p->rules;
    fprintf(fp, "%s,%d,%d,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%d\n", PARTIAL_MAGIC,
            PARTIAL_VERSION, p->digits, q->served_down, q->served_up, q->underserved_down,
            q->underserved_up, q->ulfw);
    fprintf(fp, "f,%d\n", p->fabric > 0);
    for (int state = 0; state < 100; state++)
        if (dti_state_set_has(&p->states, state))
            fprintf(fp, "s,%02d\n", state);
    for (size_t i = 0; i < p->inputs.count; i++) {
        const char *key = dti_strtab_get(&p->inputs, (uint32_t)i), *tab = strchr(key, '\t');
        char name[1200];
        snprintf(name, sizeof name, "%.*s", (int)(tab - key), key);
        fputs("i,", fp);
        dti_csv_put_field(fp, name);
        fprintf(fp, ",%s\n", tab + 1);
    }
    write_keys((dti_partial *)p, fp);
    for (size_t r = 0; r < p->ids.count; r++) {
        const dti_region_stats *s = &p->stats[r];
        fputs("r,", fp);
        dti_csv_put_field(fp, dti_strtab_get(&p->ids, (uint32_t)r));
        fprintf(fp, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, s->locations, s->unserved,
                s->underserved, s->served);
        for (int t = 0; t < DTI_TIER_COUNT; t++)
            fprintf(fp, ",%" PRIu64, s->tiers[t]);
        fputc('\n', fp);
        const dti_histogram *h = &p->downs[r];
        for (size_t i = 0; i < h->n; i++) {
            fputs("d,", fp);
            dti_csv_put_field(fp, dti_strtab_get(&p->ids, (uint32_t)r));
            fprintf(fp, ",%" PRId64 ",%" PRIu64 "\n", h->values[i], h->counts[i]);
        }
    }
    for (size_t i = 0; i <= p->region_providers.mask; i++) {
        uint64_t pair = p->region_providers.keys[i];
        if (pair == DTI_EMPTY_KEY)
            continue;
        fputs("p,", fp);
        dti_csv_put_field(fp, dti_strtab_get(&p->ids, (uint32_t)(pair >> 32)));
        fputc(',', fp);
        dti_csv_put_field(fp, dti_strtab_get(&p->providers, (uint32_t)(pair & 0xffffffffu)));
        fputc('\n', fp);
    }
}

static int field_u64(const dti_field *f, uint64_t *v) { return dti_parse_u64(f->s, f->len, v); }

static int field_i64(const dti_field *f, int64_t *v)
{
    uint64_t u;
    if (f->len > 0 && f->s[0] == '-')
        return -1; /* speeds and counts are never negative */
    if (dti_parse_u64(f->s, f->len, &u) != 0)
        return -1;
    *v = (int64_t)u;
    return 0;
}

/* Check a partial file's first line against this run's rules. */
static const char *check_magic(dti_partial *p, const dti_field *f, int n)
{
    int64_t v[5];
    uint64_t version, digits;
    if (n != 8 || !dti_field_is(&f[0], PARTIAL_MAGIC))
        return "not a dialtone partial file (dialtone stats --partial-out writes them)";
    if (field_u64(&f[1], &version) != 0 || version > PARTIAL_VERSION)
        return "partial file of a newer dialtone: merge it with that version";
    if (version < PARTIAL_VERSION)
        return "partial file of an older dialtone, which does not record the states and inputs "
               "it covers: make it again with this version";
    if (field_u64(&f[2], &digits) != 0)
        return "bad region level";
    for (int i = 0; i < 5; i++)
        if (field_i64(&f[3 + i], &v[i]) != 0)
            return "bad rules line";
    dti_rules rules = {(int)v[4], v[0], v[1], v[2], v[3]};
    if (!p->has_rules) {
        p->rules = rules;
        p->digits = (int)digits;
        p->has_rules = 1;
    } else if (rules.ulfw != p->rules.ulfw || rules.served_down != p->rules.served_down ||
               rules.served_up != p->rules.served_up ||
               rules.underserved_down != p->rules.underserved_down ||
               rules.underserved_up != p->rules.underserved_up || p->digits != (int)digits)
        return "made with other thresholds, --ulfw or region level than the files before it";
    return NULL;
}

static const char out_of_memory[] = "out of memory";

/* An s (state) or i (input) record of partial file number source: NULL
 * when it is new to the merge, otherwise why the file is refused (in
 * why, of 1600 bytes); out_of_memory (err set) when out of memory. */
static const char *covered_twice(dti_partial *p, const dti_field *f, int n, uint32_t source,
                                 char why[static 1600], dt_error *err)
{
    uint64_t value;
    if (dti_field_is(&f[0], "s")) {
        if (n != 2 || f[1].len != 2 || field_u64(&f[1], &value) != 0)
            return "bad state record";
        int state = (int)value;
        if (dti_state_set_has(&p->states, state) && p->state_source[state] != source) {
            snprintf(why, 1600,
                     "holds state %02d, as %s does: a state's files must all go into one partial "
                     "(merging them would count its locations twice)",
                     state, p->sources[p->state_source[state]]);
            return why;
        }
        dti_state_set_add(&p->states, state);
        p->state_source[state] = source;
        return NULL;
    }
    if (n != 3 || field_u64(&f[2], &value) != 0)
        return "bad input record";
    char name[1024], key[1200];
    snprintf(name, sizeof name, "%.*s", (int)(f[1].len < 1000 ? f[1].len : 1000), f[1].s);
    int len = input_key(name, value, key, sizeof key);
    size_t before = p->inputs.count;
    uint32_t index = dti_strtab_intern(&p->inputs, key, (size_t)len);
    if (index == UINT32_MAX) {
        dti_nomem(err);
        return out_of_memory;
    }
    if (p->inputs.count > before) {
        uint32_t *sources = realloc(p->input_source, p->inputs.count * sizeof *sources);
        if (!sources) {
            dti_nomem(err);
            return out_of_memory;
        }
        p->input_source = sources;
        sources[index] = source;
    } else if (p->input_source[index] != source) {
        snprintf(why, 1600,
                 "made from %s (%" PRIu64 " bytes), as %s was: merging them would count its "
                 "locations twice",
                 name, value, p->sources[p->input_source[index]]);
        return why;
    }
    return NULL;
}

dt_status dti_partial_read(dti_partial *p, const char *path, dt_error *err)
{
    char **sources = realloc(p->sources, (p->source_count + 1) * sizeof *sources);
    if (!sources)
        return dti_nomem(err);
    p->sources = sources;
    if (!(sources[p->source_count] = strdup(dti_input_name(path, NULL))))
        return dti_nomem(err);
    dti_key_list *lists = realloc(p->source_keys, (p->source_count + 1) * sizeof *lists);
    if (!lists) {
        free(sources[p->source_count]);
        return dti_nomem(err);
    }
    p->source_keys = lists;
    lists[p->source_count] = (dti_key_list){NULL, 0};
    size_t key_cap = 0;
    uint32_t source = (uint32_t)p->source_count++;
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv)
        return err->status;
    dti_field f[DTI_MAX_FIELDS];
    int n, rc;
    const char *why = NULL;
    char refusal[1600];
    dt_status status = DT_OK;
    long records = 0;
    while (!why && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) > 0) {
        if (records++ == 0) {
            why = check_magic(p, f, n);
            continue;
        }
        if (dti_field_is(&f[0], "k") && n == 2) {
            int rc_keys = read_keys(&p->source_keys[source], &key_cap, &f[1]);
            if (rc_keys == -2) {
                status = dti_nomem(err);
                break;
            }
            if (rc_keys < 0) {
                why = "bad location record";
                break;
            }
            continue;
        }
        if (dti_field_is(&f[0], "f") && n == 2 && f[1].len == 1 &&
            (f[1].s[0] == '0' || f[1].s[0] == '1')) {
            int fabric = f[1].s[0] == '1';
            if (p->fabric >= 0 && p->fabric != fabric) {
                why = fabric ? "made with a fabric, the partials before it without one: their "
                               "counts cover other locations"
                             : "made without a fabric, the partials before it with one: their "
                               "counts cover other locations";
                break;
            }
            p->fabric = fabric;
            continue;
        }
        if (dti_field_is(&f[0], "s") || dti_field_is(&f[0], "i")) {
            why = covered_twice(p, f, n, source, refusal, err);
            if (why == out_of_memory) /* never a partial read in part taken as a whole one */
                status = DT_ERR_NOMEM, why = NULL;
            if (why || status != DT_OK)
                break;
            continue;
        }
        uint32_t r = n >= 2 ? region_of(p, f[1].s, f[1].len) : UINT32_MAX;
        if (n >= 2 && r == UINT32_MAX) {
            status = dti_nomem(err);
            break;
        }
        if (dti_field_is(&f[0], "r") && n == 6 + DTI_TIER_COUNT) {
            uint64_t v[4 + DTI_TIER_COUNT];
            for (int i = 0; i < 4 + DTI_TIER_COUNT && !why; i++)
                if (field_u64(&f[2 + i], &v[i]) != 0)
                    why = "bad count";
            for (int i = 1; i < 4 + DTI_TIER_COUNT && !why; i++)
                if (v[i] > v[0])
                    why = "bad counts: more in a class or tier than locations";
            if (!why && v[1] + v[2] + v[3] != v[0]) /* each below 10^18: no overflow */
                why = "bad counts: unserved, underserved and served do not add up to locations";
            if (why)
                break;
            dti_region_stats *s = &p->stats[r];
            if (dti_count_add(&s->locations, v[0]) != 0) {
                why = "counts too large: a region's locations add up to more than 10^14";
                break;
            }
            s->unserved += v[1]; /* each at most locations */
            s->underserved += v[2];
            s->served += v[3];
            for (int t = 0; t < DTI_TIER_COUNT; t++)
                s->tiers[t] += v[4 + t];
        } else if (dti_field_is(&f[0], "d") && n == 4) {
            int64_t value;
            uint64_t count;
            int added;
            if (field_i64(&f[2], &value) != 0 || field_u64(&f[3], &count) != 0 ||
                count > DTI_COUNT_MAX)
                why = "bad histogram bin";
            else if ((added = histogram_add(&p->downs[r], value, count)) == -2)
                why = "bad histogram bin: its count passes 10^14";
            else if (added != 0)
                status = dti_nomem(err);
        } else if (dti_field_is(&f[0], "p") && n == 3) {
            uint32_t provider = dti_strtab_intern(&p->providers, f[2].s, f[2].len);
            if (provider == UINT32_MAX ||
                dti_u64set_add(&p->region_providers, (uint64_t)r << 32 | provider) < 0)
                status = dti_nomem(err);
        } else {
            why = "unknown record";
        }
        if (status != DT_OK)
            break;
    }
    if (status == DT_OK && why)
        status = dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), dti_csv_line(csv), "%s", why);
    else if (status == DT_OK && rc < 0)
        status = err->status;
    else if (status == DT_OK && records == 0)
        status = dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), 1, "empty partial file");
    /* the medians come from the histograms: each region's must hold its locations (true
     * before this file, so true of this file's records when true now) */
    for (size_t r = 0; status == DT_OK && r < p->ids.count; r++) {
        uint64_t total = 0;
        const dti_histogram *h = &p->downs[r];
        for (size_t i = 0; i < h->n && total <= DTI_COUNT_MAX; i++)
            total += h->counts[i];
        if (total != p->stats[r].locations)
            status =
                dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), 0,
                              "region %s: its histogram of best_down holds %" PRIu64
                              " locations, its counts %" PRIu64,
                              dti_strtab_get(&p->ids, (uint32_t)r), total, p->stats[r].locations);
    }
    dti_csv_close(csv);
    return status;
}
