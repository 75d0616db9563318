/* SPDX-License-Identifier: MIT */
/* The fast way through a plain BDC row: one pass finds each field 16 bytes at a time and reads
 * the numbers where it finds them. It takes only rows it reads exactly as dti_csv_next and
 * dti_bdc_parse_row do (tests/unit/test_bdc_fast.c compares them on many generated rows);
 * everything else, every bad row among it, goes the reference way. */
#include <string.h>

#include "bdc_row.h"
#include "csv_bytes.h"
#include "internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { KIND_TEXT, KIND_PROVIDER, KIND_LOCATION, KIND_TECH, KIND_SPEED, KIND_FLAG, KIND_BLOCK };

/* The FCC's header: frn,provider_id,brand_name,location_id,technology,
 * max_advertised_download_speed,max_advertised_upload_speed,low_latency,
 * business_residential_code,state_usps,block_geoid,h3_res8_id */
enum { FCC_COLS = 12 };
static const unsigned char fcc_kind[FCC_COLS] = {
    KIND_TEXT,  KIND_PROVIDER, KIND_TEXT, KIND_LOCATION, KIND_TECH,  KIND_SPEED,
    KIND_SPEED, KIND_FLAG,     KIND_TEXT, KIND_TEXT,     KIND_BLOCK, KIND_TEXT};
/* The bytes of data a field must have at its start before it is read: 16 for a text field's
 * first 16-byte block and a number's; the FCC's five numbers in a row (location_id to
 * low_latency) take at most 16 bytes each with their comma, so the first checks for all five.
 * A speed read the slow way checks for what follows it (SLOW_SPEED_NEED). */
static const unsigned char fcc_need[FCC_COLS] = {16, 16, 16, 80, 0, 0, 0, 0, 16, 16, 16, 16};
static const unsigned char each_need[DTI_FAST_COLS] = {16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
                                                       16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
                                                       16, 16, 16, 16, 16, 16, 16, 16, 16, 16};
enum { SLOW_SPEED_NEED = 48 };
static const int fcc_col[DTI_BDC_NCOLS] = {
    [DTI_BDC_PROVIDER] = 1, [DTI_BDC_LOCATION] = 3, [DTI_BDC_TECHNOLOGY] = 4,
    [DTI_BDC_DOWN] = 5,     [DTI_BDC_UP] = 6,       [DTI_BDC_LATENCY] = 7,
    [DTI_BDC_BLOCK] = 10,   [DTI_BDC_USE] = 8,      [DTI_BDC_STATE] = 9};

void dti_bdc_fast_init(dti_bdc_fast *fast, const dti_bdc_layout *layout, int reference)
{
    static const unsigned char kind_of[DTI_BDC_NCOLS] = {
        [DTI_BDC_PROVIDER] = KIND_PROVIDER, [DTI_BDC_LOCATION] = KIND_LOCATION,
        [DTI_BDC_TECHNOLOGY] = KIND_TECH,   [DTI_BDC_DOWN] = KIND_SPEED,
        [DTI_BDC_UP] = KIND_SPEED,          [DTI_BDC_LATENCY] = KIND_FLAG,
        [DTI_BDC_BLOCK] = KIND_BLOCK,       [DTI_BDC_USE] = KIND_TEXT,
        [DTI_BDC_STATE] = KIND_TEXT};
    memset(fast, 0, sizeof *fast);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (reference || strcmp(dti_config_option("DIALTONE_ROWS", "fast"), "reference") == 0 ||
        layout->header_fields < DTI_BDC_NCOLS || layout->header_fields > DTI_FAST_COLS)
        return;
    for (int c = 0; c < DTI_BDC_NCOLS; c++)
        fast->kind[layout->col[c]] = kind_of[c];
    fast->ncols = layout->header_fields;
    fast->fcc = fast->ncols == FCC_COLS && memcmp(fast->kind, fcc_kind, FCC_COLS) == 0;
#else
    (void)layout, (void)reference; /* the digits are read as little-endian words */
#endif
}

/* Of the 16 bytes at q, bit k for q[k] that is '"' or at most '\r', and ',' too when commas
 * (a constant where it is called: the comparisons are joined before the one mask is taken). */
static inline unsigned specials(const char *q, int commas)
{
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8('\r')), v));
    if (commas)
        m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    return (unsigned)_mm_movemask_epi8(m);
#else
    unsigned comma, m = dti_csv_special16(q, &comma);
    return commas ? m | comma : m;
#endif
}

