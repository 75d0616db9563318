/* SPDX-License-Identifier: MIT */
/* Census geometry in a stats run: blocks, polygon regions, households, and what is left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dti_geo_free(dti_stats_geo *geo)
{
    if (!geo)
        return;
    dti_blocks_free(&geo->blocks);
    dti_block_counts_free(&geo->households);
    dti_polygons_free(geo->polygons);
    free(geo->layer_region);
    free(geo->several);
    free(geo->household_region);
    free(geo->tallies);
    free(geo->housing);
    free(geo->household_sums);
    free(geo->pop);
    free(geo->aland);
    memset(geo, 0, sizeof *geo);
}

dt_status dti_geo_load(dti_stats_geo *geo, const dti_geo_options *o, dt_progress_fn progress,
                       void *user, dt_error *err)
{
    memset(geo, 0, sizeof *geo);
    dt_status status = DT_OK;
    if (o->block_count) {
        status = dti_blocks_read(&geo->blocks, o->blocks, o->block_count, progress, user, err);
        geo->have_blocks = status == DT_OK;
    }
    if (status == DT_OK && o->households) {
        status = dti_households_read(o->households, &geo->households, err);
        geo->have_households = status == DT_OK;
    }
    if (status == DT_OK && o->regions &&
        !(geo->polygons = dti_polygons_read(o->regions, o->id_field, o->keep_region_geometry,
                                            &geo->polygons_report, err)))
        status = err->status;
    return status;
}

/* Each block of the layers located in the region polygons (geo->layer_region, and with
 * --verbose geo->several). */
static dt_status assign_blocks(dti_stats_geo *geo, const dti_geo_options *o,
                               dt_progress_fn progress, void *user, dt_error *err)
{
    size_t nblocks = geo->blocks.count;
    if (!geo->layer_region &&
        !(geo->layer_region = malloc((nblocks ? nblocks : 1) * sizeof *geo->layer_region)))
        return dti_nomem(err);
    if (o->verbose && !geo->several && !(geo->several = calloc(nblocks ? nblocks : 1, 1)))
        return dti_nomem(err);
    dt_status status = dti_polygons_assign(geo->polygons, &geo->blocks, geo->layer_region,
                                           geo->several, &geo->assign_report, progress, user, err);
    geo->assigned = status == DT_OK;
    return status;
}

static int layers_progress(double fraction, const char *what, void *user)
{
    (void)fraction, (void)what;
    return !__atomic_load_n(&((dti_geo_job *)user)->cancelled, __ATOMIC_RELAXED);
}

static void *load_layers(void *arg)
{
    dti_geo_job *job = arg;
    dti_gdal_scope scope; /* GDAL's messages are this thread's, as on the caller's */
    dti_gdal_enter(&scope);
    job->status = dti_geo_load(job->geo, job->options, layers_progress, job, &job->err);
    if (job->status == DT_OK && job->geo->polygons && job->geo->have_blocks)
        job->status = assign_blocks(job->geo, job->options, layers_progress, job, &job->err);
    dti_gdal_leave(&scope);
    return NULL;
}

void dti_geo_load_start(dti_geo_job *job, dti_stats_geo *geo, const dti_geo_options *options,
                        dt_progress_fn progress, void *user)
{
    memset(job, 0, sizeof *job);
    job->geo = geo;
    job->options = options;
    job->progress = progress;
    job->user = user;
    memset(geo, 0, sizeof *geo);
    if (options->block_count || options->households || options->regions)
        job->started = pthread_create(&job->thread, NULL, load_layers, job) == 0;
}

int dti_geo_job_progress(double fraction, const char *what, void *user)
{
    dti_geo_job *job = user;
    if (job->progress && !job->progress(fraction, what, job->user)) {
        __atomic_store_n(&job->cancelled, 1, __ATOMIC_RELAXED);
        return 0;
    }
    return 1;
}

