/* SPDX-License-Identifier: MIT */
/* Fuzz target: a GeoPackage block layer read two ways (blocks.c): with SQLite itself
 * (read_gpkg) and through OGR's GeoPackage driver (DIALTONE_GPKG=ogr). The input is the CSV
 * layer of fuzz_tiger, copied into a GeoPackage file by OGR; both readings must agree: the
 * same status, the same message, the same blocks with the same values in the same order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <gdal.h>

#include "fuzz_vrt.h"

static int same_blocks(const dti_blocks *a, const dti_blocks *b)
{
    if (a->count != b->count || a->with_area != b->with_area)
        return 0;
    for (size_t i = 0; i < a->count; i++)
        if (a->geoids[i] != b->geoids[i] || a->lat[i] != b->lat[i] || a->lon[i] != b->lon[i] ||
            a->aland[i] != b->aland[i] || a->awater[i] != b->awater[i] ||
            a->housing[i] != b->housing[i] || a->pop[i] != b->pop[i] || a->area[i] != b->area[i])
            return 0;
    return 1;
}

/* The layer of spec copied into a new GeoPackage at path: 0, or -1 when OGR cannot. */
static int copy_to_gpkg(const char *spec, const char *path)
{
    unlink(path);
    GDALDatasetH src = GDALOpenEx(spec, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    GDALDriverH gpkg = GDALGetDriverByName("GPKG");
    GDALDatasetH dst = src && gpkg ? GDALCreate(gpkg, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRLayerH layer = src && GDALDatasetGetLayerCount(src) > 0 ? GDALDatasetGetLayer(src, 0) : NULL;
    OGRLayerH copy = dst && layer ? GDALDatasetCopyLayer(dst, layer, "tabblock20", NULL) : NULL;
    if (dst)
        GDALClose(dst);
    if (src)
        GDALClose(src);
    return copy ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    const char *spec = fuzz_csv_layer(
        "blocks", data, size,
        "\"WKT\",\"String(15)\",\"Integer64\",\"Integer64\",\"String(11)\",\"String(12)\","
        "\"Integer64\",\"Integer64\"");
    char path[320];
    snprintf(path, sizeof path, "%s/blocks.gpkg", fuzz_dir());
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int copied = copy_to_gpkg(spec, path);
    CPLPopErrorHandler();
    if (copied != 0) {
        unlink(path);
        return 0;
    }
    char *specs[] = {path};
    dti_blocks ogr, own;
    dt_error ogr_err = {0}, own_err = {0};
    CPLSetConfigOption("DIALTONE_GPKG", "ogr");
    dt_status ogr_status = dti_blocks_read(&ogr, specs, 1, NULL, NULL, &ogr_err);
    CPLSetConfigOption("DIALTONE_GPKG", NULL);
    dt_status own_status = dti_blocks_read(&own, specs, 1, NULL, NULL, &own_err);
    fuzz_check(own_status == ogr_status, "SQLite and OGR read the layer alike", &own_err);
    if (own_status != DT_OK && ogr_status != DT_OK)
        fuzz_check(strcmp(own_err.message, ogr_err.message) == 0, "the same message", &own_err);
    if (own_status == DT_OK && ogr_status == DT_OK)
        fuzz_check(same_blocks(&own, &ogr), "the same blocks", NULL);
    if (ogr_status == DT_OK)
        dti_blocks_free(&ogr);
    if (own_status == DT_OK)
        dti_blocks_free(&own);
    unlink(path);
    return 0;
}
