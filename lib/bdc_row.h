/* SPDX-License-Identifier: MIT */
/* What a read BDC row becomes once its fields are checked (provider, use, flags, price,
 * tables): one body, inline in the fast reader's loop (bdc_fast.c) and behind
 * dti_bdc_finish_row for the reference reader (coverage.c). */
#ifndef DIALTONE_BDC_ROW_H
#define DIALTONE_BDC_ROW_H

#include <string.h>

#include "internal.h"

/* The row cache's slot of a provider id of 1 to 8 bytes, and the id as the words *lo and *hi
 * (with its length, exactly the id: overlapping for shorter ids, three single bytes below 4). */
static inline uint32_t dti_provider_slot(const dti_field *f, uint32_t *lo, uint32_t *hi)
{
    const char *s = f->s;
    uint32_t len = (uint32_t)f->len;
    *hi = 0;
    if (len >= 4) {
        memcpy(lo, s, 4);
        memcpy(hi, s + len - 4, 4);
    } else {
        *lo = (uint32_t)(unsigned char)s[0] | (uint32_t)(unsigned char)s[len >> 1] << 8 |
              (uint32_t)(unsigned char)s[len - 1] << 16;
    }
    _Static_assert(DTI_ROW_CACHE_SLOTS == 256, "the slot is the hash's top 8 bits");
    return (*lo * 0x9E3779B1u ^ *hi * 0x85EBCA77u ^ len) >> 24;
}

uint32_t dti_provider_of_miss(dti_coverage *cov, const dti_field *f, dti_row_cache *cache);

/* The provider index of a row's provider_id: provider ids repeat, a few of them interleaved,
 * so a repeat skips the lookup. UINT32_MAX: no memory. */
static inline uint32_t dti_provider_of(dti_coverage *cov, const dti_field *f, dti_row_cache *cache)
{
    if (f->len - 1 < 8) {
        uint32_t lo, hi, h = dti_provider_slot(f, &lo, &hi);
        if (cache->slot[h].len == f->len && cache->slot[h].lo == lo && cache->slot[h].hi == hi)
            return cache->slot[h].provider;
    }
    return dti_provider_of_miss(cov, f, cache);
}

/* dti_bdc_finish_row (coverage.h) */
static inline __attribute__((always_inline)) int
dti_bdc_finish_row_inline(dti_coverage *cov, const dti_bdc_layout *layout, const dti_field *f,
                          dti_row_cache *cache, dti_parsed_row *row, int technology,
                          int low_latency, int64_t down, int64_t up)
{
    const int *col = layout->col;
    if ((row->provider = dti_provider_of(cov, &f[col[DTI_BDC_PROVIDER]], cache)) == UINT32_MAX)
        return -1;
    if (cov->state_filter >= 0 && (int)(row->geoid / DTI_STATE_DIVISOR) != cov->state_filter)
        cov->foreign_rows++;
    /* R and X mark a residential location (SPEC: households) */
    const dti_field *use = &f[col[DTI_BDC_USE]];
    row->residential = use->len == 1 && (use->s[0] == 'R' || use->s[0] == 'X');
    dti_row_reduce(row, &cov->rules, &cache->flags, technology, low_latency, down, up);
    row->price = -1;
    if (cov->extras && (row->flags & DTI_FLAG_SERVED))
        dti_extras_price_row(cov->extras, row, technology, &f[col[DTI_BDC_STATE]]);
    if (cov->tables && dti_tables_parse_row(cov, layout, f, row, technology, down, up) != 0)
        return -1;
    return 0;
}

#endif
