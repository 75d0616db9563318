/* SPDX-License-Identifier: MIT */
/* Unit tests of the fast row reader (bdc_fast.c): on many generated rows, plain and spoiled
 * (quotes, "" in brands, line ends inside quotes, CR, CRLF, NUL and tab bytes, leading zeros,
 * fractions, bad numbers, empty ids, fields too many or too few), every row it takes is read
 * exactly as dti_csv_next and dti_bdc_parse_row read it, and every plain good row is taken. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "unit.h"

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static unsigned next_rand(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void digits(char *out, int n, int leading_zero_ok)
{
    for (int i = 0; i < n; i++)
        out[i] = (char)('0' + (i == 0 && !leading_zero_ok ? 1 + next_rand(9) : next_rand(10)));
    out[n] = '\0';
}

/* One field's text for column c of the FCC's order; *spoiled set when it is not a plain good
 * value (the row may then go either way). */
static void field(int c, char *out, int *spoiled)
{
    int odd = next_rand(16) == 0; /* one field in sixteen spoiled */
    static const char *const odd_texts[] = {"",
                                            "\"40\"",
                                            "x",
                                            "1e3",
                                            "0.7685432",
                                            "-1",
                                            " 1",
                                            "\"a\"\"b\"",
                                            "\"a,b\"",
                                            "\"a\nb\"",
                                            "a\tb",
                                            "\"\"",
                                            "007",
                                            "1\r2",
                                            ".5",
                                            "5.",
                                            "1000",
                                            "true",
                                            "2",
                                            "\"a\"b\"c\"",
                                            "\"a\"x",
                                            "x\"a\"",
                                            "\"\"\"\"",
                                            "\"\"\"",
                                            "\"a\"\"\"b\"",
                                            "\"a\" \"b\"",
                                            "x\"\"y",
                                            "a\"\""};
    if (odd) {
        *spoiled = 1;
        if (next_rand(3) == 0) { /* a long number, a near miss in length */
            digits(out, (int)(1 + next_rand(19)), next_rand(2));
            return;
        }
        strcpy(out, odd_texts[next_rand(sizeof odd_texts / sizeof *odd_texts)]);
        return;
    }
    static const char *const techs[] = {"10", "40", "50", "60", "61", "70", "71", "72", "0"};
    static const char *const speeds[] = {"100", "20",  "25",  "3",   "1000", "0.768",
                                         "0.2", "1.5", "250", "940", "35"};
    static const char *const brands[] = {"Acme", "\"Viasat, Inc.\"", "\"Small \"\"TV\"\" Co\"", "",
                                         "A Very Long Brand Name Of A Rural Telephone Coop"};
    switch (c) {
    case 0: digits(out, 10, 1); break;
    case 1: digits(out, (int)(5 + next_rand(2)), 0); break;
    case 2: strcpy(out, brands[next_rand(5)]); break;
    case 3: /* the FCC's are 10 digits long (read another way than the others) */
        digits(out, next_rand(2) ? 10 : (int)(1 + next_rand(15)), 0);
        break;
    case 4: strcpy(out, techs[next_rand(9)]); break;
    case 5:
    case 6:
        if (next_rand(64) == 0) { /* 25 read the slow way, longer than the room checked before */
            *spoiled = 1;
            snprintf(out, 128, "%066d", 25);
        } else {
            strcpy(out, speeds[next_rand(11)]);
        }
        break;
    case 7: strcpy(out, next_rand(2) ? "1" : "0"); break;
    case 8: strcpy(out, (const char *[]){"R", "B", "X"}[next_rand(3)]); break;
    case 9: strcpy(out, "CO"); break;
    case 10: memcpy(out, "08", 2), digits(out + 2, 13, 1); break;
    default: strcpy(out, next_rand(2) ? "8826d1b4e7fffff" : "");
    }
}

