/* dialtone run: a thin main over dt_run(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_run(int argc, char **argv)
{
    const char *command = "dialtone run";
    dt_error err = {0};
    dt_run_options *options = dt_run_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_run_options_wants_help(options)) {
        fputs(dt_run_usage(), stdout);
    } else if (dt_run_options_wants_version(options)) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = dt_run_options_quiet(options);
        if (dt_run(options, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                   (void *)command, &err) != DT_OK)
            rc = dt_cli_fail(command, &err);
    }
    dt_run_options_free(options);
    return rc;
}
