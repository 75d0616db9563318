/* SPDX-License-Identifier: MIT */
/* One input's bytes, checked to the end: a damaged archive is an error. Plain files, standard
 * input and .gz files are read with stdio (and zlib), without GDAL; zip members and other
 * /vsi paths through GDAL's VSI layer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <zlib.h>

#include "xxh.h"

#include "internal.h"

/* GDAL 3.6 (Debian 12) reads .gz and zip members without checking all of it:
 * /vsigzip/ never checks a gzip ISIZE, and /vsizip/ neither checks a stored
 * member's CRC-32 (nor a deflated one whose stated CRC is 0) nor that a
 * member inflates to its stated size; what it does detect (a CRC mismatch, a
 * truncated stream) only goes to CPLError while VSIFReadL returns a shorter
 * read. So a .gz is inflated here with zlib, which checks every member's
 * CRC-32 and length; a zip member is read through /vsizip/ and its size
 * compared with the central directory's at the end, with a CRC-32 of our own
 * where GDAL computes none; and a GDAL error during any read is an error.
 * (Our own CRC-32 of a deflated member would cost about a tenth of the
 * parsing, for what GDAL already checks.) */

#define GZIP_IN (256u << 10)

enum kind { PLAIN, GZIP, ZIP_MEMBER };

struct dti_stream {
    FILE *file;         /* a plain file, standard input, a plain .gz: stdio */
    VSILFILE *fp;       /* a zip member or a /vsi path: GDAL */
    int read_errno;     /* a stdio read failed so */
    int stdin_refused;  /* standard input asked again beyond what is kept of it */
    uint64_t stdin_pos; /* standard input: where this stream is in it */
    enum kind kind;
    char *name;
    uint64_t delivered; /* bytes handed to the caller */
    int done;           /* the end was reached and checked */
    char gdal_error[512];
    /* GZIP */
    z_stream z;
    int z_ready, member_done, raw_eof;
    unsigned char *in;
    /* ZIP_MEMBER: what the central directory says, when it was found */
    int have_crc; /* the CRC-32 is ours to check */
    uint32_t want_crc, crc;
    uint64_t want_size;
    /* the fingerprint of what is delivered */
    XXH3_state_t *hash;
    dti_fingerprint *record;
};

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}
static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int read_at(VSILFILE *fp, uint64_t offset, void *buf, size_t n)
{
    return VSIFSeekL(fp, (vsi_l_offset)offset, SEEK_SET) == 0 && VSIFReadL(buf, 1, n, fp) == n ? 0
                                                                                               : -1;
}

/* A "/vsi..." path is GDAL's; every other path is the file system's, and is read without GDAL
 * (which is then not even loaded, in bin/dialtone). */
static int is_vsi(const char *path) { return strncmp(path, "/vsi", 4) == 0; }

