/* SPDX-License-Identifier: MIT */
/* Unit tests of the growable array (grow.c): capacities, overflow and failing reallocations.
 * Linked with -Wl,--wrap=realloc (Makefile), so that the test sees and can fail each call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static int watching;     /* count and fail only the calls made inside the tests' dti_grow */
static int calls;        /* reallocations seen */
static int fail_call;    /* the call that fails (1 = the next one), 0 none */
static size_t last_size; /* the size the last call asked for */

void *__wrap_realloc(void *p, size_t size)
{
    if (!watching)
        return __real_realloc(p, size);
    calls++;
    last_size = size;
    if (calls == fail_call)
        return NULL;
    return __real_realloc(p, size);
}

static void watch(int fail)
{
    watching = 1;
    calls = 0;
    fail_call = fail;
    last_size = 0;
}

static void test_capacities(void)
{
    int *a = NULL;
    size_t cap = 0;
    watch(0);
    /* a capacity of 0 becomes first: 16 */
    CHECK_INT(dti_grow(&a, &cap, 1, sizeof *a, 16), 0);
    CHECK_INT(cap, 16);
    CHECK_INT(last_size, 16 * sizeof(int));
    for (int i = 0; i < 16; i++)
        a[i] = i * 3;
    /* room already: nothing happens */
    CHECK_INT(dti_grow(&a, &cap, 16, sizeof *a, 16), 0);
    CHECK_INT(cap, 16);
    CHECK_INT(calls, 1);
    /* 17 needs one doubling (32); 100 needs two more (64, 128): one realloc each time */
    CHECK_INT(dti_grow(&a, &cap, 17, sizeof *a, 16), 0);
    CHECK_INT(cap, 32);
    CHECK_INT(dti_grow(&a, &cap, 100, sizeof *a, 16), 0);
    CHECK_INT(cap, 128);
    CHECK_INT(calls, 3);
    CHECK_INT(last_size, 128 * sizeof(int));
    int same = 1;
    for (int i = 0; i < 16; i++)
        same &= a[i] == i * 3;
    CHECK(same);
    free(a);

    /* first 0 means 1; from 1, need 5 doubles to 2, 4, 8 */
    char *b = NULL;
    cap = 0;
    CHECK_INT(dti_grow(&b, &cap, 1, 1, 0), 0);
    CHECK_INT(cap, 1);
    CHECK_INT(dti_grow(&b, &cap, 5, 1, 0), 0);
    CHECK_INT(cap, 8);
    /* need past first at the start: doubled from first (4 -> 8 -> 16 for 9) */
    char *c = NULL;
    size_t ccap = 0;
    CHECK_INT(dti_grow(&c, &ccap, 9, 1, 4), 0);
    CHECK_INT(ccap, 16);
    watching = 0;
    free(b);
    free(c);
}

static void test_overflow(void)
{
    uint64_t *a = NULL;
    size_t cap = 0;
    watch(0);
    /* SIZE_MAX / 8 + 1 elements of 8 bytes pass SIZE_MAX: refused before any realloc */
    CHECK_INT(dti_grow(&a, &cap, SIZE_MAX / 8 + 1, 8, 16), -1);
    CHECK(a == NULL);
    CHECK_INT(cap, 0);
    CHECK_INT(calls, 0);
    /* the doubling from 16 would reach 2^61 elements, which is 2^64 bytes: refused */
    CHECK_INT(dti_grow(&a, &cap, ((size_t)1 << 60) + 1, 8, 16), -1);
    CHECK_INT(calls, 0);
    /* an element size of 0 is refused too */
    CHECK_INT(dti_grow(&a, &cap, 1, 0, 16), -1);
    CHECK_INT(calls, 0);

    /* a capacity of 2^63 bytes cannot double: need itself (2^63 + 1) is asked for; the call
     * is made to fail, so that nothing that large is ever allocated */
    char *huge = NULL;
    size_t huge_cap = (size_t)1 << 63;
    watch(1);
    CHECK_INT(dti_grow(&huge, &huge_cap, ((size_t)1 << 63) + 1, 1, 16), -1);
    CHECK_INT(calls, 1);
    CHECK(last_size == ((size_t)1 << 63) + 1);
    CHECK(huge == NULL);
    CHECK(huge_cap == (size_t)1 << 63);

    /* parallel arrays: one element size too large refuses them all before any realloc */
    double *x = NULL;
    char *y = NULL;
    void *const arrays[] = {&x, &y};
    const size_t sizes[] = {sizeof *x, 1};
    cap = 0;
    watch(0);
    CHECK_INT(dti_grow_n(arrays, sizes, 2, &cap, SIZE_MAX / 4, 16), -1);
    CHECK_INT(calls, 0);
    CHECK(x == NULL && y == NULL);
    CHECK_INT(cap, 0);
    watching = 0;
}

