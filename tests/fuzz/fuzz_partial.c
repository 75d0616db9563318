/* SPDX-License-Identifier: MIT */
/* Fuzz target: the partial-file reader of dialtone merge (partial.c), read as merge reads it
 * (twice: the second read of the same partial must be refused, never counted twice), then
 * checked and finished. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *path = fuzz_vsimem("part.partial", data, size);
    dti_partial p;
    dt_error err = {0};
    dt_status status = dti_partial_init(&p, NULL, 0, &err);
    if (status == DT_OK)
        status = dti_partial_read(&p, path, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        uint64_t locations = p.locations;
        dt_status again = dti_partial_read(&p, path, &err);
        fuzz_check_error(again, &err);
        fuzz_check(again != DT_OK || p.locations == locations || locations == 0,
                   "a partial read twice is refused", &err);
        status = dti_partial_check_keys(&p, &err);
        fuzz_check_error(status, &err);
        dti_region_table regions = {0};
        dti_region_stats *stats = NULL;
        if (status == DT_OK) {
            status = dti_partial_finish(&p, &regions, &stats, &err);
            fuzz_check_error(status, &err);
        }
        if (status == DT_OK)
            for (size_t r = 0; r < regions.count; r++)
                fuzz_check(stats[r].unserved + stats[r].underserved + stats[r].served ==
                               stats[r].locations,
                           "a region's classes add up to its locations", NULL);
        free(stats);
        dti_regions_free(&regions);
    }
    dti_partial_free(&p);
    fuzz_vsimem_drop(path);
    return 0;
}
