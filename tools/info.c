/* dialtone info: a thin main over dt_info(). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int dt_cmd_info(int argc, char **argv)
{
    const char *command = "dialtone info";
    dt_error err = {0};
    dt_info_options *options = dt_info_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    char *text = NULL;
    if (dt_info_options_wants_help(options))
        fputs(dt_info_usage(), stdout);
    else if (dt_info_options_wants_version(options))
        printf("dialtone %s\n", dt_version());
    else if (dt_info(options, &text, &err) != DT_OK)
        rc = dt_cli_fail(command, &err);
    else
        fputs(text, stdout);
    free(text);
    dt_info_options_free(options);
    return rc;
}
