/* SPDX-License-Identifier: MIT */
/* Fuzz target: Ookla's open-data tile fields (measured.c: avg_d_kbps, avg_u_kbps, tests and
 * the tile polygons) read from a CSV layer with a CRS (fuzz_vrt.h), then a point lookup. */
#include "fuzz_vrt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *spec = fuzz_csv_layer(
        "tiles", data, size,
        "\"WKT\",\"String\",\"Integer\",\"Integer\",\"Integer\",\"Integer\",\"Integer\"");
    dt_error err = {0};
    dti_tiles *tiles = dti_tiles_open(spec, &err);
    dt_status status = tiles ? DT_OK : err.status;
    if (tiles)
        status = dti_tiles_load(tiles, NULL, &err);
    fuzz_check_error(status, &err);
    if (status == DT_OK) {
        (void)dti_tiles_find(tiles, -99.995, 40.005);
        (void)dti_tiles_find(tiles, 0, 0);
    } else {
        fuzz_check(status == DT_ERR_NOMEM || err.file[0], "an error names the layer", &err);
    }
    dti_tiles_free(tiles);
    return 0;
}