/* A row of ncols columns: perm[k] is the FCC column shown k-th (-1: an extra column). */
static size_t make_row(char *out, const int *perm, int ncols, int *spoiled)
{
    size_t n = 0;
    *spoiled = 0;
    int cols = ncols;
    if (next_rand(40) == 0)
        cols += next_rand(2) ? 1 : -1, *spoiled = 1; /* a field too many or too few */
    for (int k = 0; k < cols; k++) {
        char text[128];
        if (k < ncols && perm[k] >= 0)
            field(perm[k], text, spoiled);
        else
            strcpy(text, "extra");
        n += (size_t)sprintf(out + n, "%s%s", k ? "," : "", text);
    }
    unsigned end = next_rand(10);
    if (end == 0)
        n += (size_t)sprintf(out + n, "\r\n");
    else if (end == 1)
        n += (size_t)sprintf(out + n, "\r"), *spoiled = 1;
    else
        n += (size_t)sprintf(out + n, "\n");
    if (next_rand(60) == 0)
        out[next_rand((unsigned)n)] = next_rand(2) ? '\0' : '"', *spoiled = 1;
    return n;
}

typedef struct reading {
    int ok;
    size_t taken;
    dti_field f[DTI_MAX_FIELDS];
    int nfields;
    dti_parsed_row row;
} reading;

static void read_reference(dti_coverage *cov, const dti_bdc_layout *layout, char *buf, size_t len,
                           reading *r)
{
    dt_error err;
    dti_row_cache cache;
    dti_row_cache_init(&cache, &cov->rules);
    dti_csv *csv = dti_csv_open_memory(buf, len, "rows.csv", 1, &err);
    char why[256];
    memset(r, 0, sizeof *r);
    r->ok = dti_csv_next(csv, r->f, DTI_MAX_FIELDS, &r->nfields, &err) == 1 &&
            dti_bdc_parse_row(cov, layout, r->f, r->nfields, &cache, &r->row, why, sizeof why) == 0;
    r->taken = (size_t)dti_csv_offset(csv);
    dti_csv_close(csv);
}

static int same_field(dti_field a, dti_field b)
{
    return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
}

/* Whether column c of the FCC's order is text (not one of the numbers the row holds). */
static int text_column(int c)
{
    return c < 0 || c == 0 || c == 1 || c == 2 || c == 8 || c == 9 || c == 11;
}

