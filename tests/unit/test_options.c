/* SPDX-License-Identifier: MIT */
/* The option engine (lib/options.c) on a command of its own: every kind of option, the
 * shared ones, operands, errors, and the --help layout. Expected values are worked out from
 * the table below by hand. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

typedef struct toy {
    dti_common common;
    int flag, count, choice, given;
    double number;
    char *text, **items, **files;
    size_t item_count, file_count;
    dti_rules rules;
    int threads, level;
} toy;

static const char *const words[] = {"red", "green", "blue", NULL};

static void toy_init(void *r) { dti_rules_default(&((toy *)r)->rules); }

static const dti_opt toy_options[] = {
    {DTI_OPT_FLAG, .names = "-f|--flag", .offset = offsetof(toy, flag), .help = "a flag"},
    {DTI_OPT_STRING, .names = "--text", .meta = "T", .offset = offsetof(toy, text),
     .help = "some text\nover two lines"},
    {DTI_OPT_LIST, .names = "--item", .meta = "X", .offset = offsetof(toy, items),
     .offset2 = offsetof(toy, item_count), .help = "repeatable"},
    {DTI_OPT_INT, .names = "--count", .meta = "N", .offset = offsetof(toy, count), .min = 3,
     .max = 9, .expect = "3 to 9", .help = "a count"},
    {DTI_OPT_NUMBER, .names = "--number", .meta = "F", .offset = offsetof(toy, number), .min = 0.25,
     .max = 4, .help = "a number"},
    DTI_SECTION("Shared:"),
    {DTI_OPT_CHOICE, .names = "--colour", .meta = "C", .offset = offsetof(toy, choice),
     .words = words, .given = offsetof(toy, given), .help = "a colour"},
    DTI_SHARE(dti_opt_served, toy, rules),
    DTI_SHARE_GIVEN(dti_opt_ulfw, toy, rules, given),
    DTI_SHARE(dti_opt_threads, toy, threads),
    DTI_SHARE(dti_opt_by, toy, level),
    {DTI_OPT_STRING, .names = "--a-very-long-option-name", .meta = "VALUE",
     .offset = offsetof(toy, text), .help = "help on the next line"},
    DTI_NOTE("A note."),
    {0}};

static const dti_command toy_command = {
    .name = "toy",
    .summary = "a command for the tests",
    .synopsis = "[OPTIONS] FILE...",
    .description = "Tests the engine.\n",
    .epilogue = "The end.\n",
    .options = toy_options,
    .operands = {DTI_OPT_LIST, .meta = "FILE", .offset = offsetof(toy, files),
                 .offset2 = offsetof(toy, file_count)},
    .size = sizeof(toy),
    .init = toy_init,
};

static toy *parse(int argc, const char *const *argv, dt_error *err)
{
    memset(err, 0, sizeof *err);
    return dti_request_parse(&toy_command, argc, (char **)(uintptr_t)argv, err);
}

static void test_values(void)
{
    dt_error err;
    const char *argv[] = {"a.csv", "-f",       "--text",  "one",    "--text=two",   "--item",
                          "x",     "--item=y", "--count", "7",      "--number=2.5", "--colour",
                          "blue",  "--served", "200/30",  "--ulfw", "--threads",    "4",
                          "--by",  "tract",    "-",       "--",     "--text",       "-q"};
    toy *t = parse(24, argv, &err);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_INT(t->flag, 1);
    CHECK_STR(t->text, "two"); /* the last wins */
    CHECK_INT(t->item_count, 2);
    CHECK_STR(t->items[0], "x");
    CHECK_STR(t->items[1], "y");
    CHECK(t->items[2] == NULL);
    CHECK_INT(t->count, 7);
    CHECK(t->number == 2.5);
    CHECK_INT(t->choice, 2);
    CHECK_INT(t->given, 1);
    CHECK_INT(t->rules.served_down, 200 * DTI_MICRO);
    CHECK_INT(t->rules.served_up, 30 * DTI_MICRO);
    CHECK_INT(t->rules.underserved_down, 25 * DTI_MICRO); /* the default, kept */
    CHECK_INT(t->rules.ulfw, 1);
    CHECK_INT(t->threads, 4);
    CHECK_INT(t->level, 11);
    /* operands: a.csv, "-" and, after "--", two that look like options */
    CHECK_INT(t->file_count, 4);
    CHECK_STR(t->files[0], "a.csv");
    CHECK_STR(t->files[1], "-");
    CHECK_STR(t->files[2], "--text");
    CHECK_STR(t->files[3], "-q");
    CHECK_INT(t->common.quiet, 0);
    dti_request_free(t);
}

