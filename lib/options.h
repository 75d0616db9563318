/* SPDX-License-Identifier: MIT */
/* The option engine: every command declares its options once, in a table (name, kind, limits,
 * help), and this one piece of code parses argv into the command's request struct, checks
 * values against their limits, frees what it filled, and writes the --help text. Options
 * common to several commands (--served, --threads, --title ...) are declared once here and
 * placed by each command's table where its help lists them; -q, -h and --version belong to
 * every command. */
#ifndef DIALTONE_OPTIONS_H
#define DIALTONE_OPTIONS_H

#include <stddef.h>

#include "dialtone/dialtone.h"

typedef struct dti_command dti_command;

/* The first member of every command's request struct. */
typedef struct dti_common {
    const dti_command *command;
    int help, version, quiet;
    char *output_text; /* what the command printed to stdout, for `info` */
} dti_common;

typedef enum dti_opt_kind {
    DTI_OPT_END = 0,
    DTI_OPT_SECTION, /* a heading in --help: help is its text */
    DTI_OPT_NOTE,    /* a line of text among the options in --help */
    DTI_OPT_FLAG,    /* int set to 1 (or to value when value is non-zero) */
    DTI_OPT_STRING,  /* char *, a copy of the value; given twice, the last wins */
    DTI_OPT_LIST,    /* char **, NULL-terminated, with a size_t count at offset2; repeatable */
    DTI_OPT_INT,     /* int in [min, max] */
    DTI_OPT_NUMBER,  /* double in [min, max] */
    DTI_OPT_CHOICE,  /* int: the index of the value in words (NULL-terminated) */
    DTI_OPT_CALL,    /* parse(request, opt, name, value, err) does the work */
    DTI_OPT_SHARED   /* the option *shared, at this entry's offset (help: this entry's if set) */
} dti_opt_kind;

typedef struct dti_opt dti_opt;
typedef dt_status (*dti_opt_parse_fn)(void *request, const dti_opt *opt, const char *name,
                                      const char *value, dt_error *err);

struct dti_opt {
    dti_opt_kind kind;
    const char *names;        /* "-o|--output": the spellings, the first shown first */
    const char *meta;         /* the value's placeholder in --help ("FILE"); NULL: no value */
    size_t offset;            /* the field in the request struct */
    size_t offset2;           /* LIST: its count (size_t); FLAG with CALL: unused */
    double min, max;          /* INT and NUMBER limits */
    const char *const *words; /* CHOICE */
    const char *expect;       /* the usage error's "expected ..." (INT, NUMBER, CHOICE) */
    dti_opt_parse_fn parse;   /* CALL (also run after INT, NUMBER, CHOICE when set) */
    int value;                /* FLAG: the value to set (0: 1) */
    size_t given;             /* non-zero: an int set to 1 when the option is given */
    const char *help;         /* --help text; '\n' starts a continuation line */
    const dti_opt *shared;    /* SHARED */
};

#define DTI_FIELD(type, field) offsetof(type, field)
#define DTI_SECTION(text)                                                                          \
    {                                                                                              \
        .kind = DTI_OPT_SECTION, .help = (text)                                                    \
    }
#define DTI_NOTE(text)                                                                             \
    {                                                                                              \
        .kind = DTI_OPT_NOTE, .help = (text)                                                       \
    }
#define DTI_SHARE(opt, type, field)                                                                \
    {                                                                                              \
        .kind = DTI_OPT_SHARED, .shared = &(opt), .offset = offsetof(type, field)                  \
    }
#define DTI_SHARE_GIVEN(opt, type, field, flag)                                                    \
    {                                                                                              \
        .kind = DTI_OPT_SHARED, .shared = &(opt), .offset = offsetof(type, field),                 \
        .given = offsetof(type, flag)                                                              \
    }
#define DTI_SHARE_HELP(opt, type, field, text)                                                     \
    {                                                                                              \
        .kind = DTI_OPT_SHARED, .shared = &(opt), .offset = offsetof(type, field), .help = (text)  \
    }

