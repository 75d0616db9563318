/* SPDX-License-Identifier: MIT */
/* Fuzz target: TIGER block attributes (blocks.c: GEOID20, INTPTLAT20/INTPTLON20, ALAND20,
 * AWATER20, HOUSING20, POP20) read from a CSV layer with a CRS (fuzz_vrt.h). */
#include "fuzz_vrt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char *spec = (char *)fuzz_csv_layer(
        "blocks", data, size,
        "\"WKT\",\"String(15)\",\"Integer64\",\"Integer64\",\"String(11)\",\"String(12)\","
        "\"Integer64\",\"Integer64\"");
    dti_blocks blocks;
    dt_error err = {0};
    dt_status status = dti_blocks_read(&blocks, &spec, 1, NULL, NULL, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        for (size_t i = 0; i < blocks.count; i++) {
            fuzz_check(blocks.lat[i] >= -90 && blocks.lat[i] <= 90 && blocks.lon[i] >= -180 &&
                           blocks.lon[i] <= 180,
                       "internal points are in range", NULL);
            fuzz_check(blocks.aland[i] >= 0 && blocks.awater[i] >= 0, "areas are not negative",
                       NULL);
            fuzz_check(dti_blocks_find(&blocks, blocks.geoids[i]) == i,
                       "every block is found again", NULL);
        }
        dti_blocks_free(&blocks);
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the layer", &err);
    }
    return 0;
}
