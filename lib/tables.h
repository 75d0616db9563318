/* SPDX-License-Identifier: MIT */
/* Tables read back: a whole CSV table in memory, exact decimals, technologies of a class. */
#ifndef DIALTONE_TABLES_H
#define DIALTONE_TABLES_H

#include "core.h"
#include "money.h"

/* ==== plan, diff, report and run (csv_table.c, plan*.c, diff.c, report*.c, run*.c) ==== */

/* ---- technologies of the rows that met a class (classify.c; dti_location keeps them) ---- */
/* Reliable technologies as bits, in the order a change of class is credited to
 * them: fiber 50, cable 40, copper 10, licensed 71, licensed-by-rule 72 and
 * unlicensed 70 fixed wireless. 0 for other technologies. */
#define DTI_TECH_COUNT 6
extern const int dti_tech_codes[DTI_TECH_COUNT];
extern const char *const dti_tech_names[DTI_TECH_COUNT]; /* fiber, cable, ... */
unsigned dti_tech_bit(int technology);

/* ---- a whole CSV table in memory (csv_table.c) ---- */
typedef struct dti_csv_table {
    char *path; /* as messages name it */
    size_t ncols, nrows;
    char **names; /* column names, then the cells: one block */
    char **cells; /* row-major, nrows * ncols, NUL-terminated */
    long *lines;  /* file line of each row */
    char *arena;
    size_t arena_used;
} dti_csv_table;

/* Read path (display names it; NULL: path) through VSI. Blank lines are skipped, and with
 * comments records whose first field starts with '#'. Every row must have the header's
 * field count. dti_csv_table_free() frees it (also after a failure). */
dt_status dti_csv_table_read(dti_csv_table *t, const char *path, const char *display, int comments,
                             dt_error *err);
void dti_csv_table_free(dti_csv_table *t);
/* Index of a column or -1. */
int dti_csv_table_column(const dti_csv_table *t, const char *name);
/* Find every name (columns[i]); the error lists the columns there are. what: "a stats table". */
dt_status dti_csv_table_require(const dti_csv_table *t, const char *const *names, int count,
                                int *columns, const char *what, dt_error *err);
static inline const char *dti_csv_table_cell(const dti_csv_table *t, size_t row, int col)
{
    return t->cells[row * t->ncols + (size_t)col];
}
/* A cell as a count, or as a non-negative decimal scaled by 10^decimals (rounded half up);
 * errors name file, line and column. */
dt_status dti_csv_table_count(const dti_csv_table *t, size_t row, int col, uint64_t *value,
                              dt_error *err);
dt_status dti_csv_table_decimal(const dti_csv_table *t, size_t row, int col, int decimals,
                                int64_t *value, dt_error *err);
/* "12", "12.5": value * 10^decimals, rounded half up past `decimals`. 0 exact, 1 rounded,
 * -1 not a number, -2 negative, -4 too large. */
int dti_parse_decimal(const char *s, int decimals, int64_t *value);

/* An exact non-negative decimal, digits / 10^scale, as the text wrote it: no rounding. The
 * text has at most DTI_DECIMAL_MAX_DIGITS digits, not counting leading zeros and trailing
 * zeros after the point, so digits < 10^18 and scale <= 18 (products of two fit 128 bits). */
#define DTI_DECIMAL_MAX_DIGITS 18
typedef struct dti_decimal {
    uint64_t digits;
    int scale; /* decimals, trailing zeros dropped; -1 in a table: no value */
} dti_decimal;
/* digits[.digits] (also ".5" and "5."), no sign, exponent or spaces: 0 ok, -1 not a
 * number, -2 negative, -4 more than DTI_DECIMAL_MAX_DIGITS digits. */
int dti_parse_exact(const char *s, dti_decimal *d);
/* A cell read exactly; errors name file, line and column. */
dt_status dti_csv_table_exact(const dti_csv_table *t, size_t row, int col, dti_decimal *d,
                              dt_error *err);
/* micro / 10^6 exactly (whole square metres as km2): 0, or -1 when micro is 10^18 or more. */
int dti_decimal_from_micro(uint64_t micro, dti_decimal *d);
/* -1, 0, 1 as a < b, a == b, a > b, exactly. */
int dti_decimal_compare(dti_decimal a, dti_decimal b);
/* The exact value: "0.0000001", "40", "7.5". */
char *dti_format_decimal(char *buf, size_t size, dti_decimal d);

#endif
