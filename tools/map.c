/* dialtone map: a thin main over dt_map(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_map(int argc, char **argv)
{
    const char *command = "dialtone map";
    dt_error err = {0};
    dt_map_options *options = dt_map_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_map_options_wants_help(options)) {
        fputs(dt_map_usage(), stdout);
    } else if (dt_map_options_wants_version(options)) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = dt_map_options_quiet(options);
        if (dt_map(options, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                   (void *)command, &err) != DT_OK)
            rc = dt_cli_fail(command, &err);
    }
    dt_map_options_free(options);
    return rc;
}