static void test_errors(void)
{
    static const struct {
        int argc;
        const char *argv[3];
        const char *message;
    } cases[] = {
        {1, {"--nope"}, "unknown option --nope"},
        {1, {"--text"}, "option --text needs a value"},
        {2, {"--count", "2"}, "--count 2: expected 3 to 9"},
        {2, {"--count", "10"}, "--count 10: expected 3 to 9"},
        {2, {"--count", "5x"}, "--count 5x: expected 3 to 9"},
        {2, {"--number", "nan"}, "--number nan: expected 0.25 to 4"},
        {2, {"--number", "4.5"}, "--number 4.5: expected 0.25 to 4"},
        {2, {"--colour", "pink"}, "--colour pink: expected red, green or blue"},
        {1, {"--flag=1"}, "option --flag takes no value"},
        {2, {"--threads", "0"}, "--threads 0: expected 1 to 64"},
        {2, {"--by", "town"}, "--by town: expected state, county, tract, blockgroup or block"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dt_error err;
        toy *t = parse(cases[i].argc, cases[i].argv, &err);
        CHECK(t == NULL);
        CHECK_INT(err.status, DT_ERR_USAGE);
        CHECK_STR(err.message, cases[i].message);
        dti_request_free(t);
    }
}

static void test_common(void)
{
    dt_error err;
    const char *argv[] = {"-h", "--version", "-q"};
    toy *t = parse(3, argv, &err);
    CHECK(t != NULL);
    if (t) {
        CHECK(t->common.help && t->common.version && t->common.quiet);
        CHECK(t->common.command == &toy_command);
    }
    dti_request_free(t);
}

static void test_usage(void)
{
    size_t n = dti_command_usage(&toy_command, NULL, 0);
    char *text = malloc(n + 1);
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK_INT(dti_command_usage(&toy_command, text, n + 1), n);
    CHECK_INT(strlen(text), n);
    const char *want = "Usage: dialtone toy [OPTIONS] FILE...\n"
                       "\n"
                       "Tests the engine.\n"
                       "\n"
                       "Options:\n"
                       "  -f, --flag            a flag\n"
                       "  --text T              some text\n"
                       "                        over two lines\n"
                       "  --item X              repeatable\n"
                       "  --count N             a count\n"
                       "  --number F            a number\n"
                       "\n"
                       "Shared:\n"
                       "  --colour C            a colour\n"
                       "  --served D/U          served threshold in Mbps (default 100/20)\n";
    CHECK(strncmp(text, want, strlen(want)) == 0);
    CHECK(strstr(text, "\n  --a-very-long-option-name VALUE\n"
                       "                        help on the next line\n") != NULL);
    CHECK(strstr(text, "\n  A note.\n") != NULL);
    CHECK(strstr(text, "\nGeneral:\n  -q, --quiet           no progress or notes on stderr\n"
                       "  -h, --help            show this help\n"
                       "  --version             show the version\n\nThe end.\n") != NULL);
    /* a buffer too small is cut and terminated, and the length needed is still returned */
    char small[10];
    CHECK_INT(dti_command_usage(&toy_command, small, sizeof small), n);
    CHECK_STR(small, "Usage: di");
    free(text);
}

/* Every command's table: parses its own --help, and its usage fits 80 columns. */
static void test_commands(void)
{
    for (size_t i = 0; dti_commands[i]; i++) {
        dt_error err = {0};
        char *argv[] = {"--help"};
        void *r = dti_request_parse(dti_commands[i], 1, argv, &err);
        CHECK(r != NULL);
        dti_request_free(r);
        char text[16384];
        CHECK(dti_command_usage(dti_commands[i], text, sizeof text) < sizeof text);
        for (const char *line = text; *line;) {
            size_t len = strcspn(line, "\n");
            CHECK(len <= 80);
            line += len + (line[len] == '\n');
        }
    }
}

int main(void)
{
    test_values();
    test_errors();
    test_common();
    test_usage();
    test_commands();
    return dt_unit_report("options");
}