dt_status dti_geo_load_finish(dti_geo_job *job, int reading_ok, dt_error *err)
{
    if (!job->started)
        return reading_ok ? dti_geo_load(job->geo, job->options, job->progress, job->user, err)
                          : DT_OK;
    if (!reading_ok)
        __atomic_store_n(&job->cancelled, 1, __ATOMIC_RELAXED);
    pthread_join(job->thread, NULL);
    job->started = 0;
    if (reading_ok && job->status != DT_OK)
        *err = job->err;
    return reading_ok ? job->status : DT_OK;
}

static void list_fids(char *buf, size_t size, const int64_t *fids, size_t count)
{
    buf[0] = '\0';
    for (size_t i = 0; i < count && i < 8; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%lld", i ? ", " : "", (long long)fids[i]);
    }
    if (count > 8) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, ", ...");
    }
}

static void polygon_notes(const dti_stats_geo *geo, const char *layer, dt_note_fn note, void *user)
{
    const dti_polygons_report *r = &geo->polygons_report;
    char fids[200];
    if (r->repaired) {
        list_fids(fids, sizeof fids, r->repaired_fids, r->repaired);
        dti_say(note, user, "%s: repaired %zu invalid %s with GDAL's MakeValid (%s %s)", layer,
                r->repaired, dti_plural(r->repaired, "polygon", "polygons"),
                dti_plural(r->repaired, "feature", "features"), fids);
    }
    if (r->empty) {
        list_fids(fids, sizeof fids, r->empty_fids, r->empty);
        dti_say(note, user, "%s: skipped %zu %s without geometry (%s %s)", layer, r->empty,
                dti_plural(r->empty, "feature", "features"),
                dti_plural(r->empty, "feature", "features"), fids);
    }
    if (!r->validity_checked)
        dti_say(note, user, "%s: polygon validity not checked (this GDAL has no GEOS)", layer);
}

static uint32_t locations_in(const dti_coverage *cov, const dti_stats_geo *geo, uint64_t geoid)
{
    uint32_t b = dti_u64map_get(&cov->block_index, geoid);
    return b == UINT32_MAX ? 0 : geo->tallies[b].locations;
}

/* Coverage blocks with locations that a block table lacks. In lists them
 * with --verbose; returns how many, and their locations in *locations. */
static size_t missing_blocks(const dti_coverage *cov, const dti_stats_geo *geo,
                             const dti_u64map *table, const dti_region_table *regions,
                             const char *what, int verbose, dt_note_fn note, void *user,
                             uint64_t *locations, uint64_t *first)
{
    size_t missing = 0;
    *locations = 0;
    uint32_t found[DTI_STRETCH]; /* the table's value of each block of a stretch */
    for (size_t b = 0; b < cov->block_count; b++) {
        if (table->count)
            dti_u64map_get_stretch(table, cov->block_geoids, b, cov->block_count, found);
        if (regions && regions->block_region[b] == DTI_NO_REGION)
            continue; /* already left out: nothing of it is counted */
        if (table->count && found[b % DTI_STRETCH] != UINT32_MAX)
            continue;
        if (missing++ == 0)
            *first = cov->block_geoids[b];
        *locations += geo->tallies[b].locations;
        if (verbose)
            dti_say(note, user, "block %015llu (%u %s) is not in %s",
                    (unsigned long long)cov->block_geoids[b], geo->tallies[b].locations,
                    dti_plural(geo->tallies[b].locations, "location", "locations"), what);
    }
    return missing;
}

