/* SPDX-License-Identifier: MIT */
/* The growable array: one rule for every array of lib/ that grows as it is filled. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

/* The capacity that holds need elements: cap (first when 0, at least 1), doubled until it does;
 * 0 when that many elements of every size in elem_sizes would not fit in a size_t. */
static size_t grown_cap(size_t cap, size_t need, size_t first, const size_t *elem_sizes, int count)
{
    size_t n = cap ? cap : first ? first : 1;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    for (int i = 0; i < count; i++)
        if (elem_sizes[i] == 0 || n > SIZE_MAX / elem_sizes[i])
            return 0;
    return n;
}

#define GROW_HUGE ((size_t)4 << 20)

/* The array pointer is read and written with memcpy: array_ptr is the address of a T *, which
 * has the representation of a void * on every platform dialtone runs on (POSIX requires it),
 * and memcpy keeps the access within the aliasing rules. */
static int realloc_at(void *array_ptr, size_t n, size_t elem_size)
{
    void *old;
    memcpy(&old, array_ptr, sizeof old);
    size_t bytes = n * elem_size;
    void *p = realloc(old, bytes);
    if (!p)
        return -1;
    memcpy(array_ptr, &p, sizeof p);
#if defined(MADV_HUGEPAGE)
    /* a big array is filled from start to end: 2 MiB pages where the system gives them (a
     * hint; the pages are mapped as they are reached) take one fault for 512 */
    if (bytes >= GROW_HUGE) {
        uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
        uintptr_t to = ((uintptr_t)p + bytes) & ~(page - 1);
        if (to > from)
            madvise((void *)from, to - from, MADV_HUGEPAGE);
    }
#endif
    return 0;
}

int dti_grow_to(void *array_ptr, size_t *cap, size_t need, size_t elem_size, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t n = grown_cap(*cap, need, first, &elem_size, 1);
    if (n == 0 || realloc_at(array_ptr, n, elem_size) != 0)
        return -1;
    *cap = n;
    return 0;
}

int dti_grow_n_to(void *const arrays[], const size_t elem_sizes[], int count, size_t *cap,
                  size_t need, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t n = grown_cap(*cap, need, first, elem_sizes, count);
    if (n == 0)
        return -1;
    for (int i = 0; i < count; i++)
        if (realloc_at(arrays[i], n, elem_sizes[i]) != 0)
            return -1; /* those before i moved to larger blocks: still valid, *cap unchanged */
    *cap = n;
    return 0;
}
