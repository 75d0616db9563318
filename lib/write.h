/* SPDX-License-Identifier: MIT */
/* Writing outputs: every output through a temporary name, and the checks of a command's paths
 * before any work. */
#ifndef DIALTONE_WRITE_H
#define DIALTONE_WRITE_H

#include <stdio.h>

#include "core.h"

/* ---- outputs (outfile.c): every output of every command goes through these ---- */
typedef enum dti_out_kind {
    DTI_OUT_RENAME, /* a regular file or a new name: a temporary file beside it, renamed */
    DTI_OUT_DIRECT, /* a FIFO or character device (/dev/null): written into, never replaced */
    DTI_OUT_STDOUT  /* "-" */
} dti_out_kind;

typedef struct dti_outfile dti_outfile;
/* Stream mode: path "-" or NULL writes stdout. A symbolic link is followed to its target (the
 * link survives); note (may be NULL) is told when the target is a FIFO or device. */
dti_outfile *dti_outfile_open(const char *path, dt_note_fn note, void *user, dt_error *err);
/* File mode, for writers that need a file name (GDAL, a map step): they write
 * dti_outfile_path(out), a new name in a temporary directory (beside the target; for a stream,
 * in TMPDIR, named "output" + suffix). Commit moves every file made there beside the target,
 * or copies the one file into the stream. */
dti_outfile *dti_outfile_open_file(const char *path, const char *suffix, dt_note_fn note,
                                   void *user, dt_error *err);
FILE *dti_outfile_stream(dti_outfile *out); /* NULL in file mode */
const char *dti_outfile_path(const dti_outfile *out);
/* File mode, a regular file already at the target: copy it to dti_outfile_path(out), so that
 * the writer can update a copy (keep a GeoPackage's other layers) renamed over it on commit.
 * 1 copied, 0 no such file (or a stream or device), -1 error set. */
int dti_outfile_start_from_target(dti_outfile *out, dt_error *err);
/* An empty scratch file (not an output) where out's temporary files go; the caller removes it
 * and frees the name. out NULL: in TMPDIR. */
char *dti_outfile_scratch(const dti_outfile *out, const char *suffix, dt_error *err);
/* Give a CSV output a CSV on the Web sidecar (FILE-metadata.json beside it, written and renamed
 * with it on commit) recording provenance (kept: the caller may free its own reference). A
 * stream or a device gets none. */
void dti_outfile_set_provenance(dti_outfile *out, struct json_t *provenance);
/* Flush, close and rename into place (or copy into the stream); frees out. */
dt_status dti_outfile_commit(dti_outfile *out, dt_error *err);
/* Remove the temporary file(s); frees out. Accepts NULL. */
void dti_outfile_abort(dti_outfile *out);
/* Move a finished file onto path as dti_outfile_commit would (renamed onto a file, copied into a
 * stream or device or across file systems); file is gone afterwards on success. */
dt_status dti_outfile_install(const char *file, const char *path, dt_note_fn note, void *user,
                              dt_error *err);
/* The kind of output path would be; -1 (err set) for a directory and the like. */
int dti_output_kind(const char *path, dt_error *err);
/* path with its chain of symbolic links followed (a dangling link: the name it points at).
 * Caller frees; NULL with err on failure. */
char *dti_path_resolve_links(const char *path, dt_error *err);

/* ---- outputs and inputs of one command, checked before any work (paths.c) ---- */
typedef struct dti_path_entry dti_path_entry;
typedef struct dti_path_check {
    dti_path_entry *outputs, *inputs;
    size_t output_count, input_count, output_cap, input_cap;
    int nomem;
    int makes_parents;            /* the command creates its outputs' directories (run --out) */
    char *directory, *dir_option; /* the first directory given where one file is read */
    char *stdin_option, *stdin_again; /* the inputs given as "-": standard input is read once */
} dti_path_check;

/* One rule for directories as inputs, in every command: where a command reads a set of BDC
 * files (stats FILES, diff's releases, run's bdc and previous) a directory stands for every .csv
 * and .zip file in it, in name order; wherever one file is read, a directory is refused before
 * any work, naming the option and files in it. */
enum {
    DTI_INPUT_DIRECTORY = 1 /* a directory stands for its .csv and .zip files */
};

void dti_path_check_init(dti_path_check *c);
/* An output of option (path NULL or "-": stdout). */
void dti_path_output(dti_path_check *c, const char *option, const char *path);
/* An input of option (path NULL: none): a quoted glob stands for its matches, a /vsi path or a
 * layer (FILE|layername=NAME) for its file, a .zip for the archive itself; "-" is standard
 * input, which only one input may be. */
void dti_path_input(dti_path_check *c, const char *option, const char *path, int flags);
/* A usage error naming both when two outputs are the same file (the same target after links,
 * . and .., or the same device and inode) or an output is one of the inputs; frees c. */
dt_status dti_path_check_finish(dti_path_check *c, dt_error *err);
/* Up to a few names in directory dir ending in one of exts (a NULL-ended list; NULL: any data
 * file), sorted, comma-separated, into buf ("" when none). */
void dti_directory_sample(const char *dir, const char *const *exts, char *buf, size_t size);
/* What a file is when it is not text (a GeoPackage, a shapefile, a PNG image...), by its first
 * bytes, with where it goes ("polygons go with --regions..."); NULL for anything else. */
const char *dti_binary_kind(const char *path);
/* An output's name against the formats a command writes ("csv" or "csv,gpkg,..."): a known
 * extension, no extension, or a stream or device pass; any other extension is a usage error
 * (the format follows the name, as map's .png and .svg do). */
dt_status dti_output_named(const char *option, const char *path, const char *formats,
                           dt_error *err);

#endif
