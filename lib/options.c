/* SPDX-License-Identifier: MIT */
/* The option engine (options.h): one table per command, one parser, one help writer. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FIELD(request, offset, type) ((type *)((char *)(request) + (offset)))

/* The entry an option resolves to: a shared one placed at this entry's offset. */
static dti_opt resolve(const dti_opt *opt)
{
    if (opt->kind != DTI_OPT_SHARED)
        return *opt;
    dti_opt o = *opt->shared;
    o.offset = opt->offset;
    if (opt->help)
        o.help = opt->help;
    if (opt->given)
        o.given = opt->given;
    return o;
}

/* Does arg spell one of names ("-o|--output")? *name gets the spelling matched. */
static int spelled(const char *names, const char *arg, int takes_value, char *name, size_t size)
{
    for (const char *p = names; *p;) {
        size_t len = strcspn(p, "|");
        if (strncmp(arg, p, len) == 0 &&
            (arg[len] == '\0' || (arg[len] == '=' && takes_value && p[1] == '-'))) {
            snprintf(name, size, "%.*s", (int)len, p);
            return 1;
        }
        p += len;
        if (*p == '|')
            p++;
    }
    return 0;
}

static dt_status add_to_list(void *request, const dti_opt *o, const char *value, dt_error *err)
{
    char ***items = FIELD(request, o->offset, char **);
    size_t *count = FIELD(request, o->offset2, size_t);
    char **grown = realloc(*items, (*count + 2) * sizeof *grown);
    if (!grown)
        return dti_nomem(err);
    *items = grown;
    if (!(grown[*count] = strdup(value)))
        return dti_nomem(err);
    grown[++*count] = NULL;
    return DT_OK;
}

/* "a, b or c" from a word list. */
static void word_list(const char *const *words, char *buf, size_t size)
{
    size_t n = 0, len = 0;
    while (words[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                i == 0       ? ""
                                : i + 1 == n ? " or "
                                             : ", ",
                                words[i]);
}

static dt_status apply(void *request, const dti_opt *o, const char *name, const char *value,
                       dt_error *err)
{
    char expect[256];
    switch (o->kind) {
    case DTI_OPT_FLAG: *FIELD(request, o->offset, int) = o->value ? o->value : 1; break;
    case DTI_OPT_STRING:
        if (dti_replace_string(FIELD(request, o->offset, char *), value) != 0)
            return dti_nomem(err);
        break;
    case DTI_OPT_LIST:
        if (add_to_list(request, o, value, err) != DT_OK)
            return err->status;
        break;
    case DTI_OPT_INT:
    case DTI_OPT_NUMBER: {
        char *end;
        errno = 0;
        double v = o->kind == DTI_OPT_INT ? (double)strtol(value, &end, 10) : strtod(value, &end);
        if (end == value || *end || errno || !isfinite(v) || v < o->min || v > o->max) {
            if (o->expect)
                snprintf(expect, sizeof expect, "%s", o->expect);
            else
                snprintf(expect, sizeof expect, "%g to %g", o->min, o->max);
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: expected %s", name, value,
                                 expect);
        }
        if (o->kind == DTI_OPT_INT)
            *FIELD(request, o->offset, int) = (int)v;
        else
            *FIELD(request, o->offset, double) = v;
        break;
    }
    case DTI_OPT_CHOICE: {
        int k = 0;
        while (o->words[k] && strcmp(o->words[k], value) != 0)
            k++;
        if (!o->words[k]) {
            if (o->expect)
                snprintf(expect, sizeof expect, "%s", o->expect);
            else
                word_list(o->words, expect, sizeof expect);
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: expected %s", name, value,
                                 expect);
        }
        *FIELD(request, o->offset, int) = k;
        break;
    }
    default: break;
    }
    if (o->given)
        *FIELD(request, o->given, int) = 1;
    return o->parse ? o->parse(request, o, name, value, err) : DT_OK;
}

static int is_option_entry(const dti_opt *o)
{
    return o->kind != DTI_OPT_SECTION && o->kind != DTI_OPT_NOTE;
}

