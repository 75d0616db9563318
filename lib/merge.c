/* dialtone merge: partial results of separate runs into one region table. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct dt_merge_options {
    char *output;
    char **partials;
    int count;
    int help;
};

static const char usage_text[] =
    "Usage: dialtone merge [-o FILE] PARTIAL...\n"
    "\n"
    "Merge partial results written by 'dialtone stats --partial-out' (for example one\n"
    "per state, run anywhere) into the region table 'dialtone stats' would have written\n"
    "for all their inputs at once: counts add, provider sets unite, medians stay exact.\n"
    "All partials must use the same region level, thresholds and --ulfw. Partials that\n"
    "would count a location twice are refused: two partials holding one state (a\n"
    "state's files must all go into one partial), or made from the same input file.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE   write the table to FILE (default: stdout)\n"
    "  -h, --help          show this help\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

const char *dt_merge_usage(void) { return usage_text; }

void dt_merge_options_free(dt_merge_options *o)
{
    if (!o)
        return;
    free(o->output);
    free(o->partials);
    free(o);
}

int dt_merge_options_wants_help(const dt_merge_options *o) { return o->help; }

dt_merge_options *dti_call_merge_options_new(int argc, char **argv, dt_error *err)
{
    dt_merge_options *o = calloc(1, sizeof *o);
    if (!o || !(o->partials = calloc((size_t)argc + 1, sizeof *o->partials))) {
        free(o);
        dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc) {
                dti_error_set(err, DT_ERR_USAGE, NULL, 0, "option %s needs a value", a);
                goto fail;
            }
            free(o->output);
            if (!(o->output = strdup(argv[++i]))) {
                dti_error_set(err, DT_ERR_NOMEM, NULL, 0, "out of memory");
                goto fail;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            dti_error_set(err, DT_ERR_USAGE, NULL, 0, "unknown option %s", a);
            goto fail;
        } else {
            o->partials[o->count++] = argv[i];
        }
    }
    if (!o->help && o->count == 0) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "no partial file given");
        goto fail;
    }
    if (o->help)
        return o;
    dti_path_check c;
    dti_path_check_init(&c);
    dti_path_output(&c, o->output ? "-o" : "(no -o: stdout)", o->output);
    for (int i = 0; i < o->count; i++)
        dti_path_input(&c, "PARTIAL", o->partials[i], 0);
    if (dti_path_check_finish(&c, err) != DT_OK ||
        dti_output_named("-o", o->output, "csv", err) != DT_OK)
        goto fail;
    return o;
fail:
    dt_merge_options_free(o);
    return NULL;
}

dt_status dti_call_merge(const dt_merge_options *o, dt_error *err)
{
    dti_gdal_init();
    dti_partial partial;
    dti_region_table regions = {0};
    dti_region_stats *stats = NULL;
    dt_status status = dti_partial_init(&partial, NULL, 0, err);
    for (int i = 0; i < o->count && status == DT_OK; i++)
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
