/* SPDX-License-Identifier: MIT */
/* Unit tests of exact speed parsing, decimal printing, rounding and medians. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

static int64_t speed(const char *text)
{
    int64_t v = -1;
    if (dti_parse_speed(text, strlen(text), &v) != 0)
        return -1;
    return v;
}

/* dti_parse_speed reads whole numbers of up to 9 digits itself and hands the rest to
 * dti_parse_micro: on every string of up to 11 bytes over a small alphabet (all the lengths
 * around the 9-digit cut), both must give the same answer. */
static void test_speed_paths(void)
{
    static const char alphabet[] = "0159.a";
    uint64_t state = 12345;
    int disagree = 0, fast = 0;
    for (int i = 0; i < 200000; i++) {
        char s[16];
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t len = (size_t)(state >> 60) % 12;
        uint64_t r = state;
        for (size_t k = 0; k < len; k++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            /* mostly digits, so that long whole numbers come up */
            int pick = (int)(r >> 59) % 8;
            s[k] = pick < 6 ? (char)('0' + (int)((r >> 40) % 10)) : alphabet[4 + pick % 2];
        }
        int64_t a = -7, b = -7;
        int ra = dti_parse_speed(s, len, &a);
        int rb = dti_parse_micro(s, len, DTI_MAX_SPEED_MBPS * DTI_MICRO, &b);
        fast += ra == 0 && len >= 1 && len <= 9 && !memchr(s, '.', len);
        if (ra != rb || (ra == 0 && a != b))
            disagree++;
    }
    CHECK_INT(disagree, 0);
    CHECK(fast > 10000); /* the fast path was taken often */
    int64_t v;
    CHECK(dti_parse_speed("999999999", 9, &v) == 0 && v == 999999999LL * DTI_MICRO);
    CHECK(dti_parse_speed("1000000001", 10, &v) != 0);
}

/* dti_parse_double against strtod, bit for bit, on decimals of every length around the fast
 * path's 15 digits (TIGER's '+38.1234567' and '-098.7654321' among them), and its refusals. */
static void test_parse_double(void)
{
    uint64_t state = 777;
    int differ = 0;
    for (int i = 0; i < 300000; i++) {
        char s[64];
        size_t n = 0;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = state;
        int sign = (int)(r >> 62);
        if (sign == 1)
            s[n++] = '+';
        else if (sign == 2)
            s[n++] = '-';
        int whole = (int)((r >> 40) % 21), frac = (int)((r >> 20) % 21), point = (r >> 10) & 1;
        for (int k = 0; k < whole; k++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            s[n++] = (char)('0' + (int)((r >> 33) % 10));
        }
        if (point || frac) {
            s[n++] = '.';
            for (int k = 0; k < frac; k++) {
                r = r * 6364136223846793005ULL + 1442695040888963407ULL;
                s[n++] = (char)('0' + (int)((r >> 33) % 10));
            }
        }
        s[n] = '\0';
        double got = -1, want;
        int rc = dti_parse_double(s, n, &got);
        int digits = whole + frac;
        if (digits == 0) {
            differ += rc == 0; /* no digit: refused */
            continue;
        }
        want = strtod(s, NULL);
        if (rc != 0 || memcmp(&got, &want, sizeof got) != 0)
            differ++;
    }
    CHECK_INT(differ, 0);
    double v;
    CHECK(dti_parse_double("+38.1234567", 11, &v) == 0 && v == strtod("+38.1234567", NULL));
    CHECK(dti_parse_double("-098.7654321", 12, &v) == 0 && v == strtod("-098.7654321", NULL));
    CHECK(dti_parse_double("-0", 2, &v) == 0 && v == 0 && signbit(v));
    CHECK(dti_parse_double("1e5", 3, &v) != 0);
    CHECK(dti_parse_double(" 1", 2, &v) != 0);
    CHECK(dti_parse_double("1.2.3", 5, &v) != 0);
    CHECK(dti_parse_double("+", 1, &v) != 0);
    CHECK(dti_parse_double(".", 1, &v) != 0);
    CHECK(dti_parse_double("", 0, &v) != 0);
    CHECK(dti_parse_double("0x10", 4, &v) != 0);
    CHECK(dti_parse_double("nan", 3, &v) != 0);
    CHECK(dti_parse_double("12\0", 3, &v) != 0);
}

