/* SPDX-License-Identifier: MIT */
/* The price, affordability, benchmark, speed and measured-speed columns of
 * dialtone stats: options, their input files, per-region values and notes. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h"

/* ---- options ---- */

int dti_extra_options_any(const dti_extra_options *x)
{
    return x->plans || x->income || x->benchmark || x->measured || x->speed;
}

dt_status dti_extra_options_check(const dti_extra_options *x, int partial_out, int fabric,
                                  dt_error *err)
{
    if (!dti_extra_options_any(x))
        return DT_OK;
    if (partial_out)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--partial-out cannot carry the columns of --plans, --income, "
                             "--benchmark, --speed or --measured (their medians need every "
                             "location): run those without --partial-out");
    if ((x->income || x->benchmark) && !x->plans)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--income and --benchmark compare prices: they need --plans");
    if (x->measured && !fabric)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "--measured needs --fabric (locations are placed in the measured "
                             "tiles by the fabric's latitude and longitude) or polygon "
                             "--regions (tiles are split by area)");
    return DT_OK;
}

/* ---- a run ---- */

struct dti_extra_run {
    const dti_extra_options *opt;
    int have_plans;
    dti_plans plans;
    /* --income: geoid -> annual income in micro-dollars, -1 when missing or 0 */
    dti_strtab income_ids;
    dti_money *incomes;
    long *income_lines;
    /* --benchmark */
    char bench_name[256], bench_source[256];
    int64_t bench_down;
    dti_money bench_price;
    dti_tiles *tiles;
    /* results */
    size_t nregions;
    dti_group_extra *groups, all;
    dti_money *region_income;
    dti_measured *measured;
    size_t regions_written, regions_no_income, located, in_tiles;
    int by_area;               /* --measured split tiles by area over polygon regions */
    int state, several_states; /* state FIPS of the run's blocks */
    uint64_t served_rows, unpriced_rows;
};

const dti_plans *dti_extra_plans(const dti_extra_run *run)
{
    return run && run->have_plans ? &run->plans : NULL;
}

int dti_extra_tracks_locations(const dti_extra_run *run)
{
    return run && (run->have_plans || run->opt->speed);
}

void dti_extra_free(dti_extra_run *run)
{
    if (!run)
        return;
    dti_plans_free(&run->plans);
    dti_strtab_free(&run->income_ids);
    free(run->incomes);
    free(run->income_lines);
    dti_tiles_free(run->tiles);
    free(run->groups);
    free(run->region_income);
    free(run->measured);
    free(run);
}

static void field_text(const dti_field *f, char *buf, size_t size)
{
    size_t n = f->len < size - 1 ? f->len : size - 1;
    memcpy(buf, f->s, n);
    buf[n] = '\0';
}

/* One income value: 0 ok (*micro, -1 for missing), else the reason in why. */
static int parse_income(const dti_field *f, dti_money *micro, char *why, size_t size)
{
    char text[64];
    field_text(f, text, sizeof text);
    /* empty, and the Census API's code for "estimate could not be computed" */
    if (f->len == 0 || strcmp(text, "-666666666") == 0) {
        *micro = -1;
        return 0;
    }
    if (text[0] == '-')
        return snprintf(why, size, "median_household_income '%s' is negative", text), -1;
    if (dti_money_parse(f->s, f->len, DTI_MONEY_PRICE_DECIMALS, DTI_MAX_PRICE, micro) != 0)
        return snprintf(why, size,
                        "median_household_income '%s' is not an amount of dollars "
                        "(a plain decimal, or empty when unknown)",
                        text),
               -1;
    if (*micro == 0) /* no affordability from a zero income: left empty */
        *micro = -1;
    return 0;
}

