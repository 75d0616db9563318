/* SPDX-License-Identifier: MIT */
/* dialtone merge: partial results of separate runs into one region table. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static dt_status merge_check(void *request, dt_error *err)
{
    dt_merge_options *o = request;
    if (o->count == 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no partial file given");
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", o->output);
    for (size_t i = 0; i < o->count; i++)
        dti_path_input(&c, "PARTIAL", o->partials[i], 0);
    dt_status status = dti_path_check_finish(&c, err);
    return status != DT_OK ? status : dti_output_named("-o", o->output, "csv", err);
}

static dt_status merge_run(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                           dt_error *err)
{
    (void)progress, (void)note, (void)user;
    return dt_merge(request, err);
}

static const dti_opt merge_options[] = {DTI_SHARE(dti_opt_output, dt_merge_options, output), {0}};

const dti_command dti_merge_command = {
    .name = "merge",
    .summary = "merge partial results of separate stats runs exactly",
    .synopsis = "[-o FILE] PARTIAL...",
    .description =
        "Merge partial results written by 'dialtone stats --partial-out' (for example\n"
        "one per state, run anywhere) into the region table 'dialtone stats' would have\n"
        "written for all their inputs at once: counts add, provider sets unite, medians\n"
        "stay exact. All partials must use the same region level, thresholds and\n"
        "--ulfw. Partials that would count a location twice are refused: two partials\n"
        "holding one state (a state's files must all go into one partial), or made from\n"
        "the same input file.\n",
    .epilogue = "Exit status: 0 success, 1 failure, 2 usage error.\n",
    .options = merge_options,
    .operands = {DTI_OPT_LIST, .meta = "PARTIAL", .offset = offsetof(dt_merge_options, partials),
                 .offset2 = offsetof(dt_merge_options, count)},
    .size = sizeof(dt_merge_options),
    .check = merge_check,
    .run = merge_run,
};

dt_merge_options *dti_call_merge_options_new(int argc, char **argv, dt_error *err)
{
    return dti_request_parse(&dti_merge_command, argc, argv, err);
}

void dt_merge_options_free(dt_merge_options *o) { dti_request_free(o); }

dt_status dti_call_merge(const dt_merge_options *o, dt_error *err)
{
    dti_gdal_init();
    dti_partial partial;
    dti_region_table regions = {0};
    dti_region_stats *stats = NULL;
    dt_status status = dti_partial_init(&partial, NULL, 0, err);
    for (size_t i = 0; i < o->count && status == DT_OK; i++)
        status = dti_partial_read(&partial, o->partials[i], err);
    if (status == DT_OK)
        status = dti_partial_check_keys(&partial, err);
    if (status == DT_OK)
        status = dti_partial_finish(&partial, &regions, &stats, err);
    dti_stats_geo no_geometry;
    memset(&no_geometry, 0, sizeof no_geometry);
    dti_table_out *out = NULL;
    if (status == DT_OK)
        status = dti_region_table_write(o->output, NULL, NULL, &regions, stats, &no_geometry, NULL,
                                        &out, NULL, err);
    if (status == DT_OK) {
        struct json_t *prov = dti_prov_new("merge");
        dti_prov_partial(prov, &partial);
        dti_prov_set_text(prov, "table", "regions");
        dti_table_set_provenance(out, prov);
        dti_prov_free(prov);
        status = dti_table_commit(out, err);
    }
    free(stats);
    dti_regions_free(&regions);
    dti_partial_free(&partial);
    return status;
}
