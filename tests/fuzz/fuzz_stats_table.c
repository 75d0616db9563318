/* SPDX-License-Identifier: MIT */
/* Fuzz target: the stats table as map, plan and report read it: dti_map_join_stats on a
 * fixed three-region layer (map), and the whole of dt_plan and dt_report writing to
 * /dev/null (their readers and checks of the table, as the commands run them). */
#include <string.h>

#include "fuzz.h"

static const char fixed_layer[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"GEOID\":\"01001\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"GEOID\":\"01003\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"GEOID\":\"08001\"},\"geometry\":{\"type\":"
    "\"Polygon\",\"coordinates\":[[[2,0],[3,0],[3,1],[2,1],[2,0]]]}}]}";

static void run_map_join(const char *stats)
{
    static char layer[256];
    if (!layer[0])
        strcpy(layer,
               fuzz_vsimem("three.geojson", (const uint8_t *)fixed_layer, sizeof fixed_layer - 1));
    static const char *const columns[] = {"pct_unserved", "locations", "median_max_down"};
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
        dti_map_layer ml;
        dt_error err = {0};
        dt_status status = dti_map_layer_read(&ml, layer, NULL, NULL, NULL, NULL, NULL, &err);
        fuzz_check(status == DT_OK, "the fixed layer reads", &err);
        size_t unmatched = 0;
        status = dti_map_join_stats(&ml, stats, columns[i], &unmatched, &err);
        fuzz_check_error(status, &err);
        dti_map_layer_free(&ml);
    }
}

static void run_plan(const char *stats)
{
    char *argv[] = {"-q", "--budget", "100000", "-o", "/dev/null", (char *)stats};
    dt_error err = {0};
    dt_plan_options *o = dt_plan_options_new(6, argv, &err);
    fuzz_check(o != NULL, "plan's arguments are accepted", &err);
    dt_status status = dt_plan(o, NULL, NULL, NULL, &err);
    fuzz_check_error(status, &err);
    fuzz_check(status == DT_OK || status == DT_ERR_NOMEM || status == DT_ERR_USAGE || err.file[0],
               "plan's error names the file", &err);
    dt_plan_options_free(o);
}

static void run_report(const char *stats)
{
    char *argv[] = {"-q", "--stats", (char *)stats, "-o", "/dev/null"};
    dt_error err = {0};
    dt_report_options *o = dt_report_options_new(5, argv, &err);
    fuzz_check(o != NULL, "report's arguments are accepted", &err);
    dt_status status = dt_report(o, NULL, NULL, NULL, &err);
    fuzz_check_error(status, &err);
    dt_report_options_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    char stats[512];
    strcpy(stats, fuzz_file("stats.csv", data, size));
    run_map_join(stats);
    run_plan(stats);
    run_report(stats);
    return 0;
}
