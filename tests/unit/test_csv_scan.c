/* SPDX-License-Identifier: MIT */
/* Unit tests of the CSV record scanners: the fast one (16 bytes at a time), the SWAR one (8) and
 * the reference one read quotes, CR, CRLF, NUL bytes and fields across the 8- and 16-byte
 * boundaries as written by hand here, and alike on many generated buffers, from memory and from
 * files read in small chunks (records across refills). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static const int scanners[] = {DTI_CSV_SCAN_FAST, DTI_CSV_SCAN_SWAR, DTI_CSV_SCAN_REFERENCE};
static const char *const scanner_names[] = {"fast", "swar", "reference"};

/* Append to out what reading csv gives, record by record: "LINE:[f1|f2]" for a record (with its
 * field count when more than max_fields), "LINE:bad" for a bad row, "error LINE: message" for an
 * error (the end), then "@OFFSET" after each. Bytes below 32 print as \xNN. */
static void describe_from(dti_csv *csv, int max_fields, int lines, uint64_t base, char *out,
                          size_t size);
static void describe(dti_csv *csv, int max_fields, char *out, size_t size)
{
    describe_from(csv, max_fields, 1, 0, out, size);
}

/* The same, appended to what out holds; without line numbers when not lines (they start again
 * in a reader of a piece), offsets past base. */
static void describe_from(dti_csv *csv, int max_fields, int lines, uint64_t base, char *out,
                          size_t size)
{
    dti_field f[DTI_MAX_FIELDS];
    dt_error err;
    size_t used = strlen(out);
#define PUT(...) (used += (size_t)snprintf(out + used, used < size ? size - used : 0, __VA_ARGS__))
    for (int rc, n; (rc = dti_csv_next(csv, f, max_fields, &n, &err)) != 0;) {
        if (rc < 0 && !dti_csv_bad_record(csv)) {
            PUT("error %ld: %s", lines ? err.line : 0, err.message);
            break;
        }
        if (rc < 0) {
            PUT("%ld:bad", lines ? err.line : 0);
        } else {
            PUT("%ld:[", lines ? dti_csv_line(csv) : 0);
            for (int i = 0; i < n && i < max_fields; i++) {
                PUT("%s", i ? "|" : "");
                for (size_t k = 0; k < f[i].len; k++) {
                    unsigned char c = (unsigned char)f[i].s[k];
                    if (c < 32 || c == '|' || c == '\\')
                        PUT("\\x%02x", c);
                    else
                        PUT("%c", c);
                }
            }
            PUT("]");
            if (n > max_fields)
                PUT("(%d)", n);
        }
        PUT("@%llu ", (unsigned long long)(base + dti_csv_offset(csv)));
    }
#undef PUT
}

/* What scanner reads from a copy of data[0, len) in memory (line numbers when lines). */
static void read_memory_lines(const char *data, size_t len, int scanner, int max_fields,
                              int lines, char *out, size_t size)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    dt_error err;
    dti_csv *csv = dti_csv_open_memory(copy, len, "mem.csv", 1, &err);
    dti_csv_set_scanner(csv, scanner);
    out[0] = '\0';
    describe_from(csv, max_fields, lines, 0, out, size);
    dti_csv_close(csv);
    free(copy);
}

static void read_memory(const char *data, size_t len, int scanner, int max_fields, char *out,
                        size_t size)
{
    read_memory_lines(data, len, scanner, max_fields, 1, out, size);
}

/* What scanner reads from data[0, len) given as two pieces of memory, the first ending at cut
 * with more data to follow (dti_csv_continues), the second from where the first left off to the
 * end (lines not counted: a piece's reader starts its own). */
static void read_pieces(const char *data, size_t len, size_t cut, int scanner, int max_fields,
                        char *out, size_t size)
{
    char *copy = malloc(len ? len : 1);
    memcpy(copy, data, len);
    dt_error err;
    dti_csv *csv = dti_csv_open_memory(copy, cut, "piece.csv", 1, &err);
    dti_csv_set_scanner(csv, scanner);
    dti_csv_continues(csv);
    out[0] = '\0';
    describe_from(csv, max_fields, 0, 0, out, size);
    uint64_t used = dti_csv_offset(csv);
    dti_csv_close(csv);
    if (!strstr(out, "error ")) { /* an error ends the reading, as in one piece */
        csv = dti_csv_open_memory(copy + used, len - (size_t)used, "rest.csv", 1, &err);
        dti_csv_set_scanner(csv, scanner);
        describe_from(csv, max_fields, 0, used, out, size);
        dti_csv_close(csv);
    }
    free(copy);
}

