/* SPDX-License-Identifier: MIT */
/* dialtone run: the configuration file (key = value lines), read and checked. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"

enum kind {
    TEXT,
    FILES,
    PATH,
    DIRECTORY,
    LEVEL,
    BOOL,
    THRESHOLD,
    COUNT,
    MONEY,
    METHOD,
    UNIT,
    CLASSIFICATION,
    PALETTE
};

static const struct {
    const char *key;
    enum kind kind;
} keys[DTI_RUN_KEY_COUNT] = {
    [DTI_RUN_BDC] = {"bdc", FILES},
    [DTI_RUN_PREVIOUS] = {"previous", FILES},
    [DTI_RUN_FABRIC] = {"fabric", PATH},
    [DTI_RUN_REGIONS] = {"regions", PATH},
    [DTI_RUN_LAYER] = {"layer", TEXT},
    [DTI_RUN_ID_FIELD] = {"id_field", TEXT},
    [DTI_RUN_BY] = {"by", LEVEL},
    [DTI_RUN_OUT] = {"out", DIRECTORY},
    [DTI_RUN_NAME] = {"name", TEXT},
    [DTI_RUN_TITLE] = {"title", TEXT},
    [DTI_RUN_SUBTITLE] = {"subtitle", TEXT},
    [DTI_RUN_SOURCE] = {"source", TEXT},
    [DTI_RUN_NOUN] = {"region_noun", TEXT},
    [DTI_RUN_ULFW] = {"ulfw", BOOL},
    [DTI_RUN_SERVED] = {"served", THRESHOLD},
    [DTI_RUN_UNDERSERVED] = {"underserved", THRESHOLD},
    [DTI_RUN_THREADS] = {"threads", COUNT},
    [DTI_RUN_BUDGET] = {"budget", MONEY},
    [DTI_RUN_COSTS] = {"costs", PATH},
    [DTI_RUN_LAND] = {"land", PATH},
    [DTI_RUN_HOUSEHOLDS] = {"households", BOOL},
    [DTI_RUN_METHOD] = {"plan_method", METHOD},
    [DTI_RUN_TOP] = {"top", COUNT},
    [DTI_RUN_SCALE_BAR] = {"scale_bar", UNIT},
    [DTI_RUN_BLOCKS] = {"blocks", FILES},
    [DTI_RUN_OLD_METHOD] = {"method", METHOD},
    [DTI_RUN_MAP_COLUMN] = {"map_column", TEXT},
    [DTI_RUN_MAP_PALETTE] = {"map_palette", PALETTE},
    [DTI_RUN_MAP_CLASSIFICATION] = {"map_classification", CLASSIFICATION},
    [DTI_RUN_MAP_CLASSES] = {"map_classes", COUNT},
    [DTI_RUN_MAP_TITLE] = {"map_title", TEXT},
    [DTI_RUN_MAP_SUBTITLE] = {"map_subtitle", TEXT},
    [DTI_RUN_MAP_UNITS] = {"map_units", TEXT},
    [DTI_RUN_SYMBOLS_TITLE] = {"symbols_title", TEXT},
    [DTI_RUN_PLAN_TITLE] = {"plan_title", TEXT},
};

void dti_run_config_free(dti_run_config *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->dir);
    for (int k = 0; k < DTI_RUN_KEY_COUNT; k++) {
        free(c->text[k]);
        for (size_t i = 0; i < c->count[k]; i++)
            free(c->paths[k][i]);
        free(c->paths[k]);
    }
    memset(c, 0, sizeof *c);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "a/b/../../out" -> "out", "./x" -> "x", in place: lexically, as messages show paths. */
