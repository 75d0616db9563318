/* SPDX-License-Identifier: MIT */
/* Exact sums of many fractions, rounded half up only at the end (apportioned housing units). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * A sum is whole + sum over distinct denominators d of rem[d] / d, with
 * rem[d] < d: adding num/den moves num / den into whole and folds num % den
 * into rem[den]. Rounding needs the fractional part exactly, which can sit
 * exactly on a rounding boundary (1/60 + 2/60 = 0.05) where any fixed-point
 * sum may land on the wrong side; so it is computed as one fraction N / L
 * over the least common multiple L of the denominators, in a small bignum.
 * A region has few distinct denominators (residential locations per block),
 * so L stays a few words long.
 */
struct dti_fraction_sums {
    size_t count;
    uint64_t *whole;
    dti_u64map rems; /* which << 32 | den -> rem (< den) */
    /* after the first rounding: (den, rem) of each sum, grouped by which */
    int grouped;
    size_t *group_start;
    uint64_t *group_pairs; /* den << 32 | rem */
};

dti_fraction_sums *dti_fraction_sums_new(size_t count)
{
    dti_fraction_sums *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->count = count;
    s->whole = calloc(count ? count : 1, sizeof *s->whole);
    if (!s->whole || dti_u64map_init(&s->rems, count < 1024 ? 1024 : count) != 0) {
        free(s->whole);
        free(s);
        return NULL;
    }
    return s;
}

void dti_fraction_sums_free(dti_fraction_sums *s)
{
    if (!s)
        return;
    free(s->whole);
    dti_u64map_free(&s->rems);
    free(s->group_start);
    free(s->group_pairs);
    free(s);
}

int dti_fraction_sums_add(dti_fraction_sums *s, size_t which, uint64_t num, uint32_t den)
{
    s->grouped = 0;
    s->whole[which] += num / den;
    uint32_t rem = (uint32_t)(num % den);
    if (rem == 0 || den == 1)
        return 0;
    int inserted;
    uint32_t *slot = dti_u64map_put(&s->rems, (uint64_t)which << 32 | den, 0, &inserted);
    if (!slot)
        return -1;
    uint64_t sum = (uint64_t)*slot + rem;
    if (sum >= den) {
        sum -= den;
        s->whole[which]++;
    }
    *slot = (uint32_t)sum;
    return 0;
}

static int group(dti_fraction_sums *s)
{
    free(s->group_start);
    free(s->group_pairs);
    s->group_start = calloc(s->count + 2, sizeof *s->group_start);
    s->group_pairs = malloc((s->rems.count ? s->rems.count : 1) * sizeof *s->group_pairs);
    if (!s->group_start || !s->group_pairs)
        return -1;
    const dti_u64map *m = &s->rems;
    for (size_t i = 0; i <= m->mask; i++)
        if (m->slots[i].key != DTI_EMPTY_KEY)
            s->group_start[(m->slots[i].key >> 32) + 1]++;
    for (size_t w = 0; w < s->count; w++)
        s->group_start[w + 1] += s->group_start[w];
    size_t *fill = calloc(s->count ? s->count : 1, sizeof *fill);
    if (!fill)
        return -1;
    for (size_t i = 0; i <= m->mask; i++)
        if (m->slots[i].key != DTI_EMPTY_KEY) {
            size_t w = (size_t)(m->slots[i].key >> 32);
            s->group_pairs[s->group_start[w] + fill[w]++] =
                (m->slots[i].key & 0xffffffffu) << 32 | m->slots[i].value;
        }
    free(fill);
    s->grouped = 1;
    return 0;
}

/* ---- a minimal unsigned bignum: little-endian 32-bit limbs ---- */
typedef struct big {
    uint32_t *limb;
    size_t n, cap;
} big;

static int big_reserve(big *a, size_t n)
{
    return dti_grow(&a->limb, &a->cap, n, sizeof *a->limb, 4);
}

static int big_set(big *a, uint32_t v)
{
    if (big_reserve(a, 1))
        return -1;
    a->limb[0] = v;
    a->n = v ? 1 : 0;
    return 0;
}

/* out = a * m + add (out may be a) */
static int big_mul_add(big *out, const big *a, uint32_t m, uint32_t add)
{
    if (big_reserve(out, a->n + 1))
        return -1;
    uint64_t carry = add;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->limb[i] * m + carry;
        out->limb[i] = (uint32_t)t;
        carry = t >> 32;
    }
    size_t n = a->n;
    if (carry)
        out->limb[n++] = (uint32_t)carry;
    while (n && out->limb[n - 1] == 0)
        n--;
    out->n = n;
    return 0;
}

static int big_add(big *a, const big *b);

