/* SPDX-License-Identifier: MIT */
/* A streaming CSV reader over GDAL's VSI layer: quotes, CR/LF/CRLF, BOM, NUL bytes, big reads. */
#include <stdlib.h>
#include <string.h>

#include "csv_bytes.h"
#include "internal.h"

#define CSV_CHUNK (4u << 20)

struct dti_csv {
    dti_stream *in;
    char *buf;
    size_t cap, pos, end; /* unread data is buf[pos, end) */
    int eof;
    long next_line; /* line number of buf[pos] */
    long record_line;
    uint64_t consumed; /* bytes before buf[pos] */
    char *name;
    int borrowed; /* buf belongs to the caller (dti_csv_open_memory) */
    /* where the next LF, CR, '"' and NUL are (NO_POSITION: search again): one
     * search per buffer for the bytes a file lacks, not one per record */
    size_t next[4];
    int bad_record; /* the last -1 of dti_csv_next was a bad record, not a broken file */
    int scanner;    /* DTI_CSV_SCAN_*: the record scanner used */
};

enum { NEXT_LF, NEXT_CR, NEXT_QUOTE, NEXT_NUL };
#define NO_POSITION SIZE_MAX
static const char next_byte_of[4] = {'\n', '\r', '"', '\0'};

/* Index of the first byte `which` in buf[pos, end), or end when there is none. */
static inline __attribute__((always_inline)) size_t next_byte(dti_csv *csv, int which)
{
    size_t *at = &csv->next[which];
    if (__builtin_expect(*at < csv->pos || *at == NO_POSITION, 0)) {
        const char *p = memchr(csv->buf + csv->pos, next_byte_of[which], csv->end - csv->pos);
        *at = p ? (size_t)(p - csv->buf) : csv->end;
    }
    return *at;
}

static void forget_positions(dti_csv *csv)
{
    for (int i = 0; i < 4; i++)
        csv->next[i] = NO_POSITION;
}

/* Move unread data to the front and read more; grows the buffer when one
 * record fills it. Returns -1 with err set (no memory, a damaged input). */
static int csv_fill(dti_csv *csv, dt_error *err)
{
    if (csv->pos > 0) {
        memmove(csv->buf, csv->buf + csv->pos, csv->end - csv->pos);
        csv->end -= csv->pos;
        csv->pos = 0;
    }
    forget_positions(csv);
    if (dti_grow(&csv->buf, &csv->cap, csv->end + 1, 1, 1) != 0)
        return dti_error_set(err, DT_ERR_NOMEM, csv->name, 0, "out of memory"), -1;
    size_t want = csv->cap - csv->end, n;
    if (dti_stream_read(csv->in, csv->buf + csv->end, want, &n, err) != 0)
        return -1;
    if (n < want)
        csv->eof = 1;
    csv->end += n;
    return 0;
}

/* More data for the record at buf[pos]: 0 read (or the end of the file found), 1 none for now
 * (memory that more data follows, dti_csv_continues: the record stays unread at pos), -1 an
 * error. */
static int need_more(dti_csv *csv, dt_error *err)
{
    if (csv->borrowed)
        return 1;
    csv->consumed += csv->pos;
    return csv_fill(csv, err) != 0 ? -1 : 0;
}

dti_csv *dti_csv_open(const char *path, const char *display, dt_error *err)
{
    return dti_csv_open_sized(path, display, CSV_CHUNK, err);
}

static dti_csv *open_recorded(const char *path, const char *display, size_t chunk,
                              dti_fingerprint *record, dt_error *err);

dti_csv *dti_csv_open_sized(const char *path, const char *display, size_t chunk, dt_error *err)
{
    return open_recorded(path, display, chunk, NULL, err);
}

dti_csv *dti_csv_open_input(const dti_inputs *inputs, size_t i, dt_error *err)
{
    return open_recorded(inputs->paths[i], inputs->display[i], CSV_CHUNK,
                         inputs->prints ? inputs->prints[i] : NULL, err);
}

