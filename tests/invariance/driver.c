/* SPDX-License-Identifier: MIT */
/* Invariance harness: every path of dt_stats, dt_merge and dt_diff over a generated case must
 * give the same bytes (or fail with the same message), and the generator's truth. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dialtone/dialtone.h"

/* Usage: driver [-v] [--skip KIND,...] CASE_DIR... (or a directory of caseNNNNN directories).
 * Prints one line per disagreement (-v: all of them, else the first 6 of a case) and ends with
 * "invariance: N passed, M failed" (cases). Exit 1 when one failed. --skip leaves out paths while
 * a known bug is open: orders, threads, states, locations, zip, gz, partial, plans, tables,
 * bitmaps, diff. */

#define MAX_FILES 48
#define MAX_PARTIALS 8
#define MAX_ORDERS 4

typedef struct partial_spec {
    char state[8];
    char *fabric; /* NULL: none */
    char *files[MAX_FILES];
    int nfiles;
} partial_spec;

typedef struct manifest {
    char kind[16];
    unsigned long seed;
    char expect[8], expect_fabric[8];
    char why[512], why_fabric[512];
    char *files[MAX_FILES], *old[MAX_FILES], *new[MAX_FILES];
    int nfiles, nold, nnew;
    char *fabric, *plans;
    partial_spec partials[MAX_PARTIALS];
    int npartials;
} manifest;

/* How one run reads the case. */
typedef struct path {
    char label[160];
    int order, new_order; /* index into the permutations of the files (new: diff's NEW) */
    int threads;          /* 0: no --threads */
    int chunk;            /* DIALTONE_CHUNK_SIZE, 0 unset */
    const char *states;   /* DIALTONE_STATES, NULL unset */
    int locations;        /* --locations-out */
    int input;            /* 0 plain, 1 .zip, 2 .csv.gz, 3 a mix */
    int fabric, plans, partial;
    int tables;                /* --by-technology and --providers-out */
    const char *provider_bits; /* DIALTONE_PROVIDER_BITS (block bitmaps' width), NULL unset */
    int whole;                 /* plain files fed in chunks, never read in ranges */
    int reference_rows;        /* DIALTONE_ROWS=reference: no row the fast way (bdc_fast.c) */
    int cut_ranges; /* DIALTONE_SPLIT_REST: ranges cut again and again as they are read */
} path;

typedef struct outcome {
    int ok;
    char *table, *locations, *changes;
    char *tech, *providers; /* --by-technology, --providers-out */
    char error[2400];
    int leftovers; /* files left in the output directory by a failed run */
} outcome;

static int verbose;
static const char *skip = "";
static const char *out_dir;
static const char *case_dir;
static const manifest *cur;
static int case_lines, case_failed;
static long runs;

static unsigned long long mix64(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fputs("driver: out of memory\n", stderr);
        exit(2);
    }
    return d;
}

