/* SPDX-License-Identifier: MIT */
/* Shared pieces of the dialtone command line: progress, notes, errors. */
#ifndef DIALTONE_TOOLS_CLI_H
#define DIALTONE_TOOLS_CLI_H

#include "dialtone/dialtone.h"

int dt_cli_progress(double frac, const char *msg, void *user);
void dt_cli_note(const char *note, void *user);
/* Print "dialtone CMD: message" and return the exit status for err. */
int dt_cli_fail(const char *command, const dt_error *err);

#endif
