/* SPDX-License-Identifier: MIT */
/* An example program built against the installed library (pkg-config dialtone): run `dialtone
 * stats` in memory and print the region table as CSV, then the total of one column.
 *   cc stats_table.c $(pkg-config --cflags --libs dialtone) -o stats_table
 *   ./stats_table --by county bdc_*.csv */
#include <stdio.h>
#include <string.h>

#include <dialtone/dialtone.h>

/* A field as CSV writes it: quoted when it holds a comma, a quote or a line end. */
static void put_field(const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, stdout);
        return;
    }
    putchar('"');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            putchar('"');
        putchar(*p);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    dt_error err = {0};
    char message[2200];
    dt_stats_options *options = dt_stats_options_new(argc - 1, argv + 1, &err);
    dt_table *table = NULL;
    if (!options || dt_stats_table(options, NULL, NULL, NULL, &table, &err) != DT_OK) {
        fprintf(stderr, "stats_table: %s\n", dt_error_format(&err, message, sizeof message));
        dt_stats_options_free(options);
        return 1;
    }
    unsigned long columns = dt_table_columns(table), rows = dt_table_rows(table);
    for (unsigned long c = 0; c < columns; c++) {
        if (c)
            putchar(',');
        put_field(dt_table_column_name(table, c));
    }
    putchar('\n');
    for (unsigned long r = 0; r < rows; r++) {
        for (unsigned long c = 0; c < columns; c++) {
            if (c)
                putchar(',');
            put_field(dt_table_text(table, r, c));
        }
        putchar('\n');
    }
    /* typed cells: counts are integers */
    long unserved = dt_table_column_index(table, "unserved");
    long long total = 0;
    for (unsigned long r = 0; r < rows; r++)
        total += dt_table_integer(table, r, (unsigned long)unserved);
    fprintf(stderr, "unserved locations: %lld in %lu regions (dialtone %s)\n", total, rows,
            dt_version());
    dt_table_free(table);
    dt_stats_options_free(options);
    return 0;
}