static dt_status read_income(dti_extra_run *run, const char *path, dt_error *err)
{
    static const char *const names[] = {"geoid", "median_household_income"};
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv)
        return err->status;
    int col[2], header_fields, n, rc;
    size_t cap = 0;
    dti_field f[DTI_MAX_FIELDS];
    dt_status status = dti_csv_read_header(csv, names, 2, col, &header_fields, "income", err);
    while (status == DT_OK && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) != 0) {
        char why[256] = "";
        int64_t income = -1;
        if (rc < 0) {
            status = err->status;
            break;
        }
        if (n != header_fields)
            snprintf(why, sizeof why, "expected %d fields as in the header, found %d",
                     header_fields, n);
        else if (f[col[0]].len == 0)
            snprintf(why, sizeof why, "empty geoid");
        else
            parse_income(&f[col[1]], &income, why, sizeof why);
        size_t before = run->income_ids.count;
        uint32_t id = why[0] ? 0 : dti_strtab_intern(&run->income_ids, f[col[0]].s, f[col[0]].len);
        if (!why[0] && id != UINT32_MAX && id < before) {
            char text[64];
            field_text(&f[col[0]], text, sizeof text);
            snprintf(why, sizeof why, "geoid %s appears twice (first on line %ld)", text,
                     run->income_lines[id]);
        }
        if (why[0]) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, dti_csv_line(csv), "%s", why);
            break;
        }
        void *const arrays[] = {&run->incomes, &run->income_lines};
        const size_t sizes[] = {sizeof *run->incomes, sizeof *run->income_lines};
        if (id != UINT32_MAX && dti_grow_n(arrays, sizes, 2, &cap, (size_t)id + 1, 256) != 0)
            id = UINT32_MAX;
        if (id == UINT32_MAX) {
            status = dti_nomem(err);
            break;
        }
        run->incomes[id] = income;
        run->income_lines[id] = dti_csv_line(csv);
    }
    dti_csv_close(csv);
    return status;
}

static dt_status read_benchmark(dti_extra_run *run, const char *path, dt_error *err)
{
    static const char *const names[] = {"name", "median_down_mbps", "monthly_price", "source"};
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv)
        return err->status;
    int col[4], header_fields, n, rc, rows = 0;
    dti_field f[DTI_MAX_FIELDS];
    dt_status status = dti_csv_read_header_optional(
        csv, names, 3, 4, col, &header_fields, "benchmark",
        "name,median_down_mbps,monthly_price and an optional source", err);
    while (status == DT_OK && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) != 0) {
        const char *why = NULL;
        if (rc < 0) {
            status = err->status;
            break;
        }
        if (++rows > 1)
            why = "a benchmark file holds one benchmark: this is a second row";
        else if (n != header_fields)
            why = "wrong number of fields for the header";
        else if (dti_parse_speed(f[col[1]].s, f[col[1]].len, &run->bench_down) != 0 ||
                 run->bench_down <= 0)
            why = "median_down_mbps is not a speed above 0 (" DTI_SPEED_SYNTAX ")";
        else if (dti_money_parse(f[col[2]].s, f[col[2]].len, DTI_MONEY_PRICE_DECIMALS,
                                 DTI_MAX_PRICE, &run->bench_price) != 0 ||
                 run->bench_price <= 0)
            why = "monthly_price is not a price above 0 (dollars as a plain decimal)";
        if (why) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, dti_csv_line(csv), "%s", why);
            break;
        }
        field_text(&f[col[0]], run->bench_name, sizeof run->bench_name);
        if (col[3] >= 0)
            field_text(&f[col[3]], run->bench_source, sizeof run->bench_source);
    }
    if (status == DT_OK && rows == 0)
        status = dti_error_set(err, DT_ERR_FORMAT, path, 0, "no benchmark row under the header");
    dti_csv_close(csv);
    return status;
}

dti_extra_run *dti_extra_load(const dti_extra_options *x, dt_error *err)
{
    dti_extra_run *run = calloc(1, sizeof *run);
    if (!run) {
        dti_nomem(err);
        return NULL;
    }
    run->opt = x;
    dti_strtab_init(&run->income_ids);
    dt_status status = DT_OK;
    if (x->plans) {
        status = dti_plans_read(x->plans, &run->plans, err);
        run->have_plans = status == DT_OK;
    }
    if (status == DT_OK && x->income)
        status = read_income(run, x->income, err);
    if (status == DT_OK && x->benchmark)
        status = read_benchmark(run, x->benchmark, err);
    if (status == DT_OK && x->measured && !(run->tiles = dti_tiles_open(x->measured, err)))
        status = err->status;
    if (status != DT_OK) {
        dti_extra_free(run);
        return NULL;
    }
    return run;
}

/* Locations grouped by region (a counting sort): region r's are
 * order[start[r] .. start[r + 1]); locations in no region are left out. */
