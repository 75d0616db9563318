/* SPDX-License-Identifier: MIT */
/* dialtone diff: two coverages compared location by location. */
#ifndef DIALTONE_DIFF_H
#define DIALTONE_DIFF_H

#include <stdio.h>

#include "coverage.h"
#include "stats.h"
#include "tables.h"

/* ---- dialtone diff: two coverages compared location by location (diff_compare.c) ---- */
enum {
    DTI_CHANGE_UPGRADED,
    DTI_CHANGE_DOWNGRADED,
    DTI_CHANGE_APPEARED,
    DTI_CHANGE_VANISHED,
    DTI_CHANGE_MOVED /* its block is in another region in the new release */
};

typedef struct dti_diff_region {
    uint64_t locations[2], served[2], underserved[2], unserved[2]; /* [0] old, [1] new */
    uint64_t appeared, vanished, upgraded, downgraded;
    uint64_t upgraded_by[DTI_TECH_COUNT], downgraded_by[DTI_TECH_COUNT];
} dti_diff_region;

typedef struct dti_diff_change {
    uint32_t old_index, new_index; /* UINT32_MAX where the location is absent */
    uint8_t kind;                  /* DTI_CHANGE_* */
    int8_t tech;                   /* index into dti_tech_names, -1 for none */
} dti_diff_change;

typedef struct dti_diff {
    char **ids; /* region ids, sorted: the GEOID prefixes of both releases */
    size_t count;
    dti_diff_region *regions;
    uint32_t *block_region[2]; /* per block of the old and the new coverage */
    uint64_t moved;
    dti_diff_change *changes; /* when asked for */
    size_t change_count, change_cap;
} dti_diff;

/* Compare old and new (whose location name table may grow by lookups) per region of
 * `digits` GEOID digits. A location that changed region counts as vanished from the old
 * region and appeared in the new one. Free with dti_diff_free(), also after a failure. */
dt_status dti_diff_compare(const dti_coverage *old, dti_coverage *new_cov, int digits,
                           int want_changes, dti_diff *d, dt_error *err);
void dti_diff_free(dti_diff *d);
/* The region table and the table of changed locations (sorted by location id) to a FILE *. */
/* The region table of changes to fp and/or into *mem (made here), either NULL; 0, or -1 out of
 * memory. */
int dti_diff_write(FILE *fp, dt_table **mem, const dti_diff *d);
void dti_diff_write_changes(FILE *stream, dti_diff *d, const dti_coverage *old,
                            const dti_coverage *new_cov);

#endif