static char *read_text(const char *file)
{
    FILE *fp = fopen(file, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            char *grown = realloc(buf, cap * 2 + 1);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(fp);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* ---- the manifest ---- */

static int split_words(char *line, char **words, int max)
{
    int n = 0;
    for (char *w = strtok(line, " \t\r\n"); w && n < max; w = strtok(NULL, " \t\r\n"))
        words[n++] = w;
    return n;
}

static int read_manifest(const char *dir, manifest *m)
{
    char file[4096];
    snprintf(file, sizeof file, "%s/case.txt", dir);
    FILE *fp = fopen(file, "r");
    if (!fp)
        return -1;
    memset(m, 0, sizeof *m);
    strcpy(m->kind, "stats");
    strcpy(m->expect, "ok");
    strcpy(m->expect_fabric, "ok");
    char line[8192];
    while (fgets(line, sizeof line, fp)) {
        char copy[8192], *w[MAX_FILES + 4];
        snprintf(copy, sizeof copy, "%s", line);
        int n = split_words(line, w, MAX_FILES + 4);
        if (n == 0)
            continue;
        if (strcmp(w[0], "kind") == 0 && n > 1) {
            snprintf(m->kind, sizeof m->kind, "%s", w[1]);
        } else if (strcmp(w[0], "seed") == 0 && n > 1) {
            m->seed = strtoul(w[1], NULL, 10);
        } else if ((strcmp(w[0], "expect") == 0 || strcmp(w[0], "expect_fabric") == 0) && n > 1) {
            int fab = strcmp(w[0], "expect_fabric") == 0;
            snprintf(fab ? m->expect_fabric : m->expect, sizeof m->expect, "%s", w[1]);
            char *why = strstr(copy, w[1]) + strlen(w[1]);
            why += strspn(why, " ");
            why[strcspn(why, "\r\n")] = '\0';
            snprintf(fab ? m->why_fabric : m->why, sizeof m->why, "%s", why);
        } else if (strcmp(w[0], "files") == 0 || strcmp(w[0], "old") == 0 ||
                   strcmp(w[0], "new") == 0) {
            char **list = w[0][0] == 'f' ? m->files : w[0][0] == 'o' ? m->old : m->new;
            int *count = w[0][0] == 'f' ? &m->nfiles : w[0][0] == 'o' ? &m->nold : &m->nnew;
            for (int i = 1; i < n; i++)
                list[(*count)++] = xstrdup(w[i]);
        } else if (strcmp(w[0], "fabric") == 0 && n > 1) {
            m->fabric = xstrdup(w[1]);
        } else if (strcmp(w[0], "plans") == 0 && n > 1) {
            m->plans = xstrdup(w[1]);
        } else if (strcmp(w[0], "partial") == 0 && n > 2 && m->npartials < MAX_PARTIALS) {
            partial_spec *p = &m->partials[m->npartials++];
            snprintf(p->state, sizeof p->state, "%s", w[1]);
            p->fabric = strcmp(w[2], "-") ? xstrdup(w[2]) : NULL;
            for (int i = 3; i < n; i++)
                p->files[p->nfiles++] = xstrdup(w[i]);
        }
    }
    fclose(fp);
    return 0;
}

static void free_manifest(manifest *m)
{
    for (int i = 0; i < m->nfiles; i++)
        free(m->files[i]);
    for (int i = 0; i < m->nold; i++)
        free(m->old[i]);
    for (int i = 0; i < m->nnew; i++)
        free(m->new[i]);
    free(m->fabric);
    free(m->plans);
    for (int k = 0; k < m->npartials; k++) {
        free(m->partials[k].fabric);
        for (int i = 0; i < m->partials[k].nfiles; i++)
            free(m->partials[k].files[i]);
    }
}

/* ---- directories ---- */

/* The names in dir, sorted and joined by '\n' (a listing to compare). */
static char *listing(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return xstrdup("");
    char **names = NULL;
    size_t n = 0, len = 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
        len += strlen(e->d_name) + 1;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen names */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    char *text = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        strcat(text, names[i]);
        strcat(text, "\n");
        free(names[i]);
    }
    free(names);
    return text;
}

/* Remove every file of the output directory; returns how many there were, not counting the
 * partial files the harness asked for. */
static int clear_out_dir(void)
{
    DIR *d = opendir(out_dir);
    int n = 0;
    struct dirent *e;
    char file[4096];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(file, sizeof file, "%s/%s", out_dir, e->d_name);
        unlink(file);
        size_t len = strlen(e->d_name);
        n += len < 5 || strcmp(e->d_name + len - 5, ".part") != 0;
    }
    if (d)
        closedir(d);
    return n;
}

/* ---- runs ---- */

static void replace_all(char *text, size_t size, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to);
    if (nf == 0)
        return;
    char *at = text;
    while ((at = strstr(at, from))) {
        size_t rest = strlen(at + nf);
        if ((size_t)(at - text) + nt + rest + 1 > size)
            return;
        memmove(at + nt, at + nf, rest + 1);
        memcpy(at, to, nt);
        at += nt;
    }
}

