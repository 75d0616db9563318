/* SPDX-License-Identifier: MIT */
/* Reading inputs: the BDC file lists, one input's bytes checked to the end, CSV records. */
#ifndef DIALTONE_READ_H
#define DIALTONE_READ_H

#include <stdio.h>

#include "core.h"

/* ---- inputs (inputs.c) ---- */
/* The readable CSV members behind the user's arguments: plain files, globs,
 * .zip archives (each CSV inside, through /vsizip/), /vsi paths. */
/* What an input held when it was read to its end: its bytes (after decompression) and their
 * XXH3-64 hash, computed as they are read (provenance: which file a table was made from). */
typedef struct dti_fingerprint {
    uint64_t xxh3, bytes;
    int done; /* read to the end */
} dti_fingerprint;

typedef struct dti_inputs {
    char **paths;   /* what dti_stream_open opens */
    char **display; /* what messages name */
    uint64_t *sizes;
    uint64_t total_size;
    size_t count;
    /* per input, filled by the readers; shared by copies (one state's inputs) */
    dti_fingerprint **prints;
    int owns_prints;
} dti_inputs;

dt_status dti_inputs_expand(char *const *args, size_t nargs, dti_inputs *out, dt_error *err);
/* The same for a set of BDC files, a directory standing for every .csv and .zip file in it, in
 * name order (one with none is an error). */
dt_status dti_inputs_expand_dirs(char *const *args, size_t nargs, dti_inputs *out, dt_error *err);
void dti_inputs_free(dti_inputs *inputs);
/* Input i's size: on disk, or for standard input the bytes read, once read to the end. */
uint64_t dti_input_size(const dti_inputs *inputs, size_t i);

/* ---- one input's bytes, checked to the end (input_stream.c) ---- */
/* A "/vsigzip/FILE" is inflated with zlib (every member's CRC-32 and length
 * checked); a "/vsizip/ARCHIVE.zip/MEMBER" is read through GDAL and checked
 * against its central directory's CRC-32 and size; a GDAL error during a read
 * is an error. Messages name display. */
typedef struct dti_stream dti_stream;
dti_stream *dti_stream_open(const char *path, const char *display, dt_error *err);
/* Read up to n bytes; *got < n only at the end, once the end is checked.
 * 0 ok; -1 error (a truncated or damaged input: DT_ERR_FORMAT naming it). */
int dti_stream_read(dti_stream *s, void *buf, size_t n, size_t *got, dt_error *err);
uint64_t dti_stream_tell(const dti_stream *s); /* bytes read so far */
/* When the stream is read to its end, write its fingerprint into *record (NULL: none). */
void dti_stream_record(dti_stream *s, dti_fingerprint *record);
void dti_stream_close(dti_stream *s); /* accepts NULL */
/* Size (a .gz: its uncompressed size from the trailer, never inflated) and
 * whether path is a directory. 0 ok, -1 no such file. "-" (standard input): size 0. */
int dti_stream_stat(const char *path, uint64_t *size, int *is_dir);
/* stat(2) of a path, or GDAL's VSIStatL of a "/vsi..." one: its size, whether it is a
 * directory and whether a regular file. 0 ok, -1 no such file. */
int dti_path_stat(const char *path, uint64_t *size, int *is_dir, int *is_reg);
/* Every table and CSV input reads standard input when its path is "-" (one stream, read
 * once: dti_path_input refuses "-" for two inputs of a command). Its name in messages:
 * "standard input" for "-", else display (or path when display is NULL). */
int dti_is_stdin(const char *path);
const char *dti_input_name(const char *path, const char *display);

/* ---- CSV reading (csv_read.c) ---- */
typedef struct dti_field {
    const char *s;
    size_t len;
} dti_field;

#define DTI_MAX_FIELDS 64

