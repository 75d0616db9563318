/* SPDX-License-Identifier: MIT */
/* Money: one unit for prices, budgets and costs, its parser, formatter and checked sums. */
#ifndef DIALTONE_MONEY_H
#define DIALTONE_MONEY_H

#include "core.h"

/* ---- money: micro-dollars in int64 (money.c) ---- */
/* Every amount of money is a dti_money in micro-dollars (10^-6 USD): prices need the 6
 * decimals SPEC allows, and budgets and costs, whole cents, are a subset. int64 holds
 * $9.2 * 10^12, so budgets, costs and every sum or product of them stay at most
 * DTI_MONEY_MAX, and dti_money_add and dti_money_mul refuse a result past it. */
typedef int64_t dti_money;
#define DTI_MONEY_UNIT 1000000LL /* micro-dollars in a dollar */
#define DTI_MONEY_CENT 10000LL   /* micro-dollars in a cent */
/* The limits, in micro-dollars. */
#define DTI_MONEY_MAX (1000000000000LL * DTI_MONEY_UNIT)         /* $10^12: budgets, costs, sums */
#define DTI_COST_PER_LOCATION_MAX (100000000LL * DTI_MONEY_UNIT) /* $100,000,000 a location */
#define DTI_MAX_PRICE (1000000LL * DTI_MONEY_UNIT) /* a price or income above $1,000,000: bad */
/* How many decimals the callers accept: budgets and costs are dollars and cents, prices
 * (and incomes) have SPEC's 6. */
#define DTI_MONEY_CENTS 2
#define DTI_MONEY_PRICE_DECIMALS 6

/* Dollars as digits[.digits] (also ".5" and "5."), no sign, exponent, currency sign or
 * spaces, with at most `decimals` decimals (0 to 6: the caller's rule, never rounded) and at
 * most max: 0 ok, -1 not a number, -2 negative, -3 more decimals, -4 above max.
 * dti_money_error() words the code for budgets and costs (decimals DTI_MONEY_CENTS). */
int dti_money_parse(const char *s, size_t len, int decimals, dti_money max, dti_money *m);
const char *dti_money_error(int code);

/* m as dollars, rounded half up to the cent: "1234.56", and whole dollars as "1234" (plan
 * tables, budgets, costs) or with DTI_MONEY_2_DECIMALS as "1234.00" (prices). */
#define DTI_MONEY_2_DECIMALS 1
char *dti_money_format(char *buf, size_t size, dti_money m, int flags);
/* The same for m * num / den exactly (den > 0, num at most 1000), rounded once: a median of
 * two prices (num 1, den 2), a cost per household of tenths (num 10, den tenths). */
char *dti_money_format_scaled(char *buf, size_t size, dti_money m, uint64_t num, uint64_t den,
                              int flags);
/* m as dollars to the cent (rounded half up) in a double, for counts shown with thousands
 * separators (dti_format_number): exactly the double of cents / 100. */
double dti_money_dollars(dti_money m);

/* *sum = a + b; *product = a * n: 0 ok, or -1 (nothing written) when the result would be
 * above DTI_MONEY_MAX or below -DTI_MONEY_MAX (so never a wrapped number). */
static inline int dti_money_add(dti_money a, dti_money b, dti_money *sum)
{
    dti_money r;
    if (__builtin_add_overflow(a, b, &r) || r > DTI_MONEY_MAX || r < -DTI_MONEY_MAX)
        return -1;
    *sum = r;
    return 0;
}
static inline int dti_money_mul(dti_money a, uint64_t n, dti_money *product)
{
    dti_money r;
    if (__builtin_mul_overflow(a, n, &r) || r > DTI_MONEY_MAX || r < -DTI_MONEY_MAX)
        return -1;
    *product = r;
    return 0;
}

/* A budget as a person types it (plan and report --budget, run's budget key): dollars as
 * dti_money_parse reads them with DTI_MONEY_CENTS decimals up to DTI_MONEY_MAX, optionally
 * after a "$" and with commas between groups of three digits ("25,000,000.50"). Suffixes are
 * refused, never guessed at: "M" is a million to some and a thousand to others ("MM"). 0 ok,
 * else dti_money_parse's codes, -5 a suffix, -6 commas not between groups of three digits. */
int dti_parse_budget(const char *s, dti_money *budget);
/* The refusal of value given as what ("--budget", "budget ="), with the accepted spellings:
 * status with err naming file and line (NULL, 0 for the command line). */
dt_status dti_budget_refused(dt_error *err, dt_status status, const char *file, long line,
                             const char *what, const char *value, int code);

#endif
