/* SPDX-License-Identifier: MIT */
/* Reading BDC availability files into a coverage: sequential, or parallel (a big plain file
 * in one byte range per thread, other files in chunks fed by the calling thread) with
 * per-thread coverages merged exactly at the end. */
#define _GNU_SOURCE /* memrchr */
#include "xxh.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define CHUNK_SIZE (8u << 20)
/* A range is read a buffer of this much at a time: small enough that the bytes pread copies
 * are still in the core's cache when they are parsed (against 8 MiB: large 0.938, medium 0.931
 * in 10 pairs, and 0.1 s less system time on large). */
#define RANGE_BUFFER (256u << 10)
#define CHUNKS_PER_WORKER 3
/* Below this much input, threads cost more than they save. */
#define PARALLEL_MIN_BYTES (16u << 20)

static dt_status read_header(dti_csv *csv, dti_bdc_layout *layout, dt_error *err)
{
    /* brand_name is read only for the provider table, and not required */
    const char *names[DTI_BDC_NCOLS + 1];
    int col[DTI_BDC_NCOLS + 1];
    memcpy(names, dti_bdc_columns, sizeof dti_bdc_columns);
    names[DTI_BDC_NCOLS] = "brand_name";
    dt_status status =
        dti_csv_read_header_optional(csv, names, DTI_BDC_NCOLS, DTI_BDC_NCOLS + 1, col,
                                     &layout->header_fields, "BDC fixed availability", NULL, err);
    memcpy(layout->col, col, sizeof layout->col);
    layout->brand = col[DTI_BDC_NCOLS];
    return status;
}

#define BATCH_ROWS 256

typedef struct batch {
    dti_parsed_row rows[BATCH_ROWS];
    size_t n;
} batch;

/* Apply the batched rows. 0 ok (conflicts skipped and counted under
 * --skip-bad-rows); 1 a conflict stops the run (*bad_line, why); -1 no memory. */
static int flush_batch(dti_coverage *cov, batch *b, long *bad_line, char *why, size_t why_size)
{
    size_t start = 0, stop = 0;
    int rc = 0;
    while (start < b->n) {
        rc = dti_coverage_apply(cov, b->rows + start, b->n - start, &stop, why, why_size);
        if (rc <= 0)
            break;
        if (!cov->skip_bad_rows) {
            *bad_line = b->rows[start + stop].line;
            break;
        }
        cov->bad_rows++;
        start += stop + 1;
        rc = 0;
    }
    b->n = 0;
    return rc;
}

/* Parse one record into the batch, flushing it when full. 0 ok; 1 a bad row
 * stops the run (*bad_line, why); -1 no memory. */
static int add_record(dti_coverage *cov, batch *b, const dti_bdc_layout *layout, const dti_field *f,
                      int n, long line, dti_row_cache *cache, long *bad_line, char *why,
                      size_t why_size)
{
    dti_parsed_row *row = &b->rows[b->n];
    int rc = dti_bdc_parse_row(cov, layout, f, n, cache, row, why, why_size);
    if (rc < 0)
        return -1;
    if (rc > 0) {
        if (cov->skip_bad_rows) {
            cov->bad_rows++;
            return 0;
        }
        /* a conflict among the earlier rows comes first */
        char earlier[256];
        rc = flush_batch(cov, b, bad_line, earlier, sizeof earlier);
        if (rc > 0)
            snprintf(why, why_size, "%s", earlier);
        else if (rc == 0)
            *bad_line = line, rc = 1;
        return rc;
    }
    row->line = line;
    if (++b->n == BATCH_ROWS)
        return flush_batch(cov, b, bad_line, why, why_size);
    return 0;
}

/* Take rows the fast way (bdc_fast.c) while it takes them, at most max; *taken counts them
 * (with_lines: each row's line kept for messages). 0 ok, the next row for dti_csv_next; 1 a
 * conflict stops the run (*bad_line, why); -1 no memory. */
static int take_fast(dti_coverage *cov, dti_csv *csv, const dti_bdc_fast *fast,
                     const dti_bdc_layout *layout, batch *b, dti_row_cache *cache, int with_lines,
                     size_t max, size_t *taken, long *bad_line, char *why, size_t why_size)
{
    *taken = 0;
    if (!fast->ncols)
        return 0;
    size_t len;
    char *start = dti_csv_window(csv, &len), *p = start;
    const char *end = p + len;
    dti_field f[DTI_FAST_COLS];
    long used = 0, line = dti_csv_next_line(csv);
    size_t count = 0; /* rows read, taken from csv in one go */
    int rc = 0;
    while (count < max &&
           (used = dti_bdc_fast_row(cov, layout, fast, p, end, f, cache, &b->rows[b->n])) > 0) {
        p += used;
        b->rows[b->n].line = with_lines ? line + (long)count : 0;
        count++;
        if (++b->n == BATCH_ROWS && (rc = flush_batch(cov, b, bad_line, why, why_size)) != 0)
            break;
    }
    dti_csv_take(csv, (size_t)(p - start), (long)count);
    *taken = count;
    return rc != 0 ? rc : used < 0 ? -1 : 0;
}

