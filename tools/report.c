/* dialtone report: a thin main over dt_report(). */
#include <stdio.h>

#include "cli.h"

int dt_cmd_report(int argc, char **argv)
{
    const char *command = "dialtone report";
    dt_error err = {0};
    dt_report_options *options = dt_report_options_new(argc, argv, &err);
    if (!options)
        return dt_cli_fail(command, &err);
    int rc = 0;
    if (dt_report_options_wants_help(options)) {
        fputs(dt_report_usage(), stdout);
    } else if (dt_report_options_wants_version(options)) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = dt_report_options_quiet(options);
        if (dt_report(options, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                      (void *)command, &err) != DT_OK)
            rc = dt_cli_fail(command, &err);
    }
    dt_report_options_free(options);
    return rc;
}
