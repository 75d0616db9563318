/* SPDX-License-Identifier: MIT */
/* The input as a CSV layer with a CRS (an OGR VRT over it: GDAL's CSV driver reads no .prj),
 * for the targets of layer attributes. An input of odd length also gets the typed columns
 * of a .csvt (typed_csvt), so that both text and number fields are read. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

static const char *fuzz_csv_layer(const char *name, const uint8_t *data, size_t size,
                                  const char *typed_csvt)
{
    static char vrt_path[256];
    char csv[256], csvt[256], vrt[1024];
    snprintf(csv, sizeof csv, "/vsimem/fuzz/%s.csv", name);
    snprintf(csvt, sizeof csvt, "/vsimem/fuzz/%s.csvt", name);
    fuzz_vsimem_drop(csvt);
    fuzz_vsimem(strrchr(csv, '/') + 1, data, size);
    if (size % 2)
        fuzz_vsimem(strrchr(csvt, '/') + 1, (const uint8_t *)typed_csvt, strlen(typed_csvt));
    int n = snprintf(vrt, sizeof vrt,
                     "<OGRVRTDataSource><OGRVRTLayer name=\"%s\"><SrcDataSource>%s"
                     "</SrcDataSource><SrcLayer>%s</SrcLayer><LayerSRS>EPSG:4269</LayerSRS>"
                     "<GeometryField encoding=\"WKT\" field=\"WKT\"/></OGRVRTLayer>"
                     "</OGRVRTDataSource>",
                     name, csv, name);
    snprintf(vrt_path, sizeof vrt_path, "%s",
             fuzz_vsimem("layer.vrt", (const uint8_t *)vrt, (size_t)n));
    return vrt_path;
}