/* out = a * m for a 64-bit m (out is not a) */
static int big_mul_u64(big *out, const big *a, uint64_t m)
{
    big high = {0};
    int rc = big_mul_add(out, a, (uint32_t)m, 0) || big_mul_add(&high, a, (uint32_t)(m >> 32), 0);
    if (!rc && high.n) { /* out += high << 32 */
        rc = big_reserve(&high, high.n + 1);
        if (!rc) {
            memmove(high.limb + 1, high.limb, high.n * sizeof *high.limb);
            high.limb[0] = 0;
            high.n++;
            rc = big_add(out, &high);
        }
    }
    free(high.limb);
    return rc ? -1 : 0;
}

static int big_add(big *a, const big *b)
{
    size_t n = a->n > b->n ? a->n : b->n;
    if (big_reserve(a, n + 1))
        return -1;
    uint64_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = carry + (i < a->n ? a->limb[i] : 0) + (i < b->n ? b->limb[i] : 0);
        a->limb[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        a->limb[n++] = (uint32_t)carry;
    a->n = n;
    return 0;
}

/* a mod m, or (with quotient) a = a / m returning the remainder */
static uint32_t big_divmod(big *a, uint32_t m, int keep_quotient)
{
    uint64_t rem = 0;
    for (size_t i = a->n; i-- > 0;) {
        uint64_t t = rem << 32 | a->limb[i];
        if (keep_quotient)
            a->limb[i] = (uint32_t)(t / m);
        rem = t % m;
    }
    if (keep_quotient)
        while (a->n && a->limb[a->n - 1] == 0)
            a->n--;
    return (uint32_t)rem;
}

static int big_cmp(const big *a, const big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

/* a as a double scaled by 2^(-32 * shift): enough to estimate a ratio */
static double big_top(const big *a, size_t shift)
{
    double v = 0;
    for (size_t i = a->n; i-- > shift;)
        v = v * 4294967296.0 + a->limb[i];
    return v;
}

static uint32_t gcd32(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* floor((2 * scale * N + L) / (2 * L)) for the pairs' fraction N / L. */
static int round_fraction(const uint64_t *pairs, size_t count, uint32_t scale, uint64_t *q_out)
{
    big l = {0}, num = {0}, t = {0}, a = {0}, b = {0};
    int rc = -1;
    if (big_set(&l, 1) || big_set(&num, 0))
        goto done;
    for (size_t i = 0; i < count; i++) {
        uint32_t den = (uint32_t)(pairs[i] >> 32), rem = (uint32_t)pairs[i];
        uint32_t grow = den / gcd32(big_divmod(&l, den, 0), den);
        if (grow > 1 && (big_mul_add(&l, &l, grow, 0) || big_mul_add(&num, &num, grow, 0)))
            goto done;
        /* num += rem * (L / den) */
        if (big_mul_add(&t, &l, 1, 0))
            goto done;
        big_divmod(&t, den, 1);
        if (big_mul_add(&t, &t, rem, 0) || big_add(&num, &t))
            goto done;
    }
    /* a = 2 * scale * num + l, b = 2 * l; the quotient is small (< 2 * scale * count + 1) */
    if (big_mul_add(&a, &num, 2 * scale, 0) || big_add(&a, &l) || big_mul_add(&b, &l, 2, 0))
        goto done;
    size_t shift = b.n > 2 ? b.n - 2 : 0;
    double estimate = floor(big_top(&a, shift) / big_top(&b, shift));
    uint64_t q = estimate > 0 ? (uint64_t)estimate : 0;
    /* the estimate is off by at most one or two: step to the exact floor */
    for (;;) {
        if (big_mul_u64(&t, &b, q))
            goto done;
        if (q == 0 || big_cmp(&t, &a) <= 0)
            break;
        q--;
    }
    for (;;) {
        if (big_mul_u64(&t, &b, q + 1))
            goto done;
        if (big_cmp(&t, &a) > 0)
            break;
        q++;
    }
    *q_out = q;
    rc = 0;
done:
    free(l.limb);
    free(num.limb);
    free(t.limb);
    free(a.limb);
    free(b.limb);
    return rc;
}

int dti_fraction_sums_round(dti_fraction_sums *s, size_t which, int decimals, uint64_t *scaled)
{
    uint32_t scale = 1;
    for (int d = 0; d < decimals; d++)
        scale *= 10;
    if (!s->grouped && group(s) != 0)
        return -1;
    size_t first = s->group_start[which], count = s->group_start[which + 1] - first;
    uint64_t fraction = 0;
    if (count && round_fraction(s->group_pairs + first, count, scale, &fraction) != 0)
        return -1;
    *scaled = s->whole[which] * scale + fraction;
    return 0;
}
