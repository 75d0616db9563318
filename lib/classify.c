/* SPDX-License-Identifier: MIT */
/* BEAD classification: which rows are reliable, and what a row earns. */
#include "internal.h"

const char *const dti_tier_names[DTI_TIER_COUNT] = {
    "share_02_02", "share_10_1", "share_25_3", "share_100_20", "share_250_25", "share_1000_100"};

/* The FCC summary tiers, download/upload in micro-Mbps. */
static const int64_t tier_down[DTI_TIER_COUNT] = {
    200000, 10 * DTI_MICRO, 25 * DTI_MICRO, 100 * DTI_MICRO, 250 * DTI_MICRO, 1000 * DTI_MICRO};
static const int64_t tier_up[DTI_TIER_COUNT] = {200000,         1 * DTI_MICRO,  3 * DTI_MICRO,
                                                20 * DTI_MICRO, 25 * DTI_MICRO, 100 * DTI_MICRO};

void dti_rules_default(dti_rules *rules)
{
    rules->ulfw = 0;
    rules->served_down = 100 * DTI_MICRO;
    rules->served_up = 20 * DTI_MICRO;
    rules->underserved_down = 25 * DTI_MICRO;
    rules->underserved_up = 3 * DTI_MICRO;
}

int dti_is_reliable(const dti_rules *rules, int technology, int low_latency)
{
    if (low_latency != 1)
        return 0;
    switch (technology) {
    case 10: /* copper */
    case 40: /* cable */
    case 50: /* fiber */
    case 71: /* licensed fixed wireless */
    case 72: /* licensed-by-rule fixed wireless */ return 1;
    case 70: /* unlicensed fixed wireless: only when asked (--ulfw) */ return rules->ulfw;
    default: /* 0 other, 60/61 satellite never count */ return 0;
    }
}

/* Both speeds of the same row must meet a threshold: a location whose
 * download and upload are met by different rows earns nothing from either. */
unsigned dti_row_flags(const dti_rules *rules, int64_t down, int64_t up)
{
    unsigned flags = 0;
    for (int t = 0; t < DTI_TIER_COUNT; t++)
        if (down >= tier_down[t] && up >= tier_up[t])
            flags |= 1u << t;
    if (down >= rules->served_down && up >= rules->served_up)
        flags |= DTI_FLAG_SERVED;
    if (down >= rules->underserved_down && up >= rules->underserved_up)
        flags |= DTI_FLAG_UNDERSERVED;
    return flags;
}

void dti_flags_cache_init(dti_flags_cache *cache, const dti_rules *rules)
{
    for (int i = 0; i < DTI_FLAGS_CACHE_SLOTS; i++) { /* a pair no row has, with its flags */
        cache->slot[i].down = cache->slot[i].up = -1;
        cache->slot[i].flags = dti_row_flags(rules, -1, -1);
    }
}

dti_class dti_class_of(unsigned flags)
{
    if (flags & DTI_FLAG_SERVED)
        return DTI_SERVED;
    if (flags & DTI_FLAG_UNDERSERVED)
        return DTI_UNDERSERVED;
    return DTI_UNSERVED;
}

const char *dti_class_name(dti_class c)
{
    static const char *const names[] = {"unserved", "underserved", "served"};
    return names[c];
}

const int dti_tech_codes[DTI_TECH_COUNT] = {50, 40, 10, 71, 72, 70};
const char *const dti_tech_names[DTI_TECH_COUNT] = {"fiber",       "cable",  "copper",
                                                    "licensed_fw", "lbr_fw", "unlicensed_fw"};

unsigned dti_tech_bit(int technology)
{
    for (int i = 0; i < DTI_TECH_COUNT; i++)
        if (dti_tech_codes[i] == technology)
            return 1u << i;
    return 0;
}

/* technology code -> dti_tech_bit, for dti_reliable_tech_bit (core.h) */
const uint8_t dti_reliable_tech_bits[128] = {[50] = 1u << 0, [40] = 1u << 1, [10] = 1u << 2,
                                             [71] = 1u << 3, [72] = 1u << 4, [70] = DTI_ULFW_BIT};