static dt_status polygon_regions(dti_stats_geo *geo, const dti_geo_options *o,
                                 const dti_coverage *cov, dti_region_table *regions,
                                 dt_progress_fn progress, dt_note_fn note, void *user,
                                 dt_error *err)
{
    const dti_blocks *blocks = &geo->blocks;
    dt_status status = geo->assigned ? DT_OK : assign_blocks(geo, o, progress, user, err);
    if (status == DT_OK)
        status =
            dti_regions_from_polygons(cov, blocks, geo->layer_region, geo->polygons, regions, err);
    if (status != DT_OK)
        return status;
    const dti_assign_report report = geo->assign_report;
    const uint8_t *several = geo->several;
    polygon_notes(geo, o->regions, note, user);
    uint64_t left_out = 0, missing_locations = 0, first = 0;
    for (size_t k = 0; k < blocks->count; k++) {
        if (geo->layer_region[k] != DTI_NO_REGION)
            continue;
        uint32_t n = locations_in(cov, geo, blocks->geoids[k]);
        left_out += n;
        if (o->verbose)
            dti_say(note, user, "block %015llu (%u %s) lies in no region",
                    (unsigned long long)blocks->geoids[k], n,
                    dti_plural(n, "location", "locations"));
    }
    if (report.in_no_region)
        dti_say(note, user, "%zu of %zu %s in no region of %s%s: their %llu %s left out%s",
                report.in_no_region, blocks->count,
                dti_plural(report.in_no_region, "blocks lies", "blocks lie"), o->regions,
                report.not_transformed ? " (some could not be transformed)" : "",
                (unsigned long long)left_out, dti_plural(left_out, "location is", "locations are"),
                o->verbose ? "" : " (--verbose lists them)");
    if (report.in_several)
        dti_say(note, user,
                "%zu %s in more than one region (overlapping polygons): each went to "
                "the region with the smallest id%s",
                report.in_several, dti_plural(report.in_several, "block lies", "blocks lie"),
                o->verbose ? "" : " (--verbose lists them)");
    for (size_t k = 0; several && k < blocks->count; k++)
        if (several[k])
            dti_say(note, user, "block %015llu lies in more than one region: went to %s",
                    (unsigned long long)blocks->geoids[k],
                    dti_polygons_id(geo->polygons, geo->layer_region[k]));
    size_t missing = missing_blocks(cov, geo, &blocks->index, NULL, "the block layers", o->verbose,
                                    note, user, &missing_locations, &first);
    if (missing)
        dti_say(note, user,
                "%zu %s with %llu %s %s not in the block layers (first: %015llu): "
                "%s left out%s",
                missing, dti_plural(missing, "block", "blocks"),
                (unsigned long long)missing_locations,
                dti_plural(missing_locations, "location", "locations"),
                dti_plural(missing, "is", "are"), (unsigned long long)first,
                dti_plural(missing_locations, "that location is", "those locations are"),
                o->verbose ? "" : " (--verbose lists them)");
    size_t counted = 0;
    for (size_t b = 0; b < cov->block_count; b++)
        counted += regions->block_region[b] != DTI_NO_REGION ? geo->tallies[b].locations : 0;
    if (cov->location_count && !counted)
        return dti_error_set(err, DT_ERR_FORMAT, o->regions, 0,
                             "no location lies in any region of this layer: do the blocks, the "
                             "BDC files and the regions cover the same area?");
    return DT_OK;
}

/* Map GEOID prefix -> region index of a prefix table. */
static dt_status prefix_map(const dti_region_table *regions, dti_u64map *map, dt_error *err)
{
    if (dti_u64map_init(map, regions->count * 2 + 16) != 0)
        return dti_nomem(err);
    for (size_t r = 0; r < regions->count; r++) {
        uint64_t prefix;
        int inserted;
        if (dti_parse_u64(regions->ids[r], strlen(regions->ids[r]), &prefix) != 0)
            continue;
        uint32_t *slot = dti_u64map_put(map, prefix, (uint32_t)r, &inserted);
        if (!slot)
            return dti_nomem(err);
    }
    return DT_OK;
}

static void region_by_prefix(const dti_u64map *map, int digits, const uint64_t *geoids, size_t n,
                             uint32_t *region)
{
    uint64_t divisor = 1;
    for (int i = digits; i < 15; i++)
        divisor *= 10;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = dti_u64map_get(map, geoids[i] / divisor);
        region[i] = r == UINT32_MAX ? DTI_NO_REGION : r;
    }
}

