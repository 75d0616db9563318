/* Shared pieces of the dialtone command line: progress, notes, errors. */
#ifndef DIALTONE_TOOLS_CLI_H
#define DIALTONE_TOOLS_CLI_H

#include "dialtone/dialtone.h"

int dt_cli_progress(double frac, const char *msg, void *user);
void dt_cli_note(const char *note, void *user);
/* Print "dialtone CMD: message" and return the exit status for err. */
int dt_cli_fail(const char *command, const dt_error *err);

int dt_cmd_stats(int argc, char **argv);
int dt_cmd_merge(int argc, char **argv);
int dt_cmd_map(int argc, char **argv);
int dt_cmd_plan(int argc, char **argv);
int dt_cmd_diff(int argc, char **argv);
int dt_cmd_report(int argc, char **argv);
int dt_cmd_run(int argc, char **argv);
int dt_cmd_info(int argc, char **argv);

#endif
