/* SPDX-License-Identifier: MIT */
/* The location layer of dialtone stats: one point per location, for a challenge reviewer to
 * filter in QGIS (the class, the best speeds, who offers served speeds with what). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

static const dti_coverage *sort_cov;

static int compare_provider_text(const void *a, const void *b)
{
    return dti_location_id_compare(dti_strtab_get(&sort_cov->providers, *(const uint32_t *)a),
                                   dti_strtab_get(&sort_cov->providers, *(const uint32_t *)b));
}

/* start[i], start[i + 1]: location i's records in the finished pairs. NULL no memory. */
static size_t *pair_starts(const dti_coverage *cov)
{
    const dti_coverage_tables *t = cov->tables;
    size_t *start = calloc(cov->location_count + 2, sizeof *start);
    for (size_t k = 0; start && t && k < t->pair_count; k++)
        start[(t->pairs[k] >> 32) + 1]++;
    for (size_t i = 0; start && i < cov->location_count; i++)
        start[i + 1] += start[i];
    return start;
}

/* "101;102": location i's providers with a reliable row at the served threshold, in the order
 * of provider ids; ids holds room for them. 0 ok, -1 no memory. */
static int served_providers(const dti_coverage *cov, const size_t *start, size_t i, uint32_t *ids,
                            char **text, size_t *size)
{
    const dti_coverage_tables *t = cov->tables;
    size_t n = 0, len = 0;
    for (size_t k = start[i]; t && k < start[i + 1]; k++)
        if (t->pairs[k] & DTI_PAIR_SERVED)
            ids[n++] = (uint32_t)(t->pairs[k] >> 12) & 0xfffffu;
    sort_cov = cov;
    qsort(ids, n, sizeof *ids, compare_provider_text);
    (*text)[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        const char *id = dti_strtab_get(&cov->providers, ids[k]);
        size_t need = len + strlen(id) + 2;
        if (dti_grow(text, size, need, 1, 256) != 0)
            return -1;
        len += (size_t)snprintf(*text + len, *size - len, "%s%s", k ? ";" : "", id);
    }
    return 0;
}

/* "40;50": the technologies of the location's reliable rows at the served threshold. */
static void served_technologies(const dti_location *loc, char *text, size_t size)
{
    static const int codes[] = {10, 40, 50, 70, 71, 72};
    text[0] = '\0';
    for (size_t k = 0; k < sizeof codes / sizeof *codes; k++)
        if (loc->served_techs & dti_tech_bit(codes[k]))
            snprintf(text + strlen(text), size - strlen(text), "%s%d", text[0] ? ";" : "",
                     codes[k]);
}

dti_table_out *dti_location_layer_write(const char *path, const char *driver,
                                        const dti_coverage *cov, const dti_location_context *ctx,
                                        dt_error *err)
{
    static const dti_column columns[] = {{"location_id", DTI_CELL_TEXT},
                                         {"block_geoid", DTI_CELL_TEXT},
                                         {"region", DTI_CELL_TEXT},
                                         {"class", DTI_CELL_TEXT},
                                         {"best_down", DTI_CELL_REAL},
                                         {"best_up", DTI_CELL_REAL},
                                         {"providers", DTI_CELL_INTEGER},
                                         {"served_providers", DTI_CELL_TEXT},
                                         {"served_technologies", DTI_CELL_TEXT},
                                         {"latitude", DTI_CELL_REAL},
                                         {"longitude", DTI_CELL_REAL}};
    enum { NC = sizeof columns / sizeof *columns };
    size_t n = cov->location_count, text_size = 256;
    uint32_t *order = dti_location_order(cov), *counts = dti_location_provider_counts(cov);
    uint32_t *ids = malloc((cov->providers.count + 1) * sizeof *ids);
    size_t *start = pair_starts(cov);
    char *providers_text = malloc(text_size);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    dti_table_out *out = NULL;
    dt_status status = DT_OK;
    if (!order || !counts || !ids || !start || !providers_text || !srs ||
        OSRImportFromEPSG(srs, 4326) != OGRERR_NONE)
        status = dti_nomem(err);
    if (status == DT_OK) {
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (!(out = dti_table_open(path, driver, "locations", columns, NC, DTI_GEOMETRY_POINTS, srs,
                                   err)))
            status = err->status;
    }
    for (size_t k = 0; k < n && status == DT_OK; k++) {
        uint32_t i = order[k];
        const dti_location *loc = &cov->locations[i];
        char id[32], block[24], down[32], up[32], count[16], techs[32], lat[32], lon[32];
        uint32_t r = ctx->regions ? ctx->regions->block_region[loc->block] : DTI_NO_REGION;
        snprintf(block, sizeof block, "%015llu", (unsigned long long)cov->block_geoids[loc->block]);
        snprintf(count, sizeof count, "%u", counts[i]);
        if (served_providers(cov, start, i, ids, &providers_text, &text_size) != 0) {
            status = dti_nomem(err);
            break;
        }
        served_technologies(loc, techs, sizeof techs);
        int located = ctx->lon && !isnan(ctx->lat[i]);
        snprintf(lat, sizeof lat, "%.15g", located ? ctx->lat[i] : 0.0);
        snprintf(lon, sizeof lon, "%.15g", located ? ctx->lon[i] : 0.0);
        const char *cells[NC] = {dti_location_id(cov, i, id, sizeof id),
                                 block,
                                 r == DTI_NO_REGION ? "" : ctx->regions->ids[r],
                                 dti_class_name(dti_class_of(loc->flags)),
                                 dti_format_fixed(down, sizeof down, loc->best_down, 6),
                                 dti_format_fixed(up, sizeof up, loc->best_up, 6),
                                 count,
                                 providers_text,
                                 techs,
                                 located ? lat : "",
                                 located ? lon : ""};
        OGRGeometryH point = located ? OGR_G_CreateGeometry(wkbPoint) : NULL;
        if (point)
            OGR_G_SetPoint_2D(point, 0, ctx->lon[i], ctx->lat[i]);
        status = located && !point ? dti_nomem(err) : dti_table_write(out, cells, point, err);
        if (point)
            OGR_G_DestroyGeometry(point);
    }
    free(order);
    free(counts);
    free(ids);
    free(start);
    free(providers_text);
    if (srs)
        OSRDestroySpatialReference(srs);
    if (status != DT_OK) {
        dti_table_abort(out);
        return NULL;
    }
    return out;
}
