/* SPDX-License-Identifier: MIT */
/* Fuzz target: the BDC availability reader (tokenizer, header, rows, .gz and .zip streams),
 * through the sequential reader and the chunked parallel reader (3 threads, 97-byte chunks),
 * with and without --skip-bad-rows. Property: both readers give the same status, error and
 * coverage (SPEC: no number depends on the thread count or chunk size). */
#include <stdio.h>
#include <string.h>

#include <cpl_conv.h>

#include "fuzz.h"

/* An order-free digest of a coverage: what stats prints is a function of it. */
typedef struct digest {
    uint64_t locations, blocks, providers, rows, bad_rows, sum, mix;
} digest;

static uint64_t mix_text(uint64_t h, const char *s)
{
    while (*s)
        h = dti_hash64(h ^ (unsigned char)*s++);
    return h;
}

static void take_digest(const dti_coverage *cov, digest *d)
{
    memset(d, 0, sizeof *d);
    d->locations = cov->location_count;
    d->blocks = cov->block_count;
    d->providers = cov->providers.count;
    d->rows = cov->rows;
    d->bad_rows = cov->bad_rows;
    for (size_t i = 0; i < cov->location_count; i++) {
        char id[128];
        const dti_location *loc = &cov->locations[i];
        uint64_t h = mix_text(1, dti_location_id(cov, i, id, sizeof id));
        h = dti_hash64(h ^ (uint64_t)loc->best_down);
        h = dti_hash64(h ^ (uint64_t)loc->best_up);
        h = dti_hash64(h ^ loc->flags ^ (uint64_t)loc->residential << 8 ^
                       (uint64_t)loc->served_techs << 16 ^ (uint64_t)loc->underserved_techs << 24);
        h = dti_hash64(h ^ cov->block_geoids[loc->block]);
        d->sum += h; /* a sum does not depend on the order of the locations */
        d->mix ^= dti_hash64(h);
    }
}

static dt_status read_once(const char *path, int threads, int skip_bad_rows, digest *d,
                           dt_error *err)
{
    dti_rules rules;
    dti_rules_default(&rules);
    dti_coverage cov;
    dti_inputs inputs;
    char *args[] = {(char *)path};
    memset(err, 0, sizeof *err);
    dt_status status = dti_inputs_expand(args, 1, &inputs, err);
    if (status != DT_OK)
        return status;
    status = dti_coverage_init(&cov, &rules, err);
    if (status == DT_OK) {
        cov.skip_bad_rows = skip_bad_rows;
        status = dti_coverage_read_bdc(&cov, &inputs, threads, NULL, NULL, err);
        if (status == DT_OK)
            take_digest(&cov, d);
    }
    dti_coverage_free(&cov);
    dti_inputs_free(&inputs);
    return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    CPLSetConfigOption("DIALTONE_CHUNK_SIZE", "97");
    /* the name says how the bytes are read, as a user's file name would */
    const char *name = size >= 2 && data[0] == 0x1f && data[1] == 0x8b ? "bdc.csv.gz"
                       : size >= 2 && data[0] == 'P' && data[1] == 'K' ? "bdc.zip"
                                                                       : "bdc.csv";
    const char *path = fuzz_vsimem(name, data, size);
    for (int skip = 0; skip < 2; skip++) {
        digest seq, par;
        dt_error e1, e2;
        dt_status s1 = read_once(path, 1, skip, &seq, &e1);
        dt_status s2 = read_once(path, 3, skip, &par, &e2);
        fuzz_check_error(s1, &e1);
        fuzz_check_error(s2, &e2);
        fuzz_check(s1 == s2, "both readers return the same status", &e2);
        if (s1 == DT_OK) {
            fuzz_check(memcmp(&seq, &par, sizeof seq) == 0, "both readers give the same coverage",
                       NULL);
        } else {
            fuzz_check(strcmp(e1.message, e2.message) == 0 && e1.line == e2.line &&
                           strcmp(e1.file, e2.file) == 0,
                       "both readers give the same error", &e2);
            fuzz_check(s1 == DT_ERR_NOMEM || e1.file[0], "a bad input's error names the file", &e1);
        }
    }
    fuzz_vsimem_drop(path);
    return 0;
}
