/* SPDX-License-Identifier: MIT */
/* Runs a fuzz target without libFuzzer, on the files (or every file of the directories) named
 * on the command line: the regression tests of `make check` (tests/fuzz/regress/) and the
 * seed corpora. Prints "N passed, 0 failed"; a crash or a broken property aborts. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz.h"

/* An input that takes more than this much CPU time is a hang (the 1 s per input;
 * CPU time, so that a loaded machine does not make one). */
#define MAX_CPU_SECONDS 1.0
static double slowest;
static char slowest_path[4096];

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "%s: cannot open\n", path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, fp)) > 0)
        if ((n += got) == cap && !(data = realloc(data, cap *= 2)))
            break;
    fclose(fp);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        exit(1);
    }
    double start = cpu_seconds();
    LLVMFuzzerTestOneInput(data, n);
    double spent = cpu_seconds() - start;
    if (spent > slowest) {
        slowest = spent;
        snprintf(slowest_path, sizeof slowest_path, "%s", path);
    }
    if (spent > MAX_CPU_SECONDS) {
        fprintf(stderr, "%s: %.2f s of CPU time for one input (a hang: over %.0f s)\n", path, spent,
                MAX_CPU_SECONDS);
        exit(1);
    }
    free(data);
    return 1;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static long replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: no such file\n", path);
        exit(1);
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *dir = opendir(path);
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        if (e->d_name[0] != '.') {
            names = realloc(names, (count + 1) * sizeof *names);
            names[count++] = strdup(e->d_name);
        }
    if (dir)
        closedir(dir);
    if (count)
        qsort(names, count, sizeof *names, compare_names);
    long done = 0;
    for (size_t i = 0; i < count; i++) {
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, names[i]);
        done += replay(child);
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    long done = 0;
    for (int i = 1; i < argc; i++)
        done += replay(argv[i]);
    printf("%s: %ld passed, 0 failed (slowest input %.3f s of CPU: %s)\n",
           argc > 0 ? argv[0] : "replay", done, slowest, slowest_path);
    return 0;
}