static void tidy(char *path)
{
    size_t slashes = 0;
    for (const char *p = path; *p; p++)
        slashes += *p == '/';
    char **parts = malloc((slashes + 1) * sizeof *parts), *save = NULL;
    size_t n = 0;
    int absolute = path[0] == '/';
    char *copy = strdup(path);
    if (!copy || !parts) {
        free(copy);
        free(parts);
        return; /* left as it is: a longer path to the same file */
    }
    for (char *p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (strcmp(p, ".") == 0)
            continue;
        if (strcmp(p, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0)
            n--;
        else if (!(strcmp(p, "..") == 0 && absolute && n == 0))
            parts[n++] = p;
    }
    char *out = path;
    if (absolute)
        *out++ = '/';
    for (size_t i = 0; i < n; i++)
        out += sprintf(out, "%s%s", i ? "/" : "", parts[i]);
    if (out == path)
        strcpy(path, ".");
    else
        *out = '\0';
    free(copy);
    free(parts);
}

/* A path of the config relative to its directory (absolute paths stay). */
static char *resolve(const dti_run_config *c, const char *path)
{
    size_t n = strlen(c->dir) + strlen(path) + 3;
    char *out = malloc(n);
    if (out) {
        snprintf(out, n, "%s%s%s", path[0] == '/' ? "" : c->dir, path[0] == '/' ? "" : "/", path);
        tidy(out);
    }
    return out;
}

/* Split a value into words; "double quotes" keep spaces. -1 out of memory, -2 bad quotes. */
static int split_words(dti_run_config *c, int k, char *value)
{
    char *p = value;
    size_t cap = 0;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        char *start = p, *end;
        if (*p == '"') {
            start = ++p;
            if (!(end = strchr(p, '"')))
                return -2;
            p = end + 1;
        } else {
            while (*p && !isspace((unsigned char)*p))
                p++;
            end = p;
            if (*p)
                p++;
        }
        *end = '\0';
        if (dti_grow(&c->paths[k], &cap, c->count[k] + 1, sizeof *c->paths[k], 8) != 0)
            return -1;
        if (!(c->paths[k][c->count[k]] = resolve(c, start)))
            return -1;
        c->count[k]++;
    }
    return 0;
}

/* Every word of a FILES key names at least one readable file (a glob must match). */
static dt_status check_files(const dti_run_config *c, int k, dt_error *err)
{
    for (size_t i = 0; i < c->count[k]; i++) {
        const char *path = c->paths[k][i];
        struct stat st;
        if (strpbrk(path, "*?[")) {
            glob_t g;
            int rc = glob(path, 0, NULL, &g);
            size_t n = rc == 0 ? g.gl_pathc : 0;
            globfree(&g);
            if (n == 0)
                return dti_error_set(err, DT_ERR_IO, c->path, c->line[k], "%s: no file matches %s",
                                     keys[k].key, path);
        } else if (stat(path, &st) != 0) {
            return dti_error_set(err, DT_ERR_IO, c->path, c->line[k], "%s: %s: %s", keys[k].key,
                                 path, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            /* the rule of every command: a directory stands for a set of BDC files, and is
             * refused where one file is read */
            static const char *const bdc[] = {".csv", ".zip", NULL};
            int set = k == DTI_RUN_BDC || k == DTI_RUN_PREVIOUS;
            char names[300];
            dti_directory_sample(path, set ? bdc : NULL, names, sizeof names);
            if (set && names[0])
                continue;
            if (set)
                return dti_error_set(err, DT_ERR_IO, c->path, c->line[k],
                                     "%s: %s is a directory with no .csv or .zip file", keys[k].key,
                                     path);
            return dti_error_set(err, DT_ERR_IO, c->path, c->line[k],
                                 "%s: %s is a directory, not a file: name one%s%s%s", keys[k].key,
                                 path, names[0] ? " (in it: " : "", names, names[0] ? ")" : "");
        }
    }
    return DT_OK;
}

static int parse_bool(const char *v)
{
    static const char *const yes[] = {"yes", "true", "1", "on"}, *const no[] = {"no", "false", "0",
                                                                                "off"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* Check one key's value; 0 ok, else err filled. */
static dt_status check_value(dti_run_config *c, int k, char *value, dt_error *err)
{
    long line = c->line[k];
    const char *key = keys[k].key;
    int64_t down, up;
    switch (keys[k].kind) {
    case TEXT: break;
    case FILES:
    case PATH:
    case DIRECTORY: {
        int rc = split_words(c, k, value);
        if (rc == -1)
            return dti_nomem(err);
        if (rc == -2)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s: a quote is not closed",
                                 key);
        if (c->count[k] == 0)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s: no file given", key);
        if (keys[k].kind != FILES && c->count[k] > 1)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                                 "%s: one %s only (quote a name with spaces)", key,
                                 keys[k].kind == PATH ? "file" : "directory");
        return keys[k].kind == DIRECTORY ? DT_OK : check_files(c, k, err);
    }
    case LEVEL: {
        if (dti_level_digits(value, strlen(value)) > 0)
            return DT_OK;
        return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                             "by = %s: expected state, county, tract, blockgroup or block", value);
    }
    case BOOL:
        if (parse_bool(value) < 0)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s = %s: expected yes or no",
                                 key, value);
        c->flag[k] = parse_bool(value);
        break;
    case THRESHOLD:
        if (dti_parse_threshold(value, &down, &up) != 0)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                                 "%s = %s: " DTI_THRESHOLD_SYNTAX, key, value);
        break;
    case COUNT: {
        char *end;
        long n = strtol(value, &end, 10);
        if (end == value || *end || n < (k == DTI_RUN_TOP ? 0 : 1) || n > 100000)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s = %s: expected a count",
                                 key, value);
        break;
    }
    case MONEY: {
        int rc = dti_parse_budget(value, &c->budget);
        if (rc != 0)
            return dti_budget_refused(err, DT_ERR_FORMAT, c->path, line, "budget =", value, rc);
        break;
    }
    case UNIT:
        if (strcmp(value, "km") && strcmp(value, "mi"))
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                                 "scale_bar = %s: expected km or mi", value);
        break;
    case METHOD:
        if (strcmp(value, "auto") && strcmp(value, "greedy") && strcmp(value, "exact"))
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                                 "%s = %s: expected auto, greedy or exact (the plan's allocation)",
                                 key, value);
        break;
    case CLASSIFICATION:
        if (strcmp(value, "quantile") && strcmp(value, "equal") && strcmp(value, "jenks") &&
            strcmp(value, "pretty"))
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                                 "%s = %s: expected quantile, equal, jenks or pretty", key, value);
        break;
    case PALETTE: {
        dti_rgb colors[9];
        dt_error why = {0};
        if (dti_palette_colors(value, 5, colors, &why) != DT_OK)
            return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s = %s: %s", key, value,
                                 why.message);
        break;
    }
    }
    if (k == DTI_RUN_MAP_CLASSES && (atol(value) < 3 || atol(value) > 9))
        return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s = %s: expected 3 to 9", key,
                             value);
    return DT_OK;
}