int dti_path_stat(const char *path, uint64_t *size, int *is_dir, int *is_reg)
{
    if (is_vsi(path)) {
        VSIStatBufL st;
        if (VSIStatL(path, &st) != 0)
            return -1;
        *size = (uint64_t)st.st_size;
        *is_dir = VSI_ISDIR(st.st_mode);
        *is_reg = VSI_ISREG(st.st_mode);
        return 0;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    *size = (uint64_t)st.st_size;
    *is_dir = S_ISDIR(st.st_mode);
    *is_reg = S_ISREG(st.st_mode);
    return 0;
}

/* Standard input is read once, but a command may open it more than once (to peek at its first
 * rows, then to read it): its first CPL_VSISTDIN_BUFFER_LIMIT bytes (1 MiB) are kept and given
 * again to every later stream, and a stream that would need more than was kept fails, as
 * GDAL's /vsistdin/ does (and says). One stream at a time reads it (dti_path_input). */
static struct {
    unsigned char *bytes;
    size_t len, cap, limit; /* limit 0: not yet known */
    uint64_t read;          /* bytes read from stdin so far */
} kept_stdin;

static size_t stdin_limit(void)
{
    const char *text = dti_config_option("CPL_VSISTDIN_BUFFER_LIMIT", "1048576");
    unsigned long long n = strtoull(text, NULL, 10);
    unsigned long long unit = strstr(text, "GB") ? 1ull << 30 : strstr(text, "MB") ? 1ull << 20 : 1;
    return n > (SIZE_MAX - 1) / unit ? SIZE_MAX - 1 : (size_t)(n * unit);
}

static int stdin_read(dti_stream *s, unsigned char *buf, size_t n, size_t *got)
{
    if (!kept_stdin.limit)
        kept_stdin.limit = stdin_limit();
    *got = 0;
    if (s->stdin_pos < kept_stdin.read && kept_stdin.read >= kept_stdin.limit &&
        s->stdin_pos + n > kept_stdin.limit) {
        s->stdin_refused = 1;
        return -1;
    }
    if (s->stdin_pos < kept_stdin.len) {
        size_t k =
            kept_stdin.len - (size_t)s->stdin_pos < n ? kept_stdin.len - (size_t)s->stdin_pos : n;
        memcpy(buf, kept_stdin.bytes + s->stdin_pos, k);
        s->stdin_pos += k;
        *got = k;
        if (k == n)
            return 0;
    }
    errno = 0;
    size_t r = fread(buf + *got, 1, n - *got, stdin);
    if (r < n - *got && ferror(stdin)) {
        s->read_errno = errno ? errno : EIO;
        return -1;
    }
    if (kept_stdin.read < kept_stdin.limit && r > 0) {
        size_t room = kept_stdin.limit - kept_stdin.len, keep = r < room ? r : room;
        if (kept_stdin.len + keep > kept_stdin.cap) {
            size_t cap = kept_stdin.len + keep;
            cap = cap < kept_stdin.limit - cap / 3 ? cap + cap / 3 : kept_stdin.limit;
            unsigned char *bytes = realloc(kept_stdin.bytes, cap);
            if (!bytes)
                return -2;
            kept_stdin.bytes = bytes;
            kept_stdin.cap = cap;
        }
        memcpy(kept_stdin.bytes + kept_stdin.len, buf + *got, keep);
        kept_stdin.len += keep;
    }
    kept_stdin.read += r;
    s->stdin_pos += r;
    *got += r;
    return 0;
}

/* Up to n bytes of the raw input, fewer only at its end or on an error (-1: s->read_errno or
 * s->stdin_refused; -2 out of memory). */
static int raw_read(dti_stream *s, void *buf, size_t n, size_t *got)
{
    if (s->file == stdin)
        return stdin_read(s, buf, n, got);
    if (!s->file) {
        *got = VSIFReadL(buf, 1, n, s->fp);
        return 0;
    }
    errno = 0;
    *got = fread(buf, 1, n, s->file);
    if (*got < n && ferror(s->file)) {
        s->read_errno = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

/* The uncompressed size, CRC-32 and compression method that archive's
 * central directory gives member (zip64 too). 0 found; -1 not found or not
 * readable. */
static int zip_central_entry(const char *archive, const char *member, uint32_t *crc, uint64_t *size,
                             int *method)
{
    VSILFILE *fp = VSIFOpenL(archive, "rb");
    if (!fp)
        return -1;
    unsigned char *tail = NULL, *dir = NULL;
    int found = -1;
    if (VSIFSeekL(fp, 0, SEEK_END) != 0)
        goto done;
    uint64_t file_size = VSIFTellL(fp);
    size_t tail_len = file_size < 22 + 65535 ? (size_t)file_size : 22 + 65535;
    if (tail_len < 22 || !(tail = malloc(tail_len)) ||
        read_at(fp, file_size - tail_len, tail, tail_len) != 0)
        goto done;
    size_t e = tail_len - 22 + 1;
    while (e-- > 0 && le32(tail + e) != 0x06054b50)
        ;
    if (e == (size_t)-1)
        goto done;
    uint64_t eocd = file_size - tail_len + e, entries = le16(tail + e + 10);
    uint64_t dir_size = le32(tail + e + 12), dir_offset = le32(tail + e + 16), dir_end = eocd;
    if ((entries == 0xffff || dir_size == 0xffffffffu || dir_offset == 0xffffffffu) && e >= 20 &&
        le32(tail + e - 20) == 0x07064b50) { /* zip64 end of central directory */
        unsigned char z64[56];
        dir_end = le64(tail + e - 20 + 8);
        if (read_at(fp, dir_end, z64, sizeof z64) != 0 || le32(z64) != 0x06064b50)
            goto done;
        entries = le64(z64 + 32);
        dir_size = le64(z64 + 40);
        dir_offset = le64(z64 + 48);
    }
    /* data before the archive (a self-extractor) shifts every offset */
    uint64_t base = dir_end > dir_offset + dir_size ? dir_end - (dir_offset + dir_size) : 0;
    if (dir_size > (256u << 20) || !(dir = malloc(dir_size ? dir_size : 1)) ||
        read_at(fp, base + dir_offset, dir, dir_size) != 0)
        goto done;
    size_t member_len = strlen(member);
    for (size_t at = 0, i = 0; i < entries && at + 46 <= dir_size; i++) {
        const unsigned char *h = dir + at;
        if (le32(h) != 0x02014b50)
            break;
        size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
        if (at + 46 + name_len + extra_len > dir_size)
            break;
        if (name_len == member_len && memcmp(h + 46, member, member_len) == 0) {
            *method = le16(h + 10);
            *crc = le32(h + 16);
            *size = le32(h + 24);
            const unsigned char *x = h + 46 + name_len, *x_end = x + extra_len;
            while (*size == 0xffffffffu && x + 4 <= x_end) { /* zip64: the size comes first */
                size_t len = le16(x + 2);
                if (le16(x) == 0x0001 && len >= 8 && x + 4 + 8 <= x_end)
                    *size = le64(x + 4);
                x += 4 + len;
            }
            found = 0;
            break;
        }
        at += 46 + name_len + extra_len + comment_len;
    }
done:
    free(tail);
    free(dir);
    VSIFCloseL(fp);
    return found;
}

/* "/vsizip/ARCHIVE.zip/MEMBER": the archive and member, when ARCHIVE is a file. */
static int split_zip_path(const char *path, char **archive, const char **member)
{
    const char *rest = path + strlen("/vsizip/");
    for (const char *p = rest; (p = strchr(p, '/')) != NULL; p++) {
        if (p - rest < 4 || strncasecmp(p - 4, ".zip", 4) != 0)
            continue;
        char *candidate = malloc((size_t)(p - rest) + 1);
        if (!candidate)
            return -1;
        memcpy(candidate, rest, (size_t)(p - rest));
        candidate[p - rest] = '\0';
        VSIStatBufL st;
        if (VSIStatL(candidate, &st) == 0 && VSI_ISREG(st.st_mode)) {
            *archive = candidate;
            *member = p + 1;
            return 0;
        }
        free(candidate);
    }
    return -1;
}

static void CPL_STDCALL keep_error(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    dti_stream *s = CPLGetErrorHandlerUserData();
    if (cls >= CE_Failure && !s->gdal_error[0])
        snprintf(s->gdal_error, sizeof s->gdal_error, "%s", msg && *msg ? msg : "read error");
}

int dti_is_stdin(const char *path) { return path && strcmp(path, "-") == 0; }

const char *dti_input_name(const char *path, const char *display)
{
    return dti_is_stdin(path) ? "standard input" : display ? display : path;
}

dti_stream *dti_stream_open(const char *path, const char *display, dt_error *err)
{
    dti_stream *s = calloc(1, sizeof *s);
    display = dti_input_name(path, display);
    if (!s || !(s->name = strdup(display))) {
        free(s);
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        return NULL;
    }
    const char *open_path = path;
    if (strncmp(path, "/vsigzip/", 9) == 0) {
        s->kind = GZIP;
        open_path = path + 9; /* the raw file: zlib inflates it */
        if (!(s->in = malloc(GZIP_IN))) {
            dti_stream_close(s);
            dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
            return NULL;
        }
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
            dti_stream_close(s);
            dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
            return NULL;
        }
        s->z_ready = 1;
    } else if (strncmp(path, "/vsizip/", 8) == 0) {
        char *archive = NULL;
        const char *member;
        int found = 0, method = 0;
        s->kind = ZIP_MEMBER;
        if (split_zip_path(path, &archive, &member) == 0)
            found = zip_central_entry(archive, member, &s->want_crc, &s->want_size, &method) == 0;
        free(archive);
        /* GDAL checks a deflated member's CRC-32 itself, unless it is stated as 0 */
        s->have_crc = found && (method != 8 || s->want_crc == 0);
        VSIStatBufL st;
        if (!found && VSIStatL(path, &st) == 0)
            s->want_size = (uint64_t)st.st_size; /* the size GDAL reads */
        s->crc = (uint32_t)crc32(0, Z_NULL, 0);
    }
    if (!(s->hash = XXH3_createState()) || XXH3_64bits_reset(s->hash) != XXH_OK) {
        dti_stream_close(s);
        dti_error_set(err, DT_ERR_NOMEM, display, 0, "out of memory");
        return NULL;
    }
    struct stat st;
    const char *kind = NULL;
    if (s->kind == PLAIN && !dti_is_stdin(path) && !is_vsi(path) && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            char names[300];
            dti_directory_sample(path, NULL, names, sizeof names);
            dti_error_set(err, DT_ERR_IO, s->name, 0, "is a directory: name a file%s%s%s",
                          names[0] ? " in it (" : "", names, names[0] ? ")" : "");
            dti_stream_close(s);
            return NULL;
        }
        /* a GeoPackage or an image read as a CSV says what it is, not what its bytes break */
        if (S_ISREG(st.st_mode) && (kind = dti_binary_kind(path))) {
            dti_error_set(err, DT_ERR_FORMAT, s->name, 0, "%s", kind);
            dti_stream_close(s);
            return NULL;
        }
    }
    if (dti_is_stdin(open_path))
        s->file = stdin;
    else if (!is_vsi(open_path))
        s->file = fopen(open_path, "rb");
    else
        s->fp = VSIFOpenL(open_path, "rb");
    if (!s->file && !s->fp) {
        dti_stream_close(s);
        dti_error_set(err, DT_ERR_IO, display, 0, "cannot open for reading");
        return NULL;
    }
    return s;
}

void dti_stream_close(dti_stream *s)
{
    if (!s)
        return;
    if (s->fp)
        VSIFCloseL(s->fp);
    if (s->file && s->file != stdin)
        fclose(s->file);
    if (s->z_ready)
        inflateEnd(&s->z);
    free(s->in);
    free(s->name);
    XXH3_freeState(s->hash);
    free(s);
}

uint64_t dti_stream_tell(const dti_stream *s) { return s->delivered; }

void dti_stream_record(dti_stream *s, dti_fingerprint *record) { s->record = record; }

static int fail(dti_stream *s, dt_error *err, const char *fmt, ...) DTI_PRINTF(3, 4);
static int fail(dti_stream *s, dt_error *err, const char *fmt, ...)
{
    char text[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    dti_error_set(err, DT_ERR_FORMAT, s->name, 0, "%s", text);
    return -1;
}

/* Inflate into buf[0, n); *got < n only at the checked end. */
static int read_gzip(dti_stream *s, unsigned char *buf, size_t n, size_t *got, dt_error *err)
{
    z_stream *z = &s->z;
    z->next_out = buf;
    z->avail_out = (uInt)n;
    while (z->avail_out > 0) {
        if (z->avail_in == 0 && !s->raw_eof) {
            size_t in;
            int raw = raw_read(s, s->in, GZIP_IN, &in);
            if (raw != 0)
                return raw;
            s->raw_eof = in < GZIP_IN;
            z->next_in = s->in;
            z->avail_in = (uInt)in;
        }
        if (s->member_done) { /* after a member: another one, zero padding, or the end */
            while (z->avail_in > 0 && *z->next_in == 0)
                z->next_in++, z->avail_in--;
            if (z->avail_in == 0) {
                if (s->raw_eof) {
                    s->done = 1;
                    break;
                }
                continue;
            }
            if (*z->next_in != 0x1f)
                return fail(s, err, "damaged gzip file: unexpected data after a gzip member");
            if (inflateReset(z) != Z_OK)
                return fail(s, err, "damaged gzip file: cannot restart inflating");
            s->member_done = 0;
        }
        int rc = inflate(z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            s->member_done = 1;
        } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
            /* all input used and room left for output: inflate wants more */
            if (z->avail_in == 0 && s->raw_eof && z->avail_out > 0)
                return fail(s, err,
                            "truncated gzip file: the compressed data ends before the "
                            "end of its stream");
        } else if (rc == Z_MEM_ERROR) {
            dti_nomem(err);
            return -1;
        } else if (rc != Z_OK) {
            const char *why = z->msg ? z->msg : "invalid data";
            if (strcmp(why, "incorrect data check") == 0)
                why = "its CRC-32 does not match the data";
            else if (strcmp(why, "incorrect length check") == 0)
                why = "its stated length (ISIZE) does not match the data";
            else if (strcmp(why, "incorrect header check") == 0)
                why = "not a gzip stream";
            return fail(s, err, "damaged gzip file: %s", why);
        }
    }
    *got = n - z->avail_out;
    return 0;
}

/* The end of a zip member: what was read must be what the archive states. */
static int check_zip_end(dti_stream *s, dt_error *err)
{
    if (s->delivered != s->want_size)
        return fail(s, err,
                    "damaged zip archive member: it reads as %llu bytes, but the archive states "
                    "%llu",
                    (unsigned long long)s->delivered, (unsigned long long)s->want_size);
    if (s->have_crc && s->crc != s->want_crc)
        return fail(s, err,
                    "damaged zip archive member: its CRC-32 is %08x, but the archive states %08x",
                    (unsigned)s->crc, (unsigned)s->want_crc);
    return 0;
}

int dti_stream_read(dti_stream *s, void *buf, size_t n, size_t *got, dt_error *err)
{
    *got = 0;
    if (s->done || n == 0)
        return 0;
    s->gdal_error[0] = '\0';
    if (s->fp) /* GDAL's errors are the read's; stdio needs no handler (nor GDAL loaded) */
        CPLPushErrorHandlerEx(keep_error, s);
    int rc = 0;
    if (s->kind == GZIP) {
        rc = read_gzip(s, buf, n, got, err);
    } else {
        rc = raw_read(s, buf, n, got);
        s->done = *got < n;
    }
    if (s->fp)
        CPLPopErrorHandler();
    if (rc == -2) {
        dti_nomem(err);
        rc = -1;
    } else if (s->read_errno)
        rc = fail(s, err, "read error: %s", strerror(s->read_errno));
    else if (s->stdin_refused) /* GDAL's /vsistdin/ message, which this replaces */
        rc = fail(
            s, err,
            "read error: Backward Seek() unsupported on /vsistdin beyond maximum buffer "
            "limit (%llu bytes).\nThis limit can be extended by setting the "
            "CPL_VSISTDIN_BUFFER_LIMIT configuration option to a number of bytes, or by "
            "using the '/vsistdin?buffer_limit=number_of_bytes' filename.\nA limit of -1 means "
            "unlimited.",
            (unsigned long long)kept_stdin.limit);
    else if (rc == 0 && s->gdal_error[0])
        rc = fail(s, err, s->kind == PLAIN ? "read error: %s" : "damaged zip archive member: %s",
                  s->gdal_error);
    if (rc != 0)
        return rc;
    s->delivered += *got;
    XXH3_64bits_update(s->hash, buf, *got);
    if (s->kind == ZIP_MEMBER) {
        for (size_t at = 0; s->have_crc && at < *got; at += 1u << 30) {
            size_t part = *got - at < (1u << 30) ? *got - at : 1u << 30;
            s->crc = (uint32_t)crc32(s->crc, (const unsigned char *)buf + at, (uInt)part);
        }
        if (s->done && (rc = check_zip_end(s, err)) != 0)
            return rc;
    }
    if (s->done && s->record) /* read whole and checked */
        *s->record = (dti_fingerprint){XXH3_64bits_digest(s->hash), s->delivered, 1};
    return 0;
}

int dti_stream_stat(const char *path, uint64_t *size, int *is_dir)
{
    int gzip = strncmp(path, "/vsigzip/", 9) == 0, is_reg;
    if (dti_is_stdin(path)) {
        *size = 0; /* not known before it is read */
        *is_dir = 0;
        return 0;
    }
    /* A .gz is not inflated to learn its size (as VSIStatL("/vsigzip/...")
     * would, writing FILE.gz.properties beside it): its trailer's ISIZE, the
     * size mod 2^32, is close enough for progress and table sizes. */
    const char *file = gzip ? path + 9 : path;
    if (dti_path_stat(file, size, is_dir, &is_reg) != 0)
        return -1;
    uint64_t file_size = *size;
    unsigned char trailer[4];
    if (gzip && !*is_dir && file_size >= 18 && is_vsi(file)) {
        VSILFILE *fp = VSIFOpenL(file, "rb");
        if (fp && read_at(fp, file_size - 4, trailer, 4) == 0 && le32(trailer) > *size)
            *size = le32(trailer);
        if (fp)
            VSIFCloseL(fp);
    } else if (gzip && !*is_dir && file_size >= 18) {
        FILE *fp = fopen(file, "rb");
        if (fp && fseeko(fp, (off_t)(file_size - 4), SEEK_SET) == 0 &&
            fread(trailer, 1, 4, fp) == 4 && le32(trailer) > *size)
            *size = le32(trailer);
        if (fp)
            fclose(fp);
    }
    return 0;
}
