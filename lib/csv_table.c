/* SPDX-License-Identifier: MIT */
/* A whole small CSV table in memory (region tables, cost models), with checked cell parsers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dti_csv_table_free(dti_csv_table *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->names); /* cells live in the same block */
    free(t->lines);
    free(t->arena);
    memset(t, 0, sizeof *t);
}

/* Append text to the arena; returns its offset or SIZE_MAX when out of memory. */
static size_t arena_add(dti_csv_table *t, size_t *cap, const char *s, size_t len)
{
    if (dti_grow(&t->arena, cap, t->arena_used + len + 1, 1, 4096) != 0)
        return SIZE_MAX;
    size_t at = t->arena_used;
    memcpy(t->arena + at, s, len);
    t->arena[at + len] = '\0';
    t->arena_used += len + 1;
    return at;
}

static int is_comment(const dti_field *f, int n, int comments)
{
    return comments && n >= 1 && f[0].len > 0 && f[0].s[0] == '#';
}

dt_status dti_csv_table_read(dti_csv_table *t, const char *path, const char *display, int comments,
                             dt_error *err)
{
    memset(t, 0, sizeof *t);
    dti_gdal_init();
    if (!(t->path = strdup(dti_input_name(path, display))))
        return dti_nomem(err);
    dti_csv *csv = dti_csv_open(path, t->path, err);
    if (!csv) {
        dti_csv_table_free(t);
        return err ? err->status : DT_ERR_IO;
    }
    dt_status status = DT_OK;
    dti_field f[DTI_MAX_FIELDS];
    int n, rc;
    size_t arena_cap = 0, cell_cap = 0, row_cap = 0;
    size_t *offsets = NULL; /* names then cells, as arena offsets until the arena stops moving */
    while ((rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) > 0) {
        long line = dti_csv_line(csv);
        if ((n == 1 && f[0].len == 0) || is_comment(f, n, comments))
            continue; /* blank line or comment */
        if (n > DTI_MAX_FIELDS) {
            status = dti_error_set(err, DT_ERR_FORMAT, t->path, line,
                                   "%d fields: at most %d are read", n, DTI_MAX_FIELDS);
            break;
        }
        if (t->ncols == 0) {
            if ((status = dti_csv_check_header(csv, f, n, err)) != DT_OK)
                break;
            t->ncols = (size_t)n;
        } else if ((size_t)n != t->ncols) {
            status =
                dti_error_set(err, DT_ERR_FORMAT, t->path, line, "%d %s, but the header has %zu", n,
                              dti_plural((uint64_t)n, "field", "fields"), t->ncols);
            break;
        } else {
            if (dti_grow(&t->lines, &row_cap, t->nrows + 1, sizeof *t->lines, 64) != 0)
                goto nomem;
            t->lines[t->nrows++] = line;
        }
        if (dti_grow(&offsets, &cell_cap, (t->nrows + 1) * t->ncols, sizeof *offsets, 256) != 0)
            goto nomem;
        for (int i = 0; i < n; i++) {
            size_t at = arena_add(t, &arena_cap, f[i].s, f[i].len);
            if (at == SIZE_MAX)
                goto nomem;
            offsets[t->nrows * t->ncols + (size_t)i] = at;
        }
    }
    if (status == DT_OK && rc < 0)
        status = err ? err->status : DT_ERR_FORMAT;
    if (status == DT_OK && t->ncols == 0)
        status = dti_error_set(err, DT_ERR_FORMAT, t->path, 1, "empty file: expected a header");
    if (status == DT_OK) {
        size_t total = (t->nrows + 1) * t->ncols;
        t->names = malloc(total * sizeof *t->names);
        if (!t->names)
            goto nomem;
        for (size_t i = 0; i < total; i++)
            t->names[i] = t->arena + offsets[i];
        t->cells = t->names + t->ncols;
    }
    free(offsets);
    dti_csv_close(csv);
    if (status != DT_OK)
        dti_csv_table_free(t);
    return status;
nomem:
    free(offsets);
    dti_csv_close(csv);
    dti_csv_table_free(t);
    return dti_nomem(err);
}

int dti_csv_table_column(const dti_csv_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->names[i], name) == 0)
            return (int)i;
    return -1;
}

dt_status dti_csv_table_require(const dti_csv_table *t, const char *const *names, int count,
                                int *columns, const char *what, dt_error *err)
{
    for (int i = 0; i < count; i++) {
        if ((columns[i] = dti_csv_table_column(t, names[i])) >= 0)
            continue;
        char list[600];
        size_t used = 0;
        list[0] = '\0';
        for (size_t c = 0; c < t->ncols && used + 40 < sizeof list; c++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", c ? ", " : "",
                                     t->names[c]);
        return dti_error_set(err, DT_ERR_FORMAT, t->path, 1, "no column '%s': not %s (columns: %s)",
                             names[i], what, list);
    }
    return DT_OK;
}

dt_status dti_csv_table_count(const dti_csv_table *t, size_t row, int col, uint64_t *value,
                              dt_error *err)
{
    const char *s = dti_csv_table_cell(t, row, col);
    if (dti_parse_u64(s, strlen(s), value) == 0 && *value <= DTI_COUNT_MAX)
        return DT_OK;
    return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                         "column '%s' holds '%.40s', not a count (0 to 10^14)", t->names[col], s);
}