static dt_status group_locations(const dti_coverage *cov, const dti_region_table *regions,
                                 uint32_t **order, size_t **start, dt_error *err)
{
    size_t nreg = regions->count, nloc = cov->location_count;
    *order = malloc((nloc ? nloc : 1) * sizeof **order);
    *start = calloc(nreg + 2, sizeof **start);
    if (!*order || !*start)
        return dti_nomem(err);
    size_t *next = *start + 1; /* next[r]: counts, then fill positions */
    for (size_t i = 0; i < nloc; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        if (r < nreg)
            next[r + 1]++;
    }
    for (size_t r = 0; r < nreg; r++)
        next[r + 1] += next[r];
    for (size_t i = 0; i < nloc; i++) {
        uint32_t r = regions->block_region[cov->locations[i].block];
        if (r < nreg)
            (*order)[next[r]++] = (uint32_t)i;
    }
    /* next[r] now ends region r, i.e. start[r + 1] */
    return DT_OK;
}

/* Place located locations in tiles and sum each region's measured speeds. */
static dt_status measure(dti_extra_run *run, const dti_coverage *cov,
                         const dti_region_table *regions, const dti_inputs *fabric, dt_error *err)
{
    size_t nloc = cov->location_count;
    double *lon = malloc((nloc ? nloc : 1) * sizeof *lon);
    double *lat = malloc((nloc ? nloc : 1) * sizeof *lat);
    uint32_t *tile_of = malloc((nloc ? nloc : 1) * sizeof *tile_of);
    uint32_t *region_of = malloc((nloc ? nloc : 1) * sizeof *region_of);
    dti_tile_share *shares = NULL;
    size_t nshares = 0;
    run->measured = calloc(run->nregions ? run->nregions : 1, sizeof *run->measured);
    dt_status status = lon && lat && tile_of && region_of && run->measured
                           ? dti_fabric_coordinates(cov, fabric, lon, lat, &run->located, err)
                           : dti_nomem(err);
    double bbox[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; status == DT_OK && i < nloc; i++)
        if (!isnan(lon[i])) {
            bbox[0] = fmin(bbox[0], lon[i]), bbox[1] = fmin(bbox[1], lat[i]);
            bbox[2] = fmax(bbox[2], lon[i]), bbox[3] = fmax(bbox[3], lat[i]);
        }
    /* no located location: no tile is needed (and a national layer is not read whole) */
    if (status == DT_OK && run->located)
        status = dti_tiles_load(run->tiles, bbox, err);
    for (size_t i = 0; status == DT_OK && i < nloc; i++) {
        tile_of[i] = isnan(lon[i]) ? UINT32_MAX : dti_tiles_find(run->tiles, lon[i], lat[i]);
        region_of[i] = regions->block_region[cov->locations[i].block];
        run->in_tiles += tile_of[i] != UINT32_MAX;
    }
    if (status == DT_OK)
        status = dti_tiles_location_shares(nloc, tile_of, region_of, &shares, &nshares, err);
    if (status == DT_OK)
        dti_tiles_measure(run->tiles, shares, nshares, run->nregions, run->measured);
    free(lon);
    free(lat);
    free(tile_of);
    free(region_of);
    free(shares);
    return status;
}

/* With polygon regions, a tile's tests are split by the share of its area
 * in each region (SPEC's Ookla tiles straddle region lines). */
