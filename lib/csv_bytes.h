/* SPDX-License-Identifier: MIT */
/* The bytes a CSV reader stops at, found 8 (SWAR) or 16 (SSE2) at a time: '"', ',' and those
 * at most '\r' (NUL, LF, CR and the control bytes below CR). The record scanner (csv_read.c)
 * and the BDC row reader (bdc_fast.c) both look through these. */
#ifndef DTI_CSV_BYTES_H
#define DTI_CSV_BYTES_H

#include <stdint.h>
#include <string.h>

#include "core.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The high bits of a SWAR byte mask as eight bits, bit k for byte k. */
static inline unsigned dti_bits8(uint64_t mask)
{
    return (unsigned)(((mask >> 7) * 0x0102040810204080ULL) >> 56);
}

/* The high bit of each byte of word that is at most '\r': (13 - b) does not borrow, for b < 128. */
static inline uint64_t dti_controls8(uint64_t word)
{
    return ((0x0d0d0d0d0d0d0d0dULL | 0x8080808080808080ULL) - (word & 0x7f7f7f7f7f7f7f7fULL)) &
           ~word & 0x8080808080808080ULL;
}

static inline uint64_t dti_word_at(const char *p)
{
    uint64_t word;
    memcpy(&word, p, 8);
    return word;
}

/* One bit per byte of the eight at p (bit k for p[k]) that is '"' or at most '\r', and in
 * *commas one per ','. */
static inline unsigned dti_csv_special8(const char *p, unsigned *commas)
{
    uint64_t word = dti_word_at(p);
    *commas = dti_bits8(dti_byte_mask(word, ','));
    return dti_bits8(dti_byte_mask(word, '"') | dti_controls8(word));
}

/* The same for the sixteen bytes at p. */
static inline unsigned dti_csv_special16(const char *p, unsigned *commas)
{
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8('\r')), v); /* v <= CR */
    *commas = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), ctl));
#else
    unsigned high, m = dti_csv_special8(p, commas) | dti_csv_special8(p + 8, &high) << 8;
    *commas |= high << 8;
    return m;
#endif
}

#endif
