/* SPDX-License-Identifier: MIT */
/* Fuzz target: plan's land area file (--land geoid,land_km2, plan_land.c). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *path = fuzz_vsimem("land.csv", data, size);
    dti_land land;
    dt_error err = {0};
    dt_status status = dti_land_read_csv(&land, path, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        dti_decimal km2;
        (void)dti_land_find(&land, "01001", &km2);
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    }
    dti_land_free(&land);
    fuzz_vsimem_drop(path);
    return 0;
}