/* Error text with file names normalised: a.csv, a.zip/a.csv and a.csv.gz are one input. */
static void normalise_error(char *text, size_t size)
{
    char from[4200], to[300];
    replace_all(text, size, "/vsizip/", "");
    replace_all(text, size, "/vsigzip/", "");
    snprintf(from, sizeof from, "%s/", case_dir);
    replace_all(text, size, from, "");
    snprintf(from, sizeof from, "%s/", out_dir);
    replace_all(text, size, from, "OUT/");
    const manifest *m = cur;
    char *const *lists[] = {m->files, m->old, m->new};
    int counts[] = {m->nfiles, m->nold, m->nnew};
    for (int l = 0; l < 4; l++)
        for (int i = 0; i < (l < 3 ? counts[l] : (m->fabric != NULL)); i++) {
            const char *name = l < 3 ? lists[l][i] : m->fabric;
            size_t stem = strlen(name) - 4; /* without ".csv" */
            snprintf(from, sizeof from, "%.*s.zip/%s", (int)stem, name, name);
            snprintf(to, sizeof to, "%s", name);
            replace_all(text, size, from, to);
            snprintf(from, sizeof from, "%s.gz", name);
            replace_all(text, size, from, to);
            snprintf(from, sizeof from, "%.*s.zip", (int)stem, name); /* the archive alone */
            replace_all(text, size, from, to);
        }
}

/* File name k of a list as the path reads it (plain, zipped or gzipped copy). */
static void input_name(char *buf, size_t size, const char *name, int input, int k)
{
    int kind = input == 3 ? k % 3 : input;
    size_t stem = strlen(name) - 4;
    if (kind == 1)
        snprintf(buf, size, "%s/%.*s.zip", case_dir, (int)stem, name);
    else if (kind == 2)
        snprintf(buf, size, "%s/%s.gz", case_dir, name);
    else
        snprintf(buf, size, "%s/%s", case_dir, name);
}

static void set_config(const path *p)
{
    char chunk[32];
    snprintf(chunk, sizeof chunk, "%d", p->chunk);
    if (p->chunk)
        setenv("DIALTONE_CHUNK_SIZE", chunk, 1);
    else
        unsetenv("DIALTONE_CHUNK_SIZE");
    if (p->states)
        setenv("DIALTONE_STATES", p->states, 1);
    else
        unsetenv("DIALTONE_STATES");
    if (p->provider_bits)
        setenv("DIALTONE_PROVIDER_BITS", p->provider_bits, 1);
    else
        unsetenv("DIALTONE_PROVIDER_BITS");
    if (p->whole)
        setenv("DIALTONE_SPLIT_MIN", "18446744073709551615", 1);
    else
        unsetenv("DIALTONE_SPLIT_MIN");
    if (p->reference_rows)
        setenv("DIALTONE_ROWS", "reference", 1);
    else
        unsetenv("DIALTONE_ROWS");
    if (p->cut_ranges)
        setenv("DIALTONE_SPLIT_REST", "40", 1);
    else
        unsetenv("DIALTONE_SPLIT_REST");
    /* the threaded paths also take the region statistics in parts, however few the locations */
    if (p->threads > 1)
        setenv("DIALTONE_STATS_PART_MIN", "1", 1);
    else
        unsetenv("DIALTONE_STATS_PART_MIN");
}

typedef struct args {
    char *v[MAX_FILES * 2 + 32];
    char store[MAX_FILES * 2 + 32][4200];
    int n;
} args;

static void add_arg(args *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->store[a->n], sizeof a->store[a->n], fmt, ap);
    va_end(ap);
    a->v[a->n] = a->store[a->n];
    a->n++;
}

static void add_threads(args *a, const path *p)
{
    if (p->threads) {
        add_arg(a, "--threads");
        add_arg(a, "%d", p->threads);
    }
}

static void fail_outcome(outcome *o, const dt_error *err)
{
    o->ok = 0;
    dt_error_format(err, o->error, sizeof o->error);
    normalise_error(o->error, sizeof o->error);
}

static void collect(outcome *o, const char *table, const char *locations, const char *changes)
{
    char file[4200];
    snprintf(file, sizeof file, "%s/%s", out_dir, table);
    o->table = read_text(file);
    if (!o->table) {
        o->ok = 0;
        snprintf(o->error, sizeof o->error, "succeeded but wrote no %s", table);
    }
    if (locations) {
        snprintf(file, sizeof file, "%s/%s", out_dir, locations);
        o->locations = read_text(file);
    }
    if (changes) {
        snprintf(file, sizeof file, "%s/%s", out_dir, changes);
        o->changes = read_text(file);
    }
}

