/* SPDX-License-Identifier: MIT */
/* The embedding contract (dialtone.h): stats calls on two threads in one process give the tables
 * of sequential runs; the table in memory is the CSV byte for byte; a call leaves the program's
 * GDAL error handler and last error as they were; no -o writes nothing. The expected tables are
 * the independent references of the other suites: datasets/kansas/truth_*.csv (the generator's
 * own arithmetic) and tests/expected/county.csv (by hand, tests/data/README.md). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_error.h>

#include "dialtone/dialtone.h"
#include "unit.h"

#define KANSAS "datasets/kansas/"
static char *kansas_county[] = {"--threads",
                                "2",
                                KANSAS "bdc_20_Cable_fixed_broadband.csv",
                                KANSAS "bdc_20_Fiber-to-the-Premises_fixed_broadband.csv",
                                KANSAS "bdc_20_Fixed-Wireless_fixed_broadband.csv",
                                KANSAS "bdc_20_Other_fixed_broadband.zip"};
static char *kansas_tract[] = {"--by",
                               "tract",
                               KANSAS "bdc_20_Cable_fixed_broadband.csv",
                               KANSAS "bdc_20_Fiber-to-the-Premises_fixed_broadband.csv",
                               KANSAS "bdc_20_Fixed-Wireless_fixed_broadband.csv",
                               KANSAS "bdc_20_Other_fixed_broadband.zip"};
static char *main_county[] = {"tests/data/main/part1.csv", "tests/data/main/part2.csv"};

typedef struct job {
    char **argv;
    int argc;
    const char *expected; /* the reference table's file */
    int rounds;
    int failures;
} job;

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *text = NULL;
    size_t size = 0, cap = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (size + n + 1 > cap) {
            cap = 2 * (size + n + 1);
            char *more = realloc(text, cap);
            if (!more)
                break;
            text = more;
        }
        memcpy(text + size, buf, n);
        size += n;
        text[size] = '\0';
    }
    fclose(fp);
    return text;
}

/* The CSV of a table, quoted as dialtone's CSV writer quotes (a field holding , " CR or LF). */
static void put_field(FILE *fp, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, fp);
        return;
    }
    fputc('"', fp);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
}

static char *table_csv(const dt_table *t)
{
    char *text = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&text, &size);
    unsigned long columns = dt_table_columns(t);
    for (unsigned long c = 0; c < columns; c++) {
        if (c)
            fputc(',', fp);
        put_field(fp, dt_table_column_name(t, c));
    }
    fputc('\n', fp);
    for (unsigned long r = 0; r < dt_table_rows(t); r++) {
        for (unsigned long c = 0; c < columns; c++) {
            if (c)
                fputc(',', fp);
            put_field(fp, dt_table_text(t, r, c));
        }
        fputc('\n', fp);
    }
    fclose(fp);
    return text;
}

/* One stats call into memory: its table as CSV text, or NULL (message in err). */
static char *stats_csv(char **argv, int argc, dt_error *err)
{
    dt_stats_options *o = dt_stats_options_new(argc, argv, err);
    if (!o)
        return NULL;
    dt_table *t = NULL;
    char *text = dt_stats_table(o, NULL, NULL, NULL, &t, err) == DT_OK ? table_csv(t) : NULL;
    dt_table_free(t);
    dt_stats_options_free(o);
    return text;
}

static void *run_job(void *arg)
{
    job *j = arg;
    char *want = read_all(j->expected);
    for (int r = 0; r < j->rounds; r++) {
        dt_error err = {0};
        char *got = stats_csv(j->argv, j->argc, &err);
        if (!got || !want || strcmp(got, want) != 0)
            j->failures++;
        free(got);
    }
    free(want);
    return NULL;
}

static int host_calls;
static void host_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)cls, (void)num, (void)msg;
    host_calls++;
}