int dti_parse_decimal(const char *s, int decimals, int64_t *value)
{
    /* digits, an optional point and digits; more decimals than asked for are rounded half up */
    const char *p = s;
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0, round_up = 0;
    if (*p == '-')
        return -2;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > (INT64_MAX / 10 - 9))
            return -4;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
            if (fdigits < decimals)
                frac = frac * 10 + (*p - '0');
            else if (fdigits == decimals)
                round_up = *p >= '5';
        }
    }
    if (*p != '\0' || digits + fdigits == 0)
        return -1;
    for (int i = fdigits; i < decimals; i++)
        frac *= 10;
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    if (whole > (INT64_MAX - scale) / scale)
        return -4;
    *value = whole * scale + frac + round_up;
    return fdigits > decimals ? 1 : 0;
}

dt_status dti_csv_table_decimal(const dti_csv_table *t, size_t row, int col, int decimals,
                                int64_t *value, dt_error *err)
{
    const char *s = dti_csv_table_cell(t, row, col);
    if (dti_parse_decimal(s, decimals, value) >= 0)
        return DT_OK;
    return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                         "column '%s' holds '%.40s', not a number of at least 0", t->names[col], s);
}

static const uint64_t pow10_u64[DTI_DECIMAL_MAX_DIGITS + 1] = {1ULL,
                                                               10ULL,
                                                               100ULL,
                                                               1000ULL,
                                                               10000ULL,
                                                               100000ULL,
                                                               1000000ULL,
                                                               10000000ULL,
                                                               100000000ULL,
                                                               1000000000ULL,
                                                               10000000000ULL,
                                                               100000000000ULL,
                                                               1000000000000ULL,
                                                               10000000000000ULL,
                                                               100000000000000ULL,
                                                               1000000000000000ULL,
                                                               10000000000000000ULL,
                                                               100000000000000000ULL,
                                                               1000000000000000000ULL};

int dti_parse_exact(const char *s, dti_decimal *d)
{
    /* the spans first, so that any number of leading or trailing zeros is read */
    const char *whole = s, *p = s;
    if (*p == '-')
        return -2;
    while (*p >= '0' && *p <= '9')
        p++;
    const char *whole_end = p, *frac = p, *frac_end = p;
    if (*p == '.') {
        frac = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        frac_end = p;
    }
    if (*p != '\0' || (whole_end == whole && frac_end == frac))
        return -1;
    while (whole < whole_end && *whole == '0')
        whole++;
    while (frac_end > frac && frac_end[-1] == '0')
        frac_end--;
    if ((whole_end - whole) + (frac_end - frac) > DTI_DECIMAL_MAX_DIGITS)
        return -4;
    uint64_t digits = 0;
    for (const char *c = whole; c < whole_end; c++)
        digits = digits * 10 + (uint64_t)(*c - '0');
    for (const char *c = frac; c < frac_end; c++)
        digits = digits * 10 + (uint64_t)(*c - '0');
    d->digits = digits;
    d->scale = (int)(frac_end - frac);
    return 0;
}

dt_status dti_csv_table_exact(const dti_csv_table *t, size_t row, int col, dti_decimal *d,
                              dt_error *err)
{
    const char *s = dti_csv_table_cell(t, row, col);
    int rc = dti_parse_exact(s, d);
    if (rc == 0)
        return DT_OK;
    if (rc == -4)
        return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                             "column '%s' holds '%.40s': more than %d digits (leading zeros and "
                             "trailing zeros after the point not counted)",
                             t->names[col], s, DTI_DECIMAL_MAX_DIGITS);
    return dti_error_set(err, DT_ERR_FORMAT, t->path, t->lines[row],
                         "column '%s' holds '%.40s', not a number of at least 0", t->names[col], s);
}

int dti_decimal_from_micro(uint64_t micro, dti_decimal *d)
{
    if (micro >= pow10_u64[DTI_DECIMAL_MAX_DIGITS])
        return -1;
    d->digits = micro;
    d->scale = 6;
    while (d->scale > 0 && d->digits % 10 == 0) {
        d->digits /= 10;
        d->scale--;
    }
    return 0;
}

int dti_decimal_compare(dti_decimal a, dti_decimal b)
{
    /* a.digits / 10^a.scale against b.digits / 10^b.scale: both sides below 10^36 */
    dti_u128 x = (dti_u128)a.digits * pow10_u64[b.scale];
    dti_u128 y = (dti_u128)b.digits * pow10_u64[a.scale];
    return x < y ? -1 : x > y;
}

char *dti_format_decimal(char *buf, size_t size, dti_decimal d)
{
    uint64_t p = pow10_u64[d.scale];
    if (d.scale == 0)
        snprintf(buf, size, "%llu", (unsigned long long)d.digits);
    else
        snprintf(buf, size, "%llu.%0*llu", (unsigned long long)(d.digits / p), d.scale,
                 (unsigned long long)(d.digits % p));
    return buf;
}