/* What scanner reads from a file holding data, chunk bytes at a time (the BOM check aside). */
static void read_file(const char *data, size_t len, int scanner, size_t chunk, int max_fields,
                      char *out, size_t size)
{
    const char *path = dt_unit_temp_file(data, len);
    dt_error err;
    dti_csv *csv = dti_csv_open_sized(path, "file.csv", chunk, &err);
    if (!csv) {
        snprintf(out, size, "open failed: %s", err.message);
    } else {
        dti_csv_set_scanner(csv, scanner);
        out[0] = '\0';
        describe(csv, max_fields, out, size);
        dti_csv_close(csv);
    }
    unlink(path);
}

/* Every scanner, from memory and from a file in 16- and 17-byte chunks, reads text as want. */
static void check_reads(const char *text, size_t len, const char *want)
{
    char got[4096];
    for (int s = 0; s < 3; s++) {
        read_memory(text, len, scanners[s], DTI_MAX_FIELDS, got, sizeof got);
        CHECK_STR(got, want);
        for (size_t chunk = 16; chunk <= 17; chunk++) {
            read_file(text, len, scanners[s], chunk, DTI_MAX_FIELDS, got, sizeof got);
            if (strcmp(got, want) != 0)
                fprintf(stderr, "  (%s scanner, %zu-byte chunks)\n", scanner_names[s], chunk);
            CHECK_STR(got, want);
        }
    }
}
#define CHECK_READS(text, want) check_reads(text, sizeof text - 1, want)

/* A random buffer: bytes from an alphabet heavy in what the scanners look at. */
static size_t random_bytes(char *buf, size_t max, unsigned *seed)
{
    static const char alphabet[] = "aaaab1,,,,\"\"\"\n\n\r\r \t\xC3\xA9|";
    size_t len = (size_t)rand_r(seed) % max;
    for (size_t i = 0; i < len; i++)
        buf[i] = rand_r(seed) % 97 == 0 ? '\0' : alphabet[rand_r(seed) % (sizeof alphabet - 1)];
    return len;
}

/* A random CSV: records of plain and quoted fields (commas, "" and line ends inside quotes),
 * LF, CR or CRLF line ends, fields of 0 to 20 bytes so that commas and quotes fall on every
 * position of an 8- and 16-byte word; now and then one byte changed to anything. */
static size_t random_csv(char *buf, size_t max, unsigned *seed)
{
    size_t len = 0;
    int records = 1 + rand_r(seed) % 6;
    for (int r = 0; r < records && len + 200 < max; r++) {
        int fields = 1 + rand_r(seed) % 14;
        for (int i = 0; i < fields; i++) {
            if (i)
                buf[len++] = ',';
            int quoted = rand_r(seed) % 3 == 0, width = rand_r(seed) % 21;
            if (quoted)
                buf[len++] = '"';
            for (int k = 0; k < width; k++) {
                int pick = rand_r(seed) % 20;
                if (quoted && pick == 0)
                    buf[len++] = '"', buf[len++] = '"';
                else if (quoted && pick == 1)
                    buf[len++] = ',';
                else if (quoted && pick == 2)
                    buf[len++] = rand_r(seed) % 2 ? '\n' : '\r';
                else
                    buf[len++] = (char)('a' + pick);
            }
            if (quoted)
                buf[len++] = '"';
        }
        int end = rand_r(seed) % 4;
        if (end == 0 || end == 3)
            buf[len++] = '\n';
        else if (end == 1)
            buf[len++] = '\r';
        else
            buf[len++] = '\r', buf[len++] = '\n';
    }
    if (len && rand_r(seed) % 4 == 0)
        len--; /* no final line end */
    if (len && rand_r(seed) % 5 == 0)
        buf[rand_r(seed) % len] = "\"\n\r,\0x"[rand_r(seed) % 6];
    return len;
}