#if defined(__SSE2__)
/* The 16 bytes at q less '0' each: a digit's value where q holds a digit. */
static inline __m128i digit_values(const char *q)
{
    return _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)q), _mm_set1_epi8('0'));
}

/* How many digits start the 16 bytes whose digit_values are t (16: all of them). */
static inline unsigned digit_run_of(__m128i t)
{
    unsigned digits =
        (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t));
    return (unsigned)__builtin_ctz(~digits | 0x10000u);
}

/* The number whose 16 digits' values are the bytes of t, the first byte the first digit. */
static inline uint64_t sixteen_digits(__m128i t)
{
    /* pairs in 16-bit lanes (the first byte of a lane is the tens), fours and eights by
     * multiply-add: two 32-bit lanes of eight digits each */
    __m128i pairs =
        _mm_add_epi16(_mm_mullo_epi16(_mm_and_si128(t, _mm_set1_epi16(0x00ff)), _mm_set1_epi16(10)),
                      _mm_srli_epi16(t, 8));
    __m128i fours = _mm_madd_epi16(pairs, _mm_set1_epi32(1 << 16 | 100));
    __m128i eights = _mm_madd_epi16(_mm_packs_epi32(fours, fours), _mm_set1_epi32(1 << 16 | 10000));
    uint64_t both = (uint64_t)_mm_cvtsi128_si64(eights);
    return (both & 0xffffffffu) * 100000000u + (both >> 32);
}
#endif

/* How many digits the 16 bytes at q start with (16: all of them). */
static inline unsigned digit_run(const char *q)
{
#if defined(__SSE2__)
    return digit_run_of(digit_values(q));
#else
    unsigned digits = 0;
    for (int half = 0; half < 2; half++) {
        uint64_t x = dti_word_at(q + 8 * half) ^ 0x3030303030303030ULL; /* a digit: 0 to 9 */
        uint64_t above9 =
            (((x & 0x7f7f7f7f7f7f7f7fULL) + 0x7676767676767676ULL) | x) & 0x8080808080808080ULL;
        digits |= (~dti_bits8(above9) & 0xffu) << (8 * half);
    }
    return (unsigned)__builtin_ctz(~digits | 0x10000u);
#endif
}

/* The value of the n digits at q, 1 <= n <= 8 (the eight bytes at q are inside the data). */
static inline uint64_t first_digits(const char *q, unsigned n)
{
    uint64_t word;
    memcpy(&word, q, 8);
    /* each digit's value in its byte, the n of them as the last of eight (zeros before them,
     * the bytes after them shifted out) */
    word = (word ^ 0x3030303030303030ULL) << (8 * (8 - n));
    word = word * 2561 >> 8;                                         /* pairs of digits */
    word = (word & 0x00ff00ff00ff00ffULL) * 6553601 >> 16;           /* fours */
    return (word & 0x0000ffff0000ffffULL) * 42949672960001ULL >> 32; /* eight */
}

/* The value of the n digits at q, 1 <= n <= 16. */
static inline uint64_t digits_value(const char *q, unsigned n)
{
    if (n <= 8)
        return first_digits(q, n);
    return first_digits(q, n - 8) * 100000000u + first_digits(q + n - 8, 8);
}

/* The first of the bytes at or after q that specials() marks, or NULL when none comes with 16
 * bytes of data at it; next_special_in: the caller knows the 16 bytes at q are data. */
static inline const char *next_special_in(const char *q, const char *end, int commas)
{
    for (;;) {
        unsigned m = specials(q, commas);
        if (m)
            return q + __builtin_ctz(m);
        q += 16;
        if (end - q < 16)
            return NULL;
    }
}

static inline const char *next_special(const char *q, const char *end, int commas)
{
    return end - q >= 16 ? next_special_in(q, end, commas) : NULL;
}

/* The row with columns of these kinds (ncols of them) and the BDC columns at col[]: the
 * header's order in general, or the FCC's as constants, which the compiler unrolls. */
