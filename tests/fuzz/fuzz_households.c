/* SPDX-License-Identifier: MIT */
/* Fuzz target: the block households file (geoid,households) of stats --households. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *path = fuzz_vsimem("households.csv", data, size);
    dti_block_counts counts;
    dt_error err = {0};
    dt_status status = dti_households_read(path, &counts, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK)
        for (size_t i = 0; i < counts.count; i++)
            fuzz_check(dti_u64map_get(&counts.index, counts.geoids[i]) == i,
                       "every block read is found again", NULL);
    else
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    dti_block_counts_free(&counts);
    fuzz_vsimem_drop(path);
    return 0;
}
