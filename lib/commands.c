/* SPDX-License-Identifier: MIT */
/* The commands by name, and requests of any command (dialtone.h's dt_command, dt_request). */
#include <string.h>

#include "internal.h"

const dti_command *const dti_commands[] = {
    &dti_run_command,    &dti_stats_command, &dti_merge_command,
    &dti_map_command,    &dti_diff_command,  &dti_plan_command,
    &dti_report_command, &dti_info_command,  NULL};

struct dt_command {
    dti_command spec; /* never instantiated: dt_command * points at a dti_command */
};

static const dti_command *spec(const dt_command *c) { return (const dti_command *)c; }

const dt_command *dt_command_find(const char *name)
{
    for (size_t i = 0; dti_commands[i]; i++)
        if (strcmp(dti_commands[i]->name, name) == 0)
            return (const dt_command *)dti_commands[i];
    return NULL;
}

const dt_command *dt_command_at(unsigned long i)
{
    size_t n = 0;
    while (dti_commands[n])
        n++;
    return i < n ? (const dt_command *)dti_commands[i] : NULL;
}

const char *dt_command_name(const dt_command *c) { return spec(c)->name; }
const char *dt_command_summary(const dt_command *c) { return spec(c)->summary; }

unsigned long dt_command_usage(const dt_command *c, char *buf, unsigned long size)
{
    return dti_command_usage(spec(c), buf, size);
}

dt_request *dti_call_request_new(const dt_command *c, int argc, char **argv, dt_error *err)
{
    return dti_request_parse(spec(c), argc, argv, err);
}

void dt_request_free(dt_request *r) { dti_request_free(r); }

int dt_request_flags(const dt_request *r)
{
    const dti_common *c = (const dti_common *)r;
    return (c->help ? DT_WANTS_HELP : 0) | (c->version ? DT_WANTS_VERSION : 0) |
           (c->quiet ? DT_QUIET : 0);
}

dt_status dti_call_request_run(dt_request *r, dt_progress_fn progress, dt_note_fn note, void *user,
                               dt_error *err)
{
    const dti_common *c = (const dti_common *)r;
    return c->command->run(r, progress, note, user, err);
}

const char *dt_request_output(const dt_request *r) { return ((const dti_common *)r)->output_text; }