int main(void)
{
    job jobs[] = {
        {kansas_county, 6, KANSAS "truth_county.csv", 3, 0},
        {kansas_tract, 6, KANSAS "truth_tract.csv", 3, 0},
        {main_county, 2, "tests/expected/county.csv", 12, 0},
    };

    /* sequential runs first: each table is its reference, byte for byte */
    for (int i = 0; i < 3; i++) {
        job once = jobs[i];
        once.rounds = 1;
        run_job(&once);
        CHECK_INT(once.failures, 0);
    }

    /* two calls at a time on two threads, every pair of jobs, several rounds each */
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++) {
            job x = jobs[a], y = jobs[b];
            pthread_t tx, ty;
            CHECK(pthread_create(&tx, NULL, run_job, &x) == 0);
            CHECK(pthread_create(&ty, NULL, run_job, &y) == 0);
            pthread_join(tx, NULL);
            pthread_join(ty, NULL);
            CHECK_INT(x.failures, 0);
            CHECK_INT(y.failures, 0);
        }

    /* with -o the file and the table in memory are the same bytes */
    char dir[] = "/tmp/dialtone-embedding.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char out[256];
    snprintf(out, sizeof out, "%s/county.csv", dir);
    char *with_o[] = {"-o", out, "tests/data/main/part1.csv", "tests/data/main/part2.csv"};
    dt_error err = {0};
    char *text = stats_csv(with_o, 4, &err);
    char *file = read_all(out);
    CHECK(text && file && strcmp(text, file) == 0);
    free(text);
    free(file);

    /* typed cells: tests/expected/county.csv row 1 is 08001,8,3,3,2,37.50,7,62.4995,... */
    dt_stats_options *o = dt_stats_options_new(2, main_county, &err);
    dt_table *t = NULL;
    CHECK(o && dt_stats_table(o, NULL, NULL, NULL, &t, &err) == DT_OK);
    CHECK_INT(dt_table_columns(t), 14);
    CHECK_STR(dt_table_column_name(t, 0), "geoid");
    CHECK_INT(dt_table_column_type(t, 0), DT_COLUMN_TEXT);
    CHECK_INT(dt_table_column_type(t, 1), DT_COLUMN_INTEGER);
    CHECK_INT(dt_table_column_type(t, 5), DT_COLUMN_NUMBER);
    CHECK_INT(dt_table_column_index(t, "median_max_down"), 7);
    CHECK_INT(dt_table_column_index(t, "no such column"), -1);
    CHECK_STR(dt_table_text(t, 0, 0), "08001");
    CHECK_INT(dt_table_integer(t, 0, 1), 8);
    CHECK_INT(dt_table_integer(t, 0, 2), 3);
    CHECK(dt_table_number(t, 0, 5) == 37.5);
    CHECK(dt_table_number(t, 0, 7) == 62.4995);
    CHECK_STR(dt_table_text(t, 0, 5), "37.50");
    CHECK(dt_table_text(t, 0, 14) == NULL);
    CHECK(dt_table_text(t, dt_table_rows(t), 0) == NULL);
    CHECK(isnan(dt_table_number(t, 0, 2000)));
    CHECK(dt_table_is_empty(t, 0, 2000) && !dt_table_is_empty(t, 0, 0));
    dt_table_free(t);

    /* no -o: no file and nothing on stdout */
    char capture[256];
    snprintf(capture, sizeof capture, "%s/stdout", dir);
    fflush(stdout);
    int saved = dup(1);
    CHECK(freopen(capture, "w", stdout) != NULL);
    CHECK(dt_stats_table(o, NULL, NULL, NULL, &t, &err) == DT_OK);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    struct stat st;
    CHECK(stat(capture, &st) == 0 && st.st_size == 0);
    CHECK(t && dt_table_rows(t) > 0);
    dt_table_free(t);
    dt_stats_options_free(o);

    /* the program's GDAL handler and last error survive calls that fail inside GDAL */
    CPLSetErrorHandler(host_handler);
    CPLError(CE_Warning, CPLE_AppDefined, "the program's own warning");
    host_calls = 0;
    char layer[256];
    snprintf(layer, sizeof layer, "%s/not_a.gpkg", dir);
    FILE *fp = fopen(layer, "wb");
    /* an SQLite header and garbage: GDAL warns (application_id) and fails (not a database) */
    fwrite("SQLite format 3\0\x10\0\x01\x01", 1, 20, fp);
    for (int i = 0; i < 2000; i++)
        fputc(0xff, fp);
    fclose(fp);
    char *bad[] = {"--blocks", layer, main_county[0]};
    dt_stats_options *b = dt_stats_options_new(3, bad, &err);
    CHECK(b && dt_stats_table(b, NULL, NULL, NULL, &t, &err) != DT_OK);
    CHECK(t == NULL);
    CHECK(strstr(err.file, "not_a.gpkg") != NULL);
    CHECK(strstr(err.message, "file is not a database") != NULL); /* GDAL's own error */
    dt_stats_options_free(b);
    CHECK_INT(host_calls, 0);
    CHECK_STR(CPLGetLastErrorMsg(), "the program's own warning");
    CHECK_INT(CPLGetLastErrorType(), CE_Warning);
    CPLSetErrorHandler(NULL);

    /* the plan in memory: the hand-worked golden tables of tests/plan, byte for byte as CSV */
    {
        static const struct {
            const char *expected;
            int argc;
            char *argv[10];
        } plans[] = {
            {"tests/expected/plan/budget_100k_exact.csv",
             7,
             {"--budget", "100000", "--costs", "tests/data/plan/costs.csv", "--land",
              "tests/data/plan/land.csv", "tests/data/plan/stats.csv"}},
            {"tests/expected/plan/households_300k.csv",
             6,
             {"--households", "--budget", "300000", "--costs", "tests/data/plan/costs.csv",
              "tests/data/plan/stats_households.csv"}},
        };
        for (size_t k = 0; k < sizeof plans / sizeof *plans; k++) {
            dt_plan_options *p = dt_plan_options_new(plans[k].argc, (char **)plans[k].argv, &err);
            dt_table *pt = NULL;
            CHECK(p && dt_plan_table(p, NULL, NULL, NULL, &pt, &err) == DT_OK);
            char *got = pt ? table_csv(pt) : NULL, *want = read_all(plans[k].expected);
            CHECK(got && want && strcmp(got, want) == 0);
            if (k == 0 && pt) {
                CHECK_STR(dt_table_column_name(pt, 0), "rank");
                CHECK_INT(dt_table_column_type(pt, 0), DT_COLUMN_INTEGER);
                CHECK_INT(dt_table_column_type(pt, 1), DT_COLUMN_TEXT);
                CHECK_INT(dt_table_column_index(pt, "funded"),
                          8); /* rank geoid pass density density_class cost_per_location
                                 project_locations cost funded */
            }
            free(got);
            free(want);
            dt_table_free(pt);
            dt_plan_options_free(p);
        }
    }

    /* the diff in memory: the hand-worked golden tables of tests/diff, byte for byte as CSV */
    {
        char *args[][4] = {{"tests/data/diff/old", "tests/data/diff/new"},
                           {"--by", "state", "tests/data/diff/old", "tests/data/diff/new"}};
        const char *expected[] = {"tests/expected/diff/county.csv",
                                  "tests/expected/diff/state.csv"};
        for (int k = 0; k < 2; k++) {
            dt_diff_options *d = dt_diff_options_new(k ? 4 : 2, args[k], &err);
            dt_table *dtab = NULL;
            CHECK(d && dt_diff_table(d, NULL, NULL, NULL, &dtab, &err) == DT_OK);
            char *got = dtab ? table_csv(dtab) : NULL, *want = read_all(expected[k]);
            CHECK(got && want && strcmp(got, want) == 0);
            if (dtab)
                CHECK_INT(dt_table_column_type(dtab, 6), DT_COLUMN_INTEGER); /* served_change */
            free(got);
            free(want);
            dt_table_free(dtab);
            dt_diff_options_free(d);
        }
    }

    unlink(layer);
    unlink(capture);
    unlink(out);
    char side[300];
    snprintf(side, sizeof side, "%s-metadata.json", out);
    unlink(side);
    CHECK(rmdir(dir) == 0);
    return dt_unit_report("embedding");
}
