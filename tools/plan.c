/* dialtone plan: a thin main over dt_plan(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_plan(int argc, char **argv)
{
    const char *command = "dialtone plan";
    dt_error err = {0};
    dt_plan_options *options = dt_plan_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_plan_options_wants_help(options)) {
        fputs(dt_plan_usage(), stdout);
    } else if (dt_plan_options_wants_version(options)) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = dt_plan_options_quiet(options);
        if (dt_plan(options, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                    (void *)command, &err) != DT_OK)
            rc = dt_cli_fail(command, &err);
    }
    dt_plan_options_free(options);
    return rc;
}
