/* SPDX-License-Identifier: MIT */
/* Provenance (what an output means, its CSV on the Web sidecar) and the temporaries
 * dt_remove_temporaries removes. */
#ifndef DIALTONE_PROVENANCE_H
#define DIALTONE_PROVENANCE_H

#include "coverage.h"
#include "money.h"

/* ---- provenance (provenance.c): what an output means, and its CSV on the Web sidecar ---- */
/* A new provenance object {"dialtone": version, "command": command}; dti_prov_free it. */
struct json_t *dti_prov_new(const char *command);
void dti_prov_free(struct json_t *p);
/* 1 when p is a whole provenance: every builder below that ran out of memory (jansson's
 * allocations) spoils it, and nothing writes a spoiled or NULL provenance. */
int dti_prov_ok(const struct json_t *p);
/* A deep copy, whole or NULL (out of memory). */
struct json_t *dti_prov_copy(const struct json_t *value);
void dti_prov_rules(struct json_t *p, const dti_rules *rules);
/* regions: a GEOID level, or a polygon layer (level NULL) and its id field */
void dti_prov_regions(struct json_t *p, const char *level, const char *layer, const char *id_field);
void dti_prov_states(struct json_t *p, const dti_state_set *states);
/* key: [{name, file_bytes, bytes, xxh3}] (fingerprints of the inputs read whole), and for
 * BDC inputs "vintage": the FCC releases their names carry (_J24: June 2024). */
void dti_prov_inputs(struct json_t *p, const char *key, const dti_inputs *inputs);
void dti_prov_set_text(struct json_t *p, const char *key, const char *value);
void dti_prov_set_int(struct json_t *p, const char *key, long long value);
void dti_prov_set_bool(struct json_t *p, const char *key, int value);
void dti_prov_set_object(struct json_t *p, const char *key, struct json_t *value);
/* Compact JSON text (PNG chunks, GDAL metadata); free() it. NULL when out of memory or p is
 * not dti_prov_ok. */
char *dti_prov_text(const struct json_t *p);
char *dti_prov_pretty(const struct json_t *p);
/* FILE.csv-metadata.json for FILE.csv (W3C CSV on the Web's place for it); free() it. */
char *dti_sidecar_path(const char *csv_path);
/* Write the sidecar of the CSV at csv_file (named csv_name) into sidecar_file: columns and
 * their datatypes, row count and fingerprint of the CSV, and the provenance. */
dt_status dti_sidecar_write(const char *csv_file, const char *csv_name, const char *sidecar_file,
                            const struct json_t *provenance, dt_error *err);
/* The provenance of a dialtone CSV table from its sidecar: 1 (*provenance, decref it), 0 no
 * sidecar, -1 a sidecar that is not dialtone's or does not match the table (error set). */
int dti_sidecar_read(const char *csv_path, struct json_t **provenance, dt_error *err);
/* A JSON text (len bytes) or file, parsed twice, since jansson's parser may cut a string short
 * when an allocation fails: NULL with err set, out of memory or "not JSON" at display's line. */
struct json_t *dti_json_parse(const char *text, size_t len, const char *display, dt_error *err);
struct json_t *dti_json_read_file(const char *path, dt_error *err);
/* A string at a dotted path ("rules.served"), or NULL. */
const char *dti_prov_get_text(const struct json_t *p, const char *path);
int dti_prov_get_rules(const struct json_t *p, dti_rules *rules); /* 0 ok, -1 missing */
int dti_prov_get_int(const struct json_t *p, const char *key, long long *value);
struct json_t *dti_prov_get_object(const struct json_t *p, const char *key); /* borrowed */

/* One pass of a plan's allocation ("unserved", "underserved") into p's "allocation" list:
 * what it funded (exact or greedy) and what greedy would have funded. */
void dti_prov_add_pass(struct json_t *p, const char *pass, int exact, size_t funded,
                       uint64_t locations, dti_money cost, size_t greedy_funded,
                       uint64_t greedy_locations, dti_money greedy_cost);
/* The sentence a report gives when a pass's exact allocation differs from greedy (empty when
 * none does), from a plan's provenance. */
void dti_prov_method_note(const struct json_t *plan, char *buf, size_t size);
/* A merge's provenance: the partials' rules, level, states and inputs, and the partials. */
void dti_prov_partial(struct json_t *p, const dti_partial *partial);

/* ---- temporaries (temporaries.c): what dt_remove_temporaries removes ---- */
typedef enum dti_temp_kind {
    DTI_TEMP_FILE = 1,     /* unlinked */
    DTI_TEMP_TREE = 2,     /* a directory removed with what it holds */
    DTI_TEMP_EMPTY_DIR = 3 /* a directory removed when empty (an output directory made) */
} dti_temp_kind;
/* Register a temporary: 0 ok, -1 out of memory (the caller removes it and fails). */
int dti_temp_add(const char *path, dti_temp_kind kind);
/* It was renamed into place or removed: no longer the handler's to remove. */
void dti_temp_forget(const char *path);
/* unlink() and forget. */
void dti_temp_unlink(const char *path);
/* Remove a directory and what it holds, depth levels down (system calls only). */
void dti_temp_remove_tree(const char *path, int depth);
/* SIGINT, SIGTERM and SIGHUP held back in this thread while several outputs are renamed
 * into place, so that an interruption finds either all of them or none in place. */
void dti_signals_hold(sigset_t *old_mask);
void dti_signals_release(const sigset_t *old_mask);

#endif