/* The reference reader: one row after another, errors with file and line. */
static dt_status read_sequential(dti_coverage *cov, const dti_inputs *inputs,
                                 dt_progress_fn progress, void *user, dt_error *err)
{
    uint64_t done = 0;
    dti_row_cache cache;
    dti_row_cache_init(&cache, &cov->rules);
    batch *b = malloc(sizeof *b);
    if (!b)
        return dti_nomem(err);
    b->n = 0;
    dt_status status = DT_OK;
    for (size_t i = 0; i < inputs->count && status == DT_OK; i++) {
        dti_csv *csv = dti_csv_open_input(inputs, i, err);
        if (!csv) {
            status = err->status;
            break;
        }
        dti_bdc_layout layout;
        status = read_header(csv, &layout, err);
        dti_bdc_fast fast;
        dti_bdc_fast_init(&fast, &layout, status != DT_OK);
        dti_field f[DTI_MAX_FIELDS];
        int n, rc = 0;
        char why[256];
        long bad_line = 0;
        uint64_t seen = 0, report = 0; /* rows read; progress at each 65536 */
        while (status == DT_OK) {
            size_t taken;
            int took = take_fast(cov, csv, &fast, &layout, b, &cache, 1, 0x10000, &taken, &bad_line,
                                 why, sizeof why);
            if (took != 0) {
                status = took < 0 ? dti_nomem(err)
                                  : dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), bad_line,
                                                  "%s", why);
                break;
            }
            seen += taken;
            if ((rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) == 0)
                break;
            if (rc < 0) {
                if (!dti_csv_bad_record(csv)) {
                    status = err->status;
                    break;
                }
                if (cov->skip_bad_rows) { /* a NUL byte: a bad row like any other */
                    cov->bad_rows++;
                    continue;
                }
                dt_error bad = *err; /* a conflict among the batched rows comes first */
                int flushed = flush_batch(cov, b, &bad_line, why, sizeof why);
                if (flushed < 0)
                    status = dti_nomem(err);
                else if (flushed > 0)
                    status =
                        dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), bad_line, "%s", why);
                else
                    status = (*err = bad).status;
                break;
            }
            int added = add_record(cov, b, &layout, f, n, dti_csv_line(csv), &cache, &bad_line, why,
                                   sizeof why);
            if (added < 0)
                status = dti_nomem(err);
            else if (added > 0)
                status = dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), bad_line, "%s", why);
            if (++seen - report >= 0x10000 && progress && status == DT_OK) {
                report = seen;
                double frac = inputs->total_size
                                  ? (double)(done + dti_csv_offset(csv)) / inputs->total_size
                                  : 0;
                if (!progress(frac > 1 ? 1 : frac, dti_csv_name(csv), user))
                    status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
            }
        }
        if (status == DT_OK) {
            int flushed = flush_batch(cov, b, &bad_line, why, sizeof why);
            if (flushed < 0)
                status = dti_nomem(err);
            else if (flushed > 0)
                status = dti_error_set(err, DT_ERR_FORMAT, dti_csv_name(csv), bad_line, "%s", why);
        }
        dti_csv_close(csv);
        done += inputs->sizes[i];
        cov->files += status == DT_OK;
    }
    free(b);
    return status;
}

/* ---- parallel reading ---- */

typedef struct chunk {
    char *data;
    size_t len, cap;
    size_t input;
    int target; /* the worker it is meant for (a range of a split file), -1 any */
    /* a range task (data NULL): the worker reads bytes [start, end) of fd itself (end
     * UINT64_MAX: to the end of the file); checks_end: another range starts at end */
    int fd, checks_end;
    uint64_t start, end;
    dti_bdc_layout layout;
    dti_bdc_fast fast; /* the layout's fast plan, made once per input */
    struct chunk *next;
} chunk;

typedef struct pool {
    pthread_mutex_t mutex;
    pthread_cond_t has_work, has_free;
    chunk *work_head, *work_tail, *free_list;
    int closed;  /* every input is queued */
    int waiting; /* workers waiting for work */
    int busy;    /* workers at a task; the work is over when it is none and the queue is closed */
    uint64_t split_rest; /* a range is split for a waiting worker when this much is left */
    int split_always;    /* tests: split whenever it is left, waiting worker or not */
    int failed;          /* a bad row that is not skipped: the sequential reader reports it */
    int no_memory;
    const dti_inputs *inputs;
    size_t expected_locations; /* each worker sizes its own tables for them */
    int threads;
    size_t chunk_size;
    size_t range_buffer; /* a range task's buffer, to start with */
    uint64_t range_bytes; /* read by the workers from their ranges, for progress */
    int running;          /* workers not finished */
    pthread_cond_t finished;
} pool;

typedef struct worker {
    pthread_t thread;
    pool *pool;
    dti_coverage *cov;
    int self;
} worker;

/* The next chunk for worker self: the oldest meant for it or for any worker, else the oldest
 * of all (a worker never waits while there is work). NULL when the work is over: nothing is
 * queued, nothing will be (closed), and no worker is at a range it may split for it. */
static chunk *take_work(pool *p, int self)
{
    pthread_mutex_lock(&p->mutex);
    __atomic_add_fetch(&p->waiting, 1, __ATOMIC_RELAXED);
    while (!p->work_head && !(p->closed && p->busy == 0))
        pthread_cond_wait(&p->has_work, &p->mutex);
    __atomic_sub_fetch(&p->waiting, 1, __ATOMIC_RELAXED);
    chunk **at = &p->work_head, *before = NULL;
    for (chunk *c = p->work_head; c && c->target >= 0 && c->target != self; c = c->next)
        before = c, at = &c->next;
    if (!*at)
        at = &p->work_head, before = NULL;
    chunk *c = *at;
    if (c) {
        *at = c->next;
        if (p->work_tail == c)
            p->work_tail = before;
        p->busy++;
    }
    pthread_mutex_unlock(&p->mutex);
    return c;
}