static dt_status households_regions(dti_stats_geo *geo, const dti_geo_options *o,
                                    const dti_coverage *cov, const dti_region_table *regions,
                                    const dti_u64map *prefixes, dt_note_fn note, void *user,
                                    dt_error *err)
{
    const dti_block_counts *h = &geo->households;
    if (!(geo->household_region =
              malloc((h->count ? h->count : 1) * sizeof *geo->household_region)))
        return dti_nomem(err);
    if (geo->polygons) {
        size_t outside = 0;
        for (size_t i = 0; i < h->count; i++) {
            uint32_t k = dti_blocks_find(&geo->blocks, h->geoids[i]);
            geo->household_region[i] = k == UINT32_MAX ? DTI_NO_REGION : geo->layer_region[k];
            outside += k == UINT32_MAX && h->values[i] > 0;
        }
        if (outside)
            dti_say(note, user, "%zu %s of %s with households %s not in the block layers: left out",
                    outside, dti_plural(outside, "block", "blocks"), o->households,
                    dti_plural(outside, "is", "are"));
    } else {
        region_by_prefix(prefixes, o->prefix_digits, h->geoids, h->count, geo->household_region);
    }
    uint64_t locations = 0, first = 0;
    size_t missing = missing_blocks(cov, geo, &h->index, regions, o->households, o->verbose, note,
                                    user, &locations, &first);
    if (missing)
        return dti_error_set(
            err, DT_ERR_FORMAT, o->households, 0,
            "%zu %s with %llu %s %s not in this households file "
            "(first: %015llu), so the households columns would be wrong%s",
            missing, dti_plural(missing, "block", "blocks"), (unsigned long long)locations,
            dti_plural(locations, "location", "locations"), dti_plural(missing, "is", "are"),
            (unsigned long long)first, o->verbose ? "" : " (--verbose lists them)");
    return DT_OK;
}

/* Per-region sums over the blocks of the layers and of the households file. */
static dt_status sums(dti_stats_geo *geo, const dti_coverage *cov, const dti_region_table *regions,
                      dt_error *err)
{
    size_t nreg = regions->count;
    const dti_blocks *b = &geo->blocks;
    dt_status status = DT_OK;
    if (geo->have_blocks) {
        geo->pop = calloc(nreg ? nreg : 1, sizeof *geo->pop);
        geo->aland = calloc(nreg ? nreg : 1, sizeof *geo->aland);
        if (!geo->pop || !geo->aland)
            return dti_nomem(err);
        for (size_t k = 0; k < b->count; k++) {
            uint32_t r = geo->layer_region[k];
            if (r == DTI_NO_REGION)
                continue;
            geo->pop[r] += b->pop[k];
            geo->aland[r] += b->aland[k];
        }
        status = dti_units_sum(cov, geo->tallies, b->geoids, b->housing, geo->layer_region,
                               b->count, nreg, &geo->housing, err);
    }
    if (status == DT_OK && geo->have_households)
        status = dti_units_sum(cov, geo->tallies, geo->households.geoids, geo->households.values,
                               geo->household_region, geo->households.count, nreg,
                               &geo->household_sums, err);
    return status;
}

/* --area urban|rural: the blocks of the other area, and those whose UR20 is neither U nor R,
 * belong to no region, so every region table counts the area's locations, housing and land. */
static dt_status keep_area(dti_stats_geo *geo, const dti_geo_options *o, const dti_coverage *cov,
                           dti_region_table *regions, dt_note_fn note, void *user, dt_error *err)
{
    const dti_blocks *b = &geo->blocks;
    const char *name = o->area == 1 ? "urban" : "rural";
    if (!b->with_area)
        return dti_error_set(err, DT_ERR_FORMAT, NULL, 0,
                             "--area %s: no block of the block layers has a UR20 of U or R", name);
    for (size_t k = 0; k < b->count; k++)
        if (b->area[k] != o->area)
            geo->layer_region[k] = DTI_NO_REGION;
    uint64_t unknown = 0;
    uint32_t found[DTI_STRETCH]; /* the layer block of each coverage block of a stretch */
    for (size_t c = 0; c < cov->block_count; c++) {
        dti_u64map_get_stretch(&b->index, cov->block_geoids, c, cov->block_count, found);
        uint32_t at = b->count ? found[c % DTI_STRETCH] : UINT32_MAX;
        int area = at == UINT32_MAX ? 0 : b->area[at];
        if (area != o->area)
            regions->block_region[c] = DTI_NO_REGION;
        if (area == 0)
            unknown += geo->tallies[c].locations;
    }
    if (unknown)
        dti_say(note, user, "--area %s: %llu locations in blocks of no known UR20 left out", name,
                (unsigned long long)unknown);
    return DT_OK;
}

