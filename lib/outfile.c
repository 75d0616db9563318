/* SPDX-License-Identifier: MIT */
/* Where every output's bytes go: through symlinks to their target, straight into FIFOs and
 * character devices, and otherwise to a temporary name beside the target renamed on success. */
#define _GNU_SOURCE /* getrandom */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "internal.h"

struct dti_outfile {
    dti_out_kind kind;
    FILE *fp;       /* what the writer writes (stream mode), or the device (file mode, commit) */
    char *path;     /* as given, for messages */
    char *target;   /* path with its symbolic links resolved: the file the bytes end in */
    char *temp;     /* stream mode, DTI_OUT_RENAME: the temporary file beside target */
    char *temp_dir; /* file mode: where the writer makes its file(s) */
    char *file;     /* file mode: the file the writer writes, temp_dir/NAME */
    struct json_t *provenance; /* a CSV's sidecar, written on commit */
    int provenance_lost;       /* set_provenance ran out of memory: commit fails */
};

/* dir (its first dir_len bytes; none: the current directory) / name */
static char *join(const char *dir, size_t dir_len, const char *name)
{
    size_t n = dir_len + strlen(name) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%.*s%s%s", (int)dir_len, dir, dir_len && dir[dir_len - 1] != '/' ? "/" : "",
                 name);
    return s;
}