static void test_failing_realloc(void)
{
    int *a = NULL;
    size_t cap = 0;
    watch(0);
    CHECK_INT(dti_grow(&a, &cap, 4, sizeof *a, 4), 0);
    a[0] = 7, a[1] = 8, a[2] = 9, a[3] = 10;
    int *before = a;
    watch(1); /* the next realloc fails: array and capacity stay */
    CHECK_INT(dti_grow(&a, &cap, 5, sizeof *a, 4), -1);
    CHECK(a == before);
    CHECK_INT(cap, 4);
    CHECK(a[0] == 7 && a[3] == 10);
    watching = 0;
    free(a);
}

static void test_parallel(void)
{
    uint64_t *keys = NULL;
    uint8_t *flags = NULL;
    double *shares = NULL;
    void *const arrays[] = {&keys, &flags, &shares};
    const size_t sizes[] = {sizeof *keys, sizeof *flags, sizeof *shares};
    size_t cap = 0;
    watch(0);
    CHECK_INT(dti_grow_n(arrays, sizes, 3, &cap, 1, 2), 0);
    CHECK_INT(cap, 2);
    CHECK_INT(calls, 3);
    for (int i = 0; i < 2; i++)
        keys[i] = 100u + (unsigned)i, flags[i] = (uint8_t)(i + 1), shares[i] = 0.5 * i;
    /* the second of three reallocs fails: the first array has its 4 elements, the others
     * still 2; cap stays 2, which all of them hold */
    watch(2);
    CHECK_INT(dti_grow_n(arrays, sizes, 3, &cap, 3, 2), -1);
    CHECK_INT(cap, 2);
    CHECK_INT(calls, 2);
    CHECK(keys[0] == 100 && keys[1] == 101 && flags[0] == 1 && flags[1] == 2);
    CHECK(shares[0] == 0.0 && shares[1] == 0.5);
    /* the third fails: the first two have grown, the third not */
    watch(3);
    CHECK_INT(dti_grow_n(arrays, sizes, 3, &cap, 3, 2), -1);
    CHECK_INT(cap, 2);
    /* a later call grows all three, their contents kept */
    watch(0);
    CHECK_INT(dti_grow_n(arrays, sizes, 3, &cap, 3, 2), 0);
    CHECK_INT(cap, 4);
    CHECK_INT(calls, 3);
    CHECK(keys[1] == 101 && flags[1] == 2 && shares[1] == 0.5);
    keys[3] = 7, flags[3] = 7, shares[3] = 7; /* the new capacity is usable in each */
    CHECK(keys[3] == 7 && flags[3] == 7 && shares[3] == 7);
    /* no room needed: no call */
    watch(0);
    CHECK_INT(dti_grow_n(arrays, sizes, 3, &cap, 4, 2), 0);
    CHECK_INT(calls, 0);
    watching = 0;
    free(keys);
    free(flags);
    free(shares);

    /* the first realloc fails on a first growth: everything stays NULL */
    int *p = NULL, *q = NULL;
    void *const two[] = {&p, &q};
    const size_t two_sizes[] = {sizeof *p, sizeof *q};
    cap = 0;
    watch(1);
    CHECK_INT(dti_grow_n(two, two_sizes, 2, &cap, 1, 8), -1);
    CHECK(p == NULL && q == NULL);
    CHECK_INT(cap, 0);
    watching = 0;
}

int main(void)
{
    test_capacities();
    test_overflow();
    test_failing_realloc();
    test_parallel();
    return dt_unit_report("grow");
}
