/* SPDX-License-Identifier: MIT */
/* Unit tests of the CSV reader: quotes, CRLF, BOM, blank lines, big records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static int field_eq(const dti_field *f, const char *s)
{
    return f->len == strlen(s) && memcmp(f->s, s, f->len) == 0;
}

int main(void)
{
    dti_gdal_init();
    dt_error err;
    dti_field f[16];
    int n;

    const char text[] = "\xEF\xBB\xBF"
                        "a,b,c\r\n"
                        "1,\"Viasat, Inc.\",x\r\n"
                        "\r\n"
                        "2,\"Say \"\"hi\"\"\",\r\n"
                        "3,\"two\nlines\",z\n"
                        "4,,\n"
                        "5,last,row"; /* no final newline */
    const char *path = dt_unit_temp_file(text, sizeof text - 1);
    dti_csv *csv = dti_csv_open(path, "text.csv", &err);
    CHECK(csv != NULL);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK_INT(n, 3);
    CHECK(field_eq(&f[0], "a")); /* BOM stripped */
    CHECK(field_eq(&f[2], "c")); /* CR stripped */
    CHECK_INT(dti_csv_column(f, n, "b"), 1);
    CHECK_INT(dti_csv_column(f, n, "zz"), -1);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK_INT(n, 3);
    CHECK(field_eq(&f[1], "Viasat, Inc."));
    CHECK_INT(dti_csv_line(csv), 2);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1); /* blank line skipped */
    CHECK_INT(dti_csv_line(csv), 4);
    CHECK(field_eq(&f[1], "Say \"hi\""));
    CHECK(field_eq(&f[2], ""));
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK(field_eq(&f[1], "two\nlines"));
    CHECK_INT(dti_csv_line(csv), 5);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK_INT(dti_csv_line(csv), 7); /* the quoted newline counted */
    CHECK_INT(n, 3);
    CHECK(field_eq(&f[1], "") && field_eq(&f[2], ""));
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK(field_eq(&f[2], "row"));
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 0);
    dti_csv_close(csv);
    unlink(path);

    /* more fields than stored: the true count is still reported */
    const char wide[] = "1,2,3,4,5,6\n";
    path = dt_unit_temp_file(wide, sizeof wide - 1);
    csv = dti_csv_open(path, "wide.csv", &err);
    CHECK_INT(dti_csv_next(csv, f, 4, &n, &err), 1);
    CHECK_INT(n, 6);
    dti_csv_close(csv);
    unlink(path);

    /* an unterminated quote is an error naming the line */
    const char open_quote[] = "a,b\n1,\"never closed\n";
    path = dt_unit_temp_file(open_quote, sizeof open_quote - 1);
    csv = dti_csv_open(path, "open.csv", &err);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), -1);
    CHECK_INT(err.line, 2);
    CHECK_STR(err.file, "open.csv");
    dti_csv_close(csv);
    unlink(path);

    /* records across the reader's 4 MiB chunk boundaries, quoted and not */
    size_t rows = 300000, size = rows * 40 + 64;
    char *big = malloc(size), *p = big;
    for (size_t i = 0; i < rows; i++)
        p += sprintf(p, i % 3 ? "%zu,plain,%zu\r\n" : "%zu,\"q, %zu\",end\n", i, i);
    path = dt_unit_temp_file(big, (size_t)(p - big));
    free(big);
    csv = dti_csv_open(path, "big.csv", &err);
    size_t seen = 0, good = 0;
    while (dti_csv_next(csv, f, 16, &n, &err) == 1) {
        char want[32];
        snprintf(want, sizeof want, "%zu", seen);
        good += n == 3 && field_eq(&f[0], want) &&
                (seen % 3 ? field_eq(&f[1], "plain") : f[1].len > 3 && f[1].s[1] == ',');
        seen++;
    }
    CHECK_INT(seen, rows);
    CHECK_INT(good, rows);
    CHECK_INT(dti_csv_line(csv), (long)rows);
    dti_csv_close(csv);
    unlink(path);

    /* line ends: LF, lone CR, CRLF each end a record and count as one line, also inside
     * quotes; a CRLF split by the reader's buffer is still one line end (tiny buffers) */
    const char ends[] = "h1,h2\r"
                        "1,a\r\n"
                        "2,\"x\ry\r\nz\"\n"
                        "\r"
                        "3,b\r"
                        "4,c";
    for (size_t chunk = 1; chunk <= 32; chunk++) {
        path = dt_unit_temp_file(ends, sizeof ends - 1);
        csv = dti_csv_open_sized(path, "ends.csv", chunk, &err);
        int ok = csv != NULL;
        long want_line[] = {1, 2, 3, 7, 8};
        const char *want_second[] = {"h2", "a", "x\ry\r\nz", "b", "c"};
        for (int r = 0; ok && r < 5; r++)
            ok = dti_csv_next(csv, f, 16, &n, &err) == 1 && n == 2 &&
                 dti_csv_line(csv) == want_line[r] && field_eq(&f[1], want_second[r]);
        ok = ok && dti_csv_next(csv, f, 16, &n, &err) == 0;
        if (!ok)
            printf("line ends wrong with a %zu-byte buffer\n", chunk);
        CHECK(ok);
        dti_csv_close(csv);
        unlink(path);
    }

    /* a NUL byte makes a bad record (plain or quoted); reading goes on after it */
    const char nul[] = "a,b\n1,10\0\n2,\"x\0\"\n3,ok\n";
    path = dt_unit_temp_file(nul, sizeof nul - 1);
    csv = dti_csv_open(path, "nul.csv", &err);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK_INT(dti_csv_bad_record(csv), 0);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), -1);
    CHECK_INT(dti_csv_bad_record(csv), 1);
    CHECK_INT(err.line, 2);
    CHECK_STR(err.file, "nul.csv");
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), -1);
    CHECK_INT(dti_csv_bad_record(csv), 1);
    CHECK_INT(err.line, 3);
    CHECK_INT(dti_csv_next(csv, f, 16, &n, &err), 1);
    CHECK(field_eq(&f[1], "ok"));
    CHECK_INT(dti_csv_bad_record(csv), 0);
    dti_csv_close(csv);
    unlink(path);

    /* headers: any column named twice (spaces aside) stops, naming it and line 1 */
    static const char *const names[] = {"c"};
    int col, header_fields;
    const char *headers[] = {"a, b ,c\n", "a,b,c,a\n", "a,b,c, b\n", "a,,c,\n", "a,b\0\n"};
    const dt_status want_status[] = {DT_OK, DT_ERR_FORMAT, DT_ERR_FORMAT, DT_OK, DT_ERR_FORMAT};
    for (int h = 0; h < 5; h++) {
        path = dt_unit_temp_file(headers[h], strlen(headers[h]) + (h == 4 ? 2 : 0));
        csv = dti_csv_open(path, "head.csv", &err);
        dt_status got = dti_csv_read_header(csv, names, 1, &col, &header_fields, "test", &err);
        CHECK_INT(got, want_status[h]);
        if (got != DT_OK)
            CHECK_INT(err.line, 1);
        if (h == 2) /* empty names (trailing commas) are no names: h == 3 is fine */
            CHECK_STR(err.message, "column 'b' is named twice (columns 2 and 4)");
        dti_csv_close(csv);
        unlink(path);
    }
    CHECK_STR(err.message, "a NUL byte in the test header");

    CHECK(dti_csv_open("/nonexistent/x.csv", "x.csv", &err) == NULL);
    CHECK_INT(err.status, DT_ERR_IO);
    return dt_unit_report("csv");
}
