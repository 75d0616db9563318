/* SPDX-License-Identifier: MIT */
/* Unit tests of the BEAD classifier on hand-made rows (every trap in SPEC.md). */
#include <string.h>

#include "internal.h"
#include "unit.h"

typedef struct row {
    int technology;
    const char *down, *up;
    int low_latency;
} row;

/* Fold rows into one location with the reader's own code (dti_row_reduce, then
 * dti_location_fold_row, as dti_bdc_parse_row and dti_coverage_apply do). */
static dti_location fold(const dti_rules *rules, const row *rows, int n)
{
    dti_location loc;
    memset(&loc, 0, sizeof loc);
    for (int i = 0; i < n; i++) {
        int64_t down, up;
        CHECK(dti_parse_speed(rows[i].down, strlen(rows[i].down), &down) == 0);
        CHECK(dti_parse_speed(rows[i].up, strlen(rows[i].up), &up) == 0);
        dti_parsed_row parsed;
        memset(&parsed, 0, sizeof parsed);
        dti_row_reduce(&parsed, rules, NULL, rows[i].technology, rows[i].low_latency, down, up);
        dti_location_fold_row(&loc, &parsed);
    }
    return loc;
}

static dti_class classify(const dti_rules *rules, const row *rows, int n)
{
    return dti_class_of(fold(rules, rows, n).flags);
}

#define N(a) ((int)(sizeof(a) / sizeof *(a)))