/* A task done: when it was the last at work and the queue is closed, the waiting workers'
 * work is over. */
static void done_work(pool *p)
{
    pthread_mutex_lock(&p->mutex);
    if (--p->busy == 0 && p->closed)
        pthread_cond_broadcast(&p->has_work);
    pthread_mutex_unlock(&p->mutex);
}

static void give_back(pool *p, chunk *c)
{
    pthread_mutex_lock(&p->mutex);
    c->next = p->free_list;
    p->free_list = c;
    pthread_cond_signal(&p->has_free);
    pthread_mutex_unlock(&p->mutex);
}

/* Parse the records of data[0, len) into the worker's coverage; with used, more data follows
 * data (a piece of a range): the records that end in it are parsed, and *used is where the
 * first that does not starts. 0 ok, 1 a bad row (the sequential reader reports it), 2 out of
 * memory. */
static int parse_records(worker *w, batch *b, dti_row_cache *cache, char *data, size_t len,
                         size_t *used, const dti_bdc_layout *layout, const dti_bdc_fast *fast,
                         const char *display)
{
    dt_error err;
    dti_csv *csv = dti_csv_open_memory(data, len, display, 1, &err);
    if (!csv)
        return 2;
    if (used)
        dti_csv_continues(csv);
    dti_field f[DTI_MAX_FIELDS];
    int n, rc, failed = 0;
    char why[256];
    long bad_line;
    b->n = 0;
    for (;;) {
        size_t taken;
        int took = take_fast(w->cov, csv, fast, layout, b, cache, 0, SIZE_MAX, &taken, &bad_line,
                             why, sizeof why);
        if (took != 0) {
            failed = took < 0 ? 2 : 1;
            break;
        }
        if (!(rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, &err)))
            break;
        if (rc < 0 && dti_csv_bad_record(csv) && w->cov->skip_bad_rows) {
            w->cov->bad_rows++; /* a NUL byte: skipped like any bad row */
            continue;
        }
        int added =
            rc < 0 ? 1 : add_record(w->cov, b, layout, f, n, 0, cache, &bad_line, why, sizeof why);
        if ((failed = added < 0 ? 2 : added) != 0)
            break;
    }
    if (!failed) {
        int flushed = flush_batch(w->cov, b, &bad_line, why, sizeof why);
        failed = flushed < 0 ? 2 : flushed;
    }
    if (used)
        *used = (size_t)dti_csv_offset(csv);
    dti_csv_close(csv);
    return failed;
}