static dti_csv *open_recorded(const char *path, const char *display, size_t chunk,
                              dti_fingerprint *record, dt_error *err)
{
    dti_csv *csv = calloc(1, sizeof *csv);
    if (!csv) {
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        return NULL;
    }
    csv->name = strdup(dti_input_name(path, display));
    csv->buf = malloc(chunk);
    csv->cap = chunk;
    csv->next_line = 1;
    if (!csv->name || !csv->buf) {
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        dti_csv_close(csv);
        return NULL;
    }
    if ((csv->in = dti_stream_open(path, csv->name, err)) != NULL)
        dti_stream_record(csv->in, record);
    if (!csv->in || csv_fill(csv, err) != 0) {
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
    forget_positions(csv);
    return csv;
}

void dti_csv_continues(dti_csv *csv) { csv->eof = 0; }

void dti_csv_close(dti_csv *csv)
{
    if (!csv)
        return;
    dti_stream_close(csv->in);
    if (!csv->borrowed)
        free(csv->buf);
    free(csv->name);
    free(csv);
}

char *dti_csv_window(const dti_csv *csv, size_t *len)
{
    *len = csv->end - csv->pos;
    return csv->buf + csv->pos;
}

void dti_csv_take(dti_csv *csv, size_t n, long records)
{
    csv->next_line += records;
    csv->record_line = csv->next_line - 1;
    csv->pos += n;
}

long dti_csv_next_line(const dti_csv *csv) { return csv->next_line; }

long dti_csv_line(const dti_csv *csv) { return csv->record_line; }
const char *dti_csv_name(const dti_csv *csv) { return csv->name; }
uint64_t dti_csv_offset(const dti_csv *csv) { return csv->consumed + csv->pos; }

/* Find where the record at buf[pos] ends: at the first CR or LF outside
 * quotes. Returns 1 found (*stop = index of that CR or LF, or end at EOF),
 * 0 need more data, -1 unterminated quote at end of file. *newlines counts
 * the line ends inside quotes (CR, LF and CRLF one each). */
static int find_record_end(dti_csv *csv, size_t *stop, long *newlines, int *quoted_record)
{
    const char *buf = csv->buf;
    size_t end = csv->end;
    size_t lf = next_byte(csv, NEXT_LF), cr = next_byte(csv, NEXT_CR);
    size_t line_end = cr < lf ? cr : lf;
    *newlines = 0;
    *quoted_record = next_byte(csv, NEXT_QUOTE) < line_end;
    if (!*quoted_record) {
        /* a CR last in the buffer may be the first half of a CRLF */
        if ((line_end == end || (line_end == cr && line_end + 1 == end)) && !csv->eof)
            return 0;
        *stop = line_end;
        return 1;
    }
    /* no line end comes before the first quote: scan from it, stopping only at
     * the three bytes that matter */
    static const unsigned char special[256] = {['"'] = 1, ['\n'] = 1, ['\r'] = 1};
    int quoted = 0;
    for (size_t i = next_byte(csv, NEXT_QUOTE); i < end; i++) {
        if (!special[(unsigned char)buf[i]])
            continue;
        char c = buf[i];
        if (c == '"') {
            quoted = !quoted; /* "" inside quotes toggles twice */
        } else if (c == '\n' || c == '\r') {
            if (!quoted) {
                if (c == '\r' && i + 1 == end && !csv->eof)
                    return 0;
                *stop = i;
                return 1;
            }
            if (c == '\r' && i + 1 < end && buf[i + 1] == '\n')
                i++;
            (*newlines)++;
        }
    }
    if (!csv->eof)
        return 0;
    if (quoted)
        return -1;
    *stop = end;
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

/* ---- the fast scanner: one pass over a record, 16 (SSE2) or 8 (SWAR) bytes at a time ----
 * It finds the record's end and its fields together, and reads exactly as
 * find_record_end and split_fields do (tests/unit/test_csv.c compares them on
 * many generated buffers). It gives up (SCAN_REFERENCE) on what is rare and
 * may be an error, leaving the buffer untouched for the reference path: a
 * quote inside an unquoted field, text after a closing quote, a quote open
 * at the end of the file. */

enum { SCAN_MORE = 0, SCAN_FOUND = 1, SCAN_REFERENCE = 2 };

/* The special bytes of buf[i, i + width), and of fewer at the end of the data. */
static inline __attribute__((always_inline)) unsigned
special_at(const char *buf, size_t i, size_t end, int width, unsigned *commas)
{
    if (i + (size_t)width <= end)
        return width == 16 ? dti_csv_special16(buf + i, commas) : dti_csv_special8(buf + i, commas);
    char pad[16];
    memset(pad, 'a', sizeof pad);
    memcpy(pad, buf + i, end - i);
    unsigned m = width == 16 ? dti_csv_special16(pad, commas) : dti_csv_special8(pad, commas);
    *commas &= (1u << (end - i)) - 1;
    return m & ((1u << (end - i)) - 1);
}

size_t dti_csv_unescape(char *s, size_t len)
{
    size_t w = 0;
    for (size_t r = 0; r < len; r++, w++) {
        s[w] = s[r];
        if (s[r] == '"')
            r++; /* the second of "" */
    }
    return w;
}

static inline __attribute__((always_inline)) int scan_record(dti_csv *csv, dti_field *fields,
                                                             int max_fields, int *nfields,
                                                             size_t *stop, long *newlines, int *nul,
                                                             int width)
{
    char *buf = csv->buf;
    const size_t begin = csv->pos, end = csv->end;
    size_t field = begin; /* where the current field starts */
    size_t skip = begin;  /* specials before this were dealt with */
    int n = 0, quoted = 0, escaped = 0;
    uint64_t escaped_fields = 0; /* fields (of the first 64) holding "" */
    *newlines = 0;
    *nul = 0;
    for (size_t block = begin; block < end; block += (size_t)width) {
        unsigned commas, m = special_at(buf, block, end, width, &commas);
        if (!m && !quoted) {
            /* only commas (the most common block): each ends a field, those before skip
             * excepted (the comma after a closing quote, already taken) */
            if (skip > block)
                commas &= skip - block >= (size_t)width ? 0 : ~0u << (skip - block);
            for (; commas; commas &= commas - 1) {
                size_t i = block + (size_t)__builtin_ctz(commas);
                if (n < max_fields)
                    fields[n] = (dti_field){buf + field, i - field};
                n++;
                field = i + 1;
            }
            continue;
        }
        m |= commas;
        for (; m; m &= m - 1) {
            size_t i = block + (size_t)__builtin_ctz(m);
            if (i < skip)
                continue;
            char c = buf[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 == end && !csv->eof)
                        return SCAN_MORE;
                    if (i + 1 < end && buf[i + 1] == '"') {
                        escaped = 1;
                        skip = i + 2;
                        continue;
                    }
                    /* the closing quote: a comma, a line end or the end must follow */
                    char after = i + 1 < end ? buf[i + 1] : '\n';
                    if (after != ',' && after != '\n' && after != '\r')
                        return SCAN_REFERENCE;
                    if (n < max_fields) {
                        fields[n] = (dti_field){buf + field + 1, i - field - 1};
                        if (escaped && n < 64)
                            escaped_fields |= 1ull << n;
                    }
                    n++;
                    quoted = escaped = 0;
                    if (after == ',') {
                        field = skip = i + 2;
                        continue;
                    }
                    i++; /* the record ends at the line end after the quote */
                    if (i == end) {
                        *stop = end;
                        goto found;
                    }
                    if (buf[i] == '\r' && i + 1 == end && !csv->eof)
                        return SCAN_MORE;
                    *stop = i;
                    goto found;
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < end && buf[i + 1] == '\n')
                        skip = i + 2;
                    (*newlines)++;
                } else if (c == '\0') {
                    *nul = 1;
                }
                continue;
            }
            if (c == ',') {
                if (n < max_fields)
                    fields[n] = (dti_field){buf + field, i - field};
                n++;
                field = i + 1;
            } else if (c == '"') {
                if (i != field)
                    return SCAN_REFERENCE; /* a quote inside an unquoted field */
                quoted = 1;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 == end && !csv->eof)
                    return SCAN_MORE; /* maybe the first half of a CRLF */
                if (n < max_fields)
                    fields[n] = (dti_field){buf + field, i - field};
                n++;
                *stop = i;
                goto found;
            } else if (c == '\0') {
                *nul = 1;
            }
        }
    }
    if (!csv->eof)
        return SCAN_MORE;
    if (quoted)
        return SCAN_REFERENCE; /* unterminated: the reference path says so */
    if (n < max_fields)
        fields[n] = (dti_field){buf + field, end - field};
    n++;
    *stop = end;