int main(void)
{
    dti_rules rules, ulfw;
    dti_rules_default(&rules);
    dti_rules_default(&ulfw);
    ulfw.ulfw = 1;

    /* download met by one row, upload by another: not served, only 25/3 */
    row split[] = {{50, "1000", "10", 1}, {40, "50", "35", 1}};
    CHECK_INT(classify(&rules, split, N(split)), DTI_UNDERSERVED);
    dti_location s = fold(&rules, split, N(split));
    CHECK_INT(s.best_down,
              1000 * DTI_MICRO); /* best_down and best_up may come from different rows */
    CHECK_INT(s.best_up, 35 * DTI_MICRO);
    CHECK(!(s.flags & (1u << 3))); /* no 100/20 tier */

    /* split below 25/3 too: 30/1 and 5/5 -> unserved */
    row split2[] = {{10, "30", "1", 1}, {10, "5", "5", 1}};
    CHECK_INT(classify(&rules, split2, N(split2)), DTI_UNSERVED);

    /* low_latency 0 never counts, however fast */
    row slow_latency[] = {{50, "1000", "1000", 0}};
    CHECK_INT(classify(&rules, slow_latency, 1), DTI_UNSERVED);
    CHECK_INT(fold(&rules, slow_latency, 1).best_down, 0);

    /* satellite at 100/20 with low latency 1: never reliable */
    row gso[] = {{60, "100", "20", 1}}, ngso[] = {{61, "250", "25", 1}};
    CHECK_INT(classify(&rules, gso, 1), DTI_UNSERVED);
    CHECK_INT(classify(&rules, ngso, 1), DTI_UNSERVED);
    CHECK_INT(classify(&ulfw, ngso, 1), DTI_UNSERVED);

    /* technology 0 (other) at 25/3: never reliable */
    row other[] = {{0, "25", "3", 1}};
    CHECK_INT(classify(&rules, other, 1), DTI_UNSERVED);

    /* exact boundaries are inclusive */
    row at_served[] = {{40, "100", "20", 1}}, at_under[] = {{10, "25", "3", 1}};
    CHECK_INT(classify(&rules, at_served, 1), DTI_SERVED);
    CHECK_INT(classify(&rules, at_under, 1), DTI_UNDERSERVED);
    row below_down[] = {{40, "99.999", "20", 1}}, below_up[] = {{40, "100", "19.999", 1}};
    CHECK_INT(classify(&rules, below_down, 1), DTI_UNDERSERVED);
    CHECK_INT(classify(&rules, below_up, 1), DTI_UNDERSERVED);
    row below_under[] = {{10, "24.999", "3", 1}, {10, "25", "2.999", 1}};
    CHECK_INT(classify(&rules, below_under, 2), DTI_UNSERVED);

    /* fractional speeds: 0.768/0.2 meets only the 0.2/0.2 tier */
    row dsl[] = {{10, "0.768", "0.2", 1}};
    dti_location d = fold(&rules, dsl, 1);
    CHECK_INT(d.best_down, 768000);
    CHECK_INT(d.best_up, 200000);
    CHECK_INT(d.flags, 1u); /* tier 0.2/0.2 only */
    row dsl2[] = {{10, "0.768", "0.19", 1}};
    CHECK_INT(fold(&rules, dsl2, 1).flags, 0);

    /* unlicensed fixed wireless counts only with --ulfw */
    row fw[] = {{70, "100", "20", 1}};
    CHECK_INT(classify(&rules, fw, 1), DTI_UNSERVED);
    CHECK_INT(classify(&ulfw, fw, 1), DTI_SERVED);
    CHECK_INT(fold(&rules, fw, 1).best_down, 0);
    CHECK_INT(fold(&ulfw, fw, 1).best_down, 100 * DTI_MICRO);

    /* every reliable technology code */
    int reliable[] = {10, 40, 50, 71, 72};
    for (int i = 0; i < N(reliable); i++) {
        row r[] = {{reliable[i], "100", "20", 1}};
        CHECK_INT(classify(&rules, r, 1), DTI_SERVED);
    }
    int never[] = {0, 60, 61, 70, 99};
    for (int i = 0; i < N(never); i++)
        CHECK(!dti_is_reliable(&rules, never[i], 1));

    /* the reader's table of reliable technologies is the rule above and dti_tech_bit in one,
     * for every code a row can hold (the fast reader reads up to three digits) and every
     * low_latency, with and without --ulfw */
    for (int u = 0; u < 2; u++) {
        const dti_rules *r = u ? &ulfw : &rules;
        int mismatches = 0;
        for (int tech = -3; tech <= 1000; tech++)
            for (int lat = -1; lat <= 2; lat++)
                mismatches += dti_reliable_tech_bit(r, tech, lat) !=
                              (dti_is_reliable(r, tech, lat) ? dti_tech_bit(tech) : 0u);
        CHECK_INT(mismatches, 0);
    }
    CHECK_INT(dti_reliable_tech_bit(&rules, 50, 1), 1u);
    CHECK_INT(dti_reliable_tech_bit(&rules, 70, 1), 0);
    CHECK_INT(dti_reliable_tech_bit(&ulfw, 70, 1), 1u << 5);
    CHECK_INT(dti_reliable_tech_bit(&rules, 50 + 128, 1), 0); /* not 50 by a wrapped index */

    /* a row's flags, against the thresholds written out: every pair of speeds at, just below
     * and just above each threshold's components, under the default and other rules */
    {
        static const int64_t tiers[][2] = {{200000, 200000},
                                           {10 * DTI_MICRO, 1 * DTI_MICRO},
                                           {25 * DTI_MICRO, 3 * DTI_MICRO},
                                           {100 * DTI_MICRO, 20 * DTI_MICRO},
                                           {250 * DTI_MICRO, 25 * DTI_MICRO},
                                           {1000 * DTI_MICRO, 100 * DTI_MICRO}};
        dti_rules other_rules;
        dti_rules_default(&other_rules);
        other_rules.served_down = 50 * DTI_MICRO, other_rules.served_up = 10 * DTI_MICRO;
        other_rules.underserved_down = 10 * DTI_MICRO, other_rules.underserved_up = 1;
        int64_t speeds[64];
        int nspeeds = 0;
        speeds[nspeeds++] = 0;
        speeds[nspeeds++] = INT64_MAX;
        for (int t = 0; t < 6; t++)
            for (int c = 0; c < 2; c++)
                for (int64_t delta = -1; delta <= 1; delta++)
                    speeds[nspeeds++] = tiers[t][c] + delta;
        int mismatches = 0;
        for (int which = 0; which < 2; which++) {
            const dti_rules *r = which ? &other_rules : &rules;
            for (int i = 0; i < nspeeds; i++)
                for (int j = 0; j < nspeeds; j++) {
                    int64_t down = speeds[i], up = speeds[j];
                    unsigned want = 0;
                    for (int t = 0; t < 6; t++)
                        if (down >= tiers[t][0] && up >= tiers[t][1])
                            want |= 1u << t;
                    if (down >= r->served_down && up >= r->served_up)
                        want |= DTI_FLAG_SERVED;
                    if (down >= r->underserved_down && up >= r->underserved_up)
                        want |= DTI_FLAG_UNDERSERVED;
                    mismatches += dti_row_flags(r, down, up) != want;
                }
        }
        CHECK_INT(mismatches, 0);
        CHECK_INT(dti_row_flags(&rules, 100 * DTI_MICRO, 20 * DTI_MICRO),
                  0xf | DTI_FLAG_SERVED | DTI_FLAG_UNDERSERVED);

        /* the reader's memo of the flags gives dti_row_flags's for every pair, however the
         * pairs share its slots: the pairs above in order, then 200,000 drawn from them and
         * from arbitrary speeds, under both rules */
        for (int which = 0; which < 2; which++) {
            const dti_rules *r = which ? &other_rules : &rules;
            dti_flags_cache memo;
            dti_flags_cache_init(&memo, r);
            mismatches = 0;
            for (int i = 0; i < nspeeds; i++)
                for (int j = 0; j < nspeeds; j++)
                    mismatches += dti_row_flags_cached(&memo, r, speeds[i], speeds[j]) !=
                                  dti_row_flags(r, speeds[i], speeds[j]);
            uint64_t x = 88172645463325252ULL;
            for (int k = 0; k < 200000; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                int64_t down = x & 1 ? speeds[(x >> 1) % (uint64_t)nspeeds]
                                     : (int64_t)((x >> 8) % (2000 * (uint64_t)DTI_MICRO));
                int64_t up = x & 2 ? speeds[(x >> 20) % (uint64_t)nspeeds]
                                   : (int64_t)((x >> 30) % (200 * (uint64_t)DTI_MICRO));
                mismatches +=
                    dti_row_flags_cached(&memo, r, down, up) != dti_row_flags(r, down, up);
            }
            CHECK_INT(mismatches, 0);
        }
    }

    /* tiers: 1000/100 row earns all six; 250/25 five */
    row gig[] = {{50, "1000", "100", 1}}, t250[] = {{50, "250", "25", 1}};
    CHECK_INT(fold(&rules, gig, 1).flags & 0x3f, 0x3f);
    CHECK_INT(fold(&rules, t250, 1).flags & 0x3f, 0x1f);
    /* 10/1 tier: 10/0.999 misses it */
    row t10[] = {{10, "10", "0.999", 1}};
    CHECK_INT(fold(&rules, t10, 1).flags & 0x3f, 0x1);

    /* other thresholds: --served 50/10 --underserved 10/1 */
    dti_rules custom;
    dti_rules_default(&custom);
    CHECK(dti_parse_threshold("50/10", &custom.served_down, &custom.served_up) == 0);
    CHECK(dti_parse_threshold("10/1", &custom.underserved_down, &custom.underserved_up) == 0);
    row mid[] = {{40, "50", "10", 1}}, low[] = {{40, "10", "1", 1}};
    CHECK_INT(classify(&custom, mid, 1), DTI_SERVED);
    CHECK_INT(classify(&custom, low, 1), DTI_UNDERSERVED);
    CHECK_INT(classify(&rules, low, 1), DTI_UNSERVED);
    CHECK(dti_parse_threshold("50", &custom.served_down, &custom.served_up) != 0);
    CHECK(dti_parse_threshold("50/x", &custom.served_down, &custom.served_up) != 0);

    /* no rows: unserved, best 0 */
    CHECK_INT(classify(&rules, NULL, 0), DTI_UNSERVED);
    CHECK_STR(dti_class_name(DTI_UNDERSERVED), "underserved");

    /* the technologies whose rows met each class (what dialtone diff credits) */
    CHECK_INT(dti_tech_bit(50), 1u);
    CHECK_INT(dti_tech_bit(70), 1u << 5);
    CHECK_INT(dti_tech_bit(60), 0);
    CHECK_STR(dti_tech_names[1], "cable");
    row mixed[] = {{40, "1000", "50", 1},
                   {71, "50", "10", 1},
                   {50, "1000", "1000", 0},
                   {10, "30", "3", 1},
                   {60, "100", "20", 1}};
    dti_location m = fold(&rules, mixed, N(mixed));
    CHECK_INT(m.served_techs, dti_tech_bit(40)); /* fiber had low_latency 0 */
    CHECK_INT(m.underserved_techs, dti_tech_bit(40) | dti_tech_bit(71) | dti_tech_bit(10));
    CHECK_INT(fold(&rules, fw, 1).served_techs, 0); /* 70 without --ulfw */
    CHECK_INT(fold(&ulfw, fw, 1).served_techs, dti_tech_bit(70));
    CHECK(sizeof(dti_location) <= 24); /* the two masks fit in the padding */
    return dt_unit_report("classify");
}
