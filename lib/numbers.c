/* Exact number parsing and printing: speeds in micro-Mbps, rounded ratios. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Speeds above this many Mbps are treated as bad input (and keep int64 safe). */
#define MAX_SPEED_MBPS 1000000000LL

static int parse_speed_slow(const char *s, size_t len, int64_t *micro)
{
    char buf[64];
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strpbrk(buf, "xXnN \t")) /* no hex, inf, nan or padding */
        return -1;
    char *end;
    double x = strtod(buf, &end);
    if (end == buf || *end != '\0' || !isfinite(x) || x < 0 || x > (double)MAX_SPEED_MBPS)
        return -1;
    *micro = (int64_t)floor(x * 1e6 + 1e-7);
    return 0;
}

int dti_parse_speed(const char *s, size_t len, int64_t *micro)
{
    int64_t whole = 0, frac = 0;
    size_t i = 0, int_digits = 0, frac_digits = 0, kept = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, int_digits++) {
        if (int_digits == 10)
            return parse_speed_slow(s, len, micro);
        whole = whole * 10 + (s[i] - '0');
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++) {
            if (kept < 6) { /* digits past the 6th are truncated (see DTI_MICRO) */
                frac = frac * 10 + (s[i] - '0');
                kept++;
            }
        }
    }
    if (i != len)
        return parse_speed_slow(s, len, micro);
    if (int_digits + frac_digits == 0 || whole > MAX_SPEED_MBPS)
        return -1;
    for (; kept < 6; kept++)
        frac *= 10;
    *micro = whole * DTI_MICRO + frac;
    return 0;
}

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

static const int64_t pow10_table[] = {1,         10,         100,         1000,
                                      10000,     100000,     1000000,     10000000,
                                      100000000, 1000000000, 10000000000LL};

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
    if (!slash)
        return -1;
    if (dti_parse_speed(text, (size_t)(slash - text), down) != 0)
        return -1;
    return dti_parse_speed(slash + 1, strlen(slash + 1), up);
}
