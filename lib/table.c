/* SPDX-License-Identifier: MIT */
/* Tables in memory (dt_table): the cells of a result exactly as its CSV holds them. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>

#include "internal.h"

struct dt_table {
    size_t ncolumns, nrows, cap;
    char **names;
    dt_column_type *types;
    /* each row is one block: ncolumns uint32_t offsets, then the cells' text, each ending
     * in NUL */
    unsigned char **rows;
};

void dt_table_free(dt_table *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < t->ncolumns && t->names; c++)
        free(t->names[c]);
    for (size_t r = 0; r < t->nrows; r++)
        free(t->rows[r]);
    free(t->names);
    free(t->types);
    free(t->rows);
    free(t);
}

dt_table *dti_table_new(const dti_column *columns, int ncolumns)
{
    dt_table *t = calloc(1, sizeof *t);
    size_t n = ncolumns > 0 ? (size_t)ncolumns : 0;
    if (!t || !(t->names = calloc(n ? n : 1, sizeof *t->names)) ||
        !(t->types = calloc(n ? n : 1, sizeof *t->types))) {
        dt_table_free(t);
        return NULL;
    }
    t->ncolumns = n;
    for (size_t c = 0; c < n; c++) {
        if (!(t->names[c] = strdup(columns[c].name))) {
            dt_table_free(t);
            return NULL;
        }
        t->types[c] = columns[c].type == DTI_CELL_INTEGER ? DT_COLUMN_INTEGER
                      : columns[c].type == DTI_CELL_REAL  ? DT_COLUMN_NUMBER
                                                          : DT_COLUMN_TEXT;
    }
    return t;
}

int dti_table_add_row(dt_table *t, const char *const *cells)
{
    if (dti_grow(&t->rows, &t->cap, t->nrows + 1, sizeof *t->rows, 64) != 0)
        return -1;
    size_t size = t->ncolumns * sizeof(uint32_t);
    for (size_t c = 0; c < t->ncolumns; c++)
        size += strlen(cells[c]) + 1;
    if (size > UINT32_MAX)
        return -1;
    unsigned char *row = malloc(size ? size : 1);
    if (!row)
        return -1;
    size_t at = t->ncolumns * sizeof(uint32_t);
    for (size_t c = 0; c < t->ncolumns; c++) {
        uint32_t offset = (uint32_t)at;
        memcpy(row + c * sizeof offset, &offset, sizeof offset);
        size_t len = strlen(cells[c]) + 1;
        memcpy(row + at, cells[c], len);
        at += len;
    }
    t->rows[t->nrows++] = row;
    return 0;
}

unsigned long dt_table_columns(const dt_table *t) { return t ? (unsigned long)t->ncolumns : 0; }

unsigned long dt_table_rows(const dt_table *t) { return t ? (unsigned long)t->nrows : 0; }

const char *dt_table_column_name(const dt_table *t, unsigned long column)
{
    return t && column < t->ncolumns ? t->names[column] : NULL;
}

dt_column_type dt_table_column_type(const dt_table *t, unsigned long column)
{
    return t && column < t->ncolumns ? t->types[column] : DT_COLUMN_TEXT;
}

long dt_table_column_index(const dt_table *t, const char *name)
{
    for (size_t c = 0; t && name && c < t->ncolumns; c++)
        if (strcmp(t->names[c], name) == 0)
            return (long)c;
    return -1;
}

const char *dt_table_text(const dt_table *t, unsigned long row, unsigned long column)
{
    if (!t || row >= t->nrows || column >= t->ncolumns)
        return NULL;
    uint32_t offset;
    memcpy(&offset, t->rows[row] + column * sizeof offset, sizeof offset);
    return (const char *)t->rows[row] + offset;
}

int dt_table_is_empty(const dt_table *t, unsigned long row, unsigned long column)
{
    const char *text = dt_table_text(t, row, column);
    return !text || !*text;
}

long long dt_table_integer(const dt_table *t, unsigned long row, unsigned long column)
{
    const char *text = dt_table_text(t, row, column);
    if (!text || !*text)
        return 0;
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    return *end || errno ? 0 : value;
}

double dt_table_number(const dt_table *t, unsigned long row, unsigned long column)
{
    const char *text = dt_table_text(t, row, column);
    if (!text || !*text)
        return NAN;
    /* the cells are plain decimals: read them whatever the locale's decimal point (CPLAtof) */
    int digits = 0, point = 0;
    for (const char *p = *text == '-' ? text + 1 : text; *p; p++)
        if (*p >= '0' && *p <= '9')
            digits = 1;
        else if (*p == '.' && !point)
            point = 1;
        else
            return NAN;
    return digits ? CPLAtof(text) : NAN;
}
