/* SPDX-License-Identifier: MIT */
/* Unit tests of the threads' merge (dti_coverage_merge): on many generated pairs of coverages,
 * the merge in parts on 2, 3 and 7 threads leaves dst exactly as the merge on one thread does
 * (the same locations in the same dense order, their keys, blocks and folds, the hash table's
 * answers, the conflicts), and a fixture worked by hand on one thread and on three. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

static unsigned long long rng;
static unsigned next_rand(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

typedef struct shape {
    unsigned rows, key_range, blocks, named;
} shape;

/* A coverage of rows drawn from the shape (the same seed: the same coverage). A location's
 * block is a function of its key and the seed's side, so a key that both sides hold with
 * another block is a conflict. */
static void fill(dti_coverage *cov, const shape *s, unsigned long long seed, int side)
{
    rng = seed;
    int refused = 0;
    for (unsigned i = 0; i < s->rows; i++) {
        dti_parsed_row r;
        memset(&r, 0, sizeof r);
        uint64_t id = 1 + next_rand(s->key_range);
        if (s->named && next_rand(8) == 0) {
            char name[32];
            int n = snprintf(name, sizeof name, "0%llu", (unsigned long long)id);
            r.key = DTI_NAMED_BIT | dti_strtab_intern(&cov->location_names, name, (size_t)n);
        } else {
            r.key = id;
        }
        unsigned block = (unsigned)(id * 2654435761u % s->blocks);
        if (side && id % 97 == 0)
            block = (block + 1) % s->blocks; /* a conflict with the other side */
        r.geoid = 80010001000000ULL + block;
        char provider[16];
        int n = snprintf(provider, sizeof provider, "%u", 1000 + next_rand(40));
        r.provider = dti_coverage_provider(cov, provider, (size_t)n);
        r.down = (int64_t)next_rand(2000) * DTI_MICRO;
        r.up = (int64_t)next_rand(300) * DTI_MICRO;
        r.flags = (uint8_t)next_rand(256);
        r.residential = (uint8_t)next_rand(2);
        r.tech = (uint8_t)(1u << next_rand(6));
        r.price = -1;
        size_t stop = 0;
        char why[256];
        refused += dti_coverage_apply(cov, &r, 1, &stop, why, sizeof why) != 0;
    }
    CHECK_INT(refused, 0);
}

static int same_location(const dti_location *a, const dti_location *b)
{
    return a->best_down == b->best_down && a->best_up == b->best_up && a->block == b->block &&
           a->flags == b->flags && a->residential == b->residential &&
           a->served_techs == b->served_techs && a->underserved_techs == b->underserved_techs;
}

/* dst after the merge in parts against dst after the merge on one thread. */
static int same_coverage(const dti_coverage *a, const dti_coverage *b)
{
    if (a->location_count != b->location_count || a->block_count != b->block_count ||
        a->conflicts != b->conflicts || a->rows != b->rows ||
        a->location_index.count != b->location_index.count)
        return 0;
    for (size_t i = 0; i < a->location_count; i++) {
        if (a->location_keys[i] != b->location_keys[i] ||
            !same_location(&a->locations[i], &b->locations[i]))
            return 0;
        uint64_t key = a->location_keys[i];
        const dti_u64slot *x = dti_u64map_find_hashed(&a->location_index, key, dti_hash64(key));
        const dti_u64slot *y = dti_u64map_find_hashed(&b->location_index, key, dti_hash64(key));
        if (!x || !y || x->value != i || y->value != i || x->tag != y->tag ||
            x->tag != a->locations[i].block)
            return 0;
    }
    for (size_t i = 0; i < a->block_count; i++)
        if (a->block_geoids[i] != b->block_geoids[i])
            return 0;
    return 1;
}

/* The merge worked out apart from it, location by location through the ids (dti_location_id,
 * dti_coverage_find_location): every location of dst before (a copy: before) and of src is in
 * merged, folded from both; a location of both in two blocks is a conflict; nothing else. */
static int merged_as_expected(const dti_coverage *merged, const dti_location *before,
                              size_t before_count, const uint64_t *before_geoids,
                              const dti_coverage *src)
{
    size_t fresh = 0, conflicts = 0;
    char id[32];
    for (size_t i = 0; i < before_count; i++) {
        const char *text = dti_location_id(merged, i, id, sizeof id);
        uint32_t in_src = dti_coverage_find_location(src, text, strlen(text));
        dti_location want = before[i];
        if (in_src != UINT32_MAX) {
            dti_location_fold(&want, &src->locations[in_src]);
            conflicts +=
                src->block_geoids[src->locations[in_src].block] != before_geoids[before[i].block];
        }
        const dti_location *got = &merged->locations[i];
        if (got->best_down != want.best_down || got->best_up != want.best_up ||
            got->flags != want.flags || got->residential != want.residential ||
            got->served_techs != want.served_techs ||
            got->underserved_techs != want.underserved_techs ||
            merged->block_geoids[got->block] != before_geoids[before[i].block])
            return 0;
    }
    for (size_t i = 0; i < src->location_count; i++) {
        const char *text = dti_location_id(src, i, id, sizeof id);
        uint32_t at = dti_coverage_find_location(merged, text, strlen(text));
        if (at == UINT32_MAX)
            return 0;
        if (at < before_count)
            continue;
        fresh++;
        const dti_location *got = &merged->locations[at], *want = &src->locations[i];
        if (got->best_down != want->best_down || got->best_up != want->best_up ||
            got->flags != want->flags ||
            merged->block_geoids[got->block] != src->block_geoids[want->block])
            return 0;
    }
    return merged->location_count == before_count + fresh && merged->conflicts == conflicts;
}