int main(void)
{
    char buf[64];
    test_speed_paths();
    test_parse_double();
    CHECK_INT(speed("100"), 100000000);
    CHECK_INT(speed("0.768"), 768000);
    CHECK_INT(speed(".5"), 500000);
    CHECK_INT(speed("7."), 7000000);
    CHECK_INT(speed("0"), 0);
    CHECK_INT(speed("99.999"), 99999000);
    CHECK_INT(speed("0.000001"), 1);
    CHECK_INT(speed("99.999999"), 99999999);
    CHECK_INT(speed("007.50"), 7500000); /* leading and trailing zeros are fine */
    CHECK_INT(speed("1000000000"), 1000000000LL * DTI_MICRO);
    /* SPEC: digits[.digits], at most 6 decimals, nothing else: a bad row, never rounded */
    CHECK_INT(speed("1.23456789"), -1);
    CHECK_INT(speed("1.0000000"), -1);
    CHECK_INT(speed("1e2"), -1);
    CHECK_INT(speed("1E2"), -1);
    CHECK_INT(speed("5e1"), -1);
    CHECK_INT(speed("+5"), -1);
    CHECK_INT(speed("5 "), -1);
    CHECK_INT(speed("1.2.3"), -1);
    CHECK_INT(speed("1000000000.000001"), -1);
    CHECK_INT(speed("99999999999999999999"), -1);
    CHECK_INT(speed("Infinity"), -1);
    CHECK_INT(speed(""), -1);
    CHECK_INT(speed("."), -1);
    CHECK_INT(speed("fast"), -1);
    CHECK_INT(speed("-1"), -1);
    CHECK_INT(speed("12abc"), -1);
    CHECK_INT(speed("nan"), -1);
    CHECK_INT(speed("inf"), -1);
    CHECK_INT(speed("0x10"), -1);
    CHECK_INT(speed(" 5"), -1);

    /* a NUL byte inside the field is not the end of the number */
    int64_t v;
    CHECK(dti_parse_speed("10\0", 3, &v) != 0);

    /* thresholds: two speeds, both above 0 */
    int64_t down = -1, up = -1;
    CHECK(dti_parse_threshold("100/20", &down, &up) == 0 && down == 100000000 && up == 20000000);
    CHECK(dti_parse_threshold("0.000001/.5", &down, &up) == 0 && down == 1 && up == 500000);
    CHECK(dti_parse_threshold("0/0", &down, &up) != 0);
    CHECK(dti_parse_threshold("100/0", &down, &up) != 0);
    CHECK(dti_parse_threshold("1e2/20", &down, &up) != 0);
    CHECK(dti_parse_threshold("100/20.0000001", &down, &up) != 0);
    CHECK(dti_parse_threshold("100 /20", &down, &up) != 0);
    CHECK(dti_parse_threshold("100", &down, &up) != 0);
    CHECK(dti_parse_threshold("100/20/3", &down, &up) != 0);
    dti_rules rules;
    dti_rules_default(&rules);
    dt_error err;
    CHECK_INT(dti_thresholds_check(&rules, DT_ERR_USAGE, NULL, 0, &err), DT_OK);
    rules.underserved_down = rules.served_down; /* equal is allowed */
    CHECK_INT(dti_thresholds_check(&rules, DT_ERR_USAGE, NULL, 0, &err), DT_OK);
    rules.underserved_up = rules.served_up + 1;
    CHECK_INT(dti_thresholds_check(&rules, DT_ERR_USAGE, NULL, 0, &err), DT_ERR_USAGE);
    CHECK_STR(err.message, "the underserved threshold 100/20.000001 exceeds the served threshold "
                           "100/20 in upload: underserved must not exceed served in either "
                           "component");

    uint64_t u;
    CHECK(dti_parse_u64("080010001001001", 15, &u) == 0 && u == 80010001001001ULL);
    CHECK(dti_parse_u64("08001000100100A", 15, &u) != 0);
    CHECK(dti_parse_u64("", 0, &u) != 0);
    /* every length 1..18 (the 8-digit words and the head before them), a non-digit at every
     * place, and bytes just outside '0'..'9' ('/' and ':'), against digit-by-digit arithmetic;
     * the digits sit at the end of a buffer, so a read past them would show under ASan */
    {
        char *digits = malloc(18);
        unsigned seed = 7;
        int wrong = 0;
        for (int round = 0; round < 20000; round++) {
            size_t len = 1 + (size_t)(round % 18);
            char *s = digits + 18 - len;
            uint64_t want = 0, got = 0;
            for (size_t i = 0; i < len; i++) {
                s[i] = (char)('0' + rand_r(&seed) % 10);
                want = want * 10 + (uint64_t)(s[i] - '0');
            }
            int bad = round % 3 == 0;
            if (bad)
                s[rand_r(&seed) % len] = "/:a\x80 .-\0"[rand_r(&seed) % 8];
            int rc = dti_parse_u64(s, len, &got);
            if (bad ? rc == 0 : rc != 0 || got != want)
                wrong++;
        }
        CHECK_INT(wrong, 0);
        memcpy(digits, "999999999999999999", 18);
        CHECK(dti_parse_u64(digits, 18, &u) == 0 && u == 999999999999999999ULL);
        CHECK(dti_parse_u64("1234567890123456789", 19, &u) != 0);
        free(digits);
    }

    CHECK_STR(dti_format_fixed(buf, sizeof buf, 100000000, 6), "100");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, 768000, 6), "0.768");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, 0, 6), "0");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, 1, 6), "0.000001");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, 99999999, 6), "99.999999");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, 375000000, 7), "37.5");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, 1, 7), "0.0000001");
    CHECK_STR(dti_format_fixed(buf, sizeof buf, -1500000, 6), "-1.5");

    /* round half up, exactly: SPEC's floor((20000u + L) / 2L) / 100 */
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 100 * 1, 3, 2), "33.33");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 100 * 2, 3, 2), "66.67");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 100 * 1, 8, 2), "12.50");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 100 * 1, 800, 2), "0.13"); /* 0.125 -> up */
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 100 * 7, 7, 2), "100.00");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 0, 7, 2), "0.00");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 1, 32, 4), "0.0313"); /* 0.03125 -> up */
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 1, 3, 4), "0.3333");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 3, 3, 4), "1.0000");
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 1, 20000, 4), "0.0001"); /* 0.00005 -> up */
    CHECK_STR(dti_format_ratio(buf, sizeof buf, 1, 20001, 4), "0.0000");

    /* medians, doubled: odd, even (mean of the middle two), zeros included */
    int64_t odd[] = {5, 1, 3};
    CHECK_INT(dti_median_x2(odd, 3), 6);
    int64_t even[] = {200, 0, 100, 0};
    CHECK_INT(dti_median_x2(even, 4), 100); /* (0 + 100) / 2 = 50 */
    int64_t same[] = {7, 7, 7, 7, 7, 7};
    CHECK_INT(dti_median_x2(same, 6), 14);
    int64_t one[] = {42};
    CHECK_INT(dti_median_x2(one, 1), 84);
    CHECK_INT(dti_median_x2(NULL, 0), 0);
    /* a larger vector against a sorted check: values i*7 mod 101, n = 1000 */
    int64_t big[1000], sorted[1000];
    for (int i = 0; i < 1000; i++)
        big[i] = (i * 7919) % 1009;
    memcpy(sorted, big, sizeof big);
    for (int i = 1; i < 1000; i++) /* insertion sort: the second method */
        for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
            int64_t t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    CHECK_INT(dti_median_x2(big, 1000), sorted[499] + sorted[500]);
    return dt_unit_report("numbers");
}
