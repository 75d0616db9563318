/* SPDX-License-Identifier: MIT */
/* Plans and prices: the plans file, plan matching per BDC row, and the
 * cheapest served price and served providers kept per location. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

uint16_t dti_state_code(const char *s, size_t len)
{
    if (len != 2)
        return 0;
    unsigned char a = (unsigned char)s[0], b = (unsigned char)s[1];
    if (a >= 'a' && a <= 'z')
        a = (unsigned char)(a - 'a' + 'A');
    if (b >= 'a' && b <= 'z')
        b = (unsigned char)(b - 'a' + 'A');
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
        return 0;
    return (uint16_t)(a << 8 | b);
}

/* ---- the plans table ---- */

static uint64_t plan_hash(uint32_t provider, int technology, uint16_t state, int64_t down,
                          int64_t up)
{
    uint64_t head = (uint64_t)provider << 32 | (uint64_t)technology << 16 | state;
    return dti_hash64(head ^ dti_hash64((uint64_t)down ^ dti_hash64((uint64_t)up)));
}

/* Slot of the plan with this key, or the empty slot where it would go. */
static size_t plan_slot(const dti_plans *p, uint32_t provider, int technology, uint16_t state,
                        int64_t down, int64_t up)
{
    size_t slot = plan_hash(provider, technology, state, down, up) & p->mask;
    for (uint32_t v; (v = p->slots[slot]) != 0; slot = (slot + 1) & p->mask) {
        const dti_plan *q = &p->plans[v - 1];
        if (q->provider == provider && q->technology == technology && q->state == state &&
            q->down == down && q->up == up)
            break;
    }
    return slot;
}

static int plans_rehash(dti_plans *p, size_t cap)
{
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    free(p->slots);
    p->slots = slots;
    p->mask = cap - 1;
    for (size_t i = 0; i < p->count; i++) {
        const dti_plan *q = &p->plans[i];
        p->slots[plan_slot(p, q->provider, q->technology, q->state, q->down, q->up)] =
            (uint32_t)i + 1;
    }
    return 0;
}

dti_money dti_plans_price(const dti_plans *p, uint32_t provider, int technology, uint16_t state,
                          int64_t down, int64_t up)
{
    uint32_t v;
    /* a state's plan already holds the lower of its price and the stateless one */
    if (state && p->has_states &&
        (v = p->slots[plan_slot(p, provider, technology, state, down, up)]) != 0)
        return p->plans[v - 1].price;
    v = p->slots[plan_slot(p, provider, technology, 0, down, up)];
    return v ? p->plans[v - 1].price : -1;
}

/* Add a plan; a repeated key keeps the cheaper price. 0 ok, -1 no memory. */
static int plans_add(dti_plans *p, const dti_plan *plan)
{
    if ((p->count + 1) * 2 > p->mask + 1 && plans_rehash(p, (p->mask + 1) * 2) != 0)
        return -1;
    size_t slot = plan_slot(p, plan->provider, plan->technology, plan->state, plan->down, plan->up);
    if (p->slots[slot]) {
        dti_plan *q = &p->plans[p->slots[slot] - 1];
        p->duplicates++;
        if (plan->price < q->price)
            *q = *plan;
        return 0;
    }
    if (dti_grow(&p->plans, &p->cap, p->count + 1, sizeof *p->plans, 64) != 0)
        return -1;
    p->plans[p->count] = *plan;
    p->slots[slot] = (uint32_t)++p->count;
    p->has_states |= plan->state != 0;
    return 0;
}

void dti_plans_free(dti_plans *p)
{
    if (!p)
        return;
    free(p->plans);
    free(p->slots);
    dti_strtab_free(&p->providers);
    memset(p, 0, sizeof *p);
}

enum { PLAN_PROVIDER, PLAN_TECHNOLOGY, PLAN_DOWN, PLAN_UP, PLAN_PRICE, PLAN_STATE, PLAN_COLUMNS };
static const char *const plan_columns[PLAN_COLUMNS] = {
    "provider_id",   "technology", "max_advertised_download_speed", "max_advertised_upload_speed",
    "monthly_price", "state_usps"};

static void field_text(const dti_field *f, char *buf, size_t size)
{
    size_t n = f->len < size - 1 ? f->len : size - 1;
    memcpy(buf, f->s, n);
    buf[n] = '\0';
}