static dt_status parse_one(const dti_command *c, void *request, int argc, char **argv, int *i,
                           dt_error *err)
{
    const char *a = argv[*i];
    dti_common *common = request;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        common->help = 1;
        return DT_OK;
    }
    if (strcmp(a, "--version") == 0) {
        common->version = 1;
        return DT_OK;
    }
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        common->quiet = 1;
        return DT_OK;
    }
    for (const dti_opt *e = c->options; e->kind != DTI_OPT_END; e++) {
        if (!is_option_entry(e))
            continue;
        dti_opt o = resolve(e);
        char name[64];
        if (!spelled(o.names, a, o.meta != NULL, name, sizeof name))
            continue;
        const char *value = NULL;
        if (o.meta && !(value = dti_option_value(argc, argv, i, name, err)))
            return err->status;
        return apply(request, &o, name, value, err);
    }
    if (strncmp(a, "--", 2) == 0 && strchr(a, '=')) {
        /* a flag given a value: --ulfw=1 */
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(strchr(a, '=') - a), a);
        for (const dti_opt *e = c->options; e->kind != DTI_OPT_END; e++) {
            dti_opt o = resolve(e);
            char ignored[64];
            if (is_option_entry(e) && spelled(o.names, name, 0, ignored, sizeof ignored))
                return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "option %s takes no value", name);
        }
    }
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "unknown option %s", a);
}

static dt_status add_operand(const dti_command *c, void *request, const char *a, dt_error *err);

dt_status dti_request_set(void *request, const char *name, const char *value, dt_error *err)
{
    const dti_command *c = ((dti_common *)request)->command;
    for (const dti_opt *e = c->options; e->kind != DTI_OPT_END; e++) {
        if (!is_option_entry(e))
            continue;
        dti_opt o = resolve(e);
        char spelling[64];
        if (!spelled(o.names, name, 0, spelling, sizeof spelling))
            continue;
        if (o.meta && !value)
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "option %s needs a value", name);
        return apply(request, &o, name, o.meta ? value : NULL, err);
    }
    return dti_error_set(err, DT_ERR_INTERNAL, NULL, 0, "dialtone %s has no option %s", c->name,
                         name);
}

dt_status dti_request_operand(void *request, const char *value, dt_error *err)
{
    return add_operand(((dti_common *)request)->command, request, value, err);
}

static dt_status add_operand(const dti_command *c, void *request, const char *a, dt_error *err)
{
    const dti_opt *o = &c->operands;
    if (o->kind == DTI_OPT_LIST)
        return add_to_list(request, o, a, err);
    if (o->kind == DTI_OPT_STRING) {
        char **slot = FIELD(request, o->offset, char *);
        if (*slot)
            return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "one %s only (%s and %s)", o->meta,
                                 *slot, a);
        return dti_replace_string(slot, a) == 0 ? DT_OK : dti_nomem(err);
    }
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "unexpected argument '%s'", a);
}

void *dti_request_new(const dti_command *c, dt_error *err)
{
    dti_common *request = calloc(1, c->size);
    if (!request) {
        dti_nomem(err);
        return NULL;
    }
    request->command = c;
    if (c->init)
        c->init(request);
    return request;
}

dt_status dti_request_check(void *request, dt_error *err)
{
    const dti_command *c = ((dti_common *)request)->command;
    return c->check ? c->check(request, err) : DT_OK;
}

void *dti_request_parse(const dti_command *c, int argc, char **argv, dt_error *err)
{
    dti_common *request = dti_request_new(c, err);
    if (!request)
        return NULL;
    int only_operands = 0;
    dt_status status = DT_OK;
    for (int i = 0; i < argc && status == DT_OK; i++) {
        const char *a = argv[i];
        if (only_operands || a[0] != '-' || strcmp(a, "-") == 0)
            status = add_operand(c, request, a, err);
        else if (strcmp(a, "--") == 0)
            only_operands = 1;
        else
            status = parse_one(c, request, argc, argv, &i, err);
    }
    if (status == DT_OK && !request->help && !request->version && c->check)
        status = c->check(request, err);
    if (status != DT_OK) {
        dti_request_free(request);
        return NULL;
    }
    return request;
}

