/* SPDX-License-Identifier: MIT */
/* Progress printer, note printer and error reporting for every subcommand. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int dt_cli_progress(double frac, const char *msg, void *user)
{
    (void)user;
    static int last = -1;
    if (!isatty(STDERR_FILENO))
        return 1;
    int percent = (int)(frac * 100);
    if (percent == last && frac < 1)
        return 1;
    last = percent;
    const char *name = msg ? strrchr(msg, '/') : NULL;
    name = name ? name + 1 : (msg ? msg : "");
    fprintf(stderr, "\r%3d%% %-60.60s", percent, name);
    if (frac >= 1)
        fputs("\r\033[K", stderr);
    fflush(stderr);
    return 1;
}

void dt_cli_note(const char *note, void *user)
{
    fprintf(stderr, "%s: %s\n", (const char *)user, note);
}

int dt_cli_fail(const char *command, const dt_error *err)
{
    char text[2200];
    fprintf(stderr, "%s: %s\n", command, dt_error_format(err, text, sizeof text));
    if (err->status == DT_ERR_USAGE) {
        fprintf(stderr, "Try '%s --help' for more information.\n", command);
        return 2;
    }
    return 1;
}
