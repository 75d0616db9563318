/* SPDX-License-Identifier: MIT */
/* XXH3, through libxxhash's runtime dispatch on x86-64 (AVX2 or AVX-512 where the CPU has them,
 * SSE2 otherwise: the same hash, about three times the speed of the SSE2-only entry points). */
#ifndef DIALTONE_XXH_H
#define DIALTONE_XXH_H

#include <xxhash.h>
#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<xxh_x86dispatch.h>)
#include <xxh_x86dispatch.h> /* XXH3_64bits_update becomes XXH3_64bits_update_dispatch */
#endif
#endif

#endif