static void compare(const shape *ds, const shape *ss, unsigned long long seed, int threads)
{
    dt_error err = {0};
    dti_rules rules;
    dti_rules_default(&rules);
    dti_coverage one, parts, src;
    CHECK_INT(dti_coverage_init(&one, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_init(&parts, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_init(&src, &rules, &err), DT_OK);
    fill(&one, ds, seed, 0);
    fill(&parts, ds, seed, 0);
    fill(&src, ss, seed * 31 + 7, 1);
    size_t before_count = one.location_count;
    dti_location *before = malloc((before_count + 1) * sizeof *before);
    uint64_t *before_geoids = malloc((one.block_count + 1) * sizeof *before_geoids);
    memcpy(before, one.locations, before_count * sizeof *before);
    memcpy(before_geoids, one.block_geoids, one.block_count * sizeof *before_geoids);
    CHECK_INT(dti_coverage_merge(&one, &src, 1, &err), DT_OK);
    CHECK(merged_as_expected(&one, before, before_count, before_geoids, &src));
    free(before);
    free(before_geoids);
    CHECK_INT(dti_coverage_merge(&parts, &src, threads, &err), DT_OK);
    int same = same_coverage(&one, &parts);
    CHECK(same);
    if (!same)
        fprintf(stderr, "merge in %d parts differs: seed %llu, %u and %u rows\n", threads, seed,
                ds->rows, ss->rows);
    dti_coverage_free(&one);
    dti_coverage_free(&parts);
    dti_coverage_free(&src);
}

/* By hand: dst holds locations 1, 2 and 5, src 2 (faster), 3, 4 and 1000 to 1039: after the
 * merge 1, 2, 5, 3, 4, 1000 ... 1039 in that order, 2 with src's speed, four blocks. */
static void test_fixture(int threads)
{
    dt_error err = {0};
    dti_rules rules;
    dti_rules_default(&rules);
    dti_coverage dst, src;
    CHECK_INT(dti_coverage_init(&dst, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_init(&src, &rules, &err), DT_OK);
    const struct {
        int side;
        uint64_t key, geoid;
        int down;
    } rows[] = {{0, 1, 80010001001001ULL, 25},  {0, 2, 80010001001002ULL, 100},
                {1, 2, 80010001001002ULL, 940}, {1, 3, 80010001001003ULL, 10},
                {1, 4, 80010001001001ULL, 50},  {0, 5, 80010001001001ULL, 5}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        dti_coverage *cov = rows[i].side ? &src : &dst;
        dti_parsed_row r;
        memset(&r, 0, sizeof r);
        r.key = rows[i].key;
        r.geoid = rows[i].geoid;
        r.down = r.up = (int64_t)rows[i].down * DTI_MICRO;
        r.provider = dti_coverage_provider(cov, "130077", 6);
        r.price = -1;
        size_t stop;
        char why[256];
        CHECK_INT(dti_coverage_apply(cov, &r, 1, &stop, why, sizeof why), 0);
    }
    for (int k = 0; k < 40; k++) { /* enough locations in src for parts */
        dti_parsed_row r;
        memset(&r, 0, sizeof r);
        r.key = 1000 + (uint64_t)k;
        r.geoid = 80010001002000ULL;
        r.provider = dti_coverage_provider(&src, "130077", 6);
        r.price = -1;
        size_t stop;
        char why[256];
        CHECK_INT(dti_coverage_apply(&src, &r, 1, &stop, why, sizeof why), 0);
    }
    CHECK_INT(dti_coverage_merge(&dst, &src, threads, &err), DT_OK);
    CHECK_INT(dst.location_count, 5 + 40);
    CHECK_INT(dst.conflicts, 0);
    const uint64_t order[] = {1, 2, 5, 3, 4, 1000, 1001};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        CHECK_INT(dst.location_keys[i], order[i]);
    CHECK_INT(dst.location_keys[44], 1039);
    CHECK_INT(dst.locations[1].best_down, 940 * DTI_MICRO); /* location 2: src's faster row */
    CHECK_INT(dst.locations[0].best_down, 25 * DTI_MICRO);
    CHECK_INT(dst.locations[3].best_down, 10 * DTI_MICRO);
    CHECK_INT(dst.block_geoids[dst.locations[4].block], 80010001001001ULL);
    CHECK_INT(dst.block_count, 4);
    dti_coverage_free(&dst);
    dti_coverage_free(&src);
}

int main(void)
{
    for (int threads = 1; threads <= 3; threads += 2)
        test_fixture(threads);
    static const int thread_counts[] = {2, 3, 7};
    for (unsigned c = 0; c < 240; c++) {
        rng = 0x9e3779b97f4a7c15ULL + c;
        shape ds = {next_rand(4000), 0, 1 + next_rand(900), c % 5 == 0};
        shape ss = {next_rand(4000), 0, ds.blocks, c % 7 == 0};
        unsigned range = 1 + next_rand(6000);
        ds.key_range = ss.key_range = range;
        compare(&ds, &ss, 1000 + c, thread_counts[c % 3]);
    }
    return dt_unit_report("merge");
}
