/* A streaming CSV reader over GDAL's VSI layer: quotes, CRLF, BOM, big reads. */
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>

#include "internal.h"

#define CSV_CHUNK (4u << 20)

struct dti_csv {
    VSILFILE *fp;
    char *buf;
    size_t cap, pos, end; /* unread data is buf[pos, end) */
    int eof;
    long next_line; /* line number of buf[pos] */
    long record_line;
    uint64_t consumed; /* bytes before buf[pos] */
    char *name;
    int borrowed; /* buf belongs to the caller (dti_csv_open_memory) */
};

/* Move unread data to the front and read more; grows the buffer when one
 * record fills it. Returns -1 on a read error. */
static int csv_fill(dti_csv *csv)
{
    if (csv->pos > 0) {
        memmove(csv->buf, csv->buf + csv->pos, csv->end - csv->pos);
        csv->end -= csv->pos;
        csv->pos = 0;
    }
    if (csv->end == csv->cap) {
        char *grown = realloc(csv->buf, csv->cap * 2);
        if (!grown)
            return -1;
        csv->buf = grown;
        csv->cap *= 2;
    }
    size_t n = VSIFReadL(csv->buf + csv->end, 1, csv->cap - csv->end, csv->fp);
    if (n == 0)
        csv->eof = 1;
    csv->end += n;
    return 0;
}

dti_csv *dti_csv_open(const char *path, const char *display, dt_error *err)
{
    return dti_csv_open_sized(path, display, CSV_CHUNK, err);
}

dti_csv *dti_csv_open_sized(const char *path, const char *display, size_t chunk, dt_error *err)
{
    dti_csv *csv = calloc(1, sizeof *csv);
    if (!csv) {
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        return NULL;
    }
    csv->name = strdup(display ? display : path);
    csv->buf = malloc(chunk);
    csv->cap = chunk;
    csv->next_line = 1;
    if (!csv->name || !csv->buf) {
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        dti_csv_close(csv);
        return NULL;
    }
    csv->fp = VSIFOpenL(path, "rb");
    if (!csv->fp) {
        dti_error_set(err, DT_ERR_IO, csv->name, 0, "cannot open for reading");
        dti_csv_close(csv);
        return NULL;
    }
    if (csv_fill(csv) != 0) {
        dti_error_set(err, DT_ERR_NOMEM, csv->name, 0, "out of memory");
        dti_csv_close(csv);
        return NULL;
    }
    if (csv->end >= 3 && memcmp(csv->buf, "\xEF\xBB\xBF", 3) == 0)
        csv->pos = 3;
    return csv;
}

dti_csv *dti_csv_open_memory(char *data, size_t len, const char *display, long first_line,
                             dt_error *err)
{
    dti_csv *csv = calloc(1, sizeof *csv);
    if (!csv || !(csv->name = strdup(display))) {
        free(csv);
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        return NULL;
    }
    csv->buf = data;
    csv->cap = csv->end = len;
    csv->eof = 1;
    csv->borrowed = 1;
    csv->next_line = first_line;
    return csv;
}

void dti_csv_close(dti_csv *csv)
{
    if (!csv)
        return;
    if (csv->fp)
        VSIFCloseL(csv->fp);
    if (!csv->borrowed)
        free(csv->buf);
    free(csv->name);
    free(csv);
}

long dti_csv_line(const dti_csv *csv) { return csv->record_line; }
const char *dti_csv_name(const dti_csv *csv) { return csv->name; }
uint64_t dti_csv_offset(const dti_csv *csv) { return csv->consumed + csv->pos; }

/* Find where the record at buf[pos] ends, honouring quoted newlines.
 * Returns 1 found (*stop = index of '\n' or end at EOF), 0 need more data,
 * -1 unterminated quote at end of file. *newlines counts quoted newlines. */
static int find_record_end(const dti_csv *csv, size_t *stop, long *newlines, int *quoted_record)
{
    const char *start = csv->buf + csv->pos;
    size_t avail = csv->end - csv->pos;
    const char *nl = memchr(start, '\n', avail);
    size_t span = nl ? (size_t)(nl - start) : avail;
    *newlines = 0;
    *quoted_record = memchr(start, '"', span) != NULL;
    if (!*quoted_record) {
        if (!nl && !csv->eof)
            return 0;
        *stop = csv->pos + span;
        return 1;
    }
    int quoted = 0;
    for (size_t i = 0; i < avail; i++) {
        char c = start[i];
        if (c == '"')
            quoted = !quoted; /* "" inside quotes toggles twice */
        else if (c == '\n') {
            if (!quoted) {
                *stop = csv->pos + i;
                return 1;
            }
            (*newlines)++;
        }
    }
    if (!csv->eof)
        return 0;
    if (quoted)
        return -1;
    *stop = csv->end;
    return 1;
}

/* Split a record without quotes: commas found eight bytes at a time. */
static void split_plain(char *p, char *limit, dti_field *fields, int max_fields, int *nfields)
{
    int n = 0;
    char *start = p;
    for (; p + 8 <= limit; p += 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        for (uint64_t m = dti_byte_mask(word, ','); m; m &= m - 1) {
            char *comma = p + (__builtin_ctzll(m) >> 3);
            if (n < max_fields)
                fields[n] = (dti_field){start, (size_t)(comma - start)};
            n++;
            start = comma + 1;
        }
    }
    for (; p < limit; p++)
        if (*p == ',') {
            if (n < max_fields)
                fields[n] = (dti_field){start, (size_t)(p - start)};
            n++;
            start = p + 1;
        }
    if (n < max_fields)
        fields[n] = (dti_field){start, (size_t)(limit - start)};
    *nfields = n + 1;
}

