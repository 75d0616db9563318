/* dialtone merge: a thin main over dt_merge(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_merge(int argc, char **argv)
{
    const char *command = "dialtone merge";
    dt_error err = {0};
    dt_merge_options *options = dt_merge_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_merge_options_wants_help(options))
        fputs(dt_merge_usage(), stdout);
    else if (dt_merge(options, &err) != DT_OK)
        rc = dt_cli_fail(command, &err);
    dt_merge_options_free(options);
    return rc;
}
