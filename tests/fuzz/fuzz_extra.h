/* SPDX-License-Identifier: MIT */
/* The income and benchmark targets: one of stats' --income / --benchmark files read by
 * dti_extra_load (with a fixed plans file, as the options require). */
#include <string.h>

#include "fuzz.h"

static const char fixed_plans[] = "provider_id,technology,max_advertised_download_speed,"
                                  "max_advertised_upload_speed,monthly_price\n"
                                  "100001,50,1000,1000,80.00\n";

static int fuzz_extra(const uint8_t *data, size_t size, int benchmark)
{
    fuzz_init();
    const char *plans =
        fuzz_vsimem("plans.csv", (const uint8_t *)fixed_plans, sizeof fixed_plans - 1);
    char plans_path[256];
    strcpy(plans_path, plans);
    const char *path = fuzz_vsimem(benchmark ? "benchmark.csv" : "income.csv", data, size);
    dti_extra_options x;
    memset(&x, 0, sizeof x);
    x.plans = plans_path;
    if (benchmark)
        x.benchmark = (char *)path;
    else
        x.income = (char *)path;
    dt_error err = {0};
    dti_extra_run *run = dti_extra_load(&x, &err);
    if (!run) {
        fuzz_check_error(err.status, &err);
        fuzz_check(err.status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    }
    dti_extra_free(run);
    fuzz_vsimem_drop(path);
    fuzz_vsimem_drop(plans_path);
    return 0;
}
