/* dialtone diff: a thin main over dt_diff(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_diff(int argc, char **argv)
{
    const char *command = "dialtone diff";
    dt_error err = {0};
    dt_diff_options *options = dt_diff_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_diff_options_wants_help(options)) {
        fputs(dt_diff_usage(), stdout);
    } else if (dt_diff_options_wants_version(options)) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = dt_diff_options_quiet(options);
        if (dt_diff(options, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                    (void *)command, &err) != DT_OK)
            rc = dt_cli_fail(command, &err);
    }
    dt_diff_options_free(options);
    return rc;
}