/* served and underserved together (either may be the default), once both are read. */
static dt_status check_thresholds(const dti_run_config *c, dt_error *err)
{
    long served = c->line[DTI_RUN_SERVED], underserved = c->line[DTI_RUN_UNDERSERVED];
    if (!served && !underserved)
        return DT_OK;
    dti_rules rules;
    dti_rules_default(&rules);
    if (served)
        dti_parse_threshold(c->text[DTI_RUN_SERVED], &rules.served_down, &rules.served_up);
    if (underserved)
        dti_parse_threshold(c->text[DTI_RUN_UNDERSERVED], &rules.underserved_down,
                            &rules.underserved_up);
    return dti_thresholds_check(&rules, DT_ERR_FORMAT, c->path,
                                served > underserved ? served : underserved, err);
}

static void key_list(char *buf, size_t size)
{
    size_t used = 0;
    for (int k = 0; k < DTI_RUN_KEY_COUNT && used + 20 < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", keys[k].key);
}

/* key = value: 0 ok, else err filled. */
static dt_status parse_line(dti_run_config *c, char *text, long line, dt_error *err)
{
    char *eq = strchr(text, '=');
    if (!eq)
        return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                             "expected key = value, found '%.60s'", text);
    *eq = '\0';
    char *key = trim(text), *value = trim(eq + 1);
    int k = 0;
    while (k < DTI_RUN_KEY_COUNT && strcmp(keys[k].key, key) != 0)
        k++;
    if (k == DTI_RUN_KEY_COUNT) {
        char list[400];
        key_list(list, sizeof list);
        return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "unknown key '%s' (keys: %s)", key,
                             list);
    }
    if (c->line[k])
        return dti_error_set(err, DT_ERR_FORMAT, c->path, line,
                             "%s is given twice (also on "
                             "line %ld)",
                             key, c->line[k]);
    size_t n = strlen(value); /* "quoted" text keeps its spaces */
    if (keys[k].kind == TEXT && n >= 2 && value[0] == '"' && value[n - 1] == '"') {
        value[n - 1] = '\0';
        value++;
    }
    c->line[k] = line;
    if (!(c->text[k] = strdup(value)))
        return dti_nomem(err);
    if (!*value)
        return dti_error_set(err, DT_ERR_FORMAT, c->path, line, "%s has no value", key);
    return check_value(c, k, value, err);
}