/* Read up to n bytes at offset: 0 ok (*got short only at the end of the file), -1 errno. */
static int read_at(int fd, char *buf, size_t n, uint64_t offset, size_t *got)
{
    *got = 0;
    while (*got < n) {
        ssize_t r = pread(fd, buf + *got, n - *got, (off_t)(offset + *got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        *got += (size_t)r;
    }
    return 0;
}

static size_t count_quotes(const char *data, size_t len);
static uint64_t line_start_after(int fd, uint64_t at, uint64_t limit);
static void put_work(pool *p, chunk *c);

/* When a worker waits for work and every input is queued, the rest of range r from pos on is
 * cut in two at a line start (a guess, checked as every range start is), the second half a
 * task for any worker: so that no worker waits while another has much to read. 0 when cut
 * (*stop is the new end of r, which now checks its end), -1 when not. */
static int split_range(pool *p, const chunk *r, uint64_t pos, uint64_t *stop, int *checks_end)
{
    if ((!p->split_always && __atomic_load_n(&p->waiting, __ATOMIC_RELAXED) == 0) ||
        !__atomic_load_n(&p->closed, __ATOMIC_RELAXED))
        return -1;
    uint64_t end = *stop != UINT64_MAX ? *stop : p->inputs->sizes[r->input];
    if (end < pos || end - pos < p->split_rest)
        return -1;
    uint64_t start = line_start_after(r->fd, pos + (end - pos) / 2, end);
    chunk *rest = start > pos ? calloc(1, sizeof *rest) : NULL;
    if (!rest)
        return -1;
    *rest = *r;
    rest->target = -1;
    rest->start = start;
    rest->end = *stop;
    rest->checks_end = *checks_end;
    *stop = start;
    *checks_end = 1;
    put_work(p, rest);
    return 0;
}

/* Read a range task's bytes into the worker's buffer a chunk at a time, each cut after its
 * last whole record, and parse them. The range starts at a record (the guess that the range
 * before checks); where another range starts at its end, its last bytes must end outside
 * quotes, or that guess was wrong. 0 ok, 1 a bad row, a read error or a wrong guess (the
 * sequential reader reads it all again), 2 out of memory. */
static int read_range(worker *w, batch *b, dti_row_cache *cache, const chunk *r, char **buf,
                      size_t *cap)
{
    pool *p = w->pool;
    uint64_t pos = r->start, stop = r->end; /* stop: moves back when the range is split */
    int checks_end = r->checks_end;
    size_t len = 0;
    for (;;) {
        if (len == *cap && dti_grow(buf, cap, *cap * 2, 1, *cap * 2) != 0)
            return 2;
        size_t want = *cap - len, got;
        if (stop != UINT64_MAX && want > stop - pos)
            want = (size_t)(stop - pos);
        if (read_at(r->fd, *buf + len, want, pos, &got) != 0)
            return 1;
        pos += got;
        len += got;
        __atomic_add_fetch(&p->range_bytes, got, __ATOMIC_RELAXED);
        int eof = got < want || (stop != UINT64_MAX && pos >= stop);
        if (!eof)
            split_range(p, r, pos, &stop, &checks_end);
        if (eof && checks_end && count_quotes(*buf, len) % 2 != 0)
            return 1; /* the next range started inside a quoted field */
        size_t used = len; /* the records that end in the buffer; the rest waits for more */
        int failed = parse_records(w, b, cache, *buf, len, eof ? NULL : &used, &r->layout,
                                   &r->fast, p->inputs->display[r->input]);
        if (failed || eof)
            return failed;
        memmove(*buf, *buf + used, len - used); /* none used: one record longer than the
                                                   buffer, read more into it */
        len -= used;
        if (__atomic_load_n(&p->failed, __ATOMIC_RELAXED) ||
            __atomic_load_n(&p->no_memory, __ATOMIC_RELAXED))
            return 1; /* another worker's failure: the rest is not needed */
    }
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *p = w->pool;
    dti_row_cache cache;
    dti_row_cache_init(&cache, &w->cov->rules);
    batch *b = malloc(sizeof *b);
    char *buf = NULL; /* for range tasks */
    size_t cap = 0;
    dt_error reserve_err = {0};
    /* the first worker's tables take the others' in the merge: sized for all the locations; the
     * others' for their share (a thread reads its own part of each file, and the files are
     * ordered by place; were they not, the tables grow) */
    size_t expected = w->self == 0 || p->threads < 2
                          ? p->expected_locations
                          : p->expected_locations / (size_t)p->threads;
    if (b && dti_coverage_reserve_for(w->cov, expected, &reserve_err) != DT_OK) {
        free(b); /* out of memory: the loop below skips every chunk */
        b = NULL;
    }
    chunk *c;
    while ((c = take_work(p, w->self)) != NULL) {
        /* another worker's failure: skip the rest of the work */
        int failed = __atomic_load_n(&p->failed, __ATOMIC_RELAXED) ||
                             __atomic_load_n(&p->no_memory, __ATOMIC_RELAXED)
                         ? 1
                         : 0;
        if (!b)
            failed = 2;
        if (!failed && c->data)
            failed = parse_records(w, b, &cache, c->data, c->len, NULL, &c->layout, &c->fast,
                                   p->inputs->display[c->input]);
        else if (!failed) {
            if (!buf && (buf = malloc(p->range_buffer)) != NULL)
                cap = p->range_buffer;
            failed = buf ? read_range(w, b, &cache, c, &buf, &cap) : 2;
        }
        if (failed == 2)
            __atomic_store_n(&p->no_memory, 1, __ATOMIC_RELAXED);
        else if (failed)
            __atomic_store_n(&p->failed, 1, __ATOMIC_RELAXED);
        if (c->data)
            give_back(p, c);
        else
            free(c);
        done_work(p);
    }
    free(buf);
    free(b);
    pthread_mutex_lock(&p->mutex);
    p->running--;
    pthread_cond_broadcast(&p->finished);
    pthread_mutex_unlock(&p->mutex);
    return NULL;
}

static chunk *take_free(pool *p)
{
    pthread_mutex_lock(&p->mutex);
    while (!p->free_list)
        pthread_cond_wait(&p->has_free, &p->mutex);
    chunk *c = p->free_list;
    p->free_list = c->next;
    pthread_mutex_unlock(&p->mutex);
    return c;
}

static void put_work(pool *p, chunk *c)
{
    pthread_mutex_lock(&p->mutex);
    c->next = NULL;
    if (p->work_tail)
        p->work_tail->next = c;
    else
        p->work_head = c;
    p->work_tail = c;
    pthread_cond_signal(&p->has_work);
    pthread_mutex_unlock(&p->mutex);
}

static size_t count_quotes(const char *data, size_t len)
{
    size_t quotes = 0, i = 0;
#if defined(__SSE2__)
    /* 16 bytes at a time: each lane counts its quotes (0xFF is -1, subtracted) for up to 255
     * blocks, then the lanes are summed */
    const __m128i quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i lanes = zero;
        size_t blocks = (len - i) / 16 > 255 ? 255 : (len - i) / 16;
        for (size_t k = 0; k < blocks; k++, i += 16) {
            __m128i bytes = _mm_loadu_si128((const __m128i *)(const void *)(data + i));
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(bytes, quote));
        }
        __m128i sums = _mm_sad_epu8(lanes, zero); /* two 64-bit sums of 8 lanes each */
        quotes +=
            (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
#endif
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        memcpy(&word, data + i, 8);
        quotes += dti_byte_mask_count(dti_byte_mask(word, '"'));
    }
    for (; i < len; i++)
        quotes += data[i] == '"';
    return quotes;
}

/* The last CR or LF in data[0, end), or NULL. */
static const char *last_line_end(const char *data, size_t end)
{
    const char *lf = memrchr(data, '\n', end);
    size_t after = lf ? (size_t)(lf - data) + 1 : 0;
    const char *cr = memrchr(data + after, '\r', end - after);
    return cr ? cr : lf;
}

/* End of the last whole record in data[0, len), more data to come: just past
 * a CR or LF that is outside quotes (an even count of '"' before it, since
 * the chunk starts at a record boundary). A CR last in data is left for the
 * next chunk, as it may be the first half of a CRLF. 0 when there is none. */
static size_t last_record_end(const char *data, size_t len)
{
    size_t quotes = count_quotes(data, len);
    size_t end = len;
    if (end > 0 && data[end - 1] == '\r')
        end--;
    while (end > 0) {
        const char *nl = last_line_end(data, end);
        if (!nl)
            return 0;
        size_t at = (size_t)(nl - data);
        quotes -= count_quotes(data + at, end - at);
        if (quotes % 2 == 0)
            return at + 1;
        end = at;
    }
    return 0;
}

/* Remove a UTF-8 byte order mark from the start of c's data: its length (3 or 0). */
static size_t drop_bom(chunk *c)
{
    if (c->len < 3 || memcmp(c->data, "\xEF\xBB\xBF", 3) != 0)
        return 0;
    memmove(c->data, c->data + 3, c->len - 3);
    c->len -= 3;
    return 3;
}

/* Grow c so that it can hold at least need bytes. */
static int reserve(chunk *c, size_t need) { return dti_grow(&c->data, &c->cap, need, 1, need); }

/* The header at the start of c (BOM already removed), read by the CSV reader
 * itself so that it ends where the sequential reader's does. 1 read (*len is
 * its length with its line end), 0 more data needed, -1 error. */
static int take_header(chunk *c, int eof, const char *name, dti_bdc_layout *layout, size_t *len,
                       dt_error *err)
{
    char *copy = malloc(c->len + 1); /* the reader unquotes fields in place */
    dti_csv *csv = copy ? dti_csv_open_memory(copy, c->len, name, 1, err) : NULL;
    if (!csv) {
        free(copy);
        if (!copy)
            dti_nomem(err);
        return -1;
    }
    memcpy(copy, c->data, c->len);
    dt_status status = read_header(csv, layout, err);
    *len = (size_t)dti_csv_offset(csv);
    dti_csv_close(csv);
    free(copy);
    /* a header that reaches the end of the data may go on (or its CR have an LF); one that
     * consumed nothing ran into the end of the data (an open quote): more data decides */
    if (!eof && (*len == 0 || *len >= c->len))
        return 0;
    return status == DT_OK ? 1 : -1;
}

/* Read one input into chunks for the workers. Returns DT_OK, or an error for
 * the input itself (unreadable, damaged, bad header); row errors are the workers'. */
static dt_status feed_input(pool *p, size_t input, chunk **spare, uint64_t done,
                            dt_progress_fn progress, void *user, dt_error *err)
{
    const dti_inputs *inputs = p->inputs;
    const char *name = inputs->display[input];
    dti_stream *in = dti_stream_open(inputs->paths[input], name, err);
    if (in)
        dti_stream_record(in, inputs->prints ? inputs->prints[input] : NULL);
    if (!in)
        return err->status;
    dti_bdc_layout layout;
    dti_bdc_fast fast;
    int have_header = 0, bom_checked = 0, eof = 0;
    dt_status status = DT_OK;
    chunk *c = *spare; /* holds the unfinished record of the last chunk */
    while (!eof && status == DT_OK) {
        if (c->len == c->cap && reserve(c, c->cap * 2) != 0) {
            status = dti_nomem(err);
            break;
        }
        size_t got;
        if (dti_stream_read(in, c->data + c->len, c->cap - c->len, &got, err) != 0) {
            status = err->status;
            break;
        }
        eof = got < c->cap - c->len;
        c->len += got;
        if (!have_header) {
            if (!bom_checked && (c->len >= 3 || eof)) {
                bom_checked = 1;
                drop_bom(c);
            }
            size_t header_len = 0;
            int taken = bom_checked ? take_header(c, eof, name, &layout, &header_len, err) : 0;
            if (taken < 0) {
                status = err->status;
                break;
            }
            if (taken == 0)
                continue; /* the header is longer than the chunk: read more */
            memmove(c->data, c->data + header_len, c->len - header_len);
            c->len -= header_len;
            have_header = 1;
            dti_bdc_fast_init(&fast, &layout, 0);
        }
        size_t end = eof ? c->len : last_record_end(c->data, c->len);
        if (end == 0 && !eof)
            continue; /* one record longer than the chunk: read more into it */
        chunk *next = take_free(p);
        next->len = 0;
        if (reserve(next, c->len - end) != 0) {
            give_back(p, next);
            status = dti_nomem(err);
            break;
        }
        memcpy(next->data, c->data + end, c->len - end);
        next->len = c->len - end;
        c->len = end;
        c->input = input;
        c->target = -1;
        c->layout = layout;
        c->fast = fast;
        put_work(p, c);
        c = next;
        if (progress) {
            double frac =
                inputs->total_size ? (double)(done + dti_stream_tell(in)) / inputs->total_size : 0;
            if (!progress(frac > 1 ? 1 : frac, name, user))
                status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
        }
    }
    if (status == DT_OK && !have_header)
        status = dti_error_set(err, DT_ERR_FORMAT, name, 1, "empty file: no BDC header");
    c->len = 0;
    *spare = c;
    dti_stream_close(in);
    return status;
}

/* ---- a plain file read in ranges, one per worker ----
 * A big plain file is cut into one byte range per worker, each started just past a line end,
 * and each worker reads its range itself (no thread copies it to another): where a file is
 * ordered by place, as the FCC's and the generator's are, each worker also sees its own part
 * of the state, so the workers' tables hardly overlap and the merge inserts more than it
 * folds. A range's start is a guess (a line end inside a quoted field is not a record's end);
 * the worker of the range before checks it, reaching that byte with the quotes counted from a
 * known start. A wrong guess stops the read, and the sequential reader reads the inputs again
 * (rows and errors as ever). */
/* A line end at or after offset `at` of fd, before `limit`: the offset just past the first LF,
 * 0 when there is none within 64 KiB. */
static uint64_t line_start_after(int fd, uint64_t at, uint64_t limit)
{
    char window[64 << 10];
    size_t got;
    if (read_at(fd, window, sizeof window, at, &got) != 0)
        return 0;
    for (size_t i = 0; i < got && at + i < limit; i++)
        if (window[i] == '\n')
            return at + i + 1;
    return 0;
}

/* The fingerprint of a file read in ranges: XXH3 of its bytes, as a stream takes it. The file
 * is mapped a window at a time (no copy, and only a window's pages in the process at once),
 * or read through where it cannot be mapped. 0 ok, -1 errno, -2 out of memory. */
#define PRINT_WINDOW ((size_t)32 << 20)
static int fingerprint_file(int fd, uint64_t bytes, dti_fingerprint *print)
{
    XXH3_state_t *state = XXH3_createState();
    char *buf = NULL;
    if (!state || XXH3_64bits_reset(state) != XXH_OK) {
        XXH3_freeState(state);
        return -2;
    }
    int ok = 1, nomem = 0;
    for (uint64_t at = 0; ok && at < bytes;) {
        size_t n = bytes - at < PRINT_WINDOW ? (size_t)(bytes - at) : PRINT_WINDOW;
        void *map =
            buf ? MAP_FAILED : mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, (off_t)at);
        if (map != MAP_FAILED) {
            madvise(map, n, MADV_SEQUENTIAL);
            XXH3_64bits_update(state, map, n);
            munmap(map, n);
        } else if (buf || (buf = malloc(PRINT_WINDOW))) {
            ok = read_at(fd, buf, n, at, &n) == 0 && n > 0;
            if (ok)
                XXH3_64bits_update(state, buf, n);
        } else {
            ok = 0, nomem = 1;
        }
        at += n;
    }
    if (ok)
        *print = (dti_fingerprint){XXH3_64bits_digest(state), bytes, 1};
    free(buf);
    XXH3_freeState(state);
    return ok ? 0 : nomem ? -2 : -1;
}