/* Length of the directory part of path ("" for a bare name; "/" keeps its slash). */
static size_t dir_length(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* An open file descriptor named as a file (/dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N): its
 * link reads "pipe:[123]" or a name that may be gone, so it is opened, never followed. N, or -1;
 * *own: the descriptor is this process's (write to a copy of it). */
static int fd_link(const char *path, int *own)
{
    static const char *const prefixes[] = {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"};
    const char *rest = NULL;
    *own = 1;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes && !rest; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            rest = path + strlen(prefixes[i]);
    if (!rest && strncmp(path, "/proc/", 6) == 0) {
        char *end;
        long pid = strtol(path + 6, &end, 10);
        if (end != path + 6 && strncmp(end, "/fd/", 4) == 0) {
            rest = end + 4;
            *own = pid == (long)getpid();
        }
    }
    if (!rest || !*rest || strspn(rest, "0123456789") != strlen(rest) || strlen(rest) > 6)
        return -1;
    return atoi(rest);
}

char *dti_path_resolve_links(const char *path, dt_error *err)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        int own;
        if (fd_link(cur, &own) >= 0 || lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        char link[4096];
        ssize_t n = hops < 40 ? readlink(cur, link, sizeof link - 1) : -1;
        if (n < 0) {
            dti_error_set(err, DT_ERR_IO, path, 0, "cannot follow the symbolic link: %s",
                          hops < 40 ? strerror(errno) : "too many levels of links");
            free(cur);
            return NULL;
        }
        link[n] = '\0';
        /* a relative link is relative to the directory holding the link */
        char *next = link[0] == '/' ? strdup(link) : join(cur, dir_length(cur), link);
        free(cur);
        cur = next;
    }
    dti_nomem(err);
    return NULL;
}

/* What kind of output target is; -1 (err set) for one that cannot be written. */
static int target_kind(const char *path, const char *target, dt_error *err)
{
    struct stat st;
    int own;
    if (fd_link(target, &own) >= 0)
        return DTI_OUT_DIRECT; /* an open file (a shell redirection, a pipe): written into */
    if (stat(target, &st) != 0 || S_ISREG(st.st_mode))
        return DTI_OUT_RENAME; /* a new name: making the temporary file reports any problem */
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
        return DTI_OUT_DIRECT;
    dti_error_set(err, DT_ERR_IO, path, 0, "%s",
                  S_ISDIR(st.st_mode) ? "is a directory: give a file name"
                                      : "is not a regular file, a FIFO or a character device");
    return -1;
}

int dti_output_kind(const char *path, dt_error *err)
{
    if (!path || strcmp(path, "-") == 0)
        return DTI_OUT_STDOUT;
    char *target = dti_path_resolve_links(path, err);
    int kind = target ? target_kind(path, target, err) : -1;
    free(target);
    return kind;
}

/* The outfile with path, target and kind filled, nothing opened. */
static dti_outfile *prepare(const char *path, dt_note_fn note, void *user, dt_error *err)
{
    dti_outfile *out = calloc(1, sizeof *out);
    if (!out || !(out->path = strdup(path ? path : "-"))) {
        free(out);
        dti_nomem(err);
        return NULL;
    }
    out->kind = DTI_OUT_STDOUT;
    if (strcmp(out->path, "-") == 0)
        return out;
    int kind = (out->target = dti_path_resolve_links(path, err))
                   ? target_kind(path, out->target, err)
                   : -1;
    if (kind < 0) {
        dti_outfile_abort(out);
        return NULL;
    }
    out->kind = (dti_out_kind)kind;
    struct stat st;
    int own;
    if (out->kind == DTI_OUT_DIRECT && stat(out->target, &st) == 0)
        dti_say(note, user, "%s is %s: written into directly, not replaced by a file", path,
                fd_link(out->target, &own) >= 0 ? "an open file descriptor"
                : S_ISFIFO(st.st_mode)          ? "a FIFO"
                                                : "a character device");
    return out;
}

/* Open the FIFO or device (without O_CREAT: it is never replaced by a plain file). */
static FILE *open_direct(const dti_outfile *out, dt_error *err)
{
    int own, number = fd_link(out->target, &own);
    int fd = number >= 0 && own ? dup(number) : open(out->target, O_WRONLY | O_NOCTTY);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        dti_error_set(err, DT_ERR_IO, out->path, 0, "cannot write: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return fp;
}

/* Like mkstemp, but the file gets the usual permissions of a new file: mode 0666 as the process's
 * umask (or the directory's default ACL) makes it, applied by the kernel at creation. Finding
 * the umask would take umask() twice, which changes it for every thread in between. */
static int create_temporary(char *template)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(template);
    if (len < 6 || strcmp(template + len - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
        unsigned char random[6];
        if (getrandom(random, sizeof random, GRND_NONBLOCK) != (ssize_t)sizeof random) {
            /* no entropy yet: the time, the process, the thread and the attempt still make
             * names unlikely to be taken, and O_EXCL refuses one that is */
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            unsigned long long mix =
                (unsigned long long)now.tv_nsec * 2654435761u ^ (unsigned long long)getpid() << 20 ^
                (unsigned long long)(uintptr_t)&now ^ (unsigned long long)attempt * 40503u;
            for (size_t i = 0; i < sizeof random; i++)
                random[i] = (unsigned char)(mix >> (8 * i));
        }
        for (size_t i = 0; i < 6; i++)
            template[len - 6 + i] = letters[random[i] % (sizeof letters - 1)];
        int fd = open(template, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

dti_outfile *dti_outfile_open(const char *path, dt_note_fn note, void *user, dt_error *err)
{
    dti_outfile *out = prepare(path, note, user, err);
    if (!out)
        return NULL;
    if (out->kind == DTI_OUT_STDOUT) {
        out->fp = stdout;
        return out;
    }
    if (out->kind == DTI_OUT_DIRECT) {
        if (!(out->fp = open_direct(out, err))) {
            dti_outfile_abort(out);
            return NULL;
        }
        return out;
    }
    size_t n = strlen(out->target) + 16;
    if (!(out->temp = malloc(n))) {
        dti_nomem(err);
        dti_outfile_abort(out);
        return NULL;
    }
    snprintf(out->temp, n, "%s.tmp.XXXXXX", out->target);
    /* made and listed with SIGINT and SIGTERM held: an interruption in between would leave it */
    sigset_t mask;
    dti_signals_hold(&mask);
    int fd = create_temporary(out->temp),
        listed = fd >= 0 && dti_temp_add(out->temp, DTI_TEMP_FILE) == 0;
    if (fd >= 0 && !listed)
        unlink(out->temp);
    dti_signals_release(&mask);
    if (fd >= 0 && !listed) {
        close(fd);
        dti_nomem(err);
        dti_outfile_abort(out);
        return NULL;
    }
    if (fd < 0 || !(out->fp = fdopen(fd, "w"))) {
        dti_error_set(err, DT_ERR_IO, out->path, 0, "cannot write: %s", strerror(errno));
        if (fd < 0) {
            free(out->temp);
            out->temp = NULL;
        } else {
            close(fd);
        }
        dti_outfile_abort(out);
        return NULL;
    }
    setvbuf(out->fp, NULL, _IOFBF, 1 << 20);
    return out;
}

dti_outfile *dti_outfile_open_file(const char *path, const char *suffix, dt_note_fn note,
                                   void *user, dt_error *err)
{
    dti_outfile *out = prepare(path, note, user, err);
    if (!out)
        return NULL;
    /* beside the target, so the final renames stay within one file system; a stream
     * (stdout, FIFO, device) is copied from the temporary directory */
    const char *tmpdir = getenv("TMPDIR");
    size_t dir_len = dir_length(out->target ? out->target : "");
    char *dir = out->kind != DTI_OUT_RENAME ? strdup(tmpdir && tmpdir[0] ? tmpdir : "/tmp")
                : dir_len                   ? strndup(out->target, dir_len)
                                            : strdup(".");
    const char *name = out->kind == DTI_OUT_RENAME ? base_name(out->target) : "output";
    size_t n = (dir ? strlen(dir) : 0) + strlen(name) + 32;
    out->temp_dir = dir ? malloc(n) : NULL;
    if (out->temp_dir)
        snprintf(out->temp_dir, n, "%s%s.%s.tmp.XXXXXX", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    free(dir);
    if (!out->temp_dir) {
        dti_nomem(err);
        dti_outfile_abort(out);
        return NULL;
    }
    sigset_t mask;
    dti_signals_hold(&mask); /* made and listed together (see dti_outfile_open) */
    int made = mkdtemp(out->temp_dir) != NULL;
    int listed = made && dti_temp_add(out->temp_dir, DTI_TEMP_TREE) == 0;
    if (made && !listed)
        rmdir(out->temp_dir);
    dti_signals_release(&mask);
    if (!made) {
        dti_error_set(err, DT_ERR_IO, out->path, 0, "cannot write here: %s", strerror(errno));
        free(out->temp_dir);
        out->temp_dir = NULL;
        dti_outfile_abort(out);
        return NULL;
    }
    if (!listed) {
        free(out->temp_dir);
        out->temp_dir = NULL;
        dti_nomem(err);
        dti_outfile_abort(out);
        return NULL;
    }
    char file_name[256];
    snprintf(file_name, sizeof file_name, "%s%s", name,
             out->kind == DTI_OUT_RENAME ? "" : (suffix ? suffix : ""));
    if (!(out->file = join(out->temp_dir, strlen(out->temp_dir), file_name))) {
        dti_nomem(err);
        dti_outfile_abort(out);
        return NULL;
    }
    return out;
}

FILE *dti_outfile_stream(dti_outfile *out) { return out->fp; }

void dti_outfile_set_provenance(dti_outfile *out, struct json_t *provenance)
{
    json_decref(out->provenance);
    out->provenance = dti_prov_copy(provenance); /* as it is now */
    out->provenance_lost = !dti_prov_ok(out->provenance);
}

/* Beside the CSV as the user named it (so that a link's sidecar is found by the link's
 * name): the sidecar, written to a temporary name; *final is where it goes. */
static dt_status write_sidecar(dti_outfile *out, char **temp, char **final, dt_error *err)
{
    *temp = NULL;
    if (!(* final = dti_sidecar_path(out->path)))
        return dti_nomem(err);
    size_t n = strlen(*final) + 16;
    if (!(*temp = malloc(n)))
        return dti_nomem(err);
    snprintf(*temp, n, "%s.tmp.XXXXXX", *final);
    sigset_t mask;
    dti_signals_hold(&mask); /* made and listed together (see dti_outfile_open) */
    int fd = create_temporary(*temp), listed = fd >= 0 && dti_temp_add(*temp, DTI_TEMP_FILE) == 0;
    if (fd >= 0 && !listed)
        unlink(*temp);
    dti_signals_release(&mask);
    if (fd < 0 || !listed) {
        int saved = errno;
        free(*temp);
        *temp = NULL;
        if (fd >= 0) {
            close(fd);
            return dti_nomem(err);
        }
        return dti_error_set(err, DT_ERR_IO, *final, 0, "cannot write: %s", strerror(saved));
    }
    close(fd);
    return dti_sidecar_write(out->temp, out->path, *temp, out->provenance, err);
}
const char *dti_outfile_path(const dti_outfile *out) { return out->file; }

char *dti_outfile_scratch(const dti_outfile *out, const char *suffix, dt_error *err)
{
    if (out && out->kind == DTI_OUT_RENAME)
        return dti_temp_beside(out->target, suffix, err);
    const char *tmpdir = getenv("TMPDIR");
    char beside[1024];
    snprintf(beside, sizeof beside, "%s/dialtone", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    return dti_temp_beside(beside, suffix, err);
}

/* Copy the file at from into fp; 0 ok, -1 errno set. */
static int copy_into(const char *from, FILE *fp)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return -1;
    char buf[1 << 16];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        rc = fwrite(buf, 1, n, fp) == n ? 0 : -1;
    if (ferror(in))
        rc = -1;
    int saved = errno;
    fclose(in);
    errno = saved;
    return rc;
}

int dti_outfile_start_from_target(dti_outfile *out, dt_error *err)
{
    struct stat st;
    if (!out->file || out->kind != DTI_OUT_RENAME || stat(out->target, &st) != 0 ||
        !S_ISREG(st.st_mode))
        return 0;
    FILE *fp = fopen(out->file, "wb");
    int rc = fp ? copy_into(out->target, fp) : -1;
    if (fp && fclose(fp) != 0)
        rc = -1;
    if (rc != 0) {
        dti_error_set(err, DT_ERR_IO, out->path, 0, "cannot copy it to update it: %s",
                      strerror(errno));
        return -1;
    }
    chmod(out->file, st.st_mode & 07777);
    return 1;
}

/* Flush and close (stdout: flush only) the stream: 0 ok, -1 errno set. */
static int finish_stream(dti_outfile *out)
{
    int failed = fflush(out->fp) != 0 || ferror(out->fp);
    int saved = errno;
    if (out->fp != stdout)
        failed |= fclose(out->fp) != 0;
    else
        errno = saved;
    out->fp = NULL;
    return failed ? -1 : 0;
}

/* File mode: move what the writer made (a shapefile is several files) beside the target. */
static dt_status commit_files(dti_outfile *out, dt_error *err)
{
    dt_status status = DT_OK;
    DIR *dir = opendir(out->temp_dir);
    struct dirent *e;
    size_t dir_len = dir_length(out->target);
    while (dir && status == DT_OK && (e = readdir(dir))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *from = join(out->temp_dir, strlen(out->temp_dir), e->d_name);
        int main_file = strcmp(e->d_name, base_name(out->target)) == 0;
        char *to = main_file ? strdup(out->target) : join(out->target, dir_len, e->d_name);
        if (!from || !to)
            status = dti_nomem(err);
        else if (rename(from, to) != 0)
            status = dti_error_set(err, DT_ERR_IO, main_file ? out->path : to, 0,
                                   "cannot rename into place: %s", strerror(errno));
        free(from);
        free(to);
    }
    if (dir)
        closedir(dir);
    return status;
}

dt_status dti_outfile_commit(dti_outfile *out, dt_error *err)
{
    dt_status status = DT_OK;
    if (out->file && out->kind == DTI_OUT_RENAME) {
        status = commit_files(out, err);
    } else if (out->file) {
        if (access(out->file, F_OK) != 0)
            status = dti_error_set(err, DT_ERR_IO, out->path, 0,
                                   "this output is several files: it cannot go to a stream or "
                                   "device; give a file name");
        else if (out->kind == DTI_OUT_STDOUT)
            out->fp = stdout;
        else if (!(out->fp = open_direct(out, err)))
            status = err->status;
        if (status == DT_OK && (copy_into(out->file, out->fp) != 0 || finish_stream(out) != 0))
            status =
                dti_error_set(err, DT_ERR_IO, out->path, 0, "write failed: %s", strerror(errno));
    } else if (finish_stream(out) != 0) {
        status = dti_error_set(err, DT_ERR_IO, out->path, 0, "write failed: %s", strerror(errno));
    } else {
        char *side_temp = NULL, *side = NULL;
        if (out->temp && out->provenance_lost) /* never a table without its sidecar */
            status = dti_nomem(err);
        else if (out->temp && out->provenance)
            status = write_sidecar(out, &side_temp, &side, err);
        if (status == DT_OK && out->temp && rename(out->temp, out->target) != 0)
            status = dti_error_set(err, DT_ERR_IO, out->path, 0, "cannot rename into place: %s",
                                   strerror(errno));
        if (status == DT_OK && side_temp && rename(side_temp, side) != 0)
            status = dti_error_set(err, DT_ERR_IO, side, 0, "cannot rename into place: %s",
                                   strerror(errno));
        if (status == DT_OK && side_temp)
            dti_temp_forget(side_temp);
        else
            dti_temp_unlink(side_temp);
        free(side_temp);
        free(side);
    }
    if (status == DT_OK && out->temp) {
        dti_temp_forget(out->temp); /* renamed: nothing to remove */
        free(out->temp);
        out->temp = NULL;
    }
    dti_outfile_abort(out);
    return status;
}

dt_status dti_outfile_install(const char *file, const char *path, dt_note_fn note, void *user,
                              dt_error *err)
{
    dti_outfile *out = prepare(path, NULL, NULL, err);
    if (!out)
        return err->status;
    dt_status status = DT_OK;
    int moved = out->kind == DTI_OUT_RENAME && rename(file, out->target) == 0;
    if (!moved && out->kind == DTI_OUT_RENAME && errno != EXDEV)
        status =
            dti_error_set(err, DT_ERR_IO, path, 0, "cannot move into place: %s", strerror(errno));
    dti_outfile_abort(out);
    if (moved || status != DT_OK)
        return status;
    /* a stream, a device, or another file system: copy the bytes */
    if (!(out = dti_outfile_open(path, note, user, err)))
        return err->status;
    if (copy_into(file, dti_outfile_stream(out)) != 0) {
        status = dti_error_set(err, DT_ERR_IO, path, 0, "write failed: %s", strerror(errno));
        dti_outfile_abort(out);
    } else {
        status = dti_outfile_commit(out, err);
    }
    if (status == DT_OK)
        unlink(file);
    return status;
}

void dti_outfile_abort(dti_outfile *out)
{
    if (!out)
        return;
    if (out->fp && out->fp != stdout)
        fclose(out->fp);
    dti_temp_unlink(out->temp);
    if (out->temp_dir) {
        /* what a writer left in it (GDAL may make a directory) */
        dti_temp_remove_tree(out->temp_dir, 2);
        dti_temp_forget(out->temp_dir);
    }
    free(out->temp);
    free(out->temp_dir);
    free(out->file);
    free(out->target);
    free(out->path);
    json_decref(out->provenance);
    free(out);
}