static dt_status measure_by_area(dti_extra_run *run, const dti_polygons *polygons, dt_error *err)
{
    size_t nreg = run->nregions;
    OGRGeometryH *geometries = calloc(nreg ? nreg : 1, sizeof *geometries);
    dti_tile_share *shares = NULL;
    size_t nshares = 0;
    run->measured = calloc(nreg ? nreg : 1, sizeof *run->measured);
    if (!geometries || !run->measured) {
        free(geometries);
        return dti_nomem(err);
    }
    /* read only the tiles near the regions: their extent in longitude/latitude */
    double bbox[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    OGRSpatialReferenceH lonlat = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(lonlat, 4326);
    OSRSetAxisMappingStrategy(lonlat, OAMS_TRADITIONAL_GIS_ORDER);
    for (size_t r = 0; r < nreg; r++) {
        geometries[r] = dti_polygons_geometry(polygons, r);
        OGRGeometryH copy = geometries[r] ? OGR_G_Clone(geometries[r]) : NULL;
        OGREnvelope env;
        if (copy) {
            OGR_G_AssignSpatialReference(copy, (OGRSpatialReferenceH)dti_polygons_srs(polygons));
            if (OGR_G_TransformTo(copy, lonlat) == OGRERR_NONE) {
                OGR_G_GetEnvelope(copy, &env);
                bbox[0] = fmin(bbox[0], env.MinX), bbox[1] = fmin(bbox[1], env.MinY);
                bbox[2] = fmax(bbox[2], env.MaxX), bbox[3] = fmax(bbox[3], env.MaxY);
            } else {
                bbox[0] = -INFINITY; /* read every tile rather than miss some */
            }
            OGR_G_DestroyGeometry(copy);
        }
    }
    OSRDestroySpatialReference(lonlat);
    dt_status status = dti_tiles_load(run->tiles, isinf(bbox[0]) ? NULL : bbox, err);
    if (status == DT_OK)
        status = dti_tiles_area_shares(run->tiles, nreg, geometries, dti_polygons_srs(polygons),
                                       &shares, &nshares, err);
    if (status == DT_OK) {
        run->by_area = 1;
        dti_tiles_measure(run->tiles, shares, nshares, nreg, run->measured);
    }
    free(geometries);
    free(shares);
    return status;
}

dt_status dti_extra_compute(dti_extra_run *run, const dti_coverage *cov,
                            const dti_region_table *regions, const dti_region_stats *stats,
                            const dti_inputs *fabric, const dti_polygons *polygons, dt_error *err)
{
    const dti_extra_options *x = run->opt;
    size_t nreg = run->nregions = regions->count, nloc = cov->location_count;
    uint32_t *order = NULL;
    size_t *start = NULL;
    int64_t *scratch = malloc((nloc ? nloc : 1) * sizeof *scratch);
    dti_ratio *ratios = run->have_plans ? malloc((nloc ? nloc : 1) * sizeof *ratios) : NULL;
    run->groups = calloc(nreg ? nreg : 1, sizeof *run->groups);
    run->region_income = malloc((nreg ? nreg : 1) * sizeof *run->region_income);
    dt_status status = scratch && run->groups && run->region_income && (ratios || !run->have_plans)
                           ? group_locations(cov, regions, &order, &start, err)
                           : dti_nomem(err);
    for (size_t r = 0; status == DT_OK && r < nreg; r++) {
        dti_group_extra *g = &run->groups[r];
        const uint32_t *locs = order + start[r];
        size_t n = start[r + 1] - start[r];
        g->locations = n;
        g->median_down_x2 = stats[r].median_down_x2;
        if (run->have_plans)
            dti_group_prices(cov, locs, n, scratch, ratios, g);
        if (x->speed)
            dti_group_speeds(cov, locs, n, scratch, g);
        uint32_t id =
            x->income ? dti_strtab_find(&run->income_ids, regions->ids[r], strlen(regions->ids[r]))
                      : UINT32_MAX;
        run->region_income[r] = id == UINT32_MAX ? -1 : run->incomes[id];
        if (n) {
            run->regions_written++;
            run->regions_no_income += run->region_income[r] < 0;
        }
    }
    if (status == DT_OK && x->benchmark) { /* the whole run, for the summary in words */
        dti_group_prices(cov, order, start[nreg], scratch, ratios, &run->all);
        dti_group_speeds(cov, order, start[nreg], scratch, &run->all);
    }
    run->state = -1;
    for (size_t b = 0; b < cov->block_count; b++) {
        int state = (int)(cov->block_geoids[b] / DTI_STATE_DIVISOR);
        run->several_states |= run->state >= 0 && state != run->state;
        run->state = state;
    }
    if (cov->extras) {
        run->served_rows = cov->extras->served_rows;
        run->unpriced_rows = cov->extras->unpriced_rows;
    }
    if (status == DT_OK && run->tiles)
        status = polygons ? measure_by_area(run, polygons, err)
                          : measure(run, cov, regions, fabric, err);
    free(order);
    free(start);
    free(scratch);
    free(ratios);
    return status;
}

/* ---- writing ---- */

/* x >= 0 rounded half up to `decimals` decimals. */
static char *format_real(char *buf, size_t size, double x, int decimals)
{
    double scale = pow(10, decimals);
    unsigned long long q = (unsigned long long)floor(x * scale + 0.5);
    unsigned long long p = (unsigned long long)scale;
    snprintf(buf, size, "%llu.%0*llu", q / p, decimals, q % p);
    return buf;
}

void dti_extra_write_header(const dti_extra_run *run, FILE *stream)
{
    FILE *fp = stream;
    const dti_extra_options *x = run->opt;
    if (x->plans)
        fputs(",median_served_price,priced_share,median_usd_per_mbps", fp);
    if (x->income)
        fputs(",affordability_pct", fp);
    if (x->benchmark)
        fputs(",speed_ratio,price_ratio", fp);
    if (x->speed)
        fputs(",p90_max_down,median_max_up,p90_max_up,served_providers_0,served_providers_1,"
              "served_providers_2plus",
              fp);
    if (x->measured)
        fputs(",measured_down,measured_up,measured_tests,measured_to_advertised", fp);
}

void dti_extra_write_row(const dti_extra_run *run, size_t r, FILE *stream)
{
    FILE *fp = stream;
    const dti_extra_options *x = run->opt;
    const dti_group_extra *g = &run->groups[r];
    char a[48] = "", b[48] = "", c[48] = "";
    if (x->plans) {
        if (g->priced)
            dti_money_format_scaled(a, sizeof a, g->median_price_x2, 1, 2, DTI_MONEY_2_DECIMALS);
        dti_format_ratio(b, sizeof b, g->priced, g->served, 4); /* empty when none served */
        if (g->per_mbps_count)
            snprintf(c, sizeof c, "%llu.%04llu", (unsigned long long)(g->per_mbps_q4 / 10000),
                     (unsigned long long)(g->per_mbps_q4 % 10000));
        fprintf(fp, ",%s,%s,%s", a, b, c);
    }
    if (x->income) { /* 100 * 12 * (x2 / 2) / income */
        a[0] = '\0';
        if (g->priced && run->region_income[r] > 0)
            dti_format_ratio(a, sizeof a, 600 * (uint64_t)g->median_price_x2,
                             (uint64_t)run->region_income[r], 2);
        fprintf(fp, ",%s", a);
    }
    if (x->benchmark) { /* bench / (x2 / 2) and (x2 / 2) / bench */
        dti_format_ratio(a, sizeof a, 2 * (uint64_t)run->bench_down, (uint64_t)g->median_down_x2,
                         2);
        b[0] = '\0';
        if (g->priced)
            dti_format_ratio(b, sizeof b, (uint64_t)g->median_price_x2,
                             2 * (uint64_t)run->bench_price, 2);
        fprintf(fp, ",%s,%s", a, b);
    }
    if (x->speed)
        fprintf(fp, ",%s,%s,%s,%llu,%llu,%llu", dti_format_fixed(a, sizeof a, g->p90_down, 6),
                dti_format_fixed(b, sizeof b, g->median_up_x2 * 5, 7),
                dti_format_fixed(c, sizeof c, g->p90_up, 6), (unsigned long long)g->competition[0],
                (unsigned long long)g->competition[1], (unsigned long long)g->competition[2]);
    if (x->measured) {
        const dti_measured *m = &run->measured[r];
        char d[48] = "";
        a[0] = b[0] = '\0';
        if (m->tests > 0) {
            double down = m->down_kbps / m->tests / 1000; /* Mbps */
            format_real(a, sizeof a, down, 2);
            format_real(b, sizeof b, m->up_kbps / m->tests / 1000, 2);
            if (g->median_down_x2 > 0)
                format_real(d, sizeof d, down / ((double)g->median_down_x2 / 2e6), 2);
        }
        fprintf(fp, ",%s,%s,%s,%s", a, b, format_real(c, sizeof c, m->tests, 1), d);
    }
}

void dti_extra_write_location_header(const dti_extra_run *run, FILE *stream)
{
    if (run->have_plans)
        fputs(",cheapest_served_price", stream);
}

void dti_extra_write_location(const dti_extra_run *run, const dti_coverage *cov, size_t i,
                              FILE *stream)
{
    if (!run->have_plans)
        return;
    dti_location_extra e = dti_extras_of(cov->extras, i);
    char price[48] = "";
    if (e.price >= 0)
        dti_money_format(price, sizeof price, e.price, DTI_MONEY_2_DECIMALS);
    fprintf(stream, ",%s", price);
}

/* ---- notes ---- */

static void tell(dt_note_fn note, void *user, const char *fmt, ...) DTI_PRINTF(3, 4);

static void tell(dt_note_fn note, void *user, const char *fmt, ...)
{
    if (!note)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    note(text, user);
}

/* "paying N times as much for 1/M the speed", for the run as a whole. */
static void summary(const dti_extra_run *run, dt_note_fn note, void *user)
{
    const dti_group_extra *g = &run->all;
    char scope[64], price[48], bench_price[48], ratio[48], speed[48], bench_down[48], times[48];
    if (run->several_states)
        snprintf(scope, sizeof scope, "all states of the run together");
    else
        snprintf(scope, sizeof scope, "state %02d as a whole", run->state < 0 ? 0 : run->state);
    dti_money_format(bench_price, sizeof bench_price, run->bench_price, DTI_MONEY_2_DECIMALS);
    dti_format_fixed(bench_down, sizeof bench_down, run->bench_down, 6);
    char words[512];
    if (g->priced)
        snprintf(words, sizeof words, "median served price $%s, %s times the benchmark's $%s",
                 dti_money_format_scaled(price, sizeof price, g->median_price_x2, 1, 2,
                                         DTI_MONEY_2_DECIMALS),
                 dti_format_ratio(ratio, sizeof ratio, (uint64_t)g->median_price_x2,
                                  2 * (uint64_t)run->bench_price, 2),
                 bench_price);
    else
        snprintf(words, sizeof words,
                 "no served location has a price to compare with the "
                 "benchmark's $%s",
                 bench_price);
    dti_format_fixed(speed, sizeof speed, g->median_down_x2 * 5, 7);
    if (g->median_down_x2 == 0)
        snprintf(times, sizeof times, "with no reliable service at the median; not");
    else if (g->median_down_x2 == 2 * run->bench_down)
        snprintf(times, sizeof times, "the same as");
    else if (g->median_down_x2 <= 2 * run->bench_down) /* 1/M with M >= 1 */
        snprintf(times, sizeof times, "1/%s of",
                 dti_format_ratio(ratio, sizeof ratio, 2 * (uint64_t)run->bench_down,
                                  (uint64_t)g->median_down_x2, 2));
    else
        snprintf(times, sizeof times, "%s times",
                 dti_format_ratio(ratio, sizeof ratio, (uint64_t)g->median_down_x2,
                                  2 * (uint64_t)run->bench_down, 2));
    tell(note, user, "%s: %s; median best speed %s Mbps, %s the benchmark's %s Mbps (%s%s%s)",
         scope, words, speed, times, bench_down, run->bench_name,
         run->bench_source[0] ? "; source: " : "", run->bench_source);
}

void dti_extra_notes(const dti_extra_run *run, dt_note_fn note, void *user)
{
    const dti_extra_options *x = run->opt;
    if (x->plans) {
        tell(note, user,
             "%s: %llu plans; %llu duplicate plans (provider, technology, speeds and state "
             "of an earlier row: the cheapest kept)",
             x->plans, (unsigned long long)run->plans.rows,
             (unsigned long long)run->plans.duplicates);
        tell(note, user,
             "%llu of %llu reliable rows at served speeds matched no plan (unpriced; "
             "priced_share counts the served locations with a price)",
             (unsigned long long)run->unpriced_rows, (unsigned long long)run->served_rows);
    }
    if (x->income && run->regions_no_income)
        tell(note, user,
             "%s: no income (no row, empty or 0) for %zu of %zu regions: their "
             "affordability_pct is empty",
             x->income, run->regions_no_income, run->regions_written);
    if (x->measured && run->by_area)
        tell(note, user,
             "%s: %zu tiles read; a tile's tests split over regions by the share of its area "
             "in each (computed in the equal-area EPSG:6933)",
             x->measured, dti_tiles_count(run->tiles));
    else if (x->measured)
        tell(note, user,
             "%s: %zu tiles read; %zu locations have fabric coordinates, %zu of them lie in a "
             "tile (a tile's tests split over regions by its share of those locations)",
             x->measured, dti_tiles_count(run->tiles), run->located, run->in_tiles);
    if (x->benchmark)
        summary(run, note, user);
}