/* Whether an input is a plain file that feed_split may read in ranges. */
static int plain_file(const char *path, uint64_t size, uint64_t min_size)
{
    struct stat st;
    return size >= min_size && !dti_is_stdin(path) && strncmp(path, "/vsi", 4) != 0 &&
           stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* feed_input for a plain file: its header read here, then one range task per worker, and the
 * file's fingerprint taken while they read. *fd is the open file, which must stay open until
 * the workers are done. 1 when the file is not one to split (feed_input reads it). */
static int feed_split(pool *p, size_t input, int *fd, dt_status *status, dt_error *err)
{
    const dti_inputs *inputs = p->inputs;
    const char *name = inputs->display[input];
    dti_stream *check = dti_stream_open(inputs->paths[input], name, err);
    if (!check) { /* a directory, a binary file, no access: what a stream says */
        *status = err->status;
        return 0;
    }
    dti_stream_close(check);
    if ((*fd = open(inputs->paths[input], O_RDONLY | O_CLOEXEC)) < 0) {
        *status = dti_error_set(err, DT_ERR_IO, name, 0, "cannot open for reading");
        return 0;
    }
    /* the header, from the first 64 KiB (a longer one: feed_input) */
    chunk head = {0};
    size_t got, header_len = 0;
    struct stat st;
    if (fstat(*fd, &st) != 0 || !(head.data = malloc(64 << 10)) ||
        read_at(*fd, head.data, 64 << 10, 0, &got) != 0) {
        free(head.data);
        return 1;
    }
    int eof = got < (64 << 10);
    if (got == 0) { /* an empty file: what feed_input says of it */
        free(head.data);
        return 1;
    }
    head.len = got;
    size_t bom = drop_bom(&head);
    dti_bdc_layout layout;
    int taken = take_header(&head, eof, name, &layout, &header_len, err);
    free(head.data);
    if (taken < 0) {
        *status = err->status;
        return 0;
    }
    if (taken == 0)
        return 1;
    dti_bdc_fast fast;
    dti_bdc_fast_init(&fast, &layout, 0);
    /* the rows: cut in equal parts, each from the next line end */
    uint64_t from = bom + header_len, size = (uint64_t)st.st_size, starts[65];
    int nranges = 1;
    starts[0] = from;
    for (int k = 1; k < p->threads && size > from; k++) {
        uint64_t start =
            line_start_after(*fd, from + (size - from) / (uint64_t)p->threads * k, size);
        if (start > starts[nranges - 1])
            starts[nranges++] = start;
    }
    for (int t = 0; t < nranges; t++) {
        chunk *r = calloc(1, sizeof *r);
        if (!r) {
            *status = dti_nomem(err);
            return 0;
        }
        *r = (chunk){.input = input,
                     .target = t,
                     .layout = layout,
                     .fast = fast,
                     .fd = *fd,
                     .checks_end = t + 1 < nranges,
                     .start = starts[t],
                     .end = t + 1 < nranges ? starts[t + 1] : UINT64_MAX};
        put_work(p, r);
    }
    /* the fingerprint (of the bytes as they are now: the workers read the same) */
    int printed = inputs->prints && inputs->prints[input]
                      ? fingerprint_file(*fd, size, inputs->prints[input])
                      : 0;
    if (printed == -2)
        *status = dti_nomem(err);
    else if (printed != 0)
        *status = dti_error_set(err, DT_ERR_IO, name, 0, "read error: %s", strerror(errno));
    return 0;
}

static dt_status read_parallel(dti_coverage *cov, const dti_inputs *inputs, int threads,
                               dt_progress_fn progress, void *user, dt_error *err, int *retry)
{
    pool p;
    memset(&p, 0, sizeof p);
    p.inputs = inputs;
    pthread_mutex_init(&p.mutex, NULL);
    pthread_cond_init(&p.has_work, NULL);
    pthread_cond_init(&p.has_free, NULL);
    int nchunks = threads * CHUNKS_PER_WORKER + 1;
    /* tests set a tiny chunk to put record boundaries everywhere */
    size_t chunk_size = (size_t)atol(dti_config_option("DIALTONE_CHUNK_SIZE", "0"));
    /* a file is read in ranges when each holds 1 MiB or more (tests' tiny chunks: two chunks
     * or more, so that small files are cut too; DIALTONE_SPLIT_MIN sets the size) */
    uint64_t split_min =
        chunk_size >= 16 ? (uint64_t)chunk_size * 2 * (uint64_t)threads : (uint64_t)threads << 20;
    if (chunk_size < 16) {
        /* small inputs: chunks small enough that every thread gets several */
        uint64_t share = inputs->total_size / ((uint64_t)threads * 4);
        chunk_size = share < (256u << 10) ? (256u << 10) : share > CHUNK_SIZE ? CHUNK_SIZE : share;
    }
    const char *split_option = dti_config_option("DIALTONE_SPLIT_MIN", NULL);
    if (split_option)
        split_min = strtoull(split_option, NULL, 10);
    /* a range is cut for a waiting worker with two chunks or more left; DIALTONE_SPLIT_REST=N
     * (tests): cut whenever N bytes or more are left */
    const char *rest_option = dti_config_option("DIALTONE_SPLIT_REST", NULL);
    p.split_always = rest_option && *rest_option;
    p.split_rest = p.split_always ? strtoull(rest_option, NULL, 10) : (uint64_t)chunk_size * 2;
    if (p.split_rest < 2)
        p.split_rest = 2;
    p.threads = threads;
    p.chunk_size = chunk_size;
    p.range_buffer = chunk_size < RANGE_BUFFER ? chunk_size : RANGE_BUFFER;
    const char *range_option = dti_config_option("DIALTONE_RANGE_BUFFER", NULL);
    if (range_option && strtoull(range_option, NULL, 10) >= 16)
        p.range_buffer = (size_t)strtoull(range_option, NULL, 10);
    pthread_cond_init(&p.finished, NULL);
    int *fds = malloc((inputs->count + 1) * sizeof *fds); /* NULL: no file is split */
    for (size_t i = 0; fds && i < inputs->count; i++)
        fds[i] = -1;
    chunk *chunks = calloc((size_t)nchunks, sizeof *chunks);
    worker *workers = calloc((size_t)threads, sizeof *workers);
    dti_coverage *covs = calloc((size_t)threads, sizeof *covs);
    dt_status status = chunks && workers && covs ? DT_OK : DT_ERR_NOMEM;
    for (int i = 0; i < nchunks && status == DT_OK; i++) {
        if (!(chunks[i].data = malloc(chunk_size)))
            status = DT_ERR_NOMEM;
        chunks[i].cap = chunk_size;
        if (i > 0) {
            chunks[i].next = p.free_list;
            p.free_list = &chunks[i];
        }
    }
    int started = 0;
    if (status == DT_OK) /* the tables: in each worker (a coverage with locations keeps its own) */
        p.expected_locations = dti_coverage_expected_locations(inputs);
    for (int t = 0; t < threads && status == DT_OK; t++) {
        dti_coverage *own = t == 0 ? cov : &covs[t];
        if (t > 0) {
            status = dti_coverage_init_like(own, cov, err);
            if (status != DT_OK)
                break;
        }
        workers[t] = (worker){.pool = &p, .cov = own, .self = t};
        if (pthread_create(&workers[t].thread, NULL, work, &workers[t]) != 0) {
            status = dti_error_set(err, DT_ERR_INTERNAL, NULL, 0, "cannot start a thread");
            break;
        }
        started++;
    }
    pthread_mutex_lock(&p.mutex);
    p.running = started;
    pthread_mutex_unlock(&p.mutex);
    if (status == DT_ERR_NOMEM)
        dti_nomem(err);
    chunk *spare = chunks ? &chunks[0] : NULL;
    uint64_t done = 0, chunked = 0; /* chunked: the bytes of the inputs fed in chunks */
    for (size_t i = 0; i < inputs->count && status == DT_OK; i++) {
        if (!fds || !plain_file(inputs->paths[i], inputs->sizes[i], split_min) ||
            feed_split(&p, i, &fds[i], &status, err))
            status = feed_input(&p, i, &spare, done, progress, user, err),
            chunked += inputs->sizes[i];
        done += inputs->sizes[i];
        cov->files++;
        if (__atomic_load_n(&p.failed, __ATOMIC_RELAXED) ||
            __atomic_load_n(&p.no_memory, __ATOMIC_RELAXED))
            break;
    }
    pthread_mutex_lock(&p.mutex);
    __atomic_store_n(&p.closed, 1, __ATOMIC_RELAXED);
    pthread_cond_broadcast(&p.has_work);
    /* the workers still read their ranges: progress from the bytes they have read */
    while (p.running > 0) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000 * 1000 * 1000)
            until.tv_sec++, until.tv_nsec -= 1000 * 1000 * 1000;
        pthread_cond_timedwait(&p.finished, &p.mutex, &until);
        uint64_t ranged = __atomic_load_n(&p.range_bytes, __ATOMIC_RELAXED);
        if (progress && p.running > 0 && status == DT_OK && ranged) {
            double frac = inputs->total_size ? (double)(chunked + ranged) / inputs->total_size : 0;
            pthread_mutex_unlock(&p.mutex);
            if (!progress(frac > 1 ? 1 : frac, NULL, user)) {
                status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
                __atomic_store_n(&p.failed, 1, __ATOMIC_RELAXED); /* the workers stop */
            }
            pthread_mutex_lock(&p.mutex);
        }
    }
    pthread_mutex_unlock(&p.mutex);
    for (int t = 0; t < started; t++)
        pthread_join(workers[t].thread, NULL);
    for (size_t i = 0; fds && i < inputs->count; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    if (status == DT_OK && p.no_memory)
        status = dti_nomem(err);
    for (int t = 1; t < started && status == DT_OK && !p.failed; t++)
        status = dti_coverage_merge(cov, &covs[t], started, err);
    for (int t = 1; t < threads && covs; t++)
        dti_coverage_free(&covs[t]);
    for (int i = 0; chunks && i < nchunks; i++)
        free(chunks[i].data);
    free(chunks);
    free(workers);
    free(covs);
    pthread_mutex_destroy(&p.mutex);
    pthread_cond_destroy(&p.has_work);
    pthread_cond_destroy(&p.has_free);
    pthread_cond_destroy(&p.finished);
    /* a bad row, or a location in two blocks (whose order decides which row
     * is "second"): let the sequential reader find it and say where */
    *retry = status == DT_OK && (p.failed || cov->conflicts > 0);
    return status;
}

