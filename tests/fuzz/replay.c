/* Runs a fuzz target without libFuzzer, on the files (or every file of the directories) named
 * on the command line: the regression tests of `make check` (tests/fuzz/regress/) and the
 * seed corpora. Prints "N passed, 0 failed"; a crash or a broken property aborts. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

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
    LLVMFuzzerTestOneInput(data, n);
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
    printf("%s: %ld passed, 0 failed\n", argc > 0 ? argv[0] : "replay", done);
    return 0;
}