/* One dt_stats run (with partial_out: write that partial, no table). 0 ok. */
static int stats_once(const path *p, char *const *files, int nfiles, const char *fabric,
                      const char *partial_out, dt_error *err)
{
    args *a = calloc(1, sizeof *a);
    add_arg(a, "-q");
    add_arg(a, "--by");
    add_arg(a, "county");
    if (partial_out) {
        add_arg(a, "--partial-out");
        add_arg(a, "%s/%s", out_dir, partial_out);
    } else {
        add_arg(a, "-o");
        add_arg(a, "%s/table.csv", out_dir);
    }
    if (p->locations && !partial_out) {
        add_arg(a, "--locations-out");
        add_arg(a, "%s/locations.csv", out_dir);
    }
    if (p->tables && !partial_out) {
        add_arg(a, "--by-technology");
        add_arg(a, "%s/tech.csv", out_dir);
        add_arg(a, "--providers-out");
        add_arg(a, "%s/providers.csv", out_dir);
    }
    if (fabric) {
        char name[4200];
        input_name(name, sizeof name, fabric, p->input, 0);
        add_arg(a, "--fabric");
        add_arg(a, "%s", name);
    }
    if (p->plans && cur->plans) {
        add_arg(a, "--plans");
        add_arg(a, "%s/%s", case_dir, cur->plans);
        add_arg(a, "--speed");
    }
    add_threads(a, p);
    add_arg(a, "--");
    for (int k = 0; k < nfiles; k++) {
        input_name(a->store[a->n], sizeof a->store[0], files[k], p->input, k);
        a->v[a->n] = a->store[a->n];
        a->n++;
    }
    int rc = -1;
    dt_stats_options *options = dt_stats_options_new(a->n, a->v, err);
    if (options)
        rc = dt_stats(options, NULL, NULL, NULL, err) == DT_OK ? 0 : -1;
    dt_stats_options_free(options);
    free(a);
    runs++;
    return rc;
}

/* Permutations of the files: 0 as generated, 1 reversed, 2 and 3 shuffled by the seed; diff's
 * NEW release has its own. */
static int orders[MAX_ORDERS][MAX_FILES], new_orders[MAX_ORDERS][MAX_FILES];

static void run_path(const path *p, outcome *o)
{
    const manifest *m = cur;
    dt_error err;
    memset(o, 0, sizeof *o);
    memset(&err, 0, sizeof err);
    set_config(p);
    int rc;
    if (strcmp(m->kind, "diff") == 0) {
        args *a = calloc(1, sizeof *a);
        add_arg(a, "-q");
        add_arg(a, "-o");
        add_arg(a, "%s/diff.csv", out_dir);
        add_arg(a, "--changes-out");
        add_arg(a, "%s/changes.csv", out_dir);
        add_threads(a, p);
        for (int r = 0; r < 2; r++)
            for (int k = 0; k < (r ? m->nnew : m->nold); k++) {
                add_arg(a, r ? "--new" : "--old");
                const char *name =
                    r ? m->new[new_orders[p->new_order][k]] : m->old[orders[p->order][k]];
                input_name(a->store[a->n], sizeof a->store[0], name, p->input, k);
                a->v[a->n] = a->store[a->n];
                a->n++;
            }
        dt_diff_options *options = dt_diff_options_new(a->n, a->v, &err);
        rc = options && dt_diff(options, NULL, NULL, NULL, &err) == DT_OK ? 0 : -1;
        dt_diff_options_free(options);
        free(a);
        runs++;
        if (rc == 0)
            o->ok = 1, collect(o, "diff.csv", NULL, "changes.csv");
    } else if (p->partial) {
        /* one --partial-out run per state over that state's rows, then dt_merge */
        char names[MAX_PARTIALS][32];
        rc = 0;
        for (int k = 0; k < m->npartials && rc == 0; k++) {
            const partial_spec *s = &m->partials[k];
            snprintf(names[k], sizeof names[k], "p%s.part", s->state);
            path plain = *p;
            plain.input = 0;
            rc = stats_once(&plain, s->files, s->nfiles, p->fabric ? s->fabric : NULL, names[k],
                            &err);
        }
        if (rc == 0) {
            args *a = calloc(1, sizeof *a);
            add_arg(a, "-o");
            add_arg(a, "%s/table.csv", out_dir);
            for (int k = 0; k < m->npartials; k++)
                add_arg(a, "%s/%s", out_dir, names[k]);
            dt_merge_options *options = dt_merge_options_new(a->n, a->v, &err);
            rc = options && dt_merge(options, &err) == DT_OK ? 0 : -1;
            dt_merge_options_free(options);
            free(a);
        }
        if (rc == 0)
            o->ok = 1, collect(o, "table.csv", NULL, NULL);
    } else {
        char *files[MAX_FILES];
        for (int k = 0; k < m->nfiles; k++)
            files[k] = m->files[orders[p->order][k]];
        rc = stats_once(p, files, m->nfiles, p->fabric ? m->fabric : NULL, NULL, &err);
        if (rc == 0)
            o->ok = 1, collect(o, "table.csv", p->locations ? "locations.csv" : NULL, NULL);
        if (rc == 0 && p->tables) {
            char file[4200];
            snprintf(file, sizeof file, "%s/tech.csv", out_dir);
            o->tech = read_text(file);
            snprintf(file, sizeof file, "%s/providers.csv", out_dir);
            o->providers = read_text(file);
        }
    }
    if (rc != 0)
        fail_outcome(o, &err);
    int left = clear_out_dir();
    if (rc != 0)
        o->leftovers = left;
    set_config(&(path){0});
}