static void free_field(void *request, const dti_opt *e)
{
    dti_opt o = resolve(e);
    if (o.kind == DTI_OPT_STRING) {
        char **slot = FIELD(request, o.offset, char *);
        free(*slot);
        *slot = NULL;
    } else if (o.kind == DTI_OPT_LIST) {
        char ***items = FIELD(request, o.offset, char **);
        size_t *count = FIELD(request, o.offset2, size_t);
        for (size_t k = 0; k < *count; k++)
            free((*items)[k]);
        free(*items);
        *items = NULL;
        *count = 0;
    }
}

void dti_request_free(void *request)
{
    if (!request)
        return;
    dti_common *common = request;
    const dti_command *c = common->command;
    if (c->release)
        c->release(request);
    for (const dti_opt *e = c->options; e->kind != DTI_OPT_END; e++)
        free_field(request, e);
    free_field(request, &c->operands);
    free(common->output_text);
    free(request);
}

/* ---- --help ---- */

typedef struct text {
    char *buf;
    size_t size, len;
} text;

static void put(text *t, const char *fmt, ...) DTI_PRINTF(2, 3);
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->len < t->size ? t->buf + t->len : NULL,
                      t->len < t->size ? t->size - t->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n;
}

/* The help lines of one option: the names in a column of 22, the text beside. */
#define HELP_COLUMN 24
static void put_option(text *t, const char *names, const char *meta, const char *help)
{
    char left[160];
    size_t len = 0;
    len += (size_t)snprintf(left, sizeof left, "  ");
    for (const char *p = names; *p && len < sizeof left;) {
        size_t n = strcspn(p, "|");
        len += (size_t)snprintf(left + len, sizeof left - len, "%s%.*s", p == names ? "" : ", ",
                                (int)n, p);
        p += n;
        if (*p == '|')
            p++;
    }
    if (meta && len < sizeof left)
        len += (size_t)snprintf(left + len, sizeof left - len, " %s", meta);
    const char *h = help ? help : "";
    if (len + 1 >= HELP_COLUMN)
        put(t, "%s\n%*s", left, HELP_COLUMN, "");
    else
        put(t, "%-*s", HELP_COLUMN, left);
    for (;;) {
        size_t n = strcspn(h, "\n");
        put(t, "%.*s\n", (int)n, h);
        h += n;
        if (!*h++)
            break;
        put(t, "%*s", HELP_COLUMN, "");
    }
}

static void put_lines(text *t, const char *indent, const char *s)
{
    while (*s) {
        size_t n = strcspn(s, "\n");
        put(t, "%s%.*s\n", n ? indent : "", (int)n, s);
        s += n;
        if (*s)
            s++;
    }
}

size_t dti_command_usage(const dti_command *c, char *buf, size_t size)
{
    text t = {buf, size, 0};
    if (size)
        buf[0] = '\0';
    put(&t, "Usage: dialtone %s %s\n\n", c->name, c->synopsis);
    if (c->description)
        put(&t, "%s\n", c->description);
    if (c->options[0].kind != DTI_OPT_SECTION)
        put(&t, "Options:\n");
    for (const dti_opt *e = c->options; e->kind != DTI_OPT_END; e++) {
        if (e->kind == DTI_OPT_SECTION) {
            put(&t, "%s%s\n", e == c->options ? "" : "\n", e->help);
        } else if (e->kind == DTI_OPT_NOTE) {
            put_lines(&t, "  ", e->help);
        } else {
            dti_opt o = resolve(e);
            put_option(&t, o.names, o.meta, o.help);
        }
    }
    put(&t, "\nGeneral:\n");
    put_option(&t, "-q|--quiet", NULL, "no progress or notes on stderr");
    put_option(&t, "-h|--help", NULL, "show this help");
    put_option(&t, "--version", NULL, "show the version");
    if (c->epilogue)
        put(&t, "\n%s", c->epilogue);
    return t.len;
}

/* ---- shared options ---- */

static dt_status parse_threshold(void *request, const dti_opt *o, const char *name,
                                 const char *value, dt_error *err)
{
    dti_rules *rules = FIELD(request, o->offset, dti_rules);
    int served = strcmp(name, "--served") == 0;
    if (dti_parse_threshold(value, served ? &rules->served_down : &rules->underserved_down,
                            served ? &rules->served_up : &rules->underserved_up) != 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0, "%s %s: " DTI_THRESHOLD_SYNTAX, name,
                             value);
    return DT_OK;
}

