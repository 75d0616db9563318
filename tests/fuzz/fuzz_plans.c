/* SPDX-License-Identifier: MIT */
/* Fuzz target: the plans file of --plans (prices.c), and a price lookup in what it read. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *path = fuzz_vsimem("plans.csv", data, size);
    dti_plans plans;
    dt_error err = {0};
    dt_status status = dti_plans_read(path, &plans, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        for (size_t i = 0; i < plans.count; i++) {
            const dti_plan *p = &plans.plans[i];
            int64_t price =
                dti_plans_price(&plans, p->provider, p->technology, p->state, p->down, p->up);
            fuzz_check(price >= 0 && price <= p->price, "a plan read is found at its price or less",
                       NULL);
        }
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    }
    dti_plans_free(&plans);
    fuzz_vsimem_drop(path);
    return 0;
}