found:
    *nfields = n;
    if (*nul || *stop == begin)
        return SCAN_FOUND; /* a bad row or a blank line: its fields are not used */
    for (int k = 0; escaped_fields; k++, escaped_fields >>= 1)
        if (escaped_fields & 1)
            fields[k].len = dti_csv_unescape((char *)fields[k].s, fields[k].len);
    /* past the 64th field: a quoted field (a quote before it) holding a quote */
    for (int k = 64; k < n && k < max_fields; k++)
        if (fields[k].s[-1] == '"' && memchr(fields[k].s, '"', fields[k].len))
            fields[k].len = dti_csv_unescape((char *)fields[k].s, fields[k].len);
    return SCAN_FOUND;
}

static int scan_fast(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, size_t *stop,
                     long *newlines, int *nul)
{
    return scan_record(csv, fields, max_fields, nfields, stop, newlines, nul, 16);
}

static int scan_swar(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, size_t *stop,
                     long *newlines, int *nul)
{
    return scan_record(csv, fields, max_fields, nfields, stop, newlines, nul, 8);
}

void dti_csv_set_scanner(dti_csv *csv, int scanner) { csv->scanner = scanner; }

int dti_csv_next(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, dt_error *err)
{
    csv->bad_record = 0;
    for (;;) {
        if (csv->pos >= csv->end) {
            int more = csv->eof ? 1 : need_more(csv, err);
            if (more != 0)
                return more < 0 ? -1 : 0;
            continue;
        }
        size_t stop;
        long quoted_newlines;
        if (csv->scanner != DTI_CSV_SCAN_REFERENCE) {
            int nul, scanned = csv->scanner == DTI_CSV_SCAN_SWAR
                                   ? scan_swar(csv, fields, max_fields, nfields, &stop,
                                               &quoted_newlines, &nul)
                                   : scan_fast(csv, fields, max_fields, nfields, &stop,
                                               &quoted_newlines, &nul);
            if (scanned == SCAN_MORE) {
                int more = need_more(csv, err);
                if (more != 0)
                    return more < 0 ? -1 : 0;
                continue;
            }
            if (scanned == SCAN_FOUND) {
                size_t begin = csv->pos;
                csv->record_line = csv->next_line;
                csv->pos = stop;
                if (stop < csv->end) /* past the CR, LF or CRLF */
                    csv->pos +=
                        csv->buf[stop] == '\r' && stop + 1 < csv->end && csv->buf[stop + 1] == '\n'
                            ? 2
                            : 1;
                csv->next_line += 1 + quoted_newlines;
                if (stop == begin)
                    continue; /* blank line */
                if (nul) {
                    csv->bad_record = 1;
                    return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                         "a NUL byte in the record"),
                           -1;
                }
                return 1;
            }
            /* SCAN_REFERENCE: the record as the reference path reads it */
        }
        int quoted;
        int found = find_record_end(csv, &stop, &quoted_newlines, &quoted);
        if (found == 0) {
            int more = need_more(csv, err);
            if (more != 0)
                return more < 0 ? -1 : 0;
            continue;
        }
        csv->record_line = csv->next_line;
        if (found < 0)
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "unterminated quoted field at end of file"),
                   -1;
        size_t begin = csv->pos;
        int nul = next_byte(csv, NEXT_NUL) < stop;
        csv->pos = stop;
        if (stop < csv->end) /* past the CR, LF or CRLF */
            csv->pos +=
                csv->buf[stop] == '\r' && stop + 1 < csv->end && csv->buf[stop + 1] == '\n' ? 2 : 1;
        csv->next_line += 1 + quoted_newlines;
        if (stop == begin)
            continue; /* blank line */
        if (nul) {
            csv->bad_record = 1;
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "a NUL byte in the record"),
                   -1;
        }
        if (!quoted)
            split_plain(csv->buf + begin, csv->buf + stop, fields, max_fields, nfields);
        else if (split_fields(csv, begin, stop, fields, max_fields, nfields, err) != 0)
            return -1;
        return 1;
    }
}

