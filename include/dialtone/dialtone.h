/* SPDX-License-Identifier: MIT */
/* dialtone: public API of the rural broadband coverage toolkit. */
#ifndef DIALTONE_DIALTONE_H
#define DIALTONE_DIALTONE_H

#ifdef __cplusplus
extern "C" {
#endif

#define DT_VERSION "0.2.0"

/* One status for every library call; 0 is success. */
typedef enum dt_status {
    DT_OK = 0,
    DT_ERR_NOMEM,   /* out of memory */
    DT_ERR_IO,      /* a file could not be opened, read or written */
    DT_ERR_FORMAT,  /* input is not in the expected format */
    DT_ERR_CRS,     /* missing or unusable coordinate reference system */
    DT_ERR_USAGE,   /* bad options or arguments */
    DT_ERR_CANCEL,  /* the progress callback asked to stop */
    DT_ERR_INTERNAL /* a bug: please report */
} dt_status;

/* Error details filled in by a failing call: the message names the bad
 * input's file and line where there is one (line 0: no line). */
typedef struct dt_error {
    dt_status status;
    long line;
    char file[1024];
    char message[1024];
} dt_error;

/* Progress: frac in [0,1]; msg may be NULL. Return 0 to cancel (as in GDAL). */
typedef int (*dt_progress_fn)(double frac, const char *msg, void *user);

/* Message sink for notes meant for the user (counts of skipped rows, the
 * no-fabric caveat); NULL to discard. */
typedef void (*dt_note_fn)(const char *note, void *user);

/* A short English description of a status; static storage, never freed. */
const char *dt_strerror(dt_status status);

/* "file:line: message" (or just the message) into buf; returns buf. */
char *dt_error_format(const dt_error *err, char *buf, unsigned long size);

/* Library version string, e.g. "0.1.0"; static storage. */
const char *dt_version(void);

/* Remove every temporary file and directory that dialtone calls in this process have made
 * and not yet renamed into place or removed (outputs being written, a run's working
 * directory, an output directory a run created). Async-signal-safe: a program calls it
 * from its SIGINT/SIGTERM handler, then ends; an interrupted run leaves nothing behind. */
void dt_remove_temporaries(void);

/* ---- commands, and requests of any command ---------------------------
 * Every command (stats, map, plan, ...) has a typed request below (dt_stats_options ...),
 * made from the same arguments as the command line by dt_X_options_new() and run by dt_X().
 * A program that drives any command by name (the dialtone binary is one) uses these. */

typedef struct dt_command dt_command;

/* The command called name ("stats"), or NULL. */
const dt_command *dt_command_find(const char *name);
/* The i-th command in the order of `dialtone --help` (0, 1, ...), NULL past the last. */
const dt_command *dt_command_at(unsigned long i);
/* Its name and one-line summary; static storage. */
const char *dt_command_name(const dt_command *command);
const char *dt_command_summary(const dt_command *command);
/* Its --help text, into buf (always terminated when size > 0); returns the length the whole
 * text needs, without the terminator, as snprintf does. */
unsigned long dt_command_usage(const dt_command *command, char *buf, unsigned long size);

/* A request of some command, parsed from its arguments (argv[0] is the first option or
 * operand, not the program name). NULL and err filled (DT_ERR_USAGE for bad arguments).
 * The pointer is also the command's typed request (a dt_stats_options * for stats). */
typedef struct dt_request dt_request;
dt_request *dt_request_new(const dt_command *command, int argc, char **argv, dt_error *err);
void dt_request_free(dt_request *request);

/* What the arguments asked for besides the work: --help, --version, -q. */
enum { DT_WANTS_HELP = 1, DT_WANTS_VERSION = 2, DT_QUIET = 4 };
int dt_request_flags(const dt_request *request);

/* Run it. Text the command makes for standard output (dialtone info's JSON) is kept in the
 * request: dt_request_output() returns it after the run (NULL when there is none). */
dt_status dt_request_run(dt_request *request, dt_progress_fn progress, dt_note_fn note, void *user,
                         dt_error *err);
const char *dt_request_output(const dt_request *request);

/* ---- dialtone stats -------------------------------------------------- */

typedef struct dt_stats_options dt_stats_options;

/* Parse `dialtone stats` arguments (argv[0] is the first option or file,
 * not the program name). Returns NULL and fills err (DT_ERR_USAGE for bad
 * arguments). The caller frees the result with dt_stats_options_free(). */
dt_stats_options *dt_stats_options_new(int argc, char **argv, dt_error *err);
void dt_stats_options_free(dt_stats_options *options);

/* Run `dialtone stats`: read the BDC files, classify every location and
 * write the region table (and the location table when asked). Every output
 * is written to a temporary name and renamed into place only on success. */
dt_status dt_stats(const dt_stats_options *options, dt_progress_fn progress, dt_note_fn note,
                   void *user, dt_error *err);

/* ---- dialtone merge ------------------------------------------------- */

typedef struct dt_merge_options dt_merge_options;

/* Parse `dialtone merge` arguments (partial files from `stats
 * --partial-out`, -o FILE). Caller frees with dt_merge_options_free(). */
dt_merge_options *dt_merge_options_new(int argc, char **argv, dt_error *err);
void dt_merge_options_free(dt_merge_options *options);

/* Merge partial results exactly into the region table of `dialtone stats`. */
dt_status dt_merge(const dt_merge_options *options, dt_error *err);
/* ---- dialtone map ---------------------------------------------------- */

typedef struct dt_map_options dt_map_options;

/* Parse `dialtone map` arguments (argv[0] is the first option). Returns NULL and
 * fills err (DT_ERR_USAGE for bad arguments). The caller frees the result with
 * dt_map_options_free(), which accepts NULL. */
dt_map_options *dt_map_options_new(int argc, char **argv, dt_error *err);
void dt_map_options_free(dt_map_options *options);

/* Run `dialtone map`: read the region layer (and the stats table), classify the
 * column, draw the map and write the PNG (and SVG). Each output is written to a
 * temporary name and renamed into place only when every output succeeded. */
dt_status dt_map(const dt_map_options *options, dt_progress_fn progress, dt_note_fn note,
                 void *user, dt_error *err);

/* ---- dialtone plan ---------------------------------------------------- */

typedef struct dt_plan_options dt_plan_options;

/* Parse `dialtone plan` arguments (argv[0] is the first option). Returns NULL and fills err
 * (DT_ERR_USAGE for bad arguments, such as a budget that is negative or not a number). The
 * caller frees the result with dt_plan_options_free(), which accepts NULL. */
dt_plan_options *dt_plan_options_new(int argc, char **argv, dt_error *err);
void dt_plan_options_free(dt_plan_options *options);

/* Run `dialtone plan`: read the region table, the cost model and the land areas, rank the
 * projects (unserved before underserved), allocate the budget and write the plan table (and
 * the map of funded regions). Outputs appear only when all of them are complete. */
dt_status dt_plan(const dt_plan_options *options, dt_progress_fn progress, dt_note_fn note,
                  void *user, dt_error *err);

/* ---- dialtone diff ---------------------------------------------------- */

typedef struct dt_diff_options dt_diff_options;

/* Parse `dialtone diff` arguments: two releases OLD NEW (files, archives, globs or
 * directories) and options. The caller frees the result with dt_diff_options_free(). */
dt_diff_options *dt_diff_options_new(int argc, char **argv, dt_error *err);
void dt_diff_options_free(dt_diff_options *options);

/* Run `dialtone diff`: read both releases, compare every location and write the region
 * table of changes (and the changed locations). Releases of different states are an error. */
dt_status dt_diff(const dt_diff_options *options, dt_progress_fn progress, dt_note_fn note,
                  void *user, dt_error *err);

/* ---- dialtone report -------------------------------------------------- */

typedef struct dt_report_options dt_report_options;

/* Parse `dialtone report` arguments. The caller frees the result with
 * dt_report_options_free(), which accepts NULL. */
dt_report_options *dt_report_options_new(int argc, char **argv, dt_error *err);
void dt_report_options_free(dt_report_options *options);

/* Run `dialtone report`: one self-contained HTML page (inline CSS and JS, images as data:
 * URIs) from a stats table, maps, and optionally a plan and a diff table. */
dt_status dt_report(const dt_report_options *options, dt_progress_fn progress, dt_note_fn note,
                    void *user, dt_error *err);

/* ---- dialtone run ----------------------------------------------------- */

typedef struct dt_run_options dt_run_options;

/* Parse `dialtone run` arguments: one configuration file, --out DIR. The caller frees the
 * result with dt_run_options_free(), which accepts NULL. */
dt_run_options *dt_run_options_new(int argc, char **argv, dt_error *err);
void dt_run_options_free(dt_run_options *options);

/* Run the pipeline of a configuration file: stats, maps, plan, diff and report through the
 * calls above. The outputs appear in the output directory only when every step succeeded. */
dt_status dt_run(const dt_run_options *options, dt_progress_fn progress, dt_note_fn note,
                 void *user, dt_error *err);

/* ---- dialtone info: the provenance of dialtone outputs ---- */
typedef struct dt_info_options dt_info_options;
dt_info_options *dt_info_options_new(int argc, char **argv, dt_error *err);
void dt_info_options_free(dt_info_options *options);
/* The provenance of each file as JSON text in *text (the caller frees it). */
dt_status dt_info(const dt_info_options *options, char **text, dt_error *err);

/* ---- embedding: the threading and ownership contract --------------------------------------
 *
 * - Calls are reentrant: any number of threads may make calls at the same time, each with its
 *   own options, tables and dt_error (an options or table handle is read-only to the calls
 *   that take it const, and may be shared by threads that only read it). The library keeps
 *   no mutable state between calls, except the list of temporary files that
 *   dt_remove_temporaries() empties (held under a lock).
 * - Callbacks (progress, note) run on the thread that made the call, before it returns; the
 *   library's own worker threads never call them. A callback may not call dt_remove_temporaries
 *   (the signal handler may).
 * - GDAL: every call that may reach GDAL pushes a quiet error handler of its own on entry and
 *   pops it before returning (CPLPushErrorHandlerEx, per thread), so the library never prints
 *   and never replaces the program's handler; the program's last GDAL error
 *   (CPLGetLastErrorMsg) is as it was before the call. GDAL's drivers are registered once
 *   (GDALAllRegister, under pthread_once), and CPL_VSIL_GZIP_WRITE_PROPERTIES is set to NO
 *   once unless the program set it.
 * - Files are created with mode 0666 as modified by the process's umask (the umask is never
 *   changed, not even for a moment) and written to a temporary name renamed into place.
 * - err may not be NULL; on failure it holds the status, the message and the file and line of
 *   the bad input. On success its contents are unspecified.
 * - Who frees what: every _new has its _free (each accepts NULL); a dt_table from
 *   dt_stats_table, dt_plan_table or dt_diff_table is the caller's (dt_table_free); dt_info's *text
 * is the caller's (free()); strings from dt_strerror, dt_version, dt_command_name,
 *   dt_command_summary and the dt_table accessors belong to
 *   the library (the table's strings live as long as the table).
 * - The library never calls exit() and never installs signal handlers: a program that wants
 *   interrupted calls to leave nothing behind calls dt_remove_temporaries() from its own
 *   SIGINT/SIGTERM handler. While a call renames its outputs into place it blocks SIGINT and
 *   SIGTERM on the calling thread (pthread_sigmask), and restores the mask.
 * - Some readers (coordinates, map options) use strtod: keep LC_NUMERIC "C" (as every C program
 *   starts; after setlocale(LC_ALL, "") set LC_NUMERIC back to "C").
 */

/* ---- tables in memory: dt_table --------------------------------------------------------- */

/* A result table: named, typed columns and rows of cells. Each cell holds exactly the text the
 * CSV output holds (without the CSV's quoting); an empty cell is a value that is not known. */
typedef struct dt_table dt_table;

typedef enum dt_column_type {
    DT_COLUMN_TEXT = 0, /* region ids and names: text, never numbers ("01001") */
    DT_COLUMN_INTEGER,  /* counts */
    DT_COLUMN_NUMBER    /* decimals: shares, medians, sums of one decimal */
} dt_column_type;

unsigned long dt_table_columns(const dt_table *table);
unsigned long dt_table_rows(const dt_table *table);
/* NULL / DT_COLUMN_TEXT for a column out of range. */
const char *dt_table_column_name(const dt_table *table, unsigned long column);
dt_column_type dt_table_column_type(const dt_table *table, unsigned long column);
/* The column named name, or -1. */
long dt_table_column_index(const dt_table *table, const char *name);
/* The cell's text, as the CSV holds it ("" for an empty cell); NULL out of range. Owned by
 * the table. */
const char *dt_table_text(const dt_table *table, unsigned long row, unsigned long column);
/* Non-zero for an empty cell (or one out of range). */
int dt_table_is_empty(const dt_table *table, unsigned long row, unsigned long column);
/* The cell read as a whole number (0 when empty or not one) ... */
long long dt_table_integer(const dt_table *table, unsigned long row, unsigned long column);
/* ... or as the double nearest its decimal text (NaN when empty or not a number). */
double dt_table_number(const dt_table *table, unsigned long row, unsigned long column);
void dt_table_free(dt_table *table);

/* Run `dialtone stats` as dt_stats() does and return the region table in *table (the caller
 * frees it with dt_table_free; NULL on failure). The region table is also written to a file
 * only when the options give -o; the other outputs (--locations-out, --blocks-out,
 * --partial-out, the extra --by levels) are written as dt_stats() writes them. */
dt_status dt_stats_table(const dt_stats_options *options, dt_progress_fn progress, dt_note_fn note,
                         void *user, dt_table **table, dt_error *err);

/* Run `dialtone plan` as dt_plan() does and return the plan table in *table (columns as in
 * dialtone-plan(1); the caller frees it with dt_table_free; NULL on failure). The table is
 * also written to a file only when the options give -o; the map (--map) as dt_plan() draws it. */
dt_status dt_plan_table(const dt_plan_options *options, dt_progress_fn progress, dt_note_fn note,
                        void *user, dt_table **table, dt_error *err);

/* Run `dialtone diff` as dt_diff() does and return its region table of changes in *table
 * (columns as in dialtone-diff(1)); written to a file too only with -o; --changes-out as
 * dt_diff() writes it. */
dt_status dt_diff_table(const dt_diff_options *options, dt_progress_fn progress, dt_note_fn note,
                        void *user, dt_table **table, dt_error *err);

#ifdef __cplusplus
}
#endif

#endif