/* Rows of one column order: the fast reader against the reference on each. */
static void compare(const int *perm, int ncols, int rows, int want_fcc)
{
    dti_bdc_layout layout;
    memset(&layout, 0, sizeof layout);
    for (int k = 0; k < ncols; k++)
        if (perm[k] >= 0) {
            static const int bdc_of[12] = {-1,
                                           DTI_BDC_PROVIDER,
                                           -1,
                                           DTI_BDC_LOCATION,
                                           DTI_BDC_TECHNOLOGY,
                                           DTI_BDC_DOWN,
                                           DTI_BDC_UP,
                                           DTI_BDC_LATENCY,
                                           DTI_BDC_USE,
                                           DTI_BDC_STATE,
                                           DTI_BDC_BLOCK,
                                           -1};
            if (bdc_of[perm[k]] >= 0)
                layout.col[bdc_of[perm[k]]] = k;
        }
    layout.brand = -1;
    layout.header_fields = ncols;
    dti_bdc_fast fast;
    dti_bdc_fast_init(&fast, &layout, 0);
    CHECK_INT(fast.ncols, ncols);
    CHECK_INT(fast.fcc, want_fcc);
    dti_rules rules;
    dti_rules_default(&rules);
    dt_error err;
    dti_coverage ref, fst;
    CHECK_INT(dti_coverage_init(&ref, &rules, &err), DT_OK);
    CHECK_INT(dti_coverage_init(&fst, &rules, &err), DT_OK);
    dti_row_cache cache;
    dti_row_cache_init(&cache, &rules);
    int plain = 0, plain_taken = 0, taken_rows = 0, mismatches = 0, cut_taken = 0;
    for (int i = 0; i < rows; i++) {
        char a[2048], follow[1024];
        int spoiled, ignored;
        size_t len = make_row(a, perm, ncols, &spoiled), all = len;
        /* the data goes on after it: most often for a few rows more (the fast reader needs
         * room to look ahead), else for one row only or not at all */
        int room = next_rand(8) != 0, more = room ? 4 : (int)next_rand(2);
        for (int j = 0; j < more; j++) {
            size_t tail = make_row(follow, perm, ncols, &ignored);
            memcpy(a + all, follow, tail);
            all += tail;
        }
        /* or the data ends inside the row, as a read buffer does (the row is not whole: it is
         * not taken, and nothing past the end is read) */
        int cut = next_rand(8) == 0;
        if (cut)
            all = 1 + next_rand((unsigned)len - 1);
        /* the fast reader's copy in a block of exactly its bytes: a read past the data's end
         * is one past the block (the sanitizer build stops on it) */
        char *b = malloc(all);
        if (!b) {
            CHECK(b != NULL);
            break;
        }
        memcpy(b, a, all);
        reading r;
        read_reference(&ref, &layout, a, all, &r);
        dti_field f[DTI_FAST_COLS];
        dti_parsed_row row;
        memset(&row, 0, sizeof row);
        long used = dti_bdc_fast_row(&fst, &layout, &fast, b, b + all, f, &cache, &row);
        plain += room && !cut && !spoiled && r.ok;
        plain_taken += room && !cut && !spoiled && r.ok && used > 0;
        cut_taken += cut && used > 0;
        if (used <= 0) {
            free(b);
            continue;
        }
        taken_rows++;
        int same = r.ok && (size_t)used == r.taken && r.nfields == ncols && row.key == r.row.key &&
                   row.geoid == r.row.geoid && row.down == r.row.down && row.up == r.row.up &&
                   row.flags == r.row.flags && row.tech == r.row.tech &&
                   row.residential == r.row.residential &&
                   strcmp(dti_strtab_get(&fst.providers, row.provider),
                          dti_strtab_get(&ref.providers, r.row.provider)) == 0;
        for (int k = 0; same && k < ncols; k++) /* the text fields: the numbers are in row */
            same = !text_column(perm[k]) || same_field(f[k], r.f[k]);
        if (!same && mismatches++ < 5)
            fprintf(stderr, "fast and reference differ on: %.*s\n", (int)len, a);
        free(b);
    }
    CHECK_INT(mismatches, 0);
    CHECK_INT(cut_taken, 0);
    CHECK_INT(plain_taken, plain); /* every plain good row the fast way */
    CHECK(plain > rows / 4);
    printf("bdc_fast: %d columns: %d rows, %d plain and good, %d taken the fast way\n", ncols, rows,
           plain, taken_rows);
    CHECK(taken_rows >= plain);
    dti_coverage_free(&ref);
    dti_coverage_free(&fst);
}

int main(void)
{
    const int fcc[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    compare(fcc, 12, 200000, 1);
    const int shuffled[14] = {10, 3, -1, 1, 5, 6, 4, 7, 2, 8, 9, 0, 11, -1};
    compare(shuffled, 14, 100000, 0);
    /* a few rows where the reference and the fast reader must both refuse */
    dti_bdc_layout layout;
    for (int c = 0; c < DTI_BDC_NCOLS; c++)
        layout.col[c] = c;
    layout.brand = -1;
    layout.header_fields = DTI_BDC_NCOLS - 1; /* fewer columns than a BDC file has */
    dti_bdc_fast fast;
    dti_bdc_fast_init(&fast, &layout, 0);
    CHECK_INT(fast.ncols, 0);
    layout.header_fields = DTI_BDC_NCOLS;
    dti_bdc_fast_init(&fast, &layout, 1);
    CHECK_INT(fast.ncols, 0);
    return dt_unit_report("bdc_fast");
}
