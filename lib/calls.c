/* SPDX-License-Identifier: MIT */
/* The public calls that may reach GDAL: each holds a GDAL error handler of its own from entry
 * to return (dti_gdal_enter/leave), so that calls on several threads, or a program's own GDAL
 * work between them, never see each other's handler or last error. */
#include "internal.h"

#define DTI_OPTIONS_NEW(command)                                                                   \
    dt_##command##_options *dt_##command##_options_new(int argc, char **argv, dt_error *err)       \
    {                                                                                              \
        dti_gdal_scope scope;                                                                      \
        dti_gdal_enter(&scope);                                                                    \
        dt_##command##_options *options = dti_call_##command##_options_new(argc, argv, err);       \
        dti_gdal_leave(&scope);                                                                    \
        return options;                                                                            \
    }

DTI_OPTIONS_NEW(stats)
DTI_OPTIONS_NEW(merge)
DTI_OPTIONS_NEW(map)
DTI_OPTIONS_NEW(plan)
DTI_OPTIONS_NEW(diff)
DTI_OPTIONS_NEW(report)
DTI_OPTIONS_NEW(run)
DTI_OPTIONS_NEW(info)

/* A command with the usual (options, progress, note, user, err) call. */
#define DTI_COMMAND(command)                                                                       \
    dt_status dt_##command(const dt_##command##_options *options, dt_progress_fn progress,         \
                           dt_note_fn note, void *user, dt_error *err)                             \
    {                                                                                              \
        dti_gdal_scope scope;                                                                      \
        dti_gdal_enter(&scope);                                                                    \
        dt_status status = dti_call_##command(options, progress, note, user, err);                 \
        dti_gdal_leave(&scope);                                                                    \
        return status;                                                                             \
    }

DTI_COMMAND(map)
DTI_COMMAND(report)
DTI_COMMAND(run)

/* A command whose result is also a table in memory: dt_X (no table) and dt_X_table. */
#define DTI_TABLE_COMMAND(command)                                                                 \
    dt_status dt_##command(const dt_##command##_options *options, dt_progress_fn progress,         \
                           dt_note_fn note, void *user, dt_error *err)                             \
    {                                                                                              \
        dti_gdal_scope scope;                                                                      \
        dti_gdal_enter(&scope);                                                                    \
        dt_status status = dti_call_##command(options, progress, note, user, NULL, err);           \
        dti_gdal_leave(&scope);                                                                    \
        return status;                                                                             \
    }                                                                                              \
    dt_status dt_##command##_table(const dt_##command##_options *options,                          \
                                   dt_progress_fn progress, dt_note_fn note, void *user,           \
                                   dt_table **table, dt_error *err)                                \
    {                                                                                              \
        *table = NULL;                                                                             \
        dti_gdal_scope scope;                                                                      \
        dti_gdal_enter(&scope);                                                                    \
        dt_status status = dti_call_##command(options, progress, note, user, table, err);          \
        dti_gdal_leave(&scope);                                                                    \
        return status;                                                                             \
    }

DTI_TABLE_COMMAND(stats)
DTI_TABLE_COMMAND(plan)
DTI_TABLE_COMMAND(diff)

dt_status dt_merge(const dt_merge_options *options, dt_error *err)
{
    dti_gdal_scope scope;
    dti_gdal_enter(&scope);
    dt_status status = dti_call_merge(options, err);
    dti_gdal_leave(&scope);
    return status;
}

dt_status dt_info(const dt_info_options *options, char **text, dt_error *err)
{
    dti_gdal_scope scope;
    dti_gdal_enter(&scope);
    dt_status status = dti_call_info(options, text, err);
    dti_gdal_leave(&scope);
    return status;
}

dt_request *dt_request_new(const dt_command *command, int argc, char **argv, dt_error *err)
{
    dti_gdal_scope scope;
    dti_gdal_enter(&scope);
    dt_request *request = dti_call_request_new(command, argc, argv, err);
    dti_gdal_leave(&scope);
    return request;
}

dt_status dt_request_run(dt_request *request, dt_progress_fn progress, dt_note_fn note, void *user,
                         dt_error *err)
{
    dti_gdal_scope scope;
    dti_gdal_enter(&scope);
    dt_status status = dti_call_request_run(request, progress, note, user, err);
    dti_gdal_leave(&scope);
    return status;
}
