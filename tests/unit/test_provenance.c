/* SPDX-License-Identifier: MIT */
/* Unit tests of provenance.c under jansson's allocation failures: the test routes jansson's
 * allocations through a counting allocator (json_set_alloc_funcs, a process-wide setting a
 * test program may make) and fails the Nth, for every N. Every builder, the deep copy, the
 * compact text and the sidecar must then give either exactly what they give with no failure,
 * or nothing (NULL, a spoiled provenance, DT_ERR_NOMEM): never a provenance with a member
 * silently missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "unit.h"

static long allocations; /* jansson's allocations counted so far */
static long fail_at;     /* the one that fails; 0: none */

static void *counting_malloc(size_t size)
{
    if (++allocations == fail_at)
        return NULL;
    return malloc(size);
}

static void arm(long n)
{
    allocations = 0;
    fail_at = n;
}

/* Every builder once: what a stats table, a plan and a merge say. */
static json_t *build(void)
{
    dti_rules rules;
    dti_rules_default(&rules);
    json_t *p = dti_prov_new("stats");
    dti_prov_rules(p, &rules);
    dti_prov_regions(p, NULL, "areas.gpkg", "GEOID");
    dti_state_set states;
    memset(&states, 0, sizeof states);
    dti_state_set_add(&states, 20);
    dti_state_set_add(&states, 31);
    dti_prov_states(p, &states);
    char *paths[] = {"a/bdc_20_Cable_fixed_broadband_J24.csv", "bdc_31_Fiber_D23.zip",
                     "bdc_31_Other_J24.csv"};
    uint64_t sizes[] = {1200, 3400, 5};
    dti_fingerprint f0 = {0x0123456789abcdefULL, 1200, 1}, f1 = {42, 9000, 1}, f2 = {0, 0, 0};
    dti_fingerprint *prints[] = {&f0, &f1, &f2};
    dti_inputs in = {
        .paths = paths, .display = paths, .sizes = sizes, .count = 3, .prints = prints};
    dti_prov_inputs(p, "inputs", &in);
    dti_prov_inputs(p, "fabric", &in);
    dti_prov_set_text(p, "universe", "reported locations only");
    dti_prov_set_text(p, "area", NULL);
    dti_prov_set_int(p, "block_layers", 3);
    dti_prov_set_bool(p, "exact", 1);
    json_t *source = dti_prov_new("plan");
    dti_prov_add_pass(source, "unserved", 1, 3, 1234, 56789012, 2, 1000, 4000000);
    dti_prov_add_pass(source, "underserved", 0, 1, 5, 6, 1, 5, 6);
    if (dti_prov_ok(source)) /* as the callers do: a spoiled part spoils the whole */
        dti_prov_set_object(p, "source", source);
    else
        json_object_del(p, "dialtone");
    json_decref(source);
    dti_partial part;
    dt_error err = {0};
    if (dti_partial_init(&part, &rules, 5, &err) == DT_OK) {
        part.fabric = 1;
        part.states = states;
        dti_strtab_intern(&part.inputs, "bdc_20.csv\t1200", 15);
        dti_strtab_intern(&part.inputs, "bdc_31.csv\t77", 13);
        char *sources[] = {"a.partial", "b.partial"};
        part.sources = sources;
        part.source_count = 2;
        json_t *merged = dti_prov_new("merge");
        dti_prov_partial(merged, &part);
        if (dti_prov_ok(merged))
            dti_prov_set_object(p, "merged", merged);
        else
            json_object_del(p, "dialtone");
        json_decref(merged);
        part.sources = NULL;
        part.source_count = 0;
        dti_partial_free(&part);
    }
    return p;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *text = calloc(1, 1 << 16);
    if (text)
        fread(text, 1, (1 << 16) - 1, fp);
    fclose(fp);
    return text;
}

