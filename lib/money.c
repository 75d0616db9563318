/* SPDX-License-Identifier: MIT */
/* Money in micro-dollars: the one parser (prices, budgets, costs), formatter and budget spellings.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

int dti_money_parse(const char *s, size_t len, int decimals, dti_money max, dti_money *m)
{
    int64_t whole = 0, frac = 0, max_whole = max / DTI_MONEY_UNIT;
    size_t i = 0, int_digits = 0, frac_digits = 0;
    if (len > 0 && s[0] == '-')
        return -2;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, int_digits++)
        if (whole <= max_whole) /* past it, too large: stop before whole * 10 could overflow */
            whole = whole * 10 + (s[i] - '0');
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac_digits++)
            if (frac_digits < 6)
                frac = frac * 10 + (s[i] - '0');
    if (i != len || int_digits + frac_digits == 0)
        return -1;
    if (frac_digits > (size_t)(decimals < 6 ? decimals : 6)) /* never rounded: refused */
        return -3;
    for (size_t k = frac_digits; k < 6; k++)
        frac *= 10;
    if (whole > max_whole || frac > max - whole * DTI_MONEY_UNIT)
        return -4;
    *m = whole * DTI_MONEY_UNIT + frac;
    return 0;
}

const char *dti_money_error(int code)
{
    switch (code) {
    case -2: return "negative";
    case -3: return "more than 2 decimals (cents)";
    case -4: return "above the limit of $1,000,000,000,000 (10^12)";
    default: return "not a number";
    }
}

/* |m| * num / den in cents, rounded half up, exactly (|m| * num fits 128 bits). */
static uint64_t cents_of(dti_money m, uint64_t num, uint64_t den)
{
    dti_u128 magnitude = m < 0 ? -(uint64_t)m : (uint64_t)m;
    dti_u128 unit = (dti_u128)den * DTI_MONEY_CENT; /* even: half of it is exact */
    return (uint64_t)((magnitude * num + unit / 2) / unit);
}

char *dti_money_format_scaled(char *buf, size_t size, dti_money m, uint64_t num, uint64_t den,
                              int flags)
{
    uint64_t cents = cents_of(m, num, den);
    const char *sign = m < 0 && cents ? "-" : "";
    if (cents % 100 == 0 && !(flags & DTI_MONEY_2_DECIMALS))
        snprintf(buf, size, "%s%llu", sign, (unsigned long long)(cents / 100));
    else
        snprintf(buf, size, "%s%llu.%02llu", sign, (unsigned long long)(cents / 100),
                 (unsigned long long)(cents % 100));
    return buf;
}

char *dti_money_format(char *buf, size_t size, dti_money m, int flags)
{
    return dti_money_format_scaled(buf, size, m, 1, 1, flags);
}

double dti_money_dollars(dti_money m)
{
    double cents = (double)cents_of(m, 1, 1);
    return (m < 0 ? -cents : cents) / 100;
}

int dti_parse_budget(const char *s, dti_money *budget)
{
    char plain[64];
    size_t n = 0;
    const char *p = s + (s[0] == '$');
    size_t digits = strspn(p, "0123456789"); /* the first group */
    int grouped = p[digits] == ',';
    if (grouped && (digits == 0 || digits > 3))
        return -6;
    for (; *p && n + 1 < sizeof plain; p++) {
        if (*p == ',') {
            if (strspn(p + 1, "0123456789") != 3 || (p[4] && p[4] != ',' && p[4] != '.'))
                return strchr(".0123456789", p[1]) ? -6 : -1;
            continue;
        }
        if (*p == '.' && strchr(p, ','))
            return -6; /* a comma after the point: 1.000,50 is not read */
        plain[n++] = *p;
    }
    if (*p)
        return -4; /* longer than any budget below DTI_MONEY_MAX */
    plain[n] = '\0';
    size_t number = strspn(plain, "0123456789.");
    if (number > 0 && plain[number] && strchr("kKmMbBtT", plain[number]))
        return -5;
    return dti_money_parse(plain, n, DTI_MONEY_CENTS, DTI_MONEY_MAX, budget);
}

dt_status dti_budget_refused(dt_error *err, dt_status status, const char *file, long line,
                             const char *what, const char *value, int code)
{
    const char *why = code == -5   ? "a suffix (k, M, B) is not read, because M is a million to "
                                     "some and a thousand to others (MM)"
                      : code == -6 ? "commas go between groups of three digits"
                                   : dti_money_error(code);
    return dti_error_set(err, status, file, line,
                         "%s %s: %s; write dollars of at least 0 as 25000000, 25,000,000, "
                         "$25,000,000 or 25000000.50",
                         what, value, why);
}