dt_status dti_coverage_read_bdc(dti_coverage *cov, const dti_inputs *inputs, int threads,
                                dt_progress_fn progress, void *user, dt_error *err)
{
    dt_status status;
    if (threads <= 0) { /* automatic: one per CPU, for inputs worth it */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 && inputs->total_size >= PARALLEL_MIN_BYTES ? (int)cpus : 1;
    }
    if (threads > 64)
        threads = 64;
    if (threads > 1) {
        int retry = 0;
        status = read_parallel(cov, inputs, threads, progress, user, err, &retry);
        if (status != DT_OK || !retry)
            goto finish;
        /* start again from nothing, one row after another */
        dti_coverage fresh;
        status = dti_coverage_init_like(&fresh, cov, err);
        dti_coverage_free(cov);
        if (status != DT_OK)
            return status;
        *cov = fresh;
    }
    status = dti_coverage_reserve(cov, inputs, err);
    if (status == DT_OK)
        status = read_sequential(cov, inputs, progress, user, err);
finish:
    cov->threads = threads;
    if (status == DT_OK && progress && !progress(1.0, NULL, user))
        status = dti_error_set(err, DT_ERR_CANCEL, NULL, 0, "cancelled");
    return status;
}

int dti_peek_state(const char *path, const char *display, int *state, dt_error *err)
{
    static const char *const names[] = {"block_geoid"};
    dti_csv *csv = dti_csv_open_sized(path, display, 64 << 10, err);
    if (!csv)
        return -1;
    int col, header_fields, n, found = -1;
    dti_field f[DTI_MAX_FIELDS];
    if (dti_csv_read_header(csv, names, 1, &col, &header_fields, "BDC or fabric", err) == DT_OK) {
        int rc;
        while ((rc = dti_csv_next(csv, f, DTI_MAX_FIELDS, &n, err)) < 0 && dti_csv_bad_record(csv))
            ; /* a row with a NUL byte says nothing; the reading proper deals with it */
        found = rc < 0 ? -1 : 0;
        if (rc > 0 && col < n && f[col].len >= 2 && f[col].s[0] >= '0' && f[col].s[0] <= '9' &&
            f[col].s[1] >= '0' && f[col].s[1] <= '9') {
            *state = (f[col].s[0] - '0') * 10 + (f[col].s[1] - '0');
            found = 1;
        }
    }
    dti_csv_close(csv);
    return found;
}