int dti_csv_bad_record(const dti_csv *csv) { return csv->bad_record; }

int dti_field_is(const dti_field *f, const char *text)
{
    size_t n = strlen(text);
    return f->len == n && memcmp(f->s, text, n) == 0;
}

/* A header name without the spaces and tabs around it. */
static dti_field header_name(dti_field f)
{
    while (f.len && (f.s[f.len - 1] == ' ' || f.s[f.len - 1] == '\t'))
        f.len--;
    while (f.len && (*f.s == ' ' || *f.s == '\t'))
        f.s++, f.len--;
    return f;
}

int dti_csv_column(const dti_field *header, int nfields, const char *name)
{
    for (int i = 0; i < nfields; i++) {
        dti_field f = header_name(header[i]);
        if (dti_field_is(&f, name))
            return i;
    }
    return -1;
}

dt_status dti_csv_check_header(const dti_csv *csv, const dti_field *header, int stored,
                               dt_error *err)
{
    for (int i = 1; i < stored; i++) {
        dti_field name = header_name(header[i]);
        for (int j = 0; j < i && name.len; j++) {
            dti_field earlier = header_name(header[j]);
            if (earlier.len == name.len && memcmp(earlier.s, name.s, name.len) == 0)
                return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                     "column '%.*s' is named twice (columns %d and %d)",
                                     (int)(name.len < 200 ? name.len : 200), name.s, j + 1, i + 1);
        }
    }
    return DT_OK;
}

