/* SPDX-License-Identifier: MIT */
/* One quickselect for every element type: DTI_DEFINE_SELECT(name, type, less) defines
 * `static type name(type *v, size_t n, size_t k)`, the k-th smallest (0-based) of v[0..n),
 * reordering v; less(a, b) is the strict order. The median-of-three pivot keeps sorted and
 * constant runs linear. (A macro rather than a comparator callback: the medians of a state's
 * locations run it over millions of values.) */
#ifndef DIALTONE_SELECT_H
#define DIALTONE_SELECT_H

#include <stddef.h>

#define DTI_DEFINE_SELECT(name, type, less)                                                       \
    static type name(type *v, size_t n, size_t k)                                                 \
    {                                                                                              \
        size_t lo = 0, hi = n - 1;                                                                 \
        while (lo < hi) {                                                                          \
            size_t mid = lo + (hi - lo) / 2;                                                       \
            type a = v[lo], b = v[mid], c = v[hi];                                                 \
            type pivot = less(a, b) ? (less(b, c) ? b : (less(a, c) ? c : a))                      \
                                    : (less(a, c) ? a : (less(b, c) ? c : b));                     \
            size_t i = lo, j = hi;                                                                 \
            while (i <= j) {                                                                       \
                while (less(v[i], pivot))                                                          \
                    i++;                                                                           \
                while (less(pivot, v[j]))                                                          \
                    j--;                                                                           \
                if (i <= j) {                                                                      \
                    type t = v[i];                                                                 \
                    v[i] = v[j];                                                                   \
                    v[j] = t;                                                                      \
                    i++;                                                                           \
                    if (j == 0)                                                                    \
                        break;                                                                     \
                    j--;                                                                           \
                }                                                                                  \
            }                                                                                      \
            if (k <= j)                                                                            \
                hi = j;                                                                            \
            else if (k >= i)                                                                       \
                lo = i;                                                                            \
            else                                                                                   \
                return v[k];                                                                       \
        }                                                                                          \
        return v[k];                                                                               \
    }

#endif