/* Why a plan row is bad (NULL: good, *plan filled) into why. */
static const char *check_plan(dti_plans *p, const dti_field *f, const int *col, dti_plan *plan,
                              char *why, size_t size, int *nomem)
{
    char text[64];
    uint64_t technology;
    const dti_field *price = &f[col[PLAN_PRICE]];
    if (f[col[PLAN_PROVIDER]].len == 0)
        return snprintf(why, size, "empty provider_id"), why;
    field_text(&f[col[PLAN_TECHNOLOGY]], text, sizeof text);
    if (dti_parse_u64(f[col[PLAN_TECHNOLOGY]].s, f[col[PLAN_TECHNOLOGY]].len, &technology) != 0 ||
        technology > 999)
        return snprintf(why, size, "technology '%s' is not a technology code", text), why;
    for (int k = PLAN_DOWN; k <= PLAN_UP; k++)
        if (dti_parse_speed(f[col[k]].s, f[col[k]].len, k == PLAN_DOWN ? &plan->down : &plan->up)) {
            field_text(&f[col[k]], text, sizeof text);
            return snprintf(why, size, "%s '%s' is not a speed (" DTI_SPEED_SYNTAX ")",
                            plan_columns[k], text),
                   why;
        }
    field_text(price, text, sizeof text);
    if (price->len > 0 && price->s[0] == '-')
        return snprintf(why, size, "monthly_price '%s' is negative: a price is 0 or more", text),
               why;
    if (dti_money_parse(price->s, price->len, DTI_MONEY_PRICE_DECIMALS, DTI_MAX_PRICE,
                        &plan->price) != 0)
        return snprintf(why, size,
                        "monthly_price '%s' is not a price (US dollars as a plain decimal with "
                        "at most 6 decimals, e.g. 49.99, at most 1000000)",
                        text),
               why;
    plan->state = 0;
    if (col[PLAN_STATE] >= 0 && f[col[PLAN_STATE]].len > 0 &&
        !(plan->state = dti_state_code(f[col[PLAN_STATE]].s, f[col[PLAN_STATE]].len))) {
        field_text(&f[col[PLAN_STATE]], text, sizeof text);
        return snprintf(why, size, "state_usps '%s' is not a two-letter state code (or empty)",
                        text),
               why;
    }
    plan->technology = (uint16_t)technology;
    plan->provider =
        dti_strtab_intern(&p->providers, f[col[PLAN_PROVIDER]].s, f[col[PLAN_PROVIDER]].len);
    *nomem = plan->provider == UINT32_MAX;
    return NULL;
}

/* Fold the stateless price into each state's plan of the same key, so that
 * a lookup with a state finds the cheaper of the two in one probe. */
static void fold_states(dti_plans *p)
{
    for (size_t i = 0; p->has_states && i < p->count; i++) {
        dti_plan *q = &p->plans[i];
        if (!q->state)
            continue;
        uint32_t v = p->slots[plan_slot(p, q->provider, q->technology, 0, q->down, q->up)];
        if (v && p->plans[v - 1].price < q->price)
            q->price = p->plans[v - 1].price;
    }
}

dt_status dti_plans_read(const char *path, dti_plans *p, dt_error *err)
{
    memset(p, 0, sizeof *p);
    dti_strtab_init(&p->providers);
    if (plans_rehash(p, 64) != 0)
        return dti_nomem(err);
    dti_csv *csv = dti_csv_open(path, path, err);
    if (!csv) {
        dti_plans_free(p);
        return err->status;
    }
    dti_field f[DTI_MAX_FIELDS];
    int n, rc, col[PLAN_COLUMNS], header_fields = 0;
    dt_status status = dti_csv_read_header_optional(
        csv, plan_columns, PLAN_STATE, PLAN_COLUMNS, col, &header_fields, "plans",
        "provider_id,technology,max_advertised_download_speed,max_advertised_upload_speed,"
        "monthly_price and optional plan_name,state_usps",
        err);
    while (status == DT_OK && (rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) != 0) {
        char why[256];
        int nomem = 0;
        dti_plan plan;
        if (rc < 0) {
            status = err->status;
            break;
        }
        if (n != header_fields) {
            snprintf(why, sizeof why, "expected %d fields as in the header, found %d",
                     header_fields, n);
        } else if (!check_plan(p, f, col, &plan, why, sizeof why, &nomem)) {
            plan.line = dti_csv_line(csv);
            p->rows++;
            if (nomem || plans_add(p, &plan) != 0)
                status = dti_nomem(err);
            continue;
        }
        status = dti_error_set(err, DT_ERR_FORMAT, path, dti_csv_line(csv), "%s", why);
    }
    dti_csv_close(csv);
    if (status != DT_OK) {
        dti_plans_free(p);
        return status;
    }
    fold_states(p);
    return DT_OK;
}

