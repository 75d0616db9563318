/* dialtone stats: a thin main over dt_stats(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_stats(int argc, char **argv)
{
    const char *command = "dialtone stats";
    dt_error err = {0};
    dt_stats_options *options = dt_stats_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_stats_options_wants_help(options)) {
        fputs(dt_stats_usage(), stdout);
    } else if (dt_stats_options_wants_version(options)) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = dt_stats_options_quiet(options);
        if (dt_stats(options, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                     (void *)command, &err) != DT_OK)
            rc = dt_cli_fail(command, &err);
    }
    dt_stats_options_free(options);
    return rc;
}
