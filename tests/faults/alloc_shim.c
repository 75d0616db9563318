/* Allocation-failure shim for `make allocsweep`: linked into dialtone with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup, so that it
 * sees the allocations of dialtone's own code (lib/ and tools/) and none of GDAL's, PROJ's,
 * cairo's or libc's own, except jansson's: a constructor routes them through the same
 * counter (json_set_alloc_funcs), so that the provenance and sidecar code is swept too.
 * DT_ALLOC_FAIL=N makes the Nth of them fail (return NULL with ENOMEM) and every later one succeed;
 * DT_ALLOC_COUNT=FILE receives at exit how many there were. Unset, it only counts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static unsigned long fail_at;     /* 0: none fails */
static unsigned long allocations; /* counted so far */
static int started;

static void write_count(void)
{
    const char *path = getenv("DT_ALLOC_COUNT");
    FILE *fp = path ? fopen(path, "w") : NULL;
    if (fp) {
        fprintf(fp, "%lu\n", __atomic_load_n(&allocations, __ATOMIC_RELAXED));
        fclose(fp);
    }
}

static void start(void)
{
    started = 1;
    const char *n = getenv("DT_ALLOC_FAIL");
    fail_at = n ? strtoul(n, NULL, 10) : 0;
    atexit(write_count);
}

static int fails(void)
{
    if (!started)
        start();
    unsigned long n = __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    if (n == fail_at) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t size) { return fails() ? NULL : __real_malloc(size); }
void *__wrap_calloc(size_t count, size_t size)
{
    return fails() ? NULL : __real_calloc(count, size);
}
void *__wrap_realloc(void *p, size_t size) { return fails() ? NULL : __real_realloc(p, size); }
char *__wrap_strdup(const char *s) { return fails() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fails() ? NULL : __real_strndup(s, n); }

/* before main, so before any JSON value exists */
__attribute__((constructor)) static void route_jansson(void)
{
    json_set_alloc_funcs(__wrap_malloc, free);
}