/* --area: households of blocks outside the area count nowhere. */
static void keep_area_households(dti_stats_geo *geo, const dti_geo_options *o)
{
    for (size_t h = 0; h < geo->households.count; h++) {
        uint32_t at = dti_blocks_find(&geo->blocks, geo->households.geoids[h]);
        if (at == UINT32_MAX || geo->blocks.area[at] != o->area)
            geo->household_region[h] = DTI_NO_REGION;
    }
}

dt_status dti_geo_regions(dti_stats_geo *geo, const dti_geo_options *o, const dti_coverage *cov,
                          dti_region_table *regions, dt_progress_fn progress, dt_note_fn note,
                          void *user, dt_error *err)
{
    /* each coverage block's locations by class: for the blocks' housing and the notes of
     * blocks missing from the layers (GEOID prefixes alone do not need them; polygons come
     * with blocks: --regions needs --blocks) */
    dt_status status = geo->have_blocks || geo->have_households
                           ? dti_block_tallies(cov, &geo->tallies, err)
                           : DT_OK;
    size_t nblocks = geo->blocks.count;
    if (status == DT_OK && geo->have_blocks && !geo->layer_region &&
        !(geo->layer_region = malloc((nblocks ? nblocks : 1) * sizeof *geo->layer_region)))
        status = dti_nomem(err);
    if (status != DT_OK)
        return status;
    if (geo->polygons)
        status = polygon_regions(geo, o, cov, regions, progress, note, user, err);
    else
        status = dti_regions_by_prefix(cov, o->prefix_digits, regions, err);
    dti_u64map prefixes = {0};
    int have_map = 0;
    if (status == DT_OK && !geo->polygons && (geo->have_blocks || geo->have_households)) {
        status = prefix_map(regions, &prefixes, err);
        have_map = 1;
    }
    if (status == DT_OK && !geo->polygons && geo->have_blocks) {
        region_by_prefix(&prefixes, o->prefix_digits, geo->blocks.geoids, nblocks,
                         geo->layer_region);
        uint64_t locations = 0, first = 0;
        size_t missing = missing_blocks(cov, geo, &geo->blocks.index, NULL, "the block layers",
                                        o->verbose, note, user, &locations, &first);
        /* the locations are counted by GEOID, but their housing would be missing */
        if (missing)
            status = dti_error_set(
                err, DT_ERR_FORMAT, NULL, 0,
                "%zu %s with %llu %s %s not in the block layers "
                "(first: %015llu), so housing, pop and land_km2 would be "
                "wrong: give the block layer of every state in the BDC "
                "files%s",
                missing, dti_plural(missing, "block", "blocks"), (unsigned long long)locations,
                dti_plural(locations, "location", "locations"), dti_plural(missing, "is", "are"),
                (unsigned long long)first, o->verbose ? "" : " (--verbose lists them)");
    }
    if (status == DT_OK && o->area && geo->have_blocks)
        status = keep_area(geo, o, cov, regions, note, user, err);
    if (status == DT_OK && geo->have_households)
        status = households_regions(geo, o, cov, regions, &prefixes, note, user, err);
    if (status == DT_OK && geo->have_households && o->area && geo->have_blocks)
        keep_area_households(geo, o);
    if (have_map)
        dti_u64map_free(&prefixes);
    if (status == DT_OK)
        status = sums(geo, cov, regions, err);
    return status;
}
