/* SPDX-License-Identifier: MIT */
/* A command's outputs and inputs compared before any work: no two outputs are one file, and
 * no output is an input (SPEC "Outputs"). */
#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct dti_path_entry {
    char *option, *path; /* as the command line names it */
    char *name;          /* outputs: the target's directory made canonical, then its name */
    int exists;          /* dev and ino are known */
    const char *holds;   /* outputs: input data the existing file holds ("a BDC ..."), or NULL */
    dev_t dev;
    ino_t ino;
};

void dti_path_check_init(dti_path_check *c) { memset(c, 0, sizeof *c); }

static dti_path_entry *push(dti_path_check *c, int output, const char *option, const char *path)
{
    dti_path_entry **list = output ? &c->outputs : &c->inputs;
    size_t *count = output ? &c->output_count : &c->input_count;
    size_t *cap = output ? &c->output_cap : &c->input_cap;
    if (dti_grow(list, cap, *count + 1, sizeof **list, 16) != 0) {
        c->nomem = 1;
        return NULL;
    }
    dti_path_entry *e = &(*list)[*count];
    memset(e, 0, sizeof *e);
    e->option = strdup(option);
    e->path = strdup(path);
    if (!e->option || !e->path) {
        free(e->option);
        free(e->path);
        c->nomem = 1;
        return NULL;
    }
    (*count)++;
    return e;
}

/* target made canonical without needing it to exist: realpath of its directory + its name. */
static char *canonical_name(const char *target)
{
    const char *slash = strrchr(target, '/');
    char *dir =
        slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
    const char *base = slash ? slash + 1 : target;
    char *real = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (!real)
        return strdup(target);
    size_t n = strlen(real) + strlen(base) + 2;
    char *name = malloc(n);
    if (name)
        snprintf(name, n, "%s%s%s", real, real[strlen(real) - 1] == '/' ? "" : "/", base);
    free(real);
    return name;
}

/* Whether the first line of a CSV names every column of names (quotes and a BOM aside). */
static int header_has(const char *line, const char *const *names, int count)
{
    int found = 0;
    for (int k = 0; k < count; k++) {
        size_t n = strlen(names[k]);
        for (const char *p = line; *p; p += strcspn(p, ",")) {
            p += *p == ',';
            p += *p == '"';
            if (strncmp(p, names[k], n) == 0 && strchr(",\"", p[n])) {
                found++;
                break;
            }
        }
    }
    return found == count;
}

/* What input data a regular file holds, by its first bytes: dialtone writes neither, so an
 * output that would replace one is a mistake (stats -o bdc_*: the shell put a BDC file there). */
static const char *input_data(const char *target)
{
    static const char *const bdc[] = {"location_id", "technology", "max_advertised_download_speed",
                                      "block_geoid"};
    char head[4096];
    FILE *fp = fopen(target, "rb");
    size_t n = fp ? fread(head, 1, sizeof head - 1, fp) : 0;
    if (fp)
        fclose(fp);
    head[n] = '\0';
    if (n >= 4 && memcmp(head, "PK\3\4", 4) == 0)
        return "a zip archive";
    char *line = head + (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0);
    line[strcspn(line, "\r\n")] = '\0';
    return header_has(line, bdc, 4) ? "a BDC availability file" : NULL;
}

void dti_path_output(dti_path_check *c, const char *option, const char *path)
{
    int std = !path || strcmp(path, "-") == 0;
    dti_path_entry *e = push(c, 1, option, std ? "-" : path);
    if (!e)
        return;
    struct stat st;
    if (std) {
        e->name = strdup("-");
        e->exists = fstat(STDOUT_FILENO, &st) == 0;
    } else {
        char *target = dti_path_resolve_links(path, NULL);
        e->name = target ? canonical_name(target) : strdup(path);
        e->exists = target && stat(target, &st) == 0;
        if (e->exists && S_ISREG(st.st_mode))
            e->holds = input_data(target);
        free(target);
    }
    if (!e->name)
        c->nomem = 1;
    if (e->exists) {
        e->dev = st.st_dev;
        e->ino = st.st_ino;
    }
}

