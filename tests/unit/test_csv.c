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

    CHECK(dti_csv_open("/nonexistent/x.csv", "x.csv", &err) == NULL);
    CHECK_INT(err.status, DT_ERR_IO);
    return dt_unit_report("csv");
}