int main(void)
{
    dti_gdal_init();

    /* quotes: commas inside, doubled quotes, an empty quoted field, a quote closing at the end */
    CHECK_READS("a,\"b,c\",d\n\"x\"\"y\",\"\",\"\"\"\"\n\"\"\"a\"\n",
                "1:[a|b,c|d]@10 2:[x\"y||\"]@25 3:[\"a]@31 ");
    CHECK_READS("a,\"b\"", "1:[a|b]@5 ");
    /* CR alone, CRLF, CR last in the file, blank lines of each kind */
    CHECK_READS("a\rb,c\r\nd\r", "1:[a]@2 2:[b|c]@7 3:[d]@9 ");
    CHECK_READS("\n\r\n\r1\n", "4:[1]@6 ");
    /* line ends inside quotes count as lines; CRLF inside quotes is one */
    CHECK_READS("\"p\r\nq\",z\nnext\n\"r\rs\nt\"\n", "1:[p\\x0d\\x0aq|z]@9 3:[next]@14 "
                                                     "4:[r\\x0ds\\x0at]@22 ");
    /* a NUL byte anywhere (plain, quoted) makes the record bad; reading goes on */
    CHECK_READS("a\0b,c\nd\n\"e\0\",f\ng\n", "1:bad@6 2:[d]@8 3:bad@15 4:[g]@17 ");
    /* fields across the 8- and 16-byte words: commas at 7, 8, 15, 16 and 31 */
    CHECK_READS("aaaaaaa,,bbbbbb,,cccccccccccccc,d\n", "1:[aaaaaaa||bbbbbb||cccccccccccccc|d]@34 ");
    /* a quoted field across 16 bytes, its "" on bytes 15 and 16, its close on 23 */
    CHECK_READS("1,\"abcdefghijkl\"\"mnopqr\",2\n", "1:[1|abcdefghijkl\"mnopqr|2]@27 ");
    /* a line end on byte 16, then on byte 8 of the next record */
    CHECK_READS("0123456789abcdef\n01234567\n", "1:[0123456789abcdef]@17 2:[01234567]@26 ");
    /* what only the reference path reads: a quote inside a plain field (it still counts for
     * where the record ends), text after a closing quote, a quote open at the end */
    CHECK_READS("ab\"c,d\"e\n2\n", "1:[ab\"c|d\"e]@9 2:[2]@11 ");
    CHECK_READS("ab\"c\nd\"\n2\n", "1:[ab\"c\\x0ad\"]@8 3:[2]@10 ");
    CHECK_READS("\"a\"b,c\n", "error 1: text after the closing quote of field 1");
    CHECK_READS("1\n\"abc\n", "1:[1]@2 error 2: unterminated quoted field at end of file");
    CHECK_READS("a\"b,\"c\n", "error 1: unterminated quoted field (field 2)");
    /* more fields than stored: the true count, and the first ones */
    {
        char got[512];
        for (int s = 0; s < 3; s++) {
            read_memory("1,\"2\",3,4,5\n", 12, scanners[s], 2, got, sizeof got);
            CHECK_STR(got, "1:[1|2](5)@12 ");
        }
    }

    /* the fast and SWAR scanners read every generated buffer as the reference one does */
    unsigned seed = 12345;
    static char buf[4096];
    char want[16384], got[16384];
    int differ = 0, compared = 0;
    for (int round = 0; round < 30000 && differ < 5; round++) {
        size_t len = round % 2 ? random_bytes(buf, 160, &seed) : random_csv(buf, sizeof buf, &seed);
        int max_fields = round % 7 == 0 ? 3 : DTI_MAX_FIELDS;
        read_memory(buf, len, DTI_CSV_SCAN_REFERENCE, max_fields, want, sizeof want);
        for (int s = 0; s < 2; s++) {
            read_memory(buf, len, scanners[s], max_fields, got, sizeof got);
            compared++;
            if (strcmp(got, want) != 0 && ++differ <= 5)
                fprintf(stderr, "  round %d, %s scanner: %s\n  reference: %s\n", round,
                        scanner_names[s], got, want);
        }
        if (round % 3 == 0) { /* in two pieces, cut anywhere: as in one, by every scanner */
            size_t cut = (size_t)rand_r(&seed) % (len + 1);
            for (int s = 0; s < 3; s++) {
                read_memory_lines(buf, len, scanners[s], max_fields, 0, want, sizeof want);
                read_pieces(buf, len, cut, scanners[s], max_fields, got, sizeof got);
                compared++;
                if (strcmp(got, want) != 0 && ++differ <= 5)
                    fprintf(stderr, "  round %d, %s scanner, cut at %zu: %s\n  in one: %s\n",
                            round, scanner_names[s], cut, got, want);
            }
        }
        if (round % 10 == 0) { /* from a file in small chunks: records across refills */
            size_t chunk = 16 + (size_t)rand_r(&seed) % 48;
            read_file(buf, len, DTI_CSV_SCAN_REFERENCE, chunk, max_fields, want, sizeof want);
            read_file(buf, len, DTI_CSV_SCAN_FAST, chunk, max_fields, got, sizeof got);
            compared++;
            if (strcmp(got, want) != 0 && ++differ <= 5)
                fprintf(stderr, "  round %d, fast scanner, %zu-byte chunks: %s\n  reference: %s\n",
                        round, chunk, got, want);
        }
    }
    CHECK_INT(differ, 0);
    CHECK_INT(compared, 93000);
    return dt_unit_report("csv_scan");
}
