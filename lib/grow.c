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

/* A big block's pages: 2 MiB ones where the kernel gives them on request (Linux's transparent
 * huge pages in "madvise" mode, the common default), so that filling a state's arrays (tens of
 * MB) takes a page fault where 4 KiB pages take 512: most of a big run's system time. The
 * advice covers the whole pages inside the block; it is a hint, and without it (or where the
 * system has no such pages) the block is as malloc gave it. glibc does the same for every
 * mmap'd block when its tunable glibc.malloc.hugetlb is 1. */
#define HUGE_ADVICE_MIN ((size_t)4 << 20)
void dti_advise_huge(void *block, size_t bytes)
{
#if defined(MADV_HUGEPAGE)
    if (!block || bytes < HUGE_ADVICE_MIN)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), from = (uintptr_t)block,
              to = from + bytes;
    from = (from + page - 1) & ~(page - 1);
    to &= ~(page - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)block, (void)bytes;
#endif
}

void *dti_malloc_big(size_t bytes)
{
    void *block = malloc(bytes);
    dti_advise_huge(block, bytes);
    return block;
}

void *dti_calloc_big(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    void *block = dti_malloc_big(n * size);
    if (block)
        memset(block, 0, n * size);
    return block;
}

/* realloc, but a big block is a new one advised before the old bytes are copied into it
 * (realloc copies them into pages the advice comes too late for). */
void *dti_realloc_big(void *old, size_t old_bytes, size_t bytes)
{
    if (bytes < HUGE_ADVICE_MIN)
        return realloc(old, bytes);
    void *block = dti_malloc_big(bytes);
    if (block && old) {
        memcpy(block, old, old_bytes < bytes ? old_bytes : bytes);
        free(old);
    }
    return block;
}

/* The array pointer is read and written with memcpy: array_ptr is the address of a T *, which
 * has the representation of a void * on every platform dialtone runs on (POSIX requires it),
 * and memcpy keeps the access within the aliasing rules. */
static int realloc_at(void *array_ptr, size_t cap, size_t n, size_t elem_size)
{
    void *old;
    memcpy(&old, array_ptr, sizeof old);
    void *p = dti_realloc_big(old, cap * elem_size, n * elem_size);
    if (!p)
        return -1;
    memcpy(array_ptr, &p, sizeof p);
    return 0;
}

int dti_grow_to(void *array_ptr, size_t *cap, size_t need, size_t elem_size, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t n = grown_cap(*cap, need, first, &elem_size, 1);
    if (n == 0 || realloc_at(array_ptr, *cap, n, elem_size) != 0)
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
        if (realloc_at(arrays[i], *cap, n, elem_sizes[i]) != 0)
            return -1; /* those before i moved to larger blocks: still valid, *cap unchanged */
    *cap = n;
    return 0;
}