/* Split buf[begin, stop) into fields in place, removing quotes. */
static int split_fields(dti_csv *csv, size_t begin, size_t stop, dti_field *fields, int max_fields,
                        int *nfields, dt_error *err)
{
    char *p = csv->buf + begin, *limit = csv->buf + stop;
    int n = 0;
    for (;;) {
        char *field_start = p, *field_end;
        if (p < limit && *p == '"') {
            char *w = p, *r = p + 1;
            for (;;) {
                if (r >= limit) {
                    dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                  "unterminated quoted field (field %d)", n + 1);
                    return -1;
                }
                if (*r == '"') {
                    if (r + 1 < limit && r[1] == '"') {
                        *w++ = '"';
                        r += 2;
                        continue;
                    }
                    r++;
                    break;
                }
                *w++ = *r++;
            }
            if (r < limit && *r != ',') {
                dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                              "text after the closing quote of field %d", n + 1);
                return -1;
            }
            field_end = w;
            p = r;
        } else {
            char *comma = memchr(p, ',', (size_t)(limit - p));
            p = comma ? comma : limit;
            field_end = p;
        }
        if (n < max_fields) {
            fields[n].s = field_start;
            fields[n].len = (size_t)(field_end - field_start);
        }
        n++;
        if (p >= limit)
            break;
        p++; /* past the comma */
    }
    *nfields = n;
    return 0;
}

int dti_csv_next(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, dt_error *err)
{
    for (;;) {
        if (csv->pos >= csv->end) {
            if (csv->eof)
                return 0;
            csv->consumed += csv->pos;
            if (csv_fill(csv) != 0)
                return dti_error_set(err, DT_ERR_NOMEM, csv->name, 0, "out of memory"), -1;
            continue;
        }
        size_t stop;
        long quoted_newlines;
        int quoted;
        int found = find_record_end(csv, &stop, &quoted_newlines, &quoted);
        if (found == 0) {
            csv->consumed += csv->pos;
            if (csv_fill(csv) != 0)
                return dti_error_set(err, DT_ERR_NOMEM, csv->name, 0, "out of memory"), -1;
            continue;
        }
        csv->record_line = csv->next_line;
        if (found < 0)
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "unterminated quoted field at end of file"),
                   -1;
        size_t begin = csv->pos, text_end = stop;
        csv->pos = stop < csv->end ? stop + 1 : stop;
        csv->next_line += 1 + quoted_newlines;
        if (text_end > begin && csv->buf[text_end - 1] == '\r')
            text_end--;
        if (text_end == begin)
            continue; /* blank line */
        if (!quoted)
            split_plain(csv->buf + begin, csv->buf + text_end, fields, max_fields, nfields);
        else if (split_fields(csv, begin, text_end, fields, max_fields, nfields, err) != 0)
            return -1;
        return 1;
    }
}

int dti_field_is(const dti_field *f, const char *text)
{
    size_t n = strlen(text);
    return f->len == n && memcmp(f->s, text, n) == 0;
}

int dti_csv_column(const dti_field *header, int nfields, const char *name)
{
    for (int i = 0; i < nfields; i++) {
        dti_field f = header[i];
        while (f.len && (f.s[f.len - 1] == ' ' || f.s[f.len - 1] == '\t'))
            f.len--;
        while (f.len && (*f.s == ' ' || *f.s == '\t'))
            f.s++, f.len--;
        if (dti_field_is(&f, name))
            return i;
    }
    return -1;
}

dt_status dti_csv_read_header(dti_csv *csv, const char *const *names, int count, int *columns,
                              int *header_fields, const char *what, dt_error *err)
{
    dti_field fields[DTI_MAX_FIELDS];
    int n = 0;
    int rc = dti_csv_next(csv, fields, DTI_MAX_FIELDS, &n, err);
    if (rc < 0)
        return err->status;
    if (rc == 0)
        return dti_error_set(err, DT_ERR_FORMAT, csv->name, 1, "empty file: no %s header", what);
    for (int i = 0; i < count; i++) {
        columns[i] = dti_csv_column(fields, n < DTI_MAX_FIELDS ? n : DTI_MAX_FIELDS, names[i]);
        if (columns[i] < 0)
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "not a %s header: no column '%s'", what, names[i]);
    }
    *header_fields = n;
    return DT_OK;
}

dt_status dti_csv_read_header_optional(dti_csv *csv, const char *const *names, int required,
                                       int count, int *columns, int *header_fields,
                                       const char *what, const char *expected, dt_error *err)
{
    dti_field fields[DTI_MAX_FIELDS];
    int n = 0;
    int rc = dti_csv_next(csv, fields, DTI_MAX_FIELDS, &n, err);
    if (rc < 0)
        return err->status;
    if (rc == 0)
        return dti_error_set(err, DT_ERR_FORMAT, csv->name, 1, "empty file: no %s header", what);
    for (int i = 0; i < count; i++) {
        columns[i] = dti_csv_column(fields, n < DTI_MAX_FIELDS ? n : DTI_MAX_FIELDS, names[i]);
        if (columns[i] < 0 && i < required)
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "not a %s header: no column '%s' (expected %s)", what, names[i],
                                 expected);
    }
    *header_fields = n;
    return DT_OK;
}