/* ---- per-location tracking in a coverage ---- */

dt_status dti_coverage_track_extras(dti_coverage *cov, const dti_plans *plans, dt_error *err)
{
    if (cov->extras || cov->location_count)
        return dti_error_set(err, DT_ERR_INTERNAL, NULL, 0, "price tracking on a used coverage");
    dti_coverage_extras *x = calloc(1, sizeof *x);
    if (!x)
        return dti_nomem(err);
    x->plans = plans;
    cov->extras = x;
    for (size_t i = 0; plans && i < plans->providers.count; i++) {
        const char *id = dti_strtab_get(&plans->providers, (uint32_t)i);
        uint32_t index = dti_coverage_provider(cov, id, strlen(id));
        if (index == UINT32_MAX)
            return dti_nomem(err);
        if (index != i) /* a coverage that already had providers */
            return dti_error_set(err, DT_ERR_INTERNAL, NULL, 0,
                                 "plan providers interned out of order");
    }
    return DT_OK;
}

void dti_extras_free(dti_coverage_extras *x)
{
    if (!x)
        return;
    free(x->locations);
    free(x);
}

static const dti_location_extra no_extra = {-1, 0, UINT32_MAX, 0};

dti_location_extra dti_extras_of(const dti_coverage_extras *x, size_t i)
{
    return x && i < x->count ? x->locations[i] : no_extra;
}

/* The extras of location index, created (empty) when new; NULL: no memory. */
static dti_location_extra *extra_at(dti_coverage_extras *x, uint32_t index)
{
    if (dti_grow(&x->locations, &x->cap, (size_t)index + 1, sizeof *x->locations, 1024) != 0)
        return NULL;
    for (; x->count <= index; x->count++)
        x->locations[x->count] = no_extra;
    return &x->locations[index];
}

void dti_extras_price_row(dti_coverage_extras *x, dti_parsed_row *row, int technology,
                          const dti_field *state)
{
    const dti_plans *p = x->plans;
    if (!p || row->provider >= p->providers.count) /* no plan names this provider */
        return;
    uint16_t code = p->has_states ? dti_state_code(state->s, state->len) : 0;
    row->price = dti_plans_price(p, row->provider, technology, code, row->down, row->up);
}

/* Keep the lower price; at equal prices the larger download (the lower $/Mbps). */
static void fold_price(dti_location_extra *e, int64_t price, int64_t down)
{
    if (price < 0)
        return;
    if (e->price < 0 || price < e->price || (price == e->price && down > e->price_down)) {
        e->price = price;
        e->price_down = down;
    }
}

/* Count provider among the location's served providers (0, 1, or 2 = many). */
static void fold_provider(dti_location_extra *e, uint32_t provider, uint32_t many)
{
    if (many >= 2)
        e->served_providers = 2;
    if (e->served_providers == 0) {
        e->served_provider = provider;
        e->served_providers = 1;
    } else if (e->served_providers == 1 && e->served_provider != provider) {
        e->served_providers = 2;
    }
}

int dti_extras_apply_row(dti_coverage_extras *x, const dti_parsed_row *row)
{
    if (!(row->flags & DTI_FLAG_SERVED))
        return 0;
    dti_location_extra *e = extra_at(x, row->index);
    if (!e)
        return -1;
    x->served_rows++;
    if (x->plans && row->price < 0)
        x->unpriced_rows++;
    fold_price(e, row->price, row->down);
    fold_provider(e, row->provider, 1);
    return 0;
}

int dti_extras_merge_location(dti_coverage_extras *dst, uint32_t index,
                              const dti_coverage_extras *src, size_t i, const uint32_t *providers)
{
    dti_location_extra from = dti_extras_of(src, i);
    if (from.served_providers == 0 && from.price < 0)
        return 0;
    dti_location_extra *e = extra_at(dst, index);
    if (!e)
        return -1;
    fold_price(e, from.price, from.price_down);
    if (from.served_providers)
        fold_provider(e, providers[from.served_provider], from.served_providers);
    return 0;
}