/* Shared options, at the command's field of the type noted. */
extern const dti_opt dti_opt_served;      /* dti_rules: --served D/U */
extern const dti_opt dti_opt_underserved; /* dti_rules: --underserved D/U */
extern const dti_opt dti_opt_ulfw;        /* dti_rules: --ulfw */
extern const dti_opt dti_opt_threads;     /* int: --threads N (1 to 64) */
extern const dti_opt dti_opt_output;      /* char *: -o, --output FILE */
extern const dti_opt dti_opt_title;       /* char *: --title T */
extern const dti_opt dti_opt_subtitle;    /* char *: --subtitle T */
extern const dti_opt dti_opt_source;      /* char *: --source T */
extern const dti_opt dti_opt_region_noun; /* char *: --region-noun N */
extern const dti_opt dti_opt_layer;       /* char *: --layer NAME */
extern const dti_opt dti_opt_id_field;    /* char *: --id-field FIELD */
extern const dti_opt dti_opt_by;          /* int: --by LEVEL, one level's GEOID digits */
extern const dti_opt dti_opt_width;       /* int: --width N (200 to 16000) */

struct dti_command {
    const char *name;        /* "stats" */
    const char *summary;     /* one line for `dialtone --help` */
    const char *synopsis;    /* after "Usage: dialtone NAME " */
    const char *description; /* paragraphs before the options */
    const char *epilogue;    /* after the options (Exit status ...) */
    const dti_opt *options;  /* ends with {0} (DTI_OPT_END) */
    /* the operands (files): a LIST or STRING entry, or kind END when none are taken */
    dti_opt operands;
    size_t size;                                      /* sizeof the request struct */
    void (*init)(void *request);                      /* defaults; may be NULL */
    dt_status (*check)(void *request, dt_error *err); /* after parsing; not for -h/--version */
    void (*release)(void *request); /* frees what the table does not; may be NULL */
    /* run the command (for the generic dt_request_run) */
    dt_status (*run)(void *request, dt_progress_fn progress, dt_note_fn note, void *user,
                     dt_error *err);
};

/* A new request of command filled from argv (argv[0]: the first option or operand), checked.
 * NULL with err set (DT_ERR_USAGE, or DT_ERR_NOMEM). Free with dti_request_free. */
void *dti_request_parse(const dti_command *command, int argc, char **argv, dt_error *err);
/* A request of command with its defaults, for a caller that fills the fields itself (text
 * fields with copies: dti_request_free frees them). NULL with err set when out of memory. */
void *dti_request_new(const dti_command *command, dt_error *err);
/* Set one option of a request by its name ("--served"), with the value's checks and messages
 * of the command line (value NULL for a flag); for callers that fill a request from text they
 * hold (dialtone run's configuration). A usage error names the option. */
dt_status dti_request_set(void *request, const char *name, const char *value, dt_error *err);
/* Add an operand (a file) as the command line's would be. */
dt_status dti_request_operand(void *request, const char *value, dt_error *err);
/* The checks dti_request_parse runs after the options: what a caller filling the fields by
 * hand must pass too. */
dt_status dti_request_check(void *request, dt_error *err);
/* Frees every field the table fills, then calls release. NULL is allowed. */
void dti_request_free(void *request);

/* The --help text of command, into buf (always terminated); returns the length it needs
 * without the terminator, as snprintf does. */
size_t dti_command_usage(const dti_command *command, char *buf, size_t size);

/* The commands, in the order of `dialtone --help`; NULL-terminated. */
extern const dti_command *const dti_commands[];
extern const dti_command dti_run_command, dti_stats_command, dti_merge_command, dti_map_command,
    dti_diff_command, dti_plan_command, dti_report_command, dti_info_command;

/* ---- older helpers for code that reads argv by hand ---- */
/* The value of option argv[*i]: "--opt=value" or the next argument (advancing *i);
 * NULL with a usage error when there is none. */
const char *dti_option_value(int argc, char **argv, int *i, const char *name, dt_error *err);
/* arg is the option name, or "--name=value". */
int dti_is_option(const char *arg, const char *name);
/* Replace *slot with a copy of value. 0 ok, -1 out of memory. */
int dti_replace_string(char **slot, const char *value);
/* The same for a request's text field filled by hand; a NULL text leaves the field as it is. */
int dti_set_text(char **slot, const char *text);

#endif
