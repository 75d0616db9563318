/* SPDX-License-Identifier: MIT */
/* The distinct providers of each block as bitmaps over provider ordinals, and of each region. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int dti_block_providers_init(dti_block_providers *bp)
{
    memset(bp, 0, sizeof *bp);
    /* tests narrow the bitmaps (0: every provider in the pair set) to run the wide path */
    const char *bits = dti_config_option("DIALTONE_PROVIDER_BITS", NULL);
    long max_bits = bits ? atol(bits) : DTI_PROVIDER_BITS;
    bp->max_bits = max_bits < 0                   ? 0
                   : max_bits > DTI_PROVIDER_BITS ? DTI_PROVIDER_BITS
                                                  : (size_t)max_bits;
    return dti_u64set_init(&bp->wide, 16);
}

void dti_block_providers_free(dti_block_providers *bp)
{
    free(bp->bits);
    dti_u64set_free(&bp->wide);
    memset(bp, 0, sizeof *bp);
}

/* Bitmaps for `blocks` blocks of `words` words each, the old ones copied in.
 * calloc: pages never touched stay unmapped. */
static int resize(dti_block_providers *bp, size_t blocks, size_t words)
{
    if (words == 0 || blocks > SIZE_MAX / words / sizeof *bp->bits)
        return -1; /* blocks x words x 8 bytes past size_t: as out of memory */
    if (words == bp->words) {
        uint64_t *bits = realloc(bp->bits, blocks * words * sizeof *bits);
        if (!bits)
            return -1;
        memset(bits + bp->blocks * words, 0, (blocks - bp->blocks) * words * sizeof *bits);
        bp->bits = bits;
    } else {
        uint64_t *bits = calloc(blocks * words, sizeof *bits);
        if (!bits)
            return -1;
        for (size_t b = 0; b < bp->blocks; b++)
            memcpy(bits + b * words, bp->bits + b * bp->words, bp->words * sizeof *bits);
        free(bp->bits);
        bp->bits = bits;
        bp->words = words;
    }
    bp->blocks = blocks;
    bp->limit = words * 64 < bp->max_bits ? words * 64 : bp->max_bits;
    return 0;
}

int dti_block_providers_reserve(dti_block_providers *bp, size_t blocks)
{
    if (blocks <= bp->blocks || bp->max_bits == 0)
        return 0;
    return resize(bp, blocks, bp->words ? bp->words : 1);
}

int dti_block_providers_widen(dti_block_providers *bp, uint32_t block, uint32_t provider)
{
    /* a provider is in the bitmaps or in the pair set, whichever coverage it is merged into */
    if (provider >= bp->max_bits)
        return dti_u64set_add(&bp->wide, (uint64_t)block << 32 | provider) < 0 ? -1 : 0;
    size_t words = bp->words ? bp->words : 1, blocks = bp->blocks ? bp->blocks : 1024;
    while (provider >= words * 64)
        words *= 2;
    while (block >= blocks)
        blocks *= 2;
    if (resize(bp, blocks, words) != 0)
        return -1;
    return dti_block_providers_add(bp, block, provider);
}

/* Calls visit(user, block, provider) for each pair of bp (bitmaps over `blocks` blocks, then
 * the wide set). 0 done, or the first nonzero visit. */
static int each_pair(const dti_block_providers *bp, size_t blocks,
                     int (*visit)(void *user, uint32_t block, uint32_t provider), void *user)
{
    if (blocks > bp->blocks)
        blocks = bp->blocks;
    for (size_t b = 0; b < blocks; b++)
        for (size_t w = 0; w < bp->words; w++)
            for (uint64_t word = bp->bits[b * bp->words + w]; word; word &= word - 1) {
                int rc = visit(user, (uint32_t)b, (uint32_t)(w * 64 + __builtin_ctzll(word)));
                if (rc)
                    return rc;
            }
    for (size_t i = 0; i <= bp->wide.mask; i++) {
        uint64_t pair = bp->wide.keys[i];
        int rc = pair == DTI_EMPTY_KEY ? 0 : visit(user, (uint32_t)(pair >> 32), (uint32_t)pair);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct merge_pairs {
    dti_block_providers *dst;
    const uint32_t *blocks, *providers;
} merge_pairs;

static int merge_pair(void *user, uint32_t block, uint32_t provider)
{
    const merge_pairs *m = user;
    return dti_block_providers_add(m->dst, m->blocks[block], m->providers[provider]);
}

int dti_block_providers_merge(dti_block_providers *dst, const dti_block_providers *src,
                              size_t src_blocks, const uint32_t *blocks, const uint32_t *providers)
{
    merge_pairs m = {dst, blocks, providers};
    return each_pair(src, src_blocks, merge_pair, &m);
}

typedef struct region_pairs {
    const uint32_t *block_region;
    uint64_t *bits; /* per region: the OR of its blocks' bitmaps */
    size_t words;
    dti_u64set wide; /* region << 32 | provider from the blocks' wide pairs */
    int (*visit)(void *user, uint32_t region, uint32_t provider);
    void *user;
} region_pairs;

/* A wide pair (a provider beyond the bitmaps) of a block: visited once per region. */
static int region_pair(void *user, uint32_t block, uint32_t provider)
{
    region_pairs *r = user;
    uint32_t region = r->block_region[block];
    if (region == DTI_NO_REGION)
        return 0;
    int added = dti_u64set_add(&r->wide, (uint64_t)region << 32 | provider);
    return added < 0 ? -1 : added ? r->visit(r->user, region, provider) : 0;
}

int dti_region_providers_each(const dti_coverage *cov, const uint32_t *block_region, size_t nreg,
                              int (*visit)(void *user, uint32_t region, uint32_t provider),
                              void *user)
{
    const dti_block_providers *bp = &cov->block_providers;
    region_pairs r = {block_region, NULL, bp->words, {0}, visit, user};
    if (dti_u64set_init(&r.wide, 16) != 0)
        return -1;
    r.bits = calloc(nreg * r.words + 1, sizeof *r.bits);
    int rc = r.bits ? 0 : -1;
    /* the bitmaps' pairs are ORed word by word, the wide set's deduplicated in r.wide; a
     * provider ordinal is in one or the other, never both, so no pair is visited twice */
    size_t blocks = cov->block_count < bp->blocks ? cov->block_count : bp->blocks;
    for (size_t b = 0; rc == 0 && b < blocks; b++) {
        uint32_t region = block_region[b];
        if (region == DTI_NO_REGION)
            continue;
        for (size_t w = 0; w < r.words; w++)
            r.bits[region * r.words + w] |= bp->bits[b * bp->words + w];
    }
    dti_block_providers wide_only = *bp;
    wide_only.blocks = 0; /* the bitmaps are done */
    if (rc == 0)
        rc = each_pair(&wide_only, 0, region_pair, &r);
    for (size_t g = 0; rc == 0 && g < nreg; g++)
        for (size_t w = 0; rc == 0 && w < r.words; w++)
            for (uint64_t word = r.bits[g * r.words + w]; rc == 0 && word; word &= word - 1)
                rc = visit(user, (uint32_t)g, (uint32_t)(w * 64 + __builtin_ctzll(word)));
    free(r.bits);
    dti_u64set_free(&r.wide);
    return rc;
}