static dt_status set_ulfw(void *request, const dti_opt *o, const char *name, const char *value,
                          dt_error *err)
{
    (void)name, (void)value, (void)err;
    FIELD(request, o->offset, dti_rules)->ulfw = 1;
    return DT_OK;
}

const dti_opt dti_opt_served = {.kind = DTI_OPT_CALL,
                                .names = "--served",
                                .meta = "D/U",
                                .parse = parse_threshold,
                                .help = "served threshold in Mbps (default 100/20)"};
const dti_opt dti_opt_underserved = {.kind = DTI_OPT_CALL,
                                     .names = "--underserved",
                                     .meta = "D/U",
                                     .parse = parse_threshold,
                                     .help = "underserved threshold in Mbps (default 25/3)"};
const dti_opt dti_opt_ulfw = {.kind = DTI_OPT_CALL,
                              .names = "--ulfw",
                              .parse = set_ulfw,
                              .help = "count unlicensed fixed wireless (technology 70) as\n"
                                      "reliable"};
const dti_opt dti_opt_threads = {.kind = DTI_OPT_INT,
                                 .names = "--threads",
                                 .meta = "N",
                                 .min = 1,
                                 .max = 64,
                                 .expect = "1 to 64",
                                 .help = "parse with N threads (default: one per CPU)"};
const dti_opt dti_opt_output = {.kind = DTI_OPT_STRING,
                                .names = "-o|--output",
                                .meta = "FILE",
                                .help = "write the table to FILE (default: stdout)"};
const dti_opt dti_opt_title = {
    .kind = DTI_OPT_STRING, .names = "--title", .meta = "T", .help = "the title"};
const dti_opt dti_opt_subtitle = {
    .kind = DTI_OPT_STRING, .names = "--subtitle", .meta = "T", .help = "the line under the title"};
const dti_opt dti_opt_source = {
    .kind = DTI_OPT_STRING, .names = "--source", .meta = "T", .help = "the source line"};
const dti_opt dti_opt_region_noun = {.kind = DTI_OPT_STRING,
                                     .names = "--region-noun",
                                     .meta = "N",
                                     .help = "what a region is called (default \"regions\")"};
const dti_opt dti_opt_layer = {.kind = DTI_OPT_STRING,
                               .names = "--layer",
                               .meta = "NAME",
                               .help = "layer of the --regions source (default: the first;\n"
                                       "or FILE|layername=NAME)"};
const dti_opt dti_opt_id_field = {.kind = DTI_OPT_STRING,
                                  .names = "--id-field",
                                  .meta = "FIELD",
                                  .help = "region id field (default: GEOID, GEOID20 or geoid)"};
const dti_opt dti_opt_width = {.kind = DTI_OPT_INT,
                               .names = "--width",
                               .meta = "N",
                               .min = 200,
                               .max = 16000,
                               .expect = "200 to 16000",
                               .help = "map width in points (default 1600)"};

static dt_status parse_level(void *request, const dti_opt *o, const char *name, const char *value,
                             dt_error *err)
{
    int digits = dti_level_digits(value, strlen(value));
    if (digits < 0)
        return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                             "%s %s: expected state, county, tract, blockgroup or block", name,
                             value);
    *FIELD(request, o->offset, int) = digits;
    return DT_OK;
}

const dti_opt dti_opt_by = {.kind = DTI_OPT_CALL,
                            .names = "--by",
                            .meta = "LEVEL",
                            .parse = parse_level,
                            .help = "region: state, county (default), tract, blockgroup,\n"
                                    "block"};

/* ---- older helpers ---- */

const char *dti_option_value(int argc, char **argv, int *i, const char *name, dt_error *err)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq && strncmp(argv[*i], "--", 2) == 0)
        return eq + 1;
    if (*i + 1 >= argc) {
        dti_error_set(err, DT_ERR_USAGE, NULL, 0, "option %s needs a value", name);
        return NULL;
    }
    return argv[++*i];
}

int dti_is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || (arg[n] == '=' && name[1] == '-'));
}

int dti_replace_string(char **slot, const char *value)
{
    free(*slot);
    *slot = strdup(value);
    return *slot ? 0 : -1;
}

int dti_set_text(char **slot, const char *value)
{
    return value ? dti_replace_string(slot, value) : 0;
}