/* The header record, checked: 1 read, or a status with err set. */
static dt_status read_header_record(dti_csv *csv, dti_field *fields, int *n, const char *what,
                                    dt_error *err)
{
    int rc = dti_csv_next(csv, fields, DTI_MAX_FIELDS, n, err);
    if (rc < 0 && csv->bad_record)
        return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                             "a NUL byte in the %s header", what);
    if (rc < 0)
        return err->status;
    if (rc == 0)
        return dti_error_set(err, DT_ERR_FORMAT, csv->name, 1, "empty file: no %s header", what);
    return dti_csv_check_header(csv, fields, *n < DTI_MAX_FIELDS ? *n : DTI_MAX_FIELDS, err);
}

dt_status dti_csv_read_header(dti_csv *csv, const char *const *names, int count, int *columns,
                              int *header_fields, const char *what, dt_error *err)
{
    dti_field fields[DTI_MAX_FIELDS];
    int n = 0;
    dt_status status = read_header_record(csv, fields, &n, what, err);
    if (status != DT_OK)
        return status;
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
    dt_status status = read_header_record(csv, fields, &n, what, err);
    if (status != DT_OK)
        return status;
    for (int i = 0; i < count; i++) {
        columns[i] = dti_csv_column(fields, n < DTI_MAX_FIELDS ? n : DTI_MAX_FIELDS, names[i]);
        if (columns[i] < 0 && i < required && !expected)
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "not a %s header: no column '%s'", what, names[i]);
        if (columns[i] < 0 && i < required)
            return dti_error_set(err, DT_ERR_FORMAT, csv->name, csv->record_line,
                                 "not a %s header: no column '%s' (expected %s)", what, names[i],
                                 expected);
    }
    *header_fields = n;
    return DT_OK;
}
