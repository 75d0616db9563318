/* SPDX-License-Identifier: MIT */
/* dialtone stats over a national release one state at a time, giving exactly
 * the tables of reading every state together, or saying why it cannot. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The inputs of inputs whose state is state (with the stateless ones when
 * add_stateless); strings copied. */
static dt_status inputs_of_state(const dti_inputs *all, const int *states, int state,
                                 int add_stateless, dti_inputs *out, dt_error *err)
{
    memset(out, 0, sizeof *out);
    out->paths = calloc(all->count + 1, sizeof *out->paths);
    out->display = calloc(all->count + 1, sizeof *out->display);
    out->sizes = calloc(all->count + 1, sizeof *out->sizes);
    out->prints = calloc(all->count + 1, sizeof *out->prints); /* the same records: shared */
    int ok = out->paths && out->display && out->sizes && out->prints;
    for (size_t i = 0; ok && i < all->count; i++) {
        if (states[i] != state && !(add_stateless && states[i] < 0))
            continue;
        out->paths[out->count] = strdup(all->paths[i]);
        out->display[out->count] = strdup(all->display[i]);
        out->sizes[out->count] = all->sizes[i];
        out->prints[out->count] = all->prints ? all->prints[i] : NULL;
        out->total_size += all->sizes[i];
        ok = out->paths[out->count] && out->display[out->count];
        out->count++;
    }
    if (!ok) {
        dti_inputs_free(out);
        return dti_nomem(err);
    }
    return DT_OK;
}

int *dti_peek_states(const dti_inputs *inputs, size_t *distinct)
{
    int *states = calloc(inputs->count + 1, sizeof *states);
    dti_state_set set = {{0, 0}};
    *distinct = 0;
    for (size_t i = 0; states && i < inputs->count; i++) {
        dt_error ignored = {0}; /* the read itself reports an unreadable file */
        if (dti_peek_state(inputs->paths[i], inputs->display[i], &states[i], &ignored) != 1)
            states[i] = -1;
        else if (!dti_state_set_has(&set, states[i])) {
            dti_state_set_add(&set, states[i]);
            (*distinct)++;
        }
    }
    return states;
}

/* ---- one location in two states ---- */

/* LSD radix sort, 16 bits at a time, skipping the digits all keys share. */
int dti_keys_sort(uint64_t *keys, size_t n)
{
    if (n < 2)
        return 0;
    uint64_t *tmp = malloc(n * sizeof *tmp), all_or = 0, all_and = ~0ULL;
    size_t *count = malloc(65536 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        all_or |= keys[i], all_and &= keys[i];
    for (int shift = 0; shift < 64; shift += 16) {
        if ((((all_or ^ all_and) >> shift) & 0xffff) == 0)
            continue; /* every key has this digit */
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(keys[i] >> shift) & 0xffff]++;
        size_t at = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(keys[i] >> shift) & 0xffff]++] = keys[i];
        memcpy(keys, tmp, n * sizeof *keys);
    }
    free(tmp);
    free(count);
    return 0;
}

/* A location's identity across coverages: a numeric key is itself, a named
 * one a hash of its text (a collision only costs the read of all states
 * together, never a wrong count). */
static uint64_t global_key(const dti_coverage *cov, uint64_t key)
{
    if (!(key & DTI_NAMED_BIT))
        return key;
    const char *name = dti_strtab_get(&cov->location_names, (uint32_t)(key & ~DTI_NAMED_BIT));
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return dti_hash64(h) | DTI_NAMED_BIT;
}

/* The sorted distinct identities of every location a coverage has seen:
 * its universe and the bsl_flag false fabric rows. */
int dti_key_list_collect(const dti_coverage *cov, dti_key_list *out)
{
    size_t n = cov->location_count + cov->fabric_other.count;
    out->keys = malloc((n ? n : 1) * sizeof *out->keys);
    out->n = 0;
    if (!out->keys)
        return -1;
    for (size_t i = 0; i < cov->location_count; i++)
        out->keys[out->n++] = global_key(cov, cov->location_keys[i]);
    for (size_t i = 0; i <= cov->fabric_other.mask; i++)
        if (cov->fabric_other.slots[i].key != DTI_EMPTY_KEY)
            out->keys[out->n++] = global_key(cov, cov->fabric_other.slots[i].key);
    if (dti_keys_sort(out->keys, out->n) != 0)
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < out->n; i++)
        if (kept == 0 || out->keys[i] != out->keys[kept - 1])
            out->keys[kept++] = out->keys[i];
    out->n = kept;
    return 0;
}

/* A k-way merge of the sorted lists through a binary heap of their heads. */
int dti_key_lists_shared(const dti_key_list *lists, size_t k, size_t *first, size_t *second,
                         uint64_t *key)
{
    size_t *heap = malloc((k ? k : 1) * sizeof *heap), *pos = calloc(k ? k : 1, sizeof *pos);
    size_t used = 0;
    int shared = 0;
    if (!heap || !pos) {
        free(heap);
        free(pos);
        return -1;
    }
#define HEAD(j) (lists[heap[j]].keys[pos[heap[j]]])
    for (size_t i = 0; i < k; i++) {
        if (lists[i].n == 0)
            continue;
        size_t j = used++;
        heap[j] = i;
        while (j > 0 && HEAD((j - 1) / 2) > HEAD(j)) {
            size_t parent = (j - 1) / 2, t = heap[parent];
            heap[parent] = heap[j];
            heap[j] = t;
            j = parent;
        }
    }
    uint64_t last = 0;
    size_t last_list = 0;
    int have_last = 0;
    while (used > 0 && !shared) {
        uint64_t head = HEAD(0);
        if ((shared = have_last && head == last)) {
            *first = last_list;
            *second = heap[0];
            *key = head;
            break;
        }
        last = head;
        last_list = heap[0];
        have_last = 1;
        if (++pos[heap[0]] == lists[heap[0]].n)
            heap[0] = heap[--used];
        for (size_t j = 0;;) { /* sift down */
            size_t l = 2 * j + 1, r = l + 1, m = j;
            if (l < used && HEAD(l) < HEAD(m))
                m = l;
            if (r < used && HEAD(r) < HEAD(m))
                m = r;
            if (m == j)
                break;
            size_t t = heap[m];
            heap[m] = heap[j];
            heap[j] = t;
            j = m;
        }
    }
#undef HEAD
    free(heap);
    free(pos);
    return shared;
}