typedef struct dti_csv dti_csv;
/* Open path through VSI; display names it in messages. Strips a UTF-8 BOM. */
dti_csv *dti_csv_open(const char *path, const char *display, dt_error *err);
/* The same, reading chunk bytes at a time (a look at the first rows). */
dti_csv *dti_csv_open_sized(const char *path, const char *display, size_t chunk, dt_error *err);
/* Input i of inputs, its fingerprint recorded in inputs->prints[i] once read to the end. */
dti_csv *dti_csv_open_input(const dti_inputs *inputs, size_t i, dt_error *err);
/* Read records from data[0, len), which the caller keeps (fields are
 * unquoted in place); line numbers start at first_line. */
dti_csv *dti_csv_open_memory(char *data, size_t len, const char *display, long first_line,
                             dt_error *err);
/* More data follows a reader's memory (a piece of a file): a record that reaches the end of
 * the memory, or ends there in a CR, is left unread, dti_csv_next returning 0 before it, and
 * dti_csv_offset says where it starts. */
void dti_csv_continues(dti_csv *csv);
/* Read the header record and find each of names[0..count) in it; an error
 * names the missing column, or a column named twice (dti_csv_check_header). */
dt_status dti_csv_read_header(dti_csv *csv, const char *const *names, int count, int *columns,
                              int *header_fields, const char *what, dt_error *err);
/* Next record: 1 row, 0 end, -1 error. *nfields is the true count even when
 * it exceeds max_fields (only max_fields are stored). Fields point into the
 * reader's buffer until the next call; quotes are removed. CR, LF and CRLF
 * each end a record (and a line). A record holding a NUL byte is -1 with
 * dti_csv_bad_record() true: a bad row, after which reading may go on. */
int dti_csv_next(dti_csv *csv, dti_field *fields, int max_fields, int *nfields, dt_error *err);
int dti_csv_bad_record(const dti_csv *csv);
/* The record scanner dti_csv_next uses: the default one pass over 16 bytes
 * at a time (SSE2, or SWAR where there is none), the same over 8 bytes
 * (SWAR), or the reference (find the record's end, then split it). All three
 * read every input alike; tests compare them. */
enum { DTI_CSV_SCAN_FAST, DTI_CSV_SCAN_SWAR, DTI_CSV_SCAN_REFERENCE };
void dti_csv_set_scanner(dti_csv *csv, int scanner);
/* For a reader that takes plain records itself (dti_bdc_fast_row): the unread bytes of the
 * buffer, *len of them from the pointer returned (*len 0: none, call dti_csv_next), and
 * dti_csv_take of the next records, as many as n bytes hold with their line ends, that the
 * caller has read (each one line; the last of them is then the last record, as from
 * dti_csv_next). dti_csv_next_line: the line the next record starts on. */
char *dti_csv_window(const dti_csv *csv, size_t *len);
/* Remove the doubling of quotes from a quoted field's text (between its quotes) in place:
 * the length left. */
size_t dti_csv_unescape(char *s, size_t len);
void dti_csv_take(dti_csv *csv, size_t n, long records);
long dti_csv_next_line(const dti_csv *csv);
long dti_csv_line(const dti_csv *csv); /* line where the last record starts */
const char *dti_csv_name(const dti_csv *csv);
uint64_t dti_csv_offset(const dti_csv *csv); /* bytes consumed */
void dti_csv_close(dti_csv *csv);
/* Write one CSV field to a FILE *stream, quoted when it needs to be. */
void dti_csv_put_field(FILE *stream, const char *text);
/* Index of the column named name in a header, or -1. */
int dti_csv_column(const dti_field *header, int nfields, const char *name);
/* SPEC's header rule for every CSV input: no column of header[0..stored)
 * (ignoring the spaces around it; empty names aside) is named twice. DT_OK,
 * or an error naming the file, the header's line and the column. */
dt_status dti_csv_check_header(const dti_csv *csv, const dti_field *header, int stored,
                               dt_error *err);
int dti_field_is(const dti_field *f, const char *text);

#endif
