/* SPDX-License-Identifier: MIT */
/* Exact number parsing and printing: speeds in micro-Mbps, rounded ratios. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Speeds above this many Mbps are treated as bad input (and keep int64 safe). */
#define MAX_SPEED_MBPS 1000000000LL

static const int64_t pow10_table[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000LL};

int dti_parse_micro(const char *s, size_t len, int64_t max, int64_t *micro)
{
    int64_t whole = 0, frac = 0, max_whole = max / DTI_MICRO;
    size_t i = 0, int_digits = 0, frac_digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, int_digits++) {
        whole = whole * 10 + (s[i] - '0');
        if (whole > max_whole) /* also keeps the next digit from overflowing */
            return -1;
    }
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++) {
            if (frac_digits == 6) /* exact or nothing: a 7th decimal is never dropped */
                return -1;
            frac = frac * 10 + (s[i] - '0');
        }
    if (i != len || int_digits + frac_digits == 0)
        return -1;
    frac *= pow10_table[6 - frac_digits];
    if (whole * DTI_MICRO + frac > max)
        return -1;
    *micro = whole * DTI_MICRO + frac;
    return 0;
}

int dti_parse_speed(const char *s, size_t len, int64_t *micro)
{
    return dti_parse_micro(s, len, MAX_SPEED_MBPS * DTI_MICRO, micro);
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The value of eight ASCII digits (the first in the lowest byte), or -1 when
 * one of them is not a digit: all eight at once (SWAR). */
static inline int64_t eight_digits(uint64_t word)
{
    /* each byte 0x30..0x39: its high nibble 3, and adding 6 leaves it 3 */
    if (((word & 0xf0f0f0f0f0f0f0f0ULL) |
         (((word + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) >> 4)) != 0x3333333333333333ULL)
        return -1;
    word = (word & 0x0f0f0f0f0f0f0f0fULL) * 2561 >> 8;     /* pairs of digits */
    word = (word & 0x00ff00ff00ff00ffULL) * 6553601 >> 16; /* fours */
    return (int64_t)((word & 0x0000ffff0000ffffULL) * 42949672960001ULL >> 32); /* eight */
}

int dti_parse_u64(const char *s, size_t len, uint64_t *value)
{
    if (len == 0 || len > 18)
        return -1;
    uint64_t v = 0;
    size_t i = 0;
    if (len >= 8) {
        /* the first len % 8 digits as the last ones of eight ('0' before them),
         * then eight at a time: every load inside s[0, len) */
        size_t head = len % 8;
        uint64_t word;
        if (head) {
            memcpy(&word, s, 8);
            word = word << (8 * (8 - head)) | (0x3030303030303030ULL >> (8 * head));
            int64_t part = eight_digits(word);
            if (part < 0)
                return -1;
            v = (uint64_t)part;
            i = head;
        }
        for (; i < len; i += 8) {
            memcpy(&word, s + i, 8);
            int64_t part = eight_digits(word);
            if (part < 0)
                return -1;
            v = v * 100000000u + (uint64_t)part;
        }
        *value = v;
        return 0;
    }
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *value = v;
    return 0;
}
#else
int dti_parse_u64(const char *s, size_t len, uint64_t *value)
{
    if (len == 0 || len > 18)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *value = v;
    return 0;
}
#endif

char *dti_format_fixed(char *buf, size_t size, int64_t value, int scale)
{
    const char *sign = value < 0 ? "-" : "";
    uint64_t v = value < 0 ? (uint64_t)(-(value + 1)) + 1 : (uint64_t)value;
    uint64_t p = (uint64_t)pow10_table[scale];
    uint64_t whole = v / p, frac = v % p;
    if (frac == 0) {
        snprintf(buf, size, "%s%llu", sign, (unsigned long long)whole);
        return buf;
    }
    int digits = scale;
    while (frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    snprintf(buf, size, "%s%llu.%0*llu", sign, (unsigned long long)whole, digits,
             (unsigned long long)frac);
    return buf;
}

char *dti_format_ratio(char *buf, size_t size, uint64_t num, uint64_t den, int decimals)
{
    if (den == 0) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    uint64_t p = (uint64_t)pow10_table[decimals];
    uint64_t q = (2 * p * num + den) / (2 * den);
    snprintf(buf, size, "%llu.%0*llu", (unsigned long long)(q / p), decimals,
             (unsigned long long)(q % p));
    return buf;
}

int dti_parse_threshold(const char *text, int64_t *down, int64_t *up)
{
    const char *slash = strchr(text, '/');
    int64_t d, u;
    if (!slash || dti_parse_speed(text, (size_t)(slash - text), &d) != 0 ||
        dti_parse_speed(slash + 1, strlen(slash + 1), &u) != 0 || d <= 0 || u <= 0)
        return -1;
    *down = d;
    *up = u;
    return 0;
}

dt_status dti_thresholds_check(const dti_rules *rules, dt_status status, const char *file,
                               long line, dt_error *err)
{
    if (rules->underserved_down <= rules->served_down && rules->underserved_up <= rules->served_up)
        return DT_OK;
    char sd[32], su[32], ud[32], uu[32];
    return dti_error_set(
        err, status, file, line,
        "the underserved threshold %s/%s exceeds the served threshold %s/%s in %s: underserved "
        "must not exceed served in either component",
        dti_format_fixed(ud, sizeof ud, rules->underserved_down, 6),
        dti_format_fixed(uu, sizeof uu, rules->underserved_up, 6),
        dti_format_fixed(sd, sizeof sd, rules->served_down, 6),
        dti_format_fixed(su, sizeof su, rules->served_up, 6),
        rules->underserved_down > rules->served_down ? "download" : "upload");
}

const char *dti_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