static inline __attribute__((always_inline)) long
read_row(dti_coverage *cov, const dti_bdc_layout *layout, const unsigned char *kind,
         const unsigned char *need, int ncols, const int *col, char *p, const char *end,
         dti_field *f, dti_row_cache *cache, dti_parsed_row *row)
{
    uint64_t value[DTI_FAST_COLS];
    uint32_t escaped = 0; /* quoted fields holding "" */
    const int last = ncols - 1;
    char *q = p;
    long taken = 0;
#pragma GCC unroll 16
    for (int k = 0; k <= last; k++) {
        if (need[k] && end - q < need[k])
            return 0;
        char *s = q, *e; /* the field's text is [s, e); the byte at e ends it */
        unsigned n;
#if defined(__SSE2__)
        __m128i t;
#endif
        switch (kind[k]) {
        case KIND_TEXT:
        case KIND_PROVIDER:
            if (*q == '"') { /* quoted: up to the quote not doubled, on one line */
                s = q + 1;
                for (const char *at = s;;) {
                    if (!(at = next_special(at, end, 0)) || *at != '"' || end - at < 2)
                        return 0;
                    if (at[1] != '"') {
                        e = (char *)at;
                        break;
                    }
                    escaped |= 1u << k;
                    at += 2;
                }
                q = e + 1; /* the byte after the closing quote ends the field */
            } else {       /* the 16 bytes at q are data: checked above */
                if (!(e = (char *)next_special_in(q, end, 1)))
                    return 0;
                q = e;
            }
            if (kind[k] == KIND_PROVIDER && e == s)
                return 0; /* empty provider_id: a bad row */
            break;
        case KIND_SPEED:
            n = digit_run(q);
            e = q + n;
            if (n - 1 < 9 && *e != '.') { /* a whole number: as dti_parse_speed reads it */
                value[k] = digits_value(q, n) * (uint64_t)DTI_MICRO;
            } else {
                int64_t micro;
                if (!(e = (char *)next_special_in(q, end, 1)) || end - e < SLOW_SPEED_NEED ||
                    dti_parse_speed(q, (size_t)(e - q), &micro) != 0)
                    return 0;
                value[k] = (uint64_t)micro;
            }
            q = e;
            break;
        default: /* digits only, as many as the kind allows */
#if defined(__SSE2__)
            t = digit_values(q);
            n = digit_run_of(t);
#else
            n = digit_run(q);
#endif
            switch (kind[k]) {
            case KIND_LOCATION: /* a number unless it has a leading zero (then a name) */
                if (n - 1 >= 15 || (q[0] == '0' && n > 1))
                    return 0;
                break;
            case KIND_TECH:
                if (n - 1 >= 3)
                    return 0;
                break;
            case KIND_FLAG:
                if (n != 1 || q[0] > '1')
                    return 0;
                break;
            default: /* KIND_BLOCK */
                if (n != 15)
                    return 0;
            }
#if defined(__SSE2__)
            /* a GEOID's 15 digits and a location_id of 10 (the FCC's) as sixteen, a '0' before
             * them */
            if (kind[k] == KIND_BLOCK)
                value[k] = sixteen_digits(_mm_slli_si128(t, 1));
            else if (kind[k] == KIND_LOCATION && n == 10)
                value[k] = sixteen_digits(_mm_slli_si128(t, 6));
            else
#endif
                value[k] = digits_value(q, n);
            q = e = q + n;
        }
        if (kind[k] == KIND_TEXT || kind[k] == KIND_PROVIDER) /* the numbers are in value[] */
            f[k] = (dti_field){s, (size_t)(e - s)};
        if (k < last) {
            if (*q != ',')
                return 0;
            q++;
        } else if (*q == '\n') {
            taken = q + 1 - p;
        } else if (*q == '\r' && end - q >= 2 && q[1] == '\n') {
            taken = q + 2 - p;
        } else {
            return 0; /* more fields, a quote inside a field, a lone CR, ... */
        }
    }
    for (int k = 0; escaped; k++, escaped >>= 1)
        if (escaped & 1)
            f[k].len = dti_csv_unescape((char *)f[k].s, f[k].len);
    row->key = value[col[DTI_BDC_LOCATION]];
    row->geoid = value[col[DTI_BDC_BLOCK]];
    if (dti_bdc_finish_row_inline(cov, layout, f, cache, row, (int)value[col[DTI_BDC_TECHNOLOGY]],
                                  (int)value[col[DTI_BDC_LATENCY]],
                                  (int64_t)value[col[DTI_BDC_DOWN]],
                                  (int64_t)value[col[DTI_BDC_UP]]) != 0)
        return -1;
    return taken;
}

long dti_bdc_fast_row(dti_coverage *cov, const dti_bdc_layout *layout, const dti_bdc_fast *fast,
                      char *p, const char *end, dti_field *f, dti_row_cache *cache,
                      dti_parsed_row *row)
{
    if (fast->fcc)
        return read_row(cov, layout, fcc_kind, fcc_need, FCC_COLS, fcc_col, p, end, f, cache, row);
    return read_row(cov, layout, fast->kind, each_need, fast->ncols, layout->col, p, end, f, cache,
                    row);
}