static void test_every_failure(void)
{
    arm(0);
    json_t *ref = build();
    long built = allocations; /* the builders' */
    char *ref_text = dti_prov_text(ref);
    long total = allocations; /* the builders' and the text's */
    CHECK(ref_text != NULL);
    CHECK(total > 100);
    /* what the reference holds, by hand: the fields a reader relies on */
    CHECK_STR(dti_prov_get_text(ref, "rules.served"), "100/20");
    CHECK_STR(dti_prov_get_text(ref, "regions.layer"), "areas.gpkg");
    CHECK_STR(dti_prov_get_text(ref, "source.dialtone"), dt_version());
    CHECK(strstr(ref_text, "\"vintage\":[\"June 2024\",\"December 2023\"]") != NULL);
    CHECK(strstr(ref_text, "\"xxh3\":\"0123456789abcdef\"") != NULL);
    CHECK(strstr(ref_text, "\"cost\":\"56.79\",") != NULL); /* $56.789012, to the cent */
    CHECK(strstr(ref_text, "\"partials\":[\"a.partial\",\"b.partial\"]") != NULL);
    CHECK(strstr(ref_text, "\"greedy_cost\":\"4\",\"greedy_funded\":2") != NULL);

    int whole = 1, spoiled = 0, survived = 0, spoiled_built = 0;
    for (long n = 1; n <= total; n++) {
        arm(n);
        json_t *p = build();
        char *text = dti_prov_text(p);
        if (text) {
            survived++;
            whole &= strcmp(text, ref_text) == 0;
        } else {
            spoiled++;
        }
        spoiled_built += n <= built && !dti_prov_ok(p);
        free(text);
        json_decref(p);
    }
    CHECK(whole);
    CHECK(spoiled > 0);
    CHECK_INT(spoiled_built, built); /* every allocation of a builder is part of the object */
    printf("provenance: %ld allocation points, %d spoiled, %d survived\n", total, spoiled,
           survived);

    /* the deep copy: whole or NULL */
    arm(0);
    json_t *copy = dti_prov_copy(ref);
    long copy_total = allocations;
    CHECK(json_equal(copy, ref));
    json_decref(copy);
    int copies = 1;
    for (long n = 1; n <= copy_total; n++) {
        arm(n);
        copy = dti_prov_copy(ref);
        copies &= copy == NULL || json_equal(copy, ref);
        json_decref(copy);
    }
    CHECK(copies);

    /* parsing: the same value, or out of memory (jansson alone can cut a string short) */
    arm(0);
    json_t *parsed = dti_json_parse(ref_text, strlen(ref_text), "ref", &(dt_error){0});
    long parse_total = allocations;
    CHECK(json_equal(parsed, ref));
    json_decref(parsed);
    int parses = 1;
    for (long n = 1; n <= 2 * parse_total; n++) {
        dt_error perr = {0};
        arm(n);
        parsed = dti_json_parse(ref_text, strlen(ref_text), "ref", &perr);
        parses &= parsed ? json_equal(parsed, ref) : perr.status == DT_ERR_NOMEM;
        json_decref(parsed);
    }
    CHECK(parses);
    dt_error serr = {0};
    arm(0);
    CHECK(dti_json_parse("{\"a\": [1,}", 10, "bad.json", &serr) == NULL);
    CHECK_INT(serr.status, DT_ERR_FORMAT);
    CHECK(strstr(serr.message, "not JSON") != NULL);

    /* the sidecar: the reference bytes, or DT_ERR_NOMEM and nothing claimed */
    const char *csv = dt_unit_temp_file("geoid,locations,pct\n20001,12,3.5\n", 33);
    char side[4096];
    snprintf(side, sizeof side, "%s.side", csv);
    dt_error err = {0};
    arm(0);
    CHECK_INT(dti_sidecar_write(csv, "t.csv", side, ref, &err), DT_OK);
    long side_total = allocations;
    char *ref_side = slurp(side);
    CHECK(ref_side && strstr(ref_side, "\"datatype\": \"decimal\"") != NULL);
    int sides = 1;
    for (long n = 1; n <= side_total; n++) {
        remove(side);
        arm(n);
        memset(&err, 0, sizeof err);
        dt_status st = dti_sidecar_write(csv, "t.csv", side, ref, &err);
        arm(0);
        char *got = st == DT_OK ? slurp(side) : NULL;
        int ok = st == DT_OK ? got && strcmp(got, ref_side) == 0 : st == DT_ERR_NOMEM;
        sides &= ok;
        free(got);
    }
    CHECK(sides);
    remove(side);

    /* a spoiled provenance is written nowhere */
    json_object_del(ref, "dialtone");
    CHECK(!dti_prov_ok(ref));
    CHECK(dti_prov_text(ref) == NULL);
    CHECK_INT(dti_sidecar_write(csv, "t.csv", side, ref, &err), DT_ERR_NOMEM);
    CHECK(!dti_prov_ok(NULL));
    free(ref_side);
    free(ref_text);
    json_decref(ref);
}

int main(void)
{
    json_set_alloc_funcs(counting_malloc, free);
    test_every_failure();
    return dt_unit_report("provenance");
}
