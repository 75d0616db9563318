/* SPDX-License-Identifier: MIT */
/* Fuzz target: dialtone run's configuration file (run_config.c). It is read from a real
 * directory (the config's paths are relative to it) that holds files named bdc.csv,
 * fabric.csv, costs.csv, land.csv and households.csv, so that lines naming them get past the
 * existence check. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    static int made;
    if (!made) {
        made = 1;
        static const char *const names[] = {"bdc.csv",  "fabric.csv",     "costs.csv",
                                            "land.csv", "households.csv", "regions.gpkg"};
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            fuzz_file(names[i], (const uint8_t *)"x\n", 2);
    }
    const char *path = fuzz_file("dialtone.conf", data, size);
    dti_run_config c;
    dt_error err = {0};
    dt_status status = dti_run_config_read(&c, path, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        fuzz_check(dti_run_config_path(&c, DTI_RUN_BDC) != NULL, "a config has its bdc files",
                   NULL);
        for (int k = 0; k < DTI_RUN_KEY_COUNT; k++)
            (void)dti_run_config_text(&c, k);
        dti_run_config_free(&c);
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    }
    return 0;
}
