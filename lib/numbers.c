/* SPDX-License-Identifier: MIT */
/* Exact number parsing and printing: speeds in micro-Mbps, rounded ratios. */
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const int64_t pow10_table[] = {1,
                                      10,
                                      100,
                                      1000,
                                      10000,
                                      100000,
                                      1000000,
                                      10000000,
                                      100000000,
                                      1000000000,
                                      10000000000LL,
                                      100000000000LL,
                                      1000000000000LL,
                                      10000000000000LL,
                                      100000000000000LL,
                                      1000000000000000LL};

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

/* One more digit of dti_parse_double's mantissa: 1 when kept (at most 15 significant digits,
 * every one an exact double), else 0 with *exact = 0. */
static int add_digit(uint64_t *mantissa, char c, int *exact)
{
    if (*mantissa >= 100000000000000ULL) { /* a 16th significant digit */
        *exact = 0;
        return 0;
    }
    *mantissa = *mantissa * 10 + (uint64_t)(c - '0');
    return 1;
}

int dti_parse_double(const char *s, size_t len, double *value)
{
    size_t i = 0;
    int negative = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    uint64_t mantissa = 0;
    int digits = 0, decimals = 0, exact = 1;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
        add_digit(&mantissa, s[i], &exact);
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
            decimals += add_digit(&mantissa, s[i], &exact);
    if (digits == 0 || i != len)
        return -1;
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    if (exact && decimals < 16) { /* 10^decimals is an exact double too */
        double v = (double)mantissa / (double)pow10_table[decimals];
        *value = negative ? -v : v;
        return 0;
    }
#else
    (void)exact, (void)negative;
#endif
    char stack[64], *text = len < sizeof stack ? stack : malloc(len + 1);
    if (!text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    errno = 0;
    *value = strtod(text, NULL);
    int ok = errno == 0;
    if (text != stack)
        free(text);
    return ok ? 0 : -1;
}

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
