/* SPDX-License-Identifier: MIT */
/* dialtone: the command line, one subcommand per tools/ file. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *fp)
{
    fputs("Usage: dialtone COMMAND [OPTIONS] ...\n"
          "\n"
          "Rural broadband coverage mapping and analysis from FCC Broadband Data\n"
          "Collection availability files and census geometry.\n"
          "\n"
          "Commands:\n",
          fp);
    const dt_command *c;
    for (unsigned long i = 0; (c = dt_command_at(i)); i++)
        fprintf(fp, "  %-8s %s\n", dt_command_name(c), dt_command_summary(c));
    fputs("\n'dialtone COMMAND --help' describes one command.\n"
          "Exit status: 0 success, 1 failure, 2 usage error; interrupted by SIGINT or SIGTERM,\n"
          "it removes what it was writing and ends by that signal (130, 143).\n",
          fp);
}

/* Ctrl-C, kill, a closed terminal: remove what the library was writing, then end by the
 * same signal (the shell sees 130 for SIGINT, 143 for SIGTERM). */
static void interrupted(int sig)
{
    dt_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_interruptions(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = interrupted;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaddset(&sa.sa_mask, sigs[i]); /* one handler at a time */
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old;
        /* a signal ignored by the parent (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

/* One command: its request from argv, then --help, --version or the work. */
static int run_command(const dt_command *c, int argc, char **argv)
{
    char name[64];
    snprintf(name, sizeof name, "dialtone %s", dt_command_name(c));
    dt_error err = {0};
    dt_request *request = dt_request_new(c, argc, argv, &err);
    if (!request)
        return dt_cli_fail(name, &err);
    int rc = 0, flags = dt_request_flags(request);
    if (flags & DT_WANTS_HELP) {
        unsigned long n = dt_command_usage(c, NULL, 0);
        char *text = malloc(n + 1);
        if (text) {
            dt_command_usage(c, text, n + 1);
            fputs(text, stdout);
            free(text);
        }
        rc = text ? 0 : 1;
    } else if (flags & DT_WANTS_VERSION) {
        printf("dialtone %s\n", dt_version());
    } else {
        int quiet = flags & DT_QUIET;
        if (dt_request_run(request, quiet ? NULL : dt_cli_progress, quiet ? NULL : dt_cli_note,
                           name, &err) != DT_OK)
            rc = dt_cli_fail(name, &err);
        else if (dt_request_output(request))
            fputs(dt_request_output(request), stdout);
    }
    dt_request_free(request);
    if (fflush(stdout) != 0 && rc == 0) {
        fprintf(stderr, "%s: writing standard output failed\n", name);
        rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    catch_interruptions();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("dialtone %s\n", dt_version());
        return 0;
    }
    const dt_command *c = dt_command_find(argv[1]);
    if (c)
        return run_command(c, argc - 2, argv + 2);
    fprintf(stderr, "dialtone: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