dt_status dti_run_config_read(dti_run_config *c, const char *path, dt_error *err)
{
    memset(c, 0, sizeof *c);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        static const char *const conf[] = {".conf", NULL};
        char names[300];
        dti_directory_sample(path, conf, names, sizeof names);
        return dti_error_set(err, DT_ERR_IO, path, 0,
                             "is a directory: name the configuration file%s%s%s",
                             names[0] ? " (in it: " : "", names, names[0] ? ")" : "");
    }
    FILE *fp = fopen(path, "r");
    if (!fp)
        return dti_error_set(err, DT_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    c->path = strdup(path);
    const char *slash = strrchr(path, '/');
    c->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    dt_status status = c->path && c->dir ? DT_OK : dti_nomem(err);
    char *buf = NULL; /* lines of any length: a national release lists hundreds of files */
    size_t buf_size = 0;
    long line = 0;
    ssize_t got;
    while (status == DT_OK && (got = getline(&buf, &buf_size, fp)) >= 0) {
        line++;
        if (memchr(buf, '\0', (size_t)got)) {
            status = dti_error_set(err, DT_ERR_FORMAT, path, line, "a NUL byte in the line");
            break;
        }
        char *text = trim(buf);
        if (line == 1 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
            (unsigned char)text[2] == 0xbf)
            text = trim(text + 3); /* a UTF-8 byte order mark */
        if (*text && *text != '#')
            status = parse_line(c, text, line, err);
    }
    if (status == DT_OK && ferror(fp))
        status = dti_error_set(err, DT_ERR_IO, path, 0, "read failed");
    free(buf);
    fclose(fp);
    if (status == DT_OK && !c->line[DTI_RUN_BDC])
        status = dti_error_set(err, DT_ERR_FORMAT, path, 0,
                               "no 'bdc = FILES' line: the BDC availability files are required");
    if (status == DT_OK && c->line[DTI_RUN_HOUSEHOLDS] && c->flag[DTI_RUN_HOUSEHOLDS] &&
        !c->line[DTI_RUN_BUDGET])
        status = dti_error_set(err, DT_ERR_FORMAT, path, c->line[DTI_RUN_HOUSEHOLDS],
                               "households goes with budget (it is how the plan ranks)");
    if (status == DT_OK)
        status = check_thresholds(c, err);
    if (status == DT_OK && c->line[DTI_RUN_OLD_METHOD] && c->line[DTI_RUN_METHOD])
        status = dti_error_set(err, DT_ERR_FORMAT, path, c->line[DTI_RUN_OLD_METHOD],
                               "method is the old name of plan_method, given on line %ld: keep "
                               "one",
                               c->line[DTI_RUN_METHOD]);
    if (status == DT_OK && c->line[DTI_RUN_OLD_METHOD]) { /* read as plan_method */
        c->line[DTI_RUN_METHOD] = c->line[DTI_RUN_OLD_METHOD];
        c->text[DTI_RUN_METHOD] = c->text[DTI_RUN_OLD_METHOD];
        c->text[DTI_RUN_OLD_METHOD] = NULL;
        c->old_method = 1;
    }
    if (status != DT_OK)
        dti_run_config_free(c);
    return status;
}

const char *dti_run_config_text(const dti_run_config *c, int key)
{
    return c->line[key] ? c->text[key] : NULL;
}

const char *dti_run_config_path(const dti_run_config *c, int key)
{
    return c->count[key] ? c->paths[key][0] : NULL;
}

const char *dti_run_config_key(int key) { return keys[key].key; }
