/* SPDX-License-Identifier: MIT */
/* Fuzz target: plan's cost model (--costs, plan_costs.c): read, check the tiling of densities,
 * and find the class of a few densities. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *path = fuzz_vsimem("costs.csv", data, size);
    dti_cost_model m;
    dt_error err = {0};
    dt_status status = dti_cost_model_read(&m, path, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        static const uint64_t locations[] = {0, 1, 7, 1000, UINT64_MAX / 4};
        for (size_t i = 0; i < sizeof locations / sizeof *locations; i++) {
            dti_decimal land = {3, 1}; /* 0.3 km2 */
            dti_decimal none = {0, 0};
            fuzz_check(dti_cost_class_of(&m, locations[i], land) != NULL,
                       "every density has a class", NULL);
            fuzz_check(dti_cost_class_of(&m, locations[i], none) != NULL,
                       "an infinite density has a class", NULL);
        }
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    }
    dti_cost_model_free(&m);
    fuzz_vsimem_drop(path);
    return 0;
}