static void free_outcome(outcome *o)
{
    free(o->table);
    free(o->locations);
    free(o->changes);
    free(o->tech);
    free(o->providers);
    memset(o, 0, sizeof *o);
}

/* ---- comparing ---- */

static void say(const char *fmt, ...)
{
    case_failed = 1;
    if (!verbose && ++case_lines > 6) {
        if (case_lines == 7)
            printf("%s: ... more disagreements (-v shows all)\n", case_dir);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", case_dir);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

/* The first line where a and b differ: its number, and both lines (cut short). */
static int first_difference(const char *a, const char *b, char *la, char *lb, size_t size)
{
    int line = 1;
    while (*a || *b) {
        size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
        if (na != nb || memcmp(a, b, na) != 0 || (a[na] == '\n') != (b[nb] == '\n')) {
            snprintf(la, size, "%.*s%s", (int)(na < 160 ? na : 160), a, *a ? "" : "(end)");
            snprintf(lb, size, "%.*s%s", (int)(nb < 160 ? nb : 160), b, *b ? "" : "(end)");
            return line;
        }
        a += na + (a[na] == '\n');
        b += nb + (b[nb] == '\n');
        line++;
    }
    return 0;
}

static void compare_text(const char *what, const char *la_name, const char *a, const char *lb_name,
                         const char *b)
{
    char x[200], y[200];
    if (!a || !b) {
        if (a != b)
            say("[%s] vs [%s]: %s written by one only", la_name, lb_name, what);
        return;
    }
    int line = first_difference(a, b, x, y, sizeof x);
    if (line)
        say("[%s] vs [%s]: %s line %d: \"%s\" | \"%s\"", la_name, lb_name, what, line, x, y);
}

/* same_order: the two read the same files in the same order, so even an error must match. */
static void compare(const path *pa, const outcome *a, const path *pb, const outcome *b,
                    int same_order)
{
    if (a->ok != b->ok) {
        const outcome *bad = a->ok ? b : a;
        say("[%s] %s but [%s] %s: %s", pa->label, a->ok ? "wrote a table" : "failed", pb->label,
            b->ok ? "wrote a table" : "failed", bad->error);
    } else if (a->ok) {
        compare_text("table", pa->label, a->table, pb->label, b->table);
        if (a->changes || b->changes)
            compare_text("changes", pa->label, a->changes, pb->label, b->changes);
    } else if (same_order && strcmp(a->error, b->error) != 0) {
        say("[%s] vs [%s]: different errors: \"%s\" | \"%s\"", pa->label, pb->label, a->error,
            b->error);
    }
    if (b->leftovers)
        say("[%s] failed but left %d file(s) in the output directory", pb->label, b->leftovers);
}

/* The first `columns` fields of every line (the region table inside a wider one). */
static char *leading_columns(const char *text, int columns)
{
    char *out = calloc(1, strlen(text) + 1), *w = out;
    while (*text) {
        int fields = 0;
        const char *p = text;
        while (*p && *p != '\n') {
            if (*p == ',' && ++fields == columns) {
                while (*p && *p != '\n')
                    p++;
                break;
            }
            *w++ = *p++;
        }
        if (*p == '\n')
            *w++ = *p++;
        text = p;
    }
    return out;
}

static void check_expected(const char *file, const char *what, const path *p, const outcome *o,
                           int must_fail, const char *why)
{
    char full[4200];
    snprintf(full, sizeof full, "%s/%s", case_dir, file);
    if (must_fail) {
        if (o->ok)
            say("[%s] wrote a %s but the case must fail (%s)", p->label, what, why);
        return;
    }
    char *want = read_text(full);
    if (!want)
        return;
    if (!o->ok)
        say("[%s] failed, expected %s: %s", p->label, file, o->error);
    else
        compare_text(what, file, want, p->label,
                     strcmp(what, "locations table") == 0 ? o->locations : o->table);
    free(want);
}

/* ---- the paths of a case ---- */

static path make_path(const char *label, int order, int threads, int chunk)
{
    path p;
    memset(&p, 0, sizeof p);
    snprintf(p.label, sizeof p.label, "%s", label);
    p.order = order;
    p.threads = threads;
    p.chunk = threads > 1 ? chunk : 0;
    return p;
}

static void label_path(path *p, const char *extra)
{
    char chunk[32] = "";
    if (p->chunk)
        snprintf(chunk, sizeof chunk, " chunk %d", p->chunk);
    snprintf(p->label, sizeof p->label, "%sorder%d t%d%s%s", extra, p->order,
             p->threads ? p->threads : 1, chunk, p->fabric ? " fabric" : "");
}

static int skips(const char *kind)
{
    size_t n = strlen(kind);
    for (const char *at = skip; (at = strstr(at, kind)); at += n)
        if ((at == skip || at[-1] == ',') && (at[n] == ',' || at[n] == '\0'))
            return 1;
    return 0;
}

/* Whether --skip leaves this path out (never the reference: order 0, one thread). */
static int skipped(const path *p)
{
    return (p->order && skips("orders")) || (p->threads > 1 && skips("threads")) ||
           (p->states && skips("states")) || (p->locations && skips("locations")) ||
           ((p->input & 1) && skips("zip")) || ((p->input & 2) && skips("gz")) ||
           (p->partial && skips("partial")) || (p->plans && skips("plans")) ||
           (p->tables && skips("tables")) || (p->provider_bits && skips("bitmaps"));
}

static void stats_case(const manifest *m, unsigned long long *rng)
{
    int fabrics = m->fabric ? 2 : 1;
    for (int fab = 0; fab < fabrics; fab++) {
        int must_fail = strcmp(fab ? m->expect_fabric : m->expect, "fail") == 0;
        const char *why = fab ? m->why_fabric : m->why;
        path list[48];
        int n = 0;
#define CHUNK ((int)(16 + mix64(rng) % 185))
#define ADD(prefix, order_, threads_, ...)                                                         \
    do {                                                                                           \
        list[n] = make_path("", order_, threads_, CHUNK);                                          \
        list[n].fabric = fab;                                                                      \
        __VA_ARGS__;                                                                               \
        label_path(&list[n], prefix);                                                              \
        n += n == 0 || !skipped(&list[n]);                                                         \
    } while (0)
        ADD("", 0, 1, list[n].reference_rows = 1); /* the reference: every row read the slow way */
        ADD("", 1, 1, (void)0);
        ADD("", 2, 1, (void)0);
        ADD("", 3, 1, (void)0);
        ADD("", 0, 2, (void)0);
        ADD("", 0, 3, (void)0);
        ADD("", 2, 2, (void)0);
        ADD("", 1, 3, (void)0);
        /* plain files in ranges (above: each thread reads one part) or fed whole in chunks */
        ADD("whole files ", 0, 2, list[n].whole = 1);
        ADD("whole files ", 3, 3, list[n].whole = 1);
        ADD("ranges cut ", 1, 2, list[n].cut_ranges = 1);
        ADD("ranges cut ", 2, 3, list[n].cut_ranges = 1);
        ADD("split ", 0, 1, list[n].states = "split");
        ADD("together ", 0, 1, list[n].states = "together");
        ADD("split ", 3, 3, list[n].states = "split");
        ADD("together ", 1, 2, list[n].states = "together");
        int first_locations = n;
        ADD("locations ", 0, 1, list[n].locations = 1);
        ADD("locations ", 2, 3, list[n].locations = 1);
        ADD("locations split ", 1, 1, list[n].locations = 1; list[n].states = "split");
        ADD("locations together ", 3, 2, list[n].locations = 1; list[n].states = "together");
        int after_locations = n;
        ADD("zip ", 0, 1, list[n].input = 1);
        ADD("zip ", 1, 3, list[n].input = 1);
        ADD("gz ", 0, 1, list[n].input = 2);
        ADD("gz ", 2, 2, list[n].input = 2);
        ADD("zip+gz+csv ", 3, 3, list[n].input = 3);
        ADD("zip+gz+csv split ", 0, 1, list[n].input = 3; list[n].states = "split");
        ADD("partials+merge ", 0, 1, list[n].partial = 1);
        ADD("partials+merge ", 0, 3, list[n].partial = 1);
        /* providers per block in the pair set (0) or split between bitmaps and the set (3) */
        ADD("bitmaps 0 ", 1, 1, list[n].provider_bits = "0");
        ADD("bitmaps 3 ", 2, 3, list[n].provider_bits = "3");
        ADD("bitmaps 3 split ", 3, 2, list[n].provider_bits = "3"; list[n].states = "split");
        ADD("bitmaps 3 partials+merge ", 0, 3, list[n].provider_bits = "3"; list[n].partial = 1);
        int first_plans = n;
        if (m->plans && !fab) {
            ADD("plans ", 0, 1, list[n].plans = 1);
            ADD("plans ", 1, 1, list[n].plans = 1);
            ADD("plans ", 2, 3, list[n].plans = 1);
            ADD("plans ", 3, 2, list[n].plans = 1);
        }
        /* the by-technology and provider tables: the same by every path */
        int first_tables = n;
        ADD("tables ", 0, 1, list[n].tables = 1);
        ADD("tables ", 1, 3, list[n].tables = 1);
        ADD("tables split ", 2, 2, list[n].tables = 1; list[n].states = "split");
        ADD("tables together ", 3, 1, list[n].tables = 1; list[n].states = "together");
        ADD("tables zip+gz+csv ", 0, 3, list[n].tables = 1; list[n].input = 3);
        ADD("tables locations ", 1, 2, list[n].tables = 1; list[n].locations = 1);
#undef ADD
#undef CHUNK
        outcome results[48];
        for (int i = 0; i < n; i++)
            run_path(&list[i], &results[i]);
        const outcome *ref = &results[0];
        check_expected(fab ? "expect_county_fabric.csv" : "expect_county.csv", "county table",
                       &list[0], ref, must_fail, why);
        if (after_locations > first_locations)
            check_expected(fab ? "expect_locations_fabric.csv" : "expect_locations.csv",
                           "locations table", &list[first_locations], &results[first_locations],
                           must_fail, why);
        if (ref->leftovers)
            say("[%s] failed but left %d file(s) in the output directory", list[0].label,
                ref->leftovers);
        for (int i = 1; i < first_plans; i++) {
            int same_order = list[i].order == list[0].order && !list[i].partial;
            compare(&list[0], ref, &list[i], &results[i], same_order);
        }
        /* the location tables agree among themselves */
        for (int i = first_locations + 1; i < after_locations; i++)
            if (results[i].ok && results[first_locations].ok)
                compare_text("locations table", list[first_locations].label,
                             results[first_locations].locations, list[i].label,
                             results[i].locations);
        /* --plans --speed: the same among themselves, and the plain table in front */
        for (int i = first_plans + 1; i < first_tables; i++)
            compare(&list[first_plans], &results[first_plans], &list[i], &results[i],
                    list[i].order == list[first_plans].order);
        for (int i = first_tables; i < n; i++) {
            compare(&list[0], ref, &list[i], &results[i], list[i].order == list[0].order);
            if (i > first_tables && results[i].ok && results[first_tables].ok) {
                compare_text("by-technology table", list[first_tables].label,
                             results[first_tables].tech, list[i].label, results[i].tech);
                compare_text("provider table", list[first_tables].label,
                             results[first_tables].providers, list[i].label, results[i].providers);
            }
        }
        if (first_tables > first_plans && results[first_plans].ok && ref->ok) {
            char *lead = leading_columns(results[first_plans].table, 14);
            compare_text("table (first 14 columns)", list[0].label, ref->table,
                         list[first_plans].label, lead);
            free(lead);
        }
        for (int i = 0; i < n; i++)
            free_outcome(&results[i]);
    }
}

static void diff_case(const manifest *m, unsigned long long *rng)
{
    path list[12];
    int n = 0;
    static const int pairs[][3] = {{0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {2, 3, 1},
                                   {0, 0, 2}, {0, 0, 3}, {1, 2, 3}, {3, 3, 2}};
    for (size_t k = 0; k < sizeof pairs / sizeof *pairs; k++) {
        list[n] = make_path("", pairs[k][0], pairs[k][2], (int)(16 + mix64(rng) % 185));
        list[n].new_order = pairs[k][1];
        char chunk[32] = "";
        if (list[n].chunk)
            snprintf(chunk, sizeof chunk, " chunk %d", list[n].chunk);
        snprintf(list[n].label, sizeof list[n].label, "diff old order%d new order%d t%d%s",
                 pairs[k][0], pairs[k][1], pairs[k][2], chunk);
        n++;
    }
    list[n] = make_path("diff zip order0 t1", 0, 1, 0);
    list[n++].input = 1;
    outcome results[12];
    for (int i = 0; i < n; i++)
        run_path(&list[i], &results[i]);
    if (!results[0].ok && strcmp(m->expect, "ok") == 0)
        say("[%s] failed: %s", list[0].label, results[0].error);
    for (int i = 1; i < n; i++)
        compare(&list[0], &results[0], &list[i], &results[i],
                list[i].order == 0 && list[i].new_order == 0);
    for (int i = 0; i < n; i++)
        free_outcome(&results[i]);
}

static void make_orders(int table[MAX_ORDERS][MAX_FILES], int count, unsigned long long *rng)
{
    for (int k = 0; k < count; k++) {
        table[0][k] = k;
        table[1][k] = count - 1 - k;
        table[2][k] = table[3][k] = k;
    }
    for (int o = 2; o < MAX_ORDERS; o++)
        for (int k = count - 1; k > 0; k--) {
            int j = (int)(mix64(rng) % (unsigned long long)(k + 1));
            int t = table[o][k];
            table[o][k] = table[o][j];
            table[o][j] = t;
        }
}

/* 1 passed, 0 failed, -1 not a case directory. */
static int run_case(const char *dir)
{
    manifest m;
    if (read_manifest(dir, &m) != 0)
        return -1;
    case_dir = dir;
    cur = &m;
    case_lines = case_failed = 0;
    unsigned long long rng = m.seed;
    char *before = listing(dir);
    if (strcmp(m.kind, "diff") == 0 && skips("diff")) {
        free(before);
        free_manifest(&m);
        return -1;
    } else if (strcmp(m.kind, "diff") == 0) {
        make_orders(orders, m.nold, &rng);
        make_orders(new_orders, m.nnew, &rng);
        diff_case(&m, &rng);
    } else {
        make_orders(orders, m.nfiles, &rng);
        stats_case(&m, &rng);
    }
    char *after = listing(dir);
    if (strcmp(before, after) != 0) {
        char x[200], y[200];
        int line = first_difference(before, after, x, y, sizeof x);
        say("the case directory changed: entry %d \"%s\" became \"%s\"", line, x, y);
    }
    free(before);
    free(after);
    free_manifest(&m);
    return case_failed ? 0 : 1;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    char tmpl[] = "/tmp/dt-invariance.XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("driver: mkdtemp");
        return 2;
    }
    out_dir = tmpl;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = 1;
            continue;
        }
        if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc) {
            skip = argv[++i];
            continue;
        }
        char file[4200];
        snprintf(file, sizeof file, "%s/case.txt", argv[i]);
        if (access(file, R_OK) == 0) {
            int r = run_case(argv[i]);
            passed += r == 1;
            failed += r == 0;
            continue;
        }
        char *names = listing(argv[i]);
        for (char *name = names, *next; *name; name = next) {
            next = name + strcspn(name, "\n");
            if (*next)
                *next++ = '\0';
            snprintf(file, sizeof file, "%s/%s/case.txt", argv[i], name);
            if (access(file, R_OK) != 0)
                continue;
            char *dir = xstrdup(file);
            dir[strlen(dir) - strlen("/case.txt")] = '\0';
            int r = run_case(dir);
            passed += r == 1;
            failed += r == 0;
            free(dir);
        }
        free(names);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rmdir(out_dir);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("invariance: %ld runs in %.1f s\n", runs, seconds);
    printf("invariance: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
