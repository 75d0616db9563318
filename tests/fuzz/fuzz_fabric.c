/* SPDX-License-Identifier: MIT */
/* Fuzz target: the location fabric, as stats reads it after the BDC rows (coverage.c: block
 * checks, bsl_flag, unreported locations added) and as --measured reads its coordinates
 * (measured.c), against a fixed two-location BDC file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char fixed_bdc[] =
    "frn,provider_id,brand_name,location_id,technology,max_advertised_download_speed,"
    "max_advertised_upload_speed,low_latency,business_residential_code,state_usps,block_geoid,"
    "h3_res8_id\n"
    "0001,130001,A,1001,50,1000,1000,1,R,CO,080010001001001,x\n"
    "0001,130001,A,1002,40,100,20,1,B,CO,080010001001002,x\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char bdc_path[256];
    strcpy(bdc_path, fuzz_vsimem("bdc.csv", (const uint8_t *)fixed_bdc, sizeof fixed_bdc - 1));
    const char *path = fuzz_vsimem("fabric.csv", data, size);
    char *bdc_args[] = {bdc_path}, *fabric_args[] = {(char *)path};
    dti_rules rules;
    dti_rules_default(&rules);
    dti_inputs bdc, fabric;
    dti_coverage cov;
    dt_error err = {0};
    if (dti_inputs_expand(bdc_args, 1, &bdc, &err) != DT_OK ||
        dti_inputs_expand(fabric_args, 1, &fabric, &err) != DT_OK ||
        dti_coverage_init(&cov, &rules, &err) != DT_OK ||
        dti_coverage_read_bdc(&cov, &bdc, 1, NULL, NULL, &err) != DT_OK)
        fuzz_check(0, "the fixed BDC file reads", &err);
    size_t before = cov.location_count;
    dt_status status = dti_coverage_read_fabric(&cov, &fabric, &bdc, NULL, 0, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        fuzz_check(cov.location_count == before + cov.fabric_added,
                   "the fabric adds only unreported locations", NULL);
        size_t n = cov.location_count, located;
        double *lon = malloc((n ? n : 1) * sizeof *lon), *lat = malloc((n ? n : 1) * sizeof *lat);
        if (!lon || !lat)
            abort();
        status = dti_fabric_coordinates(&cov, &fabric, lon, lat, &located, &err);
        fuzz_check_error(status, &err);
        for (size_t i = 0; status == DT_OK && i < n; i++)
            fuzz_check(isnan(lon[i]) || (fabs(lon[i]) <= 180 && fabs(lat[i]) <= 90),
                       "coordinates are in range", NULL);
        free(lon);
        free(lat);
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the file", &err);
    }
    dti_coverage_free(&cov);
    dti_inputs_free(&bdc);
    dti_inputs_free(&fabric);
    fuzz_vsimem_drop(path);
    fuzz_vsimem_drop(bdc_path);
    return 0;
}