/* ---- the run ---- */

void dti_run_totals_add(dti_run_totals *t, const dti_coverage *cov)
{
    t->locations += cov->location_count;
    t->rows += cov->rows;
    t->bad_rows += cov->bad_rows;
    t->fabric_added += cov->fabric_added;
    t->files += cov->files;
    t->groups++;
}

/* Read one state's coverage and add its regions to the partial. */
static dt_status one_state(const dti_state_run *run, int state, const dti_inputs *bdc,
                           dti_state_set *seen, int seen_known, dti_partial *partial,
                           dti_run_totals *totals, dti_key_list *keys, int *foreign, dt_error *err)
{
    dti_coverage cov;
    dti_region_table regions = {0};
    dti_region_stats *stats = NULL;
    dt_status status = dti_coverage_init(&cov, run->rules, err);
    if (status != DT_OK)
        return status;
    cov.skip_bad_rows = run->skip_bad_rows;
    cov.state_filter = state;
    status = dti_coverage_read_bdc(&cov, bdc, run->threads, run->progress, run->user, err);
    if (status == DT_OK && run->fabric)
        status = dti_coverage_read_fabric(&cov, run->fabric, bdc, seen, seen_known, err);
    *foreign = status == DT_OK && cov.foreign_rows > 0;
    if (status == DT_OK && !*foreign && dti_key_list_collect(&cov, keys) != 0)
        status = dti_nomem(err);
    if (status == DT_OK && !*foreign)
        status = dti_regions_by_prefix(&cov, run->prefix_digits, &regions, err);
    if (status == DT_OK && !*foreign)
        status = dti_region_stats_compute(&cov, &regions, &stats, err);
    if (status == DT_OK && !*foreign)
        status = dti_partial_add(partial, &cov, &regions, stats, err);
    if (status == DT_OK)
        dti_run_totals_add(totals, &cov);
    free(stats);
    dti_regions_free(&regions);
    dti_coverage_free(&cov);
    return status;
}

dt_status dti_stats_by_state(const dti_state_run *run, dti_partial *partial, dti_run_totals *totals,
                             dti_state_fallback *fallback, dt_error *err)
{
    size_t nfabric = run->fabric ? run->fabric->count : 0, nbdc = run->bdc->count;
    dti_state_set *seen = calloc(nfabric + 1, sizeof *seen), in_fabric = {{0, 0}}, done = {{0, 0}};
    dti_key_list *keys = calloc(100, sizeof *keys);
    size_t groups = 0;
    dt_status status = seen && keys ? DT_OK : dti_nomem(err);
    *fallback = DTI_FALLBACK_NONE;
    /* pass 0: the states of the BDC files; pass 1: states only the fabric has */
    for (int pass = 0; pass < 2 && status == DT_OK && !*fallback; pass++) {
        for (int state = 0; state < 100 && status == DT_OK && !*fallback; state++) {
            int present = 0;
            for (size_t i = 0; pass == 0 && i < nbdc; i++)
                present |= run->bdc_states[i] == state;
            if (pass == 1)
                present = dti_state_set_has(&in_fabric, state) && !dti_state_set_has(&done, state);
            if (!present)
                continue;
            dti_inputs group;
            int foreign = 0, first = groups == 0;
            /* files with no data row go with the first state, which reads their header */
            status = inputs_of_state(run->bdc, run->bdc_states, pass == 0 ? state : 1000, first,
                                     &group, err);
            if (status == DT_OK)
                status = one_state(run, state, &group, seen, !first, partial, totals, &keys[groups],
                                   &foreign, err);
            dti_inputs_free(&group);
            groups++;
            dti_state_set_add(&done, state);
            for (size_t i = 0; first && status == DT_OK && i < nfabric; i++) {
                in_fabric.bits[0] |= seen[i].bits[0];
                in_fabric.bits[1] |= seen[i].bits[1];
            }
            if (foreign)
                *fallback = DTI_FALLBACK_MIXED_FILE;
        }
        if (pass == 0 && groups == 0)
            *fallback = DTI_FALLBACK_ERROR; /* no state known: read them together */
    }
    if (status == DT_OK && !*fallback) {
        size_t first, second;
        uint64_t key;
        int shared = dti_key_lists_shared(keys, groups, &first, &second, &key);
        if (shared < 0)
            status = dti_nomem(err);
        else if (shared)
            *fallback = DTI_FALLBACK_TWO_STATES;
    }
    /* Any other error: reading all states together reports the first one in
     * the order of the inputs, as every path must. */
    if (status != DT_OK && status != DT_ERR_CANCEL && status != DT_ERR_NOMEM) {
        *fallback = DTI_FALLBACK_ERROR;
        status = DT_OK;
    }
    for (size_t g = 0; keys && g < groups; g++)
        free(keys[g].keys);
    free(keys);
    free(seen);
    return status;
}