static void add_input(dti_path_check *c, const char *option, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return; /* its reader says what is wrong with it */
    dti_path_entry *e = push(c, 0, option, path);
    if (e) {
        e->exists = 1;
        e->dev = st.st_dev;
        e->ino = st.st_ino;
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The file behind /vsizip/A.zip/x.csv or /vsigzip/B.gz: the longest prefix that is a file. */
static void add_vsi(dti_path_check *c, const char *option, const char *path)
{
    const char *rest = strchr(path + 1, '/');
    char *copy = rest ? strdup(rest + 1) : NULL;
    if (!copy)
        return;
    for (char *end = copy + strlen(copy); end > copy; end--) {
        if (*end != '/' && *end != '\0')
            continue;
        char saved = *end;
        *end = '\0';
        struct stat st;
        if (stat(copy, &st) == 0 && !S_ISDIR(st.st_mode)) {
            add_input(c, option, copy);
            break;
        }
        *end = saved;
    }
    free(copy);
}

static void add_directory(dti_path_check *c, const char *option, const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        if (ends_with(e->d_name, ".csv") || ends_with(e->d_name, ".zip")) {
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *name = malloc(n);
            if (!name) {
                c->nomem = 1;
                break;
            }
            snprintf(name, n, "%s/%s", path, e->d_name);
            add_input(c, option, name);
            free(name);
        }
    if (dir)
        closedir(dir);
}

void dti_path_input(dti_path_check *c, const char *option, const char *path, int flags)
{
    struct stat st;
    if (dti_is_stdin(path)) {
        char **slot = c->stdin_option ? &c->stdin_again : &c->stdin_option;
        if (!*slot && !(*slot = strdup(option)))
            c->nomem = 1;
        return;
    }
    if (!path)
        return;
    if (strncmp(path, "/vsi", 4) == 0) {
        add_vsi(c, option, path);
        return;
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode) && (flags & DTI_INPUT_DIRECTORY)) {
            add_directory(c, option, path);
        } else if (S_ISDIR(st.st_mode)) {
            if (!c->directory &&
                (!(c->directory = strdup(path)) || !(c->dir_option = strdup(option))))
                c->nomem = 1;
        } else {
            add_input(c, option, path);
        }
        return;
    }
    const char *bar = strchr(path, '|'); /* FILE|layername=NAME */
    if (bar) {
        char *file = strndup(path, (size_t)(bar - path));
        if (file)
            dti_path_input(c, option, file, flags);
        else
            c->nomem = 1;
        free(file);
        return;
    }
    glob_t g;
    if (strpbrk(path, "*?[") && glob(path, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            dti_path_input(c, option, g.gl_pathv[i], flags);
        globfree(&g);
    }
}

static int same_file(const dti_path_entry *a, const dti_path_entry *b)
{
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return a->name && b->name && strcmp(a->name, b->name) == 0;
}

/* Writing /dev/null twice, or reading it, clashes with nothing. */
static int is_null_device(const dti_path_entry *e)
{
    struct stat st;
    return e->exists && stat("/dev/null", &st) == 0 && st.st_dev == e->dev && st.st_ino == e->ino;
}

static void check_free(dti_path_check *c)
{
    for (size_t i = 0; i < c->output_count; i++) {
        free(c->outputs[i].option);
        free(c->outputs[i].path);
        free(c->outputs[i].name);
    }
    for (size_t i = 0; i < c->input_count; i++) {
        free(c->inputs[i].option);
        free(c->inputs[i].path);
    }
    free(c->outputs);
    free(c->inputs);
    free(c->directory);
    free(c->dir_option);
    free(c->stdin_option);
    free(c->stdin_again);
    memset(c, 0, sizeof *c);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void dti_directory_sample(const char *dir, const char *const *exts, char *buf, size_t size)
{
    static const char *const data[] = {".csv", ".zip", ".gpkg", ".shp", ".geojson",
                                       ".fgb", ".gz",  ".conf", NULL};
    enum { MAX_SHOWN = 3 };
    char *names[64];
    size_t n = 0, total = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    buf[0] = '\0';
    while (d && (e = readdir(d))) {
        int match = 0;
        for (const char *const *x = exts ? exts : data; *x && !match; x++)
            match = e->d_name[0] != '.' && ends_with(e->d_name, *x);
        if (!match)
            continue;
        total++;
        if (n < sizeof names / sizeof *names && (names[n] = strdup(e->d_name)))
            n++;
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (i < MAX_SHOWN && used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
    if (total > MAX_SHOWN && used < size)
        snprintf(buf + used, size - used, " and %zu more", total - MAX_SHOWN);
}

const char *dti_binary_kind(const char *path)
{
    static const struct {
        const char *magic;
        size_t length;
        const char *kind;
    } kinds[] = {
        {"SQLite format 3", 16,
         "is a GeoPackage (an SQLite database), not a CSV file: a polygon layer goes with "
         "--regions, census blocks with --blocks"},
        {"\x00\x00\x27\x0a", 4,
         "is a shapefile, not a CSV file: a polygon layer goes with --regions, census blocks "
         "with --blocks"},
        {"fgb\x03", 4, "is a FlatGeobuf file, not a CSV file: a polygon layer goes with --regions"},
        {"\x89PNG", 4, "is a PNG image, not a CSV file"},
        {"%PDF", 4, "is a PDF document, not a CSV file"},
        {"PK\x03\x04", 4,
         "is a zip archive, not a CSV file: name it FILE.zip to read the CSVs in it"},
        {"\x1f\x8b", 2, "is gzip-compressed, not a CSV file: name it FILE.gz to read it"},
    };
    unsigned char head[16];
    FILE *fp = fopen(path, "rb");
    size_t n = fp ? fread(head, 1, sizeof head, fp) : 0;
    if (fp)
        fclose(fp);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (n >= kinds[i].length && memcmp(head, kinds[i].magic, kinds[i].length) == 0)
            return kinds[i].kind;
    return NULL;
}

/* An output that does not exist yet: its directory must (a missing one is found before any
 * work, not when the output is written). */
static dt_status check_parent(const dti_path_entry *o, dt_error *err)
{
    struct stat st;
    size_t n = strlen(o->path);
    if (o->exists || strcmp(o->path, "-") == 0)
        return DT_OK;
    if (n && o->path[n - 1] == '/')
        return dti_error_set(err, DT_ERR_IO, o->path, 0,
                             "names a directory (it ends in /) that does not exist: give a file "
                             "name");
    char *target = dti_path_resolve_links(o->path, NULL);
    const char *t = target ? target : o->path, *slash = strrchr(t, '/');
    char *dir = slash ? strndup(t, slash == t ? 1 : (size_t)(slash - t)) : strdup(".");
    dt_status status = DT_OK;
    if (!dir)
        status = dti_nomem(err);
    else if (stat(dir, &st) != 0)
        status = dti_error_set(err, DT_ERR_IO, o->path, 0,
                               "cannot write: the directory %s does not exist", dir);
    else if (!S_ISDIR(st.st_mode))
        status =
            dti_error_set(err, DT_ERR_IO, o->path, 0, "cannot write: %s is not a directory", dir);
    free(dir);
    free(target);
    return status;
}

dt_status dti_path_check_finish(dti_path_check *c, dt_error *err)
{
    dt_status status = DT_OK;
    if (c->nomem)
        status = dti_nomem(err);
    if (status == DT_OK && c->stdin_again)
        status = dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                               "%s - and %s -: standard input can be read by one input only; "
                               "give the other a file",
                               c->stdin_option, c->stdin_again);
    for (size_t i = 0; status == DT_OK && i < c->output_count; i++) {
        const dti_path_entry *o = &c->outputs[i];
        if (strcmp(o->path, "-") != 0 && dti_output_kind(o->path, err) < 0)
            status = err ? err->status : DT_ERR_IO; /* a directory and the like */
        if (status == DT_OK && !c->makes_parents)
            status = check_parent(o, err);
        if (status != DT_OK || is_null_device(o))
            continue;
        for (size_t j = 0; status == DT_OK && j < i; j++)
            if (same_file(&c->outputs[j], o))
                status =
                    dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                  "%s %s and %s %s are the same file: give each output "
                                  "its own name",
                                  c->outputs[j].option, c->outputs[j].path, o->option, o->path);
        for (size_t j = 0; status == DT_OK && o->exists && j < c->input_count; j++)
            if (same_file(&c->inputs[j], o))
                status = dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                       "%s %s is the input %s %s: an output may not overwrite an "
                                       "input",
                                       o->option, o->path, c->inputs[j].option, c->inputs[j].path);
        if (status == DT_OK && o->holds)
            status = dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                                   "%s %s is %s: an output never replaces input data (an output "
                                   "name forgotten before a glob?)",
                                   o->option, o->path, o->holds);
    }
    if (status == DT_OK && c->directory) {
        /* the files in it that the option could mean */
        static const char *const layers[] = {".gpkg", ".shp", ".zip", ".geojson", ".fgb", NULL};
        static const char *const tables[] = {".csv", ".csv.gz", NULL};
        int layer =
            strcmp(c->dir_option, "--regions") == 0 || strcmp(c->dir_option, "--blocks") == 0;
        char names[300];
        dti_directory_sample(c->directory, layer ? layers : tables, names, sizeof names);
        status =
            dti_error_set(err, DT_ERR_IO, c->directory, 0,
                          "is a directory, and %s reads one file: name one%s%s%s", c->dir_option,
                          names[0] ? " (in it: " : "", names, names[0] ? ")" : "");
    }
    check_free(c);
    return status;
}

dt_status dti_output_named(const char *option, const char *path, const char *formats, dt_error *err)
{
    struct stat st;
    if (!path || strcmp(path, "-") == 0 ||
        (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)))
        return DT_OK; /* a stream or a device: no name to follow */
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return DT_OK; /* no extension: the command's own format */
    size_t n = strlen(dot + 1);
    for (const char *f = formats; *f;) {
        size_t len = strcspn(f, ",");
        if (len == n && strncasecmp(f, dot + 1, n) == 0)
            return DT_OK;
        f += len + (f[len] == ',');
    }
    return dti_error_set(err, DT_ERR_USAGE, NULL, 0,
                         "%s %s: the format follows the name, and .%s is not one this writes "
                         "(expected %s)",
                         option, path, dot + 1, formats);
}
