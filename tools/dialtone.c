/* dialtone: the command line, one subcommand per tools/ file. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", dt_cmd_run, "the whole pipeline (stats, maps, plan, report) from a config file"},
    {"stats", dt_cmd_stats, "served / underserved / unserved counts per region (BEAD rules)"},
    {"merge", dt_cmd_merge, "merge partial results of separate stats runs exactly"},
    {"map", dt_cmd_map, "choropleth or proportional-symbol map of a region column (PNG, SVG)"},
    {"diff", dt_cmd_diff, "what changed between two BDC releases, per region and technology"},
    {"plan", dt_cmd_plan, "rank and cost regions, fund them from a budget (BEAD order)"},
    {"report", dt_cmd_report, "one self-contained HTML page: numbers, maps, tables, method"},
    {"info", dt_cmd_info, "what an output means: version, rules, regions, fabric, inputs"},
};

static void usage(FILE *fp)
{
    fputs("Usage: dialtone COMMAND [OPTIONS] ...\n"
          "\n"
          "Rural broadband coverage mapping and analysis from FCC Broadband Data\n"
          "Collection availability files and census geometry.\n"
          "\n"
          "Commands:\n",
          fp);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
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
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "dialtone: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
